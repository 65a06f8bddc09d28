"""Runs logged as MLflow's own examples log them, released: task, dataset roles, statuses.

One real sqlite store (tests/mlflow_users_support.py logs it, on scikit-learn's bundled
data). Each test asserts the task riskcards determined and where from, the dataset roles,
the statuses of the checks that apply, and that no check of another task blocks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from riskcards.api import Assessed, LoadOptions, ReleaseOptions, assess_target, load_inputs, release
from riskcards.load import Inputs
from riskcards.models.assessment import CheckStatus
from tests.conftest import AS_OF
from tests.integration_support import riskcards
from tests.mlflow_users_support import Logged, log_all

PASS, NOT_EVIDENCED, NA = CheckStatus.PASS, CheckStatus.NOT_EVIDENCED, CheckStatus.NOT_APPLICABLE
_ATTESTATION = """\
schema_version: 1
id: ATT-1
controls:
  nist-ai-rmf: ["GOVERN 1.1"]
statement: The clinical AI policy covers this model and is reviewed every year.
attested_by: R. Diaz
role: Head of clinical data science
date: "2026-11-01"
expires: "2027-11-01"
"""


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Logged:
    return log_all(tmp_path_factory.mktemp("mlflow-users"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "attestations").mkdir()
    (root / "attestations" / "policy.yaml").write_text(_ATTESTATION)
    (root / "riskcards.yaml").write_text(
        "schema_version: 1\nattestations_dir: attestations\nanalytics:\n  attributes: [sex]\n"
    )
    return root


@pytest.fixture(scope="module")
def inputs(project: Path) -> Inputs:
    return load_inputs(LoadOptions(config=project / "riskcards.yaml"))


def _assess(inputs: Inputs, logged: Logged, target: str) -> Assessed:
    uri = target if ":/" in target else f"runs:/{logged.runs[target]}"
    return assess_target(inputs, uri, ReleaseOptions(tracking_uri=logged.tracking_uri, as_of=AS_OF))


def _statuses(done: Assessed) -> dict[str, CheckStatus]:
    return {r.check_id: r.status for r in done.assessment.checks if r.source == "mapping"}


def _roles(done: Assessed) -> set[tuple[str | None, str | None]]:
    return {(d.context, d.role) for d in done.evidence.run.datasets}


def _no_other_task_blocks(done: Assessed) -> None:
    """Checks of another task are not applicable and never block; blocking rests on an
    applicable check of a blocking severity."""
    task = done.assessment.task.task
    results = {r.check_id: r for r in done.assessment.checks}
    for check in done.inputs.mapping.checks:
        if check.applies_to and task not in check.applies_to:
            assert results[check.id].status is NA, check.id
            assert results[check.id].reason.startswith("not applicable (task: ")
    for control in done.assessment.blocking:
        assert any(
            r.status not in (PASS, NA) and r.severity in ("high", "critical")
            for r in control.checks
        ), control.control_id


def test_autolog_regression(inputs: Inputs, logged: Logged) -> None:
    done = _assess(inputs, logged, "autolog")
    task = done.assessment.task
    assert (task.task, task.source) == ("regression", "model flavor and signature")
    assert "LinearRegression" in task.detail
    # autolog logs the data of a post-training metric as its "eval" dataset
    assert _roles(done) == {("train", "training"), ("eval", "evaluation")}
    statuses = _statuses(done)
    assert statuses["data.training_dataset"] is PASS
    assert statuses["data.evaluation_dataset"] is PASS
    # autolog's post-training metrics on x_test are the held-out numbers: model.score is R²
    [evaluation] = done.evidence.run.evaluations
    assert (evaluation.evaluator, evaluation.dataset_name, evaluation.role) == (
        "sklearn autolog",
        "x_test",
        "test",
    )
    assert statuses["performance.r2"] is PASS and statuses["performance.mae"] is PASS
    r2 = next(r for r in done.assessment.checks if r.check_id == "performance.r2")
    assert r2.observed and r2.observed.startswith("LinearRegression_score_x_test = ")
    assert "post-training metrics on `x_test` (test)" in r2.observed
    # RMSE was not computed on held-out data: riskcards says so, and points at the training one
    rmse = next(r for r in done.assessment.checks if r.check_id == "performance.rmse")
    assert rmse.status is NOT_EVIDENCED
    assert "`training_root_mean_squared_error` (training data, not held out)" in rmse.reason
    assert statuses["performance.roc_auc"] is NA and statuses["fairness.demographic_parity"] is NA
    _no_other_task_blocks(done)


def test_evaluate_on_a_regressor_with_a_custom_metric(inputs: Inputs, logged: Logged) -> None:
    done = _assess(inputs, logged, "evaluate_regressor")
    task = done.assessment.task
    assert (task.task, task.source) == ("regression", "evaluate model_type")
    [evaluation] = done.evidence.run.evaluations
    assert (evaluation.model_type, evaluation.role, evaluation.evaluator) == (
        "regressor",
        "evaluation",
        "default",
    )
    assert evaluation.model and evaluation.model.startswith("m-") and evaluation.dataset_name
    assert done.evidence.run.metric("squared_diff_plus_one") is not None
    assert _roles(done) == {(None, "evaluation")}  # the dataset evaluate recorded using
    statuses = _statuses(done)
    for check_id in ("performance.r2", "performance.rmse", "performance.mae"):
        assert statuses[check_id] is PASS, check_id
    assert statuses["data.evaluation_dataset"] is PASS
    r2 = next(r for r in done.assessment.checks if r.check_id == "performance.r2")
    assert r2.observed and "from evaluate() without prefix (evaluation" in r2.observed
    _no_other_task_blocks(done)


def test_evaluate_on_a_ten_class_classifier(inputs: Inputs, logged: Logged) -> None:
    done = _assess(inputs, logged, "digits")
    task = done.assessment.task
    assert (task.task, task.source) == ("multiclass_classification", "evaluate model_type")
    assert _roles(done) == {(None, "evaluation")}
    statuses = _statuses(done)
    assert statuses["performance.accuracy"] is PASS and statuses["performance.f1_weighted"] is PASS
    assert statuses["performance.roc_auc"] is NA and statuses["calibration.ece"] is NA
    assert statuses["performance.r2"] is NA
    # recomputed from the predictions table: macro F1, the worst class named, classwise ECE
    measures = done.analysis.measures
    assert {"multiclass.f1_macro", "multiclass.classwise_ece"} <= set(measures)
    assert "recall of the worst class, " in measures["multiclass.worst_class_recall"].detail
    results = {r.check_id: r for r in done.assessment.checks}
    assert results["performance.f1_macro"].status is PASS
    assert results["performance.worst_class_recall"].status is PASS
    assert any(
        "recall of the worst class" in ref.locator
        for ref in results["performance.worst_class_recall"].evidence
    )
    _no_other_task_blocks(done)


def test_evaluate_with_val_and_test_prefixes(inputs: Inputs, logged: Logged) -> None:
    done = _assess(inputs, logged, "prefixes")
    assert done.assessment.task.task == "binary_classification"
    assert _roles(done) == {("val_", "validation"), ("test_", "test")}
    assert {(e.metric_prefix, e.role) for e in done.evidence.run.evaluations} == {
        ("val_", "validation"),
        ("test_", "test"),
    }
    results = {r.check_id: r for r in done.assessment.checks}
    # the test evaluation wins over the validation one; the reason names it
    for check_id, key in (
        ("performance.roc_auc", "test_roc_auc"),
        ("performance.accuracy", "test_accuracy_score"),
    ):
        assert results[check_id].status is PASS
        assert results[check_id].observed and results[check_id].observed.startswith(key)
        assert "from evaluate() 'test_' (test" in results[check_id].observed
    assert results["data.evaluation_dataset"].status is PASS
    _no_other_task_blocks(done)


def test_an_mlflow3_logged_model_and_its_params(
    inputs: Inputs, logged: Logged, tmp_path: Path
) -> None:
    model_id = logged.model_ids["mlflow3"]
    done = _assess(inputs, logged, f"models:/{model_id}")
    assert done.evidence.target.kind == "logged_model"
    assert done.evidence.run.run_id == logged.runs["mlflow3"]
    model = done.evidence.model
    assert model is not None and model.model_id == model_id
    assert model.params == {"alpha": "0.5", "solver": "auto"}
    assert done.assessment.task.task == "regression"
    assert _statuses(done)["governance.signature"] is PASS
    registered = next(r for r in done.assessment.checks if r.check_id == "governance.registered")
    assert registered.status is NOT_EVIDENCED
    assert "the logged model is registered: models:/diabetes-ridge/1" in registered.reason
    _no_other_task_blocks(done)
    card = _card(inputs, logged, f"models:/{model_id}", tmp_path)
    for words in ("Model identity", model_id, "alpha", "0.5", "regression (from the model flavor"):
        assert words in card, words


def test_latest_is_the_highest_version_and_an_alias_its_own(
    inputs: Inputs, logged: Logged, tmp_path: Path
) -> None:
    latest = _assess(inputs, logged, "models:/diabetes-versions/latest")
    assert latest.evidence.model_version and latest.evidence.model_version.version == "3"
    assert latest.evidence.run.run_id == logged.runs["alpha-10.0"]
    assert (
        latest.evidence.target.resolved == "latest: the highest version of diabetes-versions is 3"
    )
    champion = _assess(inputs, logged, "models:/diabetes-versions@champion")
    assert champion.evidence.model_version and champion.evidence.model_version.version == "2"
    assert champion.evidence.target.resolved is None
    for done in (latest, champion):
        assert done.assessment.task.task == "regression"
        assert _statuses(done)["governance.registered"] is PASS
        _no_other_task_blocks(done)
    card = _card(inputs, logged, "models:/diabetes-versions/latest", tmp_path)
    assert "latest: the highest version of diabetes-versions is 3" in card


def test_nested_runs_name_their_parent_and_children(
    inputs: Inputs, logged: Logged, tmp_path: Path
) -> None:
    child = _assess(inputs, logged, "child0")
    assert child.evidence.run.parent_run_id == logged.runs["parent"]
    assert child.evidence.run.parent_run_name == "sweep"
    parent = _assess(inputs, logged, "parent")
    assert [c.run_name for c in parent.evidence.run.children] == ["trial-0", "trial-1"]
    task = parent.assessment.task
    assert (task.task, task.source) == ("regression", "metric names")
    assert "child runs" in task.detail
    _no_other_task_blocks(parent)
    card = _card(inputs, logged, "parent", tmp_path / "parent")
    for words in ("Child runs", "trial-0", "r2_score = 0.41", "trial-1", "r2_score = 0.47"):
        assert words in card, words
    assert "sweep (runs:/" in _card(inputs, logged, "child0", tmp_path / "child")


def test_a_run_with_only_two_metrics(inputs: Inputs, logged: Logged) -> None:
    done = _assess(inputs, logged, "two")
    task = done.assessment.task
    assert (task.task, task.source) == ("regression", "metric names")
    assert _roles(done) == set()
    statuses = _statuses(done)
    assert statuses["performance.r2"] is PASS and statuses["performance.rmse"] is PASS
    assert statuses["performance.accuracy"] is NA
    _no_other_task_blocks(done)


def test_check_passes_a_well_documented_regressor(
    inputs: Inputs, logged: Logged, project: Path, tmp_path: Path
) -> None:
    done = _assess(inputs, logged, "documented")
    assert done.assessment.task.task == "regression" and not done.assessment.blocking
    assert _roles(done) == {("training", "training"), ("test_", "test")}
    # recomputed from the predictions table: the error across the slices of sex
    measures = done.analysis.measures
    assert {"regression.rmse", "regression.mae", "regression.relative_error_gap"} <= set(measures)
    results = {r.check_id: r for r in done.assessment.checks}
    assert results["fairness.error_gap"].status in (PASS, CheckStatus.FAIL)
    assert results["performance.rmse"].observed.startswith("recomputed regression.rmse")  # type: ignore[union-attr]
    _no_other_task_blocks(done)
    done = riskcards(
        "check",
        f"runs:/{logged.runs['documented']}",
        "--config",
        str(project / "riskcards.yaml"),
        cwd=tmp_path,
        MLFLOW_TRACKING_URI=logged.tracking_uri,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _card(inputs: Inputs, logged: Logged, target: str, out: Path) -> str:
    uri = target if ":/" in target else f"runs:/{logged.runs[target]}"
    options = ReleaseOptions(tracking_uri=logged.tracking_uri, as_of=AS_OF, formats=("html",))
    result = release(inputs, out / "bundle", uri, options)
    return (result.out / "model-card.html").read_text()
