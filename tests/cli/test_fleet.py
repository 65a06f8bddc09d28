"""The fleet's progress: a bar with counts and an ETA on a terminal, plain lines in CI."""

from __future__ import annotations

import io

from riskcards.cli.fleet import Progress
from riskcards.fleet import Entry


def _entry(status: str, version: str) -> Entry:
    return Entry(
        model="m", version=version, target=f"models:/m/{version}", status=status,
        exit_code=3 if status == "failed" else 0,
        error="no run 'x'" if status == "failed" else None,
        verdict=None if status == "failed" else "PASS: no blocking gap",
    )  # fmt: skip


def test_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(2, out, tty=False)
    progress(_entry("released", "1"))
    progress(_entry("failed", "2"))
    assert out.getvalue().splitlines() == [
        "[1/2] m 1: released: PASS: no blocking gap",
        "[2/2] m 2: failed: no run 'x'",
    ]


def test_a_bar_with_counts_and_eta_on_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(4, out, tty=True)
    for status, version in (("released", "1"), ("unchanged", "2"), ("failed", "3")):
        progress(_entry(status, version))
    last = out.getvalue().split("\r")[-1]
    assert last.startswith("[" + "#" * 22 + " " * 8 + "] 3/4 1 released, 1 unchanged, 1 failed")
    assert "ETA 0:0" in last and "\n" not in last
    progress(_entry("released", "4"))
    assert out.getvalue().endswith("\n")
