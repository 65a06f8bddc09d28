"""Vectorised building blocks shared by the measurements (layer: analytics, private).

Everything here works on numpy arrays in chunks of ``CHUNK`` rows, so the temporaries of a
computation stay a few megabytes however long the input is; Python loops run over chunks,
bins or levels, never over rows.

The one piece that needs explaining is :class:`CellCounts`, used for exact quantiles and the
exact two-sample Kolmogorov-Smirnov statistic without sorting whole columns (sorting ten
million floats takes about 0.8 s here; counting them into cells takes under 0.1 s):

1. A :class:`Grid` maps every value to one of ``GRID_CELLS + 2`` (2**16) cells: equal-width
   cells between two bounds chosen from a small strided sample, plus one cell for each
   tail. The map is monotone (a larger value never lands in an earlier cell) and computed
   the same way for every sample, so the cells split the real line into the same
   consecutive intervals.
2. One pass per sample counts its values per cell and keeps each row's cell (2 bytes a row).
3. Cumulative cell counts give the exact empirical CDF at every cell boundary. Quantiles and
   the KS supremum can only fall inside a few cells, found from those counts; the values of
   just those cells are gathered and sorted, and the answer is read off exactly. A gathered
   cell holding a single distinct value (discrete data) needs no sorting at all.

Correctness does not depend on the grid being well placed, only the speed does: a badly
placed grid gathers more values, up to all of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from riskcards.models.analysis import Rate

CHUNK = 1 << 20
GRID_CELLS = (1 << 16) - 2
# a cell's number: two bytes a row (every cell, the tails included, fits), so the cell
# numbers of a sample and the counts per cell stay in cache; 2**18 cells were 15% slower
CELL = np.uint16
_TAIL = 0.001  # share of the strided sample left to each tail cell
_SAMPLE = 1 << 16  # values taken from each sample to place the grid
_SKEWED = 50.0  # upper tail over median beyond which a positive sample gets log-like cells

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
AnyArray = npt.NDArray[Any]
Z_95 = 1.959963984540054  # the 97.5% quantile of the standard normal


def chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    """Consecutive slices covering ``range(n)``."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def bin_index(values: AnyArray, inner_edges: FloatArray) -> npt.NDArray[np.integer[Any]]:
    """For each value, the number of ``inner_edges`` strictly below it.

    That is the bin of right-closed bins ``(e[k-1], e[k]]`` with open ends, the convention of
    ``sklearn.calibration.calibration_curve`` (``np.searchsorted(edges, values)``). For a few
    edges, comparisons summed into one byte per value beat a binary search per value (and
    summing into machine-word integers) by 3 to 10 times; the result is then ``uint8``.
    """
    if len(inner_edges) > 32:
        return np.searchsorted(inner_edges, values, side="left")
    index = np.zeros(len(values), dtype=np.uint8)
    above = np.empty(len(values), dtype=bool)
    for edge in inner_edges:
        np.greater(values, edge, out=above)
        index += above
    return index


def neighbour_ranks(n: int, probabilities: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """The 0-based ranks either side of each quantile and the weight of the upper one.

    numpy's "linear" method (its default): the quantile q sits at virtual rank (n - 1) * q.
    """
    virtual = (n - 1) * probabilities
    below = np.floor(virtual)
    gamma = virtual - below
    low = np.clip(below, 0, n - 1).astype(np.int64)
    return low, np.minimum(low + 1, n - 1), gamma


def numpy_linear_quantile(order_statistic: Any, n: int, probabilities: FloatArray) -> FloatArray:
    """``np.quantile(x, probabilities)`` (method "linear"), given the order statistics of x.

    ``order_statistic(ranks)`` returns the sorted values at 0-based ``ranks``. The
    interpolation mirrors numpy's ``_lerp``, so the results agree to the last bit.
    """
    low, high, gamma = neighbour_ranks(n, probabilities)
    a = order_statistic(low)
    b = order_statistic(high)
    with np.errstate(over="ignore", invalid="ignore"):  # as numpy: inf - inf is its business
        diff = b - a
        result = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return np.asarray(np.clip(result, a, b), dtype=np.float64)


@dataclass(frozen=True)
class Grid:
    """A monotone map of values to cells ``0 .. GRID_CELLS + 1`` (the two tails at the ends).

    Cells are equal-width in the value or, when ``log_like`` is set, in the bit pattern of
    the value as a float64. For positive floats that pattern, read as an integer, grows with
    the value and is a piecewise-linear approximation of log2: cells get finer where values
    are small. It is used for positive, strongly right-skewed samples such as incomes.

    Only exactly rounded operations are used (casts, one multiply and one add, in separate
    steps, never ``log``), so a value lands in the same cell whether it is computed in a
    long chunk or alone: the exact counts rely on that.
    """

    scale: float
    offset: float
    log_like: bool = False

    @classmethod
    def spanning(cls, low: float, high: float, *, log_like: bool = False) -> Grid:
        """Equal-width cells from ``low`` to ``high``; everything in one cell when they meet."""
        if log_like:
            low, high = (float(b) for b in _bits(np.array([low, high])))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            width = float(high) - float(low)
            scale = GRID_CELLS / width if width > 0 and np.isfinite(width) else 0.0
        if not np.isfinite(scale):
            scale = 0.0
        return cls(scale=scale, offset=1.0 - float(low) * scale, log_like=log_like)

    @classmethod
    def for_samples(cls, samples: Sequence[AnyArray], low: float, high: float) -> Grid:
        """A grid placed on a strided sample of every array; ``low``/``high`` their extremes."""
        pooled = np.concatenate(
            [np.asarray(s[:: max(1, len(s) // _SAMPLE)], dtype=np.float64) for s in samples]
        )
        with np.errstate(over="ignore", invalid="ignore"):  # values near the float limits
            lower, middle, upper = np.quantile(pooled, [_TAIL, 0.5, 1 - _TAIL])
        if not (np.isfinite(lower) and np.isfinite(upper) and upper > lower):
            lower, upper = low, high
        log_like = bool(low > 0 and upper / _SKEWED > middle)
        return cls.spanning(lower, upper, log_like=log_like)

    def cells(self, values: AnyArray) -> npt.NDArray[Any]:
        """The cell of every value, computed in float64 whatever the input's dtype."""
        with np.errstate(over="ignore", invalid="ignore"):
            if self.log_like:
                position = _bits(values)
                position *= self.scale
            else:
                position = np.multiply(values, self.scale, dtype=np.float64)
            position += self.offset
        np.clip(position, 0, GRID_CELLS + 1, out=position)
        return position.astype(CELL)


def _bits(values: AnyArray) -> FloatArray:
    """The float64 bit patterns of ``values``, as (rounded) float64 numbers."""
    as_float = np.asarray(values, dtype=np.float64)
    return as_float.view(np.int64).astype(np.float64)


class CellCounts:
    """One sample counted into the cells of a :class:`Grid`; see the module docstring.

    After :func:`gather`, :meth:`count_at_most` answers "how many values are <= v" exactly
    for any v in a gathered cell or a cell this sample leaves empty, and
    :meth:`order_statistics` returns sorted values by rank from gathered cells.
    """

    def __init__(self, values: AnyArray, grid: Grid) -> None:
        self.values = values
        self.grid = grid
        self.n = len(values)
        cells = np.empty(self.n, dtype=CELL)
        counts = np.zeros(GRID_CELLS + 2, dtype=np.int64)
        for part in chunks(self.n):
            cells[part] = grid.cells(values[part])
            counts += np.bincount(cells[part], minlength=GRID_CELLS + 2)
        self.cells = cells
        self.counts = counts
        self.cumulative = np.cumsum(counts)  # values in cells <= k
        self.before = self.cumulative - counts  # values in cells < k
        self.gathered = np.empty(0, dtype=np.float64)  # sorted values of non-flat gathered cells
        self._gathered_cells = np.empty(0, dtype=CELL)
        self._is_gathered = np.zeros(GRID_CELLS + 2, dtype=bool)
        self._flat = np.zeros(GRID_CELLS + 2, dtype=bool)
        self._flat_value = np.zeros(GRID_CELLS + 2, dtype=np.float64)

    def cells_of_ranks(self, ranks: IntArray) -> IntArray:
        """The cell that holds the value of each 0-based rank in sorted order."""
        return np.searchsorted(self.cumulative, ranks, side="right").astype(np.int64)

    def select(self, wanted: npt.NDArray[np.bool_]) -> tuple[FloatArray, npt.NDArray[Any]]:
        """The values in the cells marked ``wanted`` (in row order) and their cells."""
        mask = wanted[self.cells]
        return self.values[mask].astype(np.float64), self.cells[mask]

    def keep(
        self,
        wanted: npt.NDArray[np.bool_],
        flat: npt.NDArray[np.bool_],
        flat_value: FloatArray,
        selected: tuple[FloatArray, npt.NDArray[Any]],
    ) -> None:
        values, cells = selected
        values = np.sort(values[~flat[cells]])
        self.gathered = values
        self._gathered_cells = self.grid.cells(values)
        self._is_gathered = wanted & ~flat
        self._flat = flat
        self._flat_value = flat_value

    def count_at_most(self, points: AnyArray) -> IntArray:
        """How many values of the sample are <= each point (exact, see the class docstring)."""
        points = np.asarray(points, dtype=np.float64)
        cell = self.grid.cells(points)
        inside = self._is_gathered[cell]
        flat = self._flat[cell]
        if np.any(~inside & ~flat & (self.counts[cell] > 0)):
            raise RuntimeError("riskcards bug: counting at a point in a cell not gathered")
        start = np.searchsorted(self._gathered_cells, cell, side="left")
        within = np.searchsorted(self.gathered, points, side="right") - start
        above_flat = flat & (points >= self._flat_value[cell])
        counted: IntArray = (
            self.before[cell]
            + np.where(inside, within, 0)
            + np.where(above_flat, self.counts[cell], 0)
        )
        return counted

    def order_statistics(self, ranks: IntArray) -> FloatArray:
        """The sorted values at 0-based ``ranks``; their cells must have been gathered."""
        cell = self.cells_of_ranks(ranks)
        start = np.searchsorted(self._gathered_cells, cell, side="left")
        position = np.clip(start + (ranks - self.before[cell]), 0, max(len(self.gathered) - 1, 0))
        from_sorted = self.gathered[position] if len(self.gathered) else np.zeros(len(ranks))
        return np.where(self._flat[cell], self._flat_value[cell], from_sorted)


def gather(samples: Sequence[CellCounts], wanted: npt.NDArray[np.bool_]) -> None:
    """Collect the values of the ``wanted`` cells of every sample (all on one grid).

    A cell where every value of every sample is the same number ("flat", typical of
    discrete features) needs no sorting: the empirical CDFs only step at that number, so its
    counts say everything. The other wanted cells are sorted per sample.
    """
    selected = [sample.select(wanted) for sample in samples]
    low = np.full(GRID_CELLS + 2, np.inf)
    high = np.full(GRID_CELLS + 2, -np.inf)
    for values, cells in selected:
        np.minimum.at(low, cells, values)
        np.maximum.at(high, cells, values)
    flat = wanted & (low == high)
    for sample, picked in zip(samples, selected, strict=True):
        sample.keep(wanted, flat, low, picked)


def exact_quantiles(
    values: AnyArray, probabilities: FloatArray, *, low: float, high: float
) -> FloatArray:
    """``np.quantile(values, probabilities)`` without sorting or partitioning all of ``values``."""
    counts = CellCounts(values, Grid.for_samples([values], low, high))
    gather([counts], quantile_cells(counts, probabilities))
    return numpy_linear_quantile(counts.order_statistics, counts.n, probabilities)


def quantile_cells(counts: CellCounts, probabilities: FloatArray) -> npt.NDArray[np.bool_]:
    """Every cell from the lower to the upper order statistic around each quantile.

    A quantile lies between two neighbouring order statistics, so its own cell lies between
    theirs; gathering the whole range lets :meth:`CellCounts.count_at_most` count at it.
    """
    low, high, _ = neighbour_ranks(counts.n, probabilities)
    wanted = np.zeros(GRID_CELLS + 2, dtype=bool)
    for first, last in zip(counts.cells_of_ranks(low), counts.cells_of_ranks(high), strict=True):
        wanted[first : last + 1] = True
    return wanted


def wilson_interval(
    successes: IntArray, trials: IntArray, z: float = Z_95
) -> tuple[FloatArray, FloatArray]:
    """The Wilson score interval for binomial proportions; NaN where ``trials`` is 0."""
    n = trials.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = successes / n
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # exact at the ends: no successes starts at 0, all successes ends at 1
    some = trials > 0
    low = np.where(some & (successes == 0), 0.0, np.clip(centre - half, 0, 1))
    high = np.where(some & (successes == trials), 1.0, np.clip(centre + half, 0, 1))
    return low, high


def ratio(numerator: AnyArray, denominator: AnyArray) -> FloatArray:
    """Elementwise ``numerator / denominator``, NaN where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.maximum(denominator, 1), np.nan)


def rate(successes: int, trials: int) -> Rate:
    """``successes / trials`` with its Wilson 95% interval; value None when there are no trials."""
    if trials == 0:
        return Rate(value=None, successes=successes, trials=0)
    low, high = wilson_interval(np.array([successes]), np.array([trials]))
    return Rate(
        value=successes / trials,
        low=float(low[0]),
        high=float(high[0]),
        successes=successes,
        trials=trials,
    )
