"""Helpers of the adversarial suite: the real CLI in a subprocess, an evidence snapshot on
disk (no MLflow needed), bounded in time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_snapshot


def cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: int = 180,
) -> subprocess.CompletedProcess[str]:
    """``python -m riskcards.cli ARGS`` with no MLFLOW_* from the environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "riskcards.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
    )


def evidence_file(folder: Path, **run_changes: object) -> Path:
    """A realistic evidence snapshot written as JSON (the target evidence:FILE)."""
    path = folder / "evidence-in.json"
    path.write_text(make_snapshot(**run_changes).model_dump_json(indent=2))
    return path


def one_error_line(stderr: str, *words: str) -> None:
    """A user error: no traceback, a first line 'riskcards: error: ...', the words shown."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("riskcards: error:"), stderr
    for w in words:
        assert w in stderr, stderr
