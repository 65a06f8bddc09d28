"""The diff of two bundles read as {path: bytes}: regressions first, metrics, decisions."""

from __future__ import annotations

import json
from typing import Any

from riskcards.record.diff import diff, html, markdown


def _bundle(
    statuses: dict[str, str], auc: float, waiver_expires: str, digest: str
) -> dict[str, bytes]:
    report = {
        "catalogue_id": "fw",
        "catalogue_version": "1.0",
        "mapping": "m",
        "controls": [
            {"catalogue_id": "fw", "control_id": c, "status": s, "reason": "r", "checks": []}
            for c, s in statuses.items()
        ],
    }
    evidence: dict[str, Any] = {
        "run": {
            "metrics": [{"key": "roc_auc", "value": auc}],
            "datasets": [
                {
                    "name": "train",
                    "digest": digest,
                    "context": "training",
                    "profile": '{"num_rows": 10}',
                }
            ],
        }
    }
    project = (
        "waivers:\n  - {framework: fw, control: C3, reason: r, approver: a, expires: "
        f'"{waiver_expires}"}}\n'
    )
    manifest = {"as_of": "2026-12-01T00:00:00Z", "model": "m v1", "target": "t", "inputs": []}
    return {
        "gap-report-fw.json": json.dumps(report).encode(),
        "evidence.json": json.dumps(evidence).encode(),
        "manifest.json": json.dumps(manifest).encode(),
        "inputs/release.json": json.dumps({"config": "inputs/riskcards.yaml"}).encode(),
        "inputs/riskcards.yaml": project.encode(),
    }


def test_regressions_first_with_metrics_datasets_and_expired_waivers() -> None:
    old = _bundle({"C1": "met", "C2": "gap", "C3": "met"}, 0.80, "2027-01-01", "c271")
    new = _bundle({"C1": "partial", "C2": "met", "C3": "gap"}, 0.85, "2026-11-01", "9a0e")
    d = diff(old, new)
    assert d["regressions"] == 2
    assert [(s["control"], s["regression"]) for s in d["statuses"]] == [
        ("C1", True),
        ("C3", True),
        ("C2", False),
    ]
    assert d["metrics"][0]["metric"] == "logged roc_auc"
    assert abs(d["metrics"][0]["delta"] - 0.05) < 1e-9
    assert (
        d["datasets"][0]["old"]["digest"] == "c271" and d["datasets"][0]["new"]["digest"] == "9a0e"
    )
    waiver = next(c for c in d["decisions"] if c["item"] == "waiver fw C3")
    assert waiver["new"] == "expired"
    assert diff(old, old)["regressions"] == 0


def test_text_from_the_bundle_is_inert_in_markdown_and_html() -> None:
    old = _bundle({"<script>x</script>|": "met"}, 0.8, "2027-01-01", "a")
    new = _bundle({"<script>x</script>|": "gap"}, 0.8, "2027-01-01", "a")
    d = diff(old, new)
    assert "<script>" not in html(d) and "&lt;script&gt;" in html(d)
    assert "\\|" in markdown(d)
