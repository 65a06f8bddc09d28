"""What a fleet run records per version, in ``DIR/fleet.json`` (layer: fleet).

Each :class:`Entry` is one model version: how it went (released, unchanged, failed), the key
its reuse is decided by (the sha256 of its evidence, without the time of collection, and of
every input), the exit code of its release and the facts the portfolio shows. A later run
reads the record back to reuse what did not change; ``riskcards portfolio`` reads the records
of several shards. Pure, apart from :func:`read_record` and :func:`record_bytes`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from riskcards.errors import UsageError
from riskcards.models.assessment import Assessment, CheckStatus, ControlStatus
from riskcards.models.base import Frozen
from riskcards.models.bundle import InputFile
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.render.views.decision import build_decision

RECORD = "fleet.json"
RECORD_SCHEMA = 1


class FrameworkCell(Frozen):
    """One cell of the models x frameworks matrix."""

    catalogue_id: str
    title: str
    verdict: str  # "blocking", "gaps" or "met"
    blocking: int
    direct_coverage: float


class ExpiringItem(Frozen):
    kind: str
    name: str
    expires: str
    days: int


class Entry(Frozen):
    """One model version of a fleet run."""

    model: str
    version: str
    target: str
    aliases: tuple[str, ...] = ()
    status: str  # released, unchanged or failed
    exit_code: int
    key: str | None = None
    error: str | None = None
    bundle: str | None = None  # the bundle folder, relative to the fleet folder
    main: str | None = None  # the bundle's main document, relative to the bundle
    as_of: str | None = None
    verdict: str | None = None
    blocking: int = 0
    owners: tuple[str, ...] = ()
    frameworks: tuple[FrameworkCell, ...] = ()
    expiring: tuple[ExpiringItem, ...] = ()
    stale: tuple[str, ...] = ()


class FleetRecord(Frozen):
    schema_version: int = RECORD_SCHEMA
    entries: tuple[Entry, ...]


def evidence_key(evidence: EvidenceSnapshot, inputs: Sequence[InputFile], settings: str) -> str:
    """The sha256 of the evidence (without when and how fast it was collected), every input
    file's hash and the release settings: equal keys give equal bundles."""
    data = evidence.model_dump(mode="json", exclude={"provenance"})
    data["tracking_uri"] = evidence.provenance.tracking_uri
    blob = json.dumps(
        {
            "evidence": data,
            "inputs": sorted(f"{f.role}:{f.name}:{f.sha256}" for f in inputs),
            "settings": settings,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def owners(evidence: EvidenceSnapshot, assessment: Assessment) -> tuple[str, ...]:
    """Who answers for the model: the ``owner`` tag of the version, registered model or run,
    then the owners named by failing checks."""
    found: list[str] = []
    mv = evidence.model_version
    for tags in (mv.tags if mv else {}, mv.registered_model_tags if mv else {}, evidence.run.tags):
        if tags.get("owner"):
            found.append(tags["owner"])
    found += [c.owner for c in assessment.checks if c.failing and c.owner]
    return tuple(dict.fromkeys(found))


def summarise(
    entry: Entry, evidence: EvidenceSnapshot, assessment: Assessment, notice_days: int
) -> Entry:
    """The entry with the facts the portfolio shows about an assessed version."""
    decision = build_decision(assessment, notice_days=notice_days)
    cells = tuple(
        FrameworkCell(
            catalogue_id=fw.catalogue_id,
            title=fw.catalogue_title,
            verdict="blocking" if fw.blocking else "gaps" if fw.count(ControlStatus.GAP) else "met",
            blocking=len(fw.blocking),
            direct_coverage=round(fw.direct_coverage, 4),
        )
        for fw in assessment.frameworks
    )
    stale = tuple(
        f"{c.title}: {c.reason}"
        for c in assessment.checks
        if c.status is CheckStatus.NOT_EVIDENCED and "stale" in c.reason
    )
    return entry.model_copy(
        update={
            "as_of": assessment.as_of.isoformat(),
            "verdict": decision.verdict,
            "blocking": len(assessment.blocking),
            "owners": owners(evidence, assessment),
            "frameworks": cells,
            "expiring": tuple(
                ExpiringItem(kind=e.kind, name=e.name, expires=e.expires, days=e.days)
                for e in decision.expiring
            ),
            "stale": stale,
        }
    )


def record_bytes(entries: Sequence[Entry]) -> bytes:
    ordered = sorted(entries, key=lambda e: (e.model, int_or(e.version)))
    text = FleetRecord(entries=tuple(ordered)).model_dump_json(indent=2)
    return (text + "\n").encode()


def int_or(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (0, version)


def read_record(folder: Path) -> FleetRecord | None:
    """The record of a fleet folder, None when it has none yet."""
    path = folder / RECORD
    if not path.is_file():
        return None
    try:
        return FleetRecord.model_validate_json(path.read_bytes())
    except (ValidationError, OSError) as exc:
        raise UsageError(f"{path}: not a riskcards fleet record ({exc})") from None
