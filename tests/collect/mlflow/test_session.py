"""The session is the one module that imports mlflow, and only inside its functions: importing
any module of the collect stage loads neither mlflow nor pandas."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "riskcards" / "collect"
MODULES = [
    "riskcards.collect",
    "riskcards.collect.sources",
    "riskcards.collect.snapshot",
    "riskcards.collect.targets",
    "riskcards.collect.mlflow",
    "riskcards.collect.mlflow.source",
    "riskcards.collect.mlflow.session",
    "riskcards.collect.mlflow.registry",
    "riskcards.collect.mlflow.runs",
    "riskcards.collect.mlflow.logged_models",
    "riskcards.collect.mlflow.provenance",
    "riskcards.collect.mlflow.faults",
    "riskcards.collect.mlflow.values",
    "riskcards.collect.mlflow.calls",
    "riskcards.collect.mlflow.artifacts",
    "riskcards.collect.mlflow.evaluate",
    "riskcards.collect.mlflow.autolog",
    "riskcards.collect.mlflow.publish",
    "riskcards.collect.mlflow.listing",
    "riskcards.collect.mlflow.genai",
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


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parents[1]).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def test_every_module_of_the_package_is_checked() -> None:
    assert {_module(p) for p in PACKAGE.rglob("*.py")} == set(MODULES)


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_only_the_session_imports_mlflow() -> None:
    importers = {
        _module(p)
        for p in PACKAGE.rglob("*.py")
        if any(m.split(".")[0] == "mlflow" for m in _imported(p))
    }
    assert importers == {"riskcards.collect.mlflow.session"}
