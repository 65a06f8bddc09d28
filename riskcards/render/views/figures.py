"""The model card's figures (layer: render), pure, no I/O: charts with their captions.

From the analysis: the reliability diagram, the selection rate per slice of each attribute,
and the drift per feature. From the assessment: one coverage bar per framework. The SVG is
drawn by :mod:`riskcards.render.charts`.
"""

from __future__ import annotations

from riskcards.models.analysis import (
    Analysis,
    AnalysisFailure,
    CalibrationResult,
    DatasetAnalysis,
    SliceReport,
)
from riskcards.models.assessment import Assessment
from riskcards.models.base import fmt_number
from riskcards.render import charts
from riskcards.render.views.common import Chart, direct_counts


def _maybe(value: float | None) -> str:
    return fmt_number(value) if value is not None else "not defined"


def _reliability(c: CalibrationResult) -> Chart:
    bins = [charts.ReliabilityBin(**b.model_dump()) for b in c.equal_width.bins]
    return Chart(
        title="Reliability diagram",
        svg=str(charts.reliability_diagram(bins)),
        caption="Observed positive rate against mean predicted score in "
        f"{len(bins)} equal-width "
        f"bins; recomputed from {c.source.table} ({c.rows} rows). ECE "
        f"{fmt_number(c.equal_width.expected_calibration_error)}.",
    )


def _selection_rates(s: SliceReport) -> list[Chart]:
    found = []
    for a in s.attributes:
        bars = [
            charts.SliceBar(
                label=m.value or "",
                value=m.selection_rate.value,
                low=m.selection_rate.low,
                high=m.selection_rate.high,
                count=m.n,
                note="too small to judge" if m.too_small else None,
            )
            for m in a.slices
        ]
        found.append(
            Chart(
                title=f"Selection rate by {a.attribute}",
                svg=str(
                    charts.slice_bars(
                        bars,
                        metric="selection rate",
                        title=f"Selection rate by {a.attribute}",
                        reference=s.overall.selection_rate.value,
                    )
                ),
                caption="Share of rows predicted positive per "
                f"{a.attribute} value, with "
                f"Wilson 95% intervals; demographic parity difference "
                f"{_maybe(a.demographic_parity_difference)}.",
            )
        )
    return found


def _drift(d: DatasetAnalysis) -> list[Chart]:
    if isinstance(d.drift, AnalysisFailure) or not d.drift.features:
        return []
    drift = [
        charts.DriftBar(feature=f.feature, psi=f.population_stability_index)
        for f in d.drift.features
    ]
    return [
        Chart(
            title="Drift per feature",
            svg=str(charts.drift_bars(drift)),
            caption="Population stability index of each feature, "
            f"{d.drift.current.table} against {d.drift.reference.table} (bins fixed on the "
            "reference); 0.1 and 0.2 are the usual "
            "moderate and significant lines.",
        )
    ]


def analysis_charts(analysis: Analysis) -> tuple[Chart, ...]:
    """Reliability diagram, selection rate per slice, and drift per feature, as inline SVG."""
    found: list[Chart] = []
    for p in analysis.predictions[:1]:
        c = p.calibration
        if c is not None and not isinstance(c, AnalysisFailure):
            found.append(_reliability(c))
        s = p.slices
        if s is not None and not isinstance(s, AnalysisFailure):
            found += _selection_rates(s)
    if analysis.datasets is not None:
        found += _drift(analysis.datasets)
    return tuple(found)


def coverage_charts(assessment: Assessment) -> tuple[Chart, ...]:
    """One stacked bar of control statuses per framework."""
    return tuple(
        Chart(
            title=f"Coverage: {fw.catalogue_title}",
            svg=str(
                charts.coverage_bar(
                    direct_counts(fw), title=f"{fw.catalogue_title}: controls by direct status"
                )
            ),
            caption=f"{len(fw.controls)} controls by status on direct evidence (a status "
            "only a crosswalk suggests counts as not assessed)",
        )
        for fw in assessment.frameworks
    )
