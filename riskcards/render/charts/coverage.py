"""The coverage bar: one stacked bar of a framework's control statuses (layer: render)."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from riskcards.render.charts.svg import GAP, MET, PARTIAL, RULE, el, fmt_count, svg, text, titled

# display order, label and colour of each control status in the coverage bar
STATUSES: tuple[tuple[str, str, str], ...] = (
    ("met", "Met", MET),
    ("partial", "Partial", PARTIAL),
    ("gap", "Gap", GAP),
    ("waived", "Waived", "#7a5af8"),
    ("not_applicable", "Not applicable", "#98a2b3"),
    ("not_assessed", "Not assessed", "#d0d5dd"),
)
_WIDTH, _BAR_H, _LEFT = 640.0, 22.0, 4.0


def _legend(i: int, colour: str, label: str) -> list[str]:
    """Three legend entries per line, each a swatch and its count."""
    lx, ly = _LEFT + (i % 3) * 212, _BAR_H + 24 + (i // 3) * 18
    return [
        el("rect", x=lx, y=ly - 9, width=10, height=10, fill=colour),
        text(lx + 15, ly, label, size=10),
    ]


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
    body = [
        el("rect", x=_LEFT, y=4, width=_WIDTH - 2 * _LEFT, height=_BAR_H, fill="none", stroke=RULE)
    ]
    details, cursor = [], _LEFT
    for i, (key, label, colour) in enumerate(STATUSES):
        n = counts.get(key, 0)
        share = f"{100 * n / total:.0f}%" if total else "0%"
        shown = f"{label}: {fmt_count(n)} ({share})"
        details.append(shown)
        if n and total:
            w = (_WIDTH - 2 * _LEFT) * n / total
            body.append(
                titled(shown, el("rect", x=cursor, y=4, width=w, height=_BAR_H, fill=colour))
            )
            cursor += w
        body += _legend(i, colour, shown)
    summary = f"{fmt_count(total)} controls by status." if total else "No controls assessed."
    return svg(_WIDTH, _BAR_H + 24 + 2 * 18, title, summary, details, body)
