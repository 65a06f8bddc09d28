"""Bounds on hostile evidence, shared by collection and analysis (layer: models).

Anyone who can log to MLflow writes the tables, ``MLmodel`` files, names and digests a
release reads. Past these bounds an input is rejected with a reason recorded in the evidence
and shown in the documents, never a crash (``RecursionError``, ``ENAMETOOLONG``).
"""

from __future__ import annotations

import re
from typing import Final

MAX_NESTING: Final = 100  # JSON or YAML brackets deep
MAX_CELL_CHARS: Final = 100_000  # one table cell

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_problem(text: str, limit: int = MAX_NESTING) -> str | None:
    """Why ``text`` (JSON, or YAML flow style) is too deeply nested to parse, or None.

    Brackets inside JSON strings do not count; the scan is linear and never recursive."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = deepest = 0
    for ch in brackets:
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            return f"nesting deeper than {limit}"
    return None
