"""Assess an evidence snapshot against catalogues through an evidence mapping (layer: assess).

Pure: no clock, no I/O. ``as_of`` is passed in and recorded; the same inputs always give the
same :class:`Assessment`.
"""

from __future__ import annotations

import fnmatch
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from riskcards.models.assessment import (
    Assessment,
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    Decision,
    EvidenceRef,
    FrameworkAssessment,
    Measure,
    OverrideNote,
)
from riskcards.models.catalogue import Catalogue, Crosswalk
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import (
    ArtifactPresent,
    Check,
    DatasetLogged,
    EvidenceMapping,
    MetricThreshold,
    ModelRegistered,
    SignaturePresent,
    TextPresent,
)
from riskcards.models.project import AttestationRecord, Decisions, ThresholdOverride

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!="}
MAX_QUOTED_TEXT = 500


def fmt_number(value: float) -> str:
    """A metric value as people read it: up to 4 significant decimals, NaN and inf spelled."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.6g}"


def _result(check: Check, status: CheckStatus, reason: str, **extra: object) -> CheckResult:
    return CheckResult(
        check_id=check.id,
        title=check.title,
        kind=check.kind,
        severity=check.severity,
        status=status,
        reason=reason,
        remediation=check.remediation,
        **extra,
    )


def _samples(check: MetricThreshold, ev: EvidenceSnapshot) -> tuple[float | None, str]:
    """The sample size behind a metric, from a metric key or ``param:<key>``."""
    key = check.samples_key or ""
    if key.startswith("param:"):
        raw = ev.run.params.get(key[len("param:") :])
        try:
            return (float(raw) if raw is not None else None), key
        except ValueError:
            return None, key
    metric = ev.run.metric(key)
    return (metric.value if metric is not None else None), f"metric {key}"


def _compare(
    check: MetricThreshold, value: float, observed: str, found: dict[str, Any]
) -> CheckResult:
    """Pass or fail a finite value against the check's threshold, saying why in words."""
    limit = fmt_number(check.threshold)
    if _OPS[check.op](value, check.threshold):
        return _result(check, CheckStatus.PASS, f"{observed} meets {check.op} {limit}", **found)
    return _result(
        check,
        CheckStatus.FAIL,
        f"{observed} {_NEGATED[check.op]} {limit} (required {check.op} {limit})",
        **found,
    )


def _recomputed(check: MetricThreshold, ev: EvidenceSnapshot, measure: Measure) -> CheckResult:
    """Judge a check on the number riskcards recomputed; the logged one is cited beside it."""
    expected = f"{measure.key} {check.op} {fmt_number(check.threshold)}"
    refs = [
        EvidenceRef(
            kind="recomputed",
            locator=f"runs:/{ev.run.run_id}/{measure.table} "
            f"({measure.rows} rows): {measure.detail}",
            value=fmt_number(measure.value),
            digest=measure.sha256,
        )
    ]
    logged = next(
        (m for k in (check.metric, *check.aliases) if (m := ev.run.metric(k)) is not None), None
    )
    agreement = ""
    if logged is not None:
        refs.append(
            EvidenceRef(
                kind="metric",
                locator=f"runs:/{ev.run.run_id} metric {logged.key} (step {logged.step})",
                value=fmt_number(logged.value),
            )
        )
        agreement = f" (logged {logged.key} = {fmt_number(logged.value)})"
    observed = f"recomputed {measure.key} = {fmt_number(measure.value)}{agreement}"
    found = {"expected": expected, "observed": observed, "evidence": tuple(refs)}
    return _compare(check, measure.value, observed, found)


def _metric_threshold(
    check: MetricThreshold, ev: EvidenceSnapshot, as_of: datetime, measures: Mapping[str, Measure]
) -> CheckResult:
    if check.recomputed and check.recomputed in measures:
        measure = measures[check.recomputed]
        if check.min_samples is not None and measure.rows < check.min_samples:
            return _result(
                check,
                CheckStatus.NOT_EVIDENCED,
                f"{measure.key} was recomputed from {measure.rows} rows, fewer than the "
                f"{check.min_samples} required: not judged",
                expected=f"{measure.key}",
            )
        return _recomputed(check, ev, measure)
    keys = (check.metric, *check.aliases)
    expected = f"{check.metric} {check.op} {fmt_number(check.threshold)}"
    metric = next((m for k in keys if (m := ev.run.metric(k)) is not None), None)
    if metric is None:
        if check.recomputed:
            return _result(
                check,
                CheckStatus.NOT_EVIDENCED,
                f"no metric {' or '.join(repr(k) for k in keys)} was logged in run "
                f"{ev.run.run_id}, and "
                f"{check.recomputed} could not be recomputed: no logged table allows it",
                expected=expected,
            )
        return _result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"no metric {' or '.join(repr(k) for k in keys)} was logged in run {ev.run.run_id}",
            expected=expected,
        )
    ref = EvidenceRef(
        kind="metric",
        locator=f"runs:/{ev.run.run_id} metric {metric.key} (step {metric.step})",
        value=fmt_number(metric.value),
    )
    observed = f"{metric.key} = {fmt_number(metric.value)}"
    found = {"expected": expected, "observed": observed, "evidence": (ref,)}
    if not metric.is_finite:
        return _result(
            check,
            CheckStatus.INVALID,
            f"{metric.key} is {fmt_number(metric.value)}: not a number, cannot satisfy a threshold",
            **found,
        )
    if stale := _stale(check.max_age_days, metric.timestamp or ev.run.end_time, as_of):
        return _result(check, CheckStatus.NOT_EVIDENCED, f"{metric.key} {stale}", **found)
    if check.context and not any(d.context == check.context for d in ev.run.datasets):
        return _result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"{metric.key} was logged, but no {check.context} dataset was logged with run "
            f"{ev.run.run_id}: the number cannot be tied to {check.context} data",
            **found,
        )
    if check.min_samples is not None:
        n, where = _samples(check, ev)
        if n is None or not math.isfinite(n):
            return _result(
                check,
                CheckStatus.NOT_EVIDENCED,
                f"the sample size behind {metric.key} is unknown ({where} not logged); "
                f"at least {check.min_samples} required",
                **found,
            )
        if n < check.min_samples:
            return _result(
                check,
                CheckStatus.NOT_EVIDENCED,
                f"{metric.key} rests on {fmt_number(n)} samples ({where}), fewer than the "
                f"{check.min_samples} required: not judged",
                **found,
            )
    return _compare(check, metric.value, observed, found)


def _stale(max_age_days: int | None, logged: datetime | None, as_of: datetime) -> str | None:
    """Why evidence is too old to count, or None."""
    if max_age_days is None:
        return None
    if logged is None:
        return f"has no timestamp, so its age cannot be checked (limit {max_age_days} days)"
    age = as_of - logged
    if age > timedelta(days=max_age_days):
        return (
            f"was logged {age.days} days before the as-of time, more than the "
            f"{max_age_days} days allowed: stale evidence does not count"
        )
    return None


def _dataset_logged(check: DatasetLogged, ev: EvidenceSnapshot) -> CheckResult:
    found = [d for d in ev.run.datasets if d.context == check.context]
    expected = f"a dataset logged with context {check.context!r}"
    if not found:
        contexts = sorted({d.context or "(none)" for d in ev.run.datasets})
        detail = f"; contexts logged: {', '.join(contexts)}" if contexts else "; no dataset logged"
        return _result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"no dataset with context {check.context!r} in run {ev.run.run_id}{detail}",
            expected=expected,
        )
    refs = tuple(
        EvidenceRef(
            kind="dataset",
            locator=f"runs:/{ev.run.run_id} input {d.name}",
            value=d.source_type,
            digest=d.digest,
        )
        for d in found
    )
    names = ", ".join(f"{d.name} (digest {d.digest})" for d in found)
    return _result(
        check,
        CheckStatus.PASS,
        f"{check.context} dataset logged: {names}",
        expected=expected,
        observed=names,
        evidence=refs,
    )


def _text_sources(ev: EvidenceSnapshot) -> Mapping[str, tuple[str | None, str]]:
    """Each text source: (its value, where it lives)."""
    run = f"runs:/{ev.run.run_id}"
    mv = ev.model_version
    mv_uri = f"models:/{mv.name}/{mv.version}" if mv else None
    found: dict[str, tuple[str | None, str]] = {
        "run:description": (ev.run.description, f"{run} description"),
        "model_version:description": (mv.description if mv else None, f"{mv_uri} description"),
        "registered_model:description": (
            mv.registered_model_description if mv else None,
            f"models:/{mv.name} description" if mv else "registered model description",
        ),
    }
    for key, value in ev.run.tags.items():
        found[f"tag:{key}"] = (value, f"{run} tag {key}")
    for key, value in ev.run.params.items():
        found[f"param:{key}"] = (value, f"{run} param {key}")
    if mv:
        for key, value in mv.tags.items():
            found[f"model_version_tag:{key}"] = (value, f"{mv_uri} tag {key}")
    return found


def _text_present(check: TextPresent, ev: EvidenceSnapshot) -> CheckResult:
    sources = _text_sources(ev)
    expected = "documented in " + " or ".join(check.sources)
    for src in check.sources:
        value, where = sources.get(src, (None, src))
        if value is not None and len(value.strip()) >= check.min_length:
            quoted = value.strip()
            if len(quoted) > MAX_QUOTED_TEXT:
                quoted = quoted[:MAX_QUOTED_TEXT] + "…"
            kind = "description" if src.endswith(":description") else src.split(":", 1)[0]
            ref = EvidenceRef(kind=kind, locator=where, value=quoted)
            return _result(
                check,
                CheckStatus.PASS,
                f"documented in {where}",
                expected=expected,
                observed=where,
                evidence=(ref,),
            )
    return _result(
        check,
        CheckStatus.NOT_EVIDENCED,
        "not documented: none of " + ", ".join(check.sources) + " is set",
        expected=expected,
    )


def _artifact_present(check: ArtifactPresent, ev: EvidenceSnapshot) -> CheckResult:
    found = [
        a for a in ev.run.artifacts if not a.is_dir and fnmatch.fnmatchcase(a.path, check.pattern)
    ]
    expected = f"an artifact matching {check.pattern!r}"
    if not found:
        return _result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"no artifact of run {ev.run.run_id} matches {check.pattern!r}",
            expected=expected,
        )
    refs = tuple(
        EvidenceRef(
            kind="artifact",
            locator=f"runs:/{ev.run.run_id}/{a.path}",
            value=f"{a.size} bytes" if a.size is not None else None,
        )
        for a in found
    )
    return _result(
        check,
        CheckStatus.PASS,
        "logged: " + ", ".join(a.path for a in found),
        expected=expected,
        observed=", ".join(a.path for a in found),
        evidence=refs,
    )


def _model_registered(check: ModelRegistered, ev: EvidenceSnapshot) -> CheckResult:
    mv = ev.model_version
    expected = "a registered model version"
    if mv is None:
        return _result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"the target {ev.target.uri} is a run, not a registered model version",
            expected=expected,
        )
    aliases = f" (aliases: {', '.join(mv.aliases)})" if mv.aliases else ""
    ref = EvidenceRef(
        kind="model", locator=f"models:/{mv.name}/{mv.version}", value=mv.status, digest=None
    )
    return _result(
        check,
        CheckStatus.PASS,
        f"registered as {mv.name} v{mv.version}{aliases}",
        expected=expected,
        observed=f"{mv.name} v{mv.version}",
        evidence=(ref,),
    )


def _signature_present(check: SignaturePresent, ev: EvidenceSnapshot) -> CheckResult:
    model = ev.model
    expected = "a model logged with a signature"
    if model is None or model.signature is None or not model.signature.inputs:
        where = (
            f"the logged model {model.uri}" if model else "no logged model was found for the target"
        )
        return _result(
            check, CheckStatus.NOT_EVIDENCED, f"no input signature: {where}", expected=expected
        )
    ref = EvidenceRef(
        kind="model",
        locator=f"{model.uri} signature (MLmodel)",
        value=model.signature.inputs[:300],
        digest=model.mlmodel_sha256,
    )
    return _result(
        check,
        CheckStatus.PASS,
        f"{model.uri} was logged with an input signature",
        expected=expected,
        observed=model.uri,
        evidence=(ref,),
    )


def evaluate_check(
    check: Check,
    evidence: EvidenceSnapshot,
    as_of: datetime,
    measures: Mapping[str, Measure] | None = None,
) -> CheckResult:
    """Evaluate one check against the evidence, as of a time (for freshness), preferring the
    measures riskcards recomputed from logged tables where the check names one."""
    if not isinstance(check, MetricThreshold | ModelRegistered | SignaturePresent):
        logged = evidence.run.end_time or evidence.run.start_time
        if stale := _stale(check.max_age_days, logged, as_of):
            return _result(check, CheckStatus.NOT_EVIDENCED, f"run {evidence.run.run_id} {stale}")
    match check:
        case MetricThreshold():
            return _metric_threshold(check, evidence, as_of, measures or {})
        case DatasetLogged():
            return _dataset_logged(check, evidence)
        case TextPresent():
            return _text_present(check, evidence)
        case ArtifactPresent():
            return _artifact_present(check, evidence)
        case SignaturePresent():
            return _signature_present(check, evidence)
        case ModelRegistered():
            return _model_registered(check, evidence)
    raise AssertionError(f"unhandled check kind {check.kind}")  # pragma: no cover


def aggregate(results: Sequence[CheckResult]) -> tuple[ControlStatus, str]:
    """The status of a control from the results of the checks bound to it, with the reason."""
    if not results:
        return ControlStatus.NOT_ASSESSED, "no check in the evidence mapping evidences this control"
    passing = [r for r in results if r.status is CheckStatus.PASS]
    failing = [r for r in results if r.status is not CheckStatus.PASS]
    if not failing:
        return ControlStatus.MET, "; ".join(f"{r.title}: {r.reason}" for r in results)
    why = "; ".join(f"{r.title}: {r.reason}" for r in failing)
    if passing:
        return ControlStatus.PARTIAL, f"{len(passing)} of {len(results)} checks pass; {why}"
    return ControlStatus.GAP, why


# --- project decisions --------------------------------------------------------------------


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
            update |= {"op": op, "threshold": threshold}
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


def evaluate_attestation(
    record: AttestationRecord, ev: EvidenceSnapshot, as_of: datetime
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
    }
    problem = None
    if att.date > day:
        problem = f"dated {att.date.isoformat()}, after the as-of date {day.isoformat()}"
    elif att.expires is not None and att.expires <= day:
        problem = f"expired on {att.expires.isoformat()}; it no longer counts"
    elif att.scope is not None:
        problem = _out_of_scope(att.scope, ev)
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


def _out_of_scope(scope: object, ev: EvidenceSnapshot) -> str | None:
    mv = ev.model_version
    model, version, digest = (getattr(scope, k) for k in ("model", "version", "dataset_digest"))
    if model is not None and (mv is None or mv.name != model):
        return f"was made for model {model!r}, not {ev.target.display}"
    if version is not None and (mv is None or mv.version != version):
        return f"was made for version {version}, not {ev.target.display}"
    if digest is not None and all(d.digest != digest for d in ev.run.datasets):
        return f"was made for dataset digest {digest}, which this run did not use"
    return None


# --- per framework ------------------------------------------------------------------------


def _direct(
    catalogue_id: str,
    mapping: EvidenceMapping,
    results: Mapping[str, CheckResult],
    attested: Sequence[tuple[AttestationRecord, CheckResult]],
) -> dict[str, list[CheckResult]]:
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
        via: tuple[str, ...] = ()
        if not results:
            linked = sorted(
                p for p in partners.get(control.id, ()) if direct.get(p[0], {}).get(p[1])
            )
            seen: set[str] = set()
            for cat_id, other in linked:
                for r in direct[cat_id][other]:
                    if r.check_id not in seen:
                        seen.add(r.check_id)
                        results.append(r)
            via = tuple(f"{cat_id} {other}" for cat_id, other in linked)
        status, reason = aggregate(results)
        if via:
            reason = f"via crosswalk from {', '.join(via)}: {reason}"
        controls.append(
            _decide(
                ControlResult(
                    catalogue_id=catalogue.id,
                    control_id=control.id,
                    label=control.label,
                    groups=tuple(g.id for g in catalogue.ancestry(control)),
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


def _decide(
    result: ControlResult, decisions: Decisions, as_of: datetime, *, strict: bool
) -> ControlResult:
    """Apply not-applicable declarations, waivers and the CI gate to one control."""
    key = (result.catalogue_id, result.control_id)
    notes: list[str] = []
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
                continue
            return result.model_copy(
                update={
                    "status": ControlStatus.WAIVED,
                    "underlying": result.status,
                    "reason": f"waived until {w.expires.isoformat()} by {w.approver}: {w.reason} "
                    f"(underlying: {result.reason})",
                    "decision": Decision(
                        kind="waiver",
                        approver=w.approver,
                        reason=w.reason,
                        expires=w.expires.isoformat(),
                        ticket=w.ticket,
                    ),
                }
            )
    blocking = _blocking(result, decisions, strict=strict)
    return result.model_copy(update={"notes": tuple(notes), "blocking": blocking})


def _blocking(result: ControlResult, decisions: Decisions, *, strict: bool) -> bool:
    """Whether a control fails the CI gate. A status reached only through a crosswalk is
    indicative (crosswalk pairs are "related to", not "equal"): it never blocks."""
    gate = decisions.gate
    if result.via_crosswalk:
        return False
    if result.status in (ControlStatus.GAP, ControlStatus.PARTIAL) and any(
        c.status is not CheckStatus.PASS and c.severity in gate.blocking_severities
        for c in result.checks
    ):
        return True
    if strict:
        required = result.control_id in gate.required.get(result.catalogue_id, ())
        if required and result.status is ControlStatus.NOT_ASSESSED:
            return True
        if any(c.status is CheckStatus.INVALID for c in result.checks):
            return True
    return False


def frameworks_in_scope(
    mapping: EvidenceMapping, catalogues: Mapping[str, Catalogue]
) -> tuple[str, ...]:
    """The catalogues the mapping binds checks to, in a stable order."""
    named = {cat for check in mapping.checks for cat in check.controls}
    return tuple(c for c in sorted(catalogues) if c in named)


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
    for check in mapping.checks:
        result = evaluate_check(check, evidence, as_of, measures)
        update: dict[str, object] = {"owner": decisions.owners.get(check.id, default_owner)}
        if check.id in override_notes:
            update["override"] = override_notes[check.id]
        results[check.id] = result.model_copy(update=update)
    attested = [(r, evaluate_attestation(r, evidence, as_of)) for r in decisions.attestations]
    named = {c for ch in mapping.checks for c in ch.controls} | {
        c for r in decisions.attestations for c in r.attestation.controls
    }
    direct = {cat: _direct(cat, mapping, results, attested) for cat in sorted(named)}
    scope = (
        tuple(frameworks) if frameworks is not None else frameworks_in_scope(mapping, catalogues)
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
    )
