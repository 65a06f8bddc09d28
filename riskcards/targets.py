"""Target URIs in MLflow's own forms, parsed without importing mlflow (layer: models).

runs:/<run_id>[/<artifact path>]
models:/<name>/<version>
models:/<name>@<alias>
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from riskcards.errors import UsageError

_RUN_ID = re.compile(r"^[0-9a-zA-Z_-]{1,64}$")
_FORMS = "runs:/<run_id>, models:/<name>/<version> or models:/<name>@<alias>"


@dataclass(frozen=True)
class TargetSpec:
    """A parsed target URI: exactly one of run_id, (name, version) or (name, alias)."""

    uri: str
    kind: Literal["run", "model_version", "model_alias"]
    run_id: str | None = None
    name: str | None = None
    version: str | None = None
    alias: str | None = None


def parse_target(uri: str) -> TargetSpec:
    """Parse a target URI or raise :class:`UsageError` saying which forms are accepted."""
    text = uri.strip()
    if text.startswith("runs:/"):
        run_id = text[len("runs:/") :].strip("/").split("/", 1)[0]
        if not _RUN_ID.match(run_id):
            raise UsageError(f"target {uri!r}: {run_id!r} is not a run id; expected {_FORMS}")
        return TargetSpec(uri=text, kind="run", run_id=run_id)
    if text.startswith("models:/"):
        rest = text[len("models:/") :].strip("/")
        if "@" in rest:
            name, _, alias = rest.rpartition("@")
            if name and alias and "/" not in alias:
                return TargetSpec(uri=text, kind="model_alias", name=name, alias=alias)
        else:
            name, _, version = rest.rpartition("/")
            if name and version.isdigit():
                return TargetSpec(uri=text, kind="model_version", name=name, version=version)
            if name and version:
                raise UsageError(
                    f"target {uri!r}: {version!r} is not a version number (model stages are "
                    f"deprecated in MLflow; use an alias: models:/{name}@<alias>)"
                )
        raise UsageError(f"target {uri!r} is not a model URI; expected {_FORMS}")
    raise UsageError(f"target {uri!r} is not an MLflow URI; expected {_FORMS}")


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
