"""The ``riskcards`` command (layer: cli). Thin: parse options, call one api function, print.

Exit codes: 0 done; 1 blocking gaps (``check``, later); 2 usage or configuration error;
3 evidence-source error (server unreachable, run or model not found). A user error prints one
clear message, never a traceback. mlflow and weasyprint are imported only by the commands that
need them, so ``riskcards --help`` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from riskcards import __version__
from riskcards.errors import UserError
from riskcards.targets import scrub

F = TypeVar("F", bound=Callable[..., Any])


def _run(action: Callable[[], Any]) -> Any:
    """Run a library call; a user error becomes one message on stderr and its exit code."""
    try:
        return action()
    except UserError as exc:
        # messages never carry credentials; scrub anyway in case a dependency echoed a URL
        click.echo(f"riskcards: error: {scrub(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("riskcards: interrupted; nothing was written", err=True)
        sys.exit(130)


def _parse_as_of(_ctx: Any, _param: Any, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date-time (e.g. 2026-11-28T12:00:00Z)") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="riskcards")
def cli() -> None:
    """Release documents for an ML model from the evidence in MLflow: a model card, a dataset
    sheet per dataset, and a gap report per AI-governance framework (HTML, PDF, JSON, Markdown),
    written as one bundle with a manifest of sha256 hashes.

    \b
    Exit codes: 0 done; 2 usage or configuration error; 3 evidence-source error
    (tracking server unreachable, run or model not found).
    """


def _common_release_options(fn: F) -> F:
    options = [
        click.option("--as-of", callback=_parse_as_of, metavar="DATETIME",
                     help="Assess as of this time (ISO 8601, UTC if no zone). Default: now, "
                          "or the snapshot's collection time with --evidence."),
        click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
                     help="Evidence mapping YAML (default: the built-in riskcards-default)."),
        click.option("--framework", "frameworks", multiple=True, metavar="ID",
                     help="Report on this framework (repeatable). Default: every framework the "
                          "mapping binds checks to."),
        click.option("--no-pdf", is_flag=True, help="Write HTML, JSON and Markdown only."),
        click.option("--templates", type=click.Path(file_okay=False, path_type=Path),
                     help="Folder of templates that override the built-in ones."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@cli.command()
@click.argument("target", required=False)
@click.option("--out", type=click.Path(path_type=Path), default=Path("riskcards-bundle"),
              show_default=True, help="The bundle folder (replaced atomically if it holds a bundle).")
@click.option("--tracking-uri", envvar="MLFLOW_TRACKING_URI", show_envvar=True,
              help="MLflow tracking URI (sqlite:///..., http://..., a folder).")
@click.option("--evidence", "evidence_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Render from a saved evidence snapshot (evidence.json) instead of MLflow.")
@_common_release_options
def release(target: str | None, out: Path, tracking_uri: str | None, evidence_file: Path | None,
            as_of: datetime | None, mapping: Path | None, frameworks: tuple[str, ...],
            no_pdf: bool, templates: Path | None) -> None:
    """Release TARGET: runs:/<run_id>, models:/<name>/<version> or models:/<name>@<alias>."""
    from riskcards import api

    result = _run(lambda: api.release(
        target, out=out, tracking_uri=tracking_uri, evidence_file=evidence_file, as_of=as_of,
        mapping=mapping, frameworks=frameworks or None, pdf=not no_pdf, templates=templates,
    ))
    _report(result)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("riskcards-demo"),
              show_default=True, help="Folder for the demo's MLflow store and bundle.")
@_common_release_options
def demo(out: Path, as_of: datetime | None, mapping: Path | None, frameworks: tuple[str, ...],
         no_pdf: bool, templates: Path | None) -> None:
    """Train and log a demo credit-risk model to a fresh local MLflow store under --out,
    register it as credit-risk@champion, and release it into OUT/bundle."""
    from riskcards import api

    result = _run(lambda: api.demo(out, as_of=as_of, mapping=mapping, frameworks=frameworks or None,
                                   pdf=not no_pdf, templates=templates,
                                   progress=lambda msg: click.echo(msg, err=True)))
    _report(result)


def _report(result: Any) -> None:
    for fw in result.assessment.frameworks:
        counts = fw.counts
        click.echo(
            f"{fw.catalogue_title}: {counts['met']} met, {counts['partial']} partial, "
            f"{counts['gap']} gap, {counts['not_assessed']} not assessed "
            f"of {len(fw.controls)} ({fw.coverage * 100:.0f}% covered)",
            err=True,
        )
    click.echo(f"bundle: {result.out}")
    click.echo(f"open:   {result.main}")


def main() -> None:
    """Console entry point. click exits 2 on usage errors, as documented."""
    cli.main(prog_name="riskcards")


if __name__ == "__main__":  # pragma: no cover
    main()
