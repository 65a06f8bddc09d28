"""The earlier entry point of the render stage, kept for its callers (layer: render).

:func:`render_release` is :func:`riskcards.render.render` with ``pdf=True/False`` instead of
format names: the default formats, without ``pdf`` when ``pdf`` is False.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from riskcards.models.analysis import Analysis
from riskcards.models.assessment import Assessment
from riskcards.models.bundle import PDF_FORMAT, BundleFile
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.project import Sidecars
from riskcards.render import default_formats, render
from riskcards.render.paths import ANALYTICS, EVIDENCE, MODEL_CARD, SUMMARY

__all__ = ["ANALYTICS", "EVIDENCE", "MODEL_CARD", "SUMMARY", "all_pdfs", "render_release"]


def render_release(
    evidence: EvidenceSnapshot,
    assessment: Assessment,
    catalogues: Mapping[str, Catalogue],
    *,
    pdf: bool = True,
    templates: Path | None = None,
    sidecars: Sidecars | None = None,
    pdf_workers: int | None = None,
    analysis: Analysis | None = None,
) -> list[BundleFile]:
    """Every file of the bundle but the manifest: HTML (and PDF) documents, JSON, Markdown.

    PDFs render in parallel processes, ``pdf_workers`` of them (default: one per CPU; 1
    renders in this process); each PDF embeds the bundle's ``evidence.json``.
    """
    return render(
        evidence,
        assessment,
        catalogues,
        formats=[f for f in default_formats() if pdf or f != "pdf"],
        templates=templates,
        sidecars=sidecars,
        analysis=analysis,
        pdf_workers=pdf_workers,
    )


def all_pdfs(files: Sequence[BundleFile]) -> list[BundleFile]:
    return [f for f in files if f.format == PDF_FORMAT]
