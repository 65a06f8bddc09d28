"""The reliability diagram: a point per filled bin, the diagonal, the rows per bin."""

from __future__ import annotations

from riskcards.render.charts.reliability import reliability_diagram
from tests.render.charts.samples import SVG, parse_svg, sample_bins, svg_texts


def test_reliability_diagram_draws_points_diagonal_and_counts() -> None:
    root = parse_svg(reliability_diagram(sample_bins()))
    assert len(list(root.iter(f"{SVG}circle"))) == 9
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    dashed = [el for el in root.iter(f"{SVG}line") if el.get("stroke-dasharray")]
    assert dashed  # the diagonal (and the legend sample)
    assert "500" in svg_texts(root)  # the largest bin's count labels the count axis
