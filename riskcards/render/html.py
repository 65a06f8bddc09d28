"""Jinja2 environment and HTML/Markdown rendering (layer: render); no weasyprint here.

- Loader chain: a user's template folder first, then the built-in ``templates/``; the
  built-in pages are also reachable as ``default:<name>`` so an override can extend one and
  replace a single block.
- Autoescape for every HTML template, ``StrictUndefined`` everywhere; data from MLflow is only
  ever passed as context values, never compiled as a template.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    pass_eval_context,
)
from markupsafe import Markup, escape

from riskcards.models.base import fmt_number
from riskcards.render.paths import check_anchor
from riskcards.render.views.text import short_id, short_ids, short_locator
from riskcards.resources import templates_dir

NOT_PROVIDED = "Not provided"


def _autoescape(name: str | None) -> bool:
    return bool(name) and not str(name).endswith((".md.j2", ".md", ".jira.j2"))


@pass_eval_context
def _or_not_provided(eval_ctx: Any, value: Any) -> Any:
    """The value, or an explicit "Not provided" when it is missing or blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if eval_ctx.autoescape:
            return Markup('<span class="np">') + NOT_PROVIDED + Markup("</span>")
        return f"_{NOT_PROVIDED}_"
    return value


# Characters that start Markdown constructs mid-line: code, emphasis, links and images,
# raw HTML and autolinks, table cells, strikethrough. Newlines are folded to spaces, so
# line-start constructs (headings, lists, quotes) cannot occur inside a value.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_ANGLE = {"<": "&lt;", ">": "&gt;"}
_BARE_LINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|\b(www)(\.)")


def md_escape(value: Any) -> str:
    """Make untrusted text inert in Markdown: no links, images, HTML, emphasis or cells."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    # raw HTML and autolinks: entities, which every renderer shows as the character
    text = re.sub("[<>]", lambda m: _MD_ANGLE[m.group(0)], text)
    # GitHub and others turn bare URLs into links; an escaped ':' or '.' keeps them text.
    return _BARE_LINK.sub(lambda m: "\\:" if m.group(1) else m.group(2) + "\\.", text)


# Jira wiki markup: links, images, macros, monospace and table cells ([ ] ! { } |) and the
# backslash start markup anywhere; text effects (* _ ? - + ^ ~) only next to a space or the
# text's end, so "credit-risk" or "demographic_parity" stay as they are.
_JIRA_ALWAYS = re.compile(r"([\\\[\]!{}|])")
_JIRA_EDGE = re.compile(r"(?:(?<=\s)|^)([*_?+^~-])|([*_?+^~-])(?=\s|$)")


def jira_escape(value: Any) -> str:
    """Make untrusted text inert in Jira wiki markup: markup characters escaped."""
    text = _JIRA_ALWAYS.sub(r"\\\1", " ".join(str(value).split()))
    return _JIRA_EDGE.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)


def _paragraphs(value: str) -> Markup:
    """Plain text with blank-line paragraphs, escaped, as <p> elements."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return Markup("").join(Markup("<p>") + escape(p) + Markup("</p>") for p in parts)


@cache
def _environment(user_dir: str | None) -> Environment:
    builtin = FileSystemLoader(str(templates_dir()))
    loaders: list[Any] = [FileSystemLoader(user_dir)] if user_dir else []
    loaders += [builtin, PrefixLoader({"default": builtin}, delimiter=":")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["np"] = _or_not_provided
    env.filters["num"] = fmt_number
    env.filters["md"] = md_escape
    env.filters["jira"] = jira_escape
    env.filters["paragraphs"] = _paragraphs
    env.filters["short"] = short_locator
    env.filters["short_id"] = short_id
    env.filters["short_ids"] = short_ids
    env.filters["check_anchor"] = check_anchor
    env.globals["NOT_PROVIDED"] = NOT_PROVIDED
    return env


def environment(user_templates: Path | None = None) -> Environment:
    return _environment(str(user_templates) if user_templates else None)


def render_template(name: str, user_templates: Path | None = None, **context: Any) -> str:
    """Render one template with a context of typed views (see riskcards.render.views)."""
    return environment(user_templates).get_template(name).render(**context)
