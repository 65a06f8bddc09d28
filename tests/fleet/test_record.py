"""The key a fleet reuses a bundle by, the owners it shows, the record read back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from riskcards.errors import UsageError
from riskcards.fleet.record import Entry, evidence_key, owners, read_record, record_bytes
from riskcards.models.assessment import Assessment
from riskcards.models.bundle import InputFile
from tests.conftest import AS_OF, make_snapshot

INPUTS = (InputFile(role="catalogue", name="nist.yaml", sha256="a" * 64),)


def test_the_key_ignores_when_the_evidence_was_collected_only() -> None:
    snapshot = make_snapshot()
    key = evidence_key(snapshot, INPUTS, "html")
    later = snapshot.provenance.model_copy(
        update={"collected_at": snapshot.provenance.collected_at + timedelta(days=1)}
    )
    assert evidence_key(snapshot.model_copy(update={"provenance": later}), INPUTS, "html") == key
    metric = snapshot.run.metrics[0].model_copy(update={"value": 0.123456})
    changed = snapshot.run.model_copy(update={"metrics": (metric, *snapshot.run.metrics[1:])})
    assert evidence_key(snapshot.model_copy(update={"run": changed}), INPUTS, "html") != key
    other = (InputFile(role="catalogue", name="nist.yaml", sha256="b" * 64),)
    assert evidence_key(snapshot, other, "html") != key
    assert evidence_key(snapshot, INPUTS, "html+pdf") != key


def test_owners_from_tags_first() -> None:
    snapshot = make_snapshot()
    run = snapshot.run.model_copy(update={"tags": {**snapshot.run.tags, "owner": "run-owner"}})
    empty = Assessment(as_of=AS_OF, mapping_id="m", checks=(), frameworks=())
    assert owners(snapshot.model_copy(update={"run": run}), empty)[-1] == "run-owner"


def test_the_record_reads_back_and_a_bad_one_is_a_usage_error(tmp_path: Path) -> None:
    entries = [
        Entry(model="b", version="10", target="models:/b/10", status="released", exit_code=0),
        Entry(model="b", version="9", target="models:/b/9", status="failed", exit_code=3),
    ]
    (tmp_path / "fleet.json").write_bytes(record_bytes(entries))
    record = read_record(tmp_path)
    assert record is not None and [e.version for e in record.entries] == ["9", "10"]
    assert read_record(tmp_path / "none") is None
    (tmp_path / "fleet.json").write_text("{}")
    with pytest.raises(UsageError, match="not a riskcards fleet record"):
        read_record(tmp_path)
