"""Runs logged the way MLflow's own examples log them, on scikit-learn's bundled data.

Used by tests/test_mlflow_users.py: autolog on a regressor (diabetes), evaluate on a regressor
with a custom metric, evaluate on a 10-class classifier (digits), evaluate with ``val_`` and
``test_`` prefixes (breast cancer), an MLflow 3 ``log_model(name=..., params=...)`` registered
through ``registered_model_name``, nested runs, several versions with aliases, a run with only
two metrics, and a well-documented regressor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.collect.mlflow.support import mlflow_at

DOCS = {
    "intended_use": "Estimate disease progression one year ahead to plan follow-up visits.",
    "out_of_scope_use": "Not for diagnosis, triage or any decision about a single patient.",
    "limitations": "Trained on 442 patients of one study; ten baseline variables only.",
    "owner": "clinical-ml@example.org",
}


@dataclass
class Logged:
    tracking_uri: str
    runs: dict[str, str] = field(default_factory=dict)  # name -> run id
    model_ids: dict[str, str] = field(default_factory=dict)  # name -> MLflow 3 model id


def _split(loader: Any) -> tuple[Any, Any, Any, Any]:
    from sklearn.model_selection import train_test_split

    x, y = loader(return_X_y=True, as_frame=True)
    return train_test_split(x, y, test_size=0.3, random_state=0)  # type: ignore[no-any-return]


def _eval_frame(x: Any, y: Any) -> Any:
    frame = x.copy()
    frame["target"] = y
    return frame


def log_all(root: Path) -> Logged:
    """Log every run into a fresh sqlite store under ``root``."""
    uri = f"sqlite:///{root / 'mlflow.db'}"
    logged = Logged(uri)
    with mlflow_at(uri):
        import mlflow

        mlflow.set_experiment("mlflow-users")
        _autolog_regression(logged)
        _evaluate_regressor(logged)
        _evaluate_digits(logged)
        _prefixed_evaluations(logged)
        _mlflow3_model(logged)
        _nested(logged)
        _versions(logged)
        _two_metrics(logged)
        _documented_regressor(logged)
    return logged


def _autolog_regression(logged: Logged) -> None:
    import mlflow
    import sklearn.metrics
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    x_train, x_test, y_train, y_test = _split(load_diabetes)
    mlflow.sklearn.autolog(log_models=True)
    try:
        with mlflow.start_run(run_name="autolog-regression") as run:
            model = LinearRegression().fit(x_train, y_train)
            model.score(x_test, y_test)  # autolog: LinearRegression_score_x_test (R²)
            # called through the module autolog patched: mean_absolute_error_x_test
            sklearn.metrics.mean_absolute_error(y_test, model.predict(x_test))
    finally:
        mlflow.sklearn.autolog(disable=True)
    logged.runs["autolog"] = run.info.run_id


def _evaluate_regressor(logged: Logged) -> None:
    import mlflow
    import numpy as np
    from mlflow.models import make_metric
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNet

    def squared_diff_plus_one(eval_df: Any, _builtin_metrics: Any) -> float:
        return float(np.sum(np.abs(eval_df["prediction"] - eval_df["target"] + 1) ** 2))

    x_train, x_test, y_train, y_test = _split(load_diabetes)
    with mlflow.start_run(run_name="evaluate-regressor") as run:
        model = ElasticNet(alpha=0.01).fit(x_train, y_train)
        info = mlflow.sklearn.log_model(model, name="model", input_example=x_test.iloc[:2])
        mlflow.models.evaluate(
            info.model_uri,
            _eval_frame(x_test, y_test),
            targets="target",
            model_type="regressor",
            extra_metrics=[make_metric(eval_fn=squared_diff_plus_one, greater_is_better=False)],
        )
    logged.runs["evaluate_regressor"] = run.info.run_id


def _evaluate_digits(logged: Logged) -> None:
    import mlflow
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    x_train, x_test, y_train, y_test = _split(load_digits)
    with mlflow.start_run(run_name="evaluate-digits") as run:
        model = LogisticRegression(max_iter=2000).fit(x_train, y_train)
        info = mlflow.sklearn.log_model(model, name="model", input_example=x_test.iloc[:2])
        mlflow.models.evaluate(
            info.model_uri, _eval_frame(x_test, y_test), targets="target", model_type="classifier"
        )
        # the predictions with a probability column per class, for riskcards to recompute
        table = {"label": y_test.to_numpy(), "prediction": model.predict(x_test)}
        for c, column in zip(model.classes_, model.predict_proba(x_test).T, strict=True):
            table[f"score_{c}"] = column
        mlflow.log_table(table, "eval/predictions.json")
    logged.runs["digits"] = run.info.run_id


def _prefixed_evaluations(logged: Logged) -> None:
    import mlflow
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = _split(load_breast_cancer)
    x_val, x_hold, y_val, y_hold = train_test_split(x_test, y_test, test_size=0.5, random_state=0)
    with mlflow.start_run(run_name="val-and-test") as run:
        model = LogisticRegression(max_iter=5000).fit(x_train, y_train)
        info = mlflow.sklearn.log_model(model, name="model", input_example=x_val.iloc[:2])
        for prefix, x, y in (("val_", x_val, y_val), ("test_", x_hold, y_hold)):
            mlflow.models.evaluate(
                info.model_uri,
                _eval_frame(x, y),
                targets="target",
                model_type="classifier",
                evaluator_config={"metric_prefix": prefix},
            )
    logged.runs["prefixes"] = run.info.run_id


def _mlflow3_model(logged: Logged) -> None:
    import mlflow
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    x_train, _, y_train, _ = _split(load_diabetes)
    with mlflow.start_run(run_name="mlflow3-model") as run:
        model = Ridge(alpha=0.5).fit(x_train, y_train)
        info = mlflow.sklearn.log_model(
            model,
            name="ridge",
            params={"alpha": 0.5, "solver": "auto"},
            input_example=x_train.iloc[:2],
            registered_model_name="diabetes-ridge",
        )
    logged.runs["mlflow3"] = run.info.run_id
    logged.model_ids["mlflow3"] = info.model_id


def _nested(logged: Logged) -> None:
    import mlflow

    with mlflow.start_run(run_name="sweep") as parent:
        for i, r2 in enumerate((0.41, 0.47)):
            with mlflow.start_run(run_name=f"trial-{i}", nested=True) as child:
                mlflow.log_metrics({"r2_score": r2, "root_mean_squared_error": 55.0 - i})
                logged.runs[f"child{i}"] = child.info.run_id
    logged.runs["parent"] = parent.info.run_id


def _versions(logged: Logged) -> None:
    import mlflow
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    x_train, _, y_train, _ = _split(load_diabetes)
    for alpha in (0.1, 1.0, 10.0):
        with mlflow.start_run(run_name=f"ridge-{alpha}") as run:
            mlflow.sklearn.log_model(
                Ridge(alpha=alpha).fit(x_train, y_train),
                name="model",
                input_example=x_train.iloc[:2],
                registered_model_name="diabetes-versions",
            )
            logged.runs[f"alpha-{alpha}"] = run.info.run_id
    mlflow.MlflowClient().set_registered_model_alias("diabetes-versions", "champion", "2")


def _two_metrics(logged: Logged) -> None:
    import mlflow

    with mlflow.start_run(run_name="two-metrics") as run:
        mlflow.log_metrics({"rmse": 54.2, "r2": 0.45})
    logged.runs["two"] = run.info.run_id


def _documented_regressor(logged: Logged) -> None:
    """Everything the default mapping asks of a regressor, within its thresholds."""
    import mlflow
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    x_train, x_test, y_train, y_test = _split(load_diabetes)
    with mlflow.start_run(run_name="documented-regressor") as run:
        mlflow.set_tags(DOCS)
        mlflow.set_tag("mlflow.note.content", "Linear regression of diabetes progression.")
        model = LinearRegression().fit(x_train, y_train)
        mlflow.log_input(mlflow.data.from_pandas(x_train, name="diabetes-train"), "training")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=x_test.iloc[:2],
            registered_model_name="diabetes-documented",
        )
        mlflow.models.evaluate(
            info.model_uri,
            _eval_frame(x_test, y_test),
            targets="target",
            model_type="regressor",
            evaluator_config={"metric_prefix": "test_"},
        )
        predictions = x_test.copy()  # with sex, the attribute the test project slices by
        predictions["label"] = y_test
        predictions["prediction"] = model.predict(x_test)
        mlflow.log_table(predictions, "eval/predictions.json")
        mlflow.log_metrics(
            {
                "drift/max_psi": 0.05,
                "data_quality/train_eval_overlap_rows": 0,
                "privacy/pii_findings": 0,
                "latency/p95_ms_per_1k_rows": 3.0,
                "cost/usd_per_1k_predictions": 0.01,
            }
        )
    logged.runs["documented"] = run.info.run_id
