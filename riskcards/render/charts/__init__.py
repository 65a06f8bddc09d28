"""Charts as inline SVG drawn by riskcards (layer: render): pure functions, no I/O.

Each function takes plain frozen values and returns one ``<svg>`` element as
:class:`markupsafe.Markup`, ready to drop into an autoescaped template:

- :func:`reliability_diagram` (:mod:`.reliability`) - mean predicted probability against
  observed rate per bin, with the diagonal of perfect calibration and the number of rows per
  bin underneath;
- :func:`slice_bars` (:mod:`.bars`) - one metric per slice, with optional confidence intervals;
- :func:`drift_bars` (:mod:`.bars`) - population stability index per feature, with the 0.1
  and 0.2 guides;
- :func:`coverage_bar` (:mod:`.coverage`) - one stacked bar of control statuses, with a legend
  of counts.

:mod:`.svg` holds what they share: colours, number formatting, escaped elements, axes.

The SVG has no script, no event handler, no link and no external reference; it opens in any
browser and WeasyPrint draws it. Every label comes from MLflow data, so every piece of text
is escaped. Numbers are formatted with fixed precision, so equal input gives equal bytes.
Each chart carries text alternatives: ``role="img"``, an ``aria-label`` that states the data,
a ``<title>`` and a ``<desc>``. Colours are never the only channel: values and statuses are
also written out.
"""

from __future__ import annotations

from riskcards.render.charts.bars import DriftBar, SliceBar, drift_bars, slice_bars
from riskcards.render.charts.coverage import STATUSES, coverage_bar
from riskcards.render.charts.reliability import ReliabilityBin, reliability_diagram
from riskcards.render.charts.svg import fmt_value

__all__ = [
    "STATUSES",
    "DriftBar",
    "ReliabilityBin",
    "SliceBar",
    "coverage_bar",
    "drift_bars",
    "fmt_value",
    "reliability_diagram",
    "slice_bars",
]
