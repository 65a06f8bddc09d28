"""The built-in formats' files: gap-report JSON, the evidence, the summary's file list."""

from __future__ import annotations

import json

from riskcards.load.catalogues import Loaded
from riskcards.models.analysis import Analysis, AnalysisFailure
from riskcards.models.bundle import BundleFile
from riskcards.render.builtin import evidence_files, json_files, summary_files
from riskcards.render.job import RenderJob
from tests.render.conftest import assessed


def _job(loaded: Loaded, analysis: Analysis | None = None) -> RenderJob:
    ev, a = assessed(loaded)
    return RenderJob(evidence=ev, assessment=a, catalogues=loaded.catalogues, analysis=analysis)


def test_gap_report_json_states_when_what_and_against_which_mapping(loaded: Loaded) -> None:
    job = _job(loaded)
    files = {f.framework: f for f in json_files(job, ())}
    assert list(files) == [fw.catalogue_id for fw in job.assessment.frameworks]
    nist = files["nist-ai-rmf"]
    data = json.loads(nist.content)
    assert nist.path == "gap-report-nist-ai-rmf.json" and (nist.kind, nist.format) == (
        "gap-report",
        "json",
    )
    assert data["as_of"] == job.assessment.as_of.isoformat()
    assert data["mapping"] == job.assessment.mapping_id
    assert data["target"] == job.evidence.target.uri and data["catalogue_id"] == "nist-ai-rmf"


def test_analytics_json_only_when_something_was_analysed(loaded: Loaded) -> None:
    assert [f.path for f in evidence_files(_job(loaded), ())] == ["evidence.json"]
    assert [f.path for f in evidence_files(_job(loaded, Analysis()), ())] == ["evidence.json"]
    failed = Analysis(
        failures=(
            AnalysisFailure(table="eval.json", measurement="calibration", message="no scores"),
        )
    )
    files = evidence_files(_job(loaded, failed), ())
    assert [(f.path, f.kind, f.format) for f in files] == [
        ("evidence.json", "evidence", "json"),
        ("analytics.json", "evidence", "json"),
    ]


def test_the_summary_lists_what_was_made_before_it(loaded: Loaded) -> None:
    made = [BundleFile(path="x/junit.xml", kind="junit", format="xml", content=b"")]
    (summary,) = summary_files(_job(loaded), made)
    text = summary.content.decode()
    assert summary.path == "summary.md" and (summary.kind, summary.format) == ("summary", "md")
    assert "x/junit.xml" in text
