"""The reliability diagram: is a predicted probability what it says? (layer: render)

Mean predicted probability (x) against the observed positive rate (y) per score bin, with
the diagonal of perfect calibration and, underneath, a bar per bin of how many rows it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from riskcards.render.charts.svg import (
    ACCENT,
    GRID,
    MUTED,
    RULE,
    UNIT,
    coord,
    el,
    empty,
    fmt_count,
    fmt_value,
    is_finite,
    svg,
    text,
    titled,
)

# the layout: plot left edge, top edge and side, gap above the histogram, histogram height
_LEFT, _TOP, _SIZE, _GAP, _HIST = 56.0, 34.0, 300.0, 18.0, 56.0


@dataclass(frozen=True)
class ReliabilityBin:
    """Scores in ``(lower, upper]``; ``mean_score``/``observed_rate`` None for an empty bin.

    The fields match ``riskcards.models.analysis.ReliabilityBin``.
    """

    lower: float
    upper: float
    count: int
    mean_score: float | None
    observed_rate: float | None


def _x(v: float) -> float:
    return _LEFT + max(0.0, min(1.0, v)) * _SIZE


def _y(v: float) -> float:
    return _TOP + (1 - max(0.0, min(1.0, v))) * _SIZE


def _bin_range(b: ReliabilityBin) -> str:
    return f"scores {fmt_value(b.lower, 2)} to {fmt_value(b.upper, 2)}"


def _frame() -> list[str]:
    """The plot's box, its grid with tick labels, and the diagonal of perfect calibration."""
    body = [el("rect", x=_LEFT, y=_TOP, width=_SIZE, height=_SIZE, fill="none", stroke=RULE)]
    for t in UNIT.ticks:
        label = fmt_value(t, UNIT.digits)
        body += [
            el("line", x1=_x(t), y1=_TOP, x2=_x(t), y2=_TOP + _SIZE, stroke=GRID),
            el("line", x1=_LEFT, y1=_y(t), x2=_LEFT + _SIZE, y2=_y(t), stroke=GRID),
            text(
                _x(t), _TOP + _SIZE + _GAP + _HIST + 14, label, size=9, anchor="middle", fill=MUTED
            ),
            text(_LEFT - 6, _y(t) + 3, label, size=9, anchor="end", fill=MUTED),
        ]
    body.append(
        el("line", x1=_x(0), y1=_y(0), x2=_x(1), y2=_y(1), stroke=MUTED, stroke_dasharray="4 3")
    )
    return body


def _curve(filled: Sequence[ReliabilityBin], details: list[str]) -> list[str]:
    """The observed rates as a line with a point per filled bin (each point's data in details)."""
    points = [(_x(b.mean_score or 0), _y(b.observed_rate or 0)) for b in filled]
    body = [
        el(
            "polyline",
            points=" ".join(f"{coord(px)},{coord(py)}" for px, py in points),
            fill="none",
            stroke=ACCENT,
            stroke_width=1.5,
        )
    ]
    for b, (px, py) in zip(filled, points, strict=True):
        shown = (
            f"{_bin_range(b)}: mean predicted "
            f"{fmt_value(b.mean_score)}, observed {fmt_value(b.observed_rate)}, "
            f"{fmt_count(b.count)} rows"
        )
        details.append(shown)
        body.append(titled(shown, el("circle", cx=px, cy=py, r=3.5, fill=ACCENT)))
    return body


def _histogram(bins: Sequence[ReliabilityBin]) -> list[str]:
    """Rows per bin, on the same x axis as the plot."""
    most = max(b.count for b in bins)
    base = _TOP + _SIZE + _GAP + _HIST
    body = []
    for b in bins:
        h = _HIST * b.count / most if most else 0
        x0, x1 = _x(b.lower), _x(b.upper)
        body.append(
            titled(
                f"{_bin_range(b)}: {fmt_count(b.count)} rows",
                el(
                    "rect", x=x0 + 0.5, y=base - h, width=max(0.0, x1 - x0 - 1), height=h, fill=RULE
                ),
            )
        )
    body += [
        el("line", x1=_LEFT, y1=base, x2=_LEFT + _SIZE, y2=base, stroke=MUTED),
        text(_LEFT - 6, base - _HIST + 8, fmt_count(most), size=9, anchor="end", fill=MUTED),
        text(_LEFT - 6, base, "rows", size=9, anchor="end", fill=MUTED),
    ]
    return body


def _labels(height: float) -> list[str]:
    """The axis names and the legend."""
    middle = _TOP + _SIZE / 2
    return [
        text(
            _LEFT + _SIZE / 2,
            height - 10,
            "Mean predicted probability",
            size=10,
            anchor="middle",
            fill=MUTED,
        ),
        text(
            14,
            middle,
            "Observed rate",
            size=10,
            anchor="middle",
            fill=MUTED,
            transform=f"rotate(-90 14 {coord(middle)})",
        ),
        el("line", x1=_LEFT, y1=14, x2=_LEFT + 18, y2=14, stroke=ACCENT, stroke_width=1.5),
        text(_LEFT + 22, 18, "observed", size=9, fill=MUTED),
        el(
            "line",
            x1=_LEFT + 90,
            y1=14,
            x2=_LEFT + 108,
            y2=14,
            stroke=MUTED,
            stroke_dasharray="4 3",
        ),
        text(_LEFT + 112, 18, "perfect calibration", size=9, fill=MUTED),
    ]


def reliability_diagram(
    bins: Sequence[ReliabilityBin], *, title: str = "Reliability diagram"
) -> Markup:
    """Mean predicted probability (x) against observed positive rate (y) per score bin.

    The dashed diagonal is perfect calibration; below the plot, a bar per bin shows how many
    rows it holds. Empty bins have no point.
    """
    filled = [
        b for b in bins if b.count > 0 and is_finite(b.mean_score) and is_finite(b.observed_rate)
    ]
    if not filled:
        return empty(title, "No calibration data to show.", 380)
    width, height = _LEFT + _SIZE + 20, _TOP + _SIZE + _GAP + _HIST + 44
    details: list[str] = []
    body = [*_frame(), *_curve(filled, details), *_histogram(bins), *_labels(height)]
    rows = sum(b.count for b in bins)
    summary = (
        f"{len(filled)} of {len(bins)} score bins hold rows ({fmt_count(rows)} rows); "
        "the diagonal is perfect calibration."
    )
    return svg(width, height, title, summary, details, body)
