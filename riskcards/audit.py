"""The auditor's and the release manager's entry points (layer: audit, above api).

    verify(bundle, key)                 re-hash, check the signature, re-make and compare
    diff_bundles(old, new)              what changed between two releases
    generate_keys(folder)               an Ed25519 key pair for ``release --sign``
    promote(uri, alias, ...)            move an alias only to a version whose verified
                                        bundle passed the gate

They build on :mod:`riskcards.api` (a bundle is re-made by the same ``make_bundle`` a release
uses) and on the pure pieces in :mod:`riskcards.record`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from riskcards import __version__
from riskcards.api import LoadOptions, Made, ReleaseOptions, load_inputs, make_bundle
from riskcards.bundle import manifest_bytes
from riskcards.collect.targets import parse_target
from riskcards.errors import UsageError, UserError
from riskcards.models.bundle import BundleFile, Manifest
from riskcards.record.diff import DIFF_KIND, as_json, diff, html, markdown, read_bundle
from riskcards.record.gate import AS_OF_TAG, GATE_TAG, SHA_TAG
from riskcards.record.inputs import built_in_changes, read_record
from riskcards.record.sign import generate_keys
from riskcards.record.verify import MANIFEST, compare, read_manifest, rehash, signature_problems
from riskcards.render.paths import EVIDENCE

__all__ = ["generate_keys"]


@dataclass(frozen=True)
class Verification:
    problems: tuple[str, ...]
    signature: str
    remade: int  # files re-made from the bundle's inputs and compared byte for byte

    @property
    def verified(self) -> bool:
        return not self.problems


def verify(bundle: Path, key: Path | None = None) -> Verification:
    """Re-hash ``bundle``, check its signature, re-make it from its own inputs and compare."""
    manifest, problems = read_manifest(bundle)
    if manifest is not None:
        problems += rehash(bundle)
    signed, signature = signature_problems(bundle, key)
    try:
        made = remake(bundle, manifest)
    except UserError as exc:
        return Verification((*problems, *signed, f"cannot re-make the bundle: {exc}"), signature, 0)
    remade = {f.path: f.content for f in made.files} | {MANIFEST: manifest_bytes(made.manifest)}
    problems += compare(bundle, remade)
    problems += built_in_changes(manifest.inputs if manifest else (), made.assessed.inputs.files)
    made_by = manifest.riskcards_version if manifest else __version__
    if problems and made_by != __version__:
        problems.append(
            f"note: the bundle was made by riskcards {made_by}, this is {__version__}; "
            "re-rendering with another version may itself change bytes"
        )
    return Verification((*problems, *signed), signature, len(remade))


def remake(bundle: Path, manifest: Manifest | None = None) -> Made:
    """The bundle made again from its ``inputs/`` and ``evidence.json`` alone."""
    record = read_record(bundle)
    inputs = load_inputs(
        LoadOptions(
            config=bundle / record.config if record.config else None,
            mapping=bundle / record.mapping if record.mapping else None,
            frameworks=record.frameworks or (),
            frameworks_dirs=tuple(bundle / d for d in record.frameworks_dirs),
            templates=bundle / record.templates if record.templates else None,
        )
    )
    options = ReleaseOptions(
        evidence_file=bundle / EVIDENCE,
        as_of=record.as_of,
        strict=record.strict,
        formats=record.formats,
    )
    made = make_bundle(inputs, None, options)
    if manifest is None:
        manifest, _ = read_manifest(bundle)
    # files made against a previous bundle cannot be re-made without it: hash-checked only
    kept = [
        BundleFile(f.path, f.kind, f.format, (bundle / f.path).read_bytes())
        for f in (manifest.files if manifest else ())
        if f.kind == DIFF_KIND and (bundle / f.path).is_file()
    ]
    return made.adding(kept) if kept else made


def diff_bundles(
    old: str | Path,
    new: str | Path,
    load: LoadOptions | None = None,
    options: ReleaseOptions | None = None,
) -> dict[str, Any]:
    """``riskcards diff``: what changed from ``old`` to ``new``, each a bundle folder or a
    target (assessed now against the project in ``load``, nothing written)."""
    return diff(_side(old, load, options), _side(new, load, options))


def _side(
    side: str | Path, load: LoadOptions | None, options: ReleaseOptions | None
) -> dict[str, bytes]:
    if Path(side).is_dir():
        read_manifest(Path(side))
        return read_bundle(Path(side))
    inputs = load_inputs(load or LoadOptions())
    chosen = replace(options or ReleaseOptions(), formats=("json",))
    made = make_bundle(inputs, str(side), chosen)
    return {f.path: f.content for f in made.files} | {MANIFEST: manifest_bytes(made.manifest)}


def diff_text(found: dict[str, Any], fmt: str) -> str:
    """The diff as ``md``, ``json`` or ``html``."""
    return {"md": markdown, "json": as_json, "html": html}[fmt](found)


@dataclass(frozen=True)
class Promotion:
    moved: bool
    reasons: tuple[str, ...]
    checked: str  # what was verified, in words


def promote(
    uri: str, alias: str, tracking_uri: str | None, key: Path | None, bundle: Path | None
) -> Promotion:
    """Move ``alias`` to the version ``uri`` names only when a verified bundle for exactly that
    version passed the gate (signed with ``key``'s pair when given)."""
    from riskcards.collect.mlflow import publish

    spec = parse_target(uri)
    if spec.kind != "model_version" or not spec.name or not spec.version:
        raise UsageError(f"promote needs models:/<name>/<version>, not {uri!r}")
    if not tracking_uri:
        raise UsageError("give --tracking-uri (or MLFLOW_TRACKING_URI)")
    run_id, tags = publish.version_info(tracking_uri, spec.name, spec.version)
    if bundle is None and AS_OF_TAG not in tags:
        return Promotion(
            False, (f"{uri} has no riskcards release logged (no {AS_OF_TAG} tag)",), ""
        )
    with tempfile.TemporaryDirectory(prefix="riskcards-promote-") as tmp:
        folder = bundle or publish.fetch_release(tracking_uri, run_id, tags[AS_OF_TAG], Path(tmp))
        reasons, checked = _promotion_problems(folder, spec.name, spec.version, tags, key)
    if reasons:
        return Promotion(False, tuple(reasons), checked)
    publish.set_alias(tracking_uri, spec.name, alias, spec.version)
    return Promotion(True, (), checked)


def _promotion_problems(
    folder: Path, name: str, version: str, tags: dict[str, str], key: Path | None
) -> tuple[list[str], str]:
    verified = verify(folder, key)
    reasons = list(verified.problems)
    if key is not None and not (folder / "attestation.intoto.json").is_file():
        reasons.append("the bundle is not signed, and --key asks for a signed one")
    target = (
        json.loads((folder / EVIDENCE).read_bytes()) if (folder / EVIDENCE).is_file() else {}
    ).get("target", {})
    if (target.get("model_name"), target.get("model_version")) != (name, version):
        reasons.append(
            f"the bundle is for {target.get('model_name')} v{target.get('model_version')}, "
            f"not {name} v{version}"
        )
    blocking = _blocking(folder)
    if blocking:
        reasons.append(
            f"the gate failed: {len(blocking)} blocking control(s): " + ", ".join(blocking[:5])
        )
    digest = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
    if SHA_TAG in tags and tags[SHA_TAG] != digest:
        reasons.append(
            f"the bundle's manifest sha256 {digest[:12]} differs from the version's "
            f"{SHA_TAG} tag {tags[SHA_TAG][:12]}"
        )
    if tags.get(GATE_TAG, "pass") != "pass":
        reasons.append(f"the version's {GATE_TAG} tag is {tags[GATE_TAG]!r}")
    checked = f"{verified.remade} file(s) re-made and compared; {verified.signature}"
    return reasons, checked


def _blocking(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("gap-report-*.json")):
        report = json.loads(path.read_bytes())
        found += [
            f"{c['catalogue_id']} {c['control_id']}"
            for c in report.get("controls", [])
            if c.get("blocking")
        ]
    return found
