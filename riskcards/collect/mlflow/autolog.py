"""Recognise the post-training metrics of MLflow's scikit-learn autolog as evaluations
(layer: collect). Pure: imports no mlflow.

With ``mlflow.sklearn.autolog()``, a call such as ``model.score(X_test, y_test)`` or
``r2_score(y_test, model.predict(X_test))`` after ``fit`` logs a metric named after the
function and the variable that held the data: ``Ridge_score_X_test``,
``r2_score_X_test`` (a repeated call adds ``-2``, ``-3``...). These are the held-out numbers
of an autolog run, so each data variable becomes one :class:`MlflowEvaluation`, its metrics
named under the canonical names the checks look for (``Ridge_score`` is R² for a regressor,
accuracy for a classifier). Whether the estimator is a regressor or a classifier is read off
autolog's own training metrics (``training_r2_score`` or ``training_accuracy_score``), never
by importing the class a tag names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from riskcards.models.evidence import AUTOLOG_EVALUATOR, MlflowEvaluation
from riskcards.models.evidence_task import Role

_TRAINING = "training_"
_SCORES = {"regressor": "r2_score", "classifier": "accuracy_score"}
_ROLE_WORDS: tuple[tuple[str, Role], ...] = (
    ("train", "training"),
    ("val", "validation"),
    ("test", "test"),
)


def recognise_autolog(
    tags: Mapping[str, str], system_tags: Mapping[str, str], metric_keys: Iterable[str]
) -> tuple[MlflowEvaluation, ...]:
    """One evaluation per data variable autolog computed post-training metrics on."""
    autologged = system_tags.get("mlflow.autologging") == "sklearn" or tags.get("estimator_class")
    if not autologged:  # autolog tags every run it logs into with the estimator's class
        return ()
    keys = set(metric_keys)
    trained = {k[len(_TRAINING) :] for k in keys if k.startswith(_TRAINING)} - {"score"}
    model_type = next((t for t, s in _SCORES.items() if s in trained), None)
    if model_type is None:
        return ()
    names = sorted(trained, key=len, reverse=True)  # mean_squared_error before its prefixes
    score = f"{tags['estimator_name']}_score_" if tags.get("estimator_name") else None
    found: dict[str, dict[str, str]] = {}
    for key in sorted(k for k in keys if not k.startswith(_TRAINING)):
        if score and key.startswith(score) and len(key) > len(score):
            found.setdefault(key[len(score) :], {})[_SCORES[model_type]] = key
            continue
        name = next((n for n in names if key.startswith(n + "_") and len(key) > len(n) + 1), None)
        if name is not None:
            found.setdefault(key[len(name) + 1 :], {})[name] = key
    return tuple(
        MlflowEvaluation(
            model_type=model_type,
            metrics=tuple(sorted(named.values())),
            keys=named,
            dataset_name=variable,
            evaluator=AUTOLOG_EVALUATOR,
            role=_role(variable),
        )
        for variable, named in sorted(found.items())
    )


def _role(variable: str) -> Role:
    """The role a data variable's name suggests (``X_train``, ``X_val``, ``X_test``); data
    passed after ``fit`` under any other name is an evaluation."""
    word = re.sub(r"-\d+$", "", variable).lower()
    return next((role for part, role in _ROLE_WORDS if part in word), "evaluation")


__all__ = ["recognise_autolog"]
