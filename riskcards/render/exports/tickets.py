"""Ticket payloads, one per gap to act on (layer: render): ``tickets/<key>.json``.

A ticket is written for each control that blocks the release gate, and for each control
with a gap (status ``gap`` or ``partial``) whose failing checks have an owner. Each file
holds:

- ``key`` - sha256 of framework, control and model name (not version): the same gap of the
  same model has the same key from one release to the next, so a CI job can update the
  ticket it opened before instead of opening another (the key is also a label);
- ``framework``, ``control``, ``status``, ``severity``, ``owners``, ``links`` (paths of the
  bundle files about it, relative to the bundle's root);
- ``github`` - the body of GitHub's create-issue call (``POST /repos/{owner}/{repo}/issues``):
  ``title``, ``body`` in GitHub Markdown, ``labels``;
- ``jira`` - the body of Jira's create-issue call (``POST /rest/api/2/issue``): ``fields``
  with ``summary``, ``description`` in Jira wiki markup, ``labels`` and ``issuetype`` Task;
  the Jira project is the poster's to add (``fields.project.key``).

Every value from MLflow, a catalogue or a decision is escaped for the markup it goes into.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from riskcards.models.assessment import ControlResult, ControlStatus
from riskcards.models.assessment import FrameworkAssessment as Framework
from riskcards.models.bundle import JSON_FORMAT, BundleFile
from riskcards.render.exports.common import (
    bundle_links,
    model_name,
    owners,
    severity,
    status_name,
    to_json,
)
from riskcards.render.html import md_escape
from riskcards.render.job import RenderJob

TICKET_KIND = "ticket"
_JIRA_SPECIAL = re.compile(r"([\\{}\[\]*_?\-+^~|!#()])")
_LABEL = re.compile(r"[^A-Za-z0-9_.:-]+")


def ticket_key(catalogue_id: str, control_id: str, model: str) -> str:
    """The stable key of the ticket for one control of one model."""
    return hashlib.sha256(f"{catalogue_id}\n{control_id}\n{model}".encode()).hexdigest()


def wanted(c: ControlResult) -> bool:
    """Does this control get a ticket? When it blocks the gate, or is a gap someone owns."""
    gap = c.status in (ControlStatus.GAP, ControlStatus.PARTIAL)
    return c.blocking or (gap and bool(owners(c)))


def jira_escape(value: object) -> str:
    """Untrusted text as inert Jira wiki markup (one line)."""
    return _JIRA_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _label(value: str) -> str:
    return _LABEL.sub("_", value)[:50]


def _labels(fw: Framework, c: ControlResult, key: str) -> list[str]:
    labels = [
        "riskcards",
        f"framework:{fw.catalogue_id}",
        f"control:{c.control_id}",
        f"severity:{severity(c) or 'none'}",
        f"riskcards-key:{key[:16]}",
    ]
    if c.blocking:
        labels.append("blocking")
    return [_label(x) for x in labels]


def _failing(c: ControlResult) -> list[tuple[str, str]]:
    """(check id, what went wrong) for each check that did not pass."""
    found = []
    for k in c.checks:
        if not k.failing:
            continue
        said = f"{k.title} ({k.status.value}, {k.severity}): {k.reason}"
        if k.expected:
            said += f" Expected {k.expected}; observed {k.observed or 'nothing'}."
        if k.remediation:
            said += f" Remediation: {k.remediation}"
        found.append((k.check_id, said))
    return found


def _facts(job: RenderJob, fw: Framework, c: ControlResult) -> list[tuple[str, str]]:
    return [
        ("Model", job.evidence.target.uri),
        ("Framework", f"{fw.catalogue_title} ({fw.catalogue_version})"),
        ("Control", f"{c.control_id}: {c.label}"),
        ("Status", status_name(c) + (" - blocks the release gate" if c.blocking else "")),
        ("Why", c.reason),
        ("Owner", ", ".join(owners(c)) or "none named"),
        ("Assessed as of", job.assessment.as_of.isoformat()),
    ]


def _github_body(
    facts: list[tuple[str, str]], c: ControlResult, links: Sequence[str], key: str
) -> str:
    lines = [f"- **{label}**: {md_escape(value)}" for label, value in facts]
    lines += ["", "### Checks that did not pass", ""]
    lines += [f"- {md_escape(i)}: {md_escape(s)}" for i, s in _failing(c)] or ["- none"]
    lines += ["", "### In the release bundle", ""]
    lines += [f"- {md_escape(p)}" for p in links] or ["- none"]
    lines += ["", f"<!-- riskcards-key: {key} -->"]
    return "\n".join(lines) + "\n"


def _jira_description(
    facts: list[tuple[str, str]], c: ControlResult, links: Sequence[str], key: str
) -> str:
    lines = [f"* *{label}*: {jira_escape(value)}" for label, value in facts]
    lines += ["", "h3. Checks that did not pass"]
    lines += [f"* {jira_escape(i)}: {jira_escape(s)}" for i, s in _failing(c)] or ["* none"]
    lines += ["", "h3. In the release bundle"]
    lines += [f"* {jira_escape(p)}" for p in links] or ["* none"]
    lines += ["", f"riskcards key: {key}"]
    return "\n".join(lines) + "\n"


def ticket(job: RenderJob, fw: Framework, c: ControlResult, links: Sequence[str]) -> dict[str, Any]:
    """The payloads for one control."""
    key = ticket_key(fw.catalogue_id, c.control_id, model_name(job))
    facts = _facts(job, fw, c)
    labels = _labels(fw, c, key)
    title = " ".join(f"[{fw.catalogue_id}] {c.control_id} {c.status.value}: {c.label}".split())
    title = f"{title[:200]} ({job.model})"
    return {
        "key": key,
        "framework": fw.catalogue_id,
        "control": c.control_id,
        "status": c.status.value,
        "blocking": c.blocking,
        "severity": severity(c),
        "owners": list(owners(c)),
        "model": job.evidence.target.uri,
        "links": list(links),
        "github": {"title": title, "body": _github_body(facts, c, links, key), "labels": labels},
        "jira": {
            "fields": {
                "summary": title[:255],
                "description": _jira_description(facts, c, links, key),
                "labels": labels,
                "issuetype": {"name": "Task"},
            }
        },
    }


def ticket_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    """One file per control that blocks the gate or is a gap someone owns."""
    files = []
    for fw in job.assessment.frameworks:
        links = bundle_links(fw, made)
        for c in fw.controls:
            if wanted(c):
                data = ticket(job, fw, c, links)
                files.append(
                    BundleFile(
                        path=f"tickets/{data['key'][:16]}.json",
                        kind=TICKET_KIND,
                        format=JSON_FORMAT,
                        framework=fw.catalogue_id,
                        content=to_json(data),
                    )
                )
    return files
