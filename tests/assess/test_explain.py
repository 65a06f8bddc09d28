"""The checks that evidence a control, and what each requires, in words."""

from __future__ import annotations

from riskcards.assess import checks_for_control, describe_check
from riskcards.load.catalogues import Loaded


def test_checks_for_a_control_in_mapping_order(loaded: Loaded) -> None:
    checks = checks_for_control(loaded.mapping, "nist-ai-rmf", "MEASURE 2.11")
    assert [c.id for c in checks] == [
        "fairness.demographic_parity",
        "fairness.equalized_odds",
        "fairness.error_gap",
        "fairness.prediction_gap",
        "fairness.one_vs_rest",
    ]
    assert [describe_check(c) for c in checks][:3] == [
        "fairness/demographic_parity_difference <= 0.1 "
        "(recomputed: slices.demographic_parity_difference) (applies to binary classification)",
        "fairness/equalized_odds_difference <= 0.1 (recomputed: slices.equalized_odds_difference)"
        " (applies to binary classification)",
        "fairness/relative_error_gap <= 0.25 (recomputed: regression.relative_error_gap) "
        "(applies to regression)",
    ]
    assert checks_for_control(loaded.mapping, "nist-ai-rmf", "GOVERN 1.1") == []
    assert checks_for_control(loaded.mapping, "no-such-catalogue", "MEASURE 2.11") == []


def test_every_builtin_kind_says_what_it_requires(loaded: Loaded) -> None:
    words = {c.kind: describe_check(c) for c in loaded.mapping.checks}
    assert set(words) == {
        "metric_threshold",
        "dataset_logged",
        "text_present",
        "artifact_present",
        "signature_present",
        "model_registered",
        "genai_pass_rate",
        "genai_output_pii",
        "genai_human_agreement",
    }
    assert all(w and w != kind.replace("_", " ") for kind, w in words.items())
    described = {describe_check(c) for c in loaded.mapping.checks}
    assert "roc_auc >= 0.75 (applies to binary classification)" in described
    assert (
        "dataset logged with context 'training' (applies to binary classification, multiclass "
        "classification, regression, other)" in described
    )
    assert (
        "artifact logged matching 'eval/*.json' (applies to binary classification, multiclass "
        "classification, regression, other)" in described
    )
    assert "model logged with an input signature" in described
    assert "registered model version" in described
