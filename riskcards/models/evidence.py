"""The evidence snapshot: everything collected from MLflow about one model version.

A snapshot is self-contained and saveable as JSON (``evidence.json``): rendering from it
needs no tracking server, so an auditor can re-run the release offline.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from pydantic import Field

from riskcards.models.base import Frozen

EVIDENCE_SCHEMA_VERSION = 1


class Target(Frozen):
    """What was asked for (``uri``) and what it resolved to."""

    uri: str
    kind: Literal["run", "model_version"]
    run_id: str
    model_name: str | None = None
    model_version: str | None = None
    alias: str | None = None

    @property
    def display(self) -> str:
        if self.model_name and self.model_version:
            return f"{self.model_name} v{self.model_version}"
        return f"run {self.run_id}"


class MetricValue(Frozen):
    """The latest value of one metric of the run."""

    key: str
    value: float
    step: int = 0
    timestamp: datetime | None = None

    @property
    def is_finite(self) -> bool:
        return math.isfinite(self.value)


class DatasetInput(Frozen):
    """A dataset logged as an input of the run with ``mlflow.log_input``."""

    name: str
    digest: str
    source_type: str
    source: str = Field(description="the source as MLflow serialised it (usually JSON)")
    dataset_schema: str | None = Field(default=None, description="the dataset schema, JSON")
    profile: str | None = Field(default=None, description="the dataset profile, JSON")
    context: str | None = Field(default=None, description="'training', 'evaluation', ...")
    tags: dict[str, str] = Field(default_factory=dict)


class ArtifactInfo(Frozen):
    path: str
    is_dir: bool = False
    size: int | None = None


class RunEvidence(Frozen):
    run_id: str
    run_name: str | None = None
    experiment_id: str
    experiment_name: str | None = None
    status: str
    user: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    description: str | None = Field(default=None, description="the run's mlflow.note.content")
    metrics: tuple[MetricValue, ...] = ()
    params: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict, description="user tags (no mlflow.*)")
    system_tags: dict[str, str] = Field(default_factory=dict, description="mlflow.* tags")
    datasets: tuple[DatasetInput, ...] = ()
    artifacts: tuple[ArtifactInfo, ...] = ()

    def metric(self, key: str) -> MetricValue | None:
        for m in self.metrics:
            if m.key == key:
                return m
        return None


class ModelVersionEvidence(Frozen):
    """A registered model version with what the registry says about it."""

    name: str
    version: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    source: str | None = None
    run_id: str | None = None
    status: str | None = None
    created: datetime | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    registered_model_description: str | None = None
    registered_model_tags: dict[str, str] = Field(default_factory=dict)
    registered_model_aliases: dict[str, str] = Field(
        default_factory=dict, description="every alias of the registered model -> version"
    )


class Provenance(Frozen):
    """Where and when the evidence was collected."""

    tracking_uri: str = Field(description="with any credentials removed")
    mlflow_version: str
    riskcards_version: str
    collected_at: datetime


class EvidenceSnapshot(Frozen):
    schema_version: Literal[1] = EVIDENCE_SCHEMA_VERSION
    target: Target
    run: RunEvidence
    model_version: ModelVersionEvidence | None = None
    provenance: Provenance

    @property
    def model_name(self) -> str:
        if self.model_version is not None:
            return self.model_version.name
        return self.run.run_name or self.run.run_id
