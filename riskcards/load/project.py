"""The project file ``riskcards.yaml``, the attestation folder and the sidecars (layer: load).

Read in two steps, because the project names the folders and mapping that the rest is
checked against: :func:`read_project` validates the file's structure; :func:`project_decisions`
then checks every framework, control and check it names (with ``file:line:col`` and "did you
mean"), and reads the attestations. Paths in the file are relative to the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from riskcards.errors import ConfigError, Issue
from riskcards.load.catalogues import sha256_file
from riskcards.load.headers import display_name, yaml_files
from riskcards.load.headers import find_project as find_project  # read without pydantic
from riskcards.load.safe_yaml import YamlDocument, did_you_mean, load_yaml
from riskcards.load.validate import validate
from riskcards.models.bundle import InputFile
from riskcards.models.catalogue import Catalogue
from riskcards.models.mapping import Check, EvidenceMapping, MetricThreshold
from riskcards.models.project import (
    Attestation,
    AttestationRecord,
    DatasetSheetSidecar,
    Decisions,
    ModelCardSidecar,
    NotApplicable,
    ProjectConfig,
    Sidecars,
    Waiver,
)

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", NotApplicable, Waiver)


@dataclass(frozen=True)
class Project:
    config: ProjectConfig
    path: Path | None
    doc: YamlDocument | None
    # named with --config (or by the API), not found implicitly as ./riskcards.yaml: only an
    # explicit project file may name templates, which are code
    explicit: bool = True

    def resolve(self, relative: str | None) -> Path | None:
        """A path from the project file, relative to the file's folder."""
        if relative is None:
            return None
        p = Path(relative)
        return p if p.is_absolute() or self.path is None else self.path.parent / p

    def name(self, path: Path) -> str:
        """How a file read for the project is named in outputs: relative to the project file,
        so the same project gives the same bytes wherever it is checked out."""
        if self.path is not None:
            try:
                return path.resolve().relative_to(self.path.resolve().parent).as_posix()
            except ValueError:
                pass
        return display_name(path)

    @property
    def frameworks_dirs(self) -> tuple[Path, ...]:
        return tuple(self.resolve(d) for d in self.config.frameworks_dirs)  # type: ignore[misc]


EMPTY = Project(config=ProjectConfig(schema_version=1), path=None, doc=None)


def read_project(path: Path | None, *, explicit: bool = True) -> Project:
    """The project's structure, validated (references are checked later)."""
    if path is None:
        return EMPTY
    doc = load_yaml(path)
    config = validate(doc, ProjectConfig, what="project file")
    return Project(config=config, path=path, doc=doc, explicit=explicit)


def _control_issue(
    doc: YamlDocument,
    at: tuple[str | int, ...],
    framework: str,
    control: str,
    catalogues: Mapping[str, Catalogue],
) -> tuple[Issue | None, str]:
    """(problem, canonical id) for a framework/control pair named in a file."""
    cat = catalogues.get(framework)
    if cat is None:
        return doc.issue(
            (*at, "framework"),
            f"unknown framework {framework!r}" + did_you_mean(framework, catalogues),
        ), control
    found = cat.control(control)
    if found is None:
        choices = [c.id for c in cat.controls]
        return doc.issue(
            (*at, "control"),
            f"unknown control {control!r} in {framework}" + did_you_mean(control, choices),
        ), control
    return None, found.id


def project_decisions(
    project: Project, catalogues: Mapping[str, Catalogue], mapping: EvidenceMapping
) -> tuple[Decisions, tuple[InputFile, ...]]:
    """Check every reference in the project file and read the attestations.

    Returns the decisions for the assessment and the input files read (for the manifest).
    """
    config, doc = project.config, project.doc
    if doc is None or project.path is None:
        return Decisions(gate=config.gate, task=config.task), ()
    issues = _framework_issues(doc, config, catalogues)
    not_applicable = _canonical(doc, "not_applicable", config.not_applicable, catalogues, issues)
    waivers = _canonical(doc, "waivers", config.waivers, catalogues, issues)
    checks = {c.id: c for c in mapping.checks}
    issues += _override_issues(doc, config, checks, mapping.id)
    issues += _owner_issues(doc, config, checks, mapping.id)
    required = _required_controls(doc, config, catalogues, issues)
    issues += _soa_issues(doc, config, catalogues)
    records, files = _attestations(project, catalogues, issues)
    if issues:
        issues.sort(key=lambda i: (i.file, i.line or 0, i.col or 0))
        raise ConfigError(f"{len(issues)} problem(s) in the project", issues)
    inputs = (
        InputFile(role="config", name=project.name(project.path), sha256=sha256_file(project.path)),
        *files,
    )
    return Decisions(
        owners=dict(config.owners),
        overrides=config.overrides,
        not_applicable=not_applicable,
        waivers=waivers,
        attestations=records,
        gate=config.gate.model_copy(update={"required": required}),
        task=config.task,
    ), inputs


def _framework_issues(
    doc: YamlDocument, config: ProjectConfig, catalogues: Mapping[str, Catalogue]
) -> list[Issue]:
    """The frameworks the project names that no catalogue defines."""
    issues = []
    for i, fw in enumerate(config.frameworks or ()):
        if fw not in catalogues:
            issues.append(
                doc.issue(
                    ("frameworks", i), f"unknown framework {fw!r}" + did_you_mean(fw, catalogues)
                )
            )
    return issues


def _canonical(
    doc: YamlDocument,
    field: str,
    items: tuple[D, ...],
    catalogues: Mapping[str, Catalogue],
    issues: list[Issue],
) -> tuple[D, ...]:
    """The declarations with canonical control ids; unknown ones become issues."""
    found = []
    for i, item in enumerate(items):
        problem, control_id = _control_issue(
            doc, (field, i), item.framework, item.control, catalogues
        )
        if problem:
            issues.append(problem)
        found.append(item.model_copy(update={"control": control_id}))
    return tuple(found)


def _override_issues(
    doc: YamlDocument, config: ProjectConfig, checks: Mapping[str, Check], mapping_id: str
) -> list[Issue]:
    """Overrides of unknown checks, and thresholds set on checks that have none."""
    issues = []
    for i, o in enumerate(config.overrides):
        check = checks.get(o.check)
        if check is None:
            issues.append(
                doc.issue(
                    ("overrides", i, "check"),
                    f"unknown check {o.check!r} in mapping "
                    f"{mapping_id}" + did_you_mean(o.check, checks),
                )
            )
        elif (o.threshold is not None or o.op is not None) and not isinstance(
            check, MetricThreshold
        ):
            issues.append(
                doc.issue(
                    ("overrides", i, "check"),
                    f"check {o.check!r} is a {check.kind} check: it has no threshold",
                )
            )
        elif (
            o.threshold is not None
            and isinstance(check, MetricThreshold)
            and (problem := check.range_problem(o.threshold))
        ):
            issues.append(doc.issue(("overrides", i, "threshold"), problem))
    return issues


def _owner_issues(
    doc: YamlDocument, config: ProjectConfig, checks: Mapping[str, Check], mapping_id: str
) -> list[Issue]:
    """Owners named for checks the mapping does not have."""
    issues = []
    for key in config.owners:
        if key != "default" and key not in checks:
            issues.append(
                doc.issue(
                    ("owners", key),
                    f"unknown check {key!r} in mapping {mapping_id}"
                    + did_you_mean(key, [*checks, "default"]),
                )
            )
    return issues


def _required_controls(
    doc: YamlDocument,
    config: ProjectConfig,
    catalogues: Mapping[str, Catalogue],
    issues: list[Issue],
) -> dict[str, tuple[str, ...]]:
    """The gate's required controls with canonical ids; unknown ones become issues."""
    required = {}
    for fw, controls in config.gate.required.items():
        ids = []
        for j, control in enumerate(controls):
            problem, control_id = _control_issue(
                doc, ("gate", "required", fw, j), fw, control, catalogues
            )
            if problem:
                issues.append(doc.issue(("gate", "required", fw, j), problem.message))
            ids.append(control_id)
        required[fw] = tuple(ids)
    return required


def _soa_issues(
    doc: YamlDocument, config: ProjectConfig, catalogues: Mapping[str, Catalogue]
) -> list[Issue]:
    """In the ``soa:`` section: unknown controls, and risk or treatment ids not declared."""
    soa = config.soa
    if soa is None:
        return []
    if soa.framework not in catalogues:
        return [
            doc.issue(
                ("soa", "framework"),
                f"unknown framework {soa.framework!r}" + did_you_mean(soa.framework, catalogues),
            )
        ]
    issues = []
    declared = {"risks": {r.id for r in soa.risks}, "treatments": {t.id for t in soa.treatments}}
    for i, c in enumerate(soa.controls):
        problem, _ = _control_issue(
            doc, ("soa", "controls", i), soa.framework, c.control, catalogues
        )
        if problem:
            issues.append(problem)
        for field in ("risks", "treatments"):
            for j, ref in enumerate(getattr(c, field)):
                if ref not in declared[field]:
                    issues.append(
                        doc.issue(
                            ("soa", "controls", i, field, j),
                            f"{field[:-1]} {ref!r} is not declared under soa.{field}"
                            + did_you_mean(ref, declared[field]),
                        )
                    )
    return issues


def _attestations(
    project: Project, catalogues: Mapping[str, Catalogue], issues: list[Issue]
) -> tuple[tuple[AttestationRecord, ...], tuple[InputFile, ...]]:
    folder = project.resolve(project.config.attestations_dir)
    if folder is None:
        return (), ()
    if not folder.is_dir():
        assert project.doc is not None
        issues.append(project.doc.issue(("attestations_dir",), f"folder {folder} does not exist"))
        return (), ()
    records: list[AttestationRecord] = []
    files: list[InputFile] = []
    seen: dict[str, str] = {}
    for path in yaml_files(folder):
        try:
            doc = load_yaml(path)
            att = validate(doc, Attestation, what="attestation")
        except ConfigError as exc:
            issues.extend(exc.issues or [Issue(str(path), None, None, "", str(exc))])
            continue
        if att.id in seen:
            issues.append(
                doc.issue(("id",), f"attestation id {att.id!r} is also used in {seen[att.id]}")
            )
        seen[att.id] = str(path)
        controls = {}
        for fw, ids in att.controls.items():
            canonical = []
            for j, control in enumerate(ids):
                problem, control_id = _control_issue(
                    doc, ("controls", fw, j), fw, control, catalogues
                )
                if problem:
                    issues.append(doc.issue(("controls", fw, j), problem.message))
                canonical.append(control_id)
            controls[fw] = tuple(canonical)
        digest = sha256_file(path)
        records.append(
            AttestationRecord(
                attestation=att.model_copy(update={"controls": controls}),
                file=project.name(path),
                sha256=digest,
            )
        )
        files.append(InputFile(role="attestation", name=project.name(path), sha256=digest))
    return tuple(records), tuple(files)


def project_sidecars(project: Project) -> tuple[Sidecars, tuple[InputFile, ...]]:
    """The model-card and datasheet sidecars named in the project file, validated."""
    config, doc = project.config, project.doc
    if doc is None:
        return Sidecars(), ()
    issues: list[Issue] = []
    files: list[InputFile] = []

    def read(at: tuple[str, ...], relative: str, model: type[M]) -> M | None:
        path = project.resolve(relative)
        assert path is not None
        if not path.is_file():
            issues.append(
                doc.issue(at, f"file {relative} not found (relative to the project file)")
            )
            return None
        try:
            value = validate(load_yaml(path), model, what="sidecar")
        except ConfigError as exc:
            issues.extend(exc.issues)
            return None
        files.append(InputFile(role="config", name=project.name(path), sha256=sha256_file(path)))
        return value

    card = read(("model_card",), config.model_card, ModelCardSidecar) if config.model_card else None
    sheets = {}
    for name, relative in config.dataset_sheets.items():
        sheet = read(("dataset_sheets", name), relative, DatasetSheetSidecar)
        if sheet is not None:
            sheets[name] = sheet
    if issues:
        raise ConfigError(f"{len(issues)} problem(s) in the project's sidecars", issues)
    return Sidecars(model_card=card, dataset_sheets=sheets, soa=config.soa), tuple(files)
