"""What an evidence mapping asks of a control, in words (layer: assess).

For people reading a catalogue (``riskcards frameworks show``): which checks evidence a
control, and what each requires (``roc_auc >= 0.75``), without assessing anything.
"""

from __future__ import annotations

from riskcards.assess.registry import describe_check
from riskcards.models.mapping import Check, EvidenceMapping

__all__ = ["checks_for_control", "describe_check"]


def checks_for_control(mapping: EvidenceMapping, catalogue_id: str, control_id: str) -> list[Check]:
    """The mapping's checks that evidence a control, in mapping order.

    ``control_id`` is the canonical id: the loader stores the mapping's ids in that form.
    """
    return [c for c in mapping.checks if control_id in c.controls.get(catalogue_id, ())]
