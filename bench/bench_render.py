"""Benchmark: rendering a release bundle (HTML, JSON, Markdown and PDF/A-3b).

Reports, for the in-memory demo release of tests/conftest.py (model card, two dataset sheets,
the NIST AI RMF and ISO/IEC 42001 gap reports):

- the time to render the bundle without PDFs, with PDFs in sequence and with PDFs in
  parallel worker processes (the first parallel call also starts the worker server), as
  medians and best of interleaved runs: other processes on the machine skew single runs;
- the share of the sequential time spent inside WeasyPrint;
- for the 72-control NIST gap report, riskcards' ``html_to_pdf`` (shipped fonts, PDF/A-3b,
  tagged, evidence.json embedded) against WeasyPrint alone on the same HTML doing the same
  work (:func:`bare_weasyprint`; target: at most 1.25), and against a plain
  ``HTML(string=...).write_pdf()``, which does less (no shipped fonts, no PDF/A, no tags).

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_render.py`.
"""

from __future__ import annotations

import functools
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskcards.assess import assess
from riskcards.load.catalogues import load_frameworks
from riskcards.render import EVIDENCE, render
from tests.conftest import AS_OF, make_snapshot

REPEATS = 5
ASSETS = Path(__file__).resolve().parents[1] / "riskcards" / "assets"


# the default formats without PDF (what --no-pdf writes)
NO_PDF = ("html", "json", "md")


def timed(fn: Callable[[], object], repeats: int = REPEATS) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


@contextmanager
def time_inside_weasyprint() -> Iterator[list[float]]:
    """Add up the time spent in WeasyPrint's entry points (outermost calls only)."""
    import weasyprint
    from weasyprint.document import Document

    spent = [0.0]
    depth = [0]
    targets = [
        (weasyprint.HTML, "__init__"),
        (weasyprint.HTML, "render"),
        (weasyprint.CSS, "__init__"),
        (weasyprint.Attachment, "__init__"),
        (Document, "write_pdf"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name in targets]

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth[0] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    spent[0] += time.perf_counter() - start

        return wrapper

    for owner, name, fn in originals:
        setattr(owner, name, wrap(fn))
    try:
        yield spent
    finally:
        for owner, name, fn in originals:
            setattr(owner, name, fn)


def bare_weasyprint(html: str, attachment: bytes | None = None) -> bytes:
    """WeasyPrint alone on the same HTML, doing the work riskcards asks of it: the same shipped
    fonts (declared with ``file:`` URLs, fetched by WeasyPrint's own fetcher), PDF/A-3b, tags,
    the same attachment, and WeasyPrint's default of one font configuration per document."""
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    from riskcards.render.pdf import FONT_FACE_CSS, PDF_VARIANT

    fonts = FontConfiguration()
    faces = CSS(
        string=FONT_FACE_CSS.replace("riskcards-asset:", f"{ASSETS.as_uri()}/"), font_config=fonts
    )
    attachments = [Attachment(string=attachment, name=EVIDENCE)] if attachment else []
    pdf = HTML(string=html).write_pdf(
        stylesheets=[faces],
        font_config=fonts,
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        attachments=attachments,
    )
    assert pdf is not None
    return bytes(pdf)


def plain_weasyprint(html: str) -> bytes:
    """``HTML(string=html).write_pdf()``: installed fonts only, no PDF/A, no tags, nothing
    attached; less work than riskcards asks for."""
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def main() -> None:
    from pypdf import PdfReader

    from riskcards.render.pdf import PdfAttachment, html_to_pdf

    loaded = load_frameworks()
    ev = make_snapshot()
    assessment = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)

    def release(pdf: bool = True, **kwargs: Any) -> dict[str, bytes]:
        formats = None if pdf else NO_PDF
        files = render(ev, assessment, loaded.catalogues, formats=formats, **kwargs)
        return {f.path: f.content for f in files}

    files = release(pdf=False)
    html_to_pdf("<p>warm-up</p>")  # imports WeasyPrint and Pango once, outside the timings
    t_html, _ = timed(lambda: release(pdf=False))
    start = time.perf_counter()
    release(pdf=True)
    t_first_parallel = time.perf_counter() - start
    seq, par, spent = [], [], 0.0
    for _ in range(REPEATS):  # interleaved, so both see the same machine load
        with time_inside_weasyprint() as inside:
            seq.append(timed(lambda: release(pdf=True, pdf_workers=1), 1)[0])
        spent += inside[0]
        par.append(timed(lambda: release(pdf=True), 1)[0])
    t_seq, t_par = statistics.median(seq), statistics.median(par)
    weasyprint_share = spent / sum(seq)
    workers = min(os.cpu_count() or 1, sum(1 for p in files if p.endswith(".html")))

    report = files["gap-report-nist-ai-rmf.html"].decode()
    evidence = (PdfAttachment(name=EVIDENCE, content=files[EVIDENCE]),)
    alone, plain, ours = [], [], []
    for _ in range(REPEATS):  # interleaved, so all see the same machine load
        alone.append(timed(lambda: bare_weasyprint(report, files[EVIDENCE]), 1)[0])
        plain.append(timed(lambda: plain_weasyprint(report), 1)[0])
        ours.append(timed(lambda: html_to_pdf(report, attachments=evidence), 1)[0])
    pages = len(PdfReader(io.BytesIO(html_to_pdf(report))).pages)
    t_alone, t_plain, t_ours = (statistics.median(t) for t in (alone, plain, ours))

    documents = sum(1 for p in files if p.endswith(".html"))
    print(
        f"bundle of {documents} documents; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; medians"
    )
    print(f"  HTML, JSON, Markdown only            {t_html * 1000:8.1f} ms")
    print(
        f"  + PDFs in sequence                   {t_seq * 1000:8.1f} ms   (best "
        f"{min(seq) * 1000:.0f} ms) {weasyprint_share:.1%} of it inside WeasyPrint"
    )
    print(
        f"  + PDFs in parallel ({workers} workers)        {t_par * 1000:8.1f} ms   (best "
        f"{min(par) * 1000:.0f} ms) speed-up x{t_seq / t_par:.2f} "
        f"(best x{min(seq) / min(par):.2f})"
    )
    print(
        "    first parallel call, incl. starting the worker server "
        f"{t_first_parallel * 1000:.0f} ms"
    )
    print(f"NIST AI RMF gap report (72 controls, {pages} pages), median of {REPEATS} interleaved")
    print(f"  WeasyPrint, plain write_pdf()        {t_plain * 1000:8.1f} ms")
    print(f"  WeasyPrint alone, same work          {t_alone * 1000:8.1f} ms")
    print(
        f"  riskcards html_to_pdf                {t_ours * 1000:8.1f} ms   ratio "
        f"{t_ours / t_alone:.2f}, best-to-best {min(ours) / min(alone):.2f} (target <= 1.25; "
        "shipped fonts, PDF/A-3b, tags, evidence.json)"
    )


if __name__ == "__main__":
    main()
