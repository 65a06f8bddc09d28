"""Collect an :class:`EvidenceSnapshot` from MLflow (layer: sources).

This is the module of the pipeline that talks to MLflow (mlflow is imported inside
:func:`collect` only, so importing riskcards stays light). It resolves the target
(``runs:/<id>``, ``models:/<name>/<version>``, ``models:/<name>@<alias>``), follows a model
version to its source run and, on MLflow 3, to the logged model behind it, and reads:

- the registered model (description, tags, aliases) and the version (description, tags);
- the run: latest metrics (one ``runs/get`` whatever the number of metrics), params, tags,
  description, dataset inputs with their tags, model inputs and outputs, and, when asked,
  every metric's full history (``metrics/get-history``, paged by MLflow to the end);
- the run's artifact listing, and the content of its evaluation tables up to a size cap,
  each hashed with sha256 as it arrives (:mod:`.artifacts`);
- the logged model: params, tags, dataset-linked metrics, artifact listing, flavors and
  signature (from its MLmodel file), or the MLflow 2 model folder among the run's artifacts;
- what ``mlflow.models.evaluate`` logged, recognised by name (:mod:`.evaluate`);
- provenance: the tracking URI without credentials, client and server versions, every
  query made and how often, counts, duration and time of collection.

Requests grow with pages and folders, not with runs times metrics; independent reads,
listings and downloads run concurrently (at most ``MAX_WORKERS``). Every call runs under
one deadline with riskcards' own retries (:mod:`.calls`). Every failure becomes an
:class:`EvidenceSourceError` (exit 3) whose message names what was asked for and holds no
credential; nothing is written anywhere (downloads go to a temporary folder, removed at once).
"""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import posixpath
import re
import sys
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from riskcards import __version__
from riskcards.errors import (
    AccessDenied,
    EvidenceSourceError,
    NotFound,
    SourceUnavailable,
    UsageError,
)
from riskcards.models.evidence import (
    ArtifactInfo,
    DatasetInput,
    EvidenceSnapshot,
    LoggedModelEvidence,
    MetricPoint,
    MetricValue,
    MlflowEvaluation,
    ModelVersionEvidence,
    Provenance,
    RunEvidence,
    TableArtifact,
    Target,
)
from riskcards.sources.artifacts import (
    DEFAULT_MAX_TABLE_BYTES,
    MLMODEL,
    fetch_bytes,
    fetch_table,
    model_folders,
    parse_mlmodel,
    sha256,
    tables_in,
    walk,
    walk_serially,
)
from riskcards.sources.calls import (
    DEFAULT_DEADLINE_SECONDS,
    Calls,
    Cancelled,
    Secrets,
    chain,
    error_code,
    is_access_denied,
    is_not_found,
    mlflow_limits,
    transient_reason,
)
from riskcards.sources.evaluate import recognise_evaluations
from riskcards.targets import TargetSpec, parse_target, redact_uri

if TYPE_CHECKING:
    from mlflow import MlflowClient

__all__ = [
    "DEFAULT_DEADLINE_SECONDS",
    "DEFAULT_MAX_TABLE_BYTES",
    "MAX_WORKERS",
    "collect",
    "resolve_tracking_uri",
]

MAX_WORKERS = 8
_DESCRIPTION_TAG = "mlflow.note.content"
_CONTEXT_TAG = "mlflow.data.context"
_LOGGED_MODEL_SOURCE = re.compile(r"^models:/(m-[0-9a-zA-Z]+)/?$")
_VERSION_TEXT = re.compile(r"^[0-9A-Za-z.+_-]{1,40}$")


def resolve_tracking_uri(explicit: str | None) -> str:
    """The tracking URI to use: the explicit one, else ``MLFLOW_TRACKING_URI``."""
    uri = explicit or os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        raise UsageError("no tracking URI: pass --tracking-uri or set MLFLOW_TRACKING_URI")
    return uri


def collect(
    target: str,
    tracking_uri: str,
    *,
    history: bool = False,
    fetch_tables: bool = True,
    max_table_bytes: int = DEFAULT_MAX_TABLE_BYTES,
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
    now: datetime | None = None,
) -> EvidenceSnapshot:
    """Collect the evidence for ``target`` (an MLflow URI) from the store at ``tracking_uri``.

    Args:
        target: ``runs:/<run_id>``, ``models:/<name>/<version>`` or ``models:/<name>@<alias>``.
        tracking_uri: an ``http(s)://`` tracking server, or a local ``sqlite:///`` / file store
            (which must exist: riskcards never creates one).
        history: also read every metric's full history (one paged query per metric).
        fetch_tables: fetch the run's evaluation tables (JSON, CSV, parquet).
        max_table_bytes: tables larger than this (default 5 MiB) are recorded as too large,
            not loaded; each loaded table is kept whole in the snapshot.
        deadline_seconds: the whole collection, retries included, ends by then.
        now: the collection time to record (default: the current time).

    Raises:
        UsageError: a malformed target or option.
        SourceUnavailable, AccessDenied, NotFound, EvidenceSourceError: MLflow could not give
            the evidence (exit 3). Nothing has been written.
    """
    spec = parse_target(target)
    if not (deadline_seconds > 0 and math.isfinite(deadline_seconds)):
        raise UsageError(
            f"the deadline must be a positive number of seconds, not {deadline_seconds}"
        )
    if max_table_bytes < 0:
        raise UsageError(f"the table size cap must be 0 or more bytes, not {max_table_bytes}")
    _check_local_store(tracking_uri)
    safe_uri = redact_uri(tracking_uri)
    remote = urlsplit(tracking_uri).scheme.lower() in ("http", "https")
    place = f"the MLflow {'tracking server' if remote else 'store'} at {safe_uri}"
    calls = Calls(deadline_seconds, place, Secrets.gather(tracking_uri))
    collected_at = (now or datetime.now(UTC)).astimezone(UTC)
    options = _Options(history, fetch_tables, max_table_bytes, remote)
    with mlflow_limits(calls.request_timeout), _quiet_warnings(), _translate_errors(spec, calls):
        from mlflow import MlflowClient
        from mlflow.utils.credentials import read_mlflow_creds

        stored = read_mlflow_creds()  # ~/.mlflow/credentials: its password is a secret too
        calls.secrets = Secrets.gather(tracking_uri, extra=[(stored.username, stored.password)])
        client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
        with ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="riskcards-collect") as pool:
            session = _Session(client, calls, tracking_uri, pool, options)
            try:
                return _collect(session, spec, collected_at)
            except BaseException:
                calls.cancel()  # running tasks stop at their next call; queued ones never start
                pool.shutdown(wait=False, cancel_futures=True)
                raise


@dataclass(frozen=True)
class _Options:
    history: bool
    fetch_tables: bool
    max_table_bytes: int
    remote: bool


@dataclass(frozen=True)
class _Session:
    """What every step of one collection needs."""

    client: MlflowClient
    calls: Calls
    tracking_uri: str
    pool: Executor
    options: _Options


def _collect(s: _Session, spec: TargetSpec, collected_at: datetime) -> EvidenceSnapshot:
    version = _model_version(s, spec)
    raw = _get_run(s, _source_run(spec, version))
    reads = _start_reads(s, raw, version)
    found = [f.result() for f in reads.logged_models]
    models = [m for m in found if not isinstance(m, str)]
    models += [f.result() for f in reads.artifact_models]
    metrics = _metrics(raw, {k: f.result() for k, f in reads.histories.items()})
    evaluations = recognise_evaluations(
        (m.key for m in metrics),
        (a.path for a in reads.listing if not a.is_dir),
        (m for lm in models for m in lm.metrics),
    )
    experiment = reads.experiment.result()
    tables = tuple(f.result() for f in reads.tables)
    run = _run_evidence(
        raw, experiment.name if experiment else None, metrics, reads.listing, tables, evaluations
    )
    return EvidenceSnapshot(
        target=_target(spec, run.run_id, version),
        run=run,
        model_version=version,
        logged_models=tuple(models),
        warnings=(*(w for w in found if isinstance(w, str)), *_warnings(run, version)),
        provenance=_provenance(s, collected_at, reads.server_version.result(), run, models),
    )


@dataclass(frozen=True)
class _Reads:
    """The reads of one collection that run concurrently (futures), and the run's listing."""

    experiment: Future[Any]
    server_version: Future[str | None]
    logged_models: list[Future[LoggedModelEvidence | str]]
    artifact_models: list[Future[LoggedModelEvidence]]
    histories: dict[str, Future[tuple[MetricPoint, ...]]]
    tables: list[Future[TableArtifact]]
    listing: tuple[ArtifactInfo, ...]


def _start_reads(s: _Session, raw: Any, version: ModelVersionEvidence | None) -> _Reads:
    """Submit every read that needs only the run; list its artifacts meanwhile, then submit
    the downloads the listing calls for."""
    info, submit = raw.info, s.pool.submit
    experiment = submit(
        s.calls.call, "experiments/get", s.client.get_experiment, info.experiment_id
    )
    server_version = submit(_server_version, s)
    logged = [submit(_logged_model, s, model_id) for model_id in _logged_model_ids(raw, version)]
    histories = (
        {m.key: submit(_history, s, info.run_id, m.key) for m in _latest(raw)}
        if s.options.history
        else {}
    )
    repo = _repository(s, info.artifact_uri)
    listing = walk(s.calls, repo, s.pool, operation="artifacts/list")
    folders = _model_folders_of(version, info.run_id, info.artifact_uri, listing)
    artifact_models = [submit(_artifact_model, s, repo, info.run_id, f, listing) for f in folders]
    entries = tables_in(listing) if s.options.fetch_tables else []
    tables = [
        submit(
            fetch_table,
            s.calls,
            repo,
            entry,
            max_bytes=s.options.max_table_bytes,
            operation="artifacts/get",
        )
        for entry in entries
    ]
    return _Reads(experiment, server_version, logged, artifact_models, histories, tables, listing)


def _source_run(spec: TargetSpec, version: ModelVersionEvidence | None) -> str:
    if version is None:
        assert spec.run_id is not None
        return spec.run_id
    if not version.run_id:
        raise NotFound(f"model version {version.name} v{version.version} has no source run")
    return version.run_id


def _target(spec: TargetSpec, run_id: str, version: ModelVersionEvidence | None) -> Target:
    return Target(
        uri=spec.uri,
        kind="run" if version is None else "model_version",
        run_id=run_id,
        model_name=version.name if version else None,
        model_version=version.version if version else None,
        alias=spec.alias,
    )


def _logged_model_ids(raw: Any, version: ModelVersionEvidence | None) -> list[str]:
    """The MLflow 3 logged models to read: the version's, or every model the run logged."""
    if version is None:
        return list(_model_ids(raw, "outputs", "model_outputs"))
    return [version.model_id] if version.model_id else []


# --- the registry -------------------------------------------------------------------------


def _model_version(s: _Session, spec: TargetSpec) -> ModelVersionEvidence | None:
    """The registered model version the target names (None for a run target)."""
    if spec.kind == "run":
        return None
    assert spec.name is not None
    registered = _registered_model(s, spec.name)
    aliases = {str(a): str(v) for a, v in dict(registered.aliases or {}).items()}
    version = _get_version(s, spec.name, _version_number(spec, aliases))
    model_id = getattr(version, "model_id", None) or None
    if model_id is None and (m := _LOGGED_MODEL_SOURCE.match(version.source or "")):
        model_id = m.group(1)
    return ModelVersionEvidence(
        name=version.name,
        version=str(version.version),
        aliases=tuple(sorted(a for a, v in aliases.items() if v == str(version.version))),
        description=version.description or None,
        source=version.source,
        run_id=version.run_id or None,
        model_id=model_id,
        status=str(version.status) if version.status else None,
        user=getattr(version, "user_id", None) or None,
        created=_ts(version.creation_timestamp),
        last_updated=_ts(getattr(version, "last_updated_timestamp", None)),
        tags=dict(sorted(dict(version.tags or {}).items())),
        registered_model_description=registered.description or None,
        registered_model_tags=dict(sorted(dict(registered.tags or {}).items())),
        registered_model_aliases=dict(sorted(aliases.items())),
    )


def _version_number(spec: TargetSpec, aliases: dict[str, str]) -> str:
    if spec.kind != "model_alias":
        assert spec.version is not None
        return spec.version
    if spec.alias not in aliases:
        raise NotFound(
            f"registered model {spec.name!r} has no alias {spec.alias!r}"
            + ("" if aliases else " (it has no aliases)"),
            near=_near(spec.alias or "", aliases) or sorted(aliases),
        )
    return aliases[spec.alias]


def _get_version(s: _Session, name: str, number: str) -> Any:
    try:
        return s.calls.call("model-versions/get", s.client.get_model_version, name, number)
    except Exception as exc:
        if not is_not_found(exc):
            raise
    found = s.calls.call(
        "model-versions/search", s.client.search_model_versions, f"name='{_quote(name)}'"
    )
    versions = sorted({str(mv.version) for mv in found}, key=int)
    raise NotFound(
        f"registered model {name!r} has no version {number}"
        + (f" (versions: {', '.join(versions)})" if versions else " (it has no versions)")
    )


def _registered_model(s: _Session, name: str) -> Any:
    try:
        return s.calls.call("registered-models/get", s.client.get_registered_model, name)
    except Exception as exc:
        if not is_not_found(exc):
            raise
        found = s.calls.call(
            "registered-models/search", s.client.search_registered_models, max_results=1000
        )
        raise NotFound(
            f"no registered model {name!r}", near=_near(name, [rm.name for rm in found])
        ) from None


# --- the run ------------------------------------------------------------------------------


def _get_run(s: _Session, run_id: str) -> Any:
    try:
        return s.calls.call("runs/get", s.client.get_run, run_id)
    except Exception as exc:
        if not is_not_found(exc) and error_code(exc) != "INVALID_PARAMETER_VALUE":
            raise
        raise NotFound(f"no run {run_id!r} in this tracking store") from None


def _value(value: float) -> float:
    """The value as logged: MLflow's SQL stores keep +-inf as +-the largest float."""
    value = float(value)
    return math.copysign(math.inf, value) if abs(value) == sys.float_info.max else value


def _latest(raw: Any) -> list[Any]:
    return list(raw.data.to_proto().metrics)


def _metrics(raw: Any, histories: dict[str, tuple[MetricPoint, ...]]) -> tuple[MetricValue, ...]:
    values = (
        MetricValue(
            key=m.key,
            value=_value(m.value),
            step=int(m.step or 0),
            timestamp=_ts(m.timestamp),
            history=histories.get(m.key),
        )
        for m in _latest(raw)
    )
    return tuple(sorted(values, key=lambda m: m.key))


def _history(s: _Session, run_id: str, key: str) -> tuple[MetricPoint, ...]:
    # MlflowClient.get_metric_history pages through the whole history (no cap)
    points = s.calls.call("metrics/get-history", s.client.get_metric_history, run_id, key)
    return tuple(
        MetricPoint(value=_value(p.value), step=int(p.step or 0), timestamp=_ts(p.timestamp))
        for p in points
    )


def _run_evidence(
    raw: Any,
    experiment_name: str | None,
    metrics: tuple[MetricValue, ...],
    listing: tuple[ArtifactInfo, ...],
    tables: tuple[TableArtifact, ...],
    evaluations: tuple[MlflowEvaluation, ...],
) -> RunEvidence:
    info, data = raw.info, raw.data
    tags = dict(data.tags)
    return RunEvidence(
        run_id=info.run_id,
        run_name=info.run_name or None,
        experiment_id=str(info.experiment_id),
        experiment_name=experiment_name,
        status=str(info.status),
        lifecycle_stage=getattr(info, "lifecycle_stage", None) or None,
        user=info.user_id or None,
        start_time=_ts(info.start_time),
        end_time=_ts(info.end_time),
        description=tags.get(_DESCRIPTION_TAG) or None,
        artifact_uri=redact_uri(info.artifact_uri) if info.artifact_uri else None,
        metrics=metrics,
        params=dict(sorted(data.params.items())),
        tags=dict(sorted((k, v) for k, v in tags.items() if not k.startswith("mlflow."))),
        system_tags=dict(sorted((k, v) for k, v in tags.items() if k.startswith("mlflow."))),
        datasets=_datasets(raw),
        model_inputs=_model_ids(raw, "inputs", "model_inputs"),
        model_outputs=_model_ids(raw, "outputs", "model_outputs"),
        artifacts=listing,
        tables=tables,
        evaluations=evaluations,
    )


def _model_ids(raw: Any, side: str, attribute: str) -> tuple[str, ...]:
    entries = getattr(getattr(raw, side, None), attribute, None) or ()
    return tuple(dict.fromkeys(str(e.model_id) for e in entries if getattr(e, "model_id", None)))


def _datasets(raw: Any) -> tuple[DatasetInput, ...]:
    found: list[DatasetInput] = []
    for di in getattr(getattr(raw, "inputs", None), "dataset_inputs", None) or ():
        ds = di.dataset
        tags = {t.key: t.value for t in di.tags or ()}
        found.append(
            DatasetInput(
                name=ds.name,
                digest=ds.digest,
                source_type=ds.source_type,
                source=ds.source,
                dataset_schema=ds.schema or None,
                profile=ds.profile or None,
                context=tags.get(_CONTEXT_TAG),
                tags=dict(sorted((k, v) for k, v in tags.items() if k != _CONTEXT_TAG)),
            )
        )
    return tuple(sorted(found, key=lambda d: (d.context or "", d.name, d.digest)))


# --- models -------------------------------------------------------------------------------


def _logged_model(s: _Session, model_id: str) -> LoggedModelEvidence | str:
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
    repo = _repository(s, lm.artifact_location)
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
        created=_ts(lm.creation_timestamp),
        artifact_location=redact_uri(lm.artifact_location) if lm.artifact_location else None,
        tags=dict(sorted(dict(lm.tags or {}).items())),
        params=dict(sorted(dict(lm.params or {}).items())),
        metrics=tuple(
            sorted(
                (
                    MetricValue(
                        key=m.key,
                        value=_value(m.value),
                        step=int(m.step or 0),
                        timestamp=_ts(m.timestamp),
                        dataset_name=m.dataset_name or None,
                        dataset_digest=m.dataset_digest or None,
                    )
                    for m in lm.metrics or ()
                ),
                key=lambda m: (m.key, m.dataset_name or "", m.step),
            )
        ),
        flavors=flavors,
        signature=signature,
        mlmodel_sha256=digest,
        artifacts=listing,
    )


def _artifact_model(
    s: _Session, repo: Any, run_id: str, folder: str, listing: tuple[ArtifactInfo, ...]
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
    s: _Session, repo: Any, path: str, listing: Iterable[ArtifactInfo]
) -> tuple[Any, Any, Any]:
    if not any(a.path == path and not a.is_dir for a in listing):
        return (), None, None
    data = fetch_bytes(s.calls, repo, path, operation="artifacts/get")
    flavors, signature = parse_mlmodel(data.decode("utf-8", errors="replace"))
    return flavors, signature, sha256(data)


def _model_folders_of(
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


# --- provenance ---------------------------------------------------------------------------


def _server_version(s: _Session) -> str | None:
    """The tracking server's ``/version``; 'local' when the client reads the store itself."""
    if not s.options.remote:
        return "local"
    from mlflow.utils.credentials import get_default_host_creds
    from mlflow.utils.rest_utils import http_request

    creds = get_default_host_creds(s.tracking_uri)  # type: ignore[no-untyped-call]
    response = s.calls.once(
        "version",
        http_request,
        creds,
        "/version",
        "GET",
        max_retries=0,
        timeout=min(5, s.calls.request_timeout),
    )
    if response is None or response.status_code != 200:
        return None
    text = response.text.strip()
    return text if _VERSION_TEXT.match(text) else None


def _provenance(
    s: _Session,
    collected_at: datetime,
    server_version: str | None,
    run: RunEvidence,
    models: list[LoggedModelEvidence],
) -> Provenance:
    import mlflow

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
        mlflow_version=mlflow.__version__,
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
    )


def _warnings(run: RunEvidence, version: ModelVersionEvidence | None) -> list[str]:
    found = []
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


# --- helpers ------------------------------------------------------------------------------


def _repository(s: _Session, artifact_uri: str) -> Any:
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    from mlflow.utils.uri import add_databricks_profile_info_to_artifact_uri

    try:
        uri = add_databricks_profile_info_to_artifact_uri(  # type: ignore[no-untyped-call]
            artifact_uri, s.tracking_uri
        )
        return get_artifact_repository(uri, tracking_uri=s.tracking_uri)
    except Exception as exc:
        raise EvidenceSourceError(
            f"cannot read the artifacts at {redact_uri(artifact_uri)}: {s.calls.message(str(exc))}"
        ) from None


def _check_local_store(tracking_uri: str) -> None:
    """Refuse a sqlite or file store that does not exist: MLflow would create an empty one."""
    parts = urlsplit(tracking_uri)
    if parts.scheme == "sqlite":
        path = (
            unquote(tracking_uri[len("sqlite:///") :])
            if tracking_uri.startswith("sqlite:///")
            else ""
        )
        if path and path != ":memory:" and not Path(path).is_file():
            raise SourceUnavailable(
                f"no MLflow store at {redact_uri(tracking_uri)}: file not found"
            )
    elif parts.scheme in ("", "file"):
        path = unquote(parts.path) if parts.scheme == "file" else tracking_uri
        if not Path(path).is_dir():
            raise SourceUnavailable(f"no MLflow store at {tracking_uri}: folder not found")


def _spelled(value: float) -> str:
    return "NaN" if math.isnan(value) else ("+inf" if value > 0 else "-inf")


def _ts(millis: int | None) -> datetime | None:
    return datetime.fromtimestamp(millis / 1000, UTC) if millis else None


def _near(word: str, choices: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


def _quote(name: str) -> str:
    return name.replace("'", "\\'")


@contextlib.contextmanager
def _translate_errors(spec: TargetSpec, calls: Calls) -> Iterator[None]:
    """Turn whatever MLflow raised outside :meth:`Calls.call` into an evidence-source error."""
    try:
        yield
    except EvidenceSourceError:
        raise
    except Exception as exc:
        code, text = error_code(exc), calls.message(str(exc))
        if is_access_denied(exc):
            raise AccessDenied(f"{calls.place} refused access while reading {spec.uri}") from None
        if code in {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE"}:
            raise NotFound(f"{spec.uri} not found at {calls.place}: {text}") from None
        if code == "ENDPOINT_NOT_FOUND":
            raise EvidenceSourceError(
                f"{calls.place} answered HTTP 404 for an MLflow API request: is this the address "
                "of an MLflow tracking server (with its path prefix, if any)?"
            ) from None
        if reason := transient_reason(exc):
            raise SourceUnavailable(f"cannot reach {calls.place}: {reason}") from None
        if code or any(
            type(e).__name__ in {"OperationalError", "DatabaseError"} for e in chain(exc)
        ):
            raise EvidenceSourceError(
                f"{calls.place} failed on {spec.uri}: {code or type(exc).__name__}: {text}"
            ) from None
        raise


@contextlib.contextmanager
def _quiet_warnings() -> Iterator[None]:
    # MLflow warns about its own internals (deprecated pandas, SQLAlchemy); none is the user's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
