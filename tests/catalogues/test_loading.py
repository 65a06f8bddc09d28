"""Loading the library: consistency errors with positions, organisation extensions,
crosswalk lint and coverage, JSON Schemas kept current, and the `frameworks` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskcards.api import Options, release
from riskcards.catalogues import crosswalk_coverage, load_library, validate_files
from riskcards.errors import ConfigError
from riskcards.schema import SCHEMAS, schema_dir, schema_text
from tests.conftest import AS_OF, make_snapshot
from tests.integration_support import riskcards

REFERENCE_42001_INFO = {"subcategories_covered": 72, "annex_a_controls_covered": 38}

BROKEN = """\
schema_version: 1
id: broken
version: "1"
title: Broken
short_title: Broken
publisher: Me
source_url: https://example.com
licence: none
groups:
  - {id: G, level: function, title: G}
  - {id: G1, level: category, parent: GG, title: G1}
controls:
  - {id: G1.1, group: G1, text: one}
  - {id: G1.1, group: G1, text: again}
  - {id: 6.10, group: G1, text: float id}
  - {id: "G1.3", group: G2, text: unknown group}
  - {id: "G1.4", group: G1, text: t, aliases: ["G1.3"]}
  - {id: "G1.5", group: G1, txt: misspelled}
"""


def test_builtin_library_loads_every_catalogue() -> None:
    lib = load_library()
    assert {c: len(cat.controls) for c, cat in lib.catalogues.items()} == {
        "eu-ai-act": 17,
        "iso-iec-23894": 35,
        "iso-iec-42001": 38,
        "iso-iec-42001-clauses": 27,
        "mitre-atlas": 53,
        "nist-ai-600-1": 12,
        "nist-ai-rmf": 72,
    }
    assert len(lib.crosswalks) == 3


def test_structural_problems_are_all_reported_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    with pytest.raises(ConfigError) as caught:
        load_library([tmp_path], builtin=False)
    text = str(caught.value)
    assert (
        f"{path}:15:10 controls[2].id: expected text, but YAML reads 6.10 as the number 6.1" in text
    )
    assert f"{path}:18:29 controls[5].txt: unknown key 'txt'; did you mean 'text'?" in text


def test_reference_problems_are_all_reported_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN.replace("6.10", '"G1.2"').replace(", txt: misspelled", ", text: ok"))
    with pytest.raises(ConfigError) as caught:
        load_library([tmp_path], builtin=False)
    lines = [str(i) for i in caught.value.issues]
    assert lines == [
        f"{path}:11:39 groups[1].parent: unknown parent group 'GG'; did you mean 'G'?",
        f"{path}:14:10 controls[1].id: duplicate control id 'G1.1' (first at line 13)",
        f"{path}:16:25 controls[3].group: unknown group 'G2'; did you mean 'G'?",
        f"{path}:17:48 controls[4].aliases[0]: 'G1.3' is already used by control 'G1.3'",
    ]


def _extension(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "acme"
    folder.mkdir(exist_ok=True)
    (folder / "acme-nist.yaml").write_text(body)
    return folder


ACME = """\
schema_version: 1
extends: nist-ai-rmf
id: acme-ai-policy
title: ACME internal AI controls
publisher: ACME Risk Office
controls:
  - id: ACME-GV-1
    group: GOVERN 1
    title: Model risk committee sign-off
    text: Every release of a high-risk model is signed off by the model risk committee.
    refines: ["GOVERN 1.1", "GV-1.3"]
  - id: ACME-MS-1
    group: MEASURE 2
    title: Fairness review
    refines: ["MEASURE 2.11"]
"""


def test_an_extension_adds_controls_to_a_builtin_catalogue(tmp_path: Path) -> None:
    lib = load_library([_extension(tmp_path, ACME)])
    nist = lib.catalogues["nist-ai-rmf"]
    assert len(nist.controls) == 74
    added = nist.control("ACME-GV-1")
    assert added is not None and added.origin == "acme-ai-policy"
    assert [g.id for g in nist.ancestry(added)] == ["GOVERN", "GOVERN 1"]


def test_extension_controls_can_be_mapped_and_reported(tmp_path: Path) -> None:
    folder = _extension(tmp_path, ACME)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema_version: 1\nid: acme\ntitle: ACME\nchecks:\n"
        "  - {id: fair, title: Parity, kind: metric_threshold, metric: fairness/demographic_parity_difference,"
        " op: '<=', threshold: 0.1, controls: {nist-ai-rmf: [ACME-MS-1]}}\n"
    )
    snapshot = tmp_path / "evidence.json"
    snapshot.write_text(make_snapshot().model_dump_json())
    options = Options(
        evidence_file=snapshot, as_of=AS_OF, mapping=mapping, pdf=False, frameworks_dirs=(folder,)
    )
    result = release(options, tmp_path / "out")
    report = json.loads((result.out / "gap-report-nist-ai-rmf.json").read_text())
    (acme,) = [c for c in report["controls"] if c["control_id"] == "ACME-MS-1"]
    assert acme["status"] == "gap"
    assert len(report["controls"]) == 74
    names = [i.name for i in result.manifest.inputs]
    assert str(folder / "acme-nist.yaml") in names


def test_extension_problems_have_positions(tmp_path: Path) -> None:
    body = ACME.replace("extends: nist-ai-rmf", "extends: nist-ai-rfm")
    with pytest.raises(
        ConfigError,
        match=r"acme-nist.yaml:2:10 extends: unknown catalogue 'nist-ai-rfm'; "
        r"did you mean 'nist-ai-rmf'",
    ):
        load_library([_extension(tmp_path, body)])
    body = ACME.replace("id: ACME-GV-1", "id: GOVERN 1.1").replace('"GV-1.3"', '"GOVERN 1.99"')
    with pytest.raises(ConfigError) as caught:
        load_library([_extension(tmp_path, body)])
    text = str(caught.value)
    assert (
        "acme-nist.yaml:7:9 controls[0].id: 'GOVERN 1.1' is already used by control 'GOVERN 1.1' of nist-ai-rmf"
        in text
    )
    assert (
        "acme-nist.yaml:11:29 controls[0].refines[1]: refines unknown control 'GOVERN 1.99'" in text
    )


def test_crosswalk_ids_are_checked_on_both_sides(tmp_path: Path) -> None:
    cw = tmp_path / "cw.yaml"
    cw.write_text(
        "schema_version: 1\nid: x\ntitle: X\nsource_catalogue: nist-ai-rmf\ntarget_catalogue: iso-iec-42001\n"
        "provider: me\nsource_url: https://example.com\nlicence: none\npairs:\n"
        "  - {source: GOVERN 1.1, target: A.2.2}\n"
        "  - {source: GOVERN 1.9, target: A.2.9}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_library([tmp_path])
    first, second = caught.value.issues
    assert str(first).startswith(
        f"{cw}:11:14 pairs[1].source: unknown nist-ai-rmf id 'GOVERN 1.9'; did you mean"
    )
    assert str(second).startswith(
        f"{cw}:11:34 pairs[1].target: unknown iso-iec-42001 id 'A.2.9'; did you mean"
    )


def test_nist_to_42001_coverage_matches_the_reference() -> None:
    lib = load_library()
    covered_nist: set[str] = set()
    for cw in lib.crosswalks:
        if cw.source_catalogue == "nist-ai-rmf" and cw.target_catalogue.startswith("iso-iec-42001"):
            source, target = crosswalk_coverage(cw, lib.catalogues)
            covered_nist |= set(source.covered)
            if cw.target_catalogue == "iso-iec-42001":
                assert len(target.covered) == REFERENCE_42001_INFO["annex_a_controls_covered"]
    assert len(covered_nist) == REFERENCE_42001_INFO["subcategories_covered"]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_json_schemas_are_current(name: str) -> None:
    committed = (schema_dir() / f"{name}.schema.json").read_text()
    assert committed == schema_text(name), "run: python -m riskcards.schema"


def test_validate_files_lists_every_problem_in_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BROKEN)
    (tmp_path / "b.yaml").write_text(
        "schema_version: 1\nid: m\ntitle: M\nchecks:\n"
        "  - {id: a, title: A, kind: model_registered, controls: {nist-ai-rmf: [MAP 9.9]}}\n"
    )
    with pytest.raises(ConfigError) as caught:
        validate_files([tmp_path / "a.yaml"])
    assert len(caught.value.issues) == 2
    with pytest.raises(
        ConfigError,
        match=r"b.yaml:5:72 checks\[0\].controls.nist-ai-rmf\[0\]: unknown control 'MAP 9.9'",
    ):
        validate_files([tmp_path / "b.yaml"])


@pytest.mark.integration
def test_frameworks_commands(tmp_path: Path) -> None:
    listed = riskcards("frameworks", "list", cwd=tmp_path)
    assert (
        listed.returncode == 0
        and "nist-ai-rmf" in listed.stdout
        and "72  subcategories" in listed.stdout
    )
    shown = riskcards("frameworks", "show", "nist-ai-rmf", "GV-1.6", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Mechanisms are in place to inventory AI systems" in shown.stdout
    assert "crosswalk: related-to iso-iec-42001 A.4.5" in shown.stdout
    missing = riskcards("frameworks", "show", "nist-ai-rmf", "GOVERN 1.8", cwd=tmp_path)
    assert missing.returncode == 2 and "did you mean" in missing.stderr
    ok = riskcards(
        "frameworks",
        "validate",
        str(Path(__file__).resolve().parents[2] / "frameworks"),
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "broken.yaml").write_text(BROKEN)
    bad = riskcards("frameworks", "validate", str(tmp_path / "broken.yaml"), cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("broken.yaml:") >= 2
    cw = riskcards("frameworks", "crosswalk", "nist-ai-rmf", "iso-iec-42001", cwd=tmp_path)
    assert cw.returncode == 0
    assert "GOVERN 1.1\trelated-to\t" in cw.stdout
    assert "coverage iso-iec-42001: 38 of 38 (100%)" in cw.stderr
    ext = riskcards(
        "frameworks",
        "--frameworks-dir",
        str(_extension(tmp_path, ACME)),
        "show",
        "nist-ai-rmf",
        "ACME-GV-1",
        cwd=tmp_path,
    )
    assert (
        ext.returncode == 0
        and "added by: acme-ai-policy" in ext.stdout
        and "refines: GOVERN 1.1, GV-1.3" in ext.stdout
    )
