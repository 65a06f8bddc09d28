"""Fixtures of the export tests: one render job over the full test snapshot, and what the
built-in formats made before the exports run (so tickets can link to it)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from riskcards.assess import assess
from riskcards.load.catalogues import Loaded
from riskcards.models.bundle import BundleFile
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.render.builtin import html_files, json_files
from riskcards.render.job import RenderJob
from tests.conftest import AS_OF, make_snapshot

MakeJob = Callable[..., RenderJob]


@pytest.fixture(scope="session")
def make_job(loaded: Loaded) -> MakeJob:
    """``make_job(snapshot=None)``: the job of a snapshot (default: every field filled)."""

    def job(snapshot: EvidenceSnapshot | None = None) -> RenderJob:
        ev = snapshot or make_snapshot(every_field=True)
        a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
        return RenderJob(evidence=ev, assessment=a, catalogues=loaded.catalogues)

    return job


@pytest.fixture(scope="session")
def job(make_job: MakeJob) -> RenderJob:
    return make_job()


@pytest.fixture(scope="session")
def made(job: RenderJob) -> tuple[BundleFile, ...]:
    """The HTML documents and gap-report JSON, as the exports see them in a release."""
    docs = tuple(html_files(job, ()))
    return docs + tuple(json_files(job, docs))


def gap_statuses(job: RenderJob) -> dict[str, dict[str, str]]:
    """framework -> control -> status, as gap-report-<framework>.json says."""
    found = {}
    for f in json_files(job, ()):
        data = json.loads(f.content)
        found[data["catalogue_id"]] = {c["control_id"]: c["status"] for c in data["controls"]}
    return found


def with_control(job: RenderJob, framework: str, index: int, **changes: object) -> RenderJob:
    """The job with one control's result changed (a waiver, an inference, a hostile text)."""
    frameworks = []
    for fw in job.assessment.frameworks:
        if fw.catalogue_id == framework:
            controls = list(fw.controls)
            controls[index] = controls[index].model_copy(update=changes)
            fw = fw.model_copy(update={"controls": tuple(controls)})
        frameworks.append(fw)
    assessment = job.assessment.model_copy(update={"frameworks": tuple(frameworks)})
    return RenderJob(evidence=job.evidence, assessment=assessment, catalogues=job.catalogues)
