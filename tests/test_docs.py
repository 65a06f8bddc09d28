"""The examples in docs/ run as written (docs/api.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import snapshot_of

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _examples(page: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), flags=re.S)


def _snapshots(folder: Path, names: tuple[str, ...]) -> None:
    folder.mkdir()
    for name in names:
        (folder / f"{name}.json").write_text(snapshot_of(name).model_dump_json())


def test_api_examples_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _snapshots(tmp_path / "snapshots", ("credit-risk", "fraud"))
    examples = _examples("api.md")
    assert len(examples) == 2
    for code in examples:
        exec(compile(code, "docs/api.md", "exec"), {})
    out = capsys.readouterr().out
    assert "models:/credit-risk/1: " in out and "models:/fraud/1: " in out
    assert (tmp_path / "bundles" / "fraud" / "manifest.json").is_file()
    assert "nist-ai-rmf" in out  # the gate example lists its blocking controls
