"""The library entry points the CLI calls (layer: api). One call, one job.

    release(...)  load -> collect (or read a snapshot) -> assess -> render -> bundle
    demo(...)     log the demo model to a fresh local store, then release it
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from riskcards.assess import assess
from riskcards.bundle import build_manifest, check_destination, sha256_bytes, write_bundle
from riskcards.catalogues import (
    Library,
    crosswalk_coverage,
    find_control,
    load_inputs,
    load_library,
    validate_files,
)
from riskcards.errors import ConfigError, Issue, UsageError
from riskcards.models.assessment import Assessment
from riskcards.models.bundle import InputFile, Manifest
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.render.release import EVIDENCE, MODEL_CARD, render_release
from riskcards.targets import parse_target
from riskcards.yamlio import did_you_mean, format_path


__all__ = ["crosswalk_coverage", "find_control", "validate_files"]  # re-exported for the CLI


def frameworks_library(extra_dirs: Sequence[Path] = ()) -> Library:
    """Every catalogue and crosswalk: built in, plus the organisation's folders."""
    return load_library(extra_dirs)


def catalogue(library: Library, catalogue_id: str) -> Catalogue:
    """One catalogue of the library, or a usage error with near matches."""
    if catalogue_id not in library.catalogues:
        raise UsageError(f"unknown framework {catalogue_id!r}" + did_you_mean(catalogue_id, library.catalogues))
    return library.catalogues[catalogue_id]


@dataclass(frozen=True)
class ReleaseResult:
    out: Path
    main: Path
    manifest: Manifest
    assessment: Assessment


def load_snapshot(path: Path) -> EvidenceSnapshot:
    """Read an evidence snapshot written by riskcards (``evidence.json``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read evidence snapshot {path}: {exc.strerror}") from None
    try:
        return EvidenceSnapshot.model_validate_json(data)
    except ValidationError as exc:
        issues = [Issue(str(path), None, None, format_path(e["loc"]), e["msg"]) for e in exc.errors()]
        raise ConfigError(f"{path} is not a valid riskcards evidence snapshot", issues) from None


def _as_of(explicit: datetime | None, snapshot_time: datetime | None) -> datetime:
    when = explicit or snapshot_time or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0)


def release(
    target: str | None,
    *,
    out: Path,
    tracking_uri: str | None = None,
    evidence_file: Path | None = None,
    as_of: datetime | None = None,
    mapping: Path | None = None,
    frameworks: Sequence[str] | None = None,
    pdf: bool = True,
    templates: Path | None = None,
    extra_dirs: Sequence[Path] = (),
) -> ReleaseResult:
    """Release a model version: every document, written atomically into ``out``."""
    check_destination(out)
    if evidence_file is None:
        if not target:
            raise UsageError("give a TARGET (runs:/..., models:/...) or --evidence FILE")
        parse_target(target)  # a malformed target is reported before anything else is read
    loaded = load_inputs(mapping_path=mapping, extra_dirs=extra_dirs)
    for fw in frameworks or ():
        if fw not in loaded.catalogues:
            raise UsageError(f"unknown framework {fw!r}" + did_you_mean(fw, loaded.catalogues)
                             + f" (known: {', '.join(sorted(loaded.catalogues))})")
    if evidence_file is not None:
        evidence = load_snapshot(evidence_file)
        if target and target.strip() != evidence.target.uri:
            raise UsageError(f"target {target!r} differs from the snapshot's {evidence.target.uri!r}")
        when = _as_of(as_of, evidence.provenance.collected_at)
    else:
        assert target is not None
        from riskcards.sources.mlflow_source import collect, resolve_tracking_uri

        evidence = collect(target, resolve_tracking_uri(tracking_uri))
        when = _as_of(as_of, None)
    assessment = assess(evidence, loaded.catalogues, loaded.mapping, as_of=when,
                        frameworks=tuple(frameworks) if frameworks else None)
    files = render_release(evidence, assessment, loaded.catalogues, pdf=pdf, templates=templates)
    evidence_bytes = next(f.content for f in files if f.path == EVIDENCE)
    manifest = build_manifest(
        files, target=evidence.target.uri, model=evidence.target.display, as_of=when, main=MODEL_CARD,
        inputs=(*loaded.inputs,
                InputFile(role="evidence", name=EVIDENCE, sha256=sha256_bytes(evidence_bytes))),
    )
    written = write_bundle(out, files, manifest)
    return ReleaseResult(out=written, main=written / MODEL_CARD, manifest=manifest,
                         assessment=assessment)


@dataclass(frozen=True)
class DemoResult(ReleaseResult):
    tracking_uri: str = ""
    model_uri: str = ""


def demo(
    out: Path,
    *,
    as_of: datetime | None = None,
    mapping: Path | None = None,
    frameworks: Sequence[str] | None = None,
    pdf: bool = True,
    templates: Path | None = None,
    extra_dirs: Sequence[Path] = (),
    progress: Callable[[str], None] = lambda _msg: None,
) -> DemoResult:
    """Log the demo model into a fresh store under ``out``, then release it into out/bundle."""
    from riskcards.demo import log_demo

    progress(f"training and logging the demo model into {out / 'mlflow'} ...")
    logged = log_demo(out)
    model_uri = f"models:/{logged.model_name}@{logged.alias}"
    progress(f"releasing {model_uri} ...")
    result = release(model_uri, out=out / "bundle", tracking_uri=logged.tracking_uri, as_of=as_of,
                     mapping=mapping, frameworks=frameworks, pdf=pdf, templates=templates,
                     extra_dirs=extra_dirs)
    return DemoResult(out=result.out, main=result.main, manifest=result.manifest,
                      assessment=result.assessment, tracking_uri=logged.tracking_uri,
                      model_uri=model_uri)
