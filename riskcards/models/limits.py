"""Bounds on hostile evidence, shared by collection and analysis (layer: models).

Anyone who can log to MLflow writes the tables, ``MLmodel`` files, names and digests a
release reads. Past these bounds an input is rejected with a reason recorded in the evidence
and shown in the documents, never a crash (``RecursionError``, ``ENAMETOOLONG``). The JSON
nesting scan and the cell cap are applied by :mod:`riskcards.tabular`.
"""

from __future__ import annotations

from typing import Final

MAX_NESTING: Final = 100  # JSON brackets deep
MAX_CELL_CHARS: Final = 100_000  # one table cell
