"""Project decisions in the assessment: overrides, attestations, waivers, not-applicable
declarations and the CI gate."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskcards.assess import assess
from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import CheckStatus, ControlStatus
from riskcards.models.evidence import MetricValue
from riskcards.models.project import (
    Attestation,
    AttestationRecord,
    Decisions,
    Gate,
    NotApplicable,
    ReleaseScope,
    ThresholdOverride,
    Waiver,
)
from tests.conftest import AS_OF, make_snapshot


def _control(a, framework: str, control: str):  # type: ignore[no-untyped-def]
    fw = next(f for f in a.frameworks if f.catalogue_id == framework)
    return next(c for c in fw.controls if c.control_id == control)


def _run(
    loaded: Loaded, decisions: Decisions | None = None, *, strict: bool = False, **changes: object
):  # type: ignore[no-untyped-def]
    return assess(
        make_snapshot(**changes),
        loaded.catalogues,
        loaded.mapping,
        as_of=AS_OF,
        crosswalks=loaded.crosswalks,
        decisions=decisions,
        strict=strict,
    )


def test_override_changes_the_verdict_and_is_recorded(loaded: Loaded) -> None:
    decisions = Decisions(
        overrides=(
            ThresholdOverride(
                check="fairness.demographic_parity",
                threshold=0.2,
                rationale="Regulator-agreed tolerance",
                owner="CRO",
            ),
        )
    )
    before = _run(loaded)
    after = _run(loaded, decisions)
    check = next(c for c in after.checks if c.check_id == "fairness.demographic_parity")
    assert next(c for c in before.checks if c.check_id == check.check_id).status is CheckStatus.FAIL
    assert check.status is CheckStatus.PASS
    assert check.override is not None
    assert check.override.original == "fairness/demographic_parity_difference <= 0.1"
    assert check.override.applied == "fairness/demographic_parity_difference <= 0.2"
    assert check.override.owner == "CRO"


def _attestation(**changes: object) -> AttestationRecord:
    fields = {
        "schema_version": 1,
        "id": "ATT-1",
        "controls": {"nist-ai-rmf": ("GOVERN 1.1",)},
        "statement": "Legal requirements are tracked.",
        "attested_by": "A. Chen",
        "role": "CRO",
        "date": date(2026, 10, 1),
        "expires": date(2027, 10, 1),
    }
    return AttestationRecord(
        attestation=Attestation.model_validate({**fields, **changes}),
        file="attestations/a.yaml",
        sha256="ab" * 32,
    )


@pytest.mark.parametrize(
    ("changes", "status", "words"),
    [
        ({}, ControlStatus.MET, "attested by A. Chen (CRO) on 2026-10-01, valid until 2027-10-01"),
        (
            {"expires": date(2026, 11, 28)},
            ControlStatus.GAP,
            "expired on 2026-11-28; it no longer counts",
        ),
        (
            {"date": date(2026, 12, 1), "expires": None},
            ControlStatus.GAP,
            "after the as-of date 2026-11-28",
        ),
        (
            {"scope": ReleaseScope(model="credit-risk", version="2")},
            ControlStatus.GAP,
            "is stale (model version changed: 2 to 3)",
        ),
        (
            {"scope": ReleaseScope(dataset_digest="c271")},
            ControlStatus.GAP,
            "is stale (dataset changed: c271 to ",
        ),
        (
            {"scope": ReleaseScope(git_commit="0a1b2c3")},
            ControlStatus.GAP,
            "is stale (code commit changed: 0a1b2c3 to none)",
        ),
        (
            {"scope": ReleaseScope(catalogue_versions={"nist-ai-rmf": "0.9"})},
            ControlStatus.GAP,
            "is stale (nist-ai-rmf catalogue changed: 0.9 to 1.0)",
        ),
        (
            {"scope": ReleaseScope(model="fraud")},
            ControlStatus.GAP,
            "was made for model 'fraud'",
        ),
        (
            {
                "scope": ReleaseScope(
                    model="credit-risk",
                    version="3",
                    dataset_digest="a1a2a3a4",
                    catalogue_versions={"nist-ai-rmf": "1.0"},
                )
            },
            ControlStatus.MET,
            "",
        ),
    ],
)
def test_attestations_count_only_while_current_and_in_scope(
    loaded: Loaded, changes: dict, status: ControlStatus, words: str
) -> None:
    a = _run(loaded, Decisions(attestations=(_attestation(**changes),)))
    control = _control(a, "nist-ai-rmf", "GOVERN 1.1")
    assert control.status is status
    assert words in control.reason
    (result,) = control.checks
    assert result.evidence[0].kind == "attestation" and result.evidence[0].digest == "ab" * 32
    if status is ControlStatus.GAP:
        assert any("ATT-1" in n for n in a.notes)


def test_not_applicable_wins_and_keeps_the_underlying_status(loaded: Loaded) -> None:
    na = NotApplicable(
        framework="nist-ai-rmf",
        control="MEASURE 2.11",
        justification="No people scored",
        approver="CRO",
    )
    control = _control(_run(loaded, Decisions(not_applicable=(na,))), "nist-ai-rmf", "MEASURE 2.11")
    assert control.status is ControlStatus.NOT_APPLICABLE
    assert control.underlying is ControlStatus.GAP
    assert control.decision is not None and control.decision.approver == "CRO"
    assert not control.blocking


def test_waivers_count_until_they_expire(loaded: Loaded) -> None:
    def waived(expires: date):  # type: ignore[no-untyped-def]
        w = Waiver(
            framework="nist-ai-rmf",
            control="MEASURE 2.11",
            reason="Fix in Q1",
            approver="CRO",
            expires=expires,
            ticket="RISK-1",
        )
        return _control(_run(loaded, Decisions(waivers=(w,))), "nist-ai-rmf", "MEASURE 2.11")

    current = waived(date(2026, 11, 28))  # the last day still counts
    assert current.status is ControlStatus.WAIVED and current.underlying is ControlStatus.GAP
    assert current.decision.ticket == "RISK-1" and not current.blocking  # type: ignore[union-attr]
    expired = waived(date(2026, 11, 27))
    assert expired.status is ControlStatus.GAP and expired.blocking
    assert "expired on 2026-11-27" in expired.notes[0]


def test_a_waiver_does_not_hide_a_met_control(loaded: Loaded) -> None:
    w = Waiver(
        framework="nist-ai-rmf",
        control="GOVERN 1.6",
        reason="r",
        approver="a",
        expires=date(2030, 1, 1),
    )
    assert (
        _control(_run(loaded, Decisions(waivers=(w,))), "nist-ai-rmf", "GOVERN 1.6").status
        is ControlStatus.MET
    )


def test_gate_blocking_severities_and_strict(loaded: Loaded) -> None:
    lenient = Decisions(gate=Gate(blocking_severities=("critical",)))
    assert _run(loaded, lenient).blocking == ()
    required = Decisions(
        gate=Gate(blocking_severities=("critical",), required={"nist-ai-rmf": ("MAP 5.1",)})
    )
    assert _run(loaded, required).blocking == ()
    strict = _run(loaded, required, strict=True)
    assert [c.control_id for c in strict.blocking] == ["MAP 5.1"]
    nan = _run(
        loaded, lenient, strict=True, metrics=(MetricValue(key="roc_auc", value=float("nan")),)
    )
    assert "MEASURE 2.3" in [c.control_id for c in nan.blocking]


STATUSES = st.sampled_from(list(CheckStatus))


@given(
    st.lists(STATUSES, min_size=1, max_size=6),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["low", "medium", "high", "critical"]),
)
def test_decisions_property(
    statuses: list[CheckStatus], na: bool, waiver_current: bool, severity: str
) -> None:
    """Whatever the checks say: N/A always wins; a current waiver turns only gap/partial into
    waived; a blocking control is always a gap or partial with a failing blocking-severity check."""
    from riskcards.assess import aggregate
    from riskcards.assess.decisions import decide
    from riskcards.models.assessment import CheckResult, ControlResult

    checks = [
        CheckResult(check_id=f"c{i}", title="t", kind="k", severity=severity, status=s, reason="r")
        for i, s in enumerate(statuses)
    ]
    status, reason = aggregate(checks)
    result = ControlResult(
        catalogue_id="f",
        control_id="X",
        label="",
        groups=(),
        status=status,
        reason=reason,
        checks=tuple(checks),
    )
    expires = date(2026, 12, 31) if waiver_current else date(2026, 1, 1)
    decisions = Decisions(
        not_applicable=(NotApplicable(framework="f", control="X", justification="j", approver="a"),)
        if na
        else (),
        waivers=(Waiver(framework="f", control="X", reason="r", approver="a", expires=expires),),
    )
    decided = decide(result, decisions, datetime(2026, 6, 1, tzinfo=UTC), strict=False)
    if na:
        assert decided.status is ControlStatus.NOT_APPLICABLE and decided.underlying is status
    elif status in (ControlStatus.GAP, ControlStatus.PARTIAL) and waiver_current:
        assert decided.status is ControlStatus.WAIVED
    else:
        assert decided.status is status
    if decided.blocking:
        assert decided.status in (ControlStatus.GAP, ControlStatus.PARTIAL)
        assert severity in ("high", "critical")
        assert any(c.status is not CheckStatus.PASS for c in checks)
