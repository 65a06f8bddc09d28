"""What `mlflow.models.evaluate` logs is recognised as evidence: by name, and for real."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from riskcards.collect.mlflow.evaluate import recognise_evaluations
from riskcards.collect.mlflow.source import collect
from riskcards.models.evidence import EVALUATE_DEFAULT_METRICS, MetricValue
from tests.collect.mlflow.support import mlflow_at

CLASSIFIER = EVALUATE_DEFAULT_METRICS["classifier"]
REGRESSOR = EVALUATE_DEFAULT_METRICS["regressor"]


def test_a_classifier_with_its_plots_and_dataset() -> None:
    linked = [
        MetricValue(key="example_count", value=10, dataset_name="holdout", dataset_digest="abc")
    ]
    [found] = recognise_evaluations(
        CLASSIFIER,
        ["roc_curve_plot.png", "per_class_metrics.csv", "eval/other.png", "model/MLmodel"],
        linked,
    )
    assert (found.model_type, found.metric_prefix) == ("classifier", "")
    assert found.metrics == CLASSIFIER
    assert found.artifacts == ("per_class_metrics.csv", "roc_curve_plot.png")
    assert (found.dataset_name, found.dataset_digest) == ("holdout", "abc")


def test_prefixes_separate_evaluations() -> None:
    keys = [f"val_{k}" for k in CLASSIFIER] + [f"test_{k}" for k in REGRESSOR[:5]] + ["loss"]
    found = recognise_evaluations(keys, ["val_confusion_matrix.png", "confusion_matrix.png"])
    assert [(f.metric_prefix, f.model_type) for f in found] == [
        ("test_", "regressor"),
        ("val_", "classifier"),
    ]
    assert found[1].artifacts == ("val_confusion_matrix.png",) and found[0].artifacts == ()


def test_look_alike_names_without_evaluate_are_not_claimed() -> None:
    # the demo names its metrics as evaluate does, but did not run evaluate (no example_count)
    assert (
        recognise_evaluations(["accuracy_score", "precision_score", "recall_score", "f1_score"], [])
        == ()
    )
    assert recognise_evaluations(["example_count", "accuracy_score"], ["roc_curve_plot.png"]) == ()


@pytest.mark.slow
@pytest.mark.integration
def test_real_mlflow_evaluate_output_is_recognised(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("matplotlib")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        classifier_run, regressor_run = pool.submit(_evaluate, uri, tmp_path / "artifacts").result()
    classifier = collect(f"runs:/{classifier_run}", uri)
    [found] = classifier.run.evaluations
    assert found.model_type == "classifier"
    assert {"example_count", "accuracy_score", "f1_score", "roc_auc", "log_loss"} <= set(
        found.metrics
    )
    assert {"confusion_matrix.png", "roc_curve_plot.png"} <= set(found.artifacts)
    digest = classifier.run.datasets[0].digest
    assert (found.dataset_name, found.dataset_digest) == ("dataset", digest)  # via the logged model
    regressor = collect(f"runs:/{regressor_run}", uri)
    [found] = regressor.run.evaluations
    assert found.model_type == "regressor"
    assert {"mean_squared_error", "r2_score", "max_error"} <= set(found.metrics)


def _evaluate(uri: str, artifacts: Path) -> tuple[str, str]:
    import mlflow
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LinearRegression, LogisticRegression

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    with mlflow_at(uri), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        experiment_id = mlflow.create_experiment("evaluate", artifact_location=str(artifacts))
        runs = []
        for model, label, model_type in (
            (LogisticRegression(), (x.a + x.b > 0).astype(int), "classifier"),
            (LinearRegression(), 2 * x.a - x.b, "regressor"),
        ):
            with mlflow.start_run(experiment_id=experiment_id) as run:
                info = mlflow.sklearn.log_model(
                    model.fit(x, label), name="model", input_example=x.iloc[:2]
                )
                data = x.assign(label=label)
                mlflow.models.evaluate(
                    info.model_uri,
                    data,
                    targets="label",
                    model_type=model_type,
                    evaluator_config={"log_model_explainability": False},
                )
                runs.append(run.info.run_id)
    return runs[0], runs[1]


def test_evaluations_take_their_dataset_model_and_role() -> None:
    from riskcards.collect.mlflow.evaluate import evaluated_datasets
    from riskcards.models.evidence import DatasetInput

    def ds(name: str, context: str | None) -> DatasetInput:
        return DatasetInput(
            name=name, digest=name[:4], source_type="code", source="{}", context=context
        )

    datasets = [ds("val-set", "val_"), ds("test-set", "test_"), ds("plain", None)]
    keys = [p + n for p in ("val_", "test_", "") for n in REGRESSOR]
    found = recognise_evaluations(keys, [], (), datasets, ["m-1"])
    assert [(e.metric_prefix, e.role, e.dataset_name, e.model) for e in found] == [
        ("", "evaluation", "plain", "m-1"),
        ("test_", "test", "test-set", "m-1"),
        ("val_", "validation", "val-set", "m-1"),
    ]
    recorded = '[{"name": "other", "hash": "x", "model": "m-1"}]'
    placed = evaluated_datasets([*datasets, ds("other", None)], found, recorded)
    assert [(d.name, d.role) for d in placed] == [
        ("val-set", "validation"),
        ("test-set", "test"),
        ("plain", "evaluation"),
        ("other", "evaluation"),
    ]
    assert evaluated_datasets([ds("x", None)], (), "not json")[0].role is None
