"""The gap report view, ``report`` in ``gap_report.html.j2`` (layer: render): pure, no I/O.

One framework's assessment read against its catalogue: counts by status and by top-level
group, the gaps first (blocking, then direct, then via crosswalk), what was met, what was
waived or declared not applicable, and what could not be assessed. When the catalogue asks
for one (``statement_of_applicability: true``, as ISO/IEC 42001 does), the report also holds
a Statement of Applicability: every control, applicable or not with the justification, its
status and its evidence.
"""

from __future__ import annotations

from pydantic import Field

from riskcards.models.assessment import (
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    FrameworkAssessment,
)
from riskcards.models.base import Frozen
from riskcards.models.catalogue import Catalogue


class ControlView(Frozen):
    result: ControlResult
    group_titles: tuple[str, ...]
    text: str

    @property
    def status_label(self) -> str:
        label = self.result.status.value.replace("_", " ")
        return f"{label} (via crosswalk)" if self.result.via_crosswalk else label


class GroupStatus(Frozen):
    group_id: str
    title: str
    counts: dict[str, int]
    total: int


class SoaRow(Frozen):
    """One control in the Statement of Applicability (ISO/IEC 42001 6.1.3 d)."""

    control_id: str
    title: str
    applicable: bool
    justification: str
    status: str
    evidence: tuple[str, ...]


class GapReport(Frozen):
    catalogue_id: str
    title: str
    version: str
    publisher: str
    source_url: str
    licence: str
    control_label: str
    control_label_plural: str
    counts: dict[str, int]
    total: int
    coverage_percent: str
    by_group: tuple[GroupStatus, ...]
    gaps: tuple[ControlView, ...] = Field(
        description="gap and partial: blocking first, then direct, then via crosswalk"
    )
    met: tuple[ControlView, ...]
    decided: tuple[ControlView, ...] = Field(
        description="waived and not applicable, with approvers"
    )
    not_assessed: tuple[ControlView, ...]
    overrides: tuple[CheckResult, ...] = Field(
        description="checks whose threshold the project overrode"
    )
    notes: tuple[str, ...] = Field(description="expired waivers and attestations, stale evidence")
    via_crosswalk: int
    blocking: int
    mapping_id: str
    soa: tuple[SoaRow, ...] = Field(
        default=(),
        description="Statement of Applicability, when the catalogue asks for one "
        "(statement_of_applicability: true, e.g. ISO/IEC 42001)",
    )


def _view(result: ControlResult, catalogue: Catalogue) -> ControlView:
    control = catalogue.control(result.control_id)
    titles = tuple((g.title if g else gid) for gid in result.groups for g in [catalogue.group(gid)])
    return ControlView(
        result=result,
        group_titles=titles,
        text=(control.text or control.title or control.summary or "") if control else "",
    )


def _by_group(fw: FrameworkAssessment, catalogue: Catalogue) -> tuple[GroupStatus, ...]:
    """Counts by status for each top-level group of the catalogue."""
    found = []
    for g in catalogue.top_groups():
        members = [r for r in fw.controls if r.groups and r.groups[0] == g.id]
        found.append(
            GroupStatus(
                group_id=g.id,
                title=g.title,
                counts={s.value: sum(1 for r in members if r.status is s) for s in ControlStatus},
                total=len(members),
            )
        )
    return tuple(found)


def _gaps(views: list[ControlView]) -> tuple[ControlView, ...]:
    """Gap and partial controls: blocking first, then direct, then via crosswalk."""
    rank = {ControlStatus.GAP: 0, ControlStatus.PARTIAL: 1}
    return tuple(
        sorted(
            (v for v in views if v.result.status in rank),
            key=lambda v: (
                not v.result.blocking,
                bool(v.result.via_crosswalk),
                rank[v.result.status],
            ),
        )
    )


def _overrides(fw: FrameworkAssessment) -> tuple[CheckResult, ...]:
    """Each check whose threshold the project overrode, once, by check id."""
    return tuple(
        sorted(
            {c.check_id: c for r in fw.controls for c in r.checks if c.override}.values(),
            key=lambda c: c.check_id,
        )
    )


def build_gap_report(fw: FrameworkAssessment, catalogue: Catalogue, mapping_id: str) -> GapReport:
    views = [_view(r, catalogue) for r in fw.controls]
    return GapReport(
        catalogue_id=catalogue.id,
        title=catalogue.title,
        version=catalogue.version,
        publisher=catalogue.publisher,
        source_url=catalogue.source_url,
        licence=catalogue.licence,
        control_label=catalogue.control_label,
        control_label_plural=catalogue.control_label_plural,
        counts=fw.counts,
        total=len(fw.controls),
        coverage_percent=f"{fw.coverage * 100:.0f}%",
        by_group=_by_group(fw, catalogue),
        gaps=_gaps(views),
        met=tuple(v for v in views if v.result.status is ControlStatus.MET),
        decided=tuple(v for v in views if v.result.decision is not None),
        not_assessed=tuple(v for v in views if v.result.status is ControlStatus.NOT_ASSESSED),
        overrides=_overrides(fw),
        notes=tuple(n for r in fw.controls for n in r.notes),
        via_crosswalk=fw.via_crosswalk,
        blocking=len(fw.blocking),
        mapping_id=mapping_id,
        soa=statement_of_applicability(fw, catalogue)
        if catalogue.statement_of_applicability
        else (),
    )


def _soa_row(r: ControlResult, catalogue: Catalogue) -> SoaRow:
    control = catalogue.control(r.control_id)
    decision = r.decision if r.status is ControlStatus.NOT_APPLICABLE else None
    if decision is not None:
        justification = f"{decision.reason} (approved by {decision.approver})"
    else:
        justification = "Applicable: no exclusion declared in the project file"
    evidence = tuple(
        dict.fromkeys(
            ref.locator for c in r.checks if c.status is CheckStatus.PASS for ref in c.evidence
        )
    )
    status = r.status.value.replace("_", " ") + (" (via crosswalk)" if r.via_crosswalk else "")
    return SoaRow(
        control_id=r.control_id,
        title=control.label if control else r.label,
        applicable=decision is None,
        justification=justification,
        status=status,
        evidence=evidence,
    )


def statement_of_applicability(fw: FrameworkAssessment, catalogue: Catalogue) -> tuple[SoaRow, ...]:
    """Each control: applicable or not (with the justification), its status and its evidence."""
    return tuple(_soa_row(r, catalogue) for r in fw.controls)
