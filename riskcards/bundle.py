"""Write a release bundle atomically, with a manifest of sha256 hashes (layer: bundle).

Everything is rendered in memory first; then the files are written into a temporary folder
beside the destination and exchanged with it in one rename (``renameat2(RENAME_EXCHANGE)``,
else two renames with signals held). A failure or a signal at any point leaves either the
previous bundle or nothing: never a half-written folder. Only a folder riskcards wrote, and
nobody changed, is ever replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath

from riskcards import __version__
from riskcards.errors import OutputError
from riskcards.models.bundle import BundleFile, InputFile, Manifest, ManifestFile
from riskcards.signals import signals_held

MANIFEST = "manifest.json"
# The signature (release --sign) signs the manifest, so the manifest cannot list it.
SIGNATURE = "attestation.intoto.json"
UNLISTED = frozenset({MANIFEST, SIGNATURE})


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
    """Refuse to replace anything riskcards did not write (exit 2, nothing touched).

    ``out`` may be absent, an empty folder, or a riskcards bundle: a ``manifest.json`` that is
    riskcards' own (its schema and version fields) listing every file in the folder with a
    matching sha256, and nothing else in it (no unlisted file, folder or symlink).
    """
    if not out.exists() and not out.is_symlink():
        return
    if out.is_symlink() or not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if not any(out.iterdir()):
        return
    problem = _not_a_bundle(out)
    if problem:
        raise OutputError(
            f"{out} is not a riskcards bundle ({problem}); nothing was touched: "
            "choose another --out, or empty it"
        )


def _not_a_bundle(out: Path) -> str | None:
    """Why ``out`` is not a bundle riskcards wrote, or None when it is one, unmodified."""
    manifest_path = out / MANIFEST
    if manifest_path.is_symlink() or not manifest_path.is_file():
        return f"no {MANIFEST}"
    try:
        raw = json.loads(manifest_path.read_bytes())
        if not isinstance(raw, dict) or not {"schema_version", "riskcards_version"} <= set(raw):
            return f"{MANIFEST} is not riskcards' own (no schema_version and riskcards_version)"
        manifest = Manifest.model_validate(raw)
    except (ValueError, RecursionError):
        return f"{MANIFEST} is not riskcards' own"
    listed = {f.path for f in manifest.files}
    folders = {p for f in listed for p in PurePosixPath(f).parents} - {PurePosixPath(".")}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_symlink():
            return f"{rel} is a symlink"
        if path.is_dir() and PurePosixPath(rel) not in folders:
            return f"folder {rel} is not part of the bundle"
        if path.is_file() and rel not in UNLISTED and rel not in listed:
            return f"{rel} is not listed in its manifest"
    problems = verify_bundle(out)
    return f"{problems[0]}" if problems else None


def write_bundle(out: Path, files: Sequence[BundleFile], manifest: Manifest) -> Path:
    """Write files and manifest into ``out``, replacing a previous bundle atomically.

    Under a lock beside ``out`` (a second release into the same folder fails with exit 2),
    with SIGINT and SIGTERM held back until the new bundle or the old one is in place: at
    every moment ``out`` is the complete previous bundle or the complete new one. A write
    error (disk full) is one line, exit 2, with the previous bundle intact.
    """
    _check_paths(files)
    out = out.absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out.parent}: {exc.strerror}") from None
    with signals_held(), bundle_lock(out):
        check_destination(out)
        staging = _stage(out, files, manifest)
        try:
            _swap_into_place(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return out


def _stage(out: Path, files: Sequence[BundleFile], manifest: Manifest) -> Path:
    """Every file written into a fresh temporary folder beside ``out``."""
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        for f in files:
            dest = staging / f.path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(f.content)
        (staging / MANIFEST).write_bytes(manifest_bytes(manifest))
        for folder in sorted({p.parent for p in staging.rglob("*")} | {staging}):
            os.chmod(folder, 0o755)
        return staging
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        kept = "the previous bundle is intact" if out.exists() else "nothing was written"
        raise OutputError(f"cannot write the bundle {out}: {exc.strerror}; {kept}") from None


def _swap_into_place(staging: Path, out: Path) -> None:
    """``staging`` becomes ``out``; the old ``out`` (if any) ends up at ``staging``."""
    if not out.exists():
        staging.rename(out)
        return
    if exchange(staging, out):
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    retired.rename(staging)


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
    """Problems found re-hashing a bundle against its manifest (empty when it verifies); the
    signature, which cannot be listed, is checked by ``riskcards verify``."""
    manifest = Manifest.model_validate_json((out / MANIFEST).read_bytes())
    problems = []
    listed = {f.path for f in manifest.files}
    for f in manifest.files:
        path = out / f.path
        if PurePosixPath(f.path).is_absolute() or ".." in PurePosixPath(f.path).parts:
            problems.append(f"{f.path}: a path outside the bundle")
        elif not path.is_file():
            problems.append(f"{f.path}: missing")
        elif sha256_bytes(path.read_bytes()) != f.sha256:
            problems.append(f"{f.path}: sha256 differs from the manifest")
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in UNLISTED and rel not in listed:
            problems.append(f"{rel}: not listed in the manifest")
    return problems


# --- the lock and the exchange ------------------------------------------------------


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def bundle_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on ``out`` for one writer; a second fails at once (exit 2)."""
    path = lock_path(out)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file {path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                f"another riskcards release is writing {out} (lock {path}); "
                "run one release per --out at a time"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the previous holder removed the file after we opened it: retry
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False if unsupported here."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
