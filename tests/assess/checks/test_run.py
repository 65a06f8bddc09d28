"""The checks on what was logged with the run: dataset_logged, text_present, artifact_present."""

from __future__ import annotations

import pytest

from riskcards.assess import MAX_QUOTED_TEXT, evaluate_check
from riskcards.models.assessment import CheckStatus
from riskcards.models.mapping import EvidenceMapping
from tests.conftest import AS_OF, make_snapshot


def _check(**fields: object) -> object:
    base = {"id": "c", "title": "C", "controls": {"nist-ai-rmf": ["MEASURE 2.3"]}}
    mapping = EvidenceMapping.model_validate(
        {"schema_version": 1, "id": "m", "title": "M", "checks": [{**base, **fields}]}
    )
    return mapping.checks[0]


def test_dataset_logged_cites_name_and_digest() -> None:
    result = evaluate_check(
        _check(kind="dataset_logged", context="training"), make_snapshot(), AS_OF
    )  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert result.evidence[0].digest == "a1a2a3a4"
    missing = evaluate_check(
        _check(kind="dataset_logged", context="production"), make_snapshot(), AS_OF
    )  # type: ignore[arg-type]
    assert missing.status is CheckStatus.NOT_EVIDENCED
    assert "evaluation, training" in missing.reason


def test_text_present_takes_first_non_empty_source_and_min_length() -> None:
    check = _check(kind="text_present", sources=["tag:nope", "tag:intended_use"], min_length=10)
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert result.evidence[0].locator.endswith("tag intended_use")
    short = make_snapshot(tags={"intended_use": "  tbd  "})
    assert evaluate_check(check, short, AS_OF).status is CheckStatus.NOT_EVIDENCED  # type: ignore[arg-type]


def test_text_sources_cover_descriptions() -> None:
    check = _check(kind="text_present", sources=["model_version:description"])
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert result.evidence[0].locator == "models:/credit-risk/3 description"


def test_long_texts_are_quoted_up_to_the_limit() -> None:
    check = _check(kind="text_present", sources=["tag:intended_use"])
    long = make_snapshot(tags={"intended_use": "x" * (MAX_QUOTED_TEXT + 10)})
    result = evaluate_check(check, long, AS_OF)  # type: ignore[arg-type]
    assert result.evidence[0].value == "x" * MAX_QUOTED_TEXT + "…"


def test_unknown_text_source_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="unknown source 'label:x'"):
        _check(kind="text_present", sources=["label:x"])


def test_artifact_glob() -> None:
    ev = make_snapshot()
    assert (
        evaluate_check(_check(kind="artifact_present", pattern="eval/*.json"), ev, AS_OF).status
        is CheckStatus.PASS
    )  # type: ignore[arg-type]
    assert (
        evaluate_check(_check(kind="artifact_present", pattern="eval"), ev, AS_OF).status
        is CheckStatus.NOT_EVIDENCED
    )  # type: ignore[arg-type]


def test_run_checks_do_not_count_a_run_older_than_max_age() -> None:
    check = _check(kind="artifact_present", pattern="eval/*.json", max_age_days=10)
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.NOT_EVIDENCED
    assert result.reason == (
        "run 0123456789abcdef0123456789abcdef was logged 27 days before the as-of time, more "
        "than the 10 days allowed: stale evidence does not count"
    )
    assert evaluate_check(check, make_snapshot(), AS_OF.replace(day=5)).status is CheckStatus.PASS  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("context", "role", "wanted", "status"),
    [
        ("train", "training", "training", CheckStatus.PASS),  # autolog's name
        ("eval", "evaluation", "evaluation", CheckStatus.PASS),
        ("test_", "test", "evaluation", CheckStatus.PASS),  # a test set is held out too
        (None, "evaluation", "evaluation", CheckStatus.PASS),  # what evaluate recorded using
        ("val_", "validation", "evaluation", CheckStatus.NOT_EVIDENCED),
        ("eval", "evaluation", "training", CheckStatus.NOT_EVIDENCED),
    ],
)
def test_dataset_logged_by_role(
    context: str | None, role: str, wanted: str, status: CheckStatus
) -> None:
    base = make_snapshot().run.datasets[0]
    ev = make_snapshot(datasets=(base.model_copy(update={"context": context, "role": role}),))
    result = evaluate_check(_check(kind="dataset_logged", context=wanted), ev, AS_OF)  # type: ignore[arg-type]
    assert result.status is status
    if status is CheckStatus.PASS:
        assert f"role {role}" in result.reason
