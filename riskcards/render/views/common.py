"""What every document view shares (layer: render): the page metadata and small values.

:class:`DocumentMeta` is given to every template as ``meta``; :class:`Row`, :class:`Prose`
and :class:`Chart` are the building blocks of the views; :class:`FrameworkStatus` is one
framework's line in the model card's governance section and in the release summary.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from riskcards.models.assessment import FrameworkAssessment
from riskcards.models.base import Frozen
from riskcards.render.paths import gap_report_path


class DocumentMeta(Frozen):
    title: str
    kind: str
    model: str = Field(description="e.g. 'credit-risk v3' or 'run <id>'")
    target: str
    as_of: datetime
    riskcards_version: str

    @property
    def as_of_text(self) -> str:
        return self.as_of.strftime("%Y-%m-%d %H:%M:%S UTC")


class Row(Frozen):
    """A labelled value; ``value`` None means not provided."""

    label: str
    value: str | None = None


class Prose(Frozen):
    """A human-written text and where it came from; ``value`` None means not provided."""

    value: str | None = None
    source: str | None = None


class Chart(Frozen):
    """An inline SVG drawn by riskcards.render.charts (labels escaped there; safe to embed)."""

    title: str
    svg: str
    caption: str


class FrameworkStatus(Frozen):
    catalogue_id: str
    title: str
    counts: dict[str, int]
    total: int
    coverage_percent: str
    report: str = Field(description="relative path of the gap report HTML")


def framework_status(fw: FrameworkAssessment) -> FrameworkStatus:
    return FrameworkStatus(
        catalogue_id=fw.catalogue_id,
        title=f"{fw.catalogue_title}",
        counts=fw.counts,
        total=len(fw.controls),
        coverage_percent=f"{fw.coverage * 100:.0f}%",
        report=gap_report_path(fw.catalogue_id),
    )
