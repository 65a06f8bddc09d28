"""Architecture guards: import direction between layers, and a fast, light `riskcards --help`."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "riskcards"

# layer -> the riskcards layers it may import (besides itself). Nothing imports upward.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "models": {"errors"},
    "resources": set(),
    "targets": {"errors"},
    "yamlio": {"errors"},
    "catalogues": {"errors", "models", "resources", "yamlio"},
    "schema": {"models", "resources"},
    "project": {"errors", "models", "resources", "yamlio", "catalogues"},
    "analytics": {"errors", "models"},
    "sources": {"errors", "models", "targets", "version"},
    "demo": {"errors"},
    "analyse": {"errors", "models", "analytics"},
    "assess": {"errors", "models"},
    "render": {
        "errors",
        "models",
        "resources",
        "assess",
        "analyse",
        "analytics",
        "bundle",
        "version",
    },
    "bundle": {"errors", "models", "version"},
    "api": {
        "errors",
        "models",
        "analyse",
        "resources",
        "targets",
        "yamlio",
        "catalogues",
        "project",
        "sources",
        "demo",
        "analytics",
        "assess",
        "render",
        "bundle",
        "version",
    },
    "cli": {"errors", "api", "targets", "version"},
}
# the only modules allowed to import these heavy third-party packages
HEAVY = {"mlflow": {"sources", "demo"}, "weasyprint": {"render"}, "pandas": {"demo", "sources"}}


def _layer(module: str) -> str:
    parts = module.split(".")
    if parts == ["riskcards"]:
        return "version"
    return parts[1]


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def test_every_module_belongs_to_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        layer = (
            _layer(".".join(rel.parts))
            if len(rel.parts) > 1 and rel.name != "__init__"
            else "version"
        )
        assert layer in LAYERS or layer == "version", f"{rel}: add its layer to LAYERS"


def test_imports_point_down_the_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if rel.parts == ("riskcards", "__init__"):
            continue
        layer = rel.parts[1]
        for module, line in _imports(path):
            top = module.split(".")[0]
            if top == "riskcards":
                target = _layer(module)
                if target != layer and target not in LAYERS[layer]:
                    problems.append(f"{rel}:{line} ({layer}) imports {module} ({target})")
            elif top in HEAVY and layer not in HEAVY[top]:
                problems.append(f"{rel}:{line} ({layer}) imports {top}")
    assert problems == []


def test_models_import_only_pydantic() -> None:
    for path in (PACKAGE / "models").glob("*.py"):
        for module, line in _imports(path):
            top = module.split(".")[0]
            assert top in {
                "pydantic",
                "riskcards",
                "__future__",
                "typing",
                "datetime",
                "enum",
                "math",
            }, f"{path.name}:{line} imports {module}"


def test_cli_help_loads_neither_mlflow_nor_weasyprint() -> None:
    code = (
        "import sys\n"
        "from riskcards.cli import cli\n"
        "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('mlflow', 'weasyprint', 'pandas', 'numpy', 'sqlalchemy') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().endswith("HEAVY="), out


@pytest.mark.parametrize("command", [["--help"], ["release", "--help"], ["demo", "--help"]])
def test_help_answers(command: list[str]) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "riskcards.cli", *command], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    # not an assertion on speed (see bench/); printed so a slow start-up is visible in -rA runs
    print(f"riskcards {' '.join(command)}: {elapsed:.3f}s")
