"""A saved evidence snapshot as a source: ``evidence:<path>`` gives back what was written."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskcards.collect import CollectOptions, collect
from riskcards.collect.snapshot import snapshot_target
from riskcards.errors import ConfigError
from tests.conftest import make_snapshot


def test_the_snapshot_written_is_the_snapshot_collected(tmp_path: Path) -> None:
    written = make_snapshot(every_field=True)
    path = tmp_path / "evidence.json"
    path.write_text(written.model_dump_json(indent=2), encoding="utf-8")
    collected = collect(f"evidence:{path}")
    assert collected.model_dump_json() == written.model_dump_json()
    assert snapshot_target(path) == f"evidence:{path}"
    # the options of a live collection change nothing in a saved one
    again = collect(snapshot_target(path), CollectOptions(history=True, fetch_tables=False))
    assert again.model_dump_json() == written.model_dump_json()


def test_a_missing_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "evidence.json"
    with pytest.raises(ConfigError) as caught:
        collect(f"evidence:{path}")
    assert f"cannot read evidence snapshot {path}" in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("{not json", ": Invalid JSON: "),
        ('{"schema_version": 2, "target": {}}', " run: Field required"),
        ("[]", ": Input should be an object"),
    ],
)
def test_an_invalid_file_is_a_config_error_naming_it(tmp_path: Path, text: str, issue: str) -> None:
    path = tmp_path / "evidence.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        collect(f"evidence:{path}")
    message = str(caught.value)
    assert message.startswith(f"{path} is not a valid riskcards evidence snapshot\n")
    assert f"\n  {path}{issue}" in message
    assert all(i.file == str(path) for i in caught.value.issues)
    assert caught.value.exit_code == 2
