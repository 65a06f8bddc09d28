"""The portfolio from fleet records: matrix, links, change since the previous one, inert text."""

from __future__ import annotations

import json
from pathlib import Path

from riskcards import api
from riskcards.fleet import merge_portfolio, write_fleet
from riskcards.fleet.record import Entry, evidence_key, read_record, summarise
from tests.conftest import AS_OF, snapshot_of

HOSTILE = "<script>alert(1)</script>|*x*"


def _entry(inputs: api.Inputs, name: str, version: str) -> Entry:
    evidence = snapshot_of(name, version)
    done = api.assess_evidence(inputs, evidence, api.ReleaseOptions(as_of=AS_OF))
    base = Entry(
        model=name,
        version=version,
        target=evidence.target.uri,
        status="released",
        exit_code=1 if done.assessment.blocking else 0,
        key=evidence_key(evidence, inputs.files, ""),
        bundle=f"{name}/{version}",
        main="index.html",
    )
    return summarise(base, evidence, done.assessment, 30)


def test_portfolio_matrix_links_and_changes(tmp_path: Path) -> None:
    inputs = api.load_inputs()
    good = _entry(inputs, "credit", "2")
    failed = Entry(
        model=HOSTILE, version="1", target="models:/x/1", status="failed", exit_code=3,
        error="no run 'abc' in this tracking store",
    )  # fmt: skip
    written = write_fleet(tmp_path / "a", [failed, good])
    assert {p.name for p in written} == {"portfolio.json", "portfolio.md", "portfolio.html"}
    data = json.loads((tmp_path / "a" / "portfolio.json").read_text())
    statuses = [(e["model"], e["status"]) for e in data["entries"]]
    assert statuses == [(HOSTILE, "failed"), ("credit", "released")]  # sorted by name
    row = next(e for e in data["entries"] if e["model"] == "credit")
    assert row["link"] == "credit/2/index.html"
    assert {f["catalogue_id"] for f in data["frameworks"]} == {
        c["catalogue_id"] for c in row["frameworks"]
    }
    assert all(0 <= c["direct_coverage"] <= 1 for c in row["frameworks"])
    assert data["counts"] == {"versions": 2, "blocking": 1, "failed": 1, "unchanged": 0}
    assert data["changes"] is None  # nothing before
    html = (tmp_path / "a" / "portfolio.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="credit/2/index.html"' in html and "src=" not in html
    md = (tmp_path / "a" / "portfolio.md").read_text()
    assert "<script>" not in md and "[bundle](<credit/2/index.html>)" in md
    assert "no run 'abc'" in md

    # the same folder again, with the failed version fixed: the change is listed
    fixed = _entry(inputs, HOSTILE, "1")
    write_fleet(tmp_path / "a", [fixed, good])
    again = json.loads((tmp_path / "a" / "portfolio.json").read_text())
    assert again["changes"] == [
        {"model": HOSTILE, "version": "1", "before": "failed", "after": fixed.verdict}
    ]
    assert read_record(tmp_path / "a") is not None


def test_merged_shards_link_into_their_folders(tmp_path: Path) -> None:
    inputs = api.load_inputs()
    write_fleet(tmp_path / "s1", [_entry(inputs, "a", "1")])
    write_fleet(tmp_path / "s2", [_entry(inputs, "b", "1")])
    merge_portfolio([tmp_path / "s1", tmp_path / "s2"], tmp_path / "p")
    data = json.loads((tmp_path / "p" / "portfolio.json").read_text())
    assert [e["link"] for e in data["entries"]] == ["../s1/a/1/index.html", "../s2/b/1/index.html"]
    first = (tmp_path / "p" / "portfolio.html").read_bytes()
    merge_portfolio([tmp_path / "s1", tmp_path / "s2"], tmp_path / "p")
    assert (tmp_path / "p" / "portfolio.html").read_bytes() != b"" and first == (
        tmp_path / "p" / "portfolio.html"
    ).read_bytes().replace(b"No change.", b"No previous portfolio here.")
