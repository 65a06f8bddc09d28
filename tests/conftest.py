"""Shared fixtures: a fully-populated evidence snapshot, the built-in inputs, a clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from riskcards.catalogues import Loaded, load_inputs
from riskcards.models.evidence import (
    ArtifactInfo,
    DatasetInput,
    EvidenceSnapshot,
    MetricValue,
    ModelVersionEvidence,
    Provenance,
    RunEvidence,
    Target,
)

AS_OF = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


def make_snapshot(**run_changes: object) -> EvidenceSnapshot:
    """A snapshot with every field filled; ``run_changes`` override RunEvidence fields."""
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
    run = run.model_copy(update=run_changes)
    return EvidenceSnapshot(
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


@pytest.fixture
def snapshot() -> EvidenceSnapshot:
    return make_snapshot()


@pytest.fixture(scope="session")
def loaded() -> Loaded:
    return load_inputs()
