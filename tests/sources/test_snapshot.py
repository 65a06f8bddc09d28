"""The evidence snapshot as a saved artifact: every field round-trips through JSON exactly."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError

from riskcards.models import evidence
from riskcards.models.evidence import (
    EVALUATE_CORE_METRICS,
    EVALUATE_DEFAULT_METRICS,
    EVIDENCE_SCHEMA_VERSION,
    ArtifactInfo,
    DatasetInput,
    EvidenceSnapshot,
    LoggedModelEvidence,
    MetricPoint,
    MetricValue,
    MlflowEvaluation,
    ModelSignature,
    ModelVersionEvidence,
    Provenance,
    RunEvidence,
    TableArtifact,
    Target,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
RUN_ID = "0123456789abcdef0123456789abcdef"
MODEL_ID = "m-0e35d86c65814717a8e198485e0a5652"


def full_snapshot() -> EvidenceSnapshot:
    """A snapshot with every field of every model set to something other than its default,
    NaN and infinities included."""
    history = (
        MetricPoint(value=0.7, step=0, timestamp=T0),
        MetricPoint(value=math.inf, step=1, timestamp=T0),
    )
    metric = MetricValue(
        key="accuracy_score",
        value=0.81,
        step=3,
        timestamp=T0,
        dataset_name="eval",
        dataset_digest="e1e2e3e4",
        history=history,
    )
    artifacts = (
        ArtifactInfo(path="eval", is_dir=True, size=0),
        ArtifactInfo(path="eval/t.json", size=91),
    )
    run = RunEvidence(
        run_id=RUN_ID,
        run_name="credit-risk-logreg",
        experiment_id="1",
        experiment_name="credit-risk",
        status="FINISHED",
        lifecycle_stage="active",
        user="alice",
        start_time=T0,
        end_time=T0,
        description="A logistic regression.",
        artifact_uri="mlflow-artifacts:/1/x/artifacts",
        metrics=(
            metric,
            MetricValue(
                key="nan_metric",
                value=math.nan,
                step=1,
                timestamp=T0,
                dataset_name="d",
                dataset_digest="x",
                history=(history[0],),
            ),
        ),
        params={"l2": "0.01"},
        tags={"owner": "team"},
        system_tags={"mlflow.user": "alice"},
        datasets=(
            DatasetInput(
                name="eval",
                digest="e1e2e3e4",
                source_type="local",
                source='{"uri": "x"}',
                dataset_schema='{"mlflow_colspec": []}',
                profile='{"num_rows": 3}',
                context="evaluation",
                tags={"licence": "internal"},
            ),
        ),
        model_inputs=("m-in",),
        model_outputs=(MODEL_ID,),
        artifacts=artifacts,
        tables=(
            TableArtifact(
                path="eval/t.json",
                format="json",
                status="loaded",
                size=91,
                sha256="ab" * 32,
                content='{"columns": [], "data": []}',
                detail="loaded whole",
            ),
        ),
        evaluations=(
            MlflowEvaluation(
                model_type="classifier",
                metric_prefix="val_",
                metrics=("val_example_count",),
                artifacts=("val_roc_curve_plot.png",),
                dataset_name="eval",
                dataset_digest="e1e2e3e4",
            ),
        ),
    )
    model = LoggedModelEvidence(
        uri=f"models:/{MODEL_ID}",
        model_id=MODEL_ID,
        name="model",
        model_type="classifier",
        source_run_id=RUN_ID,
        status="READY",
        created=T0,
        artifact_location="mlflow-artifacts:/1/models",
        tags={"k": "v"},
        params={"l2": "0.01"},
        metrics=(metric,),
        flavors=("python_function",),
        signature=ModelSignature(
            inputs='[{"type": "double"}]', outputs='[{"type": "long"}]', params='[{"name": "p"}]'
        ),
        mlmodel_sha256="cd" * 32,
        artifacts=(ArtifactInfo(path="MLmodel", size=818),),
    )
    return EvidenceSnapshot(
        target=Target(
            uri="models:/credit-risk@champion",
            kind="model_version",
            run_id=RUN_ID,
            model_name="credit-risk",
            model_version="3",
            alias="champion",
        ),
        run=run,
        model_version=ModelVersionEvidence(
            name="credit-risk",
            version="3",
            aliases=("champion",),
            description="Third version.",
            source=f"models:/{MODEL_ID}",
            run_id=RUN_ID,
            model_id=MODEL_ID,
            status="READY",
            user="bob",
            created=T0,
            last_updated=T0,
            tags={"validated": "yes"},
            registered_model_description="Scores applications.",
            registered_model_tags={"risk_tier": "high"},
            registered_model_aliases={"champion": "3"},
        ),
        logged_models=(model,),
        warnings=("metric 'nan_metric' is NaN: kept, flagged as invalid evidence",),
        provenance=Provenance(
            tracking_uri="http://127.0.0.1:5000",
            mlflow_version="3.17.2",
            riskcards_version="0.1.0",
            collected_at=datetime(2026, 11, 28, 11, 0, 0, 123456, tzinfo=UTC),
            mlflow_server_version="3.17.2",
            duration_seconds=1.25,
            deadline_seconds=30.0,
            history=True,
            max_table_bytes=1000,
            queries={"runs/get": 1},
            retries=2,
            counts={"metrics": 2},
        ),
    )


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
    _filled(full_snapshot(), seen)
    fixed = {("EvidenceSnapshot", "schema_version")}  # one possible value
    assert [key for key, filled in seen.items() if not filled and key not in fixed] == []
    models = {
        name
        for name, obj in vars(evidence).items()
        if isinstance(obj, type)
        and issubclass(obj, BaseModel)
        and obj.__module__ == evidence.__name__
    }
    assert models == {cls for cls, _ in seen}


def test_round_trip_is_exact() -> None:
    snapshot = full_snapshot()
    text = snapshot.model_dump_json()
    again = EvidenceSnapshot.model_validate_json(text)
    assert again.model_dump_json() == text
    assert again.model_dump_json(indent=2) == snapshot.model_dump_json(indent=2)
    # NaN is not equal to itself: compare everything else as values
    nan_free = snapshot.model_copy(
        update={"run": snapshot.run.model_copy(update={"metrics": snapshot.run.metrics[:1]})}
    )
    assert EvidenceSnapshot.model_validate_json(nan_free.model_dump_json()) == nan_free
    assert math.isnan(again.run.metrics[1].value)
    assert again.run.metrics[0].history[1].value == math.inf  # type: ignore[index]


def test_invalid_values_are_kept_and_flagged() -> None:
    data = json.loads(full_snapshot().model_dump_json())
    nan_metric = data["run"]["metrics"][1]
    assert nan_metric["value"] == "NaN" and nan_metric["valid"] is False
    assert data["run"]["metrics"][0]["valid"] is True
    for value in (math.nan, math.inf, -math.inf):
        m = MetricValue(key="k", value=value)
        assert not m.valid and not m.is_finite
    # `valid` is derived: whatever a file claims, the value decides
    assert not MetricValue.model_validate({"key": "k", "value": "NaN", "valid": True}).valid


def test_a_version_1_snapshot_still_loads() -> None:
    data = json.loads(full_snapshot().model_dump_json())
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


def test_unknown_keys_and_versions_are_refused() -> None:
    data = json.loads(full_snapshot().model_dump_json())
    with pytest.raises(ValidationError):
        EvidenceSnapshot.model_validate({**data, "schema_version": 3})
    data["run"]["tabels"] = []
    with pytest.raises(ValidationError, match="tabels"):
        EvidenceSnapshot.model_validate(data)


def test_the_model_behind_the_target() -> None:
    snapshot = full_snapshot()
    assert snapshot.model is snapshot.logged_models[0]
    assert snapshot.model.signature is not None  # type: ignore[union-attr]
    assert snapshot.run.table("eval/t.json") is snapshot.run.tables[0]
    assert snapshot.run.table("nope") is None


def test_evaluate_names_are_consistent() -> None:
    for model_type, core in EVALUATE_CORE_METRICS.items():
        assert EVALUATE_DEFAULT_METRICS[model_type][: len(core)] == core
