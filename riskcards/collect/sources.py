"""Evidence sources: the :class:`Source` protocol and the registry by URI scheme (layer: collect).

A source turns a target URI into an :class:`~riskcards.models.evidence.EvidenceSnapshot`.
The scheme of the target (the text before the first ``:``) chooses the source:

=============  ===========================================  =====================================
scheme         source                                       module
=============  ===========================================  =====================================
``runs``       an MLflow run                                :mod:`riskcards.collect.mlflow`
``models``     an MLflow model version (number or alias)    :mod:`riskcards.collect.mlflow`
``evidence``   a saved snapshot (``evidence.json``)         :mod:`riskcards.collect.snapshot`
=============  ===========================================  =====================================

Another source registers itself with :func:`register_source`; nothing else changes: the
target is parsed once (:func:`resolve`), and the CLI, the API and the bundle treat every
source alike. Registering imports nothing heavy: a source imports its client library inside
``collect`` only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from riskcards.collect.targets import TargetSpec, scheme_of
from riskcards.errors import UsageError
from riskcards.models.evidence import EvidenceSnapshot

DEFAULT_DEADLINE_SECONDS = 60.0
DEFAULT_MAX_TABLE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CollectOptions:
    """How to collect: where the store is and how much to read, within what time."""

    tracking_uri: str | None = None
    history: bool = False
    fetch_tables: bool = True
    max_table_bytes: int = DEFAULT_MAX_TABLE_BYTES
    deadline_seconds: float = DEFAULT_DEADLINE_SECONDS

    def check(self) -> None:
        """Refuse options no source could honour (a usage error, exit 2)."""
        if not (self.deadline_seconds > 0 and math.isfinite(self.deadline_seconds)):
            raise UsageError(
                f"the deadline must be a positive number of seconds, not {self.deadline_seconds}"
            )
        if self.max_table_bytes < 0:
            raise UsageError(
                f"the table size cap must be 0 or more bytes, not {self.max_table_bytes}"
            )


@runtime_checkable
class Source(Protocol):
    """Where evidence comes from. ``forms`` are shown to people ("runs:/<run_id>")."""

    @property
    def schemes(self) -> tuple[str, ...]: ...

    @property
    def forms(self) -> tuple[str, ...]: ...

    def parse(self, uri: str) -> TargetSpec:
        """The target, validated; a malformed one raises UsageError naming the forms."""
        ...

    def collect(self, spec: TargetSpec, options: CollectOptions) -> EvidenceSnapshot:
        """The evidence for a parsed target; failures raise EvidenceSourceError (exit 3)."""
        ...


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    """Make ``source`` collect the targets of its schemes. A scheme can have one source."""
    if not isinstance(source, Source):
        raise TypeError(f"{source!r} does not implement riskcards.collect.Source")
    taken = [s for s in source.schemes if s in _SOURCES and _SOURCES[s] is not source]
    if taken:
        raise ValueError(f"scheme(s) {', '.join(taken)} already have a source")
    for scheme in source.schemes:
        _SOURCES[scheme.lower()] = source


def unregister_source(source: Source) -> None:
    """Remove a source registered with :func:`register_source` (for tests and plugins)."""
    for scheme in [k for k, v in _SOURCES.items() if v is source]:
        del _SOURCES[scheme]


@contextmanager
def registered_source(source: Source) -> Iterator[Source]:
    """A source registered for the duration of a ``with`` block."""
    register_source(source)
    try:
        yield source
    finally:
        unregister_source(source)


def sources() -> tuple[Source, ...]:
    """Every registered source, built-in ones first, each once."""
    _builtins()
    return tuple(dict.fromkeys(_SOURCES.values()))


def _forms() -> str:
    forms = [f for s in sources() for f in s.forms]
    return ", ".join(forms[:-1]) + " or " + forms[-1] if len(forms) > 1 else "".join(forms)


def source_for(uri: str) -> Source:
    """The source registered for a target URI's scheme, or a usage error listing the forms."""
    _builtins()
    scheme = scheme_of(uri)
    source = _SOURCES.get(scheme) if scheme else None
    if source is None:
        raise UsageError(f"target {uri!r} is not an MLflow URI; expected {_forms()}")
    return source


def resolve(uri: str) -> tuple[Source, TargetSpec]:
    """The source for a target URI and the target parsed by it (the one place it is parsed)."""
    source = source_for(uri)
    return source, source.parse(uri)


@cache
def _builtins() -> None:
    """Register the built-in sources once (late, so plugins may import this module first)."""
    from riskcards.collect.mlflow import MlflowSource
    from riskcards.collect.snapshot import SnapshotSource

    for source in (MlflowSource(), SnapshotSource()):
        if not any(s in _SOURCES for s in source.schemes):
            register_source(source)
