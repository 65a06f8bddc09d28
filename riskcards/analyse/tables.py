"""Reading a logged table from bytes into named numpy columns (layer: analytics).

The only module of the layer that parses anything, and it parses the bytes or text it is
given; it opens no files. Formats:

- ``json``: what ``mlflow.log_table`` writes (pandas ``orient="split"`` without index):
  ``{"columns": [...], "data": [[...], ...]}``; ``null`` is a missing value. Read by column
  with :func:`riskcards.tabular.read_json_table`, which collection already ran on a fetched
  table: :func:`read_table` types those columns without parsing the text again;
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
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from riskcards.analyse.inputs import AnalyticsInputError
from riskcards.models.analysis import Source
from riskcards.models.limits import MAX_CELL_CHARS
from riskcards.tabular import (
    JsonColumns,
    Rejected,
    by_column,
    cell_too_long,
    header_problem,
    longest_string,
    read_json_table,
    width_problem,
)

Format = Literal["json", "csv", "parquet"]
AnyArray = npt.NDArray[Any]
_NUMERIC_MISSING = frozenset({"", "NA", "NaN", "nan", "null", "None"})
_BOOLEAN = {"True": True, "False": False, "true": True, "false": False}
_NONE = type(None)


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
    """Parse a logged table's bytes; the format comes from ``name``'s suffix unless given."""
    chosen = format or _format_of(name)
    digest = hashlib.sha256(data).hexdigest()
    if chosen == "parquet":
        return Table.of(name, _parse_parquet(data, name), digest)
    try:
        text = data.decode("utf-8-sig" if chosen == "csv" else "utf-8")
    except UnicodeDecodeError as error:
        why = "not UTF-8 text" if chosen == "csv" else "not valid JSON"
        raise AnalyticsInputError(name, None, f"{why}: {error}") from None
    if chosen == "csv":  # its byte-order mark already dropped by the codec
        return Table.of(name, _parse_csv(text, name), digest)
    return read_table(text, name, format=chosen, sha256=digest)


def read_table(
    text: str,
    name: str,
    *,
    format: Literal["json", "csv"],
    sha256: str | None = None,
    read: object = None,
) -> Table:
    """A logged table from its text (a table artifact's ``content``).

    ``read`` is what collection already read a JSON text into
    (:func:`riskcards.tabular.read_json_table`): its columns are typed without parsing the
    text again. Without it, the text is read here, the same way."""
    if format == "csv":
        return Table.of(name, _parse_csv(text.removeprefix("\ufeff"), name), sha256)  # as utf-8-sig
    if not isinstance(read, JsonColumns | Rejected):
        read = read_json_table(text)
    if isinstance(read, Rejected):
        raise AnalyticsInputError(name, read.column, read.message)
    columns = zip(read.header, read.values, read.kinds, strict=True)
    return Table.of(name, {c: _typed_json(v, k, name, c) for c, v, k in columns}, sha256)


def _format_of(name: str) -> Format:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("json", "csv", "parquet"):
        return suffix  # type: ignore[return-value]
    raise AnalyticsInputError(name, None, "unknown table format; expected .json, .csv or .parquet")


def _typed_json(
    values: Sequence[Any] | array[Any], kinds: frozenset[type], name: str, column: str
) -> AnyArray:
    """A column as the narrowest array that holds it (see the module docstring); ``kinds``
    are the Python types of its values. Numbers already packed by
    :func:`riskcards.tabular.read_json_table` become an array over the same memory."""
    if isinstance(values, array):
        return np.frombuffer(values, dtype=np.int64 if values.typecode == "q" else np.float64)
    missing = _NONE in kinds
    present = kinds - {_NONE}
    if present == {bool} and not missing:
        return np.array(values, dtype=bool)
    if present and present <= {int, float}:
        if present == {int} and not missing:
            try:
                return np.array(values, dtype=np.int64)
            except OverflowError:
                pass
        try:
            return np.array(values, dtype=np.float64)  # None becomes NaN
        except OverflowError:  # an integer past float64's range: JSON allows it, numpy cannot
            raise AnalyticsInputError(name, column, "a number too large for float64") from None
    return np.fromiter(values, dtype=object, count=len(values))


def _csv_rows(text: str, name: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a CSV text."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise AnalyticsInputError(name, None, f"not valid CSV: {error}") from None
    if not rows:
        raise AnalyticsInputError(name, None, "is empty (no header row)")
    return rows[0], rows[1:]


def _parse_csv(text: str, name: str) -> dict[str, AnyArray]:
    header, body = _csv_rows(text, name)
    if problem := header_problem(header) or width_problem(list(map(len, body)), len(header)):
        raise AnalyticsInputError(name, problem.column, problem.message)
    values = by_column(body, len(header))
    if any(longest_string(v) > MAX_CELL_CHARS for v in values):
        raise AnalyticsInputError(name, None, cell_too_long())
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
