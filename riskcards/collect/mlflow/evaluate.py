"""Recognise what ``mlflow.models.evaluate`` logged, by its metric and artifact names
(layer: collect). Pure: imports no mlflow.

Teams already evaluate with MLflow's default evaluator; its output is evidence without any
riskcards-specific logging. The names it uses are in :mod:`riskcards.models.evidence`
(``EVALUATE_CORE_METRICS``, ``EVALUATE_DEFAULT_METRICS``, ``EVALUATE_DEFAULT_ARTIFACTS``).
A run of evaluate is recognised when every core metric of a model type is present under one
prefix (the evaluator's ``metric_prefix``, usually empty).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from riskcards.models.evidence import (
    EVALUATE_CORE_METRICS,
    EVALUATE_DEFAULT_ARTIFACTS,
    EVALUATE_DEFAULT_METRICS,
    DatasetInput,
    MetricValue,
    MlflowEvaluation,
)
from riskcards.models.evidence_task import role_of_context

_COUNT = "example_count"
# evaluate writes this one without the metric prefix
_UNPREFIXED = {"per_class_metrics.csv"}


def recognise_evaluations(
    metric_keys: Iterable[str],
    artifact_paths: Iterable[str],
    model_metrics: Iterable[MetricValue] = (),
    datasets: Sequence[DatasetInput] = (),
    model_inputs: Sequence[str] = (),
) -> tuple[MlflowEvaluation, ...]:
    """The runs of ``mlflow.models.evaluate`` whose output is among these metrics and artifacts.

    ``model_metrics`` (an MLflow 3 logged model's metrics, which carry the dataset they were
    computed on) tell which dataset each evaluation used; else the dataset input evaluate
    logged (its context is the metric prefix, or none without one). ``model_inputs`` are the
    models the run used: with one, it is the model evaluated. The role comes from the metric
    prefix (``val_``, ``test_``...), else the dataset's, else it is ``evaluation``.
    """
    found = _recognise(set(metric_keys), set(artifact_paths), model_metrics)
    model = model_inputs[0] if len(model_inputs) == 1 else None
    return tuple(_placed(e, datasets, model) for e in found)


def _placed(
    e: MlflowEvaluation, datasets: Sequence[DatasetInput], model: str | None
) -> MlflowEvaluation:
    """An evaluation with its dataset (when not known yet), model and role."""
    context = e.metric_prefix or None
    same = [d for d in datasets if d.context == context]
    if e.dataset_name is None and len(same) == 1:
        e = e.model_copy(update={"dataset_name": same[0].name, "dataset_digest": same[0].digest})
    role = role_of_context(e.metric_prefix) or (same[0].role if len(same) == 1 else None)
    return e.model_copy(update={"model": model, "role": role or "evaluation"})


def evaluated_datasets(
    datasets: Sequence[DatasetInput], evaluations: Sequence[MlflowEvaluation], recorded: str | None
) -> tuple[DatasetInput, ...]:
    """The datasets, each that evaluate used without a role of its own given the evaluation's
    role. ``recorded`` is the run's ``mlflow.datasets`` tag (the datasets evaluate recorded,
    as JSON): a dataset named there without a context is an evaluation dataset too."""
    named = {(e.dataset_name, e.dataset_digest): e.role for e in evaluations if e.role}
    names = _recorded_names(recorded)
    placed = []
    for d in datasets:
        role = d.role or named.get((d.name, d.digest))
        if role is None and d.context is None and d.name in names:
            role = "evaluation"
        placed.append(d if role == d.role else d.model_copy(update={"role": role}))
    return tuple(placed)


def _recorded_names(recorded: str | None) -> set[str]:
    try:
        entries = json.loads(recorded) if recorded else []
    except ValueError:
        return set()
    if not isinstance(entries, list):
        return set()
    return {str(e["name"]) for e in entries if isinstance(e, dict) and e.get("name")}


def _recognise(
    keys: set[str], paths: set[str], model_metrics: Iterable[MetricValue]
) -> list[MlflowEvaluation]:
    datasets = {m.key: (m.dataset_name, m.dataset_digest) for m in model_metrics if m.dataset_name}
    found = []
    for prefix in sorted({k[: -len(_COUNT)] for k in keys if k.endswith(_COUNT)}):
        for model_type, core in EVALUATE_CORE_METRICS.items():
            if not all(prefix + name in keys for name in core):
                continue
            names = EVALUATE_DEFAULT_METRICS[model_type]
            artifacts = sorted(
                p
                for p in paths
                if p in {prefix + a for a in EVALUATE_DEFAULT_ARTIFACTS}
                or (p in _UNPREFIXED and model_type == "classifier")
            )
            dataset_name, dataset_digest = datasets.get(prefix + _COUNT, (None, None))
            found.append(
                MlflowEvaluation(
                    model_type=model_type,
                    metric_prefix=prefix,
                    metrics=tuple(prefix + n for n in names if prefix + n in keys),
                    artifacts=tuple(artifacts),
                    dataset_name=dataset_name,
                    dataset_digest=dataset_digest,
                )
            )
    return found
