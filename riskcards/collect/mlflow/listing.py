"""The registry's listing for a fleet: which model versions to release (layer: collect).

Registered models and versions are selected with MLflow's own filter syntax
(``search_registered_models`` / ``search_model_versions``: ``name LIKE 'credit-%'``,
``tags.team = 'risk'``), each search paged to the end. The default is every registered model's
aliased versions, else its latest version; ``all_versions`` takes every version. Requests grow
with pages, not with versions. Imports no mlflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from riskcards.collect.mlflow.calls import Calls, Secrets, error_code, mlflow_limits
from riskcards.collect.mlflow.faults import quiet_warnings, translate_errors
from riskcards.collect.mlflow.session import open_client
from riskcards.collect.mlflow.source import resolve_tracking_uri
from riskcards.collect.sources import DEFAULT_DEADLINE_SECONDS
from riskcards.collect.targets import TargetSpec
from riskcards.errors import EvidenceSourceError, UsageError
from riskcards.redact import redact_uri

PAGE_SIZE = 1000  # MLflow's maximum for registered models; also used for versions


@dataclass(frozen=True)
class ListedVersion:
    """One registered model version selected for release."""

    name: str
    version: str
    aliases: tuple[str, ...]

    @property
    def target(self) -> str:
        return f"models:/{self.name}/{self.version}"


def list_versions(
    tracking_uri: str | None,
    *,
    model_filter: str | None = None,
    version_filter: str | None = None,
    all_versions: bool = False,
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS,
) -> tuple[ListedVersion, ...]:
    """The selected versions, sorted by model name then version number."""
    uri = resolve_tracking_uri(tracking_uri)
    calls = Calls(
        deadline_seconds, f"the MLflow registry at {redact_uri(uri)}", Secrets.gather(uri)
    )
    spec = TargetSpec(uri="the registry's listing", kind="registry")  # named in errors
    try:
        with mlflow_limits(calls.request_timeout), quiet_warnings(), translate_errors(spec, calls):
            return select(
                *_search(calls, uri, model_filter, version_filter), all_versions=all_versions
            )
    except _Rejected as exc:
        raise UsageError(str(exc)) from None


class _Rejected(EvidenceSourceError):
    """A filter MLflow rejects (passed through the error translation, then a usage error)."""


def _search(
    calls: Calls, uri: str, model_filter: str | None, version_filter: str | None
) -> tuple[list[Any], list[Any]]:
    client = open_client(uri)
    models = _paged(
        calls, "registered-models/search", client.search_registered_models, model_filter,
        "--filter",
    )  # fmt: skip
    versions = _paged(
        calls, "model-versions/search", client.search_model_versions, version_filter,
        "--version-filter",
    )  # fmt: skip
    return models, versions


def select(
    models: list[Any], versions: list[Any], *, all_versions: bool
) -> tuple[ListedVersion, ...]:
    """Per selected model: every version, or its aliased ones, else its latest."""
    aliases = {
        rm.name: {str(a): str(v) for a, v in dict(rm.aliases or {}).items()} for rm in models
    }
    by_model: dict[str, set[str]] = {}
    for mv in versions:
        if mv.name in aliases:
            by_model.setdefault(mv.name, set()).add(str(mv.version))
    chosen: list[ListedVersion] = []
    for name, numbers in sorted(by_model.items()):
        named = set(aliases[name].values()) & numbers
        picked = numbers if all_versions else named or {max(numbers, key=int)}
        for number in sorted(picked, key=int):
            tags = tuple(sorted(a for a, v in aliases[name].items() if v == number))
            chosen.append(ListedVersion(name=name, version=number, aliases=tags))
    return tuple(chosen)


def _paged(
    calls: Calls, operation: str, search: Callable[..., Any], filt: str | None, option: str
) -> list[Any]:
    """Every page of one search; a filter MLflow rejects is a usage error naming the option."""
    found: list[Any] = []
    token = None
    while True:
        try:
            page = calls.call(
                operation, search, filter_string=filt or "", max_results=PAGE_SIZE, page_token=token
            )
        except Exception as exc:
            if error_code(exc) != "INVALID_PARAMETER_VALUE":
                raise
            message = f"{option} {filt!r}: MLflow rejects it: {calls.message(str(exc))}"
            raise _Rejected(message) from None
        found += list(page)
        token = getattr(page, "token", None)
        if not token:
            return found
