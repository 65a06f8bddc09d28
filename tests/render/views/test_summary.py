"""The release summary: each framework, the direct gaps, every file, the main document."""

from __future__ import annotations

from riskcards.load.catalogues import Loaded
from riskcards.render.views.gap_report import build_gap_report
from riskcards.render.views.summary import build_summary
from tests.render.conftest import Rendered, assessed


def test_summary_lists_direct_gaps_and_counts_the_indirect_ones(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    reports = [
        (fw, build_gap_report(fw, loaded.catalogues[fw.catalogue_id], a.mapping_id))
        for fw in a.frameworks
    ]
    summary = build_summary(a, reports, ["b.html", "a.json"], "b.html")
    assert summary.files == ("a.json", "b.html") and summary.main == "b.html"
    assert [f.catalogue_id for f in summary.frameworks] == [f.catalogue_id for f in a.frameworks]
    assert all(not v.result.via_crosswalk for _, v in summary.gaps)
    assert len(summary.gaps) + summary.indirect == sum(len(r.gaps) for _, r in reports)


def test_the_rendered_summary_lists_every_other_file(rendered: Rendered) -> None:
    files = rendered()
    summary = files["summary.md"].decode()
    for path in files:
        if path != "summary.md":
            assert path in summary
