"""Metrics of a binary classifier on arrays: performance, calibration, slices, fairness,
robustness and latency (layer: demo).

Pure numpy, no MLflow. The names in the returned dicts are the MLflow metric names the demo
logs: ``mlflow.models.evaluate``'s names for performance, ``fairness/...`` and
``robustness/...`` for the rest.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping

import numpy as np

from riskcards.demo.data import SENSITIVE_ATTRIBUTE, FloatArray, IntArray, StrArray

CALIBRATION_BINS = 10

# What MLflow accepts in a metric name (alphanumerics, _ - . / : and space).
METRIC_NAME = re.compile(r"^[A-Za-z0-9_\-./: ]+$")


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
