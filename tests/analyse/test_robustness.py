"""Robustness against a straightforward computation and closed-form cases."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from riskcards.analyse.kernels import (
    AnalyticsInputError,
    ColumnRoles,
    Source,
    measure_robustness,
    predictions_from_scores,
)


@pytest.mark.parametrize("seed", range(5))
def test_matches_a_straightforward_computation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 5000))
    y = rng.integers(0, 2, n)
    clean = np.where(rng.random(n) < 0.8, y, 1 - y)
    perturbed = np.where(rng.random(n) < 0.3, 1 - clean, clean)
    result = measure_robustness(y, clean, perturbed)
    correct = clean == y
    assert result.rows == n
    assert result.clean_accuracy.value == pytest.approx(accuracy_score(y, clean))
    assert result.perturbed_accuracy.value == pytest.approx(accuracy_score(y, perturbed))
    assert result.attack_success_rate.value == pytest.approx(
        np.mean(perturbed[correct] != y[correct])
    )
    assert result.attack_success_rate.trials == correct.sum()
    assert result.flip_rate.value == pytest.approx(np.mean(clean != perturbed))
    assert result.degradation == pytest.approx(
        accuracy_score(y, clean) - accuracy_score(y, perturbed)
    )
    assert result.relative_degradation == pytest.approx(
        result.degradation / accuracy_score(y, clean)
    )


def test_closed_form_cases() -> None:
    y = [1, 0, 1, 0]
    unchanged = measure_robustness(y, y, y)
    assert unchanged.clean_accuracy.value == 1.0
    assert unchanged.attack_success_rate.value == 0.0
    assert unchanged.degradation == 0.0
    every_flip = measure_robustness(y, y, [0, 1, 0, 1])
    assert every_flip.perturbed_accuracy.value == 0.0
    assert every_flip.attack_success_rate.value == 1.0
    assert every_flip.relative_degradation == 1.0
    # a wrong prediction the attack fixes does not count as a success
    mixed = measure_robustness([1, 1], [1, 0], [0, 1])
    assert mixed.attack_success_rate.value == 1.0 and mixed.attack_success_rate.trials == 1
    assert mixed.degradation == 0.0


def test_nothing_correct_leaves_the_success_rate_undefined() -> None:
    result = measure_robustness([1, 0], [0, 1], [0, 1])
    assert result.attack_success_rate.value is None
    assert result.relative_degradation is None


def test_predictions_from_scores_use_greater_or_equal() -> None:
    assert predictions_from_scores([0.2, 0.5, 0.8]).tolist() == [False, True, True]
    assert predictions_from_scores([0.2, 0.5, 0.8], threshold=0.6).tolist() == [False, False, True]


def test_bad_perturbed_column_is_named() -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_robustness(
            [0, 1],
            [0, 1],
            [0, 3],
            source=Source(table="eval/predictions.json"),
            roles=ColumnRoles(),
        )
    assert caught.value.column == "adversarial_score"
    with pytest.raises(AnalyticsInputError) as caught:
        measure_robustness([0, 1], [0, 1], [0, 1, 1])
    assert "has 3 rows" in caught.value.message
