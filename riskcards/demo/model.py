"""The demo model: a logistic regression in numpy, trained, attacked (FGSM) and evaluated
(layer: demo).

:func:`train_demo` is the whole demo before anything is logged: generate the data, split it,
fit the model and evaluate it on the held-out split. No MLflow, no files; deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from riskcards.demo.data import (
    FEATURES,
    CreditData,
    FloatArray,
    IntArray,
    make_credit_data,
    sigmoid,
    split_train_eval,
)
from riskcards.demo.metrics import (
    Slices,
    classification_metrics,
    fairness_metrics,
    robustness_metrics,
    slice_metrics,
)

L2 = 1e-3
MAX_ITER = 50
TOL = 1e-10
DECISION_THRESHOLD = 0.5
# 0.25 standard deviations per feature: small enough to be a plausible manipulation of an
# application, large enough to show the gap (eval accuracy 0.78 -> 0.57 at seed 7).
FGSM_EPSILON = 0.25


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


def fgsm_perturb(model: LogisticModel, z: FloatArray, y: IntArray, epsilon: float) -> FloatArray:
    """The fast-gradient-sign attack on standardised inputs: z + epsilon * sign(d loss / d z).

    For a logistic regression the gradient of the log-loss with respect to the input is
    ``(p - y) * weights``, so every feature moves ``epsilon`` standard deviations in the
    direction that hurts the true label most.
    """
    gradient = (model.proba_standardised(z) - y)[:, None] * model.weights[None, :]
    return z + epsilon * np.sign(gradient)


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
