"""The evidence snapshot as a saved artifact: every field round-trips through JSON exactly."""

from __future__ import annotations

import json
import math

import pytest
from pydantic import BaseModel, ValidationError

from riskcards.models import evidence, evidence_genai
from riskcards.models.evidence import (
    EVALUATE_CORE_METRICS,
    EVALUATE_DEFAULT_METRICS,
    EVIDENCE_SCHEMA_VERSION,
    DatasetInput,
    EvidenceSnapshot,
    MetricValue,
)
from tests.conftest import make_snapshot


def _filled(model: BaseModel, seen: dict[tuple[str, str], bool]) -> None:
    """Record, per (model class, field), whether some instance holds a non-default value."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        key = (type(model).__name__, name)
        seen[key] = seen.get(key, False) or (value not in (None, (), {}) and value != default)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, BaseModel):
                _filled(item, seen)


def test_the_fixture_fills_every_field_of_every_model() -> None:
    seen: dict[tuple[str, str], bool] = {}
    _filled(make_snapshot(every_field=True), seen)
    fixed = {("EvidenceSnapshot", "schema_version")}  # one possible value
    assert [key for key, filled in seen.items() if not filled and key not in fixed] == []
    models = {
        name
        for module in (evidence, evidence_genai)
        for name, obj in vars(module).items()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == module.__name__
    }
    assert models == {cls for cls, _ in seen}


def test_round_trip_is_exact() -> None:
    snapshot = make_snapshot(every_field=True)
    text = snapshot.model_dump_json()
    again = EvidenceSnapshot.model_validate_json(text)
    assert again.model_dump_json() == text
    assert again.model_dump_json(indent=2) == snapshot.model_dump_json(indent=2)
    # NaN is not equal to itself: compare everything else as values
    finite = tuple(m for m in snapshot.run.metrics if m.key != "nan_metric")
    assert len(finite) == len(snapshot.run.metrics) - 1
    nan_free = snapshot.model_copy(
        update={"run": snapshot.run.model_copy(update={"metrics": finite})}
    )
    assert EvidenceSnapshot.model_validate_json(nan_free.model_dump_json()) == nan_free
    assert math.isnan(again.run.metric("nan_metric").value)  # type: ignore[union-attr]
    assert again.run.metric("accuracy_score").history[1].value == math.inf  # type: ignore[index,union-attr]


def test_invalid_values_are_kept_and_flagged() -> None:
    data = json.loads(make_snapshot(every_field=True).model_dump_json())
    metrics = {m["key"]: m for m in data["run"]["metrics"]}
    nan_metric = metrics["nan_metric"]
    assert nan_metric["value"] == "NaN" and nan_metric["valid"] is False
    assert metrics["accuracy_score"]["valid"] is True
    for value in (math.nan, math.inf, -math.inf):
        m = MetricValue(key="k", value=value)
        assert not m.valid and not m.is_finite
    # `valid` is derived: whatever a file claims, the value decides
    assert not MetricValue.model_validate({"key": "k", "value": "NaN", "valid": True}).valid


def test_a_version_1_snapshot_still_loads() -> None:
    data = json.loads(make_snapshot(every_field=True).model_dump_json())
    v1 = {
        "schema_version": 1,
        "target": data["target"],
        "provenance": {
            k: data["provenance"][k]
            for k in ("tracking_uri", "mlflow_version", "riskcards_version", "collected_at")
        },
    }
    v1["run"] = {
        k: v
        for k, v in data["run"].items()
        if k
        in {
            "run_id",
            "run_name",
            "experiment_id",
            "experiment_name",
            "status",
            "user",
            "start_time",
            "end_time",
            "description",
            "params",
            "tags",
            "system_tags",
            "datasets",
            "artifacts",
        }
    }
    v1["run"]["metrics"] = [{"key": "roc_auc", "value": 0.86, "step": 0, "timestamp": None}]
    loaded = EvidenceSnapshot.model_validate(v1)
    assert loaded.schema_version == EVIDENCE_SCHEMA_VERSION
    assert (
        loaded.run.tables == () and loaded.logged_models == () and loaded.provenance.queries == {}
    )
    # roles did not exist: each dataset takes the one its MLflow context names
    assert [(d.context, d.role) for d in loaded.run.datasets] == [
        (d["context"], {"training": "training", "evaluation": "evaluation"}.get(d["context"]))
        for d in v1["run"]["datasets"]
    ]
    assert loaded.run.parent_run_id is None and loaded.run.children == ()


def test_dataset_roles_from_contexts_and_the_project() -> None:
    run = make_snapshot().run
    contexts = ("train", "eval", "val_", "test_", "holdout", "golden", None)
    base = {k: v for k, v in run.datasets[0].model_dump().items() if k != "role"}
    ev = make_snapshot(
        datasets=tuple(
            DatasetInput.model_validate({**base, "context": c, "name": str(c)}) for c in contexts
        )
    )
    assert [d.role for d in ev.run.datasets] == [
        "training",
        "evaluation",
        "validation",
        "test",
        "test",
        None,
        None,
    ]
    mapped = ev.with_dataset_roles({"golden": "test", "train": "validation"})
    assert [d.role for d in mapped.run.datasets][:2] == ["validation", "evaluation"]
    assert mapped.run.datasets[5].role == "test"
    assert ev.with_dataset_roles({}) is ev


def test_unknown_keys_and_versions_are_refused() -> None:
    data = json.loads(make_snapshot(every_field=True).model_dump_json())
    with pytest.raises(ValidationError):
        EvidenceSnapshot.model_validate({**data, "schema_version": 3})
    data["run"]["tabels"] = []
    with pytest.raises(ValidationError, match="tabels"):
        EvidenceSnapshot.model_validate(data)


def test_the_model_behind_the_target() -> None:
    snapshot = make_snapshot(every_field=True)
    assert snapshot.model is snapshot.logged_models[0]
    assert snapshot.model.signature is not None
    assert snapshot.run.table("eval/predictions.json") is snapshot.run.tables[0]
    assert snapshot.run.table("nope") is None


def test_evaluate_names_are_consistent() -> None:
    for model_type, core in EVALUATE_CORE_METRICS.items():
        assert EVALUATE_DEFAULT_METRICS[model_type][: len(core)] == core
