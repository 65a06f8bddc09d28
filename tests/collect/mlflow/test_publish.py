"""Write-back and promotion against a real `mlflow server` on 127.0.0.1: release
--log-to-mlflow logs the bundle and tags the version (read back here); promote moves an alias
only to a version whose verified bundle passed the gate."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskcards.collect.mlflow.publish import artifact_path
from riskcards.record.sign import generate_keys
from tests.integration_support import mlflow_server, riskcards

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path | str]]:
    from riskcards.demo import log_demo, write_demo_project

    root = tmp_path_factory.mktemp("publish")
    logged = log_demo(root / "demo")
    config = write_demo_project(root / "demo", logged)
    lenient = config.with_name("lenient.yaml")  # the same project, gating on critical only
    lenient.write_text(
        config.read_text().replace(
            "blocking_severities: [high, critical]", "blocking_severities: [critical]"
        )
    )
    keys = root / "keys"
    generate_keys(keys)
    generate_keys(root / "other")
    store = root / "demo" / "mlflow"
    with mlflow_server(logged.tracking_uri, store / "artifacts", root / "server.log") as url:
        yield {"url": url, "root": root, "config": config, "lenient": lenient, "keys": keys}


def _client(url: str):  # type: ignore[no-untyped-def]
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=url, registry_uri=url)


def _promote(served: dict[str, Path | str], cwd: Path, uri: str, alias: str, *extra: str):  # type: ignore[no-untyped-def]
    return riskcards(
        "promote", uri, "--alias", alias, *extra, cwd=cwd, MLFLOW_TRACKING_URI=str(served["url"])
    )


def _release(served: dict[str, Path | str], version: str, config: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return riskcards(
        "release",
        f"models:/credit-risk/{version}",
        "--config",
        str(config),
        "--out",
        str(out),
        "--no-pdf",
        "--log-to-mlflow",
        *extra,
        cwd=out.parent,
        MLFLOW_TRACKING_URI=str(served["url"]),
    )


def test_log_to_mlflow_tags_the_version_and_promote_refuses_a_failed_gate(
    served: dict[str, Path | str], tmp_path: Path
) -> None:
    out = tmp_path / "v1"
    done = _release(served, "1", Path(served["config"]), out)
    assert done.returncode == 0, done.stderr
    client = _client(str(served["url"]))
    mv = client.get_model_version("credit-risk", "1")
    tags = mv.tags
    assert tags["riskcards.gate"] == "fail"
    assert tags["riskcards.blocking"] == "3"
    assert (
        tags["riskcards.bundle_sha256"]
        == hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    )
    where = artifact_path(tags["riskcards.as_of"])
    logged = {a.path for a in client.list_artifacts(mv.run_id, where)}
    assert f"{where}/manifest.json" in logged and f"{where}/inputs" in logged

    refused = _promote(served, tmp_path, "models:/credit-risk/1", "production")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "the gate failed: 3 blocking control(s)" in refused.stdout
    assert "riskcards.gate tag is 'fail'" in refused.stdout
    assert "production" not in client.get_registered_model("credit-risk").aliases


def test_promote_moves_the_alias_to_a_passing_signed_version(
    served: dict[str, Path | str], tmp_path: Path
) -> None:
    keys = Path(served["keys"])
    out = tmp_path / "v2"
    done = _release(
        served, "2", Path(served["lenient"]), out, "--sign", str(keys / "riskcards.key")
    )
    assert done.returncode == 0, done.stderr
    tags = _client(str(served["url"])).get_model_version("credit-risk", "2").tags
    assert tags["riskcards.gate"] == "pass" and tags["riskcards.blocking"] == "0"

    other = Path(served["root"]) / "other" / "riskcards.pub"
    wrong_key = _promote(
        served, tmp_path, "models:/credit-risk/2", "production", "--key", str(other)
    )
    assert wrong_key.returncode == 1 and "signature does not verify" in wrong_key.stdout

    moved = _promote(
        served,
        tmp_path,
        "models:/credit-risk/2",
        "production",
        "--key",
        str(keys / "riskcards.pub"),
    )
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert "signature verified" in moved.stderr
    aliases = _client(str(served["url"])).get_registered_model("credit-risk").aliases
    assert aliases["production"] == "2"


def test_promote_without_a_logged_release_is_refused(
    served: dict[str, Path | str], tmp_path: Path
) -> None:
    client = _client(str(served["url"]))
    client.delete_model_version_tag("credit-risk", "2", "riskcards.as_of")
    try:
        done = _promote(served, tmp_path, "models:/credit-risk/2", "staging")
    finally:
        client.set_model_version_tag("credit-risk", "2", "riskcards.as_of", "restored")
    assert done.returncode == 1 and "no riskcards release logged" in done.stdout
    usage = _promote(served, tmp_path, "models:/credit-risk@champion", "production")
    assert usage.returncode == 2 and "models:/<name>/<version>" in usage.stderr
