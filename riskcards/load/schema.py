"""JSON Schemas for the YAML files people write, generated from the models (layer: load).

Editors (VS Code with the YAML extension, JetBrains) validate as people type when a file
starts with ``# yaml-language-server: $schema=<path to the schema>``. The schemas are
committed under ``frameworks/schema/``; a test keeps them equal to what the models generate.
Regenerate with ``python -m riskcards.load.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from riskcards.models.catalogue import Catalogue, CatalogueExtension, Crosswalk
from riskcards.models.mapping import EvidenceMapping
from riskcards.models.project import (
    Attestation,
    DatasetSheetSidecar,
    ModelCardSidecar,
    ProjectConfig,
)
from riskcards.resources import frameworks_dir

SCHEMAS: dict[str, type[BaseModel]] = {
    "catalogue": Catalogue,
    "catalogue-extension": CatalogueExtension,
    "crosswalk": Crosswalk,
    "evidence-mapping": EvidenceMapping,
    "project": ProjectConfig,
    "attestation": Attestation,
    "model-card": ModelCardSidecar,
    "dataset-sheet": DatasetSheetSidecar,
}


def schema_text(name: str) -> str:
    """The JSON Schema of one file kind, as stable text (sorted keys, trailing newline)."""
    schema = SCHEMAS[name].model_json_schema(mode="validation")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://riskcards.dev/schema/{name}.schema.json",
        **schema,
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def schema_dir() -> Path:
    return frameworks_dir() / "schema"


def write_schemas(folder: Path | None = None) -> list[Path]:
    folder = folder or schema_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(name))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write_schemas():
        print(p)
