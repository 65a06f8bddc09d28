"""``riskcards verify``, ``keys generate``, ``diff`` and ``promote``; the release-record
options of ``release`` (layer: cli).

verify: exit 0 verified, 1 a difference (listed file by file), 2 usage.
diff: exit 0, or 1 with ``--fail-on-regression`` when a control got worse.
promote: exit 0 alias moved, 1 refused (reasons listed), 2 usage, 3 MLflow error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from riskcards.cli.common import config_option, run, tracking_uri_option, with_options

_bundle = click.Path(exists=True, file_okay=False, path_type=Path)

release_record_options = with_options(
    [
        click.option(
            "--previous",
            type=_bundle,
            help="A previous bundle: the new one carries the diff against it "
            "(diff.json, diff.md, diff.html).",
        ),
        click.option(
            "--sign",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            metavar="KEY",
            help="Sign the bundle with this Ed25519 private key (riskcards keys generate): "
            "writes attestation.intoto.json, an in-toto statement in a DSSE envelope.",
        ),
        click.option(
            "--log-to-mlflow",
            is_flag=True,
            help="Log the bundle to the model version's source run under riskcards/<as-of>/ "
            "and tag the version (riskcards.gate, .blocking, .bundle_sha256, .as_of).",
        ),
    ]
)

_key_option = click.option(
    "--key",
    type=click.Path(exists=True, path_type=Path),
    help="The public key (riskcards.pub), or a folder of *.pub searched for the key ID the "
    "bundle names.",
)


@click.command()
@click.argument("bundle", type=_bundle)
@_key_option
def verify(bundle: Path, key: Path | None) -> None:
    """Check BUNDLE alone: re-hash every file, check the signature, re-assess and re-render
    from the bundle's own inputs and compare the bytes.

    \b
    Exit 0: verified. Exit 1: a difference (listed file by file). Exit 2: usage."""
    from riskcards import audit

    result = run(lambda: audit.verify(bundle, key))
    for problem in result.problems:
        click.echo(f"  {problem}")
    click.echo(f"signature: {result.signature}", err=True)
    if result.problems:
        click.echo(f"riskcards verify: {bundle}: {len(result.problems)} difference(s)")
        sys.exit(1)
    click.echo(f"riskcards verify: {bundle}: verified ({result.remade} files re-made, identical)")


@click.group()
def keys() -> None:
    """Signing keys for ``release --sign``."""


@keys.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def generate(folder: Path) -> None:
    """Create an Ed25519 pair in FOLDER: riskcards.key (private, mode 0600) and riskcards.pub."""
    from riskcards import audit

    private, public = run(lambda: audit.generate_keys(folder))
    click.echo(f"private key: {private}\npublic key:  {public}")


@click.command()
@click.argument("old")
@click.argument("new")
@tracking_uri_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html"]),
    default="md",
    show_default=True,
    help="How to print the diff.",
)
@click.option("--fail-on-regression", is_flag=True, help="Exit 1 when a control got worse.")
def diff(
    old: str,
    new: str,
    tracking_uri: str | None,
    config: Path | None,
    fmt: str,
    fail_on_regression: bool,
) -> None:
    """What changed from OLD to NEW, each a bundle folder or a target (runs:/..., models:/...,
    assessed now with --config): control statuses (regressions first), metrics, datasets,
    thresholds, waivers, attestations, catalogue and mapping versions."""
    from riskcards import api, audit

    load = api.LoadOptions(config=config)
    options = api.ReleaseOptions(tracking_uri=tracking_uri)
    found: dict[str, Any] = run(lambda: audit.diff_bundles(old, new, load, options))
    click.echo(audit.diff_text(found, fmt), nl=False)
    if fail_on_regression and found["regressions"]:
        click.echo(f"riskcards diff: {found['regressions']} regression(s)", err=True)
        sys.exit(1)


@click.command()
@click.argument("model_uri")
@click.option("--alias", required=True, help="The alias to move, e.g. production.")
@tracking_uri_option
@_key_option
@click.option(
    "--bundle",
    type=_bundle,
    help="Check this bundle instead of the one logged to MLflow by release --log-to-mlflow.",
)
def promote(
    model_uri: str, alias: str, tracking_uri: str | None, key: Path | None, bundle: Path | None
) -> None:
    """Move --alias to MODEL_URI (models:/<name>/<version>) only when a verified bundle for
    exactly that version passed the gate (signed, when --key is given).

    \b
    Exit 0: moved. Exit 1: refused (reasons listed). Exit 2: usage. Exit 3: MLflow error."""
    from riskcards import audit

    done = run(lambda: audit.promote(model_uri, alias, tracking_uri, key, bundle))
    if done.checked:
        click.echo(f"checked: {done.checked}", err=True)
    if not done.moved:
        for reason in done.reasons:
            click.echo(f"  {reason}")
        click.echo(f"riskcards promote: {model_uri}: refused, alias {alias} not moved")
        sys.exit(1)
    click.echo(f"riskcards promote: {model_uri}: alias {alias} now points to it")
