"""A render job builds each shared document once, from its inputs only."""

from __future__ import annotations

from riskcards.load.catalogues import Loaded
from riskcards.render.job import RenderJob
from tests.render.conftest import assessed


def test_documents_are_built_once_and_in_order(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    job = RenderJob(evidence=ev, assessment=a, catalogues=loaded.catalogues)
    assert job.html_documents is job.html_documents
    assert job.gap_reports is job.gap_reports
    kinds = [d.kind for d in job.html_documents]
    assert kinds == [
        "model-card",
        "dataset-sheet",
        "dataset-sheet",
        "gap-report",
        "gap-report",
        "statement-of-applicability",
    ]
    assert [fw.catalogue_id for fw, _ in job.gap_reports] == [f.catalogue_id for f in a.frameworks]
    assert job.evidence_json == (ev.model_dump_json(indent=2) + "\n").encode()


def test_every_page_carries_the_shared_metadata(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    job = RenderJob(evidence=ev, assessment=a, catalogues=loaded.catalogues)
    meta = job.meta("Model card: x", "Model card")
    assert (meta.model, meta.target, meta.as_of) == (ev.target.display, ev.target.uri, a.as_of)
    for doc in job.html_documents:
        assert a.as_of.strftime("%Y-%m-%d") in doc.content.decode()
