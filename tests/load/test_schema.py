"""riskcards.load.schema: the committed JSON Schemas equal what the models generate."""

from __future__ import annotations

import pytest

from riskcards.load.schema import SCHEMAS, schema_dir, schema_text


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_json_schemas_are_current(name: str) -> None:
    committed = (schema_dir() / f"{name}.schema.json").read_text()
    assert committed == schema_text(name), "run: python -m riskcards.load.schema"
