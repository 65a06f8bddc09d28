"""What every command shares: errors to exit codes, option groups, the status line (layer: cli).

Library errors know nothing about click: :func:`run` turns a user error into one line on
stderr and its documented exit code; only a bug shows a traceback.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from riskcards.redact import scrub

F = TypeVar("F", bound=Callable[..., Any])


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that every ``finally`` runs: temporary
    folders are removed and PDF workers stopped."""


def _terminate(_signum: int, _frame: Any) -> None:
    raise Terminated


def run(action: Callable[[], Any]) -> Any:
    """Run a library call; a user error becomes one message on stderr and its exit code.

    SIGINT and SIGTERM end the command cleanly: no temporary folder, no worker process is
    left, and ``--out`` holds its previous bundle or the complete new one (exit 130/143)."""
    from riskcards.errors import UserError

    signal.signal(signal.SIGTERM, _terminate)
    try:
        return action()
    except UserError as exc:
        # messages never carry credentials; scrub anyway in case a dependency echoed a URL
        click.echo(f"riskcards: error: {scrub(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, Terminated) as exc:
        name, code = ("SIGTERM", 143) if isinstance(exc, Terminated) else ("SIGINT", 130)
        click.echo(f"riskcards: interrupted ({name}); no partial output was left", err=True)
        sys.exit(code)


def _parse_as_of(_ctx: Any, _param: Any, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time (e.g. 2026-11-28T12:00:00Z)"
        ) from None


def with_options(options: list[Any]) -> Callable[[F], F]:
    """A decorator applying click options in the order they are listed."""

    def apply(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


config_option = click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file (default: ./riskcards.yaml when present; its templates: key is "
    "only used when the file is named here).",
)

frameworks_dir_option = click.option(
    "--frameworks-dir",
    "frameworks_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="An organisation's folder of catalogues, extensions and crosswalks (repeatable).",
)

tracking_uri_option = click.option(
    "--tracking-uri",
    envvar="MLFLOW_TRACKING_URI",
    show_envvar=True,
    help="MLflow tracking URI (sqlite:///..., http://..., a folder).",
)

assessment_options = with_options(
    [
        config_option,
        click.option(
            "--as-of",
            callback=_parse_as_of,
            metavar="DATETIME",
            help="Assess as of this time (ISO 8601, UTC if no zone). Default: when the "
            "evidence was collected (now, or the snapshot's collection time with --evidence).",
        ),
        click.option(
            "--mapping",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Evidence mapping YAML (default: the built-in riskcards-default).",
        ),
        click.option(
            "--framework",
            "frameworks",
            multiple=True,
            metavar="ID",
            help="Report on this framework (repeatable). Default: the project's list, "
            "else every framework the mapping binds checks to.",
        ),
        frameworks_dir_option,
        click.option(
            "--strict",
            is_flag=True,
            help="Required controls that are not assessed, and invalid evidence, block.",
        ),
    ]
)

render_options = with_options(
    [
        click.option(
            "--format",
            "formats",
            multiple=True,
            metavar="NAME",
            help="Write this output format (repeatable): html, pdf, json, md, junit, oscal, "
            "cyclonedx, hf, tickets, or a registered one. Default: html, pdf, json and md.",
        ),
        click.option(
            "--no-pdf",
            "no_pdf",
            is_flag=True,
            default=None,
            help="Shorthand: the default formats without PDF (HTML, JSON and Markdown).",
        ),
        click.option(
            "--templates",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder of templates that override the built-in ones.",
        ),
        click.option(
            "--link-base",
            metavar="URL",
            help="summary.md links the bundle's files under this URL (e.g. a CI artifact "
            "URL) instead of relatively.",
        ),
        click.option(
            "--ticket-format",
            type=click.Choice(["md", "jira"]),
            default="md",
            show_default=True,
            help="jira: also write summary.jira.txt, the summary in Jira wiki markup.",
        ),
    ]
)

collect_options = [
    click.option(
        "--deadline",
        "deadline_seconds",
        type=click.FloatRange(min=1),
        default=60.0,
        show_default=True,
        help="Overall time limit in seconds for reading MLflow, retries included.",
    ),
    click.option("--history", is_flag=True, help="Collect every metric's full history."),
    click.option("--no-tables", "no_tables", is_flag=True, help="Do not fetch evaluation tables."),
    click.option(
        "--max-table-bytes",
        type=click.IntRange(min=0),
        default=5 * 1024 * 1024,
        show_default=True,
        help="Tables larger than this are recorded as too large, not loaded.",
    ),
]

source_options = with_options(
    [
        click.argument("target", required=False),
        tracking_uri_option,
        click.option(
            "--evidence",
            "evidence_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Use a saved evidence snapshot (evidence.json) instead of MLflow; "
            "the same as the target evidence:FILE.",
        ),
        *collect_options,
    ]
)

_LOAD_FIELDS = ("config", "mapping", "frameworks", "frameworks_dirs", "templates")


def split_options(params: dict[str, Any]) -> tuple[Any, Any]:
    """The command's options as (api.LoadOptions, api.ReleaseOptions); ``target`` is
    taken out of ``params`` by the caller."""
    from riskcards import api

    params = dict(params)
    no_pdf = params.pop("no_pdf", None)
    if "no_tables" in params:
        params["fetch_tables"] = not params.pop("no_tables")
    for key in ("frameworks", "frameworks_dirs", "formats"):
        if key in params:
            params[key] = tuple(params[key] or ())
    load = api.LoadOptions(**{k: params.pop(k) for k in _LOAD_FIELDS if k in params})
    options = api.ReleaseOptions(pdf=None if no_pdf is None else not no_pdf, **params)
    return load, options


def one_line(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report(assessment: Any) -> None:
    """One status line per framework, on stderr: direct evidence only, as the documents
    count it (a status only a crosswalk suggests counts as not assessed)."""
    for fw in assessment.frameworks:
        counts = fw.direct_counts
        extra = "".join(
            f", {counts[k]} {k.replace('_', ' ')}"
            for k in ("waived", "not_applicable")
            if counts[k]
        )
        hinted = sum(1 for c in fw.controls if c.inferred)
        click.echo(
            f"{fw.catalogue_title}: {counts['met']} met, {counts['partial']} partial, "
            f"{counts['gap']} gap, "
            f"{counts['not_assessed']} not assessed{extra} of {len(fw.controls)} "
            f"({fw.direct_coverage * 100:.0f}% directly evidenced; "
            f"{hinted} more only via a crosswalk)",
            err=True,
        )


def report_bundle(result: Any) -> None:
    """The status lines, then where the bundle is and the file to open first."""
    report(result.assessment)
    for t in (i for i in result.manifest.inputs if i.role == "template"):
        click.echo(f"custom templates: {t.name} (sha256 {t.sha256})", err=True)
    click.echo(f"bundle: {result.out}")
    click.echo(f"open:   {result.main}")
