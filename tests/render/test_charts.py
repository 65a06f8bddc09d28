"""Charts (the package as a whole): every chart is well-formed inert SVG with escaped labels
and text alternatives, formats numbers deterministically, and WeasyPrint draws it."""

from __future__ import annotations

import io
import math
import re

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
from tests.render.charts.samples import (
    ATTRIBUTES,
    COUNTS,
    ELEMENTS,
    HOSTILE,
    SVG,
    all_charts,
    parse_svg,
    sample_bins,
    sample_features,
    sample_slices,
    svg_texts,
)


@pytest.mark.parametrize("index", range(4))
def test_charts_are_inert_svg_with_text_alternatives(index: int) -> None:
    chart = all_charts(*HOSTILE)[index]
    assert isinstance(chart, Markup) and str(chart).startswith("<svg ")
    root = parse_svg(chart)
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
    for chart in all_charts(*HOSTILE)[1:3]:
        root = parse_svg(chart)
        label = root.get("aria-label", "")
        for hostile in HOSTILE:
            assert hostile in label  # the parser decoded exactly what we escaped
        shown = svg_texts(root)
        assert "<script>alert(1)</script>" in shown  # short enough to be shown in full
        assert any(t.startswith('"><img src=x onerror') and t.endswith("\u2026") for t in shown)
        tooltips = [el.text for el in root.iter(f"{SVG}title")]
        assert any(t and t.startswith('"><img src=x onerror=alert(1)>:') for t in tooltips)
        assert "&lt;script&gt;" in str(chart) and "<script>" not in str(chart)


def test_text_alternatives_state_the_data() -> None:
    label = parse_svg(slice_bars(sample_slices(), metric="accuracy", reference=0.81)).get(
        "aria-label", ""
    )
    assert "female: 0.800 [0.760, 0.840] n=640" in label
    assert "male: 0.820 [0.790, 0.850] n=1,234" in label
    assert "unknown: n/a n=0 (no rows)" in label and "overall: 0.810" in label
    label = parse_svg(drift_bars(sample_features())).get("aria-label", "")
    assert "income: 0.030 (stable)" in label and "age: 0.140 (moderate)" in label
    assert "region: 0.410 (significant)" in label and "1 at or above 0.2" in label
    label = parse_svg(reliability_diagram(sample_bins())).get("aria-label", "")
    assert "9 of 10 score bins hold rows (2,500 rows)" in label
    assert "scores 0.00 to 0.10: mean predicted 0.050, observed 0.030, 50 rows" in label
    label = parse_svg(coverage_bar(COUNTS)).get("aria-label", "")
    assert "72 controls by status" in label
    assert "Met: 20 (28%)" in label and "Not assessed: 25 (35%)" in label
    assert "Not applicable: 3 (4%)" in label


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
    label = parse_svg(charts[0]).get("aria-label", "")
    assert "tiny: 0.000 [0.000, 0.000]" in label and "neg: 0.000" in label
    assert "nan: NaN" in label and "inf: inf n=10,000,000" in label
    assert all_charts("a") == all_charts("a")
    assert (
        fmt_value(-0.0001) == "0.000" and fmt_value(None) == "n/a" and fmt_value(0.25, 1) == "0.2"
    )


def test_empty_inputs_say_so() -> None:
    assert "No calibration data" in reliability_diagram([ReliabilityBin(0, 1, 0, None, None)])
    assert "No slices" in slice_bars([])
    assert "No features" in drift_bars([])
    assert "No controls assessed" in parse_svg(coverage_bar({})).get("aria-label", "")


@pytest.mark.integration
def test_weasyprint_draws_every_chart_without_warnings() -> None:
    from pypdf import PdfReader

    from riskcards.render.pdf import PdfJob, render_pdf

    body = "".join(f"<figure>{chart}</figure>" for chart in all_charts(*HOSTILE))
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
