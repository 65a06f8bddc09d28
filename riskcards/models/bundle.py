"""The manifest of an output bundle: every file with its sha256, and every input's hash.

A file's ``kind`` (what the document is) and ``format`` (how it is encoded) are open:
any non-empty string, so an output format registered from outside riskcards
(:func:`riskcards.render.formats.register_format`) names its own. The built-in values are
the constants below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Final, Literal

from pydantic import StringConstraints

from riskcards.models.base import Frozen

# What a file is (a non-empty string; the built-in kinds are the *_KIND constants).
DocumentKind = Annotated[str, StringConstraints(strict=True, min_length=1)]
# How a file is encoded, usually its extension (the built-in formats are the *_FORMAT ones).
FileFormat = Annotated[str, StringConstraints(strict=True, min_length=1)]

MODEL_CARD_KIND: Final = "model-card"
DATASET_SHEET_KIND: Final = "dataset-sheet"
GAP_REPORT_KIND: Final = "gap-report"
EVIDENCE_KIND: Final = "evidence"  # evidence.json and analytics.json
SUMMARY_KIND: Final = "summary"
JUNIT_KIND: Final = "junit"  # junit.xml: one test case per assessed control
DOCUMENT_KINDS: Final = (
    MODEL_CARD_KIND,
    DATASET_SHEET_KIND,
    GAP_REPORT_KIND,
    EVIDENCE_KIND,
    SUMMARY_KIND,
    JUNIT_KIND,
)

HTML_FORMAT: Final = "html"
PDF_FORMAT: Final = "pdf"
JSON_FORMAT: Final = "json"
MARKDOWN_FORMAT: Final = "md"
XML_FORMAT: Final = "xml"
FILE_FORMATS: Final = (HTML_FORMAT, PDF_FORMAT, JSON_FORMAT, MARKDOWN_FORMAT, XML_FORMAT)


@dataclass(frozen=True)
class BundleFile:
    """One rendered output, still in memory (a dataclass: its bytes are not re-validated)."""

    path: str
    kind: DocumentKind
    format: FileFormat
    content: bytes
    framework: str | None = None
    dataset: str | None = None


class ManifestFile(Frozen):
    path: str
    sha256: str
    size: int
    kind: DocumentKind
    format: FileFormat
    framework: str | None = None
    dataset: str | None = None


class InputFile(Frozen):
    role: Literal[
        "catalogue", "crosswalk", "mapping", "evidence", "config", "attestation", "template"
    ]
    name: str
    sha256: str


class Manifest(Frozen):
    schema_version: Literal[1] = 1
    riskcards_version: str
    target: str
    model: str
    as_of: datetime
    main: str
    files: tuple[ManifestFile, ...]
    inputs: tuple[InputFile, ...]
