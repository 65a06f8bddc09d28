"""The coverage bar: known control statuses only."""

from __future__ import annotations

import pytest

from riskcards.render.charts.coverage import coverage_bar


def test_coverage_rejects_unknown_statuses() -> None:
    with pytest.raises(ValueError, match="unknown control status 'passed'"):
        coverage_bar({"passed": 1})
