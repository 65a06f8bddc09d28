"""Which task the model does, and where that was read (layer: assess). Pure.

Sources, first that tells wins (a later one only says binary or multiclass when an earlier
one said "classification"):

1. the project file (``task:``);
2. an explicit tag: ``task`` (or ``model_task``, ``model_type``) on the run or the version;
3. ``mlflow.models.evaluate``'s model type (``regressor``, ``classifier``: binary when it
   logged the confusion counts, multiclass when it logged per-class metrics instead);
4. a GenAI evaluation (a ``mlflow.genai.evaluate`` run with its traces): ``genai``, before
   the model, whose text outputs would otherwise read as class predictions;
5. the model: autolog's ``estimator_class`` tag, the logged model's ``model_type``, and its
   signature outputs (integer, text or boolean predictions are classes; only floating-point
   outputs with no probability or score column are a regression);
6. the metric names (``r2_score``, ``root_mean_squared_error``... or ``roc_auc``,
   ``true_positives``...); for a parent run with none of its own, its children's.

Nothing telling leaves the task undetermined: every check is then judged, as before tasks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from riskcards.models.evidence import AUTOLOG_EVALUATOR, EvidenceSnapshot
from riskcards.models.evidence_task import Task, TaskIdentity, TaskSource

_CLASSIFICATION = "classification"  # a classifier; binary or multiclass still to tell
Found = tuple[str, str] | None  # (task or "classification", the clue)

_TAG_KEYS = ("task", "model_task", "model_type")
_WORDS: dict[str, str] = {
    "regression": "regression",
    "regressor": "regression",
    "binary": "binary_classification",
    "binary_classification": "binary_classification",
    "binary_classifier": "binary_classification",
    "multiclass": "multiclass_classification",
    "multi_class": "multiclass_classification",
    "multiclass_classification": "multiclass_classification",
    "multi_class_classification": "multiclass_classification",
    "multiclass_classifier": "multiclass_classification",
    "classification": _CLASSIFICATION,
    "classifier": _CLASSIFICATION,
    "genai": "genai",
    "generative": "genai",
    "other": "other",
}
_CLASSIFIERS = re.compile(
    r"(Classifier(CV)?|LogisticRegression(CV)?|SVC|NB|DiscriminantAnalysis|Perceptron)$"
)
_REGRESSORS = re.compile(
    r"(Regressor|Regression|Ridge(CV)?|Lasso(CV|Lars\w*)?|ElasticNet(CV)?|SVR|Lars(CV)?)$"
)
_REGRESSION_METRICS = re.compile(
    r"(^|[/_.-])(r2(_score)?|root_mean_squared_error|mean_squared_error|mean_absolute_error|"
    r"rmse|mae|mse)$"
)
_BINARY_METRICS = re.compile(r"(^|[/_.-])(roc_auc|auc|true_positives|precision_recall_auc)$")
_CLASS_METRICS = re.compile(r"(^|[/_.-])(accuracy(_score)?|f1(_score)?|log_loss)$")


def determine_task(ev: EvidenceSnapshot, declared: Task | None = None) -> TaskIdentity:
    """The model's task, with its source and the clue that decided it."""
    if declared is not None:
        return TaskIdentity(task=declared, source="project file", detail=f"task: {declared}")
    finders: tuple[tuple[TaskSource, Callable[[EvidenceSnapshot], Found]], ...] = (
        ("tag", _from_tag),
        ("evaluate model_type", _from_evaluate),
        ("genai evaluation", _from_genai),
        ("model flavor and signature", _from_model),
        ("metric names", _from_metrics),
    )
    for source, finder in finders:
        found = finder(ev)
        if found is None:
            continue
        task, detail = found
        if task == _CLASSIFICATION:
            task, detail = _classes(ev, detail)
        return TaskIdentity(task=_as_task(task), source=source, detail=detail)
    return TaskIdentity()


def _as_task(word: str) -> Task:
    for task in ("binary_classification", "multiclass_classification", "regression", "genai"):
        if word == task:
            return task
    return "other"


def _from_tag(ev: EvidenceSnapshot) -> Found:
    mv_tags = ev.model_version.tags if ev.model_version else {}
    for key in _TAG_KEYS:
        for where, tags in (("run tag", ev.run.tags), ("model version tag", mv_tags)):
            value = tags.get(key, "").strip()
            word = re.sub(r"[\s-]+", "_", value.lower())
            if word in _WORDS or (value and key != "model_type"):
                return _WORDS.get(word, "other"), f"{where} {key} = {value!r}"
    return None


def _from_genai(ev: EvidenceSnapshot) -> Found:
    genai = ev.genai
    if genai is None:
        return None
    app = f" of {genai.application}" if genai.application else ""
    return "genai", f"mlflow.genai.evaluate run {genai.run_id}{app}, {genai.traces_total} traces"


def _from_evaluate(ev: EvidenceSnapshot) -> Found:
    for e in ev.run.evaluations:
        if e.evaluator == AUTOLOG_EVALUATOR:  # not evaluate(): the estimator says more (model)
            continue
        if e.model_type == "regressor":
            return "regression", f"mlflow.models.evaluate model_type regressor ({e.label})"
        clue = f"mlflow.models.evaluate model_type classifier ({e.label})"
        if f"{e.metric_prefix}true_positives" in e.metrics:
            return "binary_classification", f"{clue}; binary: it logged the confusion counts"
        if "per_class_metrics.csv" in e.artifacts:
            return (
                "multiclass_classification",
                f"{clue}; multiclass: it logged per-class metrics and no confusion counts",
            )
        return _CLASSIFICATION, clue
    return None


def _from_model(ev: EvidenceSnapshot) -> Found:
    estimator = ev.run.tags.get("estimator_class", "")
    name = estimator.rsplit(".", 1)[-1]
    if _CLASSIFIERS.search(name):
        return _CLASSIFICATION, f"autolog estimator_class {estimator}"
    if _REGRESSORS.search(name):
        return "regression", f"autolog estimator_class {estimator}"
    model = ev.model
    if model is None:
        return None
    if model.model_type and (word := _WORDS.get(model.model_type.lower())):
        return word, f"logged model {model.uri} model_type {model.model_type}"
    if model.signature is None or not model.signature.outputs:
        return None
    return _from_outputs(model.signature.outputs, f"{model.uri} signature outputs")


def _from_outputs(outputs: str, where: str) -> Found:
    try:
        spec = json.loads(outputs)
    except ValueError:
        return None
    if not isinstance(spec, list) or not spec:
        return None
    types = [_output_type(o) for o in spec if isinstance(o, dict)]
    names = " ".join(str(o.get("name", "")) for o in spec if isinstance(o, dict)).lower()
    if any(t.startswith(("int", "long", "str", "bool")) for t in types):
        return _CLASSIFICATION, f"{where}: {', '.join(types)} (class predictions)"
    if types and all(t.startswith(("float", "double")) for t in types):
        if "prob" in names or "score" in names:
            return _CLASSIFICATION, f"{where}: {', '.join(types)} (probability/score column)"
        return "regression", f"{where}: {', '.join(types)} (real-valued predictions)"
    return None


def _output_type(o: dict[str, object]) -> str:
    tensor = o.get("tensor-spec")
    if isinstance(tensor, dict):
        return str(tensor.get("dtype", ""))
    return str(o.get("type", ""))


def _from_metrics(ev: EvidenceSnapshot) -> Found:
    """The run's metric names; a parent run without metrics of its own: its children's."""
    keys = [m.key for m in ev.run.metrics]
    where = "logged"
    if not keys:
        keys = sorted({k for child in ev.run.children for k in child.metrics})
        where = "logged by its child runs"
    if regression := _matching(_REGRESSION_METRICS, keys):
        return "regression", f"regression metrics {where}: {regression}"
    if classes := _matching(_CLASS_METRICS, keys) or _matching(_BINARY_METRICS, keys):
        return _CLASSIFICATION, f"classification metrics {where}: {classes}"
    return None


def _matching(pattern: re.Pattern[str], keys: Iterable[str]) -> str:
    found = sorted(k for k in keys if pattern.search(k))
    return ", ".join(found[:3]) + (" ..." if len(found) > 3 else "")


def _classes(ev: EvidenceSnapshot, detail: str) -> tuple[str, str]:
    """Binary or multiclass, for a model known to classify."""
    paths = {a.path for a in ev.run.artifacts}
    if any(p.endswith("per_class_metrics.csv") for p in paths):
        return "multiclass_classification", f"{detail}; per-class metrics logged"
    if binary := _matching(_BINARY_METRICS, (m.key for m in ev.run.metrics)):
        return "binary_classification", f"{detail}; two-class metrics logged: {binary}"
    return (
        "binary_classification",
        f"{detail}; two classes assumed (nothing logged tells the number of classes)",
    )
