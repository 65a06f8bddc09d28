"""The checks on the model itself: model_registered, signature_present."""

from __future__ import annotations

from riskcards.assess import evaluate_check
from riskcards.models.assessment import CheckStatus
from riskcards.models.mapping import EvidenceMapping
from tests.conftest import AS_OF, make_snapshot


def _check(**fields: object) -> object:
    base = {"id": "c", "title": "C", "controls": {"nist-ai-rmf": ["MEASURE 2.3"]}}
    mapping = EvidenceMapping.model_validate(
        {"schema_version": 1, "id": "m", "title": "M", "checks": [{**base, **fields}]}
    )
    return mapping.checks[0]


def test_registration() -> None:
    ev = make_snapshot()
    assert evaluate_check(_check(kind="model_registered"), ev, AS_OF).status is CheckStatus.PASS  # type: ignore[arg-type]
    run_only = ev.model_copy(update={"model_version": None})
    assert (
        evaluate_check(_check(kind="model_registered"), run_only, AS_OF).status
        is CheckStatus.NOT_EVIDENCED
    )  # type: ignore[arg-type]


def test_signature_present() -> None:
    from riskcards.models.evidence import LoggedModelEvidence, ModelSignature

    check = _check(kind="signature_present")
    bare = make_snapshot()
    assert evaluate_check(check, bare, AS_OF).status is CheckStatus.NOT_EVIDENCED  # type: ignore[arg-type]
    model = LoggedModelEvidence(
        uri="models:/m-abc",
        model_id="m-abc",
        signature=ModelSignature(inputs='[{"type": "double", "name": "income"}]'),
        mlmodel_sha256="ab" * 32,
    )
    signed = bare.model_copy(update={"logged_models": (model,), "model_version": None})
    result = evaluate_check(check, signed, AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert result.evidence[0].digest == "ab" * 32


def test_model_checks_ignore_the_age_of_the_run() -> None:
    """What the model is does not go stale: max_age_days applies to measurements."""
    ev = make_snapshot()
    check = _check(kind="model_registered", max_age_days=1)
    assert evaluate_check(check, ev, AS_OF).status is CheckStatus.PASS  # type: ignore[arg-type]
