"""The model itself: MLflow 3 logged models and MLflow 2 model folders (layer: collect).

- An MLflow 3 logged model (``models:/m-...``): its params, tags, dataset-linked metrics,
  artifact listing, flavors and signature (from its MLmodel file). One that the store cannot
  give becomes a warning, not a failure (unless access was refused or the store is down).
- An MLflow 2 style model: a folder with an MLmodel file among the run's artifacts.

A model version brings its own model; a run target brings every model the run logged.
Imports no mlflow.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from riskcards.collect.mlflow.artifacts import (
    MLMODEL,
    fetch_bytes,
    model_folders,
    parse_mlmodel,
    sha256,
    walk_serially,
)
from riskcards.collect.mlflow.calls import Cancelled, is_access_denied, transient_reason
from riskcards.collect.mlflow.runs import model_ids
from riskcards.collect.mlflow.session import Session, repository
from riskcards.collect.mlflow.values import metric_value, timestamp
from riskcards.models.evidence import (
    ArtifactInfo,
    LoggedModelEvidence,
    MetricValue,
    ModelVersionEvidence,
)
from riskcards.redact import redact_uri


def logged_model_ids(raw: Any, version: ModelVersionEvidence | None) -> list[str]:
    """The MLflow 3 logged models to read: the version's, or every model the run logged."""
    if version is None:
        return list(model_ids(raw, "outputs", "model_outputs"))
    return [version.model_id] if version.model_id else []


def logged_model(s: Session, model_id: str) -> LoggedModelEvidence | str:
    """The MLflow 3 logged model, or a warning saying why it could not be read."""
    try:
        lm = s.calls.call("logged-models/get", s.client.get_logged_model, model_id)
    except Cancelled:
        raise
    except Exception as exc:
        if is_access_denied(exc) or transient_reason(exc):
            raise
        return (
            f"logged model {model_id}: not available from this store ({s.calls.message(str(exc))})"
        )
    repo = repository(s, lm.artifact_location)
    listing = walk_serially(s.calls, repo, operation="artifacts/list")
    flavors, signature, digest = _mlmodel(s, repo, MLMODEL, listing)
    status = getattr(lm.status, "name", None) or (str(lm.status) if lm.status is not None else None)
    return LoggedModelEvidence(
        uri=f"models:/{lm.model_id}",
        model_id=lm.model_id,
        name=lm.name or None,
        model_type=lm.model_type or None,
        source_run_id=lm.source_run_id or None,
        status=status,
        created=timestamp(lm.creation_timestamp),
        artifact_location=redact_uri(lm.artifact_location) if lm.artifact_location else None,
        tags=dict(sorted(dict(lm.tags or {}).items())),
        params=dict(sorted(dict(lm.params or {}).items())),
        metrics=_model_metrics(lm),
        flavors=flavors,
        signature=signature,
        mlmodel_sha256=digest,
        artifacts=listing,
    )


def _model_metrics(lm: Any) -> tuple[MetricValue, ...]:
    """A logged model's metrics, each linked to the dataset it was computed on."""
    return tuple(
        sorted(
            (
                MetricValue(
                    key=m.key,
                    value=metric_value(m.value),
                    step=int(m.step or 0),
                    timestamp=timestamp(m.timestamp),
                    dataset_name=m.dataset_name or None,
                    dataset_digest=m.dataset_digest or None,
                )
                for m in lm.metrics or ()
            ),
            key=lambda m: (m.key, m.dataset_name or "", m.step),
        )
    )


def artifact_model(
    s: Session, repo: Any, run_id: str, folder: str, listing: tuple[ArtifactInfo, ...]
) -> LoggedModelEvidence:
    """An MLflow 2 style model: a folder with an MLmodel file among the run's artifacts."""
    path = posixpath.join(folder, MLMODEL) if folder else MLMODEL
    flavors, signature, digest = _mlmodel(s, repo, path, listing)
    inside = tuple(a for a in listing if not folder or a.path.startswith(folder + "/"))
    return LoggedModelEvidence(
        uri=f"runs:/{run_id}/{folder}".rstrip("/"),
        source_run_id=run_id,
        flavors=flavors,
        signature=signature,
        mlmodel_sha256=digest,
        artifacts=inside,
    )


def _mlmodel(
    s: Session, repo: Any, path: str, listing: Iterable[ArtifactInfo]
) -> tuple[Any, Any, Any]:
    if not any(a.path == path and not a.is_dir for a in listing):
        return (), None, None
    data = fetch_bytes(s.calls, repo, path, operation="artifacts/get")
    flavors, signature = parse_mlmodel(data.decode("utf-8", errors="replace"))
    return flavors, signature, sha256(data)


def model_folders_of(
    version: ModelVersionEvidence | None,
    run_id: str,
    artifact_uri: str | None,
    listing: tuple[ArtifactInfo, ...],
) -> list[str]:
    """The MLflow 2 model folders to read: the version's source folder, or for a run every
    folder holding an MLmodel file."""
    folders = model_folders(listing)
    if version is None:
        return list(folders)
    source = version.source or ""
    relative: str | None = None
    if source.startswith(f"runs:/{run_id}/"):
        relative = source[len(f"runs:/{run_id}/") :].strip("/")
    elif artifact_uri and source.startswith(artifact_uri.rstrip("/") + "/"):
        relative = source[len(artifact_uri.rstrip("/")) + 1 :].strip("/")
    return [relative] if relative is not None and relative in folders else []
