"""What a release is about: a target URI, parsed once into a :class:`TargetSpec` (layer: collect).

The scheme (the text before the first ``:``) chooses the evidence source (see
:mod:`riskcards.collect.sources`); the source parses the rest. MLflow's own forms are parsed
here, without importing mlflow:

runs:/<run_id>[/<artifact path>]
models:/<name>/<version>
models:/<name>/latest          (the highest version number; the card says so)
models:/<name>@<alias>
models:/m-<model_id>           (an MLflow 3 logged model, as ``log_model`` returns it)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from riskcards.errors import UsageError

_RUN_ID = re.compile(r"^[0-9a-zA-Z_-]{1,64}$")
_LOGGED_MODEL = re.compile(r"^m-[0-9a-zA-Z]{1,64}$")
_FORMS = (
    "runs:/<run_id>, models:/<name>/<version>, models:/<name>/latest, models:/<name>@<alias> "
    "or models:/m-<model_id>"
)


@dataclass(frozen=True)
class TargetSpec:
    """A parsed target URI. MLflow targets have exactly one of run_id, (name, version) or
    (name, alias); other sources use ``kind`` and ``path`` as they need."""

    uri: str
    kind: str
    run_id: str | None = None
    name: str | None = None
    version: str | None = None
    alias: str | None = None
    path: str | None = None

    @property
    def scheme(self) -> str:
        return scheme_of(self.uri) or ""


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def scheme_of(uri: str) -> str | None:
    """The scheme of a target URI (``runs``, ``models``, ``evidence``...), lower-cased."""
    found = _SCHEME.match(uri.strip())
    return found.group(1).lower() if found else None


MLFLOW_FORMS = (
    "runs:/<run_id>",
    "models:/<name>/<version>",
    "models:/<name>/latest",
    "models:/<name>@<alias>",
    "models:/m-<model_id>",
)


def parse_target(uri: str) -> TargetSpec:
    """Parse an MLflow target URI or raise :class:`UsageError` saying which forms are accepted."""
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
        elif _LOGGED_MODEL.match(rest):
            return TargetSpec(uri=text, kind="logged_model", path=rest)
        else:
            name, _, version = rest.rpartition("/")
            if name and version.isdigit():
                return TargetSpec(uri=text, kind="model_version", name=name, version=version)
            if name and version == "latest":
                return TargetSpec(uri=text, kind="model_latest", name=name)
            if name and version:
                raise UsageError(
                    f"target {uri!r}: {version!r} is not a version number (model stages are "
                    f"deprecated in MLflow; use an alias: models:/{name}@<alias>)"
                )
        raise UsageError(f"target {uri!r} is not a model URI; expected {_FORMS}")
    raise UsageError(f"target {uri!r} is not an MLflow URI; expected {_FORMS}")
