"""Issue 17, item 4: SIGTERM at any moment leaves ``--out`` holding a complete bundle (the
previous one or the new one, verified against its manifest), no temporary folder, no lock
file and no process of the release (PDF workers included)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from riskcards.bundle import MANIFEST, check_destination, verify_bundle
from tests.hardening.conftest import evidence_file


def _survivors(marker: str) -> list[int]:
    """Live processes (not zombies) started with ``marker`` in their environment (/proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def _kill(marker: str) -> None:
    for pid in _survivors(marker):
        with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
            os.kill(pid, signal.SIGKILL)


def _assert_clean(out: Path, marker: str) -> None:
    assert (out / MANIFEST).is_file(), "no bundle at --out"
    assert verify_bundle(out) == []
    check_destination(out)  # still riskcards' own, replaceable by the next release
    strays = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    assert strays == []
    deadline = time.monotonic() + 10
    while _survivors(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _survivors(marker) == []


def _start(args: list[str], marker: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env["RISKCARDS_TEST_MARKER"] = marker
    return subprocess.Popen(
        [sys.executable, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_sigterm_during_a_release_with_pdf_workers(tmp_path: Path) -> None:
    evidence = evidence_file(tmp_path)
    out = tmp_path / "out"
    args = ["-m", "riskcards.cli", "release", f"evidence:{evidence}", "--out", str(out)]
    started = time.monotonic()
    first = _start(args, uuid.uuid4().hex, tmp_path)
    assert first.wait(timeout=300) in (0, 1), first.stderr.read() if first.stderr else ""
    full = time.monotonic() - started
    for fraction in (0.2, 0.45, 0.7, 0.85, 0.95, 1.1):
        marker = uuid.uuid4().hex
        p = _start(args, marker, tmp_path)
        time.sleep(full * fraction)
        p.send_signal(signal.SIGTERM)
        try:
            _, err = p.communicate(timeout=120)
        except BaseException:  # a hung release and its workers never outlive the test
            _kill(marker)
            raise
        assert p.returncode in (0, 1, 143, -signal.SIGTERM), err
        assert b"Traceback" not in err, err
        if p.returncode == 143:
            assert b"interrupted (SIGTERM)" in err
        _assert_clean(out, marker)


WRITER = """
import sys
from pathlib import Path

import pytest
from riskcards.bundle import build_manifest, write_bundle
from riskcards.models.bundle import BundleFile
from tests.conftest import AS_OF

out = Path(sys.argv[1])
for n in range(1000):
    files = [
        BundleFile(path=f"d{i % 20}/f{i}.html", kind="model-card", format="html",
                   content=f"{n}:{i}".encode() * 2000)
        for i in range(400)
    ]
    manifest = build_manifest(files, target="runs:/x", model="x", as_of=AS_OF,
                              main=files[0].path, inputs=())
    write_bundle(out, files, manifest)
    print(n, flush=True)
"""


def test_sigterm_at_any_moment_of_the_write_leaves_a_complete_bundle(tmp_path: Path) -> None:
    """The library alone, without the CLI's handler: SIGTERM's default action (immediate
    death) waits while the bundle is being swapped."""
    out = tmp_path / "out"
    repo = Path(__file__).resolve().parents[2]
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4):
        marker = uuid.uuid4().hex
        p = _start(["-c", WRITER, str(out)], marker, repo)
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=60)
        if out.exists():
            _assert_clean(out, marker)


class _Stop(BaseException):
    """What the CLI's SIGTERM handler raises (riskcards.cli.common.Terminated)."""


def test_a_signal_held_while_pdf_workers_start_still_stops_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM while the workers start is held, then raised as the start ends: the workers
    already started are stopped, and none is left for the exit to wait on (the CI hang)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from riskcards.render import pdf

    class SignalledPool(ProcessPoolExecutor):
        def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
            future = super().submit(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGTERM)  # held: raised when the start is done
            return future

    def stop(_signum: int, _frame: object) -> None:
        raise _Stop

    monkeypatch.setattr(pdf, "ProcessPoolExecutor", SignalledPool)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        jobs = [pdf.PdfJob(html=f"<p>{i}</p>") for i in range(2)]
        with pytest.raises(_Stop) as raised:
            pdf.render_pdfs(jobs, workers=2)
        # the traceback still holds the pool: only stopping its workers can have ended them
        for child in multiprocessing.active_children():
            child.join(timeout=10)
        alive = multiprocessing.active_children()
        del raised
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert alive == []
