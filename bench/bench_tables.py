"""Benchmark: reading a logged JSON table, once, by column (issue 18, item 4).

A mixed ``mlflow.log_table`` table (float, int, string with nulls, float with nulls, bool,
0/1 label) of 200,000 and 1,000,000 rows. Each round times, interleaved (the machine is
shared: ratios move less than times), as the median of REPEATS rounds:

- the floor: one bare ``json.loads`` of the same text;
- before issue 18 (tests/tables_before_issue18.py, kept verbatim): collection decodes the
  bytes, scans the nesting character by character and ``json.loads`` the text to validate it,
  then throws the result away; analysis encodes the content, decodes it, scans and
  ``json.loads`` it again, and transposes and types it cell by cell;
- now: collection decodes the bytes and reads the table by column once
  (``riskcards.tabular.read_json_table``: nesting, JSON, shape, widths and cell cap on the
  same pass); analysis types the columns it kept into numpy arrays;
- now, from a snapshot read back from ``evidence.json`` (nothing kept): analysis reads the
  text itself, once.

Then the nesting scan alone (before: a Python loop over the characters), the peak memory
(tracemalloc) of each path and what collection keeps for analysis, beside the text's size.

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_tables.py [ROWS ...]`
(default 200000 1000000; about 2 minutes).
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskcards.analyse.tables import read_table
from riskcards.tabular import nesting_problem, read_json_table
from tests import tables_before_issue18 as before

REPEATS = {200_000: 5, 1_000_000: 3}
COLUMNS = ["score", "id", "group", "weight", "flag", "label"]


def mixed_table(rows: int, seed: int = 0) -> bytes:
    """The JSON ``mlflow.log_table`` writes for a mixed frame of ``rows`` rows."""
    rnd = random.Random(seed)
    data = [
        [
            rnd.random(),
            i,
            None if i % 7 == 0 else f"group {i % 1000}",
            None if i % 5 == 0 else rnd.random() * 100,
            i % 3 == 0,
            i % 2,
        ]
        for i in range(rows)
    ]
    return json.dumps({"columns": COLUMNS, "data": data}).encode()


def before_issue_18(data: bytes) -> Any:
    content, problem = before.collect_as_text(data, "json")  # collect: validate, discard
    assert content is not None and problem is None
    return before.parse_table(content.encode("utf-8"), "eval/t.json")  # analyse: again


def now(data: bytes) -> Any:
    text = data.decode("utf-8")  # collect: decode once, read once
    read = read_json_table(text, data)
    return read_table(text, "eval/t.json", format="json", read=read)  # analyse: type only


def now_from_evidence(data: bytes) -> Any:
    text = data.decode("utf-8")  # the content as evidence.json gives it back
    return read_table(text, "eval/t.json", format="json")


def same_columns(new: Any, old: Any) -> None:
    """The two readings give the same columns: names, dtypes and values (NaN equal NaN)."""
    assert list(new.columns) == list(old.columns)
    for name, column in old.columns.items():
        mine = new.columns[name]
        assert mine.dtype == column.dtype, name
        nan = column.dtype.kind == "f"
        assert (
            np.array_equal(mine, column, equal_nan=nan) if nan else mine.tolist() == column.tolist()
        )


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def traced_mib(work: Callable[[], object]) -> tuple[float, float]:
    """(MiB still held by what ``work`` returns, peak MiB while it ran)."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = work()
        held, peak = tracemalloc.get_traced_memory()
        del kept
        return held / 2**20, peak / 2**20
    finally:
        tracemalloc.stop()


def bench(rows: int) -> None:
    data = mixed_table(rows)
    text = data.decode()
    same_columns(now(data), before_issue_18(data))
    paths: dict[str, Callable[[], object]] = {
        "bare json.loads (the floor)": lambda: json.loads(text),
        "before: validate + parse again": lambda: before_issue_18(data),
        "now: one read by column": lambda: now(data),
        "now, from evidence.json": lambda: now_from_evidence(data),
        "nesting scan before": lambda: before.nesting_problem(text),
        "nesting scan now": lambda: nesting_problem(data),
    }
    times: dict[str, list[float]] = {name: [] for name in paths}
    repeats = REPEATS.get(rows, 3)
    for _ in range(repeats):
        for name, work in paths.items():
            times[name].append(timed(work))
    median = {name: statistics.median(t) for name, t in times.items()}
    floor = median["bare json.loads (the floor)"]
    print(f"{rows:,} rows, {len(data) / 2**20:.1f} MiB of JSON (median of {repeats} rounds)")
    for name, seconds in median.items():
        print(f"  {name:32s} {seconds:7.3f} s  {seconds / floor:5.2f}x the floor")
    old, new = median["before: validate + parse again"], median["now: one read by column"]
    scan_old, scan_new = median["nesting scan before"], median["nesting scan now"]
    print(
        f"  one read is {old / new:.1f}x faster than two; nesting scan {scan_old / scan_new:.0f}x"
    )
    size = len(data) / 2**20
    for name in ("before: validate + parse again", "now: one read by column"):
        peak = traced_mib(paths[name])[1]
        print(f"  peak memory, {name:30s} {peak:5.0f} MiB  {peak / size:4.1f}x the text")
    held = traced_mib(lambda: read_json_table(text, data))[0]
    print(f"  kept from collection to analysis: {held:.0f} MiB ({held / size:.1f}x the text)")


if __name__ == "__main__":
    for rows in [int(a) for a in sys.argv[1:]] or [200_000, 1_000_000]:
        bench(rows)
