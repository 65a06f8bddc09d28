"""Ticket payloads: which gaps get one, the stable key, the GitHub and Jira bodies."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from riskcards.models.assessment import ControlStatus
from riskcards.models.bundle import BundleFile
from riskcards.render.exports.tickets import jira_escape, ticket_files, ticket_key, wanted
from riskcards.render.html import md_escape
from riskcards.render.job import RenderJob
from tests.conftest import snapshot_of
from tests.render.exports.conftest import MakeJob, with_control

HOSTILE = "<img src=x onerror=alert(1)> [link](https://evil.example) {color:red}x{color} *b*"


def _tickets(job: RenderJob, made: tuple[BundleFile, ...] = ()) -> list[dict[str, Any]]:
    files = ticket_files(job, made)
    assert all(f.kind == "ticket" and f.format == "json" for f in files)
    return [json.loads(f.content) for f in files]


def test_one_ticket_per_blocking_gap_and_per_owned_gap(job: RenderJob) -> None:
    tickets = _tickets(job)
    expected = {
        (fw.catalogue_id, c.control_id)
        for fw in job.assessment.frameworks
        for c in fw.controls
        if c.blocking
        or (
            c.status in (ControlStatus.GAP, ControlStatus.PARTIAL)
            and any(k.owner and k.status.value != "pass" for k in c.checks)
        )
    }
    assert expected, "the test snapshot should have gaps to ticket"
    assert {(t["framework"], t["control"]) for t in tickets} == expected
    assert any(t["blocking"] for t in tickets)
    met = next(
        c for fw in job.assessment.frameworks for c in fw.controls if c.status.value == "met"
    )
    assert not wanted(met)


def test_the_key_is_framework_control_and_model_so_a_rerun_updates(
    job: RenderJob, make_job: MakeJob
) -> None:
    tickets = _tickets(job)
    for t in tickets:
        digest = hashlib.sha256(f"{t['framework']}\n{t['control']}\ncredit-risk".encode())
        assert (
            t["key"]
            == digest.hexdigest()
            == ticket_key(t["framework"], t["control"], "credit-risk")
        )
    # another version of the same model: the same keys; another model: other keys
    assert [t["key"] for t in _tickets(make_job(snapshot_of("credit-risk", "4")))] == [
        t["key"] for t in _tickets(make_job(snapshot_of("credit-risk", "3")))
    ]
    others = {t["key"] for t in _tickets(make_job(snapshot_of("fraud-model")))}
    assert others.isdisjoint(t["key"] for t in tickets)
    files = ticket_files(job, ())
    assert [f.path for f in files] == [f"tickets/{t['key'][:16]}.json" for t in tickets]


def test_payloads_fit_the_github_and_jira_create_issue_calls(
    job: RenderJob, made: tuple[BundleFile, ...]
) -> None:
    for t in _tickets(job, made):
        gh, jira = t["github"], t["jira"]["fields"]
        assert set(t["github"]) == {"title", "body", "labels"}
        assert set(jira) == {"summary", "description", "labels", "issuetype"}
        assert len(jira["summary"]) <= 255 and "\n" not in jira["summary"]
        labels = set(gh["labels"])
        assert labels == set(jira["labels"])
        assert {"riskcards", f"framework:{t['framework']}", f"severity:{t['severity']}"} <= labels
        assert f"control:{t['control'].replace(' ', '_')}" in labels
        assert all(len(x) <= 50 and " " not in x for x in labels)
        assert f"riskcards-key: {t['key']}" in gh["body"] and t["key"] in jira["description"]
        for owner in t["owners"]:
            assert jira_escape(owner) in jira["description"]
        paths = {f.path for f in made}
        assert f"gap-report-{t['framework']}.html" in t["links"] and set(t["links"]) <= paths
        assert "### Checks that did not pass" in gh["body"]
        assert "h3. Checks that did not pass" in jira["description"]


def test_text_from_data_is_inert_in_both_markups(job: RenderJob) -> None:
    fw = job.assessment.frameworks[0]
    index = next(i for i, c in enumerate(fw.controls) if c.blocking)
    hostile = with_control(job, fw.catalogue_id, index, reason=HOSTILE, label=HOSTILE)
    t = next(t for t in _tickets(hostile) if t["blocking"])
    body, description = t["github"]["body"], t["jira"]["fields"]["description"]
    assert HOSTILE not in body and HOSTILE not in description
    assert md_escape(HOSTILE) in body and jira_escape(HOSTILE) in description
    # every markup character of the data is escaped
    assert not re.search(r"(?<!\\)[<\[]", md_escape(HOSTILE))
    assert not re.search(r"(?<!\\)[{}\[\]*!|]", jira_escape(HOSTILE))
    assert jira_escape("a\nb  *c*") == "a b \\*c\\*"


def test_same_inputs_same_bytes(job: RenderJob, make_job: MakeJob) -> None:
    assert [f.content for f in ticket_files(job, ())] == [
        f.content for f in ticket_files(make_job(), ())
    ]
