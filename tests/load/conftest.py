"""Fixtures and helpers shared by the tests of riskcards.load.

- ``parser``: runs a test with PyYAML's pure-Python parser and with libyaml (when built).
- ``write`` / ``load``: a YAML text as a file, and that file read by ``load_yaml``.
- ``imported_modules``: what a module imports, for the layering tests.
- The reference data the built-in catalogues and crosswalks are proved against
  (``ref``, ``catalogue``, ``crosswalk``): ``catalogues.json``, found through
  ``RISKCARDS_REFERENCE`` or, by default, at ``shared/reference/catalogues.json`` beside the
  repository folder.
"""

from __future__ import annotations

import ast
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from riskcards.load import safe_yaml
from riskcards.load.safe_yaml import YamlDocument, load_yaml
from riskcards.models.catalogue import Catalogue, Control, Crosswalk

# --------------------------------------------------------------------------- YAML files

PARSERS = ["python"] + (["libyaml"] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the pure-Python parser and with libyaml (when built)."""
    loader = yaml.CSafeLoader if request.param == "libyaml" else yaml.SafeLoader
    monkeypatch.setattr(safe_yaml, "_LOADER", loader)
    return str(request.param)


def write(tmp_path: Path, text: str, name: str = "doc.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load(tmp_path: Path, text: str) -> YamlDocument:
    return load_yaml(write(tmp_path, text), display="doc.yaml")


def imported_modules(module_file: str | None) -> set[str]:
    """Every module a source file imports (``import x`` and ``from x import y``)."""
    assert module_file is not None
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    return imported


# --------------------------------------------------------------------------- reference data

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = REPO / "frameworks" / "catalogues"
CROSSWALKS = REPO / "frameworks" / "crosswalks"

CATALOGUE_FILES = {
    "nist-ai-rmf": "nist-ai-rmf-1.0.yaml",
    "iso-iec-42001": "iso-iec-42001-2023.yaml",
    "iso-iec-42001-clauses": "iso-iec-42001-2023-clauses.yaml",
    "iso-iec-23894": "iso-iec-23894-2023.yaml",
    "nist-ai-600-1": "nist-ai-600-1.yaml",
    "mitre-atlas": "mitre-atlas.yaml",
    "eu-ai-act": "eu-ai-act.yaml",
}
CROSSWALK_FILES = {
    "nist-ai-rmf_to_iso-iec-42001": "nist-ai-rmf_to_iso-iec-42001.yaml",
    "nist-ai-rmf_to_iso-iec-42001-clauses": "nist-ai-rmf_to_iso-iec-42001-clauses.yaml",
    "nist-ai-rmf_to_iso-iec-23894": "nist-ai-rmf_to_iso-iec-23894.yaml",
}

NIST_ABBREVIATIONS = {"GOVERN": "GV", "MAP": "MP", "MEASURE": "MS", "MANAGE": "MG"}
# (categories, subcategories) per function, NIST AI 100-1 Tables 1-4
NIST_PER_FUNCTION = {"GOVERN": (6, 19), "MAP": (5, 18), "MEASURE": (4, 22), "MANAGE": (4, 13)}


def reference_path() -> Path:
    env = os.environ.get("RISKCARDS_REFERENCE")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "reference" / "catalogues.json"


@pytest.fixture(scope="module")
def ref() -> dict[str, Any]:
    path = reference_path()
    if not path.is_file():
        pytest.fail(
            f"reference data not found at {path}; set RISKCARDS_REFERENCE to catalogues.json"
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def raw(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def catalogue(cat_id: str) -> Catalogue:
    return Catalogue.model_validate(raw(CATALOGUES / CATALOGUE_FILES[cat_id]))


@cache
def crosswalk(cw_id: str) -> Crosswalk:
    return Crosswalk.model_validate(raw(CROSSWALKS / CROSSWALK_FILES[cw_id]))


def in_group(cat: Catalogue, group_id: str) -> list[Control]:
    return [c for c in cat.controls if c.group == group_id]
