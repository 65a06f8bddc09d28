"""Jinja2 environment and HTML/Markdown rendering (layer: render); no weasyprint here.

- Loader chain: a user's template folder first, then the built-in ``templates/``; the
  built-in pages are also reachable as ``default:<name>`` so an override can extend one and
  replace a single block.
- Autoescape for every HTML template, ``StrictUndefined`` everywhere; data from MLflow is only
  ever passed as context values, never compiled as a template.
- Templates are code: every page renders in Jinja2's ``ImmutableSandboxedEnvironment`` (no
  attribute escapes, no mutation, ``range`` capped), and a user folder's loader refuses any
  file whose real path (symlinks resolved) is outside the folder. A sandbox violation, a
  missing or escaping include, a syntax or undefined-variable error in a user template is a
  :class:`~riskcards.errors.ConfigError` (exit 2) naming the template file and line.
- The built-in templates are compiled once per installation, not once per process (about
  0.2 s of every release, issue 18): their compiled code is kept beside riskcards' own Python
  bytecode, in this package's ``__pycache__``, as Python keeps ``.pyc`` files, and trusted as
  those are (whoever can write there can already change riskcards' code). An entry is used
  only while the template's source, Jinja2's version, the Python version and this module are
  those it was compiled from; otherwise the template is compiled again. Nothing is written
  when Python writes no bytecode (``PYTHONDONTWRITEBYTECODE``) or the folder is read-only;
  user templates are never cached.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import traceback
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_eval_context,
)
from jinja2.bccache import Bucket
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from riskcards.errors import ConfigError, Issue
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


_TEMPLATE_FILES = (".j2", ".html", ".htm", ".md", ".txt", ".xml")
_MAX_SIZE = 1_000_000  # the longest string or sequence a template may build with * or **


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus bounds on ``*`` and ``**`` (``'x' * 10**9`` would exhaust memory,
    ``10 ** 10 ** 10`` the CPU)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("exponent too large for a template")
        if operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            sized = isinstance(seq, str | list | tuple) and isinstance(n, int)
            if sized and len(seq) * n > _MAX_SIZE:
                raise SecurityError("sequence too long for a template")
        return super().call_binop(context, operator, left, right)


class ConfinedLoader(FileSystemLoader):
    """A user's template folder: a file is loaded only if its real path is inside the folder
    (a symlink to ``/etc/passwd`` or a ``..`` path is "not found")."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.root = os.path.realpath(folder)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if os.path.commonpath([self.root, real]) != self.root:
            raise TemplateNotFound(template, f"{template} resolves outside the template folder")
        return source, filename, uptodate


class BuiltinBytecodeCache(FileSystemBytecodeCache):
    """Compiled code of the templates under ``root`` only, in ``directory`` (see the module
    docstring); every other template gets a bucket that is never loaded nor stored."""

    def __init__(self, directory: str, root: str) -> None:
        import jinja2

        fingerprint = hashlib.sha256(Path(__file__).read_bytes())
        fingerprint.update(jinja2.__version__.encode())
        super().__init__(directory, f"jinja2-{fingerprint.hexdigest()[:16]}-%s.cache")
        self.root = os.path.realpath(root)

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        real = os.path.realpath(filename) if filename else ""
        if not real or os.path.commonpath([self.root, real]) != self.root:
            return Bucket(environment, "", "")  # not a built-in template
        return super().get_bucket(environment, name, filename, source)

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key:
            try:
                super().load_bytecode(bucket)
            except OSError:
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not bucket.key or sys.dont_write_bytecode:
            return
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:  # a read-only installation: compile each time, as before
            pass


@cache
def _environment(user_dir: str | None) -> Environment:
    return build_environment(
        user_dir, str(templates_dir()), str(Path(__file__).parent / "__pycache__")
    )


def build_environment(user_dir: str | None, builtin_dir: str, cache_dir: str) -> Environment:
    """The environment over ``user_dir`` (if any) then the built-in templates in
    ``builtin_dir``, whose compiled code is kept in ``cache_dir``."""
    builtin = FileSystemLoader(builtin_dir)
    loaders: list[BaseLoader] = [ConfinedLoader(user_dir)] if user_dir else []
    loaders += [builtin, PrefixLoader({"default": builtin}, delimiter=":")]
    env = _Sandbox(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=BuiltinBytecodeCache(cache_dir, builtin_dir),
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
    """Render one template with a context of typed views (see riskcards.render.views).

    With a user folder, any template error becomes a ConfigError at the template's file and
    line; without one, an error in a built-in template is a bug and propagates."""
    env = environment(user_templates)
    if user_templates is None:
        return env.get_template(name).render(**context)
    try:
        return env.get_template(name).render(**context)
    except Exception as exc:
        error = _template_error(exc, name, user_templates)
        if error is None:
            raise
        raise error from None


def _template_error(exc: Exception, name: str, folder: Path) -> ConfigError | None:
    """Where in the templates ``exc`` happened (the innermost template frame, or the file and
    line a syntax error names); None when it is not a template's fault."""
    file, line = name, None
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(_TEMPLATE_FILES)
    ]
    if isinstance(exc, TemplateSyntaxError):
        file, line = exc.filename or exc.name or name, exc.lineno
    elif frames:
        file, line = frames[-1].filename, frames[-1].lineno
    elif not isinstance(exc, TemplateError):
        return None
    message = (exc.message if isinstance(exc, TemplateError) else None) or str(exc)
    issue = Issue(file=_shown(file, folder), line=line, col=None, path="", message=message)
    return ConfigError(f"template {name} cannot be rendered ({type(exc).__name__})", [issue])


def _shown(file: str, folder: Path) -> str:
    """A template file as the user knows it: relative to the folder when inside it."""
    try:
        return Path(file).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return file
