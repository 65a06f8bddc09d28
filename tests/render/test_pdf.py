"""PDF output: fetching, shipped fonts, metadata, bookmarks, PDF/A-3b, long cells, parallelism.

PDFs are read back with pypdf and checked by structure and text, never by pixels.
"""

from __future__ import annotations

import io
import itertools
import json
import logging
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from weasyprint import HTML

import riskcards.render.pdf as pdf_module
from riskcards.assess import assess
from riskcards.load.catalogues import Loaded
from riskcards.models.project import Sidecars, SoaControl, SoaSection
from riskcards.render import render
from riskcards.render.pdf import (
    ASSETS_DIR,
    FONT_FACE_CSS,
    PdfAttachment,
    PdfJob,
    RefusedFetch,
    asset_path,
    deny_all_fetcher,
    html_to_pdf,
    render_pdf,
    render_pdfs,
    riskcards_fetcher,
)
from riskcards.resources import templates_dir
from tests.conftest import AS_OF, make_snapshot

FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
)
FONT_URLS = {f"riskcards-asset:fonts/{name}" for name in FONTS}
PDF_DATE = "D:20261128120000Z"
NIST = "gap-report-nist-ai-rmf"
# the font stacks the templates use: the shipped fonts first
SANS = '"riskcards Sans", "DejaVu Sans", sans-serif'
MONO = '"riskcards Mono", "DejaVu Sans Mono", monospace'
SAMPLE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fonts</title>'
    f"<style>html {{ font-family: {SANS}; }} code {{ font-family: {MONO}; }}</style></head>"
    "<body><h1>Fonts</h1><p>Regular, <b>bold</b>, <i>italic</i>, <b><i>bold italic</i></b>, "
    "<code>mono</code>, <b><code>mono bold</code></b>; Ünïcödé ÆØÅ Ωμέγα Кириллица → ≥ ✓.</p>"
    "</body></html>"
)

pytestmark = pytest.mark.integration


# --- reading PDFs back ------------------------------------------------------------------------


def _reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def _fonts(reader: PdfReader) -> dict[str, str]:
    """BaseFont of every font used -> full name inside its embedded font program."""
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            program = descriptor.get_object()["/FontFile2"].get_object().get_data()
            found[str(font["/BaseFont"])] = TTFont(io.BytesIO(program))["name"].getDebugName(4)
    return found


def _outline(reader: PdfReader) -> list[tuple[int, str]]:
    def walk(items: list[Any], depth: int) -> Iterator[tuple[int, str]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, " ".join(item.title.split())

    return list(walk(reader.outline, 0))


def _xmp(reader: PdfReader) -> ET.Element:
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return ET.fromstring(data.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])


class _Headings(HTMLParser):
    """The text of every h1-h6 and bookmarked table header (``th.bookmark``), in document
    order, whitespace normalised: everything the PDF outline must list."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if re.fullmatch(r"h[1-6]", tag) or (tag == "th" and ("class", "bookmark") in attrs):
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]|th", tag) and self._open is not None:
            self.headings.append(" ".join("".join(self._open).split()))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def _headings(html: str) -> list[str]:
    parser = _Headings()
    parser.feed(html)
    return parser.headings


def _sidecars(loaded: Loaded) -> Sidecars:
    """A Statement of Applicability with every status, so its widest words are laid out."""
    kinds = ("implemented", "partially_implemented", "not_implemented")
    controls = tuple(
        SoaControl(control=c.id, implementation=kinds[i % 3], justification=f"Risk of {c.id}")
        for i, c in enumerate(loaded.catalogues["iso-iec-42001"].controls)
    )
    soa = SoaSection(id="SOA-1", version="1", scope="credit", approver="CRO", controls=controls)
    return Sidecars(soa=soa)


@pytest.fixture(scope="module")
def bundle(loaded: Loaded) -> dict[str, bytes]:
    ev = make_snapshot()
    assessment = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    files = render(ev, assessment, loaded.catalogues, pdf_workers=2, sidecars=_sidecars(loaded))
    return {f.path: f.content for f in files}


def _pdfs(bundle: dict[str, bytes]) -> list[str]:
    paths = sorted(p for p in bundle if p.endswith(".pdf"))
    assert len(paths) == 6  # model card, two dataset sheets, two gap reports, the SoA
    return paths


# --- fetching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/font.ttf",
        "data:font/ttf;base64,AAAA",
        "ftp://example.com/x",
        "fonts/DejaVuSans.ttf",
        "riskcards-asset:",
        "riskcards-asset:../render/pdf.py",
        "riskcards-asset:/etc/passwd",
        "riskcards-asset:fonts/../fonts/DejaVuSans.ttf",
        "riskcards-asset:./fonts/DejaVuSans.ttf",
        "riskcards-asset:fonts%2FDejaVuSans.ttf",
        "riskcards-asset:fonts/DejaVuSans.ttf?x=1",
        "riskcards-asset:fonts/DejaVuSans.ttf#x",
        "riskcards-asset://fonts/DejaVuSans.ttf",
        "riskcards-asset:fonts\\DejaVuSans.ttf",
        "RISKCARDS-ASSET:fonts/DejaVuSans.ttf",
        "riskcards-asset:fonts/LICENSE",
        "riskcards-asset:fonts",
        "riskcards-asset:../../pyproject.toml",
    ],
)
def test_fetcher_refuses_everything_but_the_shipped_assets(url: str) -> None:
    fetcher = riskcards_fetcher()
    with pytest.raises(RefusedFetch):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.served == []
    assert asset_path(url) is None


def test_fetcher_serves_the_shipped_fonts_and_their_licence_ships_too() -> None:
    fetcher = riskcards_fetcher()
    for url in sorted(FONT_URLS):
        response = fetcher.fetch(url)
        assert response.read() == (ASSETS_DIR / url.split(":", 1)[1]).read_bytes()
        assert response.content_type == "font/ttf"
    assert sorted(fetcher.served) == sorted(FONT_URLS) and fetcher.refused == []
    assert all(url in FONT_FACE_CSS for url in FONT_URLS)
    licence = (ASSETS_DIR / "fonts" / "LICENSE").read_text()
    assert "Bitstream Vera" in licence and "DejaVu changes are in public domain" in licence


def test_a_document_gets_nothing_but_riskcards_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during rendering")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    hostile = {
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "file:///etc/hosts",
        "riskcards-asset:../render/pdf.py",
        "riskcards-asset:fonts/../../../pyproject.toml",
        "riskcards-asset:fonts/LICENSE",
        "https://example.com/a.json",
        "http://127.0.0.1:9/x.svg",
    }
    html = (
        '<html lang="en"><head><title>x</title>'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<link rel="attachment" href="https://example.com/a.json">'
        '<style>@import url("file:///etc/hosts");'
        'p { background: url("riskcards-asset:../render/pdf.py"); }'
        '@font-face { font-family: X; src: url("riskcards-asset:fonts/../../../pyproject.toml"); }'
        "</style></head><body><p>text</p>"
        '<img src="file:///etc/passwd"><img src="riskcards-asset:fonts/LICENSE">'
        '<object data="http://127.0.0.1:9/x.svg"></object></body></html>'
    )
    result = render_pdf(PdfJob(html=html))
    assert set(result.refused) == hostile
    assert _reader(result.content).attachments == {}
    fetcher = riskcards_fetcher()
    html_to_pdf(html, fetcher)
    assert set(fetcher.refused) == hostile and set(fetcher.served) == FONT_URLS


# --- fonts ------------------------------------------------------------------------------------


def test_pdf_embeds_subsets_of_the_shipped_dejavu_fonts() -> None:
    reader = _reader(html_to_pdf(SAMPLE))
    fonts = _fonts(reader)
    names = {re.sub(r"^/[A-Z]{6}\+", "", base): program for base, program in fonts.items()}
    assert names == {
        "riskcards-Sans": "DejaVu Sans",
        "riskcards-Sans-Bold": "DejaVu Sans Bold",
        "riskcards-Sans-Italic": "DejaVu Sans Oblique",
        "riskcards-Sans-Bold-Italic": "DejaVu Sans Bold Oblique",
        "riskcards-Mono": "DejaVu Sans Mono",
        "riskcards-Mono-Bold": "DejaVu Sans Mono Bold",
    }
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Ünïcödé ÆØÅ Ωμέγα Кириллица → ≥ ✓" in text


def _render_without_installed_fonts(html: str, tmp_path: Path) -> bytes:
    """Render in a subprocess whose fontconfig knows no font at all."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "PYTHONWARNINGS": "ignore"}
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list"], env=env, capture_output=True, text=True, check=True)
        assert listed.stdout.strip() == ""
    (tmp_path / "in.html").write_text(html)
    code = (
        "import sys; from pathlib import Path; from riskcards.render.pdf import html_to_pdf; "
        "Path(sys.argv[2]).write_bytes(html_to_pdf(Path(sys.argv[1]).read_text()))"
    )
    subprocess.run(
        [sys.executable, "-c", code, tmp_path / "in.html", tmp_path / "out.pdf"],
        env=env,
        check=True,
        capture_output=True,
    )
    return (tmp_path / "out.pdf").read_bytes()


@pytest.mark.slow
def test_output_does_not_depend_on_installed_fonts(tmp_path: Path) -> None:
    assert _render_without_installed_fonts(SAMPLE, tmp_path) == html_to_pdf(SAMPLE)


@pytest.mark.slow
def test_bundle_pdfs_do_not_depend_on_installed_fonts(
    bundle: dict[str, bytes], tmp_path: Path
) -> None:
    html = bundle[f"{NIST}.html"].decode()
    assert _render_without_installed_fonts(html, tmp_path) == html_to_pdf(html), (
        "the templates' font-family must name the shipped fonts first: "
        f"html {{ font-family: {SANS} }}, code {{ font-family: {MONO} }}"
    )


def test_bundle_pdfs_embed_only_dejavu(bundle: dict[str, bytes]) -> None:
    for path in _pdfs(bundle):
        fonts = _fonts(_reader(bundle[path]))
        assert fonts and all(name.startswith("DejaVu Sans") for name in fonts.values()), fonts


# --- metadata and structure -------------------------------------------------------------------


def test_metadata_title_language_and_dates_from_as_of(bundle: dict[str, bytes]) -> None:
    for path in _pdfs(bundle):
        html = bundle[path.removesuffix(".pdf") + ".html"].decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title
        reader = _reader(bundle[path])
        info = reader.metadata
        assert info is not None
        assert info.title == title.group(1).replace("&amp;", "&")
        assert info["/CreationDate"] == info["/ModDate"] == PDF_DATE
        assert reader.trailer["/Root"]["/Lang"] == "en"
        xmp = reader.xmp_metadata
        assert xmp is not None and xmp.xmp_create_date == xmp.xmp_modify_date == AS_OF.replace(
            tzinfo=None
        )
        assert xmp.dc_title == {"x-default": info.title}


def test_running_header_and_footer_on_every_page(bundle: dict[str, bytes]) -> None:
    model = make_snapshot().target.display
    for path in _pdfs(bundle):
        html = bundle[path.removesuffix(".pdf") + ".html"].decode()
        title = _headings(html)[0]
        pages = _reader(bundle[path]).pages
        for number, page in enumerate(pages, start=1):
            text = " ".join(page.extract_text().split())
            assert f"{title} {model}" in text, (path, number)
            assert f"Page {number} of {len(pages)}" in text, (path, number)


def test_bookmarks_for_every_heading(bundle: dict[str, bytes]) -> None:
    for path in _pdfs(bundle):
        html = bundle[path.removesuffix(".pdf") + ".html"].decode()
        outline = _outline(_reader(bundle[path]))
        assert [title for _, title in outline] == _headings(html), path
        assert outline[0][0] == 0 and all(depth > 0 for depth, _ in outline[1:])


def test_gap_report_bookmarks_every_control(bundle: dict[str, bytes], loaded: Loaded) -> None:
    outline = _outline(_reader(bundle[f"{NIST}.pdf"]))
    controls = [c.id for c in loaded.catalogues["nist-ai-rmf"].controls]
    assert len(controls) == 72
    missing = [c for c in controls if not any(t == c or t.startswith(f"{c} ") for _, t in outline)]
    assert missing == [], f"{len(missing)} controls have no bookmark"


# --- PDF/A-3b and the evidence attachment ---------------------------------------------------


def _without_table_contents(evidence: bytes) -> dict[str, Any]:
    """evidence.json as PDFs embed it: each table's content left out (issue 18)."""
    data = json.loads(evidence)
    for table in data["run"]["tables"]:
        if table["content"] is not None:
            table.update(content=None, content_in="evidence.json of the bundle", rows=None)
    return data


def test_every_pdf_is_pdfa_3b_with_the_evidence_attached(bundle: dict[str, bytes]) -> None:
    evidence = bundle["evidence.json"]
    for path in _pdfs(bundle):
        content = bundle[path]
        reader = _reader(content)
        assert content.startswith(b"%PDF-1.7\n")
        xmp = _xmp(reader)
        ns = "{http://www.aiim.org/pdfa/ns/id/}"
        ident = [
            d
            for d in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
            if d.get(f"{ns}part")
        ]
        assert [(d.get(f"{ns}part"), d.get(f"{ns}conformance")) for d in ident] == [("3", "B")]
        assert list(reader.attachments) == ["evidence.json"]
        assert _without_table_contents(evidence) == json.loads(
            reader.attachments["evidence.json"][0]
        )
        root = reader.trailer["/Root"]
        (spec,) = [ref.get_object() for ref in root["/AF"]]
        assert spec["/AFRelationship"] == "/Data" and spec["/UF"] == "evidence.json"
        assert spec["/Desc"] == "The evidence snapshot this document was rendered from"
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Subtype"] == "/application/json"
        assert stream["/Params"]["/CreationDate"] == stream["/Params"]["/ModDate"] == PDF_DATE
        (intent,) = root["/OutputIntents"]
        assert intent.get_object()["/S"] == "/GTS_PDFA1"
        assert len(reader.trailer["/ID"]) == 2


def _struct_types(node: object, found: set[str]) -> None:
    obj = node.get_object()  # type: ignore[attr-defined]
    if isinstance(obj, dict) or hasattr(obj, "get"):
        if "/S" in obj:
            found.add(str(obj["/S"]))
        kids = obj.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                    _struct_types(kid, found)


def test_every_pdf_is_tagged_with_a_structure_tree(bundle: dict[str, bytes]) -> None:
    for path in _pdfs(bundle):
        root = _reader(bundle[path]).trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]), path
        types: set[str] = set()
        _struct_types(root["/StructTreeRoot"], types)
        assert {"/H1", "/P", "/Table", "/TH", "/TD"} <= types, (path, sorted(types))


def test_pdfs_are_identical_in_parallel_and_in_sequence(
    bundle: dict[str, bytes], loaded: Loaded
) -> None:
    ev = make_snapshot()
    assessment = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    files = render(ev, assessment, loaded.catalogues, pdf_workers=1, sidecars=_sidecars(loaded))
    assert {f.path: f.content for f in files} == bundle


def test_identical_input_gives_identical_bytes() -> None:
    job = PdfJob(html=SAMPLE, attachments=(PdfAttachment("evidence.json", b'{"a": 1}\n'),))
    assert render_pdf(job) == render_pdf(job)
    other = PdfJob(html=SAMPLE, attachments=(PdfAttachment("evidence.json", b'{"a": 2}\n'),))
    assert render_pdf(other).content != render_pdf(job).content


def test_one_document_renders_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("started worker processes for one document")

    monkeypatch.setattr(pdf_module, "ProcessPoolExecutor", no_pool)
    job = PdfJob(html="<p>one</p>")
    assert render_pdfs([job], workers=8) == [render_pdf(job)]
    assert len(render_pdfs([job, job], workers=1)) == 2


def test_weasyprint_logging_is_restored() -> None:
    logger = logging.getLogger("weasyprint")
    handlers, propagate = list(logger.handlers), logger.propagate
    result = render_pdf(PdfJob(html='<img src="file:///etc/passwd">'))
    assert any("file:///etc/passwd" in line for line in result.log)
    assert logger.handlers == handlers and logger.propagate == propagate


# --- long content -----------------------------------------------------------------------------


@pytest.mark.slow
def test_long_cells_break_across_lines_and_pages_without_losing_content() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    token = "".join(alphabet[(i * 7919 + i // 62) % 62] for i in range(5000))
    evidence = [
        f"runs:/{i:032x} metric slice/region/r{i}/accuracy step {i} = 0.{i:04d}" for i in range(400)
    ]
    css = (templates_dir() / "riskcards.css").read_text()
    cells = "<br>".join(f"<code>{e}</code>" for e in evidence)
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Long cells</title>'
        f"<style>{css}</style></head><body><h1>Long cells</h1><table><thead><tr>"
        "<th>Control</th><th>Title</th><th>Status</th><th>Evidence</th></tr></thead><tbody>"
        f"<tr><th scope='row'>TOKEN-1</th><td>{token}</td><td></td><td></td></tr>"
        f"<tr><th scope='row'>TOKEN-2</th><td></td><td></td><td><code>{token}</code></td></tr>"
        f"<tr><th scope='row'>LIST-1</th><td></td><td></td><td>{cells}</td></tr>"
        "</tbody></table><p>END-OF-DOCUMENT</p></body></html>"
    )
    result = render_pdf(PdfJob(html=html))
    assert result.log == ()
    pages = _reader(result.content).pages
    assert len(pages) > 3
    # Drop the running header and footer and the repeated table header, and join what the
    # pages show. (Each long cell's neighbours are empty: their text would be drawn, and
    # extracted, between the parts of a cell that breaks across pages.)
    margins = re.compile(r"Long cells|riskcards|Page \d+ of \d+|Control Title Status Evidence|\s+")
    body = "".join(margins.sub("", page.extract_text()) for page in pages)
    assert body.count(token) == 2
    positions = [body.find(re.sub(r"\s+", "", e)) for e in evidence]
    assert -1 not in positions and positions == sorted(positions)
    assert body.endswith("END-OF-DOCUMENT")


def test_pdf_refuses_every_fetch_and_is_deterministic(loaded: Loaded) -> None:
    hostile = (
        '<img src="file:///etc/passwd"><script>alert(1)</script>{{ 7*7 }}{% raw %}'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">[click](javascript:alert(1))'
    )
    fetcher = deny_all_fetcher()
    html = f'<html lang="en"><body><p>{hostile}</p><img src="file:///etc/passwd"></body></html>'
    first = html_to_pdf(html, fetcher)
    assert "file:///etc/passwd" in fetcher.refused
    assert html_to_pdf(html) == first
    ev = make_snapshot()
    assessment = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    a = {f.path: f.content for f in render(ev, assessment, loaded.catalogues)}
    b = {f.path: f.content for f in render(ev, assessment, loaded.catalogues)}
    assert a == b
    assert a["model-card.pdf"].startswith(b"%PDF-")


# --- layout: nothing wraps mid-token --------------------------------------------------------


def _split_tokens(text: str, tokens: set[str]) -> set[str]:
    """Tokens that a line break cuts in two: on neither line whole, across the break whole."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    cut = set()
    for a, b in itertools.pairwise(lines):
        for token in tokens:
            if token in a or token in b:
                continue
            for i in range(1, len(token)):
                if a.endswith(token[:i]) and b.startswith(token[i:].lstrip()):
                    cut.add(token)
    return cut


def test_headers_identifiers_and_numbers_never_wrap_mid_token(
    bundle: dict[str, bytes], loaded: Loaded
) -> None:
    words = {
        "Control",
        "Controls",
        "Applies",
        "Justification",
        "Implementation",
        "Assessment",
        "assessed",
        "applicable",
        "implemented",
        "Subcategory",
        "Recomputed",
        "Threshold",
        "Verdict",
        "Logged",
        "partially",
        "not",
    }
    ids = {c.id for cat in ("iso-iec-42001",) for c in loaded.catalogues[cat].controls}
    ids |= {c.id for c in loaded.mapping.checks}
    for path in (f"{NIST}.pdf", "soa-iso-iec-42001.pdf", "model-card.pdf"):
        text = "\n".join(p.extract_text() for p in _reader(bundle[path]).pages)
        assert _split_tokens(text, words | ids) == set(), path


def test_the_attached_evidence_leaves_out_table_contents(loaded: Loaded) -> None:
    """Issue 18: a 200,000-row table stays in evidence.json but not in the PDFs, which keep
    its path, size and sha256; the attachment stays under 300 KB."""
    import hashlib

    from riskcards.models.evidence import TableArtifact

    rows = [[i, i % 2, (i % 997) / 997] for i in range(200_000)]
    content = json.dumps({"columns": ["id", "label", "score"], "data": rows})
    sha = hashlib.sha256(content.encode()).hexdigest()
    table = TableArtifact(
        path="eval/big.json",
        format="json",
        status="loaded",
        size=len(content),
        sha256=sha,
        content=content,
    )
    ev = make_snapshot(tables=(table,))
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    files = {f.path: f.content for f in render(ev, a, loaded.catalogues, pdf_workers=1)}
    assert content in json.loads(files["evidence.json"])["run"]["tables"][0]["content"]
    attached = _reader(files["model-card.pdf"]).attachments["evidence.json"][0]
    assert len(attached) <= 300_000 and len(files["evidence.json"]) > 3_000_000
    (embedded,) = json.loads(attached)["run"]["tables"]
    assert embedded["content"] is None and embedded["sha256"] == sha
    assert embedded["size"] == len(content) and embedded["path"] == "eval/big.json"


# --- one font configuration per worker ------------------------------------------------------
# One font configuration per worker (issue 18): shared by the documents that declare no face of
# their own, and never carrying one document's ``@font-face`` into the next.
#
# PDFs are read back with pypdf: a font is known by its embedded name (the ``@font-face``
# family for a declared face, e.g. ``ABCDEF+Leak``).

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
