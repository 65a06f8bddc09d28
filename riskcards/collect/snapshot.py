"""A saved evidence snapshot as an evidence source (layer: collect).

``evidence:<path>`` (what ``--evidence FILE`` stands for) reads an ``evidence.json`` that
``riskcards evidence`` or a release wrote, so an auditor can re-assess and re-render offline:
no server, no network. The snapshot is validated like every input; a bad one is a
configuration error (exit 2) naming the file and the path inside it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from riskcards.collect.sources import CollectOptions
from riskcards.collect.targets import TargetSpec
from riskcards.errors import ConfigError, Issue, UsageError
from riskcards.load.safe_yaml import format_path
from riskcards.models.evidence import EvidenceSnapshot

SCHEME = "evidence"


def snapshot_target(path: Path) -> str:
    """The target URI of a saved snapshot."""
    return f"{SCHEME}:{path}"


def load_snapshot(path: Path) -> EvidenceSnapshot:
    """Read an evidence snapshot written by riskcards (``evidence.json``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read evidence snapshot {path}: {exc.strerror}") from None
    try:
        return EvidenceSnapshot.model_validate_json(data)
    except ValidationError as exc:
        issues = [
            Issue(str(path), None, None, format_path(e["loc"]), e["msg"]) for e in exc.errors()
        ]
        raise ConfigError(f"{path} is not a valid riskcards evidence snapshot", issues) from None


class SnapshotSource:
    """``evidence:<path>``: the snapshot in a file, as it was collected."""

    schemes = (SCHEME,)
    forms = ("evidence:<path to evidence.json>",)

    def parse(self, uri: str) -> TargetSpec:
        path = uri.strip()[len(SCHEME) + 1 :]
        if not path:
            raise UsageError(f"target {uri!r}: give the snapshot's file, {self.forms[0]}")
        return TargetSpec(uri=uri.strip(), kind="snapshot", path=path)

    def collect(self, spec: TargetSpec, options: CollectOptions) -> EvidenceSnapshot:
        assert spec.path is not None
        return load_snapshot(Path(spec.path))
