"""Where each file goes in the bundle (layer: render): fixed names, per-input paths, and
the main document (the one to open first)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from riskcards.models.bundle import BundleFile
from riskcards.models.evidence import DatasetInput

MODEL_CARD: Final = "model-card.html"
EVIDENCE: Final = "evidence.json"
ANALYTICS: Final = "analytics.json"
SUMMARY: Final = "summary.md"
SUMMARY_JIRA: Final = "summary.jira.txt"
TICKET_FORMATS: Final = ("md", "jira")
JUNIT: Final = "junit.xml"
SOA_KIND: Final = "statement-of-applicability"


def dataset_slug(ds: DatasetInput) -> str:
    """A file-name-safe, unique-enough name for a dataset sheet."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{ds.context or 'input'}-{ds.name}").strip("-.")
    return f"{base[:60] or 'dataset'}-{ds.digest[:8]}"


def dataset_sheet_path(ds: DatasetInput) -> str:
    return f"datasets/{dataset_slug(ds)}.html"


def gap_report_path(catalogue_id: str) -> str:
    return f"gap-report-{catalogue_id}.html"


def soa_path(catalogue_id: str) -> str:
    """The Statement of Applicability of a framework that asks for one."""
    return f"soa-{catalogue_id}.html"


def control_anchor(control_id: str) -> str:
    """The HTML id of a control in its gap report: ``GOVERN 1.1`` -> ``GOVERN-1.1``."""
    return control_id.replace(" ", "-")


def check_anchor(check_id: str) -> str:
    """The HTML id of a check in an evidence appendix: ``fairness.x`` -> ``ev-fairness.x``."""
    return "ev-" + re.sub(r"[^A-Za-z0-9._-]+", "-", check_id)


def with_suffix(path: str, suffix: str) -> str:
    """The path of the same document in another format: ``a/b.html`` -> ``a/b.pdf``."""
    return path.removesuffix(".html") + suffix


def main_document(files: Sequence[BundleFile]) -> str:
    """The file to open first: the model card in HTML, else in PDF, else the summary, else
    the first file."""
    paths = [f.path for f in files]
    for main in (MODEL_CARD, with_suffix(MODEL_CARD, ".pdf"), SUMMARY):
        if main in paths:
            return main
    if not paths:
        raise ValueError("a bundle without files has no main document")
    return paths[0]
