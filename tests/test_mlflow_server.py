"""Collection over HTTP from a real `mlflow server` on 127.0.0.1 (session-scoped subprocess)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration_support import free_port, mlflow_server, riskcards

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The demo's store, served by a real tracking server."""
    from riskcards.demo import log_demo

    root = tmp_path_factory.mktemp("served")
    logged = log_demo(root / "demo")
    store = root / "demo" / "mlflow"
    with mlflow_server(logged.tracking_uri, store / "artifacts", root / "server.log") as url:
        yield {"url": url, "root": root, "run_id": logged.run_id}


def test_release_over_http(server: dict[str, object], tmp_path: Path) -> None:
    done = riskcards("release", "models:/credit-risk@champion", "--out", str(tmp_path / "b"), "--no-pdf",
                     cwd=tmp_path, MLFLOW_TRACKING_URI=str(server["url"]))
    assert done.returncode == 0, done.stderr
    evidence = json.loads((tmp_path / "b" / "evidence.json").read_text())
    assert evidence["provenance"]["tracking_uri"] == server["url"]
    assert evidence["run"]["run_id"] == server["run_id"]
    assert {d["context"] for d in evidence["run"]["datasets"]} == {"training", "evaluation"}
    assert any(a["path"] == "eval/predictions.json" for a in evidence["run"]["artifacts"])
    assert evidence["model_version"]["aliases"] == ["champion"]


def test_unknown_alias_over_http_lists_near_matches(server: dict[str, object], tmp_path: Path) -> None:
    done = riskcards("release", "models:/credit-risk@champ", "--tracking-uri", str(server["url"]),
                     "--out", str(tmp_path / "b"), cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "did you mean 'champion'" in done.stderr
    assert not (tmp_path / "b").exists()


def test_unreachable_server_fails_fast_with_exit_3(tmp_path: Path) -> None:
    url = f"http://user:s3cret@127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    done = riskcards("release", "models:/credit-risk@champion", "--tracking-uri", url,
                     "--out", str(tmp_path / "b"), cwd=tmp_path, timeout=180)
    elapsed = time.monotonic() - started
    assert done.returncode == 3, done.stderr
    assert "cannot reach the MLflow tracking server at http://127.0.0.1:" in done.stderr
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "b").exists()
    print(f"unreachable server reported after {elapsed:.1f}s")
