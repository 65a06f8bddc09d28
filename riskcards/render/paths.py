"""Where each file goes in the bundle (layer: render): fixed names, per-input paths, and
the main document (the one to open first)."""

from __future__ import annotations

import hashlib
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


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME: Final = 80  # characters of a name in a bundle path (file systems allow 255 bytes)


def safe_name(text: str, limit: int = MAX_NAME) -> str:
    """``text`` as one file-name part: unchanged when it is already safe and short, else
    sanitised, capped and suffixed with a hash of the original, so two different names
    never give the same part."""
    clean = _UNSAFE.sub("-", text).strip("-.")
    if clean == text and 0 < len(text) <= limit:
        return text
    tag = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{clean[: limit - 9].rstrip('-.')}-{tag}".lstrip("-")


def dataset_slug(ds: DatasetInput) -> str:
    """A file-name-safe name for a dataset sheet: context, name and digest (hostile ones
    sanitised and hashed)."""
    name = f"{ds.context or 'input'}-{ds.name}"
    base = _UNSAFE.sub("-", name).strip("-.") or "dataset"
    if len(base) > 60:  # a different name may sanitise alike: dataset_sheet_paths numbers it
        base = safe_name(name, 60)
    digest = ds.digest[:8] if re.fullmatch(r"[A-Za-z0-9]+", ds.digest[:8]) else ""
    return f"{base}-{digest or safe_name(ds.digest, 8 + 9)}"


def dataset_sheet_paths(datasets: Sequence[DatasetInput]) -> tuple[str, ...]:
    """The sheet of each dataset, in order, all different (a repeat gets ``-2``, ``-3``)."""
    paths: list[str] = []
    for ds in datasets:
        slug, n = dataset_slug(ds), 1
        while (path := f"datasets/{slug}{f'-{n}' if n > 1 else ''}.html") in paths:
            n += 1
        paths.append(path)
    return tuple(paths)


def dataset_sheet_path(ds: DatasetInput) -> str:
    return dataset_sheet_paths((ds,))[0]


def gap_report_path(catalogue_id: str) -> str:
    return f"gap-report-{safe_name(catalogue_id)}.html"


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
