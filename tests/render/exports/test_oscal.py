"""OSCAL exports, validated with compliance-trestle's OSCAL 1.2 models (extra keys forbidden,
every pattern and enum checked), then read back against the gap reports."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from pydantic import ValidationError
from trestle.oscal import assessment_plan, assessment_results, catalog

from riskcards.models.assessment import (
    CheckResult,
    CheckStatus,
    ControlStatus,
    Decision,
    EvidenceRef,
)
from riskcards.render.exports.oscal import REASONS, oscal_files, oscal_id
from riskcards.render.html import md_escape
from riskcards.render.job import RenderJob
from tests.conftest import snapshot_of
from tests.render.exports.conftest import MakeJob, gap_statuses, with_control

MODELS = {
    "oscal-catalog": catalog.Model,
    "oscal-assessment-plan": assessment_plan.Model,
    "oscal-assessment-results": assessment_results.Model,
}


def _docs(job: RenderJob) -> dict[str, Any]:
    return {f.path: json.loads(f.content) for f in oscal_files(job, ())}


def _results(job: RenderJob, fw: str) -> dict[str, Any]:
    doc = _docs(job)[f"oscal/assessment-results-{fw}.json"]["assessment-results"]
    return doc  # type: ignore[no-any-return]


def _props(item: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in item.get("props", []):
        found.setdefault(p["name"], []).append(p["value"])
    return found


def test_every_document_is_valid_oscal(job: RenderJob) -> None:
    files = oscal_files(job, ())
    frameworks = [fw.catalogue_id for fw in job.assessment.frameworks]
    assert sorted(f.path for f in files) == sorted(
        f"oscal/{doc}-{fw}.json"
        for fw in frameworks
        for doc in ("catalog", "assessment-plan", "assessment-results")
    )
    for f in files:
        MODELS[f.kind].model_validate_json(f.content)  # raises on any schema violation
        assert f.format == "json" and f.framework in frameworks


def test_the_validator_rejects_what_oscal_does_not_allow(job: RenderJob) -> None:
    doc = _results(job, "nist-ai-rmf")
    doc["results"][0]["findings"][0]["target"]["status"]["state"] = "partial"
    with pytest.raises(ValidationError):
        assessment_results.Model.model_validate({"assessment-results": doc})
    doc = _results(job, "nist-ai-rmf")
    doc["results"][0]["findings"][0]["status"] = "met"  # riskcards' own key: not OSCAL
    with pytest.raises(ValidationError):
        assessment_results.Model.model_validate({"assessment-results": doc})


def test_findings_carry_riskcards_status_beside_the_oscal_state(job: RenderJob) -> None:
    statuses = gap_statuses(job)
    seen = set()
    for fw, controls in statuses.items():
        findings = _results(job, fw)["results"][0]["findings"]
        assert len(findings) == len(controls)
        for finding in findings:
            props = _props(finding)
            (control,) = props["control"]
            status = ControlStatus(props["status"][0])
            assert status.value == controls[control]
            state = finding["target"]["status"]
            assert state["state"] == (
                "satisfied" if status is ControlStatus.MET else "not-satisfied"
            )
            assert state["reason"] == REASONS[status]
            seen.add(status)
    assert {ControlStatus.MET, ControlStatus.GAP, ControlStatus.NOT_ASSESSED} <= seen


def test_inference_through_a_crosswalk_is_labelled(job: RenderJob) -> None:
    inferred = with_control(
        job, "nist-ai-rmf", 0, status=ControlStatus.PARTIAL, via_crosswalk=("iso A.6.2.4",)
    )
    finding = _results(inferred, "nist-ai-rmf")["results"][0]["findings"][0]
    props = _props(finding)
    assert props["inferred"] == ["true"] and props["via-crosswalk"] == ["iso A.6.2.4"]
    assert props["status"] == ["partial"] and finding["target"]["status"]["reason"] == "partial"


def test_waivers_keep_the_underlying_status_and_the_approver(job: RenderJob) -> None:
    decision = Decision(kind="waiver", approver="CRO", reason="accepted", expires="2027-01-01")
    waived = with_control(
        job,
        "nist-ai-rmf",
        0,
        status=ControlStatus.WAIVED,
        underlying=ControlStatus.GAP,
        decision=decision,
    )
    finding = _results(waived, "nist-ai-rmf")["results"][0]["findings"][0]
    props = _props(finding)
    assert finding["target"]["status"] == {"state": "not-satisfied", "reason": "waived"}
    assert props["underlying-status"] == ["gap"] and props["approver"] == ["CRO"]
    assert props["decision"] == ["waiver"] and props["expires"] == ["2027-01-01"]
    assessment_results.Model.model_validate({"assessment-results": _results(waived, "nist-ai-rmf")})


def test_observations_are_the_evidence_with_links_and_hashes(job: RenderJob) -> None:
    for fw in job.assessment.frameworks:
        doc = _results(job, fw.catalogue_id)
        result = doc["results"][0]
        refs = {(e.kind, e.locator) for c in fw.controls for k in c.checks for e in k.evidence}
        observations = {o["uuid"]: o for o in result["observations"]}
        assert len(observations) == len(refs)
        related = {
            r["observation-uuid"]
            for f in result["findings"]
            for r in f.get("related-observations", [])
        }
        assert related == set(observations)
        resources = {r["uuid"]: r for r in doc["back-matter"]["resources"]}
        digests = {e.digest for c in fw.controls for k in c.checks for e in k.evidence if e.digest}
        assert {_props(r)["digest"][0] for r in resources.values()} == digests
        for o in observations.values():
            href = o["relevant-evidence"][0]["href"]
            assert href.startswith(("#", "runs:/", "models:/"))
            if href.startswith("#"):
                assert href[1:] in resources
        hashed = [
            h for r in resources.values() for link in r["rlinks"] for h in link.get("hashes", [])
        ]
        assert hashed and all(h["algorithm"] == "SHA-256" and len(h["value"]) == 64 for h in hashed)


def _catalog_controls(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every control of an OSCAL catalog's groups, however deep."""
    found = []
    for g in groups:
        found += _catalog_controls(g.get("groups", [])) + g.get("controls", [])
    return found


def test_results_import_the_plan_and_point_at_the_catalog(job: RenderJob) -> None:
    docs = _docs(job)
    for fw in job.assessment.frameworks:
        fid = fw.catalogue_id
        results = docs[f"oscal/assessment-results-{fid}.json"]["assessment-results"]
        plan = docs[f"oscal/assessment-plan-{fid}.json"]["assessment-plan"]
        cat = docs[f"oscal/catalog-{fid}.json"]["catalog"]
        assert results["import-ap"]["href"] == f"assessment-plan-{fid}.json"
        assert plan["back-matter"]["resources"][0]["rlinks"][0]["href"] == f"catalog-{fid}.json"
        controls = {c["id"]: c for c in _catalog_controls(cat["groups"])}
        statements = {
            p["id"] for c in controls.values() for p in c["parts"] if p["name"] == "statement"
        }
        reviewed = {
            c["control-id"]
            for sel in plan["reviewed-controls"]["control-selections"]
            for c in sel["include-controls"]
        }
        assert reviewed == {oscal_id(c.control_id) for c in fw.controls} <= set(controls)
        targets = {f["target"]["target-id"] for f in results["results"][0]["findings"]}
        assert targets <= statements


def test_blank_and_multi_line_values_still_make_valid_oscal(job: RenderJob) -> None:
    fw = job.assessment.frameworks[0]
    control = fw.controls[0]
    blank = EvidenceRef(kind="tag", locator="runs:/abc tag note", value=" \n ", digest=None)
    check = CheckResult(
        check_id="x",
        title="line one\nline two",
        kind="run",
        severity="high",
        status=CheckStatus.FAIL,
        reason="first\nsecond",
        evidence=(blank,),
        owner="  team\n a  ",
    )
    odd = with_control(job, fw.catalogue_id, 0, checks=(*control.checks, check), label="a\nb")
    doc = _results(odd, fw.catalogue_id)
    assessment_results.Model.model_validate({"assessment-results": doc})
    finding = doc["results"][0]["findings"][0]
    assert _props(finding)["owner"] == ["team a"] and "\n" not in finding["title"]


def test_data_in_markup_fields_is_escaped(job: RenderJob) -> None:
    hostile = "<img src=x onerror=alert(1)> [link](https://evil.example) *b*"
    fw = job.assessment.frameworks[0]
    doc = _results(
        with_control(job, fw.catalogue_id, 0, label=hostile, reason=hostile), fw.catalogue_id
    )
    assessment_results.Model.model_validate({"assessment-results": doc})
    finding = doc["results"][0]["findings"][0]
    for field in (finding["title"], finding["description"]):
        assert md_escape(hostile) in field and hostile not in field


def test_control_ids_become_oscal_tokens() -> None:
    assert oscal_id("GOVERN 1.1") == "GOVERN-1.1"
    assert oscal_id("A.6.2.4") == "A.6.2.4"
    assert oscal_id("Article 9(2)") == "Article-9-2"
    assert oscal_id("6.1") == "_6.1"


def test_same_inputs_same_bytes_and_content_derived_uuids(
    job: RenderJob, make_job: MakeJob
) -> None:
    first = [f.content for f in oscal_files(job, ())]
    assert first == [f.content for f in oscal_files(make_job(), ())]
    ids = _results(job, "nist-ai-rmf")["uuid"]
    assert uuid.UUID(ids).version == 5
    other = make_job(snapshot_of("another-model"))
    assert _results(other, "nist-ai-rmf")["uuid"] != ids
