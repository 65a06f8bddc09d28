"""The release summary view, ``summary`` in ``summary.md.j2`` (layer: render): pure, no I/O.

Each framework's status, the gaps evidenced directly (those reached only through a
crosswalk are counted, not listed), the assessment's notes, and every file of the bundle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import Field

from riskcards.models.assessment import Assessment, FrameworkAssessment
from riskcards.models.base import Frozen
from riskcards.render.views.common import FrameworkStatus, framework_status
from riskcards.render.views.gap_report import ControlView, GapReport


class ReleaseSummary(Frozen):
    frameworks: tuple[FrameworkStatus, ...]
    gaps: tuple[tuple[str, ControlView], ...] = Field(
        description="(framework title, control): gaps evidenced directly, blocking first"
    )
    indirect: int = Field(description="gaps reached only through a crosswalk, not listed")
    notes: tuple[str, ...]
    files: tuple[str, ...]
    main: str


def build_summary(
    assessment: Assessment,
    reports: Sequence[tuple[FrameworkAssessment, GapReport]],
    files: Iterable[str],
    main: str,
) -> ReleaseSummary:
    """The summary of a release whose gap reports are ``reports`` and whose files are ``files``."""
    return ReleaseSummary(
        frameworks=tuple(framework_status(fw) for fw in assessment.frameworks),
        gaps=tuple(
            (fw.catalogue_title, v)
            for fw, r in reports
            for v in r.gaps
            if not v.result.via_crosswalk
        ),
        indirect=sum(1 for _, r in reports for v in r.gaps if v.result.via_crosswalk),
        notes=assessment.notes,
        files=tuple(sorted(files)),
        main=main,
    )
