"""What a model does and what each dataset is for: tasks and dataset roles (layer: models).

- A **task** is what the model predicts: ``binary_classification``,
  ``multiclass_classification``, ``regression``, ``genai`` (an application evaluated with
  ``mlflow.genai.evaluate``) or ``other``. The assessment determines it
  (:mod:`riskcards.assess.task`) and records it as a :class:`TaskIdentity` with its source, so
  a reader can see why a check applied or not.
- A **dataset role** is what a dataset was used for: ``training``, ``validation``,
  ``evaluation`` or ``test``. MLflow's own contexts name them (``training``/``train`` from
  ``mlflow.log_input`` and autolog, ``eval`` from autolog, ``evaluation``...), and so do the
  metric prefixes of ``mlflow.models.evaluate`` (``val_``, ``test_``...). A project maps any
  other context name to a role in its file (``dataset_roles:``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from riskcards.models.base import Frozen

Task = Literal["binary_classification", "multiclass_classification", "regression", "genai", "other"]
TASKS: tuple[Task, ...] = (
    "binary_classification",
    "multiclass_classification",
    "regression",
    "genai",
    "other",
)
Role = Literal["training", "validation", "evaluation", "test"]
ROLES: tuple[Role, ...] = ("training", "validation", "evaluation", "test")
# the roles a held-out number may come from, best first, when the mapping does not say
HELD_OUT_ROLES: tuple[Role, ...] = ("test", "evaluation", "validation")

TaskSource = Literal[
    "project file",
    "tag",
    "genai evaluation",
    "evaluate model_type",
    "model flavor and signature",
    "metric names",
]

# MLflow's own context names (log_input, autolog, evaluate's metric prefixes) -> role
_CONTEXT_ROLES: dict[str, Role] = {
    "training": "training",
    "train": "training",
    "validation": "validation",
    "val": "validation",
    "valid": "validation",
    "evaluation": "evaluation",
    "eval": "evaluation",
    "test": "test",
    "testing": "test",
    "holdout": "test",
}


def role_of_context(context: str | None, extra: dict[str, str] | None = None) -> Role | None:
    """The role a dataset context (or an evaluate metric prefix: ``val_``, ``test/``) names.

    ``extra`` (the project's ``dataset_roles:``) wins over MLflow's own names.
    """
    if context is None:
        return None
    if extra and context in extra:
        role = extra[context]
        return next((r for r in ROLES if r == role), None)
    word = context.strip().strip("_/.-: ").lower()
    return _CONTEXT_ROLES.get(word)


class TaskIdentity(Frozen):
    """The model's task, where it came from, and the clue that decided it."""

    task: Task | None = Field(default=None, description="None when nothing tells the task")
    source: TaskSource | None = None
    detail: str = Field(default="", description="the clue, e.g. 'tag task = regression'")

    @property
    def label(self) -> str:
        if self.task is None:
            return "undetermined"
        return self.task.replace("_", " ")
