"""The system card, ``card`` in ``system_card.html.j2`` (layer: render): pure, no I/O.

For a GenAI target (evidence from ``mlflow.genai.evaluate``) the model card becomes a system
card: the application and the model(s) behind it, its prompts (versions, hashes, text in an
appendix), retrieval sources, evaluation sets, scorer results with 95% Wilson intervals,
red-team results, human feedback and its agreement with the scorers, failure examples
(PII-masked before they reach here) and the intended and out-of-scope uses. Whatever the
evidence does not tell stays "Not provided".
"""

from __future__ import annotations

import math

from pydantic import Field

from riskcards.models.assessment import Assessment, CheckResult
from riskcards.models.base import Frozen, fmt_number
from riskcards.models.evidence import EvidenceSnapshot, LoggedModelEvidence
from riskcards.models.evidence_genai import GenaiEvidence, ScorerResult
from riskcards.models.project import ModelCardSidecar
from riskcards.render.views.common import FrameworkStatus, Prose, Row, framework_status
from riskcards.render.views.decision import GateDecision
from riskcards.render.views.model_card import _Texts
from riskcards.render.views.text import store_label

_RED_TEAM = ("inject", "jailbreak", "refus", "safety", "harm", "toxic", "attack", "red_team")
_Z = 1.959964  # two-sided 95%


class ModelRow(Frozen):
    uri: str
    name: str | None
    provider: str | None
    model: str | None
    version: str | None
    params: tuple[Row, ...] = ()


class PromptRow(Frozen):
    uri: str
    sha256: str
    commit_message: str | None
    template: str


class ScorerRow(Frozen):
    name: str
    sources: str
    judged: int
    passed: int
    rate: str | None
    interval: str | None = Field(description="95% Wilson interval of the pass rate")
    mean: str | None = Field(description="the run's <name>/mean metric")
    check_id: str | None = None
    verdict: str | None = None


class HumanRow(Frozen):
    name: str
    judged: int
    passed: int
    agreement: str | None = Field(description="agreement with the scorer of the same name")


class Example(Frozen):
    scorer: str
    trace_id: str
    request: str
    response: str
    rationale: str | None
    pii: str | None


class SystemCard(Frozen):
    decision: GateDecision | None = None
    application: tuple[Row, ...]
    models: tuple[ModelRow, ...]
    prompts: tuple[PromptRow, ...]
    retrieval: Prose
    evaluation_sets: tuple[Row, ...]
    scorers: tuple[ScorerRow, ...]
    red_team: tuple[ScorerRow, ...]
    human: tuple[HumanRow, ...]
    examples: tuple[Example, ...]
    max_examples: int
    intended_uses: Prose
    intended_users: Prose
    out_of_scope_uses: Prose
    ethical_considerations: Prose
    recommendations: Prose
    governance: tuple[FrameworkStatus, ...]
    provenance: tuple[Row, ...]


def wilson(passed: int, n: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a proportion; None for no trials."""
    if n == 0:
        return None
    p = passed / n
    centre = (p + _Z**2 / (2 * n)) / (1 + _Z**2 / n)
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / (1 + _Z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def build_system_card(
    ev: EvidenceSnapshot,
    assessment: Assessment,
    sidecar: ModelCardSidecar | None = None,
    decision: GateDecision | None = None,
) -> SystemCard:
    genai = ev.genai
    assert genai is not None, "a system card needs GenAI evidence"
    text = _Texts(ev, sidecar)
    checks = [c for c in assessment.checks if c.kind == "genai_pass_rate"]
    scorers = tuple(_scorer_row(s, checks) for s in genai.scorers)
    return SystemCard(
        decision=decision,
        application=_application(ev, genai, text),
        models=tuple(_model_row(m) for m in ev.logged_models),
        prompts=tuple(
            PromptRow(
                uri=p.uri, sha256=p.sha256, commit_message=p.commit_message, template=p.template
            )
            for p in genai.prompts
        ),
        retrieval=text("retrieval", "retrieval", "retriever", fallback=_retriever(ev)),
        evaluation_sets=tuple(
            Row(
                label=f"{d.name} ({d.role or d.context or 'no role'})",
                value=f"digest {d.digest}, source {d.source_type}; {genai.traces_total} traces",
            )
            for d in ev.run.datasets
        ),
        scorers=scorers,
        red_team=tuple(r for r in scorers if any(w in r.name.lower() for w in _RED_TEAM)),
        human=tuple(_human_row(h, genai) for h in genai.human),
        examples=_examples(genai),
        max_examples=genai.max_failing_examples,
        intended_uses=text("primary_intended_uses", "intended_use"),
        intended_users=text("primary_intended_users", "intended_users"),
        out_of_scope_uses=text("out_of_scope_uses", "out_of_scope_use"),
        ethical_considerations=text("ethical_considerations", "ethical_considerations"),
        recommendations=text("recommendations", "recommendations"),
        governance=tuple(framework_status(fw) for fw in assessment.frameworks),
        provenance=(
            Row(label="Target", value=ev.target.uri),
            Row(label="Tracking store", value=store_label(ev.provenance.tracking_uri)),
            Row(label="Evaluation run", value=f"runs:/{genai.run_id}"),
            Row(label="Experiment", value=f"{ev.run.experiment_name} ({ev.run.experiment_id})"),
            Row(label="Trace search", value=f"{genai.traces_total} traces in {genai.pages} pages"),
            Row(label="Collected", value=ev.provenance.collected_at.strftime("%Y-%m-%d %H:%M UTC")),
            Row(label="Assessed as of", value=assessment.as_of.strftime("%Y-%m-%d %H:%M UTC")),
            Row(label="MLflow", value=ev.provenance.mlflow_version),
        ),
    )


def _application(ev: EvidenceSnapshot, genai: GenaiEvidence, text: _Texts) -> tuple[Row, ...]:
    return (
        Row(label="Application", value=genai.application or ev.run.run_name),
        Row(label="Application digest", value=genai.application_digest),
        Row(label="Logged model (version)", value=", ".join(genai.model_ids) or None),
        Row(label="Task", value="GenAI application (mlflow.genai.evaluate)"),
        Row(label="Owner / contact", value=text("contact", "owner", "contact").value),
        Row(label="Licence", value=text("license", "license", "licence").value),
    )


def _param(params: dict[str, str], *keys: str) -> str | None:
    return next((params[k] for k in keys if params.get(k)), None)


def _model_row(m: LoggedModelEvidence) -> ModelRow:
    return ModelRow(
        uri=m.uri,
        name=m.name,
        provider=_param(m.params, "llm_provider", "provider", "model_provider"),
        model=_param(m.params, "llm", "model_name", "llm_model", "model"),
        version=_param(m.params, "llm_version", "model_version"),
        params=tuple(Row(label=k, value=v) for k, v in sorted(m.params.items())),
    )


def _retriever(ev: EvidenceSnapshot) -> tuple[str | None, str]:
    for m in ev.logged_models:
        if found := _param(m.params, "retriever", "retrieval", "vector_index"):
            return found, f"logged model {m.uri} param"
    return ev.run.params.get("retriever"), "MLflow param retriever"


def _scorer_row(s: ScorerResult, checks: list[CheckResult]) -> ScorerRow:
    bounds = wilson(s.passed, s.judged)
    check = next((c for c in checks if (c.observed or "").startswith(f"{s.name}:")), None)
    return ScorerRow(
        name=s.name,
        sources=", ".join(t.replace("_", " ") for t in s.source_types) or "-",
        judged=s.judged,
        passed=s.passed,
        rate=_pct(s.pass_rate) if s.pass_rate is not None else None,
        interval=f"{_pct(bounds[0])} to {_pct(bounds[1])}" if bounds else None,
        mean=fmt_number(s.mean) if s.mean is not None else None,
        check_id=check.check_id if check else None,
        verdict=check.status.value if check else None,
    )


def _human_row(h: ScorerResult, genai: GenaiEvidence) -> HumanRow:
    both = agree = 0
    for t in genai.traces:
        verdicts = {(a.source_type == "human"): a.passed for a in t.assessments if a.name == h.name}
        if verdicts.get(True) is not None and verdicts.get(False) is not None:
            both += 1
            agree += verdicts[True] == verdicts[False]
    return HumanRow(
        name=h.name,
        judged=h.judged,
        passed=h.passed,
        agreement=f"{agree} of {both} traces both judged" if both else None,
    )


def _examples(genai: GenaiEvidence) -> tuple[Example, ...]:
    found = []
    for s in genai.scorers:
        for trace_id in s.failing:
            t = genai.trace(trace_id)
            if t is None:
                continue
            why = next((a.rationale for a in t.assessments if a.name == s.name), None)
            found.append(
                Example(
                    scorer=s.name,
                    trace_id=trace_id,
                    request=t.request,
                    response=t.response,
                    rationale=why,
                    pii=", ".join(t.pii) or None,
                )
            )
    return tuple(found)
