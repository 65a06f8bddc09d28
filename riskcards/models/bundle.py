"""The manifest of an output bundle: every file with its sha256, and every input's hash."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from riskcards.models.base import Frozen

DocumentKind = Literal["model-card", "dataset-sheet", "gap-report", "evidence", "summary"]
FileFormat = Literal["html", "pdf", "json", "md"]


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
