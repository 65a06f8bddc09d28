"""The project file ``riskcards.yaml`` and human attestations (layer: models).

Paths in the project file are relative to the file itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from riskcards.models.base import Frozen, Identifier, Text
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


class Outputs(Frozen):
    pdf: bool = True


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


class ReleaseScope(Frozen):
    """Binds an attestation to the model version or dataset it was made for."""

    model: Identifier | None = None
    version: Identifier | None = None
    dataset_digest: Identifier | None = None


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

    overrides: tuple[ThresholdOverride, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    attestations: tuple[AttestationRecord, ...] = ()
    gate: Gate = Gate()
