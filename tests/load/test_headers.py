"""The header read behind `frameworks list`: the same rows as a full load, without pydantic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from riskcards.errors import ConfigError
from riskcards.load import headers
from riskcards.load.catalogues import load_library
from riskcards.models.catalogue import Catalogue
from riskcards.resources import frameworks_dir
from tests.load.test_catalogues import ACME, BROKEN

OWN = """\
schema_version: 1
id: acme-own
version: "2"
title: ACME's own catalogue
short_title: ACME own
publisher: ACME
source_url: https://example.com
licence: internal
control_label: policy
groups: [{id: G, level: function, title: G}]
controls: [{id: P1, group: G, text: one}, {id: P2, group: G, text: two}]
"""


def _full(extra: list[Path]) -> headers.Listing:
    lib = load_library(extra)
    return headers.Listing(
        catalogues=tuple(
            headers.CatalogueHeader(
                c.id, c.version, len(c.controls), c.control_label_plural, c.short_title
            )
            for c in sorted(lib.catalogues.values(), key=lambda c: c.id)
        ),
        crosswalks=len(lib.crosswalks),
    )


def test_headers_give_the_rows_of_a_full_load(tmp_path: Path) -> None:
    builtin = headers.yaml_files(frameworks_dir())
    assert headers._headers(builtin) == _full([])
    assert headers.list_catalogues() == _full([])
    # an organisation's catalogue and an extension (counted into its base catalogue)
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "acme-nist.yaml").write_text(ACME)
    (folder / "own.yaml").write_text(OWN)
    light = headers._headers([*builtin, *headers.yaml_files(folder)])
    assert light == _full([folder]) == headers.list_catalogues([folder])
    rows = {c.id: c for c in light.catalogues}  # type: ignore[union-attr]
    assert (rows["nist-ai-rmf"].controls, rows["acme-own"].control_label_plural) == (74, "policies")


@pytest.mark.parametrize("label", ["control", "subcategory", "entry", "key", "policy", "x"])
def test_plural_is_the_models(label: str) -> None:
    cat = Catalogue.model_validate(
        {
            "schema_version": 1,
            "id": "c",
            "version": "1",
            "title": "C",
            "short_title": "C",
            "publisher": "P",
            "source_url": "u",
            "licence": "l",
            "control_label": label,
            "groups": [{"id": "G", "level": "f", "title": "G"}],
            "controls": [{"id": "C1", "group": "G"}],
        }
    )
    assert headers.plural(label) == cat.control_label_plural


def test_anything_unexpected_is_left_to_the_full_load(tmp_path: Path) -> None:
    builtin = list(headers.yaml_files(frameworks_dir()))
    for name, body in (
        ("unknown-base.yaml", ACME.replace("extends: nist-ai-rmf", "extends: nist-ai-rfm")),
        ("no-version.yaml", OWN.replace('version: "2"\n', "")),
        ("number-version.yaml", OWN.replace('version: "2"', "version: 2")),
        ("no-controls.yaml", OWN.replace("controls: [", "controls: []\nx: [")),
        ("twice.yaml", OWN.replace("acme-own", "nist-ai-rmf")),
    ):
        (tmp_path / name).write_text(body)
        assert headers._headers([*builtin, tmp_path / name]) is None, name
    # a folder given: everything is validated, every problem reported with its position
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.yaml").write_text(BROKEN)
    (bad / "syntax.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ConfigError) as caught:
        headers.list_catalogues([bad])
    text = str(caught.value)
    assert "broken.yaml:15:" in text and "syntax.yaml:2:1: YAML syntax error" in text


def test_frameworks_list_reads_no_pydantic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from riskcards.cli import cli\n"
        "try:\n    cli.main(['frameworks', 'list'], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('pydantic', 'numpy', 'mlflow', 'riskcards.models', 'riskcards.analyse')\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert "nist-ai-rmf            1.0        72  subcategories  NIST AI RMF 1.0" in done.stdout
    assert done.stdout.strip().endswith("HEAVY="), done.stdout
    assert "7 catalogues, 3 crosswalks" in done.stderr
