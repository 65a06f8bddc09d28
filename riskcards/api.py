"""The library entry points the CLI calls (layer: api). One call, one job.

    release(options, out)   load -> collect (or read a snapshot) -> assess -> render -> bundle
    check(options)          load -> collect -> assess: the CI gate, no documents
    collect_evidence(...)   collect only: the evidence snapshot as JSON
    demo(out, options)      log the demo model to a fresh local store, then release it

Options come from the command line, then the project file (``riskcards.yaml``), then the
defaults; everything is validated before any evidence is read or anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from riskcards.analyse import Analysis, analyse
from riskcards.assess import assess
from riskcards.bundle import (
    build_manifest,
    check_destination,
    sha256_bytes,
    write_bundle,
    write_file_atomically,
)
from riskcards.catalogues import (
    Library,
    Loaded,
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
from riskcards.models.project import Decisions, Sidecars
from riskcards.project import (
    Project,
    find_project,
    project_decisions,
    project_sidecars,
    read_project,
)
from riskcards.render.junit import junit_xml
from riskcards.render.release import EVIDENCE, MODEL_CARD, render_release
from riskcards.targets import parse_target
from riskcards.yamlio import did_you_mean, format_path

__all__ = ["crosswalk_coverage", "find_control", "validate_files"]  # re-exported for the CLI


def frameworks_library(extra_dirs: Sequence[Path] = ()) -> Library:
    """Every catalogue and crosswalk: built in, plus the organisation's folders."""
    return load_library(extra_dirs)


def frameworks_dirs(config: Path | None, extra: Sequence[Path] = ()) -> tuple[Path, ...]:
    """The organisation folders named by the project file, then those given explicitly."""
    return (*read_project(find_project(config)).frameworks_dirs, *extra)


def catalogue(library: Library, catalogue_id: str) -> Catalogue:
    """One catalogue of the library, or a usage error with near matches."""
    if catalogue_id not in library.catalogues:
        raise UsageError(
            f"unknown framework {catalogue_id!r}" + did_you_mean(catalogue_id, library.catalogues)
        )
    return library.catalogues[catalogue_id]


@dataclass(frozen=True)
class Options:
    """What the user asked for; None means "from the project file, else the default"."""

    target: str | None = None
    tracking_uri: str | None = None
    evidence_file: Path | None = None
    as_of: datetime | None = None
    mapping: Path | None = None
    frameworks: tuple[str, ...] = ()
    frameworks_dirs: tuple[Path, ...] = ()
    templates: Path | None = None
    pdf: bool | None = None
    config: Path | None = None
    strict: bool = False
    deadline_seconds: float = 60.0
    history: bool = False
    fetch_tables: bool = True
    max_table_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class Prepared:
    """Every static input, validated, and the options resolved against the project file."""

    options: Options
    project: Project
    loaded: Loaded
    decisions: Decisions
    sidecars: Sidecars
    inputs: tuple[InputFile, ...]
    frameworks: tuple[str, ...] | None


@dataclass(frozen=True)
class Assessed:
    prepared: Prepared
    evidence: EvidenceSnapshot
    analysis: Analysis
    assessment: Assessment


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
        issues = [
            Issue(str(path), None, None, format_path(e["loc"]), e["msg"]) for e in exc.errors()
        ]
        raise ConfigError(f"{path} is not a valid riskcards evidence snapshot", issues) from None


def _as_of(explicit: datetime | None, snapshot_time: datetime | None) -> datetime:
    when = explicit or snapshot_time or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0)


def prepare(options: Options) -> Prepared:
    """Resolve options against the project file and validate every static input."""
    project = read_project(find_project(options.config))
    cfg = project.config
    options = replace(
        options,
        target=options.target or (cfg.target if options.evidence_file is None else None),
        tracking_uri=options.tracking_uri or cfg.tracking_uri,
        mapping=options.mapping or project.resolve(cfg.mapping),
        frameworks=options.frameworks or tuple(cfg.frameworks or ()),
        frameworks_dirs=(*project.frameworks_dirs, *options.frameworks_dirs),
        templates=options.templates or project.resolve(cfg.templates),
        pdf=cfg.outputs.pdf if options.pdf is None else options.pdf,
    )
    if options.evidence_file is None:
        if not options.target:
            raise UsageError(
                "give a TARGET (runs:/..., models:/...), a target in riskcards.yaml, "
                "or --evidence FILE"
            )
        parse_target(options.target)  # a malformed target is reported before anything else is read
    loaded = load_inputs(mapping_path=options.mapping, extra_dirs=options.frameworks_dirs)
    for fw in options.frameworks:
        if fw not in loaded.catalogues:
            raise UsageError(
                f"unknown framework {fw!r}"
                + did_you_mean(fw, loaded.catalogues)
                + f" (known: {', '.join(sorted(loaded.catalogues))})"
            )
    decisions, project_inputs = project_decisions(project, loaded.catalogues, loaded.mapping)
    sidecars, sidecar_inputs = project_sidecars(project)
    return Prepared(
        options=options,
        project=project,
        loaded=loaded,
        decisions=decisions,
        sidecars=sidecars,
        inputs=(*loaded.inputs, *project_inputs, *sidecar_inputs),
        frameworks=options.frameworks or None,
    )


def _evidence(options: Options) -> tuple[EvidenceSnapshot, datetime]:
    if options.evidence_file is not None:
        evidence = load_snapshot(options.evidence_file)
        if options.target and options.target.strip() != evidence.target.uri:
            raise UsageError(
                f"target {options.target!r} differs from the snapshot's {evidence.target.uri!r}"
            )
        return evidence, _as_of(options.as_of, evidence.provenance.collected_at)
    assert options.target is not None
    from riskcards.sources.mlflow_source import collect, resolve_tracking_uri

    evidence = collect(
        options.target,
        resolve_tracking_uri(options.tracking_uri),
        history=options.history,
        fetch_tables=options.fetch_tables,
        max_table_bytes=options.max_table_bytes,
        deadline_seconds=options.deadline_seconds,
    )
    return evidence, _as_of(options.as_of, None)


def assess_release(options: Options) -> Assessed:
    """Load and validate, collect (or read the snapshot), assess: no output written."""
    prepared = prepare(options)
    evidence, when = _evidence(prepared.options)
    analysis = analyse(evidence, prepared.project.config.analytics)
    loaded = prepared.loaded
    assessment = assess(
        evidence,
        loaded.catalogues,
        loaded.mapping,
        as_of=when,
        frameworks=prepared.frameworks,
        crosswalks=loaded.crosswalks,
        decisions=prepared.decisions,
        strict=prepared.options.strict,
        measures=analysis.measures,
    )
    return Assessed(prepared=prepared, evidence=evidence, analysis=analysis, assessment=assessment)


def release(options: Options, out: Path) -> ReleaseResult:
    """Release a model version: every document, written atomically into ``out``."""
    check_destination(out)
    done = assess_release(options)
    prepared, evidence, assessment = done.prepared, done.evidence, done.assessment
    files = render_release(
        evidence,
        assessment,
        prepared.loaded.catalogues,
        pdf=bool(prepared.options.pdf),
        templates=prepared.options.templates,
        sidecars=prepared.sidecars,
        analysis=done.analysis,
    )
    evidence_bytes = next(f.content for f in files if f.path == EVIDENCE)
    manifest = build_manifest(
        files,
        target=evidence.target.uri,
        model=evidence.target.display,
        as_of=assessment.as_of,
        main=MODEL_CARD,
        inputs=(
            *prepared.inputs,
            InputFile(role="evidence", name=EVIDENCE, sha256=sha256_bytes(evidence_bytes)),
        ),
    )
    written = write_bundle(out, files, manifest)
    return ReleaseResult(
        out=written, main=written / MODEL_CARD, manifest=manifest, assessment=assessment
    )


@dataclass(frozen=True)
class CheckOutcome:
    assessment: Assessment
    target: str
    assessment_gate_severities: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return bool(self.assessment.blocking)


def check(options: Options, junit: Path | None = None) -> CheckOutcome:
    """The CI gate: the same assessment as a release, without documents."""
    done = assess_release(options)
    if junit is not None:
        try:
            junit.parent.mkdir(parents=True, exist_ok=True)
            junit.write_bytes(junit_xml(done.assessment, done.evidence.target.uri))
        except OSError as exc:
            raise UsageError(f"cannot write JUnit XML to {junit}: {exc.strerror}") from None
    return CheckOutcome(
        assessment=done.assessment,
        target=done.evidence.target.uri,
        assessment_gate_severities=done.prepared.decisions.gate.blocking_severities,
    )


@dataclass(frozen=True)
class DemoResult(ReleaseResult):
    tracking_uri: str = ""
    model_uri: str = ""
    notes: tuple[str, ...] = field(default=())


def demo(
    out: Path, options: Options = Options(), progress: Callable[[str], None] = lambda _m: None
) -> DemoResult:
    """Log the demo model into a fresh store under ``out``, then release it into out/bundle.

    The demo also writes a project file and attestations under ``out`` (unless ``--config``
    is given), so the release shows attestations, a waiver and a not-applicable declaration.
    """
    from riskcards.demo import log_demo, write_demo_project

    check_destination(out / "bundle")
    progress(f"training and logging the demo model into {out / 'mlflow'} ...")
    logged = log_demo(out)
    config = options.config or write_demo_project(out, logged)
    model_uri = f"models:/{logged.model_name}@{logged.alias}"
    progress(f"releasing {model_uri} ...")
    result = release(
        replace(options, target=model_uri, tracking_uri=logged.tracking_uri, config=config),
        out / "bundle",
    )
    return DemoResult(
        out=result.out,
        main=result.main,
        manifest=result.manifest,
        assessment=result.assessment,
        tracking_uri=logged.tracking_uri,
        model_uri=model_uri,
    )


def collect_evidence(
    target: str | None,
    tracking_uri: str | None,
    out: Path,
    config: Path | None = None,
    options: Options | None = None,
) -> EvidenceSnapshot:
    """Collect the evidence snapshot for a target and write it as JSON (atomically)."""
    project = read_project(find_project(config))
    target = target or project.config.target
    if not target:
        raise UsageError("give a TARGET (runs:/..., models:/...) or a target in riskcards.yaml")
    parse_target(target)
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as evidence.json")
    options = replace(
        options or Options(),
        target=target,
        tracking_uri=tracking_uri or project.config.tracking_uri,
    )
    snapshot, _ = _evidence(options)
    write_file_atomically(out, (snapshot.model_dump_json(indent=2) + "\n").encode())
    return snapshot
