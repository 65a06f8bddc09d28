"""The model card's figures: none without an analysis, a coverage bar per framework."""

from __future__ import annotations

from riskcards.load.catalogues import Loaded
from riskcards.models.analysis import Analysis
from riskcards.render.views.figures import analysis_charts, coverage_charts
from tests.render.conftest import assessed


def test_an_empty_analysis_draws_nothing() -> None:
    assert analysis_charts(Analysis()) == ()


def test_one_coverage_bar_per_framework(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    charts = coverage_charts(a)
    assert [c.title for c in charts] == [f"Coverage: {f.catalogue_title}" for f in a.frameworks]
    assert all(
        c.svg.startswith("<svg ") and "by status on direct evidence" in c.caption for c in charts
    )
