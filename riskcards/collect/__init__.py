"""The collect stage (layer: collect): a target URI in, an evidence snapshot out.

Entry point: :func:`collect`. The target's scheme chooses the :class:`Source`
(:mod:`.sources`): MLflow for ``runs:/`` and ``models:/`` (:mod:`.mlflow`), a saved snapshot
for ``evidence:<path>`` (:mod:`.snapshot`), or one registered with :func:`register_source`.
"""

from __future__ import annotations

from riskcards.collect.sources import (
    CollectOptions,
    Source,
    register_source,
    registered_source,
    resolve,
    source_for,
    unregister_source,
)
from riskcards.collect.targets import TargetSpec
from riskcards.models.evidence import EvidenceSnapshot

__all__ = [
    "CollectOptions",
    "Source",
    "TargetSpec",
    "collect",
    "register_source",
    "registered_source",
    "resolve",
    "source_for",
    "unregister_source",
]


def collect(target: str | TargetSpec, options: CollectOptions | None = None) -> EvidenceSnapshot:
    """The evidence for a target, from the source its scheme names.

    Raises:
        UsageError: a malformed target or option (exit 2).
        ConfigError: an unreadable or invalid snapshot file (exit 2).
        EvidenceSourceError: the source could not give the evidence (exit 3).
    """
    source, spec = resolve(target) if isinstance(target, str) else (source_for(target.uri), target)
    options = options or CollectOptions()
    options.check()
    return source.collect(spec, options)
