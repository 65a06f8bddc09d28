"""Recognise what ``mlflow.models.evaluate`` logged, by its metric and artifact names
(layer: collect). Pure: imports no mlflow.

Teams already evaluate with MLflow's default evaluator; its output is evidence without any
riskcards-specific logging. The names it uses are in :mod:`riskcards.models.evidence`
(``EVALUATE_CORE_METRICS``, ``EVALUATE_DEFAULT_METRICS``, ``EVALUATE_DEFAULT_ARTIFACTS``).
A run of evaluate is recognised when every core metric of a model type is present under one
prefix (the evaluator's ``metric_prefix``, usually empty).
"""

from __future__ import annotations

from collections.abc import Iterable

from riskcards.models.evidence import (
    EVALUATE_CORE_METRICS,
    EVALUATE_DEFAULT_ARTIFACTS,
    EVALUATE_DEFAULT_METRICS,
    MetricValue,
    MlflowEvaluation,
)

_COUNT = "example_count"
# evaluate writes this one without the metric prefix
_UNPREFIXED = {"per_class_metrics.csv"}


def recognise_evaluations(
    metric_keys: Iterable[str],
    artifact_paths: Iterable[str],
    model_metrics: Iterable[MetricValue] = (),
) -> tuple[MlflowEvaluation, ...]:
    """The runs of ``mlflow.models.evaluate`` whose output is among these metrics and artifacts.

    ``model_metrics`` (an MLflow 3 logged model's metrics, which carry the dataset they were
    computed on) tell which dataset each evaluation used.
    """
    keys = set(metric_keys)
    paths = set(artifact_paths)
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
    return tuple(found)
