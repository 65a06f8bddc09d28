"""What the views share: the page metadata and each framework's status line."""

from __future__ import annotations

from datetime import UTC, datetime

from riskcards.load.catalogues import Loaded
from riskcards.render.views.common import DocumentMeta, framework_status
from tests.render.conftest import assessed


def test_as_of_reads_in_utc() -> None:
    meta = DocumentMeta(
        title="t",
        kind="k",
        model="m",
        target="runs:/x",
        as_of=datetime(2026, 11, 28, 12, 0, tzinfo=UTC),
        riskcards_version="0",
    )
    assert meta.as_of_text == "2026-11-28 12:00:00 UTC"


def test_framework_status_links_its_gap_report(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    status = framework_status(a.frameworks[0])
    assert status.report == f"gap-report-{a.frameworks[0].catalogue_id}.html"
    assert status.total == sum(status.counts.values()) and status.coverage_percent.endswith("%")
