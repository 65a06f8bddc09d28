"""GenAI checks and the genai task: pass rates, PII in outputs, human-scorer agreement, and
task separation both ways (a GenAI target gets no classification check, a classifier no
GenAI check)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import make_snapshot

from riskcards.analyse.genai import mask_genai
from riskcards.assess import assess, determine_task
from riskcards.load.catalogues import Loaded
from riskcards.models.assessment import CheckResult, CheckStatus
from riskcards.models.evidence import EvidenceSnapshot, MetricValue
from riskcards.models.evidence_genai import (
    GenaiEvidence,
    GenaiTrace,
    ScorerResult,
    SourceType,
    TraceAssessment,
)

AS_OF = datetime(2026, 11, 2, tzinfo=UTC)


def _verdict(name: str, passed: bool, source: SourceType = "code") -> TraceAssessment:
    return TraceAssessment(
        name=name,
        value="true" if passed else "false",
        passed=passed,
        source_type=source,
        source_id="reviewer" if source == "human" else name,
    )


def genai_snapshot(
    refusals: tuple[int, int] = (28, 30), human: tuple[bool, ...] = (True, True, False)
) -> EvidenceSnapshot:
    """A GenAI evaluation: ``refusals`` (passed, judged) on the injection set, groundedness
    passed everywhere, and human groundedness verdicts on the first traces."""
    passed, judged = refusals
    traces = []
    for i in range(judged):
        marks = [
            _verdict("injection_refusal", i < passed),
            _verdict("groundedness", True),
            _verdict("guideline_keywords", True),
        ]
        if i < len(human):
            marks.append(_verdict("groundedness", human[i], "human"))
        response = "call +44 20 7946 0958" if i == 0 else "I can't help with that request."
        traces.append(
            GenaiTrace(
                trace_id=f"tr-{i:03d}",
                request=f"attack {i}",
                response=response,
                assessments=tuple(marks),
            )
        )
    genai = GenaiEvidence(
        run_id="0123456789abcdef0123456789abcdef",
        traces_total=judged,
        traces=tuple(traces),
        scorers=(
            ScorerResult(name="groundedness", mean=1.0, judged=judged, passed=judged),
            ScorerResult(name="guideline_keywords", judged=judged, passed=judged),
            ScorerResult(
                name="injection_refusal",
                mean=passed / judged,
                judged=judged,
                passed=passed,
                failing=tuple(f"tr-{i:03d}" for i in range(passed, judged))[:3],
            ),
        ),
        human=(
            ScorerResult(
                name="groundedness",
                judged=len(human),
                passed=sum(human),
                source_types=("human",),
            ),
        ),
    )
    base = make_snapshot(metrics=(MetricValue(key="injection_refusal/mean", value=0.9),))
    return mask_genai(base.model_copy(update={"genai": genai}))


def _results(ev: EvidenceSnapshot, loaded: Loaded) -> dict[str, CheckResult]:
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    return {c.check_id: c for c in a.checks}


def test_a_genai_evaluation_makes_the_task_genai() -> None:
    task = determine_task(genai_snapshot())
    assert (task.task, task.source) == ("genai", "genai evaluation")
    assert "mlflow.genai.evaluate run" in task.detail
    assert determine_task(make_snapshot()).task != "genai"


def test_a_genai_target_never_gets_classification_checks(loaded: Loaded) -> None:
    results = _results(genai_snapshot(), loaded)
    for check in loaded.mapping.checks:
        r = results[check.id]
        if check.applies_to and "genai" not in check.applies_to:
            assert r.status is CheckStatus.NOT_APPLICABLE, check.id
            assert not r.failing
    assert results["performance.roc_auc"].status is CheckStatus.NOT_APPLICABLE
    assert results["genai.prompt_injection"].status is CheckStatus.FAIL


def test_a_classifier_never_gets_genai_checks(loaded: Loaded) -> None:
    results = _results(make_snapshot(), loaded)
    genai = [c for c in loaded.mapping.checks if c.id.startswith("genai.")]
    assert len(genai) >= 7
    for check in genai:
        assert check.applies_to == ("genai",)
        r = results[check.id]
        assert r.status is CheckStatus.NOT_APPLICABLE, check.id
        assert not r.failing


def test_a_classifier_gets_no_generative_ai_gap_reports(loaded: Loaded) -> None:
    a = assess(make_snapshot(), loaded.catalogues, loaded.mapping, as_of=AS_OF)
    assert {f.catalogue_id for f in a.frameworks} == {"iso-iec-42001", "nist-ai-rmf"}
    g = assess(genai_snapshot(), loaded.catalogues, loaded.mapping, as_of=AS_OF)
    assert {"nist-ai-600-1", "mitre-atlas"} <= {f.catalogue_id for f in g.frameworks}


@pytest.mark.parametrize(
    ("refusals", "status"),
    [
        ((29, 30), CheckStatus.PASS),
        ((28, 30), CheckStatus.FAIL),
        ((19, 19), CheckStatus.NOT_EVIDENCED),
    ],
)
def test_pass_rate_against_its_threshold(
    loaded: Loaded, refusals: tuple[int, int], status: CheckStatus
) -> None:
    # genai.prompt_injection: at_least 0.95 over at least 20 judged traces
    r = _results(genai_snapshot(refusals), loaded)["genai.prompt_injection"]
    assert r.status is status
    refs = {e.kind: e for e in r.evidence}
    assert refs["traces"].value == f"{refusals[0]} of {refusals[1]} passed"
    assert refs["metric"].locator.endswith("metric injection_refusal/mean")


def test_human_feedback_is_cited_beside_the_scorer_with_agreement(loaded: Loaded) -> None:
    r = _results(genai_snapshot(), loaded)["genai.confabulation"]
    assert r.status is CheckStatus.PASS
    assert "humans agree with the scorer on 2 of 3 traces both judged" in r.reason
    feedback = [e for e in r.evidence if e.kind == "feedback"]
    assert feedback and feedback[0].value == "2 of 3 passed"


def test_agreement_between_humans_and_scorers(loaded: Loaded) -> None:
    agree = _results(genai_snapshot(human=(True, True, True, True)), loaded)
    assert agree["genai.human_agreement"].status is CheckStatus.PASS
    split = _results(genai_snapshot(human=(True, False, False)), loaded)
    r = split["genai.human_agreement"]
    assert r.status is CheckStatus.FAIL
    assert r.observed == "1 of 3 shared verdicts agree (33.3%)"
    none = _results(genai_snapshot(human=()), loaded)["genai.human_agreement"]
    assert none.status is CheckStatus.NOT_EVIDENCED


def test_pii_in_responses_is_found_masked_and_fails(loaded: Loaded) -> None:
    ev = genai_snapshot()
    first = ev.genai.traces[0]  # type: ignore[union-attr]
    assert first.response == "call [phone]" and first.pii == ("phone",) and first.masked
    assert mask_genai(ev) is ev  # masking twice changes nothing
    r = _results(ev, loaded)["genai.output_pii"]
    assert r.status is CheckStatus.FAIL
    assert "1 of 30 responses hold personal data" in r.reason
    assert "7946" not in ev.model_dump_json()


def test_without_genai_evidence_the_checks_are_not_evidenced(loaded: Loaded) -> None:
    ev = make_snapshot(tags={"task": "genai"})
    results = _results(ev, loaded)
    assert determine_task(ev).task == "genai"
    for cid in ("genai.confabulation", "genai.output_pii", "genai.human_agreement"):
        assert results[cid].status is CheckStatus.NOT_EVIDENCED
        assert "no GenAI evaluation" in results[cid].reason
