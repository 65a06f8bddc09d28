"""Charts as inline SVG drawn by riskcards (layer: render; pure functions, no I/O).

Each function takes plain frozen values and returns one ``<svg>`` element as
:class:`markupsafe.Markup`, ready to drop into an autoescaped template:

- :func:`reliability_diagram` - mean predicted probability against observed rate per bin,
  with the diagonal of perfect calibration and the number of rows per bin underneath;
- :func:`slice_bars` - one metric per slice, with optional confidence intervals;
- :func:`drift_bars` - population stability index per feature, with the 0.1 and 0.2 guides;
- :func:`coverage_bar` - one stacked bar of control statuses, with a legend of counts.

The SVG has no script, no event handler, no link and no external reference; it opens in any
browser and WeasyPrint draws it. Every label comes from MLflow data, so every piece of text
is escaped. Numbers are formatted with fixed precision, so equal input gives equal bytes.
Each chart carries text alternatives: ``role="img"``, an ``aria-label`` that states the data,
a ``<title>`` and a ``<desc>``. Colours are never the only channel: values and statuses are
also written out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard

from markupsafe import Markup, escape

FONT = "riskcards Sans, DejaVu Sans, Helvetica, Arial, sans-serif"
INK, MUTED, RULE, GRID = "#1b1f24", "#5b6470", "#d5dae0", "#eef0f3"
ACCENT = "#1d4ed8"
MET, PARTIAL, GAP, NEUTRAL = "#067647", "#b54708", "#b42318", "#667085"
# display order, label and colour of each control status in the coverage bar
STATUSES: tuple[tuple[str, str, str], ...] = (
    ("met", "Met", MET),
    ("partial", "Partial", PARTIAL),
    ("gap", "Gap", GAP),
    ("waived", "Waived", "#7a5af8"),
    ("not_applicable", "Not applicable", "#98a2b3"),
    ("not_assessed", "Not assessed", "#d0d5dd"),
)
MAX_LABEL = 28  # characters of a slice or feature name shown beside its bar


@dataclass(frozen=True)
class ReliabilityBin:
    """Scores in ``(lower, upper]``; ``mean_score``/``observed_rate`` None for an empty bin.

    The fields match ``riskcards.analytics.results.ReliabilityBin``.
    """

    lower: float
    upper: float
    count: int
    mean_score: float | None
    observed_rate: float | None


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


# --- formatting ------------------------------------------------------------------------------


def _c(value: float) -> str:
    """A coordinate: two decimals at most, no exponent, no negative zero."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def fmt_value(value: float | None, digits: int = 3) -> str:
    """A value as shown on a chart: fixed decimals, non-finite and missing spelled out."""
    if value is None:
        return "n/a"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = f"{value:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text  # never "-0.000"


def _count(n: int) -> str:
    return f"{n:,}"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026"


def _finite(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


# --- SVG building ----------------------------------------------------------------------------


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = _c(value) if isinstance(value, float) else str(value)
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{escape(text)}"')
    return "".join(parts)


def _el(tag: str, **attrs: object) -> str:
    return f"<{tag}{_attrs(attrs)}/>"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 11,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    transform: str | None = None,
) -> str:
    attrs = {
        "x": float(x),
        "y": float(y),
        "font_size": float(size),
        "text_anchor": anchor,
        "fill": fill,
        "font_weight": weight,
        "transform": transform,
    }
    return f"<text{_attrs(attrs)}>{escape(text)}</text>"


def _titled(title: str, body: str) -> str:
    """A group with a tooltip: the full text behind a shortened label or a small mark."""
    return f"<g><title>{escape(title)}</title>{body}</g>"


def _svg(
    width: float,
    height: float,
    title: str,
    summary: str,
    details: Iterable[str],
    body: Iterable[str],
) -> Markup:
    desc = "; ".join(details)
    label = f"{title}. {summary}" + (f" {desc}." if desc else "")
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": "chart",
        "width": float(width),
        "height": float(height),
        "viewBox": f"0 0 {_c(width)} {_c(height)}",
        "role": "img",
        "aria_label": label,
        "font_family": FONT,
    }
    head = (
        f"<svg{_attrs(attrs)}><title>{escape(title)}</title>"
        f"<desc>{escape(f'{summary} {desc}'.strip())}</desc>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _empty(title: str, message: str, width: float = 640) -> Markup:
    return _svg(width, 40, title, message, (), [_text(8, 24, message, fill=MUTED)])


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value``."""
    if not value > 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value * (1 - 1e-9))


@dataclass(frozen=True)
class _Axis:
    """A linear axis from ``lo`` to ``hi`` with round ticks every ``step``."""

    lo: float
    hi: float
    step: float

    @classmethod
    def covering(cls, lo: float, hi: float, ticks: int = 5) -> _Axis:
        step = _nice_ceiling((hi - lo) / ticks)
        return cls(math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step)

    @property
    def ticks(self) -> list[float]:
        return [self.lo + i * self.step for i in range(round((self.hi - self.lo) / self.step) + 1)]

    @property
    def digits(self) -> int:
        """Decimals that show every tick exactly (0.25 needs two, 0.5 one), at most six."""
        scaled = ((d, self.step * 10**d) for d in range(7))
        return next((d for d, v in scaled if round(v) and abs(v - round(v)) < 1e-9 * v), 6)


# --- reliability diagram --------------------------------------------------------------------


def reliability_diagram(
    bins: Sequence[ReliabilityBin], *, title: str = "Reliability diagram"
) -> Markup:
    """Mean predicted probability (x) against observed positive rate (y) per score bin.

    The dashed diagonal is perfect calibration; below the plot, a bar per bin shows how many
    rows it holds. Empty bins have no point.
    """
    filled = [b for b in bins if b.count > 0 and _finite(b.mean_score) and _finite(b.observed_rate)]
    if not filled:
        return _empty(title, "No calibration data to show.", 380)
    left, top, size, gap, hist = 56.0, 34.0, 300.0, 18.0, 56.0
    width, height = left + size + 20, top + size + gap + hist + 44

    def x(v: float) -> float:
        return left + max(0.0, min(1.0, v)) * size

    def y(v: float) -> float:
        return top + (1 - max(0.0, min(1.0, v))) * size

    body = [_el("rect", x=left, y=top, width=size, height=size, fill="none", stroke=RULE)]
    unit = _Axis(0.0, 1.0, 0.2)
    for t in unit.ticks:
        label = fmt_value(t, unit.digits)
        body += [
            _el("line", x1=x(t), y1=top, x2=x(t), y2=top + size, stroke=GRID),
            _el("line", x1=left, y1=y(t), x2=left + size, y2=y(t), stroke=GRID),
            _text(x(t), top + size + gap + hist + 14, label, size=9, anchor="middle", fill=MUTED),
            _text(left - 6, y(t) + 3, label, size=9, anchor="end", fill=MUTED),
        ]
    body.append(
        _el("line", x1=x(0), y1=y(0), x2=x(1), y2=y(1), stroke=MUTED, stroke_dasharray="4 3")
    )
    points = [(x(b.mean_score or 0), y(b.observed_rate or 0)) for b in filled]
    body.append(
        _el(
            "polyline",
            points=" ".join(f"{_c(px)},{_c(py)}" for px, py in points),
            fill="none",
            stroke=ACCENT,
            stroke_width=1.5,
        )
    )
    details = []
    for b, (px, py) in zip(filled, points, strict=True):
        text = (
            f"scores {fmt_value(b.lower, 2)} to {fmt_value(b.upper, 2)}: mean predicted "
            f"{fmt_value(b.mean_score)}, observed {fmt_value(b.observed_rate)}, "
            f"{_count(b.count)} rows"
        )
        details.append(text)
        body.append(_titled(text, _el("circle", cx=px, cy=py, r=3.5, fill=ACCENT)))
    # rows per bin, on the same x axis
    most = max(b.count for b in bins)
    base = top + size + gap + hist
    for b in bins:
        h = hist * b.count / most if most else 0
        x0, x1 = x(b.lower), x(b.upper)
        body.append(
            _titled(
                f"scores {fmt_value(b.lower, 2)} to {fmt_value(b.upper, 2)}: "
                f"{_count(b.count)} rows",
                _el(
                    "rect", x=x0 + 0.5, y=base - h, width=max(0.0, x1 - x0 - 1), height=h, fill=RULE
                ),
            )
        )
    body += [
        _el("line", x1=left, y1=base, x2=left + size, y2=base, stroke=MUTED),
        _text(left - 6, base - hist + 8, _count(most), size=9, anchor="end", fill=MUTED),
        _text(left - 6, base, "rows", size=9, anchor="end", fill=MUTED),
        _text(
            left + size / 2,
            height - 10,
            "Mean predicted probability",
            size=10,
            anchor="middle",
            fill=MUTED,
        ),
        _text(
            14,
            top + size / 2,
            "Observed rate",
            size=10,
            anchor="middle",
            fill=MUTED,
            transform=f"rotate(-90 14 {_c(top + size / 2)})",
        ),
        _el("line", x1=left, y1=14, x2=left + 18, y2=14, stroke=ACCENT, stroke_width=1.5),
        _text(left + 22, 18, "observed", size=9, fill=MUTED),
        _el(
            "line", x1=left + 90, y1=14, x2=left + 108, y2=14, stroke=MUTED, stroke_dasharray="4 3"
        ),
        _text(left + 112, 18, "perfect calibration", size=9, fill=MUTED),
    ]
    rows = sum(b.count for b in bins)
    summary = (
        f"{len(filled)} of {len(bins)} score bins hold rows ({_count(rows)} rows); "
        "the diagonal is perfect calibration."
    )
    return _svg(width, height, title, summary, details, body)


# --- horizontal bars ------------------------------------------------------------------------


def _bar_layout(n: int) -> tuple[float, float, float, float, float, float]:
    """label column, plot left, plot width, top, row height, total height."""
    label_w, plot_w, top, row = 190.0, 300.0, 28.0, 22.0
    return label_w, label_w + 8, plot_w, top, row, top + n * row + 26


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
        return _empty(title, "No slices to show.")
    label_w, left, plot_w, top, row, height = _bar_layout(len(rows))
    width = left + plot_w + 150
    values = [v for r in rows for v in (r.value, r.low, r.high) if _finite(v)]
    values += [reference] if _finite(reference) else []
    lo, hi = min([0.0, *values]), max([0.0, *values])
    axis = _Axis(0.0, 1.0, 0.2) if hi <= 1 and lo >= 0 else _Axis.covering(lo, hi)
    x = _scale(axis, left, plot_w)
    body = _grid(axis, x, top, top + len(rows) * row, metric)
    details = []
    for i, r in enumerate(rows):
        cy = top + i * row + row / 2
        shown = fmt_value(r.value)
        if _finite(r.low) and _finite(r.high):
            shown += f" [{fmt_value(r.low)}, {fmt_value(r.high)}]"
        if r.count is not None:
            shown += f" n={_count(r.count)}"
        if r.note:
            shown += f" ({r.note})"
        details.append(f"{r.label}: {shown}")
        parts = [_text(label_w, cy + 4, _short(r.label), anchor="end")]
        if _finite(r.value):
            x0, x1 = sorted((x(0), x(r.value)))
            parts.append(
                _el(
                    "rect",
                    x=x0,
                    y=cy - 6,
                    width=x1 - x0,
                    height=12,
                    fill=NEUTRAL if r.note else ACCENT,
                    fill_opacity=0.45 if r.note else 0.85,
                )
            )
        if _finite(r.low) and _finite(r.high):
            xl, xh = x(r.low), x(r.high)
            parts += [
                _el("line", x1=xl, y1=cy, x2=xh, y2=cy, stroke=INK),
                _el("line", x1=xl, y1=cy - 4, x2=xl, y2=cy + 4, stroke=INK),
                _el("line", x1=xh, y1=cy - 4, x2=xh, y2=cy + 4, stroke=INK),
            ]
        parts.append(_text(left + plot_w + 8, cy + 4, shown, size=10, fill=MUTED))
        body.append(_titled(f"{r.label}: {shown}", "".join(parts)))
    if _finite(reference):
        xr = x(reference)
        body += [
            _el(
                "line",
                x1=xr,
                y1=top - 4,
                x2=xr,
                y2=top + len(rows) * row,
                stroke=INK,
                stroke_dasharray="3 2",
            ),
            _text(
                xr, top - 8, f"{reference_label} {fmt_value(reference)}", size=9, anchor="middle"
            ),
        ]
        details.append(f"{reference_label}: {fmt_value(reference)}")
    summary = f"{metric} for {len(rows)} slices, with confidence intervals where known."
    return _svg(width, height, title, summary, details, body)


def _scale(axis: _Axis, left: float, width: float) -> Callable[[float], float]:
    """Value to x coordinate; values outside the axis are drawn at its ends."""
    return lambda v: left + (min(axis.hi, max(axis.lo, v)) - axis.lo) / (axis.hi - axis.lo) * width


def _grid(
    axis: _Axis, x: Callable[[float], float], top: float, bottom: float, name: str
) -> list[str]:
    """Vertical grid lines with their values under the plot, and the axis name."""
    body = []
    for t in axis.ticks:
        body += [
            _el("line", x1=x(t), y1=top, x2=x(t), y2=bottom, stroke=GRID),
            _text(
                x(t), bottom + 14, fmt_value(t, axis.digits), size=9, anchor="middle", fill=MUTED
            ),
        ]
    body.append(_el("line", x1=x(axis.lo), y1=bottom, x2=x(axis.hi), y2=bottom, stroke=MUTED))
    body.append(_text(x(axis.hi), bottom + 24, name, size=9, anchor="end", fill=MUTED))
    return body


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
        return _empty(title, "No features to show.")
    label_w, left, plot_w, top, row, height = _bar_layout(len(features))
    width = left + plot_w + 150
    finite = [f.psi for f in features if _finite(f.psi)]
    axis = _Axis.covering(0.0, max([significant * 1.25, *finite]))
    x = _scale(axis, left, plot_w)
    body = _grid(axis, x, top, top + len(features) * row, "PSI")
    # labels point away from each other: "0.1 moderate" ends at its line, "significant" starts
    for level, name, colour, anchor, dx in (
        (moderate, "moderate", PARTIAL, "end", -3),
        (significant, "significant", GAP, "start", 3),
    ):
        body += [
            _el(
                "line",
                x1=x(level),
                y1=top - 4,
                x2=x(level),
                y2=top + len(features) * row,
                stroke=colour,
                stroke_dasharray="4 3",
            ),
            _text(
                x(level) + dx,
                top - 8,
                f"{fmt_value(level, 1)} {name}",
                size=9,
                anchor=anchor,
                fill=colour,
            ),
        ]
    details = []
    for i, f in enumerate(features):
        cy = top + i * row + row / 2
        band = _band(f.psi, moderate, significant)
        colour = {"stable": MET, "moderate": PARTIAL, "significant": GAP}.get(band, NEUTRAL)
        shown = f"{fmt_value(f.psi)} ({band})"
        details.append(f"{f.feature}: {shown}")
        parts = [_text(label_w, cy + 4, _short(f.feature), anchor="end")]
        if not math.isnan(f.psi):
            parts.append(
                _el(
                    "rect",
                    x=x(0),
                    y=cy - 6,
                    width=x(f.psi) - x(0),
                    height=12,
                    fill=colour,
                    fill_opacity=0.85,
                )
            )
        parts.append(_text(left + plot_w + 8, cy + 4, shown, size=10, fill=MUTED))
        body.append(_titled(f"{f.feature}: PSI {shown}", "".join(parts)))
    shifted = sum(1 for f in features if _band(f.psi, moderate, significant) == "significant")
    summary = (
        f"PSI for {len(features)} features; {shifted} at or above "
        f"{fmt_value(significant, 1)} (significant shift), guides at "
        f"{fmt_value(moderate, 1)} and {fmt_value(significant, 1)}."
    )
    return _svg(width, height, title, summary, details, body)


def _band(psi: float, moderate: float, significant: float) -> str:
    if math.isnan(psi):
        return "undefined"
    return "significant" if psi >= significant else "moderate" if psi >= moderate else "stable"


# --- coverage --------------------------------------------------------------------------------


def coverage_bar(counts: Mapping[str, int], *, title: str = "Control coverage") -> Markup:
    """One stacked bar of control statuses, in the order of :data:`STATUSES`.

    ``counts`` maps status values ("met", "partial", "gap", "waived", "not_applicable",
    "not_assessed") to numbers of controls, as ``GapReport.counts`` does; a missing status
    counts 0, an unknown one is an error.
    """
    unknown = sorted(set(counts) - {key for key, _, _ in STATUSES})
    if unknown:
        raise ValueError(f"unknown control status {unknown[0]!r}")
    total = sum(counts.get(key, 0) for key, _, _ in STATUSES)
    width, bar_h, left = 640.0, 22.0, 4.0
    body = [
        _el("rect", x=left, y=4, width=width - 2 * left, height=bar_h, fill="none", stroke=RULE)
    ]
    details, cursor = [], left
    for i, (key, label, colour) in enumerate(STATUSES):
        n = counts.get(key, 0)
        share = f"{100 * n / total:.0f}%" if total else "0%"
        text = f"{label}: {_count(n)} ({share})"
        details.append(text)
        if n and total:
            w = (width - 2 * left) * n / total
            body.append(
                _titled(text, _el("rect", x=cursor, y=4, width=w, height=bar_h, fill=colour))
            )
            cursor += w
        lx, ly = left + (i % 3) * 212, bar_h + 24 + (i // 3) * 18
        body += [
            _el("rect", x=lx, y=ly - 9, width=10, height=10, fill=colour),
            _text(lx + 15, ly, text, size=10),
        ]
    summary = f"{_count(total)} controls by status." if total else "No controls assessed."
    return _svg(width, bar_h + 24 + 2 * 18, title, summary, details, body)
