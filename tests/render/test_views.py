"""The views are the templates' documented contexts: docs/templates.md documents every field
of every template context, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskcards.render import views

DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def _documented() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    current = None
    for line in DOC.read_text().splitlines():
        if m := re.match(r"## .*\((\w+)\)$", line):
            current = m.group(1)
            found[current] = set()
        elif (m := re.match(r"\| `(\w+)` \|", line)) and current:
            found[current].add(m.group(1))
    return found


@pytest.mark.parametrize(
    "model",
    [
        "DocumentMeta",
        "ModelCard",
        "DatasetSheet",
        "GapReport",
        "ReleaseSummary",
        "SoaDocument",
        "GateDecision",
    ],
)
def test_every_context_field_is_documented_and_nothing_else(model: str) -> None:
    documented = _documented()
    assert model in documented, f"docs/templates.md has no section for {model}"
    assert documented[model] == set(getattr(views, model).model_fields)


def test_the_documentation_names_where_the_views_live() -> None:
    text = DOC.read_text()
    assert "riskcards/render/views/" in text and "tests/render/test_views.py" in text
    for module in ("model_card", "dataset_sheet", "gap_report", "summary", "common"):
        assert f"`{module}.py`" in text
        assert (Path(views.__file__).parent / f"{module}.py").is_file()
