"""The model card view, ``card`` in ``model_card.html.j2`` (layer: render): pure, no I/O.

The sections of Mitchell et al., "Model Cards for Model Reporting" (2019), filled from the
evidence: each human-written text comes from the model-card sidecar, else from an MLflow
tag, else from a documented fallback, else is None ("Not provided").
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from riskcards.models.analysis import Analysis, AnalysisFailure, TableQuality
from riskcards.models.assessment import Assessment, Measure
from riskcards.models.base import Frozen, fmt_number
from riskcards.models.evidence import (
    DatasetInput,
    EvidenceSnapshot,
    MetricValue,
    Provenance,
    RunEvidence,
)
from riskcards.models.project import ModelCardSidecar
from riskcards.render.paths import dataset_sheet_paths
from riskcards.render.views.common import Chart, FrameworkStatus, Prose, Row, framework_status
from riskcards.render.views.decision import GateDecision
from riskcards.render.views.figures import analysis_charts, coverage_charts
from riskcards.render.views.model_identity import Identity, build_identity, model_type_of
from riskcards.render.views.text import store_label

_SLICE = re.compile(r"^slice/(?P<attr>[^/]+)/(?P<value>[^/]+)/(?P<metric>.+)$")
_DAY, _TIME = "%Y-%m-%d", "%Y-%m-%d %H:%M:%S UTC"


class Judged(Frozen):
    """How a check judged a logged metric: threshold, verdict, the value riskcards recomputed."""

    check_id: str
    threshold: str | None
    verdict: str
    recomputed: str | None


class MetricRow(Frozen):
    key: str
    value: str
    step: int
    valid: bool
    steps: int | None = Field(default=None, description="logged values, when history was read")
    judged: Judged | None = Field(default=None, description="the check that judges this metric")


class SliceRow(Frozen):
    attribute: str
    value: str
    metrics: dict[str, str]


class DatasetRef(Frozen):
    """One dataset's identity: the identifiers MLflow and riskcards give it, tied together."""

    name: str
    context: str | None = Field(description="role: training, evaluation, ...")
    digest: str = Field(description="MLflow's dataset digest (a hash of the first rows)")
    role: str | None = Field(default=None, description="training, validation, evaluation, test")
    source_type: str
    sheet: str = Field(description="relative path of its dataset sheet in the bundle")
    source_uri: str | None = Field(default=None, description="the source URI, as text")
    rows: int | None = Field(default=None, description="rows, from MLflow's dataset profile")
    columns: int | None = Field(default=None, description="columns, from the logged schema")
    table: str | None = Field(default=None, description="the table riskcards read for this role")
    sha256: str | None = Field(default=None, description="sha256 of that table's bytes (full)")
    table_rows: int | None = Field(default=None, description="rows riskcards read from it")


class ModelCard(Frozen):
    """The sections of Mitchell et al., "Model Cards for Model Reporting" (2019), after the
    release decision. Sections other stages add (model identity, ...) slot in by name."""

    decision: GateDecision | None = Field(default=None, description="first: the gate's verdict")
    details: tuple[Row, ...]
    overview: Prose
    intended_uses: Prose
    intended_users: Prose
    out_of_scope_uses: Prose
    relevant_factors: Prose
    evaluation_factors: Prose
    decision_thresholds: Prose
    variation_approaches: Prose
    evaluation_data_notes: Prose
    training_data_notes: Prose
    performance: tuple[MetricRow, ...]
    metric_groups: dict[str, tuple[MetricRow, ...]]
    # the body's share of the two above (all rows a check judges, the first others); the
    # full lists go to the HTML appendix, the Hugging Face card and evidence.json
    performance_body: tuple[MetricRow, ...] = ()
    metric_groups_body: dict[str, tuple[MetricRow, ...]] = Field(default_factory=dict)
    metrics_in_appendix: int = Field(default=0, description="metrics left out of the body")
    body_metrics: int = Field(default=0, description="unjudged metrics the body shows per group")
    slice_attributes: dict[str, tuple[SliceRow, ...]]
    slice_metric_names: tuple[str, ...]
    training_data: tuple[DatasetRef, ...]
    evaluation_data: tuple[DatasetRef, ...]
    other_data: tuple[DatasetRef, ...]
    ethical_considerations: Prose
    caveats: Prose
    recommendations: Prose
    governance: tuple[FrameworkStatus, ...]
    provenance: tuple[Row, ...]
    params: tuple[Row, ...]
    tags: tuple[Row, ...]
    charts: tuple[Chart, ...] = Field(default=(), description="reliability, slices, drift")
    recomputed: tuple[Measure, ...] = Field(
        default=(), description="measures riskcards recomputed from the logged tables"
    )
    analysis_failures: tuple[str, ...] = Field(
        default=(), description="tables that could not be analysed, and why"
    )
    coverage_charts: tuple[Chart, ...] = Field(default=(), description="one per framework")
    identity: Identity | None = Field(default=None, description="task, type, runs, datasets")
    rejected_tables: tuple[Row, ...] = Field(
        default=(),
        description="logged tables riskcards did not read (over the size cap, unreadable, "
        "nested too deep), each with the reason",
    )


def judged_metrics(assessment: Assessment) -> dict[str, Judged]:
    """metric key -> the first check (by id) that judges it, from the checks' evidence."""
    found: dict[str, Judged] = {}
    for c in sorted(assessment.checks, key=lambda c: c.check_id):
        metric = next((r for r in c.evidence if r.kind == "metric"), None)
        if metric is None or " metric " not in metric.locator:
            continue
        key = metric.locator.split(" metric ", 1)[1].rsplit(" (step", 1)[0]
        found.setdefault(
            key,
            Judged(
                check_id=c.check_id,
                threshold=c.expected,
                verdict=c.status.value,
                recomputed=next((r.value for r in c.evidence if r.kind == "recomputed"), None),
            ),
        )
    return found


BODY_METRICS = 12  # metrics a table of the body shows per group, besides those checks judge


def _body_rows(rows: Sequence[MetricRow]) -> tuple[MetricRow, ...]:
    """The rows a check judges, and the first ``BODY_METRICS`` others, in their order."""
    others = 0
    shown = []
    for row in rows:
        if row.judged is None:
            others += 1
            if others > BODY_METRICS:
                continue
        shown.append(row)
    return tuple(shown)


def _metric_row(m: MetricValue, judged: dict[str, Judged] | None = None) -> MetricRow:
    return MetricRow(
        key=m.key,
        value=fmt_number(m.value),
        step=m.step,
        valid=m.is_finite,
        steps=len(m.history) if m.history else None,
        judged=(judged or {}).get(m.key),
    )


def _json_field(text: str | None, *keys: str) -> object:
    """A top-level field of a JSON object logged by MLflow, or None."""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    for key in keys:
        if isinstance(data, dict) and data.get(key) is not None:
            return data[key]
    return None


def _columns(schema: str | None) -> int | None:
    spec = _json_field(schema, "mlflow_colspec", "mlflow_tensorspec")
    return len(spec) if isinstance(spec, list) else None


_HELD_OUT = ("validation", "evaluation", "test")


def _read_table(ds: DatasetInput, analysis: Analysis | None) -> TableQuality | None:
    """The sample riskcards read for this dataset's role (training: reference, held out:
    current), if it read one."""
    d = analysis.datasets if analysis else None
    if d is None:
        return None
    role = "evaluation" if ds.role in _HELD_OUT else ds.role
    return {"training": d.reference, "evaluation": d.current}.get(role or "")


def _dataset_ref(ds: DatasetInput, sheet: str, analysis: Analysis | None = None) -> DatasetRef:
    rows = _json_field(ds.profile, "num_rows")
    uri = _json_field(ds.source, "uri", "url", "path", "table_name")
    read = _read_table(ds, analysis)
    table_rows = None
    if read is not None and not isinstance(read.missingness, AnalysisFailure):
        table_rows = read.missingness.rows
    return DatasetRef(
        name=ds.name,
        context=ds.context,
        role=ds.role,
        digest=ds.digest,
        source_type=ds.source_type,
        sheet=sheet,
        source_uri=str(uri) if uri is not None else None,
        rows=rows if isinstance(rows, int) else None,
        columns=_columns(ds.dataset_schema),
        table=read.source.table if read else None,
        sha256=read.source.sha256 if read else None,
        table_rows=table_rows,
    )


@dataclass
class _Metrics:
    """The run's metrics sorted into the card's tables."""

    performance: list[MetricRow] = field(default_factory=list)
    groups: dict[str, list[MetricRow]] = field(default_factory=dict)
    # attribute -> value -> metric -> formatted number
    slices: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    slice_metrics: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, run: RunEvidence, judged: dict[str, Judged] | None = None) -> _Metrics:
        """``slice/<attr>/<value>/<metric>`` pivots, ``<group>/<name>`` groups, the rest."""
        found = cls()
        for m in run.metrics:
            if match := _SLICE.match(m.key):
                attr, value, name = match["attr"], match["value"], match["metric"]
                found.slices.setdefault(attr, {}).setdefault(value, {})[name] = fmt_number(m.value)
                if name not in found.slice_metrics:
                    found.slice_metrics.append(name)
            elif "/" in m.key:
                found.groups.setdefault(m.key.split("/", 1)[0], []).append(_metric_row(m, judged))
            else:
                found.performance.append(_metric_row(m, judged))
        return found

    def slice_attributes(self) -> dict[str, tuple[SliceRow, ...]]:
        return {
            attr: tuple(
                SliceRow(attribute=attr, value=v, metrics=ms) for v, ms in sorted(values.items())
            )
            for attr, values in sorted(self.slices.items())
        }


def _metrics_body(metrics: _Metrics) -> dict[str, Any]:
    """The body's metric tables, bounded (issue 18: 2,000 metrics once made 63 pages)."""
    body = _body_rows(metrics.performance)
    groups = {k: _body_rows(v) for k, v in sorted(metrics.groups.items())}
    shown = len(body) + sum(map(len, groups.values()))
    total = len(metrics.performance) + sum(map(len, metrics.groups.values()))
    return {
        "performance_body": body,
        "metric_groups_body": groups,
        "metrics_in_appendix": total - shown,
        "body_metrics": BODY_METRICS,
    }


@dataclass(frozen=True)
class _Texts:
    """Where the card's human-written texts come from: the sidecar, then MLflow tags."""

    ev: EvidenceSnapshot
    sidecar: ModelCardSidecar | None

    def tag(self, key: str) -> str | None:
        """A run tag, else a model version tag, stripped; None when blank."""
        mv_tags = self.ev.model_version.tags if self.ev.model_version else {}
        value = self.ev.run.tags.get(key) or mv_tags.get(key)
        return value.strip() if value and value.strip() else None

    def __call__(
        self, field: str, *tags: str, fallback: tuple[str | None, str] | None = None
    ) -> Prose:
        """A sidecar field, else the first MLflow tag that has text, else a fallback, else None."""
        value = getattr(self.sidecar, field, None) if self.sidecar is not None else None
        if value and value.strip():
            return Prose(value=value.strip(), source="model-card sidecar")
        ev = self.ev
        mv_tags = ev.model_version.tags if ev.model_version else {}
        for tag in tags:
            for where, found in (
                ("run tag", ev.run.tags.get(tag)),
                ("model version tag", mv_tags.get(tag)),
            ):
                if found and found.strip():
                    return Prose(value=found.strip(), source=f"MLflow {where} {tag}")
        if fallback is not None and fallback[0] and fallback[0].strip():
            return Prose(value=fallback[0].strip(), source=fallback[1])
        return Prose()


def _task(assessment: Assessment) -> str | None:
    task = assessment.task
    return f"{task.label} (from the {task.source})" if task.task else None


def _details(ev: EvidenceSnapshot, text: _Texts, assessment: Assessment) -> tuple[Row, ...]:
    run, mv = ev.run, ev.model_version
    if mv and mv.created:
        date: str | None = mv.created.strftime(_DAY)
    else:
        date = run.start_time.strftime(_DAY) if run.start_time else None
    model_type = text(
        "model_type", "model_type", fallback=(run.params.get("model_type"), "MLflow param")
    )
    return (
        Row(label="Name", value=mv.name if mv else run.run_name),
        Row(label="Version", value=mv.version if mv else None),
        Row(label="Aliases", value=", ".join(mv.aliases) if mv and mv.aliases else None),
        Row(label="Date", value=date),
        Row(label="Model type", value=model_type.value or model_type_of(ev)),
        Row(label="Task", value=text.tag("task") or _task(assessment)),
        Row(label="Domain", value=text.tag("domain")),
        Row(label="Owner / contact", value=text("contact", "owner", "contact").value),
        Row(label="Licence", value=text("license", "license", "licence").value),
        Row(label="Citation", value=text("citation", "citation").value),
        Row(label="Registered model", value=mv.registered_model_description if mv else None),
    )


def _provenance(ev: EvidenceSnapshot, assessment: Assessment) -> tuple[Row, ...]:
    run, mv = ev.run, ev.model_version
    return (
        Row(label="Target", value=ev.target.uri),
        Row(label="Tracking store", value=store_label(ev.provenance.tracking_uri)),
        Row(label="Run", value=f"runs:/{run.run_id}"),
        Row(label="Experiment", value=f"{run.experiment_name} ({run.experiment_id})"),
        Row(label="Model version", value=f"models:/{mv.name}/{mv.version}" if mv else None),
        Row(label="Model source", value=mv.source if mv else None),
        *(
            Row(label=f"Dataset {d.name} ({d.context or 'no context'})", value=f"digest {d.digest}")
            for d in run.datasets
        ),
        Row(label="Evidence collected", value=ev.provenance.collected_at.strftime(_TIME)),
        Row(label="Assessed as of", value=assessment.as_of.strftime(_TIME)),
        Row(label="MLflow version", value=ev.provenance.mlflow_version),
        Row(label="Evidence mapping", value=assessment.mapping_id),
        *_connection(ev.provenance),
    )


def _connection(p: Provenance) -> tuple[Row, ...]:
    """How a tracking server was reached (nothing for a local store): the auth mode, and a
    mark when the evidence was collected without TLS certificate verification."""
    if p.auth is None and p.tls_verified is None:
        return ()
    tls = (
        "verified"
        if p.tls_verified
        else "NOT VERIFIED: the evidence was collected without TLS certificate verification"
    )
    return (Row(label="Server authentication", value=p.auth), Row(label="TLS", value=tls))


def _datasets(
    run: RunEvidence, context: str | None, analysis: Analysis | None = None
) -> tuple[DatasetRef, ...]:
    """The run's datasets by role: "training", "evaluation" (held out: validation,
    evaluation, test); None: those of no role."""
    return tuple(
        _dataset_ref(ds, sheet, analysis)
        for ds, sheet in zip(run.datasets, dataset_sheet_paths(run.datasets), strict=True)
        if ("evaluation" if ds.role in _HELD_OUT else ds.role) == context
    )


def _overview(ev: EvidenceSnapshot, text: _Texts) -> Prose:
    mv = ev.model_version
    description = mv.description if mv and mv.description else None
    return text(
        "overview",
        fallback=(
            description or ev.run.description,
            "MLflow model version description" if description else "MLflow run description",
        ),
    )


def _recomputed(analysis: Analysis | None) -> tuple[Measure, ...]:
    return tuple(m for _, m in sorted((analysis.measures if analysis else {}).items()))


def _analysis_failures(analysis: Analysis | None) -> tuple[str, ...]:
    return tuple(
        f"{f.table}{f' column {f.column}' if f.column else ''}: {f.measurement}: {f.message}"
        for f in (analysis.failures if analysis else ())
    )


def build_model_card(
    ev: EvidenceSnapshot,
    assessment: Assessment,
    sidecar: ModelCardSidecar | None = None,
    analysis: Analysis | None = None,
    decision: GateDecision | None = None,
) -> ModelCard:
    run = ev.run
    text = _Texts(ev, sidecar)
    metrics = _Metrics.of(run, judged_metrics(assessment))
    slice_attrs = tuple(sorted(metrics.slices))
    return ModelCard(
        decision=decision,
        details=_details(ev, text, assessment),
        overview=_overview(ev, text),
        intended_uses=text("primary_intended_uses", "intended_use"),
        intended_users=text("primary_intended_users", "intended_users"),
        out_of_scope_uses=text("out_of_scope_uses", "out_of_scope_use"),
        relevant_factors=text("relevant_factors", "sensitive_attributes", "factors"),
        evaluation_factors=text(
            "evaluation_factors",
            fallback=(
                ", ".join(slice_attrs) if slice_attrs else None,
                "attributes of the slice metrics logged in MLflow",
            ),
        ),
        decision_thresholds=text(
            "decision_thresholds",
            fallback=(run.params.get("decision_threshold"), "MLflow param decision_threshold"),
        ),
        variation_approaches=text("variation_approaches"),
        evaluation_data_notes=text("evaluation_data"),
        training_data_notes=text("training_data"),
        performance=tuple(metrics.performance),
        metric_groups={k: tuple(v) for k, v in sorted(metrics.groups.items())},
        **_metrics_body(metrics),
        slice_attributes=metrics.slice_attributes(),
        slice_metric_names=tuple(metrics.slice_metrics),
        training_data=_datasets(run, "training", analysis),
        evaluation_data=_datasets(run, "evaluation", analysis),
        other_data=_datasets(run, None, analysis),
        ethical_considerations=text("ethical_considerations", "ethical_considerations"),
        caveats=text("caveats", "limitations", "caveats"),
        recommendations=text("recommendations", "recommendations"),
        governance=tuple(framework_status(fw) for fw in assessment.frameworks),
        provenance=_provenance(ev, assessment),
        params=tuple(Row(label=k, value=v) for k, v in run.params.items()),
        tags=tuple(Row(label=k, value=v) for k, v in run.tags.items()),
        charts=analysis_charts(analysis) if analysis else (),
        recomputed=_recomputed(analysis),
        analysis_failures=_analysis_failures(analysis),
        coverage_charts=coverage_charts(assessment),
        identity=build_identity(ev, assessment),
        rejected_tables=tuple(
            Row(label=t.path, value=t.detail or t.status)
            for t in run.tables
            if t.status != "loaded"
        ),
    )
