"""Importing the MLflow source is light: mlflow is imported inside collect() only."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "riskcards.sources",
    "riskcards.sources.mlflow_source",
    "riskcards.sources.calls",
    "riskcards.sources.artifacts",
    "riskcards.sources.evaluate",
]


def test_importing_the_sources_loads_neither_mlflow_nor_pandas() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in MODULES)
        + "heavy = ('mlflow', 'pandas', 'pyarrow', 'requests')\n"
        + "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", done.stdout
