"""Every call riskcards makes to MLflow, under one deadline, counted and credential-safe
(layer: collect). Imports no mlflow.

MLflow's own HTTP retries can wait for more than ten minutes (7 retries, backoff factor 2,
120 s per request). During a collection riskcards turns them off and retries itself:

- a transient failure (connection refused or reset, a timeout, HTTP 408, 429 or 5xx, a locked
  sqlite file) is retried with exponential backoff (0.5, 1, 2, 4, 8 s, with jitter) as long as
  a further attempt can finish inside the overall deadline; then :class:`SourceUnavailable`;
- 401 and 403 fail at once with :class:`AccessDenied`, whose message names no credential;
- anything else (not found, bad request) goes back to the caller, who knows what was asked.

One HTTP request may take up to :func:`request_timeout` seconds (a quarter of the deadline,
between 1 and 15 s). A retry is only started when it can end before the deadline, so a dead
or hanging server is given up on inside the deadline; no call starts after the deadline, so
a slow but working server can overrun it by at most one request timeout.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

from riskcards.collect.sources import DEFAULT_DEADLINE_SECONDS as DEFAULT_DEADLINE_SECONDS
from riskcards.errors import AccessDenied, EvidenceSourceError, SourceUnavailable
from riskcards.redact import scrub

T = TypeVar("T")

MAX_REQUEST_TIMEOUT_SECONDS = 15
_BACKOFF_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)
_LOOPBACK_GRACE = 1.5  # seconds a refused loopback server may take to start listening

_DENIED_CODES = {"UNAUTHENTICATED", "PERMISSION_DENIED", "CUSTOMER_UNAUTHORIZED"}
_TRANSIENT_CODES = {
    "TEMPORARILY_UNAVAILABLE",
    "REQUEST_LIMIT_EXCEEDED",
    "RESOURCE_EXHAUSTED",
    "DEADLINE_EXCEEDED",
}
_NOT_FOUND_CODES = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
# a host name that does not resolve is a typo far more often than a passing DNS failure
_NOT_WORTH_RETRYING = {"name or service not known"}
_TRANSIENT_STATUS = {408, 429, 500, 502, 503, 504}
_CONNECTION_ERRORS = {
    "ConnectionError",
    "NewConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "ConnectionAbortedError",
    "RemoteDisconnected",
    "ProtocolError",
    "ChunkedEncodingError",
    "BrokenPipeError",
}
_TIMEOUT_ERRORS = {
    "Timeout",
    "ReadTimeout",
    "ConnectTimeout",
    "ReadTimeoutError",
    "ConnectTimeoutError",
    "TimeoutError",
    "timeout",
}
_SECRET_ENV = (
    "MLFLOW_TRACKING_TOKEN",
    "MLFLOW_TRACKING_PASSWORD",
    "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_SECRET",
    "MLFLOW_GATEWAY_TOKEN",
)
_SECRET_QUERY = re.compile(
    r"(?i)^(token|access_token|password|passwd|key|api_key|secret|auth|sig)$"
)
# where MLflow's messages (or urllib3's, inside them) state the HTTP status
_STATUS_IN_TEXT = re.compile(
    r"too many (\d{3}) error responses|error code (\d{3}) != |\b(\d{3}) (?:Client|Server) Error"
)
# what MLflow's error codes mean in HTTP, where the server answered with a JSON error body
_CODE_STATUS = {
    "UNAUTHENTICATED": 401,
    "CUSTOMER_UNAUTHORIZED": 401,
    "PERMISSION_DENIED": 403,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "NOT_FOUND": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "TEMPORARILY_UNAVAILABLE": 503,
}
_AUTH_HEADER = re.compile(r"(?i)\b(bearer|basic|token)(\s+|=)[A-Za-z0-9._~+/=-]{4,}")


def request_timeout(deadline_seconds: float) -> int:
    """Seconds one HTTP request may take: a quarter of the deadline, from 1 to 15 (an int,
    as ``MLFLOW_HTTP_REQUEST_TIMEOUT`` wants)."""
    return int(max(1, min(MAX_REQUEST_TIMEOUT_SECONDS, deadline_seconds // 4)))


# --- credentials --------------------------------------------------------------------------


@dataclass(frozen=True)
class Secrets:
    """Credential values that must never appear in a message, a log or an output."""

    values: tuple[str, ...] = ()

    @classmethod
    def gather(
        cls,
        tracking_uri: str,
        environ: Mapping[str, str] = os.environ,
        extra: Iterable[tuple[str | None, str | None]] = (),
    ) -> Secrets:
        """The secrets in the tracking URI (password, token parameters), the environment
        (``MLFLOW_TRACKING_TOKEN``, ``..._PASSWORD``, ...) and ``extra`` (user, password)
        pairs, with the Basic-auth encodings of every user:password pair."""
        found: set[str] = set()
        pairs: list[tuple[str | None, str | None]] = [*extra]
        with contextlib.suppress(ValueError):
            parts = urlsplit(tracking_uri)
            pairs.append((parts.username, parts.password))
            found.update(v for k, v in parse_qsl(parts.query) if _SECRET_QUERY.match(k))
        pairs.append(
            (environ.get("MLFLOW_TRACKING_USERNAME"), environ.get("MLFLOW_TRACKING_PASSWORD"))
        )
        found.update(environ[k] for k in _SECRET_ENV if environ.get(k))
        for user, password in pairs:
            if password:
                found.add(password)
                found.add(base64.standard_b64encode(f"{user or ''}:{password}".encode()).decode())
        return cls(tuple(sorted((s for s in found if len(s) >= 3), key=len, reverse=True)))

    def redact(self, text: str) -> str:
        """``text`` without any known secret, URL credentials or Authorization values."""
        for secret in self.values:
            text = text.replace(secret, "<redacted>")
        return _AUTH_HEADER.sub(r"\1\2<redacted>", scrub(text))


# --- classifying what MLflow raised ------------------------------------------------------


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and its causes and contexts, innermost last, each once."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def error_code(exc: BaseException) -> str:
    """MLflow's error code name (``RESOURCE_DOES_NOT_EXIST``, ...) or ''."""
    for e in chain(exc):
        code = getattr(e, "error_code", None)
        if isinstance(code, str) and code:
            return code
    return ""


def http_status(exc: BaseException) -> int | None:
    """The HTTP status behind ``exc``, when a response or MLflow's message says it."""
    for e in chain(exc):
        status = getattr(getattr(e, "response", None), "status_code", None)
        if isinstance(status, int):
            return status
    text = " ".join(str(e) for e in chain(exc))
    if m := _STATUS_IN_TEXT.search(text):
        return int(next(g for g in m.groups() if g))
    return _CODE_STATUS.get(error_code(exc))


def is_not_found(exc: BaseException) -> bool:
    """MLflow says the run, model, version or artifact does not exist. (A 404 without MLflow's
    error code means there is no MLflow API at that address: not this.)"""
    code = error_code(exc)
    return code in _NOT_FOUND_CODES or (not code and http_status(exc) == 404)


def is_access_denied(exc: BaseException) -> bool:
    return error_code(exc) in _DENIED_CODES or http_status(exc) in (401, 403)


def certificate_failure(exc: BaseException) -> bool:
    """The server's TLS certificate could not be verified (self-signed, unknown CA, expired,
    wrong host name)."""
    names = {type(e).__name__ for e in chain(exc)}
    text = " ".join(str(e) for e in chain(exc))
    return "SSLCertVerificationError" in names or "CERTIFICATE_VERIFY_FAILED" in text


def transient_reason(exc: BaseException) -> str | None:
    """Why ``exc`` is worth retrying, in a few fixed words (never the exception's text, which
    may hold URLs); None when it is not transient."""
    names = {type(e).__name__ for e in chain(exc)}
    text = " ".join(str(e) for e in chain(exc))
    status = http_status(exc)
    if status in _TRANSIENT_STATUS:
        return f"HTTP {status}"
    if names & _TIMEOUT_ERRORS or "timeout exception" in text or "timed out" in text:
        return "timed out"
    if "Connection refused" in text or "ConnectionRefusedError" in names:
        return "connection refused"
    if names & _CONNECTION_ERRORS or "Max retries exceeded" in text:
        for marker in (
            "Name or service not known",
            "Temporary failure in name resolution",
            "No route to host",
            "Connection reset",
            "Connection aborted",
        ):
            if marker in text:
                return marker.lower()
        return "connection failed"
    if error_code(exc) in _TRANSIENT_CODES:
        return error_code(exc)
    if "database is locked" in text:
        return "database is locked"
    return None


# --- the calls ----------------------------------------------------------------------------


class Cancelled(Exception):
    """Another part of the collection failed; this one stops (internal, never escapes)."""


@dataclass
class Calls:
    """Makes, times and counts every call of one collection, inside its deadline.

    ``place`` names the store in messages ("the MLflow tracking server at http://...").
    """

    deadline_seconds: float
    place: str
    secrets: Secrets = field(default_factory=Secrets)
    clock: Callable[[], float] = time.monotonic
    queries: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    # a server on this machine: connection refused means it is not started, not a blip
    loopback: bool = False

    def __post_init__(self) -> None:
        self.started = self.clock()
        self._lock = threading.Lock()
        self._cancelled = threading.Event()

    @property
    def request_timeout(self) -> int:
        return request_timeout(self.deadline_seconds)

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float:
        return self.deadline_seconds - self.elapsed()

    def cancel(self) -> None:
        """Make every later call (and every pending retry) of this collection stop."""
        self._cancelled.set()

    def call(self, operation: str, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """``fn(*args, **kwargs)``, counted under ``operation``, retried while transient."""
        attempts = 0
        while True:
            if self._cancelled.is_set():
                raise Cancelled(operation)
            if self.remaining() <= 0:
                raise self._gave_up(operation, attempts, "deadline reached")
            with self._lock:
                self.queries[operation] += 1
            attempts += 1
            try:
                return fn(*args, **kwargs)
            except EvidenceSourceError:
                raise
            except Exception as exc:
                delay = self._retry_delay(operation, attempts, exc)
                if delay is None:
                    raise
                with self._lock:
                    self.retries += 1
                if self._cancelled.wait(delay):
                    raise Cancelled(operation) from None

    def _retry_delay(self, operation: str, attempts: int, exc: Exception) -> float | None:
        """Seconds to wait before retrying after ``exc``; None when ``exc`` is not transient
        (it goes back to the caller). Raises when access is refused, or when a retry is not
        worth it or cannot finish inside the deadline. Called while ``exc`` is handled."""
        if is_access_denied(exc):
            raise AccessDenied(
                f"{self.place} refused access (HTTP {http_status(exc) or '401/403'}) "
                f"on {operation}: check the credentials in MLFLOW_TRACKING_TOKEN or "
                "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD"
            ) from None
        if certificate_failure(exc):
            raise self.certificate_error() from None
        reason = transient_reason(exc)
        if reason is None:
            return None
        if reason == "connection refused" and self.loopback and self.elapsed() >= _LOOPBACK_GRACE:
            raise self._gave_up(operation, attempts, reason) from None
        if reason in _NOT_WORTH_RETRYING:
            raise self._gave_up(operation, attempts, reason) from None
        delay = _BACKOFF_SECONDS[min(attempts, len(_BACKOFF_SECONDS)) - 1]
        delay *= random.uniform(0.8, 1.2)
        if self.remaining() - delay < self.request_timeout:
            raise self._gave_up(operation, attempts, reason) from None
        return delay

    def once(
        self, operation: str, fn: Callable[..., T], *args: object, **kwargs: object
    ) -> T | None:
        """``fn(*args, **kwargs)`` counted under ``operation``, tried once; None if it fails
        (for what is nice to have, such as the server's version)."""
        if self._cancelled.is_set() or self.remaining() <= 0:
            return None
        with self._lock:
            self.queries[operation] += 1
        try:
            return fn(*args, **kwargs)
        except Exception:
            return None

    def certificate_error(self) -> SourceUnavailable:
        return SourceUnavailable(
            f"the TLS certificate of {self.place} could not be verified (self-signed, or "
            "signed by an unknown authority); if the server uses a private certificate "
            "authority, set MLFLOW_TRACKING_SERVER_CERT_PATH to its CA bundle"
        )

    def _gave_up(self, operation: str, attempts: int, reason: str) -> SourceUnavailable:
        if reason == "deadline reached":
            return SourceUnavailable(
                f"{self.place} did not give all the evidence within the "
                f"{self.deadline_seconds:g}s deadline (stopped before {operation}, after "
                f"{self.elapsed():.1f}s); allow more time with a longer deadline"
            )
        if reason.startswith("HTTP"):
            what = f"{self.place} keeps failing ({reason})"
        elif reason == "timed out":
            what = f"{self.place} is too slow: no answer within {self.request_timeout}s per request"
        else:
            what = f"cannot reach {self.place}: {reason}"
        if reason == "connection refused" and self.loopback:
            what += " (nothing is listening there: is `mlflow server` started on that port?)"
        return SourceUnavailable(
            f"{what}; gave up on {operation} after {attempts} attempt"
            f"{'s' if attempts != 1 else ''} in {self.elapsed():.1f}s "
            f"(deadline {self.deadline_seconds:g}s)"
        )

    def message(self, text: str) -> str:
        """The first line of an MLflow message, credential-free and short."""
        line = text.strip().splitlines()[0] if text.strip() else "no detail"
        return self.secrets.redact(line)[:300]


# --- the MLflow environment during a collection --------------------------------------------


@contextlib.contextmanager
def mlflow_limits(timeout_seconds: int) -> Iterator[None]:
    """Turn MLflow's own HTTP retries off (riskcards retries inside its deadline), bound each
    request to ``timeout_seconds``, turn MLflow 3's usage telemetry off (it would call out to
    the internet) and keep the mlflow and urllib3 loggers quiet (their records may hold URLs).
    These are process-wide (environment variables, loggers) for the time of the collection;
    everything is restored afterwards."""
    settings = {
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(timeout_seconds),
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "0",
        "MLFLOW_HTTP_REQUEST_BACKOFF_JITTER": "0",
    }
    saved = {k: os.environ.get(k) for k in settings}
    loggers = [logging.getLogger(name) for name in ("mlflow", "urllib3", "alembic")]
    levels = [lg.level for lg in loggers]
    os.environ.update(settings)
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
