"""Table-level analyses: the demo's claims recomputed, failures recorded, results round-trip."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from riskcards.analyse.kernels import (
    AnalysisFailure,
    ColumnRoles,
    DatasetAnalysis,
    PredictionAnalysis,
    Table,
    analyse_datasets,
    analyse_predictions,
    parse_table,
)
from riskcards.demo import FEATURES, TrainedDemo, train_demo


@pytest.fixture(scope="module")
def demo() -> TrainedDemo:
    return train_demo(seed=7)


def _predictions_table(demo: TrainedDemo) -> Table:
    """The table the demo logs as eval/predictions.json, as MLflow serialises it."""
    evaluation = demo.evaluation
    frame = pd.DataFrame(
        {
            "label": demo.eval_set.default,
            "score": evaluation.scores,
            "prediction": evaluation.predictions,
            "sex": demo.eval_set.sex,
            "age_band": demo.eval_set.age_band,
            "adversarial_score": evaluation.adversarial_scores,
        }
    )
    return parse_table(frame.to_json(orient="split", index=False).encode(), "eval/predictions.json")


def _dataset_table(demo: TrainedDemo, which: str) -> Table:
    data = demo.train_set if which == "train" else demo.eval_set
    frame = pd.DataFrame(data.features, columns=list(FEATURES))
    frame["sex"], frame["age_band"], frame["default"] = data.sex, data.age_band, data.default
    return parse_table(frame.to_csv(index=False).encode(), f"data/credit-{which}.csv")


def test_recomputes_what_the_demo_logged(demo: TrainedDemo) -> None:
    logged = demo.evaluation.metrics
    analysis = analyse_predictions(
        _predictions_table(demo), ColumnRoles(attributes=("sex", "age_band"))
    )
    calibration, slices, robustness = analysis.calibration, analysis.slices, analysis.robustness
    assert not isinstance(calibration, AnalysisFailure) and calibration is not None
    assert not isinstance(slices, AnalysisFailure) and slices is not None
    assert not isinstance(robustness, AnalysisFailure) and robustness is not None
    # JSON keeps 17 significant digits, so the recomputed numbers agree to ~1e-12
    assert calibration.brier_score == pytest.approx(logged["brier_score"], abs=1e-9)
    assert calibration.equal_width.expected_calibration_error == pytest.approx(
        logged["expected_calibration_error"], abs=1e-9
    )
    assert calibration.equal_width.maximum_calibration_error == pytest.approx(
        logged["max_calibration_error"], abs=1e-9
    )
    sex = slices.attributes[0]
    assert sex.demographic_parity_difference == pytest.approx(
        logged["fairness/demographic_parity_difference"]
    )
    assert sex.equalized_odds_difference == pytest.approx(
        logged["fairness/equalized_odds_difference"]
    )
    assert slices.worst_slice_gap == pytest.approx(logged["fairness/worst_slice_accuracy_gap"])
    assert slices.overall.accuracy.value == pytest.approx(logged["accuracy_score"])
    for group in slices.attributes:
        for s in group.slices:
            assert s.accuracy.value == pytest.approx(
                logged[f"slice/{group.attribute}/{s.value}/accuracy"]
            )
    assert robustness.perturbed_accuracy.value == pytest.approx(logged["robustness/fgsm_accuracy"])
    assert robustness.attack_success_rate.value == pytest.approx(
        logged["robustness/attack_success_rate"]
    )
    assert robustness.degradation == pytest.approx(logged["robustness/accuracy_degradation"])
    assert analysis.source.sha256 is not None and len(analysis.source.sha256) == 64


def test_bad_evidence_is_recorded_and_the_rest_still_measured() -> None:
    table = Table.of(
        "eval/predictions.json",
        {
            "label": np.array([0, 1, 1, 0]),
            "score": np.array([0.1, 0.9, 1.7, 0.2]),  # out of range
            "prediction": np.array([0, 1, 1, 0]),
            "sex": np.array(["f", "m", "f", "m"]),
        },
    )
    analysis = analyse_predictions(table, ColumnRoles(attributes=("sex", "region")))
    assert analysis.calibration == AnalysisFailure(
        measurement="calibration",
        table="eval/predictions.json",
        column="score",
        message="1 value outside [0, 1], first at row 2 (1.7)",
    )
    assert isinstance(analysis.slices, AnalysisFailure) and analysis.slices.column == "region"
    assert analysis.robustness is None  # no adversarial_score column: not logged
    fixed = analyse_predictions(table, ColumnRoles(attributes=("sex",)))
    assert fixed.slices is not None and not isinstance(fixed.slices, AnalysisFailure)


def test_predictions_fall_back_to_thresholded_scores() -> None:
    table = Table.of("t.json", {"label": [0, 1, 1], "score": [0.2, 0.6, 0.4], "g": ["a", "a", "b"]})
    analysis = analyse_predictions(table, ColumnRoles(attributes=("g",)), min_slice_size=1)
    assert analysis.slices is not None and not isinstance(analysis.slices, AnalysisFailure)
    assert analysis.slices.overall.selection_rate.successes == 1
    missing = analyse_predictions(
        Table.of("t.json", {"label": [0, 1]}), ColumnRoles(attributes=("g",))
    )
    assert (
        isinstance(missing.calibration, AnalysisFailure) and missing.calibration.column == "score"
    )
    assert isinstance(missing.slices, AnalysisFailure) and missing.slices.column == "prediction"


def test_dataset_analysis_of_the_demo(demo: TrainedDemo) -> None:
    train, evaluation = _dataset_table(demo, "train"), _dataset_table(demo, "eval")
    analysis = analyse_datasets(train, evaluation, label="default")
    assert not isinstance(analysis.drift, AnalysisFailure)
    assert [f.feature for f in analysis.drift.features] == [*FEATURES, "sex", "age_band"]
    assert [f.kind for f in analysis.drift.features] == ["numeric"] * 6 + ["categorical"] * 2
    assert all(
        f.population_stability_index < 0.1 for f in analysis.drift.features
    )  # a random split
    assert not isinstance(analysis.leakage, AnalysisFailure) and analysis.leakage.leaked_rows == 0
    balance = analysis.reference.class_balance
    assert balance is not None and not isinstance(balance, AnalysisFailure)
    assert sum(balance.counts.values()) == len(demo.train_set)
    assert (
        not isinstance(analysis.current.pii, AnalysisFailure)
        and analysis.current.pii.findings == ()
    )


def test_leakage_is_found_when_rows_are_shared(demo: TrainedDemo) -> None:
    train = _dataset_table(demo, "train")
    copied = Table.of("leaky.csv", {k: v[:100] for k, v in train.columns.items()})
    analysis = analyse_datasets(train, copied, label="default")
    assert not isinstance(analysis.leakage, AnalysisFailure)
    assert analysis.leakage.leaked_rows == 100 and analysis.leakage.share == 1.0


def test_every_result_round_trips_through_json(demo: TrainedDemo) -> None:
    predictions = analyse_predictions(
        _predictions_table(demo), ColumnRoles(attributes=("sex", "age_band"))
    )
    train = _dataset_table(demo, "train")
    notes = Table.of(
        "notes.csv",
        {
            "default": np.array([1, 1, 1]),
            "note": np.array(["a@example.org", "x", "1.2.3.4"], dtype=object),
            "x": np.array([1.0, np.nan, 1.0]),
        },
    )
    datasets = analyse_datasets(train, notes, label="default")
    assert isinstance(datasets.drift, AnalysisFailure)  # 'note' and 'x' are not in train
    assert datasets.current.class_balance is not None
    assert datasets.current.class_balance.imbalance_ratio == float("inf")  # type: ignore[union-attr]
    for model, kind in ((predictions, PredictionAnalysis), (datasets, DatasetAnalysis)):
        text = model.model_dump_json()
        json.loads(text)  # valid JSON: inf is written as a string
        assert kind.model_validate_json(text) == model
