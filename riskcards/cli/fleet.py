"""``riskcards fleet`` and ``riskcards portfolio``: many versions, one portfolio (layer: cli)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click

from riskcards.cli.common import (
    assessment_options,
    collect_options,
    one_line,
    render_options,
    run,
    split_options,
    tracking_uri_option,
    with_options,
)


class Progress:
    """A bar with counts and an ETA on a terminal; one plain line per version otherwise."""

    def __init__(self, total: int, stream: TextIO, tty: bool | None = None) -> None:
        self.total, self.stream = total, stream
        self.tty = stream.isatty() if tty is None else tty
        self.counts = {"released": 0, "unchanged": 0, "failed": 0}
        self.started = time.monotonic()

    def __call__(self, entry: Any) -> None:
        self.counts[entry.status] += 1
        done = sum(self.counts.values())
        if not self.tty:
            what = entry.error if entry.status == "failed" else entry.verdict
            self.stream.write(
                f"[{done}/{self.total}] {entry.model} {entry.version}: {entry.status}"
                f"{': ' + one_line(what or '', 150) if what else ''}\n"
            )
        else:
            elapsed = time.monotonic() - self.started
            eta = int(elapsed / done * (self.total - done))
            bar = "#" * (30 * done // self.total)
            counts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
            self.stream.write(
                f"\r[{bar:<30}] {done}/{self.total} {counts}, ETA {eta // 60}:{eta % 60:02d} "
            )
            if done == self.total:
                self.stream.write("\n")
        self.stream.flush()


@click.command()
@tracking_uri_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The fleet folder: DIR/<model>/<version>/ bundles, fleet.json and the portfolio.",
)
@click.option(
    "--filter",
    "model_filter",
    metavar="FILTER",
    help="MLflow's filter for registered models, e.g. \"name LIKE 'credit-%'\" or "
    "\"tags.team = 'risk'\".",
)
@click.option(
    "--version-filter",
    metavar="FILTER",
    help="MLflow's filter for model versions, e.g. \"tags.stage = 'candidate'\"; every "
    "matching version is released.",
)
@click.option("--all-versions", is_flag=True, help="Every version, not only aliased or latest.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the CPU count",
    help="Versions released in parallel.",
)
@click.option("--force", is_flag=True, help="Re-render versions whose evidence is unchanged.")
@click.option("--shard", metavar="I/N", help="Release the I-th of N shards (CI matrix jobs).")
@click.option("--portfolio-pdf", is_flag=True, help="Also write portfolio.pdf.")
@assessment_options
@render_options
@with_options(collect_options)
def fleet(out: Path, **params: Any) -> None:
    """Release every registered model's aliased (else latest) version into --out, each
    in DIR/<model>/<version>/, and write the portfolio.

    \b
    A version whose evidence and inputs are unchanged since the previous run in --out is
    reused ("unchanged"). A version that fails is listed with its error; the others go on.
    Exit code: the worst of all versions (0 ok, 1 blocking gaps, 2 input error, 3 evidence
    source error)."""
    from riskcards import api, fleet

    selection = fleet.Selection(
        model_filter=params.pop("model_filter"),
        version_filter=params.pop("version_filter"),
        all_versions=params.pop("all_versions"),
        shard=params.pop("shard"),
        deadline_seconds=params["deadline_seconds"],
    )
    workers, force, pdf = params.pop("workers"), params.pop("force"), params.pop("portfolio_pdf")
    load, options = split_options(params)

    def go() -> tuple[Any, list[Path]]:
        inputs = api.load_inputs(load)
        versions = fleet.select(options.tracking_uri or inputs.project.config.tracking_uri,
                                selection)  # fmt: skip
        click.echo(f"riskcards fleet: {len(versions)} model version(s)", err=True)
        entries = fleet.run_fleet(
            inputs, out, versions, options, fleet.FleetOptions(workers, force),
            Progress(len(versions), sys.stderr),
        )  # fmt: skip
        return entries, fleet.write_fleet(out, entries, pdf)

    entries, written = run(go)
    _summary(entries, written)
    sys.exit(fleet.worst_exit(entries))


def _summary(entries: Any, written: list[Path]) -> None:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    blocking = sum(1 for e in entries if e.blocking)
    click.echo(
        f"riskcards fleet: {len(entries)} version(s): "
        + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        + f"; {blocking} with blocking gaps"
    )
    for e in entries:
        if e.status == "failed":
            click.echo(f"  {e.model} {e.version}: error (exit {e.exit_code}): {e.error}")
    for path in written:
        click.echo(f"portfolio: {path}")


@click.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="Where to write portfolio.html, .json and .md.",
)  # fmt: skip
@click.option("--pdf", is_flag=True, help="Also write portfolio.pdf.")
def portfolio(folders: tuple[Path, ...], out: Path, pdf: bool) -> None:
    """Merge the fleet folders FOLDERS (e.g. the shards of one fleet) into one portfolio."""
    from riskcards import fleet

    for path in run(lambda: fleet.merge_portfolio(folders, out, pdf)):
        click.echo(f"portfolio: {path}")
