"""Which user templates a release uses, and their hash (layer: load).

Templates are code. They are taken only from ``--templates`` or from a project file named
with ``--config``; a ``templates:`` key in a ``./riskcards.yaml`` found implicitly in the
current folder is refused (exit 2), so a pull request adding two files cannot change what a
CI release job renders. The set of files is hashed into the manifest's inputs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from riskcards.errors import ConfigError, UsageError
from riskcards.load.project import Project
from riskcards.models.bundle import InputFile


def project_templates(project: Project) -> Path | None:
    """The project file's ``templates:`` folder, only when the file was named explicitly."""
    relative = project.config.templates
    if relative is None:
        return None
    if not project.explicit and project.doc is not None:
        raise ConfigError(
            "custom templates are code: they are used only from --templates or from a project "
            "file named with --config",
            [
                project.doc.issue(
                    ("templates",),
                    f"not used from the implicitly found {project.doc.file}; pass "
                    f"--config {project.doc.file} to use them",
                )
            ],
        )
    return project.resolve(relative)


def templates_sha256(folder: Path) -> str:
    """One sha256 for the whole set: every file's relative path and content hash, sorted."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        file_hash = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{file_hash}\n".encode())
    return digest.hexdigest()


def template_files(project: Project, folder: Path | None) -> tuple[InputFile, ...]:
    """The template set as one manifest input (its folder and :func:`templates_sha256`)."""
    if folder is None:
        return ()
    if not folder.is_dir():
        raise UsageError(f"template folder {folder} not found")
    return (InputFile(role="template", name=project.name(folder), sha256=templates_sha256(folder)),)
