"""What every document view shares (layer: render): the page metadata and small values.

:class:`DocumentMeta` is given to every template as ``meta``; :class:`Row`, :class:`Prose`
and :class:`Chart` are the building blocks of the views; :class:`FrameworkStatus` is one
framework's line in the model card's governance section and in the release summary.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from riskcards.models.assessment import ControlResult, ControlStatus, FrameworkAssessment
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
    """One framework's headline: counts of direct evidence only (a status reached through a
    crosswalk counts as not assessed here), and how many were inferred."""

    catalogue_id: str
    title: str
    counts: dict[str, int] = Field(description="status -> controls, direct evidence only")
    total: int
    coverage_percent: str = Field(description="share of applicable controls directly evidenced")
    inferred: int = Field(description="controls whose status comes only through a crosswalk")
    report: str = Field(description="relative path of the gap report HTML")


def inferred(r: ControlResult) -> bool:
    """A status borrowed through a crosswalk, not set by a decision (waiver, not applicable)."""
    return r.inferred


def direct_status(r: ControlResult) -> ControlStatus:
    """The status as direct evidence gives it: an inferred one is not assessed."""
    return r.direct_status


def direct_counts(fw: FrameworkAssessment) -> dict[str, int]:
    return fw.direct_counts


def direct_coverage(fw: FrameworkAssessment) -> str:
    """Applicable controls evidenced directly (a check, an attestation, a decision), in %."""
    return f"{fw.direct_coverage * 100:.0f}%"


def framework_status(fw: FrameworkAssessment) -> FrameworkStatus:
    return FrameworkStatus(
        catalogue_id=fw.catalogue_id,
        title=f"{fw.catalogue_title}",
        counts=direct_counts(fw),
        total=len(fw.controls),
        coverage_percent=direct_coverage(fw),
        inferred=sum(1 for r in fw.controls if inferred(r)),
        report=gap_report_path(fw.catalogue_id),
    )
