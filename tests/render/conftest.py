"""Fixtures shared by the tests of riskcards.render: one assessed snapshot, rendered."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from riskcards.assess import assess
from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import Assessment
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.render import render
from tests.conftest import AS_OF, make_snapshot

# the default formats without PDF: fast, and what `--no-pdf` writes
NO_PDF = ("html", "json", "md")

Rendered = Callable[..., dict[str, bytes]]


def assessed(loaded: Loaded, **run_changes: object) -> tuple[EvidenceSnapshot, Assessment]:
    """The test snapshot (with ``run_changes``) and its assessment against the built-ins."""
    ev = make_snapshot(**run_changes)
    return ev, assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)


@pytest.fixture
def rendered(loaded: Loaded) -> Rendered:
    """``rendered(formats=..., **run_changes)``: the bundle's files by path (default: no PDF)."""

    def files(*, formats: Sequence[str] | None = NO_PDF, **run_changes: object) -> dict[str, bytes]:
        ev, a = assessed(loaded, **run_changes)
        return {f.path: f.content for f in render(ev, a, loaded.catalogues, formats=formats)}

    return files
