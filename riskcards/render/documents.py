"""The documents as typed views built from evidence and assessment (pure, no I/O).

Each view is the documented context of one template: ``model_card.html.j2`` receives a
:class:`ModelCard` as ``card``, ``dataset_sheet.html.j2`` a :class:`DatasetSheet` as
``sheet``, ``gap_report.html.j2`` a :class:`GapReport` as ``report``, ``summary.md.j2`` a
:class:`ReleaseSummary` as ``summary``; every template also receives ``meta``
(:class:`DocumentMeta`). Values that are unknown are ``None`` and render as "Not provided".
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from pydantic import Field

from riskcards.analyse import Analysis
from riskcards.analytics.results import AnalysisFailure
from riskcards.assess import fmt_number
from riskcards.models.assessment import (
    Assessment,
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    FrameworkAssessment,
    Measure,
)
from riskcards.models.base import Frozen
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import DatasetInput, EvidenceSnapshot, MetricValue
from riskcards.models.project import DatasetSheetSidecar, ModelCardSidecar
from riskcards.render import charts


class DocumentMeta(Frozen):
    title: str
    kind: str
    model: str = Field(description="e.g. 'credit-risk v3' or 'run <id>'")
    target: str
    as_of: datetime
    riskcards_version: str

    @property
    def as_of_text(self) -> str:
        return self.as_of.strftime("%Y-%m-%d %H:%M:%S UTC")


class Row(Frozen):
    """A labelled value; ``value`` None means not provided."""

    label: str
    value: str | None = None


class MetricRow(Frozen):
    key: str
    value: str
    step: int
    valid: bool


class SliceRow(Frozen):
    attribute: str
    value: str
    metrics: dict[str, str]


class DatasetRef(Frozen):
    name: str
    context: str | None
    digest: str
    source_type: str
    sheet: str = Field(description="relative path of its dataset sheet in the bundle")


class FrameworkStatus(Frozen):
    catalogue_id: str
    title: str
    counts: dict[str, int]
    total: int
    coverage_percent: str
    report: str = Field(description="relative path of the gap report HTML")


class Prose(Frozen):
    """A human-written text and where it came from; ``value`` None means not provided."""

    value: str | None = None
    source: str | None = None


class Chart(Frozen):
    """An inline SVG drawn by riskcards.render.charts (labels escaped there; safe to embed)."""

    title: str
    svg: str
    caption: str


class ModelCard(Frozen):
    """The sections of Mitchell et al., "Model Cards for Model Reporting" (2019)."""

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


class SchemaColumn(Frozen):
    name: str
    type: str
    required: bool | None = None


class DatasetSheet(Frozen):
    """A dataset input with the questions of Gebru et al., "Datasheets for Datasets"."""

    name: str
    context: str | None
    digest: str
    source_type: str
    source: str
    columns: tuple[SchemaColumn, ...]
    schema_raw: str | None = Field(description="the schema as logged, when not a column list")
    profile: tuple[Row, ...]
    tags: tuple[Row, ...]
    sections: tuple[tuple[str, tuple[Row, ...]], ...] = Field(
        description="the Datasheets-for-Datasets questions: (section, rows)"
    )
    sidecar: str | None = Field(default=None, description="the sidecar file that answered, if any")
    quality: tuple[Row, ...] = Field(
        default=(), description="recomputed data quality: balance, missing, duplicates, PII"
    )
    quality_source: str | None = Field(
        default=None, description="the table the quality facts come from"
    )


class ControlView(Frozen):
    result: ControlResult
    group_titles: tuple[str, ...]
    text: str

    @property
    def status_label(self) -> str:
        label = self.result.status.value.replace("_", " ")
        return f"{label} (via crosswalk)" if self.result.via_crosswalk else label


class GroupStatus(Frozen):
    group_id: str
    title: str
    counts: dict[str, int]
    total: int


class SoaRow(Frozen):
    """One Annex A control in the ISO/IEC 42001 Statement of Applicability."""

    control_id: str
    title: str
    applicable: bool
    justification: str
    status: str
    evidence: tuple[str, ...]


class GapReport(Frozen):
    catalogue_id: str
    title: str
    version: str
    publisher: str
    source_url: str
    licence: str
    control_label: str
    control_label_plural: str
    counts: dict[str, int]
    total: int
    coverage_percent: str
    by_group: tuple[GroupStatus, ...]
    gaps: tuple[ControlView, ...] = Field(
        description="gap and partial: blocking first, then direct, then via crosswalk"
    )
    met: tuple[ControlView, ...]
    decided: tuple[ControlView, ...] = Field(
        description="waived and not applicable, with approvers"
    )
    not_assessed: tuple[ControlView, ...]
    overrides: tuple[CheckResult, ...] = Field(
        description="checks whose threshold the project overrode"
    )
    notes: tuple[str, ...] = Field(description="expired waivers and attestations, stale evidence")
    via_crosswalk: int
    blocking: int
    mapping_id: str
    soa: tuple[SoaRow, ...] = Field(
        default=(), description="ISO/IEC 42001 only: Statement of Applicability"
    )


class ReleaseSummary(Frozen):
    frameworks: tuple[FrameworkStatus, ...]
    gaps: tuple[tuple[str, ControlView], ...] = Field(
        description="(framework title, control): gaps evidenced directly, blocking first"
    )
    indirect: int = Field(description="gaps reached only through a crosswalk, not listed")
    notes: tuple[str, ...]
    files: tuple[str, ...]
    main: str


_SLICE = re.compile(r"^slice/(?P<attr>[^/]+)/(?P<value>[^/]+)/(?P<metric>.+)$")


def dataset_slug(ds: DatasetInput) -> str:
    """A file-name-safe, unique-enough name for a dataset sheet."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{ds.context or 'input'}-{ds.name}").strip("-.")
    return f"{base[:60] or 'dataset'}-{ds.digest[:8]}"


def dataset_sheet_path(ds: DatasetInput) -> str:
    return f"datasets/{dataset_slug(ds)}.html"


def gap_report_path(catalogue_id: str) -> str:
    return f"gap-report-{catalogue_id}.html"


def _metric_row(m: MetricValue) -> MetricRow:
    return MetricRow(key=m.key, value=fmt_number(m.value), step=m.step, valid=m.is_finite)


def _text(ev: EvidenceSnapshot, key: str) -> str | None:
    mv_tags = ev.model_version.tags if ev.model_version else {}
    value = ev.run.tags.get(key) or mv_tags.get(key)
    return value.strip() if value and value.strip() else None


def _dataset_ref(ds: DatasetInput) -> DatasetRef:
    return DatasetRef(
        name=ds.name,
        context=ds.context,
        digest=ds.digest,
        source_type=ds.source_type,
        sheet=dataset_sheet_path(ds),
    )


def framework_status(fw: FrameworkAssessment) -> FrameworkStatus:
    return FrameworkStatus(
        catalogue_id=fw.catalogue_id,
        title=f"{fw.catalogue_title}",
        counts=fw.counts,
        total=len(fw.controls),
        coverage_percent=f"{fw.coverage * 100:.0f}%",
        report=gap_report_path(fw.catalogue_id),
    )


def _prose(
    sidecar: object | None,
    field: str,
    ev: EvidenceSnapshot,
    *tags: str,
    fallback: tuple[str | None, str] | None = None,
) -> Prose:
    """A sidecar field, else the first MLflow tag that has text, else a fallback, else None."""
    value = getattr(sidecar, field, None) if sidecar is not None else None
    if value and value.strip():
        return Prose(value=value.strip(), source="model-card sidecar")
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


def build_model_card(
    ev: EvidenceSnapshot,
    assessment: Assessment,
    sidecar: ModelCardSidecar | None = None,
    analysis: Analysis | None = None,
) -> ModelCard:
    run, mv = ev.run, ev.model_version
    slices: dict[str, dict[str, dict[str, str]]] = {}
    slice_metrics: list[str] = []
    performance: list[MetricRow] = []
    groups: dict[str, list[MetricRow]] = {}
    for m in run.metrics:
        if match := _SLICE.match(m.key):
            attr, value, name = match["attr"], match["value"], match["metric"]
            slices.setdefault(attr, {}).setdefault(value, {})[name] = fmt_number(m.value)
            if name not in slice_metrics:
                slice_metrics.append(name)
        elif "/" in m.key:
            groups.setdefault(m.key.split("/", 1)[0], []).append(_metric_row(m))
        else:
            performance.append(_metric_row(m))
    by_context: dict[str, list[DatasetRef]] = {"training": [], "evaluation": [], "other": []}
    for ds in run.datasets:
        bucket = ds.context if ds.context in ("training", "evaluation") else "other"
        by_context[bucket].append(_dataset_ref(ds))

    def text(field: str, *tags: str, fallback: tuple[str | None, str] | None = None) -> Prose:
        return _prose(sidecar, field, ev, *tags, fallback=fallback)

    contact = text("contact", "owner", "contact")
    details = (
        Row(label="Name", value=mv.name if mv else run.run_name),
        Row(label="Version", value=mv.version if mv else None),
        Row(label="Aliases", value=", ".join(mv.aliases) if mv and mv.aliases else None),
        Row(
            label="Date",
            value=mv.created.strftime("%Y-%m-%d")
            if mv and mv.created
            else (run.start_time.strftime("%Y-%m-%d") if run.start_time else None),
        ),
        Row(
            label="Model type",
            value=text(
                "model_type", "model_type", fallback=(run.params.get("model_type"), "MLflow param")
            ).value,
        ),
        Row(label="Task", value=_text(ev, "task")),
        Row(label="Domain", value=_text(ev, "domain")),
        Row(label="Owner / contact", value=contact.value),
        Row(label="Licence", value=text("license", "license", "licence").value),
        Row(label="Citation", value=text("citation", "citation").value),
        Row(label="Registered model", value=mv.registered_model_description if mv else None),
    )
    slice_attrs = tuple(sorted(slices))
    provenance = (
        Row(label="Target", value=ev.target.uri),
        Row(label="Tracking store", value=ev.provenance.tracking_uri),
        Row(label="Run", value=f"runs:/{run.run_id}"),
        Row(label="Experiment", value=f"{run.experiment_name} ({run.experiment_id})"),
        Row(label="Model version", value=f"models:/{mv.name}/{mv.version}" if mv else None),
        Row(label="Model source", value=mv.source if mv else None),
        *(
            Row(label=f"Dataset {d.name} ({d.context or 'no context'})", value=f"digest {d.digest}")
            for d in run.datasets
        ),
        Row(
            label="Evidence collected",
            value=ev.provenance.collected_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        ),
        Row(label="Assessed as of", value=assessment.as_of.strftime("%Y-%m-%d %H:%M:%S UTC")),
        Row(label="MLflow version", value=ev.provenance.mlflow_version),
        Row(label="Evidence mapping", value=assessment.mapping_id),
    )
    description = mv.description if mv and mv.description else None
    return ModelCard(
        details=details,
        overview=text(
            "overview",
            fallback=(
                description or run.description,
                "MLflow model version description" if description else "MLflow run description",
            ),
        ),
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
        performance=tuple(performance),
        metric_groups={k: tuple(v) for k, v in sorted(groups.items())},
        slice_attributes={
            attr: tuple(
                SliceRow(attribute=attr, value=v, metrics=ms) for v, ms in sorted(values.items())
            )
            for attr, values in sorted(slices.items())
        },
        slice_metric_names=tuple(slice_metrics),
        training_data=tuple(by_context["training"]),
        evaluation_data=tuple(by_context["evaluation"]),
        other_data=tuple(by_context["other"]),
        ethical_considerations=text("ethical_considerations", "ethical_considerations"),
        caveats=text("caveats", "limitations", "caveats"),
        recommendations=text("recommendations", "recommendations"),
        governance=tuple(framework_status(fw) for fw in assessment.frameworks),
        provenance=provenance,
        params=tuple(Row(label=k, value=v) for k, v in run.params.items()),
        tags=tuple(Row(label=k, value=v) for k, v in run.tags.items()),
        charts=analysis_charts(analysis) if analysis else (),
        recomputed=tuple(m for _, m in sorted((analysis.measures if analysis else {}).items())),
        analysis_failures=tuple(
            f"{f.table}{f' column {f.column}' if f.column else ''}: {f.measurement}: {f.message}"
            for f in (analysis.failures if analysis else ())
        ),
        coverage_charts=tuple(
            Chart(
                title=f"Coverage: {fw.catalogue_title}",
                svg=str(
                    charts.coverage_bar(
                        fw.counts, title=f"{fw.catalogue_title}: controls by status"
                    )
                ),
                caption=f"{len(fw.controls)} controls by status",
            )
            for fw in assessment.frameworks
        ),
    )


def _maybe(value: float | None) -> str:
    return fmt_number(value) if value is not None else "not defined"


def analysis_charts(analysis: Analysis) -> tuple[Chart, ...]:
    """Reliability diagram, selection rate per slice, and drift per feature, as inline SVG."""
    found: list[Chart] = []
    for p in analysis.predictions[:1]:
        c = p.calibration
        if c is not None and not isinstance(c, AnalysisFailure):
            bins = [charts.ReliabilityBin(**b.model_dump()) for b in c.equal_width.bins]
            found.append(
                Chart(
                    title="Reliability diagram",
                    svg=str(charts.reliability_diagram(bins)),
                    caption="Observed positive rate against mean predicted score in "
                    f"{len(bins)} equal-width "
                    f"bins; recomputed from {c.source.table} ({c.rows} rows). ECE "
                    f"{fmt_number(c.equal_width.expected_calibration_error)}.",
                )
            )
        s = p.slices
        if s is not None and not isinstance(s, AnalysisFailure):
            for a in s.attributes:
                bars = [
                    charts.SliceBar(
                        label=m.value or "",
                        value=m.selection_rate.value,
                        low=m.selection_rate.low,
                        high=m.selection_rate.high,
                        count=m.n,
                        note="too small to judge" if m.too_small else None,
                    )
                    for m in a.slices
                ]
                found.append(
                    Chart(
                        title=f"Selection rate by {a.attribute}",
                        svg=str(
                            charts.slice_bars(
                                bars,
                                metric="selection rate",
                                title=f"Selection rate by {a.attribute}",
                                reference=s.overall.selection_rate.value,
                            )
                        ),
                        caption="Share of rows predicted positive per "
                        f"{a.attribute} value, with "
                        f"Wilson 95% intervals; demographic parity difference "
                        f"{_maybe(a.demographic_parity_difference)}.",
                    )
                )
    d = analysis.datasets
    if d is not None and not isinstance(d.drift, AnalysisFailure) and d.drift.features:
        drift = [
            charts.DriftBar(feature=f.feature, psi=f.population_stability_index)
            for f in d.drift.features
        ]
        found.append(
            Chart(
                title="Drift per feature",
                svg=str(charts.drift_bars(drift)),
                caption="Population stability index of each feature, "
                f"{d.drift.current.table} against {d.drift.reference.table} (bins fixed on the "
                "reference); 0.1 and 0.2 are the usual "
                "moderate and significant lines.",
            )
        )
    return tuple(found)


def dataset_quality(
    analysis: Analysis | None, context: str | None
) -> tuple[tuple[Row, ...], str | None]:
    """Recomputed quality facts for the training (reference) or evaluation (current) sample."""
    d = analysis.datasets if analysis else None
    if d is None or context not in ("training", "evaluation"):
        return (), None
    q = d.reference if context == "training" else d.current
    rows: list[Row] = []
    if q.class_balance is not None and not isinstance(q.class_balance, AnalysisFailure):
        b = q.class_balance
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(b.counts.items()))
        rows.append(
            Row(
                label=f"Class balance ({b.column})",
                value=f"{counts}; imbalance ratio {fmt_number(b.imbalance_ratio)}",
            )
        )
    if not isinstance(q.missingness, AnalysisFailure):
        missing = [f"{c.column}: {c.missing}" for c in q.missingness.columns if c.missing]
        rows.append(
            Row(
                label="Missing values",
                value=", ".join(missing) if missing else "none in any column",
            )
        )
    if not isinstance(q.duplicates, AnalysisFailure):
        rows.append(
            Row(
                label="Duplicate rows",
                value=f"{q.duplicates.duplicate_rows} of {q.duplicates.rows}",
            )
        )
    if not isinstance(q.pii, AnalysisFailure):
        found = ", ".join(
            f"{f.column}: {f.rows} rows with {f.category.replace('_', ' ')}" for f in q.pii.findings
        )
        rows.append(
            Row(
                label="Personal data (PII scan)",
                value=found or f"none found in {len(q.pii.columns_scanned)} text columns",
            )
        )
    if context == "evaluation" and not isinstance(d.leakage, AnalysisFailure):
        rows.append(
            Row(
                label="Leakage from training",
                value=f"{d.leakage.leaked_rows} of {d.leakage.current_rows} rows also in "
                f"{d.leakage.reference.table}",
            )
        )
    return tuple(rows), q.source.table + (f" (sha256 {q.source.sha256})" if q.source.sha256 else "")


def _columns(schema: str | None) -> tuple[tuple[SchemaColumn, ...], str | None]:
    """Columns from an MLflow schema (``{"mlflow_colspec": [...]}``); else the raw text."""
    if not schema:
        return (), None
    try:
        parsed = json.loads(schema)
        specs = parsed.get("mlflow_colspec") if isinstance(parsed, dict) else None
        if isinstance(specs, list):
            return tuple(
                SchemaColumn(
                    name=str(s.get("name", "")),
                    type=str(s.get("type", "")),
                    required=s.get("required") if isinstance(s.get("required"), bool) else None,
                )
                for s in specs
                if isinstance(s, dict)
            ), None
    except (ValueError, AttributeError):
        pass
    return (), schema


def _profile(profile: str | None) -> tuple[Row, ...]:
    if not profile:
        return ()
    try:
        parsed = json.loads(profile)
    except ValueError:
        return (Row(label="profile", value=profile),)
    if not isinstance(parsed, dict):
        return (Row(label="profile", value=profile),)
    return tuple(
        Row(label=str(k), value=json.dumps(v) if not isinstance(v, str) else v)
        for k, v in sorted(parsed.items())
    )


def build_dataset_sheet(
    ds: DatasetInput,
    sidecar: DatasetSheetSidecar | None = None,
    sidecar_name: str | None = None,
    analysis: Analysis | None = None,
) -> DatasetSheet:
    columns, raw = _columns(ds.dataset_schema)
    tags = ds.tags
    quality, quality_source = dataset_quality(analysis, ds.context)

    def answer(field: str, *tag_keys: str) -> str | None:
        value: str | None = getattr(sidecar, field, None) if sidecar is not None else None
        if value and value.strip():
            return value.strip()
        return next((tags[k].strip() for k in tag_keys if tags.get(k, "").strip()), None)

    rows_count = next((r.value for r in _profile(ds.profile) if r.label == "num_rows"), None)
    sections = (
        (
            "Motivation",
            (
                Row(
                    label="For what purpose was the dataset created?",
                    value=answer("purpose", "purpose"),
                ),
                Row(label="Who created it?", value=answer("creators", "creator", "creators")),
                Row(label="Who funded it?", value=answer("funding", "funding")),
            ),
        ),
        (
            "Composition",
            (
                Row(
                    label="What do the instances represent?", value=answer("instances", "instances")
                ),
                Row(label="How many instances are there?", value=rows_count),
                Row(
                    label="Is there a label or target?", value=answer("labels", "target", "targets")
                ),
                Row(label="Is any information missing?", value=answer("missing_information")),
                Row(
                    label="Does it contain sensitive data?",
                    value=answer("sensitive_data", "sensitive_attributes"),
                ),
            ),
        ),
        (
            "Collection process",
            (
                Row(
                    label="How was the data collected?",
                    value=answer("collection_process", "collection"),
                ),
                Row(label="Over what timeframe?", value=answer("collection_timeframe")),
                Row(label="Did the people concerned consent?", value=answer("consent")),
            ),
        ),
        (
            "Preprocessing and labelling",
            (
                Row(
                    label="What preprocessing was done?",
                    value=answer("preprocessing", "preprocessing"),
                ),
                Row(label="How was it labelled?", value=answer("labelling")),
                Row(label="Is the raw data kept?", value=answer("raw_data_kept")),
            ),
        ),
        (
            "Uses",
            (
                Row(label="Use in this model", value=ds.context),
                Row(label="Other uses", value=answer("uses")),
                Row(label="Uses to avoid", value=answer("uses_to_avoid", "uses_to_avoid")),
            ),
        ),
        (
            "Distribution",
            (
                Row(label="How is it distributed?", value=answer("distribution")),
                Row(label="Under what licence?", value=answer("licence", "licence", "license")),
            ),
        ),
        (
            "Maintenance",
            (
                Row(label="Who maintains it?", value=answer("maintainer", "maintainer")),
                Row(label="How is it updated?", value=answer("updates")),
            ),
        ),
    )
    return DatasetSheet(
        name=ds.name,
        context=ds.context,
        digest=ds.digest,
        source_type=ds.source_type,
        source=ds.source,
        columns=columns,
        schema_raw=raw,
        profile=_profile(ds.profile),
        tags=tuple(Row(label=k, value=v) for k, v in sorted(ds.tags.items())),
        sections=sections,
        sidecar=sidecar_name,
        quality=quality,
        quality_source=quality_source,
    )


def _view(result: ControlResult, catalogue: Catalogue) -> ControlView:
    control = catalogue.control(result.control_id)
    titles = tuple((g.title if g else gid) for gid in result.groups for g in [catalogue.group(gid)])
    return ControlView(
        result=result,
        group_titles=titles,
        text=(control.text or control.title or control.summary or "") if control else "",
    )


def build_gap_report(fw: FrameworkAssessment, catalogue: Catalogue, mapping_id: str) -> GapReport:
    views = [_view(r, catalogue) for r in fw.controls]
    top = catalogue.top_groups()
    by_group = []
    for g in top:
        members = [r for r in fw.controls if r.groups and r.groups[0] == g.id]
        by_group.append(
            GroupStatus(
                group_id=g.id,
                title=g.title,
                counts={s.value: sum(1 for r in members if r.status is s) for s in ControlStatus},
                total=len(members),
            )
        )
    rank = {ControlStatus.GAP: 0, ControlStatus.PARTIAL: 1}
    gaps = sorted(
        (v for v in views if v.result.status in rank),
        key=lambda v: (not v.result.blocking, bool(v.result.via_crosswalk), rank[v.result.status]),
    )
    return GapReport(
        catalogue_id=catalogue.id,
        title=catalogue.title,
        version=catalogue.version,
        publisher=catalogue.publisher,
        source_url=catalogue.source_url,
        licence=catalogue.licence,
        control_label=catalogue.control_label,
        control_label_plural=catalogue.control_label_plural,
        counts=fw.counts,
        total=len(fw.controls),
        coverage_percent=f"{fw.coverage * 100:.0f}%",
        by_group=tuple(by_group),
        gaps=tuple(gaps),
        met=tuple(v for v in views if v.result.status is ControlStatus.MET),
        decided=tuple(v for v in views if v.result.decision is not None),
        not_assessed=tuple(v for v in views if v.result.status is ControlStatus.NOT_ASSESSED),
        overrides=tuple(
            sorted(
                {c.check_id: c for r in fw.controls for c in r.checks if c.override}.values(),
                key=lambda c: c.check_id,
            )
        ),
        notes=tuple(n for r in fw.controls for n in r.notes),
        via_crosswalk=fw.via_crosswalk,
        blocking=len(fw.blocking),
        mapping_id=mapping_id,
        soa=statement_of_applicability(fw, catalogue) if catalogue.id in SOA_CATALOGUES else (),
    )


SOA_CATALOGUES = frozenset({"iso-iec-42001"})


def statement_of_applicability(fw: FrameworkAssessment, catalogue: Catalogue) -> tuple[SoaRow, ...]:
    """Each control: applicable or not (with the justification), its status and its evidence."""
    rows = []
    for r in fw.controls:
        control = catalogue.control(r.control_id)
        na = r.status is ControlStatus.NOT_APPLICABLE and r.decision is not None
        if na:
            justification = f"{r.decision.reason} (approved by {r.decision.approver})"  # type: ignore[union-attr]
        else:
            justification = "Applicable: no exclusion declared in the project file"
        evidence = tuple(
            dict.fromkeys(
                ref.locator for c in r.checks if c.status is CheckStatus.PASS for ref in c.evidence
            )
        )
        status = r.status.value.replace("_", " ") + (" (via crosswalk)" if r.via_crosswalk else "")
        rows.append(
            SoaRow(
                control_id=r.control_id,
                title=control.label if control else r.label,
                applicable=not na,
                justification=justification,
                status=status,
                evidence=evidence,
            )
        )
    return tuple(rows)
