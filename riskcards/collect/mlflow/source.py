"""Collect an :class:`EvidenceSnapshot` from MLflow (layer: collect).

The entry point of the MLflow source and the order of one collection. It resolves the target
(``runs:/<id>``, ``models:/<name>/<version>``, ``models:/<name>@<alias>``), follows a model
version to its source run and, on MLflow 3, to the logged model behind it, and reads:

- the registered model (description, tags, aliases) and the version (description, tags)
  (:mod:`.registry`);
- the run: latest metrics (one ``runs/get`` whatever the number of metrics), params, tags,
  description, dataset inputs with their tags, model inputs and outputs, and, when asked,
  every metric's full history (``metrics/get-history``, paged by MLflow to the end)
  (:mod:`.runs`);
- the run's artifact listing, and the content of its evaluation tables up to a size cap,
  each hashed with sha256 as it arrives (:mod:`.artifacts`);
- the logged model: params, tags, dataset-linked metrics, artifact listing, flavors and
  signature (from its MLmodel file), or the MLflow 2 model folder among the run's artifacts
  (:mod:`.logged_models`);
- what ``mlflow.models.evaluate`` logged, recognised by name (:mod:`.evaluate`);
- provenance: the tracking URI without credentials, client and server versions, every
  query made and how often, counts, duration and time of collection (:mod:`.provenance`).

Requests grow with pages and folders, not with runs times metrics; independent reads,
listings and downloads run concurrently (at most ``MAX_WORKERS``). Every call runs under
one deadline with riskcards' own retries (:mod:`.calls`). Every failure becomes an
:class:`EvidenceSourceError` (exit 3) whose message names what was asked for and holds no
credential (:mod:`.faults`); nothing is written anywhere (downloads go to a temporary folder,
removed at once). mlflow is imported inside functions of :mod:`.session` only, so importing
riskcards stays light.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from riskcards.collect.mlflow import logged_models, registry, runs
from riskcards.collect.mlflow.artifacts import fetch_table, tables_in, walk
from riskcards.collect.mlflow.autolog import recognise_autolog
from riskcards.collect.mlflow.calls import Calls, Secrets, mlflow_limits
from riskcards.collect.mlflow.evaluate import evaluated_datasets, recognise_evaluations
from riskcards.collect.mlflow.faults import (
    check_local_store,
    connection_security,
    quiet_warnings,
    translate_errors,
)
from riskcards.collect.mlflow.genai import (
    collect_genai,
    genai_datasets,
    is_genai_run,
    with_genai_counts,
)
from riskcards.collect.mlflow.provenance import collection_warnings, provenance
from riskcards.collect.mlflow.session import (
    Options,
    Session,
    open_client,
    repository,
    server_version,
    stored_credentials,
)
from riskcards.collect.sources import (
    DEFAULT_DEADLINE_SECONDS,
    DEFAULT_MAX_TABLE_BYTES,
    CollectOptions,
)
from riskcards.collect.targets import TargetSpec, parse_target
from riskcards.errors import NotFound, UsageError
from riskcards.models.evidence import (
    ArtifactInfo,
    ChildRun,
    EvidenceSnapshot,
    LoggedModelEvidence,
    MetricPoint,
    ModelVersionEvidence,
    TableArtifact,
    Target,
)
from riskcards.redact import redact_uri

__all__ = [
    "DEFAULT_DEADLINE_SECONDS",
    "DEFAULT_MAX_TABLE_BYTES",
    "MAX_WORKERS",
    "collect",
    "resolve_tracking_uri",
]

MAX_WORKERS = 8


def resolve_tracking_uri(explicit: str | None) -> str:
    """The tracking URI to use: the explicit one, else ``MLFLOW_TRACKING_URI``."""
    uri = explicit or os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        raise UsageError("no tracking URI: pass --tracking-uri or set MLFLOW_TRACKING_URI")
    return uri


_DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def database_path_hint(tracking_uri: str) -> None:
    """A path to a database file given as the tracking URI: say how MLflow names it
    (``sqlite:///PATH``) rather than look for a folder of that name."""
    parts = urlsplit(tracking_uri)
    if parts.scheme not in ("", "file") or not parts.path.lower().endswith(_DATABASE_SUFFIXES):
        return
    path = Path(unquote(parts.path)).absolute()
    raise UsageError(
        f"tracking URI {tracking_uri!r} is a database file, not a store folder: "
        f"MLflow reads a sqlite store as sqlite:///PATH, here --tracking-uri sqlite:///{path}"
    )


def collect(
    target: str | TargetSpec,
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
        target: ``runs:/<run_id>``, ``models:/<name>/<version>`` or ``models:/<name>@<alias>``,
            or that URI already parsed.
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
    spec = parse_target(target) if isinstance(target, str) else target
    CollectOptions(max_table_bytes=max_table_bytes, deadline_seconds=deadline_seconds).check()
    database_path_hint(tracking_uri)
    check_local_store(tracking_uri)
    safe_uri = redact_uri(tracking_uri)
    remote = urlsplit(tracking_uri).scheme.lower() in ("http", "https")
    place = f"the MLflow {'tracking server' if remote else 'store'} at {safe_uri}"
    host = (urlsplit(tracking_uri).hostname or "").lower()
    loopback = remote and (host in ("localhost", "::1") or host.startswith("127."))
    calls = Calls(deadline_seconds, place, Secrets.gather(tracking_uri), loopback=loopback)
    collected_at = (now or datetime.now(UTC)).astimezone(UTC)
    with mlflow_limits(calls.request_timeout), quiet_warnings(), translate_errors(spec, calls):
        # ~/.mlflow/credentials: its password is a secret too
        stored = stored_credentials() if remote else (None, None)
        calls.secrets = Secrets.gather(tracking_uri, extra=[stored])
        auth, tls_verified = connection_security(tracking_uri, os.environ, stored)
        options = Options(history, fetch_tables, max_table_bytes, remote, auth, tls_verified)
        client = open_client(tracking_uri)
        with ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="riskcards-collect") as pool:
            session = Session(client, calls, tracking_uri, pool, options)
            try:
                return _collect(session, spec, collected_at)
            except BaseException:
                calls.cancel()  # running tasks stop at their next call; queued ones never start
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def _collect(s: Session, spec: TargetSpec, collected_at: datetime) -> EvidenceSnapshot:
    version = registry.model_version(s, spec)
    target_model = _target_model(s, spec)
    raw = runs.get_run(s, _source_run(spec, version, target_model))
    reads = _start_reads(s, raw, version)
    found = [f.result() for f in reads.logged_models]
    models = [m for m in found if not isinstance(m, str)]
    models += [f.result() for f in reads.artifact_models]
    if target_model is not None and all(m.model_id != target_model.model_id for m in models):
        models.insert(0, target_model)
    metrics = runs.metrics(raw, {k: f.result() for k, f in reads.histories.items()})
    run = runs.run_evidence(
        raw,
        _name(reads.experiment.result()),
        metrics,
        reads.listing,
        tuple(f.result() for f in reads.tables),
        (),
        (reads.parent_name.result(), reads.children.result()),
    )
    evaluations = recognise_evaluations(
        (m.key for m in metrics),
        (a.path for a in reads.listing if not a.is_dir),
        (m for lm in models for m in lm.metrics),
        run.datasets,
        run.model_inputs,
    ) + recognise_autolog(run.tags, run.system_tags, (m.key for m in metrics))
    datasets = evaluated_datasets(run.datasets, evaluations, run.system_tags.get("mlflow.datasets"))
    run = run.model_copy(update={"evaluations": evaluations, "datasets": datasets})
    genai = collect_genai(s, run) if is_genai_run(run) else None
    if genai is not None:
        run = run.model_copy(update={"datasets": genai_datasets(run.datasets)})
        # the application version: the logged model its traces name
        known = {m.model_id for m in models}
        apps = [logged_models.logged_model(s, i) for i in genai.model_ids if i not in known]
        models += [m for m in apps if not isinstance(m, str)]
        found += [w for w in apps if isinstance(w, str)]
    return EvidenceSnapshot(
        target=_target(spec, run.run_id, version, target_model),
        run=run,
        model_version=version,
        logged_models=tuple(models),
        genai=genai,
        warnings=(
            *(w for w in found if isinstance(w, str)),
            *collection_warnings(run, version, models),
        ),
        provenance=with_genai_counts(
            provenance(s, collected_at, reads.server_version.result(), run, models), genai
        ),
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
    parent_name: Future[str | None]
    children: Future[tuple[ChildRun, ...]]


def _start_reads(s: Session, raw: Any, version: ModelVersionEvidence | None) -> _Reads:
    """Submit every read that needs only the run; list its artifacts meanwhile, then submit
    the downloads the listing calls for."""
    info, submit = raw.info, s.pool.submit
    experiment = submit(
        s.calls.call, "experiments/get", s.client.get_experiment, info.experiment_id
    )
    server = submit(server_version, s)
    parent = submit(runs.parent_name, s, raw)
    children = submit(runs.children, s, raw)
    logged = [
        submit(logged_models.logged_model, s, model_id)
        for model_id in logged_models.logged_model_ids(raw, version)
    ]
    histories = (
        {m.key: submit(runs.history, s, info.run_id, m.key) for m in runs.latest(raw)}
        if s.options.history
        else {}
    )
    repo = repository(s, info.artifact_uri)
    listing = walk(s.calls, repo, s.pool, operation="artifacts/list")
    folders = logged_models.model_folders_of(version, info.run_id, info.artifact_uri, listing)
    artifact_models = [
        submit(logged_models.artifact_model, s, repo, info.run_id, f, listing) for f in folders
    ]
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
    return _Reads(
        experiment, server, logged, artifact_models, histories, tables, listing, parent, children
    )


def _name(experiment: Any) -> str | None:
    return experiment.name if experiment else None


def _target_model(s: Session, spec: TargetSpec) -> LoggedModelEvidence | None:
    """``models:/m-<id>``: the MLflow 3 logged model the target names."""
    if spec.kind != "logged_model":
        return None
    assert spec.path is not None
    found = logged_models.logged_model(s, spec.path)
    if isinstance(found, str):
        raise NotFound(found)
    return found


def _source_run(
    spec: TargetSpec, version: ModelVersionEvidence | None, model: LoggedModelEvidence | None
) -> str:
    if model is not None:
        if not model.source_run_id:
            raise NotFound(f"logged model {model.model_id} has no source run")
        return model.source_run_id
    if version is None:
        assert spec.run_id is not None
        return spec.run_id
    if not version.run_id:
        raise NotFound(f"model version {version.name} v{version.version} has no source run")
    return version.run_id


def _target(
    spec: TargetSpec,
    run_id: str,
    version: ModelVersionEvidence | None,
    model: LoggedModelEvidence | None,
) -> Target:
    kind = "logged_model" if model else "run" if version is None else "model_version"
    resolved = None
    if spec.kind == "model_latest" and version is not None:
        resolved = f"latest: the highest version of {version.name} is {version.version}"
    return Target(
        uri=spec.uri,
        kind=kind,
        run_id=run_id,
        model_name=version.name if version else None,
        model_version=version.version if version else None,
        alias=spec.alias,
        model_id=model.model_id if model else None,
        resolved=resolved,
    )
