"""Exports for the tools governance teams run (layer: render): OSCAL, CycloneDX, Hugging Face,
tickets. Each is an output format (:mod:`riskcards.render.formats`), off by default:

==============  =====================================  ==========================================
``--format``    files                                  manifest kinds
==============  =====================================  ==========================================
``oscal``       ``oscal/catalog-<fw>.json``,           ``oscal-catalog``,
                ``oscal/assessment-plan-<fw>.json``,   ``oscal-assessment-plan``,
                ``oscal/assessment-results-<fw>.json`` ``oscal-assessment-results``
``cyclonedx``   ``ml-bom.cdx.json`` (CycloneDX 1.6)    ``cyclonedx-ml-bom``
``hf``          ``huggingface/README.md``              ``hf-model-card``
``tickets``     ``tickets/<key>.json``                 ``ticket``
==============  =====================================  ==========================================

Each is a pure function of the :class:`~riskcards.render.job.RenderJob`: no clock (times are
the assessment's ``as_of``), UUIDs derived from content (uuid5), sorted keys.
"""

from __future__ import annotations

from riskcards.render.exports.cyclonedx import BOM_KIND, cyclonedx_files
from riskcards.render.exports.hf_card import HF_CARD_KIND, hf_files
from riskcards.render.exports.oscal import CATALOG_KIND, PLAN_KIND, RESULTS_KIND, oscal_files
from riskcards.render.exports.tickets import TICKET_KIND, ticket_files

EXPORT_KINDS = (CATALOG_KIND, PLAN_KIND, RESULTS_KIND, BOM_KIND, HF_CARD_KIND, TICKET_KIND)

__all__ = [
    "EXPORT_KINDS",
    "cyclonedx_files",
    "hf_files",
    "oscal_files",
    "ticket_files",
]
