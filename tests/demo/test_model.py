"""Tests of riskcards.demo.model: training, FGSM and the evaluation of the demo model."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from riskcards.demo.data import FEATURES
from riskcards.demo.metrics import METRIC_NAME
from riskcards.demo.model import L2, MAX_ITER, TrainedDemo, fgsm_perturb, train_demo

# --- training -----------------------------------------------------------------------------


def test_training_loss_decreases_and_converges(trained: TrainedDemo) -> None:
    history = np.array(trained.training.loss_history)
    assert history[0] == pytest.approx(math.log(2))  # all weights zero: p = 0.5 everywhere
    assert np.all(np.diff(history) <= 0)
    assert history[-1] < history[0] - 0.2
    assert trained.training.converged
    assert trained.training.iterations < MAX_ITER


def test_training_reaches_the_optimum(trained: TrainedDemo) -> None:
    """The gradient of the penalised loss vanishes at the fitted weights."""
    model, data = trained.training.model, trained.train_set
    z = model.standardise(data.features)
    residual = model.proba_standardised(z) - data.default
    assert abs(residual.mean()) < 1e-8
    assert np.abs(z.T @ residual / len(z) + L2 * model.weights).max() < 1e-8


def test_training_is_deterministic(trained: TrainedDemo) -> None:
    again = train_demo(seed=7)
    assert np.array_equal(again.training.model.weights, trained.training.model.weights)
    assert again.evaluation.metrics == trained.evaluation.metrics


def test_model_json_holds_the_fitted_parameters(trained: TrainedDemo) -> None:
    model = trained.training.model
    spec = json.loads(json.dumps(model.to_json(threshold=0.5)))
    assert spec["features"] == list(FEATURES)
    assert spec["weights"] == model.weights.tolist()
    assert spec["intercept"] == model.intercept


# --- evaluation ---------------------------------------------------------------------------


def test_fgsm_moves_every_logit_against_the_label(trained: TrainedDemo) -> None:
    model, data = trained.training.model, trained.eval_set
    z = model.standardise(data.features)
    moved = fgsm_perturb(model, z, data.default, 0.3)
    assert np.allclose(np.abs(moved - z), 0.3)
    shift = (moved - z) @ model.weights
    expected = 0.3 * np.abs(model.weights).sum() * np.where(data.default == 1, -1, 1)
    assert np.allclose(shift, expected)


def test_demo_evaluation_shows_the_intended_gaps(trained: TrainedDemo) -> None:
    metrics = trained.evaluation.metrics
    assert metrics["roc_auc"] > 0.75
    assert metrics["expected_calibration_error"] < 0.05
    assert metrics["fairness/demographic_parity_difference"] > 0.10
    assert metrics["robustness/fgsm_accuracy"] < 0.70
    assert metrics["robustness/fgsm_accuracy"] < metrics["accuracy_score"]
    assert 0 < metrics["robustness/attack_success_rate"] <= 1


def test_metric_names_are_valid_for_mlflow(trained: TrainedDemo) -> None:
    metrics = trained.evaluation.metrics
    assert all(METRIC_NAME.match(name) for name in metrics)
    assert all(math.isfinite(value) for value in metrics.values())
    assert {"slice/sex/female/selection_rate", "slice/age_band/60-plus/n"} <= set(metrics)
