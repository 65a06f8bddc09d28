"""The project file ``riskcards.yaml`` and human attestations (layer: models).

Paths in the project file are relative to the file itself.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from riskcards.models.base import Frozen, Identifier, Text
from riskcards.models.evidence_task import Role, Task
from riskcards.models.mapping import Comparator, Severity


class ThresholdOverride(Frozen):
    """A project's own threshold for a check, with who decided it and why."""

    check: Identifier
    threshold: float | None = None
    op: Comparator | None = None
    severity: Severity | None = None
    rationale: Text
    owner: Text

    @model_validator(mode="after")
    def _changes_something(self) -> ThresholdOverride:
        if self.threshold is None and self.op is None and self.severity is None:
            raise ValueError("an override must set threshold, op or severity")
        return self

    @field_validator("threshold")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("threshold must be a finite number (.inf or .nan disables a check)")
        return value


class NotApplicable(Frozen):
    """A control declared not applicable to this system, with the justification."""

    framework: Identifier
    control: Identifier
    justification: Text
    approver: Text
    date: dt.date | None = None


class Waiver(Frozen):
    """A gap accepted for a time: the control's gap is shown as waived until ``expires``."""

    framework: Identifier
    control: Identifier
    reason: Text
    approver: Text
    expires: dt.date
    ticket: Text | None = None


class Gate(Frozen):
    """What makes `riskcards check` fail (exit 1)."""

    blocking_severities: tuple[Severity, ...] = ("high", "critical")
    required: dict[Identifier, tuple[Identifier, ...]] = Field(
        default_factory=dict,
        description="framework -> controls that must be assessed (blocking with --strict)",
    )
    notice_days: int = Field(
        default=30,
        ge=0,
        description="documents list waivers and attestations that expire within this many days",
    )


class Outputs(Frozen):
    """What a release writes when the command line names no ``--format``."""

    pdf: bool = Field(default=True, description="write PDFs (false: the same as --no-pdf)")
    formats: tuple[Identifier, ...] = Field(
        default=(),
        description="output formats to write (html, pdf, json, md, junit, or a registered "
        "one); empty: the default set (html, pdf, json, md)",
    )


class ModelCardSidecar(Frozen):
    """Human-written model-card fields (Mitchell et al. 2019) that no metric can give.

    Each field wins over the MLflow tag of the same meaning; what neither gives is shown as
    "Not provided".
    """

    schema_version: Literal[1]
    overview: Text | None = None
    model_type: Text | None = None
    license: Text | None = None
    citation: Text | None = None
    contact: Text | None = None
    primary_intended_uses: Text | None = None
    primary_intended_users: Text | None = None
    out_of_scope_uses: Text | None = None
    relevant_factors: Text | None = None
    evaluation_factors: Text | None = None
    decision_thresholds: Text | None = None
    variation_approaches: Text | None = None
    evaluation_data: Text | None = None
    training_data: Text | None = None
    ethical_considerations: Text | None = None
    caveats: Text | None = None
    recommendations: Text | None = None


class DatasetSheetSidecar(Frozen):
    """Answers to the questions of Gebru et al., "Datasheets for Datasets", for one dataset."""

    schema_version: Literal[1]
    purpose: Text | None = None
    creators: Text | None = None
    funding: Text | None = None
    instances: Text | None = None
    labels: Text | None = None
    missing_information: Text | None = None
    sensitive_data: Text | None = None
    collection_process: Text | None = None
    collection_timeframe: Text | None = None
    consent: Text | None = None
    preprocessing: Text | None = None
    labelling: Text | None = None
    raw_data_kept: Text | None = None
    uses: Text | None = None
    uses_to_avoid: Text | None = None
    distribution: Text | None = None
    licence: Text | None = None
    maintainer: Text | None = None
    updates: Text | None = None


class AnalyticsSettings(Frozen):
    """Which logged tables riskcards recomputes measurements from, and which columns play which
    part. Without ``predictions``, every loaded table with the label and score columns is used.
    The defaults are the column names ``mlflow.models.evaluate`` and the demo use."""

    label: Identifier = "label"
    score: Identifier = "score"
    prediction: Identifier = "prediction"
    attributes: tuple[Identifier, ...] = Field(
        default=(), description="sensitive attributes to slice by"
    )
    perturbed_score: Identifier | None = "adversarial_score"
    perturbed_prediction: Identifier | None = None
    predictions: tuple[Identifier, ...] = ()
    reference_table: Identifier | None = Field(
        default=None, description="training sample (artifact path)"
    )
    current_table: Identifier | None = Field(
        default=None, description="evaluation sample (artifact path)"
    )
    sample_label: Identifier | None = Field(
        default="label", description="label column of the samples"
    )
    categorical: tuple[Identifier, ...] = ()
    n_bins: int = Field(default=10, ge=2, le=1000)
    min_slice_size: int = Field(default=30, ge=1)


class Risk(Frozen):
    """An entry of the AI risk assessment (ISO/IEC 42001 6.1.2) that controls answer."""

    id: Identifier
    title: Text
    owner: Text | None = None


class Treatment(Frozen):
    """An entry of the AI risk treatment plan (ISO/IEC 42001 6.1.3)."""

    id: Identifier
    title: Text
    owner: Text | None = None
    due: dt.date | None = None


Implementation = Literal["implemented", "partially_implemented", "planned", "not_implemented"]


class SoaControl(Frozen):
    """Why one control is in the Statement of Applicability, and how far it is implemented."""

    control: Identifier
    justification: Text | None = None
    implementation: Implementation | None = None
    target_date: dt.date | None = Field(default=None, description="when planned is due")
    owner: Text | None = None
    risks: tuple[Identifier, ...] = ()
    treatments: tuple[Identifier, ...] = ()

    @model_validator(mode="after")
    def _planned_has_a_date(self) -> SoaControl:
        if self.implementation == "planned" and self.target_date is None:
            raise ValueError("a planned control needs a target_date")
        return self


class SoaSection(Frozen):
    """The Statement of Applicability's document control, risks, treatments and controls."""

    framework: Identifier = "iso-iec-42001"
    id: Identifier
    version: Text
    scope: Text = Field(description="the AI management system's scope")
    approver: Text
    approved: dt.date | None = Field(default=None, description="approval date")
    risks: tuple[Risk, ...] = ()
    treatments: tuple[Treatment, ...] = ()
    controls: tuple[SoaControl, ...] = ()


class ProjectConfig(Frozen):
    schema_version: Literal[1]
    target: Text | None = None
    tracking_uri: Text | None = None
    frameworks: tuple[Identifier, ...] | None = Field(
        default=None, description="frameworks to report on (default: those the mapping binds)"
    )
    frameworks_dirs: tuple[Text, ...] = ()
    mapping: Text | None = None
    overrides: tuple[ThresholdOverride, ...] = ()
    attestations_dir: Text | None = None
    not_applicable: tuple[NotApplicable, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    gate: Gate = Gate()
    outputs: Outputs = Outputs()
    templates: Text | None = None
    owners: dict[Identifier, Text] = Field(
        default_factory=dict,
        description="check id -> who remediates its gaps ('default' for all others)",
    )
    analytics: AnalyticsSettings = AnalyticsSettings()
    model_card: Text | None = Field(default=None, description="path of the model-card sidecar YAML")
    dataset_sheets: dict[Identifier, Text] = Field(
        default_factory=dict, description="dataset name -> path of its datasheet sidecar YAML"
    )
    soa: SoaSection | None = Field(default=None, description="the Statement of Applicability")
    task: Task | None = Field(
        default=None, description="the model's task; wins over what riskcards determines"
    )
    dataset_roles: dict[Identifier, Role] = Field(
        default_factory=dict, description="dataset context name -> role (training, test...)"
    )


class ReleaseScope(Frozen):
    """Binds an attestation to what it was made for: when any of these changes, it is stale
    and no longer counts."""

    model: Identifier | None = None
    version: Identifier | None = None
    dataset_digest: Identifier | None = None
    git_commit: Identifier | None = Field(
        default=None, description="the code commit (the run's mlflow.source.git.commit)"
    )
    catalogue_versions: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="framework id -> the catalogue version attested"
    )


class Attestation(Frozen):
    """A person's signed statement that controls are in place, for what no metric can show."""

    schema_version: Literal[1]
    id: Identifier
    controls: dict[Identifier, tuple[Identifier, ...]] = Field(min_length=1)
    statement: Text
    attested_by: Text
    role: Text
    date: dt.date
    expires: dt.date | None = None
    link: Text | None = None
    scope: ReleaseScope | None = None

    @model_validator(mode="after")
    def _expires_after_date(self) -> Attestation:
        if self.expires is not None and self.expires <= self.date:
            raise ValueError("expires must be after date")
        return self


class AttestationRecord(Frozen):
    """An attestation as read from its file, with the file's name and sha256."""

    attestation: Attestation
    file: str
    sha256: str


class Decisions(Frozen):
    """What the project decided, as the (pure) assessment takes it into account."""

    owners: dict[str, str] = Field(default_factory=dict)
    overrides: tuple[ThresholdOverride, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    attestations: tuple[AttestationRecord, ...] = ()
    gate: Gate = Gate()
    task: Task | None = Field(default=None, description="the task the project file declares")


class Sidecars(Frozen):
    """The human-written document fields of a project, validated."""

    model_card: ModelCardSidecar | None = None
    dataset_sheets: dict[str, DatasetSheetSidecar] = Field(default_factory=dict)
    soa: SoaSection | None = None
