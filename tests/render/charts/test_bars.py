"""Bar charts: the drift guides, and a slice axis that widens beyond [0, 1]."""

from __future__ import annotations

from riskcards.render.charts.bars import SliceBar, drift_bars, slice_bars
from tests.render.charts.samples import parse_svg, sample_features, svg_texts


def test_drift_guides_at_0_1_and_0_2() -> None:
    texts = svg_texts(parse_svg(drift_bars(sample_features())))
    assert "0.1 moderate" in texts and "0.2 significant" in texts


def test_slice_axis_widens_beyond_the_unit_interval() -> None:
    texts = svg_texts(
        parse_svg(slice_bars([SliceBar("a", 3.2), SliceBar("b", -0.7)], metric="loss"))
    )
    assert "4" in texts and "-1" in texts
    texts = svg_texts(parse_svg(slice_bars([SliceBar("a", 2e-9), SliceBar("b", -1e-9)])))
    assert "0.000000" in texts  # a tiny span still gets an axis, with at most six decimals
