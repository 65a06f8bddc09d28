"""Load catalogues, extensions, crosswalks and evidence mappings from YAML (layer: load).

Everything is validated before anything else runs, and every problem of every file is
reported at once with ``file:line:col``: first the structure (pydantic, via
:func:`riskcards.load.validate.validate`), then the references between IDs (duplicates, unknown
groups, parents, controls, catalogues), with "did you mean" for near misses.

A folder of YAML files (the built-in ``frameworks/`` or an organisation's own) is read by
content, whatever its layout: a file with ``extends:`` adds controls to an existing
catalogue, one with ``pairs:`` is a crosswalk, one with ``checks:`` an evidence mapping,
one with ``controls:`` a catalogue. The IDs a crosswalk names are checked by
:mod:`riskcards.load.crosswalks`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from riskcards.errors import ConfigError, Issue
from riskcards.load.crosswalks import crosswalk_issues
from riskcards.load.headers import FileKind, classify, display_name, yaml_files
from riskcards.load.safe_yaml import YamlDocument, did_you_mean, load_yaml
from riskcards.load.validate import validate
from riskcards.models.bundle import InputFile
from riskcards.models.catalogue import Catalogue, CatalogueExtension, Control, Crosswalk
from riskcards.models.mapping import EvidenceMapping
from riskcards.resources import frameworks_dir

DEFAULT_MAPPING = "riskcards-default"


@dataclass(frozen=True)
class Library:
    """Every catalogue (with extensions merged in) and crosswalk, and the files read."""

    catalogues: dict[str, Catalogue]
    crosswalks: tuple[Crosswalk, ...]
    files: tuple[InputFile, ...]
    mappings: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Loaded:
    """The validated static inputs of a release, with the hash of every file read."""

    catalogues: dict[str, Catalogue]
    crosswalks: tuple[Crosswalk, ...]
    mapping: EvidenceMapping
    inputs: tuple[InputFile, ...]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- consistency checks, with positions ---------------------------------------------------


def _duplicates(doc: YamlDocument, items: Sequence[str], path: str, what: str) -> list[Issue]:
    first: dict[str, int] = {}
    issues = []
    for i, ident in enumerate(items):
        if ident in first:
            line, _ = doc.locate((path, first[ident], "id"))
            issues.append(
                doc.issue((path, i, "id"), f"duplicate {what} id {ident!r} (first at line {line})")
            )
        else:
            first[ident] = i
    return issues


def _catalogue_issues(
    doc: YamlDocument, cat: Catalogue | CatalogueExtension, base: Catalogue | None = None
) -> list[Issue]:
    """Duplicate ids, alias clashes, unknown groups, parents and refined controls."""
    base_groups = [g.id for g in base.groups] if base else []
    group_ids = [g.id for g in cat.groups]
    issues = _duplicates(doc, group_ids, "groups", "group")
    issues += _duplicates(doc, [c.id for c in cat.controls], "controls", "control")
    known_groups = set(group_ids) | set(base_groups)
    issues += _group_issues(doc, cat, base, known_groups)
    issues += _cycles(doc, cat)
    issues += _control_issues(doc, cat, base, known_groups)
    return issues


def _group_issues(
    doc: YamlDocument,
    cat: Catalogue | CatalogueExtension,
    base: Catalogue | None,
    known_groups: set[str],
) -> list[Issue]:
    """Groups that an extension redefines, and parents that are no known group."""
    base_groups = [g.id for g in base.groups] if base else []
    issues = []
    for i, g in enumerate(cat.groups):
        if base is not None and g.id in base_groups:
            issues.append(
                doc.issue(("groups", i, "id"), f"group {g.id!r} already exists in {base.id}")
            )
        if g.parent is not None and g.parent not in known_groups:
            issues.append(
                doc.issue(
                    ("groups", i, "parent"),
                    f"unknown parent group {g.parent!r}" + did_you_mean(g.parent, known_groups),
                )
            )
    return issues


# every id and alias -> (who owns it, its control id); None owner = the base catalogue
_Owners = dict[str, tuple[int | None, str]]


def _control_issues(
    doc: YamlDocument,
    cat: Catalogue | CatalogueExtension,
    base: Catalogue | None,
    known_groups: set[str],
) -> list[Issue]:
    """Unknown groups, ids and aliases used twice, and refines of unknown controls."""
    issues = []
    owner: _Owners = {}
    for c in base.controls if base else ():
        owner.update({ident: (None, c.id) for ident in (c.id, *c.aliases)})
    for i, c in enumerate(cat.controls):
        if c.group not in known_groups:
            issues.append(
                doc.issue(
                    ("controls", i, "group"),
                    f"unknown group {c.group!r}" + did_you_mean(c.group, known_groups),
                )
            )
        issues += _name_clashes(doc, i, c, owner, base)
        for j, ref in enumerate(c.refines):
            if ref not in owner:
                issues.append(
                    doc.issue(
                        ("controls", i, "refines", j),
                        f"refines unknown control {ref!r}" + did_you_mean(ref, owner),
                    )
                )
    return issues


def _name_clashes(
    doc: YamlDocument, i: int, c: Control, owner: _Owners, base: Catalogue | None
) -> list[Issue]:
    """The id and aliases of control ``i`` that another control already uses; records the
    ones still free in ``owner``. A repeated id within the file is left to :func:`_duplicates`."""
    issues = []
    for j, ident in enumerate((c.id, *c.aliases)):
        at = ("controls", i, "id") if j == 0 else ("controls", i, "aliases", j - 1)
        holder = owner.get(ident)
        same_file_duplicate = j == 0 and holder is not None and holder[0] is not None
        if holder is not None and holder[0] != i and not same_file_duplicate:
            where = f" of {base.id}" if holder[0] is None and base else ""
            issues.append(
                doc.issue(at, f"{ident!r} is already used by control {holder[1]!r}{where}")
            )
        owner.setdefault(ident, (i, c.id))
    return issues


def _cycles(doc: YamlDocument, cat: Catalogue | CatalogueExtension) -> list[Issue]:
    parent = {g.id: g.parent for g in cat.groups}
    issues = []
    for i, g in enumerate(cat.groups):
        seen, current = {g.id}, g.parent
        while current is not None and current in parent:
            if current in seen:
                issues.append(
                    doc.issue(("groups", i, "parent"), f"group {g.id!r} is its own ancestor")
                )
                break
            seen.add(current)
            current = parent[current]
    return issues


def _raise(issues: list[Issue], what: str) -> None:
    if issues:
        issues.sort(key=lambda i: (i.file, i.line or 0, i.col or 0))
        raise ConfigError(f"{len(issues)} problem(s) in {what}", issues)


# --- loading ------------------------------------------------------------------------------


def load_catalogue(path: Path) -> Catalogue:
    """Load and check one self-standing catalogue file."""
    doc = load_yaml(path, display=display_name(path))
    cat = validate(doc, Catalogue, what="catalogue")
    _raise(_catalogue_issues(doc, cat), doc.file)
    return cat


def load_crosswalk(path: Path) -> Crosswalk:
    return validate(load_yaml(path, display=display_name(path)), Crosswalk, what="crosswalk")


def load_library(extra_dirs: Sequence[Path] = (), *, builtin: bool = True) -> Library:
    """Read the built-in frameworks/ and any extra folders: every problem reported at once."""
    paths = [
        *(yaml_files(frameworks_dir()) if builtin else ()),
        *(p for d in extra_dirs for p in _folder_files(d)),
    ]
    return library_from_files(paths)


def _folder_files(folder: Path) -> tuple[Path, ...]:
    if not folder.is_dir():
        raise ConfigError(f"frameworks folder {folder} does not exist or is not a folder")
    return yaml_files(folder)


def library_from_files(paths: Iterable[Path]) -> Library:
    docs: dict[FileKind, list[YamlDocument]] = {
        "catalogue": [],
        "extension": [],
        "crosswalk": [],
        "mapping": [],
    }
    issues: list[Issue] = []
    files: list[InputFile] = []
    mappings: list[Path] = []
    for path in paths:
        try:
            doc = load_yaml(path, display=display_name(path))
            kind = classify(doc)
        except ConfigError as exc:
            issues.extend(exc.issues or [Issue(display_name(path), None, None, "", str(exc))])
            continue
        docs[kind].append(doc)
        if kind == "mapping":
            mappings.append(path)
        else:
            files.append(
                InputFile(
                    role="crosswalk" if kind == "crosswalk" else "catalogue",
                    name=doc.file,
                    sha256=sha256_file(path),
                )
            )
    catalogues = _catalogues(docs["catalogue"], issues)
    _extend(catalogues, docs["extension"], issues)
    crosswalks = []
    for doc in docs["crosswalk"]:
        try:
            cw = validate(doc, Crosswalk, what="crosswalk")
        except ConfigError as exc:
            issues.extend(exc.issues)
            continue
        issues += crosswalk_issues(doc, cw, catalogues)
        crosswalks.append(cw)
    _raise(issues, "the frameworks")
    return Library(
        catalogues=catalogues,
        crosswalks=tuple(crosswalks),
        files=tuple(files),
        mappings=tuple(mappings),
    )


def _catalogues(docs: Sequence[YamlDocument], issues: list[Issue]) -> dict[str, Catalogue]:
    found: dict[str, Catalogue] = {}
    where: dict[str, str] = {}
    for doc in docs:
        try:
            cat = validate(doc, Catalogue, what="catalogue")
        except ConfigError as exc:
            issues.extend(exc.issues)
            continue
        problems = _catalogue_issues(doc, cat)
        if cat.id in found:
            problems.append(
                doc.issue(("id",), f"catalogue id {cat.id!r} is already defined in {where[cat.id]}")
            )
        issues.extend(problems)
        if not problems:
            found[cat.id], where[cat.id] = cat, doc.file
    return found


def _extend(
    catalogues: dict[str, Catalogue], docs: Sequence[YamlDocument], issues: list[Issue]
) -> None:
    for doc in docs:
        try:
            ext = validate(doc, CatalogueExtension, what="catalogue extension")
        except ConfigError as exc:
            issues.extend(exc.issues)
            continue
        base = catalogues.get(ext.extends)
        if base is None:
            issues.append(
                doc.issue(
                    ("extends",),
                    f"unknown catalogue {ext.extends!r}" + did_you_mean(ext.extends, catalogues),
                )
            )
            continue
        problems = _catalogue_issues(doc, ext, base)
        issues.extend(problems)
        if not problems:
            added = tuple(c.model_copy(update={"origin": ext.id}) for c in ext.controls)
            catalogues[base.id] = base.model_copy(
                update={"groups": base.groups + ext.groups, "controls": base.controls + added}
            )


def load_mapping(path: Path, catalogues: Mapping[str, Catalogue]) -> EvidenceMapping:
    """Load an evidence mapping and check that every control it names exists.

    Control IDs may be written as aliases (``GV-1.1``); they are stored in canonical form.
    """
    doc = load_yaml(path, display=display_name(path))
    mapping = validate(doc, EvidenceMapping, what="evidence mapping")
    issues = _duplicates(doc, [c.id for c in mapping.checks], "checks", "check")
    canonical_checks = []
    for i, check in enumerate(mapping.checks):
        bound: dict[str, tuple[str, ...]] = {}
        for cat_id, control_ids in check.controls.items():
            cat = catalogues.get(cat_id)
            if cat is None:
                issues.append(
                    doc.issue(
                        ("checks", i, "controls", cat_id),
                        f"unknown catalogue {cat_id!r}" + did_you_mean(cat_id, catalogues),
                    )
                )
                continue
            ids = []
            for j, control_id in enumerate(control_ids):
                control = cat.control(control_id)
                if control is None:
                    issues.append(
                        _unknown_control(doc, ("checks", i, "controls", cat_id, j), control_id, cat)
                    )
                else:
                    ids.append(control.id)
            bound[cat_id] = tuple(dict.fromkeys(ids))
        canonical_checks.append(check.model_copy(update={"controls": bound}))
    _raise(issues, doc.file)
    return mapping.model_copy(update={"checks": tuple(canonical_checks)})


def _unknown_control(
    doc: YamlDocument, at: tuple[str | int, ...], control_id: str, cat: Catalogue
) -> Issue:
    choices = [c.id for c in cat.controls]
    return doc.issue(
        at, f"unknown control {control_id!r} in {cat.id}" + did_you_mean(control_id, choices)
    )


def default_mapping_path() -> Path:
    """The built-in evidence mapping, used when neither --mapping nor the project names one."""
    return frameworks_dir() / "mappings" / f"{DEFAULT_MAPPING}.yaml"


def load_frameworks(*, mapping_path: Path | None = None, extra_dirs: Sequence[Path] = ()) -> Loaded:
    """Load the built-in (and organisation) frameworks and the evidence mapping, validated."""
    library = load_library(extra_dirs)
    mapping_path = mapping_path or default_mapping_path()
    mapping = load_mapping(mapping_path, library.catalogues)
    inputs = (
        *library.files,
        InputFile(
            role="mapping", name=display_name(mapping_path), sha256=sha256_file(mapping_path)
        ),
    )
    return Loaded(
        catalogues=library.catalogues, crosswalks=library.crosswalks, mapping=mapping, inputs=inputs
    )


def find_control(
    catalogues: Mapping[str, Catalogue], catalogue_id: str, control_id: str
) -> Control:
    """A control by catalogue and id (or alias), or a ConfigError with near matches."""
    cat = catalogues.get(catalogue_id)
    if cat is None:
        raise ConfigError(
            f"unknown framework {catalogue_id!r}" + did_you_mean(catalogue_id, catalogues)
        )
    control = cat.control(control_id)
    if control is None:
        choices = [c.id for c in cat.controls]
        raise ConfigError(
            f"unknown control {control_id!r} in {catalogue_id}" + did_you_mean(control_id, choices)
        )
    return control


def validate_files(paths: Sequence[Path], extra_dirs: Sequence[Path] = ()) -> list[tuple[str, str]]:
    """Validate files or folders against the built-in (and extra) frameworks.

    Returns (kind, name) per valid file; raises one ConfigError with every problem otherwise.
    """
    files = [p for path in paths for p in (yaml_files(path) if path.is_dir() else (path,))]
    given = {f.resolve() for f in files}
    base = [
        p
        for p in (*yaml_files(frameworks_dir()), *(q for d in extra_dirs for q in _folder_files(d)))
        if p.resolve() not in given
    ]
    library = library_from_files([*base, *files])  # raises with every structural problem
    issues: list[Issue] = []
    checked: list[tuple[str, str]] = []
    for path in files:
        kind = classify(load_yaml(path, display=display_name(path)))
        if kind == "mapping":
            try:
                load_mapping(path, library.catalogues)
            except ConfigError as exc:
                issues.extend(exc.issues or [Issue(display_name(path), None, None, "", str(exc))])
                continue
        checked.append((kind, display_name(path)))
    _raise(issues, "the files")
    return checked
