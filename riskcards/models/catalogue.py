"""Control catalogues (NIST AI RMF, ISO/IEC 42001 Annex A, ...) and crosswalks between them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from riskcards.models.base import Frozen, Identifier, Text

SCHEMA_VERSION = 1


class ControlGroup(Frozen):
    """A level above controls: a NIST function or category, an ISO Annex A group."""

    id: Identifier
    level: Identifier = Field(description="what this level is called, e.g. 'function', 'category'")
    parent: Identifier | None = None
    title: Text
    text: Text | None = Field(default=None, description="official wording, where reproducible")


class Control(Frozen):
    """The unit that is assessed: a NIST subcategory, an ISO Annex A control, an article."""

    id: Identifier
    group: Identifier
    title: Text | None = Field(default=None, description="official short title, where one exists")
    text: Text | None = Field(default=None, description="official statement, where reproducible")
    summary: Text | None = Field(default=None, description="a summary in riskcards' own words")
    aliases: tuple[Identifier, ...] = ()

    @property
    def label(self) -> str:
        """The words to show beside the ID: title, else statement, else summary."""
        return self.title or self.text or self.summary or ""


class Catalogue(Frozen):
    """One framework's controls, with where they come from and on what terms."""

    schema_version: Literal[1]
    id: Identifier
    version: Identifier
    title: Text
    short_title: Text
    publisher: Text
    document: Text | None = None
    source_url: Text
    licence: Text
    attribution: Text | None = None
    control_label: Identifier = Field(default="control", description="e.g. 'subcategory'")
    groups: tuple[ControlGroup, ...]
    controls: tuple[Control, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_are_consistent(self) -> Catalogue:
        group_ids = [g.id for g in self.groups]
        control_ids = [c.id for c in self.controls]
        for kind, ids in (("group", group_ids), ("control", control_ids)):
            seen: set[str] = set()
            for ident in ids:
                if ident in seen:
                    raise ValueError(f"duplicate {kind} id {ident!r}")
                seen.add(ident)
        known = set(group_ids)
        for g in self.groups:
            if g.parent is not None and g.parent not in known:
                raise ValueError(f"group {g.id!r} names unknown parent {g.parent!r}")
        for c in self.controls:
            if c.group not in known:
                raise ValueError(f"control {c.id!r} names unknown group {c.group!r}")
        return self

    def control(self, control_id: str) -> Control | None:
        """The control with this ID or alias, or None."""
        for c in self.controls:
            if c.id == control_id or control_id in c.aliases:
                return c
        return None

    def group(self, group_id: str) -> ControlGroup | None:
        for g in self.groups:
            if g.id == group_id:
                return g
        return None

    def ancestry(self, control: Control) -> tuple[ControlGroup, ...]:
        """The groups above a control, outermost first."""
        chain: list[ControlGroup] = []
        current = self.group(control.group)
        while current is not None:
            chain.append(current)
            current = self.group(current.parent) if current.parent else None
        return tuple(reversed(chain))

    def top_groups(self) -> tuple[ControlGroup, ...]:
        return tuple(g for g in self.groups if g.parent is None)


Relation = Literal["equal", "subset-of", "superset-of", "intersects-with", "related-to"]


class CrosswalkPair(Frozen):
    source: Identifier
    target: Identifier
    relation: Relation = "related-to"
    note: Text | None = None


class Crosswalk(Frozen):
    """Pairs of related controls between two catalogues, typed as in NIST's OLIR."""

    schema_version: Literal[1]
    id: Identifier
    title: Text
    source_catalogue: Identifier
    target_catalogue: Identifier
    provider: Text
    source_url: Text
    licence: Text
    pairs: tuple[CrosswalkPair, ...] = Field(min_length=1)
