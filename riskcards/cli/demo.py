"""``riskcards demo``: log the demo model to a fresh local store, then release it (layer: cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from riskcards.cli.common import (
    assessment_options,
    render_options,
    report_bundle,
    run,
    split_options,
)


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("riskcards-demo"),
    show_default=True,
    help="Folder for the demo's MLflow store, project file and bundle.",
)
@assessment_options
@render_options
def demo(out: Path, **params: Any) -> None:
    """Train and log a demo credit-risk model to a fresh local MLflow store under --out,
    register it as credit-risk@champion, and release it into OUT/bundle."""
    from riskcards import api

    load, options = split_options(params)
    result = run(
        lambda: api.demo(out, load, options, progress=lambda msg: click.echo(msg, err=True))
    )
    report_bundle(result)
