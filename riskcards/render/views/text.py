"""Small text helpers the views and templates share (layer: render): pure.

Long identifiers (MLflow run IDs, sha256 digests, URIs) are shortened where a reader scans
(tables, one-line citations); the full form is printed once, in an appendix.
"""

from __future__ import annotations

import re

_HEX = re.compile(r"\b[0-9a-f]{32,64}\b")
_LONG_URI = 48


def short_id(value: str, keep: int = 8) -> str:
    """``0123456789abcdef...`` -> ``01234567…``: a hash or run ID, shortened."""
    return value if len(value) <= keep + 1 else value[:keep] + "\u2026"


def short_ids(value: str) -> str:
    """A text with each run ID and digest in it shortened to 8 characters."""
    return _HEX.sub(lambda m: short_id(m.group(0)), value)


def short_locator(value: str) -> str:
    """An evidence locator or URI with each run ID and digest shortened to 8 characters, and
    what remains cut to a readable length."""
    text = short_ids(value)
    return text if len(text) <= _LONG_URI else text[: _LONG_URI - 1] + "\u2026"


def store_label(tracking_uri: str | None) -> str | None:
    """How documents name a tracking store: a server by its host, a local store as "local
    store (<scheme>)", never by its path on someone's disk."""
    if not tracking_uri:
        return tracking_uri
    scheme, sep, rest = tracking_uri.partition("://")
    if not sep:
        return "local store (file)" if "/" in tracking_uri or "\\" in tracking_uri else scheme
    if scheme in ("http", "https", "databricks", "postgresql", "mysql", "mssql"):
        host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
        return f"{scheme}://{host}" if host else scheme
    return f"local store ({scheme})"
