"""SVG primitives shared by every chart (layer: render): pure functions, no I/O.

Colours and the font stack, number formatting with fixed precision (so equal input gives
equal bytes), escaped elements and text, the ``<svg>`` root with its text alternatives
(``role="img"``, ``aria-label``, ``<title>``, ``<desc>``), and a linear :class:`Axis`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

from markupsafe import Markup, escape

FONT = "riskcards Sans, DejaVu Sans, Helvetica, Arial, sans-serif"
INK, MUTED, RULE, GRID = "#1b1f24", "#5b6470", "#d5dae0", "#eef0f3"
ACCENT = "#1d4ed8"
MET, PARTIAL, GAP, NEUTRAL = "#067647", "#b54708", "#b42318", "#667085"
MAX_LABEL = 28  # characters of a slice or feature name shown beside its bar


# --- formatting ------------------------------------------------------------------------------


def coord(value: float) -> str:
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


def fmt_count(n: int) -> str:
    return f"{n:,}"


def shorten(label: str) -> str:
    """A label cut to :data:`MAX_LABEL` characters, with an ellipsis when cut."""
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026"


def is_finite(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


# --- SVG building ----------------------------------------------------------------------------


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        text = coord(value) if isinstance(value, float) else str(value)
        parts.append(f' {key.rstrip("_").replace("_", "-")}="{escape(text)}"')
    return "".join(parts)


def el(tag: str, **attrs: object) -> str:
    """An empty element; ``stroke_width`` is written ``stroke-width``, floats as coordinates."""
    return f"<{tag}{_attrs(attrs)}/>"


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 11,
    anchor: str = "start",
    fill: str = INK,
    weight: str | None = None,
    transform: str | None = None,
) -> str:
    """A ``<text>`` element, its content escaped."""
    attrs = {
        "x": float(x),
        "y": float(y),
        "font_size": float(size),
        "text_anchor": anchor,
        "fill": fill,
        "font_weight": weight,
        "transform": transform,
    }
    return f"<text{_attrs(attrs)}>{escape(content)}</text>"


def titled(title: str, body: str) -> str:
    """A group with a tooltip: the full text behind a shortened label or a small mark."""
    return f"<g><title>{escape(title)}</title>{body}</g>"


def svg(
    width: float,
    height: float,
    title: str,
    summary: str,
    details: Iterable[str],
    body: Iterable[str],
) -> Markup:
    """The ``<svg>`` root: its title, and a description that states the data."""
    desc = "; ".join(details)
    label = f"{title}. {summary}" + (f" {desc}." if desc else "")
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": "chart",
        "width": float(width),
        "height": float(height),
        "viewBox": f"0 0 {coord(width)} {coord(height)}",
        "role": "img",
        "aria_label": label,
        "font_family": FONT,
    }
    head = (
        f"<svg{_attrs(attrs)}><title>{escape(title)}</title>"
        f"<desc>{escape(f'{summary} {desc}'.strip())}</desc>"
    )
    return Markup(head + "".join(body) + "</svg>")


def empty(title: str, message: str, width: float = 640) -> Markup:
    """A chart with nothing to draw: the message, also as its text alternative."""
    return svg(width, 40, title, message, (), [text(8, 24, message, fill=MUTED)])


# --- axes ------------------------------------------------------------------------------------


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value``."""
    if not value > 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value * (1 - 1e-9))


@dataclass(frozen=True)
class Axis:
    """A linear axis from ``lo`` to ``hi`` with round ticks every ``step``."""

    lo: float
    hi: float
    step: float

    @classmethod
    def covering(cls, lo: float, hi: float, ticks: int = 5) -> Axis:
        step = nice_ceiling((hi - lo) / ticks)
        return cls(math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step)

    @property
    def ticks(self) -> list[float]:
        return [self.lo + i * self.step for i in range(round((self.hi - self.lo) / self.step) + 1)]

    @property
    def digits(self) -> int:
        """Decimals that show every tick exactly (0.25 needs two, 0.5 one), at most six."""
        scaled = ((d, self.step * 10**d) for d in range(7))
        return next((d for d, v in scaled if round(v) and abs(v - round(v)) < 1e-9 * v), 6)


UNIT = Axis(0.0, 1.0, 0.2)  # probabilities and rates


def scale(axis: Axis, left: float, width: float) -> Callable[[float], float]:
    """Value to x coordinate; values outside the axis are drawn at its ends."""
    return lambda v: left + (min(axis.hi, max(axis.lo, v)) - axis.lo) / (axis.hi - axis.lo) * width


def grid(
    axis: Axis, x: Callable[[float], float], top: float, bottom: float, name: str
) -> list[str]:
    """Vertical grid lines with their values under the plot, and the axis name."""
    body = []
    for t in axis.ticks:
        body += [
            el("line", x1=x(t), y1=top, x2=x(t), y2=bottom, stroke=GRID),
            text(x(t), bottom + 14, fmt_value(t, axis.digits), size=9, anchor="middle", fill=MUTED),
        ]
    body.append(el("line", x1=x(axis.lo), y1=bottom, x2=x(axis.hi), y2=bottom, stroke=MUTED))
    body.append(text(x(axis.hi), bottom + 24, name, size=9, anchor="end", fill=MUTED))
    return body
