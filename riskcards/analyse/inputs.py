"""Checking the arrays a measurement is given, and naming the column when they are wrong.

Layer: analytics (imports numpy, pydantic, the standard library and riskcards.models). Every
measurement validates its inputs here first, so bad evidence fails early with one message
that names the table and the column, e.g.
``eval/predictions.json, column 'score': 3 values outside [0, 1], first at row 17 (1.2)``.
Checks use reductions (``min``, ``max``) where they can, so valid input costs no temporary
arrays; the slower search for the first offending row runs only once input is known bad.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from riskcards.models.base import Frozen, Identifier

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
NumberArray = npt.NDArray[np.floating[Any] | np.integer[Any]]
AnyArray = npt.NDArray[Any]

ARRAYS = "<arrays>"
"""The table name used when a measurement is given bare arrays rather than a logged table."""


class AnalyticsInputError(ValueError):
    """Evidence a measurement cannot use: names the table and, where there is one, the column.

    An evidence-level error: the table-level entry points catch it and record an
    :class:`~riskcards.models.analysis.AnalysisFailure`, so the rest of the report renders.
    """

    def __init__(self, table: str, column: str | None, message: str) -> None:
        self.table = table
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.table if self.column is None else f"{self.table}, column {self.column!r}"
        return f"{where}: {self.message}"


class ColumnRoles(Frozen):
    """Which column of an evaluation table plays which part.

    The defaults are the names ``mlflow.models.evaluate`` and the riskcards demo use; a
    project config overrides them. ``perturbed_score`` (or ``perturbed_prediction``) holds the
    model's output on perturbed or adversarial inputs, for the robustness measurement.
    """

    label: Identifier = "label"
    score: Identifier = "score"
    prediction: Identifier = "prediction"
    attributes: tuple[Identifier, ...] = ()
    perturbed_score: Identifier | None = "adversarial_score"
    perturbed_prediction: Identifier | None = None


def _values(count: int | np.integer[Any], adjective: str = "") -> str:
    words = f"{adjective} value" if adjective else "value"
    return f"{int(count)} {words}" + ("" if count == 1 else "s")


def _rows(mask: BoolArray, limit: int = 1) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask)[:limit]]


def one_dimensional(values: object, *, table: str, column: str) -> AnyArray:
    """``values`` as a non-empty 1-D array (no copy when it already is one)."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise AnalyticsInputError(
            table, column, f"expected one value per row, got shape {array.shape}"
        )
    if array.size == 0:
        raise AnalyticsInputError(table, column, "has no rows")
    return array


def missing_mask(values: AnyArray) -> BoolArray:
    """True where a value is missing: NaN, NaT, or None in an object column."""
    kind = values.dtype.kind
    if kind in "fc":
        return np.isnan(values)
    if kind in "mM":
        return np.isnat(values)
    if kind == "O":
        # `v != v` is the NaN test that works on Python objects
        none: BoolArray = np.asarray(values == None, dtype=bool)  # noqa: E711 (elementwise)
        nan: BoolArray = np.asarray(values != values, dtype=bool)
        return none | nan
    return np.zeros(values.shape, dtype=bool)


def reject_missing(values: AnyArray, *, table: str, column: str) -> None:
    missing = missing_mask(values)
    count = int(np.count_nonzero(missing))
    if count:
        first = _rows(missing)[0]
        raise AnalyticsInputError(
            table, column, f"{_values(count, 'missing')}, first at row {first}"
        )


def _numeric(values: AnyArray, *, table: str, column: str) -> AnyArray:
    """An object column of plain numbers and booleans as a numeric array; else an error."""
    if values.dtype.kind in "biuf":
        return values
    if values.dtype.kind == "O":
        reject_missing(values, table=table, column=column)
        kinds = set(map(type, values.tolist()))
        if kinds <= {bool, int, float, np.bool_, np.int64, np.float64}:
            return np.asarray(values.tolist())
    raise AnalyticsInputError(table, column, f"expected numbers, found {_describe(values)}")


def _describe(values: AnyArray) -> str:
    if values.dtype.kind == "O":
        kinds = sorted({type(v).__name__ for v in values[:1000].tolist()})
        return "values of type " + ", ".join(kinds)
    return f"dtype {values.dtype}"


def binary_column(values: object, *, table: str, column: str) -> BoolArray:
    """Labels or predictions: 0/1 numbers or booleans, as a boolean array."""
    array = _numeric(
        one_dimensional(values, table=table, column=column), table=table, column=column
    )
    if array.dtype.kind == "b":
        return np.asarray(array, dtype=bool)
    if array.dtype.kind == "f":
        reject_missing(array, table=table, column=column)
    low, high = array.min(), array.max()
    if array.dtype.kind in "iu" and low >= 0 and high <= 1:
        return np.asarray(array == 1, dtype=bool)
    bad = (array != 0) & (array != 1)
    if np.any(bad):
        first = _rows(bad)[0]
        raise AnalyticsInputError(
            table,
            column,
            f"{_values(np.count_nonzero(bad))} outside {{0, 1}}, "
            f"first at row {first} ({array[first].item()!r})",
        )
    return np.asarray(array == 1, dtype=bool)


def probability_column(values: object, *, table: str, column: str) -> NumberArray:
    """Scores: finite numbers in [0, 1]. Floating arrays are returned as given, not copied."""
    array = _numeric(
        one_dimensional(values, table=table, column=column), table=table, column=column
    )
    if array.dtype.kind in "bui":
        array = array.astype(np.float64)
    low, high = array.min(), array.max()
    if np.isnan(low) or np.isnan(high):
        reject_missing(array, table=table, column=column)
    if low < 0 or high > 1:
        bad = (array < 0) | (array > 1)
        first = _rows(bad)[0]
        raise AnalyticsInputError(
            table,
            column,
            f"{_values(np.count_nonzero(bad))} outside [0, 1], "
            f"first at row {first} ({float(array[first])!r})",
        )
    return array


def finite_column(values: object, *, table: str, column: str) -> NumberArray:
    """A numeric feature: finite numbers (booleans become 0/1)."""
    return finite_extremes(values, table=table, column=column)[0]


def finite_extremes(values: object, *, table: str, column: str) -> tuple[NumberArray, Any, Any]:
    """:func:`finite_column` and its minimum and maximum (None when empty), one pass each."""
    array = _numeric(
        one_dimensional(values, table=table, column=column), table=table, column=column
    )
    if array.dtype.kind == "b":
        array = array.astype(np.int8)
    if not len(array):
        return array, None, None
    low, high = array.min(), array.max()
    if array.dtype.kind == "f" and not (np.isfinite(low) and np.isfinite(high)):
        reject_missing(array, table=table, column=column)
        bad = ~np.isfinite(array)
        raise AnalyticsInputError(
            table,
            column,
            f"{_values(np.count_nonzero(bad), 'infinite')}, first at row {_rows(bad)[0]}",
        )
    return array, low, high


def same_length(table: str, columns: Mapping[str, AnyArray]) -> int:
    """The common length of ``columns``; an error naming the first column that differs."""
    names = list(columns)
    expected = len(columns[names[0]])
    for name in names[1:]:
        if len(columns[name]) != expected:
            raise AnalyticsInputError(
                table,
                name,
                f"has {len(columns[name])} rows but column {names[0]!r} has {expected}",
            )
    return expected


def positive_int(value: int, *, table: str, name: str, minimum: int = 1) -> int:
    """A parameter that must be an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise AnalyticsInputError(
            table, None, f"parameter {name} must be an integer >= {minimum}, got {value!r}"
        )
    return int(value)
