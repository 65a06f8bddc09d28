"""Tests of riskcards.demo.store, through log_demo: the output folder, a fresh store on every
run, and MLflow kept quiet, offline and apart from the caller's state."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from riskcards.demo import log_demo
from riskcards.demo.mlflow_logging import DemoLogged
from riskcards.errors import OutputError

# --- the output folder --------------------------------------------------------------------


def test_a_foreign_folder_is_refused_and_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "mlflow").mkdir()
    with pytest.raises(OutputError, match="not created by riskcards demo; choose another --out"):
        log_demo(tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["mlflow", "notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        log_demo(target)


# --- a fresh store ------------------------------------------------------------------------


def _client(logged: DemoLogged) -> Any:
    import mlflow

    return mlflow.MlflowClient(logged.tracking_uri, registry_uri=logged.tracking_uri)


@pytest.mark.integration
@pytest.mark.slow
def test_rerunning_replaces_the_earlier_store(logged: DemoLogged, tmp_path: Path) -> None:
    out = tmp_path / "again"
    shutil.copytree(logged.store_dir.parent, out)
    (out / "report.html").write_text("an earlier report")  # the demo's folder, not its store

    again = log_demo(out, seed=7)

    client = _client(again)
    assert again.model_version == "1"
    assert again.run_id != logged.run_id
    experiment = client.get_experiment_by_name("credit-risk")
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    assert runs[0].info.run_id == again.run_id
    assert len(runs) == 2  # the champion and the challenger, nothing of the earlier store
    assert (out / "report.html").read_text() == "an earlier report"


# --- MLflow kept apart --------------------------------------------------------------------


def _run_python(code: str, tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter without pytest's environment (MLflow turns its
    telemetry off when it sees PYTEST_CURRENT_TEST)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MLFLOW_"))}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.integration
@pytest.mark.slow
def test_log_demo_is_quiet_and_offline(tmp_path: Path) -> None:
    code = """
        import sys
        from pathlib import Path

        online = []

        def watch_the_network(event, args):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
                online.append(f"{event} {args}")

        sys.addaudithook(watch_the_network)
        from mlflow.telemetry.client import get_telemetry_client
        from riskcards.demo import log_demo

        telemetry = get_telemetry_client()  # exists: this process does not disable telemetry
        log_demo(Path("out"))
        # telemetry goes online from a thread once the first usage record activates it
        if online or (telemetry is not None and telemetry.is_active):
            sys.exit(f"riskcards demo went online: {online}")
    """
    result = _run_python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no ./mlruns, no ./mlflow.db


@pytest.mark.integration
@pytest.mark.slow
def test_log_demo_leaves_the_callers_mlflow_state_alone(tmp_path: Path) -> None:
    code = """
        import json, logging, os, warnings
        from pathlib import Path
        import mlflow
        from riskcards.demo import log_demo

        mlflow.set_tracking_uri("sqlite:///caller.db")
        mlflow.set_registry_uri("sqlite:///caller-registry.db")
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        run = mlflow.start_run()
        os.environ["MLFLOW_RUN_ID"] = "0123456789abcdef0123456789abcdef"
        os.environ["MLFLOW_EXPERIMENT_NAME"] = "someone-elses"

        def state():
            active = mlflow.active_run()
            return {
                "tracking": mlflow.get_tracking_uri(),
                "registry": mlflow.get_registry_uri(),
                "active": active.info.run_id if active else None,
                "env": {k: v for k, v in os.environ.items() if "MLFLOW" in k},
                "level": logging.getLogger("mlflow").level,
                "filters": len(warnings.filters),
            }

        before = state()
        logged = log_demo(Path("out"))
        after = state()
        mlflow.end_run()
        print(json.dumps({"before": before, "after": after, "run": run.info.run_id,
                          "demo_run": logged.run_id}))
    """
    # the caller's own MLflow calls must not go online either ("1": not the value we set)
    result = _run_python(code, tmp_path, MLFLOW_DISABLE_TELEMETRY="1")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["after"] == report["before"]
    assert report["before"]["active"] == report["run"] != report["demo_run"]
