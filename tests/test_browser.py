"""The HTML documents in a real browser: Debian's headless Chromium lays each one out at
400 px (a phone) and 1280 px (a laptop); the page body must not overflow sideways, and chart
text must stay legible (at least 9 px high).

Each document is opened in an iframe of the given width (headless Chromium will not make
a window narrower than 500 px); a probe script added to a copy of the document reports its
measures to the wrapper page, which Chromium prints with ``--dump-dom``. Chromium is
installed by ``make system-deps`` (``make test`` runs it) when root; the test is skipped,
saying so, only when Chromium is absent and cannot be installed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from riskcards.load.catalogues import Loaded
from riskcards.render import render
from tests.render.conftest import NO_PDF, assessed

WIDTHS = (400, 1280)
MIN_CHART_TEXT_PX = 9
PROBE = """<script>
window.addEventListener('load', () => {
  const d = document.documentElement, b = document.body;
  const texts = [...document.querySelectorAll('svg text')]
    .map(t => t.getBoundingClientRect().height).filter(h => h > 0);
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1)
    .filter(e => !e.closest('.scroll, figure'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  parent.postMessage(JSON.stringify({doc: location.pathname.split('/').pop(),
    inner: window.innerWidth, client: d.clientWidth, scroll: d.scrollWidth,
    body: b.scrollWidth, minText: texts.length ? Math.min(...texts) : null, wide}), '*');
});
</script>"""


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() == 0:
        pytest.fail("Chromium is missing: `make system-deps` (run by `make test`) installs it")
    pytest.skip("Chromium is not installed and we are not root: apt-get install chromium")


def _wrapper(width: int, docs: list[str]) -> str:
    frames = "".join(
        f'<iframe src="{d}" style="width:{width}px;height:800px;border:0"></iframe>' for d in docs
    )
    return (
        f'<!DOCTYPE html><html><body style="margin:0">{frames}<pre id="out"></pre><script>'
        "const seen = [];"
        "window.addEventListener('message', e => { seen.push(e.data);"
        " document.getElementById('out').textContent = '[' + seen.join(',') + ']'; });"
        "</script></body></html>"
    )


def _measure(chromium: str, folder: Path, width: int, docs: list[str]) -> list[dict[str, object]]:
    page = folder / f"wrapper-{width}.html"
    page.write_text(_wrapper(width, docs))
    result = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            f"--user-data-dir={folder / 'profile'}",
            "--window-size=1400,1000",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="out">([^<]*)</pre>', result.stdout)
    assert found, f"no measures from Chromium: {result.stderr[-2000:]}"
    return list(json.loads(html.unescape(found.group(1))))


def test_documents_reflow_without_sideways_overflow_and_legible_charts(
    loaded: Loaded, tmp_path: Path
) -> None:
    chromium = _chromium()
    ev, a = assessed(loaded)
    files = {f.path: f.content for f in render(ev, a, loaded.catalogues, formats=NO_PDF)}
    docs = []
    for path, content in files.items():
        if path.endswith(".html"):
            name = path.replace("/", "_")
            text = content.decode().replace("</body>", PROBE + "</body>")
            (tmp_path / name).write_text(text)
            docs.append(name)
    assert {"model-card.html", "gap-report-nist-ai-rmf.html", "soa-iso-iec-42001.html"} <= set(docs)
    for width in WIDTHS:
        measures = _measure(chromium, tmp_path, width, docs)
        assert sorted(m["doc"] for m in measures) == sorted(docs), width  # type: ignore[type-var]
        for m in measures:
            where = f"{m['doc']} at {width} px"
            assert m["inner"] == width, where
            assert m["scroll"] <= m["client"], f"{where}: the page scrolls sideways: {m}"
            assert m["body"] <= m["inner"], f"{where}: the body overflows: {m}"
            assert m["wide"] == [], f"{where}: elements stick out: {m['wide']}"
            if m["minText"] is not None:
                assert m["minText"] >= MIN_CHART_TEXT_PX, f"{where}: chart text too small: {m}"
    assert any(m["minText"] is not None for m in measures), (
        "no chart measured: the model card draws coverage charts"
    )
