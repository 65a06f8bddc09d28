"""Faults, against MLflow's own REST client talking to a real (misbehaving) HTTP server on
127.0.0.1: access refused fails fast and leaks no credential; 5xx, slowness and a dead server
are retried with backoff and given up on inside the deadline; all exit 3, nothing written."""

from __future__ import annotations

import base64
import logging
import time
from pathlib import Path

import pytest

from riskcards.collect.mlflow.calls import (
    Calls,
    Cancelled,
    Secrets,
    request_timeout,
    transient_reason,
)
from riskcards.collect.mlflow.source import collect
from riskcards.errors import AccessDenied, EvidenceSourceError, NotFound, SourceUnavailable
from tests.collect.mlflow.support import fault_server
from tests.integration_support import free_port

TOKEN = "tok-Zq81-s3cret"
PASSWORD = "pw-Xy77-s3cret"
TARGETS = ["models:/credit-risk@champion", "runs:/0123456789abcdef0123456789abcdef"]


def _secrets_in(text: str) -> list[str]:
    basic = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    return [s for s in (TOKEN, PASSWORD, basic, basic[:12]) if s in text]


@pytest.mark.parametrize("status", ["401", "403"])
@pytest.mark.parametrize("target", TARGETS)
def test_access_refused_fails_fast_and_names_no_credential(
    status: str,
    target: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    if status == "401":  # one kind of credentials each: both at once is a usage error
        monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    with fault_server(status) as server:
        uri = server.url
        if status != "401":
            uri = server.url.replace("http://", f"http://alice:{PASSWORD}@")
        started = time.monotonic()
        with pytest.raises(AccessDenied) as caught:
            collect(target, uri, deadline_seconds=30)
        elapsed = time.monotonic() - started
    assert len(server.requests) == 1  # no retry
    assert server.requests[0][1].startswith(("Basic ", "Bearer "))  # credentials were sent
    message = str(caught.value)
    assert f"refused access (HTTP {status})" in message and caught.value.exit_code == 3
    out, err = capfd.readouterr()
    assert _secrets_in(message + caplog.text + out + err) == []
    print(
        f"access denied reported after {elapsed:.2f}s"
    )  # timing is bench/'s job; the count proves no retry
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status", ["500", "503"])
def test_server_errors_are_retried_then_given_up_inside_the_deadline(status: str) -> None:
    deadline = 4.0
    with fault_server(status) as server:
        started = time.monotonic()
        with pytest.raises(SourceUnavailable) as caught:
            collect(TARGETS[0], server.url, deadline_seconds=deadline)
        elapsed = time.monotonic() - started
    assert len(server.requests) >= 2  # retried
    assert f"keeps failing (HTTP {status})" in str(caught.value)
    assert f"after {len(server.requests)} attempts" in str(caught.value)
    print(f"gave up after {elapsed:.1f}s, deadline {deadline}s")


def test_a_slow_server_is_given_up_on_inside_the_deadline() -> None:
    deadline = 5.0
    with fault_server("slow", delay=30) as server:
        started = time.monotonic()
        with pytest.raises(SourceUnavailable) as caught:
            collect(TARGETS[0], server.url, deadline_seconds=deadline)
        elapsed = time.monotonic() - started
    assert "is too slow: no answer within 1s per request" in str(caught.value)
    assert len(server.requests) >= 2
    print(
        f"gave up after {elapsed:.1f}s, deadline {deadline}s + one request {request_timeout(deadline)}s"
    )


def test_a_dead_server_is_retried_then_reported() -> None:
    started = time.monotonic()
    with pytest.raises(
        SourceUnavailable,
        match=r"cannot reach the MLflow tracking server at .*: connection refused",
    ):
        collect(TARGETS[1], f"http://127.0.0.1:{free_port()}", deadline_seconds=3)
    assert time.monotonic() - started < 3


def test_the_request_timeout_follows_the_deadline() -> None:
    assert [request_timeout(d) for d in (0.5, 3, 8, 60, 600)] == [1, 1, 2, 15, 15]


# --- the retry loop itself -------------------------------------------------------------------


class _Flaky(Exception):
    pass


def _calls(deadline: float = 30) -> Calls:
    return Calls(deadline, "the MLflow tracking server at http://h")


def test_a_transient_failure_is_retried_and_counted() -> None:
    calls, attempts = _calls(), []

    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionRefusedError("[Errno 111] Connection refused")
        return "ok"

    assert calls.call("runs/get", flaky) == "ok"
    assert calls.queries == {"runs/get": 2} and calls.retries == 1


def test_other_failures_go_back_to_the_caller_untouched() -> None:
    calls = _calls()

    def missing() -> None:
        raise _Flaky("RESOURCE_DOES_NOT_EXIST")

    with pytest.raises(_Flaky):
        calls.call("runs/get", missing)
    assert calls.retries == 0


def test_no_call_starts_after_the_deadline_or_a_cancellation() -> None:
    calls = _calls(deadline=0.01)
    time.sleep(0.02)
    with pytest.raises(SourceUnavailable, match=r"within the 0\.01s deadline"):
        calls.call("runs/get", lambda: "never")
    assert calls.once("version", lambda: "never") is None
    cancelled = _calls()
    cancelled.cancel()
    with pytest.raises(Cancelled):
        cancelled.call("runs/get", lambda: "never")


def test_transient_reasons_are_fixed_words() -> None:
    class Http(Exception):
        def __init__(self, status: int) -> None:
            super().__init__(f"http://u:{PASSWORD}@h failed")
            self.response = type("R", (), {"status_code": status})()

    assert transient_reason(Http(503)) == "HTTP 503"
    assert transient_reason(Http(404)) is None
    assert transient_reason(TimeoutError("read timed out")) == "timed out"
    assert transient_reason(ValueError("bad")) is None


def test_secrets_are_redacted_wherever_they_appear() -> None:
    secrets = Secrets.gather(
        f"https://alice:{PASSWORD}@mlflow.example/?token={TOKEN}",
        environ={"MLFLOW_TRACKING_TOKEN": "env-token-123"},
    )
    basic = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    text = (
        f"GET https://alice:{PASSWORD}@mlflow.example/?token={TOKEN} failed; sent "
        f"Authorization: Basic {basic} and Bearer env-token-123; echo {PASSWORD}"
    )
    redacted = secrets.redact(text)
    assert _secrets_in(redacted) == [] and "env-token-123" not in redacted
    assert "mlflow.example" in redacted


def test_not_found_is_not_retried() -> None:
    with fault_server("404") as server, pytest.raises(NotFound, match="no run '0123"):
        collect(TARGETS[1], server.url, deadline_seconds=10)
    assert len(server.requests) == 1


def test_an_address_that_is_not_an_mlflow_server() -> None:
    with fault_server("404-html") as server, pytest.raises(EvidenceSourceError) as caught:
        collect(TARGETS[1], server.url, deadline_seconds=10)
    assert "answered HTTP 404 for an MLflow API request" in str(caught.value)
    assert not isinstance(caught.value, NotFound) and caught.value.exit_code == 3


def test_a_host_name_that_does_not_resolve() -> None:
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="cannot reach the MLflow tracking server"):
        collect(TARGETS[1], "http://riskcards-no-such-host.invalid:5000", deadline_seconds=3)
    assert time.monotonic() - started < 3
