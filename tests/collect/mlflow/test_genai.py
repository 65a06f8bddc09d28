"""GenAI evidence from a real local MLflow store: a run of ``mlflow.genai.evaluate`` with a
code-based scorer, human feedback and a registered prompt, read back across trace-search
pages; hostile trace content rendered as inert text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from riskcards.collect.mlflow import genai as genai_collect
from riskcards.collect.mlflow.source import collect

ROWS = 23
HOSTILE = (
    "<script>alert('x')</script> {{ 7*7 }} {% include 'base.html.j2' %} "
    "<a href='https://evil.example/steal'>click</a> https://evil.example/x bob@example.com"
)


@dataclass(frozen=True)
class GenaiStore:
    tracking_uri: str
    run_id: str
    humans: int


def _evaluate(store: Path) -> GenaiStore:
    import mlflow
    from mlflow.entities import AssessmentSource, Feedback
    from mlflow.genai.scorers import scorer

    from riskcards.demo.store import isolated_mlflow

    uri = f"sqlite:///{store / 'mlflow.db'}"
    with isolated_mlflow(uri):
        client = mlflow.MlflowClient(uri)
        eid = client.create_experiment("genai", artifact_location=str(store / "artifacts"))
        mlflow.set_experiment(experiment_id=eid)
        mlflow.genai.register_prompt(name="helper", template="Answer: {{question}}")

        @mlflow.trace
        def app(question: str) -> str:
            mlflow.genai.load_prompt("prompts:/helper/1")
            return f"echo {question}"

        @scorer
        def short(outputs: str) -> Feedback:
            return Feedback(value=len(outputs) < 30, rationale=f"{len(outputs)} characters")

        rows: list[dict[str, Any]] = [
            {"inputs": {"question": f"question {i}"}} for i in range(ROWS - 1)
        ]
        rows.append({"inputs": {"question": HOSTILE}})
        with mlflow.start_run() as run:
            mlflow.genai.evaluate(data=rows, predict_fn=app, scorers=[short])
        traces = mlflow.search_traces(run_id=run.info.run_id, return_type="list")
        human = AssessmentSource(source_type="HUMAN", source_id="reviewer@example.com")
        for t in traces[:3]:
            mlflow.log_feedback(
                trace_id=t.info.trace_id,
                name="short",
                value=False,
                source=human,
                rationale=HOSTILE,
            )
        judge = AssessmentSource(source_type="LLM_JUDGE", source_id="openai:/gpt-judge")
        mlflow.log_feedback(
            trace_id=traces[0].info.trace_id, name="relevance", value="yes", source=judge
        )
    return GenaiStore(uri, run.info.run_id, 3)


@pytest.fixture(scope="module")
def genai_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenaiStore]:
    yield _evaluate(tmp_path_factory.mktemp("genai-store"))


def test_traces_and_assessments_read_back_completely_across_pages(
    genai_store: GenaiStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(genai_collect, "PAGE_SIZE", 5)
    ev = collect(f"runs:/{genai_store.run_id}", genai_store.tracking_uri)
    g = ev.genai
    assert g is not None
    assert g.pages == 5 and ev.provenance.queries["traces/search"] == 5  # 23 traces by 5
    assert g.traces_total == ROWS == len({t.trace_id for t in g.traces})
    short = g.scorer("short")
    assert short is not None and short.source_types == ("code",)
    assert short.judged == ROWS and short.passed == ROWS - 1  # the long, hostile question
    assert short.mean == pytest.approx((ROWS - 1) / ROWS)
    assert len(short.failing) == 1
    (human,) = g.human
    assert (human.name, human.judged, human.passed) == ("short", 3, 0)
    per_trace = sum(len(t.assessments) for t in g.traces)
    assert per_trace == ROWS + genai_store.humans + 1 == ev.provenance.counts["trace_assessments"]
    judge = g.scorer("relevance")  # an LLM judge's assessment is recognised, not needed
    assert judge is not None and judge.source_types == ("llm_judge",) and judge.passed == 1
    assert [p.uri for p in g.prompts] == ["prompts:/helper/1"]
    assert len(g.prompts[0].sha256) == 64
    assert ev.run.datasets and ev.run.datasets[0].role == "evaluation"
    assert g.model_ids == ()  # no active model was set


def test_hostile_trace_content_stays_inert(genai_store: GenaiStore, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskcards.cli",
            "release",
            "--tracking-uri",
            genai_store.tracking_uri,
            "--out",
            str(out),
            "--format",
            "html",
            "--format",
            "json",
            f"runs:/{genai_store.run_id}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode in (0, 1), done.stderr
    card = (out / "model-card.html").read_text(encoding="utf-8")
    assert "System card" in card
    assert "<script>alert" not in card and "&lt;script&gt;alert" in card
    assert "{{ 7*7 }}" in card and ">49<" not in card  # template syntax is text, not run
    assert 'href="https://evil.example' not in card and "href='https://evil.example" not in card
    assert "bob@example.com" not in card and "[email]" in card  # masked by the PII scanner
    evidence = (out / "evidence.json").read_text(encoding="utf-8")
    assert "bob@example.com" not in evidence
