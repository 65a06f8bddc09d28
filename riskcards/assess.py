"""Assess an evidence snapshot against catalogues through an evidence mapping (layer: assess).

Pure: no clock, no I/O. ``as_of`` is passed in and recorded; the same inputs always give the
same :class:`Assessment`.
"""

from __future__ import annotations

import fnmatch
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from riskcards.models.assessment import (
    Assessment,
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    EvidenceRef,
    FrameworkAssessment,
)
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import (
    ArtifactPresent,
    Check,
    DatasetLogged,
    EvidenceMapping,
    MetricThreshold,
    ModelRegistered,
    TextPresent,
)

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
        **extra,  # type: ignore[arg-type]
    )


def _metric_threshold(check: MetricThreshold, ev: EvidenceSnapshot) -> CheckResult:
    keys = (check.metric, *check.aliases)
    expected = f"{check.metric} {check.op} {fmt_number(check.threshold)}"
    metric = next((m for k in keys if (m := ev.run.metric(k)) is not None), None)
    if metric is None:
        return _result(
            check, CheckStatus.NOT_EVIDENCED,
            f"no metric {' or '.join(repr(k) for k in keys)} was logged in run {ev.run.run_id}",
            expected=expected,
        )
    ref = EvidenceRef(
        kind="metric",
        locator=f"runs:/{ev.run.run_id} metric {metric.key} (step {metric.step})",
        value=fmt_number(metric.value),
    )
    observed = f"{metric.key} = {fmt_number(metric.value)}"
    if not metric.is_finite:
        return _result(
            check, CheckStatus.INVALID,
            f"{metric.key} is {fmt_number(metric.value)}: not a number, cannot satisfy a threshold",
            expected=expected, observed=observed, evidence=(ref,),
        )
    if _OPS[check.op](metric.value, check.threshold):
        return _result(check, CheckStatus.PASS,
                       f"{observed} meets {check.op} {fmt_number(check.threshold)}",
                       expected=expected, observed=observed, evidence=(ref,))
    return _result(
        check, CheckStatus.FAIL,
        f"{observed} {_NEGATED[check.op]} {fmt_number(check.threshold)} (required {check.op} "
        f"{fmt_number(check.threshold)})",
        expected=expected, observed=observed, evidence=(ref,),
    )


def _dataset_logged(check: DatasetLogged, ev: EvidenceSnapshot) -> CheckResult:
    found = [d for d in ev.run.datasets if d.context == check.context]
    expected = f"a dataset logged with context {check.context!r}"
    if not found:
        contexts = sorted({d.context or "(none)" for d in ev.run.datasets})
        detail = f"; contexts logged: {', '.join(contexts)}" if contexts else "; no dataset logged"
        return _result(check, CheckStatus.NOT_EVIDENCED,
                       f"no dataset with context {check.context!r} in run {ev.run.run_id}{detail}",
                       expected=expected)
    refs = tuple(
        EvidenceRef(kind="dataset", locator=f"runs:/{ev.run.run_id} input {d.name}",
                    value=d.source_type, digest=d.digest)
        for d in found
    )
    names = ", ".join(f"{d.name} (digest {d.digest})" for d in found)
    return _result(check, CheckStatus.PASS, f"{check.context} dataset logged: {names}",
                   expected=expected, observed=names, evidence=refs)


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
            return _result(check, CheckStatus.PASS, f"documented in {where}",
                           expected=expected, observed=where, evidence=(ref,))
    return _result(check, CheckStatus.NOT_EVIDENCED,
                   "not documented: none of " + ", ".join(check.sources) + " is set",
                   expected=expected)


def _artifact_present(check: ArtifactPresent, ev: EvidenceSnapshot) -> CheckResult:
    found = [a for a in ev.run.artifacts if not a.is_dir and fnmatch.fnmatchcase(a.path, check.pattern)]
    expected = f"an artifact matching {check.pattern!r}"
    if not found:
        return _result(check, CheckStatus.NOT_EVIDENCED,
                       f"no artifact of run {ev.run.run_id} matches {check.pattern!r}",
                       expected=expected)
    refs = tuple(
        EvidenceRef(kind="artifact", locator=f"runs:/{ev.run.run_id}/{a.path}",
                    value=f"{a.size} bytes" if a.size is not None else None)
        for a in found
    )
    return _result(check, CheckStatus.PASS, "logged: " + ", ".join(a.path for a in found),
                   expected=expected, observed=", ".join(a.path for a in found), evidence=refs)


def _model_registered(check: ModelRegistered, ev: EvidenceSnapshot) -> CheckResult:
    mv = ev.model_version
    expected = "a registered model version"
    if mv is None:
        return _result(check, CheckStatus.NOT_EVIDENCED,
                       f"the target {ev.target.uri} is a run, not a registered model version",
                       expected=expected)
    aliases = f" (aliases: {', '.join(mv.aliases)})" if mv.aliases else ""
    ref = EvidenceRef(kind="model", locator=f"models:/{mv.name}/{mv.version}",
                      value=mv.status, digest=None)
    return _result(check, CheckStatus.PASS, f"registered as {mv.name} v{mv.version}{aliases}",
                   expected=expected, observed=f"{mv.name} v{mv.version}", evidence=(ref,))


def evaluate_check(check: Check, evidence: EvidenceSnapshot) -> CheckResult:
    """Evaluate one check against the evidence."""
    match check:
        case MetricThreshold():
            return _metric_threshold(check, evidence)
        case DatasetLogged():
            return _dataset_logged(check, evidence)
        case TextPresent():
            return _text_present(check, evidence)
        case ArtifactPresent():
            return _artifact_present(check, evidence)
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
        return ControlStatus.MET, f"all {len(results)} check(s) pass"
    why = "; ".join(f"{r.title}: {r.reason}" for r in failing)
    if passing:
        return ControlStatus.PARTIAL, f"{len(passing)} of {len(results)} checks pass; {why}"
    return ControlStatus.GAP, why


def assess_framework(
    catalogue: Catalogue, mapping: EvidenceMapping, results: Mapping[str, CheckResult]
) -> FrameworkAssessment:
    bound: dict[str, list[CheckResult]] = {c.id: [] for c in catalogue.controls}
    for check in mapping.checks:
        for control_id in check.controls.get(catalogue.id, ()):
            bound[control_id].append(results[check.id])
    controls = []
    for control in catalogue.controls:
        status, reason = aggregate(bound[control.id])
        controls.append(
            ControlResult(
                catalogue_id=catalogue.id,
                control_id=control.id,
                label=control.label,
                groups=tuple(g.id for g in catalogue.ancestry(control)),
                status=status,
                reason=reason,
                checks=tuple(bound[control.id]),
            )
        )
    return FrameworkAssessment(
        catalogue_id=catalogue.id,
        catalogue_title=catalogue.short_title,
        catalogue_version=catalogue.version,
        controls=tuple(controls),
    )


def frameworks_in_scope(mapping: EvidenceMapping, catalogues: Mapping[str, Catalogue]) -> tuple[str, ...]:
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
) -> Assessment:
    """Evaluate every check once, then aggregate per control for each framework."""
    results = {check.id: evaluate_check(check, evidence) for check in mapping.checks}
    scope = tuple(frameworks) if frameworks is not None else frameworks_in_scope(mapping, catalogues)
    return Assessment(
        as_of=as_of,
        mapping_id=mapping.id,
        checks=tuple(results[c.id] for c in mapping.checks),
        frameworks=tuple(assess_framework(catalogues[f], mapping, results) for f in scope),
    )
