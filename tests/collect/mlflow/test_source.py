"""Collection from a real local MLflow store (sqlite, local artifacts): every kind of evidence,
its hashes and provenance, target resolution and near matches."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from riskcards.collect.mlflow.source import collect
from riskcards.errors import NotFound, SourceUnavailable, UsageError
from riskcards.models.evidence import EvidenceSnapshot
from tests.collect.mlflow.support import (
    ALIAS,
    EVALUATE_METRICS,
    HISTORY_PAGE,
    HISTORY_STEPS,
    MODEL_NAME,
    TABLE_ROWS,
    TEST_CAP,
    RichStore,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def snapshot(rich_local: RichStore) -> EvidenceSnapshot:
    return collect(
        f"models:/{MODEL_NAME}@{ALIAS}", rich_local.tracking_uri, max_table_bytes=TEST_CAP, now=NOW
    )


def test_the_registry(snapshot: EvidenceSnapshot, rich_local: RichStore) -> None:
    mv = snapshot.model_version
    assert mv is not None
    assert (mv.name, mv.version, mv.aliases) == (
        MODEL_NAME,
        rich_local.version,
        ("challenger", ALIAS),
    )
    assert mv.description == "Version under test." and mv.tags == {"validation_status": "approved"}
    assert mv.registered_model_description == "A model for tests."
    assert mv.registered_model_tags == {"risk_tier": "high"}
    assert mv.registered_model_aliases == {
        "challenger": rich_local.version,
        ALIAS: rich_local.version,
    }
    assert mv.model_id == rich_local.model_id and mv.source == f"models:/{rich_local.model_id}"
    assert mv.status == "READY" and mv.created is not None and mv.run_id == rich_local.run_id
    assert snapshot.target.model_dump() == {
        "uri": f"models:/{MODEL_NAME}@{ALIAS}",
        "kind": "model_version",
        "run_id": rich_local.run_id,
        "model_name": MODEL_NAME,
        "model_version": rich_local.version,
        "alias": ALIAS,
        "model_id": None,
        "resolved": None,
    }


def test_the_run(snapshot: EvidenceSnapshot, rich_local: RichStore) -> None:
    run = snapshot.run
    assert run.run_name == "rich-run" and run.experiment_name == "rich" and run.status == "FINISHED"
    assert run.lifecycle_stage == "active" and run.start_time and run.end_time
    assert run.description == "Everything a careful team logs."
    assert run.params == {"l2": "0.01", "model_type": "logistic_regression", "seed": "7"}
    assert run.tags == {"intended_use": "Testing riskcards.", "owner": "risk-team"}
    assert run.system_tags["mlflow.note.content"] == run.description
    assert {(d.name, d.context) for d in run.datasets} == {
        ("train", "training"),
        ("eval", "evaluation"),
    }
    assert next(d for d in run.datasets if d.name == "train").tags == {"licence": "internal"}
    assert all(d.digest and d.dataset_schema and d.profile for d in run.datasets)
    assert run.model_outputs == (rich_local.model_id,)
    latest = {m.key: m for m in run.metrics}
    assert {k: latest[k].value for k in EVALUATE_METRICS} == EVALUATE_METRICS
    assert latest["train/loss"].step == HISTORY_STEPS - 1
    assert latest["train/loss"].history is None  # history only when asked
    assert {a.path for a in run.artifacts} >= {
        "eval",
        "eval/table.json",
        "a/b/c/deep.txt",
        "confusion_matrix.png",
    }


def test_nan_and_infinite_metrics_are_kept_and_flagged(snapshot: EvidenceSnapshot) -> None:
    nan, inf = snapshot.run.metric("nan_metric"), snapshot.run.metric("inf_metric")
    assert nan is not None and math.isnan(nan.value) and not nan.valid
    # MLflow's SQL stores keep +inf as the largest float; riskcards reads it back as +inf
    assert inf is not None and inf.value == math.inf and not inf.valid
    assert "metric 'nan_metric' is NaN: kept, flagged as invalid evidence" in snapshot.warnings
    assert "metric 'inf_metric' is +inf: kept, flagged as invalid evidence" in snapshot.warnings
    assert snapshot.provenance.counts["invalid_metrics"] == 2
    data = json.loads(snapshot.model_dump_json())
    assert {m["key"]: m["value"] for m in data["run"]["metrics"] if not m["valid"]} == {
        "inf_metric": "Infinity",
        "nan_metric": "NaN",
    }


def test_the_logged_model_and_its_signature(
    snapshot: EvidenceSnapshot, rich_local: RichStore
) -> None:
    model = snapshot.model
    assert model is not None and model is snapshot.logged_models[0]
    assert (
        model.uri == f"models:/{rich_local.model_id}" and model.source_run_id == rich_local.run_id
    )
    assert model.flavors == ("python_function",) and model.status == "READY"
    assert model.signature is not None
    assert json.loads(model.signature.inputs or "") == [
        {"type": "double", "name": "income", "required": True}
    ]
    assert json.loads(model.signature.outputs or "") == [
        {"type": "long", "name": "label", "required": True}
    ]
    assert model.mlmodel_sha256 and len(model.mlmodel_sha256) == 64
    assert any(a.path == "MLmodel" for a in model.artifacts)
    assert model.params["l2"] == "0.01"
    linked = [m for m in model.metrics if m.dataset_name == "eval"]
    assert {m.key for m in linked} == set(EVALUATE_METRICS)


def test_tables_are_hashed_loaded_or_refused(
    snapshot: EvidenceSnapshot, rich_local: RichStore
) -> None:
    tables = {t.path: t for t in snapshot.run.tables}
    assert set(tables) == {
        "eval/table.json",
        "eval/table.csv",
        "eval/table.parquet",
        "eval/big.json",
        "eval/broken.json",
    }
    for path in ("eval/table.json", "eval/table.csv", "eval/table.parquet"):
        logged = rich_local.files[path]
        table = tables[path]
        assert table.status == "loaded" and table.detail is None
        assert table.sha256 == hashlib.sha256(logged).hexdigest() and table.size == len(logged)
    for path in ("eval/table.json", "eval/table.csv"):  # the content is the file, exactly
        content = tables[path].content or ""
        assert hashlib.sha256(content.encode()).hexdigest() == tables[path].sha256
        assert tables[path].content_format == path.rsplit(".", 1)[1]
    assert tables["eval/table.parquet"].content_format == "json"
    assert tables["eval/table.json"].content == rich_local.files["eval/table.json"].decode()
    assert tables["eval/table.csv"].content == rich_local.files["eval/table.csv"].decode()
    assert json.loads(tables["eval/table.parquet"].content or "") == TABLE_ROWS
    big = tables["eval/big.json"]
    assert (big.status, big.content, big.sha256, big.size) == (
        "too_large",
        None,
        None,
        len(rich_local.files["eval/big.json"]),
    )
    assert "over the 8,000 bytes cap: not loaded" in (big.detail or "")
    broken = tables["eval/broken.json"]
    assert broken.status == "unreadable" and broken.content is None and broken.sha256
    assert snapshot.provenance.counts["tables_loaded"] == 3
    assert snapshot.provenance.counts["tables_not_loaded"] == 2


def test_what_mlflow_evaluate_logged_is_recognised(snapshot: EvidenceSnapshot) -> None:
    [evaluation] = snapshot.run.evaluations
    assert evaluation.model_type == "classifier" and evaluation.metric_prefix == ""
    assert set(evaluation.metrics) == set(EVALUATE_METRICS)
    assert evaluation.artifacts == ("confusion_matrix.png",)
    digest = next(d.digest for d in snapshot.run.datasets if d.name == "eval")
    assert (evaluation.dataset_name, evaluation.dataset_digest) == ("eval", digest)


def test_provenance(snapshot: EvidenceSnapshot, rich_local: RichStore) -> None:
    p = snapshot.provenance
    assert p.tracking_uri == rich_local.tracking_uri and p.mlflow_server_version == "local"
    assert p.collected_at == NOW and p.duration_seconds and p.deadline_seconds == 60
    assert p.history is False and p.max_table_bytes == TEST_CAP and p.retries == 0
    assert p.queries == {
        "registered-models/get": 1,
        "model-versions/get": 1,
        "runs/get": 1,
        "runs/search": 1,  # the runs nested under it
        "experiments/get": 1,
        "logged-models/get": 1,
        "artifacts/list": 6,  # run: root, eval, a, a/b, a/b/c; model: root
        "artifacts/get": 5,
    }  # 4 tables under the cap + the MLmodel file
    run = snapshot.run
    assert p.counts == {
        "metrics": len(run.metrics),
        "invalid_metrics": 2,
        "history_points": 0,
        "params": 3,
        "tags": len(run.tags) + len(run.system_tags),
        "datasets": 2,
        "artifacts": sum(not a.is_dir for a in run.artifacts),
        "tables_loaded": 3,
        "tables_not_loaded": 2,
        "table_bytes": sum(t.size or 0 for t in run.tables if t.status == "loaded"),
        "logged_models": 1,
        "evaluations": 1,
    }


def test_history_is_read_to_the_end(rich_local: RichStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # make MLflow page the history by 100 points, so 250 points take three pages
    from mlflow.tracking._tracking_service import client

    monkeypatch.setattr(client, "GET_METRIC_HISTORY_MAX_RESULTS", HISTORY_PAGE)
    snapshot = collect(
        f"runs:/{rich_local.run_id}", rich_local.tracking_uri, history=True, fetch_tables=False
    )
    loss = snapshot.run.metric("train/loss")
    assert loss is not None and loss.history is not None
    assert [p.step for p in loss.history] == list(range(HISTORY_STEPS))
    assert [p.value for p in loss.history] == [1.0 / (s + 1) for s in range(HISTORY_STEPS)]
    assert snapshot.provenance.history is True
    assert snapshot.provenance.queries["metrics/get-history"] == len(snapshot.run.metrics)
    assert snapshot.provenance.counts["history_points"] == sum(
        len(m.history or ()) for m in snapshot.run.metrics
    )


def test_tables_can_be_left_out(rich_local: RichStore) -> None:
    snapshot = collect(
        f"models:/{MODEL_NAME}/{rich_local.version}", rich_local.tracking_uri, fetch_tables=False
    )
    assert snapshot.run.tables == () and snapshot.provenance.max_table_bytes is None
    assert snapshot.provenance.queries["artifacts/get"] == 1  # the MLmodel file only
    assert snapshot.target.alias is None and snapshot.model_version is not None


def test_a_run_target_with_an_mlflow_2_model_folder(rich_local: RichStore) -> None:
    snapshot = collect(f"runs:/{rich_local.legacy_run_id}", rich_local.tracking_uri)
    assert snapshot.model_version is None and snapshot.target.kind == "run"
    [model] = snapshot.logged_models
    assert model.uri == f"runs:/{rich_local.legacy_run_id}/legacy_model" and model.model_id is None
    assert model.signature is not None and "income" in (model.signature.inputs or "")
    assert all(a.path.startswith("legacy_model/") for a in model.artifacts)
    assert snapshot.run.tables == ()  # the model folder's JSON files are not evaluation tables
    assert snapshot.model is model


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (f"models:/{MODEL_NAME}@prd", ["no alias 'prd'", "did you mean 'prod'"]),
        (
            "models:/rich-modle/1",
            ["no registered model 'rich-modle'", f"did you mean '{MODEL_NAME}'"],
        ),
        (f"models:/{MODEL_NAME}/9", ["has no version 9", "(versions: 1)"]),
        ("runs:/0123456789abcdef0123456789abcdef", ["no run '0123456789abcdef0123456789abcdef'"]),
    ],
)
def test_unknown_targets_say_so_with_near_matches(
    rich_local: RichStore, target: str, words: list[str]
) -> None:
    with pytest.raises(NotFound) as caught:
        collect(target, rich_local.tracking_uri)
    for w in words:
        assert w in str(caught.value)
    assert caught.value.exit_code == 3


def test_bad_options_and_missing_stores(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="deadline"):
        collect("runs:/abc", "sqlite:///x.db", deadline_seconds=0)
    with pytest.raises(UsageError, match="cap"):
        collect("runs:/abc", "sqlite:///x.db", max_table_bytes=-1)
    missing = tmp_path / "none.db"
    with pytest.raises(SourceUnavailable, match="file not found"):
        collect("runs:/abc", f"sqlite:///{missing}")
    assert not missing.exists()  # MLflow would have created an empty store


def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_collection_writes_nothing_and_restores_mlflow_settings(rich_local: RichStore) -> None:
    store = Path(rich_local.tracking_uri.removeprefix("sqlite:///")).parent
    before, temp_before = _tree(store), set(Path(tempfile.gettempdir()).glob("riskcards-*"))
    environment = dict(os.environ)
    level = logging.getLogger("mlflow").level
    collect(f"models:/{MODEL_NAME}@{ALIAS}", rich_local.tracking_uri, history=True)
    assert _tree(store) == before
    assert set(Path(tempfile.gettempdir()).glob("riskcards-*")) == temp_before
    assert dict(os.environ) == environment
    assert logging.getLogger("mlflow").level == level


@pytest.mark.parametrize("uri", ["mlflow.db", "file:///tmp/nowhere/mlflow.sqlite"])
def test_a_database_file_path_suggests_sqlite(uri: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"sqlite:///PATH, here --tracking-uri sqlite:////"):
        collect("runs:/0123abcd", uri)


def test_the_store_is_opened_once_per_process_however_many_targets(
    rich_local: RichStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: opening the SQLAlchemy stores (engine, schema check) is paid once per
    process and tracking URI, not once per target (MLflow keeps the stores it opened)."""
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore as TrackingStore

    opened: list[str] = []
    for store in (TrackingStore, RegistryStore):
        original = store.__init__

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            opened.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(store, "__init__", counted)
    targets = [
        f"models:/{MODEL_NAME}@{ALIAS}",
        f"models:/{MODEL_NAME}/{rich_local.version}",
        f"runs:/{rich_local.run_id}",
        f"runs:/{rich_local.legacy_run_id}",
    ]
    for target in targets:
        collect(target, rich_local.tracking_uri, max_table_bytes=TEST_CAP, now=NOW)
    assert len(opened) <= 2, opened  # at most the first opening of each, never per target
