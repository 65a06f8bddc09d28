"""The ``riskcards`` command (layer: cli). Thin: parse options, call one api function, print.

Exit codes: 0 done; 1 blocking gaps (``check``); 2 usage or configuration error;
3 evidence-source error (server unreachable, run or model not found). A user error prints one
clear message, never a traceback. mlflow and weasyprint are imported only by the commands that
need them, so ``riskcards --help`` is fast.
"""

from __future__ import annotations

import click

from riskcards import __version__
from riskcards.cli.demo import demo
from riskcards.cli.fleet import fleet, portfolio
from riskcards.cli.frameworks import frameworks
from riskcards.cli.record import diff, keys, promote, verify
from riskcards.cli.release import check, evidence, release


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="riskcards")
def cli() -> None:
    """Release documents for an ML model from the evidence in MLflow: a model card, a dataset
    sheet per dataset, and a gap report per AI-governance framework (HTML, PDF, JSON, Markdown),
    written as one bundle with a manifest of sha256 hashes.

    \b
    Exit codes: 0 done; 1 blocking gaps (check), a difference (verify), a regression
    (diff --fail-on-regression), a refused promotion (promote); 2 usage or configuration
    error; 3 evidence-source error (tracking server unreachable, run or model not found).
    """


for _command in (release, check, evidence, demo, frameworks, verify, keys, diff, promote):
    cli.add_command(_command)
for _command in (fleet, portfolio):
    cli.add_command(_command)


def main() -> None:
    """Console entry point. click exits 2 on usage errors, as documented."""
    cli.main(prog_name="riskcards")
