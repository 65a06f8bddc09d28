"""The gap report: decision first, headline counts of direct evidence only, gaps first with
their reasons, inferred statuses in an appendix, each check's evidence once; the Statement
of Applicability as a document of its own when the catalogue asks for one."""

from __future__ import annotations

import re

from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import ControlStatus
from riskcards.models.catalogue import CatalogueExtension
from riskcards.render.views.common import direct_counts
from riskcards.render.views.decision import build_decision
from riskcards.render.views.gap_report import build_gap_report
from tests.conftest import assess_crosswalked
from tests.render.conftest import Rendered, assessed


def test_gap_report_puts_the_decision_first_then_gaps_with_reasons(rendered: Rendered) -> None:
    report = rendered()["gap-report-nist-ai-rmf.html"].decode()
    decision, rest = report.split('id="summary"')
    assert 'id="decision"' in decision and "FAIL: " in decision and "owner: " in decision
    gaps, rest = rest.split('id="met"')
    assert "MEASURE 2.11" in gaps and "0.18" in gaps and "Remediation" in gaps
    assert "GOVERN 1.6" in rest
    assert "Legal and regulatory requirements" in rest  # GOVERN 1.1, not assessed


def _with_crosswalks(loaded: Loaded):  # type: ignore[no-untyped-def]
    a = assess_crosswalked(loaded)
    return a, next(f for f in a.frameworks if f.catalogue_id == "iso-iec-42001")


def test_inferred_statuses_stay_out_of_the_body_and_the_headline(loaded: Loaded) -> None:
    a, fw = _with_crosswalks(loaded)
    report = build_gap_report(fw, loaded.catalogues[fw.catalogue_id], a.mapping_id)
    crosswalked = {c.control_id for c in fw.controls if c.via_crosswalk}
    assert crosswalked, "the test snapshot reaches some Annex A controls only by crosswalk"
    assert {r.control_id for r in report.inferred} == crosswalked
    body = [*report.gaps, *report.met, *report.not_assessed]
    assert not crosswalked & {v.result.control_id for v in body}
    # the headline: an inferred status counts as not assessed
    assert report.counts == direct_counts(fw)
    assert report.counts["not_assessed"] == fw.counts["not_assessed"] + len(crosswalked)
    assert report.counts["met"] == sum(
        1 for c in fw.controls if c.status is ControlStatus.MET and not c.via_crosswalk
    )
    assert report.via_crosswalk == len(crosswalked)
    for row in report.inferred:
        assert row.via and row.suggested in {"met", "partial", "gap"}


def test_gaps_are_ordered_blocking_first(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    fw = next(f for f in a.frameworks if f.catalogue_id == "nist-ai-rmf")
    report = build_gap_report(fw, loaded.catalogues["nist-ai-rmf"], a.mapping_id)
    keys = [(not v.result.blocking, v.result.status is ControlStatus.PARTIAL) for v in report.gaps]
    assert keys == sorted(keys) and len(keys) == fw.counts["gap"] + fw.counts["partial"]
    assert sum(g.total for g in report.by_group) == report.total == len(fw.controls)


def test_each_check_is_cited_by_id_and_its_evidence_printed_once(rendered: Rendered) -> None:
    html = rendered()["gap-report-nist-ai-rmf.html"].decode()
    anchors = re.findall(r'<div class="evidence" id="([^"]+)"', html)
    assert anchors and len(anchors) == len(set(anchors))
    cited = set(re.findall(r'href="#(ev-[^"]+)"', html))
    assert cited and cited <= set(anchors)
    # where a value lives is printed in full once, in the appendix, and not in the body
    body, appendix = html.split('id="evidence"')
    full = re.findall(r'<code class="full">(runs:/[^<]+)</code>', appendix)
    assert full and len(full) == len(set(full))
    assert not [loc for loc in full if loc in body]


def test_the_decision_names_blockers_owners_required_and_conflicts(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    d = build_decision(a)
    assert not d.passed and d.verdict.startswith(f"FAIL: {len(a.blocking)} blocking")
    blocked = {(c.framework, c.control_id) for b in d.blocking for c in b.controls}
    assert blocked == {
        (fw.catalogue_title, r.control_id) for fw in a.frameworks for r in fw.blocking
    }
    assert all(b.owner for b in d.blocking if b.check_id)
    assert len({b.check_id for b in d.blocking}) == len(d.blocking)  # each check once


def test_the_statement_of_applicability_is_a_catalogue_property(loaded: Loaded) -> None:
    flagged = {k for k, c in loaded.catalogues.items() if c.statement_of_applicability}
    assert flagged == {"iso-iec-42001"}  # set in frameworks/catalogues/iso-iec-42001-2023.yaml
    assert "statement_of_applicability" not in CatalogueExtension.model_fields
    _, a = assessed(loaded)
    for fw in a.frameworks:
        report = build_gap_report(fw, loaded.catalogues[fw.catalogue_id], a.mapping_id)
        flag = loaded.catalogues[fw.catalogue_id].statement_of_applicability
        assert report.soa == (f"soa-{fw.catalogue_id}.html" if flag else None)


def test_a_decided_control_cites_no_evidence_it_only_borrowed(loaded: Loaded) -> None:
    from riskcards.models.assessment import Decision

    a, fw = _with_crosswalks(loaded)
    borrowed = next(c for c in fw.controls if c.via_crosswalk)
    excluded = borrowed.model_copy(
        update={
            "status": ControlStatus.NOT_APPLICABLE,
            "decision": Decision(kind="not_applicable", approver="CRO", reason="not offered"),
        }
    )
    fw = fw.model_copy(
        update={"controls": tuple(excluded if c is borrowed else c for c in fw.controls)}
    )
    report = build_gap_report(fw, loaded.catalogues[fw.catalogue_id], a.mapping_id)
    (view,) = [v for v in report.decided if v.result.control_id == borrowed.control_id]
    assert view.cites == ()
    assert not any(borrowed.control_id in e.controls for e in report.evidence)
