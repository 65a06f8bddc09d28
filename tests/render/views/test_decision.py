"""The release decision: expiring waivers and attestations within the notice period, and
one ticket's waivers that disagree between frameworks."""

from __future__ import annotations

import datetime as dt

from riskcards.assess import assess
from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import CheckStatus
from riskcards.models.project import Attestation, AttestationRecord, Decisions, Gate, Waiver
from riskcards.render.html import environment
from riskcards.render.views.decision import build_decision
from tests.conftest import AS_OF, make_snapshot


def _assessed(loaded: Loaded, notice: int):  # type: ignore[no-untyped-def]
    today = AS_OF.date()
    soon, later, lapsed = (today + dt.timedelta(days=d) for d in (10, 60, -5))
    attestation = Attestation(
        schema_version=1,
        id="ATT-9",
        controls={"nist-ai-rmf": ("GOVERN 1.1",)},
        statement="Legal requirements are tracked.",
        attested_by="A. Chen",
        role="CRO",
        date=today - dt.timedelta(days=30),
        expires=soon,
    )
    decisions = Decisions(
        waivers=(
            Waiver(
                framework="nist-ai-rmf",
                control="MEASURE 2.11",
                reason="r",
                approver="CRO",
                expires=soon,
                ticket="RISK-1",
            ),
            Waiver(
                framework="nist-ai-rmf",
                control="MEASURE 2.7",
                reason="r",
                approver="CRO",
                expires=later,
                ticket="RISK-2",
            ),
            Waiver(
                framework="iso-iec-42001",
                control="A.6.2.4",
                reason="r",
                approver="CRO",
                expires=lapsed,
                ticket="RISK-2",
            ),
        ),
        attestations=(AttestationRecord(attestation=attestation, file="a.yaml", sha256="0" * 64),),
        gate=Gate(required={"nist-ai-rmf": ("MAP 5.1",)}),
    )
    a = assess(make_snapshot(), loaded.catalogues, loaded.mapping, as_of=AS_OF, decisions=decisions)
    return build_decision(a, notice_days=notice)


def test_waivers_and_attestations_expiring_within_the_notice_are_listed(loaded: Loaded) -> None:
    d = _assessed(loaded, 30)
    assert {(e.kind, e.name, e.days) for e in d.expiring} == {
        ("waiver", "RISK-1", 10),
        ("attestation", "ATT-9", 10),
    }
    assert _assessed(loaded, 5).expiring == ()  # the notice period is the project's


def test_one_ticket_with_two_expiries_is_a_conflict(loaded: Loaded) -> None:
    d = _assessed(loaded, 30)
    (conflict,) = d.conflicts
    assert conflict.ticket == "RISK-2"
    assert "MEASURE 2.7 runs to" in conflict.text and "A.6.2.4 expired" in conflict.text
    assert [r.control_id for r in d.required_not_assessed] == ["MAP 5.1"]
    blocked = {c.control_id for b in d.blocking for c in b.controls}
    assert "MEASURE 2.11" not in blocked  # waived
    expired = [b for b in d.blocking if any(c.control_id == "A.6.2.4" for c in b.controls)]
    assert (
        expired
        and expired[0].waiver == f"waiver RISK-2 expired {AS_OF.date() - dt.timedelta(days=5)}"
    )


def test_checks_for_another_task_are_never_blocking_items(loaded: Loaded) -> None:
    """A blocking control also bound to regression checks lists only the checks that apply
    to a binary classifier: a check that does not apply names no owner and blocks nothing."""
    tags = {**make_snapshot().run.tags, "task": "binary-classification"}
    a = assess(make_snapshot(tags=tags), loaded.catalogues, loaded.mapping, as_of=AS_OF)
    other_task = {
        c.check_id
        for fw in a.frameworks
        for r in fw.controls
        if r.blocking
        for c in r.checks
        if c.status is CheckStatus.NOT_APPLICABLE
    }
    assert other_task  # e.g. fairness.error_gap beside demographic parity on MEASURE 2.11
    listed = {b.check_id for b in build_decision(a, notice_days=30).blocking}
    assert listed and not listed & other_task


def test_missing_evidence_that_blocks_is_never_called_a_failure(loaded: Loaded) -> None:
    """A blocking check that found no metric is listed with its status and reason, counted
    apart from the checks that failed, in the verdict, the HTML and the Markdown summary."""
    base = make_snapshot()
    metrics = tuple(m for m in base.run.metrics if "demographic_parity" not in m.key)
    a = assess(make_snapshot(metrics=metrics), loaded.catalogues, loaded.mapping, as_of=AS_OF)
    d = build_decision(a, notice_days=30)
    (missing,) = [b for b in d.blocking if b.check_id == "fairness.demographic_parity"]
    assert missing.unresolved is not None
    assert missing.unresolved.startswith("not evidenced: no metric")
    failed = [b for b in d.blocking if b.check_id and not b.unresolved]
    unresolved = [b for b in d.blocking if b.unresolved]
    assert all(b.unresolved.startswith(("not evidenced: ", "invalid: ")) for b in unresolved)
    assert d.verdict.endswith(
        f"({len(failed)} failing checks, {len(unresolved)} without usable evidence)"
    )
    env = environment()
    html = env.from_string('{% import "macros.html.j2" as m %}{{ m.decision_block(d) }}').render(
        d=d
    )
    assert "Blocking: failing checks and missing evidence" in html
    assert "not evidenced: no metric" in html
    failing_only = [b for b in d.blocking if b.check_id and not b.unresolved]
    assert all(f"{b.check_id}</code> · {b.title}" in html for b in failing_only)
