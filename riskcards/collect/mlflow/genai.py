"""GenAI evidence of a run of ``mlflow.genai.evaluate`` (layer: sources, mlflow).

Recognised by the run's ``mlflow.runType`` tag (``genai_evaluate``). Reads, through the
session's calls (retries, deadline, query counts):

- the traces the evaluation logged, with MLflow's own trace search (``run_id``), page by page
  to the end; each trace's assessments (name, value, source type, rationale);
- the prompt versions linked to the run or its traces (``mlflow.linkedPrompts``), from the
  prompt registry, with the sha256 of each template.

The run's ``<scorer>/mean`` metrics are the aggregates; pass counts come from the traces.
Texts are truncated here; PII masking is the analyse stage's (:mod:`riskcards.analyse.genai`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from riskcards.collect.mlflow.session import Session
from riskcards.models.evidence import DatasetInput, Provenance, RunEvidence
from riskcards.models.evidence_genai import (
    DEFAULT_MAX_FAILING_EXAMPLES,
    DEFAULT_MAX_TEXT,
    GenaiEvidence,
    GenaiTrace,
    PromptVersion,
    ScorerResult,
    SourceType,
    TraceAssessment,
)

GENAI_RUN_TYPE = "genai_evaluate"
PAGE_SIZE = 100
_LINKED_PROMPTS = "mlflow.linkedPrompts"
_SOURCES: dict[str, SourceType] = {"CODE": "code", "LLM_JUDGE": "llm_judge", "HUMAN": "human"}
_PASS_WORDS = {"yes": True, "pass": True, "true": True, "no": False, "fail": False, "false": False}


def is_genai_run(run: RunEvidence) -> bool:
    return run.system_tags.get("mlflow.runType") == GENAI_RUN_TYPE


def with_genai_counts(prov: Provenance, genai: GenaiEvidence | None) -> Provenance:
    """The provenance with what the GenAI collection found: traces, assessments, prompts."""
    if genai is None:
        return prov
    found = {
        "traces": genai.traces_total,
        "trace_assessments": sum(len(t.assessments) for t in genai.traces),
        "prompt_versions": len(genai.prompts),
    }
    return prov.model_copy(update={"counts": {**prov.counts, **found}})


def genai_datasets(datasets: tuple[DatasetInput, ...]) -> tuple[DatasetInput, ...]:
    """The datasets of a genai evaluation run: one without a role is the evaluation set."""
    return tuple(d if d.role else d.model_copy(update={"role": "evaluation"}) for d in datasets)


def collect_genai(
    s: Session,
    run: RunEvidence,
    *,
    max_failing: int = DEFAULT_MAX_FAILING_EXAMPLES,
    max_text: int = DEFAULT_MAX_TEXT,
    page_size: int | None = None,
) -> GenaiEvidence:
    """The GenAI evidence of ``run`` (a run of ``mlflow.genai.evaluate``)."""
    raw, pages = _all_traces(s, run, page_size or PAGE_SIZE)
    traces = tuple(sorted((_trace(t, max_text) for t in raw), key=lambda t: t.trace_id))
    linked = _linked(run.system_tags.get(_LINKED_PROMPTS))
    for t in raw:
        linked |= _linked(t.info.tags.get(_LINKED_PROMPTS))
    prompts = tuple(p for p in (_prompt(s, n, v) for n, v in sorted(linked)) if p is not None)
    model_ids = sorted({m for t in raw if (m := t.info.trace_metadata.get("mlflow.modelId"))})
    return GenaiEvidence(
        run_id=run.run_id,
        application=run.system_tags.get("mlflow.genaiEvaluate.agent.function"),
        application_digest=run.system_tags.get("mlflow.genaiEvaluate.agent.digest"),
        model_ids=tuple(model_ids),
        traces_total=len(traces),
        traces=traces,
        scorers=_results(run, traces, max_failing, human=False),
        human=_results(run, traces, max_failing, human=True),
        prompts=prompts,
        max_failing_examples=max_failing,
        max_text=max_text,
        pages=pages,
    )


def _all_traces(s: Session, run: RunEvidence, page_size: int) -> tuple[list[Any], int]:
    found: list[Any] = []
    token: str | None = None
    pages = 0
    while True:
        page = s.calls.call(
            "traces/search",
            s.client.search_traces,
            experiment_ids=[run.experiment_id],
            run_id=run.run_id,
            max_results=page_size,
            page_token=token,
            include_spans=False,
        )
        pages += 1
        found.extend(page)
        token = page.token
        if not token:
            return found, pages


def _cut(text: object, max_text: int) -> str:
    value = "" if text is None else str(text)
    return value if len(value) <= max_text else value[:max_text] + "…"


def _trace(t: Any, max_text: int) -> GenaiTrace:
    info = t.info
    assessments = sorted(
        (_assessment(a, max_text) for a in (info.assessments or ()) if _judgement(a)),
        key=lambda a: (a.name, a.source_type, a.source_id or "", a.value),
    )
    return GenaiTrace(
        trace_id=info.trace_id,
        request=_cut(info.request_preview, max_text),
        response=_cut(info.response_preview, max_text),
        assessments=tuple(assessments),
    )


def _judgement(a: Any) -> bool:
    """A feedback (a scorer's or a person's verdict) still valid; not an expectation (the
    ground truth a dataset row carries, which MLflow also stores as an assessment)."""
    return getattr(a, "feedback", None) is not None and getattr(a, "valid", True) is not False


def _assessment(a: Any, max_text: int) -> TraceAssessment:
    value = getattr(a, "value", None)
    source = a.source
    source_type = str(getattr(source, "source_type", "") or "").upper()
    return TraceAssessment(
        name=a.name,
        value=json.dumps(value, sort_keys=True, default=str),
        passed=verdict(value),
        source_type=_SOURCES.get(source_type, "unknown"),
        source_id=getattr(source, "source_id", None),
        rationale=_cut(a.rationale, max_text) if a.rationale else None,
    )


def verdict(value: object) -> bool | None:
    """Pass or fail from an assessment's value: booleans, yes/no, pass/fail; else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _PASS_WORDS.get(value.strip().lower())
    return None


def _results(
    run: RunEvidence, traces: Iterable[GenaiTrace], max_failing: int, *, human: bool
) -> tuple[ScorerResult, ...]:
    by_name: dict[str, list[tuple[str, TraceAssessment]]] = {}
    for t in traces:
        for a in t.assessments:
            if (a.source_type == "human") == human:
                by_name.setdefault(a.name, []).append((t.trace_id, a))
    if not human:  # a scorer with a logged mean and no trace assessment still counts
        for m in run.metrics:
            if m.key.endswith("/mean"):
                by_name.setdefault(m.key.removesuffix("/mean"), [])
    results = []
    for name, found in sorted(by_name.items()):
        judged = [(tid, a) for tid, a in found if a.passed is not None]
        mean = None if human else run.metric(f"{name}/mean")
        results.append(
            ScorerResult(
                name=name,
                mean=mean.value if mean is not None else None,
                judged=len(judged),
                passed=sum(1 for _, a in judged if a.passed),
                source_types=tuple(sorted({a.source_type for _, a in found})),
                failing=tuple(sorted(tid for tid, a in judged if not a.passed)[:max_failing]),
            )
        )
    return tuple(results)


def _linked(tag: str | None) -> set[tuple[str, str]]:
    if not tag:
        return set()
    try:
        items = json.loads(tag)
    except ValueError:
        return set()
    if not isinstance(items, list):
        return set()
    return {
        (str(i["name"]), str(i["version"]))
        for i in items
        if isinstance(i, dict) and "name" in i and "version" in i
    }


def _prompt(s: Session, name: str, version: str) -> PromptVersion | None:
    found = s.calls.call("prompts/get-version", s.client.get_prompt_version, name, version)
    if found is None:
        return None
    template = found.template if isinstance(found.template, str) else json.dumps(found.template)
    return PromptVersion(
        name=name,
        version=str(found.version),
        sha256=hashlib.sha256(template.encode("utf-8")).hexdigest(),
        template=template,
        commit_message=found.commit_message,
    )
