"""Render every document of a release into in-memory bundle files (layer: render)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from riskcards import __version__
from riskcards.analyse import Analysis
from riskcards.bundle import BundleFile
from riskcards.models.assessment import Assessment
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.project import Sidecars
from riskcards.render.documents import (
    DocumentMeta,
    ReleaseSummary,
    build_dataset_sheet,
    build_gap_report,
    build_model_card,
    dataset_sheet_path,
    framework_status,
    gap_report_path,
)
from riskcards.render.html import render_template

MODEL_CARD = "model-card.html"
EVIDENCE = "evidence.json"
ANALYTICS = "analytics.json"
SUMMARY = "summary.md"


def _meta(title: str, kind: str, ev: EvidenceSnapshot, assessment: Assessment) -> DocumentMeta:
    return DocumentMeta(
        title=title,
        kind=kind,
        model=ev.target.display,
        target=ev.target.uri,
        as_of=assessment.as_of,
        riskcards_version=__version__,
    )


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def render_release(
    evidence: EvidenceSnapshot,
    assessment: Assessment,
    catalogues: Mapping[str, Catalogue],
    *,
    pdf: bool = True,
    templates: Path | None = None,
    sidecars: Sidecars | None = None,
    pdf_workers: int | None = None,
    analysis: Analysis | None = None,
) -> list[BundleFile]:
    """Every file of the bundle but the manifest: HTML (and PDF) documents, JSON, Markdown.

    PDFs render in parallel processes, ``pdf_workers`` of them (default: one per CPU; 1
    renders in this process); each PDF embeds the bundle's ``evidence.json``.
    """
    html_docs: list[BundleFile] = []
    model = evidence.target.display

    def page(template: str, title: str, kind: str, **view: object) -> bytes:
        """One document rendered with its view and the shared metadata."""
        meta = _meta(title, kind, evidence, assessment)
        return render_template(template, templates, meta=meta, **view).encode()

    sidecars = sidecars or Sidecars()
    card = build_model_card(evidence, assessment, sidecars.model_card, analysis)
    html_docs.append(
        BundleFile(
            path=MODEL_CARD,
            kind="model-card",
            format="html",
            content=page("model_card.html.j2", f"Model card: {model}", "Model card", card=card),
        )
    )
    for ds in evidence.run.datasets:
        sheet = build_dataset_sheet(
            ds,
            sidecars.dataset_sheets.get(ds.name),
            f"dataset_sheets.{ds.name}" if ds.name in sidecars.dataset_sheets else None,
            analysis,
        )
        html_docs.append(
            BundleFile(
                path=dataset_sheet_path(ds),
                kind="dataset-sheet",
                format="html",
                dataset=ds.name,
                content=page(
                    "dataset_sheet.html.j2",
                    f"Dataset sheet: {ds.name}",
                    "Dataset sheet",
                    sheet=sheet,
                ),
            )
        )
    reports = []
    for fw in assessment.frameworks:
        report = build_gap_report(fw, catalogues[fw.catalogue_id], assessment.mapping_id)
        reports.append((fw, report))
        html_docs.append(
            BundleFile(
                path=gap_report_path(fw.catalogue_id),
                kind="gap-report",
                format="html",
                framework=fw.catalogue_id,
                content=page(
                    "gap_report.html.j2",
                    f"Gap report: {fw.catalogue_title}",
                    "Gap report",
                    report=report,
                ),
            )
        )
    files = list(html_docs)
    evidence_json = (evidence.model_dump_json(indent=2) + "\n").encode()
    if pdf:
        files += _pdfs(html_docs, evidence_json, pdf_workers)
    for fw, _ in reports:
        files.append(
            BundleFile(
                path=gap_report_path(fw.catalogue_id).removesuffix(".html") + ".json",
                kind="gap-report",
                format="json",
                framework=fw.catalogue_id,
                content=_json(
                    {
                        "as_of": assessment.as_of.isoformat(),
                        "mapping": assessment.mapping_id,
                        "target": evidence.target.uri,
                        **fw.model_dump(mode="json"),
                    }
                ),
            )
        )
    files.append(BundleFile(path=EVIDENCE, kind="evidence", format="json", content=evidence_json))
    if analysis is not None and (analysis.predictions or analysis.datasets or analysis.failures):
        files.append(
            BundleFile(
                path=ANALYTICS,
                kind="evidence",
                format="json",
                content=(analysis.model_dump_json(indent=2) + "\n").encode(),
            )
        )
    summary = ReleaseSummary(
        frameworks=tuple(framework_status(fw) for fw in assessment.frameworks),
        gaps=tuple(
            (fw.catalogue_title, v)
            for fw, r in reports
            for v in r.gaps
            if not v.result.via_crosswalk
        ),
        indirect=sum(1 for _, r in reports for v in r.gaps if v.result.via_crosswalk),
        notes=assessment.notes,
        files=tuple(sorted(f.path for f in files)),
        main=MODEL_CARD,
    )
    files.append(
        BundleFile(
            path=SUMMARY,
            kind="summary",
            format="md",
            content=page(
                "summary.md.j2", f"Release summary: {model}", "Release summary", summary=summary
            ),
        )
    )
    return files


def _pdfs(
    html_docs: Sequence[BundleFile], evidence_json: bytes, workers: int | None
) -> list[BundleFile]:
    """The PDF of every HTML document, rendered in parallel, with evidence.json embedded."""
    from riskcards.render.pdf import PdfAttachment, PdfJob, render_pdfs

    evidence = PdfAttachment(
        name=EVIDENCE,
        content=evidence_json,
        relationship="Data",
        description="The evidence snapshot this document was rendered from",
    )
    jobs = [PdfJob(html=d.content.decode(), attachments=(evidence,)) for d in html_docs]
    return [
        BundleFile(
            path=d.path.removesuffix(".html") + ".pdf",
            kind=d.kind,
            format="pdf",
            framework=d.framework,
            dataset=d.dataset,
            content=r.content,
        )
        for d, r in zip(html_docs, render_pdfs(jobs, workers), strict=True)
    ]


def all_pdfs(files: Sequence[BundleFile]) -> list[BundleFile]:
    return [f for f in files if f.format == "pdf"]
