"""The analyse stage (layer: analyse): recompute measurements from the evidence's tables.

Entry point: :func:`analyse` (an evidence snapshot and the project's analytics settings in,
an :class:`~riskcards.models.analysis.Analysis` out; pure, no I/O).

- :mod:`.stage`: the stage itself: which tables to read, failures kept as evidence, the
  headline :class:`~riskcards.models.assessment.Measure` of every result.
- :mod:`.kernels`: the measurements, vectorised numpy over arrays (calibration, slices,
  robustness, drift, data quality, PII), each with its own module; :mod:`.suites` runs every
  measurement a predictions table or a pair of samples allows; :mod:`.tables` parses logged
  tables.

numpy is imported by the kernels only, so ``import riskcards.analyse`` is what costs it.
"""

from __future__ import annotations

from riskcards.analyse.stage import analyse

__all__ = ["analyse"]
