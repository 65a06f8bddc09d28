"""Horizontal bar charts: a metric per slice, and drift per feature (layer: render).

- :func:`slice_bars` - one metric per slice, with optional confidence intervals and a
  reference line (e.g. the metric over all rows);
- :func:`drift_bars` - population stability index per feature, with the 0.1 and 0.2 guides,
  and the band ("stable", "moderate", "significant") written beside each value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from riskcards.render.charts.svg import (
    ACCENT,
    GAP,
    INK,
    MET,
    MUTED,
    NEUTRAL,
    PARTIAL,
    UNIT,
    Axis,
    el,
    empty,
    fmt_count,
    fmt_value,
    grid,
    is_finite,
    scale,
    shorten,
    svg,
    text,
    titled,
)


@dataclass(frozen=True)
class SliceBar:
    """One slice's value of a metric (None when undefined), its interval and its size."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    count: int | None = None
    note: str | None = None  # e.g. "too small to judge"


@dataclass(frozen=True)
class DriftBar:
    feature: str
    psi: float


@dataclass(frozen=True)
class _Layout:
    """A label column, then the plot, then the values; one row per bar."""

    rows: int
    label_w: float = 190.0
    plot_w: float = 300.0
    top: float = 28.0
    row: float = 22.0

    @property
    def left(self) -> float:
        return self.label_w + 8

    @property
    def bottom(self) -> float:
        return self.top + self.rows * self.row

    @property
    def width(self) -> float:
        return self.left + self.plot_w + 150

    @property
    def height(self) -> float:
        return self.bottom + 26

    def middle(self, i: int) -> float:
        """The vertical centre of row ``i``."""
        return self.top + i * self.row + self.row / 2


# --- slices ----------------------------------------------------------------------------------


def _shown(r: SliceBar) -> str:
    """A slice's value as written beside its bar: value, interval, size and note."""
    shown = fmt_value(r.value)
    if is_finite(r.low) and is_finite(r.high):
        shown += f" [{fmt_value(r.low)}, {fmt_value(r.high)}]"
    if r.count is not None:
        shown += f" n={fmt_count(r.count)}"
    if r.note:
        shown += f" ({r.note})"
    return shown


def _slice_row(r: SliceBar, cy: float, x: Callable[[float], float], lay: _Layout) -> str:
    shown = _shown(r)
    parts = [text(lay.label_w, cy + 4, shorten(r.label), anchor="end")]
    if is_finite(r.value):
        x0, x1 = sorted((x(0), x(r.value)))
        parts.append(
            el(
                "rect",
                x=x0,
                y=cy - 6,
                width=x1 - x0,
                height=12,
                fill=NEUTRAL if r.note else ACCENT,
                fill_opacity=0.45 if r.note else 0.85,
            )
        )
    if is_finite(r.low) and is_finite(r.high):
        xl, xh = x(r.low), x(r.high)
        parts += [
            el("line", x1=xl, y1=cy, x2=xh, y2=cy, stroke=INK),
            el("line", x1=xl, y1=cy - 4, x2=xl, y2=cy + 4, stroke=INK),
            el("line", x1=xh, y1=cy - 4, x2=xh, y2=cy + 4, stroke=INK),
        ]
    parts.append(text(lay.left + lay.plot_w + 8, cy + 4, shown, size=10, fill=MUTED))
    return titled(f"{r.label}: {shown}", "".join(parts))


def _slice_axis(rows: Sequence[SliceBar], reference: float | None) -> Axis:
    """0 to 1 when every value fits, else a rounded maximum (and minimum, if negative)."""
    values = [v for r in rows for v in (r.value, r.low, r.high) if is_finite(v)]
    values += [reference] if is_finite(reference) else []
    lo, hi = min([0.0, *values]), max([0.0, *values])
    return UNIT if hi <= 1 and lo >= 0 else Axis.covering(lo, hi)


def slice_bars(
    rows: Sequence[SliceBar],
    *,
    metric: str = "value",
    title: str | None = None,
    reference: float | None = None,
    reference_label: str = "overall",
) -> Markup:
    """One horizontal bar per slice for ``metric``, whiskers for the confidence interval.

    ``reference`` (e.g. the metric over all rows) is drawn as a vertical line. The axis runs
    from 0 to 1 when every value fits, else to a rounded maximum (and minimum, if negative).
    """
    title = title or f"{metric} by slice"
    if not rows:
        return empty(title, "No slices to show.")
    lay = _Layout(len(rows))
    axis = _slice_axis(rows, reference)
    x = scale(axis, lay.left, lay.plot_w)
    body = grid(axis, x, lay.top, lay.bottom, metric)
    details = [f"{r.label}: {_shown(r)}" for r in rows]
    body += [_slice_row(r, lay.middle(i), x, lay) for i, r in enumerate(rows)]
    if is_finite(reference):
        xr = x(reference)
        body += [
            el(
                "line",
                x1=xr,
                y1=lay.top - 4,
                x2=xr,
                y2=lay.bottom,
                stroke=INK,
                stroke_dasharray="3 2",
            ),
            text(
                xr,
                lay.top - 8,
                f"{reference_label} {fmt_value(reference)}",
                size=9,
                anchor="middle",
            ),
        ]
        details.append(f"{reference_label}: {fmt_value(reference)}")
    summary = f"{metric} for {len(rows)} slices, with confidence intervals where known."
    return svg(lay.width, lay.height, title, summary, details, body)


# --- drift -----------------------------------------------------------------------------------


def _band(psi: float, moderate: float, significant: float) -> str:
    if math.isnan(psi):
        return "undefined"
    return "significant" if psi >= significant else "moderate" if psi >= moderate else "stable"


_BAND_COLOURS = {"stable": MET, "moderate": PARTIAL, "significant": GAP}


def _guides(
    x: Callable[[float], float], lay: _Layout, moderate: float, significant: float
) -> list[str]:
    """The moderate and significant lines; their labels point away from each other."""
    body = []
    for level, name, colour, anchor, dx in (
        (moderate, "moderate", PARTIAL, "end", -3),
        (significant, "significant", GAP, "start", 3),
    ):
        body += [
            el(
                "line",
                x1=x(level),
                y1=lay.top - 4,
                x2=x(level),
                y2=lay.bottom,
                stroke=colour,
                stroke_dasharray="4 3",
            ),
            text(
                x(level) + dx,
                lay.top - 8,
                f"{fmt_value(level, 1)} {name}",
                size=9,
                anchor=anchor,
                fill=colour,
            ),
        ]
    return body


def _drift_row(f: DriftBar, cy: float, band: str, x: Callable[[float], float], lay: _Layout) -> str:
    shown = f"{fmt_value(f.psi)} ({band})"
    parts = [text(lay.label_w, cy + 4, shorten(f.feature), anchor="end")]
    if not math.isnan(f.psi):
        parts.append(
            el(
                "rect",
                x=x(0),
                y=cy - 6,
                width=x(f.psi) - x(0),
                height=12,
                fill=_BAND_COLOURS.get(band, NEUTRAL),
                fill_opacity=0.85,
            )
        )
    parts.append(text(lay.left + lay.plot_w + 8, cy + 4, shown, size=10, fill=MUTED))
    return titled(f"{f.feature}: PSI {shown}", "".join(parts))


def drift_bars(
    features: Sequence[DriftBar],
    *,
    title: str = "Population stability index",
    moderate: float = 0.1,
    significant: float = 0.2,
) -> Markup:
    """PSI per feature, with guide lines at ``moderate`` (0.1) and ``significant`` (0.2).

    Below 0.1 a feature is read as stable, from 0.1 as moderately shifted, from 0.2 as
    significantly shifted; the band is written beside each value, not only coloured.
    """
    if not features:
        return empty(title, "No features to show.")
    lay = _Layout(len(features))
    finite = [f.psi for f in features if is_finite(f.psi)]
    axis = Axis.covering(0.0, max([significant * 1.25, *finite]))
    x = scale(axis, lay.left, lay.plot_w)
    body = grid(axis, x, lay.top, lay.bottom, "PSI") + _guides(x, lay, moderate, significant)
    bands = [_band(f.psi, moderate, significant) for f in features]
    details = [
        f"{f.feature}: {fmt_value(f.psi)} ({band})" for f, band in zip(features, bands, strict=True)
    ]
    body += [
        _drift_row(f, lay.middle(i), band, x, lay)
        for i, (f, band) in enumerate(zip(features, bands, strict=True))
    ]
    shifted = bands.count("significant")
    summary = (
        f"PSI for {len(features)} features; {shifted} at or above "
        f"{fmt_value(significant, 1)} (significant shift), guides at "
        f"{fmt_value(moderate, 1)} and {fmt_value(significant, 1)}."
    )
    return svg(lay.width, lay.height, title, summary, details, body)
