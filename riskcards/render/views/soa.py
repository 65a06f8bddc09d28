"""The Statement of Applicability, ``soa`` in ``soa.html.j2`` and as CSV (layer: render).

ISO/IEC 42001 6.1.3 d) asks for a Statement of Applicability: every Annex A control, whether
it applies and why (included or excluded), and whether it is implemented. It is a document
of its own, which an approver signs: document control (ID, version, AI management system
scope, approver, approval date) from the project file's ``soa:`` section; per control the
applicability with a justification tied to the risk assessment and treatment plan, the
implementation status (what the organisation declares) kept apart from the assessment result
(what the evidence shows), the owner and the IDs of the passed checks. Nothing is made up:
what the project file does not record is an open item, listed at the end.
"""

from __future__ import annotations

import csv
import io

from pydantic import Field

from riskcards.models.assessment import ControlResult, ControlStatus, FrameworkAssessment
from riskcards.models.base import Frozen
from riskcards.models.catalogue import Catalogue
from riskcards.models.project import Risk, SoaControl, SoaSection, Treatment
from riskcards.render.paths import gap_report_path
from riskcards.render.views.common import Row, inferred
from riskcards.render.views.gap_report import passed_evidence

IMPLEMENTATION = {
    "implemented": "implemented",
    "partially_implemented": "partially implemented",
    "planned": "planned",
    "not_implemented": "not implemented",
}


class SoaRow(Frozen):
    """One control in the Statement of Applicability (ISO/IEC 42001 6.1.3 d)."""

    control_id: str
    title: str
    applicable: bool
    justification: str | None = Field(description="None: an open item")
    risks: tuple[str, ...]
    treatments: tuple[str, ...]
    implementation: str | None = Field(description="declared by the project; None: open item")
    target_date: str | None
    assessment: str = Field(description="what the evidence shows, direct only")
    owner: str | None
    evidence: tuple[str, ...] = Field(description="IDs of the checks that passed")


class SoaDocument(Frozen):
    catalogue_id: str
    title: str
    version: str
    control: tuple[Row, ...] = Field(description="document control")
    risks: tuple[Risk, ...]
    treatments: tuple[Treatment, ...]
    rows: tuple[SoaRow, ...]
    applicable: int
    excluded: int
    open_items: tuple[str, ...]
    report: str = Field(description="the gap report with the evidence appendix")


def _assessment(r: ControlResult) -> str:
    if r.status is ControlStatus.NOT_APPLICABLE:
        return "excluded"
    if inferred(r):
        return "not assessed (a crosswalk suggests " + r.status.value.replace("_", " ") + ")"
    return r.status.value.replace("_", " ")


def _justification(r: ControlResult, declared: SoaControl | None) -> str | None:
    if r.status is ControlStatus.NOT_APPLICABLE and r.decision is not None:
        return f"Excluded: {r.decision.reason} (approved by {r.decision.approver})"
    return declared.justification if declared else None


def _owner(r: ControlResult, declared: SoaControl | None) -> str | None:
    if declared and declared.owner:
        return declared.owner
    owners = [c.owner for c in r.checks if c.owner and not r.via_crosswalk]
    return owners[0] if owners else None


def _row(r: ControlResult, catalogue: Catalogue, declared: SoaControl | None) -> SoaRow:
    control = catalogue.control(r.control_id)
    return SoaRow(
        control_id=r.control_id,
        title=control.label if control else r.label,
        applicable=r.status is not ControlStatus.NOT_APPLICABLE,
        justification=_justification(r, declared),
        risks=declared.risks if declared else (),
        treatments=declared.treatments if declared else (),
        implementation=IMPLEMENTATION[declared.implementation]
        if declared and declared.implementation
        else None,
        target_date=declared.target_date.isoformat() if declared and declared.target_date else None,
        assessment=_assessment(r),
        owner=_owner(r, declared),
        evidence=passed_evidence(r),
    )


def _open_items(soa: SoaSection | None, rows: tuple[SoaRow, ...]) -> tuple[str, ...]:
    items = []
    if soa is None:
        items.append(
            "Document control: the project file has no soa: section (ID, version, "
            "scope, approver, approval date)"
        )
    elif soa.approved is None:
        items.append("Approval date: not recorded in soa.approved")
    for row in rows:
        missing = [
            what
            for what, gap in (
                ("justification", row.justification is None),
                ("implementation status", row.applicable and row.implementation is None),
                ("owner", row.applicable and row.owner is None),
            )
            if gap
        ]
        if missing:
            items.append(f"{row.control_id}: no {', no '.join(missing)} recorded")
    return tuple(items)


def _document_control(soa: SoaSection | None, fw: FrameworkAssessment) -> tuple[Row, ...]:
    get = (lambda name: getattr(soa, name)) if soa else (lambda name: None)
    approved = get("approved")
    return (
        Row(label="Document ID", value=get("id")),
        Row(label="Version", value=get("version")),
        Row(label="Scope of the AI management system", value=get("scope")),
        Row(label="Approver", value=get("approver")),
        Row(label="Approval date", value=approved.isoformat() if approved else None),
        Row(label="Controls from", value=f"{fw.catalogue_title} (version {fw.catalogue_version})"),
    )


def build_soa(fw: FrameworkAssessment, catalogue: Catalogue, soa: SoaSection | None) -> SoaDocument:
    """The Statement of Applicability of one framework; ``soa`` applies when it names it."""
    if soa is not None and soa.framework != fw.catalogue_id:
        soa = None
    declared: dict[str, SoaControl] = {}
    for c in soa.controls if soa else ():
        found = catalogue.control(c.control)
        declared[found.id if found else c.control] = c
    rows = tuple(_row(r, catalogue, declared.get(r.control_id)) for r in fw.controls)
    return SoaDocument(
        catalogue_id=fw.catalogue_id,
        title=fw.catalogue_title,
        version=fw.catalogue_version,
        control=_document_control(soa, fw),
        risks=soa.risks if soa else (),
        treatments=soa.treatments if soa else (),
        rows=rows,
        applicable=sum(1 for r in rows if r.applicable),
        excluded=sum(1 for r in rows if not r.applicable),
        open_items=_open_items(soa, rows),
        report=gap_report_path(fw.catalogue_id),
    )


CSV_COLUMNS = (
    "control_id",
    "title",
    "applicable",
    "justification",
    "risks",
    "treatments",
    "implementation",
    "target_date",
    "assessment",
    "owner",
    "evidence",
)


def _inert(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a quote first."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def soa_csv(doc: SoaDocument) -> bytes:
    """The rows as CSV for spreadsheets (RFC 4180, LF line ends, empty for not recorded);
    cells that would start a formula are quoted to stay text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in doc.rows:
        writer.writerow(
            _inert(v)
            for v in [
                r.control_id,
                r.title,
                "yes" if r.applicable else "no",
                r.justification or "",
                " ".join(r.risks),
                " ".join(r.treatments),
                r.implementation or "",
                r.target_date or "",
                r.assessment,
                r.owner or "",
                " ".join(r.evidence),
            ]
        )
    return out.getvalue().encode()
