"""Bundle paths: fixed names, a file-name-safe path per dataset, and the main document."""

from __future__ import annotations

import pytest

from riskcards.models.bundle import BundleFile
from riskcards.models.evidence import DatasetInput
from riskcards.render import MODEL_CARD, main_document
from riskcards.render.paths import dataset_sheet_path, gap_report_path, with_suffix


def _file(path: str) -> BundleFile:
    return BundleFile(path=path, kind="k", format=path.rsplit(".", 1)[-1], content=b"")


def test_the_main_document_is_the_model_card_else_the_summary_else_the_first_file() -> None:
    html = [_file("evidence.json"), _file("model-card.pdf"), _file(MODEL_CARD)]
    assert main_document(html) == "model-card.html"
    assert main_document(html[:2]) == "model-card.pdf"
    assert main_document([_file("junit.xml"), _file("summary.md")]) == "summary.md"
    assert main_document([_file("junit.xml"), _file("evidence.json")]) == "junit.xml"
    with pytest.raises(ValueError, match="no main document"):
        main_document([])


def test_paths_are_file_name_safe() -> None:
    ds = DatasetInput(
        name="credit / train?", digest="a1b2c3d4e5", source_type="code", source="{}", context=None
    )
    assert dataset_sheet_path(ds) == "datasets/input-credit-train-a1b2c3d4.html"
    assert gap_report_path("nist-ai-rmf") == "gap-report-nist-ai-rmf.html"
    assert with_suffix("datasets/x.html", ".pdf") == "datasets/x.pdf"
