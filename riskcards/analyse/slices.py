"""Slice-based evaluation and group-fairness gaps (layer: analytics).

For every value of every attribute: n, accuracy, true and false positive rates and selection
rate, each with a Wilson 95% interval. One ``np.bincount`` per attribute over the key
``code * 4 + label * 2 + prediction`` yields the whole confusion matrix of every slice.
Slices smaller than ``min_slice_size`` are reported and flagged ``too_small`` but left out
of the worst-slice gap and the parity and odds differences.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from riskcards.analyse import _numeric as k
from riskcards.analyse._categories import Categories, categories
from riskcards.analyse.inputs import (
    BoolArray,
    ColumnRoles,
    binary_column,
    positive_int,
    same_length,
)
from riskcards.models.analysis import (
    AttributeSlices,
    SliceMetrics,
    SliceParameters,
    SliceReport,
    Source,
)

MIN_SLICE_SIZE = 30


def measure_slices(
    labels: object,
    predictions: object,
    attributes: Mapping[str, object],
    *,
    min_slice_size: int = MIN_SLICE_SIZE,
    source: Source | None = None,
    roles: ColumnRoles | None = None,
) -> SliceReport:
    """Per-slice rates for each attribute in ``attributes`` (name -> one value per row)."""
    source = source or Source()
    roles = roles or ColumnRoles()
    table = source.table
    min_slice_size = positive_int(min_slice_size, table=table, name="min_slice_size")
    y = binary_column(labels, table=table, column=roles.label)
    pred = binary_column(predictions, table=table, column=roles.prediction)
    coded = {
        name: categories(values, table=table, column=name) for name, values in attributes.items()
    }
    rows = same_length(
        table, {roles.label: y, roles.prediction: pred, **{n: c.values for n, c in coded.items()}}
    )
    overall_counts = _confusion(None, y, pred)[0]
    overall = _metrics(None, overall_counts, min_slice_size)
    groups = tuple(
        _attribute(name, cats, y, pred, min_slice_size, overall) for name, cats in coded.items()
    )
    gaps = [g.worst_slice_gap for g in groups if g.worst_slice_gap is not None]
    return SliceReport(
        source=source,
        columns={"label": roles.label, "prediction": roles.prediction}
        | {f"attribute:{name}": name for name in coded},
        rows=rows,
        parameters=SliceParameters(min_slice_size=min_slice_size),
        overall=overall,
        attributes=groups,
        worst_slice_gap=max(gaps) if gaps else None,
    )


def _confusion(cats: Categories | None, y: BoolArray, pred: BoolArray) -> k.IntArray:
    """Per level, the counts [true negatives, false positives, false negatives, true positives]."""
    levels = 1 if cats is None else len(cats.levels)
    totals = np.zeros(4 * levels, dtype=np.int64)
    for part in k.chunks(len(y)):
        key = np.zeros(part.stop - part.start, dtype=np.intp) if cats is None else cats.codes(part)
        key *= 2
        key += y[part]
        key *= 2
        key += pred[part]
        totals += np.bincount(key, minlength=4 * levels)
    return totals.reshape(levels, 4)


def _metrics(value: str | None, counts: k.IntArray, min_slice_size: int) -> SliceMetrics:
    tn, fp, fn, tp = (int(c) for c in counts)
    n = tn + fp + fn + tp
    return SliceMetrics(
        value=value,
        n=n,
        too_small=n < min_slice_size,
        accuracy=k.rate(tn + tp, n),
        true_positive_rate=k.rate(tp, tp + fn),
        false_positive_rate=k.rate(fp, fp + tn),
        selection_rate=k.rate(tp + fp, n),
    )


def _spread(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return max(defined) - min(defined) if len(defined) >= 2 else None


def _attribute(
    name: str,
    cats: Categories,
    y: BoolArray,
    pred: BoolArray,
    min_slice_size: int,
    overall: SliceMetrics,
) -> AttributeSlices:
    counts = _confusion(cats, y, pred)
    present = counts.sum(axis=1) > 0  # integer codes may leave gaps
    slices = tuple(
        _metrics(label, row, min_slice_size)
        for label, row, keep in zip(cats.labels, counts, present, strict=True)
        if keep
    )
    judged = [s for s in slices if not s.too_small]
    worst = min(judged, key=lambda s: s.accuracy.value or 0.0, default=None)
    tpr = _spread([s.true_positive_rate.value for s in judged])
    fpr = _spread([s.false_positive_rate.value for s in judged])
    odds = [d for d in (tpr, fpr) if d is not None]
    return AttributeSlices(
        attribute=name,
        slices=slices,
        judged=len(judged),
        worst_slice=None if worst is None else worst.value,
        worst_slice_gap=None
        if worst is None or overall.accuracy.value is None or worst.accuracy.value is None
        else overall.accuracy.value - worst.accuracy.value,
        demographic_parity_difference=_spread([s.selection_rate.value for s in judged]),
        equalized_odds_difference=max(odds) if odds else None,
    )
