"""The model registry: the registered model and the version a target names (layer: collect).

``models:/<name>/<version>`` and ``models:/<name>@<alias>`` resolve here to a
:class:`~riskcards.models.evidence.ModelVersionEvidence`: the version (description, tags,
status, source run, and on MLflow 3 the logged model behind it) with its registered model
(description, tags, every alias). An unknown name, alias or version is a :class:`NotFound`
that lists what exists or the near matches. Imports no mlflow.
"""

from __future__ import annotations

import re
from typing import Any

from riskcards.collect.mlflow.calls import is_not_found
from riskcards.collect.mlflow.faults import near
from riskcards.collect.mlflow.session import Session
from riskcards.collect.mlflow.values import timestamp
from riskcards.collect.targets import TargetSpec
from riskcards.errors import NotFound
from riskcards.models.evidence import ModelVersionEvidence

PAGE_SIZE = 1000  # registered models per search request (MLflow's maximum)
_LOGGED_MODEL_SOURCE = re.compile(r"^models:/(m-[0-9a-zA-Z]+)/?$")


def model_version(s: Session, spec: TargetSpec) -> ModelVersionEvidence | None:
    """The registered model version the target names (None for a run target)."""
    if spec.kind in ("run", "logged_model"):
        return None
    assert spec.name is not None
    registered = _registered_model(s, spec.name)
    aliases = {str(a): str(v) for a, v in dict(registered.aliases or {}).items()}
    number = _latest(s, spec.name) if spec.kind == "model_latest" else None
    version = _get_version(s, spec.name, number or _version_number(spec, aliases))
    model_id = getattr(version, "model_id", None) or None
    if model_id is None and (m := _LOGGED_MODEL_SOURCE.match(version.source or "")):
        model_id = m.group(1)
    return ModelVersionEvidence(
        name=version.name,
        version=str(version.version),
        aliases=tuple(sorted(a for a, v in aliases.items() if v == str(version.version))),
        description=version.description or None,
        source=version.source,
        run_id=version.run_id or None,
        model_id=model_id,
        status=str(version.status) if version.status else None,
        user=getattr(version, "user_id", None) or None,
        created=timestamp(version.creation_timestamp),
        last_updated=timestamp(getattr(version, "last_updated_timestamp", None)),
        tags=dict(sorted(dict(version.tags or {}).items())),
        registered_model_description=registered.description or None,
        registered_model_tags=dict(sorted(dict(registered.tags or {}).items())),
        registered_model_aliases=dict(sorted(aliases.items())),
    )


def _version_number(spec: TargetSpec, aliases: dict[str, str]) -> str:
    if spec.kind != "model_alias":
        assert spec.version is not None
        return spec.version
    if spec.alias not in aliases:
        raise NotFound(
            f"registered model {spec.name!r} has no alias {spec.alias!r}"
            + ("" if aliases else " (it has no aliases)"),
            near=near(spec.alias or "", aliases) or sorted(aliases),
        )
    return aliases[spec.alias]


def _latest(s: Session, name: str) -> str:
    """``models:/<name>/latest``: the highest version number of the registered model."""
    versions = _versions(s, name)
    if not versions:
        raise NotFound(f"registered model {name!r} has no versions, so no latest version")
    return versions[-1]


def _versions(s: Session, name: str) -> list[str]:
    found = s.calls.call(
        "model-versions/search", s.client.search_model_versions, f"name='{_quote(name)}'"
    )
    return sorted({str(mv.version) for mv in found}, key=int)


def _get_version(s: Session, name: str, number: str) -> Any:
    try:
        return s.calls.call("model-versions/get", s.client.get_model_version, name, number)
    except Exception as exc:
        if not is_not_found(exc):
            raise
    versions = _versions(s, name)
    raise NotFound(
        f"registered model {name!r} has no version {number}"
        + (f" (versions: {', '.join(versions)})" if versions else " (it has no versions)")
    )


def _registered_model(s: Session, name: str) -> Any:
    try:
        return s.calls.call("registered-models/get", s.client.get_registered_model, name)
    except Exception as exc:
        if not is_not_found(exc):
            raise
        raise NotFound(f"no registered model {name!r}", near=near(name, _names(s))) from None


def _names(s: Session) -> list[str]:
    """Every registered model's name, page after page (each page a call under the deadline)."""
    names: list[str] = []
    token = None
    while True:
        page = s.calls.call(
            "registered-models/search",
            s.client.search_registered_models,
            max_results=PAGE_SIZE,
            page_token=token,
        )
        names += [rm.name for rm in page]
        token = getattr(page, "token", None)
        if not token:
            return names


def _quote(name: str) -> str:
    return name.replace("'", "\\'")
