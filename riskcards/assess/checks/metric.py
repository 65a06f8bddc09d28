"""The ``metric_threshold`` check: a number compared with a threshold (layer: assess).

The number is the one riskcards recomputed from a logged table when the check names such a
measure and the tables allowed it (the logged metric is cited beside it); otherwise the first
logged metric among ``metric`` and ``aliases``. A number is judged only when it is finite,
fresh enough, tied to a dataset of the required context and backed by enough samples.
"""

from __future__ import annotations

import difflib
import math
import operator
from collections.abc import Callable
from typing import Any

from riskcards.assess.registry import CheckContext, check_result, stale_reason
from riskcards.models.assessment import CheckResult, CheckStatus, EvidenceRef, Measure
from riskcards.models.base import fmt_number
from riskcards.models.evidence import EvidenceSnapshot, MetricValue, MlflowEvaluation
from riskcards.models.evidence_task import HELD_OUT_ROLES, role_of_context
from riskcards.models.mapping import MetricThreshold

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!="}


def describe_metric_threshold(check: MetricThreshold) -> str:
    """``roc_auc >= 0.75``, with the recomputed measure, context and sample size it asks for."""
    words = f"{check.metric} {check.op} {fmt_number(check.threshold)}"
    if check.recomputed:
        words += f" (recomputed: {check.recomputed})"
    if check.roles:
        words += f", from the {' or '.join(check.roles)} evaluation"
    if check.context:
        words += f", with a dataset of context {check.context!r}"
    if check.min_samples is not None:
        words += f", from at least {check.min_samples} samples"
    return words


def evaluate_metric_threshold(
    check: MetricThreshold, ev: EvidenceSnapshot, context: CheckContext
) -> CheckResult:
    """Judge the recomputed measure if there is one, else the logged metric."""
    if check.recomputed and check.recomputed in context.measures:
        return _judge_measure(check, ev, context.measures[check.recomputed])
    keys = (check.metric, *check.aliases)
    expected = f"{check.metric} {check.op} {fmt_number(check.threshold)}"
    metric, evaluation = _chosen(check, ev)
    if metric is None:
        sought = f"no metric {' or '.join(repr(k) for k in keys)} was logged in run {ev.run.run_id}"
        if check.roles:
            sought += f" from the {' or '.join(check.roles)} evaluation"
        if check.recomputed:
            sought += f", and {check.recomputed} could not be recomputed: no logged table allows it"
        sought += did_you_mean(keys, [m.key for m in ev.run.metrics])
        return check_result(check, CheckStatus.NOT_EVIDENCED, sought, expected=expected)
    ref = EvidenceRef(
        kind="metric",
        locator=f"runs:/{ev.run.run_id} metric {metric.key} (step {metric.step})",
        value=fmt_number(metric.value),
    )
    observed = f"{metric.key} = {fmt_number(metric.value)}"
    if evaluation is not None:
        observed += f", from {evaluation.label}"
    found = {"expected": expected, "observed": observed, "evidence": (ref,)}
    unjudged = _why_not_judged(check, ev, metric, context)
    if unjudged is not None:
        status, reason = unjudged
        return check_result(check, status, reason, **found)
    return _compare(check, metric.value, observed, found)


def _logged(check: MetricThreshold, ev: EvidenceSnapshot) -> MetricValue | None:
    """The metric the check judges (see :func:`_chosen`)."""
    return _chosen(check, ev)[0]


def _chosen(
    check: MetricThreshold, ev: EvidenceSnapshot
) -> tuple[MetricValue | None, MlflowEvaluation | None]:
    """The metric to judge, and the evaluation of ``mlflow.models.evaluate`` it came from.

    Among the evaluations whose role the check accepts (``roles:``, else test, then
    evaluation, then validation), the best role that logged the check's name or an alias
    (under its metric prefix) wins; without one, the first of those names logged at all
    (unless the check names its roles). A training evaluation is never chosen by default.
    """
    names = (check.metric, *check.aliases)
    roles = check.roles or HELD_OUT_ROLES
    candidates = sorted(
        (
            (roles.index(e.role), i, e.metric_prefix, m, e)
            for e in ev.run.evaluations
            if e.role in roles
            for i, name in enumerate(names)
            if (m := ev.run.metric(e.key_for(name))) is not None
        ),
        key=lambda c: c[:3],
    )
    if candidates:
        _, _, _, metric, evaluation = candidates[0]
        return metric, evaluation
    if check.roles:
        return None, None
    for name in names:
        if (m := ev.run.metric(name)) is not None:
            owner = next((e for e in ev.run.evaluations if m.key in e.metrics), None)
            return m, owner
    return None, None


def did_you_mean(names: tuple[str, ...], keys: list[str]) -> str:
    """``; did you mean `eval/roc_auc`?`` for logged keys near the names sought, else ''."""
    near: list[str] = []
    for name in names:
        ends = [k for k in keys if k != name and k.endswith(name) and k[-len(name) - 1] in "/_.-:"]
        near += ends or difflib.get_close_matches(name, keys, n=2, cutoff=0.8)
    near = list(dict.fromkeys(near))[:3]
    if not near:
        return ""
    words = [f"`{k}`{_training_note(k, names)}" for k in near]
    return f"; did you mean {' or '.join(words)}? (add it to the check's aliases to use it)"


def _training_note(key: str, names: tuple[str, ...]) -> str:
    prefix = next((key[: -len(n)] for n in names if key.endswith(n)), "")
    return " (training data, not held out)" if role_of_context(prefix) == "training" else ""


def _why_not_judged(
    check: MetricThreshold, ev: EvidenceSnapshot, metric: MetricValue, context: CheckContext
) -> tuple[CheckStatus, str] | None:
    """Why a logged metric cannot be compared with the threshold, or None."""
    if not metric.is_finite:
        return (
            CheckStatus.INVALID,
            f"{metric.key} is {fmt_number(metric.value)}: not a number, cannot satisfy a threshold",
        )
    if stale := stale_reason(
        check.max_age_days, metric.timestamp or ev.run.end_time, context.as_of
    ):
        return CheckStatus.NOT_EVIDENCED, f"{metric.key} {stale}"
    if check.context and not any(
        d.context == check.context or (d.role and d.role == role_of_context(check.context))
        for d in ev.run.datasets
    ):
        return (
            CheckStatus.NOT_EVIDENCED,
            f"{metric.key} was logged, but no {check.context} dataset was logged with run "
            f"{ev.run.run_id}: the number cannot be tied to {check.context} data",
        )
    return _too_few_samples(check, ev, metric)


def _too_few_samples(
    check: MetricThreshold, ev: EvidenceSnapshot, metric: MetricValue
) -> tuple[CheckStatus, str] | None:
    """Why the sample size behind a metric does not allow judging it, or None."""
    if check.min_samples is None:
        return None
    n, where = _samples(check, ev)
    if n is None or not math.isfinite(n):
        return (
            CheckStatus.NOT_EVIDENCED,
            f"the sample size behind {metric.key} is unknown ({where} not logged); "
            f"at least {check.min_samples} required",
        )
    if n < check.min_samples:
        return (
            CheckStatus.NOT_EVIDENCED,
            f"{metric.key} rests on {fmt_number(n)} samples ({where}), fewer than the "
            f"{check.min_samples} required: not judged",
        )
    return None


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
        return check_result(
            check, CheckStatus.PASS, f"{observed} meets {check.op} {limit}", **found
        )
    return check_result(
        check,
        CheckStatus.FAIL,
        f"{observed} {_NEGATED[check.op]} {limit} (required {check.op} {limit})",
        **found,
    )


def _judge_measure(check: MetricThreshold, ev: EvidenceSnapshot, measure: Measure) -> CheckResult:
    """Judge a check on the number riskcards recomputed, if enough rows were behind it."""
    if check.min_samples is not None and measure.rows < check.min_samples:
        return check_result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"{measure.key} was recomputed from {measure.rows} rows, fewer than the "
            f"{check.min_samples} required: not judged",
            expected=f"{measure.key}",
        )
    return _recomputed(check, ev, measure)


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
    logged = _logged(check, ev)
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
