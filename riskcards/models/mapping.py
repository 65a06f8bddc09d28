"""Evidence mappings: named checks, each bound to the controls it evidences."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from riskcards.models.base import Frozen, Identifier, Text

Comparator = Literal[">=", ">", "<=", "<", "=="]
Severity = Literal["low", "medium", "high", "critical"]


class _CheckBase(Frozen):
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


class MetricThreshold(_CheckBase):
    """A logged metric compared with a threshold; the first key found among ``metric`` and
    ``aliases`` is used."""

    kind: Literal["metric_threshold"]
    metric: Identifier
    aliases: tuple[Identifier, ...] = ()
    op: Comparator
    threshold: float
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

    @model_validator(mode="after")
    def _finite_threshold(self) -> MetricThreshold:
        if self.threshold != self.threshold or self.threshold in (float("inf"), float("-inf")):
            raise ValueError("threshold must be a finite number")
        return self


class DatasetLogged(_CheckBase):
    """A dataset was logged as a run input with this context (``training``, ...)."""

    kind: Literal["dataset_logged"]
    context: Identifier


class TextPresent(_CheckBase):
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


class ArtifactPresent(_CheckBase):
    """An artifact whose path matches a glob was logged with the run."""

    kind: Literal["artifact_present"]
    pattern: Identifier


class SignaturePresent(_CheckBase):
    """The model behind the target was logged with a signature (its input schema)."""

    kind: Literal["signature_present"]


class ModelRegistered(_CheckBase):
    """The target is a registered model version (versioned, with a registry record)."""

    kind: Literal["model_registered"]


Check = Annotated[
    MetricThreshold
    | DatasetLogged
    | TextPresent
    | ArtifactPresent
    | ModelRegistered
    | SignaturePresent,
    Field(discriminator="kind"),
]


class EvidenceMapping(Frozen):
    """Named checks; unique ids and known controls are checked by the loader (with positions)."""

    schema_version: Literal[1]
    id: Identifier
    title: Text
    checks: tuple[Check, ...] = Field(min_length=1)
