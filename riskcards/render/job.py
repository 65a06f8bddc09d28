"""One render: its inputs, and the documents built from them, each once (layer: render).

A :class:`RenderJob` is what every output format's render function receives. Besides the
inputs (evidence, assessment, catalogues, sidecars, analysis, a template folder), it builds
on first use, and keeps, what several formats share: the gap-report views, the HTML
documents (the ``html`` format writes them, the ``pdf`` format prints them, so the HTML is
built even when only PDF is asked for) and the ``evidence.json`` bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from riskcards import __version__
from riskcards.models.analysis import Analysis
from riskcards.models.assessment import Assessment, FrameworkAssessment
from riskcards.models.bundle import (
    DATASET_SHEET_KIND,
    GAP_REPORT_KIND,
    HTML_FORMAT,
    MODEL_CARD_KIND,
    BundleFile,
)
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.project import Sidecars
from riskcards.render.html import render_template
from riskcards.render.paths import (
    MODEL_CARD,
    SOA_KIND,
    dataset_sheet_paths,
    gap_report_path,
    soa_path,
    with_suffix,
)
from riskcards.render.views import (
    DocumentMeta,
    GapReport,
    GateDecision,
    SoaDocument,
    build_dataset_sheet,
    build_decision,
    build_gap_report,
    build_model_card,
    build_soa,
    soa_csv,
)
from riskcards.render.views.decision import NOTICE_DAYS
from riskcards.render.views.system_card import build_system_card

TableRows = dict[tuple[str, str | None], int]


def _table_rows(node: object, found: TableRows | None = None) -> TableRows:
    """(table path, sha256) -> row count, from every analysis result that names its source."""
    found = {} if found is None else found
    if isinstance(node, dict):
        source, rows = node.get("source"), node.get("rows")
        if isinstance(source, dict) and isinstance(rows, int) and "table" in source:
            found.setdefault((source["table"], source.get("sha256")), rows)
        for value in node.values():
            _table_rows(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _table_rows(value, found)
    return found


@dataclass(frozen=True, eq=False)
class RenderJob:
    """The inputs of one render; the documents built from them are built once, when needed."""

    evidence: EvidenceSnapshot
    assessment: Assessment
    catalogues: Mapping[str, Catalogue]
    templates: Path | None = None
    sidecars: Sidecars = field(default_factory=Sidecars)
    analysis: Analysis | None = None
    pdf_workers: int | None = None
    notice_days: int = NOTICE_DAYS
    link_base: str | None = None
    ticket_format: str = "md"

    @property
    def model(self) -> str:
        """The model as people name it, e.g. 'credit-risk v3'."""
        return self.evidence.target.display

    def meta(self, title: str, kind: str) -> DocumentMeta:
        """The metadata every template receives as ``meta``."""
        return DocumentMeta(
            title=title,
            kind=kind,
            model=self.model,
            target=self.evidence.target.uri,
            as_of=self.assessment.as_of,
            riskcards_version=__version__,
        )

    def page(self, template: str, title: str, kind: str, **view: object) -> bytes:
        """One document: a template rendered with its view and the shared metadata."""
        meta = self.meta(title, kind)
        return render_template(template, self.templates, meta=meta, **view).encode()

    @cached_property
    def decision(self) -> GateDecision:
        """The release decision, with links from the bundle's top folder."""
        return build_decision(self.assessment, notice_days=self.notice_days, analysis=self.analysis)

    @cached_property
    def gap_reports(self) -> tuple[tuple[FrameworkAssessment, GapReport], ...]:
        """Each assessed framework with its gap-report view, in the assessment's order."""
        return tuple(
            (
                fw,
                build_gap_report(
                    fw,
                    self.catalogues[fw.catalogue_id],
                    self.assessment.mapping_id,
                    self.decision,
                    self.analysis,
                ),
            )
            for fw in self.assessment.frameworks
        )

    @cached_property
    def soas(self) -> tuple[SoaDocument, ...]:
        """A Statement of Applicability per framework whose catalogue asks for one."""
        return tuple(
            build_soa(fw, self.catalogues[fw.catalogue_id], self.sidecars.soa)
            for fw in self.assessment.frameworks
            if self.catalogues[fw.catalogue_id].statement_of_applicability
        )

    @cached_property
    def html_documents(self) -> tuple[BundleFile, ...]:
        """The model card, a sheet per dataset, a gap report per framework and the
        Statements of Applicability, as HTML."""
        return (
            self._model_card(),
            *self._dataset_sheets(),
            *self._gap_reports(),
            *self._soa_documents(),
        )

    @cached_property
    def soa_tables(self) -> tuple[BundleFile, ...]:
        """Each Statement of Applicability as CSV, for spreadsheets."""
        return tuple(
            BundleFile(
                path=with_suffix(soa_path(doc.catalogue_id), ".csv"),
                kind=SOA_KIND,
                format="csv",
                framework=doc.catalogue_id,
                content=soa_csv(doc),
            )
            for doc in self.soas
        )

    @cached_property
    def evidence_json(self) -> bytes:
        """The evidence snapshot as written to ``evidence.json``."""
        return (self.evidence.model_dump_json(indent=2) + "\n").encode()

    @cached_property
    def pdf_evidence_json(self) -> bytes:
        """The snapshot embedded in PDFs: ``evidence.json`` without the tables' contents
        (each keeps its path, size, sha256 and, when the analysis read it, its row count), so
        a large logged table does not grow every PDF (issue 18)."""
        if not any(t.content is not None for t in self.evidence.run.tables):
            return self.evidence_json
        rows = _table_rows(self.analysis.model_dump() if self.analysis else {})
        run = self.evidence.run
        tables = tuple(t.model_copy(update={"content": None}) for t in run.tables)
        lean = self.evidence.model_copy(update={"run": run.model_copy(update={"tables": tables})})
        data = json.loads(lean.model_dump_json())  # NaN and inf stay strings, as in the bundle
        for table, full in zip(data["run"]["tables"], run.tables, strict=True):
            if full.content is not None:
                table["content_in"] = "evidence.json of the bundle"
                table["rows"] = rows.get((full.path, full.sha256))
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()

    def _model_card(self) -> BundleFile:
        """The model card; a GenAI target's is the system card, at the model card's path."""
        if self.evidence.genai is not None and self.assessment.task.task == "genai":
            system = build_system_card(
                self.evidence, self.assessment, self.sidecars.model_card, self.decision
            )
            return self._card("system_card.html.j2", "System card", system)
        card = build_model_card(
            self.evidence,
            self.assessment,
            self.sidecars.model_card,
            self.analysis,
            decision=self.decision,
        )
        return self._card("model_card.html.j2", "Model card", card)

    def _card(self, template: str, label: str, card: object) -> BundleFile:
        return BundleFile(
            path=MODEL_CARD,
            kind=MODEL_CARD_KIND,
            format=HTML_FORMAT,
            content=self.page(template, f"{label}: {self.model}", label, card=card),
        )

    def _dataset_sheets(self) -> list[BundleFile]:
        sheets = self.sidecars.dataset_sheets
        found = []
        datasets = self.evidence.run.datasets
        for ds, path in zip(datasets, dataset_sheet_paths(datasets), strict=True):
            sheet = build_dataset_sheet(
                ds,
                sheets.get(ds.name),
                f"dataset_sheets.{ds.name}" if ds.name in sheets else None,
                self.analysis,
            )
            found.append(
                BundleFile(
                    path=path,
                    kind=DATASET_SHEET_KIND,
                    format=HTML_FORMAT,
                    dataset=ds.name,
                    content=self.page(
                        "dataset_sheet.html.j2",
                        f"Dataset sheet: {ds.name}",
                        "Dataset sheet",
                        sheet=sheet,
                    ),
                )
            )
        return found

    def _document(
        self,
        path: str,
        kind: str,
        framework: str,
        template: str,
        title: str,
        label: str,
        **view: object,
    ) -> BundleFile:
        """One framework's HTML document."""
        return BundleFile(
            path=path,
            kind=kind,
            format=HTML_FORMAT,
            framework=framework,
            content=self.page(template, title, label, **view),
        )

    def _gap_reports(self) -> list[BundleFile]:
        return [
            self._document(
                gap_report_path(fw.catalogue_id),
                GAP_REPORT_KIND,
                fw.catalogue_id,
                "gap_report.html.j2",
                f"Gap report: {fw.catalogue_title}",
                "Gap report",
                report=report,
            )
            for fw, report in self.gap_reports
        ]

    def _soa_documents(self) -> list[BundleFile]:
        return [
            self._document(
                soa_path(doc.catalogue_id),
                SOA_KIND,
                doc.catalogue_id,
                "soa.html.j2",
                f"Statement of Applicability: {doc.title}",
                "Statement of Applicability",
                soa=doc,
            )
            for doc in self.soas
        ]
