"""Issue 17, item 9: what already held under the adversarial suite, kept held: markup and
template syntax in MLflow metadata stay inert, no fetch leaves the process, YAML bombs,
duplicate keys and unsafe tags are refused, a flipped byte in a bundle is found."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from riskcards.bundle import verify_bundle
from tests.hardening.conftest import cli, evidence_file, one_error_line


def test_markup_and_template_syntax_in_metadata_stay_inert(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    ev = evidence_file(tmp_path, tags={"intended_use": hostile}, description=hostile)
    r = cli("release", f"evidence:{ev}", "--out", tmp_path / "out", "--no-pdf")
    assert r.returncode in (0, 1), r.stderr
    card = (tmp_path / "out" / "model-card.html").read_text()
    assert "<script>alert" not in card and "uid=" not in card
    assert "cycler.__init__" in card  # shown as text, never evaluated


def test_no_fetch_leaves_the_process(tmp_path: Path) -> None:
    """Links to a listening local port in the evidence: the PDF renderer never connects."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    html = f'<img src="http://127.0.0.1:{port}/x.png"><link rel=stylesheet href="http://127.0.0.1:{port}/c.css">'
    ev = evidence_file(tmp_path, description=html, tags={"intended_use": html})
    try:
        r = cli("release", f"evidence:{ev}", "--out", tmp_path / "out", "--format", "pdf")
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert r.returncode in (0, 1), r.stderr
    assert connections == []


@pytest.mark.parametrize(
    ("yaml", "words"),
    [
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            ["riskcards.yaml:"],
        ),
        ("schema_version: 1\nschema_version: 1\n", ["riskcards.yaml:2:", "duplicate"]),
        ("schema_version: !!python/object/apply:os.system ['id']\n", ["riskcards.yaml:1:"]),
    ],
    ids=["bomb", "duplicate-key", "unsafe-tag"],
)
def test_hostile_yaml_is_refused(tmp_path: Path, yaml: str, words: list[str]) -> None:
    (tmp_path / "riskcards.yaml").write_text(yaml)
    r = cli("check", f"evidence:{evidence_file(tmp_path)}", "--config", tmp_path / "riskcards.yaml")
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, *words)
    assert "uid=" not in r.stdout + r.stderr


def test_a_flipped_byte_is_found(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = cli("release", f"evidence:{evidence_file(tmp_path)}", "--out", out, "--no-pdf")
    assert r.returncode in (0, 1), r.stderr
    card = out / "model-card.html"
    data = bytearray(card.read_bytes())
    data[100] ^= 1
    card.write_bytes(bytes(data))
    assert verify_bundle(out) == ["model-card.html: sha256 differs from the manifest"]
