"""Regression and multiclass measures recomputed in numpy, checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from riskcards.analyse.inputs import ColumnRoles
from riskcards.analyse.tables import Table
from riskcards.analyse.task_measures import classwise_ece, task_measures


def _regression(seed: int = 0, n: int = 400) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.normal(150, 60, n)
    group = np.where(rng.random(n) < 0.5, "a", "b")
    p = y + rng.normal(0, 30, n) + np.where(group == "a", 10.0, 0.0)
    return {"label": y, "prediction": p, "sex": group, "lower": p - 50, "upper": p + 50}


def test_regression_matches_scikit_learn() -> None:
    cols = _regression()
    found = task_measures(Table.of("eval/p.json", cols), ColumnRoles(attributes=("sex",)))
    y, p = cols["label"], cols["prediction"]
    assert found["regression.rmse"].value == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)))
    assert found["regression.mae"].value == pytest.approx(skm.mean_absolute_error(y, p))
    assert found["regression.r2"].value == pytest.approx(skm.r2_score(y, p))
    maes = [skm.mean_absolute_error(y[cols["sex"] == g], p[cols["sex"] == g]) for g in "ab"]
    expected = (max(maes) - min(maes)) / skm.mean_absolute_error(y, p)
    gap = found["regression.relative_error_gap"]
    assert gap.value == pytest.approx(expected)
    assert "sex (a: MAE" in gap.detail and "(95%)" in gap.detail
    means = [p[cols["sex"] == g].mean() for g in "ab"]
    assert found["regression.relative_prediction_gap"].value == pytest.approx(
        abs(means[0] - means[1]) / y.std()
    )
    inside = np.mean((y >= cols["lower"]) & (y <= cols["upper"]))
    assert found["regression.interval_coverage"].value == pytest.approx(inside)
    assert all(m.table == "eval/p.json" and m.rows == 400 for m in found.values())


def _multiclass(seed: int = 1, n: int = 900) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    wrong = rng.random(n) < np.where(y == 3, 0.5, 0.1)
    p = np.where(wrong, (y + 1) % 4, y)
    proba = rng.dirichlet(np.ones(4), n) * 0.3
    proba[np.arange(n), p] += 0.7
    cols = {"label": y, "prediction": p, "region": np.where(rng.random(n) < 0.5, "n", "s")}
    cols |= {f"score_{c}": proba[:, c] for c in range(4)}
    return cols


def test_multiclass_matches_scikit_learn() -> None:
    cols = _multiclass()
    found = task_measures(Table.of("eval/m.json", cols), ColumnRoles(attributes=("region",)))
    y, p = cols["label"], cols["prediction"]
    assert found["multiclass.f1_macro"].value == pytest.approx(skm.f1_score(y, p, average="macro"))
    assert found["multiclass.f1_weighted"].value == pytest.approx(
        skm.f1_score(y, p, average="weighted")
    )
    recalls = skm.recall_score(y, p, average=None)
    worst = found["multiclass.worst_class_recall"]
    assert worst.value == pytest.approx(recalls.min())
    assert "worst class, 3" in worst.detail
    by_hand = np.mean(
        [
            sum(
                abs(cols[f"score_{c}"][b].mean() - (y[b] == c).mean()) * b.sum()
                for k in range(10)
                if (b := np.minimum((cols[f"score_{c}"] * 10).astype(int), 9) == k).any()
            )
            / len(y)
            for c in range(4)
        ]
    )
    assert found["multiclass.classwise_ece"].value == pytest.approx(by_hand)
    gaps = []
    for c in range(4):
        r = [skm.recall_score(y[m] == c, p[m] == c) for m in (cols["region"] == v for v in "ns")]
        gaps.append(max(r) - min(r))
    assert found["multiclass.max_class_recall_gap"].value == pytest.approx(max(gaps))


def test_binary_tables_and_missing_columns_give_nothing() -> None:
    binary = {"label": np.array([0, 1, 1, 0]), "prediction": np.array([0, 1, 0, 0])}
    assert task_measures(Table.of("t", binary), ColumnRoles()) == {}
    assert task_measures(Table.of("t", {"label": np.array([1.5, 2.5])}), ColumnRoles()) == {}


def test_classwise_ece_of_a_perfectly_calibrated_class_is_zero() -> None:
    positive = np.array([1.0, 0.0, 1.0, 0.0])
    assert classwise_ece(positive, np.full(4, 0.5), 10) == pytest.approx(0.0)
    assert classwise_ece(np.ones(4), np.full(4, 0.25), 10) == pytest.approx(0.75)
