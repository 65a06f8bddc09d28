"""A release ends cleanly (issue 18): the process skips the interpreter's teardown once its
outputs are written, loses nothing doing so, and leaves no process behind (PDF workers,
their fork server and resource tracker included)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from riskcards.bundle import verify_bundle
from tests.conftest import make_snapshot


def _session(sid: int) -> list[str]:
    """Every live process of session ``sid`` (a process started with a new session leads it)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{pid} {stat.split(')', 1)[0]})")
    return found


def test_a_pdf_release_writes_everything_and_leaves_no_process(tmp_path: Path) -> None:
    snapshot = tmp_path / "evidence.json"
    snapshot.write_text(make_snapshot().model_dump_json())
    out, stdout = tmp_path / "bundle", tmp_path / "stdout.txt"
    with stdout.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "riskcards.cli",
                "release",
                f"evidence:{snapshot}",
                "--out",
                str(out),
            ],
            stdout=sink,
            stderr=subprocess.PIPE,
            start_new_session=True,
            text=True,
        )
        _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    assert _session(process.pid) == []  # no worker, fork server or tracker outlives it
    assert verify_bundle(out) == []  # every file written, closed and as the manifest says
    assert len(list(out.glob("*.pdf"))) >= 4
    # the lines printed last reached their pipe and file: nothing lost at the exit
    assert (
        stderr.endswith("\n")
        and "NIST AI RMF 1.0:" in stderr
        and "bundle:" in stdout.read_text() + stderr
    )


def test_parallel_pdfs_in_a_library_call_leave_no_child_process() -> None:
    from riskcards.render.pdf import PdfJob, render_pdfs

    def children() -> set[str]:
        found = set()
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == os.getpid() and stat[0] != "Z":
                found.add(pid)
        return found

    before = children()
    pages = render_pdfs([PdfJob(html=f"<p>{i}</p>") for i in range(3)], workers=2)
    assert len(pages) == 3 and all(p.content.startswith(b"%PDF") for p in pages)
    assert children() - before == set()
