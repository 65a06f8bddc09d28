"""Everything a release reads that does not depend on the model released (layer: load).

:func:`load_inputs` reads and validates, once, the project file, the catalogues and
crosswalks (built in and the organisation's), the evidence mapping, the decisions
(overrides, waivers, not-applicable declarations, attestations, the gate) and the sidecars,
and returns one immutable :class:`Inputs`. Any number of targets is then released against
it (``riskcards.api.release``): a fleet reads its catalogues once, not once per model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from riskcards.errors import UsageError
from riskcards.load.catalogues import load_frameworks
from riskcards.load.project import (
    Project,
    find_project,
    project_decisions,
    project_sidecars,
    read_project,
)
from riskcards.load.safe_yaml import did_you_mean
from riskcards.load.templates import project_templates, template_files
from riskcards.models.bundle import InputFile
from riskcards.models.catalogue import Catalogue, Crosswalk
from riskcards.models.mapping import EvidenceMapping
from riskcards.models.project import AnalyticsSettings, Decisions, Sidecars


@dataclass(frozen=True)
class Inputs:
    """The validated, target-independent inputs of a release, with every file's hash.

    ``frameworks`` is the explicit list to report on (``--framework`` or the project's
    ``frameworks:``), None for "every framework the mapping binds"; ``files`` lists every
    file read, for the manifest.
    """

    project: Project
    catalogues: Mapping[str, Catalogue]
    crosswalks: tuple[Crosswalk, ...]
    mapping: EvidenceMapping
    decisions: Decisions
    sidecars: Sidecars
    frameworks: tuple[str, ...] | None
    templates: Path | None
    files: tuple[InputFile, ...]

    @property
    def analytics(self) -> AnalyticsSettings:
        return self.project.config.analytics


def load_project(config: Path | None) -> Project:
    """The project file: ``config`` if given (it must exist), else ``./riskcards.yaml``."""
    return read_project(find_project(config), explicit=config is not None)


def load_inputs(
    config: Path | Project | None = None,
    *,
    mapping: Path | None = None,
    frameworks: Sequence[str] = (),
    frameworks_dirs: Sequence[Path] = (),
    templates: Path | None = None,
) -> Inputs:
    """Read and validate every target-independent input; raise with every problem at once.

    Explicit arguments win over the project file (``config``, or ``./riskcards.yaml`` when
    present); the project's organisation folders come before ``frameworks_dirs``.
    """
    project = config if isinstance(config, Project) else load_project(config)
    cfg = project.config
    mapping = mapping or project.resolve(cfg.mapping)
    frameworks = tuple(frameworks or cfg.frameworks or ())
    loaded = load_frameworks(
        mapping_path=mapping, extra_dirs=(*project.frameworks_dirs, *frameworks_dirs)
    )
    _check_frameworks(frameworks, loaded.catalogues)
    decisions, project_files = project_decisions(project, loaded.catalogues, loaded.mapping)
    sidecars, sidecar_files = project_sidecars(project)
    templates = templates or project_templates(project)
    return Inputs(
        project=project,
        catalogues=MappingProxyType(dict(loaded.catalogues)),
        crosswalks=loaded.crosswalks,
        mapping=loaded.mapping,
        decisions=decisions,
        sidecars=sidecars,
        frameworks=frameworks or None,
        templates=templates,
        files=(*loaded.inputs, *project_files, *sidecar_files, *template_files(project, templates)),
    )


def _check_frameworks(frameworks: Sequence[str], catalogues: Mapping[str, Catalogue]) -> None:
    for fw in frameworks:
        if fw not in catalogues:
            raise UsageError(
                f"unknown framework {fw!r}"
                + did_you_mean(fw, catalogues)
                + f" (known: {', '.join(sorted(catalogues))})"
            )
