"""Check a bundle against its manifest, its signature and a re-made copy (layer: record).

:func:`rehash` finds missing, changed and unlisted files; :func:`signature_problems` checks
``attestation.intoto.json``; :func:`compare` lists, file by file, where a re-made bundle
differs from the one on disk, naming the first differing section (a JSON path, the heading
of an HTML or Markdown section, a PDF object).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from riskcards.bundle import verify_bundle
from riskcards.errors import ConfigError
from riskcards.models.bundle import Manifest
from riskcards.models.record import INPUTS_DIR
from riskcards.record.inputs import bundle_path
from riskcards.record.sign import (
    ATTESTATION,
    check_signature,
    find_public_key,
    public_key,
    read_envelope,
)

MANIFEST = "manifest.json"
DIFF_KIND = "diff"  # files made against a previous bundle: hash-checked, not re-made


def read_manifest(bundle: Path) -> tuple[Manifest | None, list[str]]:
    """The manifest, or None with the problem; a folder without one is a usage error."""
    path = bundle / MANIFEST
    if not bundle.is_dir() or not path.is_file():
        raise ConfigError(f"{bundle} is not a riskcards bundle (no {MANIFEST})")
    try:
        return Manifest.model_validate_json(path.read_bytes()), []
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        return None, [f"{MANIFEST}: not a valid manifest ({first})"]


def rehash(bundle: Path) -> list[str]:
    """Every listed file that is missing or differs from its hash, and every unlisted file
    (but the signature, which signs the manifest and so cannot be listed in it)."""
    return verify_bundle(bundle)


def signature_problems(bundle: Path, key: Path | None) -> tuple[list[str], str]:
    """(problems, a line saying what was checked) for the bundle's signature."""
    path = bundle / ATTESTATION
    if not path.is_file():
        return (
            [f"{ATTESTATION}: missing; --key was given but the bundle is not signed"] if key else []
        ), "not signed"
    try:
        statement, payload, signatures = read_envelope(path.read_bytes())
    except ConfigError as exc:
        return [f"{ATTESTATION}: {exc}"], "signature unreadable"
    ids = [s["keyid"] for s in signatures]
    if key is None:
        return [], f"signed by key {', '.join(ids)}: not checked (give --key)"
    found = find_public_key(key, ids)
    if not check_signature(payload, signatures, public_key(found)):
        return [f"{ATTESTATION}: the signature does not verify with {found}"], "signature invalid"
    problems = []
    subjects = {s["name"]: s["digest"]["sha256"] for s in statement.get("subject", [])}
    on_disk = {
        p.relative_to(bundle).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(bundle.rglob("*"))
        if p.is_file() and p.name != ATTESTATION
    }
    for name in sorted(set(subjects) | set(on_disk)):
        if name not in on_disk:
            problems.append(f"{name}: signed but missing")
        elif name not in subjects:
            problems.append(f"{name}: not covered by the signature")
        elif subjects[name] != on_disk[name]:
            problems.append(f"{name}: sha256 differs from the signed statement")
    return problems, f"signature verified with {found}"


def portable(manifest: bytes) -> bytes:
    """The manifest with each input from outside the project named by its place in the
    bundle: such a file is named by the path it was read from, which a re-make elsewhere
    cannot repeat (its bytes are still compared, by hash)."""
    try:
        data = json.loads(manifest)
        for item in data["inputs"]:
            where = bundle_path(item["name"], item["sha256"])
            if where.startswith(f"{INPUTS_DIR}/external/"):
                item["name"] = where
    except (ValueError, KeyError, TypeError):
        return manifest
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def compare(bundle: Path, remade: Mapping[str, bytes]) -> list[str]:
    """Where the re-made files differ from the bundle's, file by file."""
    problems = []
    for path, content in sorted(remade.items()):
        disk = bundle / path
        if not disk.is_file():
            problems.append(f"{path}: re-made from the inputs but missing from the bundle")
            continue
        old = disk.read_bytes()
        if path == MANIFEST:
            old, content = portable(old), portable(content)
        if old != content:
            problems.append(
                f"{path}: differs from the re-made file at {section(path, old, content)}"
            )
    return problems


def section(path: str, old: bytes, new: bytes) -> str:
    """The first differing section of two versions of a file, in words."""
    at = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    if path.endswith(".json"):
        where = _json_path(old, new)
        if where is not None:
            return f"{where} (byte {at})"
    if path.endswith((".html", ".md", ".xml")):
        body = old.find(b"<body")
        if path.endswith(".html") and 0 <= at < body:
            return f'section "document head: styles and metadata" (byte {at})'
        heading = _heading(old[:at].decode("utf-8", "replace"))
        return f'section "{heading}" (byte {at})' if heading else f"byte {at}"
    if path.endswith(".pdf"):
        objects = re.findall(rb"(\d+) 0 obj", old[:at])
        return f"PDF object {objects[-1].decode()} (byte {at})" if objects else f"byte {at}"
    return f"byte {at}"


_HEADING = re.compile(r"<h[1-4][^>]*>(.*?)</h[1-4]>|^#{1,4} ([^\n]+)$", re.S | re.M)


def _heading(text: str) -> str:
    found = _HEADING.findall(text)
    if not found:
        return ""
    html, md = found[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", html or md).split())[:80]


def _json_path(old: bytes, new: bytes) -> str | None:
    try:
        a, b = json.loads(old), json.loads(new)
    except ValueError:
        return None
    return _first_difference(a, b, "$")


def _first_difference(a: Any, b: Any, at: str) -> str | None:
    if type(a) is not type(b):
        return at
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{at}.{k}"
            found = _first_difference(a[k], b[k], f"{at}.{k}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = _first_difference(x, y, f"{at}[{i}]")
            if found:
                return found
        return f"{at}[{min(len(a), len(b))}]" if len(a) != len(b) else None
    return None if a == b else at
