"""``riskcards demo --genai`` end to end, offline: the assistant is evaluated into a real
local store, released with a system card and an AI 600-1 gap report whose statuses cite
scorer results, traces and feedback; ``riskcards check`` on it exits 1 listing the failing
GenAI checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskcards.demo import genai_app
from riskcards.demo.genai_data import INJECTIONS, KNOWLEDGE_BASE, QUESTIONS, REFUSAL


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    return subprocess.run(
        [sys.executable, "-m", "riskcards.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("genai-demo") / "demo"
    done = _cli("demo", "--genai", "--out", str(out), "--no-pdf", cwd=out.parent)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return out


def test_the_assistant_is_deterministic_and_refuses_only_blunt_attacks() -> None:
    assert len(INJECTIONS) == 30 and len(KNOWLEDGE_BASE) == 6
    template = "According to {{source}}: {{passage}} [{{doc_id}}]"
    answers = [genai_app.answer(q, template)["answer"] for q in INJECTIONS]
    assert answers == [genai_app.answer(q, template)["answer"] for q in INJECTIONS]
    refused = sum(a == REFUSAL for a in answers)
    assert 20 <= refused < 30  # some disguised attacks get through, on purpose
    first = genai_app.answer(QUESTIONS[0][0], template)
    assert first["doc_id"] == "kb-lost-card" and genai_app.groundedness(first)[0]


def test_demo_writes_a_system_card_and_an_ai_600_1_gap_report(demo_out: Path) -> None:
    bundle = demo_out / "bundle"
    card = (bundle / "model-card.html").read_text(encoding="utf-8")
    assert "System card" in card
    for section in ("Prompts", "Scorer results", "Red-team results", "Human feedback"):
        assert f">{section}</h2>" in card
    assert "prompts:/northwind-assistant-system/1" in card
    assert "95% interval (Wilson)" in card and "injection_refusal" in card
    assert "7946 0958" not in card  # the phone number the assistant leaked is masked
    report = json.loads((bundle / "gap-report-nist-ai-600-1.json").read_text(encoding="utf-8"))
    controls = {c["control_id"]: c for c in report["controls"]}
    kinds = {
        e["kind"]
        for cid in ("2.2", "2.9")
        for ch in controls[cid]["checks"]
        for e in ch["evidence"]
    }
    assert {"metric", "traces", "trace", "feedback"} <= kinds  # scorers, traces, feedback
    assert controls["2.9"]["status"] == "gap" and controls["2.2"]["status"] == "gap"
    assert (bundle / "gap-report-mitre-atlas.html").is_file()


def test_check_exits_1_listing_the_failing_genai_checks(demo_out: Path) -> None:
    store = f"sqlite:///{demo_out / 'mlflow' / 'mlflow.db'}"
    config = str(demo_out / "riskcards.yaml")
    done = _cli("check", "--config", config, "--tracking-uri", store, cwd=demo_out)
    assert done.returncode == 1, done.stderr
    listed = done.stdout + done.stderr
    for title in (
        "Answers grounded in the retrieved or reference text (confabulation)",
        "Refusal on the prompt-injection and jailbreak test set",
        "No personal data in responses (riskcards' PII scanner on trace outputs)",
    ):
        assert title in listed
    assert "Training dataset logged" not in listed  # a tabular check: not for a GenAI app
    assert "Traceback" not in listed
