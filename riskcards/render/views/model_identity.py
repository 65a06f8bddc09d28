"""The model card's identity section: what the model is and where it comes from (layer: render).

Pure, no I/O. The task (with its source), the model's type or flavor, its signature and
params, the MLflow 3 logged-model id, how the target was resolved (``latest``), the source
run with its parent and children (each child with its key metric), the datasets by role and
each evaluation ``mlflow.models.evaluate`` logged. Rendered by ``model_identity.html.j2``.
"""

from __future__ import annotations

import json

from pydantic import Field

from riskcards.models.assessment import Assessment
from riskcards.models.base import Frozen, fmt_number
from riskcards.models.evidence import ChildRun, EvidenceSnapshot, LoggedModelEvidence
from riskcards.render.views.common import Row

# the metric that sums up a child run, per task, best first (any prefix)
_KEY_METRICS: dict[str, tuple[str, ...]] = {
    "regression": ("r2_score", "root_mean_squared_error", "rmse", "mean_absolute_error"),
    "binary_classification": ("roc_auc", "accuracy_score", "f1_score"),
    "multiclass_classification": ("f1_score", "accuracy_score", "f1_macro"),
}
_ANY_TASK = ("roc_auc", "r2_score", "f1_score", "accuracy_score", "root_mean_squared_error")
_MAX_SIGNATURE = 400
_ALWAYS = ("Task", "Model type", "Signature inputs", "Dataset roles")


class ChildRow(Frozen):
    run_id: str
    name: str | None
    status: str | None
    key_metric: str | None = Field(description="'<key> = <value>', or None without metrics")


class EvaluationRow(Frozen):
    prefix: str
    role: str | None
    model_type: str
    evaluator: str
    dataset: str | None
    model: str | None
    metrics: int


class Identity(Frozen):
    """What the model is: the rows of the identity table, children and evaluations."""

    rows: tuple[Row, ...]
    model_params: tuple[Row, ...] = ()
    children: tuple[ChildRow, ...] = ()
    evaluations: tuple[EvaluationRow, ...] = ()


def build_identity(ev: EvidenceSnapshot, assessment: Assessment) -> Identity:
    model = ev.model
    task = assessment.task
    task_text = (
        f"{task.label} (from the {task.source}: {task.detail})"
        if task.task
        else "undetermined: nothing logged tells the task; every check was judged"
    )
    rows = (
        Row(label="Task", value=task_text),
        Row(label="Model type", value=model_type_of(ev)),
        Row(label="Flavors", value=", ".join(model.flavors) if model and model.flavors else None),
        Row(label="Logged model id", value=model.model_id if model else None),
        Row(label="Signature inputs", value=_signature(model, "inputs")),
        Row(label="Signature outputs", value=_signature(model, "outputs")),
        Row(label="Target resolved", value=ev.target.resolved),
        Row(label="Source run", value=_run_label(ev.run.run_id, ev.run.run_name)),
        Row(
            label="Parent run",
            value=_run_label(ev.run.parent_run_id, ev.run.parent_run_name)
            if ev.run.parent_run_id
            else None,
        ),
        Row(label="Dataset roles", value=_roles(ev)),
    )
    return Identity(
        # rows that do not apply to this target (no parent, not "latest") are left out
        rows=tuple(r for r in rows if r.value is not None or r.label in _ALWAYS),
        model_params=tuple(
            Row(label=k, value=v) for k, v in (model.params if model else {}).items()
        ),
        children=tuple(_child(c, task.task) for c in ev.run.children),
        evaluations=tuple(
            EvaluationRow(
                prefix=e.metric_prefix or "(none)",
                role=e.role,
                model_type=e.model_type,
                evaluator=e.evaluator,
                dataset=f"{e.dataset_name} ({e.dataset_digest})" if e.dataset_name else None,
                model=e.model,
                metrics=len(e.metrics),
            )
            for e in ev.run.evaluations
        ),
    )


def _run_label(run_id: str | None, name: str | None) -> str | None:
    if not run_id:
        return None
    return f"{name} (runs:/{run_id})" if name else f"runs:/{run_id}"


def model_type_of(ev: EvidenceSnapshot) -> str | None:
    """autolog's estimator class, else the logged model's type, else its main flavor."""
    model = ev.model
    if estimator := ev.run.tags.get("estimator_class"):
        return f"{estimator} (autolog estimator_class)"
    if model and model.model_type:
        return f"{model.model_type} (logged model type)"
    flavors = [f for f in (model.flavors if model else ()) if f != "python_function"]
    if flavors:
        return f"{flavors[0]} (model flavor)"
    return "python_function (model flavor)" if model and model.flavors else None


def _signature(model: LoggedModelEvidence | None, part: str) -> str | None:
    """``name: type, ...`` (or the tensor's dtype and shape) from the MLmodel signature."""
    text: str | None = getattr(model.signature, part, None) if model and model.signature else None
    if not text:
        return None
    try:
        spec = json.loads(text)
    except ValueError:
        return text[:_MAX_SIGNATURE]
    words = []
    for item in spec if isinstance(spec, list) else []:
        if not isinstance(item, dict):
            continue
        tensor = item.get("tensor-spec")
        if isinstance(tensor, dict):
            kind = f"tensor {tensor.get('dtype')} shape {tensor.get('shape')}"
        else:
            kind = str(item.get("type"))
        words.append(f"{item['name']}: {kind}" if item.get("name") else kind)
    joined = ", ".join(words) or text
    return joined if len(joined) <= _MAX_SIGNATURE else joined[:_MAX_SIGNATURE] + "…"


def _roles(ev: EvidenceSnapshot) -> str | None:
    found = [
        f"{d.name} ({d.role or 'no role'}; context {d.context or 'none'})" for d in ev.run.datasets
    ]
    return ", ".join(found) or None


def _child(child: ChildRun, task: str | None) -> ChildRow:
    preferred = _KEY_METRICS.get(task or "", _ANY_TASK)
    key = next(
        (
            k
            for name in preferred
            for k in sorted(child.metrics)
            if k == name or k.endswith(("_" + name, "/" + name))
        ),
        next(iter(sorted(child.metrics)), None),
    )
    return ChildRow(
        run_id=child.run_id,
        name=child.run_name,
        status=child.status,
        key_metric=f"{key} = {fmt_number(child.metrics[key])}" if key else None,
    )
