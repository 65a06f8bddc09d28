"""Control catalogues (NIST AI RMF, ISO/IEC 42001 Annex A, ...) and crosswalks between them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

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
    summary: Text | None = Field(
        default=None, description="a summary in our own words (never copyrighted body text)"
    )
    aliases: tuple[Identifier, ...] = ()
    refines: tuple[Identifier, ...] = Field(
        default=(), description="ids of the catalogue's controls that this control refines"
    )
    origin: Identifier | None = Field(
        default=None, description="the extension that added this control (set by the loader)"
    )

    @property
    def label(self) -> str:
        """The words to show beside the ID: title, else statement, else summary."""
        return self.title or self.text or self.summary or ""


class Catalogue(Frozen):
    """One framework's controls, with where they come from and on what terms.

    Consistency of IDs (unique, known groups and parents) is checked by the loader, which
    can point at the line of every problem; see :mod:`riskcards.load.catalogues`.
    """

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
    statement_of_applicability: bool = Field(
        default=False,
        description="render an ISO/IEC 42001-style Statement of Applicability in the gap report",
    )
    groups: tuple[ControlGroup, ...]
    controls: tuple[Control, ...] = Field(min_length=1)

    @property
    def control_label_plural(self) -> str:
        label = self.control_label
        return (
            label[:-1] + "ies"
            if label.endswith("y") and label[-2:-1] not in "aeiou"
            else label + "s"
        )

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


class CatalogueExtension(Frozen):
    """An organisation's controls added to an existing catalogue (e.g. internal controls that
    refine NIST subcategories). A file with ``extends:`` is one of these."""

    schema_version: Literal[1]
    extends: Identifier = Field(description="id of the catalogue this file adds to")
    id: Identifier = Field(description="id of this extension, recorded on each control it adds")
    title: Text
    publisher: Text
    source_url: Text | None = None
    groups: tuple[ControlGroup, ...] = ()
    controls: tuple[Control, ...] = Field(min_length=1)


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
    note: Text | None = None
    pairs: tuple[CrosswalkPair, ...] = Field(min_length=1)
