"""Issue 17, item 6: a threshold that cannot be right is refused with file:line:col, never
silently applied (``.inf`` used to make a check pass)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening.conftest import cli, evidence_file, one_error_line


@pytest.mark.parametrize(
    ("threshold", "words"),
    [
        (".inf", ["riskcards.yaml:4:", "finite"]),
        ("-.inf", ["riskcards.yaml:4:", "finite"]),
        (".nan", ["riskcards.yaml:4:", "finite"]),
        ("1.5", ["riskcards.yaml:4:", "outside roc_auc's range [0, 1]"]),
    ],
)
def test_an_override_threshold_that_cannot_be_right_is_exit_2(
    tmp_path: Path, threshold: str, words: list[str]
) -> None:
    (tmp_path / "riskcards.yaml").write_text(
        "schema_version: 1\noverrides:\n  - check: performance.roc_auc\n"
        f"    threshold: {threshold}\n    rationale: r\n    owner: o\n"
    )
    ev = evidence_file(tmp_path)
    r = cli("check", f"evidence:{ev}", "--config", tmp_path / "riskcards.yaml")
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, *words)


def test_a_mapping_threshold_outside_its_declared_range_is_exit_2(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema_version: 1\nid: m\ntitle: m\nversion: '1'\nchecks:\n"
        "  - id: perf.auc\n    title: AUC\n    kind: metric_threshold\n    metric: roc_auc\n"
        "    at_least: 7.5\n    value_range: [0, 1]\n    severity: high\n"
        "    controls:\n      nist-ai-rmf: ['MEASURE 2.3']\n"
    )
    r = cli("check", f"evidence:{evidence_file(tmp_path)}", "--mapping", mapping)
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, "mapping.yaml:6:", "outside roc_auc's range [0, 1]")
