"""Session fixtures for the MLflow source: the rich store, as a local sqlite store.

The same store behind a real `mlflow server` is in tests/test_mlflow_server.py, which shares
one server with the demo's HTTP tests (a server takes 10-15 s to start)."""

from __future__ import annotations

import pytest

from tests.collect.mlflow.support import RichStore, log_rich_store


@pytest.fixture(scope="session")
def rich_local(tmp_path_factory: pytest.TempPathFactory) -> RichStore:
    """The rich store as a local sqlite store with local artifacts (no server)."""
    root = tmp_path_factory.mktemp("rich-local")
    return log_rich_store(
        f"sqlite:///{root / 'mlflow.db'}", root / "work", artifact_location=str(root / "artifacts")
    )
