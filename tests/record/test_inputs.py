"""The inputs a bundle carries: where each goes, and a bundle re-made from them alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from riskcards import api, audit
from riskcards.errors import ConfigError, OutputError
from riskcards.record.inputs import bundle_path, read_record
from tests.conftest import AS_OF, snapshot_of
from tests.load.test_catalogues import ACME, _extension
from tests.load.test_project import GOOD, _project


def _snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "snapshot.json"
    path.write_text(snapshot_of("credit-risk", "3").model_dump_json())
    return path


def test_paths_inside_the_bundle() -> None:
    assert bundle_path("attestations/a.yaml", "ab" * 32) == "inputs/attestations/a.yaml"
    assert bundle_path("/abs/map.yaml", "ab" * 32) == "inputs/external/abababababab/map.yaml"
    assert bundle_path("../up/x.yaml", "cd" * 32) == "inputs/external/cdcdcdcdcdcd/x.yaml"


def test_project_org_catalogues_and_mapping_travel_and_re_make(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = _project(project, GOOD)
    (tmp_path / "org").mkdir()
    org = _extension(tmp_path / "org", ACME)  # given on the command line, outside the project
    inputs = api.load_inputs(api.LoadOptions(config=config, frameworks_dirs=(org,)))
    options = api.ReleaseOptions(evidence_file=_snapshot(tmp_path), as_of=AS_OF, pdf=False)
    out = api.release(inputs, tmp_path / "bundle", None, options).out
    record = read_record(out)
    assert record.config == "inputs/riskcards.yaml" and record.frameworks == ("nist-ai-rmf",)
    assert (out / "inputs" / "attestations" / "a.yaml").read_bytes() == (
        project / "attestations" / "a.yaml"
    ).read_bytes()
    assert len(record.frameworks_dirs) == 1
    assert record.frameworks_dirs[0].startswith("inputs/external/")
    # the project and the organisation folder gone: the bundle re-makes itself
    moved = Path(shutil.copytree(out, tmp_path / "elsewhere"))
    shutil.rmtree(project), shutil.rmtree(org)
    assert audit.verify(moved).problems == ()


def test_an_input_changed_after_it_was_read_is_refused(tmp_path: Path) -> None:
    config = _project(tmp_path, GOOD)
    inputs = api.load_inputs(api.LoadOptions(config=config))
    (tmp_path / "attestations" / "a.yaml").write_text("changed: true\n")
    options = api.ReleaseOptions(evidence_file=_snapshot(tmp_path), as_of=AS_OF, pdf=False)
    with pytest.raises(OutputError, match="changed or moved"):
        api.release(inputs, tmp_path / "bundle", None, options)
    assert not (tmp_path / "bundle").exists()


def test_an_input_holding_a_credential_is_not_carried(tmp_path: Path) -> None:
    config = _project(tmp_path, GOOD + "tracking_uri: https://ci:s3cret@mlflow.example\n")
    inputs = api.load_inputs(api.LoadOptions(config=config))
    options = api.ReleaseOptions(evidence_file=_snapshot(tmp_path), as_of=AS_OF, pdf=False)
    with pytest.raises(OutputError, match=r"riskcards\.yaml holds a credential") as caught:
        api.release(inputs, tmp_path / "bundle", None, options)
    assert "s3cret" not in str(caught.value)
    assert not (tmp_path / "bundle").exists()


def test_a_bundle_without_a_record_cannot_be_re_made(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no inputs/release\.json"):
        read_record(tmp_path)
