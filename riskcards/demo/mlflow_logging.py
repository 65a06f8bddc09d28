"""Logging the trained demo to MLflow as a careful team would, with plain MLflow APIs
(layer: demo).

:func:`log_demo` trains the demo (see :mod:`riskcards.demo.model`) and logs it into a fresh
store: params, the training loss, metrics, both datasets (with their rows as tables), the
evaluation tables, and a served pyfunc model, registered with descriptions, tags and an
alias. mlflow and pandas are imported lazily, inside the functions that use them.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from riskcards.demo.data import FEATURES, SENSITIVE_ATTRIBUTE, TARGET, CreditData
from riskcards.demo.metrics import p95_ms_per_1k_rows
from riskcards.demo.model import (
    DECISION_THRESHOLD,
    FGSM_EPSILON,
    L2,
    MAX_ITER,
    TOL,
    TrainedDemo,
    evaluate_model,
    train_demo,
    train_logistic_regression,
)
from riskcards.demo.store import (
    check_out_dir,
    fresh_store,
    isolated_mlflow,
    without_registry_chatter,
)

if TYPE_CHECKING:
    import pandas as pd
    from mlflow import MlflowClient

EXPERIMENT_NAME = "credit-risk"
RUN_NAME = "credit-risk-logreg"
MODEL_NAME = "credit-risk"
ALIAS = "champion"
# the challenger (version 2): retrained with a much stronger L2 penalty and a lower decision
# threshold, so it catches more defaults (recall up) but is worse calibrated (ECE up), which
# gives `riskcards diff` one metric better, one worse and a regression to show
CHALLENGER_ALIAS = "challenger"
CHALLENGER_L2 = 3.0
CHALLENGER_THRESHOLD = 0.35

RUN_DESCRIPTION = (
    "**Credit-risk logistic regression.** Estimates the probability that a consumer-loan "
    "applicant defaults, from six applicant features (standardised), with an L2-penalised "
    "logistic regression fitted by Newton-IRLS in numpy. Evaluated on a held-out 25% split: "
    "performance, calibration, slices by `sex` and `age_band`, group-fairness gaps, FGSM "
    "robustness and scoring latency. The applications are synthetic (`riskcards demo`)."
)
RUN_TAGS = {
    "intended_use": (
        "Rank applications for unsecured consumer loans by estimated probability of default, "
        "to decide which go to manual underwriting review. Decision support only: a credit "
        "officer makes every lending decision."
    ),
    "limitations": (
        "Trained and evaluated on synthetic applications, not on a real portfolio. A linear "
        "model on six features. Sex is not an input, but income and employment history act "
        "as proxies for it. Not hardened against deliberately manipulated inputs."
    ),
    "owner": "Consumer Credit Risk ML team",
    "task": "binary-classification",
    "domain": "consumer-credit",
    "sensitive_attributes": SENSITIVE_ATTRIBUTE,
}
REGISTERED_MODEL_DESCRIPTION = (
    "Probability of default for unsecured consumer loans; triages applications for "
    "underwriter review. Owned by the Consumer Credit Risk ML team."
)
REGISTERED_MODEL_TAGS = {"risk_tier": "high", "business_unit": "consumer-lending"}
MODEL_VERSION_TAGS = {"validation_status": "pending-review"}

# Served by MLflow as "models from code": the weights are a JSON artifact and nothing is
# pickled, so loading the model runs only this code and needs numpy and pandas, not riskcards.
_MODEL_CODE = '''\
"""Credit-risk logistic regression, served by MLflow (written by `riskcards demo`)."""

import json

import mlflow
import numpy as np
import pandas as pd
from mlflow.pyfunc import PythonModel


class CreditRiskModel(PythonModel):
    def load_context(self, context):
        with open(context.artifacts["weights"], encoding="utf-8") as f:
            spec = json.load(f)
        self.features = spec["features"]
        self.mean = np.asarray(spec["mean"])
        self.scale = np.asarray(spec["scale"])
        self.weights = np.asarray(spec["weights"])
        self.intercept = float(spec["intercept"])
        self.threshold = float(spec["threshold"])

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        z = (model_input[self.features].to_numpy(dtype=float) - self.mean) / self.scale
        p = np.exp(-np.logaddexp(0.0, -(z @ self.weights + self.intercept)))
        prediction = (p >= self.threshold).astype("int64")
        return pd.DataFrame({"default_probability": p, "prediction": prediction})


mlflow.models.set_model(CreditRiskModel())
'''


@dataclass(frozen=True)
class DemoLogged:
    """Where the demo was logged: enough to point any riskcards command at it."""

    tracking_uri: str
    run_id: str
    model_name: str
    model_version: str
    alias: str
    store_dir: Path
    challenger_version: str = ""


def log_demo(out_dir: Path, *, seed: int = 7) -> DemoLogged:
    """Train, evaluate and log the demo model into a fresh MLflow store in ``out_dir/mlflow``.

    ``out_dir`` may be missing, empty, or a folder an earlier demo made (it holds the file
    ``.riskcards-demo``): its old store is deleted. Any other non-empty folder raises
    :class:`OutputError` and is left untouched. The store is SQLite (``mlflow.db``) with
    artifacts under ``artifacts/``. The caller's MLflow state (tracking and registry URI,
    active run, environment) is the same afterwards; nothing touches the network.
    """
    out = check_out_dir(out_dir)
    demo = train_demo(seed=seed)
    store = fresh_store(out)
    # MLflow keeps the active run, the last run and the last logged model per thread: logging
    # from a worker thread leaves the caller's active run (if any) exactly as it was.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskcards-demo") as pool:
        return pool.submit(_log_to_store, store, demo).result()


def _frame(data: CreditData) -> pd.DataFrame:
    """The applications as a table: features, attributes and the label."""
    frame = _model_input(data)
    frame["num_late_payments"] = frame["num_late_payments"].astype("int64")
    frame["sex"] = data.sex
    frame["age_band"] = data.age_band
    frame[TARGET] = data.default
    return frame


def _model_input(data: CreditData) -> pd.DataFrame:
    """What the served model takes: the raw features, as floats."""
    import pandas as pd

    return pd.DataFrame(data.features, columns=list(FEATURES))


def _log_to_store(store: Path, demo: TrainedDemo) -> DemoLogged:
    """Log the trained demo into the empty ``store`` as a team would, with plain MLflow."""
    import mlflow

    tracking_uri = f"sqlite:///{store / 'mlflow.db'}"
    with isolated_mlflow(tracking_uri):
        client = mlflow.MlflowClient(tracking_uri, registry_uri=tracking_uri)
        experiment_id = client.create_experiment(
            EXPERIMENT_NAME, artifact_location=str(store / "artifacts")
        )
        run_id, version = _log_version(store, demo, experiment_id, L2, DECISION_THRESHOLD)
        _describe_registered_model(client, version, run_id, demo)
        challenger = challenger_demo(demo)
        _, second = _log_version(
            store, challenger, experiment_id, CHALLENGER_L2, CHALLENGER_THRESHOLD
        )
        client.update_model_version(
            MODEL_NAME,
            second,
            description=f"Challenger: retrained with L2 {CHALLENGER_L2} and decision threshold "
            f"{CHALLENGER_THRESHOLD} (champion: L2 {L2}, threshold {DECISION_THRESHOLD}).",
        )
        client.set_registered_model_alias(MODEL_NAME, CHALLENGER_ALIAS, second)
    return DemoLogged(
        tracking_uri=tracking_uri,
        run_id=run_id,
        model_name=MODEL_NAME,
        model_version=version,
        alias=ALIAS,
        store_dir=store,
        challenger_version=second,
    )


def challenger_demo(demo: TrainedDemo) -> TrainedDemo:
    """The champion's data, retrained with the challenger's penalty and threshold."""
    training = train_logistic_regression(
        demo.train_set.features, demo.train_set.default, l2=CHALLENGER_L2
    )
    evaluation = evaluate_model(training.model, demo.eval_set, threshold=CHALLENGER_THRESHOLD)
    return replace(demo, training=training, evaluation=evaluation)


def _log_version(
    store: Path, demo: TrainedDemo, experiment_id: str, l2: float, threshold: float
) -> tuple[str, str]:
    """One training run, its evaluation and its registered model: (run id, version)."""
    import mlflow

    with mlflow.start_run(
        experiment_id=experiment_id, run_name=RUN_NAME, tags=RUN_TAGS, description=RUN_DESCRIPTION
    ) as run:
        _log_training(demo, l2, threshold)
        _log_datasets(store, demo)
        _log_evaluation(demo)
        model_uri, version = _log_model(store, demo, threshold)
        _log_latency(model_uri, demo.eval_set)
    return run.info.run_id, version


def _log_training(demo: TrainedDemo, l2: float, threshold: float) -> None:
    import mlflow

    mlflow.log_params(
        {
            "model_type": "logistic_regression",
            "solver": "newton-irls",
            "l2": l2,
            "max_iter": MAX_ITER,
            "tol": TOL,
            "n_train": len(demo.train_set),
            "n_eval": len(demo.eval_set),
            "seed": demo.seed,
            "fgsm_epsilon": FGSM_EPSILON,
            "decision_threshold": threshold,
            "features": ",".join(FEATURES),
        }
    )
    for step, loss in enumerate(demo.training.loss_history):
        mlflow.log_metric("train/loss", loss, step=step)


def _log_datasets(store: Path, demo: TrainedDemo) -> None:
    """Both frames as CSV files beside the store, logged as run inputs pointing at them."""
    import mlflow
    from mlflow.data.pandas_dataset import from_pandas  # what mlflow.data.from_pandas is

    folder = store / "data"
    folder.mkdir(exist_ok=True)
    for name, data, context in (
        ("credit-train", demo.train_set, "training"),
        ("credit-eval", demo.eval_set, "evaluation"),
    ):
        frame = _frame(data)
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        dataset = from_pandas(frame, source=str(path), name=name, targets=TARGET)
        mlflow.log_input(dataset, context=context)
        # the rows themselves, so riskcards can recompute drift, leakage and data quality
        mlflow.log_table(frame, f"data/{context}.json")


def _log_evaluation(demo: TrainedDemo) -> None:
    import mlflow
    import pandas as pd

    evaluation = demo.evaluation
    mlflow.log_metrics(evaluation.metrics)
    predictions = pd.DataFrame(
        {
            "label": demo.eval_set.default,
            "score": evaluation.scores,
            "prediction": evaluation.predictions,
            "sex": demo.eval_set.sex,
            "age_band": demo.eval_set.age_band,
            "adversarial_score": evaluation.adversarial_scores,
        }
    )
    mlflow.log_table(predictions, "eval/predictions.json")
    mlflow.log_dict(evaluation.slices, "eval/slices.json")


def _log_model(store: Path, demo: TrainedDemo, threshold: float) -> tuple[str, str]:
    """Log and register the served model; return its model URI and registered version."""
    import mlflow
    import pandas as pd

    source = store / ("model-src" if threshold == DECISION_THRESHOLD else "model-src-challenger")
    source.mkdir()
    code = source / "credit_risk_model.py"
    code.write_text(_MODEL_CODE, encoding="utf-8")
    weights = source / "weights.json"
    model = demo.training.model
    weights.write_text(json.dumps(model.to_json(threshold=threshold)), encoding="utf-8")

    example = _model_input(demo.eval_set.take(np.arange(5)))
    p = model.predict_proba(example.to_numpy())
    output = pd.DataFrame(
        {"default_probability": p, "prediction": (p >= threshold).astype("int64")}
    )
    with without_registry_chatter():
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(code),
            artifacts={"weights": str(weights)},
            signature=mlflow.models.infer_signature(example, output),
            input_example=example,
            pip_requirements=[f"numpy=={np.__version__}", f"pandas=={pd.__version__}"],
            registered_model_name=MODEL_NAME,
        )
    return info.model_uri, str(info.registered_model_version)


def _log_latency(model_uri: str, data: CreditData) -> None:
    """Time the served model (as loaded back from the store) scoring the eval set."""
    import mlflow

    served = mlflow.pyfunc.load_model(model_uri)
    rows = _model_input(data)
    p95 = p95_ms_per_1k_rows(lambda: served.predict(rows), len(rows))
    mlflow.log_metric("latency/p95_ms_per_1k_rows", p95)


def _describe_registered_model(
    client: MlflowClient, version: str, run_id: str, demo: TrainedDemo
) -> None:
    """What a team adds in the registry: descriptions, tags and the serving alias."""
    client.update_registered_model(MODEL_NAME, description=REGISTERED_MODEL_DESCRIPTION)
    for key, value in REGISTERED_MODEL_TAGS.items():
        client.set_registered_model_tag(MODEL_NAME, key, value)
    client.update_model_version(
        MODEL_NAME,
        version,
        description=(
            f"L2-penalised logistic regression trained by run {run_id} on "
            f"{len(demo.train_set):,} synthetic applications (seed {demo.seed})."
        ),
    )
    for key, value in MODEL_VERSION_TAGS.items():
        client.set_model_version_tag(MODEL_NAME, version, key, value)
    client.set_registered_model_alias(MODEL_NAME, ALIAS, version)
