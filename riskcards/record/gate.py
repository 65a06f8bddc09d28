"""The gate's verdict in the words the registry and the signed statement use (layer: record)."""

from __future__ import annotations

from datetime import datetime

from riskcards.models.assessment import Assessment, ControlStatus

GATE_TAG = "riskcards.gate"
BLOCKING_TAG = "riskcards.blocking"
SHA_TAG = "riskcards.bundle_sha256"
AS_OF_TAG = "riskcards.as_of"


def control_ids(assessment: Assessment, *, blocking: bool) -> list[str]:
    """``<framework> <control>`` of the blocking controls, or of those met."""
    return sorted(
        f"{c.catalogue_id} {c.control_id}"
        for fw in assessment.frameworks
        for c in fw.controls
        if (c.blocking if blocking else c.status is ControlStatus.MET)
    )


def gate_tags(assessment: Assessment, bundle_sha256: str, as_of: datetime) -> dict[str, str]:
    """The model-version tags ``release --log-to-mlflow`` sets."""
    blocking = control_ids(assessment, blocking=True)
    return {
        GATE_TAG: "fail" if blocking else "pass",
        BLOCKING_TAG: str(len(blocking)),
        SHA_TAG: bundle_sha256,
        AS_OF_TAG: as_of.isoformat(),
    }
