"""The assessment engine: each check kind, aggregation per control, and purity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskcards.assess import aggregate, assess, evaluate_check
from riskcards.catalogues import Loaded
from riskcards.models.assessment import CheckResult, CheckStatus, ControlStatus
from riskcards.models.evidence import MetricValue
from riskcards.models.mapping import EvidenceMapping
from tests.conftest import AS_OF, make_snapshot


def _check(**fields: object) -> object:
    base = {"id": "c", "title": "C", "controls": {"nist-ai-rmf": ["MEASURE 2.3"]}}
    mapping = EvidenceMapping.model_validate(
        {"schema_version": 1, "id": "m", "title": "M", "checks": [{**base, **fields}]}
    )
    return mapping.checks[0]


@pytest.mark.parametrize(
    ("op", "threshold", "expected"),
    [
        (">=", 0.86, CheckStatus.PASS),
        (">=", 0.87, CheckStatus.FAIL),
        (">", 0.86, CheckStatus.FAIL),
        ("<=", 0.86, CheckStatus.PASS),
        ("<", 0.9, CheckStatus.PASS),
        ("==", 0.86, CheckStatus.PASS),
    ],
)
def test_metric_threshold_compares(op: str, threshold: float, expected: CheckStatus) -> None:
    check = _check(kind="metric_threshold", metric="roc_auc", op=op, threshold=threshold)
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is expected
    assert result.evidence[0].locator.endswith("metric roc_auc (step 0)")
    assert result.evidence[0].value == "0.86"


def test_metric_threshold_uses_first_alias_found() -> None:
    check = _check(
        kind="metric_threshold", metric="auc", aliases=["roc_auc"], op=">=", threshold=0.5
    )
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert "roc_auc" in result.observed  # type: ignore[operator]


def test_missing_metric_is_not_evidenced_with_the_names_sought() -> None:
    check = _check(
        kind="metric_threshold", metric="drift/max_psi", aliases=["psi"], op="<=", threshold=0.2
    )
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.NOT_EVIDENCED
    assert "'drift/max_psi' or 'psi'" in result.reason
    assert result.evidence == ()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_metric_is_invalid_and_never_passes(value: float) -> None:
    ev = make_snapshot(metrics=(MetricValue(key="roc_auc", value=value),))
    for op in (">=", "<=", ">", "<"):
        check = _check(kind="metric_threshold", metric="roc_auc", op=op, threshold=0.5)
        assert evaluate_check(check, ev, AS_OF).status is CheckStatus.INVALID  # type: ignore[arg-type]


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


def test_unknown_text_source_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="unknown source 'label:x'"):
        _check(kind="text_present", sources=["label:x"])


def test_artifact_glob_and_registration() -> None:
    ev = make_snapshot()
    assert (
        evaluate_check(_check(kind="artifact_present", pattern="eval/*.json"), ev, AS_OF).status
        is CheckStatus.PASS
    )  # type: ignore[arg-type]
    assert (
        evaluate_check(_check(kind="artifact_present", pattern="eval"), ev, AS_OF).status
        is CheckStatus.NOT_EVIDENCED
    )  # type: ignore[arg-type]
    assert evaluate_check(_check(kind="model_registered"), ev, AS_OF).status is CheckStatus.PASS  # type: ignore[arg-type]
    run_only = ev.model_copy(update={"model_version": None})
    assert (
        evaluate_check(_check(kind="model_registered"), run_only, AS_OF).status
        is CheckStatus.NOT_EVIDENCED
    )  # type: ignore[arg-type]


def _result(status: CheckStatus) -> CheckResult:
    return CheckResult(check_id="x", title="X", kind="k", severity="low", status=status, reason="r")


@given(st.lists(st.sampled_from(list(CheckStatus)), max_size=8))
def test_aggregation_rules(statuses: list[CheckStatus]) -> None:
    status, reason = aggregate([_result(s) for s in statuses])
    passing = statuses.count(CheckStatus.PASS)
    assert reason
    if not statuses:
        assert status is ControlStatus.NOT_ASSESSED
    elif passing == len(statuses):
        assert status is ControlStatus.MET
    elif passing == 0:
        assert status is ControlStatus.GAP
    else:
        assert status is ControlStatus.PARTIAL
    # order of the checks never changes the verdict
    assert aggregate([_result(s) for s in reversed(statuses)])[0] is status


def test_assess_covers_every_nist_subcategory_and_is_deterministic(loaded: Loaded) -> None:
    ev = make_snapshot()
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    b = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    assert a == b
    assert a.model_dump_json() == b.model_dump_json()
    (nist,) = [f for f in a.frameworks if f.catalogue_id == "nist-ai-rmf"]
    assert len(nist.controls) == 72
    by_id = {c.control_id: c for c in nist.controls}
    assert by_id["MEASURE 2.11"].status is ControlStatus.GAP  # parity 0.18 > 0.10
    assert by_id["MEASURE 2.7"].status is ControlStatus.GAP  # FGSM accuracy 0.55 < 0.70
    assert by_id["GOVERN 1.6"].status is ControlStatus.MET
    assert by_id["GOVERN 1.1"].status is ControlStatus.NOT_ASSESSED
    assert by_id["MEASURE 2.3"].status is ControlStatus.PARTIAL  # AUC passes, latency missing
    assert by_id["MEASURE 2.3"].groups == ("MEASURE", "MEASURE 2")
    assert a.as_of == AS_OF


def test_signature_present() -> None:
    from riskcards.models.evidence import LoggedModelEvidence, ModelSignature

    check = _check(kind="signature_present")
    bare = make_snapshot()
    assert evaluate_check(check, bare, AS_OF).status is CheckStatus.NOT_EVIDENCED  # type: ignore[arg-type]
    model = LoggedModelEvidence(uri="models:/m-abc", model_id="m-abc",
                                signature=ModelSignature(inputs='[{"type": "double", "name": "income"}]'),
                                mlmodel_sha256="ab" * 32)
    signed = bare.model_copy(update={"logged_models": (model,), "model_version": None})
    result = evaluate_check(check, signed, AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert result.evidence[0].digest == "ab" * 32
