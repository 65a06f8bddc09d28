"""Checks on GenAI evidence: scorer pass rates, PII in outputs, human-scorer agreement
(layer: assess). Pure: they read :class:`~riskcards.models.evidence_genai.GenaiEvidence`.

- ``genai_pass_rate``: the pass rate of the first listed scorer that judged any trace,
  counted from the traces' assessments (the run's ``<scorer>/mean`` is cited beside it);
  human feedback under the same name is cited too, with its agreement with the scorer.
- ``genai_output_pii``: the share of responses where the PII scanner found personal data.
- ``genai_human_agreement``: on traces judged by a person and a scorer of the same name, how
  often they agree.

Without GenAI evidence (no ``mlflow.genai.evaluate`` run) each is "not evidenced".
"""

from __future__ import annotations

from riskcards.assess.registry import CheckContext, check_result
from riskcards.models.assessment import CheckResult, CheckStatus, EvidenceRef
from riskcards.models.base import fmt_number
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.evidence_genai import GenaiEvidence, ScorerResult
from riskcards.models.mapping import Check, GenaiHumanAgreement, GenaiOutputPII, GenaiPassRate

Refs = tuple[EvidenceRef, ...]
_NO_GENAI = "no GenAI evaluation (mlflow.genai.evaluate run with traces) in the evidence"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _missing(
    check: Check, reason: str, expected: str, observed: str | None = None, refs: Refs = ()
) -> CheckResult:
    return check_result(
        check,
        CheckStatus.NOT_EVIDENCED,
        reason,
        expected=expected,
        observed=observed,
        evidence=refs,
    )


def _verdict(
    check: Check, ok: bool, reason: str, expected: str, observed: str, refs: Refs
) -> CheckResult:
    status = CheckStatus.PASS if ok else CheckStatus.FAIL
    return check_result(check, status, reason, expected=expected, observed=observed, evidence=refs)


def pairs(genai: GenaiEvidence, name: str | None = None) -> list[tuple[str, str, bool, bool]]:
    """(trace id, assessment name, human verdict, scorer verdict) where both judged a trace."""
    found = []
    for t in genai.traces:
        human = {a.name: a.passed for a in t.assessments if a.source_type == "human"}
        machine = {a.name: a.passed for a in t.assessments if a.source_type != "human"}
        for key in sorted(human.keys() & machine.keys()):
            h, m = human[key], machine[key]
            if (name is None or key == name) and h is not None and m is not None:
                found.append((t.trace_id, key, h, m))
    return found


def _agreement_text(genai: GenaiEvidence, name: str) -> str:
    both = pairs(genai, name)
    if not both:
        return ""
    agree = sum(1 for _, _, h, m in both if h == m)
    return f"; humans agree with the scorer on {agree} of {len(both)} traces both judged"


# --- genai_pass_rate ----------------------------------------------------------------------


def describe_genai_pass_rate(check: GenaiPassRate) -> str:
    return f"{' or '.join(check.scorers)} pass rate >= {fmt_number(check.at_least)}"


def _scorer_refs(genai: GenaiEvidence, s: ScorerResult) -> tuple[EvidenceRef, ...]:
    run = f"runs:/{genai.run_id}"
    refs = [
        EvidenceRef(
            kind="traces",
            locator=f"{run} traces, assessments {s.name} ({', '.join(s.source_types)})",
            value=f"{s.passed} of {s.judged} passed",
        )
    ]
    if s.mean is not None:
        refs.append(
            EvidenceRef(
                kind="metric", locator=f"{run} metric {s.name}/mean", value=fmt_number(s.mean)
            )
        )
    refs += [
        EvidenceRef(kind="trace", locator=f"trace {tid} assessment {s.name}", value="fail")
        for tid in s.failing
    ]
    human = next((h for h in genai.human if h.name == s.name), None)
    if human is not None:
        refs.append(
            EvidenceRef(
                kind="feedback",
                locator=f"{run} traces, human feedback {s.name}",
                value=f"{human.passed} of {human.judged} passed",
            )
        )
    return tuple(refs)


def evaluate_genai_pass_rate(
    check: GenaiPassRate, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    expected = describe_genai_pass_rate(check)
    genai = ev.genai
    if genai is None:
        return _missing(check, _NO_GENAI, expected)
    found = next(
        (s for name in check.scorers if (s := genai.scorer(name)) is not None and s.judged), None
    )
    if found is None:
        known = ", ".join(s.name for s in genai.scorers) or "none"
        why = f"no trace judged by {' or '.join(check.scorers)} (scorers present: {known})"
        return _missing(check, why, expected)
    rate = found.passed / found.judged
    observed = f"{found.name}: {found.passed} of {found.judged} traces passed ({_pct(rate)})"
    refs = _scorer_refs(genai, found)
    if found.judged < check.min_judged:
        why = f"{observed}: fewer than the {check.min_judged} traces needed"
        return _missing(check, why, expected, observed, refs)
    ok = rate >= check.at_least
    reason = (
        f"{observed}, {'at least' if ok else 'below'} {_pct(check.at_least)}"
        + _agreement_text(genai, found.name)
    )
    return _verdict(check, ok, reason, expected, observed, refs)


# --- genai_output_pii ---------------------------------------------------------------------


def describe_genai_output_pii(check: GenaiOutputPII) -> str:
    return f"share of responses with personal data <= {fmt_number(check.at_most)}"


def evaluate_genai_output_pii(
    check: GenaiOutputPII, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    expected = describe_genai_output_pii(check)
    genai = ev.genai
    if genai is None:
        return _missing(check, _NO_GENAI, expected)
    scanned = [t for t in genai.traces if t.masked]
    if not scanned:
        return _missing(check, "no trace response was scanned for personal data", expected)
    leaking = [t for t in scanned if t.pii]
    share = len(leaking) / len(scanned)
    categories = sorted({c for t in leaking for c in t.pii})
    observed = f"{len(leaking)} of {len(scanned)} responses hold personal data ({_pct(share)})"
    if categories:
        observed += f": {', '.join(categories)}"
    refs = (
        EvidenceRef(
            kind="traces",
            locator=f"runs:/{genai.run_id} traces, responses scanned by riskcards' PII scanner",
            value=f"{len(leaking)} of {len(scanned)}",
        ),
        *(
            EvidenceRef(
                kind="trace", locator=f"trace {t.trace_id} response", value=", ".join(t.pii)
            )
            for t in leaking[: genai.max_failing_examples]
        ),
    )
    reason = f"{observed}; at most {_pct(check.at_most)} allowed"
    return _verdict(check, share <= check.at_most, reason, expected, observed, refs)


# --- genai_human_agreement ----------------------------------------------------------------


def describe_genai_human_agreement(check: GenaiHumanAgreement) -> str:
    return f"human feedback agrees with scorers on >= {_pct(check.at_least)} of shared traces"


def evaluate_genai_human_agreement(
    check: GenaiHumanAgreement, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    expected = describe_genai_human_agreement(check)
    genai = ev.genai
    if genai is None:
        return _missing(check, _NO_GENAI, expected)
    both = pairs(genai)
    human = sum(h.judged for h in genai.human)
    if len(both) < check.min_pairs:
        why = (
            f"{len(both)} traces judged by both a person and a scorer of the same name "
            f"({human} human verdicts); {check.min_pairs} needed"
        )
        return _missing(check, why, expected)
    agree = [p for p in both if p[2] == p[3]]
    rate = len(agree) / len(both)
    observed = f"{len(agree)} of {len(both)} shared verdicts agree ({_pct(rate)})"
    refs = tuple(
        EvidenceRef(
            kind="feedback",
            locator=f"trace {tid} human feedback and scorer {name}",
            value=f"human {'pass' if h else 'fail'}, scorer {'pass' if m else 'fail'}",
        )
        for tid, name, h, m in both
    )
    ok = rate >= check.at_least
    reason = observed + ("" if ok else f", below {_pct(check.at_least)}")
    return _verdict(check, ok, reason, expected, observed, refs)
