"""Write a release back to MLflow, and move an alias (layer: collect, MLflow only).

The bundle is logged as artifacts of the model version's source run under
``riskcards/<as-of>/`` and the verdict set as model-version tags (``riskcards.gate``,
``riskcards.blocking``, ``riskcards.bundle_sha256``, ``riskcards.as_of``), so the registry
knows it. :func:`fetch_release` brings a logged bundle back for ``riskcards promote``.
mlflow is imported inside the functions, as everywhere in riskcards.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from riskcards.collect.mlflow.faults import check_local_store, quiet_warnings
from riskcards.collect.mlflow.session import open_client
from riskcards.errors import EvidenceSourceError, NotFound, SourceUnavailable
from riskcards.redact import redact_uri

ARTIFACT_ROOT = "riskcards"


@contextmanager
def _client(tracking_uri: str, doing: str) -> Iterator[Any]:
    """A client whose failures become evidence-source errors (exit 3) naming the server."""
    check_local_store(tracking_uri)
    place = redact_uri(tracking_uri)
    try:
        with quiet_warnings():
            yield open_client(tracking_uri)
    except EvidenceSourceError:
        raise
    except Exception as exc:  # MLflow raises its own and requests' exceptions
        text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        if "RESOURCE_DOES_NOT_EXIST" in str(exc) or "not found" in text.lower():
            raise NotFound(f"{doing} at {place}: {text}") from None
        raise SourceUnavailable(f"{doing} at {place}: {text}") from None


def artifact_path(as_of: str) -> str:
    """``riskcards/<as-of>``, the as-of time in ISO 8601 basic form (no colons)."""
    return f"{ARTIFACT_ROOT}/{as_of.replace('-', '').replace(':', '').replace('+0000', 'Z')}"


def log_release(
    tracking_uri: str,
    run_id: str,
    bundle: Path,
    as_of: str,
    version: tuple[str, str] | None,
    tags: Mapping[str, str],
) -> str:
    """Log ``bundle`` to the run; tag the model version (name, number) when there is one."""
    where = artifact_path(as_of)
    with _client(tracking_uri, f"logging the bundle to run {run_id}") as client:
        client.log_artifacts(run_id, str(bundle), artifact_path=where)
        if version is not None:
            for key, value in sorted(tags.items()):
                client.set_model_version_tag(version[0], version[1], key, value)
    return where


def version_info(tracking_uri: str, name: str, version: str) -> tuple[str, dict[str, str]]:
    """(source run id, tags) of a model version."""
    with _client(tracking_uri, f"reading models:/{name}/{version}") as client:
        mv = client.get_model_version(name, version)
        return mv.run_id or "", dict(mv.tags or {})


def fetch_release(tracking_uri: str, run_id: str, as_of: str, dest: Path) -> Path:
    """Download the bundle logged for ``as_of`` from the run into ``dest``."""
    where = artifact_path(as_of)
    with _client(tracking_uri, f"downloading {where} from run {run_id}") as client:
        return Path(client.download_artifacts(run_id, where, str(dest)))


def set_alias(tracking_uri: str, name: str, alias: str, version: str) -> None:
    with _client(tracking_uri, f"setting alias {alias} on models:/{name}/{version}") as client:
        client.set_registered_model_alias(name, alias, version)
