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
@click.option(
    "--genai",
    is_flag=True,
    help="Demo a GenAI assistant instead: traced, evaluated with mlflow.genai.evaluate and "
    "code-based scorers, with prompts and human feedback; released with a system card.",
)
@assessment_options
@render_options
def demo(out: Path, genai: bool, **params: Any) -> None:
    """Train and log a demo credit-risk model to a fresh local MLflow store under --out,
    register it as credit-risk@champion, and release it into OUT/bundle (--genai: a GenAI
    assistant, released as runs:/<evaluation run>)."""
    from riskcards import api

    load, options = split_options(params)
    result = run(
        lambda: api.demo(
            out, load, options, progress=lambda msg: click.echo(msg, err=True), genai=genai
        )
    )
    report_bundle(result)
