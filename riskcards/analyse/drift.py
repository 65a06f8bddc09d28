"""Drift between a reference sample (training) and a current one (evaluation, production).

Layer: analytics.

- Numeric features: the population stability index over bins fixed on the reference, and
  the two-sample Kolmogorov-Smirnov statistic D = max |F_ref(x) - F_cur(x)|.
  PSI bins split at the reference deciles (``n_bins`` quantile bins, numpy's "linear"
  quantiles); bins are right-closed, ``(e[k-1], e[k]]``, open at both ends, and coinciding
  edges (tied values) are merged.
- Categorical features: the Jensen-Shannon distance in base 2 (0 = same distribution,
  1 = disjoint), and PSI with the categories as bins.

PSI = sum over bins of (cur - ref) * ln(cur / ref) over the shares of rows per bin. A bin
empty in one sample would make that infinite, so shares below ``epsilon`` (default 1e-4,
i.e. 0.01% of the rows) count as ``epsilon``; shares are not renormalised afterwards. Every
term stays >= 0, so PSI >= 0.

PSI is exact, computed without sorting whole columns: see :mod:`riskcards.analyse._numeric`.
The KS statistic is kept in integers, ``|C_ref * m - C_cur * n|`` for counts C, until one
final division by ``n * m`` (exact while n * m < 2**63, e.g. two samples of three billion
rows). It is read off the shared fine histogram: exact at every cell boundary, and inside a
cell bounded by that cell's counts, so the true statistic lies in
``[ks_statistic, ks_statistic + ks_error]``. Only the cells whose bound could raise it by more
than ``ks_tolerance`` (default 1e-4) have their values gathered and counted exactly; so
``ks_error <= ks_tolerance``, and it is 0 (exact) for integer features and, in practice, for
samples under about ten thousand rows, whose cells are all gathered. ``ks_tolerance=0``
makes it exact everywhere. On two samples of ten million rows the gather this skips is about
a million values a feature.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from riskcards.analyse import _numeric as k
from riskcards.analyse._categories import categories
from riskcards.analyse.inputs import (
    AnalyticsInputError,
    finite_column,
    finite_extremes,
    positive_int,
)
from riskcards.models.analysis import (
    CategoricalDrift,
    CategoryShare,
    DriftBin,
    DriftParameters,
    DriftReport,
    NumericDrift,
    Source,
)

PSI_EPSILON = 1e-4
KS_TOLERANCE = 1e-4


def measure_drift(
    reference: Mapping[str, object],
    current: Mapping[str, object],
    *,
    features: Sequence[str] | None = None,
    categorical: Collection[str] = (),
    n_bins: int = 10,
    epsilon: float = PSI_EPSILON,
    ks_tolerance: float = KS_TOLERANCE,
    reference_source: Source | None = None,
    current_source: Source | None = None,
) -> DriftReport:
    """Drift of each feature (default: every column of ``reference`` also in ``current``).

    A feature is categorical when named in ``categorical`` or when its values are not
    numbers (strings, booleans); otherwise numeric.
    """
    ref_source = reference_source or Source()
    cur_source = current_source or Source()
    n_bins = positive_int(n_bins, table=ref_source.table, name="n_bins")
    if not 0 < epsilon < 1:
        raise AnalyticsInputError(
            ref_source.table, None, f"parameter epsilon must be in (0, 1), got {epsilon!r}"
        )
    if not 0 <= ks_tolerance < 1:
        raise AnalyticsInputError(
            ref_source.table,
            None,
            f"parameter ks_tolerance must be in [0, 1), got {ks_tolerance!r}",
        )
    names = list(features) if features is not None else [f for f in reference if f in current]
    if not names:
        raise AnalyticsInputError(cur_source.table, None, "no feature is in both samples")
    results: list[NumericDrift | CategoricalDrift] = []
    ref_rows = cur_rows = 0
    for name in names:
        for source, sample in ((ref_source, reference), (cur_source, current)):
            if name not in sample:
                raise AnalyticsInputError(source.table, name, "no such column")
        ref, cur = np.asarray(reference[name]), np.asarray(current[name])
        ref_rows, cur_rows = (
            _rows(ref_rows, ref, ref_source, name),
            _rows(cur_rows, cur, cur_source, name),
        )
        if name in categorical or ref.dtype.kind not in "iuf" or cur.dtype.kind not in "iuf":
            results.append(
                categorical_drift(name, ref, cur, epsilon, ref_source.table, cur_source.table)
            )
        else:
            results.append(
                numeric_drift(
                    name,
                    ref,
                    cur,
                    (n_bins, epsilon, ks_tolerance),
                    ref_source.table,
                    cur_source.table,
                )
            )
    return DriftReport(
        reference=ref_source,
        current=cur_source,
        reference_rows=ref_rows,
        current_rows=cur_rows,
        parameters=DriftParameters(n_bins=n_bins, epsilon=epsilon, ks_tolerance=ks_tolerance),
        features=tuple(results),
    )


def _rows(expected: int, values: k.AnyArray, source: Source, name: str) -> int:
    if expected and len(values) != expected:
        raise AnalyticsInputError(
            source.table, name, f"has {len(values)} rows but the other columns have {expected}"
        )
    return len(values)


def psi(
    reference_counts: k.IntArray, current_counts: k.IntArray, epsilon: float = PSI_EPSILON
) -> float:
    """The population stability index of two histograms over the same bins (see module doc)."""
    ref = np.maximum(reference_counts / reference_counts.sum(), epsilon)
    cur = np.maximum(current_counts / current_counts.sum(), epsilon)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def jensen_shannon_distance(p: k.FloatArray, q: k.FloatArray) -> float:
    """sqrt of the Jensen-Shannon divergence of two distributions, in bits (0..1)."""
    p = p / p.sum()
    q = q / q.sum()
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        divergence = 0.5 * np.sum(np.where(p > 0, p * np.log2(p / m), 0.0)) + 0.5 * np.sum(
            np.where(q > 0, q * np.log2(q / m), 0.0)
        )
    return float(np.sqrt(min(max(divergence, 0.0), 1.0)))


def ks_statistic(reference: object, current: object) -> float:
    """The two-sample Kolmogorov-Smirnov statistic of two numeric samples (exact)."""
    x = finite_column(reference, table="<arrays>", column="reference")
    y = finite_column(current, table="<arrays>", column="current")
    low, high = float(min(x.min(), y.min())), float(max(x.max(), y.max()))
    grid = k.Grid.for_samples([x, y], low, high)
    cx, cy = k.CellCounts(x, grid), k.CellCounts(y, grid)
    lower, wanted, _ = _ks_cells(cx, cy, 0.0)
    k.gather([cx, cy], wanted)
    return _ks(cx, cy, lower)


def numeric_drift(
    name: str,
    reference: object,
    current: object,
    parameters: tuple[int, float, float],
    ref_table: str,
    cur_table: str,
) -> NumericDrift:
    """PSI over reference-quantile bins and the KS statistic of one numeric feature.

    ``parameters`` are (n_bins, epsilon, ks_tolerance). Integer values over a short range
    (counts, ratings, codes) are counted value by value, one ``bincount`` per sample, and
    read off the cumulative counts (KS exact); anything else goes through the cells of
    :mod:`riskcards.analyse._numeric`. With ``ks_tolerance=0`` both give the same numbers.
    """
    n_bins, epsilon, ks_tolerance = parameters
    x, x_low, x_high = finite_extremes(reference, table=ref_table, column=name)
    y, y_low, y_high = finite_extremes(current, table=cur_table, column=name)
    for table, low in ((ref_table, x_low), (cur_table, y_low)):
        if low is None:
            raise AnalyticsInputError(table, name, "has no rows")
    low, high = min(x_low, y_low), max(x_high, y_high)
    probabilities = np.linspace(0.0, 1.0, n_bins + 1)[1:-1]
    counted = _integer_counts(x, y, low, high)
    if counted is not None:
        return _drift(
            name,
            epsilon,
            probabilities,
            _ValueCounts(counted[0], counted[2]),
            _ValueCounts(counted[1], counted[2]),
        )
    return _cell_drift(
        name, x, y, (float(low), float(high)), probabilities, (epsilon, ks_tolerance)
    )


def _cell_drift(
    name: str,
    x: k.AnyArray,
    y: k.AnyArray,
    extremes: tuple[float, float],
    probabilities: k.FloatArray,
    tolerances: tuple[float, float],
) -> NumericDrift:
    """The general path: cells of a shared grid, the few decisive cells gathered and sorted.

    ``tolerances`` are PSI's epsilon and the KS tolerance (see the module docstring)."""
    epsilon, ks_tolerance = tolerances
    grid = k.Grid.for_samples([x, y], *extremes)
    cx, cy = k.CellCounts(x, grid), k.CellCounts(y, grid)
    lower, wanted, bound = _ks_cells(cx, cy, ks_tolerance)
    wanted |= k.quantile_cells(cx, probabilities)
    k.gather([cx, cy], wanted)
    best = _ks_best(cx, cy, lower)
    # cells left out: the statistic inside them is at most their bound
    rest = int(bound[~wanted].max(initial=0))
    scale = cx.n * cy.n
    error = max(rest - best, 0) / scale
    return _drift(name, epsilon, probabilities, cx, cy, (min(best / scale, 1.0), error))


def _drift(
    name: str,
    epsilon: float,
    probabilities: k.FloatArray,
    cx: Any,
    cy: Any,
    ks: tuple[float, float] | None = None,
) -> NumericDrift:
    """The report of one feature from two counted samples (cells or integer values)."""
    edges = np.unique(k.numpy_linear_quantile(cx.order_statistics, cx.n, probabilities))
    ref_counts = np.diff(np.concatenate([[0], cx.count_at_most(edges), [cx.n]]))
    cur_counts = np.diff(np.concatenate([[0], cy.count_at_most(edges), [cy.n]]))
    bounds: list[float | None] = [None, *(float(e) for e in edges), None]
    bins = tuple(
        DriftBin(
            lower=bounds[i], upper=bounds[i + 1], reference_share=r / cx.n, current_share=c / cy.n
        )
        for i, (r, c) in enumerate(zip(ref_counts.tolist(), cur_counts.tolist(), strict=True))
    )
    if ks is None:  # integer values: the CDFs step only at values, all of them counted
        widest = int(np.abs(cx.cumulative * cy.n - cy.cumulative * cx.n).max())
        ks = (min(widest / (cx.n * cy.n), 1.0), 0.0)
    return NumericDrift(
        feature=name,
        population_stability_index=psi(ref_counts, cur_counts, epsilon),
        ks_statistic=ks[0],
        ks_error=min(ks[1], 1.0 - ks[0]),
        bins=bins,
    )


# the widest range of integer values counted value by value (8 MB of counts per sample)
_INTEGER_SPAN = 1 << 20
_INTEGER_LIMIT = 2.0**53  # beyond, float64 does not hold every integer: the cells path decides


def _integer_counts(
    x: k.AnyArray, y: k.AnyArray, low: Any, high: Any
) -> tuple[k.IntArray, k.IntArray, int] | None:
    """Counts per value ``low .. high`` of both samples when every value is an integer."""
    if not (-_INTEGER_LIMIT < float(low) <= float(high) < _INTEGER_LIMIT):
        return None
    if float(low) != int(low) or float(high) - float(low) >= _INTEGER_SPAN:
        return None
    start = int(low)
    span = int(high) - start + 1
    counts = []
    for values in (x, y):
        total = np.zeros(span, dtype=np.int64)
        for part in k.chunks(len(values)):
            chunk = values[part]
            as_int = chunk.astype(np.int64)
            if chunk.dtype.kind == "f" and not np.array_equal(as_int, chunk):
                return None
            as_int -= start
            total += np.bincount(as_int, minlength=span)
        counts.append(total)
    return counts[0], counts[1], start


class _ValueCounts:
    """One sample of integers counted per value, answering as :class:`k.CellCounts` does."""

    def __init__(self, counts: k.IntArray, start: int) -> None:
        self.start = start
        self.cumulative = np.cumsum(counts)  # values <= start + i
        self.n = int(self.cumulative[-1])

    def order_statistics(self, ranks: k.IntArray) -> k.FloatArray:
        """The sorted values at 0-based ``ranks`` (cast from int64, as the cells path does)."""
        index = np.searchsorted(self.cumulative, ranks, side="right")
        return (index.astype(np.int64) + self.start).astype(np.float64)

    def count_at_most(self, points: k.FloatArray) -> k.IntArray:
        """How many values are <= each point."""
        index = np.floor(points) - self.start
        inside = np.clip(index, 0, len(self.cumulative) - 1).astype(np.int64)
        return np.where(index < 0, 0, self.cumulative[inside])


def _ks_cells(
    cx: k.CellCounts, cy: k.CellCounts, tolerance: float
) -> tuple[int, npt.NDArray[np.bool_], k.IntArray]:
    """The exact n*m*|F_x - F_y| at every cell boundary, the cells that could beat it by more
    than ``tolerance`` (a share), and every cell's bound (all scaled by n*m).

    Inside cell j, F_x - F_y can rise at most to (cells <= j of x) - (cells < j of y), and
    F_y - F_x to the mirror image; only cells where that bound beats the boundaries matter.
    """
    n, m = cx.n, cy.n
    boundary = int(np.abs(cx.cumulative * m - cy.cumulative * n).max())
    bound = np.maximum(cx.cumulative * m - cy.before * n, cy.cumulative * n - cx.before * m)
    slack = int(tolerance * n * m)  # rounded down: never looser than asked
    return boundary, bound > boundary + slack, bound


def _ks(cx: k.CellCounts, cy: k.CellCounts, boundary: int) -> float:
    return min(_ks_best(cx, cy, boundary) / (cx.n * cy.n), 1.0)


def _ks_best(cx: k.CellCounts, cy: k.CellCounts, boundary: int) -> int:
    """n*m*|F_x - F_y| at its largest over the cell boundaries and the gathered values."""
    best = boundary
    for points in (cx.gathered, cy.gathered):  # each sorted, which keeps the searches fast
        if len(points):
            inside = np.abs(cx.count_at_most(points) * cy.n - cy.count_at_most(points) * cx.n)
            best = max(best, int(inside.max()))
    return best


def _sort_key(level: Any) -> tuple[bool, Any]:
    return (isinstance(level, str), level)


def categorical_drift(
    name: str, reference: object, current: object, epsilon: float, ref_table: str, cur_table: str
) -> CategoricalDrift:
    """Jensen-Shannon distance and PSI of one categorical feature."""
    ref_cats = categories(reference, table=ref_table, column=name)
    cur_cats = categories(current, table=cur_table, column=name)
    ref = {lv: c for lv, c in zip(ref_cats.levels, ref_cats.counts().tolist(), strict=True) if c}
    cur = {lv: c for lv, c in zip(cur_cats.levels, cur_cats.counts().tolist(), strict=True) if c}
    try:
        levels = sorted(ref.keys() | cur.keys(), key=_sort_key)
    except TypeError:  # numbers in one sample, booleans or strings in the other
        levels = sorted(ref.keys() | cur.keys(), key=str)
    ref_counts = np.array([ref.get(lv, 0) for lv in levels], dtype=np.int64)
    cur_counts = np.array([cur.get(lv, 0) for lv in levels], dtype=np.int64)
    ref_share = ref_counts / ref_counts.sum()
    cur_share = cur_counts / cur_counts.sum()
    return CategoricalDrift(
        feature=name,
        population_stability_index=psi(ref_counts, cur_counts, epsilon),
        jensen_shannon_distance=jensen_shannon_distance(ref_share, cur_share),
        categories=tuple(
            CategoryShare(value=str(lv), reference_share=r, current_share=c)
            for lv, r, c in zip(levels, ref_share.tolist(), cur_share.tolist(), strict=True)
        ),
        new_categories=tuple(str(lv) for lv in levels if lv not in ref),
    )
