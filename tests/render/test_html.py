"""The Jinja2 environment: user templates override and extend the built-in ones (with the
default: prefix); untrusted text is inert in HTML and in Markdown; nothing is evaluated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from riskcards.load.catalogues import Loaded
from riskcards.render import render
from riskcards.render.html import md_escape
from tests.render.conftest import NO_PDF, Rendered, assessed

HOSTILE = (
    '<img src="file:///etc/passwd"><script>alert(1)</script>{{ 7*7 }}{% raw %}'
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">[click](javascript:alert(1))'
)


def test_user_templates_override_and_extend_the_builtin_ones(
    tmp_path: Path, loaded: Loaded
) -> None:
    (tmp_path / "model_card.html.j2").write_text(
        '{% extends "default:model_card.html.j2" %}'
        "{% block heading %}ACME model card: {{ meta.model }}{% endblock %}"
    )
    (tmp_path / "summary.md.j2").write_text("custom summary for {{ meta.model | md }}\n")
    ev, a = assessed(loaded)
    files = {
        f.path: f.content.decode()
        for f in render(ev, a, loaded.catalogues, formats=NO_PDF, templates=tmp_path)
    }
    assert "<h1>ACME model card: credit-risk v3</h1>" in files["model-card.html"]
    assert 'id="intended-use"' in files["model-card.html"]  # the rest of the built-in page
    assert files["summary.md"] == "custom summary for credit-risk v3\n"
    assert "<h1>Gap report" in files["gap-report-nist-ai-rmf.html"]  # not overridden


@pytest.mark.parametrize("where", ["tags", "params", "description"])
def test_untrusted_text_is_inert_in_html_and_markdown(rendered: Rendered, where: str) -> None:
    changes = {
        "tags": {"intended_use": HOSTILE, "owner": HOSTILE, HOSTILE[:40]: "x"},
        "params": {"model_type": HOSTILE},
        "description": HOSTILE,
    }[where]
    files = rendered(**{where: changes})
    for path, content in files.items():
        text = content.decode()
        if path.endswith(".html"):
            assert "<img src=" not in text and "<script>" not in text and "<link rel=" not in text
            assert "{{ 7*7 }}" in text or HOSTILE not in text  # never evaluated as a template
            assert "49" not in re.sub(r"[0-9a-f]{8,}", "", text.split("<style>")[0])
        if path.endswith(".md"):
            assert "[click](" not in text and "<img" not in text


def test_md_escape_neutralises_markdown() -> None:
    assert md_escape("[x](http://a) *b* <i>") == r"\[x\](http\://a) \*b\* &lt;i&gt;"
    assert md_escape("see www.evil.com | v1.0-rc") == r"see www\.evil.com \| v1.0-rc"
    assert "\n" not in md_escape("line1\n\n# heading")
