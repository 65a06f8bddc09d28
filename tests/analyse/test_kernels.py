"""The analyse stage and its kernels import only what their place in the pipeline allows."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.test_architecture import _imports

PACKAGE = Path(__file__).resolve().parents[2] / "riskcards" / "analyse"
ALLOWED = {"numpy", "pydantic"} | set(sys.stdlib_module_names)
ALLOWED_RISKCARDS = (
    "riskcards.errors",
    "riskcards.models",
    "riskcards.analyse",
    "riskcards.tabular",
)


def test_imports_stay_in_the_layer() -> None:
    problems = []
    for path in sorted(PACKAGE.glob("*.py")):
        for module, line in _imports(path):
            top = module.split(".")[0]
            if top == "riskcards":
                if not module.startswith(ALLOWED_RISKCARDS):
                    problems.append(f"{path.name}:{line} imports {module}")
            elif top == "pyarrow":
                if path.name != "tables.py":
                    problems.append(f"{path.name}:{line} imports pyarrow")
            elif top not in ALLOWED:
                problems.append(f"{path.name}:{line} imports {module}")
    assert problems == []


def test_pyarrow_is_imported_lazily() -> None:
    tree = ast.parse((PACKAGE / "tables.py").read_text())
    top_level = [
        alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names
    ]
    top_level += [node.module or "" for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert not any(m.startswith("pyarrow") for m in top_level)


def test_importing_the_analyse_stage_loads_nothing_heavy() -> None:
    code = (
        "import sys, riskcards.analyse\n"
        "print(sorted(m for m in ('mlflow', 'pandas', 'scipy', 'sklearn', 'pyarrow', 'weasyprint')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
