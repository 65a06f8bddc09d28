"""The gap report view, ``report`` in ``gap_report.html.j2`` (layer: render): pure, no I/O.

One framework's assessment read against its catalogue, decision first: the gate's verdict
with the blockers and their owners (:mod:`.decision`), then headline counts of direct
evidence only, the gaps (blocking first), what was met, what was waived or declared not
applicable, and what nobody assessed. A status reached only through a crosswalk is never
read as met or gap in the body: it goes to an appendix table, one line each. Each check's
evidence is printed once, in an evidence appendix keyed by check ID; the body cites the ID.
The Statement of Applicability is a document of its own (:mod:`.soa`).
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from riskcards.models.analysis import Analysis
from riskcards.models.assessment import (
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    EvidenceRef,
    FrameworkAssessment,
)
from riskcards.models.base import Frozen
from riskcards.models.catalogue import Catalogue
from riskcards.render.paths import check_anchor, control_anchor, soa_path
from riskcards.render.views.common import direct_counts, direct_coverage, direct_status, inferred
from riskcards.render.views.decision import GateDecision, fairness_detail
from riskcards.render.views.text import short_locator


class CheckCite(Frozen):
    """A check as the body cites it: one line, its evidence in the appendix."""

    check_id: str
    title: str
    status: str
    observed: str | None
    expected: str | None
    owner: str | None
    remediation: str | None
    anchor: str
    detail: str | None = Field(
        default=None, description="a fairness check's attribute and worst pair of slices"
    )


class ControlView(Frozen):
    result: ControlResult
    group_titles: tuple[str, ...]
    text: str
    anchor: str
    cites: tuple[CheckCite, ...] = ()

    @property
    def status_label(self) -> str:
        return self.result.status.value.replace("_", " ")


class InferredRow(Frozen):
    """A status a crosswalk suggests; the control is not assessed directly."""

    control_id: str
    title: str
    suggested: str = Field(description="the status of the related controls, e.g. 'gap'")
    via: tuple[str, ...]


class EvidenceItem(CheckCite):
    """One check and its evidence, printed once in the evidence appendix."""

    kind: str
    severity: str
    reason: str
    refs: tuple[EvidenceRef, ...] = Field(description="evidence not listed under a check before")
    see: tuple[str, ...] = Field(
        default=(), description="earlier checks whose entries list the rest of its evidence"
    )
    controls: tuple[str, ...] = Field(description="the controls of this report it evidences")


class GroupStatus(Frozen):
    group_id: str
    title: str
    counts: dict[str, int]
    total: int


class GapReport(Frozen):
    catalogue_id: str
    title: str
    version: str
    publisher: str
    source_url: str
    licence: str
    control_label: str
    control_label_plural: str
    decision: GateDecision | None = Field(default=None, description="the release's gate decision")
    counts: dict[str, int] = Field(description="status -> controls, direct evidence only")
    total: int
    coverage_percent: str = Field(description="applicable controls directly evidenced")
    by_group: tuple[GroupStatus, ...]
    gaps: tuple[ControlView, ...] = Field(description="gap and partial, direct: blocking first")
    met: tuple[ControlView, ...]
    decided: tuple[ControlView, ...] = Field(
        description="waived and not applicable, with approvers"
    )
    not_assessed: tuple[ControlView, ...] = Field(description="no direct evidence, none inferred")
    inferred: tuple[InferredRow, ...] = Field(
        description="statuses only a crosswalk suggests (appendix)"
    )
    evidence: tuple[EvidenceItem, ...] = Field(description="evidence appendix, by check ID")
    other_task: tuple[EvidenceItem, ...] = Field(
        default=(),
        description="checks that do not apply to the model's task: one line each, in the "
        "evidence appendix, never in the body",
    )
    overrides: tuple[CheckResult, ...] = Field(
        description="checks whose threshold the project overrode"
    )
    notes: tuple[str, ...] = Field(description="expired waivers and attestations, stale evidence")
    via_crosswalk: int
    blocking: int
    mapping_id: str
    soa: str | None = Field(
        default=None, description="the Statement of Applicability's file, when there is one"
    )


def _cite(c: CheckResult, analysis: Analysis | None = None) -> CheckCite:
    return CheckCite(
        detail=fairness_detail(c, analysis) if c.failing else None,
        check_id=c.check_id,
        title=c.title,
        status=c.status.value,
        observed=c.observed,
        expected=c.expected,
        owner=c.owner,
        remediation=c.remediation if c.failing else None,
        anchor=check_anchor(c.check_id),
    )


def _view(
    result: ControlResult, catalogue: Catalogue, analysis: Analysis | None = None
) -> ControlView:
    control = catalogue.control(result.control_id)
    titles = tuple((g.title if g else gid) for gid in result.groups for g in [catalogue.group(gid)])
    return ControlView(
        result=result,
        group_titles=titles,
        text=(control.text or control.title or control.summary or "") if control else "",
        anchor=control_anchor(result.control_id),
        cites=()
        if result.via_crosswalk
        else tuple(
            _cite(c, analysis)
            for c in result.checks
            if c.status is not CheckStatus.NOT_APPLICABLE  # listed once, in the appendix
        ),
    )


def _by_group(fw: FrameworkAssessment, catalogue: Catalogue) -> tuple[GroupStatus, ...]:
    """Counts by direct status for each top-level group of the catalogue."""
    found = []
    for g in catalogue.top_groups():
        members = [direct_status(r) for r in fw.controls if r.groups and r.groups[0] == g.id]
        found.append(
            GroupStatus(
                group_id=g.id,
                title=g.title,
                counts={s.value: members.count(s) for s in ControlStatus},
                total=len(members),
            )
        )
    return tuple(found)


def _gaps(views: list[ControlView]) -> tuple[ControlView, ...]:
    """Gap and partial controls evidenced directly: blocking first."""
    rank = {ControlStatus.GAP: 0, ControlStatus.PARTIAL: 1}
    return tuple(
        sorted(
            (v for v in views if v.result.status in rank and not inferred(v.result)),
            key=lambda v: (not v.result.blocking, rank[v.result.status]),
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


def _inferred(views: Iterable[ControlView]) -> tuple[InferredRow, ...]:
    return tuple(
        InferredRow(
            control_id=v.result.control_id,
            title=v.result.label,
            suggested=v.result.status.value.replace("_", " "),
            via=v.result.via_crosswalk,
        )
        for v in views
        if inferred(v.result)
    )


def _evidence(
    fw: FrameworkAssessment, analysis: Analysis | None = None
) -> tuple[EvidenceItem, ...]:
    """Each check bound directly to a control of this report, once, sorted by check ID."""
    checks: dict[str, CheckResult] = {}
    controls: dict[str, list[str]] = {}
    for r in fw.controls:
        if r.via_crosswalk:  # borrowed results are not this control's evidence
            continue
        for c in r.checks:
            checks.setdefault(c.check_id, c)
            controls.setdefault(c.check_id, []).append(r.control_id)
    first: dict[tuple[str, str | None], str] = {}  # (locator, value) -> first check listing it
    items = []
    for cid, c in sorted(checks.items()):
        refs, see = [], []
        for ref in c.evidence:
            holder = first.setdefault((ref.locator, ref.value), cid)
            if holder == cid:
                refs.append(ref)
            elif holder not in see:
                see.append(holder)
        items.append(
            EvidenceItem(
                **_cite(c, analysis).model_dump(),
                kind=c.kind,
                severity=c.severity,
                reason=c.reason,
                refs=tuple(refs),
                see=tuple(see),
                controls=tuple(controls[cid]),
            )
        )
    return tuple(items)


def _applies(items: tuple[EvidenceItem, ...], applies: bool) -> tuple[EvidenceItem, ...]:
    """The appendix's items whose check applies to the model's task (or those that do not)."""
    return tuple(e for e in items if (e.status != CheckStatus.NOT_APPLICABLE.value) is applies)


def build_gap_report(
    fw: FrameworkAssessment,
    catalogue: Catalogue,
    mapping_id: str,
    decision: GateDecision | None = None,
    analysis: Analysis | None = None,
) -> GapReport:
    """One framework's gap report; ``analysis`` names the worst pair of slices of fairness."""
    views = [_view(r, catalogue, analysis) for r in fw.controls]
    return GapReport(
        catalogue_id=catalogue.id,
        title=catalogue.title,
        version=catalogue.version,
        publisher=catalogue.publisher,
        source_url=catalogue.source_url,
        licence=catalogue.licence,
        control_label=catalogue.control_label,
        control_label_plural=catalogue.control_label_plural,
        decision=decision,
        counts=direct_counts(fw),
        total=len(fw.controls),
        coverage_percent=direct_coverage(fw),
        by_group=_by_group(fw, catalogue),
        gaps=_gaps(views),
        met=tuple(
            v for v in views if v.result.status is ControlStatus.MET and not inferred(v.result)
        ),
        decided=tuple(v for v in views if v.result.decision is not None),
        not_assessed=tuple(v for v in views if v.result.status is ControlStatus.NOT_ASSESSED),
        inferred=_inferred(views),
        evidence=_applies(evidence := _evidence(fw, analysis), True),
        other_task=_applies(evidence, False),
        overrides=_overrides(fw),
        notes=tuple(n for r in fw.controls for n in r.notes),
        via_crosswalk=sum(1 for r in fw.controls if inferred(r)),
        blocking=len(fw.blocking),
        mapping_id=mapping_id,
        soa=soa_path(catalogue.id) if catalogue.statement_of_applicability else None,
    )


def passed_evidence(r: ControlResult) -> tuple[str, ...]:
    """The IDs of the checks that passed for a control, directly."""
    if r.via_crosswalk:
        return ()
    return tuple(dict.fromkeys(c.check_id for c in r.checks if c.status is CheckStatus.PASS))


__all__ = [
    "CheckCite",
    "ControlView",
    "EvidenceItem",
    "GapReport",
    "GroupStatus",
    "InferredRow",
    "build_gap_report",
    "passed_evidence",
    "short_locator",
]
