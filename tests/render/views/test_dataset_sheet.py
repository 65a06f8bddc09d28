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


def test_open_questions_are_those_nobody_answers_and_link_back_to_the_card(
    loaded: Loaded, rendered: Rendered
) -> None:
    ev, _ = assessed(loaded)
    ds = next(d for d in ev.run.datasets if d.context == "evaluation")
    sheet = build_dataset_sheet(ds)
    unanswered = [r.label for _, rows in sheet.sections for r in rows if r.value is None]
    assert sheet.open_questions == tuple(unanswered) and unanswered
    assert sheet.source_uri == "/data/eval.csv"
    html = rendered()["datasets/evaluation-credit-eval-e1e2e3e4.html"].decode()
    assert f"Open questions ({len(unanswered)})" in html and 'href="../model-card.html"' in html
    assert "s digest: a hash of the first rows" in html


def test_what_riskcards_recomputed_answers_the_open_questions() -> None:
    from riskcards.render.views.common import Row
    from riskcards.render.views.dataset_sheet import _known

    sections = (
        (
            "Composition",
            (
                Row(label="Is there a label or target?"),
                Row(label="Is any information missing?", value="from the sidecar"),
                Row(label="Does it contain sensitive data?"),
            ),
        ),
    )
    quality = (
        Row(label="Class balance (default)", value="0: 900, 1: 600"),
        Row(label="Missing values", value="income: 3"),
        Row(label="Personal data (PII scan)", value="no PII found in 1,500 rows"),
    )
    ((_, rows),) = _known(sections, quality, "data/evaluation.json")
    assert rows[0].value == (
        "Class balance (default): 0: 900, 1: 600 (recomputed by riskcards from data/evaluation.json)"
    )
    assert rows[1].value == "from the sidecar"  # a person's answer is never replaced
    assert rows[2].value is not None and "no PII found" in rows[2].value
