"""Robustness: accuracy on clean versus perturbed or adversarial inputs (layer: analytics).

The inputs are the model's 0/1 predictions on the clean rows and on their perturbed copies
(use :func:`predictions_from_scores` when only probabilities were logged). One
``np.bincount`` over ``label * 4 + clean * 2 + perturbed`` gives every count needed.
"""

from __future__ import annotations

import numpy as np

from riskcards.analyse import _numeric as k
from riskcards.analyse.inputs import (
    BoolArray,
    ColumnRoles,
    binary_column,
    probability_column,
    same_length,
)
from riskcards.models.analysis import RobustnessResult, Source

DECISION_THRESHOLD = 0.5


def predictions_from_scores(
    scores: object,
    *,
    threshold: float = DECISION_THRESHOLD,
    table: str = "<arrays>",
    column: str = "score",
) -> BoolArray:
    """0/1 predictions from probabilities: 1 where ``score >= threshold`` (as the demo does)."""
    p = probability_column(scores, table=table, column=column)
    return np.greater_equal(p, threshold)


def measure_robustness(
    labels: object,
    clean_predictions: object,
    perturbed_predictions: object,
    *,
    source: Source | None = None,
    roles: ColumnRoles | None = None,
) -> RobustnessResult:
    """Clean and perturbed accuracy, attack success rate, flip rate and degradation."""
    source = source or Source()
    roles = roles or ColumnRoles()
    table = source.table
    perturbed_name = roles.perturbed_prediction or roles.perturbed_score or "perturbed_prediction"
    y = binary_column(labels, table=table, column=roles.label)
    clean = binary_column(clean_predictions, table=table, column=roles.prediction)
    perturbed = binary_column(perturbed_predictions, table=table, column=perturbed_name)
    rows = same_length(table, {roles.label: y, roles.prediction: clean, perturbed_name: perturbed})

    counts = np.zeros(8, dtype=np.int64)
    for part in k.chunks(rows):
        key = y[part].astype(np.intp)
        key *= 2
        key += clean[part]
        key *= 2
        key += perturbed[part]
        counts += np.bincount(key, minlength=8)
    c = counts.reshape(2, 2, 2)  # [label, clean, perturbed]
    clean_correct = int(c[0, 0, :].sum() + c[1, 1, :].sum())
    perturbed_correct = int(c[0, :, 0].sum() + c[1, :, 1].sum())
    flipped_from_correct = int(c[0, 0, 1] + c[1, 1, 0])
    flipped = int(c[:, 0, 1].sum() + c[:, 1, 0].sum())
    clean_accuracy = clean_correct / rows
    degradation = clean_accuracy - perturbed_correct / rows
    return RobustnessResult(
        source=source,
        columns={"label": roles.label, "prediction": roles.prediction, "perturbed": perturbed_name},
        rows=rows,
        clean_accuracy=k.rate(clean_correct, rows),
        perturbed_accuracy=k.rate(perturbed_correct, rows),
        attack_success_rate=k.rate(flipped_from_correct, clean_correct),
        flip_rate=k.rate(flipped, rows),
        degradation=degradation,
        relative_degradation=degradation / clean_accuracy if clean_correct else None,
    )
