"""Collect an :class:`EvidenceSnapshot` from MLflow (layer: sources).

This is the one module of the pipeline that talks to MLflow. It resolves the target,
reads the run, its datasets and artifact listing, and the registered model version, and
turns every failure into an :class:`EvidenceSourceError` (exit 3) with a message that names
what was asked for and never contains credentials.
"""

from __future__ import annotations

import contextlib
import difflib
import logging
import os
import warnings
from collections.abc import Iterator
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
    MetricValue,
    ModelVersionEvidence,
    Provenance,
    RunEvidence,
    Target,
)
from riskcards.targets import TargetSpec, parse_target, redact_uri, scrub

if TYPE_CHECKING:
    from mlflow import MlflowClient

DEFAULT_DEADLINE_SECONDS = 60.0
MAX_ARTIFACT_ENTRIES = 10_000
_DESCRIPTION_TAG = "mlflow.note.content"
_CONTEXT_TAG = "mlflow.data.context"


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
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
    now: datetime | None = None,
) -> EvidenceSnapshot:
    """Collect the evidence for ``target`` (an MLflow URI) from the store at ``tracking_uri``."""
    spec = parse_target(target)
    _check_local_store(tracking_uri)
    safe_uri = redact_uri(tracking_uri)
    with _mlflow_quiet(), _http_limits(deadline_seconds), _translate_errors(spec, safe_uri):
        import mlflow
        from mlflow import MlflowClient

        client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
        model_version = _model_version(client, spec)
        run_id = spec.run_id if model_version is None else model_version.run_id
        if not run_id:
            raise NotFound(f"model version {spec.name} v{model_version.version} has no source run")  # type: ignore[union-attr]
        run = _run(client, run_id)
        resolved = Target(
            uri=spec.uri,
            kind="run" if model_version is None else "model_version",
            run_id=run_id,
            model_name=model_version.name if model_version else None,
            model_version=model_version.version if model_version else None,
            alias=spec.alias,
        )
        provenance = Provenance(
            tracking_uri=safe_uri,
            mlflow_version=mlflow.__version__,
            riskcards_version=__version__,
            collected_at=(now or datetime.now(UTC)).astimezone(UTC),
        )
        return EvidenceSnapshot(
            target=resolved, run=run, model_version=model_version, provenance=provenance
        )


def _check_local_store(tracking_uri: str) -> None:
    """Refuse a sqlite or file store that does not exist: MLflow would create an empty one."""
    parts = urlsplit(tracking_uri)
    if parts.scheme == "sqlite":
        path = unquote(tracking_uri[len("sqlite:///") :]) if tracking_uri.startswith("sqlite:///") else ""
        if path and path != ":memory:" and not Path(path).is_file():
            raise SourceUnavailable(f"no MLflow store at {redact_uri(tracking_uri)}: file not found")
    elif parts.scheme in ("", "file"):
        path = unquote(parts.path) if parts.scheme == "file" else tracking_uri
        if not Path(path).is_dir():
            raise SourceUnavailable(f"no MLflow store at {tracking_uri}: folder not found")


def _ts(millis: int | None) -> datetime | None:
    return datetime.fromtimestamp(millis / 1000, UTC) if millis else None


def _model_version(client: MlflowClient, spec: TargetSpec) -> ModelVersionEvidence | None:
    if spec.kind == "run":
        return None
    assert spec.name is not None
    registered = _registered_model(client, spec.name)
    if spec.kind == "model_alias":
        aliases: dict[str, str] = dict(registered.aliases or {})
        if spec.alias not in aliases:
            raise NotFound(
                f"registered model {spec.name!r} has no alias {spec.alias!r}",
                near=_near(spec.alias or "", aliases) or sorted(aliases),
            )
        version = client.get_model_version(spec.name, aliases[spec.alias])
    else:
        try:
            version = client.get_model_version(spec.name, spec.version)
        except Exception as exc:
            if not _is_not_found(exc):
                raise
            versions = sorted(
                (str(mv.version) for mv in client.search_model_versions(f"name='{_quote(spec.name)}'")),
                key=int,
            )
            raise NotFound(
                f"registered model {spec.name!r} has no version {spec.version}"
                + (f" (versions: {', '.join(versions)})" if versions else " (it has no versions)")
            ) from None
    rm_aliases = {str(a): str(v) for a, v in (registered.aliases or {}).items()}
    return ModelVersionEvidence(
        name=version.name,
        version=str(version.version),
        aliases=tuple(sorted(a for a, v in rm_aliases.items() if v == str(version.version))),
        description=version.description or None,
        source=version.source,
        run_id=version.run_id or None,
        status=str(version.status) if version.status else None,
        created=_ts(version.creation_timestamp),
        tags=dict(version.tags or {}),
        registered_model_description=registered.description or None,
        registered_model_tags=dict(registered.tags or {}),
        registered_model_aliases=dict(sorted(rm_aliases.items())),
    )


def _registered_model(client: MlflowClient, name: str) -> Any:
    try:
        return client.get_registered_model(name)
    except Exception as exc:
        if not _is_not_found(exc):
            raise
        names = [rm.name for rm in client.search_registered_models(max_results=1000)]
        raise NotFound(f"no registered model {name!r}", near=_near(name, names)) from None


def _run(client: MlflowClient, run_id: str) -> RunEvidence:
    try:
        run = client.get_run(run_id)
    except Exception as exc:
        if not _is_not_found(exc):
            raise
        raise NotFound(f"no run {run_id!r} in this tracking store") from None
    info, data = run.info, run.data
    tags = dict(data.tags)
    experiment = client.get_experiment(info.experiment_id)
    metrics = tuple(
        sorted(
            (
                MetricValue(
                    key=m.key, value=float(m.value), step=int(m.step or 0), timestamp=_ts(m.timestamp)
                )
                for m in data.to_proto().metrics
            ),
            key=lambda m: m.key,
        )
    )
    return RunEvidence(
        run_id=info.run_id,
        run_name=info.run_name or None,
        experiment_id=str(info.experiment_id),
        experiment_name=experiment.name if experiment else None,
        status=str(info.status),
        user=info.user_id or None,
        start_time=_ts(info.start_time),
        end_time=_ts(info.end_time),
        description=tags.get(_DESCRIPTION_TAG) or None,
        metrics=metrics,
        params=dict(sorted(data.params.items())),
        tags=dict(sorted((k, v) for k, v in tags.items() if not k.startswith("mlflow."))),
        system_tags=dict(sorted((k, v) for k, v in tags.items() if k.startswith("mlflow."))),
        datasets=_datasets(run),
        artifacts=_artifacts(client, info.run_id),
    )


def _datasets(run: Any) -> tuple[DatasetInput, ...]:
    inputs = getattr(run, "inputs", None)
    found: list[DatasetInput] = []
    for di in getattr(inputs, "dataset_inputs", None) or ():
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


def _artifacts(client: MlflowClient, run_id: str) -> tuple[ArtifactInfo, ...]:
    """Every artifact of the run, walking folders breadth first, up to a fixed cap."""
    found: list[ArtifactInfo] = []
    pending: list[str | None] = [None]
    while pending and len(found) < MAX_ARTIFACT_ENTRIES:
        folder = pending.pop(0)
        for fi in client.list_artifacts(run_id, folder):
            found.append(ArtifactInfo(path=fi.path, is_dir=fi.is_dir, size=fi.file_size))
            if fi.is_dir:
                pending.append(fi.path)
    return tuple(sorted(found, key=lambda a: a.path))


def _near(word: str, choices: Any) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


def _quote(name: str) -> str:
    return name.replace("'", "\\'")


def _error_code(exc: BaseException) -> str:
    return str(getattr(exc, "error_code", "") or "")


def _is_not_found(exc: BaseException) -> bool:
    return _error_code(exc) in {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}


@contextlib.contextmanager
def _translate_errors(spec: TargetSpec, safe_uri: str) -> Iterator[None]:
    """Turn whatever MLflow raises into an evidence-source error naming the target."""
    try:
        yield
    except EvidenceSourceError:
        raise
    except Exception as exc:
        code = _error_code(exc)
        text = str(exc)
        if code in {"UNAUTHENTICATED", "PERMISSION_DENIED"} or any(
            s in text for s in (" 401", " 403", "status code 401", "status code 403")
        ):
            raise AccessDenied(
                f"{safe_uri} refused access while reading {spec.uri} (401/403): check the "
                "credentials in MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD"
            ) from None
        if code in {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE"}:
            raise NotFound(f"{spec.uri} not found at {safe_uri}: {_first_line(text)}") from None
        if _is_connection_problem(exc):
            raise SourceUnavailable(
                f"cannot reach the MLflow tracking server at {safe_uri}: {_root_cause(exc)}"
            ) from None
        if code:
            raise EvidenceSourceError(
                f"MLflow at {safe_uri} failed on {spec.uri}: {code}: {_first_line(text)}"
            ) from None
        raise


def _is_connection_problem(exc: BaseException) -> bool:
    names = {type(e).__name__ for e in _chain(exc)}
    text = str(exc)
    return bool(
        names & {"ConnectionError", "MaxRetryError", "Timeout", "ReadTimeout", "ConnectTimeout",
                 "NewConnectionError", "OperationalError", "ConnectionRefusedError"}
    ) or any(s in text for s in ("Max retries exceeded", "Connection refused", "API request to"))


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _first_line(text: str) -> str:
    """The first line of an MLflow message, without credentials (MLflow echoes request URLs)."""
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    return scrub(line)[:300]


def _root_cause(exc: BaseException) -> str:
    """The innermost reason, e.g. 'Connection refused', without URLs or credentials."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "timed out",
                   "Temporary failure in name resolution", "No route to host"):
        if marker in text:
            return marker
    return type(exc).__name__


@contextlib.contextmanager
def _http_limits(deadline_seconds: float) -> Iterator[None]:
    """Bound MLflow's HTTP retries (its defaults can wait for more than ten minutes), and turn
    off MLflow 3's usage telemetry, which would otherwise call out to the internet."""
    per_request = max(1.0, min(15.0, deadline_seconds / 4))
    settings = {
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(int(per_request)),
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
        "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0.5",
    }
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _mlflow_quiet() -> Iterator[None]:
    logger = logging.getLogger("mlflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
