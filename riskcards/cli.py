"""The ``riskcards`` command (layer: cli). Thin: parse options, call one api function, print.

Exit codes: 0 done; 1 blocking gaps (``check``); 2 usage or configuration error;
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
from riskcards.errors import EXIT_BLOCKING_GAP, UserError
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
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time (e.g. 2026-11-28T12:00:00Z)"
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="riskcards")
def cli() -> None:
    """Release documents for an ML model from the evidence in MLflow: a model card, a dataset
    sheet per dataset, and a gap report per AI-governance framework (HTML, PDF, JSON, Markdown),
    written as one bundle with a manifest of sha256 hashes.

    \b
    Exit codes: 0 done; 1 blocking gaps (check); 2 usage or configuration error;
    3 evidence-source error (tracking server unreachable, run or model not found).
    """


_frameworks_dir_option = click.option(
    "--frameworks-dir",
    "frameworks_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="An organisation's folder of catalogues, extensions and crosswalks (repeatable).",
)


def _with(options: list[Any]) -> Callable[[F], F]:
    """A decorator applying click options in the order they are listed."""

    def apply(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def _assessment_options(fn: F) -> F:
    """Options shared by release, check and demo; each becomes a field of api.Options."""
    options = [
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Project file (default: ./riskcards.yaml when present).",
        ),
        click.option(
            "--as-of",
            callback=_parse_as_of,
            metavar="DATETIME",
            help="Assess as of this time (ISO 8601, UTC if no zone). Default: now, "
            "or the snapshot's collection time with --evidence.",
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
        _frameworks_dir_option,
        click.option(
            "--strict",
            is_flag=True,
            help="Required controls that are not assessed, and invalid evidence, block.",
        ),
    ]
    return _with(options)(fn)


def _render_options(fn: F) -> F:
    options = [
        click.option(
            "--no-pdf",
            "no_pdf",
            is_flag=True,
            default=None,
            help="Write HTML, JSON and Markdown only.",
        ),
        click.option(
            "--templates",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder of templates that override the built-in ones.",
        ),
    ]
    return _with(options)(fn)


_collect_options = [
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


def _source_options(fn: F) -> F:
    options = [
        click.argument("target", required=False),
        click.option(
            "--tracking-uri",
            envvar="MLFLOW_TRACKING_URI",
            show_envvar=True,
            help="MLflow tracking URI (sqlite:///..., http://..., a folder).",
        ),
        click.option(
            "--evidence",
            "evidence_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Use a saved evidence snapshot (evidence.json) instead of MLflow.",
        ),
        *_collect_options,
    ]
    return _with(options)(fn)


def _options(params: dict[str, Any]) -> Any:
    from riskcards import api

    no_pdf = params.pop("no_pdf", None)
    if "no_tables" in params:
        params["fetch_tables"] = not params.pop("no_tables")
    params["frameworks"] = tuple(params.get("frameworks") or ())
    params["frameworks_dirs"] = tuple(params.get("frameworks_dirs") or ())
    return api.Options(pdf=None if no_pdf is None else not no_pdf, **params)


@cli.command()
@_source_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("riskcards-bundle"),
    show_default=True,
    help="The bundle folder (replaced atomically if it holds a bundle).",
)
@_assessment_options
@_render_options
def release(out: Path, **params: Any) -> None:
    """Release TARGET: runs:/<run_id>, models:/<name>/<version> or models:/<name>@<alias>.

    Writes the model card, dataset sheets, gap reports, evidence and summary into --out."""
    from riskcards import api

    result = _run(lambda: api.release(_options(params), out))
    _report(result.assessment)
    click.echo(f"bundle: {result.out}")
    click.echo(f"open:   {result.main}")


@cli.command()
@_source_options
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JUnit XML (one test case per control) for CI dashboards.",
)
@_assessment_options
def check(junit: Path | None, **params: Any) -> None:
    """The CI gate: assess TARGET without writing documents.

    \b
    Exit 0: no blocking gap. Exit 1: blocking gaps (listed). Exit 2: configuration error.
    Exit 3: evidence-source error. A gap blocks when a failing check's severity is in the
    project's gate.blocking_severities (default high and critical)."""
    from riskcards import api

    outcome = _run(lambda: api.check(_options(params), junit))
    _report(outcome.assessment)
    for note in outcome.assessment.notes:
        click.echo(f"note: {note}", err=True)
    blocking = outcome.assessment.blocking
    if not blocking:
        click.echo(f"riskcards check: {outcome.target}: no blocking gap")
        return
    click.echo(f"riskcards check: {outcome.target}: {len(blocking)} blocking gap(s)")
    severities = set(outcome.assessment_gate_severities)
    for c in blocking:
        failing = [r for r in c.checks if r.status.value != "pass"]
        first = next(
            (r for r in failing if r.severity in severities), failing[0] if failing else None
        )
        why = f"{first.title} ({first.severity}): {first.reason}" if first else c.reason
        more = f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""
        click.echo(
            f"  {c.catalogue_id} {c.control_id} [{c.status.value}] {_one_line(why, 150)}{more}"
        )
    sys.exit(EXIT_BLOCKING_GAP)


@cli.command()
@click.argument("target", required=False)
@click.option(
    "--tracking-uri",
    envvar="MLFLOW_TRACKING_URI",
    show_envvar=True,
    help="MLflow tracking URI (sqlite:///..., http://..., a folder).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("evidence.json"),
    show_default=True,
    help="Where to write the evidence snapshot (JSON).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file (default: ./riskcards.yaml when present).",
)
@_with(_collect_options)
def evidence(
    target: str | None, tracking_uri: str | None, out: Path, config: Path | None, **params: Any
) -> None:
    """Collect the evidence for TARGET from MLflow into a snapshot, for offline releases."""
    from riskcards import api

    options = _options(params)
    snapshot = _run(lambda: api.collect_evidence(target, tracking_uri, out, config, options))
    run = snapshot.run
    click.echo(
        f"{snapshot.target.display}: {len(run.metrics)} metrics, {len(run.params)} params, "
        f"{len(run.datasets)} datasets, {len(run.artifacts)} artifacts",
        err=True,
    )
    click.echo(f"evidence: {out}")


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("riskcards-demo"),
    show_default=True,
    help="Folder for the demo's MLflow store, project file and bundle.",
)
@_assessment_options
@_render_options
def demo(out: Path, **params: Any) -> None:
    """Train and log a demo credit-risk model to a fresh local MLflow store under --out,
    register it as credit-risk@champion, and release it into OUT/bundle."""
    from riskcards import api

    result = _run(
        lambda: api.demo(out, _options(params), progress=lambda msg: click.echo(msg, err=True))
    )
    _report(result.assessment)
    click.echo(f"bundle: {result.out}")
    click.echo(f"open:   {result.main}")


@cli.group()
@_frameworks_dir_option
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file whose frameworks_dirs to include (default: ./riskcards.yaml when present).",
)
@click.pass_context
def frameworks(ctx: click.Context, frameworks_dirs: tuple[Path, ...], config: Path | None) -> None:
    """The control catalogues and crosswalks: list, show, validate, crosswalk."""
    from riskcards import api

    ctx.obj = {"dirs": _run(lambda: api.frameworks_dirs(config, frameworks_dirs))}


def _library(ctx: click.Context) -> Any:
    from riskcards import api

    return _run(lambda: api.frameworks_library(ctx.obj["dirs"]))


@frameworks.command("list")
@click.pass_context
def frameworks_list(ctx: click.Context) -> None:
    """Every catalogue: id, version, size and title."""
    lib = _library(ctx)
    rows = [
        (c.id, c.version, str(len(c.controls)), c.control_label_plural, c.short_title)
        for c in sorted(lib.catalogues.values(), key=lambda c: c.id)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    click.echo(f"{len(rows)} catalogues, {len(lib.crosswalks)} crosswalks", err=True)


@frameworks.command("show")
@click.argument("catalogue_id", metavar="ID")
@click.argument("control_id", metavar="[CONTROL]", required=False)
@click.pass_context
def frameworks_show(ctx: click.Context, catalogue_id: str, control_id: str | None) -> None:
    """A catalogue's groups and controls, or one control in full with its crosswalk pairs."""
    from riskcards import api

    lib = _library(ctx)
    if control_id is None:
        cat = _run(lambda: api.catalogue(lib, catalogue_id))
        click.echo(
            f"{cat.title} (version {cat.version})\n{cat.publisher}; {cat.source_url}\n{cat.licence}"
        )
        if cat.attribution:
            click.echo(cat.attribution)
        for group in cat.groups:
            depth = len(_group_chain(cat, group.id)) - 1
            click.echo(f"\n{'  ' * depth}{group.id}  {group.title}")
            for c in (c for c in cat.controls if c.group == group.id):
                click.echo(f"{'  ' * (depth + 1)}{c.id}  {_one_line(c.label)}")
        return
    control = _run(lambda: api.find_control(lib.catalogues, catalogue_id, control_id))
    cat = lib.catalogues[catalogue_id]
    click.echo(f"{control.id}  ({cat.short_title})")
    click.echo(
        "groups: "
        + " > ".join(
            g.id if g.title == g.id else f"{g.id} {g.title}" for g in cat.ancestry(control)
        )
    )
    for label, value in (
        ("title", control.title),
        ("statement", control.text),
        ("summary", control.summary),
        ("aliases", ", ".join(control.aliases)),
        ("refines", ", ".join(control.refines)),
        ("added by", control.origin),
    ):
        if value:
            click.echo(f"{label}: {value}")
    for cw in lib.crosswalks:
        for pair in cw.pairs:
            if cw.source_catalogue == catalogue_id and pair.source == control.id:
                other = f"{cw.target_catalogue} {pair.target}"
            elif cw.target_catalogue == catalogue_id and pair.target == control.id:
                other = f"{cw.source_catalogue} {pair.source}"
            else:
                continue
            note = f"  [{pair.note}]" if pair.note else ""
            click.echo(f"crosswalk: {pair.relation} {other}  ({cw.id}){note}")


def _group_chain(cat: Any, group_id: str) -> list[str]:
    chain, current = [], cat.group(group_id)
    while current is not None:
        chain.append(current.id)
        current = cat.group(current.parent) if current.parent else None
    return chain


def _one_line(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@frameworks.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def frameworks_validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Validate catalogue, extension, crosswalk and mapping files (or folders of them).

    Exit 0 when every file is valid; exit 2 listing every problem with file:line:col."""
    from riskcards import api

    checked = _run(lambda: api.validate_files(paths, ctx.obj["dirs"]))
    for kind, name in checked:
        click.echo(f"ok  {kind:10} {name}")
    click.echo(f"{len(checked)} file(s) valid", err=True)


@frameworks.command("crosswalk")
@click.argument("source")
@click.argument("target")
@click.pass_context
def frameworks_crosswalk(ctx: click.Context, source: str, target: str) -> None:
    """The mapped pairs between catalogues SOURCE and TARGET, and the coverage of each side."""
    from riskcards import api

    lib = _library(ctx)
    _run(lambda: [api.catalogue(lib, ident) for ident in (source, target)])
    found = [
        cw
        for cw in lib.crosswalks
        if {cw.source_catalogue, cw.target_catalogue} == {source, target}
    ]
    if not found:
        click.echo(f"riskcards: error: no crosswalk between {source} and {target}", err=True)
        sys.exit(2)
    for cw in found:
        click.echo(f"# {cw.title}\n# {cw.provider}; {cw.source_url}")
        for pair in cw.pairs:
            note = f"  [{pair.note}]" if pair.note else ""
            click.echo(f"{pair.source}\t{pair.relation}\t{pair.target}{note}")
        for cov in api.crosswalk_coverage(cw, lib.catalogues):
            click.echo(
                f"coverage {cov.catalogue_id}: {len(cov.covered)} of {cov.total} "
                f"({cov.percent:.0f}%)",
                err=True,
            )


def _report(assessment: Any) -> None:
    for fw in assessment.frameworks:
        counts = fw.counts
        extra = "".join(
            f", {counts[k]} {k.replace('_', ' ')}"
            for k in ("waived", "not_applicable")
            if counts[k]
        )
        click.echo(
            f"{fw.catalogue_title}: {counts['met']} met, {counts['partial']} partial, "
            f"{counts['gap']} gap, "
            f"{counts['not_assessed']} not assessed{extra} of {len(fw.controls)} "
            f"({fw.coverage * 100:.0f}% covered)",
            err=True,
        )


def main() -> None:
    """Console entry point. click exits 2 on usage errors, as documented."""
    cli.main(prog_name="riskcards")


if __name__ == "__main__":  # pragma: no cover
    main()
