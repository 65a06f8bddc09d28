"""Issue 17, item 8: "did you mean" looks at every registered model, not the first page."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskcards.collect.mlflow.source import collect
from riskcards.errors import NotFound

PAGE_SIZE = 1000  # MLflow's largest page of registered models


def test_did_you_mean_pages_through_every_registered_model(tmp_path: Path) -> None:
    from mlflow import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    for i in range(PAGE_SIZE):
        client.create_registered_model(f"model-{i:04d}")
    client.create_registered_model("zz-credit-risk")  # sorted last: on the second page
    with pytest.raises(NotFound, match="did you mean 'zz-credit-risk'"):
        collect("models:/zz-credit-risc/1", uri, deadline_seconds=60)
