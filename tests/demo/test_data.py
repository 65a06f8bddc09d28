"""Tests of riskcards.demo.data: the synthetic credit data and its split."""

from __future__ import annotations

import numpy as np

from riskcards.demo.data import AGE_BANDS, FEATURES, N_ROWS, make_credit_data, split_train_eval


def test_data_is_deterministic_per_seed() -> None:
    a, b, c = (
        make_credit_data(seed=7),
        make_credit_data(seed=7),
        make_credit_data(seed=8),
    )
    for field in ("features", "default", "sex", "age_band"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.features, c.features)


def test_data_has_the_documented_shape() -> None:
    data = make_credit_data(seed=7)
    assert data.features.shape == (N_ROWS, len(FEATURES))
    assert set(np.unique(data.default)) == {0, 1}
    assert set(np.unique(data.sex)) == {"female", "male"}
    assert set(np.unique(data.age_band)) == set(AGE_BANDS)
    assert np.all(data.features >= 0)
    # sex is not a feature, but the features differ by sex: that is the built-in bias
    income = data.features[:, FEATURES.index("income")]
    assert np.median(income[data.sex == "male"]) > np.median(income[data.sex == "female"])


def test_split_is_seeded_and_complete() -> None:
    data = make_credit_data(seed=7)
    train, held_out = split_train_eval(data, seed=7)
    assert (len(train), len(held_out)) == (4_500, 1_500)
    rows = np.vstack([train.features, held_out.features])
    assert np.array_equal(np.sort(rows, axis=0), np.sort(data.features, axis=0))
    again, _ = split_train_eval(data, seed=7)
    assert np.array_equal(again.features, train.features)
