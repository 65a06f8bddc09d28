"""Sample chart inputs and SVG readers shared by the chart tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from riskcards.render.charts import (
    DriftBar,
    ReliabilityBin,
    SliceBar,
    coverage_bar,
    drift_bars,
    reliability_diagram,
    slice_bars,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "url(http://127.0.0.1:9/x)",
    "a & b ' c",
)
# everything a chart may contain: shapes and text, nothing that links, loads or runs
ELEMENTS = {"svg", "g", "title", "desc", "rect", "line", "polyline", "circle", "text"}
ATTRIBUTES = {
    "xmlns",
    "class",
    "width",
    "height",
    "viewBox",
    "role",
    "aria-label",
    "font-family",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "points",
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "font-size",
    "font-weight",
    "text-anchor",
    "transform",
}


def sample_bins() -> list[ReliabilityBin]:
    bins = [
        ReliabilityBin(i / 10, (i + 1) / 10, 50 * (i + 1), i / 10 + 0.05, min(1.0, i / 10 + 0.03))
        for i in range(10)
    ]
    bins[4] = ReliabilityBin(0.4, 0.5, 0, None, None)  # an empty bin has no point
    return bins


def sample_slices(*labels: str) -> list[SliceBar]:
    rows = [
        SliceBar("female", 0.8, 0.76, 0.84, 640),
        SliceBar("male", 0.82, 0.79, 0.85, 1234),
        SliceBar("unknown", None, count=0, note="no rows"),
    ]
    return rows + [SliceBar(label, 0.5, 0.4, 0.6, 3, "too small") for label in labels]


def sample_features(*names: str) -> list[DriftBar]:
    return [DriftBar("income", 0.03), DriftBar("age", 0.14), DriftBar("region", 0.41)] + [
        DriftBar(name, 0.2) for name in names
    ]


COUNTS = {"met": 20, "partial": 10, "gap": 12, "waived": 2, "not_applicable": 3, "not_assessed": 25}


def all_charts(*labels: str) -> list[Markup]:
    return [
        reliability_diagram(sample_bins()),
        slice_bars(sample_slices(*labels), metric="accuracy", reference=0.81),
        drift_bars(sample_features(*labels)),
        coverage_bar(COUNTS),
    ]


def parse_svg(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))  # also proves the output is well-formed XML


def svg_texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]
