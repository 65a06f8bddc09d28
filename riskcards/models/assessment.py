"""Results of assessing an evidence snapshot against catalogues through a mapping."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from riskcards.models.base import Frozen
from riskcards.models.evidence_task import TaskIdentity


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_EVIDENCED = "not_evidenced"
    INVALID = "invalid"
    NOT_APPLICABLE = "not_applicable"  # the check does not apply to the model's task


class ControlStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    GAP = "gap"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"
    WAIVED = "waived"


class Measure(Frozen):
    """A number riskcards recomputed from a logged table, with what it takes to recompute it."""

    key: str
    value: float
    table: str
    sha256: str | None
    rows: int
    detail: str


class EvidenceRef(Frozen):
    """One piece of evidence behind a result, precise enough to re-check by hand."""

    kind: str = Field(description="metric, param, tag, description, dataset, artifact, model")
    locator: str = Field(description="where it lives, e.g. 'runs:/<id> metric roc_auc step 0'")
    value: str | None = Field(default=None, description="the value as recorded, if any")
    digest: str | None = Field(default=None, description="dataset digest or artifact sha256")


class OverrideNote(Frozen):
    """A project override applied to a check: what changed, who decided, why."""

    original: str
    applied: str
    rationale: str
    owner: str


class Decision(Frozen):
    """A waiver or not-applicable declaration that set a control's status."""

    kind: str = Field(description="'waiver' or 'not_applicable'")
    approver: str
    reason: str
    expires: str | None = None
    ticket: str | None = None
    date: str | None = None


class CheckResult(Frozen):
    check_id: str
    title: str
    kind: str
    severity: str
    status: CheckStatus
    reason: str
    expected: str | None = None
    observed: str | None = None
    remediation: str | None = None
    evidence: tuple[EvidenceRef, ...] = ()
    override: OverrideNote | None = None
    owner: str | None = Field(default=None, description="who remediates a failure of this check")
    source: str = Field(default="mapping", description="'mapping' or 'attestation'")
    expires: str | None = Field(default=None, description="an attestation's expiry date")

    @property
    def failing(self) -> bool:
        """Judged and not passed. A check that does not apply to the model's task is neither
        passed nor failing: it names no owner, asks no remediation and blocks nothing."""
        return self.status not in (CheckStatus.PASS, CheckStatus.NOT_APPLICABLE)


class ControlResult(Frozen):
    catalogue_id: str
    control_id: str
    label: str
    groups: tuple[str, ...] = Field(description="ids of the groups above, outermost first")
    status: ControlStatus
    reason: str
    checks: tuple[CheckResult, ...] = ()
    via_crosswalk: tuple[str, ...] = Field(
        default=(), description="source controls when the status comes only through a crosswalk"
    )
    underlying: ControlStatus | None = Field(
        default=None, description="the status before a waiver or not-applicable declaration"
    )
    decision: Decision | None = None
    notes: tuple[str, ...] = Field(default=(), description="expired waivers, stale evidence, ...")
    blocking: bool = False
    required: bool = Field(default=False, description="the project's gate requires it assessed")
    expired_waiver: Decision | None = Field(
        default=None, description="a waiver of this control that has expired (it no longer counts)"
    )

    @property
    def inferred(self) -> bool:
        """The status comes only through a crosswalk (and no waiver or exclusion set it)."""
        decided = self.status in (ControlStatus.WAIVED, ControlStatus.NOT_APPLICABLE)
        return bool(self.via_crosswalk) and not decided

    @property
    def direct_status(self) -> ControlStatus:
        """The status on direct evidence: an inferred one is not assessed."""
        return ControlStatus.NOT_ASSESSED if self.inferred else self.status


class FrameworkAssessment(Frozen):
    catalogue_id: str
    catalogue_title: str
    catalogue_version: str
    controls: tuple[ControlResult, ...]

    def count(self, status: ControlStatus) -> int:
        return sum(1 for c in self.controls if c.status is status)

    @property
    def counts(self) -> dict[str, int]:
        return {s.value: self.count(s) for s in ControlStatus}

    @property
    def applicable(self) -> int:
        return len(self.controls) - self.count(ControlStatus.NOT_APPLICABLE)

    @property
    def assessed(self) -> int:
        """Applicable controls with evidence bound to them (directly or via a crosswalk)."""
        return self.applicable - self.count(ControlStatus.NOT_ASSESSED)

    @property
    def via_crosswalk(self) -> int:
        return sum(1 for c in self.controls if c.via_crosswalk)

    @property
    def coverage(self) -> float:
        """Share of applicable controls with at least one check bound (0..1)."""
        return self.assessed / self.applicable if self.applicable else 0.0

    @property
    def blocking(self) -> tuple[ControlResult, ...]:
        return tuple(c for c in self.controls if c.blocking)

    @property
    def direct_counts(self) -> dict[str, int]:
        """Controls by status on direct evidence (an inferred status counts as not assessed)."""
        statuses = [c.direct_status for c in self.controls]
        return {s.value: statuses.count(s) for s in ControlStatus}

    @property
    def direct_coverage(self) -> float:
        """Share of applicable controls directly evidenced (0..1)."""
        counts = self.direct_counts
        applicable = len(self.controls) - counts[ControlStatus.NOT_APPLICABLE.value]
        assessed = applicable - counts[ControlStatus.NOT_ASSESSED.value]
        return assessed / applicable if applicable else 0.0


class Assessment(Frozen):
    as_of: datetime
    mapping_id: str
    checks: tuple[CheckResult, ...]
    frameworks: tuple[FrameworkAssessment, ...]
    notes: tuple[str, ...] = Field(default=(), description="expired attestations and waivers, ...")
    strict: bool = False
    task: TaskIdentity = Field(
        default_factory=TaskIdentity, description="the model's task and where it came from"
    )

    @property
    def blocking(self) -> tuple[ControlResult, ...]:
        return tuple(c for fw in self.frameworks for c in fw.blocking)
