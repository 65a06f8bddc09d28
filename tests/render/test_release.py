"""render_release, the earlier entry point: the default formats, ``pdf=False`` without PDF."""

from __future__ import annotations

from riskcards.load.catalogues import Loaded
from riskcards.render import render
from riskcards.render.release import render_release
from tests.render.conftest import NO_PDF, assessed


def test_documents_and_paths(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    files = {f.path: f.content for f in render_release(ev, a, loaded.catalogues, pdf=False)}
    assert set(files) == {
        "model-card.html",
        "datasets/evaluation-credit-eval-e1e2e3e4.html",
        "datasets/training-credit-train-a1a2a3a4.html",
        "gap-report-nist-ai-rmf.html",
        "gap-report-nist-ai-rmf.json",
        "gap-report-iso-iec-42001.html",
        "gap-report-iso-iec-42001.json",
        "evidence.json",
        "summary.md",
    }


def test_no_pdf_is_the_default_formats_without_pdf(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    assert render_release(ev, a, loaded.catalogues, pdf=False) == render(
        ev, a, loaded.catalogues, formats=NO_PDF
    )
