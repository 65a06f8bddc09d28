"""Atomic bundle writing, the manifest contract, and verification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskcards.bundle import SIGNATURE, BundleFile, build_manifest, verify_bundle, write_bundle
from riskcards.errors import OutputError
from riskcards.models.bundle import InputFile
from tests.conftest import AS_OF

FILES = [
    BundleFile(
        path="model-card.html", kind="model-card", format="html", content=b"<html>card</html>"
    ),
    BundleFile(
        path="datasets/train.html",
        kind="dataset-sheet",
        format="html",
        content=b"sheet",
        dataset="credit-train",
    ),
    BundleFile(
        path="gap-report-nist-ai-rmf.json",
        kind="gap-report",
        format="json",
        content=b"{}",
        framework="nist-ai-rmf",
    ),
]


def _manifest(files: list[BundleFile] = FILES) -> object:
    return build_manifest(
        files,
        target="runs:/abc",
        model="run abc",
        as_of=AS_OF,
        main="model-card.html",
        inputs=[InputFile(role="mapping", name="m.yaml", sha256="0" * 64)],
    )


def test_writes_files_and_manifest_that_verifies(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    write_bundle(out, FILES, _manifest())  # type: ignore[arg-type]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == sorted(f.path for f in FILES)
    gap = next(f for f in manifest["files"] if f["kind"] == "gap-report")
    assert gap["framework"] == "nist-ai-rmf" and gap["format"] == "json"
    assert manifest["as_of"] == "2026-11-28T12:00:00Z"
    assert manifest["inputs"][0]["role"] == "mapping"
    assert verify_bundle(out) == []
    (out / "datasets" / "train.html").write_bytes(b"tampered")
    (out / "extra.txt").write_text("x")
    assert verify_bundle(out) == [
        "datasets/train.html: sha256 differs from the manifest",
        "extra.txt: not listed in the manifest",
    ]


def test_replaces_a_previous_bundle_and_leaves_no_temporary_folders(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    write_bundle(out, FILES, _manifest())  # type: ignore[arg-type]
    write_bundle(out, FILES[:1], _manifest(FILES[:1]))  # type: ignore[arg-type]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "model-card.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]
    (out / "stale.html").write_text("someone else's file")  # no longer riskcards' own bundle
    with pytest.raises(OutputError, match=r"stale\.html is not listed in its manifest"):
        write_bundle(out, FILES, _manifest())  # type: ignore[arg-type]
    assert (out / "stale.html").read_text() == "someone else's file"


def test_a_signed_bundle_is_still_riskcards_own(tmp_path: Path) -> None:
    """The signature signs the manifest, so the manifest cannot list it: a signed bundle is
    replaced by the next release, and verifies, like an unsigned one."""
    out = tmp_path / "bundle"
    write_bundle(out, FILES, _manifest())  # type: ignore[arg-type]
    (out / SIGNATURE).write_text("{}")
    assert verify_bundle(out) == []
    write_bundle(out, FILES[:1], _manifest(FILES[:1]))  # type: ignore[arg-type]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "model-card.html"]


def test_refuses_a_foreign_folder_and_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="is not a riskcards bundle"):
        write_bundle(out, FILES, _manifest())  # type: ignore[arg-type]
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    file_out = tmp_path / "afile"
    file_out.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        write_bundle(file_out, FILES, _manifest())  # type: ignore[arg-type]


def test_a_failure_while_writing_leaves_the_previous_bundle(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    write_bundle(out, FILES, _manifest())  # type: ignore[arg-type]
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = [*FILES, BundleFile(path="../escape.html", kind="summary", format="md", content=b"")]
    with pytest.raises(ValueError, match="bad or duplicate bundle path"):
        write_bundle(out, bad, _manifest())  # type: ignore[arg-type]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before == after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle"]
