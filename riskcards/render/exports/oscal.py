"""OSCAL (NIST's Open Security Controls Assessment Language, 1.2) documents (layer: render).

For each assessed framework, three JSON documents under ``oscal/``:

- ``catalog-<id>.json`` - the catalogue as an OSCAL ``catalog``: its groups and controls,
  each control with a ``statement`` part (``<control>_smt``) the findings point at;
- ``assessment-plan-<id>.json`` - the minimal ``assessment-plan`` the results import: which
  controls were reviewed, against which catalogue and evidence mapping;
- ``assessment-results-<id>.json`` - the ``assessment-results``: one ``observation`` per piece
  of evidence (its link; its hash in ``back-matter``), one ``finding`` per control.

OSCAL's objective status is only ``satisfied`` or ``not-satisfied``: only a control that is
*met* is satisfied. riskcards' own status survives in ``status.reason`` (``pass``, ``fail``,
``partial``, ``waived``, ``not-applicable``, ``not-assessed``) and in props of the riskcards
namespace (``status``, ``inferred``, ``via-crosswalk``, ``underlying-status``, ``blocking``,
``severity``, ``owner``, ``decision``, ``approver``). OSCAL ids are tokens, so a control id such
as ``GOVERN 1.1`` becomes ``GOVERN-1.1``; the original is the control's ``label`` prop.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from riskcards import __version__
from riskcards.models.assessment import ControlResult, ControlStatus, EvidenceRef
from riskcards.models.assessment import FrameworkAssessment as Framework
from riskcards.models.bundle import JSON_FORMAT, BundleFile
from riskcards.models.catalogue import Catalogue, Control, ControlGroup
from riskcards.render.exports.common import (
    PROPS_NS,
    evidence_id,
    evidence_of,
    owners,
    severity,
    stable_uuid,
    to_json,
)
from riskcards.render.html import md_escape
from riskcards.render.job import RenderJob
from riskcards.render.paths import MODEL_CARD

OSCAL_VERSION = "1.2.1"
CATALOG_KIND = "oscal-catalog"
PLAN_KIND = "oscal-assessment-plan"
RESULTS_KIND = "oscal-assessment-results"

# riskcards' status -> the reason beside OSCAL's satisfied / not-satisfied
REASONS = {
    ControlStatus.MET: "pass",
    ControlStatus.GAP: "fail",
    ControlStatus.PARTIAL: "partial",
    ControlStatus.WAIVED: "waived",
    ControlStatus.NOT_APPLICABLE: "not-applicable",
    ControlStatus.NOT_ASSESSED: "not-assessed",
}
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_.-]+")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def oscal_id(identifier: str) -> str:
    """A control or group id as an OSCAL token: ``GOVERN 1.1`` -> ``GOVERN-1.1``."""
    token = _NOT_TOKEN.sub("-", identifier.strip()).strip("-") or "_"
    return token if re.match(r"[A-Za-z_]", token) else f"_{token}"


def line(value: str) -> str:
    """One line of plain text, whitespace folded (a prop value)."""
    return " ".join(value.split())


def text(value: object) -> str:
    """Data in an OSCAL markup field (titles, descriptions, remarks, prose are Markdown in
    OSCAL JSON): escaped, so it reads as text; whitespace folded."""
    return md_escape(value)


def prop(name: str, value: object, ns: str | None = PROPS_NS) -> dict[str, str]:
    found = {"name": name, "value": line(str(value))}
    return {**found, "ns": ns} if ns else found


def _props(*pairs: tuple[str, object]) -> dict[str, list[dict[str, str]]]:
    """``{"props": [...]}`` for the pairs with a value, or nothing (OSCAL lists are non-empty)."""
    found = [prop(n, v) for n, v in pairs if v is not None and line(str(v))]
    return {"props": found} if found else {}


def _aware(when: datetime) -> str:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def _metadata(job: RenderJob, title: str, version: str, **more: Any) -> dict[str, Any]:
    return {
        "title": text(title),
        "last-modified": _aware(job.assessment.as_of),
        "version": version,
        "oscal-version": OSCAL_VERSION,
        **more,
    }


def _paths(catalogue_id: str) -> tuple[str, str, str]:
    return (
        f"oscal/catalog-{catalogue_id}.json",
        f"oscal/assessment-plan-{catalogue_id}.json",
        f"oscal/assessment-results-{catalogue_id}.json",
    )


# --- catalog -------------------------------------------------------------------------------


def _control(control: Control) -> dict[str, Any]:
    oid = oscal_id(control.id)
    statement: dict[str, Any] = {"id": f"{oid}_smt", "name": "statement"}
    if control.text:
        statement["prose"] = text(control.text)
    parts = [statement]
    if control.summary:
        parts.append({"id": f"{oid}_gdn", "name": "guidance", "prose": text(control.summary)})
    return {
        "id": oid,
        "title": text(control.title or control.label or control.id),
        "props": [
            prop("label", control.id, ns=None),
            *(prop("alias", a) for a in control.aliases),
            *(prop("refines", oscal_id(r)) for r in control.refines),
            *([prop("origin", control.origin)] if control.origin else []),
        ],
        "parts": parts,
    }


def _group(cat: Catalogue, group: ControlGroup) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": oscal_id(group.id),
        "class": oscal_id(group.level),
        "title": text(group.title),
        "props": [prop("label", group.id, ns=None)],
    }
    if group.text:
        found["parts"] = [{"name": "overview", "prose": text(group.text)}]
    subgroups = [_group(cat, g) for g in cat.groups if g.parent == group.id]
    controls = [_control(c) for c in cat.controls if c.group == group.id]
    if subgroups:
        found["groups"] = subgroups
    if controls:
        found["controls"] = controls
    return found


def catalog(job: RenderJob, cat: Catalogue) -> dict[str, Any]:
    """The catalogue as an OSCAL ``catalog``."""
    source = {
        "uuid": stable_uuid("catalog-source", cat.id, cat.version),
        "title": text(cat.document or cat.title),
        "rlinks": [{"href": cat.source_url}],
        "remarks": text(
            f"Publisher: {cat.publisher}. Licence: {cat.licence}. {cat.attribution or ''}"
        ),
    }
    return {
        "catalog": {
            "uuid": stable_uuid("catalog", cat.id, cat.version),
            "metadata": _metadata(
                job,
                cat.title,
                cat.version,
                props=[prop("catalogue-id", cat.id), prop("short-title", cat.short_title)],
                links=[{"href": f"#{source['uuid']}", "rel": "source"}],
            ),
            "groups": [_group(cat, g) for g in cat.top_groups()],
            "back-matter": {"resources": [source]},
        }
    }


# --- assessment plan ---------------------------------------------------------------------------


def _reviewed(fw: Framework) -> dict[str, Any]:
    return {
        "description": text(f"The controls of {fw.catalogue_title} ({fw.catalogue_version})."),
        "control-selections": [
            {"include-controls": [{"control-id": oscal_id(c.control_id)} for c in fw.controls]}
        ],
    }


def assessment_plan(job: RenderJob, fw: Framework) -> dict[str, Any]:
    """The minimal plan the results import: the reviewed controls and where they come from."""
    catalog_path = _paths(fw.catalogue_id)[0].removeprefix("oscal/")
    catalog_ref = stable_uuid("catalog-resource", fw.catalogue_id, fw.catalogue_version)
    return {
        "assessment-plan": {
            "uuid": stable_uuid("assessment-plan", job.evidence.target.uri, fw.catalogue_id),
            "metadata": _metadata(
                job,
                f"riskcards assessment plan: {job.model} against {fw.catalogue_title}",
                __version__,
                props=[prop("mapping", job.assessment.mapping_id)],
            ),
            "import-ssp": {
                "href": f"../{MODEL_CARD}",
                "remarks": "riskcards assesses a model, not an information system: its model "
                "card stands in for the system security plan.",
            },
            "reviewed-controls": _reviewed(fw),
            "back-matter": {
                "resources": [
                    {
                        "uuid": catalog_ref,
                        "title": text(f"OSCAL catalog: {fw.catalogue_title}"),
                        "rlinks": [{"href": catalog_path, "media-type": "application/json"}],
                    }
                ]
            },
        }
    }


# --- assessment results --------------------------------------------------------------------


def _href(ref: EvidenceRef) -> str:
    """The evidence's URI: the first word of its locator (``runs:/<id>``, ``models:/...``)."""
    return ref.locator.split()[0] if ref.locator.strip() else "#"


def _resource(fw: Framework, ref: EvidenceRef) -> dict[str, Any] | None:
    """A back-matter resource holding the evidence's digest, when it has one."""
    if not ref.digest:
        return None
    rlink: dict[str, Any] = {"href": _href(ref)}
    if _SHA256.match(ref.digest):
        rlink["hashes"] = [{"algorithm": "SHA-256", "value": ref.digest.lower()}]
    return {
        "uuid": stable_uuid("evidence-resource", fw.catalogue_id, evidence_id(ref)),
        "title": text(f"{ref.kind}: {ref.locator}"),
        **_props(("digest", ref.digest), ("evidence-kind", ref.kind)),
        "rlinks": [rlink],
    }


def _observation(job: RenderJob, fw: Framework, ref: EvidenceRef) -> dict[str, Any]:
    resource = _resource(fw, ref)
    evidence: dict[str, Any] = {
        "href": f"#{resource['uuid']}" if resource else _href(ref),
        "description": text(ref.locator),
        **_props(("value", ref.value), ("digest", ref.digest)),
    }
    return {
        "uuid": stable_uuid("observation", fw.catalogue_id, evidence_id(ref)),
        "title": text(f"{ref.kind}: {ref.locator}"),
        "description": text(
            f"{ref.kind} {ref.locator}" + (f" = {ref.value}" if ref.value is not None else "")
        ),
        **_props(("evidence-kind", ref.kind)),
        "methods": ["TEST" if ref.kind == "metric" else "EXAMINE"],
        "relevant-evidence": [evidence],
        "collected": _aware(job.evidence.provenance.collected_at),
    }


def _finding_props(c: ControlResult) -> dict[str, list[dict[str, str]]]:
    decision = c.decision
    return _props(
        ("control", c.control_id),
        ("status", c.status.value),
        ("inferred", "true" if c.via_crosswalk else None),
        *(("via-crosswalk", s) for s in c.via_crosswalk),
        ("underlying-status", c.underlying.value if c.underlying else None),
        ("blocking", "true" if c.blocking else "false"),
        ("severity", severity(c)),
        *(("owner", o) for o in owners(c)),
        ("decision", decision.kind if decision else None),
        ("approver", decision.approver if decision else None),
        ("expires", decision.expires if decision else None),
        ("ticket", decision.ticket if decision else None),
    )


def _remarks(c: ControlResult) -> str | None:
    """A Markdown list: each check, note and decision, its data escaped."""
    said = [
        f"{k.check_id} ({k.status.value}, {k.severity}): {k.reason}"
        + (f" Expected {k.expected}; observed {k.observed}." if k.expected else "")
        for k in c.checks
    ]
    said += [f"note: {n}" for n in c.notes]
    if c.decision:
        said.append(f"{c.decision.kind} by {c.decision.approver}: {c.decision.reason}")
    return "\n".join(f"- {text(s)}" for s in said) or None


def _finding(fw: Framework, c: ControlResult) -> dict[str, Any]:
    oid = oscal_id(c.control_id)
    found: dict[str, Any] = {
        "uuid": stable_uuid("finding", fw.catalogue_id, c.control_id),
        "title": text(f"{c.control_id}: {c.label}" if c.label else c.control_id),
        "description": text(c.reason),
        **_finding_props(c),
        "target": {
            "type": "statement-id",
            "target-id": f"{oid}_smt",
            "status": {
                "state": "satisfied" if c.status is ControlStatus.MET else "not-satisfied",
                "reason": REASONS[c.status],
            },
        },
    }
    related = [
        {"observation-uuid": stable_uuid("observation", fw.catalogue_id, evidence_id(ref))}
        for ref in evidence_of(c.checks)
    ]
    if related:
        found["related-observations"] = related
    if remarks := _remarks(c):
        found["remarks"] = remarks
    return found


def _unique(items: Iterable[dict[str, Any] | None]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        if item is not None:
            found.setdefault(item["uuid"], item)
    return list(found.values())


def assessment_results(job: RenderJob, fw: Framework) -> dict[str, Any]:
    """One framework's results: an observation per piece of evidence, a finding per control."""
    refs = list(evidence_of([k for c in fw.controls for k in c.checks]))
    result: dict[str, Any] = {
        "uuid": stable_uuid("result", job.evidence.target.uri, fw.catalogue_id),
        "title": text(f"{job.model} against {fw.catalogue_title}"),
        "description": text(
            f"riskcards assessed {job.evidence.target.uri} against {fw.catalogue_title} "
            f"({fw.catalogue_version}) through the evidence mapping "
            f"{job.assessment.mapping_id}, as of {job.assessment.as_of.isoformat()}."
        ),
        "start": _aware(job.assessment.as_of),
        **_props(("target", job.evidence.target.uri), ("mapping", job.assessment.mapping_id)),
        "reviewed-controls": _reviewed(fw),
        "findings": [_finding(fw, c) for c in fw.controls],
    }
    if refs:
        result["observations"] = _unique(_observation(job, fw, r) for r in refs)
    document: dict[str, Any] = {
        "uuid": stable_uuid("assessment-results", job.evidence.target.uri, fw.catalogue_id),
        "metadata": _metadata(
            job,
            f"riskcards assessment results: {job.model} against {fw.catalogue_title}",
            __version__,
        ),
        "import-ap": {"href": _paths(fw.catalogue_id)[1].removeprefix("oscal/")},
        "results": [result],
    }
    if resources := _unique(_resource(fw, r) for r in refs):
        document["back-matter"] = {"resources": resources}
    return {"assessment-results": document}


def oscal_files(job: RenderJob, made: Sequence[BundleFile]) -> list[BundleFile]:
    """The catalog, assessment plan and assessment results of each assessed framework."""
    files = []
    for fw in job.assessment.frameworks:
        paths = _paths(fw.catalogue_id)
        documents = (
            (CATALOG_KIND, catalog(job, job.catalogues[fw.catalogue_id])),
            (PLAN_KIND, assessment_plan(job, fw)),
            (RESULTS_KIND, assessment_results(job, fw)),
        )
        files += [
            BundleFile(
                path=path,
                kind=kind,
                format=JSON_FORMAT,
                framework=fw.catalogue_id,
                content=to_json(doc),
            )
            for path, (kind, doc) in zip(paths, documents, strict=True)
        ]
    return files
