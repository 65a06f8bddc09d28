"""Bounds on hostile evidence, shared by collection and analysis (layer: models).

Anyone who can log to MLflow writes the tables, ``MLmodel`` files, names and digests a
release reads. Past these bounds an input is rejected with a reason recorded in the evidence
and shown in the documents, never a crash (``RecursionError``, ``ENAMETOOLONG``).
"""

from __future__ import annotations

from typing import Final

MAX_NESTING: Final = 100  # JSON brackets deep
MAX_CELL_CHARS: Final = 100_000  # one table cell


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
