"""Regression and multiclass measures, recomputed in numpy from a predictions table
(layer: analyse). Pure: a table in, :class:`Measure` values out; checked against
scikit-learn in tests/analyse/test_task_measures.py.

A table with the label and prediction columns is read as:

- **regression** when the label or the prediction holds non-integer numbers: RMSE, MAE, R²;
  the error by slice of each attribute (mean absolute error with a 95% interval, slices under
  ``min_slice_size`` rows not judged); fairness as the gap in mean absolute error (relative to
  the overall MAE) and in mean prediction (relative to the label's standard deviation) across
  slices; the coverage of prediction intervals when ``<prediction>_lower`` and
  ``<prediction>_upper`` (or ``lower``/``upper``) columns are logged;
- **multiclass** when the label has more than two classes: macro and weighted F1, recall per
  class naming the worst class, classwise ECE when ``<score>_<class>`` (or
  ``proba_<class>``) probability columns are logged, and per class against the rest the
  largest recall gap across the slices of each attribute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from riskcards.analyse.inputs import ColumnRoles
from riskcards.analyse.tables import Table
from riskcards.models.assessment import Measure

FloatArray = npt.NDArray[np.float64]
_Z95 = 1.959963984540054
_MIN_CLASS_ROWS = 5  # positives of a class in a slice below which its recall is not judged


def task_measures(
    table: Table, roles: ColumnRoles, *, n_bins: int = 10, min_slice_size: int = 30
) -> dict[str, Measure]:
    """The regression or multiclass measures the table allows (none when it is neither)."""
    if roles.label not in table.columns or roles.prediction not in table.columns:
        return {}
    y, p = table.columns[roles.label], table.columns[roles.prediction]
    present = [a for a in roles.attributes if a in table.columns]
    if _numeric(y) and _numeric(p) and (_fractional(y) or _fractional(p)):
        return _Found(table).regression(
            y.astype(float), p.astype(float), present, roles.prediction, min_slice_size
        )
    labels = _Labels(y.astype(str), p.astype(str), np.unique(y.astype(str)))
    if len(labels.classes) > 2:
        return _Found(table).multiclass(labels, present, roles.score, n_bins, min_slice_size)
    return {}


@dataclass(frozen=True)
class _Labels:
    """A classifier's labels and predictions as text, and the classes of the labels."""

    y: npt.NDArray[np.str_]
    p: npt.NDArray[np.str_]
    classes: npt.NDArray[np.str_]


def _numeric(values: npt.NDArray[Any]) -> bool:
    return values.dtype.kind in "iuf"


def _fractional(values: npt.NDArray[Any]) -> bool:
    floats = values.astype(float)
    finite = floats[np.isfinite(floats)]
    return bool(finite.size) and bool(np.any(finite != np.round(finite)))


class _Found:
    """The measures of one table, each citing it."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.found: dict[str, Measure] = {}

    def put(self, key: str, value: float, rows: int, detail: str) -> None:
        if math.isfinite(value):
            self.found[key] = Measure(
                key=key,
                value=float(value),
                table=self.table.name,
                sha256=self.table.sha256,
                rows=rows,
                detail=detail,
            )

    def slices(self, attribute: str, min_size: int) -> list[tuple[str, npt.NDArray[np.bool_]]]:
        values = self.table.columns[attribute].astype(str)
        return [(v, values == v) for v in np.unique(values) if int(np.sum(values == v)) >= min_size]

    # --- regression --------------------------------------------------------------------

    def regression(
        self, y: FloatArray, p: FloatArray, attributes: list[str], prediction: str, min_size: int
    ) -> dict[str, Measure]:
        ok = np.isfinite(y) & np.isfinite(p)
        y, p, n = y[ok], p[ok], int(np.sum(ok))
        if n < 2:
            return {}
        error = p - y
        mae = float(np.mean(np.abs(error)))
        self.put("regression.rmse", float(np.sqrt(np.mean(error**2))), n, "root mean squared error")
        self.put("regression.mae", mae, n, "mean absolute error")
        total = float(np.sum((y - np.mean(y)) ** 2))
        if total > 0:
            self.put("regression.r2", 1 - float(np.sum(error**2)) / total, n, "R² (1 - SSE/SST)")
        self._error_gaps(y, p, ok, attributes, mae, min_size)
        self._coverage(y, ok, prediction, n)
        return self.found

    def _error_gaps(
        self,
        y: FloatArray,
        p: FloatArray,
        ok: npt.NDArray[np.bool_],
        attributes: list[str],
        mae: float,
        min_size: int,
    ) -> None:
        spread = float(np.std(y))
        error_gaps: list[tuple[float, str]] = []
        prediction_gaps: list[tuple[float, str]] = []
        for attribute in attributes:
            rows = []
            for value, mask in self.slices(attribute, min_size):
                inside = mask[ok]
                abs_error = np.abs(p[inside] - y[inside])
                half = _Z95 * float(np.std(abs_error, ddof=1)) / math.sqrt(len(abs_error))
                rows.append((value, float(np.mean(abs_error)), half, float(np.mean(p[inside]))))
            if len(rows) < 2:
                continue
            words = "; ".join(f"{v}: MAE {m:.4g} ± {h:.3g} (95%)" for v, m, h, _ in rows)
            maes, means = [r[1] for r in rows], [r[3] for r in rows]
            if mae > 0:
                error_gaps.append(((max(maes) - min(maes)) / mae, f"{attribute} ({words})"))
            if spread > 0:
                prediction_gaps.append(((max(means) - min(means)) / spread, attribute))
        n = int(np.sum(ok))
        if error_gaps:
            gap, where = max(error_gaps)
            self.put(
                "regression.relative_error_gap",
                gap,
                n,
                f"largest gap in mean absolute error across slices over the overall MAE: {where}",
            )
        if prediction_gaps:
            gap, where = max(prediction_gaps)
            self.put(
                "regression.relative_prediction_gap",
                gap,
                n,
                f"largest gap in mean prediction across slices of {where}, over the label's "
                "standard deviation",
            )

    def _coverage(self, y: FloatArray, ok: npt.NDArray[np.bool_], prediction: str, n: int) -> None:
        for low, high in ((f"{prediction}_lower", f"{prediction}_upper"), ("lower", "upper")):
            if low in self.table.columns and high in self.table.columns:
                lo = self.table.columns[low].astype(float)[ok]
                hi = self.table.columns[high].astype(float)[ok]
                inside = float(np.mean((y >= lo) & (y <= hi)))
                self.put(
                    "regression.interval_coverage",
                    inside,
                    n,
                    f"share of labels within [{low}, {high}]",
                )
                return

    # --- multiclass --------------------------------------------------------------------

    def multiclass(
        self, labels: _Labels, attributes: list[str], score: str, n_bins: int, min_size: int
    ) -> dict[str, Measure]:
        y, p, classes = labels.y, labels.p, labels.classes
        n = len(y)
        support = np.array([np.sum(y == c) for c in classes], dtype=float)
        tp = np.array([np.sum((y == c) & (p == c)) for c in classes], dtype=float)
        predicted = np.array([np.sum(p == c) for c in classes], dtype=float)
        recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
        precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
        both = precision + recall
        f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
        self.put(
            "multiclass.f1_macro", float(np.mean(f1)), n, f"macro F1 over {len(classes)} classes"
        )
        self.put(
            "multiclass.f1_weighted",
            float(np.sum(f1 * support) / n),
            n,
            f"F1 weighted by class support, {len(classes)} classes",
        )
        worst = int(np.argmin(recall))
        per_class = ", ".join(f"{c}: {r:.3f}" for c, r in zip(classes, recall, strict=True))
        self.put(
            "multiclass.worst_class_recall",
            float(recall[worst]),
            n,
            f"recall of the worst class, {classes[worst]} (per class: {per_class})",
        )
        self._classwise_ece(labels, score, n_bins)
        self._one_vs_rest(labels, attributes, min_size)
        return self.found

    def _classwise_ece(self, labels: _Labels, score: str, n_bins: int) -> None:
        y, classes = labels.y, labels.classes
        columns = [
            next((f"{s}_{c}" for s in (score, "proba") if f"{s}_{c}" in self.table.columns), None)
            for c in classes
        ]
        if any(col is None for col in columns):
            return
        eces = []
        for c, col in zip(classes, columns, strict=True):
            assert col is not None
            eces.append(
                classwise_ece((y == c).astype(float), self.table.columns[col].astype(float), n_bins)
            )
        self.put(
            "multiclass.classwise_ece",
            float(np.mean(eces)),
            len(y),
            f"mean over {len(classes)} classes of the one-vs-rest ECE, {n_bins} equal-width bins",
        )

    def _one_vs_rest(self, labels: _Labels, attributes: list[str], min_size: int) -> None:
        y, p, classes = labels.y, labels.p, labels.classes
        gaps: list[tuple[float, str]] = []
        for attribute in attributes:
            slices = self.slices(attribute, min_size)
            for c in classes:
                recalls = []
                for value, mask in slices:
                    positives = mask & (y == c)
                    if int(np.sum(positives)) >= _MIN_CLASS_ROWS:
                        recalls.append((float(np.mean(p[positives] == c)), value))
                if len(recalls) >= 2:
                    gap = max(recalls)[0] - min(recalls)[0]
                    gaps.append((gap, f"class {c} across {attribute}"))
        if gaps:
            gap, where = max(gaps)
            self.put(
                "multiclass.max_class_recall_gap",
                gap,
                len(y),
                f"largest recall gap, one class against the rest, across slices: {where} "
                f"(slices under {min_size} rows or {_MIN_CLASS_ROWS} of the class not judged)",
            )


def classwise_ece(positive: FloatArray, probability: FloatArray, n_bins: int) -> float:
    """The expected calibration error of one class against the rest (equal-width bins)."""
    ok = np.isfinite(probability)
    positive, probability = positive[ok], np.clip(probability[ok], 0.0, 1.0)
    index = np.minimum((probability * n_bins).astype(int), n_bins - 1)
    counts = np.bincount(index, minlength=n_bins).astype(float)
    confidence = np.bincount(index, weights=probability, minlength=n_bins)
    observed = np.bincount(index, weights=positive, minlength=n_bins)
    filled = counts > 0
    gap = np.abs(confidence[filled] - observed[filled]) / counts[filled]
    return float(np.sum(gap * counts[filled]) / max(len(probability), 1))
