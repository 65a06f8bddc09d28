"""Target URIs and credential redaction."""

from __future__ import annotations

import pytest

from riskcards.errors import UsageError
from riskcards.targets import parse_target, redact_uri


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


@pytest.mark.parametrize(
    ("uri", "safe"),
    [
        ("https://user:s3cret@mlflow.example.com/path", "https://mlflow.example.com/path"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("https://h/x?token=abc&exp=1", "https://h/x?exp=1"),
        ("databricks://profile:token@host", "databricks://host"),
    ],
)
def test_redaction(uri: str, safe: str) -> None:
    assert redact_uri(uri) == safe
    assert "s3cret" not in redact_uri(uri)


def test_scrub_free_text() -> None:
    from riskcards.targets import scrub

    text = "API request to https://bob:hunter2@h:5000/api?token=abc&x=1 failed"
    assert scrub(text) == "API request to https://h:5000/api?token=<redacted>&x=1 failed"
