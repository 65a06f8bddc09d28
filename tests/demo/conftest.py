"""Fixtures of the demo tests: the trained demo, and the demo logged to a real MLflow store.

Package-scoped, so the demo is trained once and logged once for all of tests/demo.
"""

from __future__ import annotations

import pytest

from riskcards.demo.mlflow_logging import DemoLogged, log_demo
from riskcards.demo.model import TrainedDemo, train_demo


@pytest.fixture(scope="package")
def trained() -> TrainedDemo:
    return train_demo(seed=7)


@pytest.fixture(scope="package")
def logged(tmp_path_factory: pytest.TempPathFactory) -> DemoLogged:
    return log_demo(tmp_path_factory.mktemp("demo"))  # an existing, empty folder
