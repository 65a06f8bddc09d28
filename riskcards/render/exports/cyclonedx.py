"""A CycloneDX 1.6 ML-BOM of the model and its assessment (layer: render): ``ml-bom.cdx.json``.

- The model is a ``machine-learning-model`` component (``bom-ref`` ``model``) with a
  ``modelCard``: ``modelParameters`` (task, architecture, the datasets by reference; run
  params as ``mlflow:param:*`` properties), ``quantitativeAnalysis.performanceMetrics`` (every
  logged metric, ``slice/<attribute>/<value>/<metric>`` metrics with their ``slice``, and the
  slice rates riskcards recomputed, with their Wilson ``confidenceInterval``) and
  ``considerations`` (users, use cases, limitations, ethical considerations, fairness
  assessments), each text from the same sources as the model card, absent when not provided.
- Each dataset of the run is a ``data`` component; its MLflow digest (not a cryptographic
  hash, so not in ``hashes``) is the property ``riskcards:dataset:digest``.
- The catalogues are ``definitions.standards`` (one requirement per assessed control) and the
  assessment is ``declarations``: riskcards as the assessor, one attestation per framework
  mapping each requirement to a claim (its predicate states riskcards' status), a
  conformance score (met 1, partial 0.5, gap and waived 0; none when not assessed or not
  applicable) and the evidence behind it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from riskcards import __version__
from riskcards.models.analysis import Analysis, SliceReport
from riskcards.models.assessment import ControlResult, ControlStatus, EvidenceRef
from riskcards.models.assessment import FrameworkAssessment as Framework
from riskcards.models.bundle import JSON_FORMAT, BundleFile
from riskcards.models.evidence import DatasetInput
from riskcards.render.exports.common import (
    evidence_id,
    evidence_of,
    model_card,
    stable_uuid,
    status_name,
    to_json,
)
from riskcards.render.job import RenderJob
from riskcards.render.views import ModelCard

SPEC_VERSION = "1.6"
BOM = "ml-bom.cdx.json"
BOM_KIND = "cyclonedx-ml-bom"
MODEL_REF = "model"
ASSESSOR_REF = "assessor-riskcards"
# conformance scores; a control not assessed or not applicable has none
SCORES = {
    ControlStatus.MET: 1.0,
    ControlStatus.PARTIAL: 0.5,
    ControlStatus.GAP: 0.0,
    ControlStatus.WAIVED: 0.0,
}


def dataset_ref(ds: DatasetInput) -> str:
    return f"dataset:{ds.name}@{ds.digest}"


def requirement_ref(catalogue_id: str, control_id: str) -> str:
    return f"requirement:{catalogue_id}:{control_id}"


def _props(prefix: str, values: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": f"{prefix}{k}", "value": v} for k, v in sorted(values.items())]


def _dataset(ds: DatasetInput) -> dict[str, Any]:
    described = {"digest": ds.digest, "source-type": ds.source_type, "source": ds.source}
    if ds.context:
        described["context"] = ds.context
    return {
        "type": "data",
        "bom-ref": dataset_ref(ds),
        "name": ds.name,
        "version": ds.digest,
        "data": [{"type": "dataset", "name": ds.name}],
        "properties": _props("riskcards:dataset:", described)
        + _props("mlflow:dataset:tag:", ds.tags),
    }


def _slices(report: SliceReport) -> Iterator[dict[str, Any]]:
    for attr in report.attributes:
        for s in attr.slices:
            rate = s.accuracy
            if rate.value is None:
                continue
            metric: dict[str, Any] = {
                "type": "accuracy (recomputed by riskcards)",
                "value": str(rate.value),
                "slice": f"{attr.attribute}={s.value}",
            }
            if rate.low is not None and rate.high is not None:
                metric["confidenceInterval"] = {
                    "lowerBound": str(rate.low),
                    "upperBound": str(rate.high),
                }
            yield metric


def _recomputed(analysis: Analysis | None) -> Iterator[dict[str, Any]]:
    if analysis is None:
        return
    for key, measure in sorted(analysis.measures.items()):
        yield {"type": f"{key} (recomputed by riskcards)", "value": str(measure.value)}
    for prediction in analysis.predictions:
        if isinstance(prediction.slices, SliceReport):
            yield from _slices(prediction.slices)


def _metrics(job: RenderJob) -> list[dict[str, Any]]:
    found = []
    for m in job.evidence.run.metrics:
        parts = m.key.split("/", 3)
        if len(parts) == 4 and parts[0] == "slice":
            found.append(
                {"type": parts[3], "value": str(m.value), "slice": f"{parts[1]}={parts[2]}"}
            )
        else:
            found.append({"type": m.key, "value": str(m.value)})
    return found + list(_recomputed(job.analysis))


def _fairness(analysis: Analysis | None) -> list[dict[str, str]]:
    """Facts riskcards computed about the worst slice of each attribute, nothing more."""
    found = []
    for prediction in analysis.predictions if analysis else ():
        report = prediction.slices
        if not isinstance(report, SliceReport):
            continue
        for attr in report.attributes:
            if attr.worst_slice is None or attr.worst_slice_gap is None:
                continue
            found.append(
                {
                    "groupAtRisk": f"{attr.attribute}={attr.worst_slice}",
                    "harms": f"accuracy {attr.worst_slice_gap:.4g} below the overall "
                    f"accuracy (recomputed by riskcards from {report.source.table})",
                }
            )
    return found


def _considerations(card: ModelCard, analysis: Analysis | None) -> dict[str, Any]:
    texts = {
        "users": [card.intended_users.value],
        "useCases": [card.intended_uses.value],
        "technicalLimitations": [
            card.caveats.value,
            f"Out-of-scope use: {card.out_of_scope_uses.value}"
            if card.out_of_scope_uses.value
            else None,
        ],
    }
    found: dict[str, Any] = {k: [v for v in vs if v] for k, vs in texts.items()}
    if card.ethical_considerations.value:
        found["ethicalConsiderations"] = [{"name": card.ethical_considerations.value}]
    found["fairnessAssessments"] = _fairness(analysis)
    return {k: v for k, v in found.items() if v}


def _model(job: RenderJob) -> dict[str, Any]:
    card, run, mv = model_card(job), job.evidence.run, job.evidence.model_version
    details = {row.label: row.value for row in card.details}
    parameters: dict[str, Any] = {"datasets": [{"ref": dataset_ref(d)} for d in run.datasets]}
    if details.get("Task"):
        parameters["task"] = details["Task"]
    if details.get("Model type"):
        parameters["modelArchitecture"] = details["Model type"]
    model_card_json: dict[str, Any] = {
        "modelParameters": {k: v for k, v in parameters.items() if v},
        "quantitativeAnalysis": {"performanceMetrics": _metrics(job)},
        "considerations": _considerations(card, job.analysis),
        "properties": _props("mlflow:param:", run.params),
    }
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": MODEL_REF,
        "name": job.evidence.model_name,
        "version": mv.version if mv else run.run_id,
        "modelCard": {k: v for k, v in model_card_json.items() if v},
        "properties": [
            {"name": "riskcards:target", "value": job.evidence.target.uri},
            {"name": "riskcards:mlflow:run", "value": f"runs:/{run.run_id}"},
        ],
    }
    if card.overview.value:
        component["description"] = card.overview.value
    if details.get("Licence"):
        component["licenses"] = [{"license": {"name": details["Licence"]}}]
    return component


def _standard(job: RenderJob, fw: Framework) -> dict[str, Any]:
    cat = job.catalogues[fw.catalogue_id]
    requirements = []
    for c in fw.controls:
        control = cat.control(c.control_id)
        requirement = {
            "bom-ref": requirement_ref(fw.catalogue_id, c.control_id),
            "identifier": c.control_id,
        }
        if control is not None and control.title:
            requirement["title"] = control.title
        if control is not None and (control.text or control.summary):
            requirement["text"] = control.text or control.summary or ""
        requirements.append(requirement)
    return {
        "bom-ref": f"standard:{cat.id}",
        "name": cat.title,
        "version": cat.version,
        "owner": cat.publisher,
        "requirements": requirements,
        "externalReferences": [{"type": "documentation", "url": cat.source_url}],
    }


def _evidence(job: RenderJob, ref: EvidenceRef) -> dict[str, Any]:
    value = f" = {ref.value}" if ref.value is not None else ""
    digest = f" (digest {ref.digest})" if ref.digest else ""
    return {
        "bom-ref": f"evidence:{evidence_id(ref)}",
        "propertyName": f"riskcards:evidence:{ref.kind}",
        "description": f"{ref.kind} {ref.locator}{value}{digest}",
        "created": job.evidence.provenance.collected_at.isoformat(),
    }


def claim_predicate(c: ControlResult) -> str:
    """The claim about one control; it ends with riskcards' status, as a reader can parse."""
    return f"{c.catalogue_id} {c.control_id}: riskcards status {c.status.value} ({status_name(c)})"


def _claim(c: ControlResult) -> dict[str, Any]:
    claim: dict[str, Any] = {
        "bom-ref": f"claim:{c.catalogue_id}:{c.control_id}",
        "target": MODEL_REF,
        "predicate": claim_predicate(c),
        "reasoning": c.reason
        + (
            f" {c.decision.kind} by {c.decision.approver}: {c.decision.reason}"
            if c.decision
            else ""
        ),
    }
    evidence = [f"evidence:{evidence_id(r)}" for r in evidence_of(c.checks)]
    if evidence:
        claim["evidence"] = evidence
    return claim


def _map(c: ControlResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "requirement": requirement_ref(c.catalogue_id, c.control_id),
        "claims": [f"claim:{c.catalogue_id}:{c.control_id}"],
    }
    if c.status in SCORES:
        entry["conformance"] = {"score": SCORES[c.status], "rationale": c.reason}
    return entry


def _declarations(job: RenderJob) -> dict[str, Any]:
    frameworks = job.assessment.frameworks
    controls = [c for fw in frameworks for c in fw.controls]
    refs = {evidence_id(r): r for r in evidence_of([k for c in controls for k in c.checks])}
    declarations: dict[str, Any] = {
        "assessors": [
            {
                "bom-ref": ASSESSOR_REF,
                "thirdParty": False,
                "organization": {"name": f"riskcards {__version__} (automated assessment)"},
            }
        ],
        "attestations": [
            {
                "summary": f"{fw.catalogue_title} ({fw.catalogue_version}): "
                + ", ".join(f"{n} {s}" for s, n in fw.counts.items() if n),
                "assessor": ASSESSOR_REF,
                "map": [_map(c) for c in fw.controls],
            }
            for fw in frameworks
        ],
        "claims": [_claim(c) for c in controls],
    }
    if refs:
        declarations["evidence"] = [_evidence(job, r) for r in refs.values()]
    return declarations


def bom(job: RenderJob) -> dict[str, Any]:
    """The ML-BOM as a JSON-ready dict."""
    a = job.assessment
    seed = hashlib.sha256(job.evidence_json).hexdigest()
    serial = stable_uuid("cyclonedx", seed, a.as_of.isoformat(), a.mapping_id)
    components = [_model(job), *(_dataset(ds) for ds in job.evidence.run.datasets)]
    return {
        "$schema": f"http://cyclonedx.org/schema/bom-{SPEC_VERSION}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {
            "timestamp": a.as_of.isoformat(),
            "tools": {
                "components": [{"type": "application", "name": "riskcards", "version": __version__}]
            },
            "properties": [
                {"name": "riskcards:mapping", "value": a.mapping_id},
                {"name": "riskcards:as-of", "value": a.as_of.isoformat()},
            ],
        },
        "components": components,
        "definitions": {"standards": [_standard(job, fw) for fw in a.frameworks]},
        "declarations": _declarations(job),
    }


def cyclonedx_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    return [BundleFile(path=BOM, kind=BOM_KIND, format=JSON_FORMAT, content=to_json(bom(job)))]
