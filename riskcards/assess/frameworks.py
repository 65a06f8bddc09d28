"""From check results to a status per control, per framework (layer: assess).

A control's status comes from the checks and attestations bound to it directly; a control
with none of its own borrows, labelled as such, the results of the controls a crosswalk
relates it to. Then the project's decisions (not applicable, waivers, the gate) apply.

Organisational controls (:data:`ORGANISATIONAL`: NIST AI RMF GOVERN, ISO/IEC 42001 Annex A
clauses A.2 to A.4: policy, roles, resources, culture) borrow only attestations through a
crosswalk, never a model metric: a fairness number says nothing of a team's diversity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from riskcards.assess.decisions import decide
from riskcards.models.assessment import (
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    FrameworkAssessment,
)
from riskcards.models.catalogue import Catalogue, Crosswalk
from riskcards.models.evidence_task import Task
from riskcards.models.mapping import EvidenceMapping
from riskcards.models.project import AttestationRecord, Decisions

# catalogue id -> top-level groups whose controls are about the organisation, not the model
ORGANISATIONAL: Mapping[str, frozenset[str]] = {
    "nist-ai-rmf": frozenset({"GOVERN"}),
    "iso-iec-42001": frozenset({"A.2", "A.3", "A.4"}),
}


def organisational(catalogue_id: str, groups: Sequence[str]) -> bool:
    """Whether a control (given its groups, outermost first) is organisational."""
    return bool(groups) and groups[0] in ORGANISATIONAL.get(catalogue_id, frozenset())


def aggregate(results: Sequence[CheckResult]) -> tuple[ControlStatus, str]:
    """The status of a control from the results of the checks bound to it, with the reason."""
    if not results:
        return ControlStatus.NOT_ASSESSED, "no check in the evidence mapping evidences this control"
    applicable = [r for r in results if r.status is not CheckStatus.NOT_APPLICABLE]
    if not applicable:
        why = "; ".join(f"{r.title}: {r.reason}" for r in results)
        return ControlStatus.NOT_ASSESSED, f"no check that applies to this model; {why}"
    results = applicable
    passing = [r for r in results if r.status is CheckStatus.PASS]
    failing = [r for r in results if r.failing]
    if not failing:
        return ControlStatus.MET, "; ".join(f"{r.title}: {r.reason}" for r in results)
    why = "; ".join(f"{r.title}: {r.reason}" for r in failing)
    if passing:
        return ControlStatus.PARTIAL, f"{len(passing)} of {len(results)} checks pass; {why}"
    return ControlStatus.GAP, why


def frameworks_in_scope(
    mapping: EvidenceMapping, catalogues: Mapping[str, Catalogue], task: Task | None = None
) -> tuple[str, ...]:
    """The catalogues the mapping binds checks to, in a stable order; with a ``task``, only
    those bound by a check that applies to it (a classifier gets no AI 600-1 report)."""
    named = {
        cat
        for check in mapping.checks
        if task is None or not check.applies_to or task in check.applies_to
        for cat in check.controls
    }
    return tuple(c for c in sorted(catalogues) if c in named)


def bind_results(
    catalogue_id: str,
    mapping: EvidenceMapping,
    results: Mapping[str, CheckResult],
    attested: Sequence[tuple[AttestationRecord, CheckResult]],
) -> dict[str, list[CheckResult]]:
    """control id -> the results of the checks and attestations bound to it directly."""
    bound: dict[str, list[CheckResult]] = {}
    for check in mapping.checks:
        for control_id in check.controls.get(catalogue_id, ()):
            bound.setdefault(control_id, []).append(results[check.id])
    for record, result in attested:
        for control_id in record.attestation.controls.get(catalogue_id, ()):
            bound.setdefault(control_id, []).append(result)
    return bound


def _crosswalk_partners(
    catalogue: Catalogue, crosswalks: Sequence[Crosswalk]
) -> dict[str, set[tuple[str, str]]]:
    """control id -> {(other catalogue, other control)} over control-to-control pairs."""
    partners: dict[str, set[tuple[str, str]]] = {}
    for cw in crosswalks:
        for pair in cw.pairs:
            if cw.source_catalogue == catalogue.id and catalogue.control(pair.source):
                partners.setdefault(catalogue.control(pair.source).id, set()).add(  # type: ignore[union-attr]
                    (cw.target_catalogue, pair.target)
                )
            if cw.target_catalogue == catalogue.id and catalogue.control(pair.target):
                partners.setdefault(catalogue.control(pair.target).id, set()).add(  # type: ignore[union-attr]
                    (cw.source_catalogue, pair.source)
                )
    return partners


def _via_crosswalk(
    partners: set[tuple[str, str]],
    direct: Mapping[str, Mapping[str, Sequence[CheckResult]]],
    *,
    attestations_only: bool = False,
) -> tuple[list[CheckResult], tuple[str, ...]]:
    """The results of the related controls that have direct results (each check once), and
    those controls, named ``<catalogue> <control>``; only attestations if so asked."""

    def usable(cat_id: str, other: str) -> list[CheckResult]:
        found = direct.get(cat_id, {}).get(other, ())
        return [
            r
            for r in found
            if (r.source == "attestation" or not attestations_only)
            and r.status is not CheckStatus.NOT_APPLICABLE  # says nothing of this model
        ]

    linked = sorted(p for p in partners if usable(*p))
    results: list[CheckResult] = []
    seen: set[str] = set()
    for cat_id, other in linked:
        for r in usable(cat_id, other):
            if r.check_id not in seen:
                seen.add(r.check_id)
                results.append(r)
    return results, tuple(f"{cat_id} {other}" for cat_id, other in linked)


def assess_framework(
    catalogue: Catalogue,
    direct: Mapping[str, Mapping[str, Sequence[CheckResult]]],
    crosswalks: Sequence[Crosswalk],
    decisions: Decisions,
    as_of: datetime,
    *,
    strict: bool = False,
) -> FrameworkAssessment:
    """Aggregate per control: direct checks, else via crosswalk; then decisions and the gate."""
    own = direct.get(catalogue.id, {})
    partners = _crosswalk_partners(catalogue, crosswalks)
    controls = []
    for control in catalogue.controls:
        results = list(own.get(control.id, ()))
        groups = tuple(g.id for g in catalogue.ancestry(control))
        via: tuple[str, ...] = ()
        # no check that applies to this task (or none at all): a crosswalk may still tell
        if all(r.status is CheckStatus.NOT_APPLICABLE for r in results):
            inferred, via = _via_crosswalk(
                partners.get(control.id, set()),
                direct,
                attestations_only=organisational(catalogue.id, groups),
            )
            results = inferred if inferred or not results else results
        status, reason = aggregate(results)
        if via:
            reason = f"via crosswalk from {', '.join(via)}: {reason}"
        controls.append(
            decide(
                ControlResult(
                    catalogue_id=catalogue.id,
                    control_id=control.id,
                    label=control.label,
                    groups=groups,
                    status=status,
                    reason=reason,
                    checks=tuple(results),
                    via_crosswalk=via,
                ),
                decisions,
                as_of,
                strict=strict,
            )
        )
    return FrameworkAssessment(
        catalogue_id=catalogue.id,
        catalogue_title=catalogue.short_title,
        catalogue_version=catalogue.version,
        controls=tuple(controls),
    )
