"""Slices and fairness gaps against scikit-learn per group, and Wilson intervals by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, recall_score

from riskcards.analyse._numeric import wilson_interval
from riskcards.analyse.kernels import AnalyticsInputError, ColumnRoles, Source, measure_slices

Z = 1.959963984540054


def _wilson(k: int, n: int) -> tuple[float, float]:
    """The closed form, written out."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def test_wilson_interval_by_hand() -> None:
    # 8 successes in 10 trials: the textbook interval (0.4902, 0.9433)
    low, high = wilson_interval(np.array([8]), np.array([10]))
    assert (round(float(low[0]), 4), round(float(high[0]), 4)) == (0.4902, 0.9433)
    # the edges: 0 of 10 starts at 0, 10 of 10 ends at 1
    low, high = wilson_interval(np.array([0, 10]), np.array([10, 10]))
    assert low[0] == 0.0 and high[1] == 1.0


@pytest.mark.parametrize(("k", "n"), [(1, 1), (3, 7), (50, 100), (999, 1000), (0, 5)])
def test_wilson_matches_the_closed_form(k: int, n: int) -> None:
    low, high = wilson_interval(np.array([k]), np.array([n]))
    expected = _wilson(k, n)
    assert float(low[0]) == pytest.approx(max(expected[0], 0.0), abs=1e-12)
    assert float(high[0]) == pytest.approx(min(expected[1], 1.0), abs=1e-12)


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(200, 3000))
    y = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.7, y, 1 - y)
    attributes = {
        "sex": rng.choice(np.array(["female", "male"]), n),
        "age_band": rng.choice(
            np.array(["18-29", "30-44", "45-59", "60-plus"]), n, p=[0.3, 0.3, 0.3, 0.1]
        ),
        "region": rng.integers(3, 9, n),  # integer codes
        "vip": rng.random(n) < 0.02,  # booleans, one slice small
        "channel": rng.choice(np.array(["web", "branch", "phone"], dtype=object), n),
    }
    return y, pred, attributes


@pytest.mark.parametrize("seed", range(6))
def test_matches_sklearn_per_group(seed: int) -> None:
    y, pred, attributes = _random_case(seed)
    report = measure_slices(y, pred, attributes, min_slice_size=30)
    assert report.rows == len(y)
    assert report.overall.accuracy.value == pytest.approx(accuracy_score(y, pred))
    for group in report.attributes:
        values = attributes[group.attribute]
        levels = np.unique(values)
        assert [s.value for s in group.slices] == [str(v) for v in levels.tolist()]
        for level, s in zip(levels, group.slices, strict=True):
            inside = values == level
            yy, pp = y[inside], pred[inside]
            assert s.n == inside.sum()
            assert s.too_small == (s.n < 30)
            assert s.accuracy.value == pytest.approx(accuracy_score(yy, pp))
            tpr = recall_score(yy, pp, zero_division=np.nan)
            fpr = 1 - recall_score(1 - yy, 1 - pp, zero_division=np.nan)
            for rate, expected in ((s.true_positive_rate, tpr), (s.false_positive_rate, fpr)):
                if np.isnan(expected):
                    assert rate.value is None
                else:
                    assert rate.value == pytest.approx(expected)
            assert s.selection_rate.value == pytest.approx(pp.mean())
            low, high = _wilson(s.accuracy.successes, s.n)
            assert s.accuracy.low == pytest.approx(max(low, 0), abs=1e-12)
            assert s.accuracy.high == pytest.approx(min(high, 1), abs=1e-12)
        judged = [s for s in group.slices if not s.too_small]
        if len(judged) >= 2:
            selection = [s.selection_rate.value for s in judged]
            assert group.demographic_parity_difference == pytest.approx(
                max(selection) - min(selection)
            )
            tprs = [s.true_positive_rate.value for s in judged]
            fprs = [s.false_positive_rate.value for s in judged]
            assert group.equalized_odds_difference == pytest.approx(
                max(max(tprs) - min(tprs), max(fprs) - min(fprs))
            )
        worst = min(judged, key=lambda s: s.accuracy.value)
        assert group.worst_slice == worst.value
        assert group.worst_slice_gap == pytest.approx(
            report.overall.accuracy.value - worst.accuracy.value
        )
    assert report.worst_slice_gap == max(g.worst_slice_gap for g in report.attributes)


def test_small_slices_are_flagged_not_judged() -> None:
    # group "b" (5 rows) is perfect and would otherwise define the parity gap
    y = np.array([1, 0] * 50 + [1] * 5)
    pred = np.array([1, 1] * 50 + [1] * 5)
    group = np.array(["a"] * 100 + ["b"] * 5)
    report = measure_slices(y, pred, {"g": group}, min_slice_size=30)
    attribute = report.attributes[0]
    small = attribute.slices[1]
    assert small.value == "b" and small.too_small and small.n == 5
    assert small.accuracy.value == 1.0  # reported
    assert attribute.judged == 1
    assert attribute.worst_slice == "a"
    assert attribute.demographic_parity_difference is None  # needs two judged slices
    assert attribute.equalized_odds_difference is None


def test_rates_without_trials_are_none() -> None:
    report = measure_slices([0, 0, 1], [0, 1, 1], {"g": ["x", "x", "y"]}, min_slice_size=1)
    x, y = report.attributes[0].slices
    assert x.true_positive_rate.value is None and x.true_positive_rate.trials == 0
    assert y.false_positive_rate.value is None
    assert x.false_positive_rate.value == 0.5
    # odds: TPR defined only for y, FPR only for x -> no spread of either
    assert report.attributes[0].equalized_odds_difference is None


def test_a_hand_computed_case() -> None:
    y = [1, 1, 0, 0, 1, 0, 0, 0]
    pred = [1, 0, 1, 0, 1, 1, 1, 0]
    group = ["f", "f", "f", "f", "m", "m", "m", "m"]
    report = measure_slices(y, pred, {"sex": group}, min_slice_size=1)
    f, m = report.attributes[0].slices
    assert (f.accuracy.value, f.true_positive_rate.value, f.false_positive_rate.value) == (
        0.5,
        0.5,
        0.5,
    )
    assert (m.accuracy.value, m.true_positive_rate.value, m.false_positive_rate.value) == (
        0.5,
        1.0,
        2 / 3,
    )
    assert (f.selection_rate.value, m.selection_rate.value) == (0.5, 0.75)
    assert report.attributes[0].demographic_parity_difference == 0.25
    assert report.attributes[0].equalized_odds_difference == 0.5
    assert report.attributes[0].worst_slice_gap == 0.0


def test_string_levels_outside_the_sample_are_found() -> None:
    # a level that appears only after the first ~4000 rows, and unsorted arrival order
    values = np.array(["z"] * 10_000 + ["a"] * 3 + ["m"] * 2, dtype=object)
    y = np.zeros(len(values), dtype=int)
    report = measure_slices(y, y, {"g": values}, min_slice_size=1)
    assert [(s.value, s.n) for s in report.attributes[0].slices] == [
        ("a", 3),
        ("m", 2),
        ("z", 10_000),
    ]


def test_many_levels() -> None:
    values = np.array([f"id{i % 500}" for i in range(5000)])
    report = measure_slices(np.zeros(5000, int), np.zeros(5000, int), {"id": values})
    assert len(report.attributes[0].slices) == 500


def test_columns_and_roles_are_recorded() -> None:
    roles = ColumnRoles(label="y", prediction="yhat")
    report = measure_slices(
        [0, 1], [0, 1], {"sex": ["a", "b"]}, roles=roles, source=Source(table="t.json")
    )
    assert report.columns == {"label": "y", "prediction": "yhat", "attribute:sex": "sex"}
    assert report.parameters.min_slice_size == 30


@pytest.mark.parametrize(
    ("attributes", "column", "words"),
    [
        ({"sex": ["a", None, "b"]}, "sex", "1 missing value, first at row 1"),
        ({"age": [1.0, np.nan, 2.0]}, "age", "missing value"),
        ({"sex": ["a", "b"]}, "sex", "has 2 rows but column 'label' has 3"),
        (
            {"mixed": np.array(["a", 1, "b"], dtype=object)},
            "mixed",
            "mixes values of types int, str",
        ),
        ({"empty": []}, "empty", "has no rows"),
    ],
)
def test_bad_attributes(attributes: dict[str, object], column: str, words: str) -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_slices(
            [0, 1, 1], [0, 1, 0], attributes, source=Source(table="eval/predictions.json")
        )
    assert (caught.value.table, caught.value.column) == ("eval/predictions.json", column)
    assert words in caught.value.message


def test_bad_predictions() -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_slices([0, 1], [0.3, 0.7], {})
    assert caught.value.column == "prediction"
