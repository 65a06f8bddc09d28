"""GenAI evidence: what ``mlflow.genai.evaluate``, tracing, feedback and the prompt registry
recorded about an application version (layer: models).

Texts from traces (requests, responses, rationales) are data anyone can write: they are kept
truncated to ``max_text`` characters, PII-masked before they reach a report (the analyse stage
replaces them with masked text and records the categories found), and rendered as inert text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from riskcards.models.base import Frozen

SourceType = Literal["code", "llm_judge", "human", "unknown"]
DEFAULT_MAX_FAILING_EXAMPLES = 3
DEFAULT_MAX_TEXT = 300


class TraceAssessment(Frozen):
    """One assessment of a trace: a scorer's or a person's judgement."""

    name: str
    value: str = Field(description='the value as JSON text (true, 0.8, "yes"...)')
    passed: bool | None = Field(default=None, description="None when the value is not a verdict")
    source_type: SourceType
    source_id: str | None = None
    rationale: str | None = Field(default=None, description="truncated to max_text")


class GenaiTrace(Frozen):
    """One evaluation trace, its request and response previews, and its assessments."""

    trace_id: str
    request: str = Field(default="", description="truncated; PII-masked once analysed")
    response: str = Field(default="", description="truncated; PII-masked once analysed")
    assessments: tuple[TraceAssessment, ...] = ()
    pii: tuple[str, ...] = Field(
        default=(), description="PII categories the scanner found in the response (analyse)"
    )
    masked: bool = Field(default=False, description="whether the texts were PII-masked")


class ScorerResult(Frozen):
    """One scorer over the evaluation: its logged ``<name>/mean`` and the counts from traces."""

    name: str
    mean: float | None = Field(default=None, description="the run's metric <name>/mean")
    judged: int = Field(default=0, description="traces with a verdict of this scorer")
    passed: int = 0
    source_types: tuple[SourceType, ...] = ()
    failing: tuple[str, ...] = Field(
        default=(), description="trace ids of failing examples, at most max_failing_examples"
    )

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.judged if self.judged else None


class PromptVersion(Frozen):
    """A prompt version the application used, from the prompt registry."""

    name: str
    version: str
    sha256: str = Field(description="of the template text, UTF-8")
    template: str = ""
    commit_message: str | None = None

    @property
    def uri(self) -> str:
        return f"prompts:/{self.name}/{self.version}"


class GenaiEvidence(Frozen):
    """What a run of ``mlflow.genai.evaluate`` and its traces say about an application."""

    run_id: str
    application: str | None = Field(default=None, description="the predict function evaluated")
    application_digest: str | None = None
    model_ids: tuple[str, ...] = Field(default=(), description="logged models the traces name")
    traces_total: int = 0
    traces: tuple[GenaiTrace, ...] = ()
    scorers: tuple[ScorerResult, ...] = ()
    human: tuple[ScorerResult, ...] = Field(
        default=(), description="human feedback, per assessment name"
    )
    prompts: tuple[PromptVersion, ...] = ()
    max_failing_examples: int = DEFAULT_MAX_FAILING_EXAMPLES
    max_text: int = DEFAULT_MAX_TEXT
    pages: int = Field(default=0, description="trace search pages read")

    def scorer(self, name: str) -> ScorerResult | None:
        return next((s for s in self.scorers if s.name == name), None)

    def trace(self, trace_id: str) -> GenaiTrace | None:
        return next((t for t in self.traces if t.trace_id == trace_id), None)
