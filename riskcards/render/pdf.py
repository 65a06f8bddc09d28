"""HTML to PDF/A-3b with WeasyPrint (layer: render). The only module that imports weasyprint.

Nothing outside riskcards is read or fetched, whatever the HTML contains. The URL fetcher
serves one private scheme, ``riskcards-asset:``, and only the files shipped in
``riskcards/assets`` (the fonts); every other URL (``file:``, ``http:``, ``data:``, a
relative path...) is refused and recorded in the fetcher's ``.refused``. A tag such as
``<img src="file:///etc/passwd">`` smuggled into the HTML is refused, not fetched.

Fonts: every PDF uses the DejaVu fonts shipped in ``riskcards/assets/fonts``, declared by
:data:`FONT_FACE_CSS` under the private families ``"riskcards Sans"`` and ``"riskcards Mono"``
(the templates' font stacks must name them first). A private name is needed: given an
``@font-face`` named "DejaVu Sans", fontconfig prefers an installed font of the same name, so
the output would depend on the machine. Installed fonts are only a fallback for characters
DejaVu lacks. The faces are added by this module, not by the templates' CSS, so the HTML
files carry no URL a browser cannot resolve and a user's template cannot drop them.

Every PDF is PDF/A-3b: sRGB output intent, XMP metadata (title, language and dates, the
dates from the document's ``dcterms.created``/``dcterms.modified``, i.e. the as-of time) and
the given attachments (the bundle's ``evidence.json``) embedded as associated files. Output
is byte-identical for identical input: WeasyPrint derives the PDF identifier and font subset
names from content hashes, and attachment dates come from the document, not the clock.
Every PDF is tagged (WeasyPrint's ``pdf_tags``): a structure tree of headings, paragraphs,
lists and tables, so screen readers and reflowing viewers can read it (PDF/UA's core need).

One font configuration per thread (so per worker): loading the faces into a new fontconfig
configuration and Pango font map costs each document 20 to 30 ms, and its fonts are loaded
again. The shared configuration only ever holds :data:`FONT_FACE_CSS`; a document that
declares ``@font-face`` rules of its own (a user's template may) gets a fresh configuration
of its own, so no face leaks from one document into the next. Documents are scanned for such
rules before rendering (every ``<style>`` element, inline SVG's included: the fetcher serves no
stylesheet, so these are the only ones); should one reach the shared configuration anyway, the
configuration is dropped and the document rendered again with a fresh one. Either way a
document's bytes are those of rendering it alone in a fresh process.

:func:`render_pdfs` renders several documents in parallel worker processes ("forkserver"
or "spawn", never plain fork: MLflow may have started threads in the parent).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import shutil
import signal
import sys
import threading
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from riskcards.signals import signals_held

ASSET_SCHEME = "riskcards-asset"
ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
SANS_FAMILY = "riskcards Sans"
MONO_FAMILY = "riskcards Mono"
PDF_VARIANT = "pdf/a-3b"

# (family, weight, style, file under riskcards/assets)
_FONT_FACES = (
    (SANS_FAMILY, "normal", "normal", "fonts/DejaVuSans.ttf"),
    (SANS_FAMILY, "bold", "normal", "fonts/DejaVuSans-Bold.ttf"),
    (SANS_FAMILY, "normal", "italic", "fonts/DejaVuSans-Oblique.ttf"),
    (SANS_FAMILY, "bold", "italic", "fonts/DejaVuSans-BoldOblique.ttf"),
    (MONO_FAMILY, "normal", "normal", "fonts/DejaVuSansMono.ttf"),
    (MONO_FAMILY, "bold", "normal", "fonts/DejaVuSansMono-Bold.ttf"),
)
FONT_FACE_CSS = "\n".join(
    f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
    f'src: url("{ASSET_SCHEME}:{path}") format("truetype"); }}'
    for family, weight, style, path in _FONT_FACES
)
# the only kinds of file the fetcher serves, with the media type it declares for them
_SERVED_TYPES = {".ttf": "font/ttf"}
# an attachment's date when the document states none (keeps the output deterministic)
_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)

Relationship = Literal["Source", "Data", "Alternative", "Supplement", "Unspecified"]


class RefusedFetch(Exception):
    """Raised (and caught by WeasyPrint) for every URL that is not a riskcards asset."""


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF as a PDF/A-3 associated file."""

    name: str
    content: bytes
    description: str = ""
    relationship: Relationship = "Data"


@dataclass(frozen=True)
class PdfJob:
    """One document to render: its HTML and the files to embed (picklable for workers)."""

    html: str
    attachments: tuple[PdfAttachment, ...] = ()


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF, the URLs its document asked for in vain, WeasyPrint's warnings."""

    content: bytes
    refused: tuple[str, ...] = ()
    log: tuple[str, ...] = ()


@cache
def _assets() -> dict[str, Path]:
    """Every file the fetcher may serve, by its path under riskcards/assets (POSIX form).

    Lookups are exact matches against this table, so ``..``, absolute paths, %-escapes and
    symlinks out of the folder can never name anything else.
    """
    root = ASSETS_DIR.resolve()
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.suffix in _SERVED_TYPES and p.is_file() and p.resolve().is_relative_to(root)
    }


def asset_path(url: str) -> Path | None:
    """The shipped file a ``riskcards-asset:`` URL names, or None for any other URL."""
    prefix = f"{ASSET_SCHEME}:"
    return _assets().get(url[len(prefix) :]) if url.startswith(prefix) else None


@cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RiskcardsFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's documented fetcher extension point, serving riskcards' assets only.

        ``fetch`` never calls the base class, so no handler (file, http, ftp, data) and no
        redirect is ever used.
        """

        def __init__(self) -> None:
            super().__init__(
                allowed_protocols=(ASSET_SCHEME,), allow_redirects=False, fail_on_errors=False
            )
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = asset_path(url)
            if path is None:
                self.refused.append(url)
                raise RefusedFetch(f"riskcards does not fetch external resources: {url[:200]}")
            self.served.append(url)
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": _SERVED_TYPES[path.suffix]}
            )

    return RiskcardsFetcher


def riskcards_fetcher() -> Any:
    """A new URL fetcher serving only riskcards' assets; ``.refused`` lists what it refused."""
    return _fetcher_class()()


# The earlier name: every URL that is not a riskcards asset is still refused.
deny_all_fetcher = riskcards_fetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def _weasyprint_log() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings and errors instead of printing them.

    Refused fetches are logged as errors by WeasyPrint; they are expected here and reported
    through the fetcher instead.
    """
    handler = _Collect()
    wp, ft = logging.getLogger("weasyprint"), logging.getLogger("fontTools")
    saved = wp.propagate, ft.level
    wp.addHandler(handler)
    wp.propagate = False
    ft.setLevel(logging.CRITICAL)
    try:
        yield handler.messages
    finally:
        wp.removeHandler(handler)
        wp.propagate, _ = saved
        ft.setLevel(saved[1])


def _document_date(value: str | None) -> datetime | None:
    """A W3C date from the document's metadata, in UTC (a date without zone is UTC)."""
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return parsed and parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _unique_associated_files(document: Any, pdf: Any) -> None:
    """List each associated file once in the catalog's /AF (WeasyPrint 70 lists it twice)."""
    if associated := pdf.catalog.get("AF"):
        associated[:] = list(dict.fromkeys(associated))


@lru_cache(maxsize=64)
def _declares_font_faces(css: str) -> bool:
    """Whether a stylesheet has an ``@font-face`` rule anywhere (nested in ``@media`` or any
    block too; CSS escapes such as ``@f\\6fnt-face`` are decoded by the tokenizer)."""
    import tinycss2

    nodes = list(tinycss2.parse_component_value_list(css))
    while nodes:
        node = nodes.pop()
        if node.type == "at-keyword" and node.lower_value == "font-face":
            return True
        nodes.extend(getattr(node, "content", None) or getattr(node, "arguments", None) or ())
    return False


def _has_own_font_faces(html: Any) -> bool:
    """Whether a parsed document declares ``@font-face`` rules in any ``<style>`` element."""
    return any(
        isinstance(element.tag, str)
        and element.tag.rpartition("}")[2].lower() == "style"
        and _declares_font_faces("".join(element.itertext()))
        for element in html.etree_element.iter()
    )


@cache
def _shared_fonts_class() -> type:
    from weasyprint.text.fonts import FontConfiguration

    class SharedFonts(FontConfiguration):  # type: ignore[misc]
        """The configuration with riskcards' faces only, shared by a thread's documents that
        declare none. A face added once it is sealed marks it ``polluted``."""

        sealed = False
        polluted = False
        pid = 0  # the process that made it (a fork's copy is not its to delete)

        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
            self.polluted = self.polluted or self.sealed
            return super().add_font_face(rule_descriptors, url_fetcher)

    return SharedFonts


_thread = threading.local()
# every shared configuration alive, whose fonts are deleted at exit (a thread's configuration
# is freed after the thread ends, and WeasyPrint deletes its fonts then)
_shared: weakref.WeakSet[Any] = weakref.WeakSet()
_cleanup_at_exit: set[int] = set()  # the processes that registered _delete_shared_fonts


def _fonts(fetcher: Any, shared: bool) -> tuple[Any, Any]:
    """A font configuration with riskcards' faces and the stylesheet declaring them: the
    thread's shared pair, or a fresh pair (its faces fetched with ``fetcher``)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    if not shared:
        fonts = FontConfiguration()
        return fonts, CSS(string=FONT_FACE_CSS, font_config=fonts, url_fetcher=fetcher)
    pair = getattr(_thread, "fonts", None)
    if pair is None:
        fonts = _shared_fonts_class()()
        faces = CSS(string=FONT_FACE_CSS, font_config=fonts, url_fetcher=riskcards_fetcher())
        fonts.sealed, fonts.pid = True, os.getpid()
        if os.getpid() not in _cleanup_at_exit:  # at this process's exit, a worker's too
            multiprocessing.util.Finalize(None, _delete_shared_fonts, exitpriority=0)
            _cleanup_at_exit.add(os.getpid())
        _shared.add(fonts)
        pair = _thread.fonts = (fonts, faces)
    return pair


def _delete_fonts(fonts: Any) -> None:
    """Delete the temporary folder where WeasyPrint copied a configuration's fonts, once it is
    done with. WeasyPrint deletes it when the configuration is garbage-collected, which may
    never happen (it sits in reference cycles, the CLI and the workers end with ``os._exit``)
    or happen at the interpreter's shutdown, too late to call anything."""
    if folder := getattr(fonts, "_folder", None):
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None


def _delete_shared_fonts() -> None:
    """At exit: delete the fonts of every shared configuration this process made."""
    for fonts in list(_shared):
        if fonts.pid == os.getpid():
            _delete_fonts(fonts)


def _layout(job: PdfJob, fetcher: Any) -> tuple[Any, Any]:
    """The laid-out document and its font configuration: the thread's shared one unless the
    document declares faces of its own, or one reached the shared configuration (which is
    then dropped, and the document laid out again with a fresh one)."""
    from weasyprint import HTML

    def lay_out(shared: bool) -> tuple[Any, Any]:
        html = HTML(string=job.html, base_url=None, url_fetcher=fetcher)
        fonts, faces = _fonts(fetcher, shared and not _has_own_font_faces(html))
        document = html.render(
            font_config=fonts, stylesheets=[faces], pdf_variant=PDF_VARIANT, pdf_tags=True
        )
        return document, fonts

    document, fonts = lay_out(shared=True)
    if getattr(fonts, "polluted", False):
        del _thread.fonts
        _shared.discard(fonts)
        _delete_fonts(fonts)
        document, fonts = lay_out(shared=False)
    return document, fonts


def _render(job: PdfJob, fetcher: Any) -> tuple[bytes, list[str]]:
    from weasyprint import Attachment

    with _weasyprint_log() as log:
        document, fonts = _layout(job, fetcher)
        meta = document.metadata
        created = _document_date(meta.created) or _NO_DATE
        modified = _document_date(meta.modified) or created
        attachments = [
            Attachment(
                string=a.content,
                name=a.name,
                description=a.description,
                created=created,
                modified=modified,
                relationship=a.relationship,
                url_fetcher=fetcher,
            )
            for a in job.attachments
        ]
        pdf = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            attachments=attachments,
            uncompressed_pdf=False,
            finisher=_unique_associated_files,
        )
    if not getattr(fonts, "sealed", False):  # a fresh configuration: its fonts are done with
        _delete_fonts(fonts)
    assert pdf is not None
    return bytes(pdf), log


def render_pdf(job: PdfJob) -> RenderedPdf:
    """Render one document in this process (deterministic for equal input)."""
    fetcher = riskcards_fetcher()
    content, log = _render(job, fetcher)
    return RenderedPdf(content=content, refused=tuple(fetcher.refused), log=tuple(log))


def html_to_pdf(
    html: str, fetcher: Any = None, *, attachments: Sequence[PdfAttachment] = ()
) -> bytes:
    """Render one self-contained HTML document to PDF/A-3b bytes (deterministic)."""
    fetcher = fetcher if fetcher is not None else riskcards_fetcher()
    return _render(PdfJob(html=html, attachments=tuple(attachments)), fetcher)[0]


_PR_SET_PDEATHSIG = 1


def _start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def render_pdfs(jobs: Sequence[PdfJob], workers: int | None = None) -> list[RenderedPdf]:
    """Render documents in parallel processes; the results are in the order of ``jobs``.

    ``workers`` defaults to one per CPU (at most one per job); with one worker, or one job,
    rendering happens in this process. The output is identical either way.
    """
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers <= 1:
        return [render_pdf(job) for job in jobs]
    ctx = multiprocessing.get_context(_start_method())
    if ctx.get_start_method() == "forkserver":
        # Workers fork from a server (a fresh single-threaded process) that has imported
        # WeasyPrint and the main module once, instead of each worker importing them again.
        ctx.set_forkserver_preload(["__main__", "weasyprint", __name__])
    # Longest document first, so the slowest one does not start last.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].html))
    # SIGINT/SIGTERM wait while workers start, so that every started worker is known (and
    # stopped below) and none is left half-started. A signal that arrived meanwhile is
    # raised as the block ends, with the workers already started: they are stopped too.
    pool: ProcessPoolExecutor | None = None
    try:
        with signals_held():
            try:
                pool = ProcessPoolExecutor(
                    max_workers=workers, mp_context=ctx, initializer=_worker_init
                )
                futures = {i: pool.submit(render_pdf, jobs[i]) for i in order}
            except (OSError, ImportError, NotImplementedError):  # e.g. no working sem_open
                pool = None
        if pool is None:
            return [render_pdf(job) for job in jobs]
        results = [futures[i].result() for i in range(len(jobs))]
    except BaseException:  # an error, SIGINT or SIGTERM: no worker outlives the release
        if pool is not None:
            _stop_workers(pool)
            _stop_helpers()
        raise
    pool.shutdown()
    _stop_helpers()
    return results


def _stop_helpers() -> None:
    """Stop the fork server and the resource tracker that multiprocessing started for the
    pool: they would otherwise outlive the release (issue 18). The next parallel render
    starts them again."""
    from multiprocessing import forkserver, resource_tracker

    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)
        try:
            if stop is not None:
                stop()
        except OSError:  # already gone (e.g. stopped by a signal): nothing left to stop
            pass


def _worker_init() -> None:
    """In each worker: SIGINT is the parent's to handle, and the worker dies with its parent
    (Linux ``PR_SET_PDEATHSIG``), so even a killed release leaves no orphan."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        p.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.join(timeout=5)
