"""Target URIs: the MLflow forms, parsed once, and what a malformed one says."""

from __future__ import annotations

import pytest

from riskcards.collect.targets import parse_target
from riskcards.errors import UsageError


def test_run_uri() -> None:
    spec = parse_target("runs:/0123abcd")
    assert (spec.kind, spec.run_id) == ("run", "0123abcd")
    assert parse_target("runs:/0123abcd/model").run_id == "0123abcd"


def test_model_version_and_alias() -> None:
    v = parse_target("models:/credit-risk/3")
    assert (v.kind, v.name, v.version) == ("model_version", "credit-risk", "3")
    a = parse_target("models:/credit-risk@champion")
    assert (a.kind, a.name, a.alias) == ("model_alias", "credit-risk", "champion")


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        ("runs:/", "not a run id"),
        ("models:/credit-risk", "not a model URI"),
        ("models:/credit-risk/Production", "stages are deprecated"),
        ("s3://bucket/x", "not an MLflow URI"),
        ("models:/@champion", "not a model URI"),
        ("runs:/a b", "not a run id"),
    ],
)
def test_bad_targets_say_what_is_accepted(uri: str, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        parse_target(uri)


def test_mlflow_3_logged_model_and_latest() -> None:
    m = parse_target("models:/m-0123abcd")
    assert (m.kind, m.path, m.name) == ("logged_model", "m-0123abcd", None)
    latest = parse_target("models:/credit-risk/latest")
    assert (latest.kind, latest.name, latest.version) == ("model_latest", "credit-risk", None)
    # a registered model may be called m-something: with a version it is still one
    assert parse_target("models:/m-model/2").kind == "model_version"
