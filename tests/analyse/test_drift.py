"""Drift against scipy (KS, Jensen-Shannon), a straightforward PSI, and closed-form cases."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp

from riskcards.analyse import drift as drift_module
from riskcards.analyse._numeric import Grid, exact_quantiles
from riskcards.analyse.drift import ks_statistic, psi
from riskcards.analyse.inputs import finite_column
from riskcards.analyse.kernels import AnalyticsInputError, NumericDrift, Source, measure_drift

EPSILON = 1e-4


def _scipy_ks(x: object, y: object) -> float:
    # the statistic does not depend on the p-value, whose computation warns on tiny samples
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(ks_2samp(x, y, method="asymp").statistic)


def _assert_certified(feature: NumericDrift, exact: float, tolerance: float = 1e-4) -> None:
    """The KS statistic read off the histogram: the exact value lies in its certified interval."""
    assert 0.0 <= feature.ks_error <= tolerance
    assert feature.ks_statistic - 1e-12 <= exact <= feature.ks_statistic + feature.ks_error + 1e-12


def _reference_psi(ref: np.ndarray, cur: np.ndarray, n_bins: int = 10) -> float:
    """PSI the straightforward way: reference deciles, right-closed bins, shares floored."""
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, n_bins + 1)[1:-1]))
    r = np.bincount(np.searchsorted(edges, ref), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur), minlength=len(edges) + 1) / len(cur)
    r, c = np.maximum(r, EPSILON), np.maximum(c, EPSILON)
    return float(np.sum((c - r) * np.log(c / r)))


def _samples(kind: str, rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    if kind == "normal":
        return rng.normal(size=n), rng.normal(0.2, 1.3, size=m)
    if kind == "lognormal":  # positive and skewed: log-scale cells
        return rng.lognormal(0, 2, n), rng.lognormal(0.1, 2, m)
    if kind == "poisson":  # integers with many ties: flat cells
        return rng.poisson(1.5, n), rng.poisson(1.8, m).astype(np.float64)
    if kind == "rounded":
        return np.round(rng.normal(size=n), 1), np.round(rng.normal(size=m), 2)
    if kind == "outliers":
        return np.r_[rng.normal(size=n - 1), 1e300], np.r_[rng.normal(size=m - 1), -1e300]
    if kind == "float32":
        return rng.normal(size=n).astype(np.float32), rng.normal(size=m)
    raise AssertionError(kind)


KINDS = ["normal", "lognormal", "poisson", "rounded", "outliers", "float32"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_ks_and_psi_match_references(kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = (int(v) for v in rng.integers(2, 4000, 2))
    ref, cur = _samples(kind, rng, n, m)
    report = measure_drift({"x": ref}, {"x": cur})
    feature = report.features[0]
    assert feature.kind == "numeric"
    _assert_certified(feature, _scipy_ks(ref, cur))
    assert feature.population_stability_index == pytest.approx(_reference_psi(ref, cur), abs=1e-12)
    assert sum(b.reference_share for b in feature.bins) == pytest.approx(1.0)
    assert sum(b.current_share for b in feature.bins) == pytest.approx(1.0)


def test_psi_bins_are_reference_deciles() -> None:
    ref = np.arange(1000, dtype=np.float64)
    report = measure_drift({"x": ref}, {"x": ref + 2000}, n_bins=10)
    bins = report.features[0].bins
    assert [b.reference_share for b in bins] == [0.1] * 10
    assert [b.current_share for b in bins] == [0.0] * 9 + [1.0]
    assert bins[0].lower is None and bins[-1].upper is None
    assert bins[0].upper == pytest.approx(np.quantile(ref, 0.1))
    # 9 bins empty in the current data each count as epsilon
    expected = 9 * (EPSILON - 0.1) * np.log(EPSILON / 0.1) + 0.9 * np.log(10)
    assert report.features[0].population_stability_index == pytest.approx(expected)
    assert report.features[0].ks_statistic == 1.0


def test_identical_samples_do_not_drift() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=5000)
    labels = rng.choice(np.array(["a", "b", "c"]), 5000)
    report = measure_drift({"x": x, "c": labels}, {"x": x.copy(), "c": labels.copy()})
    numeric, categorical = report.features
    assert numeric.ks_statistic == 0.0 and numeric.population_stability_index == 0.0
    assert categorical.jensen_shannon_distance == 0.0
    assert categorical.population_stability_index == 0.0


def test_constant_and_tiny_samples() -> None:
    assert ks_statistic([3.0], [3.0]) == 0.0
    assert ks_statistic([3.0, 3.0], [4.0]) == 1.0
    report = measure_drift({"x": np.full(10, 7.0)}, {"x": np.full(5, 7.0)})
    assert report.features[0].population_stability_index == 0.0
    assert len(report.features[0].bins) == 2  # every decile is 7: one edge


def test_categorical_drift_matches_scipy() -> None:
    rng = np.random.default_rng(4)
    ref = rng.choice(np.array(["a", "b", "c", "d"]), 3000, p=[0.4, 0.3, 0.2, 0.1])
    cur = rng.choice(np.array(["a", "b", "c", "e"]), 2000, p=[0.1, 0.2, 0.3, 0.4])
    feature = measure_drift({"g": ref}, {"g": cur}).features[0]
    assert feature.kind == "categorical"
    levels = ["a", "b", "c", "d", "e"]
    p = np.array([np.mean(ref == v) for v in levels])
    q = np.array([np.mean(cur == v) for v in levels])
    assert [c.value for c in feature.categories] == levels
    assert feature.jensen_shannon_distance == pytest.approx(jensenshannon(p, q, base=2), abs=1e-12)
    assert feature.new_categories == ("e",)
    r, c = np.maximum(p, EPSILON), np.maximum(q, EPSILON)
    assert feature.population_stability_index == pytest.approx(np.sum((c - r) * np.log(c / r)))


def test_disjoint_categories_are_one_bit_apart() -> None:
    feature = measure_drift({"g": ["a", "a"]}, {"g": ["b"]}).features[0]
    assert feature.jensen_shannon_distance == pytest.approx(1.0)


def test_integer_categories_and_kind_override() -> None:
    report = measure_drift(
        {"code": np.array([1, 2, 2, 3]), "flag": np.array([True, False, False, False])},
        {"code": np.array([2, 2, 4]), "flag": np.array([True, True, False])},
        categorical={"code"},
    )
    code, flag = report.features
    assert code.kind == "categorical" and flag.kind == "categorical"
    assert [c.value for c in code.categories] == ["1", "2", "3", "4"]
    assert code.new_categories == ("4",)
    assert [c.value for c in flag.categories] == ["False", "True"]


def test_report_records_sources_and_parameters() -> None:
    report = measure_drift(
        {"x": [1.0, 2.0]},
        {"x": [1.0, 3.0], "y": [0, 0]},
        n_bins=4,
        epsilon=1e-3,
        reference_source=Source(table="data/train.csv"),
        current_source=Source(table="data/eval.csv"),
    )
    assert (report.reference.table, report.current.table) == ("data/train.csv", "data/eval.csv")
    assert (report.reference_rows, report.current_rows) == (2, 2)
    assert report.parameters.n_bins == 4 and report.parameters.epsilon == 1e-3
    assert [f.feature for f in report.features] == ["x"]


@pytest.mark.parametrize(
    ("reference", "current", "table", "column", "words"),
    [
        ({"x": [1.0, np.nan]}, {"x": [1.0]}, "train", "x", "1 missing value, first at row 1"),
        ({"x": [1.0]}, {"x": [1.0, np.inf]}, "eval", "x", "1 infinite value, first at row 1"),
        ({"x": [1.0]}, {"x": []}, "eval", "x", "has no rows"),
        ({"x": [1.0], "y": [1.0, 2.0]}, {"x": [1.0], "y": [1.0]}, "train", "y", "has 2 rows"),
        ({"c": ["a", None]}, {"c": ["a"]}, "train", "c", "1 missing value"),
    ],
)
def test_bad_input_names_table_and_column(
    reference: dict[str, object], current: dict[str, object], table: str, column: str, words: str
) -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_drift(
            {k: np.asarray(v, dtype=object if k == "c" else None) for k, v in reference.items()},
            current,
            reference_source=Source(table="train"),
            current_source=Source(table="eval"),
        )
    assert (caught.value.table, caught.value.column) == (table, column)
    assert words in caught.value.message


def test_missing_feature_is_named() -> None:
    with pytest.raises(AnalyticsInputError) as caught:
        measure_drift(
            {"x": [1.0]},
            {"x": [1.0]},
            features=["x", "income"],
            current_source=Source(table="eval"),
        )
    assert caught.value.column == "income" and caught.value.message == "no such column"
    with pytest.raises(AnalyticsInputError, match="no feature is in both samples"):
        measure_drift({"x": [1.0]}, {"y": [1.0]})


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
samples = st.lists(finite, min_size=1, max_size=60)
tied = st.lists(st.integers(-3, 3).map(float), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(x=st.one_of(samples, tied), y=st.one_of(samples, tied))
def test_ks_matches_scipy_and_is_symmetric(x: list[float], y: list[float]) -> None:
    d = ks_statistic(x, y)
    assert d == pytest.approx(_scipy_ks(x, y), abs=1e-12)
    assert d == ks_statistic(y, x)
    assert 0 <= d <= 1


@settings(max_examples=100, deadline=None)
@given(x=st.one_of(samples, tied), y=st.one_of(samples, tied), n_bins=st.integers(1, 12))
def test_psi_is_non_negative(x: list[float], y: list[float], n_bins: int) -> None:
    feature = measure_drift({"x": np.array(x)}, {"x": np.array(y)}, n_bins=n_bins).features[0]
    assert feature.population_stability_index >= 0
    assert (
        measure_drift({"x": np.array(x)}, {"x": np.array(x)}).features[0].population_stability_index
        == 0
    )


@settings(max_examples=100, deadline=None)
@given(
    x=st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=80),
    q=st.lists(st.floats(0, 1), min_size=1, max_size=12),
)
def test_exact_quantiles_equal_numpy(x: list[float], q: list[float]) -> None:
    values = np.array(x)
    got = exact_quantiles(values, np.array(q), low=values.min(), high=values.max())
    np.testing.assert_array_equal(got, np.quantile(values, q))


def test_psi_helper() -> None:
    assert psi(np.array([5, 5]), np.array([5, 5])) == 0.0
    assert psi(np.array([10, 0]), np.array([0, 10])) == pytest.approx(
        2 * (1 - EPSILON) * np.log(1 / EPSILON)
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_two_million_rows_match_scipy(kind: str) -> None:
    rng = np.random.default_rng(9)
    ref, cur = _samples(kind, rng, 2_000_000, 1_500_000)
    feature = measure_drift({"x": ref}, {"x": cur}).features[0]
    exact = _scipy_ks(ref, cur)
    _assert_certified(feature, exact)
    assert feature.population_stability_index == pytest.approx(_reference_psi(ref, cur), abs=1e-12)
    gathered = measure_drift({"x": ref}, {"x": cur}, ks_tolerance=0.0).features[0]
    assert gathered.ks_statistic == pytest.approx(exact, abs=1e-12) and gathered.ks_error == 0.0


@pytest.mark.slow
def test_ks_gathers_only_the_cells_that_could_change_it_beyond_the_tolerance() -> None:
    """Issue 18: on large samples the statistic comes from the histogram and its bound; the
    exact gather is skipped where no cell could move it by more than the tolerance."""
    rng = np.random.default_rng(3)
    ref, cur = rng.normal(size=2_000_000), rng.normal(0.001, 1.0, size=2_000_000)
    sizes: dict[float, int] = {}
    original = drift_module.k.gather

    def counted(samples: list[Any], wanted: np.ndarray) -> None:
        original(samples, wanted)
        sizes[tolerance] = sum(len(s.gathered) for s in samples)

    exact = _scipy_ks(ref, cur)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drift_module.k, "gather", counted)
        for tolerance in (0.0, 1e-4, 1e-3):
            report = measure_drift({"x": ref}, {"x": cur}, ks_tolerance=tolerance)
            feature = report.features[0]
            assert isinstance(feature, NumericDrift)
            assert report.parameters.ks_tolerance == tolerance
            _assert_certified(feature, exact, tolerance)
    assert sizes[0.0] > 10 * sizes[1e-4] >= 10 * sizes[1e-3]


def test_ks_tolerance_out_of_range_is_refused() -> None:
    with pytest.raises(AnalyticsInputError, match="ks_tolerance"):
        measure_drift({"x": [1.0, 2.0]}, {"x": [1.0, 3.0]}, ks_tolerance=1.5)


@settings(max_examples=100, deadline=None)
@given(
    x=st.lists(st.floats(1e-300, 1e300), min_size=2, max_size=200),
    log_like=st.booleans(),
)
def test_grid_cells_are_monotone_and_do_not_depend_on_the_chunk(
    x: list[float], log_like: bool
) -> None:
    values = np.sort(np.array(x))
    grid = Grid.spanning(
        float(np.quantile(values, 0.1)), float(np.quantile(values, 0.9)), log_like=log_like
    )
    cells = grid.cells(values)
    assert np.all(np.diff(cells.astype(np.int64)) >= 0)
    alone = np.array([grid.cells(values[i : i + 1])[0] for i in range(len(values))])
    np.testing.assert_array_equal(cells, alone)


def _integer_samples(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, m = (int(v) for v in rng.integers(1, 5000, 2))
    if kind == "poisson-float":
        return rng.poisson(2.0, n).astype(np.float64), rng.poisson(2.3, m).astype(np.float64)
    if kind == "int8":
        return rng.integers(-5, 6, n, dtype=np.int8), rng.integers(-3, 9, m, dtype=np.int8)
    if kind == "mixed-dtypes":
        return rng.integers(0, 300, n), rng.integers(10, 400, m).astype(np.float32)
    if kind == "large":  # just below 2**53, where float64 still holds every integer
        return rng.integers(-1000, 0, n) + 2**53, rng.integers(-1000, 0, m) + 2**53
    if kind == "constant":
        return np.full(n, 7.0), np.full(m, 7, dtype=np.uint16)
    if kind == "bool":
        return rng.random(n) < 0.3, rng.random(m) < 0.4
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["poisson-float", "int8", "mixed-dtypes", "large", "constant", "bool"]
)
@pytest.mark.parametrize("seed", range(3))
def test_integer_fast_path_equals_the_cells_path_field_by_field(kind: str, seed: int) -> None:
    """Issue 18: integer values over a short range are counted per value (one bincount per
    sample); every field of the report equals what the general cells path gives."""
    rng = np.random.default_rng(seed)
    ref, cur = _integer_samples(kind, rng)
    x, y = finite_column(ref, table="r", column="x"), finite_column(cur, table="c", column="x")
    low, high = min(x.min(), y.min()), max(x.max(), y.max())
    probabilities = np.linspace(0.0, 1.0, 11)[1:-1]
    assert drift_module._integer_counts(x, y, low, high) is not None  # the fast path applies
    fast = drift_module.numeric_drift("x", ref, cur, (10, EPSILON, 1e-4), "r", "c")
    cells = drift_module._cell_drift(
        "x", x, y, (float(low), float(high)), probabilities, (EPSILON, 0.0)
    )
    assert fast.model_dump() == cells.model_dump()  # every field, exactly
    assert fast.ks_statistic == pytest.approx(_scipy_ks(ref, cur), abs=1e-12)


def test_integer_fast_path_declines_fractions_and_wide_ranges() -> None:
    x = np.array([0.0, 1.0, 2.5])
    assert drift_module._integer_counts(x, x, 0.0, 2.5) is None
    halves = np.array([0.0, 1.0, 2.0, 3.5])  # extremes are integers, one value is not
    assert drift_module._integer_counts(halves, halves, 0.0, 3.0) is None
    wide = np.array([0, 1 << 30])
    assert drift_module._integer_counts(wide, wide, 0, 1 << 30) is None
    huge = np.array([2**60, 2**60 + 1])  # float64 would merge these: left to the cells path
    assert drift_module._integer_counts(huge, huge, 2**60, 2**60 + 1) is None
