"""Artifact listings and fetched artifacts: evaluation tables and MLmodel files
(layer: collect). Imports no mlflow: it works on the artifact repositories it is given.

- A listing walks folders level by level, each level's folders listed concurrently, to the
  end (no cap on entries).
- Evaluation tables are the ``.json``, ``.csv`` and ``.parquet`` files of the run, outside
  model folders (a folder holding an ``MLmodel`` file). Each one is fetched unless its listed
  size is over the cap, hashed with sha256 as soon as its bytes arrive, and kept as text
  (parquet converted to the JSON that ``mlflow.log_table`` writes, when pyarrow is
  importable). A table over the cap is recorded as ``too_large`` and not loaded. A JSON
  table is validated by reading it, by column, once (:mod:`riskcards.tabular`); the columns
  stay with the artifact, unserialised, for analysis.
- Downloads go into a temporary folder that is removed at once: riskcards writes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, Literal

import yaml

from riskcards.collect.mlflow.calls import Calls
from riskcards.collect.sources import DEFAULT_MAX_TABLE_BYTES as DEFAULT_MAX_TABLE_BYTES
from riskcards.models.evidence import ArtifactInfo, ModelSignature, TableArtifact
from riskcards.tabular import Rejected, read_json_table

# DEFAULT_MAX_TABLE_BYTES (defined in riskcards.collect.sources, re-exported here): a table is
# kept whole in the snapshot, so the cap bounds the size of evidence.json too.
TableFormat = Literal["json", "csv", "parquet"]
_TABLE_FORMATS: dict[str, TableFormat] = {".json": "json", ".csv": "csv", ".parquet": "parquet"}
MLMODEL = "MLmodel"


def walk(calls: Calls, repo: Any, pool: Executor, *, operation: str) -> tuple[ArtifactInfo, ...]:
    """Every entry under the root of ``repo``, sorted by path; folders listed concurrently."""
    found: list[ArtifactInfo] = []
    level: list[str | None] = [None]
    while level:
        listings = pool.map(
            lambda folder: calls.call(operation, repo.list_artifacts, folder), level
        )
        level = []
        for listing in listings:
            for fi in listing:
                found.append(ArtifactInfo(path=fi.path, is_dir=bool(fi.is_dir), size=fi.file_size))
                if fi.is_dir:
                    level.append(fi.path)
    return tuple(sorted(found, key=lambda a: a.path))


def walk_serially(calls: Calls, repo: Any, *, operation: str) -> tuple[ArtifactInfo, ...]:
    """As :func:`walk`, in the calling thread (for use inside a pool task)."""
    found: list[ArtifactInfo] = []
    pending: list[str | None] = [None]
    while pending:
        for fi in calls.call(operation, repo.list_artifacts, pending.pop(0)):
            found.append(ArtifactInfo(path=fi.path, is_dir=bool(fi.is_dir), size=fi.file_size))
            if fi.is_dir:
                pending.append(fi.path)
    return tuple(sorted(found, key=lambda a: a.path))


def model_folders(listing: Iterable[ArtifactInfo]) -> tuple[str, ...]:
    """Folders of the listing that hold a model (an ``MLmodel`` file), '' for the root."""
    return tuple(
        sorted(
            posixpath.dirname(a.path)
            for a in listing
            if not a.is_dir and posixpath.basename(a.path) == MLMODEL
        )
    )


def table_format(path: str) -> TableFormat | None:
    return _TABLE_FORMATS.get(posixpath.splitext(path)[1].lower())


def tables_in(listing: Iterable[ArtifactInfo]) -> list[ArtifactInfo]:
    """The files of the listing that are evaluation tables (not inside a model folder)."""
    entries = list(listing)
    models = [f for f in model_folders(entries) if f]
    return [
        a
        for a in entries
        if not a.is_dir
        and table_format(a.path) is not None
        and not any(a.path.startswith(folder + "/") for folder in models)
    ]


def fetch_bytes(calls: Calls, repo: Any, path: str, *, operation: str) -> bytes:
    """The bytes of one artifact file, fetched into a temporary folder that is then removed."""
    with tempfile.TemporaryDirectory(prefix="riskcards-") as tmp:
        local = Path(tmp) / (posixpath.basename(path) or "artifact")
        # `_download_file` is the one hook every MLflow artifact repository implements;
        # `download_artifacts` would first list the path to see if it is a folder (2 requests)
        download: Callable[..., Any] | None = getattr(repo, "_download_file", None)
        if download is not None:
            calls.call(operation, download, remote_file_path=path, local_path=str(local))
        else:  # pragma: no cover - every MLflow repository has _download_file
            local = Path(calls.call(operation, repo.download_artifacts, path, dst_path=tmp))
        return local.read_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_table(
    calls: Calls, repo: Any, entry: ArtifactInfo, *, max_bytes: int, operation: str
) -> TableArtifact:
    """One evaluation table: fetched, hashed and loaded, or recorded as not loaded and why."""
    fmt = table_format(entry.path)
    assert fmt is not None
    if entry.size is not None and entry.size > max_bytes:
        return TableArtifact(
            path=entry.path,
            format=fmt,
            status="too_large",
            size=entry.size,
            detail=_too_large(entry.size, max_bytes),
        )
    if fmt == "parquet" and not _has_pyarrow():
        return TableArtifact(
            path=entry.path,
            format=fmt,
            status="unsupported",
            size=entry.size,
            detail="pyarrow is not installed: parquet tables are not read",
        )
    data = fetch_bytes(calls, repo, entry.path, operation=operation)
    digest, size = sha256(data), len(data)
    if size > max_bytes:  # the listing did not give the size, or it changed
        return TableArtifact(
            path=entry.path,
            format=fmt,
            status="too_large",
            size=size,
            sha256=digest,
            detail=_too_large(size, max_bytes),
        )
    content, problem, read = _as_text(data, fmt)
    if problem:
        return TableArtifact(
            path=entry.path,
            format=fmt,
            status="unreadable",
            size=size,
            sha256=digest,
            detail=problem,
        )
    return TableArtifact(
        path=entry.path, format=fmt, status="loaded", size=size, sha256=digest, content=content
    ).remembering(read)


def _too_large(size: int, cap: int) -> str:
    return f"{_megabytes(size)} is over the {_megabytes(cap)} cap: not loaded"


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MiB" if n >= 104_858 else f"{n:,} bytes"


def _as_text(data: bytes, fmt: TableFormat) -> tuple[str | None, str | None, object]:
    """(content, None, what a JSON table was read into) or (None, why it cannot be read, None).

    A JSON table is read once, here (:func:`riskcards.tabular.read_json_table`); analysis
    takes the columns from the artifact instead of parsing the text again."""
    if fmt == "parquet":
        try:
            return _parquet_as_json(data), None, None
        except Exception as exc:  # pyarrow raises many types for a damaged file
            return None, f"not a readable parquet file ({type(exc).__name__})", None
    try:
        text = data.decode("utf-8")  # exactly: content.encode() gives the bytes hashed
    except UnicodeDecodeError:
        return None, "not UTF-8 text", None
    if fmt == "csv":
        return text, None, None
    read = read_json_table(text, data)
    if isinstance(read, Rejected) and read.unreadable:
        return None, read.unreadable, None
    return text, None, read


def _has_pyarrow() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def _parquet_as_json(data: bytes) -> str:
    """A parquet file as the JSON ``mlflow.log_table`` writes: {"columns": [...], "data": [...]}."""
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    columns = [c.to_pylist() for c in table.columns]
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    return json.dumps(
        {"columns": table.column_names, "data": rows}, default=str, ensure_ascii=False
    )


def parse_mlmodel(text: str) -> tuple[tuple[str, ...], ModelSignature | None]:
    """(flavors, signature) from the text of an MLmodel file (YAML); nothing from one that
    cannot be read or is nested deeper than the parser can follow."""
    try:
        spec = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return (), None
    if not isinstance(spec, dict):
        return (), None
    flavors = spec.get("flavors")
    names = tuple(sorted(str(f) for f in flavors)) if isinstance(flavors, dict) else ()
    sig = spec.get("signature")
    if not isinstance(sig, dict):
        return names, None

    def part(key: str) -> str | None:
        value = sig.get(key)
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, sort_keys=True)

    return names, ModelSignature(
        inputs=part("inputs"), outputs=part("outputs"), params=part("params")
    )
