"""riskcards.load.crosswalks: the IDs on both sides of a crosswalk are checked, coverage is
counted, and the built-in crosswalks under frameworks/ equal the reference data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from riskcards.errors import ConfigError
from riskcards.load.catalogues import load_library
from riskcards.load.crosswalks import crosswalk_coverage
from tests.load.conftest import (
    CROSSWALK_FILES,
    CROSSWALKS,
    NIST_PER_FUNCTION,
    catalogue,
    crosswalk,
)

REFERENCE_42001_INFO = {"subcategories_covered": 72, "annex_a_controls_covered": 38}


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


@pytest.mark.parametrize("cw_id", CROSSWALK_FILES)
def test_crosswalk_pairs_are_unique(cw_id: str) -> None:
    cw = crosswalk(cw_id)
    assert cw.id == cw_id
    keys = [(p.source, p.target) for p in cw.pairs]
    assert len(keys) == len(set(keys))


# --------------------------------------------------------------------------- crosswalks
def test_crosswalk_42001_pairs_equal_the_reference(ref: dict[str, Any]) -> None:
    info = ref["crosswalk_nist_iso42001_info"]
    annex, clauses = (
        crosswalk("nist-ai-rmf_to_iso-iec-42001"),
        crosswalk("nist-ai-rmf_to_iso-iec-42001-clauses"),
    )
    pairs = ref["crosswalk_nist_iso42001"]
    assert [(p.source, p.target) for p in annex.pairs] == [
        (p["nist"], p["annex_a_equivalent"]) for p in pairs if "annex_a_equivalent" in p
    ]
    assert [(p.source, p.target) for p in clauses.pairs] == [
        (p["nist"], p["iso"]) for p in pairs if "annex_a_equivalent" not in p
    ]
    assert (
        (len(annex.pairs), len(clauses.pairs))
        == (info["pairs_to_annex"], info["pairs_to_main_clauses"])
        == (201, 79)
    )
    assert len(annex.pairs) + len(clauses.pairs) == info["pairs"] == 280
    all_pairs = annex.pairs + clauses.pairs
    assert len({p.source for p in all_pairs}) == info["subcategories_covered"] == 72
    assert len({p.target for p in annex.pairs}) == info["annex_a_controls_covered"] == 38
    for cw in (annex, clauses):
        assert cw.source_catalogue == "nist-ai-rmf"
        assert cw.source_url == info["url"]
        assert "Microsoft" in cw.provider
        assert all(p.relation == "related-to" for p in cw.pairs)
    assert annex.target_catalogue == "iso-iec-42001"
    assert clauses.target_catalogue == "iso-iec-42001-clauses"


@pytest.mark.parametrize("cw_id", CROSSWALK_FILES)
def test_crosswalk_ids_resolve(cw_id: str) -> None:
    cw = crosswalk(cw_id)
    source, target = catalogue(cw.source_catalogue), catalogue(cw.target_catalogue)
    for p in cw.pairs:
        if cw_id == "nist-ai-rmf_to_iso-iec-23894":
            # function-level crosswalk: the source is a NIST function, a group
            group = source.group(p.source)
            assert group is not None and group.level == "function", p.source
            assert source.control(p.source) is None, p.source
        else:
            control = source.control(p.source)
            assert control is not None and control.id == p.source, p.source
        resolved = target.control(p.target)
        assert resolved is not None and resolved.id == p.target, p.target


def test_crosswalk_42001_known_errors_are_flagged(ref: dict[str, Any]) -> None:
    ours = {
        (p.source, p.target): p.note
        for cw_id in ("nist-ai-rmf_to_iso-iec-42001", "nist-ai-rmf_to_iso-iec-42001-clauses")
        for p in crosswalk(cw_id).pairs
    }
    noted = {
        (p["nist"], p.get("annex_a_equivalent", p["iso"])): p
        for p in ref["crosswalk_nist_iso42001"]
        if "note" in p
    }
    # exactly the pairs the reference annotates carry a note, and each says it is flagged
    assert {k for k, v in ours.items() if v} == set(noted)
    for key, p in noted.items():
        note = ours[key]
        assert note is not None and note.startswith("FLAGGED"), key
        if "annex_a_equivalent" in p:
            assert p["iso"] in note and p["iso_title_in_crosswalk"] in note, key
    # the two ID/title mismatches: recorded as printed (not silently corrected) and flagged
    governance = ours[("GOVERN 3.2", "A.3.2")]
    assert governance is not None
    assert "Management review inputs" in governance and "9.3.2" in governance
    assert "AI roles and responsibilities" in governance
    customers = ours[("MAP 1.4", "A.2.2")]
    assert customers is not None
    assert "Customers" in customers and "A.10.4" in customers and "AI policy" in customers
    assert ("GOVERN 3.2", "9.3.2") not in ours and ("MAP 1.4", "A.10.4") not in ours
    # the "72" typo for clause 7.2
    competence = ours[("GOVERN 2.1", "7.2")]
    assert competence is not None and '"72"' in competence


def test_crosswalk_23894_pairs_equal_the_reference(ref: dict[str, Any]) -> None:
    cw = crosswalk("nist-ai-rmf_to_iso-iec-23894")
    assert [(p.source, p.target) for p in cw.pairs] == [
        (r["nist_function"], r["iso23894"]) for r in ref["crosswalk_nist_iso23894"]
    ]
    assert len(cw.pairs) == 33
    assert (cw.source_catalogue, cw.target_catalogue, cw.provider) == (
        "nist-ai-rmf",
        "iso-iec-23894",
        "NIST",
    )
    assert cw.source_url == ref["sources"]["iso23894"][0]["upstream"]
    assert all(p.relation == "related-to" and p.note is None for p in cw.pairs)
    assert {p.source for p in cw.pairs} == set(NIST_PER_FUNCTION)
    text = (CROSSWALKS / CROSSWALK_FILES[cw.id]).read_text(encoding="utf-8")
    assert "GROUP" in text.split("\nschema_version:", 1)[0], "the header says sources are groups"
