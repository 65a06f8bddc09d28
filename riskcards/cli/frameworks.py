"""``riskcards frameworks list | show | validate | crosswalk``: the catalogues (layer: cli)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from riskcards.cli.common import frameworks_dir_option as _frameworks_dir_option
from riskcards.cli.common import one_line as _one_line
from riskcards.cli.common import run as _run


@click.group()
@_frameworks_dir_option
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Project file whose frameworks_dirs to include (default: ./riskcards.yaml when present).",
)
@click.pass_context
def frameworks(ctx: click.Context, frameworks_dirs: tuple[Path, ...], config: Path | None) -> None:
    """The control catalogues and crosswalks: list, show, validate, crosswalk."""
    ctx.obj = {"dirs": _run(lambda: _folders(config, frameworks_dirs)), "config": config}


def _folders(config: Path | None, frameworks_dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    """The project's frameworks_dirs, then ``--frameworks-dir``. Straight from the load
    stage, not riskcards.api, and without a project file nothing more than the file
    search: `frameworks list` imports no numpy, analytics, rendering, mlflow or pydantic
    (issue 18)."""
    from riskcards.load.headers import find_project

    if find_project(config) is None:
        return frameworks_dirs
    from riskcards.load.inputs import load_project

    return (*load_project(config).frameworks_dirs, *frameworks_dirs)


def _library(ctx: click.Context) -> Any:
    from riskcards.load.catalogues import load_library

    return _run(lambda: load_library(ctx.obj["dirs"]))


@frameworks.command("list")
@click.pass_context
def frameworks_list(ctx: click.Context) -> None:
    """Every catalogue: id, version, size and title."""
    from riskcards.load.headers import list_catalogues

    listing = _run(lambda: list_catalogues(ctx.obj["dirs"]))
    rows = [
        (c.id, c.version, str(c.controls), c.control_label_plural, c.short_title)
        for c in listing.catalogues
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    click.echo(f"{len(rows)} catalogues, {listing.crosswalks} crosswalks", err=True)


@frameworks.command("show")
@click.argument("catalogue_id", metavar="ID")
@click.argument("control_id", metavar="[CONTROL]", required=False)
@click.pass_context
def frameworks_show(ctx: click.Context, catalogue_id: str, control_id: str | None) -> None:
    """A catalogue's groups and controls, or one control in full with its crosswalk pairs and
    the checks of the built-in evidence mapping that evidence it."""
    from riskcards import api

    lib = _library(ctx)
    if control_id is None:
        _echo_catalogue(_run(lambda: api.catalogue(lib, catalogue_id)))
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
    _echo_mapping_checks(lib, catalogue_id, control.id, ctx.obj["config"])


def _echo_catalogue(cat: Any) -> None:
    """A catalogue's title, licence and its groups and controls as an indented tree."""
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


def _echo_mapping_checks(lib: Any, catalogue_id: str, control_id: str, config: Path | None) -> None:
    """The checks of the evidence mapping (the project's, else the built-in one) that
    evidence a control: what each requires, in words, and its severity."""
    from riskcards import api

    mapping_id, checks = _run(lambda: api.control_checks(lib, catalogue_id, control_id, config))
    if not checks:
        click.echo(f"checks: none in the evidence mapping {mapping_id}")
    for c, described in checks:
        click.echo(f"check: {c.id}  {c.title}  ({mapping_id})")
        click.echo(f"  {c.kind}: {described}; severity {c.severity}")


def _group_chain(cat: Any, group_id: str) -> list[str]:
    chain, current = [], cat.group(group_id)
    while current is not None:
        chain.append(current.id)
        current = cat.group(current.parent) if current.parent else None
    return chain


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
