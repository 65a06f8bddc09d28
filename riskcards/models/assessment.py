"""Results of assessing an evidence snapshot against catalogues through a mapping."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field

from riskcards.models.base import Frozen


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_EVIDENCED = "not_evidenced"
    INVALID = "invalid"


class ControlStatus(str, Enum):
    MET = "met"
    PARTIAL = "partial"
    GAP = "gap"
    NOT_ASSESSED = "not_assessed"


class EvidenceRef(Frozen):
    """One piece of evidence behind a result, precise enough to re-check by hand."""

    kind: str = Field(description="metric, param, tag, description, dataset, artifact, model")
    locator: str = Field(description="where it lives, e.g. 'runs:/<id> metric roc_auc step 0'")
    value: str | None = Field(default=None, description="the value as recorded, if any")
    digest: str | None = Field(default=None, description="dataset digest or artifact sha256")


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


class ControlResult(Frozen):
    catalogue_id: str
    control_id: str
    label: str
    groups: tuple[str, ...] = Field(description="ids of the groups above, outermost first")
    status: ControlStatus
    reason: str
    checks: tuple[CheckResult, ...] = ()


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
    def assessed(self) -> int:
        return len(self.controls) - self.count(ControlStatus.NOT_ASSESSED)

    @property
    def coverage(self) -> float:
        """Share of controls with at least one check bound (0..1)."""
        return self.assessed / len(self.controls) if self.controls else 0.0


class Assessment(Frozen):
    as_of: datetime
    mapping_id: str
    checks: tuple[CheckResult, ...]
    frameworks: tuple[FrameworkAssessment, ...]
