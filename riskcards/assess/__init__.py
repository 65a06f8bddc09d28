"""Assess an evidence snapshot against catalogues through an evidence mapping (layer: assess).

Pure: no clock, no I/O. ``as_of`` is passed in and recorded; the same inputs always give the
same :class:`Assessment`. :func:`assess` is the stage; the modules are its steps, in order:

- :mod:`.task`        the model's task (project file, tag, evaluate, model, metric names)
- :mod:`.registry`    the check kinds: which function judges each; :func:`evaluate_check`
- :mod:`.checks`      the built-in kinds (metric thresholds, logged datasets, texts, ...)
- :mod:`.decisions`   the project's overrides, attestations, waivers, N/A and the CI gate
- :mod:`.frameworks`  check results -> a status per control, directly or via crosswalks
- :mod:`.explain`     the checks that evidence a control, in words (no assessment)

A new kind of check is added from outside riskcards with :func:`register_check_kind`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from riskcards.assess.checks import MAX_QUOTED_TEXT
from riskcards.assess.decisions import apply_overrides, evaluate_attestation
from riskcards.assess.explain import checks_for_control
from riskcards.assess.frameworks import (
    aggregate,
    assess_framework,
    bind_results,
    frameworks_in_scope,
)
from riskcards.assess.registry import (
    CheckContext,
    applicability,
    check_result,
    describe_check,
    evaluate_check,
    register_check_kind,
    registered_check_kind,
    registered_kinds,
    stale_reason,
    unregister_check_kind,
)
from riskcards.assess.task import determine_task
from riskcards.models.assessment import Assessment, CheckStatus, Measure
from riskcards.models.catalogue import Catalogue, Crosswalk
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import EvidenceMapping
from riskcards.models.project import Decisions

__all__ = [
    "MAX_QUOTED_TEXT",
    "CheckContext",
    "aggregate",
    "apply_overrides",
    "assess",
    "assess_framework",
    "check_result",
    "checks_for_control",
    "describe_check",
    "determine_task",
    "evaluate_attestation",
    "evaluate_check",
    "frameworks_in_scope",
    "register_check_kind",
    "registered_check_kind",
    "registered_kinds",
    "stale_reason",
    "unregister_check_kind",
]


def assess(
    evidence: EvidenceSnapshot,
    catalogues: Mapping[str, Catalogue],
    mapping: EvidenceMapping,
    *,
    as_of: datetime,
    frameworks: Iterable[str] | None = None,
    crosswalks: Sequence[Crosswalk] = (),
    decisions: Decisions | None = None,
    strict: bool = False,
    measures: Mapping[str, Measure] | None = None,
) -> Assessment:
    """Evaluate every check and attestation once, then aggregate per control per framework."""
    decisions = decisions or Decisions()
    mapping, override_notes = apply_overrides(mapping, decisions.overrides)
    results = {}
    default_owner = decisions.owners.get("default") or evidence.run.tags.get("owner")
    task = determine_task(evidence, decisions.task)
    for check in mapping.checks:
        result = applicability(check, task) or evaluate_check(check, evidence, as_of, measures)
        update: dict[str, object] = {"owner": decisions.owners.get(check.id, default_owner)}
        if check.id in override_notes:
            update["override"] = override_notes[check.id]
        results[check.id] = result.model_copy(update=update)
    versions = {cid: cat.version for cid, cat in catalogues.items()}
    attested = [
        (r, evaluate_attestation(r, evidence, as_of, versions)) for r in decisions.attestations
    ]
    named = {c for ch in mapping.checks for c in ch.controls} | {
        c for r in decisions.attestations for c in r.attestation.controls
    }
    direct = {cat: bind_results(cat, mapping, results, attested) for cat in sorted(named)}
    scope = (
        tuple(frameworks)
        if frameworks is not None
        else frameworks_in_scope(mapping, catalogues, task.task)
    )
    notes = tuple(
        f"{r.file}: {res.reason}" for r, res in attested if res.status is not CheckStatus.PASS
    )
    assessed = tuple(
        assess_framework(catalogues[f], direct, crosswalks, decisions, as_of, strict=strict)
        for f in scope
    )
    notes += tuple(
        f"{c.catalogue_id} {c.control_id}: {n}"
        for fw in assessed
        for c in fw.controls
        for n in c.notes
    )
    return Assessment(
        as_of=as_of,
        mapping_id=mapping.id,
        checks=tuple(results[c.id] for c in mapping.checks) + tuple(res for _, res in attested),
        frameworks=assessed,
        notes=notes,
        strict=strict,
        task=task,
    )
