"""The registry of check kinds: which function judges each kind of check (layer: assess).

Every kind, built-in or not, is registered the same way: its model (a subclass of
:class:`riskcards.models.mapping.Check` with ``kind: Literal["<name>"]``) and an evaluator
``evaluate(check, evidence, context) -> CheckResult``. A new kind needs no change to riskcards::

    class ModelCardLinked(Check):
        kind: Literal["model_card_linked"]

    def evaluate(check, evidence, context):
        ...
        return check_result(check, CheckStatus.PASS, "linked from the run")

    register_check_kind(ModelCardLinked, evaluate, describe=lambda check: "a linked model card")

An evaluator is pure: the :class:`CheckContext` carries the as-of time and the measures
riskcards recomputed from logged tables, so no clock and no I/O are needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from riskcards.errors import InternalError
from riskcards.models.assessment import CheckResult, CheckStatus, Measure
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.evidence_task import TaskIdentity
from riskcards.models.mapping import (
    BUILTIN_CHECK_MODELS,
    Check,
    check_models,
    kind_of,
    register_check_model,
    unregister_check_model,
)

C = TypeVar("C", bound=Check)


@dataclass(frozen=True)
class CheckContext:
    """What an evaluator may know besides the check and the evidence."""

    as_of: datetime
    measures: Mapping[str, Measure] = field(default_factory=dict)


Evaluator = Callable[[C, EvidenceSnapshot, CheckContext], CheckResult]
"""Judges one check against the evidence: ``evaluate(check, evidence, context)``."""
Describer = Callable[[C], str]
"""Says in words what a check requires, e.g. ``roc_auc >= 0.75``."""


@dataclass(frozen=True)
class _KindEntry:
    """One registered kind: its model, evaluator and describer."""

    model: type[Check]
    evaluate: Evaluator[Any]
    describe: Describer[Any]
    age_from_run: bool
    owns_model: bool  # the model was registered with EvidenceMapping by register_check_kind


_kinds: dict[str, _KindEntry] = {}


def register_check_kind(
    model: type[C],
    evaluate: Evaluator[C],
    *,
    describe: Describer[C] | None = None,
    age_from_run: bool = True,
) -> None:
    """Make ``model`` a check kind that mappings may use, judged by ``evaluate``.

    ``describe`` says in words what a check requires (shown by ``riskcards frameworks show``);
    without it, the kind's name is shown. With ``age_from_run`` (the default), a check whose
    run ended more than ``max_age_days`` before the as-of time is not evidenced and
    ``evaluate`` is not called; pass False when the evaluator judges age itself, or when age
    does not apply. A kind whose ``kind`` is already registered is an error.
    """
    kind = kind_of(model)
    if kind in _kinds:
        known = _kinds[kind].model.__qualname__
        raise ValueError(f"check kind {kind!r} is already registered by {known}")
    owns_model = model not in check_models()
    if owns_model:
        register_check_model(model)  # raises if another class already declares this kind
    _kinds[kind] = _KindEntry(
        model=model,
        evaluate=evaluate,
        describe=describe or _name_of_kind,
        age_from_run=age_from_run,
        owns_model=owns_model,
    )


def unregister_check_kind(model: type[Check]) -> None:
    """Forget a kind added with :func:`register_check_kind`; built-in kinds stay."""
    if model in BUILTIN_CHECK_MODELS:
        raise ValueError(f"{model.__qualname__} is a built-in check kind; it cannot be removed")
    kind = kind_of(model)
    entry = _kinds.get(kind)
    if entry is None or entry.model is not model:
        raise ValueError(f"{model.__qualname__} is not a registered check kind")
    del _kinds[kind]
    if entry.owns_model:
        unregister_check_model(model)


@contextmanager
def registered_check_kind(
    model: type[C],
    evaluate: Evaluator[C],
    *,
    describe: Describer[C] | None = None,
    age_from_run: bool = True,
) -> Iterator[type[C]]:
    """Register a kind for the duration of a ``with`` block; afterwards all is as before."""
    register_check_kind(model, evaluate, describe=describe, age_from_run=age_from_run)
    try:
        yield model
    finally:
        unregister_check_kind(model)


def registered_kinds() -> tuple[str, ...]:
    """The kinds that can be evaluated, built-in first, in the order registered."""
    return tuple(_kinds)


def _entry(check: Check) -> _KindEntry:
    entry = _kinds.get(check.kind)
    if entry is None:
        raise InternalError(
            f"no evaluator is registered for check kind {check.kind!r}; "
            "register it with riskcards.assess.register_check_kind"
        )
    return entry


def _name_of_kind(check: Check) -> str:
    return check.kind.replace("_", " ")


def describe_check(check: Check) -> str:
    """What a check requires, in words: ``roc_auc >= 0.75``, ``dataset logged with context
    'training'``."""
    words = _entry(check).describe(check)
    if check.applies_to:
        words += f" (applies to {', '.join(t.replace('_', ' ') for t in check.applies_to)})"
    return words


def evaluate_check(
    check: Check,
    evidence: EvidenceSnapshot,
    as_of: datetime,
    measures: Mapping[str, Measure] | None = None,
) -> CheckResult:
    """Evaluate one check against the evidence, as of a time (for freshness), preferring the
    measures riskcards recomputed from logged tables where the check names one."""
    entry = _entry(check)
    if entry.age_from_run:
        logged = evidence.run.end_time or evidence.run.start_time
        if stale := stale_reason(check.max_age_days, logged, as_of):
            return check_result(
                check, CheckStatus.NOT_EVIDENCED, f"run {evidence.run.run_id} {stale}"
            )
    return entry.evaluate(check, evidence, CheckContext(as_of=as_of, measures=measures or {}))


def applicability(check: Check, task: TaskIdentity) -> CheckResult | None:
    """A "not applicable" result when the check does not apply to the model's task (from
    its ``applies_to:``), else None: the check is judged. An undetermined task judges all."""
    if not check.applies_to or task.task is None or task.task in check.applies_to:
        return None
    tasks = ", ".join(t.replace("_", " ") for t in check.applies_to)
    return check_result(
        check,
        CheckStatus.NOT_APPLICABLE,
        f"not applicable (task: {task.label}, from the {task.source}: {task.detail}); "
        f"this check applies to {tasks}",
        expected=f"applies to {tasks}",
    )


# --- helpers for evaluators, built-in or not --------------------------------------------------


def check_result(check: Check, status: CheckStatus, reason: str, **extra: object) -> CheckResult:
    """A result that names its check: id, title, kind, severity and remediation."""
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


def stale_reason(max_age_days: int | None, logged: datetime | None, as_of: datetime) -> str | None:
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
