"""Data quality of logged tables: class balance, missingness, duplicates, train/eval leakage.

Layer: analytics. Duplicates and leakage compare rows by a 64-bit hash of the row: each
column is hashed on its own (numbers by their float64 value, so ``3`` and ``3.0`` agree,
strings by Python's string hash), the column hashes are combined in column order and mixed
with the splitmix64 finaliser. Two different rows share a hash with probability about
2**-64 per pair (under 1e-5 over all pairs of ten million rows), so the counts are exact
in practice. The PII scan lives in :mod:`riskcards.analyse.pii`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from riskcards.analyse import _numeric as k
from riskcards.analyse._categories import categories
from riskcards.analyse.inputs import (
    AnalyticsInputError,
    missing_mask,
    one_dimensional,
    same_length,
)
from riskcards.models.analysis import (
    ClassBalance,
    ColumnMissing,
    Duplicates,
    Leakage,
    Missingness,
    Source,
)

U64 = npt.NDArray[np.uint64]
_MISSING = np.uint64(0x7FF8_DEAD_BEEF_0001)  # the hash of a missing value, whatever its kind
_COMBINE = np.uint64(0x100000001B3)


def measure_class_balance(
    labels: object, *, column: str = "label", source: Source | None = None
) -> ClassBalance:
    """Rows per class and the ratio of the largest class to the smallest."""
    source = source or Source()
    cats = categories(labels, table=source.table, column=column)
    counts = cats.counts()
    present = {label: int(c) for label, c in zip(cats.labels, counts.tolist(), strict=True) if c}
    sizes = list(present.values())
    return ClassBalance(
        source=source,
        column=column,
        rows=len(cats.values),
        counts=present,
        imbalance_ratio=max(sizes) / min(sizes) if len(sizes) > 1 else float("inf"),
    )


def measure_missingness(
    columns: Mapping[str, object], *, source: Source | None = None
) -> Missingness:
    """Missing values (None, NaN, NaT) per column."""
    source = source or Source()
    arrays = _columns(columns, source.table)
    rows = _length(arrays, source.table)
    found = []
    for name, values in arrays.items():
        missing = sum(int(np.count_nonzero(missing_mask(values[part]))) for part in k.chunks(rows))
        found.append(ColumnMissing(column=name, missing=missing, share=missing / rows))
    return Missingness(source=source, rows=rows, columns=tuple(found))


def measure_duplicates(
    columns: Mapping[str, object],
    *,
    subset: Sequence[str] | None = None,
    source: Source | None = None,
) -> Duplicates:
    """Rows equal to an earlier row over ``subset`` (default: every column)."""
    source = source or Source()
    arrays = _columns(columns, source.table, subset)
    rows = _length(arrays, source.table)
    hashes = row_hashes(list(arrays.values()))
    hashes.sort()
    duplicates = int(np.count_nonzero(hashes[1:] == hashes[:-1]))
    return Duplicates(
        source=source,
        rows=rows,
        columns=tuple(arrays),
        duplicate_rows=duplicates,
        share=duplicates / rows,
    )


def measure_leakage(
    reference: Mapping[str, object],
    current: Mapping[str, object],
    *,
    subset: Sequence[str] | None = None,
    reference_source: Source | None = None,
    current_source: Source | None = None,
) -> Leakage:
    """Rows of ``current`` (evaluation) that also occur in ``reference`` (training).

    Rows are compared over ``subset``, by default every column the two tables share.
    """
    ref_source = reference_source or Source()
    cur_source = current_source or Source()
    names = list(subset) if subset is not None else [c for c in reference if c in current]
    if not names:
        raise AnalyticsInputError(
            cur_source.table, None, "shares no column with the reference table"
        )
    ref = _columns(reference, ref_source.table, names)
    cur = _columns(current, cur_source.table, names)
    ref_rows, cur_rows = _length(ref, ref_source.table), _length(cur, cur_source.table)
    leaked = _count_found(row_hashes(list(cur.values())), row_hashes(list(ref.values())))
    return Leakage(
        reference=ref_source,
        current=cur_source,
        reference_rows=ref_rows,
        current_rows=cur_rows,
        columns=tuple(names),
        leaked_rows=leaked,
        share=leaked / cur_rows,
    )


def _count_found(needles: U64, haystack: U64) -> int:
    """How many of ``needles`` occur in ``haystack``. Both sorted first: a binary search with
    sorted keys walks memory in order (np.isin hashes instead, several times slower here)."""
    haystack = np.sort(haystack)
    needles = np.sort(needles)
    at = np.minimum(np.searchsorted(haystack, needles), len(haystack) - 1)
    return int(np.count_nonzero(haystack[at] == needles))


def _columns(
    columns: Mapping[str, object], table: str, subset: Sequence[str] | None = None
) -> dict[str, k.AnyArray]:
    names = list(columns) if subset is None else list(subset)
    if not names:
        raise AnalyticsInputError(table, None, "has no columns")
    for name in names:
        if name not in columns:
            raise AnalyticsInputError(table, name, "no such column")
    return {name: one_dimensional(columns[name], table=table, column=name) for name in names}


def _length(arrays: Mapping[str, k.AnyArray], table: str) -> int:
    return same_length(table, arrays)


def _mix(h: U64) -> U64:
    """The splitmix64 finaliser, in place: every input bit affects every output bit."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def column_hashes(values: k.AnyArray) -> U64:
    """A 64-bit hash of every value of one column (see the module docstring)."""
    kind = values.dtype.kind
    if kind in "biuf":
        as_float = values.astype(np.float64)
        as_float += 0.0  # -0.0 becomes 0.0
        bits = as_float.view(np.uint64)
        bits[np.isnan(as_float)] = _MISSING
    elif kind in "mM":
        bits = values.view(np.int64).astype(np.uint64)
        bits[np.isnat(values)] = _MISSING
    elif kind in "USO":
        # Python's string hash (SipHash) is salted per process: fine for comparing rows
        # within one run; counts never depend on it.
        items = values.tolist()
        try:
            hashed = np.fromiter(map(hash, items), dtype=np.int64, count=len(items))
        except TypeError:  # lists or dicts from a JSON table: hash their canonical JSON
            hashed = np.fromiter(map(_hash_json, items), dtype=np.int64, count=len(items))
        bits = hashed.view(np.uint64)
        bits[missing_mask(values)] = _MISSING
    else:
        raise TypeError(f"cannot hash values of dtype {values.dtype}")
    return _mix(bits)


def _hash_json(value: object) -> int:
    return hash(json.dumps(value, sort_keys=True, default=str))


def row_hashes(columns: Sequence[k.AnyArray]) -> U64:
    """A 64-bit hash of every row of ``columns`` (equal length), in column order."""
    rows = len(columns[0])
    out = np.empty(rows, dtype=np.uint64)
    for part in k.chunks(rows):
        h = np.zeros(part.stop - part.start, dtype=np.uint64)
        for values in columns:
            h *= _COMBINE
            h ^= column_hashes(values[part])
        out[part] = _mix(h)
    return out
