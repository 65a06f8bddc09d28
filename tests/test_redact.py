"""Credentials out of URIs and free text, for messages and outputs."""

from __future__ import annotations

import pytest

from riskcards.redact import redact_uri, scrub


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
    text = "API request to https://bob:hunter2@h:5000/api?token=abc&x=1 failed"
    assert scrub(text) == "API request to https://h:5000/api?token=<redacted>&x=1 failed"
