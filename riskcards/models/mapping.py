"""Evidence mappings: named checks, each bound to the controls it evidences (layer: models).

Each kind of check is a subclass of :class:`Check` with ``kind: Literal["<name>"]``. The
built-in kinds are listed in :data:`BUILTIN_CHECK_MODELS`; :func:`register_check_model` adds
another, and :class:`EvidenceMapping` then accepts it: ``EvidenceMapping.checks`` is a
discriminated union (on ``kind``) over every registered class, rebuilt on each change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from riskcards.models.base import Frozen, Identifier, Text
from riskcards.models.evidence_task import Role, Task

Comparator = Literal[">=", ">", "<=", "<", "=="]
Severity = Literal["low", "medium", "high", "critical"]


class Check(Frozen):
    """What every check has: an id, words for people, a severity and the controls it evidences.

    A kind of check subclasses this with ``kind: Literal["<name>"]`` and its own fields.
    """

    id: Identifier
    title: Text
    description: Text | None = None
    severity: Severity = "medium"
    remediation: Text | None = None
    controls: dict[Identifier, tuple[Identifier, ...]] = Field(
        description="catalogue id -> control ids this check evidences", min_length=1
    )
    max_age_days: int | None = Field(
        default=None,
        ge=0,
        description="evidence older than this (at the as-of time) does not count",
    )
    applies_to: tuple[Task, ...] = Field(
        default=(),
        description="the model tasks this check applies to (empty: every task); for another "
        "task it is not applicable and never blocks",
    )
    # each subclass narrows this to its own Literal, the tag of the discriminated union
    kind: str


# The two ways to write a threshold: the shorthand keys, and the comparator each stands for.
_SHORTHANDS: dict[str, Comparator] = {"at_least": ">=", "at_most": "<="}
_LONGHAND = ("op", "threshold")
_FLOAT = TypeAdapter(float)


def _threshold_forms(schema: dict[str, Any]) -> None:
    """JSON Schema: exactly one of ``op`` + ``threshold``, ``at_least`` or ``at_most``."""
    schema["required"] = [name for name in schema["required"] if name not in _LONGHAND]
    keys = (*_LONGHAND, *_SHORTHANDS)
    forms = (_LONGHAND, *((short,) for short in _SHORTHANDS))
    for key in _SHORTHANDS:
        # a number; null is only the default, a mapping that writes the key gives a number
        prop = schema["properties"][key]
        prop.update(prop.pop("anyOf")[0])
    schema["oneOf"] = [
        {"required": list(form), "properties": {k: False for k in keys if k not in form}}
        for form in forms
    ]


class MetricThreshold(Check):
    """A logged metric compared with a threshold; the first key found among ``metric`` and
    ``aliases`` is used.

    The threshold is written ``at_least: X``, ``at_most: X``, or ``op:`` with ``threshold:``;
    code reads ``op`` and ``threshold`` whichever form the mapping used.
    """

    model_config = ConfigDict(json_schema_extra=_threshold_forms)

    kind: Literal["metric_threshold"]
    metric: Identifier
    aliases: tuple[Identifier, ...] = ()
    op: Comparator
    threshold: float
    at_least: float | None = Field(
        default=None, description="shorthand for op '>=' with this threshold"
    )
    at_most: float | None = Field(
        default=None, description="shorthand for op '<=' with this threshold"
    )
    context: Identifier | None = Field(
        default=None, description="a dataset of this context must be logged with the run"
    )
    min_samples: int | None = Field(default=None, ge=1, description="smallest sample size judged")
    samples_key: Identifier | None = Field(
        default=None, description="where the sample size is: a metric key or 'param:<key>'"
    )
    recomputed: Identifier | None = Field(
        default=None,
        description="a measure riskcards recomputes from logged tables (e.g. calibration.ece); "
        "when available it is used instead of the logged metric",
    )
    roles: tuple[Role, ...] = Field(
        default=(),
        description="the evaluations (by dataset role) the metric may come from, best first; "
        "empty: test, then evaluation, then validation",
    )
    value_range: tuple[float, float] | None = Field(
        default=None,
        description="[low, high]: the values the metric can take (e.g. [0, 1]); a threshold "
        "outside it, here or in a project's override, is refused",
    )

    @model_validator(mode="before")
    @classmethod
    def _one_threshold_form(cls, data: Any) -> Any:
        """``at_least: X`` becomes ``op: '>='`` with ``threshold: X`` (``at_most``: ``'<='``)."""
        if not isinstance(data, dict):
            return data
        shorthands = [key for key in _SHORTHANDS if key in data]
        longhand = [key for key in _LONGHAND if key in data]
        if len(shorthands) > 1:
            raise ValueError(
                "at_least and at_most cannot both be given: a check has one threshold "
                "(write two checks to bound a metric on both sides)"
            )
        if shorthands and longhand:
            raise ValueError(
                f"both {shorthands[0]} and {'/'.join(longhand)} are given: write the threshold "
                f"one way, either '{shorthands[0]}: <number>' or 'op:' with 'threshold:'"
            )
        if not shorthands and not longhand:
            if set(data) - set(cls.model_fields):
                return data  # a misspelt key (at_lest): its own error says more
            raise ValueError(
                "no threshold: write 'at_least: <number>', 'at_most: <number>', "
                "or 'op:' with 'threshold:'"
            )
        if not shorthands:
            return data
        key = shorthands[0]
        if data[key] is None:
            raise ValueError(f"{key} is empty: give it a number")
        try:
            threshold = _FLOAT.validate_python(data[key])
        except ValidationError:
            # the field itself reports the bad value, at its own position in the file
            threshold = 0.0
        return {**data, "op": _SHORTHANDS[key], "threshold": threshold}

    @model_validator(mode="after")
    def _finite_threshold(self) -> MetricThreshold:
        if self.threshold != self.threshold or self.threshold in (float("inf"), float("-inf")):
            raise ValueError("threshold must be a finite number")
        if problem := self.range_problem(self.threshold):
            raise ValueError(problem)
        return self

    def range_problem(self, threshold: float) -> str | None:
        """Why ``threshold`` cannot be right for this metric, or None."""
        if self.value_range is None:
            return None
        low, high = self.value_range
        if not low <= threshold <= high:
            return f"threshold {threshold:g} is outside {self.metric}'s range [{low:g}, {high:g}]"
        return None


class DatasetLogged(Check):
    """A dataset was logged as a run input with this context (``training``, ...)."""

    kind: Literal["dataset_logged"]
    context: Identifier


class TextPresent(Check):
    """A human-written text is documented: the first non-empty of the listed sources.

    Sources are written ``tag:<key>``, ``param:<key>``, ``run:description``,
    ``model_version:description`` or ``registered_model:description``.
    """

    kind: Literal["text_present"]
    sources: tuple[Identifier, ...] = Field(min_length=1)
    min_length: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _known_sources(self) -> TextPresent:
        fixed = {"run:description", "model_version:description", "registered_model:description"}
        for src in self.sources:
            prefix, _, rest = src.partition(":")
            if src in fixed or (prefix in {"tag", "param", "model_version_tag"} and rest):
                continue
            raise ValueError(
                f"unknown source {src!r}; use tag:<key>, param:<key>, model_version_tag:<key>, "
                + ", ".join(sorted(fixed))
            )
        return self


class ArtifactPresent(Check):
    """An artifact whose path matches a glob was logged with the run."""

    kind: Literal["artifact_present"]
    pattern: Identifier


class SignaturePresent(Check):
    """The model behind the target was logged with a signature (its input schema)."""

    kind: Literal["signature_present"]


class ModelRegistered(Check):
    """The target is a registered model version (versioned, with a registry record)."""

    kind: Literal["model_registered"]


class GenaiPassRate(Check):
    """The pass rate of a GenAI scorer over the evaluation traces (the first of ``scorers``
    that judged any trace); human feedback on the same name is cited beside it."""

    kind: Literal["genai_pass_rate"]
    scorers: tuple[Identifier, ...] = Field(min_length=1)
    at_least: float = Field(ge=0, le=1, description="the smallest pass rate that passes")
    min_judged: int = Field(default=1, ge=1, description="fewest traces judged to decide")


class GenaiOutputPII(Check):
    """The share of evaluation responses in which riskcards' PII scanner found personal data."""

    kind: Literal["genai_output_pii"]
    at_most: float = Field(default=0.0, ge=0, le=1, description="the largest share that passes")


class GenaiHumanAgreement(Check):
    """How often human feedback agrees with the scorer of the same name on the same trace."""

    kind: Literal["genai_human_agreement"]
    at_least: float = Field(ge=0, le=1)
    min_pairs: int = Field(default=1, ge=1, description="fewest traces judged by both")


AnyCheck = Annotated[
    MetricThreshold
    | DatasetLogged
    | TextPresent
    | ArtifactPresent
    | ModelRegistered
    | SignaturePresent
    | GenaiPassRate
    | GenaiOutputPII
    | GenaiHumanAgreement,
    Field(discriminator="kind"),
]
"""A check of a built-in kind, as written in a mapping. Kinds registered later are accepted
too: at run time ``EvidenceMapping.checks`` holds a union of every registered class."""


class EvidenceMapping(Frozen):
    """Named checks; unique ids and known controls are checked by the loader (with positions)."""

    schema_version: Literal[1]
    id: Identifier
    title: Text
    checks: tuple[AnyCheck, ...] = Field(min_length=1)


# --- the registry of check models ---------------------------------------------------------

BUILTIN_CHECK_MODELS: tuple[type[Check], ...] = get_args(get_args(AnyCheck)[0])
_check_models: list[type[Check]] = list(BUILTIN_CHECK_MODELS)
CheckT = TypeVar("CheckT", bound=Check)


def check_models() -> tuple[type[Check], ...]:
    """Every check class a mapping may use, built-in first, in the order registered."""
    return tuple(_check_models)


def kind_of(model: type[Check]) -> str:
    """The ``kind`` a check class declares (its ``Literal`` tag)."""
    if not (isinstance(model, type) and issubclass(model, Check)):
        raise TypeError(f"{model!r} is not a subclass of riskcards.models.mapping.Check")
    field = model.model_fields["kind"].annotation
    tags = get_args(field) if get_origin(field) is Literal else ()
    if len(tags) != 1 or not isinstance(tags[0], str):
        raise TypeError(
            f"{model.__qualname__} must declare its kind as one literal text, "
            "e.g. kind: Literal['my_kind']"
        )
    return tags[0]


def register_check_model(model: type[CheckT]) -> type[CheckT]:
    """Let evidence mappings use ``model``; its ``kind`` must not be taken yet.

    Returns the class, so this also works as a class decorator.
    """
    kind = kind_of(model)
    for known in _check_models:
        if kind_of(known) == kind:
            raise ValueError(f"check kind {kind!r} is already registered by {known.__qualname__}")
    _check_models.append(model)
    _rebuild()
    return model


def unregister_check_model(model: type[Check]) -> None:
    """Forget a class registered with :func:`register_check_model`; built-ins stay."""
    if model in BUILTIN_CHECK_MODELS:
        raise ValueError(f"{model.__qualname__} is a built-in check kind; it cannot be removed")
    if model not in _check_models:
        raise ValueError(f"{model.__qualname__} is not a registered check kind")
    _check_models.remove(model)
    _rebuild()


@contextmanager
def registered_check_model(model: type[CheckT]) -> Iterator[type[CheckT]]:
    """Register ``model`` for the duration of a ``with`` block (tests, one-off scripts)."""
    register_check_model(model)
    try:
        yield model
    finally:
        unregister_check_model(model)


def _rebuild() -> None:
    """Point ``EvidenceMapping.checks`` at the union of the registered classes.

    (A model with an ``EvidenceMapping`` field would need rebuilding too; none has one.)
    """
    members: Any = _check_models[0]
    for model in _check_models[1:]:
        members = members | model
    union = Annotated[members, Field(discriminator="kind")]
    EvidenceMapping.model_fields["checks"].annotation = tuple[union, ...]
    EvidenceMapping.model_rebuild(force=True)
