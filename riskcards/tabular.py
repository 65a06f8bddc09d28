"""A logged JSON table read once, by column, validated on the same pass (layer: tabular).

``mlflow.log_table`` writes ``{"columns": [...], "data": [[...], ...]}``. Collection must
know whether such a text is JSON at all (else the table is ``unreadable``, with the reason in
the evidence); analysis needs its columns. Both use :func:`read_json_table`, so the text is
decoded once per release: collection keeps the result with the table artifact
(:meth:`riskcards.models.evidence.TableArtifact.remembering`), analysis takes it from there and
parses only when it is absent (evidence read back from ``evidence.json``).

One pass, in order, each step at C speed (no Python loop over characters or cells):

1. nesting (:func:`nesting_problem`): brackets outside strings, at most ``MAX_NESTING`` deep;
2. JSON validity (``json.loads``);
3. shape: an object with a ``columns`` list and a ``data`` list of lists;
4. header: strings, none twice; every row as wide as the header;
5. transposition to columns (strided slices), each with the set of Python types it holds;
6. no string cell longer than ``MAX_CELL_CHARS`` (``max(map(len, ...))`` per column);
7. columns of numbers without nulls packed into C arrays (``array.array``), which analysis
   hands to numpy without a copy.

A failure of 1 or 2 makes the table unreadable (:attr:`Rejected.unreadable`); a failure of
3 to 6 leaves it loaded as evidence, and analysis reports it (:attr:`Rejected.message`).
Pure Python: collection may not import numpy; analysis types the columns into arrays.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, compress, count, repeat
from operator import sub
from typing import Any

from riskcards.models.limits import MAX_CELL_CHARS, MAX_NESTING

# bytes.translate tables: brackets and quotes kept ({} read as []), everything else deleted;
# then an opener weighs 2 and a closer 0, so depth after i brackets is (prefix sum) - i
_KEEP = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKET_OR_QUOTE = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_WEIGHT = bytes.maketrans(b"[]", b"\x02\x00")
_NONE = type(None)


@dataclass(frozen=True, eq=False)
class JsonColumns:
    """A table's columns as read from its JSON: plain Python values, ``None`` for null."""

    header: tuple[str, ...]
    # one per column, in header order, never changed: numbers without nulls as an int64
    # ("q") or float64 ("d") array, any other column as a list of its values
    values: tuple[list[Any] | array[Any], ...]
    kinds: tuple[frozenset[type], ...]  # the Python types each column holds


@dataclass(frozen=True)
class Rejected:
    """Why a table cannot be used.

    ``unreadable`` is set when the text is not a JSON document collection accepts (the
    table's status is then ``unreadable`` with this detail); ``message`` (and ``column``)
    is what analysis reports."""

    message: str
    column: str | None = None
    unreadable: str | None = None


def nesting_problem(text: str | bytes, limit: int = MAX_NESTING) -> str | None:
    """Why the JSON ``text`` is too deeply nested to parse, or None.

    Brackets inside strings do not count (an escaped quote does not end a string); linear,
    never recursive. UTF-8 bytes give the same answer as their text: every byte of a
    multi-byte character is outside ASCII, so it is never a bracket, quote or backslash."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if b"\\" in data:  # drop escaped backslashes, then escaped quotes: neither ends a string
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = data.translate(_KEEP, _NOT_BRACKET_OR_QUOTE)
    brackets = kept.replace(b'""', b"")  # every string without a bracket in it
    if b'"' in brackets:  # some string holds brackets: drop what is between the quotes
        brackets = b"".join(kept.split(b'"')[::2])
    # removing every innermost "[]" pair leaves the depth of every other bracket unchanged,
    # and the removed ones are one deeper than the bracket before them at most: an upper
    # bound that settles a table of scalar rows (one pair per row) without the full walk
    if 1 + _deepest(brackets.replace(b"[]", b"")) <= limit or _deepest(brackets) <= limit:
        return None
    return f"nesting deeper than {limit}"


def _deepest(brackets: bytes) -> int:
    """The greatest depth reached by a string of ``[`` and ``]`` (0 when empty)."""
    return max(0, max(map(sub, accumulate(brackets.translate(_WEIGHT)), count(1)), default=0))


def read_json_table(text: str, data: bytes | None = None) -> JsonColumns | Rejected:
    """The columns of a ``log_table`` JSON text, or why it is rejected (see the module
    docstring for the order of the checks). ``data``, when given, is ``text`` as UTF-8
    bytes (the nesting scan reads it without encoding again)."""
    if nested := nesting_problem(text if data is None else data):
        return Rejected(f"table rejected: {nested}", unreadable=nested)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:  # ValueError: also an overlong integer
        line = getattr(error, "lineno", "?")
        return Rejected(f"not valid JSON: {error}", unreadable=f"not valid JSON (line {line})")
    return _columns(document)


def _columns(document: Any) -> JsonColumns | Rejected:
    if not isinstance(document, dict) or not isinstance(document.get("columns"), list):
        return Rejected('expected {"columns": [...], "data": [[...], ...]}')
    header, rows = document["columns"], document.get("data", [])
    if not isinstance(rows, list) or not set(map(type, rows)) <= {list}:
        return Rejected('"data" must be a list of rows')
    if problem := header_problem(header) or width_problem(list(map(len, rows)), len(header)):
        return problem
    values = by_column(rows, len(header))
    kinds = tuple(frozenset(map(type, column)) for column in values)
    if any(longest_string(c, k) > MAX_CELL_CHARS for c, k in zip(values, kinds, strict=True)):
        return Rejected(cell_too_long())
    compact = tuple(_numbers(c, k) for c, k in zip(values, kinds, strict=True))
    return JsonColumns(tuple(header), compact, kinds)


def _numbers(column: list[Any], kinds: frozenset[type]) -> list[Any] | array[Any]:
    """A column of numbers without nulls as a C array: integers as int64 when they all fit,
    else every number as float64 (rounded as numpy rounds them); 8 bytes a value instead of
    a Python object, and numpy reads it without a copy. Any other column as it is."""
    if not kinds or not kinds <= {int, float}:
        return column
    for typecode in ("q", "d") if kinds == {int} else ("d",):
        try:
            return array(typecode, column)
        except OverflowError:  # past int64, or past float64: analysis says so
            continue
    return column


def header_problem(header: list[Any]) -> Rejected | None:
    """Column names must be strings, each once (JSON and CSV tables alike)."""
    if not all(isinstance(c, str) for c in header):
        return Rejected("column names must be strings")
    if len(set(header)) != len(header):
        twice = sorted({c for c in header if header.count(c) > 1})
        return Rejected("appears more than once in the header", column=twice[0])
    return None


def width_problem(widths: list[int], expected: int) -> Rejected | None:
    """The first row whose width is not the header's, or None (JSON and CSV tables)."""
    if set(widths) <= {expected}:
        return None
    row = next(i for i, w in enumerate(widths) if w != expected)
    return Rejected(f"row {row} has {widths[row]} values but the header has {expected}")


def by_column(rows: Iterable[Sequence[Any]], width: int) -> tuple[list[Any], ...]:
    """Rows all ``width`` wide, as columns: strided slices of the cells in row order (no
    iterator per row, so no garbage collection set off by the transposition of many rows)."""
    cells = list(chain.from_iterable(rows))
    return tuple(cells[i::width] for i in range(width))


def longest_string(column: Sequence[Any], kinds: frozenset[type] = frozenset({str})) -> int:
    """The length of the longest string cell of a column whose cells are of ``kinds``."""
    if str not in kinds:
        return 0
    if kinds <= {str, _NONE}:  # strings and nulls: dropping the falsy cells drops the nulls
        strings: Iterable[str] = filter(None, column)
    else:
        strings = compress(column, map(isinstance, column, repeat(str)))
    return max(map(len, strings), default=0)


def cell_too_long() -> str:
    return f"table rejected: a cell longer than {MAX_CELL_CHARS:,} characters"
