"""Embed the inputs of a release under ``inputs/`` and read them back (layer: record).

Every file the release read that is not built in (the project file, attestations, sidecars,
an evidence mapping, organisation catalogues, template overrides) is copied into the bundle
with its bytes checked against the hash taken when it was loaded. A file named relative to
the project file keeps that name under ``inputs/`` so the project's relative paths still
resolve and the documents name it the same way; any other file goes under
``inputs/external/<sha256 prefix>/``. Built-in catalogues are recorded by hash only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath

from riskcards import __version__
from riskcards.errors import ConfigError, OutputError
from riskcards.load import Inputs
from riskcards.load.templates import templates_sha256
from riskcards.models.bundle import BundleFile, InputFile
from riskcards.models.record import INPUT_KIND, INPUTS_DIR, RELEASE_RECORD, ReleaseRecord
from riskcards.redact import scrub

BUILT_IN_PREFIX = "frameworks/"


def is_built_in(item: InputFile) -> bool:
    return item.name.startswith(BUILT_IN_PREFIX) and not Path(item.name).is_absolute()


def bundle_path(name: str, sha256: str) -> str:
    """Where an input named ``name`` is kept inside the bundle."""
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return f"{INPUTS_DIR}/external/{sha256[:12]}/{p.name}"
    return f"{INPUTS_DIR}/{p.as_posix()}"


def _locate(item: InputFile, project_dir: Path | None) -> bytes:
    """The bytes of an input, found relative to the project file or as named, hash-checked."""
    candidates = [Path(item.name)]
    if project_dir is not None:
        candidates.insert(0, project_dir / item.name)
    for path in candidates:
        if path.is_file():
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == item.sha256:
                return _without_credentials(item.name, data)
    raise OutputError(
        f"input {item.name} changed or moved since it was read; nothing was written, release again"
    )


def _without_credentials(name: str, data: bytes) -> bytes:
    """The bundle carries its inputs: one holding a credential in a URL is refused."""
    text = data.decode("utf-8", "replace")
    if scrub(text) != text:
        raise OutputError(
            f"{name} holds a credential in a URL (user:password@ or token=); the bundle carries "
            "its inputs, so remove it (MLflow reads MLFLOW_TRACKING_USERNAME and _PASSWORD)"
        )
    return data


def _file(path: str, content: bytes) -> BundleFile:
    fmt = PurePosixPath(path).suffix.lstrip(".") or "bin"
    return BundleFile(path=path, kind=INPUT_KIND, format=fmt, content=content)


def _folders(paths: Iterable[str]) -> tuple[str, ...]:
    """The smallest set of folders holding every path (no folder inside another)."""
    parents = sorted({PurePosixPath(p).parent.as_posix() for p in paths})
    kept: list[str] = []
    for folder in parents:
        if not any(folder == k or folder.startswith(k + "/") for k in kept):
            kept.append(folder)
    return tuple(kept)


def _templates(folder: Path | None, recorded: Sequence[InputFile]) -> list[BundleFile]:
    """The template set, file by file, when it still hashes as it did when it was read. A file
    whose real path is outside the folder (a symlink out) is never rendered, so not carried."""
    if folder is None:
        return []
    if any(item.sha256 != templates_sha256(folder) for item in recorded):
        raise OutputError(
            f"templates {folder} changed since they were read; nothing was written, release again"
        )
    root = folder.resolve()
    return [
        _file(f"{INPUTS_DIR}/templates/{p.relative_to(folder).as_posix()}", p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.resolve().is_relative_to(root)
    ]


def embed_inputs(
    inputs: Inputs, *, as_of: datetime, strict: bool, formats: Sequence[str]
) -> list[BundleFile]:
    """The ``inputs/`` files of a bundle: every non-built-in input and ``release.json``."""
    project = inputs.project
    project_dir = project.path.parent if project.path is not None else None
    files: dict[str, BundleFile] = {}
    where: dict[tuple[str, str], str] = {}
    for item in inputs.files:
        if item.role in ("evidence", "template") or is_built_in(item):
            continue  # the template set is one hash over a folder: embedded below
        path = bundle_path(item.name, item.sha256)
        files[path] = _file(path, _locate(item, project_dir))
        where[(item.role, item.name)] = path
    config = next(
        (
            where[k]
            for k in where
            if k[0] == "config" and project.path is not None and k[1] == project.name(project.path)
        ),
        None,
    )
    mapping = next((where[k] for k in where if k[0] == "mapping"), None)
    project_dirs = [project.name(d).rstrip("/") + "/" for d in project.frameworks_dirs]
    cli_catalogues = [
        where[(role, name)]
        for role, name in where
        if role in ("catalogue", "crosswalk") and not any(name.startswith(d) for d in project_dirs)
    ]
    templates = _templates(inputs.templates, [i for i in inputs.files if i.role == "template"])
    record = ReleaseRecord(
        riskcards_version=__version__,
        as_of=as_of,
        strict=strict,
        formats=tuple(formats),
        frameworks=inputs.frameworks,
        config=config,
        mapping=mapping,
        frameworks_dirs=_folders(cli_catalogues),
        templates=f"{INPUTS_DIR}/templates" if templates else None,
    )
    body = json.dumps(record.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    return [
        *sorted(files.values(), key=lambda f: f.path),
        *templates,
        _file(RELEASE_RECORD, body.encode()),
    ]


def read_record(bundle: Path) -> ReleaseRecord:
    """The release record of a bundle; a bundle made before it existed is a clear error."""
    path = bundle / RELEASE_RECORD
    if not path.is_file():
        raise ConfigError(
            f"{bundle} has no {RELEASE_RECORD}: it was made by a riskcards release that did not "
            "record its inputs, so it cannot be re-made from itself"
        )
    try:
        return ReleaseRecord.model_validate_json(path.read_bytes())
    except ValueError as exc:
        raise ConfigError(f"{path} is not a valid release record: {exc}") from None


def built_in_changes(recorded: Sequence[InputFile], current: Sequence[InputFile]) -> list[str]:
    """Built-in catalogues whose installed bytes differ from those the bundle was made with."""
    now = {i.name: i.sha256 for i in current if is_built_in(i)}
    return [
        f"{i.name}: the installed built-in file differs from the one the bundle was made with"
        for i in recorded
        if is_built_in(i) and i.name in now and now[i.name] != i.sha256
    ]
