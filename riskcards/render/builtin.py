"""The built-in output formats' render functions (layer: render).

Each takes the :class:`~riskcards.render.job.RenderJob` and the files the formats before it
made, and returns its own files; :mod:`riskcards.render.formats` registers them:

- :func:`html_files` - the model card, the dataset sheets, the gap reports and the Statements
  of Applicability (with a CSV of each);
- :func:`pdf_files` - a PDF/A-3b of each HTML document, ``evidence.json`` embedded, rendered
  in parallel worker processes (:mod:`riskcards.render.pdf`, imported only here, lazily);
- :func:`json_files` - each gap report as JSON;
- :func:`evidence_files` - ``evidence.json`` and, when there is one, ``analytics.json``;
- :func:`junit_files` - ``junit.xml``, one test case per control (:mod:`riskcards.render.junit`);
- :func:`summary_files` - ``summary.md`` (and ``summary.jira.txt`` in Jira wiki markup when
  asked), which links every file made before it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from riskcards.models.bundle import (
    EVIDENCE_KIND,
    GAP_REPORT_KIND,
    JSON_FORMAT,
    JUNIT_KIND,
    MARKDOWN_FORMAT,
    PDF_FORMAT,
    SUMMARY_KIND,
    XML_FORMAT,
    BundleFile,
)
from riskcards.render.job import RenderJob
from riskcards.render.junit import junit_xml
from riskcards.render.paths import (
    ANALYTICS,
    EVIDENCE,
    JUNIT,
    SUMMARY,
    SUMMARY_JIRA,
    gap_report_path,
    main_document,
    with_suffix,
)
from riskcards.render.views import build_summary


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def html_files(job: RenderJob, made: Sequence[BundleFile]) -> Sequence[BundleFile]:
    """The HTML documents, and each Statement of Applicability as CSV beside its HTML."""
    return (*job.html_documents, *job.soa_tables)


def pdf_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    from riskcards.render.pdf import PdfAttachment, PdfJob, render_pdfs

    evidence = PdfAttachment(
        name=EVIDENCE,
        content=job.pdf_evidence_json,  # tables' contents left out: they stay in the bundle
        relationship="Data",
        description="The evidence snapshot this document was rendered from",
    )
    docs = job.html_documents
    jobs = [PdfJob(html=d.content.decode(), attachments=(evidence,)) for d in docs]
    return [
        BundleFile(
            path=with_suffix(d.path, ".pdf"),
            kind=d.kind,
            format=PDF_FORMAT,
            framework=d.framework,
            dataset=d.dataset,
            content=r.content,
        )
        for d, r in zip(docs, render_pdfs(jobs, job.pdf_workers), strict=True)
    ]


def json_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    a = job.assessment
    return [
        BundleFile(
            path=with_suffix(gap_report_path(fw.catalogue_id), ".json"),
            kind=GAP_REPORT_KIND,
            format=JSON_FORMAT,
            framework=fw.catalogue_id,
            content=_json(
                {
                    "as_of": a.as_of.isoformat(),
                    "mapping": a.mapping_id,
                    "target": job.evidence.target.uri,
                    **fw.model_dump(mode="json"),
                }
            ),
        )
        for fw in a.frameworks
    ]


def evidence_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    files = [
        BundleFile(path=EVIDENCE, kind=EVIDENCE_KIND, format=JSON_FORMAT, content=job.evidence_json)
    ]
    analysis = job.analysis
    if analysis is not None and (analysis.predictions or analysis.datasets or analysis.failures):
        files.append(
            BundleFile(
                path=ANALYTICS,
                kind=EVIDENCE_KIND,
                format=JSON_FORMAT,
                content=(analysis.model_dump_json(indent=2) + "\n").encode(),
            )
        )
    return files


def junit_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    content = junit_xml(job.assessment, job.evidence.target.uri)
    return [BundleFile(path=JUNIT, kind=JUNIT_KIND, format=XML_FORMAT, content=content)]


def summary_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    """``summary.md``, and with ``ticket_format="jira"`` the same in Jira wiki markup."""
    summary = build_summary(
        job.assessment,
        job.gap_reports,
        (f.path for f in made),
        main_document(made),
        job.decision,
        job.link_base,
    )
    title = f"Release summary: {job.model}"
    files = [
        BundleFile(
            path=SUMMARY,
            kind=SUMMARY_KIND,
            format=MARKDOWN_FORMAT,
            content=job.page("summary.md.j2", title, "Release summary", summary=summary),
        )
    ]
    if job.ticket_format == "jira":
        files.append(
            BundleFile(
                path=SUMMARY_JIRA,
                kind=SUMMARY_KIND,
                format="jira",
                content=job.page("summary.jira.j2", title, "Release summary", summary=summary),
            )
        )
    return files
