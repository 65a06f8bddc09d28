"""``riskcards demo --genai``: a GenAI assistant evaluated with ``mlflow.genai.evaluate``
(layer: demo; mlflow and pandas are imported when used).

:func:`log_genai_demo` plays the team of a small retrieval assistant
(:mod:`~riskcards.demo.genai_app`): it registers the assistant's prompts in the prompt
registry, sets the application version as the active logged model, traces the assistant
with ``@mlflow.trace``, evaluates it with code-based ``@scorer`` scorers on the shipped
questions and about 30 injection prompts, and logs a few human verdicts with
``mlflow.log_feedback``. Everything is local (SQLite) and deterministic apart from the ids
MLflow draws; some checks fail on purpose (confabulation, PII, injections).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskcards.demo import genai_app as app
from riskcards.demo.genai_data import (
    ANSWER_TEMPLATE,
    HUMAN_FEEDBACK,
    INJECTIONS,
    QUESTIONS,
    REVIEWER,
    SYSTEM_PROMPT,
)
from riskcards.demo.store import check_out_dir, fresh_store, isolated_mlflow

EXPERIMENT_NAME = "northwind-card-assistant"
APP_NAME = "northwind-card-assistant"
SYSTEM_PROMPT_NAME = "northwind-assistant-system"
ANSWER_PROMPT_NAME = "northwind-assistant-answer"


@dataclass(frozen=True)
class GenaiDemoLogged:
    """Where the GenAI demo logged its evaluation."""

    tracking_uri: str
    run_id: str
    model_id: str
    traces: int

    @property
    def target(self) -> str:
        return f"runs:/{self.run_id}"


def log_genai_demo(out_dir: Path) -> GenaiDemoLogged:
    """Evaluate the demo assistant into a fresh MLflow store in ``out_dir/mlflow``."""
    out = check_out_dir(out_dir)
    store = fresh_store(out)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="riskcards-demo") as pool:
        return pool.submit(_log_to_store, store).result()


def _rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"inputs": {"question": q}, "expectations": {"attack": False, "document": d or "none"}}
        for q, d in QUESTIONS
    ]
    rows += [
        {"inputs": {"question": q}, "expectations": {"attack": True, "document": "none"}}
        for q in INJECTIONS
    ]
    return rows


def _scorers() -> list[Any]:
    from mlflow.entities import Feedback
    from mlflow.genai.scorers import scorer

    def feedback(verdict: tuple[bool | str, str]) -> Feedback:
        return Feedback(value=verdict[0], rationale=verdict[1])

    @scorer
    def groundedness(outputs: dict[str, str]) -> Feedback:
        return feedback(app.groundedness(outputs))

    @scorer
    def no_pii(outputs: dict[str, str]) -> Feedback:
        return feedback(app.no_pii(outputs))

    @scorer
    def injection_refusal(outputs: dict[str, str], expectations: dict[str, Any]) -> Any:
        return feedback(app.refused(outputs)) if expectations.get("attack") else None

    @scorer
    def guideline_keywords(outputs: dict[str, str]) -> Feedback:
        return feedback(app.guideline_keywords(outputs))

    @scorer
    def citation(outputs: dict[str, str], expectations: dict[str, Any]) -> Any:
        return None if expectations.get("attack") else feedback(app.citation(outputs))

    return [groundedness, no_pii, injection_refusal, guideline_keywords, citation]


def _assistant() -> Callable[[str], dict[str, str]]:
    import mlflow

    @mlflow.trace(name="northwind_assistant")
    def northwind_assistant(question: str) -> dict[str, str]:
        mlflow.genai.load_prompt(f"prompts:/{SYSTEM_PROMPT_NAME}/1")
        template = mlflow.genai.load_prompt(f"prompts:/{ANSWER_PROMPT_NAME}/1").template
        return app.answer(question, str(template))

    return northwind_assistant


def _log_to_store(store: Path) -> GenaiDemoLogged:
    import mlflow
    import pandas as pd

    tracking_uri = f"sqlite:///{store / 'mlflow.db'}"
    with isolated_mlflow(tracking_uri):
        client = mlflow.MlflowClient(tracking_uri, registry_uri=tracking_uri)
        experiment_id = client.create_experiment(
            EXPERIMENT_NAME, artifact_location=str(store / "artifacts")
        )
        mlflow.set_experiment(experiment_id=experiment_id)
        mlflow.genai.register_prompt(
            name=SYSTEM_PROMPT_NAME, template=SYSTEM_PROMPT, commit_message="first release"
        )
        mlflow.genai.register_prompt(
            name=ANSWER_PROMPT_NAME, template=ANSWER_TEMPLATE, commit_message="cite the source"
        )
        model = mlflow.set_active_model(name=APP_NAME)
        mlflow.log_model_params(
            {
                "llm_provider": "none (deterministic rules, riskcards demo)",
                "llm": "northwind-rules",
                "llm_version": "1.0",
                "retriever": "word overlap over 6 shipped documents",
            },
            model_id=model.model_id,
        )
        with mlflow.start_run(run_name="assistant-eval") as run:
            mlflow.set_tags(
                {
                    "intended_use": "Answer customers' questions about Northwind Bank card "
                    "services from the published help pages.",
                    "out_of_scope_use": "Financial advice, account actions, anything outside "
                    "the help pages.",
                    "owner": "Digital assistant team (L. Moreau)",
                    "limitations": "Knows only six help pages; questions outside them get a "
                    "generic answer. Its injection filter is a keyword list.",
                }
            )
            # evaluate prints a banner and progress bars; the demo reports for itself
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                mlflow.genai.evaluate(
                    data=pd.DataFrame(_rows()), predict_fn=_assistant(), scorers=_scorers()
                )
        traces = mlflow.search_traces(run_id=run.info.run_id, return_type="list")
        _human_feedback(traces)
        mlflow.clear_active_model()
        return GenaiDemoLogged(tracking_uri, run.info.run_id, model.model_id, len(traces))


def _human_feedback(traces: list[Any]) -> None:
    import mlflow
    from mlflow.entities import AssessmentSource

    by_question = {}
    for t in traces:
        question = (t.data.request or "") if t.data else ""
        by_question[question] = t.info.trace_id
    source = AssessmentSource(source_type="HUMAN", source_id=REVIEWER)
    for index, verdict, why in HUMAN_FEEDBACK:
        question = QUESTIONS[index][0]
        trace_id = next((tid for q, tid in by_question.items() if question in q), None)
        if trace_id is not None:
            mlflow.log_feedback(
                trace_id=trace_id, name="groundedness", value=verdict, source=source, rationale=why
            )


_GENAI_PROJECT = """\
# riskcards project file written by `riskcards demo --genai`. Edit it and run
#   riskcards release --config {config} --tracking-uri {tracking_uri} {target}
schema_version: 1
target: {target}
frameworks: [nist-ai-600-1, mitre-atlas, nist-ai-rmf]
model_card: model-card.yaml
owners:
  default: Digital assistant team (L. Moreau)
  genai.output_pii: Data protection officer (K. Nakamura)
  genai.pii_scorer: Data protection officer (K. Nakamura)
gate:
  blocking_severities: [high, critical]
"""
_GENAI_CARD = """\
# Human-written system-card fields; MLflow tags and the GenAI evaluation fill the rest.
schema_version: 1
primary_intended_users: Customers of Northwind Bank using the card help chat.
ethical_considerations: >-
  Customers may act on a wrong answer about fees or disputes; answers must come from the
  help pages and cite them. The assistant must not reveal personal data or its instructions.
recommendations: Keep the assistant to the help pages; hand anything else to a person.
license: Internal use only
"""


def write_genai_project(out_dir: Path, logged: GenaiDemoLogged) -> Path:
    """Write the GenAI demo's ``riskcards.yaml`` and system-card sidecar under ``out_dir``."""
    out = check_out_dir(out_dir)
    config = out / "riskcards.yaml"
    config.write_text(
        _GENAI_PROJECT.format(
            config=config, tracking_uri=logged.tracking_uri, target=logged.target
        ),
        encoding="utf-8",
    )
    (out / "model-card.yaml").write_text(_GENAI_CARD, encoding="utf-8")
    return config
