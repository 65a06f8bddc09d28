"""The render stage (layer: render): evidence and assessment in, the bundle's files out.

Entry point: :func:`render` (in memory, no file written; :mod:`riskcards.bundle` writes).
Which files it makes is chosen by output format names, from the registry in
:mod:`.formats` (``html``, ``pdf``, ``json``, ``md``, ``junit``, and any format registered
from outside riskcards); :func:`main_document` names the file to open first.

- :mod:`.views`: the documents as typed views, one module per document (the documented
  contexts of the templates); :mod:`.charts`: the inline SVG charts they show.
- :mod:`.html`: the Jinja2 environment (HTML and Markdown); :mod:`.pdf`: HTML to PDF/A-3b
  with WeasyPrint (the only module that imports weasyprint, lazily); :mod:`.junit`: JUnit XML.
- :mod:`.job`: one render's inputs and the documents built from them once;
  :mod:`.builtin`: the built-in formats' render functions; :mod:`.paths`: where files go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from riskcards.models.analysis import Analysis
from riskcards.models.assessment import Assessment
from riskcards.models.bundle import BundleFile
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.project import Sidecars
from riskcards.render.formats import (
    OutputFormat,
    Stage,
    default_formats,
    register_format,
    registered_format,
    selected,
    unregister_format,
)
from riskcards.render.job import RenderJob
from riskcards.render.paths import ANALYTICS, EVIDENCE, JUNIT, MODEL_CARD, SUMMARY, main_document
from riskcards.render.views.decision import NOTICE_DAYS

# ``formats()`` stays in riskcards.render.formats: imported here, it would hide that module.

__all__ = [
    "ANALYTICS",
    "EVIDENCE",
    "JUNIT",
    "MODEL_CARD",
    "SUMMARY",
    "OutputFormat",
    "RenderJob",
    "Stage",
    "default_formats",
    "main_document",
    "register_format",
    "registered_format",
    "render",
    "unregister_format",
]


def render(
    evidence: EvidenceSnapshot,
    assessment: Assessment,
    catalogues: Mapping[str, Catalogue],
    *,
    formats: Sequence[str] | None = None,
    templates: Path | None = None,
    sidecars: Sidecars | None = None,
    analysis: Analysis | None = None,
    pdf_workers: int | None = None,
    notice_days: int = NOTICE_DAYS,
    link_base: str | None = None,
    ticket_format: str = "md",
) -> list[BundleFile]:
    """Every file of the bundle but the manifest, in memory, for the named output formats.

    ``formats`` are names from the registry (None: :func:`default_formats`, i.e. html, pdf,
    json and md); an unknown name raises :class:`~riskcards.errors.UsageError` before
    anything is rendered. ``evidence.json`` (and ``analytics.json`` when there is an
    analysis) is always among the files. PDFs render in parallel processes, ``pdf_workers``
    of them (default: one per CPU; 1 renders in this process). The decision lists waivers
    and attestations expiring within ``notice_days``; ``summary.md`` links files under
    ``link_base`` (None: relative) and ``ticket_format="jira"`` adds ``summary.jira.txt``.
    """
    run = selected(formats)
    job = RenderJob(
        evidence=evidence,
        assessment=assessment,
        catalogues=catalogues,
        templates=templates,
        sidecars=sidecars or Sidecars(),
        analysis=analysis,
        pdf_workers=pdf_workers,
        notice_days=notice_days,
        link_base=link_base,
        ticket_format=ticket_format,
    )
    files: list[BundleFile] = []
    for fmt in run:
        files += fmt.render(job, tuple(files))
    return files
