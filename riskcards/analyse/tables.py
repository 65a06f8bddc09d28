"""Reading a logged table from bytes into named numpy columns (layer: analytics).

The only module of the layer that parses anything, and it parses bytes it is given; it
opens no files. Formats:

- ``json``: what ``mlflow.log_table`` writes (pandas ``orient="split"`` without index):
  ``{"columns": [...], "data": [[...], ...]}``; ``null`` is a missing value;
- ``csv``: a header row, then data, read with the standard ``csv`` module. A column whose
  non-empty fields all parse as numbers becomes numeric (integers stay integers when no
  field is missing); ``""``, ``NA``, ``NaN``, ``nan``, ``null`` and ``None`` are missing in
  numeric columns, only ``""`` in text columns; ``True``/``False`` columns become booleans;
- ``parquet``: read with pyarrow when it is installed (riskcards does not require it).

Columns come out as numpy arrays: float64 (NaN for missing), int64, bool, or object arrays
of Python values (strings, with None for missing). Every array is read-only.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from riskcards.analyse.inputs import AnalyticsInputError
from riskcards.models.analysis import Source
from riskcards.models.limits import MAX_CELL_CHARS, nesting_problem

Format = Literal["json", "csv", "parquet"]
AnyArray = npt.NDArray[Any]
_NUMERIC_MISSING = frozenset({"", "NA", "NaN", "nan", "null", "None"})
_BOOLEAN = {"True": True, "False": False, "true": True, "false": False}


@dataclass(frozen=True, eq=False)
class Table:
    """A logged table: its name (artifact path), sha256 of its bytes, and read-only columns."""

    name: str
    columns: Mapping[str, AnyArray]
    sha256: str | None = None

    @classmethod
    def of(cls, name: str, columns: Mapping[str, Any], sha256: str | None = None) -> Table:
        """A table from arrays (each made read-only); all columns must have the same length."""
        arrays = {}
        for column, values in columns.items():
            array = np.asarray(values)
            if array.ndim != 1:
                raise AnalyticsInputError(
                    name, column, f"expected one value per row, got shape {array.shape}"
                )
            array.flags.writeable = False
            arrays[column] = array
        lengths = {len(a) for a in arrays.values()}
        if len(lengths) > 1:
            raise AnalyticsInputError(name, None, f"columns differ in length: {sorted(lengths)}")
        return cls(name, MappingProxyType(arrays), sha256)

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def source(self) -> Source:
        return Source(table=self.name, sha256=self.sha256)

    def column(self, name: str) -> AnyArray:
        """One column; a missing one is an error that suggests near names."""
        if name not in self.columns:
            near = difflib.get_close_matches(name, list(self.columns), n=3)
            hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
            have = ", ".join(repr(c) for c in self.columns)
            raise AnalyticsInputError(self.name, name, f"no such column (columns: {have}){hint}")
        return self.columns[name]


def parse_table(data: bytes, name: str, *, format: Format | None = None) -> Table:
    """Parse a logged table; the format comes from ``name``'s suffix unless given."""
    chosen = format or _format_of(name)
    parser = {"json": _parse_json, "csv": _parse_csv, "parquet": _parse_parquet}[chosen]
    columns = parser(data, name)
    return Table.of(name, columns, hashlib.sha256(data).hexdigest())


def _format_of(name: str) -> Format:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("json", "csv", "parquet"):
        return suffix  # type: ignore[return-value]
    raise AnalyticsInputError(name, None, "unknown table format; expected .json, .csv or .parquet")


def _parse_json(data: bytes, name: str) -> dict[str, AnyArray]:
    try:
        text = data.decode("utf-8")
        if nested := nesting_problem(text):
            raise AnalyticsInputError(name, None, f"table rejected: {nested}")
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise AnalyticsInputError(name, None, f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("columns"), list):
        raise AnalyticsInputError(name, None, 'expected {"columns": [...], "data": [[...], ...]}')
    header = document["columns"]
    rows = document.get("data", [])
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise AnalyticsInputError(name, None, '"data" must be a list of rows')
    _check_header(header, name)
    _check_widths(map(len, rows), len(header), name)
    _check_cells(rows, name)
    values = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    return {
        str(c): _typed_json(np.fromiter(v, dtype=object, count=len(rows)))
        for c, v in zip(header, values, strict=True)
    }


def _check_cells(rows: Iterable[Sequence[Any]], name: str) -> None:
    """A cell over the cap rejects the table."""
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                raise AnalyticsInputError(
                    name, None, f"table rejected: a cell longer than {MAX_CELL_CHARS:,} characters"
                )


def _check_header(header: list[Any], name: str) -> None:
    if not all(isinstance(c, str) for c in header):
        raise AnalyticsInputError(name, None, "column names must be strings")
    if len(set(header)) != len(header):
        twice = sorted({c for c in header if header.count(c) > 1})
        raise AnalyticsInputError(name, twice[0], "appears more than once in the header")


def _check_widths(widths: Iterable[int], expected: int, name: str) -> None:
    found = np.fromiter(widths, dtype=np.int64)
    wrong = np.flatnonzero(found != expected)
    if len(wrong):
        row = int(wrong[0])
        raise AnalyticsInputError(
            name, None, f"row {row} has {found[row]} values but the header has {expected}"
        )


def _typed_json(values: AnyArray) -> AnyArray:
    """An object column as the narrowest array that holds it (see the module docstring)."""
    kinds = set(map(type, values.tolist()))
    missing = type(None) in kinds
    kinds.discard(type(None))
    if kinds == {bool} and not missing:
        return values.astype(bool)
    if kinds and kinds <= {int, float}:
        if kinds == {int} and not missing:
            try:
                return values.astype(np.int64)
            except OverflowError:
                pass
        return values.astype(np.float64)  # None becomes NaN
    return values


def _parse_csv(data: bytes, name: str) -> dict[str, AnyArray]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnalyticsInputError(name, None, f"not UTF-8 text: {error}") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise AnalyticsInputError(name, None, f"not valid CSV: {error}") from None
    if not rows:
        raise AnalyticsInputError(name, None, "is empty (no header row)")
    header, body = rows[0], rows[1:]
    _check_header(header, name)
    _check_widths(map(len, body), len(header), name)
    _check_cells(body, name)
    values = list(zip(*body, strict=True)) if body else [() for _ in header]
    return {c: _typed_csv(np.array(v, dtype=str)) for c, v in zip(header, values, strict=True)}


def _typed_csv(text: npt.NDArray[np.str_]) -> AnyArray:
    if len(text) and np.isin(text, list(_BOOLEAN)).all():
        return np.isin(text, ["True", "true"])
    missing = np.isin(text, list(_NUMERIC_MISSING))
    try:
        numbers = np.where(missing, "nan", text).astype(np.float64)
    except ValueError:
        strings = text.astype(object)
        strings[text == ""] = None
        return strings
    whole = (
        not missing.any() and np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers))
    )
    if whole and len(numbers) and np.abs(numbers).max() < 2**53:
        return numbers.astype(np.int64)
    return numbers


def _parse_parquet(data: bytes, name: str) -> dict[str, AnyArray]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise AnalyticsInputError(
            name, None, "reading parquet needs pyarrow, which is not installed"
        ) from None
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as error:
        raise AnalyticsInputError(name, None, f"not a readable parquet file: {error}") from None
    return {c: table.column(c).to_numpy() for c in table.column_names}
