"""The table reading of riskcards before issue 18, kept verbatim as the reference that the
one-parse reading (riskcards.tabular, riskcards.analyse.tables) must match, and that
bench/bench_tables.py measures against: collection validated a JSON table with a
character-by-character nesting scan and a ``json.loads`` it threw away; analysis decoded the
text again, scanned it again, and transposed rows to columns cell by cell.

Not part of the package: tests and benchmarks import it. Reading CSV rows and typing
CSV columns, which issue 18 left as they were, are imported rather than copied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from riskcards.analyse.inputs import AnalyticsInputError
from riskcards.analyse.tables import Table, _csv_rows, _typed_csv  # unchanged by issue 18
from riskcards.models.limits import MAX_CELL_CHARS, MAX_NESTING

AnyArray = npt.NDArray[Any]


# --- riskcards/models/limits.py ----------------------------------------------------------


def nesting_problem(text: str, limit: int = MAX_NESTING) -> str | None:
    """Why the JSON ``text`` is too deeply nested to parse, or None.

    Brackets inside strings do not count; the scan is linear and never recursive."""
    outside = "".join(text.replace("\\\\", "").replace('\\"', "").split('"')[::2])
    depth = 0
    for ch in outside:
        if ch in "[{":
            depth += 1
            if depth > limit:
                return f"nesting deeper than {limit}"
        elif ch in "]}":
            depth -= 1
    return None


# --- riskcards/collect/mlflow/artifacts.py: what collection recorded (content, problem) ---


def collect_as_text(data: bytes, fmt: str) -> tuple[str | None, str | None]:
    """(content, None) or (None, why it cannot be read), for JSON and CSV tables."""
    try:
        text = data.decode("utf-8")  # exactly: content.encode() gives the bytes hashed
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    if fmt == "json":
        if nested := nesting_problem(text):
            return None, nested
        try:
            json.loads(text)
        except (ValueError, RecursionError) as exc:
            return None, f"not valid JSON (line {getattr(exc, 'lineno', '?')})"
    return text, None


# --- riskcards/analyse/tables.py: what analysis read from the content --------------------


def parse_table(data: bytes, name: str) -> Table:
    """Parse a logged JSON or CSV table (the format from ``name``'s suffix)."""
    parser = _parse_csv if name.endswith(".csv") else _parse_json
    columns = parser(data, name)
    return Table.of(name, columns, hashlib.sha256(data).hexdigest())


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
    header, body = _csv_rows(text, name)
    _check_header(header, name)
    _check_widths(map(len, body), len(header), name)
    _check_cells(body, name)
    values = list(zip(*body, strict=True)) if body else [() for _ in header]
    return {c: _typed_csv(np.array(v, dtype=str)) for c, v in zip(header, values, strict=True)}
