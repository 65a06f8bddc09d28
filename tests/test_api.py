"""The library entry points: inputs loaded once for many targets, options over the project."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import riskcards.load.safe_yaml
from riskcards.api import (
    LoadOptions,
    ReleaseOptions,
    assess_target,
    check,
    load_inputs,
    output_formats,
    release,
    resolve_target,
)
from riskcards.errors import ConfigError, UsageError
from riskcards.resources import frameworks_dir
from tests.conftest import AS_OF, snapshot_of
from tests.load.test_catalogues import ACME, _extension
from tests.load.test_project import GOOD, _project

NO_PDF = ReleaseOptions(as_of=AS_OF, pdf=False)


def _snapshot_file(tmp_path: Path, name: str = "credit-risk", version: str = "3") -> Path:
    path = tmp_path / f"{name}-{version}.json"
    path.write_text(snapshot_of(name, version).model_dump_json())
    return path


def _count_yaml_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every YAML file read from now on, counted by path (wherever load_yaml was imported)."""
    reads: Counter[str] = Counter()
    original = riskcards.load.safe_yaml.load_yaml

    def counting(path: Path, **kwargs: Any) -> Any:
        reads[str(Path(path).resolve())] += 1
        return original(path, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("riskcards") and getattr(module, "load_yaml", None) is original:
            monkeypatch.setattr(module, "load_yaml", counting)
    return reads


def test_three_targets_are_released_against_inputs_loaded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _count_yaml_reads(monkeypatch)
    inputs = load_inputs(LoadOptions(config=_project(tmp_path, GOOD)))
    catalogues = {str(p.resolve()) for p in (frameworks_dir() / "catalogues").glob("*.yaml")}
    assert catalogues and all(reads[c] == 1 for c in catalogues), reads
    loaded = sum(reads.values())
    results = [
        release(inputs, tmp_path / f"out-{i}", f"evidence:{_snapshot_file(tmp_path, name)}", NO_PDF)
        for i, name in enumerate(("credit-risk", "fraud", "churn"))
    ]
    assert sum(reads.values()) == loaded  # releasing read no YAML at all
    assert all(reads[c] == 1 for c in catalogues)
    assert [r.manifest.target for r in results] == [
        "models:/credit-risk/3",
        "models:/fraud/3",
        "models:/churn/3",
    ]
    # the same inputs, cited by every bundle with the same hashes
    inputs_of = [{(i.role, i.name, i.sha256) for i in r.manifest.inputs} for r in results]
    shared = [s - {x for x in s if x[0] == "evidence"} for s in inputs_of]
    assert shared[0] == shared[1] == shared[2]


def test_release_and_check_use_the_project(tmp_path: Path) -> None:
    inputs = load_inputs(LoadOptions(config=_project(tmp_path, GOOD)))
    options = ReleaseOptions(evidence_file=_snapshot_file(tmp_path), as_of=AS_OF, pdf=False)
    result = release(inputs, tmp_path / "out", options=options)
    report = json.loads((result.out / "gap-report-nist-ai-rmf.json").read_text())
    status = {c["control_id"]: c["status"] for c in report["controls"]}
    assert status["MEASURE 2.11"] == "waived" and status["GOVERN 1.7"] == "not_applicable"
    assert status["GOVERN 1.1"] == "met"
    assert [f.framework for f in result.manifest.files if f.framework] == [
        "nist-ai-rmf",
        "nist-ai-rmf",
    ]
    roles = sorted({i.role for i in result.manifest.inputs})
    assert roles == ["attestation", "catalogue", "config", "crosswalk", "evidence", "mapping"]
    html = (result.out / "gap-report-nist-ai-rmf.html").read_text()
    assert (
        "Thresholds set by the project" in html
        and "Stricter for credit" in html
        and "RISK-9" in html
    )
    junit = tmp_path / "junit.xml"
    outcome = check(inputs, options=options, junit=junit)
    assert outcome.blocking  # MEASURE 2.10 (PII scan) is a high-severity gap
    assert b'name="MEASURE 2.11"' in junit.read_bytes()


def test_options_beat_the_project(tmp_path: Path) -> None:
    path = _project(tmp_path, GOOD + "target: runs:/abc\n")
    inputs = load_inputs(LoadOptions(config=path, frameworks=("iso-iec-42001",)))
    assert inputs.frameworks == ("iso-iec-42001",)
    assert resolve_target(inputs, "models:/m/1", ReleaseOptions())[1].uri == "models:/m/1"
    assert resolve_target(inputs, None, ReleaseOptions())[1].uri == "runs:/abc"
    bad = load_inputs(
        LoadOptions(config=_project(tmp_path, "schema_version: 1\ntarget: s3://x\n", {}))
    )
    with pytest.raises(UsageError, match="not an MLflow URI"):
        resolve_target(bad, None, ReleaseOptions())


def test_a_snapshot_names_its_own_target(tmp_path: Path) -> None:
    inputs = load_inputs()
    snapshot = _snapshot_file(tmp_path)
    with pytest.raises(UsageError, match="differs from the snapshot's 'models:/credit-risk/3'"):
        release(inputs, tmp_path / "out", "models:/other/1", ReleaseOptions(evidence_file=snapshot))
    assert not (tmp_path / "out").exists()


def test_formats_default_to_the_project_and_no_pdf_is_a_shorthand(tmp_path: Path) -> None:
    inputs = load_inputs()
    assert output_formats(inputs, ReleaseOptions()) == ("html", "pdf", "json", "md")
    assert output_formats(inputs, ReleaseOptions(pdf=False)) == ("html", "json", "md")
    assert output_formats(inputs, ReleaseOptions(formats=("junit", "pdf"))) == ("junit", "pdf")
    no_pdf = load_inputs(
        LoadOptions(config=_project(tmp_path, "schema_version: 1\noutputs: {pdf: false}\n", {}))
    )
    assert output_formats(no_pdf, ReleaseOptions()) == ("html", "json", "md")
    assert output_formats(no_pdf, ReleaseOptions(formats=("pdf",))) == ("pdf",)
    with pytest.raises(UsageError, match="unknown output format 'htm'"):
        output_formats(inputs, ReleaseOptions(formats=("htm",)))


def test_the_project_file_can_name_the_formats(tmp_path: Path) -> None:
    text = "schema_version: 1\noutputs:\n  formats: [md, junit, pdf]\n  pdf: false\n"
    inputs = load_inputs(LoadOptions(config=_project(tmp_path, text, {})))
    assert output_formats(inputs, ReleaseOptions()) == ("md", "junit")
    assert output_formats(inputs, ReleaseOptions(pdf=True)) == ("md", "junit", "pdf")
    assert output_formats(inputs, ReleaseOptions(formats=("html",))) == ("html",)
    result = release(inputs, tmp_path / "out", f"evidence:{_snapshot_file(tmp_path)}", NO_PDF)
    assert sorted(f.path for f in result.manifest.files) == [
        "evidence.json",
        "inputs/release.json",  # the project file named no folder or sidecar to carry
        "inputs/riskcards.yaml",
        "junit.xml",
        "summary.md",
    ]
    assert result.main == result.out / "summary.md"
    bad = _project(tmp_path, "schema_version: 1\noutputs:\n  formats: [html, jsn]\n", {})
    with pytest.raises(ConfigError) as caught:
        output_formats(load_inputs(LoadOptions(config=bad)), ReleaseOptions())
    (issue,) = caught.value.issues
    assert (issue.line, issue.col, issue.path) == (3, 19, "outputs.formats[1]")
    assert "unknown output format 'jsn'; did you mean 'json'?" in issue.message


def test_extension_controls_can_be_mapped_and_reported(tmp_path: Path) -> None:
    folder = _extension(tmp_path, ACME)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema_version: 1\nid: acme\ntitle: ACME\nchecks:\n"
        "  - {id: fair, title: Parity, kind: metric_threshold, metric: fairness/demographic_parity_difference,"
        " op: '<=', threshold: 0.1, controls: {nist-ai-rmf: [ACME-MS-1]}}\n"
    )
    inputs = load_inputs(LoadOptions(mapping=mapping, frameworks_dirs=(folder,)))
    options = ReleaseOptions(evidence_file=_snapshot_file(tmp_path), as_of=AS_OF, pdf=False)
    result = release(inputs, tmp_path / "out", options=options)
    report = json.loads((result.out / "gap-report-nist-ai-rmf.json").read_text())
    (acme,) = [c for c in report["controls"] if c["control_id"] == "ACME-MS-1"]
    assert acme["status"] == "gap"
    assert len(report["controls"]) == 74
    names = [i.name for i in result.manifest.inputs]
    assert str(folder / "acme-nist.yaml") in names


def test_the_project_declares_the_task_and_roles_of_its_own_contexts(tmp_path: Path) -> None:
    config = _project(
        tmp_path,
        "schema_version: 1\ntask: multiclass_classification\n"
        "dataset_roles: {evaluation: test, training: validation}\n",
    )
    inputs = load_inputs(LoadOptions(config=config))
    options = ReleaseOptions(as_of=AS_OF, evidence_file=_snapshot_file(tmp_path))
    done = assess_target(inputs, "models:/credit-risk/3", options)
    task = done.assessment.task
    assert (task.task, task.source) == ("multiclass_classification", "project file")
    assert {(d.context, d.role) for d in done.evidence.run.datasets} == {
        ("training", "validation"),
        ("evaluation", "test"),
    }
    roc = next(r for r in done.assessment.checks if r.check_id == "performance.roc_auc")
    assert roc.reason.startswith("not applicable (task: multiclass classification")


def test_a_task_the_project_cannot_name_is_an_error_with_its_place(tmp_path: Path) -> None:
    config = _project(tmp_path, "schema_version: 1\ntask: ranking\n")
    with pytest.raises(ConfigError) as raised:
        load_inputs(LoadOptions(config=config))
    assert "riskcards.yaml:2:7 task: expected 'binary_classification'" in str(raised.value)
