"""The evidence snapshot: everything collected from MLflow about one model version (layer: models).

A snapshot is self-contained and saveable as JSON (``evidence.json``): rendering from it
needs no tracking server, so an auditor can re-run the release offline. It holds the values
(metrics, params, tags, descriptions, datasets, the model signature), the content of the
evaluation tables the team logged (with the sha256 of the bytes as fetched), and the
provenance of the collection (where, when, which versions, which queries).

``EvidenceSnapshot.model_validate_json(s.model_dump_json())`` gives back an equal snapshot,
and dumping it again gives the same bytes. NaN and infinite metric values are kept (written
as ``"NaN"``, ``"Infinity"``) and flagged ``valid: false``.

Schema versions: 1 (riskcards 0.1) had no tables, logged models, history or query counts;
a version 1 file still loads and is upgraded in memory (every new field takes its default).
Fields added within version 2, all with defaults (older version 2 files load unchanged):
dataset roles (derived from the context when absent), an evaluation's evaluator, model and
role, the run's parent and children, the target's logged model id and resolution, the
GenAI evidence (``genai``).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, PrivateAttr, computed_field, model_validator

from riskcards.models.base import Frozen
from riskcards.models.evidence_genai import GenaiEvidence
from riskcards.models.evidence_task import Role, role_of_context

EVIDENCE_SCHEMA_VERSION: Literal[2] = 2
_READABLE_SCHEMA_VERSIONS = (1, 2)

# What `mlflow.models.evaluate` logs with its default evaluator (MLflow 2.x and 3.x), so a
# team that already evaluates with it needs no riskcards-specific logging. Every name may carry
# the `metric_prefix` of the evaluator config. Per model type, the metrics that evaluate
# always logs come first (all of them must be present to recognise a run of evaluate).
EVALUATE_CORE_METRICS: dict[str, tuple[str, ...]] = {
    "classifier": (
        "example_count",
        "accuracy_score",
        "recall_score",
        "precision_score",
        "f1_score",
    ),
    "regressor": (
        "example_count",
        "mean_absolute_error",
        "mean_squared_error",
        "root_mean_squared_error",
        "r2_score",
    ),
}
EVALUATE_DEFAULT_METRICS: dict[str, tuple[str, ...]] = {
    "classifier": (
        *EVALUATE_CORE_METRICS["classifier"],
        "log_loss",
        "roc_auc",
        "precision_recall_auc",
        "true_negatives",
        "false_positives",
        "false_negatives",
        "true_positives",
        "score",
    ),
    "regressor": (
        *EVALUATE_CORE_METRICS["regressor"],
        "sum_on_target",
        "mean_on_target",
        "max_error",
        "mean_absolute_percentage_error",
        "score",
    ),
}
# artifact file (at the root of the run's artifacts, after the prefix) -> what it shows
EVALUATE_DEFAULT_ARTIFACTS: dict[str, str] = {
    "confusion_matrix.png": "normalised confusion matrix",
    "roc_curve_plot.png": "ROC curve",
    "precision_recall_curve_plot.png": "precision-recall curve",
    "lift_curve_plot.png": "lift curve",
    "calibration_curve_plot.png": "calibration (reliability) curve",
    "per_class_metrics.csv": "per-class metrics of a multiclass classifier",
    "eval_results_table.json": "per-row evaluation results",
    "shap_beeswarm_plot.png": "SHAP beeswarm plot",
    "shap_summary_plot.png": "SHAP summary plot",
    "shap_feature_importance_plot.png": "SHAP feature importance",
}


class Target(Frozen):
    """What was asked for (``uri``) and what it resolved to."""

    uri: str
    kind: Literal["run", "model_version", "logged_model"]
    run_id: str
    model_name: str | None = None
    model_version: str | None = None
    alias: str | None = None
    model_id: str | None = Field(default=None, description="models:/m-<id>: the logged model")
    resolved: str | None = Field(
        default=None, description="how the target was resolved, e.g. 'latest: highest version 3'"
    )

    @property
    def display(self) -> str:
        if self.model_name and self.model_version:
            return f"{self.model_name} v{self.model_version}"
        return f"run {self.run_id}"


class MetricPoint(Frozen):
    """One logged value of a metric (an entry of its history)."""

    value: float
    step: int = 0
    timestamp: datetime | None = None


class MetricValue(Frozen):
    """The latest value of one metric (highest step, then latest time), as MLflow reports it.

    ``valid`` is false for NaN and infinite values: they are kept as logged, flagged as
    invalid evidence, and can never satisfy a threshold.
    """

    key: str
    value: float
    step: int = 0
    timestamp: datetime | None = None
    dataset_name: str | None = Field(
        default=None, description="the dataset the value was computed on (MLflow 3 model metrics)"
    )
    dataset_digest: str | None = None
    history: tuple[MetricPoint, ...] | None = Field(
        default=None,
        description="every logged value in MLflow's order; None when history was not collected",
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: Any) -> Any:
        # `valid` is derived from `value`; a saved snapshot carries it for readers of the JSON
        if isinstance(data, dict) and "valid" in data:
            return {k: v for k, v in data.items() if k != "valid"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def valid(self) -> bool:
        return math.isfinite(self.value)

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
    role: Role | None = Field(
        default=None,
        description="training, validation, evaluation or test: from the context (MLflow's "
        "names), evaluate's metric prefix or dataset record, or the project's dataset_roles",
    )

    @model_validator(mode="before")
    @classmethod
    def _role_from_context(cls, data: Any) -> Any:
        # snapshots written before roles existed: the role MLflow's context name gives
        if isinstance(data, dict) and "role" not in data:
            return {**data, "role": role_of_context(data.get("context"))}
        return data


class ArtifactInfo(Frozen):
    """One entry of an artifact listing; ``size`` in bytes as the store reports it."""

    path: str
    is_dir: bool = False
    size: int | None = None


class ReadMemo:
    """What a text was read into, kept beside it so that the next stage need not read it
    again. Takes no part in equality or hashing: two tables with the same fields are equal
    whether or not one of them still holds what it was read into."""

    __slots__ = ("_of", "_value")

    def __init__(self, of: str | None = None, value: object = None) -> None:
        self._of, self._value = of, value

    def take(self, of: str | None) -> object | None:
        """The value if it was read from ``of`` itself (not an equal copy), once."""
        if of is None or self._of is not of:
            return None
        value, self._value, self._of = self._value, None, None
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReadMemo)

    def __hash__(self) -> int:
        return 0


class TableArtifact(Frozen):
    """An evaluation table among the run's artifacts (JSON, CSV or parquet), with its content.

    Fetched tables are hashed with sha256 at fetch time. JSON and CSV content is the file
    itself as UTF-8 text: ``sha256(content.encode("utf-8"))`` is ``sha256``. Parquet content is
    converted to the JSON form ``mlflow.log_table`` writes (``{"columns": [...], "data":
    [[...]]}``); its ``sha256`` is still that of the parquet file. ``content_format`` says how
    to read ``content``. A table over the size cap is recorded as ``too_large``, not loaded.
    """

    path: str
    format: Literal["json", "csv", "parquet"]
    status: Literal["loaded", "too_large", "unsupported", "unreadable"]
    size: int | None = Field(default=None, description="bytes: as fetched, else as listed")
    sha256: str | None = Field(default=None, description="of the bytes as fetched")
    content: str | None = None
    detail: str | None = Field(default=None, description="why the table was not loaded")
    _read: ReadMemo = PrivateAttr(default_factory=ReadMemo)

    @property
    def content_format(self) -> Literal["json", "csv"]:
        """The format of ``content``: parquet tables are kept as JSON."""
        return "csv" if self.format == "csv" else "json"

    def remembering(self, read: object) -> TableArtifact:
        """This table, keeping what collection read its ``content`` into (issue 18: a table
        is decoded once per release), for analysis to take; never serialised."""
        self._read = ReadMemo(self.content, read)
        return self

    def take_read(self) -> object | None:
        """What :meth:`remembering` kept, if it was read from this very ``content``; given
        once, then let go (analysis keeps its own copy for the rest of its call)."""
        return self._read.take(self.content)


AUTOLOG_EVALUATOR = "sklearn autolog"  # post-training metrics of mlflow.sklearn.autolog()


class MlflowEvaluation(Frozen):
    """A run of ``mlflow.models.evaluate`` (default evaluator), recognised by what it logged."""

    model_type: Literal["classifier", "regressor"]
    metric_prefix: str = ""
    metrics: tuple[str, ...] = Field(default=(), description="the metric keys it logged")
    keys: dict[str, str] = Field(
        default_factory=dict,
        description="canonical metric name -> the key logged, where that is not the prefix "
        "and the name (autolog's post-training metrics: r2_score -> Ridge_score_X_test)",
    )
    artifacts: tuple[str, ...] = Field(default=(), description="the artifact paths it logged")
    dataset_name: str | None = Field(default=None, description="the dataset it evaluated on")
    dataset_digest: str | None = None
    evaluator: str = Field(default="default", description="the evaluator that logged it")
    model: str | None = Field(default=None, description="the model evaluated (URI or model id)")
    role: Role | None = Field(
        default=None, description="from the metric prefix (val_, test_...) or the dataset's role"
    )

    def key_for(self, name: str) -> str:
        """The metric key under which this evaluation logged the metric ``name``."""
        return self.keys.get(name, self.metric_prefix + name)

    @property
    def label(self) -> str:
        """``evaluation 'test_' (test, on dataset X)``: how reports name it."""
        if self.evaluator == AUTOLOG_EVALUATOR:
            return f"{self.evaluator} post-training metrics on `{self.dataset_name}` ({self.role})"
        prefix = f"'{self.metric_prefix}'" if self.metric_prefix else "without prefix"
        parts = [p for p in (self.role, self.dataset_name and f"dataset {self.dataset_name}") if p]
        return f"evaluate() {prefix}" + (f" ({', '.join(parts)})" if parts else "")


class ChildRun(Frozen):
    """A run nested under the collected one (``mlflow.parentRunId``), with its metrics."""

    run_id: str
    run_name: str | None = None
    status: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict, description="latest values, by key")


class RunEvidence(Frozen):
    run_id: str
    run_name: str | None = None
    experiment_id: str
    experiment_name: str | None = None
    status: str
    lifecycle_stage: str | None = Field(default=None, description="'active' or 'deleted'")
    user: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    description: str | None = Field(default=None, description="the run's mlflow.note.content")
    artifact_uri: str | None = Field(default=None, description="with any credentials removed")
    metrics: tuple[MetricValue, ...] = ()
    params: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict, description="user tags (no mlflow.*)")
    system_tags: dict[str, str] = Field(default_factory=dict, description="mlflow.* tags")
    datasets: tuple[DatasetInput, ...] = ()
    model_inputs: tuple[str, ...] = Field(default=(), description="ids of models the run used")
    model_outputs: tuple[str, ...] = Field(default=(), description="ids of models it logged")
    artifacts: tuple[ArtifactInfo, ...] = ()
    tables: tuple[TableArtifact, ...] = ()
    evaluations: tuple[MlflowEvaluation, ...] = ()
    parent_run_id: str | None = Field(default=None, description="mlflow.parentRunId")
    parent_run_name: str | None = None
    children: tuple[ChildRun, ...] = Field(default=(), description="runs nested under this one")

    def metric(self, key: str) -> MetricValue | None:
        for m in self.metrics:
            if m.key == key:
                return m
        return None

    def table(self, path: str) -> TableArtifact | None:
        for t in self.tables:
            if t.path == path:
                return t
        return None


class ModelSignature(Frozen):
    """The model signature as the MLmodel file stores it (each part JSON text)."""

    inputs: str | None = None
    outputs: str | None = None
    params: str | None = None


class LoggedModelEvidence(Frozen):
    """The model itself as MLflow logged it.

    Either an MLflow 3 LoggedModel (``uri`` ``models:/m-...``, with its own params, tags and
    metrics linked to datasets) or, for MLflow 2 style models, a model folder among the run's
    artifacts (``uri`` ``runs:/<run_id>/<path>``, ``model_id`` None).
    """

    uri: str
    model_id: str | None = None
    name: str | None = None
    model_type: str | None = None
    source_run_id: str | None = None
    status: str | None = None
    created: datetime | None = None
    artifact_location: str | None = Field(default=None, description="credentials removed")
    tags: dict[str, str] = Field(default_factory=dict)
    params: dict[str, str] = Field(default_factory=dict)
    metrics: tuple[MetricValue, ...] = ()
    flavors: tuple[str, ...] = ()
    signature: ModelSignature | None = None
    mlmodel_sha256: str | None = Field(default=None, description="of the MLmodel file fetched")
    artifacts: tuple[ArtifactInfo, ...] = ()


class ModelVersionEvidence(Frozen):
    """A registered model version with what the registry says about it."""

    name: str
    version: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    source: str | None = None
    run_id: str | None = None
    model_id: str | None = Field(default=None, description="the LoggedModel behind it (MLflow 3)")
    status: str | None = None
    user: str | None = None
    created: datetime | None = None
    last_updated: datetime | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    registered_model_description: str | None = None
    registered_model_tags: dict[str, str] = Field(default_factory=dict)
    registered_model_aliases: dict[str, str] = Field(
        default_factory=dict, description="every alias of the registered model -> version"
    )


class Provenance(Frozen):
    """Where, when and how the evidence was collected."""

    tracking_uri: str = Field(description="with any credentials removed")
    mlflow_version: str = Field(description="the MLflow client library that collected it")
    riskcards_version: str
    collected_at: datetime
    mlflow_server_version: str | None = Field(
        default=None,
        description="the tracking server's /version; 'local' when the client read the store "
        "itself (sqlite, file, database); None when the server did not say",
    )
    duration_seconds: float | None = None
    deadline_seconds: float | None = None
    history: bool = Field(default=False, description="whether full metric histories were read")
    max_table_bytes: int | None = Field(
        default=None, description="the size cap for tables; None when tables were not fetched"
    )
    queries: dict[str, int] = Field(
        default_factory=dict, description="operation (MLflow REST endpoint) -> calls made"
    )
    retries: int = Field(default=0, description="calls repeated after a transient failure")
    counts: dict[str, int] = Field(default_factory=dict, description="what was collected")
    auth: Literal["none", "basic", "token"] | None = Field(
        default=None, description="how riskcards authenticated to the server; None: a local store"
    )
    tls_verified: bool | None = Field(
        default=None,
        description="whether the server's TLS certificate was verified (False over plain HTTP "
        "or with MLFLOW_TRACKING_INSECURE_TLS); None: a local store",
    )


class EvidenceSnapshot(Frozen):
    schema_version: Literal[2] = EVIDENCE_SCHEMA_VERSION
    target: Target
    run: RunEvidence
    model_version: ModelVersionEvidence | None = None
    logged_models: tuple[LoggedModelEvidence, ...] = ()
    genai: GenaiEvidence | None = Field(
        default=None, description="a GenAI evaluation: scorers, traces, feedback, prompts"
    )
    warnings: tuple[str, ...] = Field(
        default=(), description="what the collection noticed: invalid metrics, tables too large"
    )
    provenance: Provenance

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        # version 1 differs only by fields added since, all with defaults
        if isinstance(data, dict) and data.get("schema_version") in _READABLE_SCHEMA_VERSIONS:
            return {**data, "schema_version": EVIDENCE_SCHEMA_VERSION}
        return data

    def with_dataset_roles(self, roles: dict[str, str]) -> EvidenceSnapshot:
        """The snapshot with the project's ``dataset_roles`` (context -> role) applied to its
        datasets and evaluations (an evaluation's context is its metric prefix)."""
        if not roles:
            return self
        run = self.run
        datasets = tuple(
            d.model_copy(update={"role": role_of_context(d.context, roles)})
            if d.context in roles
            else d
            for d in run.datasets
        )
        evaluations = tuple(
            e.model_copy(update={"role": role_of_context(e.metric_prefix, roles)})
            if e.metric_prefix in roles
            else e
            for e in run.evaluations
        )
        run = run.model_copy(update={"datasets": datasets, "evaluations": evaluations})
        return self.model_copy(update={"run": run})

    @property
    def model_name(self) -> str:
        if self.model_version is not None:
            return self.model_version.name
        return self.run.run_name or self.run.run_id

    @property
    def model(self) -> LoggedModelEvidence | None:
        """The logged model behind the target: the one it names, the version's, else the
        run's only one."""
        if self.target.model_id:
            return next((m for m in self.logged_models if m.model_id == self.target.model_id), None)
        if self.model_version is not None:
            for lm in self.logged_models:
                if lm.model_id and lm.model_id == self.model_version.model_id:
                    return lm
                if self.model_version.source and lm.uri == self.model_version.source:
                    return lm
        if len(self.logged_models) == 1:
            return self.logged_models[0]
        # several (autolog's and log_model's): the one the run evaluated, when only one was
        evaluated = [m for m in self.logged_models if m.model_id in self.run.model_inputs]
        return evaluated[0] if len(evaluated) == 1 else None
