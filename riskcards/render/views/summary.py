"""The release summary view, ``summary`` in ``summary.md.j2`` and ``summary.jira.j2``
(layer: render): pure, no I/O.

A ticket's worth (at most :data:`MAX_LINES` lines): the decision first (verdict, each
blocking item with its owner, required controls not assessed, expiring waivers and
attestations, conflicts), then each framework's headline on direct evidence, the other
direct gaps grouped by framework, the notes once each, and links to the bundle's files
(relative, or under ``link_base``, e.g. a CI artifact URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import Field

from riskcards.models.assessment import Assessment, ControlStatus, FrameworkAssessment
from riskcards.models.base import Frozen
from riskcards.render.views.common import FrameworkStatus, framework_status
from riskcards.render.views.decision import GateDecision
from riskcards.render.views.gap_report import GapReport

MAX_LINES = 40
MAX_NOTES = 5


class Link(Frozen):
    text: str
    url: str


class GapGroup(Frozen):
    """The direct gaps of one framework that do not block, by status."""

    framework: str
    report: Link
    gap: tuple[str, ...]
    partial: tuple[str, ...]


class ReleaseSummary(Frozen):
    decision: GateDecision
    frameworks: tuple[FrameworkStatus, ...]
    others: tuple[GapGroup, ...] = Field(description="direct gaps that do not block")
    notes: tuple[str, ...] = Field(description="each note once, at most MAX_NOTES")
    more_notes: int = Field(description="notes left out (they are in the gap reports)")
    files: tuple[Link, ...]
    main: Link


def link(path: str, base: str | None) -> Link:
    """A bundle file as a link: relative, or under ``base``."""
    return Link(text=path, url=f"{base.rstrip('/')}/{path}" if base else path)


def _others(
    reports: Sequence[tuple[FrameworkAssessment, GapReport]], base: str | None
) -> tuple[GapGroup, ...]:
    found = []
    for fw, r in reports:
        rest = [v.result for v in r.gaps if not v.result.blocking]
        if not rest:
            continue
        found.append(
            GapGroup(
                framework=fw.catalogue_title,
                report=link(f"gap-report-{fw.catalogue_id}.html", base),
                gap=tuple(c.control_id for c in rest if c.status is ControlStatus.GAP),
                partial=tuple(c.control_id for c in rest if c.status is ControlStatus.PARTIAL),
            )
        )
    return tuple(found)


def _relink(decision: GateDecision, base: str | None) -> GateDecision:
    """The decision with its links under ``base``."""
    if not base:
        return decision
    return decision.model_copy(
        update={
            "blocking": tuple(
                b.model_copy(
                    update={
                        "controls": tuple(
                            c.model_copy(update={"link": link(c.link, base).url})
                            for c in b.controls
                        )
                    }
                )
                for b in decision.blocking
            ),
            "required_not_assessed": tuple(
                r.model_copy(update={"link": link(r.link, base).url})
                for r in decision.required_not_assessed
            ),
        }
    )


def build_summary(
    assessment: Assessment,
    reports: Sequence[tuple[FrameworkAssessment, GapReport]],
    files: Iterable[str],
    main: str,
    decision: GateDecision,
    link_base: str | None = None,
) -> ReleaseSummary:
    """The summary of a release whose gap reports are ``reports`` and whose files are ``files``."""
    notes = tuple(dict.fromkeys(assessment.notes))
    return ReleaseSummary(
        decision=_relink(decision, link_base),
        frameworks=tuple(framework_status(fw) for fw in assessment.frameworks),
        others=_others(reports, link_base),
        notes=notes[:MAX_NOTES],
        more_notes=max(0, len(notes) - MAX_NOTES),
        files=tuple(link(f, link_base) for f in sorted(files)),
        main=link(main, link_base),
    )
