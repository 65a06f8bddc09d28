"""What the export formats share (layer: render): stable ids, JSON bytes, statuses in words.

Every export is a pure function of the :class:`~riskcards.render.job.RenderJob`: no clock
(times are the assessment's ``as_of``), no randomness (UUIDs are version-5 UUIDs of the
content they name), keys sorted, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence

from riskcards.models.assessment import (
    CheckResult,
    ControlResult,
    ControlStatus,
    EvidenceRef,
    FrameworkAssessment,
)
from riskcards.models.bundle import MODEL_CARD_KIND, BundleFile
from riskcards.render.job import RenderJob
from riskcards.render.views import ModelCard, build_model_card

# The namespace of every UUID riskcards derives (uuid5 of the DNS name riskcards.invalid).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "riskcards.invalid")
# The namespace of riskcards' own properties in OSCAL and CycloneDX documents.
PROPS_NS = "https://riskcards.invalid/ns/oscal"
SEVERITIES = ("low", "medium", "high", "critical")

STATUS_WORDS = {
    ControlStatus.MET: "met",
    ControlStatus.PARTIAL: "partially met",
    ControlStatus.GAP: "gap",
    ControlStatus.NOT_ASSESSED: "not assessed",
    ControlStatus.NOT_APPLICABLE: "not applicable",
    ControlStatus.WAIVED: "waived",
}


def stable_uuid(*parts: str) -> str:
    """A UUID (version 5) that depends only on ``parts``: the same content, the same id."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def to_json(data: object) -> bytes:
    """Indented, key-sorted UTF-8 JSON with a final newline (NaN written as a string)."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def status_name(control: ControlResult) -> str:
    """riskcards' own status of a control, with the crosswalk inference named."""
    inferred = " (inferred via crosswalk)" if control.via_crosswalk else ""
    return f"{STATUS_WORDS[control.status]}{inferred}"


def severity(control: ControlResult) -> str | None:
    """The highest severity among the checks that did not pass (None: none failed)."""
    found = [c.severity for c in control.checks if c.failing]
    ranked = [s for s in SEVERITIES if s in found]
    return ranked[-1] if ranked else None


def owners(control: ControlResult) -> tuple[str, ...]:
    """Who remediates the control: the owners of its checks that did not pass, sorted."""
    return tuple(sorted({c.owner for c in control.checks if c.owner and c.failing}))


def evidence_of(checks: Sequence[CheckResult]) -> Iterator[EvidenceRef]:
    """Every distinct piece of evidence behind ``checks``, in order of first use."""
    seen: set[EvidenceRef] = set()
    for check in checks:
        for ref in check.evidence:
            if ref not in seen:
                seen.add(ref)
                yield ref


def evidence_id(ref: EvidenceRef) -> str:
    """A short, stable name for one piece of evidence."""
    return hashlib.sha256(f"{ref.kind}\x1f{ref.locator}".encode()).hexdigest()[:16]


def bundle_links(fw: FrameworkAssessment, made: Sequence[BundleFile]) -> tuple[str, ...]:
    """The paths of the bundle files about ``fw`` made so far, then the model card's."""
    ours = [f.path for f in made if f.framework == fw.catalogue_id]
    card = [f.path for f in made if f.kind == MODEL_CARD_KIND]
    return (*ours, *card)


def model_name(job: RenderJob) -> str:
    """The model's name without its version: what stays the same from one release to the next
    (the registered model's name, else the run's name, else its id)."""
    return job.evidence.target.model_name or job.evidence.model_name


def model_card(job: RenderJob) -> ModelCard:
    """The model card view the HTML model card shows: the exports say the same things."""
    return build_model_card(job.evidence, job.assessment, job.sidecars.model_card, job.analysis)
