"""Autolog's post-training metrics (``Ridge_score_X_test``, ``r2_score_X_test``) recognised as
evaluations of the data variable they were computed on; pure, on metric names as autolog
writes them."""

from __future__ import annotations

from riskcards.collect.mlflow.autolog import recognise_autolog

TAGS = {"estimator_name": "Ridge", "estimator_class": "sklearn.linear_model._ridge.Ridge"}
REGRESSOR = [
    "training_r2_score",
    "training_mean_squared_error",
    "training_root_mean_squared_error",
    "training_mean_absolute_error",
    "training_score",
]


def test_each_data_variable_is_one_evaluation_with_canonical_names() -> None:
    keys = [
        *REGRESSOR,
        "Ridge_score_X_test",
        "mean_squared_error_X_test",
        "root_mean_squared_error_X_test",
        "Ridge_score_X_val-2",
        "custom/other",
    ]
    test, val = recognise_autolog(TAGS, {}, keys)
    assert (test.dataset_name, test.role, test.model_type) == ("X_test", "test", "regressor")
    assert test.keys == {
        "r2_score": "Ridge_score_X_test",
        "mean_squared_error": "mean_squared_error_X_test",
        "root_mean_squared_error": "root_mean_squared_error_X_test",
    }
    assert test.key_for("r2_score") == "Ridge_score_X_test"
    assert test.key_for("accuracy_score") == "accuracy_score"  # not logged: the plain name
    assert (val.dataset_name, val.role, val.keys) == (
        "X_val-2",
        "validation",
        {"r2_score": "Ridge_score_X_val-2"},
    )
    assert "post-training metrics on `X_test` (test)" in test.label


def test_a_classifier_score_is_accuracy_and_unknown_variables_are_evaluations() -> None:
    tags = {
        "estimator_name": "LogisticRegression",
        "estimator_class": "sklearn.x.LogisticRegression",
    }
    keys = ["training_accuracy_score", "training_f1_score", "LogisticRegression_score_holdout"]
    [e] = recognise_autolog(tags, {}, keys)
    assert (e.model_type, e.role, e.keys) == (
        "classifier",
        "evaluation",
        {"accuracy_score": "LogisticRegression_score_holdout"},
    )


def test_runs_autolog_did_not_log_are_left_alone() -> None:
    keys = [*REGRESSOR, "Ridge_score_X_test"]
    assert recognise_autolog({}, {}, keys) == ()  # no estimator tag: not autolog's
    assert recognise_autolog(TAGS, {}, ["Ridge_score_X_test"]) == ()  # no training metrics
    assert recognise_autolog({}, {"mlflow.autologging": "sklearn"}, REGRESSOR) == ()
