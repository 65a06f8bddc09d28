"""The release summary: decision first, each framework's direct headline, the other direct
gaps grouped, every file as a link (relative or under a base URL), at most 40 lines."""

from __future__ import annotations

from riskcards.load.catalogues import Loaded
from riskcards.render import render
from riskcards.render.views.decision import build_decision
from riskcards.render.views.gap_report import build_gap_report
from riskcards.render.views.summary import MAX_LINES, build_summary
from tests.render.conftest import NO_PDF, Rendered, assessed


def test_summary_groups_the_other_direct_gaps_and_links_files(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    reports = [
        (fw, build_gap_report(fw, loaded.catalogues[fw.catalogue_id], a.mapping_id))
        for fw in a.frameworks
    ]
    summary = build_summary(a, reports, ["b.html", "a.json"], "b.html", build_decision(a))
    assert [f.url for f in summary.files] == ["a.json", "b.html"] and summary.main.url == "b.html"
    assert [f.catalogue_id for f in summary.frameworks] == [f.catalogue_id for f in a.frameworks]
    listed = {c for g in summary.others for c in (*g.gap, *g.partial)}
    blocking = {c.control_id for fw in a.frameworks for c in fw.blocking}
    assert listed and not listed & blocking
    based = build_summary(
        a, reports, ["b.html"], "b.html", build_decision(a), link_base="https://ci/x/"
    )
    assert based.main.url == "https://ci/x/b.html"
    assert all(
        c.link.startswith("https://ci/x/gap-report-")
        for b in based.decision.blocking
        for c in b.controls
    )


def test_the_rendered_summary_is_short_decision_first_and_links_every_file(
    rendered: Rendered,
) -> None:
    files = rendered()
    summary = files["summary.md"].decode()
    lines = summary.splitlines()
    assert len(lines) <= MAX_LINES
    assert "FAIL: " in lines[0]
    blocking_at = next(i for i, line in enumerate(lines) if line.startswith("**Blocking"))
    table_at = next(i for i, line in enumerate(lines) if line.startswith("| Framework"))
    assert blocking_at < table_at
    assert "owner: " in summary
    for path in files:
        if path != "summary.md":
            assert f"[{path}]({path})" in summary


def test_jira_summary_is_the_same_in_wiki_markup(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    files = {
        f.path: f.content.decode()
        for f in render(ev, a, loaded.catalogues, formats=NO_PDF, ticket_format="jira")
    }
    jira = files["summary.jira.txt"]
    assert jira.startswith("h2. riskcards: ") and "||Framework||" in jira
    assert "[model-card.html|model-card.html]" in jira
    assert "**" not in jira and "](" not in jira and "\\_" not in jira
    assert len(jira.splitlines()) <= MAX_LINES
