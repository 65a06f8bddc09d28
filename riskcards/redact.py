"""Credentials out of text and URIs, for messages and outputs (layer: redact, beside errors).

Used wherever a URI or a message may reach a person or a file: the CLI's error line, the
evidence snapshot's provenance, the MLflow source's messages. Imports nothing of riskcards.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


def redact_uri(uri: str) -> str:
    """The URI with any user, password or token in it removed (for messages and outputs)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable URI>"
    secret = re.compile(r"(?i)^(token|access_token|password|passwd|key|api_key|secret|auth|sig)=")
    query = [q for q in parts.query.split("&") if q]
    kept = [q for q in query if not secret.match(q)]
    if "@" not in parts.netloc and len(kept) == len(query):
        return uri  # nothing to remove: keep the URI exactly as given (sqlite:////abs/path)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "&".join(kept), parts.fragment))


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
_SECRET_PARAM = re.compile(r"(?i)\b(token|access_token|password|passwd|api_key|secret|sig)=[^&\s]+")


def scrub(text: str) -> str:
    """Remove credentials from free text (URLs with user:password@, token=... parameters)."""
    return _SECRET_PARAM.sub(r"\1=<redacted>", _USERINFO.sub(r"\1", text))
