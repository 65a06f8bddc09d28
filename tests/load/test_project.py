"""The project file and attestations: every reference checked, every problem with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskcards.errors import ConfigError
from riskcards.load.catalogues import Loaded
from riskcards.load.project import find_project, project_decisions, read_project

GOOD = """\
schema_version: 1
frameworks: [nist-ai-rmf]
attestations_dir: attestations
overrides:
  - {check: performance.roc_auc, threshold: 0.8, rationale: Stricter for credit, owner: CRO}
not_applicable:
  - {framework: nist-ai-rmf, control: GV-1.7, justification: No decommissioning yet, approver: CRO}
waivers:
  - {framework: nist-ai-rmf, control: MEASURE 2.11, reason: Fix in Q1, approver: CRO, expires: "2027-01-31", ticket: RISK-9}
gate:
  required: {nist-ai-rmf: [MAP 5.1]}
"""

ATTESTATION = """\
schema_version: 1
id: ATT-1
controls: {nist-ai-rmf: [GOVERN 1.1]}
statement: Legal requirements are tracked.
attested_by: A. Chen
role: CRO
date: "2026-10-01"
"""


def _project(tmp_path: Path, text: str, attestations: dict[str, str] | None = None) -> Path:
    path = tmp_path / "riskcards.yaml"
    path.write_text(text)
    folder = tmp_path / "attestations"
    folder.mkdir(exist_ok=True)
    for name, body in (
        attestations if attestations is not None else {"a.yaml": ATTESTATION}
    ).items():
        (folder / name).write_text(body)
    return path


def test_a_valid_project_resolves_aliases_and_reads_attestations(
    tmp_path: Path, loaded: Loaded
) -> None:
    project = read_project(_project(tmp_path, GOOD))
    decisions, inputs = project_decisions(project, loaded.catalogues, loaded.mapping)
    assert decisions.not_applicable[0].control == "GOVERN 1.7"  # alias GV-1.7 made canonical
    assert decisions.attestations[0].file == "attestations/a.yaml"  # relative to the project file
    assert [i.role for i in inputs] == ["config", "attestation"]
    assert decisions.gate.required == {"nist-ai-rmf": ("MAP 5.1",)}


def test_every_bad_reference_is_reported_with_its_position(tmp_path: Path, loaded: Loaded) -> None:
    text = (
        GOOD.replace("[nist-ai-rmf]", "[nist-ai-rfm]")
        .replace("performance.roc_auc", "performance.roc_acu")
        .replace("control: GV-1.7", "control: GOVERN 1.77")
        .replace("[MAP 5.1]", "[MAP 5.9]")
    )
    path = _project(
        tmp_path,
        text,
        {"a.yaml": ATTESTATION.replace("GOVERN 1.1", "GOVERN 1.11"), "b.yaml": ATTESTATION},
    )
    with pytest.raises(ConfigError) as caught:
        project_decisions(read_project(path), loaded.catalogues, loaded.mapping)
    text_out = str(caught.value)
    assert (
        f"{path}:2:14 frameworks[0]: unknown framework 'nist-ai-rfm'; did you mean 'nist-ai-rmf'"
        in text_out
    )
    assert f"{path}:5:13 overrides[0].check: unknown check 'performance.roc_acu'" in text_out
    assert f"{path}:7:39 not_applicable[0].control: unknown control 'GOVERN 1.77'" in text_out
    assert f"{path}:11:28 gate.required.nist-ai-rmf[0]: unknown control 'MAP 5.9'" in text_out
    assert "a.yaml:3:26 controls.nist-ai-rmf[0]: unknown control 'GOVERN 1.11'" in text_out
    assert "b.yaml:2:5 id: attestation id 'ATT-1' is also used in" in text_out


def test_structural_errors_come_first_with_positions(tmp_path: Path) -> None:
    path = _project(
        tmp_path,
        "schema_version: 1\nwaivers:\n  - {framework: x, control: y, approver: a}\n"
        "outputs: {pdf: maybe}\nattestation_dir: a\n",
    )
    with pytest.raises(ConfigError) as caught:
        read_project(path)
    lines = [str(i) for i in caught.value.issues]
    assert any(
        line.startswith(f"{path}:3:5 waivers[0]: missing required key 'reason'") for line in lines
    )
    assert any(f"{path}:4:16 outputs.pdf" in line for line in lines)
    assert any(
        f"{path}:5:1 attestation_dir: unknown key" in line and "attestations_dir" in line
        for line in lines
    )


def test_override_of_a_check_without_threshold_is_refused(tmp_path: Path, loaded: Loaded) -> None:
    path = _project(
        tmp_path,
        "schema_version: 1\noverrides:\n"
        "  - {check: docs.intended_use, threshold: 1, rationale: r, owner: o}\n",
        {},
    )
    with pytest.raises(ConfigError, match="is a text_present check: it has no threshold"):
        project_decisions(read_project(path), loaded.catalogues, loaded.mapping)


def test_explicit_config_must_exist_and_default_is_optional(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        find_project(tmp_path / "nope.yaml")
    assert find_project(None, cwd=tmp_path) is None
    (tmp_path / "riskcards.yaml").write_text("schema_version: 1\n")
    assert find_project(None, cwd=tmp_path) == tmp_path / "riskcards.yaml"


SOA = """\
soa:
  id: SOA-1
  version: "1.0"
  scope: The credit-scoring AI system
  approver: CRO
  approved: "2026-10-01"
  risks:
    - {id: R-1, title: Unequal selection rates}
  treatments:
    - {id: T-1, title: Reweighing, due: "2027-01-31"}
  controls:
    - {control: A.5.4, implementation: planned, target_date: "2027-01-31", risks: [R-1], treatments: [T-1]}
    - {control: A.5.44, risks: [R-2], treatments: [T-9]}
"""


def test_the_soa_section_names_known_controls_risks_and_treatments(
    tmp_path: Path, loaded: Loaded
) -> None:
    path = _project(tmp_path, GOOD.replace("[nist-ai-rmf]", "[nist-ai-rmf, iso-iec-42001]") + SOA)
    with pytest.raises(ConfigError) as caught:
        project_decisions(read_project(path), loaded.catalogues, loaded.mapping)
    text_out = str(caught.value)
    assert f"{path}:24:17 soa.controls[1].control: unknown control 'A.5.44'" in text_out
    assert f"{path}:24:33 soa.controls[1].risks[0]: risk 'R-2' is not declared" in text_out
    assert "soa.controls[1].treatments[0]: treatment 'T-9' is not declared" in text_out
    good = _project(tmp_path, GOOD + SOA.replace("    - {control: A.5.44", "    # -"))
    project = read_project(good)
    project_decisions(project, loaded.catalogues, loaded.mapping)  # no error
    assert project.config.soa is not None and project.config.soa.controls[0].risks == ("R-1",)


def test_a_planned_control_needs_a_target_date(tmp_path: Path) -> None:
    path = _project(tmp_path, GOOD + SOA.replace(', target_date: "2027-01-31"', ""))
    with pytest.raises(ConfigError, match="a planned control needs a target_date"):
        read_project(path)
