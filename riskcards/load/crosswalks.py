"""Crosswalks between catalogues: their IDs checked, and how much they cover (layer: load).

A crosswalk pairs IDs of a source catalogue with IDs of a target catalogue; either side
may name a control (by its id or an alias) or a whole group. :func:`crosswalk_issues`
reports every ID that neither catalogue knows, at its ``file:line:col``;
:func:`crosswalk_coverage` counts the controls of each side that some pair reaches.
Reading crosswalk files is :mod:`riskcards.load.catalogues`' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from riskcards.errors import Issue
from riskcards.load.safe_yaml import YamlDocument, did_you_mean
from riskcards.models.catalogue import Catalogue, Crosswalk

__all__ = ["Coverage", "crosswalk_coverage", "crosswalk_issues"]


def _resolve(cat: Catalogue, ident: str) -> str | None:
    """The canonical id of a control or group, or None."""
    control = cat.control(ident)
    if control is not None:
        return control.id
    return ident if cat.group(ident) is not None else None


def crosswalk_issues(
    doc: YamlDocument, cw: Crosswalk, catalogues: Mapping[str, Catalogue]
) -> list[Issue]:
    """Every ID on both sides of a crosswalk must exist (as a control or a group)."""
    issues = []
    sides = (
        ("source_catalogue", cw.source_catalogue, "source"),
        ("target_catalogue", cw.target_catalogue, "target"),
    )
    for key, cat_id, _ in sides:
        if cat_id not in catalogues:
            issues.append(
                doc.issue(
                    (key,), f"unknown catalogue {cat_id!r}" + did_you_mean(cat_id, catalogues)
                )
            )
    if issues:
        return issues
    for i, pair in enumerate(cw.pairs):
        for _, cat_id, side in sides:
            cat = catalogues[cat_id]
            ident = getattr(pair, side)
            if _resolve(cat, ident) is None:
                choices = [c.id for c in cat.controls] + [g.id for g in cat.groups]
                issues.append(
                    doc.issue(
                        ("pairs", i, side),
                        f"unknown {cat_id} id {ident!r}" + did_you_mean(ident, choices),
                    )
                )
    return issues


@dataclass(frozen=True)
class Coverage:
    """How many controls of one catalogue a crosswalk names, and which."""

    catalogue_id: str
    covered: tuple[str, ...]
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * len(self.covered) / self.total if self.total else 0.0


def crosswalk_coverage(
    cw: Crosswalk, catalogues: Mapping[str, Catalogue]
) -> tuple[Coverage, Coverage]:
    """How many controls of each side appear in at least one pair (groups count their controls)."""
    result = []
    for cat_id, side in ((cw.source_catalogue, "source"), (cw.target_catalogue, "target")):
        cat = catalogues[cat_id]
        named = {_resolve(cat, getattr(p, side)) for p in cw.pairs}
        covered = [
            c.id
            for c in cat.controls
            if c.id in named or any(g.id in named for g in cat.ancestry(c))
        ]
        result.append(
            Coverage(catalogue_id=cat_id, covered=tuple(covered), total=len(cat.controls))
        )
    return result[0], result[1]
