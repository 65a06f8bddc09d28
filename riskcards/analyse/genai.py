"""PII masking of GenAI evidence: trace requests, responses and rationales (layer: analytics).

:func:`mask_genai` runs the PII scanner (:func:`riskcards.analyse.pii.mask_pii`) over every
trace's texts, replaces each match with ``[<category>]`` and records, per trace, the
categories found in the response (``genai_output_pii`` judges those). Masking twice changes
nothing: a masked snapshot is returned as it is.
"""

from __future__ import annotations

from riskcards.analyse.pii import mask_pii
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.evidence_genai import GenaiTrace, TraceAssessment


def mask_genai(evidence: EvidenceSnapshot) -> EvidenceSnapshot:
    """The snapshot with its GenAI trace texts PII-masked (unchanged without GenAI evidence)."""
    genai = evidence.genai
    if genai is None or all(t.masked for t in genai.traces):
        return evidence
    traces = tuple(t if t.masked else _masked(t) for t in genai.traces)
    return evidence.model_copy(update={"genai": genai.model_copy(update={"traces": traces})})


def _masked(t: GenaiTrace) -> GenaiTrace:
    request, _ = mask_pii(t.request)
    response, found = mask_pii(t.response)
    return t.model_copy(
        update={
            "request": request,
            "response": response,
            "assessments": tuple(_masked_rationale(a) for a in t.assessments),
            "pii": tuple(found),
            "masked": True,
        }
    )


def _masked_rationale(a: TraceAssessment) -> TraceAssessment:
    if not a.rationale:
        return a
    return a.model_copy(update={"rationale": mask_pii(a.rationale)[0]})
