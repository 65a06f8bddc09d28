"""`riskcards frameworks show`: a control in full, with the checks that evidence it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from riskcards.cli import cli


@pytest.fixture(autouse=True)
def _no_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty working folder: no riskcards.yaml, so the built-in library only."""
    monkeypatch.chdir(tmp_path)


def _show(*args: str) -> str:
    result = CliRunner().invoke(cli, ["frameworks", "show", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_control_lists_the_checks_that_evidence_it() -> None:
    out = _show("nist-ai-rmf", "MEASURE 2.11")
    assert out.startswith("MEASURE 2.11  (NIST AI RMF")
    lines = out.splitlines()
    start = lines.index(
        "check: fairness.demographic_parity  Demographic parity difference across the "
        "sensitive attribute  (riskcards-default)"
    )
    assert lines[start + 1] == (
        "  metric_threshold: fairness/demographic_parity_difference <= 0.1 "
        "(recomputed: slices.demographic_parity_difference) (applies to binary classification); "
        "severity high"
    )
    assert lines[start + 2].startswith("check: fairness.equalized_odds  ")
    assert lines[start + 3] == (
        "  metric_threshold: fairness/equalized_odds_difference <= 0.1 "
        "(recomputed: slices.equalized_odds_difference) (applies to binary classification); "
        "severity high"
    )


def test_aliases_find_the_checks_and_other_kinds_read_in_words() -> None:
    out = _show("nist-ai-rmf", "MS-2.3")
    assert (
        "  metric_threshold: roc_auc >= 0.75 (applies to binary classification); severity high"
    ) in out.splitlines()
    out = _show("iso-iec-42001", "A.6.2.4")
    assert (
        "  artifact_present: artifact logged matching 'eval/*.json' (applies to binary "
        "classification, multiclass classification, regression, other); severity medium"
        in out.splitlines()
    )


def test_a_control_no_check_evidences_says_so() -> None:
    out = _show("nist-ai-rmf", "GOVERN 1.1")
    assert "checks: none in the evidence mapping riskcards-default" in out.splitlines()
