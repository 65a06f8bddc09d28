"""The Statement of Applicability: a document of its own with document control, every
control with its justification (or an open item), implementation status apart from the
assessment result, owner and evidence IDs; the same rows as CSV, inert in spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import io

from riskcards.load.catalogues import Loaded
from riskcards.models.project import Risk, SoaControl, SoaSection, Treatment
from riskcards.render.views.soa import CSV_COLUMNS, build_soa, soa_csv
from tests.render.conftest import assessed

SECTION = SoaSection(
    id="SOA-1",
    version="1.0",
    scope="The credit-scoring AI system",
    approver="CRO",
    approved=dt.date(2026, 10, 1),
    risks=(Risk(id="R-1", title="Unequal selection rates"),),
    treatments=(Treatment(id="T-1", title="Reweighing", due=dt.date(2027, 1, 31)),),
    controls=(
        SoaControl(
            control="A.5.4",
            justification='=HYPERLINK("http://x") selection rates differ by age',
            implementation="planned",
            target_date=dt.date(2027, 1, 31),
            owner="Fair-lending officer",
            risks=("R-1",),
            treatments=("T-1",),
        ),
    ),
)


def _soa(loaded: Loaded, section: SoaSection | None):  # type: ignore[no-untyped-def]
    _, a = assessed(loaded)
    fw = next(f for f in a.frameworks if f.catalogue_id == "iso-iec-42001")
    return fw, build_soa(fw, loaded.catalogues["iso-iec-42001"], section)


def test_without_a_soa_section_nothing_is_made_up(loaded: Loaded) -> None:
    fw, soa = _soa(loaded, None)
    assert [r.control_id for r in soa.rows] == [c.control_id for c in fw.controls]
    assert all(r.justification is None and r.implementation is None for r in soa.rows)
    assert {row.label: row.value for row in soa.control}["Document ID"] is None
    assert soa.open_items[0].startswith("Document control:")
    assert len(soa.open_items) == 1 + len(soa.rows)  # every control is an open item


def test_document_control_and_per_control_fields_come_from_the_project(loaded: Loaded) -> None:
    fw, soa = _soa(loaded, SECTION)
    control = {row.label: row.value for row in soa.control}
    assert control["Document ID"] == "SOA-1" and control["Approval date"] == "2026-10-01"
    assert control["Scope of the AI management system"] == "The credit-scoring AI system"
    row = next(r for r in soa.rows if r.control_id == "A.5.4")
    assert row.implementation == "planned" and row.target_date == "2027-01-31"
    assert row.risks == ("R-1",) and row.treatments == ("T-1",)
    assert row.owner == "Fair-lending officer"
    result = next(c for c in fw.controls if c.control_id == "A.5.4")
    assert row.assessment == result.status.value  # apart from the implementation status
    assert not any(item.startswith("A.5.4:") for item in soa.open_items)


def test_the_csv_has_every_row_and_no_formula(loaded: Loaded) -> None:
    _, soa = _soa(loaded, SECTION)
    rows = list(csv.reader(io.StringIO(soa_csv(soa).decode())))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 1 + len(soa.rows)
    a54 = next(r for r in rows if r[0] == "A.5.4")
    assert a54[3].startswith("'=HYPERLINK")  # shown as text, never evaluated
    assert soa_csv(soa) == soa_csv(soa)


def test_the_soa_document_renders_with_rows_that_never_split(loaded: Loaded) -> None:
    from riskcards.models.project import Sidecars
    from riskcards.render import render

    ev, a = assessed(loaded)
    files = {
        f.path: f.content.decode()
        for f in render(ev, a, loaded.catalogues, formats=["html"], sidecars=Sidecars(soa=SECTION))
    }
    html = files["soa-iso-iec-42001.html"]
    assert "SOA-1" in html and 'href="#risk-R-1"' in html and 'id="risk-R-1"' in html
    assert "Open item: no justification recorded" in html
    assert '<table class="soa">' in html
    css = files["model-card.html"]
    assert "tr { break-inside: avoid; }" in css and "table.long tr" not in css
