"""The Jinja2 environment: user templates override and extend the built-in ones (with the
default: prefix); untrusted text is inert in HTML and in Markdown; nothing is evaluated."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from jinja2 import Environment

from riskcards.load.catalogues import Loaded
from riskcards.render import render
from riskcards.render.html import build_environment, md_escape
from riskcards.resources import templates_dir
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


def _built_in_env(cache_dir: Path, templates: Path) -> Environment:
    """riskcards' environment on a copy of the built-in templates, caching in ``cache_dir``
    (each call is a fresh environment: nothing compiled in memory)."""
    return build_environment(None, str(templates), str(cache_dir))


def test_built_in_templates_are_compiled_once_per_installation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: a process loads the built-in templates' compiled code kept from an earlier
    one (no compilation), renders the same text, and compiles again when a source changes."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    templates, cache_dir = tmp_path / "templates", tmp_path / "__pycache__"
    shutil.copytree(templates_dir(), templates)
    first = _built_in_env(cache_dir, templates)
    names = [n for n in first.list_templates() if n.endswith(".j2") and ":" not in n]
    for name in names:
        first.get_template(name)
    assert len(list(cache_dir.glob("jinja2-*.cache"))) == len(names)

    compiled: list[str] = []
    second = _built_in_env(cache_dir, templates)
    original = second.compile

    def counting(source: str, name: str | None = None, *args: object, **kw: object) -> object:
        compiled.append(name or "<string>")
        return original(source, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(second, "compile", counting)
    assert second.from_string("ok").render() == "ok"
    for name in names:
        second.get_template(name)
    assert compiled == ["<string>"]  # only the string above: every file came from the cache

    (templates / names[0]).write_text("changed {{ 1 + 1 }}", encoding="utf-8")
    third = _built_in_env(cache_dir, templates)
    assert third.get_template(names[0]).render() == "changed 2"
    fourth = _built_in_env(cache_dir, templates)  # the new source's code is cached in turn
    monkeypatch.setattr(fourth, "compile", lambda *a, **k: pytest.fail("compiled again"))
    assert fourth.get_template(names[0]).render() == "changed 2"


def test_template_cache_writes_nothing_when_python_writes_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates, cache_dir = tmp_path / "templates", tmp_path / "__pycache__"
    shutil.copytree(templates_dir(), templates)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _built_in_env(cache_dir, templates).get_template("base.html.j2")
    assert not cache_dir.exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache_dir.mkdir()
    cache_dir.chmod(0o500)  # read-only: compiled each time, no error
    try:
        _built_in_env(cache_dir, templates).get_template("base.html.j2")
    finally:
        cache_dir.chmod(0o700)


def test_user_templates_are_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    user, cache_dir = tmp_path / "user", tmp_path / "__pycache__"
    user.mkdir()
    (user / "page.html.j2").write_text("{{ 6 * 7 }}", encoding="utf-8")
    env = build_environment(str(user), str(templates_dir()), str(cache_dir))
    assert env.get_template("page.html.j2").render() == "42"
    assert not cache_dir.exists()
    env.get_template("base.html.j2")  # a built-in one is
    assert len(list(cache_dir.glob("jinja2-*.cache"))) == 1
