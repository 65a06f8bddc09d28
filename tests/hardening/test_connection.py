"""Issue 17, item 5 (and issue 11's loopback case): how riskcards reached the server is
recorded; a certificate failure, conflicting credentials and a server that is not started
each say so clearly. Everything on loopback: a real ``mlflow server``, and in front of it a
real TLS endpoint with a self-signed certificate."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.hardening.conftest import cli, one_error_line
from tests.integration_support import free_port, mlflow_server

LOG_RUN = """
import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
with mlflow.start_run() as run:
    mlflow.log_metric("roc_auc", 0.8)
    print("RUN", run.info.run_id)
"""


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return key, cert


@contextmanager
def tls_proxy(upstream: str, certificate: tuple[Path, Path]) -> Iterator[str]:
    """HTTPS on 127.0.0.1 with a self-signed certificate, forwarding to ``upstream``."""

    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            request = urllib.request.Request(
                upstream + self.path, data=body, method=self.command,
                headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
            )  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, headers, data = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, headers, data = error.code, error.headers, error.read()
            self.send_response(status)
            for k, v in headers.items():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _forward

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Forward)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate[1]), str(certificate[0]))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real `mlflow server` with one run: (url, run id)."""
    folder = tmp_path_factory.mktemp("mlflow")
    store = f"sqlite:///{folder / 'mlflow.db'}"
    with mlflow_server(store, folder / "artifacts", folder / "server.log") as url:
        logged = subprocess.run(
            [sys.executable, "-c", LOG_RUN, url], capture_output=True, text=True, timeout=120
        )
        assert logged.returncode == 0, logged.stderr
        run_id = next(ln.split()[1] for ln in logged.stdout.splitlines() if ln.startswith("RUN "))
        yield url, run_id


def _release(tmp_path: Path, uri: str, run_id: str, **env: str) -> dict[str, object]:
    out = tmp_path / "out"
    r = cli("release", f"runs:/{run_id}", "--tracking-uri", uri, "--out", out, "--no-pdf",
            "--deadline", "30", env=env)  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    provenance = json.loads((out / "evidence.json").read_text())["provenance"]
    provenance["card"] = (out / "model-card.html").read_text()
    return provenance


def test_plain_http_with_a_token_is_recorded(tmp_path: Path, server: tuple[str, str]) -> None:
    url, run_id = server
    p = _release(tmp_path, url, run_id, MLFLOW_TRACKING_TOKEN="tok-abc-123")
    assert (p["auth"], p["tls_verified"]) == ("token", False)
    assert "tok-abc-123" not in json.dumps(p)
    assert "collected without TLS certificate verification" in str(p["card"])


def test_insecure_tls_is_recorded_and_marked(
    tmp_path: Path, server: tuple[str, str], certificate: tuple[Path, Path]
) -> None:
    url, run_id = server
    with tls_proxy(url, certificate) as https:
        p = _release(tmp_path, https, run_id, MLFLOW_TRACKING_INSECURE_TLS="true")
        assert (p["auth"], p["tls_verified"]) == ("none", False)
        assert "NOT VERIFIED" in str(p["card"])
        verified = _release(
            tmp_path, https, run_id, MLFLOW_TRACKING_SERVER_CERT_PATH=str(certificate[1])
        )
        assert (verified["auth"], verified["tls_verified"]) == ("none", True)


def test_a_self_signed_certificate_is_named_with_the_hint(
    tmp_path: Path, server: tuple[str, str], certificate: tuple[Path, Path]
) -> None:
    url, run_id = server
    with tls_proxy(url, certificate) as https:
        started = time.monotonic()
        r = cli("release", f"runs:/{run_id}", "--tracking-uri", https, "--out",
                tmp_path / "out", "--no-pdf", "--deadline", "30")  # fmt: skip
    assert r.returncode == 3, r.stderr
    one_error_line(r.stderr, "TLS certificate", "MLFLOW_TRACKING_SERVER_CERT_PATH")
    assert "connection failed" not in r.stderr
    assert time.monotonic() - started < 20  # not retried as if it were a blip


def test_conflicting_credentials_are_an_error(tmp_path: Path) -> None:
    uri = f"http://alice:pw-secret-1@127.0.0.1:{free_port()}"
    r = cli("release", "runs:/0123456789abcdef", "--tracking-uri", uri, "--out",
            tmp_path / "out", env={"MLFLOW_TRACKING_TOKEN": "tok-abc-123"})  # fmt: skip
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, "conflicting MLflow credentials", "MLFLOW_TRACKING_TOKEN")
    assert "pw-secret-1" not in r.stderr and "tok-abc-123" not in r.stderr


def test_a_loopback_server_that_is_not_started_fails_fast_with_a_hint(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    r = cli("check", "runs:/0123456789abcdef", "--tracking-uri", url, "--deadline", "60")
    elapsed = time.monotonic() - started
    assert r.returncode == 3, r.stderr
    one_error_line(r.stderr, "connection refused", url, "mlflow server")
    assert elapsed < 5 + 3  # 5 s to fail, plus the interpreter's start-up
