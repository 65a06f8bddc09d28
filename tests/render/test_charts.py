"""Charts: well-formed inert SVG, escaped labels, text alternatives, determinism, WeasyPrint."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from riskcards.render.charts import (
    DriftBar,
    ReliabilityBin,
    SliceBar,
    coverage_bar,
    drift_bars,
    fmt_value,
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


def _bins() -> list[ReliabilityBin]:
    bins = [
        ReliabilityBin(i / 10, (i + 1) / 10, 50 * (i + 1), i / 10 + 0.05, min(1.0, i / 10 + 0.03))
        for i in range(10)
    ]
    bins[4] = ReliabilityBin(0.4, 0.5, 0, None, None)  # an empty bin has no point
    return bins


def _slices(*labels: str) -> list[SliceBar]:
    rows = [
        SliceBar("female", 0.8, 0.76, 0.84, 640),
        SliceBar("male", 0.82, 0.79, 0.85, 1234),
        SliceBar("unknown", None, count=0, note="no rows"),
    ]
    return rows + [SliceBar(label, 0.5, 0.4, 0.6, 3, "too small") for label in labels]


def _features(*names: str) -> list[DriftBar]:
    return [DriftBar("income", 0.03), DriftBar("age", 0.14), DriftBar("region", 0.41)] + [
        DriftBar(name, 0.2) for name in names
    ]


COUNTS = {"met": 20, "partial": 10, "gap": 12, "waived": 2, "not_applicable": 3, "not_assessed": 25}


def _all_charts(*labels: str) -> list[Markup]:
    return [
        reliability_diagram(_bins()),
        slice_bars(_slices(*labels), metric="accuracy", reference=0.81),
        drift_bars(_features(*labels)),
        coverage_bar(COUNTS),
    ]


def _parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))  # also proves the output is well-formed XML


def _texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("index", range(4))
def test_charts_are_inert_svg_with_text_alternatives(index: int) -> None:
    chart = _all_charts(*HOSTILE)[index]
    assert isinstance(chart, Markup) and str(chart).startswith("<svg ")
    root = _parse(chart)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") and len(root.get("aria-label", "")) > 40
    assert root[0].tag == f"{SVG}title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and root[1].text
    for el in root.iter():
        assert el.tag.removeprefix(SVG) in ELEMENTS, el.tag
        assert set(el.attrib) <= ATTRIBUTES, el.attrib
        for name, value in el.attrib.items():
            # only the text alternative carries data; every other value is ours: no url(...)
            if name not in {"aria-label", "xmlns"}:
                assert re.fullmatch(r"[\w#., ()-]*", value) and "url(" not in value, (name, value)
    assert root.get("xmlns") is None  # ElementTree turned it into the namespace above
    assert "<script" not in str(chart) and "<img" not in str(chart)


def test_hostile_labels_are_escaped_and_kept_whole_in_the_alternatives() -> None:
    for chart in _all_charts(*HOSTILE)[1:3]:
        root = _parse(chart)
        label = root.get("aria-label", "")
        for hostile in HOSTILE:
            assert hostile in label  # the parser decoded exactly what we escaped
        shown = _texts(root)
        assert "<script>alert(1)</script>" in shown  # short enough to be shown in full
        assert any(t.startswith('"><img src=x onerror') and t.endswith("\u2026") for t in shown)
        tooltips = [el.text for el in root.iter(f"{SVG}title")]
        assert any(t and t.startswith('"><img src=x onerror=alert(1)>:') for t in tooltips)
        assert "&lt;script&gt;" in str(chart) and "<script>" not in str(chart)


def test_text_alternatives_state_the_data() -> None:
    label = _parse(slice_bars(_slices(), metric="accuracy", reference=0.81)).get("aria-label", "")
    assert "female: 0.800 [0.760, 0.840] n=640" in label
    assert "male: 0.820 [0.790, 0.850] n=1,234" in label
    assert "unknown: n/a n=0 (no rows)" in label and "overall: 0.810" in label
    label = _parse(drift_bars(_features())).get("aria-label", "")
    assert "income: 0.030 (stable)" in label and "age: 0.140 (moderate)" in label
    assert "region: 0.410 (significant)" in label and "1 at or above 0.2" in label
    label = _parse(reliability_diagram(_bins())).get("aria-label", "")
    assert "9 of 10 score bins hold rows (2,500 rows)" in label
    assert "scores 0.00 to 0.10: mean predicted 0.050, observed 0.030, 50 rows" in label
    label = _parse(coverage_bar(COUNTS)).get("aria-label", "")
    assert "72 controls by status" in label
    assert "Met: 20 (28%)" in label and "Not assessed: 25 (35%)" in label
    assert "Not applicable: 3 (4%)" in label


def test_reliability_diagram_draws_points_diagonal_and_counts() -> None:
    root = _parse(reliability_diagram(_bins()))
    assert len(list(root.iter(f"{SVG}circle"))) == 9
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    dashed = [el for el in root.iter(f"{SVG}line") if el.get("stroke-dasharray")]
    assert dashed  # the diagonal (and the legend sample)
    assert "500" in _texts(root)  # the largest bin's count labels the count axis


def test_drift_guides_at_0_1_and_0_2() -> None:
    texts = _texts(_parse(drift_bars(_features())))
    assert "0.1 moderate" in texts and "0.2 significant" in texts


def test_numbers_are_formatted_deterministically() -> None:
    odd = [
        SliceBar("tiny", 1e-12, 0.0, 3e-12),
        SliceBar("neg", -0.0),
        SliceBar("nan", math.nan),
        SliceBar("inf", math.inf, count=10**7),
    ]
    charts = [
        slice_bars(odd),
        drift_bars([DriftBar("x", 1e-9), DriftBar("y", math.inf), DriftBar("z", math.nan)]),
        reliability_diagram([ReliabilityBin(0.0, 1.0, 3, 1 / 3, 2 / 3)]),
    ]
    for chart in charts:
        assert chart == type(chart)(str(chart))
        numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', str(chart))
        assert numbers and all(re.fullmatch(r"-?\d+(\.\d{1,2})?", n) for n in numbers), numbers
        for points in re.findall(r' points="([^"]*)"', str(chart)):
            assert re.fullmatch(r"(-?\d+(\.\d{1,2})?[ ,]?)+", points), points
    label = _parse(charts[0]).get("aria-label", "")
    assert "tiny: 0.000 [0.000, 0.000]" in label and "neg: 0.000" in label
    assert "nan: NaN" in label and "inf: inf n=10,000,000" in label
    assert _all_charts("a") == _all_charts("a")
    assert (
        fmt_value(-0.0001) == "0.000" and fmt_value(None) == "n/a" and fmt_value(0.25, 1) == "0.2"
    )


def test_empty_inputs_say_so() -> None:
    assert "No calibration data" in reliability_diagram([ReliabilityBin(0, 1, 0, None, None)])
    assert "No slices" in slice_bars([])
    assert "No features" in drift_bars([])
    assert "No controls assessed" in _parse(coverage_bar({})).get("aria-label", "")


def test_slice_axis_widens_beyond_the_unit_interval() -> None:
    texts = _texts(_parse(slice_bars([SliceBar("a", 3.2), SliceBar("b", -0.7)], metric="loss")))
    assert "4" in texts and "-1" in texts
    texts = _texts(_parse(slice_bars([SliceBar("a", 2e-9), SliceBar("b", -1e-9)])))
    assert "0.000000" in texts  # a tiny span still gets an axis, with at most six decimals


def test_coverage_rejects_unknown_statuses() -> None:
    with pytest.raises(ValueError, match="unknown control status 'passed'"):
        coverage_bar({"passed": 1})


@pytest.mark.integration
def test_weasyprint_draws_every_chart_without_warnings() -> None:
    from pypdf import PdfReader

    from riskcards.render.pdf import PdfJob, render_pdf

    body = "".join(f"<figure>{chart}</figure>" for chart in _all_charts(*HOSTILE))
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Charts</title>'
        f"<style>figure {{ margin: 0 0 1rem; }} svg {{ max-width: 100%; height: auto; }}</style>"
        f"</head><body>{body}</body></html>"
    )
    result = render_pdf(PdfJob(html=html))
    assert result.log == () and result.refused == ()
    reader = PdfReader(io.BytesIO(result.content))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for expected in (
        "Meanpredictedprobability",
        "female",
        "0.800[0.760,0.840]n=640",
        "<script>alert(1)</script>",
        "0.2significant",
        "region",
        "Met:20(28%)",
    ):
        assert expected in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+riskcards-Sans(-Bold)?", f) for f in fonts)
