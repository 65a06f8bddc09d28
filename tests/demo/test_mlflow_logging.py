"""Tests of riskcards.demo.mlflow_logging: log_demo against a real MLflow store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from riskcards.demo.data import FEATURES
from riskcards.demo.mlflow_logging import (
    MODEL_VERSION_TAGS,
    REGISTERED_MODEL_DESCRIPTION,
    REGISTERED_MODEL_TAGS,
    RUN_DESCRIPTION,
    DemoLogged,
    _model_input,
)
from riskcards.demo.model import TrainedDemo
from riskcards.demo.store import MARKER


def test_importing_the_demo_loads_neither_mlflow_nor_pandas() -> None:
    code = "import riskcards.demo, sys; assert not {'mlflow', 'pandas'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- log_demo against a real store --------------------------------------------------------


def _client(logged: DemoLogged) -> Any:
    import mlflow

    return mlflow.MlflowClient(logged.tracking_uri, registry_uri=logged.tracking_uri)


@pytest.mark.integration
@pytest.mark.slow
def test_log_demo_returns_where_it_logged(logged: DemoLogged) -> None:
    store = logged.store_dir
    assert logged.tracking_uri == f"sqlite:///{store / 'mlflow.db'}"
    assert (logged.model_name, logged.model_version, logged.alias) == (
        "credit-risk",
        "1",
        "champion",
    )
    assert (store.parent / MARKER).is_file()
    assert sorted(p.name for p in store.iterdir()) == [
        "artifacts",
        "data",
        "mlflow.db",
        "model-src",
        "model-src-challenger",
    ]


@pytest.mark.integration
@pytest.mark.slow
def test_the_run_has_metrics_params_and_tags(logged: DemoLogged, trained: TrainedDemo) -> None:
    client = _client(logged)
    run = client.get_run(logged.run_id)
    assert run.info.run_name == "credit-risk-logreg"
    assert client.get_experiment(run.info.experiment_id).name == "credit-risk"

    metrics = run.data.metrics
    for name, value in trained.evaluation.metrics.items():
        assert metrics[name] == pytest.approx(value), name
    assert metrics["latency/p95_ms_per_1k_rows"] > 0
    assert not any(name.startswith(("drift", "monitoring")) for name in metrics)
    losses = client.get_metric_history(logged.run_id, "train/loss")
    assert [m.value for m in sorted(losses, key=lambda m: m.step)] == pytest.approx(
        list(trained.training.loss_history)
    )

    params = run.data.params
    assert params["n_train"] == "4500" and params["n_eval"] == "1500" and params["seed"] == "7"
    assert params["features"].split(",") == list(FEATURES)
    assert {"l2", "solver", "max_iter", "fgsm_epsilon", "decision_threshold"} <= set(params)

    tags = run.data.tags
    assert tags["mlflow.note.content"] == RUN_DESCRIPTION
    assert tags["task"] == "binary-classification"
    assert tags["domain"] == "consumer-credit"
    assert tags["sensitive_attributes"] == "sex"
    assert tags["intended_use"] and tags["limitations"] and tags["owner"]
    assert "out_of_scope_use" not in tags


@pytest.mark.integration
@pytest.mark.slow
def test_the_run_has_training_and_evaluation_datasets(logged: DemoLogged) -> None:
    inputs = _client(logged).get_run(logged.run_id).inputs.dataset_inputs
    by_context = {
        tag.value: d.dataset for d in inputs for tag in d.tags if tag.key == "mlflow.data.context"
    }
    assert set(by_context) == {"training", "evaluation"}
    assert by_context["training"].name == "credit-train"
    assert by_context["evaluation"].name == "credit-eval"
    for dataset in by_context.values():
        assert dataset.source_type == "local"
        path = Path(json.loads(dataset.source)["uri"])
        assert path.parent == logged.store_dir / "data" and path.is_file()
    profile = json.loads(by_context["evaluation"].profile)
    assert profile["num_rows"] == 1_500


@pytest.mark.integration
@pytest.mark.slow
def test_the_run_has_the_evaluation_artifacts(logged: DemoLogged, trained: TrainedDemo) -> None:
    client = _client(logged)
    assert [a.path for a in client.list_artifacts(logged.run_id, "eval")] == [
        "eval/predictions.json",
        "eval/slices.json",
    ]
    folder = Path(client.download_artifacts(logged.run_id, "eval"))
    table = json.loads((folder / "predictions.json").read_text())
    assert table["columns"] == [
        "label",
        "score",
        "prediction",
        "sex",
        "age_band",
        "adversarial_score",
    ]
    assert len(table["data"]) == 1_500
    slices = json.loads((folder / "slices.json").read_text())
    assert slices == trained.evaluation.slices


@pytest.mark.integration
@pytest.mark.slow
def test_the_model_is_registered_with_the_champion_alias(logged: DemoLogged) -> None:
    client = _client(logged)
    version = client.get_model_version_by_alias("credit-risk", "champion")
    # the SQLite store gives versions as int, a tracking server as str
    assert str(version.version) == "1" and version.run_id == logged.run_id
    assert version.description and version.tags == MODEL_VERSION_TAGS
    registered = client.get_registered_model("credit-risk")
    assert registered.description == REGISTERED_MODEL_DESCRIPTION
    assert registered.tags == REGISTERED_MODEL_TAGS
    assert {k: str(v) for k, v in registered.aliases.items()} == {
        "champion": "1",
        "challenger": "2",
    }


@pytest.mark.integration
@pytest.mark.slow
def test_the_served_model_scores_like_the_numpy_model(
    logged: DemoLogged, trained: TrainedDemo
) -> None:
    import mlflow

    client = _client(logged)
    version = client.get_model_version_by_alias("credit-risk", "champion")
    # MLflow 3 keeps the model outside the run's artifacts, as a LoggedModel; the version's
    # source is "models:/<model id>" (its model_id field stays empty with a SQLite store)
    (output,) = client.get_run(logged.run_id).outputs.model_outputs
    assert version.source == f"models:/{output.model_id}"
    location = client.get_logged_model(output.model_id).artifact_location
    served = mlflow.pyfunc.load_model(location)
    features = trained.eval_set.features
    out = served.predict(_model_input(trained.eval_set))
    assert list(out.columns) == ["default_probability", "prediction"]
    assert np.allclose(out["default_probability"], trained.training.model.predict_proba(features))
    assert np.array_equal(out["prediction"], trained.evaluation.predictions)


@pytest.mark.integration
@pytest.mark.slow
def test_the_challenger_is_better_at_one_metric_and_worse_at_another(logged: DemoLogged) -> None:
    client = _client(logged)
    challenger = client.get_model_version_by_alias("credit-risk", "challenger")
    assert str(challenger.version) == logged.challenger_version == "2"
    assert challenger.run_id != logged.run_id
    champion = client.get_run(logged.run_id).data
    second = client.get_run(challenger.run_id).data
    assert (second.params["l2"], second.params["decision_threshold"]) == ("3.0", "0.35")
    assert second.metrics["recall_score"] > champion.metrics["recall_score"] + 0.1
    assert (
        second.metrics["expected_calibration_error"]
        > champion.metrics["expected_calibration_error"] + 0.03
    )
