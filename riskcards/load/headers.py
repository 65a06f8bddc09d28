"""Which YAML files riskcards reads and what each one is, read without pydantic (layer: load).

Imports only :mod:`riskcards.errors`, :mod:`riskcards.resources`, :mod:`.safe_yaml` (PyYAML)
and the standard library, so commands that only need to find files or list catalogues start
fast: importing pydantic and building the models costs more than reading every built-in
catalogue (issue 18).

:func:`list_catalogues` is what ``riskcards frameworks list`` shows. The built-in catalogues
are read on every call (there is no index to go stale) with the same safe YAML reader as a
full load, but only their headers are taken: id, version, short title, the word for a
control and how many controls they and their extensions have. The built-in files are
validated in full by every release and by the test suite. When an organisation folder is
given, or anything in a file is not as the header read expects, the frameworks are loaded
and validated in full instead (:func:`riskcards.load.catalogues.load_library`), which
reports every problem with ``file:line:col`` exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from riskcards.errors import ConfigError
from riskcards.load.safe_yaml import YamlDocument, load_yaml
from riskcards.resources import frameworks_dir

PROJECT_FILE = "riskcards.yaml"
FileKind = Literal["catalogue", "extension", "crosswalk", "mapping"]


def find_project(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """``--config FILE`` if given (it must exist), else ``./riskcards.yaml`` when present."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"project file {explicit} not found")
        return explicit
    default = (cwd or Path.cwd()) / PROJECT_FILE
    return default if default.is_file() else None


def display_name(path: Path) -> str:
    """A short, stable name for a file: ``frameworks/...`` when built in, else as given."""
    try:
        return "frameworks/" + path.resolve().relative_to(frameworks_dir().resolve()).as_posix()
    except ValueError:
        return str(path)


def yaml_files(folder: Path) -> tuple[Path, ...]:
    return tuple(sorted(p for p in folder.rglob("*.yaml") if p.is_file()))


def classify(doc: YamlDocument) -> FileKind:
    data = doc.data
    if isinstance(data, dict):
        if "extends" in data:
            return "extension"
        if "pairs" in data:
            return "crosswalk"
        if "checks" in data:
            return "mapping"
        if "controls" in data:
            return "catalogue"
    raise ConfigError(
        f"{doc.file}: not a riskcards file",
        [
            doc.issue(
                (),
                "expected a mapping with 'controls' (catalogue), 'extends' (extension), "
                "'pairs' (crosswalk) or 'checks' (evidence mapping)",
            )
        ],
    )


def plural(label: str) -> str:
    """``subcategory`` -> ``subcategories``, ``control`` -> ``controls``."""
    return (
        label[:-1] + "ies" if label.endswith("y") and label[-2:-1] not in "aeiou" else label + "s"
    )


@dataclass(frozen=True)
class CatalogueHeader:
    """One catalogue as ``frameworks list`` shows it."""

    id: str
    version: str
    controls: int
    control_label_plural: str
    short_title: str


@dataclass(frozen=True)
class Listing:
    catalogues: tuple[CatalogueHeader, ...]  # by id
    crosswalks: int


def list_catalogues(extra_dirs: Sequence[Path] = ()) -> Listing:
    """Every catalogue (extensions counted in) and the number of crosswalks; see the module
    docstring for when the headers are enough. Raises ConfigError as a full load does."""
    if not extra_dirs:
        try:
            light = _headers(yaml_files(frameworks_dir()))
        except ConfigError:
            light = None  # the full load below reports it with every other problem
        if light is not None:
            return light
    from riskcards.load.catalogues import load_library

    library = load_library(extra_dirs)
    return Listing(
        catalogues=tuple(
            CatalogueHeader(
                id=c.id,
                version=c.version,
                controls=len(c.controls),
                control_label_plural=c.control_label_plural,
                short_title=c.short_title,
            )
            for c in sorted(library.catalogues.values(), key=lambda c: c.id)
        ),
        crosswalks=len(library.crosswalks),
    )


def _text(data: dict[str, Any], key: str, default: str | None = None) -> str | None:
    value = data.get(key, default)
    return value if isinstance(value, str) and value and "\n" not in value else None


def _controls(data: dict[str, Any]) -> int:
    controls = data.get("controls")
    return len(controls) if isinstance(controls, list) else 0


def _headers(paths: Iterable[Path]) -> Listing | None:
    """The listing from the files' headers, or None when one is not as expected."""
    found: dict[str, CatalogueHeader] = {}
    added: list[tuple[str, int]] = []
    crosswalks = 0
    for path in paths:
        doc = load_yaml(path, display=display_name(path))
        kind, data = classify(doc), doc.data
        if kind == "crosswalk":
            crosswalks += 1
        elif kind == "extension":
            base = _text(data, "extends")
            if base is None or not _controls(data):
                return None
            added.append((base, _controls(data)))
        elif kind == "catalogue":
            header = _catalogue_header(data)
            if header is None or header.id in found:
                return None
            found[header.id] = header
    for base, count in added:
        if base not in found:
            return None
        old = found[base]
        found[base] = CatalogueHeader(
            old.id, old.version, old.controls + count, old.control_label_plural, old.short_title
        )
    return Listing(catalogues=tuple(found[i] for i in sorted(found)), crosswalks=crosswalks)


def _catalogue_header(data: dict[str, Any]) -> CatalogueHeader | None:
    ident, version, short = (_text(data, k) for k in ("id", "version", "short_title"))
    label, controls = _text(data, "control_label", "control"), _controls(data)
    if ident is None or version is None or short is None or label is None or not controls:
        return None
    return CatalogueHeader(ident, version, controls, plural(label), short)
