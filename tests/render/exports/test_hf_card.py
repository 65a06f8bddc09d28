"""The Hugging Face model card, parsed offline with huggingface_hub's ModelCard (every
socket connection refused during the test), then read back against the evidence."""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
import yaml
from huggingface_hub import ModelCard

from riskcards.models.project import ModelCardSidecar
from riskcards.render.exports.hf_card import hf_files
from riskcards.render.job import RenderJob
from tests.conftest import make_snapshot
from tests.render.exports.conftest import MakeJob

HOSTILE = (
    "<script>alert(1)</script> [click](https://evil.example) ![x](https://evil.example/x.png)"
    "\n---\nlicense: mit\n# Heading | cell |"
)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access while reading a model card")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _card(job: RenderJob) -> tuple[ModelCard, str]:
    (f,) = hf_files(job, ())
    assert (f.path, f.kind, f.format) == ("huggingface/README.md", "hf-model-card", "md")
    text = f.content.decode()
    return ModelCard(text), text


def _front(text: str) -> dict[str, Any]:
    return yaml.safe_load(text.split("---\n")[1])  # type: ignore[no-any-return]


def test_the_card_parses_with_its_metadata(job: RenderJob) -> None:
    card, _ = _card(job)
    data = card.data.to_dict()
    assert data["tags"] == ["mlflow", "riskcards", "python_function", "sklearn"]
    assert data["datasets"] == sorted(d.name for d in job.evidence.run.datasets)
    assert "license" not in data  # none was provided: none is invented


def test_model_index_has_every_valid_metric_per_dataset(job: RenderJob) -> None:
    card, _ = _card(job)
    results = card.data.eval_results
    run = job.evidence.run
    expected = {
        (m.key, m.value, m.dataset_digest)
        for m in run.metrics
        if m.is_finite and not m.key.startswith("slice/")
    }
    assert {(r.metric_type, r.metric_value, r.dataset_revision) for r in results} == expected
    assert {r.dataset_type for r in results if r.dataset_revision is None} == {"mlflow-run"}
    assert not any(m.key == "nan_metric" for m in run.metrics if m.is_finite)


def test_the_riskcards_key_reads_back_statuses_and_digests(job: RenderJob) -> None:
    _, text = _card(job)
    meta = _front(text)["riskcards"]
    assert meta["target"] == job.evidence.target.uri
    assert {d["name"]: d["digest"] for d in meta["datasets"]} == {
        d.name: d.digest for d in job.evidence.run.datasets
    }
    for fw, read in zip(job.assessment.frameworks, meta["frameworks"], strict=True):
        assert read["controls"] == {c.control_id: c.status.value for c in fw.controls}
        assert read["counts"] == fw.counts


def test_the_body_follows_the_hub_template_and_says_not_provided(job: RenderJob) -> None:
    _, text = _card(job)
    body = text.split("---\n", 2)[2]
    for heading in (
        "## Model Details",
        "## Uses",
        "### Out-of-Scope Use",
        "## Bias, Risks, and Limitations",
        "## Training Details",
        "## Evaluation",
        "#### Metrics",
        "## Citation",
        "## Model Card Contact",
    ):
        assert f"\n{heading}\n" in body
    out_of_scope = body.split("### Out-of-Scope Use\n\n")[1].split("\n")[0]
    assert out_of_scope == "_Not provided_"


def test_a_licence_id_is_kept_and_free_text_becomes_other(make_job: MakeJob) -> None:
    tagged = make_snapshot(tags={"license": "Apache-2.0"})
    assert _card(make_job(tagged))[0].data.license == "apache-2.0"
    prose = make_snapshot(tags={"license": "Internal use only"})
    data = _card(make_job(prose))[0].data.to_dict()
    assert (data["license"], data["license_name"]) == ("other", "Internal use only")


def test_mlflow_text_is_inert_in_the_card(make_job: MakeJob) -> None:
    ev = make_snapshot(tags={"intended_use": HOSTILE, "limitations": HOSTILE})
    job = make_job(ev)
    card, text = _card(job)
    body = text.split("---\n", 2)[2]
    assert card.data.to_dict().get("license") is None  # the text did not become metadata
    # no unescaped '<' (HTML) or '[' (links, images), no line-start heading: all text
    assert not re.search(r"(?<!\\)[<\[]", body) and "\n# Heading" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # entities: shown, never parsed


def test_a_sidecar_fills_the_card(job: RenderJob) -> None:
    sidecar = ModelCardSidecar(
        schema_version=1, primary_intended_users="Underwriters", citation="Doe 2026"
    )
    with_sidecar = RenderJob(
        evidence=job.evidence,
        assessment=job.assessment,
        catalogues=job.catalogues,
        sidecars=job.sidecars.model_copy(update={"model_card": sidecar}),
    )
    _, text = _card(with_sidecar)
    assert "### Intended Users\n\nUnderwriters (source: model-card sidecar)" in text
    assert "## Citation\n\nDoe 2026" in text
