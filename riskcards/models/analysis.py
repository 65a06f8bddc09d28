"""What the analyse stage measures, as frozen models (layer: models).

Every result names its source (the logged table and, when riskcards read it from bytes, the
sha256 of those bytes), the columns it read by role, the number of rows used and the
parameters of the measurement, so an auditor can recompute it. Undefined quantities (a true
positive rate of a slice without positives) are ``None``, never NaN. Results hold counts and
shares only; the PII scan in particular never holds a matched value.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt

from riskcards.models.assessment import Measure
from riskcards.models.base import Frozen

Share = Annotated[float, Field(ge=0.0, le=1.0)]


class Source(Frozen):
    """Where the rows came from: a logged table (artifact path) and the sha256 of its bytes."""

    table: str = "<arrays>"
    sha256: str | None = None


class Rate(Frozen):
    """A proportion ``successes / trials`` with its Wilson 95% confidence interval."""

    value: Share | None = Field(description="None when there are no trials")
    low: Share | None = None
    high: Share | None = None
    successes: NonNegativeInt
    trials: NonNegativeInt


class AnalysisFailure(Frozen):
    """A measurement that could not be made from the evidence, and why (in plain words)."""

    kind: Literal["failure"] = "failure"
    measurement: str
    table: str
    column: str | None = None
    message: str


# --- calibration ----------------------------------------------------------------------------


class ReliabilityBin(Frozen):
    """One bar of a reliability diagram: scores in ``(lower, upper]`` (the first bin includes
    ``lower``)."""

    lower: float
    upper: float
    count: NonNegativeInt
    mean_score: Share | None = Field(description="None for an empty bin")
    observed_rate: Share | None = Field(description="share of positive labels; None if empty")


class CalibrationCurve(Frozen):
    """Calibration under one binning: the expected and maximum calibration error and the bins.

    ECE = sum over bins of (count / rows) * |observed_rate - mean_score|; MCE is the largest
    such gap over non-empty bins. Equal-mass bins whose edges coincide (tied scores) are merged.
    """

    binning: Literal["equal_width", "equal_mass"]
    expected_calibration_error: Share
    maximum_calibration_error: Share
    bins: tuple[ReliabilityBin, ...]


class CalibrationParameters(Frozen):
    n_bins: int


class CalibrationResult(Frozen):
    kind: Literal["calibration"] = "calibration"
    source: Source
    columns: dict[str, str]
    rows: NonNegativeInt
    parameters: CalibrationParameters
    brier_score: Share
    equal_width: CalibrationCurve
    equal_mass: CalibrationCurve


# --- slices ---------------------------------------------------------------------------------


class SliceMetrics(Frozen):
    """One slice (rows sharing one value of one attribute), or all rows when ``value`` is None."""

    value: str | None
    n: NonNegativeInt
    too_small: bool = Field(description="under min_slice_size: reported, but not judged")
    accuracy: Rate
    true_positive_rate: Rate
    false_positive_rate: Rate
    selection_rate: Rate


class AttributeSlices(Frozen):
    """The slices of one attribute and the gaps between those large enough to judge.

    - worst_slice_gap: overall accuracy minus the lowest accuracy of a judged slice;
    - demographic_parity_difference: largest minus smallest selection rate;
    - equalized_odds_difference: the larger of the TPR spread and the FPR spread
      (fairlearn's definition), over slices where the rate is defined.
    Each is None when too few slices can be judged (one for the gap, two for the spreads).
    """

    attribute: str
    slices: tuple[SliceMetrics, ...]
    judged: NonNegativeInt
    worst_slice: str | None
    worst_slice_gap: float | None
    demographic_parity_difference: float | None
    equalized_odds_difference: float | None


class SliceParameters(Frozen):
    min_slice_size: int
    confidence: float = 0.95


class SliceReport(Frozen):
    kind: Literal["slices"] = "slices"
    source: Source
    columns: dict[str, str]
    rows: NonNegativeInt
    parameters: SliceParameters
    overall: SliceMetrics
    attributes: tuple[AttributeSlices, ...]
    worst_slice_gap: float | None = Field(
        description="the largest worst-slice gap of any attribute"
    )


# --- robustness -----------------------------------------------------------------------------


class RobustnessResult(Frozen):
    """Accuracy on clean versus perturbed (or adversarial) inputs.

    attack_success_rate: the share of rows classified correctly on clean input whose
    perturbed prediction is wrong. degradation: clean minus perturbed accuracy; relative
    degradation divides it by the clean accuracy.
    """

    kind: Literal["robustness"] = "robustness"
    source: Source
    columns: dict[str, str]
    rows: NonNegativeInt
    clean_accuracy: Rate
    perturbed_accuracy: Rate
    attack_success_rate: Rate
    flip_rate: Rate
    degradation: float
    relative_degradation: float | None


# --- drift ----------------------------------------------------------------------------------


class DriftBin(Frozen):
    """One PSI bin of a numeric feature: values in ``(lower, upper]``; None is unbounded."""

    lower: float | None
    upper: float | None
    reference_share: Share
    current_share: Share


class CategoryShare(Frozen):
    value: str
    reference_share: Share
    current_share: Share


class NumericDrift(Frozen):
    """PSI over bins fixed on reference quantiles, and the two-sample KS statistic.

    The KS statistic is certified, not always exact: the true value lies in
    ``[ks_statistic, ks_statistic + ks_error]``, ``ks_error`` never above the report's
    ``ks_tolerance`` and 0 when every decisive value was counted."""

    kind: Literal["numeric"] = "numeric"
    feature: str
    population_stability_index: Annotated[float, Field(ge=0.0)]
    ks_statistic: Share
    ks_error: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    bins: tuple[DriftBin, ...]


class CategoricalDrift(Frozen):
    """Jensen-Shannon distance (base 2, in [0, 1]) and PSI over the categories."""

    kind: Literal["categorical"] = "categorical"
    feature: str
    population_stability_index: Annotated[float, Field(ge=0.0)]
    jensen_shannon_distance: Share
    categories: tuple[CategoryShare, ...]
    new_categories: tuple[str, ...] = Field(description="seen in current data only")


class DriftParameters(Frozen):
    """PSI bins and smoothing. Empty PSI bins count as ``epsilon`` (a share) so the log stays
    finite; shares are not renormalised afterwards."""

    n_bins: int
    epsilon: float
    quantile_method: Literal["linear"] = "linear"
    ks_tolerance: float = Field(
        default=0.0, description="the largest error of a KS statistic read off the histogram"
    )


class DriftReport(Frozen):
    kind: Literal["drift"] = "drift"
    reference: Source
    current: Source
    reference_rows: NonNegativeInt
    current_rows: NonNegativeInt
    parameters: DriftParameters
    features: tuple[Annotated[NumericDrift | CategoricalDrift, Field(discriminator="kind")], ...]


# --- data quality ---------------------------------------------------------------------------


class ClassBalance(Frozen):
    """Rows per class and the imbalance ratio: largest class over smallest (inf if one class)."""

    kind: Literal["class_balance"] = "class_balance"
    source: Source
    column: str
    rows: NonNegativeInt
    counts: dict[str, NonNegativeInt]
    imbalance_ratio: float


class ColumnMissing(Frozen):
    column: str
    missing: NonNegativeInt
    share: Share


class Missingness(Frozen):
    """Missing values per column: None, NaN or NaT (and empty CSV fields, see tables)."""

    kind: Literal["missingness"] = "missingness"
    source: Source
    rows: NonNegativeInt
    columns: tuple[ColumnMissing, ...]


class Duplicates(Frozen):
    """Rows equal to an earlier row over ``columns`` (compared by 64-bit row hash)."""

    kind: Literal["duplicates"] = "duplicates"
    source: Source
    rows: NonNegativeInt
    columns: tuple[str, ...]
    duplicate_rows: NonNegativeInt
    share: Share


class Leakage(Frozen):
    """Rows of the current (evaluation) table that also occur in the reference (training)
    table over ``columns``, by 64-bit row hash."""

    kind: Literal["leakage"] = "leakage"
    reference: Source
    current: Source
    reference_rows: NonNegativeInt
    current_rows: NonNegativeInt
    columns: tuple[str, ...]
    leaked_rows: NonNegativeInt
    share: Share


PIICategory = Literal["email", "phone", "card_number", "national_id", "ip_address"]


class PIIFinding(Frozen):
    """How many rows of one column hold at least one match of one category. No values."""

    column: str
    category: PIICategory
    rows: NonNegativeInt
    share: Share


class PIIScan(Frozen):
    kind: Literal["pii_scan"] = "pii_scan"
    source: Source
    rows: NonNegativeInt
    columns_scanned: tuple[str, ...]
    findings: tuple[PIIFinding, ...]


# --- table-level analyses -------------------------------------------------------------------


class PredictionAnalysis(Frozen):
    """Everything measured from one logged evaluation table. None: not logged (no column for
    it, or no attributes declared); a failure: logged but unusable, with the reason."""

    kind: Literal["prediction_analysis"] = "prediction_analysis"
    source: Source
    calibration: CalibrationResult | AnalysisFailure | None
    slices: SliceReport | AnalysisFailure | None
    robustness: RobustnessResult | AnalysisFailure | None


class TableQuality(Frozen):
    source: Source
    class_balance: ClassBalance | AnalysisFailure | None
    missingness: Missingness | AnalysisFailure
    duplicates: Duplicates | AnalysisFailure
    pii: PIIScan | AnalysisFailure


class DatasetAnalysis(Frozen):
    """Drift and leakage between a reference (training) and a current (evaluation) table,
    and the data quality of each."""

    kind: Literal["dataset_analysis"] = "dataset_analysis"
    drift: DriftReport | AnalysisFailure
    leakage: Leakage | AnalysisFailure
    reference: TableQuality
    current: TableQuality


class Analysis(Frozen):
    """Everything the analyse stage recomputed from the evidence's tables."""

    predictions: tuple[PredictionAnalysis, ...] = ()
    datasets: DatasetAnalysis | None = None
    measures: dict[str, Measure] = Field(default_factory=dict)
    failures: tuple[AnalysisFailure, ...] = ()
