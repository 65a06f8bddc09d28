"""One font configuration per worker (issue 18): shared by the documents that declare no face of
their own, and never carrying one document's ``@font-face`` into the next.

PDFs are read back with pypdf: a font is known by its embedded name (the ``@font-face``
family for a declared face, e.g. ``ABCDEF+Leak``).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML

import riskcards.render.pdf as pdf_module
from riskcards.render.pdf import PdfAttachment, PdfJob, render_pdf, render_pdfs

pytestmark = pytest.mark.integration

STACK = '"riskcards Sans", sans-serif'
# a face only document A declares: the shipped mono bold font, under a family of its own
LEAK_FACE = (
    '@font-face { font-family: "Leak"; src: url("riskcards-asset:fonts/DejaVuSansMono-Bold.ttf"); }'
)


def _page(title: str, css: str, text: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{css}</style></head><body><p>{text}</p></body></html>"
    )


# A declares "Leak" and uses it; B asks for "Leak" first but declares nothing, so it must fall
# back to riskcards Sans; C is an ordinary document. With B's evidence attached, as in a bundle.
A = PdfJob(html=_page("A", f'{LEAK_FACE} p {{ font-family: "Leak", {STACK}; }}', "Alpha"))
B = PdfJob(
    html=_page("B", f'p {{ font-family: "Leak", {STACK}; }}', "Beta"),
    attachments=(PdfAttachment("evidence.json", b'{"b": 1}\n'),),
)
C = PdfJob(html=_page("C", f"p {{ font-family: {STACK}; }}", "Gamma <b>bold</b> <i>it</i>"))
SEQUENCE = (B, A, B, C, A, C, B)


def _font_names(content: bytes) -> set[str]:
    """The embedded fonts' names, without their subset prefix."""
    reader = PdfReader(io.BytesIO(content))
    fonts: list[Any] = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts.extend(font.get_object() for font in resources["/Font"].values())
    return {re.sub(r"^/[A-Z]{6}\+", "", str(font["/BaseFont"])) for font in fonts}


def _render_in_worker(job: PdfJob) -> tuple[int, bytes]:
    return os.getpid(), render_pdf(job).content


def _alone_in_a_fresh_process(job: PdfJob, tmp_path: Path, name: str) -> bytes:
    (tmp_path / f"{name}.html").write_text(job.html)
    code = (
        "import sys; from pathlib import Path; "
        "from riskcards.render.pdf import PdfAttachment, PdfJob, render_pdf; "
        "html = Path(sys.argv[1]).read_text(); "
        "attachments = (PdfAttachment('evidence.json', Path(sys.argv[2]).read_bytes()),) "
        "if sys.argv[2] else (); "
        "Path(sys.argv[3]).write_bytes(render_pdf(PdfJob(html, attachments)).content)"
    )
    evidence = ""
    if job.attachments:
        (tmp_path / f"{name}.json").write_bytes(job.attachments[0].content)
        evidence = str(tmp_path / f"{name}.json")
    out = tmp_path / f"{name}.pdf"
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / f"{name}.html"), evidence, str(out)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


@pytest.mark.slow
def test_one_worker_leaks_no_face_and_each_pdf_is_as_if_rendered_alone(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context(pdf_module._start_method())
    with ProcessPoolExecutor(1, mp_context=ctx, initializer=pdf_module._worker_init) as pool:
        # one after the other, so that each document follows the previous one in the worker
        done = [pool.submit(_render_in_worker, job).result() for job in SEQUENCE]
    assert len({pid for pid, _ in done}) == 1 and done[0][0] != os.getpid()
    by_job: dict[str, set[bytes]] = {}
    for job, (_, content) in zip(SEQUENCE, done, strict=True):
        by_job.setdefault(job.html, set()).add(content)
    assert all(len(contents) == 1 for contents in by_job.values())  # the same bytes each time
    a, b, c = (next(iter(by_job[job.html])) for job in (A, B, C))
    # B, rendered after A in the same worker, cannot use the face only A declared
    assert _font_names(a) == {"Leak-Bold"}
    assert _font_names(b) == {"riskcards-Sans"}
    assert _font_names(c) == {"riskcards-Sans", "riskcards-Sans-Bold", "riskcards-Sans-Italic"}
    for name, job, content in (("a", A, a), ("b", B, b), ("c", C, c)):
        assert content == _alone_in_a_fresh_process(job, tmp_path, name), name


def test_a_face_the_scan_misses_is_caught_and_leaks_nowhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a face reach the shared configuration (here: the scan is made blind), that
    document is rendered again with a fresh configuration and the shared one is dropped."""
    expected = {job.html: render_pdf(job).content for job in (A, B, C)}
    monkeypatch.setattr(pdf_module, "_has_own_font_faces", lambda html: False)
    rendered = [render_pdf(job).content for job in SEQUENCE]
    assert rendered == [expected[job.html] for job in SEQUENCE]
    after_a = [r for r, job in zip(rendered, SEQUENCE, strict=True) if job == B]
    assert all(_font_names(r) == {"riskcards-Sans"} for r in after_a)


def test_documents_without_faces_share_one_configuration() -> None:
    render_pdfs([C, B], workers=1)
    shared = pdf_module._thread.fonts
    render_pdfs([B, A, C], workers=1)
    assert pdf_module._thread.fonts is shared and not shared[0].polluted


def test_each_thread_has_its_own_configuration() -> None:
    """Releases of a fleet run in threads: a configuration is never used by two at once."""
    expected = render_pdf(C).content
    both_started = threading.Barrier(2, timeout=60)  # two threads, not one taking both jobs

    def in_a_thread(job: PdfJob) -> tuple[bytes, object]:
        both_started.wait()
        return render_pdf(job).content, pdf_module._thread.fonts

    with ThreadPoolExecutor(2) as pool:
        there = list(pool.map(in_a_thread, [C, C]))
    here = pdf_module._thread.fonts
    assert [content for content, _ in there] == [expected, expected]
    assert len({id(fonts) for fonts in (here, *(fonts for _, fonts in there))}) == 3


@pytest.mark.parametrize(
    ("css", "declares"),
    [
        ("p { color: red }", False),
        ("@page { size: A4 } @media print { p { color: red } }", False),
        ('p::before { content: "@font-face" }', False),
        (LEAK_FACE, True),
        (LEAK_FACE.replace("@font-face", "@FONT-Face"), True),
        (LEAK_FACE.replace("@font-face", r"@f\6f nt-face"), True),
        (f"@media print {{ @supports (display: grid) {{ {LEAK_FACE} }} }}", True),
    ],
)
def test_the_scan_finds_every_font_face_rule(css: str, declares: bool) -> None:
    assert pdf_module._has_own_font_faces(HTML(string=_page("x", css, "x"))) is declares


def test_the_scan_looks_into_inline_svg() -> None:
    html = f'<p>x</p><svg xmlns="http://www.w3.org/2000/svg"><style>{LEAK_FACE}</style></svg>'
    assert pdf_module._has_own_font_faces(HTML(string=html))


@pytest.mark.slow
def test_no_font_files_are_left_behind(tmp_path: Path) -> None:
    """WeasyPrint copies fonts to a temporary folder per configuration; every one is deleted by
    the time the process ends, workers' included, even with the CLI's ``os._exit``."""
    temp = tmp_path / "temp"
    temp.mkdir()
    code = (
        "from riskcards.render.pdf import PdfJob, render_pdfs; import sys; "
        "from riskcards.cli import _exit; "
        "jobs = [PdfJob(html) for html in sys.argv[1:]]; "
        "render_pdfs(jobs * 2, workers=2); render_pdfs(jobs, workers=1); _exit(0)"
    )
    subprocess.run(
        [sys.executable, "-c", code, A.html, B.html, C.html],
        check=True,
        capture_output=True,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert sorted(p.name for p in temp.iterdir()) == []
