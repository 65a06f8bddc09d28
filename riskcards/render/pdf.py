"""HTML to PDF with WeasyPrint (layer: render). The only module that imports weasyprint.

Rendering must never read local files or reach the network, whatever the HTML contains: the
URL fetcher refuses every URL. Our documents need none (CSS is inline); a tag such as
``<img src="file:///etc/passwd">`` smuggled into the HTML is refused, not fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any


class RefusedFetch(Exception):
    """Raised (and caught by WeasyPrint) for every URL a document tries to load."""


@cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class DenyAllFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's documented fetcher extension point, serving nothing at all."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            self.refused.append(url)
            raise RefusedFetch(f"riskcards does not fetch external resources: {url[:200]}")

    return DenyAllFetcher


def deny_all_fetcher() -> Any:
    """A new URL fetcher that refuses every URL; ``.refused`` lists what was asked for."""
    return _fetcher_class()()


@contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint logs refused fetches as errors; those are expected here."""
    loggers = [logging.getLogger(n) for n in ("weasyprint", "fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def html_to_pdf(html: str, fetcher: Any = None) -> bytes:
    """Render one self-contained HTML document to PDF bytes (deterministic for equal input)."""
    from weasyprint import HTML

    fetcher = fetcher if fetcher is not None else deny_all_fetcher()
    with _quiet_weasyprint():
        document = HTML(string=html, base_url=None, url_fetcher=fetcher)
        pdf = document.write_pdf(uncompressed_pdf=False)
    assert pdf is not None
    return bytes(pdf)
