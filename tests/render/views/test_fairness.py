"""A fairness result named: the attribute and the worst pair of slices, rates and sizes."""

from __future__ import annotations

from riskcards.models.analysis import (
    Analysis,
    AttributeSlices,
    PredictionAnalysis,
    Rate,
    SliceMetrics,
    SliceParameters,
    SliceReport,
    Source,
)
from riskcards.render.views.fairness import worst_pair


def _rate(k: int, n: int) -> Rate:
    return Rate(value=k / n, successes=k, trials=n)


def _slice(value: str, selected: int, n: int, *, too_small: bool = False) -> SliceMetrics:
    return SliceMetrics(
        value=value,
        n=n,
        too_small=too_small,
        accuracy=_rate(n // 2, n),
        true_positive_rate=_rate(selected // 2, max(n // 2, 1)),
        false_positive_rate=_rate(1, n),
        selection_rate=_rate(selected, n),
    )


def _analysis() -> Analysis:
    def attribute(name: str, *slices: SliceMetrics) -> AttributeSlices:
        return AttributeSlices(
            attribute=name,
            slices=slices,
            judged=len(slices),
            worst_slice=None,
            worst_slice_gap=None,
            demographic_parity_difference=None,
            equalized_odds_difference=None,
        )

    report = SliceReport(
        source=Source(table="eval/predictions.json"),
        columns={},
        rows=1000,
        parameters=SliceParameters(min_slice_size=30),
        overall=_slice("all", 300, 1000),
        attributes=(
            attribute("sex", _slice("female", 200, 500), _slice("male", 100, 500)),
            attribute(
                "age_band",
                _slice("18-29", 150, 250),
                _slice("60-plus", 25, 250),
                _slice("90-plus", 9, 10, too_small=True),  # not judged: under 30 rows
            ),
        ),
        worst_slice_gap=None,
    )
    pa = PredictionAnalysis(source=report.source, calibration=None, slices=report, robustness=None)
    return Analysis(predictions=(pa,))


def test_the_worst_pair_is_named_with_rates_and_sizes() -> None:
    text = worst_pair(_analysis(), "demographic_parity_difference")
    assert text == "age_band: selection rate 18-29 0.6 (n=250) vs 60-plus 0.1 (n=250)"
    assert worst_pair(None, "demographic_parity_difference") is None
    assert worst_pair(_analysis(), "roc_auc") is None
    eo = worst_pair(_analysis(), "equalized_odds_difference")
    assert eo is not None and eo.startswith("age_band: true positive rate 18-29")
