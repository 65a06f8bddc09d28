"""Shared fixtures: a fully-populated evidence snapshot, the built-in inputs, a clock."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from riskcards.load.catalogues import Loaded, load_frameworks
from riskcards.models.assessment import Assessment
from riskcards.models.evidence import (
    ArtifactInfo,
    ChildRun,
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
from riskcards.models.evidence_genai import (
    GenaiEvidence,
    GenaiTrace,
    PromptVersion,
    ScorerResult,
    TraceAssessment,
)

AS_OF = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def make_snapshot(*, every_field: bool = False, **run_changes: object) -> EvidenceSnapshot:
    """A realistic snapshot of a registered model version; ``run_changes`` override
    RunEvidence fields.

    With ``every_field``, every field of every evidence model also holds something other
    than its default (an MLflow 3 logged model with its signature, tables, an evaluation,
    metric histories, a NaN metric and an infinite point, full provenance), for the
    round-trip tests of :mod:`riskcards.models.evidence`. The default snapshot leaves those
    out, so the documents rendered from it stay as they are.
    """
    run = RunEvidence(
        run_id="0123456789abcdef0123456789abcdef",
        run_name="credit-risk-logreg",
        experiment_id="1",
        experiment_name="credit-risk",
        status="FINISHED",
        user="alice",
        start_time=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
        end_time=datetime(2026, 11, 1, 9, 5, tzinfo=UTC),
        description="A logistic regression that scores the risk of default.",
        metrics=(
            MetricValue(
                key="accuracy_score",
                value=0.81,
                step=0,
                timestamp=datetime(2026, 11, 1, 9, 4, tzinfo=UTC),
            ),
            MetricValue(key="fairness/demographic_parity_difference", value=0.18),
            MetricValue(key="robustness/fgsm_accuracy", value=0.55),
            MetricValue(key="roc_auc", value=0.86),
            MetricValue(key="slice/sex/female/accuracy", value=0.8),
            MetricValue(key="slice/sex/male/accuracy", value=0.82),
        ),
        params={"l2": "0.01", "model_type": "logistic_regression"},
        tags={
            "intended_use": "Pre-screening of consumer credit applications by analysts.",
            "limitations": "Trained on synthetic data; not validated on real applicants.",
            "owner": "credit-ml-team",
        },
        system_tags={
            "mlflow.note.content": "A logistic regression that scores the risk of default."
        },
        datasets=(
            DatasetInput(
                name="credit-eval",
                digest="e1e2e3e4",
                source_type="local",
                source='{"uri": "/data/eval.csv"}',
                dataset_schema='{"mlflow_colspec": [{"type": "double", "name": "income", "required": true}]}',
                profile='{"num_rows": 1500, "num_elements": 12000}',
                context="evaluation",
                tags={"licence": "internal"},
            ),
            DatasetInput(
                name="credit-train",
                digest="a1a2a3a4",
                source_type="local",
                source='{"uri": "/data/train.csv"}',
                dataset_schema=None,
                profile=None,
                context="training",
            ),
        ),
        artifacts=(
            ArtifactInfo(path="eval", is_dir=True),
            ArtifactInfo(path="eval/predictions.json", size=1234),
        ),
    )
    if every_field:
        run = run.model_copy(update=_every_run_field(run))
    run = run.model_copy(update=run_changes)
    snapshot = EvidenceSnapshot(
        target=Target(
            uri="models:/credit-risk@champion",
            kind="model_version",
            run_id=run.run_id,
            model_name="credit-risk",
            model_version="3",
            alias="champion",
        ),
        run=run,
        model_version=ModelVersionEvidence(
            name="credit-risk",
            version="3",
            aliases=("champion",),
            description="Third version: retrained on the November extract.",
            source="models:/m-abc",
            run_id=run.run_id,
            status="READY",
            created=datetime(2026, 11, 1, 9, 6, tzinfo=UTC),
            tags={"validated": "yes"},
            registered_model_description="Scores consumer credit applications.",
            registered_model_tags={"risk_tier": "high"},
            registered_model_aliases={"champion": "3"},
        ),
        provenance=Provenance(
            tracking_uri="http://127.0.0.1:5000",
            mlflow_version="3.17.2",
            riskcards_version="0.1.0",
            collected_at=datetime(2026, 11, 28, 11, 0, tzinfo=UTC),
        ),
    )
    return snapshot.model_copy(update=_every_snapshot_field(snapshot)) if every_field else snapshot


_MODEL_ID = "m-abc"


def _every_run_field(run: RunEvidence) -> dict[str, object]:
    """What :func:`make_snapshot` adds to the run with ``every_field``."""
    at = datetime(2026, 11, 1, 9, 4, tzinfo=UTC)
    history = (
        MetricPoint(value=0.7, step=0, timestamp=at),
        MetricPoint(value=math.inf, step=1, timestamp=at),
    )
    accuracy = MetricValue(
        key="accuracy_score",
        value=0.81,
        step=3,
        timestamp=at,
        dataset_name="credit-eval",
        dataset_digest="e1e2e3e4",
        history=history,
    )
    nan = MetricValue(
        key="nan_metric",
        value=math.nan,
        step=1,
        timestamp=at,
        dataset_name="credit-eval",
        dataset_digest="e1e2e3e4",
        history=history[:1],
    )
    return {
        "lifecycle_stage": "active",
        "artifact_uri": f"mlflow-artifacts:/1/{run.run_id}/artifacts",
        "metrics": (
            *(accuracy if m.key == accuracy.key else m for m in run.metrics),
            nan,
        ),
        "model_inputs": ("m-base",),
        "model_outputs": (_MODEL_ID,),
        "artifacts": (
            *run.artifacts,
            ArtifactInfo(path="eval/big.json", size=20_000),
        ),
        "tables": (
            TableArtifact(
                path="eval/predictions.json",
                format="json",
                status="loaded",
                size=27,
                sha256="ab" * 32,
                content='{"columns": [], "data": []}',
            ),
            TableArtifact(
                path="eval/big.json",
                format="json",
                status="too_large",
                size=20_000,
                detail="20,000 bytes is over the 1,000 bytes cap: not loaded",
            ),
        ),
        "evaluations": (
            MlflowEvaluation(
                model_type="classifier",
                metric_prefix="val_",
                metrics=("val_example_count",),
                keys={"accuracy_score": "val_accuracy"},
                artifacts=("val_roc_curve_plot.png",),
                dataset_name="credit-eval",
                dataset_digest="e1e2e3e4",
                evaluator="custom",
                model="m-base",
                role="validation",
            ),
        ),
        "parent_run_id": "0123456789abcdef0123456789abcdef",
        "parent_run_name": "sweep",
        "children": (
            ChildRun(run_id="c" * 32, run_name="fold-1", status="FINISHED", metrics={"auc": 0.8}),
        ),
    }


def _every_snapshot_field(snapshot: EvidenceSnapshot) -> dict[str, object]:
    """What :func:`make_snapshot` adds around the run with ``every_field``."""
    assert snapshot.model_version is not None
    accuracy = snapshot.run.metric("accuracy_score")
    assert accuracy is not None
    model = LoggedModelEvidence(
        uri=f"models:/{_MODEL_ID}",
        model_id=_MODEL_ID,
        name="model",
        model_type="classifier",
        source_run_id=snapshot.run.run_id,
        status="READY",
        created=datetime(2026, 11, 1, 9, 5, tzinfo=UTC),
        artifact_location=f"mlflow-artifacts:/1/models/{_MODEL_ID}/artifacts",
        tags={"framework": "sklearn"},
        params={"l2": "0.01"},
        metrics=(accuracy,),
        flavors=("python_function", "sklearn"),
        signature=ModelSignature(
            inputs='[{"type": "double", "name": "income", "required": true}]',
            outputs='[{"type": "long", "name": "label", "required": true}]',
            params='[{"name": "threshold", "type": "double", "default": 0.5}]',
        ),
        mlmodel_sha256="cd" * 32,
        artifacts=(ArtifactInfo(path="MLmodel", size=818),),
    )
    version = snapshot.model_version.model_copy(
        update={
            "model_id": _MODEL_ID,
            "user": "bob",
            # microseconds, so the round trip shows they are kept
            "last_updated": datetime(2026, 11, 2, 10, 0, 0, 123456, tzinfo=UTC),
        }
    )
    provenance = snapshot.provenance.model_copy(
        update={
            "mlflow_server_version": "3.17.2",
            "duration_seconds": 1.25,
            "deadline_seconds": 30.0,
            "history": True,
            "max_table_bytes": 1000,
            "queries": {"runs/get": 1, "metrics/get-history": 7},
            "retries": 2,
            "counts": {"metrics": len(snapshot.run.metrics)},
            "auth": "token",
            "tls_verified": True,
        }
    )
    target = snapshot.target.model_copy(
        update={"model_id": _MODEL_ID, "resolved": "latest: the highest version of m is 3"}
    )
    return {
        "target": target,
        "model_version": version,
        "logged_models": (model,),
        "warnings": (
            "metric 'nan_metric' is NaN: kept, flagged as invalid evidence",
            "table 'eval/big.json': 20,000 bytes is over the 1,000 bytes cap: not loaded",
        ),
        "provenance": provenance,
        "genai": _every_genai_field(),
    }


def _every_genai_field() -> GenaiEvidence:
    """GenAI evidence with every field set (the round-trip tests)."""
    judged = TraceAssessment(
        name="groundedness",
        value="false",
        passed=False,
        source_type="human",
        source_id="reviewer@example.org",
        rationale="not in the retrieved text",
    )
    return GenaiEvidence(
        run_id="0123456789abcdef0123456789abcdef",
        application="app.predict",
        application_digest="sha256:" + "ab" * 32,
        model_ids=(_MODEL_ID,),
        traces_total=1,
        traces=(
            GenaiTrace(
                trace_id="tr-1",
                request='{"question": "q"}',
                response="call [phone]",
                assessments=(judged,),
                pii=("phone",),
                masked=True,
            ),
        ),
        scorers=(
            ScorerResult(
                name="groundedness",
                mean=0.5,
                judged=2,
                passed=1,
                source_types=("code",),
                failing=("tr-1",),
            ),
        ),
        human=(ScorerResult(name="groundedness", judged=1, source_types=("human",)),),
        prompts=(
            PromptVersion(
                name="system",
                version="2",
                sha256="ef" * 32,
                template="Be brief.",
                commit_message="shorter",
            ),
        ),
        max_failing_examples=5,
        max_text=200,
        pages=1,
    )


def snapshot_of(name: str, version: str = "1") -> EvidenceSnapshot:
    """The full snapshot, as the evidence of another registered model version."""
    snapshot = make_snapshot()
    target = Target(
        uri=f"models:/{name}/{version}",
        kind="model_version",
        run_id=snapshot.run.run_id,
        model_name=name,
        model_version=version,
    )
    return snapshot.model_copy(update={"target": target})


@pytest.fixture
def snapshot() -> EvidenceSnapshot:
    return make_snapshot()


@pytest.fixture(scope="session")
def loaded() -> Loaded:
    return load_frameworks()


def assess_crosswalked(loaded: Loaded) -> Assessment:
    """The test snapshot assessed against the built-ins, crosswalks included."""
    from riskcards.assess import assess

    return assess(
        make_snapshot(),
        loaded.catalogues,
        loaded.mapping,
        as_of=AS_OF,
        crosswalks=loaded.crosswalks,
    )
