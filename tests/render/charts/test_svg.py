"""SVG primitives: coordinates and values with fixed precision, escaping, round axes."""

from __future__ import annotations

import math

import pytest

from riskcards.render.charts.svg import (
    MAX_LABEL,
    UNIT,
    Axis,
    coord,
    el,
    empty,
    fmt_count,
    fmt_value,
    nice_ceiling,
    shorten,
    text,
    titled,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (-0.001, "0"),
        (1.5, "1.5"),
        (2.0, "2"),
        (1 / 3, "0.33"),
        (1e-9, "0"),
    ],
)
def test_coordinates_have_two_decimals_at_most_and_no_negative_zero(
    value: float, shown: str
) -> None:
    assert coord(value) == shown


def test_values_spell_out_what_is_not_a_number() -> None:
    assert fmt_value(math.nan) == "NaN" and fmt_value(-math.inf) == "-inf"
    assert fmt_value(1 / 3) == "0.333" and fmt_value(1 / 3, 1) == "0.3"
    assert fmt_count(1234567) == "1,234,567"


def test_long_labels_are_shortened_with_an_ellipsis() -> None:
    assert shorten("a" * MAX_LABEL) == "a" * MAX_LABEL
    cut = shorten("b" * (MAX_LABEL + 5))
    assert len(cut) == MAX_LABEL and cut.endswith("\u2026")


def test_elements_and_text_are_escaped() -> None:
    assert el("rect", x=1.0, fill_opacity=0.5, stroke=None) == '<rect x="1" fill-opacity="0.5"/>'
    assert '"&lt;b&gt;"' not in text(0, 0, "<b>") and "&lt;b&gt;</text>" in text(0, 0, "<b>")
    assert titled("a & b", "<x/>") == "<g><title>a &amp; b</title><x/></g>"
    assert 'aria-label="T. nothing"' in str(empty("T", "nothing"))


def test_axes_have_round_ticks() -> None:
    assert [nice_ceiling(v) for v in (0.0, 0.07, 0.3, 4.0, 7.0)] == [1.0, 0.1, 0.5, 5.0, 10.0]
    axis = Axis.covering(-0.7, 3.2)
    assert (axis.lo, axis.hi, axis.step, axis.digits) == (-1.0, 4.0, 1.0, 0)
    assert [round(t, 9) for t in UNIT.ticks] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert UNIT.digits == 1 and Axis(0.0, 1.0, 0.25).digits == 2
