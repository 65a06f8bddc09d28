"""The library entry points (layer: api). One call, one job; the CLI is a thin shell over them.

    inputs = load_inputs(LoadOptions(config=...))  the target-independent inputs, read once
    release(inputs, out, target, options)          collect, analyse, assess, render, bundle
    check(inputs, target, options, junit)          collect, analyse, assess: the CI gate
    collect_evidence(config, target, out, options) collect only: the snapshot as JSON
    demo(out, load, options)                       log the demo model, then release it

Any number of targets can be released against one :class:`~riskcards.load.Inputs` (a fleet
reads its catalogues once). Options come from the call, then the project file
(``riskcards.yaml``), then the defaults; everything is validated before any evidence is read,
and nothing is written before everything has been rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from riskcards.analyse import analyse
from riskcards.analyse.genai import mask_genai
from riskcards.assess import assess, checks_for_control, describe_check
from riskcards.bundle import (
    build_manifest,
    check_destination,
    manifest_bytes,
    sha256_bytes,
    write_bundle,
    write_file_atomically,
)
from riskcards.collect import CollectOptions, Source, TargetSpec, resolve
from riskcards.collect import collect as collect_target
from riskcards.collect.snapshot import snapshot_target
from riskcards.errors import ConfigError, UsageError
from riskcards.load import Inputs, load_project
from riskcards.load import load_inputs as _load_inputs
from riskcards.load.catalogues import (
    Library,
    default_mapping_path,
    find_control,
    load_library,
    load_mapping,
    validate_files,
)
from riskcards.load.crosswalks import crosswalk_coverage
from riskcards.load.project import Project
from riskcards.load.safe_yaml import did_you_mean
from riskcards.models.analysis import Analysis
from riskcards.models.assessment import Assessment
from riskcards.models.bundle import BundleFile, InputFile, Manifest
from riskcards.models.catalogue import Catalogue
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import Check
from riskcards.record.diff import diff, diff_files, read_bundle
from riskcards.record.gate import gate_tags
from riskcards.record.inputs import embed_inputs
from riskcards.record.sign import ATTESTATION, bundle_attestation
from riskcards.record.verify import MANIFEST, read_manifest
from riskcards.render import EVIDENCE, default_formats, main_document, render
from riskcards.render.formats import formats, selected
from riskcards.render.junit import junit_xml

__all__ = [  # re-exported for the CLI
    "crosswalk_coverage",
    "find_control",
    "validate_files",
]


@dataclass(frozen=True)
class LoadOptions:
    """Where the target-independent inputs are; None means "from the project file"."""

    config: Path | None = None
    mapping: Path | None = None
    frameworks: tuple[str, ...] = ()
    frameworks_dirs: tuple[Path, ...] = ()
    templates: Path | None = None


@dataclass(frozen=True)
class ReleaseOptions:
    """How to release one target: where its evidence is, as of when, and what to write."""

    tracking_uri: str | None = None
    evidence_file: Path | None = None
    as_of: datetime | None = None
    strict: bool = False
    formats: tuple[str, ...] = ()
    pdf: bool | None = None
    deadline_seconds: float = 60.0
    history: bool = False
    fetch_tables: bool = True
    max_table_bytes: int = 5 * 1024 * 1024
    link_base: str | None = None
    ticket_format: str = "md"
    previous: Path | None = None  # a previous bundle: embed the diff against it
    sign: Path | None = None  # an Ed25519 private key: write attestation.intoto.json
    log_to_mlflow: bool = False  # log the bundle to the source run, tag the model version


@dataclass(frozen=True)
class Assessed:
    """One target assessed against the inputs: what a release renders and a check reports."""

    inputs: Inputs
    evidence: EvidenceSnapshot
    analysis: Analysis
    assessment: Assessment


@dataclass(frozen=True)
class ReleaseResult:
    out: Path
    main: Path
    manifest: Manifest
    assessment: Assessment


@dataclass(frozen=True)
class CheckOutcome:
    assessment: Assessment
    target: str
    assessment_gate_severities: tuple[str, ...] = ()

    @property
    def blocking(self) -> bool:
        return bool(self.assessment.blocking)


# --- inputs -------------------------------------------------------------------------------


def load_inputs(options: LoadOptions = LoadOptions()) -> Inputs:
    """Read and validate everything that does not depend on the target, once."""
    return _load_inputs(
        options.config,
        mapping=options.mapping,
        frameworks=options.frameworks,
        frameworks_dirs=options.frameworks_dirs,
        templates=options.templates,
    )


def frameworks_library(extra_dirs: Sequence[Path] = ()) -> Library:
    """Every catalogue and crosswalk: built in, plus the organisation's folders."""
    return load_library(extra_dirs)


def frameworks_dirs(config: Path | None, extra: Sequence[Path] = ()) -> tuple[Path, ...]:
    """The organisation folders named by the project file, then those given explicitly."""
    return (*load_project(config).frameworks_dirs, *extra)


def catalogue(library: Library, catalogue_id: str) -> Catalogue:
    """One catalogue of the library, or a usage error with near matches."""
    if catalogue_id not in library.catalogues:
        raise UsageError(
            f"unknown framework {catalogue_id!r}" + did_you_mean(catalogue_id, library.catalogues)
        )
    return library.catalogues[catalogue_id]


def control_checks(
    library: Library, catalogue_id: str, control_id: str, config: Path | None = None
) -> tuple[str, list[tuple[Check, str]]]:
    """The checks of the evidence mapping (the project file's, else the built-in one) that
    evidence a control, each with what it requires in words: (mapping id, checks)."""
    project = load_project(config)
    path = project.resolve(project.config.mapping) or default_mapping_path()
    mapping = load_mapping(path, library.catalogues)
    found = checks_for_control(mapping, catalogue_id, control_id)
    return mapping.id, [(c, describe_check(c)) for c in found]


# --- one target ---------------------------------------------------------------------------


def resolve_target(
    inputs: Inputs, target: str | None, options: ReleaseOptions
) -> tuple[Source, TargetSpec]:
    """The evidence source and the parsed target: the one place a target is parsed.

    ``--evidence FILE`` is the snapshot source (``evidence:FILE``); otherwise the explicit
    target, else the project file's.
    """
    if options.evidence_file is not None:
        return resolve(snapshot_target(options.evidence_file))
    return resolve(_target_uri(inputs.project, target, ", or --evidence FILE"))


def _target_uri(project: Project, target: str | None, alternatives: str = "") -> str:
    """The explicit target, else the project file's, else a usage error saying what to give."""
    uri = target or project.config.target
    if not uri:
        raise UsageError(
            f"give a TARGET (runs:/..., models:/...){',' if alternatives else ' or'} "
            f"a target in riskcards.yaml{alternatives}"
        )
    return uri


def _collect_options(project: Project, options: ReleaseOptions) -> CollectOptions:
    """How to collect: the options, with the project file's tracking URI as the default."""
    return CollectOptions(
        tracking_uri=options.tracking_uri or project.config.tracking_uri,
        history=options.history,
        fetch_tables=options.fetch_tables,
        max_table_bytes=options.max_table_bytes,
        deadline_seconds=options.deadline_seconds,
    )


def collect(
    inputs: Inputs, target: str | None = None, options: ReleaseOptions = ReleaseOptions()
) -> EvidenceSnapshot:
    """The evidence snapshot for a target, from the source its scheme names."""
    _, spec = resolve_target(inputs, target, options)
    evidence = collect_target(spec, _collect_options(inputs.project, options))
    if options.evidence_file is not None and target and target.strip() != evidence.target.uri:
        raise UsageError(f"target {target!r} differs from the snapshot's {evidence.target.uri!r}")
    # GenAI trace texts are PII-masked before anything is written or rendered
    return mask_genai(evidence).with_dataset_roles(dict(inputs.project.config.dataset_roles))


def as_of(explicit: datetime | None, evidence: EvidenceSnapshot) -> datetime:
    """The assessment time: the explicit one, else when the evidence was collected (UTC)."""
    when = explicit or evidence.provenance.collected_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0)


def assess_evidence(
    inputs: Inputs, evidence: EvidenceSnapshot, options: ReleaseOptions = ReleaseOptions()
) -> Assessed:
    """Analyse and assess one snapshot against the inputs (pure: no I/O)."""
    analysis = analyse(evidence, inputs.analytics)
    assessment = assess(
        evidence,
        inputs.catalogues,
        inputs.mapping,
        as_of=as_of(options.as_of, evidence),
        frameworks=inputs.frameworks,
        crosswalks=inputs.crosswalks,
        decisions=inputs.decisions,
        strict=options.strict,
        measures=analysis.measures,
    )
    return Assessed(inputs=inputs, evidence=evidence, analysis=analysis, assessment=assessment)


def assess_target(
    inputs: Inputs, target: str | None = None, options: ReleaseOptions = ReleaseOptions()
) -> Assessed:
    """Collect (or read the snapshot), analyse and assess: no output written."""
    return assess_evidence(inputs, collect(inputs, target, options), options)


def output_formats(inputs: Inputs, options: ReleaseOptions) -> tuple[str, ...]:
    """The formats to write: ``--format`` (repeatable), else the project file's
    ``outputs.formats``, else the default set. PDF is left out with ``--no-pdf``, or, when no
    ``--format`` is given, with the project's ``outputs: {pdf: false}``. An unknown name is
    an error (with its position in the project file) before any evidence is read."""
    outputs = inputs.project.config.outputs
    if options.formats:
        chosen, pdf = options.formats, options.pdf is not False
    else:
        _check_project_formats(inputs)
        chosen = outputs.formats or default_formats()
        pdf = outputs.pdf if options.pdf is None else options.pdf
    names = tuple(f for f in dict.fromkeys(chosen) if pdf or f != "pdf")
    selected(names)
    return names


def _check_project_formats(inputs: Inputs) -> None:
    project = inputs.project
    known = {f.name for f in formats()}
    unknown = [(i, f) for i, f in enumerate(project.config.outputs.formats) if f not in known]
    if unknown and project.doc is not None:
        issues = [
            project.doc.issue(
                ("outputs", "formats", i),
                f"unknown output format {f!r}" + did_you_mean(f, known) + f" (known: "
                f"{', '.join(sorted(known))})",
            )
            for i, f in unknown
        ]
        raise ConfigError(f"{len(issues)} problem(s) in the project", issues)


def release(
    inputs: Inputs,
    out: Path,
    target: str | None = None,
    options: ReleaseOptions = ReleaseOptions(),
) -> ReleaseResult:
    """Release one target: every document and its inputs, written atomically into ``out``;
    with the diff against ``options.previous``, signed with ``options.sign``, logged to
    MLflow with ``options.log_to_mlflow``."""
    check_destination(out)
    made = make_bundle(inputs, target, options)
    if options.previous is not None:
        made = made.adding(previous_diff(options.previous, made.files))
    signed = [sign_bundle(made, options.sign)] if options.sign else []
    written = write_bundle(out, [*made.files, *signed], made.manifest)
    result = ReleaseResult(
        out=written,
        main=written / made.manifest.main,
        manifest=made.manifest,
        assessment=made.assessment,
    )
    if options.log_to_mlflow:
        log_release(made.assessed.evidence, result, _collect_options(inputs.project, options))
    return result


@dataclass(frozen=True)
class Made:
    """A bundle made in memory: its files (inputs/ included) and manifest, not yet written."""

    assessed: Assessed
    files: tuple[BundleFile, ...]
    manifest: Manifest

    @property
    def assessment(self) -> Assessment:
        return self.assessed.assessment

    def adding(self, files: Sequence[BundleFile]) -> Made:
        return _made(self.assessed, (*self.files, *files))


def make_bundle(inputs: Inputs, target: str | None, options: ReleaseOptions) -> Made:
    """Collect, analyse, assess and render one target, with its inputs: nothing written."""
    output_formats(inputs, options)  # an unknown format fails before any evidence is read
    return bundle_of(inputs, assess_target(inputs, target, options), options)


def bundle_of(inputs: Inputs, done: Assessed, options: ReleaseOptions) -> Made:
    """Render one assessed target, with its inputs: nothing written (a fleet's step)."""
    formats = output_formats(inputs, options)
    files = render(
        done.evidence,
        done.assessment,
        inputs.catalogues,
        formats=formats,
        templates=inputs.templates,
        sidecars=inputs.sidecars,
        analysis=done.analysis,
        notice_days=inputs.decisions.gate.notice_days,
        link_base=options.link_base,
        ticket_format=options.ticket_format,
    )
    embedded = embed_inputs(
        inputs, as_of=done.assessment.as_of, strict=options.strict, formats=formats
    )
    return _made(done, (*files, *embedded))


def _made(done: Assessed, files: Sequence[BundleFile]) -> Made:
    evidence = done.evidence
    evidence_bytes = next(f.content for f in files if f.path == EVIDENCE)
    manifest = build_manifest(
        files,
        target=evidence.target.uri,
        model=evidence.target.display,
        as_of=done.assessment.as_of,
        main=main_document(files),
        inputs=(
            *done.inputs.files,
            InputFile(role="evidence", name=EVIDENCE, sha256=sha256_bytes(evidence_bytes)),
        ),
    )
    return Made(assessed=done, files=tuple(files), manifest=manifest)


def check(
    inputs: Inputs,
    target: str | None = None,
    options: ReleaseOptions = ReleaseOptions(),
    junit: Path | None = None,
) -> CheckOutcome:
    """The CI gate: the same assessment as a release, without documents."""
    done = assess_target(inputs, target, options)
    if junit is not None:
        try:
            junit.parent.mkdir(parents=True, exist_ok=True)
            junit.write_bytes(junit_xml(done.assessment, done.evidence.target.uri))
        except OSError as exc:
            raise UsageError(f"cannot write JUnit XML to {junit}: {exc.strerror}") from None
    return CheckOutcome(
        assessment=done.assessment,
        target=done.evidence.target.uri,
        assessment_gate_severities=inputs.decisions.gate.blocking_severities,
    )


def collect_evidence(
    config: Path | None, target: str | None, out: Path, options: ReleaseOptions
) -> EvidenceSnapshot:
    """Collect the evidence snapshot for a target and write it as JSON (atomically).

    Only the project file is read (for its target and tracking URI), not the catalogues.
    """
    project = load_project(config)
    _, spec = resolve(_target_uri(project, target))
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as evidence.json")
    snapshot = collect_target(spec, _collect_options(project, options))
    write_file_atomically(out, (snapshot.model_dump_json(indent=2) + "\n").encode())
    return snapshot


# --- the demo -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoResult(ReleaseResult):
    tracking_uri: str = ""
    model_uri: str = ""
    notes: tuple[str, ...] = field(default=())


def demo(
    out: Path,
    load: LoadOptions = LoadOptions(),
    options: ReleaseOptions = ReleaseOptions(),
    progress: Callable[[str], None] = lambda _m: None,
    *,
    genai: bool = False,
) -> DemoResult:
    """Log the demo model into a fresh store under ``out``, then release it into out/bundle.

    The demo also writes a project file and attestations under ``out`` (unless ``--config``
    is given), so the release shows attestations, a waiver and a not-applicable declaration.
    With ``genai``, the demo is a GenAI assistant evaluated with ``mlflow.genai.evaluate``.
    """
    check_destination(out / "bundle")
    from riskcards.demo.project import log_demo_project

    config, tracking_uri, model_uri = log_demo_project(out, load.config, progress, genai=genai)
    inputs = load_inputs(replace(load, config=config))
    progress(f"releasing {model_uri} ...")
    result = release(inputs, out / "bundle", model_uri, replace(options, tracking_uri=tracking_uri))
    return DemoResult(
        out=result.out,
        main=result.main,
        manifest=result.manifest,
        assessment=result.assessment,
        tracking_uri=tracking_uri,
        model_uri=model_uri,
    )


# --- the release record: verify, sign, diff, write-back, promote --------------------------


def previous_diff(previous: Path, files: Sequence[BundleFile]) -> list[BundleFile]:
    """``release --previous``: the diff against that bundle, as files of this one."""
    read_manifest(previous)
    return diff_files(diff(read_bundle(previous), {f.path: f.content for f in files}))


def sign_bundle(made: Made, key: Path) -> BundleFile:
    """``attestation.intoto.json``: the statement over every file, signed with ``key``."""
    run_id = made.assessed.evidence.target.run_id
    content = bundle_attestation(
        made.files, manifest_bytes(made.manifest), made.assessment, key, f"runs:/{run_id}"
    )
    return BundleFile(ATTESTATION, "attestation", "json", content)


def log_release(evidence: EvidenceSnapshot, result: ReleaseResult, collect: CollectOptions) -> str:
    """``release --log-to-mlflow``: the bundle to the source run, the verdict to the version."""
    from riskcards.collect.mlflow import publish

    target = evidence.target
    if not collect.tracking_uri or not target.run_id:
        raise UsageError("--log-to-mlflow needs an MLflow target and its tracking URI")
    digest = sha256_bytes((result.out / MANIFEST).read_bytes())
    version = (
        (target.model_name, target.model_version)
        if target.model_name and target.model_version
        else None
    )
    return publish.log_release(
        collect.tracking_uri,
        target.run_id,
        result.out,
        result.manifest.as_of.isoformat(),
        version,
        gate_tags(result.assessment, digest, result.manifest.as_of),
    )
