"""The kernels of the analyse stage: measurements from logged tables, in vectorised numpy.

Layer: analyse. It imports numpy, pydantic, the standard library, ``riskcards.errors`` and
``riskcards.models`` (pyarrow, lazily, only to read parquet) and does no I/O: arrays (or the
bytes of a logged table) in, frozen results out.

One entry point per measurement, each taking arrays plus parameters and returning a result
that records its source, columns, rows used and parameters:

====================================  =============================================
:func:`measure_calibration`           ECE and MCE (equal-width and equal-mass bins),
                                      Brier score, reliability-diagram bins
:func:`measure_slices`                per-slice n, accuracy, TPR, FPR, selection rate
                                      (Wilson 95%), worst-slice gap, parity and odds
:func:`measure_robustness`            clean vs perturbed accuracy, attack success rate
:func:`measure_drift`                 PSI and KS (numeric), Jensen-Shannon (categorical)
:func:`measure_class_balance`         rows per class, imbalance ratio
:func:`measure_missingness`           missing values per column
:func:`measure_duplicates`            duplicate rows (64-bit row hash)
:func:`measure_leakage`               evaluation rows also in the training data
:func:`scan_pii`                      rows with personal data per column (no values)
====================================  =============================================

Table-level: :func:`parse_table` reads a logged table's bytes (MLflow ``log_table`` JSON,
CSV, parquet); :func:`analyse_predictions` and :func:`analyse_datasets` run every
measurement a table allows and record bad evidence as :class:`AnalysisFailure` instead of
raising, so the rest of the report still renders. Bad input to a single measurement raises
:class:`AnalyticsInputError`, which names the table and the column.
"""

from __future__ import annotations

from riskcards.analyse.calibration import measure_calibration
from riskcards.analyse.drift import measure_drift
from riskcards.analyse.inputs import AnalyticsInputError, ColumnRoles
from riskcards.analyse.pii import scan_pii
from riskcards.analyse.quality import (
    measure_class_balance,
    measure_duplicates,
    measure_leakage,
    measure_missingness,
)
from riskcards.analyse.robustness import measure_robustness, predictions_from_scores
from riskcards.analyse.slices import measure_slices
from riskcards.analyse.suites import analyse_datasets, analyse_predictions, table_quality
from riskcards.analyse.tables import Table, parse_table
from riskcards.models.analysis import (
    AnalysisFailure,
    AttributeSlices,
    CalibrationCurve,
    CalibrationResult,
    CategoricalDrift,
    ClassBalance,
    DatasetAnalysis,
    DriftReport,
    Duplicates,
    Leakage,
    Missingness,
    NumericDrift,
    PIIFinding,
    PIIScan,
    PredictionAnalysis,
    Rate,
    ReliabilityBin,
    RobustnessResult,
    SliceMetrics,
    SliceReport,
    Source,
    TableQuality,
)

__all__ = [
    "AnalysisFailure",
    "AnalyticsInputError",
    "AttributeSlices",
    "CalibrationCurve",
    "CalibrationResult",
    "CategoricalDrift",
    "ClassBalance",
    "ColumnRoles",
    "DatasetAnalysis",
    "DriftReport",
    "Duplicates",
    "Leakage",
    "Missingness",
    "NumericDrift",
    "PIIFinding",
    "PIIScan",
    "PredictionAnalysis",
    "Rate",
    "ReliabilityBin",
    "RobustnessResult",
    "SliceMetrics",
    "SliceReport",
    "Source",
    "Table",
    "TableQuality",
    "analyse_datasets",
    "analyse_predictions",
    "measure_calibration",
    "measure_class_balance",
    "measure_drift",
    "measure_duplicates",
    "measure_leakage",
    "measure_missingness",
    "measure_robustness",
    "measure_slices",
    "parse_table",
    "predictions_from_scores",
    "scan_pii",
    "table_quality",
]
