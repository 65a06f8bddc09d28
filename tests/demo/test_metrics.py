"""Tests of riskcards.demo.metrics: each metric against a hand count or a brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from riskcards.demo.metrics import (
    calibration_errors,
    classification_metrics,
    fairness_metrics,
    p95_ms_per_1k_rows,
    roc_auc,
    slice_metrics,
)


def test_roc_auc_matches_pairwise_count() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    score = rng.integers(0, 8, 60) / 8  # many ties
    wins = sum(
        1.0 if s_pos > s_neg else 0.5 if s_pos == s_neg else 0.0
        for s_pos, s_neg in itertools.product(score[y == 1], score[y == 0])
    )
    assert roc_auc(y, score) == pytest.approx(wins / ((y == 1).sum() * (y == 0).sum()))


def test_roc_auc_of_one_class_is_nan() -> None:
    assert math.isnan(roc_auc(np.ones(4, dtype=np.int64), np.linspace(0, 1, 4)))


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
    ece, mce = calibration_errors(y, p)
    assert ece == pytest.approx(float(np.dot(gaps, weights)))
    assert mce == pytest.approx(max(gaps))


def test_calibration_errors_closed_form() -> None:
    y = np.array([0, 1, 0, 1, 1])
    p = np.array([0.25, 0.25, 0.25, 0.25, 1.0])  # 1.0 belongs to the last bin
    ece, mce = calibration_errors(y, p)
    assert ece == pytest.approx(4 / 5 * 0.25)
    assert mce == pytest.approx(0.25)


def test_classification_metrics_by_hand() -> None:
    y = np.array([1, 1, 0, 0])
    p = np.array([0.9, 0.4, 0.6, 0.1])  # one TP, one FN, one FP, one TN
    metrics = classification_metrics(y, p, threshold=0.5)
    assert metrics["accuracy_score"] == 0.5
    assert metrics["precision_score"] == metrics["recall_score"] == metrics["f1_score"] == 0.5
    assert metrics["roc_auc"] == 0.75
    assert metrics["log_loss"] == pytest.approx(-np.mean(np.log([0.9, 0.4, 0.4, 0.9])))
    assert metrics["brier_score"] == pytest.approx((0.01 + 0.36 + 0.36 + 0.01) / 4)


def test_slices_and_fairness_by_hand() -> None:
    y = np.array([1, 0, 1, 0, 1, 0])
    predicted = np.array([1, 1, 1, 0, 0, 0])
    sex = np.array(["female", "female", "female", "male", "male", "male"])
    slices = slice_metrics(y, predicted, {"sex": sex})
    assert slices["sex"]["female"] == {
        "n": 3.0,
        "accuracy": 2 / 3,
        "true_positive_rate": 1.0,
        "false_positive_rate": 1.0,
        "selection_rate": 1.0,
    }
    assert slices["sex"]["male"]["selection_rate"] == 0.0
    fairness = fairness_metrics(slices, overall_accuracy=4 / 6)
    assert fairness["fairness/demographic_parity_difference"] == 1.0
    assert fairness["fairness/equalized_odds_difference"] == 1.0
    assert fairness["fairness/worst_slice_accuracy_gap"] == pytest.approx(0.0)


def test_latency_times_repeated_calls() -> None:
    calls = []
    p95 = p95_ms_per_1k_rows(lambda: calls.append(1), 500, repeats=7)
    assert len(calls) == 8  # one warm-up call
    assert p95 > 0
