"""``riskcards release``, ``check`` and ``evidence``: one target each (layer: cli).

Each parses its options, calls one function of :mod:`riskcards.api` and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from riskcards.cli.common import (
    assessment_options,
    collect_options,
    config_option,
    one_line,
    render_options,
    report,
    report_bundle,
    run,
    source_options,
    split_options,
    tracking_uri_option,
    with_options,
)
from riskcards.cli.record import release_record_options
from riskcards.errors import EXIT_BLOCKING_GAP


@click.command()
@source_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("riskcards-bundle"),
    show_default=True,
    help="The bundle folder (replaced atomically if it holds a bundle).",
)
@assessment_options
@render_options
@release_record_options
def release(target: str | None, out: Path, **params: Any) -> None:
    """Release TARGET: runs:/<run_id>, models:/<name>/<version>, models:/<name>@<alias>
    or evidence:<file>.

    Writes the model card, dataset sheets, gap reports, evidence and summary into --out."""
    from riskcards import api

    load, options = split_options(params)

    def go() -> api.ReleaseResult:
        return api.release(api.load_inputs(load), out, target, options)

    result = run(go)
    report_bundle(result)


@click.command()
@source_options
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JUnit XML (one test case per control) for CI dashboards.",
)
@assessment_options
def check(target: str | None, junit: Path | None, **params: Any) -> None:
    """The CI gate: assess TARGET without writing documents.

    \b
    Exit 0: no blocking gap. Exit 1: blocking gaps (listed). Exit 2: configuration error.
    Exit 3: evidence-source error. A gap blocks when a failing check's severity is in the
    project's gate.blocking_severities (default high and critical)."""
    from riskcards import api

    load, options = split_options(params)
    outcome = run(lambda: api.check(api.load_inputs(load), target, options, junit))
    report(outcome.assessment)
    for note in outcome.assessment.notes:
        click.echo(f"note: {note}", err=True)
    blocking = outcome.assessment.blocking
    if not blocking:
        click.echo(f"riskcards check: {outcome.target}: no blocking gap")
        return
    click.echo(f"riskcards check: {outcome.target}: {len(blocking)} blocking gap(s)")
    severities = set(outcome.assessment_gate_severities)
    for c in blocking:
        click.echo(f"  {c.catalogue_id} {c.control_id} [{c.status.value}] {_why(c, severities)}")
    sys.exit(EXIT_BLOCKING_GAP)


def _why(control: Any, severities: set[str]) -> str:
    """The first failing check of a blocking control (one of the gate's severities first)."""
    failing = [r for r in control.checks if r.failing]
    first = next((r for r in failing if r.severity in severities), failing[0] if failing else None)
    why = f"{first.title} ({first.severity}): {first.reason}" if first else control.reason
    more = f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""
    return f"{one_line(why, 150)}{more}"


@click.command()
@click.argument("target", required=False)
@tracking_uri_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("evidence.json"),
    show_default=True,
    help="Where to write the evidence snapshot (JSON).",
)
@config_option
@with_options(collect_options)
def evidence(
    target: str | None, tracking_uri: str | None, out: Path, config: Path | None, **params: Any
) -> None:
    """Collect the evidence for TARGET from MLflow into a snapshot, for offline releases."""
    from riskcards import api

    _, options = split_options({**params, "tracking_uri": tracking_uri})
    snapshot = run(lambda: api.collect_evidence(config, target, out, options))
    r = snapshot.run
    click.echo(
        f"{snapshot.target.display}: {len(r.metrics)} metrics, {len(r.params)} params, "
        f"{len(r.datasets)} datasets, {len(r.artifacts)} artifacts",
        err=True,
    )
    click.echo(f"evidence: {out}")
