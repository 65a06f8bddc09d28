"""Turning a categorical column into integer codes (layer: analytics, private).

Small-range integers and booleans need no work: a value minus the smallest value is its code.
Strings are coded by comparing the column with each level seen in a strided sample of about
4,000 rows (one vectorised comparison per level), then coding any rows left over with
``np.unique``; a column with many levels goes straight to ``np.unique``. For a column with a
handful of levels that is several times faster than sorting the whole column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from riskcards.analyse._numeric import chunks
from riskcards.analyse.inputs import AnalyticsInputError, one_dimensional, reject_missing

AnyArray = npt.NDArray[Any]
_MAX_RANGE = 4096  # integer columns spanning at most this many values are coded by offset
_MAX_GUESSED = 64  # more levels than this in the sample: code with np.unique straight away
_SAMPLE = 4096


@dataclass(frozen=True, eq=False)
class Categories:
    """Codes ``values - offset`` in ``range(len(levels))``; ``levels`` sorted, as Python values."""

    values: AnyArray
    offset: int
    levels: tuple[Any, ...]

    def codes(self, part: slice) -> npt.NDArray[np.intp]:
        """The codes of the rows in ``part``, as a fresh intp array."""
        chunk = self.values[part].astype(np.intp)
        if self.offset:
            chunk -= self.offset
        return chunk

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(str(level) for level in self.levels)

    def counts(self) -> npt.NDArray[np.int64]:
        """Rows per level."""
        total = np.zeros(len(self.levels), dtype=np.int64)
        for part in chunks(len(self.values)):
            total += np.bincount(self.codes(part), minlength=len(self.levels))
        return total


def categories(values: object, *, table: str, column: str) -> Categories:
    """Code a categorical column; missing values are an error naming the column."""
    array = one_dimensional(values, table=table, column=column)
    reject_missing(array, table=table, column=column)
    kind: str = array.dtype.kind
    if kind == "O":
        array, kind = _plain(array, table=table, column=column)
    if kind == "b":
        return Categories(array.view(np.uint8), 0, (False, True))
    if kind in "iu":
        low, high = int(array.min()), int(array.max())
        if high - low < _MAX_RANGE:
            return Categories(array, low, tuple(range(low, high + 1)))
    if kind in "iuf":
        return _unique(array)
    if kind in "US" or kind == "O":
        return _strings(array)
    raise AnalyticsInputError(table, column, f"cannot group rows by values of dtype {array.dtype}")


def _plain(array: AnyArray, *, table: str, column: str) -> tuple[AnyArray, str]:
    """An object column of numbers becomes numeric; of strings stays object; mixed is an error."""
    kinds = set(map(type, array.tolist()))
    if kinds <= {str, np.str_}:
        return array, "O"
    if kinds <= {bool, np.bool_}:
        return array.astype(bool), "b"
    if kinds <= {int, float, bool, np.int64, np.float64}:
        numeric = np.asarray(array.tolist())
        return numeric, numeric.dtype.kind
    names = ", ".join(sorted(t.__name__ for t in kinds))
    raise AnalyticsInputError(table, column, f"mixes values of types {names}; expected one type")


def _unique(array: AnyArray) -> Categories:
    levels, inverse = np.unique(array, return_inverse=True)
    return Categories(inverse, 0, tuple(levels.tolist()))


def _strings(array: AnyArray) -> Categories:
    guessed = np.unique(array[:: max(1, len(array) // _SAMPLE)])
    if len(guessed) > _MAX_GUESSED:
        return _unique(array)
    codes = np.full(len(array), -1, dtype=np.int16)
    for code, level in enumerate(guessed):
        codes[array == level] = code
    left = codes < 0
    if not left.any():
        return Categories(codes, 0, tuple(guessed.tolist()))
    extra, inverse = np.unique(array[left], return_inverse=True)
    if len(guessed) + len(extra) > np.iinfo(np.int16).max:
        return _unique(array)
    codes[left] = len(guessed) + inverse
    levels = np.concatenate([guessed, extra])
    order = np.argsort(levels, kind="stable")
    rank = np.empty(len(levels), dtype=np.int16)
    rank[order] = np.arange(len(levels), dtype=np.int16)
    return Categories(rank[codes], 0, tuple(levels[order].tolist()))
