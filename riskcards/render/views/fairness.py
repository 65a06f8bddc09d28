"""Fairness results named (layer: render): the attribute and the worst pair of slices.

A fairness number alone ("0.4892") does not say who is treated differently. For each
spread measure, :func:`worst_pair` names the attribute with the largest spread and the two
judged slices at its ends, with their rates and sizes, e.g.
``age_band: 60+ 0.62 (n=210) vs 18-25 0.13 (n=190)``. Pure: read from the analysis.
"""

from __future__ import annotations

from riskcards.models.analysis import Analysis, AnalysisFailure, AttributeSlices, SliceMetrics
from riskcards.models.base import fmt_number

# measure name (as in checks and slice reports) -> the slice rates whose spread it is
_RATES = {
    "demographic_parity_difference": ("selection_rate",),
    "equalized_odds_difference": ("true_positive_rate", "false_positive_rate"),
}


def _spread(a: AttributeSlices, rate: str) -> tuple[float, SliceMetrics, SliceMetrics] | None:
    judged = [s for s in a.slices if not s.too_small and getattr(s, rate).value is not None]
    if len(judged) < 2:
        return None
    hi = max(judged, key=lambda s: (getattr(s, rate).value, str(s.value)))
    lo = min(judged, key=lambda s: (getattr(s, rate).value, str(s.value)))
    return getattr(hi, rate).value - getattr(lo, rate).value, hi, lo


def worst_pair(analysis: Analysis | None, measure: str) -> str | None:
    """The attribute and pair of slices behind a fairness measure's largest spread."""
    rates = _RATES.get(measure)
    if analysis is None or rates is None:
        return None
    best: tuple[float, str] | None = None
    for p in analysis.predictions:
        if p.slices is None or isinstance(p.slices, AnalysisFailure):
            continue
        for a in p.slices.attributes:
            for rate in rates:
                found = _spread(a, rate)
                if found is None:
                    continue
                gap, hi, lo = found
                label = rate.replace("_", " ")
                text = (
                    f"{a.attribute}: {label} {hi.value} {fmt_number(getattr(hi, rate).value)} "
                    f"(n={hi.n}) vs {lo.value} {fmt_number(getattr(lo, rate).value)} (n={lo.n})"
                )
                if best is None or gap > best[0]:
                    best = (gap, text)
    return best[1] if best else None
