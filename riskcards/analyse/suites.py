"""Table-level entry points: every measurement a logged table allows, failures recorded.

Layer: analytics. Each measurement runs on its own; bad evidence for one (a missing column,
scores outside [0, 1]) becomes an :class:`AnalysisFailure` naming the table and the column,
and the others still run, so the report renders with what could be measured.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from riskcards.analyse.calibration import measure_calibration
from riskcards.analyse.drift import PSI_EPSILON, measure_drift
from riskcards.analyse.inputs import AnalyticsInputError, ColumnRoles, binary_column
from riskcards.analyse.pii import scan_pii
from riskcards.analyse.quality import (
    measure_class_balance,
    measure_duplicates,
    measure_leakage,
    measure_missingness,
)
from riskcards.analyse.robustness import (
    DECISION_THRESHOLD,
    measure_robustness,
    predictions_from_scores,
)
from riskcards.analyse.slices import MIN_SLICE_SIZE, measure_slices
from riskcards.analyse.tables import AnyArray, Table
from riskcards.models.analysis import (
    AnalysisFailure,
    CalibrationResult,
    DatasetAnalysis,
    PredictionAnalysis,
    RobustnessResult,
    SliceReport,
    TableQuality,
)

R = TypeVar("R")


def attempt(measurement: str, table: str, run: Callable[[], R]) -> R | AnalysisFailure:
    """``run()``, or the failure it reported as evidence-level input error."""
    try:
        return run()
    except AnalyticsInputError as error:
        return AnalysisFailure(
            measurement=measurement,
            table=error.table or table,
            column=error.column,
            message=error.message,
        )


def _predictions(
    table: Table, column: str | None, score: str | None, threshold: float
) -> AnyArray | None:
    """The 0/1 predictions in ``column``, else ``score >= threshold``; None if neither exists."""
    if column is not None and column in table.columns:
        return binary_column(table.column(column), table=table.name, column=column)
    if score is not None and score in table.columns:
        return predictions_from_scores(
            table.column(score), threshold=threshold, table=table.name, column=score
        )
    return None


def analyse_predictions(
    table: Table,
    roles: ColumnRoles | None = None,
    *,
    n_bins: int = 10,
    min_slice_size: int = MIN_SLICE_SIZE,
    threshold: float = DECISION_THRESHOLD,
) -> PredictionAnalysis:
    """Calibration, slices and robustness from one evaluation table (see ColumnRoles)."""
    roles = roles or ColumnRoles()
    source = table.source

    def calibration() -> CalibrationResult:
        return measure_calibration(
            table.column(roles.label),
            table.column(roles.score),
            n_bins=n_bins,
            source=source,
            roles=roles,
        )

    def slices() -> SliceReport:
        predictions = _predictions(table, roles.prediction, roles.score, threshold)
        if predictions is None:
            table.column(roles.prediction)  # raises: names the missing column
        return measure_slices(
            table.column(roles.label),
            predictions,
            {name: table.column(name) for name in roles.attributes},
            min_slice_size=min_slice_size,
            source=source,
            roles=roles,
        )

    def robustness() -> RobustnessResult | None:
        perturbed = _predictions(
            table, roles.perturbed_prediction, roles.perturbed_score, threshold
        )
        if perturbed is None:
            return None
        clean = _predictions(table, roles.prediction, roles.score, threshold)
        if clean is None:
            table.column(roles.prediction)
        return measure_robustness(
            table.column(roles.label), clean, perturbed, source=source, roles=roles
        )

    return PredictionAnalysis(
        source=source,
        calibration=attempt("calibration", table.name, calibration),
        slices=attempt("slices", table.name, slices) if roles.attributes else None,
        robustness=attempt("robustness", table.name, robustness),
    )


def analyse_datasets(
    reference: Table,
    current: Table,
    *,
    label: str | None = "label",
    features: Sequence[str] | None = None,
    categorical: Collection[str] = (),
    n_bins: int = 10,
    epsilon: float = PSI_EPSILON,
) -> DatasetAnalysis:
    """Drift (every shared column but ``label`` unless ``features`` is given), leakage
    (rows of ``current`` found in ``reference``) and the quality of both tables."""
    shared = [c for c in reference.columns if c in current.columns and c != label]
    drift = attempt(
        "drift",
        current.name,
        lambda: measure_drift(
            reference.columns,
            current.columns,
            features=list(features) if features is not None else shared,
            categorical=categorical,
            n_bins=n_bins,
            epsilon=epsilon,
            reference_source=reference.source,
            current_source=current.source,
        ),
    )
    leakage = attempt(
        "leakage",
        current.name,
        lambda: measure_leakage(
            reference.columns,
            current.columns,
            subset=shared,
            reference_source=reference.source,
            current_source=current.source,
        ),
    )
    return DatasetAnalysis(
        drift=drift,
        leakage=leakage,
        reference=table_quality(reference, label),
        current=table_quality(current, label),
    )


def table_quality(table: Table, label: str | None = "label") -> TableQuality:
    """Class balance (when ``label`` is a column), missingness, duplicates and PII."""
    source = table.source
    balance = None
    if label is not None and label in table.columns:
        balance = attempt(
            "class_balance",
            table.name,
            lambda: measure_class_balance(table.column(label), column=label, source=source),
        )
    return TableQuality(
        source=source,
        class_balance=balance,
        missingness=attempt(
            "missingness", table.name, lambda: measure_missingness(table.columns, source=source)
        ),
        duplicates=attempt(
            "duplicates", table.name, lambda: measure_duplicates(table.columns, source=source)
        ),
        pii=attempt("pii_scan", table.name, lambda: scan_pii(table.columns, source=source)),
    )
