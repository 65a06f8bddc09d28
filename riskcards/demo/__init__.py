"""The ``riskcards demo`` model: a credit-risk classifier, evaluated and logged with plain MLflow
(layer: demo, beside the CLI; imports only ``riskcards.errors``).

It plays the ML team whose evidence riskcards reads: :func:`log_demo` trains a model,
evaluates it and logs what a careful team logs with plain MLflow APIs, so every later stage
has a realistic store to work on. Read the modules in this order:

- :mod:`~riskcards.demo.data`: synthetic, deliberately biased credit applications; the split;
- :mod:`~riskcards.demo.metrics`: performance, calibration, slice, fairness, robustness and
  latency metrics on arrays;
- :mod:`~riskcards.demo.model`: the numpy logistic regression, FGSM, :func:`train_demo`;
- :mod:`~riskcards.demo.store`: the output folder, and MLflow kept apart from the caller's;
- :mod:`~riskcards.demo.mlflow_logging`: :func:`log_demo`, everything logged to MLflow;
- :mod:`~riskcards.demo.project`: :func:`write_demo_project`, the project file and attestations.

Importing the package imports neither mlflow nor pandas; they are imported when used.
"""

from riskcards.demo.data import FEATURES, CreditData, make_credit_data, split_train_eval
from riskcards.demo.mlflow_logging import DemoLogged, log_demo
from riskcards.demo.model import (
    Evaluation,
    LogisticModel,
    TrainedDemo,
    TrainingResult,
    evaluate_model,
    train_demo,
    train_logistic_regression,
)
from riskcards.demo.project import write_demo_project

__all__ = [
    "FEATURES",
    "CreditData",
    "DemoLogged",
    "Evaluation",
    "LogisticModel",
    "TrainedDemo",
    "TrainingResult",
    "evaluate_model",
    "log_demo",
    "make_credit_data",
    "split_train_eval",
    "train_demo",
    "train_logistic_regression",
    "write_demo_project",
]
