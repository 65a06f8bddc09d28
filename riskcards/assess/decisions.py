"""What a project decides on top of the evidence (layer: assess).

- overrides: a project's own threshold or severity for a check, recorded with its rationale
- attestations: signed statements that evidence controls while current and in scope
- not-applicable declarations and waivers, which set a control's status with the approver
- the CI gate: which controls block a release
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from riskcards.models.assessment import (
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    Decision,
    EvidenceRef,
    OverrideNote,
)
from riskcards.models.base import fmt_number
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import EvidenceMapping, MetricThreshold
from riskcards.models.project import (
    AttestationRecord,
    Decisions,
    ReleaseScope,
    ThresholdOverride,
    Waiver,
)

# --- overrides ----------------------------------------------------------------------------


def apply_overrides(
    mapping: EvidenceMapping, overrides: Sequence[ThresholdOverride]
) -> tuple[EvidenceMapping, dict[str, OverrideNote]]:
    """The mapping with the project's overrides applied, and a note per overridden check."""
    by_check = {o.check: o for o in overrides}
    notes: dict[str, OverrideNote] = {}
    checks = []
    for check in mapping.checks:
        o = by_check.get(check.id)
        if o is None:
            checks.append(check)
            continue
        update: dict[str, object] = {}
        before, after = [], []
        if isinstance(check, MetricThreshold) and (o.op is not None or o.threshold is not None):
            op = o.op or check.op
            threshold = o.threshold if o.threshold is not None else check.threshold
            before.append(f"{check.metric} {check.op} {fmt_number(check.threshold)}")
            after.append(f"{check.metric} {op} {fmt_number(threshold)}")
            # op and threshold are what is judged; the shorthand only recorded how the
            # mapping wrote it, which no longer holds
            update |= {"op": op, "threshold": threshold, "at_least": None, "at_most": None}
        if o.severity is not None:
            before.append(f"severity {check.severity}")
            after.append(f"severity {o.severity}")
            update["severity"] = o.severity
        checks.append(check.model_copy(update=update))
        notes[check.id] = OverrideNote(
            original="; ".join(before),
            applied="; ".join(after),
            rationale=o.rationale,
            owner=o.owner,
        )
    return mapping.model_copy(update={"checks": tuple(checks)}), notes


# --- attestations -------------------------------------------------------------------------


def evaluate_attestation(
    record: AttestationRecord,
    ev: EvidenceSnapshot,
    as_of: datetime,
    catalogue_versions: Mapping[str, str] | None = None,
) -> CheckResult:
    """An attestation counts while it is dated, unexpired and made for what is being released."""
    att = record.attestation
    day = as_of.date()
    ref = EvidenceRef(
        kind="attestation",
        locator=f"{record.file} ({att.id})",
        value=f"{att.statement} ({att.attested_by}, {att.role}, {att.date.isoformat()})",
        digest=record.sha256,
    )
    base = {
        "check_id": f"attestation:{att.id}",
        "title": f"Attestation {att.id} by {att.attested_by}",
        "kind": "attestation",
        "severity": "medium",
        "evidence": (ref,),
        "source": "attestation",
        "expected": "a current attestation for this release",
        "expires": att.expires.isoformat() if att.expires else None,
    }
    problem = None
    if att.date > day:
        problem = f"dated {att.date.isoformat()}, after the as-of date {day.isoformat()}"
    elif att.expires is not None and att.expires <= day:
        problem = f"expired on {att.expires.isoformat()}; it no longer counts"
    elif att.scope is not None:
        problem = _out_of_scope(att.scope, ev, catalogue_versions or {})
    if problem:
        return CheckResult(
            status=CheckStatus.NOT_EVIDENCED, reason=f"attestation {att.id} {problem}", **base
        )
    until = f", valid until {att.expires.isoformat()}" if att.expires else ""
    link = f"; policy: {att.link}" if att.link else ""
    return CheckResult(
        status=CheckStatus.PASS,
        reason=f"attested by {att.attested_by} ({att.role}) on {att.date.isoformat()}{until}{link}",
        observed=att.statement,
        **base,
    )


def _out_of_scope(
    scope: ReleaseScope, ev: EvidenceSnapshot, catalogue_versions: Mapping[str, str]
) -> str | None:
    """Why an attestation does not count for this release: another model, or stale because
    what it was made for changed ("stale (dataset changed: c271 to 9a0e)")."""
    mv = ev.model_version
    if scope.model is not None and (mv is None or mv.name != scope.model):
        return f"was made for model {scope.model!r}, not {ev.target.display}"
    changed = []
    if scope.version is not None and (mv is None or mv.version != scope.version):
        changed.append(("model version", scope.version, mv.version if mv else "none"))
    digests = [d.digest for d in ev.run.datasets if d.digest]
    if scope.dataset_digest is not None and scope.dataset_digest not in digests:
        changed.append(("dataset", scope.dataset_digest, ", ".join(digests) or "none"))
    commit = ev.run.system_tags.get("mlflow.source.git.commit")
    if scope.git_commit is not None and commit != scope.git_commit:
        changed.append(("code commit", scope.git_commit, commit or "none"))
    for fw, version in sorted(scope.catalogue_versions.items()):
        now = catalogue_versions.get(fw)
        if now != version:
            changed.append((f"{fw} catalogue", version, now or "none"))
    if not changed:
        return None
    return "is stale (" + "; ".join(f"{w} changed: {a} to {b}" for w, a, b in changed) + ")"


# --- not applicable, waivers and the gate -------------------------------------------------


def decide(
    result: ControlResult, decisions: Decisions, as_of: datetime, *, strict: bool
) -> ControlResult:
    """Apply not-applicable declarations, waivers and the CI gate to one control."""
    key = (result.catalogue_id, result.control_id)
    notes: list[str] = []
    expired: Decision | None = None
    for na in decisions.not_applicable:
        if (na.framework, na.control) == key:
            return result.model_copy(
                update={
                    "status": ControlStatus.NOT_APPLICABLE,
                    "underlying": result.status,
                    "reason": f"not applicable: {na.justification} (approved by {na.approver})",
                    "decision": Decision(
                        kind="not_applicable",
                        approver=na.approver,
                        reason=na.justification,
                        date=na.date.isoformat() if na.date else None,
                    ),
                }
            )
    if result.status in (ControlStatus.GAP, ControlStatus.PARTIAL):
        for w in decisions.waivers:
            if (w.framework, w.control) != key:
                continue
            if w.expires < as_of.date():
                notes.append(
                    f"waiver approved by {w.approver} expired on {w.expires.isoformat()}; "
                    "it no longer counts"
                )
                expired = _waiver(w)
                continue
            return result.model_copy(
                update={
                    "status": ControlStatus.WAIVED,
                    "underlying": result.status,
                    "reason": f"waived until {w.expires.isoformat()} by {w.approver}: {w.reason} "
                    f"(underlying: {result.reason})",
                    "decision": _waiver(w),
                }
            )
    blocking = _blocking(result, decisions, strict=strict)
    required = result.control_id in decisions.gate.required.get(result.catalogue_id, ())
    return result.model_copy(
        update={
            "notes": tuple(notes),
            "blocking": blocking,
            "required": required,
            "expired_waiver": expired,
        }
    )


def _waiver(w: Waiver) -> Decision:
    return Decision(
        kind="waiver",
        approver=w.approver,
        reason=w.reason,
        expires=w.expires.isoformat(),
        ticket=w.ticket,
    )


def _blocking(result: ControlResult, decisions: Decisions, *, strict: bool) -> bool:
    """Whether a control fails the CI gate. A status reached only through a crosswalk is
    indicative (crosswalk pairs are "related to", not "equal"): it never blocks."""
    gate = decisions.gate
    if result.via_crosswalk:
        return False
    if result.status in (ControlStatus.GAP, ControlStatus.PARTIAL) and any(
        c.failing and c.severity in gate.blocking_severities for c in result.checks
    ):
        return True
    if strict:
        required = result.control_id in gate.required.get(result.catalogue_id, ())
        if required and result.status is ControlStatus.NOT_ASSESSED:
            return True
        if any(c.status is CheckStatus.INVALID for c in result.checks):
            return True
    return False
