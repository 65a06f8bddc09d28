"""Calibration against scikit-learn and closed-form cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from riskcards.analyse.kernels import AnalyticsInputError, ColumnRoles, Source, measure_calibration


def _reference_ece(y: np.ndarray, p: np.ndarray, edges: np.ndarray) -> tuple[float, float]:
    """ECE and MCE the straightforward way, with sklearn's binning (searchsorted on inner edges)."""
    bins = np.searchsorted(edges[1:-1], p)
    gaps, weights = [], []
    for b in np.unique(bins):
        inside = bins == b
        gaps.append(abs(y[inside].mean() - p[inside].mean()))
        weights.append(inside.mean())
    return float(np.dot(gaps, weights)), float(max(gaps))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_bins", [1, 5, 10, 15])
def test_matches_sklearn_on_random_data(seed: int, n_bins: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 5000))
    p = rng.beta(2, 3, n)
    y = (rng.random(n) < p**1.3).astype(np.int64)
    result = measure_calibration(y, p, n_bins=n_bins)

    assert result.rows == n
    assert result.brier_score == pytest.approx(brier_score_loss(y, p), abs=1e-12)
    for curve, strategy in ((result.equal_width, "uniform"), (result.equal_mass, "quantile")):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
        filled = [b for b in curve.bins if b.count]
        np.testing.assert_allclose([b.observed_rate for b in filled], prob_true, atol=1e-12)
        np.testing.assert_allclose([b.mean_score for b in filled], prob_pred, atol=1e-12)
        if strategy == "uniform":
            edges = np.linspace(0, 1, n_bins + 1)
        else:
            edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)  # as sklearn does
        ece, mce = _reference_ece(y, p, edges)
        assert curve.expected_calibration_error == pytest.approx(ece, abs=1e-12)
        assert curve.maximum_calibration_error == pytest.approx(mce, abs=1e-12)
        assert sum(b.count for b in curve.bins) == n


def test_equal_mass_bins_hold_equal_counts() -> None:
    p = np.random.default_rng(3).random(10_000)
    y = np.zeros(10_000, dtype=np.int64)
    counts = [b.count for b in measure_calibration(y, p, n_bins=10).equal_mass.bins]
    assert counts == [1000] * 10


def test_perfectly_calibrated_predictor_has_zero_ece() -> None:
    # in every bin the share of positives equals the score exactly
    p = np.repeat([0.1, 0.25, 0.5, 0.8], 20)
    y = np.concatenate([np.arange(20) < k for k in (2, 5, 10, 16)]).astype(int)
    result = measure_calibration(y, p, n_bins=10)
    for curve in (result.equal_width, result.equal_mass):
        assert curve.expected_calibration_error == pytest.approx(0.0, abs=1e-15)
        assert curve.maximum_calibration_error == pytest.approx(0.0, abs=1e-15)


def test_bernoulli_outcomes_are_nearly_calibrated() -> None:
    rng = np.random.default_rng(11)
    p = rng.random(200_000)
    y = rng.random(200_000) < p
    result = measure_calibration(y, p)
    assert result.equal_width.expected_calibration_error < 0.01
    assert result.brier_score == pytest.approx(1 / 6, abs=0.005)  # E[p(1-p)] for uniform p


def test_always_wrong_and_confident_is_maximally_miscalibrated() -> None:
    result = measure_calibration([0, 0, 1, 1], [1.0, 1.0, 0.0, 0.0], n_bins=4)
    assert result.brier_score == 1.0
    assert result.equal_width.expected_calibration_error == 1.0
    assert result.equal_width.maximum_calibration_error == 1.0


def test_reliability_bins_describe_the_diagram() -> None:
    result = measure_calibration([0, 1, 1, 0], [0.05, 0.15, 0.95, 1.0], n_bins=10)
    bins = result.equal_width.bins
    assert [(b.lower, b.upper) for b in bins][:2] == [(0.0, 0.1), (0.1, 0.2)]
    assert [b.count for b in bins] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert bins[2].mean_score is None and bins[2].observed_rate is None
    assert bins[9].mean_score == pytest.approx(0.975)
    assert bins[9].observed_rate == 0.5


def test_edges_are_right_closed_like_sklearn() -> None:
    # 0.1 sits on the first inner edge: it belongs to the first bin, (0, 0.1]
    result = measure_calibration([1, 0], [0.1, 0.1000001], n_bins=10)
    assert [b.count for b in result.equal_width.bins][:2] == [1, 1]


def test_booleans_float_labels_and_float32_scores_are_accepted() -> None:
    p = np.array([0.2, 0.7, 0.9], dtype=np.float32)
    a = measure_calibration(np.array([False, True, True]), p)
    b = measure_calibration(np.array([0.0, 1.0, 1.0]), p.astype(np.float64))
    assert a.brier_score == pytest.approx(b.brier_score)


def test_result_records_source_columns_and_parameters() -> None:
    roles = ColumnRoles(label="default", score="proba")
    source = Source(table="eval/predictions.json", sha256="ab" * 32)
    result = measure_calibration([0, 1], [0.3, 0.6], n_bins=7, source=source, roles=roles)
    assert result.source == source
    assert result.columns == {"label": "default", "score": "proba"}
    assert result.parameters.n_bins == 7
    assert len(result.equal_width.bins) == 7


@pytest.mark.parametrize(
    ("labels", "scores", "column", "words"),
    [
        ([0, 2, 1], [0.1, 0.2, 0.3], "label", "outside {0, 1}, first at row 1 (2)"),
        ([0, None, 1], [0.1, 0.2, 0.3], "label", "1 missing value, first at row 1"),
        ([0.0, np.nan, 1.0], [0.1, 0.2, 0.3], "label", "missing value"),
        (["0", "1", "1"], [0.1, 0.2, 0.3], "label", "expected numbers"),
        ([0, 1, 1], [0.1, np.nan, 0.3], "score", "1 missing value, first at row 1"),
        ([0, 1, 1], [0.1, -0.2, 1.3], "score", "2 values outside [0, 1], first at row 1 (-0.2)"),
        ([0, 1, 1], [0.1, 0.2], "score", "has 2 rows but column 'label' has 3"),
        ([], [], "label", "has no rows"),
        ([[0, 1]], [[0.1, 0.2]], "label", "one value per row"),
    ],
)
def test_bad_input_names_the_table_and_column(
    labels: object, scores: object, column: str, words: str
) -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_calibration(labels, scores, source=Source(table="eval/predictions.json"))
    assert caught.value.table == "eval/predictions.json"
    assert caught.value.column == column
    assert words in caught.value.message
    assert str(caught.value).startswith(f"eval/predictions.json, column {column!r}: ")


def test_bad_parameter() -> None:
    with pytest.raises(AnalyticsInputError, match="n_bins must be an integer >= 1"):
        measure_calibration([0, 1], [0.1, 0.2], n_bins=0)


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.booleans(), st.floats(0, 1, allow_nan=False)), min_size=1, max_size=200
    ),
    n_bins=st.integers(1, 20),
)
def test_calibration_errors_are_shares(data: list[tuple[bool, float]], n_bins: int) -> None:
    y = np.array([d[0] for d in data])
    p = np.array([d[1] for d in data])
    result = measure_calibration(y, p, n_bins=n_bins)
    for curve in (result.equal_width, result.equal_mass):
        assert 0 <= curve.expected_calibration_error <= curve.maximum_calibration_error <= 1
        assert sum(b.count for b in curve.bins) == len(data)
    assert 0 <= result.brier_score <= 1


@pytest.mark.slow
def test_ten_million_rows_match_sklearn() -> None:
    rng = np.random.default_rng(5)
    p = rng.random(10_000_000)
    y = rng.random(10_000_000) < p
    result = measure_calibration(y, p, n_bins=10)
    assert result.brier_score == pytest.approx(brier_score_loss(y, p), rel=1e-9)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="quantile")
    np.testing.assert_allclose([b.observed_rate for b in result.equal_mass.bins], prob_true)
    np.testing.assert_allclose([b.mean_score for b in result.equal_mass.bins], prob_pred)
