"""The release decision, ``decision`` in every document's first section (layer: render).

What a reader must see before anything else, on page 1 of the model card, of each gap report
and at the top of ``summary.md``: the gate's verdict, each blocking item in one line (control,
check, the failing number against its threshold, owner, waiver or ticket), the controls the
gate requires that nobody assessed, the waivers and attestations that expire soon, and
waivers of one ticket that disagree between frameworks. Pure: built from the assessment.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from riskcards.models.analysis import Analysis
from riskcards.models.assessment import (
    Assessment,
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    Decision,
)
from riskcards.models.base import Frozen
from riskcards.render.paths import control_anchor, gap_report_path
from riskcards.render.views.fairness import worst_pair

NOTICE_DAYS = 30


class ControlRef(Frozen):
    framework: str
    control_id: str
    link: str = Field(description="the control in its gap report")


class BlockingItem(Frozen):
    """One failing check and the blocking controls it fails, in every framework."""

    check_id: str | None = Field(description="None when the control blocks as required")
    title: str
    observed: str | None
    expected: str | None
    owner: str | None
    waiver: str | None = Field(description="an expired waiver or its ticket, if any")
    detail: str | None = Field(
        default=None, description="for a fairness check: the attribute and worst pair of slices"
    )
    unresolved: str | None = Field(
        default=None,
        description="for a check that did not fail but found no usable evidence (not evidenced, "
        "invalid): its status and reason, so missing evidence never reads as a failure",
    )
    controls: tuple[ControlRef, ...]


class Expiring(Frozen):
    """A waiver or attestation that lapses within the notice period."""

    kind: str = Field(description="'waiver' or 'attestation'")
    name: str = Field(description="ticket or attestation id")
    expires: str
    days: int
    where: str = Field(description="the controls it covers")


class Conflict(Frozen):
    """One ticket's waivers that say different things in different frameworks."""

    ticket: str
    text: str


class GateDecision(Frozen):
    passed: bool
    verdict: str = Field(description="e.g. 'FAIL: 3 blocking' or 'PASS: no blocking gap'")
    blocking: tuple[BlockingItem, ...]
    required_not_assessed: tuple[ControlRef, ...]
    expiring: tuple[Expiring, ...]
    conflicts: tuple[Conflict, ...]
    notice_days: int


def _link(r: ControlResult, prefix: str) -> str:
    return f"{prefix}{gap_report_path(r.catalogue_id)}#{control_anchor(r.control_id)}"


def _waiver_text(r: ControlResult) -> str | None:
    w = r.expired_waiver
    if w is None:
        return None
    ticket = f" {w.ticket}" if w.ticket else ""
    return f"waiver{ticket} expired {w.expires}"


def fairness_detail(c: CheckResult | None, analysis: Analysis | None) -> str | None:
    """The attribute and worst pair of slices of a failing fairness check, if known."""
    if c is None or not c.check_id.startswith("fairness."):
        return None
    text = " ".join(filter(None, (c.observed, c.expected)))
    for measure in ("demographic_parity_difference", "equalized_odds_difference"):
        if measure in text:
            return worst_pair(analysis, measure)
    return None


def _blocking_items(
    a: Assessment, prefix: str, analysis: Analysis | None
) -> tuple[BlockingItem, ...]:
    """Each failing check of a blocking control once, with every control it blocks."""
    found: dict[str, BlockingItem] = {}
    for fw in a.frameworks:
        for r in (r for r in fw.controls if r.blocking):
            ref = ControlRef(
                framework=fw.catalogue_title, control_id=r.control_id, link=_link(r, prefix)
            )
            failing: list[CheckResult | None] = [c for c in r.checks if c.failing]
            for c in failing or [None]:
                key = c.check_id if c else f"required {fw.catalogue_id} {r.control_id}"
                item = found.get(key) or BlockingItem(
                    check_id=c.check_id if c else None,
                    title=c.title if c else "required by the gate, not assessed",
                    observed=c.observed if c else None,
                    expected=c.expected if c else None,
                    owner=c.owner if c else None,
                    waiver=None,
                    detail=fairness_detail(c, analysis),
                    unresolved=_unresolved(c),
                    controls=(),
                )
                found[key] = item.model_copy(
                    update={
                        "controls": (*item.controls, ref),
                        "waiver": item.waiver or _waiver_text(r),
                    }
                )
    return tuple(found.values())


def _unresolved(c: CheckResult | None) -> str | None:
    if c is None or c.status == CheckStatus.FAIL:
        return None
    return f"{c.status.value.replace('_', ' ')}: {c.reason}"


def _days(date: str, today: dt.date) -> int:
    return (dt.date.fromisoformat(date) - today).days


def _expiring(a: Assessment, days: int) -> tuple[Expiring, ...]:
    today = a.as_of.date()
    found: dict[tuple[str, str, str], list[str]] = {}
    for fw in a.frameworks:
        for r in fw.controls:
            d = r.decision
            if d is not None and d.kind == "waiver" and d.expires:
                key = ("waiver", d.ticket or f"waiver by {d.approver}", d.expires)
                found.setdefault(key, []).append(f"{fw.catalogue_title} {r.control_id}")
            for c in r.checks:
                if c.source == "attestation" and c.expires and c.status is CheckStatus.PASS:
                    key = ("attestation", c.check_id.removeprefix("attestation:"), c.expires)
                    found.setdefault(key, []).append(f"{fw.catalogue_title} {r.control_id}")
    return tuple(
        Expiring(
            kind=kind,
            name=name,
            expires=expires,
            days=_days(expires, today),
            where=", ".join(dict.fromkeys(where)),
        )
        for (kind, name, expires), where in sorted(found.items(), key=lambda kv: kv[0][2])
        if 0 <= _days(expires, today) <= days
    )


def _conflicts(a: Assessment) -> tuple[Conflict, ...]:
    """Waivers of one ticket whose expiry differs between controls (live or lapsed)."""
    by_ticket: dict[str, list[tuple[str, Decision, bool]]] = {}
    for fw in a.frameworks:
        for r in fw.controls:
            live = r.decision if r.decision and r.decision.kind == "waiver" else None
            for d, lapsed in ((live, False), (r.expired_waiver, True)):
                if d is not None and d.ticket:
                    where = f"{fw.catalogue_title} {r.control_id}"
                    by_ticket.setdefault(d.ticket, []).append((where, d, lapsed))
    found = []
    for ticket, uses in sorted(by_ticket.items()):
        if len({d.expires for _, d, _ in uses}) < 2:
            continue
        parts = [
            f"{where} {'expired' if lapsed else 'runs to'} {d.expires}" for where, d, lapsed in uses
        ]
        found.append(Conflict(ticket=ticket, text=f"waiver {ticket}: " + "; ".join(parts)))
    return tuple(found)


def build_decision(
    a: Assessment,
    *,
    notice_days: int = NOTICE_DAYS,
    prefix: str = "",
    analysis: Analysis | None = None,
) -> GateDecision:
    """The decision of a release; links to gap reports start with ``prefix`` (e.g. '../')."""
    blocking = _blocking_items(a, prefix, analysis)
    controls = len(a.blocking)
    failed = sum(1 for b in blocking if b.check_id and not b.unresolved)
    unresolved = sum(1 for b in blocking if b.unresolved)
    counts = f"{failed} failing checks" + (
        f", {unresolved} without usable evidence" if unresolved else ""
    )
    return GateDecision(
        passed=not controls,
        verdict=f"FAIL: {controls} blocking ({counts})" if controls else "PASS: no blocking gap",
        blocking=blocking,
        required_not_assessed=tuple(
            ControlRef(framework=fw.catalogue_title, control_id=r.control_id, link=_link(r, prefix))
            for fw in a.frameworks
            for r in fw.controls
            if r.required and (r.status is ControlStatus.NOT_ASSESSED or r.via_crosswalk)
        ),
        expiring=_expiring(a, notice_days),
        conflicts=_conflicts(a),
        notice_days=notice_days,
    )
