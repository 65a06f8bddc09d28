"""The ``riskcards demo`` model: a credit-risk classifier, evaluated and logged with plain MLflow.

Layer: demo, beside the CLI (imports only ``riskcards.errors``). It plays the ML team whose
evidence riskcards reads: :func:`log_demo` trains a model, evaluates it and logs what a
careful team logs with plain MLflow APIs (metrics, params, tags, datasets, tables, a
registered model with an alias), so every later stage has a realistic store to work on.

The data is synthetic and biased on purpose: ``sex`` is not a model input, but income and
employment history differ by sex, so the model's selection rates differ too. The model is a
logistic regression in numpy. Everything that is pure numpy (data, training, metrics, FGSM)
is a separate function that needs no MLflow; mlflow and pandas are imported lazily.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from riskcards.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd
    from mlflow import MlflowClient

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

FEATURES = (
    "income",
    "debt_to_income",
    "credit_history_years",
    "num_late_payments",
    "loan_amount",
    "employment_years",
)
TARGET = "default"
SENSITIVE_ATTRIBUTE = "sex"
AGE_BANDS = ("18-29", "30-44", "45-59", "60-plus")
_AGE_BAND_EDGES = (30, 45, 60)

N_ROWS = 6_000
EVAL_FRACTION = 0.25
L2 = 1e-3
MAX_ITER = 50
TOL = 1e-10
DECISION_THRESHOLD = 0.5
# 0.25 standard deviations per feature: small enough to be a plausible manipulation of an
# application, large enough to show the gap (eval accuracy 0.78 -> 0.57 at seed 7).
FGSM_EPSILON = 0.25
CALIBRATION_BINS = 10

# What MLflow accepts in a metric name (alphanumerics, _ - . / : and space).
METRIC_NAME = re.compile(r"^[A-Za-z0-9_\-./: ]+$")


# --- data ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CreditData:
    """Loan applications: raw features (columns in ``FEATURES`` order), label and attributes."""

    features: FloatArray
    default: IntArray
    sex: StrArray
    age_band: StrArray

    def __len__(self) -> int:
        return len(self.default)

    def take(self, rows: IntArray) -> CreditData:
        """The applications at ``rows``, in that order."""
        return CreditData(
            self.features[rows], self.default[rows], self.sex[rows], self.age_band[rows]
        )

    def groups(self) -> dict[str, StrArray]:
        """The slice attributes by name."""
        return {"sex": self.sex, "age_band": self.age_band}


def sigmoid(logits: FloatArray) -> FloatArray:
    """The logistic function, without overflow warnings for large negative logits."""
    return np.exp(-np.logaddexp(0.0, -logits))


def make_credit_data(n: int = N_ROWS, *, seed: int = 7) -> CreditData:
    """Synthetic consumer-credit applications with a sex-linked bias built into the features.

    ``default`` follows a logistic model that is linear in the raw features (so a logistic
    regression can be well calibrated). Women have, on average, lower incomes and shorter
    employment histories (career breaks), so a model that never sees ``sex`` still selects
    women as likely defaulters more often. The same seed always gives the same data.
    """
    rng = np.random.default_rng(seed)
    male = rng.random(n) < 0.5
    age = rng.integers(18, 76, n)
    prime = np.minimum(age, 55) - 35
    income = rng.lognormal(np.log(38_000) + 0.25 * male + 0.012 * prime, 0.35)
    employment_years = np.minimum(rng.gamma(2.0, 3.0 + 2.0 * male), age - 18)
    credit_history_years = (age - 18) * rng.uniform(0.3, 1.0, n)
    debt_to_income = np.clip(rng.beta(2.0, 5.0, n) + 0.05 * ~male, 0.0, 1.2)
    num_late_payments = rng.poisson(0.3 + 2.5 * debt_to_income)
    loan_amount = income * rng.lognormal(np.log(0.30), 0.30)
    logits = (
        -0.20
        - 0.000065 * (income - 40_000)
        + 5.0 * (debt_to_income - 0.3)
        - 0.05 * (credit_history_years - 12)
        + 0.55 * (num_late_payments - 1)
        + 0.00003 * (loan_amount - 12_000)
        - 0.12 * (employment_years - 6)
    )
    default = (rng.random(n) < sigmoid(logits)).astype(np.int64)
    features = np.column_stack(
        [
            np.round(income, -1),
            np.round(debt_to_income, 3),
            np.round(credit_history_years, 1),
            num_late_payments,
            np.round(loan_amount, -1),
            np.round(employment_years, 1),
        ]
    ).astype(np.float64)
    sex = np.where(male, "male", "female")
    age_band = np.asarray(AGE_BANDS)[np.searchsorted(_AGE_BAND_EDGES, age, side="right")]
    return CreditData(features, default, sex, age_band)


def split_train_eval(
    data: CreditData, *, eval_fraction: float = EVAL_FRACTION, seed: int = 7
) -> tuple[CreditData, CreditData]:
    """A seeded random split into (train, eval); ``eval_fraction`` of the rows go to eval."""
    rows = np.random.default_rng(seed).permutation(len(data))
    n_eval = round(len(data) * eval_fraction)
    return data.take(rows[n_eval:]), data.take(rows[:n_eval])


# --- model --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LogisticModel:
    """A logistic regression on standardised features: p = sigmoid(z @ weights + intercept)."""

    features: tuple[str, ...]
    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    intercept: float

    def standardise(self, x: FloatArray) -> FloatArray:
        """Raw features -> standardised features (training mean 0, variance 1)."""
        return (x - self.mean) / self.scale

    def proba_standardised(self, z: FloatArray) -> FloatArray:
        """The probability of default for standardised features."""
        return sigmoid(z @ self.weights + self.intercept)

    def predict_proba(self, x: FloatArray) -> FloatArray:
        """The probability of default for raw features."""
        return self.proba_standardised(self.standardise(x))

    def to_json(self, *, threshold: float) -> dict[str, Any]:
        """Everything the served model needs, as plain JSON values."""
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "intercept": self.intercept,
            "threshold": threshold,
        }


@dataclass(frozen=True, eq=False)
class TrainingResult:
    """The fitted model and how the fit went; ``loss_history[0]`` is the loss at zero weights."""

    model: LogisticModel
    loss_history: tuple[float, ...]
    converged: bool

    @property
    def iterations(self) -> int:
        return len(self.loss_history) - 1


def train_logistic_regression(
    x: FloatArray,
    y: IntArray,
    *,
    features: tuple[str, ...] = FEATURES,
    l2: float = L2,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> TrainingResult:
    """Fit an L2-penalised logistic regression by Newton's method (IRLS) with step halving.

    The loss is the mean log-loss plus ``l2 / 2 * ||weights||^2`` (the intercept is not
    penalised). Step halving makes every recorded loss no larger than the one before. The fit
    stops when an iteration improves the loss by less than ``tol``. Deterministic.
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    design = np.column_stack([np.ones(len(x)), (x - mean) / scale])
    penalty = np.r_[0.0, np.full(x.shape[1], l2)]
    target = y.astype(np.float64)

    def loss(theta: FloatArray) -> float:
        logits = design @ theta
        data_loss = np.mean(np.logaddexp(0.0, logits) - target * logits)
        return float(data_loss + 0.5 * penalty @ theta**2)

    theta = np.zeros(design.shape[1])
    history = [loss(theta)]
    converged = False
    for _ in range(max_iter):
        p = sigmoid(design @ theta)
        gradient = design.T @ (p - target) / len(x) + penalty * theta
        hessian = (design.T * (p * (1 - p))) @ design / len(x) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while loss(theta - size * step) > history[-1] and size > 1e-6:
            size /= 2
        theta = theta - size * step
        history.append(loss(theta))
        if history[-2] - history[-1] < tol:
            converged = True
            break
    model = LogisticModel(features, mean, scale, theta[1:].copy(), float(theta[0]))
    return TrainingResult(model, tuple(history), converged)


# --- metrics ------------------------------------------------------------------------------


def roc_auc(y: IntArray, score: FloatArray) -> float:
    """The area under the ROC curve from ranks (Mann-Whitney U); ties count one half.

    NaN when ``y`` holds only one class.
    """
    n_pos = int(np.sum(y == 1))
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    _, where, counts = np.unique(score, return_inverse=True, return_counts=True)
    mean_rank = np.cumsum(counts) - (counts - 1) / 2  # 1-based; tied scores share the mean
    rank_sum = float(np.sum(mean_rank[where][y == 1]))
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def log_loss(y: IntArray, p: FloatArray, *, eps: float = 1e-15) -> float:
    """The mean negative log-likelihood, with probabilities clipped to [eps, 1 - eps]."""
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def brier_score(y: IntArray, p: FloatArray) -> float:
    """The mean squared difference between probability and outcome."""
    return float(np.mean((p - y) ** 2))


def calibration_errors(
    y: IntArray, p: FloatArray, *, n_bins: int = CALIBRATION_BINS
) -> tuple[float, float]:
    """(expected, maximum) calibration error over equal-width bins [k/n, (k+1)/n).

    Per non-empty bin the gap is |observed default rate - mean probability|; the expected
    error weights gaps by the share of rows in the bin, the maximum takes the largest gap.
    A probability of exactly 1 falls into the last bin.
    """
    bins = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    counts = np.bincount(bins, minlength=n_bins)
    filled = counts > 0
    observed = np.bincount(bins, weights=y, minlength=n_bins)[filled] / counts[filled]
    predicted = np.bincount(bins, weights=p, minlength=n_bins)[filled] / counts[filled]
    gaps = np.abs(observed - predicted)
    return float(gaps @ counts[filled] / len(y)), float(gaps.max())


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float("nan")


def classification_metrics(y: IntArray, p: FloatArray, *, threshold: float) -> dict[str, float]:
    """Performance and calibration on one set, named as ``mlflow.models.evaluate`` names them.

    A row is predicted to default when ``p >= threshold``.
    """
    predicted = p >= threshold
    positive = y == 1
    tp = int(np.sum(predicted & positive))
    precision = _ratio(tp, int(predicted.sum()))
    recall = _ratio(tp, int(positive.sum()))
    ece, mce = calibration_errors(y, p)
    return {
        "accuracy_score": float(np.mean(predicted == positive)),
        "precision_score": precision,
        "recall_score": recall,
        "f1_score": 2 * precision * recall / (precision + recall) if tp else 0.0,
        "roc_auc": roc_auc(y, p),
        "log_loss": log_loss(y, p),
        "brier_score": brier_score(y, p),
        "expected_calibration_error": ece,
        "max_calibration_error": mce,
    }


def group_rates(y: IntArray, predicted: IntArray) -> dict[str, float]:
    """Size, accuracy, true/false positive rates and selection rate of one group."""
    positive = y == 1
    chosen = predicted == 1
    return {
        "n": float(len(y)),
        "accuracy": float(np.mean(chosen == positive)) if len(y) else float("nan"),
        "true_positive_rate": _ratio(int(np.sum(chosen & positive)), int(positive.sum())),
        "false_positive_rate": _ratio(int(np.sum(chosen & ~positive)), int((~positive).sum())),
        "selection_rate": _ratio(int(chosen.sum()), len(y)),
    }


Slices = dict[str, dict[str, dict[str, float]]]


def slice_metrics(y: IntArray, predicted: IntArray, groups: Mapping[str, StrArray]) -> Slices:
    """``{attribute: {value: group_rates}}`` for every value of every attribute, sorted."""
    return {
        attribute: {
            str(value): group_rates(y[values == value], predicted[values == value])
            for value in np.unique(values)
        }
        for attribute, values in groups.items()
    }


def fairness_metrics(
    slices: Slices, *, overall_accuracy: float, attribute: str = SENSITIVE_ATTRIBUTE
) -> dict[str, float]:
    """Group-fairness gaps over the values of ``attribute``.

    - demographic parity difference: largest minus smallest selection rate;
    - equalized odds difference: the larger of the TPR spread and the FPR spread;
    - worst-slice accuracy gap: overall accuracy minus the lowest accuracy of any slice of
      any attribute in ``slices``.
    """

    def spread(rate: str) -> float:
        values = [group[rate] for group in slices[attribute].values()]
        return max(values) - min(values)

    worst = min(group["accuracy"] for groups in slices.values() for group in groups.values())
    return {
        "fairness/demographic_parity_difference": spread("selection_rate"),
        "fairness/equalized_odds_difference": max(
            spread("true_positive_rate"), spread("false_positive_rate")
        ),
        "fairness/worst_slice_accuracy_gap": overall_accuracy - worst,
    }


def fgsm_perturb(model: LogisticModel, z: FloatArray, y: IntArray, epsilon: float) -> FloatArray:
    """The fast-gradient-sign attack on standardised inputs: z + epsilon * sign(d loss / d z).

    For a logistic regression the gradient of the log-loss with respect to the input is
    ``(p - y) * weights``, so every feature moves ``epsilon`` standard deviations in the
    direction that hurts the true label most.
    """
    gradient = (model.proba_standardised(z) - y)[:, None] * model.weights[None, :]
    return z + epsilon * np.sign(gradient)


def robustness_metrics(y: IntArray, clean: IntArray, adversarial: IntArray) -> dict[str, float]:
    """Accuracy under attack, its drop from clean accuracy, the share of correct rows flipped."""
    correct = clean == y
    clean_accuracy = float(np.mean(correct))
    adversarial_accuracy = float(np.mean(adversarial == y))
    return {
        "robustness/fgsm_accuracy": adversarial_accuracy,
        "robustness/accuracy_degradation": clean_accuracy - adversarial_accuracy,
        "robustness/attack_success_rate": _ratio(
            int(np.sum(correct & (adversarial != y))), int(correct.sum())
        ),
    }


def p95_ms_per_1k_rows(predict: Callable[[], object], n_rows: int, *, repeats: int = 20) -> float:
    """Time ``predict`` (which scores ``n_rows`` rows) ``repeats`` times: the 95th percentile
    of the wall time, in milliseconds per 1,000 rows. One untimed call warms up first."""
    predict()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict()
        seconds.append(time.perf_counter() - start)
    return float(np.percentile(seconds, 95)) * 1000 * 1000 / n_rows


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything measured on the eval set: MLflow metrics, slice table and per-row results."""

    metrics: dict[str, float]
    slices: Slices
    scores: FloatArray
    predictions: IntArray
    adversarial_scores: FloatArray


def evaluate_model(
    model: LogisticModel,
    data: CreditData,
    *,
    threshold: float = DECISION_THRESHOLD,
    epsilon: float = FGSM_EPSILON,
) -> Evaluation:
    """Performance, calibration, slices, fairness and FGSM robustness on held-out data.

    Metric names are MLflow metric names; slice metrics are ``slice/<attr>/<value>/<rate>``.
    """
    z = model.standardise(data.features)
    scores = model.proba_standardised(z)
    predictions = (scores >= threshold).astype(np.int64)
    adversarial_scores = model.proba_standardised(fgsm_perturb(model, z, data.default, epsilon))
    adversarial = (adversarial_scores >= threshold).astype(np.int64)

    metrics = classification_metrics(data.default, scores, threshold=threshold)
    slices = slice_metrics(data.default, predictions, data.groups())
    for attribute, groups in slices.items():
        for value, rates in groups.items():
            metrics.update({f"slice/{attribute}/{value}/{k}": v for k, v in rates.items()})
    metrics.update(fairness_metrics(slices, overall_accuracy=metrics["accuracy_score"]))
    metrics.update(robustness_metrics(data.default, predictions, adversarial))
    return Evaluation(metrics, slices, scores, predictions, adversarial_scores)


@dataclass(frozen=True, eq=False)
class TrainedDemo:
    """The whole demo before anything is logged: data, split, fitted model, evaluation."""

    seed: int
    train_set: CreditData
    eval_set: CreditData
    training: TrainingResult
    evaluation: Evaluation


def train_demo(*, seed: int = 7) -> TrainedDemo:
    """Generate the data, split it, fit the model and evaluate it; no MLflow, no files."""
    train_set, eval_set = split_train_eval(make_credit_data(seed=seed), seed=seed)
    training = train_logistic_regression(train_set.features, train_set.default)
    return TrainedDemo(
        seed, train_set, eval_set, training, evaluation=evaluate_model(training.model, eval_set)
    )


# --- logging to MLflow ----------------------------------------------------------------------

MARKER = ".riskcards-demo"
EXPERIMENT_NAME = "credit-risk"
RUN_NAME = "credit-risk-logreg"
MODEL_NAME = "credit-risk"
ALIAS = "champion"

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

# Warnings MLflow raises about its own choices on our (correct) input.
_HARMLESS_WARNINGS = (
    # a local path matches both the "" and the "file" local dataset sources
    r"The specified dataset source can be interpreted in multiple ways",
    # the label and num_late_payments are integers and never missing
    r"Hint: Inferred schema contains integer column",
)
# What MLflow prints (not logs) when it registers a model; riskcards reports it itself.
_REGISTRY_CHATTER = re.compile(r"(Successfully registered model|Created version) '.*")


@dataclass(frozen=True)
class DemoLogged:
    """Where the demo was logged: enough to point any riskcards command at it."""

    tracking_uri: str
    run_id: str
    model_name: str
    model_version: str
    alias: str
    store_dir: Path


def log_demo(out_dir: Path, *, seed: int = 7) -> DemoLogged:
    """Train, evaluate and log the demo model into a fresh MLflow store in ``out_dir/mlflow``.

    ``out_dir`` may be missing, empty, or a folder an earlier demo made (it holds the file
    ``.riskcards-demo``): its old store is deleted. Any other non-empty folder raises
    :class:`OutputError` and is left untouched. The store is SQLite (``mlflow.db``) with
    artifacts under ``artifacts/``. The caller's MLflow state (tracking and registry URI,
    active run, environment) is the same afterwards; nothing touches the network.
    """
    out = _check_out_dir(out_dir)
    demo = train_demo(seed=seed)
    store = _fresh_store(out)
    # MLflow keeps the active run, the last run and the last logged model per thread: logging
    # from a worker thread leaves the caller's active run (if any) exactly as it was.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskcards-demo") as pool:
        return pool.submit(_log_to_store, store, demo).result()


def _check_out_dir(out_dir: Path) -> Path:
    """The absolute ``out_dir``, if the demo may write there; changes nothing."""
    out = out_dir.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out_dir} is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out_dir} is not empty and was not created by riskcards demo; choose another --out"
        )
    return out


def _fresh_store(out: Path) -> Path:
    """Mark ``out`` as the demo's, delete an earlier store, return the empty store folder."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(
        "Made by `riskcards demo`; running it again here replaces the mlflow/ folder.\n",
        encoding="utf-8",
    )
    store = out / "mlflow"
    if store.is_symlink() or store.is_file():
        store.unlink()
    elif store.exists():
        shutil.rmtree(store)
    store.mkdir()
    return store


def _is_mlflow_variable(name: str) -> bool:
    return name.startswith(("MLFLOW_", "_MLFLOW_"))


@contextlib.contextmanager
def _isolated_mlflow(tracking_uri: str) -> Iterator[None]:
    """Point MLflow's fluent API at ``tracking_uri``, quietly and offline, for the block.

    Inside, MLflow sees no ``MLFLOW_*`` environment variable of the caller (not
    ``MLFLOW_TRACKING_URI``, ``MLFLOW_RUN_ID``, ...) and telemetry is off (MLflow reads that
    switch on every call). Afterwards the tracking and registry URIs, the environment, the
    level of the ``mlflow`` logger and the warning filters are as they were.
    """
    import mlflow

    saved_environment = {k: v for k, v in os.environ.items() if _is_mlflow_variable(k)}
    saved_tracking_uri = saved_registry_uri = None
    logger = logging.getLogger("mlflow")
    saved_level = logger.level
    try:
        for name in saved_environment:
            del os.environ[name]
        os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
        # Without the environment, "set" means set with mlflow.set_tracking_uri by the caller.
        if mlflow.is_tracking_uri_set():  # type: ignore[no-untyped-call]
            saved_tracking_uri = mlflow.get_tracking_uri()
        # set_tracking_uri also exports MLFLOW_TRACKING_URI; the environment is restored last
        mlflow.set_tracking_uri(tracking_uri)
        if mlflow.get_registry_uri() != tracking_uri:  # the caller set one explicitly
            saved_registry_uri = mlflow.get_registry_uri()
            mlflow.set_registry_uri(tracking_uri)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
        with warnings.catch_warnings():
            for message in _HARMLESS_WARNINGS:
                warnings.filterwarnings("ignore", message=message, category=UserWarning)
            # MLflow's own use of deprecated pandas and SQLAlchemy APIs
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"mlflow\.")
            yield
    finally:
        logger.setLevel(saved_level)
        if saved_registry_uri is not None:
            mlflow.set_registry_uri(saved_registry_uri)
        mlflow.set_tracking_uri(saved_tracking_uri)  # type: ignore[arg-type]  # None: unset
        for name in [k for k in os.environ if _is_mlflow_variable(k)]:
            del os.environ[name]
        os.environ.update(saved_environment)


@contextlib.contextmanager
def _without_registry_chatter() -> Iterator[None]:
    """Drop the lines MLflow prints to stderr on registering a model; pass on the rest."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            yield
    finally:
        lines = captured.getvalue().splitlines(keepends=True)
        sys.stderr.write("".join(x for x in lines if not _REGISTRY_CHATTER.match(x)))


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
    with _isolated_mlflow(tracking_uri):
        client = mlflow.MlflowClient(tracking_uri, registry_uri=tracking_uri)
        experiment_id = client.create_experiment(
            EXPERIMENT_NAME, artifact_location=str(store / "artifacts")
        )
        with mlflow.start_run(
            experiment_id=experiment_id,
            run_name=RUN_NAME,
            tags=RUN_TAGS,
            description=RUN_DESCRIPTION,
        ) as run:
            _log_training(demo)
            _log_datasets(store, demo)
            _log_evaluation(demo)
            model_uri, version = _log_model(store, demo)
            _log_latency(model_uri, demo.eval_set)
        _describe_registered_model(client, version, run.info.run_id, demo)
    return DemoLogged(
        tracking_uri=tracking_uri,
        run_id=run.info.run_id,
        model_name=MODEL_NAME,
        model_version=version,
        alias=ALIAS,
        store_dir=store,
    )


def _log_training(demo: TrainedDemo) -> None:
    import mlflow

    mlflow.log_params(
        {
            "model_type": "logistic_regression",
            "solver": "newton-irls",
            "l2": L2,
            "max_iter": MAX_ITER,
            "tol": TOL,
            "n_train": len(demo.train_set),
            "n_eval": len(demo.eval_set),
            "seed": demo.seed,
            "fgsm_epsilon": FGSM_EPSILON,
            "decision_threshold": DECISION_THRESHOLD,
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
    folder.mkdir()
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


def _log_model(store: Path, demo: TrainedDemo) -> tuple[str, str]:
    """Log and register the served model; return its model URI and registered version."""
    import mlflow
    import pandas as pd

    source = store / "model-src"
    source.mkdir()
    code = source / "credit_risk_model.py"
    code.write_text(_MODEL_CODE, encoding="utf-8")
    weights = source / "weights.json"
    model = demo.training.model
    weights.write_text(json.dumps(model.to_json(threshold=DECISION_THRESHOLD)), encoding="utf-8")

    example = _model_input(demo.eval_set.take(np.arange(5)))
    p = model.predict_proba(example.to_numpy())
    output = pd.DataFrame(
        {"default_probability": p, "prediction": (p >= DECISION_THRESHOLD).astype("int64")}
    )
    with _without_registry_chatter():
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


# --- the demo's project file and attestations -----------------------------------------------

_DEMO_PROJECT = """\
# riskcards project file written by `riskcards demo`. Edit it and run
#   riskcards release --config {config} --tracking-uri {tracking_uri} models:/credit-risk@champion
# to see the effect. Paths are relative to this file.
schema_version: 1
target: models:/credit-risk@champion
frameworks: [nist-ai-rmf, iso-iec-42001]
attestations_dir: attestations
analytics:
  attributes: [sex, age_band]
  reference_table: data/training.json
  current_table: data/evaluation.json
  sample_label: default
  categorical: [sex, age_band]
model_card: model-card.yaml
dataset_sheets:
  credit-train: datasheets/credit-train.yaml
owners:
  default: Credit ML team (M. Okafor)
  fairness.demographic_parity: Fair-lending officer (R. Diaz)
  fairness.equalized_odds: Fair-lending officer (R. Diaz)
overrides:
  - check: deployment.latency
    threshold: 50
    rationale: The batch-scoring SLA is 50 ms per 1,000 applications, stricter than the default.
    owner: Platform engineering (J. Rivera)
not_applicable:
  - framework: nist-ai-rmf
    control: MEASURE 2.12
    justification: >-
      A logistic regression trained in seconds on a laptop; its environmental footprint is
      negligible and not measured.
    approver: Head of Model Risk (A. Chen)
    date: "{today}"
  - framework: iso-iec-42001
    control: A.10.4
    justification: The model is used internally by underwriters; it is not provided to customers.
    approver: Head of Model Risk (A. Chen)
    date: "{today}"
waivers:
  - framework: nist-ai-rmf
    control: MEASURE 2.7
    reason: Adversarial hardening is scheduled for the next release; inputs are validated upstream.
    approver: Head of Model Risk (A. Chen)
    expires: "{in_60_days}"
    ticket: RISK-142
  - framework: iso-iec-42001
    control: A.6.2.4
    reason: Same as RISK-142 (adversarial robustness below target).
    approver: Head of Model Risk (A. Chen)
    expires: "{expired}"
    ticket: RISK-142
gate:
  blocking_severities: [high, critical]
  required:
    nist-ai-rmf: ["GOVERN 1.1", "MAP 5.1"]
"""

_DEMO_SIDECARS = {
    "model-card.yaml": """\
# Human-written model-card fields (Mitchell et al. 2019); MLflow tags fill what is left out.
schema_version: 1
primary_intended_users: >-
  Underwriters of the consumer-lending unit, who review every flagged application.
relevant_factors: >-
  Sex and age band of the applicant. Sex is not a model input, but income and employment
  history differ by sex in the data, so selection rates differ too.
variation_approaches: Metrics on one held-out split (25%); no confidence intervals yet.
ethical_considerations: >-
  Credit decisions affect people's access to finance. The model only triages applications for
  human review; it never declines one on its own. The demographic parity gap is a known issue.
recommendations: Keep a human in the loop; re-assess fairness on every retraining.
license: Internal use only
""",
    "datasheets/credit-train.yaml": """\
# Answers to "Datasheets for Datasets" (Gebru et al.) for the training data.
schema_version: 1
purpose: To train the credit-risk triage model.
creators: riskcards demo (synthetic data generator, seed 7)
instances: One consumer-loan application with its outcome (default or not).
sensitive_data: Sex and age band, kept for fairness evaluation only; not model inputs.
collection_process: Generated synthetically; no real person is described.
preprocessing: Numeric features standardised with the training mean and deviation.
uses_to_avoid: Any decision about real applicants.
licence: CC0 (synthetic)
maintainer: Credit ML team
""",
}

_DEMO_ATTESTATIONS = {
    "ai-policy.yaml": """\
schema_version: 1
id: ATT-001
controls:
  nist-ai-rmf: ["GOVERN 1.1", "GOVERN 1.2"]
  iso-iec-42001: ["A.2.2"]
statement: >-
  The AI policy of the consumer-lending unit covers credit-scoring models, names the applicable
  laws (fair lending, data protection) and is reviewed every year.
attested_by: A. Chen
role: Head of Model Risk
date: "{a_month_ago}"
expires: "{in_11_months}"
link: https://intranet.example/policies/ai-policy
""",
    "risk-training.yaml": """\
schema_version: 1
id: ATT-002
controls:
  nist-ai-rmf: ["GOVERN 2.2"]
  iso-iec-42001: ["A.4.6"]
statement: Everyone on the credit ML team completed the AI risk training this year.
attested_by: M. Okafor
role: Engineering manager, credit ML
date: "{a_month_ago}"
expires: "{in_11_months}"
""",
    "third-party.yaml": """\
schema_version: 1
id: ATT-003
controls:
  nist-ai-rmf: ["GOVERN 6.1"]
  iso-iec-42001: ["A.10.3"]
statement: >-
  The model uses no third-party data or pre-trained components; numpy is the only
  runtime dependency.
attested_by: A. Chen
role: Head of Model Risk
date: "{today}"
scope: {{model: credit-risk, version: "{version}"}}
""",
    "incident-response.yaml": """\
schema_version: 1
id: ATT-004
controls:
  nist-ai-rmf: ["MANAGE 4.3"]
  iso-iec-42001: ["A.8.4"]
statement: Incidents with credit models are reported to the model-risk committee within 72 hours.
attested_by: A. Chen
role: Head of Model Risk
date: "{a_year_ago}"
expires: "{expired}"
""",
}


def write_demo_project(out_dir: Path, logged: DemoLogged) -> Path:
    """Write the demo's ``riskcards.yaml`` and ``attestations/`` under ``out_dir``.

    Dates are relative to today, so one attestation and one waiver are expired and the
    reports show what an auditor sees when evidence lapses.
    """
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    dates = {
        "today": today,
        "a_month_ago": today - timedelta(days=30),
        "a_year_ago": today - timedelta(days=400),
        "in_60_days": today + timedelta(days=60),
        "in_11_months": today + timedelta(days=335),
        "expired": today - timedelta(days=35),
    }
    values = {k: v.isoformat() for k, v in dates.items()}
    out = _check_out_dir(out_dir)
    config = out / "riskcards.yaml"
    config.write_text(
        _DEMO_PROJECT.format(config=config, tracking_uri=logged.tracking_uri, **values),
        encoding="utf-8",
    )
    folder = out / "attestations"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, text in _DEMO_ATTESTATIONS.items():
        (folder / name).write_text(
            text.format(version=logged.model_version, **values), encoding="utf-8"
        )
    for name, text in _DEMO_SIDECARS.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return config
