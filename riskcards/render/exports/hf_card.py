"""A Hugging Face model card (layer: render): ``huggingface/README.md``.

YAML front matter as the Hub's model-card metadata spec has it: ``license`` (``other`` plus
``license_name`` when the licence is not a single token), ``tags``, ``datasets``, ``metrics``
and ``model-index`` (one result per dataset the metrics were computed on: a metric logged
with its dataset, as MLflow 3 does, is listed under that dataset with its digest as the
``revision``; the run's other metrics under the run itself, dataset type ``mlflow-run``). A
``riskcards`` key holds the target, the as-of time, the dataset digests and each framework's
control statuses, for tools that read the card back.

The body follows the sections of the Hub's model-card template, filled from the same model
card view as ``model-card.html``. What is unknown stays "Not provided"; every value from
MLflow or a sidecar is escaped, so it reads as text, never as Markdown or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import yaml

from riskcards.models.bundle import MARKDOWN_FORMAT, BundleFile
from riskcards.models.evidence import MetricValue
from riskcards.render.exports.common import model_card
from riskcards.render.html import NOT_PROVIDED, md_escape
from riskcards.render.job import RenderJob
from riskcards.render.views import ModelCard, Prose

HF_CARD = "huggingface/README.md"
HF_CARD_KIND = "hf-model-card"
_LICENCE_ID = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")


def _licence(card: ModelCard) -> dict[str, str]:
    licence = next((r.value for r in card.details if r.label == "Licence"), None)
    if not licence:
        return {}
    if _LICENCE_ID.match(licence.lower()):
        return {"license": licence.lower()}
    return {"license": "other", "license_name": licence}


def _task(job: RenderJob, card: ModelCard) -> str:
    task = next((r.value for r in card.details if r.label == "Task"), None)
    evaluations = job.evidence.run.evaluations
    return task or (evaluations[0].model_type if evaluations else "not-provided")


def _result_groups(job: RenderJob) -> dict[tuple[str, str | None], list[MetricValue]]:
    """(dataset name, digest) -> the valid metrics computed on it; the run for the others."""
    run = job.evidence.run
    groups: dict[tuple[str, str | None], list[MetricValue]] = {}
    for m in run.metrics:
        if m.is_finite and not m.key.startswith("slice/"):
            where = (m.dataset_name, m.dataset_digest) if m.dataset_name else (run.run_id, None)
            groups.setdefault(where, []).append(m)
    return groups


def _model_index(job: RenderJob, card: ModelCard) -> list[dict[str, Any]]:
    results = []
    for (name, digest), metrics in _result_groups(job).items():
        dataset: dict[str, str] = (
            {"name": name, "type": name, "revision": digest}
            if digest
            else {"name": f"MLflow run {name}", "type": "mlflow-run"}
        )
        results.append(
            {
                "task": {"type": _task(job, card)},
                "dataset": dataset,
                "metrics": [{"type": m.key, "name": m.key, "value": m.value} for m in metrics],
            }
        )
    return [{"name": job.evidence.model_name, "results": results}] if results else []


def _riskcards(job: RenderJob) -> dict[str, Any]:
    a = job.assessment
    return {
        "target": job.evidence.target.uri,
        "run": f"runs:/{job.evidence.run.run_id}",
        "as_of": a.as_of.isoformat(),
        "mapping": a.mapping_id,
        "datasets": [
            {"name": d.name, "digest": d.digest, "context": d.context}
            for d in job.evidence.run.datasets
        ],
        "frameworks": [
            {
                "id": fw.catalogue_id,
                "version": fw.catalogue_version,
                "counts": fw.counts,
                "controls": {c.control_id: c.status.value for c in fw.controls},
            }
            for fw in a.frameworks
        ],
    }


def front_matter(job: RenderJob, card: ModelCard) -> dict[str, Any]:
    """The card's metadata, as the Hub reads it."""
    run = job.evidence.run
    flavors = {f for lm in job.evidence.logged_models for f in lm.flavors}
    metadata: dict[str, Any] = {
        **_licence(card),
        "tags": ["mlflow", "riskcards", *sorted(flavors)],
        "datasets": sorted({d.name for d in run.datasets}),
        "metrics": sorted({m.key for m in run.metrics if not m.key.startswith("slice/")}),
        "model-index": _model_index(job, card),
        "riskcards": _riskcards(job),
    }
    return {k: v for k, v in metadata.items() if v}


def _text(value: object) -> str:
    """A value as inert Markdown text, or an explicit "Not provided"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"_{NOT_PROVIDED}_"
    return md_escape(value)


def _prose(p: Prose) -> str:
    return _text(p.value) + (f" (source: {md_escape(p.source)})" if p.value and p.source else "")


def _table(header: tuple[str, str], rows: Sequence[tuple[object, object]]) -> str:
    """A two-column table (one block), or "Not provided" when there are no rows."""
    if not rows:
        return f"_{NOT_PROVIDED}_"
    lines = [f"| {_text(a)} | {_text(b)} |" for a, b in rows]
    return "\n".join([f"| {header[0]} | {header[1]} |", "|---|---|", *lines])


def _sections(job: RenderJob, card: ModelCard) -> Iterator[str | list[str]]:
    """The template's sections, each a block or a list of blocks (headings, text, tables)."""
    details = [(r.label, r.value) for r in card.details]
    yield f"# Model Card for {md_escape(job.evidence.model_name)}"
    yield _prose(card.overview)
    yield ["## Model Details", "### Model Description", _table(("Field", "Value"), details)]
    yield [
        "### Model Sources",
        _table(("Source", "Where"), [(r.label, r.value) for r in card.provenance]),
    ]
    yield ["## Uses", "### Direct Use", _prose(card.intended_uses)]
    yield ["### Intended Users", _prose(card.intended_users)]
    yield ["### Out-of-Scope Use", _prose(card.out_of_scope_uses)]
    yield ["## Bias, Risks, and Limitations", _prose(card.caveats)]
    yield ["### Ethical Considerations", _prose(card.ethical_considerations)]
    yield ["### Recommendations", _prose(card.recommendations)]
    yield [
        "## How to Get Started with the Model",
        f"MLflow model URI: {_text(job.evidence.target.uri)}",
    ]
    yield ["## Training Details", "### Training Data", _prose(card.training_data_notes)]
    yield _table(("Dataset", "Digest"), [(d.name, d.digest) for d in card.training_data])
    yield ["### Training Procedure", "#### Training Hyperparameters"]
    yield _table(("Parameter", "Value"), [(r.label, r.value) for r in card.params])
    yield ["## Evaluation", "### Testing Data, Factors & Metrics", "#### Testing Data"]
    yield [
        _prose(card.evaluation_data_notes),
        _table(("Dataset", "Digest"), [(d.name, d.digest) for d in card.evaluation_data]),
    ]
    yield ["#### Factors", _prose(card.evaluation_factors)]
    yield ["#### Metrics", _table(("Metric", "Value"), _metric_rows(card))]
    yield ["### Results", _slice_lines(card)]
    yield ["## Governance (riskcards)", *_governance(job)]
    yield [
        "## Citation",
        _text(next((r.value for r in card.details if r.label == "Citation"), None)),
    ]
    yield [
        "## Model Card Contact",
        _text(next((r.value for r in card.details if r.label == "Owner / contact"), None)),
    ]


def _metric_rows(card: ModelCard) -> list[tuple[object, object]]:
    rows: list[tuple[object, object]] = [(m.key, m.value) for m in card.performance]
    rows += [(m.key, m.value) for group in card.metric_groups.values() for m in group]
    return rows


def _slice_lines(card: ModelCard) -> str:
    rows = [
        (f"{s.attribute} = {s.value}: {name}", value)
        for slices in card.slice_attributes.values()
        for s in slices
        for name, value in s.metrics.items()
    ]
    return _table(("Slice", "Value"), rows)


def _governance(job: RenderJob) -> list[str]:
    lines = [
        f"Assessed as of {job.assessment.as_of.isoformat()} with the evidence mapping "
        f"{md_escape(job.assessment.mapping_id)}; the bundle's gap reports hold every status "
        "and the evidence behind it."
    ]
    rows = [
        (fw.catalogue_title, ", ".join(f"{n} {s}" for s, n in fw.counts.items() if n))
        for fw in job.assessment.frameworks
    ]
    return [*lines, _table(("Framework", "Controls"), rows)]


def hf_card(job: RenderJob) -> str:
    """The card: front matter, then the template's sections."""
    card = model_card(job)
    meta = yaml.safe_dump(front_matter(job, card), sort_keys=True, allow_unicode=True)
    body = "\n\n".join("\n\n".join(s) if isinstance(s, list) else s for s in _sections(job, card))
    return f"---\n{meta}---\n\n{body}\n"


def hf_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    content = hf_card(job).encode()
    return [BundleFile(path=HF_CARD, kind=HF_CARD_KIND, format=MARKDOWN_FORMAT, content=content)]
