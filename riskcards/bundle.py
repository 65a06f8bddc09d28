"""Write a release bundle atomically, with a manifest of sha256 hashes (layer: bundle).

Everything is rendered in memory first; then the files are written into a temporary folder
beside the destination and renamed into place. A failure at any point leaves either the
previous bundle or nothing: never a half-written folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath

from riskcards import __version__
from riskcards.errors import OutputError
from riskcards.models.bundle import BundleFile, InputFile, Manifest, ManifestFile

MANIFEST = "manifest.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_manifest(
    files: Sequence[BundleFile],
    *,
    target: str,
    model: str,
    as_of: datetime,
    main: str,
    inputs: Sequence[InputFile],
) -> Manifest:
    return Manifest(
        riskcards_version=__version__,
        target=target,
        model=model,
        as_of=as_of,
        main=main,
        files=tuple(
            ManifestFile(
                path=f.path,
                sha256=sha256_bytes(f.content),
                size=len(f.content),
                kind=f.kind,
                format=f.format,
                framework=f.framework,
                dataset=f.dataset,
            )
            for f in sorted(files, key=lambda f: f.path)
        ),
        inputs=tuple(sorted(inputs, key=lambda i: (i.role, i.name))),
    )


def manifest_bytes(manifest: Manifest) -> bytes:
    return (json.dumps(manifest.model_dump(mode="json"), indent=2, sort_keys=True) + "\n").encode()


def _check_paths(files: Sequence[BundleFile]) -> None:
    seen: set[str] = set()
    for f in files:
        p = PurePosixPath(f.path)
        if p.is_absolute() or ".." in p.parts or f.path in (MANIFEST, "") or f.path in seen:
            raise ValueError(f"bad or duplicate bundle path {f.path!r}")  # a bug, not user input
        seen.add(f.path)


def check_destination(out: Path) -> None:
    """Refuse to replace anything but an empty folder or a previous bundle."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise OutputError(
            f"{out} is not empty and holds no riskcards bundle ({MANIFEST}); "
            "choose another --out or empty it"
        )


def write_bundle(out: Path, files: Sequence[BundleFile], manifest: Manifest) -> Path:
    """Write files and manifest into ``out``, replacing a previous bundle atomically."""
    _check_paths(files)
    check_destination(out)
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for f in files:
            dest = staging / f.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(f.content)
        (staging / MANIFEST).write_bytes(manifest_bytes(manifest))
        for folder in sorted({p.parent for p in staging.rglob("*")} | {staging}):
            os.chmod(folder, 0o755)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _swap_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write one file via a temporary file in the same folder, renamed into place."""
    path = path.absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def verify_bundle(out: Path) -> list[str]:
    """Problems found re-hashing a bundle against its manifest (empty when it verifies)."""
    manifest = Manifest.model_validate_json((out / MANIFEST).read_bytes())
    problems = []
    listed = {f.path for f in manifest.files}
    for f in manifest.files:
        path = out / f.path
        if not path.is_file():
            problems.append(f"{f.path}: missing")
        elif sha256_bytes(path.read_bytes()) != f.sha256:
            problems.append(f"{f.path}: sha256 differs from the manifest")
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"{rel}: not listed in the manifest")
    return problems
