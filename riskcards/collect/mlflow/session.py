"""One collection's session, and every use of the mlflow library itself (layer: collect).

A :class:`Session` holds what every step of one collection needs: the MLflow client, the
:class:`~riskcards.collect.mlflow.calls.Calls` that make every request under the deadline,
the tracking URI, the thread pool and the options.

This is the one module of riskcards that imports mlflow, and only inside its functions, so
importing riskcards (or any other module of this package) loads neither mlflow nor pandas:
the client and the credentials it finds, artifact repositories, the server's ``/version``
and the version of the client library.
"""

from __future__ import annotations

import re
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskcards.collect.mlflow.calls import Calls
from riskcards.errors import EvidenceSourceError
from riskcards.redact import redact_uri

if TYPE_CHECKING:
    from mlflow import MlflowClient

_VERSION_TEXT = re.compile(r"^[0-9A-Za-z.+_-]{1,40}$")


@dataclass(frozen=True)
class Options:
    """How much one collection reads, and whether the store is a remote server."""

    history: bool
    fetch_tables: bool
    max_table_bytes: int
    remote: bool
    auth: str | None = None  # none, basic or token; None for a local store
    tls_verified: bool | None = None  # None for a local store; False over HTTP


@dataclass(frozen=True)
class Session:
    """What every step of one collection needs."""

    client: MlflowClient
    calls: Calls
    tracking_uri: str
    pool: Executor
    options: Options


def stored_credentials() -> tuple[str | None, str | None]:
    """The (user, password) in ``~/.mlflow/credentials``: its password is a secret too."""
    from mlflow.utils.credentials import read_mlflow_creds

    stored = read_mlflow_creds()
    return stored.username, stored.password


def open_client(tracking_uri: str) -> MlflowClient:
    """An MLflow client for the tracking store, which is also the model registry."""
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def library_version() -> str:
    """The version of the MLflow client library that collects."""
    import mlflow

    return mlflow.__version__


def repository(s: Session, artifact_uri: str) -> Any:
    """The MLflow artifact repository for ``artifact_uri``; an evidence-source error when
    MLflow has none for it."""
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


def server_version(s: Session) -> str | None:
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
