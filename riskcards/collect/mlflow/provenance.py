"""How the evidence was collected, and what the collection noticed (layer: collect).

- :func:`provenance`: the tracking URI without credentials, client and server versions,
  every query made and how often, retries, counts, duration and time of collection;
- :func:`collection_warnings`: a deleted run, a version that is not READY, invalid (NaN or
  infinite) metrics, tables that were not loaded.

Imports no mlflow (the client library's version comes from :mod:`.session`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from riskcards import __version__
from riskcards.collect.mlflow.session import Session, library_version
from riskcards.models.evidence import (
    LoggedModelEvidence,
    ModelVersionEvidence,
    Provenance,
    RunEvidence,
)
from riskcards.redact import redact_uri


def provenance(
    s: Session,
    collected_at: datetime,
    server_version: str | None,
    run: RunEvidence,
    models: list[LoggedModelEvidence],
) -> Provenance:
    """Where, when and how the evidence was collected, with counts of what was found."""
    loaded = [t for t in run.tables if t.status == "loaded"]
    counts = {
        "metrics": len(run.metrics),
        "invalid_metrics": sum(not m.valid for m in run.metrics),
        "history_points": sum(len(m.history or ()) for m in run.metrics),
        "params": len(run.params),
        "tags": len(run.tags) + len(run.system_tags),
        "datasets": len(run.datasets),
        "artifacts": sum(not a.is_dir for a in run.artifacts),
        "tables_loaded": len(loaded),
        "tables_not_loaded": len(run.tables) - len(loaded),
        "table_bytes": sum(t.size or 0 for t in loaded),
        "logged_models": len(models),
        "evaluations": len(run.evaluations),
    }
    return Provenance(
        tracking_uri=redact_uri(s.tracking_uri),
        mlflow_version=library_version(),
        riskcards_version=__version__,
        collected_at=collected_at,
        mlflow_server_version=server_version,
        duration_seconds=round(s.calls.elapsed(), 3),
        deadline_seconds=s.calls.deadline_seconds,
        history=s.options.history,
        max_table_bytes=s.options.max_table_bytes if s.options.fetch_tables else None,
        queries=dict(sorted(s.calls.queries.items())),
        retries=s.calls.retries,
        counts=counts,
        auth=s.options.auth,
        tls_verified=s.options.tls_verified,
    )


def collection_warnings(
    run: RunEvidence,
    version: ModelVersionEvidence | None,
    models: Sequence[LoggedModelEvidence] = (),
) -> list[str]:
    """What the collection noticed about the run, the version and the models, in plain words."""
    found = [
        f"MLmodel of {m.uri} not read (not YAML, or nested deeper than the parser follows): "
        "no flavors or signature recorded"
        for m in models
        if m.mlmodel_sha256 and not m.flavors
    ]
    if run.lifecycle_stage and run.lifecycle_stage != "active":
        found.append(f"run {run.run_id} is {run.lifecycle_stage}")
    if version is not None and version.status and version.status != "READY":
        found.append(
            f"model version {version.name} v{version.version} is {version.status}, not READY"
        )
    found += [
        f"metric {m.key!r} is {_spelled(m.value)}: kept, flagged as invalid evidence"
        for m in run.metrics
        if not m.valid
    ]
    found += [f"table {t.path!r}: {t.detail}" for t in run.tables if t.status != "loaded"]
    return found


def _spelled(value: float) -> str:
    return "NaN" if math.isnan(value) else ("+inf" if value > 0 else "-inf")
