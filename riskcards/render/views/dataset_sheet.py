"""The dataset sheet view, ``sheet`` in ``dataset_sheet.html.j2`` (layer: render): pure, no I/O.

One dataset input of the run, with the questions of Gebru et al., "Datasheets for Datasets",
answered from the datasheet sidecar, else from the dataset's MLflow tags; its schema and
profile as logged; and the data quality riskcards recomputed from the logged tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from pydantic import Field

from riskcards.models.analysis import Analysis, AnalysisFailure, DatasetAnalysis, TableQuality
from riskcards.models.base import Frozen, fmt_number
from riskcards.models.evidence import DatasetInput
from riskcards.models.project import DatasetSheetSidecar
from riskcards.render.views.common import Row

Section = tuple[str, tuple[Row, ...]]


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
    source_uri: str | None = Field(default=None, description="the source's URI, as text")
    open_questions: tuple[str, ...] = Field(
        default=(), description="questions neither the sidecar, the tags nor riskcards answer"
    )


# --- recomputed quality ----------------------------------------------------------------------


def _sample_quality(q: TableQuality) -> list[Row]:
    """Class balance, missing values, duplicates and PII of one sample (counts, never values)."""
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
    return rows


def _leakage(d: DatasetAnalysis) -> list[Row]:
    if isinstance(d.leakage, AnalysisFailure):
        return []
    return [
        Row(
            label="Leakage from training",
            value=f"{d.leakage.leaked_rows} of {d.leakage.current_rows} rows also in "
            f"{d.leakage.reference.table}",
        )
    ]


def dataset_quality(
    analysis: Analysis | None, context: str | None
) -> tuple[tuple[Row, ...], str | None]:
    """Recomputed quality facts for the training (reference) or evaluation (current) sample."""
    d = analysis.datasets if analysis else None
    if d is None or context not in ("training", "evaluation"):
        return (), None
    q = d.reference if context == "training" else d.current
    rows = _sample_quality(q) + (_leakage(d) if context == "evaluation" else [])
    return tuple(rows), q.source.table + (f" (sha256 {q.source.sha256})" if q.source.sha256 else "")


# --- schema and profile as logged ------------------------------------------------------------


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


# --- the Datasheets-for-Datasets questions ---------------------------------------------------


def _sections(
    ds: DatasetInput, answer: Callable[..., str | None], rows_count: str | None
) -> tuple[Section, ...]:
    """Each section's questions; ``answer(field, *tags)``: the sidecar, else a dataset tag."""
    return (
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
                Row(
                    label="Use in this model",
                    value=ds.context
                    if ds.role in (None, ds.context)
                    else f"{ds.context or 'no context'} (role: {ds.role})",
                ),
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
    sections = _known(_sections(ds, answer, rows_count), quality, quality_source)
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
        source_uri=_source_uri(ds.source),
        open_questions=tuple(r.label for _, rows in sections for r in rows if r.value is None),
    )


def _source_uri(source: str) -> str | None:
    """The URI in MLflow's serialised dataset source, as text."""
    try:
        data = json.loads(source)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    found = next((data[k] for k in ("uri", "url", "path", "table_name") if data.get(k)), None)
    return str(found) if found is not None else None


# question -> the recomputed quality fact that answers it (label of the quality row)
_ANSWERED_BY = {
    "Is there a label or target?": "Class balance",
    "Is any information missing?": "Missing values",
    "Does it contain sensitive data?": "Personal data (PII scan)",
}


def _known(
    sections: tuple[Section, ...], quality: tuple[Row, ...], source: str | None
) -> tuple[Section, ...]:
    """The questions nobody answered, answered from what riskcards recomputed, saying so."""
    facts = {
        r.label.split(" (", 1)[0] if r.label.startswith("Class") else r.label: r for r in quality
    }
    out = []
    for title, rows in sections:
        filled = []
        for row in rows:
            fact = facts.get(_ANSWERED_BY.get(row.label, ""))
            if row.value is None and fact is not None and fact.value:
                what = fact.label if fact.label.startswith("Class") else fact.label.lower()
                row = row.model_copy(
                    update={
                        "value": f"{what}: {fact.value} (recomputed by riskcards from {source})"
                    }
                )
            filled.append(row)
        out.append((title, tuple(filled)))
    return tuple(out)
