"""The model's task: each source in its order of precedence, and what each clue gives."""

from __future__ import annotations

import json

import pytest

from riskcards.assess import determine_task
from riskcards.models.evidence import (
    ChildRun,
    LoggedModelEvidence,
    MetricValue,
    MlflowEvaluation,
    ModelSignature,
)
from tests.conftest import make_snapshot


def _metrics(*keys: str) -> tuple[MetricValue, ...]:
    return tuple(MetricValue(key=k, value=0.5) for k in keys)


def _evaluation(
    model_type: str, *names: str, prefix: str = "", artifacts: tuple[str, ...] = ()
) -> MlflowEvaluation:
    return MlflowEvaluation(
        model_type=model_type,  # type: ignore[arg-type]
        metric_prefix=prefix,
        metrics=tuple(prefix + n for n in names),
        artifacts=artifacts,
        role="test",
    )


def _with_model(outputs: object, **run: object) -> object:
    ev = make_snapshot(metrics=(), **run)
    model = LoggedModelEvidence(
        uri="models:/m-1",
        model_id="m-1",
        signature=ModelSignature(inputs="[]", outputs=json.dumps(outputs)),
    )
    return ev.model_copy(update={"logged_models": (model,), "model_version": None})


def test_the_project_file_wins_over_everything() -> None:
    ev = make_snapshot(tags={"task": "regression"})
    task = determine_task(ev, "multiclass_classification")
    assert (task.task, task.source) == ("multiclass_classification", "project file")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("regression", "regression"),
        ("Binary classification", "binary_classification"),
        ("multi-class", "multiclass_classification"),
        ("text-generation", "other"),
    ],
)
def test_an_explicit_tag(value: str, expected: str) -> None:
    task = determine_task(make_snapshot(tags={"task": value}))
    assert (task.task, task.source) == (expected, "tag")
    assert value in task.detail


def test_evaluate_tells_regression_binary_and_multiclass() -> None:
    core = ("example_count", "accuracy_score")
    for evaluation, expected in (
        (_evaluation("regressor", "r2_score"), "regression"),
        (
            _evaluation("classifier", *core, "true_positives", prefix="test_"),
            "binary_classification",
        ),
        (
            _evaluation("classifier", *core, artifacts=("per_class_metrics.csv",)),
            "multiclass_classification",
        ),
        # neither counts nor per-class metrics: a classifier; the metric names tell the rest
        (_evaluation("classifier", *core), "binary_classification"),
    ):
        ev = make_snapshot(tags={}, evaluations=(evaluation,))
        task = determine_task(ev)
        assert (task.task, task.source) == (expected, "evaluate model_type")


def test_the_model_estimator_class_and_signature() -> None:
    ev = make_snapshot(tags={"estimator_class": "sklearn.linear_model._base.LinearRegression"})
    assert determine_task(ev).task == "regression"
    ev = make_snapshot(tags={"estimator_class": "sklearn.linear_model.LogisticRegression"})
    task = determine_task(ev)
    # a classifier; roc_auc among the logged metrics says two classes
    assert (task.task, task.source) == ("binary_classification", "model flavor and signature")
    tensor = [{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]
    assert determine_task(_with_model(tensor, tags={})).task == "regression"  # type: ignore[arg-type]
    classes = [{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]
    found = determine_task(_with_model(classes, tags={}))  # type: ignore[arg-type]
    assert found.task == "binary_classification" and "two classes assumed" in found.detail
    scores = [{"type": "double", "name": "probability"}]
    assert determine_task(_with_model(scores, tags={})).task == "binary_classification"  # type: ignore[arg-type]


def test_metric_names_and_a_parents_children() -> None:
    task = determine_task(make_snapshot(tags={}, metrics=_metrics("rmse", "r2")))
    assert (task.task, task.source) == ("regression", "metric names")
    child = ChildRun(run_id="c" * 32, metrics={"val/accuracy": 0.9})
    task = determine_task(make_snapshot(tags={}, metrics=(), children=(child,)))
    assert task.task == "binary_classification" and "child runs" in task.detail
    assert determine_task(make_snapshot(tags={}, metrics=_metrics("loss"))).task is None
