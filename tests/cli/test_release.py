"""The command line: exit codes and one clear line for user errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "riskcards.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
    )


def _one_clear_line(stderr: str, *words: str) -> None:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith(("riskcards: error:", "Error:", "Usage:")), stderr
    for w in words:
        assert w in stderr, stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["release", "s3://nope"], 2, ["not an MLflow URI"]),
        (
            ["release", "models:/m/Production", "--tracking-uri", "sqlite:///x.db"],
            2,
            ["stages are deprecated"],
        ),
        (["release", "runs:/abc"], 2, ["no tracking URI"]),
        (["release"], 2, ["give a TARGET"]),
        (["release", "runs:/abc", "--as-of", "yesterday"], 2, ["ISO 8601"]),
        (
            [
                "release",
                "runs:/abc",
                "--framework",
                "nist-ai-rfm",
                "--tracking-uri",
                "sqlite:///x.db",
            ],
            2,
            ["unknown framework 'nist-ai-rfm'", "did you mean 'nist-ai-rmf'"],
        ),
        (
            ["release", "runs:/abc", "--tracking-uri", "sqlite:////nonexistent/mlflow.db"],
            3,
            ["no MLflow store at sqlite:////nonexistent/mlflow.db"],
        ),
        (["release", "--evidence", "missing.json"], 2, ["cannot read evidence snapshot"]),
        (["nonsense"], 2, ["No such command"]),
    ],
)
def test_user_errors(tmp_path: Path, args: list[str], code: int, words: list[str]) -> None:
    done = (
        run(
            *args,
            "--out",
            str(tmp_path / "out") if args and args[0] == "release" else "",
            cwd=tmp_path,
        )
        if args and args[0] == "release"
        else run(*args, cwd=tmp_path)
    )
    assert done.returncode == code, done.stderr
    _one_clear_line(done.stderr, *words)
    assert not (tmp_path / "out").exists()


def test_bad_mapping_reports_every_problem_with_positions(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema_version: 1\n"
        "id: broken\n"
        "title: Broken\n"
        "checks:\n"
        "  - id: a\n"
        "    title: A\n"
        "    kind: metric_threshold\n"
        "    metric: roc_auc\n"
        "    op: '=>'\n"
        "    threshold: 0.7\n"
        "    controls: {nist-ai-rmf: [GOVERN-1.8]}\n"
        "  - id: b\n"
        "    title: B\n"
        "    kind: dataset_logged\n"
        "    contxt: training\n"
        "    controls: {nist-ai-rmf: [MAP 1.1]}\n"
    )
    done = run(
        "release",
        "runs:/abc",
        "--tracking-uri",
        "sqlite:///x.db",
        "--mapping",
        str(mapping),
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    _one_clear_line(done.stderr, f"{mapping}:9:9", f"{mapping}:15:5", "unknown key 'contxt'")
    assert not (tmp_path / "out").exists()


def test_unknown_control_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "schema_version: 1\nid: m\ntitle: M\nchecks:\n"
        "  - id: a\n    title: A\n    kind: model_registered\n"
        "    controls:\n      nist-ai-rmf: ['GOVERN 1.6', 'GOVERN 1.8']\n"
    )
    done = run(
        "release",
        "runs:/abc",
        "--tracking-uri",
        "sqlite:///x.db",
        "--mapping",
        str(mapping),
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    _one_clear_line(done.stderr, f"{mapping}:9:", "unknown control 'GOVERN 1.8'", "did you mean")


def test_summary_links_under_a_base_url_and_in_jira_markup(tmp_path: Path) -> None:
    from tests.conftest import make_snapshot

    evidence = tmp_path / "evidence.json"
    evidence.write_text(make_snapshot().model_dump_json())
    out = tmp_path / "out"
    args = ["release", "--evidence", str(evidence), "--out", str(out), "--format", "md"]
    done = run(*args, "--ticket-format", "jira", "--link-base", "https://ci.example/job/7/")
    assert done.returncode == 0, done.stderr
    assert "directly evidenced" in done.stderr
    summary = (out / "summary.md").read_text()
    assert "[evidence.json](https://ci.example/job/7/evidence.json)" in summary
    jira = (out / "summary.jira.txt").read_text()
    assert (
        jira.startswith("h2. ") and "[evidence.json|https://ci.example/job/7/evidence.json]" in jira
    )
    bad = run(*args[:-2], "--out", str(tmp_path / "x"), "--ticket-format", "docx")
    assert bad.returncode == 2
    _one_clear_line(bad.stderr, "--ticket-format")
