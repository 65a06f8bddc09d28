"""The run's evidence: metrics and their histories, params, tags, datasets (layer: collect).

One ``runs/get`` gives the latest value of every metric, whatever their number; a metric's
full history (``metrics/get-history``, paged by MLflow to the end) is read only when asked.
:func:`run_evidence` puts the run together with what the other reads found (experiment name,
artifact listing, tables, evaluations). Imports no mlflow.
"""

from __future__ import annotations

from typing import Any

from riskcards.collect.mlflow.calls import error_code, is_not_found
from riskcards.collect.mlflow.session import Session
from riskcards.collect.mlflow.values import metric_value, timestamp
from riskcards.errors import NotFound
from riskcards.models.evidence import (
    ArtifactInfo,
    ChildRun,
    DatasetInput,
    MetricPoint,
    MetricValue,
    MlflowEvaluation,
    RunEvidence,
    TableArtifact,
)
from riskcards.redact import redact_uri

_DESCRIPTION_TAG = "mlflow.note.content"
_CONTEXT_TAG = "mlflow.data.context"
PARENT_TAG = "mlflow.parentRunId"
MAX_CHILDREN = 1000


def get_run(s: Session, run_id: str) -> Any:
    """The run as MLflow gives it; :class:`NotFound` when the store has no such run."""
    try:
        return s.calls.call("runs/get", s.client.get_run, run_id)
    except Exception as exc:
        if not is_not_found(exc) and error_code(exc) != "INVALID_PARAMETER_VALUE":
            raise
        raise NotFound(f"no run {run_id!r} in this tracking store") from None


def latest(raw: Any) -> list[Any]:
    """The latest value of every metric of the run, as MLflow's protobuf entries."""
    return list(raw.data.to_proto().metrics)


def metrics(raw: Any, histories: dict[str, tuple[MetricPoint, ...]]) -> tuple[MetricValue, ...]:
    """The run's metrics, sorted by key, each with its history when it was read."""
    values = (
        MetricValue(
            key=m.key,
            value=metric_value(m.value),
            step=int(m.step or 0),
            timestamp=timestamp(m.timestamp),
            history=histories.get(m.key),
        )
        for m in latest(raw)
    )
    return tuple(sorted(values, key=lambda m: m.key))


def history(s: Session, run_id: str, key: str) -> tuple[MetricPoint, ...]:
    """Every logged value of one metric, in MLflow's order."""
    # MlflowClient.get_metric_history pages through the whole history (no cap)
    points = s.calls.call("metrics/get-history", s.client.get_metric_history, run_id, key)
    return tuple(
        MetricPoint(
            value=metric_value(p.value), step=int(p.step or 0), timestamp=timestamp(p.timestamp)
        )
        for p in points
    )


def run_evidence(
    raw: Any,
    experiment_name: str | None,
    metrics: tuple[MetricValue, ...],
    listing: tuple[ArtifactInfo, ...],
    tables: tuple[TableArtifact, ...],
    evaluations: tuple[MlflowEvaluation, ...],
    family: tuple[str | None, tuple[ChildRun, ...]] = (None, ()),
) -> RunEvidence:
    """The run's evidence, from the run as MLflow gave it and what the other reads found."""
    info, data = raw.info, raw.data
    tags = dict(data.tags)
    return RunEvidence(
        run_id=info.run_id,
        run_name=info.run_name or None,
        experiment_id=str(info.experiment_id),
        experiment_name=experiment_name,
        status=str(info.status),
        lifecycle_stage=getattr(info, "lifecycle_stage", None) or None,
        user=info.user_id or None,
        start_time=timestamp(info.start_time),
        end_time=timestamp(info.end_time),
        description=tags.get(_DESCRIPTION_TAG) or None,
        artifact_uri=redact_uri(info.artifact_uri) if info.artifact_uri else None,
        metrics=metrics,
        params=dict(sorted(data.params.items())),
        tags=dict(sorted((k, v) for k, v in tags.items() if not k.startswith("mlflow."))),
        system_tags=dict(sorted((k, v) for k, v in tags.items() if k.startswith("mlflow."))),
        datasets=_datasets(raw),
        model_inputs=model_ids(raw, "inputs", "model_inputs"),
        model_outputs=model_ids(raw, "outputs", "model_outputs"),
        artifacts=listing,
        tables=tables,
        evaluations=evaluations,
        parent_run_id=tags.get(PARENT_TAG) or None,
        parent_run_name=family[0],
        children=family[1],
    )


def parent_name(s: Session, raw: Any) -> str | None:
    """The name of the run's parent (``mlflow.parentRunId``); None when it has none or the
    parent cannot be read (the id is kept either way)."""
    parent = dict(raw.data.tags).get(PARENT_TAG)
    if not parent:
        return None
    try:
        found = s.calls.call("runs/get", s.client.get_run, parent)
    except Exception as exc:
        if is_not_found(exc) or error_code(exc) == "INVALID_PARAMETER_VALUE":
            return None
        raise
    return found.info.run_name or None


def children(s: Session, raw: Any) -> tuple[ChildRun, ...]:
    """The runs nested under this one (tag ``mlflow.parentRunId``), with their latest metrics."""
    info = raw.info
    found = s.calls.call(
        "runs/search",
        s.client.search_runs,
        [str(info.experiment_id)],
        filter_string=f"tags.{PARENT_TAG} = '{info.run_id}'",
        max_results=MAX_CHILDREN,
    )
    return tuple(
        sorted(
            (
                ChildRun(
                    run_id=r.info.run_id,
                    run_name=r.info.run_name or None,
                    status=str(r.info.status) if r.info.status else None,
                    metrics=dict(sorted(r.data.metrics.items())),
                )
                for r in found
            ),
            key=lambda c: (c.run_name or "", c.run_id),
        )
    )


def model_ids(raw: Any, side: str, attribute: str) -> tuple[str, ...]:
    """The ids of the MLflow 3 models the run used (``inputs``) or logged (``outputs``)."""
    entries = getattr(getattr(raw, side, None), attribute, None) or ()
    return tuple(dict.fromkeys(str(e.model_id) for e in entries if getattr(e, "model_id", None)))


def _datasets(raw: Any) -> tuple[DatasetInput, ...]:
    found: list[DatasetInput] = []
    for di in getattr(getattr(raw, "inputs", None), "dataset_inputs", None) or ():
        ds = di.dataset
        tags = {t.key: t.value for t in di.tags or ()}
        found.append(
            DatasetInput(
                name=ds.name,
                digest=ds.digest,
                source_type=ds.source_type,
                source=ds.source,
                dataset_schema=ds.schema or None,
                profile=ds.profile or None,
                context=tags.get(_CONTEXT_TAG),
                tags=dict(sorted((k, v) for k, v in tags.items() if k != _CONTEXT_TAG)),
            )
        )
    return tuple(sorted(found, key=lambda d: (d.context or "", d.name, d.digest)))
