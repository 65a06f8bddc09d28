"""Calibration of predicted probabilities: ECE, MCE, Brier score, reliability diagrams.

Layer: analytics. Bins are right-closed, ``(e[k-1], e[k]]`` with the first bin closed at 0,
as in ``sklearn.calibration.calibration_curve``: equal-width bins split [0, 1] evenly;
equal-mass bins split at the score quantiles (numpy's "linear" method), merging bins whose
edges coincide because of tied scores.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from riskcards.analyse import _numeric as k
from riskcards.analyse.inputs import (
    BoolArray,
    ColumnRoles,
    NumberArray,
    binary_column,
    positive_int,
    probability_column,
    same_length,
)
from riskcards.models.analysis import (
    CalibrationCurve,
    CalibrationParameters,
    CalibrationResult,
    ReliabilityBin,
    Source,
)


def measure_calibration(
    labels: object,
    scores: object,
    *,
    n_bins: int = 10,
    source: Source | None = None,
    roles: ColumnRoles | None = None,
) -> CalibrationResult:
    """Brier score and, for equal-width and equal-mass bins, ECE, MCE and the reliability bins.

    ``labels`` are 0/1 (or booleans), ``scores`` the predicted probability of label 1.
    """
    source = source or Source()
    roles = roles or ColumnRoles()
    table = source.table
    n_bins = positive_int(n_bins, table=table, name="n_bins")
    y = binary_column(labels, table=table, column=roles.label)
    p = probability_column(scores, table=table, column=roles.score)
    rows = same_length(table, {roles.label: y, roles.score: p})

    width_edges = np.linspace(0.0, 1.0, n_bins + 1)
    # the percentiles at 100 * k / n_bins, rounded as np.percentile rounds them, so that a
    # score sitting on an edge falls in the same bin as in sklearn's calibration_curve
    percentiles = np.linspace(0.0, 1.0, n_bins + 1) * 100 / 100
    mass_edges = k.exact_quantiles(p, percentiles, low=0.0, high=1.0)
    mass_edges = np.concatenate([[mass_edges[0]], np.unique(mass_edges[1:-1]), [mass_edges[-1]]])
    return CalibrationResult(
        source=source,
        columns={"label": roles.label, "score": roles.score},
        rows=rows,
        parameters=CalibrationParameters(n_bins=n_bins),
        brier_score=brier_score(y, p),
        equal_width=_curve("equal_width", y, p, width_edges),
        equal_mass=_curve("equal_mass", y, p, mass_edges),
    )


def brier_score(y: BoolArray, p: NumberArray) -> float:
    """The mean squared difference between probability and outcome."""
    total = 0.0
    for part in k.chunks(len(y)):
        gap = np.subtract(p[part], y[part], dtype=np.float64)
        total += float(np.dot(gap, gap))
    return total / len(y)


def bin_totals(
    y: BoolArray, p: NumberArray, inner_edges: k.FloatArray
) -> tuple[k.IntArray, k.IntArray, k.FloatArray]:
    """Per bin: rows, positive labels, and the sum of scores."""
    n_bins = len(inner_edges) + 1
    labelled = np.zeros(2 * n_bins, dtype=np.int64)
    score_sums = np.zeros(n_bins, dtype=np.float64)
    for part in k.chunks(len(y)):
        index = k.bin_index(p[part], inner_edges).astype(np.intp, copy=False)  # bincount's own type
        score_sums += np.bincount(index, weights=p[part], minlength=n_bins)
        index *= 2
        index += y[part]
        labelled += np.bincount(index, minlength=2 * n_bins)
    by_label = labelled.reshape(n_bins, 2)
    return by_label.sum(axis=1), by_label[:, 1], score_sums


def _curve(
    binning: Literal["equal_width", "equal_mass"], y: BoolArray, p: NumberArray, edges: k.FloatArray
) -> CalibrationCurve:
    counts, positives, score_sums = bin_totals(y, p, edges[1:-1])
    observed = k.ratio(positives, counts)
    mean_score = k.ratio(score_sums, counts)
    gaps = np.abs(observed - mean_score)
    filled = counts > 0
    mce = min(float(gaps[filled].max()), 1.0)
    # a weighted mean of the gaps, so never above their maximum (rounding could say otherwise)
    ece = min(float(np.dot(gaps[filled], counts[filled]) / counts.sum()), mce)
    bins = tuple(
        ReliabilityBin(
            lower=float(edges[i]),
            upper=float(edges[i + 1]),
            count=int(counts[i]),
            mean_score=_clip_share(mean_score[i]) if filled[i] else None,
            observed_rate=float(observed[i]) if filled[i] else None,
        )
        for i in range(len(counts))
    )
    return CalibrationCurve(
        binning=binning,
        expected_calibration_error=ece,
        maximum_calibration_error=mce,
        bins=bins,
    )


def _clip_share(value: float) -> float:
    # a mean of scores in [0, 1] can round a hair outside it
    return float(min(max(value, 0.0), 1.0))
