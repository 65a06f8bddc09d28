"""The CycloneDX ML-BOM, validated with cyclonedx-python-lib's strict JSON validator for
spec 1.6 (the schema with ``additionalProperties: false`` everywhere), then read back."""

from __future__ import annotations

import json
import math
from typing import Any

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from riskcards.models.analysis import (
    Analysis,
    AttributeSlices,
    PredictionAnalysis,
    Rate,
    SliceMetrics,
    SliceParameters,
    SliceReport,
    Source,
)
from riskcards.models.assessment import ControlStatus
from riskcards.render.exports.cyclonedx import SCORES, cyclonedx_files
from riskcards.render.job import RenderJob
from tests.render.exports.conftest import MakeJob, gap_statuses

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def _bom(job: RenderJob) -> dict[str, Any]:
    (f,) = cyclonedx_files(job, ())
    assert (f.path, f.kind, f.format) == ("ml-bom.cdx.json", "cyclonedx-ml-bom", "json")
    return json.loads(f.content)  # type: ignore[no-any-return]


def _validate(bom: dict[str, Any]) -> object:
    return VALIDATOR.validate_str(json.dumps(bom))


def _rate(value: float) -> Rate:
    return Rate(value=value, low=value - 0.05, high=value + 0.05, successes=8, trials=10)


def _slice(value: str, accuracy: float) -> SliceMetrics:
    return SliceMetrics(
        value=value,
        n=100,
        too_small=False,
        accuracy=_rate(accuracy),
        true_positive_rate=_rate(0.5),
        false_positive_rate=_rate(0.1),
        selection_rate=_rate(0.3),
    )


def _analysis() -> Analysis:
    report = SliceReport(
        source=Source(table="eval/predictions.json"),
        columns={"label": "label"},
        rows=200,
        parameters=SliceParameters(min_slice_size=30),
        overall=_slice("all", 0.8),
        worst_slice_gap=0.05,
        attributes=(
            AttributeSlices(
                attribute="sex",
                slices=(_slice("female", 0.75), _slice("male", 0.85)),
                judged=2,
                worst_slice="female",
                worst_slice_gap=0.05,
                demographic_parity_difference=0.1,
                equalized_odds_difference=0.1,
            ),
        ),
    )
    prediction = PredictionAnalysis(
        source=Source(table="eval/predictions.json"),
        calibration=None,
        slices=report,
        robustness=None,
    )
    return Analysis(predictions=(prediction,))


def test_the_bom_is_valid_cyclonedx_1_6(job: RenderJob) -> None:
    bom = _bom(job)
    assert bom["specVersion"] == "1.6" and bom["bomFormat"] == "CycloneDX"
    assert _validate(bom) is None


def test_the_strict_validator_rejects_what_the_spec_does_not_allow(job: RenderJob) -> None:
    bom = _bom(job)
    bom["components"][0]["modelCard"]["riskcards"] = "not a CycloneDX field"
    assert _validate(bom) is not None
    bom = _bom(job)
    bom["declarations"]["attestations"][0]["map"][0]["conformance"] = {"score": 2}
    assert _validate(bom) is not None


def test_every_logged_metric_is_a_performance_metric(job: RenderJob) -> None:
    model = _bom(job)["components"][0]
    assert model["type"] == "machine-learning-model" and model["bom-ref"] == "model"
    metrics = model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    logged = job.evidence.run.metrics
    assert len(metrics) == len(logged)
    for m, value in zip(metrics, logged, strict=True):
        parsed = float(m["value"])
        assert parsed == value.value or (math.isnan(parsed) and math.isnan(value.value))
        if value.key.startswith("slice/"):
            _, attr, val, name = value.key.split("/", 3)
            assert (m["type"], m["slice"]) == (name, f"{attr}={val}")
        else:
            assert m["type"] == value.key and "slice" not in m


def test_recomputed_slices_carry_their_confidence_intervals(
    job: RenderJob, make_job: MakeJob
) -> None:
    analysed = RenderJob(
        evidence=job.evidence,
        assessment=job.assessment,
        catalogues=job.catalogues,
        analysis=_analysis(),
    )
    bom = _bom(analysed)
    assert _validate(bom) is None
    card = bom["components"][0]["modelCard"]
    recomputed = [
        m for m in card["quantitativeAnalysis"]["performanceMetrics"] if "confidenceInterval" in m
    ]
    assert [(m["slice"], m["value"]) for m in recomputed] == [
        ("sex=female", "0.75"),
        ("sex=male", "0.85"),
    ]
    assert recomputed[0]["confidenceInterval"] == {
        "lowerBound": str(0.75 - 0.05),
        "upperBound": str(0.75 + 0.05),
    }
    (fairness,) = card["considerations"]["fairnessAssessments"]
    assert fairness["groupAtRisk"] == "sex=female" and "0.05" in fairness["harms"]


def test_considerations_come_from_the_card_and_stay_absent_when_not_provided(
    job: RenderJob,
) -> None:
    considerations = _bom(job)["components"][0]["modelCard"]["considerations"]
    tags = job.evidence.run.tags
    assert considerations["useCases"] == [tags["intended_use"]]
    assert considerations["technicalLimitations"] == [tags["limitations"]]
    assert "users" not in considerations and "ethicalConsiderations" not in considerations


def test_datasets_are_data_components_with_their_digests(job: RenderJob) -> None:
    bom = _bom(job)
    data = {c["bom-ref"]: c for c in bom["components"] if c["type"] == "data"}
    digests = {
        c["name"]: {p["name"]: p["value"] for p in c["properties"]}["riskcards:dataset:digest"]
        for c in data.values()
    }
    assert digests == {d.name: d.digest for d in job.evidence.run.datasets}
    refs = bom["components"][0]["modelCard"]["modelParameters"]["datasets"]
    assert {r["ref"] for r in refs} == set(data)


def test_declarations_map_every_control_to_a_claim_and_a_requirement(job: RenderJob) -> None:
    bom = _bom(job)
    requirements = {
        r["bom-ref"] for s in bom["definitions"]["standards"] for r in s["requirements"]
    }
    declarations = bom["declarations"]
    claims = {c["bom-ref"]: c for c in declarations["claims"]}
    evidence = {e["bom-ref"] for e in declarations["evidence"]}
    statuses = gap_statuses(job)
    for fw, attestation in zip(
        job.assessment.frameworks, declarations["attestations"], strict=True
    ):
        assert attestation["assessor"] == declarations["assessors"][0]["bom-ref"]
        assert len(attestation["map"]) == len(statuses[fw.catalogue_id])
        for entry, control in zip(attestation["map"], fw.controls, strict=True):
            assert entry["requirement"] in requirements
            (claim,) = (claims[c] for c in entry["claims"])
            status = claim["predicate"].split("riskcards status ")[1].split(" ")[0]
            assert status == statuses[fw.catalogue_id][control.control_id]
            assert set(claim.get("evidence", [])) <= evidence
            if control.status in SCORES:
                assert entry["conformance"]["score"] == SCORES[control.status]
            else:  # not assessed or not applicable: no score is claimed
                assert "conformance" not in entry
    assert ControlStatus.NOT_ASSESSED not in SCORES


def test_same_inputs_same_bytes(job: RenderJob, make_job: MakeJob) -> None:
    assert cyclonedx_files(job, ())[0].content == cyclonedx_files(make_job(), ())[0].content
