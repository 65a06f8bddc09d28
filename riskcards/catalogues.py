"""Load catalogues, crosswalks and evidence mappings from YAML (layer: loading).

Everything is validated before anything else runs: a problem in any file is reported with
``file:line:col``, every problem at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from riskcards.errors import ConfigError, Issue
from riskcards.models.bundle import InputFile
from riskcards.models.catalogue import Catalogue, Crosswalk
from riskcards.models.mapping import EvidenceMapping
from riskcards.resources import frameworks_dir
from riskcards.yamlio import YamlDocument, did_you_mean, load_yaml, validate

DEFAULT_MAPPING = "riskcards-default"


@dataclass(frozen=True)
class Loaded:
    """The validated static inputs of a release, with the hash of every file read."""

    catalogues: dict[str, Catalogue]
    mapping: EvidenceMapping
    inputs: tuple[InputFile, ...]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _display(path: Path) -> str:
    """A short, stable name for a file: relative to the built-in folder when inside it."""
    try:
        return "frameworks/" + path.resolve().relative_to(frameworks_dir().resolve()).as_posix()
    except ValueError:
        return str(path)


def load_catalogue(path: Path) -> Catalogue:
    return validate(load_yaml(path, display=_display(path)), Catalogue, what="catalogue")


def load_crosswalk(path: Path) -> Crosswalk:
    return validate(load_yaml(path, display=_display(path)), Crosswalk, what="crosswalk")


def builtin_files(kind: str) -> tuple[Path, ...]:
    """The built-in YAML files of one kind: ``catalogues``, ``crosswalks`` or ``mappings``."""
    folder = frameworks_dir() / kind
    return tuple(sorted(folder.glob("*.yaml"))) if folder.is_dir() else ()


def load_catalogues(paths: Iterable[Path]) -> dict[str, Catalogue]:
    """Load catalogue files; every error of every file is reported together."""
    found: dict[str, Catalogue] = {}
    where: dict[str, Path] = {}
    issues: list[Issue] = []
    for path in paths:
        try:
            cat = load_catalogue(path)
        except ConfigError as exc:
            issues.extend(exc.issues or [Issue(_display(path), None, None, "", str(exc))])
            continue
        if cat.id in found:
            issues.append(
                Issue(_display(path), None, None, "id",
                      f"catalogue id {cat.id!r} is already defined in {_display(where[cat.id])}")
            )
            continue
        found[cat.id], where[cat.id] = cat, path
    if issues:
        raise ConfigError(f"{len(issues)} problem(s) in the catalogues", issues)
    return found


def load_mapping(path: Path, catalogues: dict[str, Catalogue]) -> EvidenceMapping:
    """Load an evidence mapping and check that every control it names exists.

    Control IDs may be written as aliases (``GV-1.1``); they are stored in canonical form.
    """
    doc = load_yaml(path, display=_display(path))
    mapping = validate(doc, EvidenceMapping, what="evidence mapping")
    issues: list[Issue] = []
    canonical_checks = []
    for i, check in enumerate(mapping.checks):
        bound: dict[str, tuple[str, ...]] = {}
        for cat_id, control_ids in check.controls.items():
            cat = catalogues.get(cat_id)
            if cat is None:
                issues.append(doc.issue(("checks", i, "controls", cat_id),
                              f"unknown catalogue {cat_id!r}" + did_you_mean(cat_id, catalogues)))
                continue
            ids = []
            for j, control_id in enumerate(control_ids):
                control = cat.control(control_id)
                if control is None:
                    issues.append(_unknown_control(doc, (i, cat_id, j), control_id, cat))
                else:
                    ids.append(control.id)
            bound[cat_id] = tuple(dict.fromkeys(ids))
        canonical_checks.append(check.model_copy(update={"controls": bound}))
    if issues:
        raise ConfigError(f"{len(issues)} problem(s) in {doc.file}", issues)
    return mapping.model_copy(update={"checks": tuple(canonical_checks)})


def _unknown_control(doc: YamlDocument, at: tuple[int, str, int], control_id: str,
                     cat: Catalogue) -> Issue:
    i, cat_id, j = at
    choices = [c.id for c in cat.controls]
    return doc.issue(("checks", i, "controls", cat_id, j),
                     f"unknown control {control_id!r} in {cat_id}" + did_you_mean(control_id, choices))


def load_inputs(
    *,
    mapping_path: Path | None = None,
    catalogue_paths: Sequence[Path] | None = None,
) -> Loaded:
    """Load the built-in (or given) catalogues and the evidence mapping, all validated."""
    cat_paths = tuple(catalogue_paths) if catalogue_paths is not None else builtin_files("catalogues")
    catalogues = load_catalogues(cat_paths)
    if mapping_path is None:
        mapping_path = frameworks_dir() / "mappings" / f"{DEFAULT_MAPPING}.yaml"
    mapping = load_mapping(mapping_path, catalogues)
    inputs = (
        *(InputFile(role="catalogue", name=_display(p), sha256=sha256_file(p)) for p in cat_paths),
        InputFile(role="mapping", name=_display(mapping_path), sha256=sha256_file(mapping_path)),
    )
    return Loaded(catalogues=catalogues, mapping=mapping, inputs=inputs)
