"""MLflow as an evidence source (layer: collect): ``runs:/...`` and ``models:/...`` targets.

- :class:`MlflowSource`: the :class:`~riskcards.collect.sources.Source` registered for the
  ``runs`` and ``models`` schemes.
- :mod:`.source`: ``collect()``, the entry point: the concurrent reads and the snapshot.
- :mod:`.session`: the one module that imports mlflow (inside functions only): the client,
  credentials, artifact repositories, versions.
- :mod:`.registry` (model versions, aliases), :mod:`.runs` (metrics, params, datasets),
  :mod:`.logged_models` (MLflow 3 logged models, MLmodel), :mod:`.provenance`,
  :mod:`.faults` (errors to messages with near matches), :mod:`.values`.
- :mod:`.calls`: every call under one deadline, with riskcards' own retries, query counts
  and credential redaction.
- :mod:`.artifacts`: artifact listings, evaluation tables (size cap, sha256), MLmodel files.
- :mod:`.evaluate`: what ``mlflow.models.evaluate`` logged, recognised by name.
"""

from __future__ import annotations

from riskcards.collect.sources import CollectOptions
from riskcards.collect.targets import MLFLOW_FORMS, TargetSpec, parse_target
from riskcards.models.evidence import EvidenceSnapshot


class MlflowSource:
    """A run or a registered model version in an MLflow store or tracking server."""

    schemes = ("runs", "models")
    forms = MLFLOW_FORMS

    def parse(self, uri: str) -> TargetSpec:
        return parse_target(uri)

    def collect(self, spec: TargetSpec, options: CollectOptions) -> EvidenceSnapshot:
        from riskcards.collect.mlflow.source import collect, resolve_tracking_uri

        return collect(
            spec,
            resolve_tracking_uri(options.tracking_uri),
            history=options.history,
            fetch_tables=options.fetch_tables,
            max_table_bytes=options.max_table_bytes,
            deadline_seconds=options.deadline_seconds,
        )
