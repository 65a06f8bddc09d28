"""Architecture guards: import direction between layers, modules a newcomer reads at once,
tests that mirror the package, and a fast, light `riskcards --help`.

Function complexity (McCabe, at most 10) is ruff's C901, run by tests/test_lint.py."""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "riskcards"

# layer -> the riskcards layers it may import (besides itself). Nothing imports upward:
# errors, redact, resources <- models <- load <- collect; models <- analyse, assess, render
# (render sees the stages below only through their models) <- bundle <- api <- cli.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "redact": set(),
    "resources": set(),
    "signals": set(),
    "models": {"errors"},
    # a logged JSON table read once, by column, for collect and analyse alike (issue 18)
    "tabular": {"models"},
    "load": {"errors", "models", "resources"},
    "collect": {"errors", "models", "load", "redact", "version", "tabular"},
    "analyse": {"errors", "models", "tabular"},
    "assess": {"errors", "models"},
    "render": {"errors", "models", "resources", "signals", "version"},
    "bundle": {"errors", "models", "signals", "version"},
    "demo": {"errors"},
    # the release record's pure parts: embed and read inputs, compare, sign, diff
    "record": {"errors", "models", "load", "bundle", "redact", "version"},
    "api": {
        "errors",
        "redact",
        "resources",
        "models",
        "load",
        "collect",
        "analyse",
        "assess",
        "render",
        "bundle",
        "demo",
        "record",
        "version",
    },
    # verify, diff, keys, promote: re-make a bundle with api, compare with record
    "audit": {"errors", "models", "collect", "bundle", "record", "render", "api", "version"},
    # many versions against inputs loaded once, and their portfolio
    "fleet": {"errors", "models", "load", "collect", "render", "bundle", "redact", "api"},
    # load: `frameworks` reads the catalogues without api's analytics and rendering (issue 18)
    "cli": {"errors", "redact", "api", "audit", "fleet", "version", "load"},
}
# the only places allowed to import these heavy third-party packages (module prefixes)
HEAVY = {
    "mlflow": ("riskcards.collect.mlflow", "riskcards.demo"),
    "weasyprint": ("riskcards.render.pdf",),
    "pandas": ("riskcards.demo", "riskcards.collect.mlflow"),
    "numpy": ("riskcards.analyse", "riskcards.demo"),
}


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
            elif top in HEAVY and not ".".join(rel.parts).startswith(HEAVY[top]):
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
                "dataclasses",
                "collections",
                "contextlib",
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


MAX_MODULE_LINES = 500
TESTS = Path(__file__).resolve().parent
# tests of the product as a whole, which mirror no single module
WHOLE_PRODUCT = {
    "test_architecture.py": "layers, module size, this mirror, a light --help",
    "test_process.py": "a release ends cleanly: outputs complete, no process left behind",
    "test_lint.py": "ruff over the package, tests and benchmarks",
    "test_end_to_end.py": "every command against a real local MLflow store",
    "test_mlflow_server.py": "collection and the demo against a real `mlflow server`",
    "test_wheel.py": "the wheel, installed offline into a clean venv",
    "test_seams.py": "a source, a check kind and a format added from outside riskcards",
    "test_docs.py": "the examples in docs/ run as written",
    "test_browser.py": "every HTML document laid out by headless Chromium at 400 and 1280 px",
    "test_mlflow_users.py": "runs logged as MLflow's own examples log them, released",
    "hardening": "the adversarial suite: hostile templates, evidence, signals, TLS (issue 17)",
}


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these where a newcomer would look for the parts: {long}"


def _mirrors(test: Path) -> bool:
    rel = test.relative_to(TESTS)
    if rel.parts[0] in WHOLE_PRODUCT:
        return True
    name = rel.name.removeprefix("test_").removesuffix(".py")
    folder = PACKAGE.joinpath(*rel.parts[:-1])
    return (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()


def test_tests_mirror_the_package() -> None:
    """tests/<path>/test_<name>.py tests riskcards/<path>/<name>.py (or the package <name>),
    so the test of a module is where a newcomer looks for it (rendercv keeps the same rule)."""
    strays = sorted(str(t.relative_to(TESTS)) for t in TESTS.rglob("test_*.py") if not _mirrors(t))
    assert strays == [], "move or rename these to mirror a module: " + ", ".join(strays)
    packages = sorted(
        str(p.parent.relative_to(PACKAGE))
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE and not (TESTS / p.parent.relative_to(PACKAGE)).is_dir()
    )
    assert packages == [], "give these packages a test folder: " + ", ".join(packages)
