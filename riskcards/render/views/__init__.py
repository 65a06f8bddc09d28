"""The documents as typed views built from evidence and assessment (layer: render): pure, no I/O.

Each view is the documented context of one template (docs/templates.md lists every field):

=========================  ==========  ==========================  =========================
template                   name        view                        module
=========================  ==========  ==========================  =========================
``model_card.html.j2``     ``card``    :class:`ModelCard`          :mod:`.model_card`
``dataset_sheet.html.j2``  ``sheet``   :class:`DatasetSheet`       :mod:`.dataset_sheet`
``gap_report.html.j2``     ``report``  :class:`GapReport`          :mod:`.gap_report`
``summary.md.j2``          ``summary`` :class:`ReleaseSummary`     :mod:`.summary`
``soa.html.j2``            ``soa``     :class:`SoaDocument`        :mod:`.soa`
=========================  ==========  ==========================  =========================

The release decision (:class:`GateDecision`, :mod:`.decision`) comes first in the model
card, each gap report and the summary. Every template also receives ``meta``
(:class:`DocumentMeta`, in :mod:`.common` with the small values the views share). The
model card's charts are made in :mod:`.figures`. Values that are unknown are ``None`` and
render as "Not provided".
"""

from __future__ import annotations

from riskcards.render.views.common import (
    Chart,
    DocumentMeta,
    FrameworkStatus,
    Prose,
    Row,
    framework_status,
)
from riskcards.render.views.dataset_sheet import (
    DatasetSheet,
    SchemaColumn,
    build_dataset_sheet,
    dataset_quality,
)
from riskcards.render.views.decision import GateDecision, build_decision
from riskcards.render.views.figures import analysis_charts, coverage_charts
from riskcards.render.views.gap_report import (
    ControlView,
    EvidenceItem,
    GapReport,
    GroupStatus,
    InferredRow,
    build_gap_report,
)
from riskcards.render.views.model_card import (
    DatasetRef,
    MetricRow,
    ModelCard,
    SliceRow,
    build_model_card,
)
from riskcards.render.views.soa import SoaDocument, SoaRow, build_soa, soa_csv
from riskcards.render.views.summary import ReleaseSummary, build_summary

__all__ = [
    "Chart",
    "ControlView",
    "DatasetRef",
    "DatasetSheet",
    "DocumentMeta",
    "EvidenceItem",
    "FrameworkStatus",
    "GapReport",
    "GateDecision",
    "GroupStatus",
    "InferredRow",
    "MetricRow",
    "ModelCard",
    "Prose",
    "ReleaseSummary",
    "Row",
    "SchemaColumn",
    "SliceRow",
    "SoaDocument",
    "SoaRow",
    "analysis_charts",
    "build_dataset_sheet",
    "build_decision",
    "build_gap_report",
    "build_model_card",
    "build_soa",
    "build_summary",
    "coverage_charts",
    "dataset_quality",
    "framework_status",
    "soa_csv",
]
