"""The dataset sheet: an honest "Not provided" when no schema or profile was logged."""

from __future__ import annotations

from riskcards.load.catalogues import Loaded
from riskcards.render.views.dataset_sheet import build_dataset_sheet, dataset_quality
from tests.render.conftest import Rendered, assessed


def test_missing_fields_say_not_provided(rendered: Rendered) -> None:
    sheet = rendered()["datasets/training-credit-train-a1a2a3a4.html"].decode()
    assert "no schema was logged" in sheet and "no profile was logged" in sheet


def test_the_datasheet_questions_are_answered_or_none(loaded: Loaded) -> None:
    ev, _ = assessed(loaded)
    ds = next(d for d in ev.run.datasets if d.context == "training")
    sheet = build_dataset_sheet(ds)
    titles = [title for title, _ in sheet.sections]
    assert titles == [
        "Motivation",
        "Composition",
        "Collection process",
        "Preprocessing and labelling",
        "Uses",
        "Distribution",
        "Maintenance",
    ]
    uses = dict(sheet.sections)["Uses"]
    assert uses[0].label == "Use in this model" and uses[0].value == "training"
    assert sheet.sidecar is None and sheet.quality == () and sheet.quality_source is None


def test_no_quality_facts_without_an_analysis() -> None:
    assert dataset_quality(None, "training") == ((), None)
