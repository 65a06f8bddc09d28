"""Issue 17, items 2 and 4: riskcards never destroys what it did not write, and a bundle
survives a concurrent release and a full disk (exit 2, previous bundle intact)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskcards.bundle import MANIFEST, lock_path, verify_bundle
from tests.hardening.conftest import cli, evidence_file, one_error_line


def _release(tmp_path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli("release", f"evidence:{evidence_file(tmp_path)}", "--out", out, "--no-pdf", *extra)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def _ok(r: subprocess.CompletedProcess[str]) -> None:
    assert r.returncode in (0, 1), r.stderr  # 1: the demo evidence has blocking gaps


def test_an_application_folder_with_its_own_manifest_is_not_replaced(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "src").mkdir(parents=True)
    (app / MANIFEST).write_text('{"name": "my-app", "version": "1.0"}')
    (app / "src" / "main.py").write_text("print('hello')")
    before = _tree(app)
    r = _release(tmp_path, app)
    assert r.returncode == 2
    one_error_line(r.stderr, "is not a riskcards bundle", "nothing was touched")
    assert _tree(app) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "evidence-in.json"]


@pytest.mark.parametrize("change", ["edited", "added", "manifest-lies", "symlink"])
def test_a_bundle_changed_by_someone_else_is_not_replaced(tmp_path: Path, change: str) -> None:
    out = tmp_path / "out"
    _ok(_release(tmp_path, out))
    if change == "edited":
        (out / "summary.md").write_text("my own notes")
    elif change == "added":
        (out / "notes").mkdir()
    elif change == "manifest-lies":  # a foreign manifest listing a file it did not write
        manifest = json.loads((out / MANIFEST).read_text())
        manifest["files"][0]["path"] = "../evidence-in.json"
        (out / MANIFEST).write_text(json.dumps(manifest))
    else:
        (out / "link").symlink_to(tmp_path)
    before = _tree(out)
    r = _release(tmp_path, out)
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, "is not a riskcards bundle")
    assert _tree(out) == before


def test_a_previous_unchanged_bundle_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _ok(_release(tmp_path, out))
    _ok(_release(tmp_path, out))
    assert verify_bundle(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence-in.json", "out"]


def test_a_second_release_into_the_same_folder_fails_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _ok(_release(tmp_path, out))
    before = _tree(out)
    with lock_path(out.absolute()).open("w") as held:  # another release is writing
        fcntl.flock(held, fcntl.LOCK_EX)
        r = _release(tmp_path, out)
    assert r.returncode == 2
    one_error_line(r.stderr, "another riskcards release is writing")
    assert _tree(out) == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MB tmpfs (needs root and mount; skipped elsewhere)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True
    )
    if mount.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> None:
    with (disk / "filler").open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    os.sync()


def test_a_full_disk_is_one_line_with_exit_2_and_the_previous_bundle_intact(
    tmp_path: Path, small_disk: Path
) -> None:
    out = small_disk / "out"
    _ok(_release(tmp_path, out))
    before = _tree(out)
    _fill(small_disk)
    r = _release(tmp_path, out)
    assert r.returncode == 2, r.stderr
    one_error_line(r.stderr, "No space left on device", "previous bundle is intact")
    assert len(r.stderr.strip().splitlines()) <= 3  # the status lines at most, and the error
    assert _tree(out) == before and verify_bundle(out) == []
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "out"]
