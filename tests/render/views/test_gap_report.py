"""The gap report: gaps first with their reasons; the Statement of Applicability when the
catalogue asks for one (``statement_of_applicability``), whatever the framework."""

from __future__ import annotations

import pytest

from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import ControlStatus
from riskcards.models.catalogue import Catalogue, CatalogueExtension
from riskcards.render import render
from riskcards.render.views.gap_report import build_gap_report
from tests.render.conftest import NO_PDF, Rendered, assessed

SOA_SECTION = 'id="statement-of-applicability"'


def test_gap_report_lists_gaps_first_with_reasons(rendered: Rendered) -> None:
    report = rendered()["gap-report-nist-ai-rmf.html"].decode()
    gaps, rest = report.split('id="met"')
    assert "MEASURE 2.11" in gaps and "0.18" in gaps and "Remediation" in gaps
    assert "GOVERN 1.6" in rest
    assert "Legal and regulatory requirements involving AI are understood" in rest  # not assessed


def test_gaps_are_ordered_blocking_then_direct_then_by_status(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    fw = next(f for f in a.frameworks if f.catalogue_id == "nist-ai-rmf")
    report = build_gap_report(fw, loaded.catalogues["nist-ai-rmf"], a.mapping_id)
    keys = [
        (
            not v.result.blocking,
            bool(v.result.via_crosswalk),
            v.result.status is ControlStatus.PARTIAL,
        )
        for v in report.gaps
    ]
    assert keys == sorted(keys) and len(keys) == fw.counts["gap"] + fw.counts["partial"]
    assert sum(g.total for g in report.by_group) == report.total == len(fw.controls)


def test_the_statement_of_applicability_is_a_catalogue_property(loaded: Loaded) -> None:
    flagged = {k for k, c in loaded.catalogues.items() if c.statement_of_applicability}
    assert flagged == {"iso-iec-42001"}  # set in frameworks/catalogues/iso-iec-42001-2023.yaml
    assert "statement_of_applicability" not in CatalogueExtension.model_fields


def _with_soa(loaded: Loaded, catalogue_id: str, soa: bool) -> dict[str, Catalogue]:
    catalogues = dict(loaded.catalogues)
    catalogues[catalogue_id] = catalogues[catalogue_id].model_copy(
        update={"statement_of_applicability": soa}
    )
    return catalogues


def _report_html(loaded: Loaded, catalogues: dict[str, Catalogue], catalogue_id: str) -> str:
    ev, a = assessed(loaded)
    files = {f.path: f.content for f in render(ev, a, catalogues, formats=NO_PDF)}
    return files[f"gap-report-{catalogue_id}.html"].decode()


@pytest.mark.parametrize(
    ("catalogue_id", "soa"),
    [
        ("iso-iec-42001", True),
        ("iso-iec-42001", False),
        ("nist-ai-rmf", True),
        ("nist-ai-rmf", False),
    ],
)
def test_the_soa_is_rendered_when_the_catalogue_asks_for_it(
    loaded: Loaded, catalogue_id: str, soa: bool
) -> None:
    catalogues = _with_soa(loaded, catalogue_id, soa)
    _, a = assessed(loaded)
    fw = next(f for f in a.frameworks if f.catalogue_id == catalogue_id)
    report = build_gap_report(fw, catalogues[catalogue_id], a.mapping_id)
    html = _report_html(loaded, catalogues, catalogue_id)
    if soa:
        assert [r.control_id for r in report.soa] == [c.control_id for c in fw.controls]
        assert SOA_SECTION in html
    else:
        assert report.soa == () and SOA_SECTION not in html


def test_soa_rows_state_applicability_status_and_passed_evidence(loaded: Loaded) -> None:
    _, a = assessed(loaded)
    fw = next(f for f in a.frameworks if f.catalogue_id == "iso-iec-42001")
    report = build_gap_report(fw, loaded.catalogues["iso-iec-42001"], a.mapping_id)
    for row, result in zip(report.soa, fw.controls, strict=True):
        assert row.applicable  # the test snapshot declares no exclusion
        assert row.justification == "Applicable: no exclusion declared in the project file"
        assert row.status.startswith(result.status.value.replace("_", " "))
        if result.status is ControlStatus.NOT_ASSESSED:
            assert row.evidence == ()
    assert any(row.evidence for row in report.soa)
