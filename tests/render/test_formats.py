"""The registry of output formats: the default set is today's bundle, ``junit`` is there
to choose, an unknown name is a usage error with the near match, and a format registered
from outside riskcards writes its own files, with its own kind and format in the manifest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from riskcards.bundle import build_manifest
from riskcards.errors import UsageError
from riskcards.load.catalogues import Loaded
from riskcards.models.bundle import BundleFile
from riskcards.render import (
    OutputFormat,
    RenderJob,
    Stage,
    default_formats,
    register_format,
    registered_format,
    render,
    unregister_format,
)
from riskcards.render.formats import formats, selected
from riskcards.render.junit import junit_xml
from tests.render.conftest import NO_PDF, Rendered, assessed

DOCUMENTS = {
    "model-card.html",
    "datasets/evaluation-credit-eval-e1e2e3e4.html",
    "datasets/training-credit-train-a1a2a3a4.html",
    "gap-report-nist-ai-rmf.html",
    "gap-report-iso-iec-42001.html",
    "soa-iso-iec-42001.html",
}
SOA_CSV = "soa-iso-iec-42001.csv"
DATA = {"gap-report-nist-ai-rmf.json", "gap-report-iso-iec-42001.json"}


def _toy(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    """A format as a plugin would write it: one line per control, and what came before."""
    lines = [
        f"{fw.catalogue_id} {c.control_id} {c.status.value}"
        for fw in job.assessment.frameworks
        for c in fw.controls
    ]
    lines.append("made before: " + ", ".join(sorted(f.path for f in made)))
    content = ("\n".join(lines) + "\n").encode()
    return [BundleFile(path="controls.txt", kind="control-list", format="txt", content=content)]


TOY = OutputFormat("toy", "every control's status, one per line", _toy)


def test_the_default_set_is_html_pdf_json_and_md() -> None:
    assert default_formats() == ("html", "pdf", "json", "md")
    assert [f.name for f in formats()] == [
        *("html", "pdf", "json", "junit"),
        *("oscal", "cyclonedx", "hf", "tickets"),  # the exports (riskcards.render.exports)
        "md",
    ]
    assert [f.name for f in selected()] == ["html", "pdf", "json", "evidence", "md"]
    assert all(f.description for f in formats())


def test_without_pdf_the_files_are_todays(rendered: Rendered) -> None:
    assert set(rendered()) == DOCUMENTS | DATA | {SOA_CSV, "evidence.json", "summary.md"}


def test_formats_run_in_stage_order_whatever_the_order_asked(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    files = render(ev, a, loaded.catalogues, formats=["md", "json", "html", "json"])
    assert [(f.format, f.kind) for f in files] == [
        ("html", "model-card"),
        ("html", "dataset-sheet"),
        ("html", "dataset-sheet"),
        ("html", "gap-report"),
        ("html", "gap-report"),
        ("html", "statement-of-applicability"),
        ("csv", "statement-of-applicability"),
        ("json", "gap-report"),
        ("json", "gap-report"),
        ("json", "evidence"),
        ("md", "summary"),
    ]
    assert files == render(ev, a, loaded.catalogues, formats=NO_PDF)


def test_the_evidence_is_always_written(rendered: Rendered) -> None:
    assert set(rendered(formats=["json"])) == DATA | {"evidence.json"}
    assert set(rendered(formats=[])) == {"evidence.json"}
    assert set(rendered(formats="json")) == DATA | {"evidence.json"}  # one name, not letters


def test_junit_is_chosen_by_name_and_listed_by_the_summary(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    files = {f.path: f for f in render(ev, a, loaded.catalogues, formats=["junit", "md"])}
    junit = files["junit.xml"]
    assert (junit.kind, junit.format) == ("junit", "xml")
    assert junit.content == junit_xml(a, ev.target.uri)
    assert "junit.xml" in files["summary.md"].content.decode()
    assert "junit" not in default_formats()


@pytest.mark.parametrize(
    ("name", "hint"),
    [("jsn", "did you mean 'json'?"), ("PDF", "did you mean 'pdf'?"), ("docx", "(known: ")],
)
def test_an_unknown_format_is_a_usage_error_with_the_near_match(
    loaded: Loaded, name: str, hint: str
) -> None:
    ev, a = assessed(loaded)
    with pytest.raises(UsageError, match="unknown output format") as caught:
        render(ev, a, loaded.catalogues, formats=["html", name])
    message = str(caught.value)
    known = "(known: cyclonedx, hf, html, json, junit, md, oscal, pdf, tickets)"
    assert hint in message and known in message
    assert "did you mean" not in message or name != "docx"


def test_a_format_registered_from_outside_writes_its_own_files(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    with registered_format(TOY):
        assert "toy" in [f.name for f in formats()] and "toy" not in default_formats()
        files = render(ev, a, loaded.catalogues, formats=["html", "toy", "md"])
    by_path = {f.path: f for f in files}
    toy = by_path["controls.txt"]
    assert (toy.kind, toy.format) == ("control-list", "txt")
    text = toy.content.decode()
    assert "nist-ai-rmf MEASURE 2.11 gap" in text
    assert "made before: datasets/" in text and "evidence.json" not in text  # stage DATA
    assert "controls.txt" in by_path["summary.md"].content.decode()
    manifest = build_manifest(
        files,
        target=ev.target.uri,
        model=ev.target.display,
        as_of=datetime(2026, 11, 28, tzinfo=UTC),
        main="model-card.html",
        inputs=(),
    )
    entry = next(m for m in manifest.files if m.path == "controls.txt")
    assert (entry.kind, entry.format) == ("control-list", "txt")
    with pytest.raises(UsageError, match="unknown output format 'toy'"):
        render(ev, a, loaded.catalogues, formats=["toy"])


def test_registering_checks_names() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_format(OutputFormat("json", "another json", _toy))
    with pytest.raises(ValueError, match="already registered"):
        register_format(OutputFormat("evidence", "the evidence is not a choice", _toy))
    with pytest.raises(ValueError, match="lower-case letters"):
        OutputFormat("Bad Name", "", _toy)
    with pytest.raises(TypeError):
        register_format("toy")  # type: ignore[arg-type]
    register_format(TOY)
    try:
        register_format(TOY)  # the same format again is no change
        assert [f.name for f in formats()].count("toy") == 1
    finally:
        unregister_format("toy")
    assert "toy" not in [f.name for f in formats()]


def test_a_later_stage_sees_every_earlier_file(loaded: Loaded) -> None:
    seen: list[str] = []

    def last(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
        seen.extend(f.path for f in made)
        return []

    ev, a = assessed(loaded)
    with registered_format(OutputFormat("last", "sees everything", last, stage=Stage.SUMMARY + 1)):
        files = render(ev, a, loaded.catalogues, formats=["html", "md", "last"])
    assert seen == [f.path for f in files] and seen[-1] == "summary.md"


@pytest.mark.integration
def test_pdf_without_html_prints_the_html_but_does_not_write_it(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    files = render(ev, a, loaded.catalogues, formats=["pdf"], pdf_workers=1)
    assert {f.path for f in files} == {p.removesuffix(".html") + ".pdf" for p in DOCUMENTS} | {
        "evidence.json"
    }
    assert all(f.content.startswith(b"%PDF-") for f in files if f.format == "pdf")


def test_documents_and_paths(loaded: Loaded) -> None:
    ev, a = assessed(loaded)
    files = {f.path: f.content for f in render(ev, a, loaded.catalogues, formats=NO_PDF)}
    assert set(files) == {
        "model-card.html",
        "datasets/evaluation-credit-eval-e1e2e3e4.html",
        "datasets/training-credit-train-a1a2a3a4.html",
        "gap-report-nist-ai-rmf.html",
        "gap-report-nist-ai-rmf.json",
        "gap-report-iso-iec-42001.html",
        "gap-report-iso-iec-42001.json",
        "soa-iso-iec-42001.html",
        "soa-iso-iec-42001.csv",
        "evidence.json",
        "summary.md",
    }
