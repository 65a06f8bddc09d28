"""Tests of riskcards.demo: the numpy parts directly, ``log_demo`` against a real MLflow store."""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from riskcards import demo
from riskcards.errors import OutputError

# --- data ---------------------------------------------------------------------------------


def test_data_is_deterministic_per_seed() -> None:
    a, b, c = (
        demo.make_credit_data(seed=7),
        demo.make_credit_data(seed=7),
        demo.make_credit_data(seed=8),
    )
    for field in ("features", "default", "sex", "age_band"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.features, c.features)


def test_data_has_the_documented_shape() -> None:
    data = demo.make_credit_data(seed=7)
    assert data.features.shape == (demo.N_ROWS, len(demo.FEATURES))
    assert set(np.unique(data.default)) == {0, 1}
    assert set(np.unique(data.sex)) == {"female", "male"}
    assert set(np.unique(data.age_band)) == set(demo.AGE_BANDS)
    assert np.all(data.features >= 0)
    # sex is not a feature, but the features differ by sex: that is the built-in bias
    income = data.features[:, demo.FEATURES.index("income")]
    assert np.median(income[data.sex == "male"]) > np.median(income[data.sex == "female"])


def test_split_is_seeded_and_complete() -> None:
    data = demo.make_credit_data(seed=7)
    train, held_out = demo.split_train_eval(data, seed=7)
    assert (len(train), len(held_out)) == (4_500, 1_500)
    rows = np.vstack([train.features, held_out.features])
    assert np.array_equal(np.sort(rows, axis=0), np.sort(data.features, axis=0))
    again, _ = demo.split_train_eval(data, seed=7)
    assert np.array_equal(again.features, train.features)


# --- training -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained() -> demo.TrainedDemo:
    return demo.train_demo(seed=7)


def test_training_loss_decreases_and_converges(trained: demo.TrainedDemo) -> None:
    history = np.array(trained.training.loss_history)
    assert history[0] == pytest.approx(math.log(2))  # all weights zero: p = 0.5 everywhere
    assert np.all(np.diff(history) <= 0)
    assert history[-1] < history[0] - 0.2
    assert trained.training.converged
    assert trained.training.iterations < demo.MAX_ITER


def test_training_reaches_the_optimum(trained: demo.TrainedDemo) -> None:
    """The gradient of the penalised loss vanishes at the fitted weights."""
    model, data = trained.training.model, trained.train_set
    z = model.standardise(data.features)
    residual = model.proba_standardised(z) - data.default
    assert abs(residual.mean()) < 1e-8
    assert np.abs(z.T @ residual / len(z) + demo.L2 * model.weights).max() < 1e-8


def test_training_is_deterministic(trained: demo.TrainedDemo) -> None:
    again = demo.train_demo(seed=7)
    assert np.array_equal(again.training.model.weights, trained.training.model.weights)
    assert again.evaluation.metrics == trained.evaluation.metrics


def test_model_json_holds_the_fitted_parameters(trained: demo.TrainedDemo) -> None:
    model = trained.training.model
    spec = json.loads(json.dumps(model.to_json(threshold=0.5)))
    assert spec["features"] == list(demo.FEATURES)
    assert spec["weights"] == model.weights.tolist()
    assert spec["intercept"] == model.intercept


# --- metrics ------------------------------------------------------------------------------


def test_roc_auc_matches_pairwise_count() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    score = rng.integers(0, 8, 60) / 8  # many ties
    wins = sum(
        1.0 if s_pos > s_neg else 0.5 if s_pos == s_neg else 0.0
        for s_pos, s_neg in itertools.product(score[y == 1], score[y == 0])
    )
    assert demo.roc_auc(y, score) == pytest.approx(wins / ((y == 1).sum() * (y == 0).sum()))


def test_roc_auc_of_one_class_is_nan() -> None:
    assert math.isnan(demo.roc_auc(np.ones(4, dtype=np.int64), np.linspace(0, 1, 4)))


def test_calibration_errors_match_brute_force() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(500)
    y = (rng.random(500) < p**1.5).astype(np.int64)
    gaps, weights = [], []
    for k in range(10):
        inside = (p >= k / 10) & (p < (k + 1) / 10)
        if inside.any():
            gaps.append(abs(y[inside].mean() - p[inside].mean()))
            weights.append(inside.mean())
    ece, mce = demo.calibration_errors(y, p)
    assert ece == pytest.approx(float(np.dot(gaps, weights)))
    assert mce == pytest.approx(max(gaps))


def test_calibration_errors_closed_form() -> None:
    y = np.array([0, 1, 0, 1, 1])
    p = np.array([0.25, 0.25, 0.25, 0.25, 1.0])  # 1.0 belongs to the last bin
    ece, mce = demo.calibration_errors(y, p)
    assert ece == pytest.approx(4 / 5 * 0.25)
    assert mce == pytest.approx(0.25)


def test_classification_metrics_by_hand() -> None:
    y = np.array([1, 1, 0, 0])
    p = np.array([0.9, 0.4, 0.6, 0.1])  # one TP, one FN, one FP, one TN
    metrics = demo.classification_metrics(y, p, threshold=0.5)
    assert metrics["accuracy_score"] == 0.5
    assert metrics["precision_score"] == metrics["recall_score"] == metrics["f1_score"] == 0.5
    assert metrics["roc_auc"] == 0.75
    assert metrics["log_loss"] == pytest.approx(-np.mean(np.log([0.9, 0.4, 0.4, 0.9])))
    assert metrics["brier_score"] == pytest.approx((0.01 + 0.36 + 0.36 + 0.01) / 4)


def test_slices_and_fairness_by_hand() -> None:
    y = np.array([1, 0, 1, 0, 1, 0])
    predicted = np.array([1, 1, 1, 0, 0, 0])
    sex = np.array(["female", "female", "female", "male", "male", "male"])
    slices = demo.slice_metrics(y, predicted, {"sex": sex})
    assert slices["sex"]["female"] == {
        "n": 3.0,
        "accuracy": 2 / 3,
        "true_positive_rate": 1.0,
        "false_positive_rate": 1.0,
        "selection_rate": 1.0,
    }
    assert slices["sex"]["male"]["selection_rate"] == 0.0
    fairness = demo.fairness_metrics(slices, overall_accuracy=4 / 6)
    assert fairness["fairness/demographic_parity_difference"] == 1.0
    assert fairness["fairness/equalized_odds_difference"] == 1.0
    assert fairness["fairness/worst_slice_accuracy_gap"] == pytest.approx(0.0)


def test_fgsm_moves_every_logit_against_the_label(trained: demo.TrainedDemo) -> None:
    model, data = trained.training.model, trained.eval_set
    z = model.standardise(data.features)
    moved = demo.fgsm_perturb(model, z, data.default, 0.3)
    assert np.allclose(np.abs(moved - z), 0.3)
    shift = (moved - z) @ model.weights
    expected = 0.3 * np.abs(model.weights).sum() * np.where(data.default == 1, -1, 1)
    assert np.allclose(shift, expected)


def test_demo_evaluation_shows_the_intended_gaps(trained: demo.TrainedDemo) -> None:
    metrics = trained.evaluation.metrics
    assert metrics["roc_auc"] > 0.75
    assert metrics["expected_calibration_error"] < 0.05
    assert metrics["fairness/demographic_parity_difference"] > 0.10
    assert metrics["robustness/fgsm_accuracy"] < 0.70
    assert metrics["robustness/fgsm_accuracy"] < metrics["accuracy_score"]
    assert 0 < metrics["robustness/attack_success_rate"] <= 1


def test_metric_names_are_valid_for_mlflow(trained: demo.TrainedDemo) -> None:
    metrics = trained.evaluation.metrics
    assert all(demo.METRIC_NAME.match(name) for name in metrics)
    assert all(math.isfinite(value) for value in metrics.values())
    assert {"slice/sex/female/selection_rate", "slice/age_band/60-plus/n"} <= set(metrics)


def test_latency_times_repeated_calls() -> None:
    calls = []
    p95 = demo.p95_ms_per_1k_rows(lambda: calls.append(1), 500, repeats=7)
    assert len(calls) == 8  # one warm-up call
    assert p95 > 0


def test_importing_the_demo_loads_neither_mlflow_nor_pandas() -> None:
    code = "import riskcards.demo, sys; assert not {'mlflow', 'pandas'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the output folder --------------------------------------------------------------------


def test_a_foreign_folder_is_refused_and_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "mlflow").mkdir()
    with pytest.raises(OutputError, match="not created by riskcards demo; choose another --out"):
        demo.log_demo(tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["mlflow", "notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        demo.log_demo(target)


# --- log_demo against a real store --------------------------------------------------------


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> demo.DemoLogged:
    return demo.log_demo(tmp_path_factory.mktemp("demo"))  # an existing, empty folder


def _client(logged: demo.DemoLogged) -> Any:
    import mlflow

    return mlflow.MlflowClient(logged.tracking_uri, registry_uri=logged.tracking_uri)


@pytest.mark.integration
@pytest.mark.slow
def test_log_demo_returns_where_it_logged(logged: demo.DemoLogged) -> None:
    store = logged.store_dir
    assert logged.tracking_uri == f"sqlite:///{store / 'mlflow.db'}"
    assert (logged.model_name, logged.model_version, logged.alias) == (
        "credit-risk",
        "1",
        "champion",
    )
    assert (store.parent / demo.MARKER).is_file()
    assert sorted(p.name for p in store.iterdir()) == [
        "artifacts",
        "data",
        "mlflow.db",
        "model-src",
    ]


@pytest.mark.integration
@pytest.mark.slow
def test_the_run_has_metrics_params_and_tags(
    logged: demo.DemoLogged, trained: demo.TrainedDemo
) -> None:
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
    assert params["features"].split(",") == list(demo.FEATURES)
    assert {"l2", "solver", "max_iter", "fgsm_epsilon", "decision_threshold"} <= set(params)

    tags = run.data.tags
    assert tags["mlflow.note.content"] == demo.RUN_DESCRIPTION
    assert tags["task"] == "binary-classification"
    assert tags["domain"] == "consumer-credit"
    assert tags["sensitive_attributes"] == "sex"
    assert tags["intended_use"] and tags["limitations"] and tags["owner"]
    assert "out_of_scope_use" not in tags


@pytest.mark.integration
@pytest.mark.slow
def test_the_run_has_training_and_evaluation_datasets(logged: demo.DemoLogged) -> None:
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
def test_the_run_has_the_evaluation_artifacts(
    logged: demo.DemoLogged, trained: demo.TrainedDemo
) -> None:
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
def test_the_model_is_registered_with_the_champion_alias(logged: demo.DemoLogged) -> None:
    client = _client(logged)
    version = client.get_model_version_by_alias("credit-risk", "champion")
    # the SQLite store gives versions as int, a tracking server as str
    assert str(version.version) == "1" and version.run_id == logged.run_id
    assert version.description and version.tags == demo.MODEL_VERSION_TAGS
    registered = client.get_registered_model("credit-risk")
    assert registered.description == demo.REGISTERED_MODEL_DESCRIPTION
    assert registered.tags == demo.REGISTERED_MODEL_TAGS
    assert {k: str(v) for k, v in registered.aliases.items()} == {"champion": "1"}


@pytest.mark.integration
@pytest.mark.slow
def test_the_served_model_scores_like_the_numpy_model(
    logged: demo.DemoLogged, trained: demo.TrainedDemo
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
    out = served.predict(demo._model_input(trained.eval_set))
    assert list(out.columns) == ["default_probability", "prediction"]
    assert np.allclose(out["default_probability"], trained.training.model.predict_proba(features))
    assert np.array_equal(out["prediction"], trained.evaluation.predictions)


@pytest.mark.integration
@pytest.mark.slow
def test_rerunning_replaces_the_earlier_store(logged: demo.DemoLogged, tmp_path: Path) -> None:
    out = tmp_path / "again"
    shutil.copytree(logged.store_dir.parent, out)
    (out / "report.html").write_text("an earlier report")  # the demo's folder, not its store

    again = demo.log_demo(out, seed=7)

    client = _client(again)
    assert again.model_version == "1"
    assert again.run_id != logged.run_id
    experiment = client.get_experiment_by_name("credit-risk")
    assert [r.info.run_id for r in client.search_runs([experiment.experiment_id])] == [again.run_id]
    assert (out / "report.html").read_text() == "an earlier report"


def _run_python(code: str, tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter without pytest's environment (MLflow turns its
    telemetry off when it sees PYTEST_CURRENT_TEST)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MLFLOW_"))}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.integration
@pytest.mark.slow
def test_log_demo_is_quiet_and_offline(tmp_path: Path) -> None:
    code = """
        import sys
        from pathlib import Path

        online = []

        def watch_the_network(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
                online.append(f"{event} {args}")

        sys.addaudithook(watch_the_network)
        from mlflow.telemetry.client import get_telemetry_client
        from riskcards.demo import log_demo

        telemetry = get_telemetry_client()  # exists: this process does not disable telemetry
        log_demo(Path("out"))
        # telemetry goes online from a thread once the first usage record activates it
        if online or (telemetry is not None and telemetry.is_active):
            sys.exit(f"riskcards demo went online: {online}")
    """
    result = _run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no ./mlruns, no ./mlflow.db


@pytest.mark.integration
@pytest.mark.slow
def test_log_demo_leaves_the_callers_mlflow_state_alone(tmp_path: Path) -> None:
    code = """
        import json, logging, os, warnings
        from pathlib import Path
        import mlflow
        from riskcards.demo import log_demo

        mlflow.set_tracking_uri("sqlite:///caller.db")
        mlflow.set_registry_uri("sqlite:///caller-registry.db")
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        run = mlflow.start_run()
        os.environ["MLFLOW_RUN_ID"] = "0123456789abcdef0123456789abcdef"
        os.environ["MLFLOW_EXPERIMENT_NAME"] = "someone-elses"

        def state():
            active = mlflow.active_run()
            return {
                "tracking": mlflow.get_tracking_uri(),
                "registry": mlflow.get_registry_uri(),
                "active": active.info.run_id if active else None,
                "env": {k: v for k, v in os.environ.items() if "MLFLOW" in k},
                "level": logging.getLogger("mlflow").level,
                "filters": len(warnings.filters),
            }

        before = state()
        logged = log_demo(Path("out"))
        after = state()
        mlflow.end_run()
        print(json.dumps({"before": before, "after": after, "run": run.info.run_id,
                          "demo_run": logged.run_id}))
    """
    # the caller's own MLflow calls must not go online either ("1": not the value we set)
    result = _run_python(code, tmp_path, MLFLOW_DISABLE_TELEMETRY="1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["after"] == report["before"]
    assert report["before"]["active"] == report["run"] != report["demo_run"]
