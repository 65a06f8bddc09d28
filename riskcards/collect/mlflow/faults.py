"""What can go wrong around the MLflow calls, in words people can act on (layer: collect).

- :func:`check_local_store`: refuse a local store that does not exist before MLflow would
  create an empty one;
- :func:`translate_errors`: whatever MLflow raised outside
  :meth:`~riskcards.collect.mlflow.calls.Calls.call` becomes an evidence-source error (exit 3)
  that names what was asked for and holds no credential;
- :func:`quiet_warnings`: MLflow's warnings about its own internals are not the user's;
- :func:`near`: near matches for a misspelled name or alias.

Imports no mlflow.
"""

from __future__ import annotations

import contextlib
import difflib
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from riskcards.collect.mlflow.calls import (
    Calls,
    certificate_failure,
    chain,
    error_code,
    is_access_denied,
    transient_reason,
)
from riskcards.collect.targets import TargetSpec
from riskcards.errors import (
    AccessDenied,
    EvidenceSourceError,
    NotFound,
    SourceUnavailable,
    UsageError,
)
from riskcards.redact import redact_uri


def check_local_store(tracking_uri: str) -> None:
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


AuthMode = Literal["none", "basic", "token"]
_TRUE = {"true", "1", "yes", "on"}


def connection_security(
    tracking_uri: str,
    environ: Mapping[str, str],
    stored: tuple[str | None, str | None] = (None, None),
) -> tuple[AuthMode | None, bool | None]:
    """(auth mode, TLS verified) for the provenance: None, None for a local store; TLS
    verified is False over plain HTTP and with ``MLFLOW_TRACKING_INSECURE_TLS``. A token and
    basic credentials both set is a usage error: MLflow would silently pick one."""
    parts = urlsplit(tracking_uri)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return None, None
    basic = [
        where
        for where, present in (
            ("user:password in the tracking URI", parts.username or parts.password),
            (
                "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD",
                environ.get("MLFLOW_TRACKING_USERNAME") or environ.get("MLFLOW_TRACKING_PASSWORD"),
            ),
            ("~/.mlflow/credentials", stored[0] or stored[1]),
        )
        if present
    ]
    token = bool(environ.get("MLFLOW_TRACKING_TOKEN"))
    if token and basic:
        raise UsageError(
            f"conflicting MLflow credentials: MLFLOW_TRACKING_TOKEN and {basic[0]} are both "
            "set, and MLflow would silently use only one; keep one of them"
        )
    auth: AuthMode = "token" if token else ("basic" if basic else "none")
    insecure = environ.get("MLFLOW_TRACKING_INSECURE_TLS", "").strip().lower() in _TRUE
    return auth, scheme == "https" and not insecure


def near(word: str, choices: Iterable[str]) -> list[str]:
    """Up to three of ``choices`` close to ``word``, closest first."""
    return difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)


@contextlib.contextmanager
def translate_errors(spec: TargetSpec, calls: Calls) -> Iterator[None]:
    """Turn whatever MLflow raised outside :meth:`Calls.call` into an evidence-source error."""
    try:
        yield
    except EvidenceSourceError:
        raise
    except Exception as exc:
        code, text = error_code(exc), calls.message(str(exc))
        if is_access_denied(exc):
            raise AccessDenied(f"{calls.place} refused access while reading {spec.uri}") from None
        if certificate_failure(exc):
            raise calls.certificate_error() from None
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
def quiet_warnings() -> Iterator[None]:
    """No warning shows during a collection."""
    # MLflow warns about its own internals (deprecated pandas, SQLAlchemy); none is the user's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
