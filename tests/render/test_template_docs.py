"""docs/templates.md documents every field of every template context, and nothing else;
user templates override the built-in ones, and can extend them with the default: prefix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskcards.assess import assess
from riskcards.catalogues import Loaded
from riskcards.render import documents
from riskcards.render.release import render_release
from tests.conftest import AS_OF, make_snapshot

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
    "model", ["DocumentMeta", "ModelCard", "DatasetSheet", "GapReport", "ReleaseSummary"]
)
def test_every_context_field_is_documented_and_nothing_else(model: str) -> None:
    documented = _documented()
    assert model in documented, f"docs/templates.md has no section for {model}"
    assert documented[model] == set(getattr(documents, model).model_fields)


def test_user_templates_override_and_extend_the_builtin_ones(
    tmp_path: Path, loaded: Loaded
) -> None:
    (tmp_path / "model_card.html.j2").write_text(
        '{% extends "default:model_card.html.j2" %}'
        "{% block heading %}ACME model card: {{ meta.model }}{% endblock %}"
    )
    (tmp_path / "summary.md.j2").write_text("custom summary for {{ meta.model | md }}\n")
    ev = make_snapshot()
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    files = {
        f.path: f.content.decode()
        for f in render_release(ev, a, loaded.catalogues, pdf=False, templates=tmp_path)
    }
    assert "<h1>ACME model card: credit-risk v3</h1>" in files["model-card.html"]
    assert 'id="intended-use"' in files["model-card.html"]  # the rest of the built-in page
    assert files["summary.md"] == "custom summary for credit-risk v3\n"
    assert "<h1>Gap report" in files["gap-report-nist-ai-rmf.html"]  # not overridden
