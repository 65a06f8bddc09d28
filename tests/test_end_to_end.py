"""End to end through the real CLI: the demo, its bundle, its PDFs read back, re-renders,
and the target forms against the demo's local store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from riskcards.bundle import verify_bundle
from riskcards.models.base import fmt_number
from tests.integration_support import pdf_outline_titles, pdf_text, printed_paths, riskcards

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("demo")
    done = riskcards("demo", "--out", str(root / "out"), cwd=root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    paths = printed_paths(done.stdout)
    assert paths["bundle"] == root / "out" / "bundle"
    assert paths["open"] == root / "out" / "bundle" / "model-card.html"
    return {"root": root, "out": root / "out", "bundle": paths["bundle"]}


def _manifest(bundle: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((bundle / "manifest.json").read_text())


def test_the_demo_documents_an_auditor_reads(demo: dict[str, Path]) -> None:
    """Decision first with owners, short gap reports, a signed-off SoA, a ticket-sized
    summary (issue 12's "done when", on the demo)."""
    from pypdf import PdfReader

    bundle = demo["bundle"]
    pages = {
        name: PdfReader(bundle / f"{name}.pdf").pages
        for name in ("model-card", "gap-report-nist-ai-rmf", "gap-report-iso-iec-42001")
    }
    assert len(pages["gap-report-nist-ai-rmf"]) <= 20
    assert len(pages["gap-report-iso-iec-42001"]) <= 15
    for name, doc in pages.items():
        first = " ".join(doc[0].extract_text().split())
        assert "Decision: FAIL: 3 blocking" in first, name
        assert "owner: Fair-lending officer (R. Diaz)" in first, name
        assert "MAP 5.1" in first and "RISK-142" in first, name  # required; conflict
    soa = (bundle / "soa-iso-iec-42001.html").read_text()
    assert "SOA-CREDIT-001" in soa and "Head of Model Risk (A. Chen)" in soa
    assert "no justification recorded" not in soa  # the demo justifies every control
    summary = (bundle / "summary.md").read_text().splitlines()
    assert len(summary) <= 40 and "FAIL: 3 blocking" in summary[0]
    assert "[model-card.html](model-card.html)" in "\n".join(summary)


def test_bundle_contract(demo: dict[str, Path]) -> None:
    bundle = demo["bundle"]
    manifest = _manifest(bundle)
    assert verify_bundle(bundle) == []
    kinds = {(f["kind"], f["format"]) for f in manifest["files"]}
    assert kinds == {
        ("model-card", "html"),
        ("model-card", "pdf"),
        ("dataset-sheet", "html"),
        ("dataset-sheet", "pdf"),
        ("gap-report", "html"),
        ("gap-report", "pdf"),
        ("gap-report", "json"),
        ("evidence", "json"),
        ("summary", "md"),
        ("statement-of-applicability", "html"),
        ("statement-of-applicability", "pdf"),
        ("statement-of-applicability", "csv"),
        ("input", "yaml"),  # inputs/: the project file, attestations, sidecars
        ("input", "json"),  # inputs/release.json
    }
    assert {f["framework"] for f in manifest["files"] if f["kind"] == "gap-report"} == {
        "nist-ai-rmf",
        "iso-iec-42001",
    }
    sheets = [f for f in manifest["files"] if f["kind"] == "dataset-sheet" and f["format"] == "pdf"]
    assert sorted(f["dataset"] for f in sheets) == ["credit-eval", "credit-train"]
    assert manifest["target"] == "models:/credit-risk@champion"
    assert manifest["main"] == "model-card.html"
    roles = {i["role"] for i in manifest["inputs"]}
    assert roles == {"catalogue", "crosswalk", "mapping", "evidence", "config", "attestation"}
    assert {"riskcards.yaml", "attestations/ai-policy.yaml"} <= {
        i["name"] for i in manifest["inputs"]
    }
    assert any(
        i["name"] == "frameworks/catalogues/nist-ai-rmf-1.0.yaml" for i in manifest["inputs"]
    )
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


def test_pdfs_read_back(demo: dict[str, Path]) -> None:
    bundle = demo["bundle"]
    evidence = json.loads((bundle / "evidence.json").read_text())
    roc_auc = next(m["value"] for m in evidence["run"]["metrics"] if m["key"] == "roc_auc")
    card = pdf_text(bundle / "model-card.pdf")
    assert "credit-risk" in card
    assert fmt_number(roc_auc) in card
    assert "Not provided" in card  # out-of-scope use was not logged
    report = pdf_text(bundle / "gap-report-nist-ai-rmf.pdf")
    assert "MEASURE 2.11" in report and "GOVERN 1.1" in report
    assert "Page 1 of" in report
    outline = pdf_outline_titles(bundle / "gap-report-nist-ai-rmf.pdf")
    assert "Summary" in " ".join(outline) and any("MEASURE 2.11" in t for t in outline)
    for sheet in bundle.glob("datasets/*.pdf"):
        assert "Dataset sheet" in pdf_text(sheet)


def test_demo_shows_real_gaps(demo: dict[str, Path]) -> None:
    report = json.loads((demo["bundle"] / "gap-report-nist-ai-rmf.json").read_text())
    status = {c["control_id"]: c["status"] for c in report["controls"]}
    assert status["MEASURE 2.11"] == "gap"  # the demo's demographic parity difference is > 0.10
    assert status["MEASURE 2.7"] == "waived"  # FGSM accuracy < 0.70, waived in the demo project
    assert status["MEASURE 2.12"] == "not_applicable"
    assert status["GOVERN 1.1"] == "met"  # by attestation
    assert status["MANAGE 4.3"] == "gap"  # its attestation expired
    assert status["MAP 3.3"] == "gap"  # no out-of-scope use documented
    assert status["MAP 1.1"] == "met"
    assert status["GOVERN 1.3"] == "not_assessed"
    summary = (demo["bundle"] / "summary.md").read_text()
    assert "MEASURE 2\\.11" in summary or "MEASURE 2.11" in summary


def test_snapshot_rerender_is_byte_identical(demo: dict[str, Path], tmp_path: Path) -> None:
    bundle = demo["bundle"]
    snapshot = tmp_path / "evidence.json"
    shutil.copy(bundle / "evidence.json", snapshot)
    as_of = _manifest(bundle)["as_of"]
    done = riskcards(
        "release",
        "--evidence",
        str(snapshot),
        "--as-of",
        as_of,
        "--out",
        str(tmp_path / "again"),
        "--config",
        str(demo["out"] / "riskcards.yaml"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    first = {f["path"]: f["sha256"] for f in _manifest(bundle)["files"]}
    second = {f["path"]: f["sha256"] for f in _manifest(tmp_path / "again")["files"]}
    assert first == second  # HTML, JSON, Markdown and (same machine) PDF
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (
        bundle / "manifest.json"
    ).read_bytes()


@pytest.mark.parametrize("form", ["version", "run", "alias"])
def test_target_forms_against_the_local_store(
    demo: dict[str, Path], tmp_path: Path, form: str
) -> None:
    evidence = json.loads((demo["bundle"] / "evidence.json").read_text())
    target = {
        "version": "models:/credit-risk/1",
        "run": f"runs:/{evidence['run']['run_id']}",
        "alias": "models:/credit-risk@champion",
    }[form]
    uri = f"sqlite:///{demo['out'] / 'mlflow' / 'mlflow.db'}"
    done = riskcards(
        "release",
        target,
        "--no-pdf",
        "--out",
        str(tmp_path / "b"),
        cwd=tmp_path,
        MLFLOW_TRACKING_URI=uri,
    )
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "b" / "evidence.json").read_text())
    assert written["target"]["uri"] == target
    assert written["run"]["run_id"] == evidence["run"]["run_id"]
    assert (written["model_version"] is None) == (form == "run")


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("models:/credit-risk@champoin", ["no alias 'champoin'", "did you mean 'champion'"]),
        (
            "models:/credit-risc/1",
            ["no registered model 'credit-risc'", "did you mean 'credit-risk'"],
        ),
        ("models:/credit-risk/9", ["no version 9", "versions: 1"]),
        ("runs:/0123456789abcdef0123456789abcdef", ["no run '0123456789abcdef0123456789abcdef'"]),
    ],
)
def test_not_found_exits_3_with_near_matches(
    demo: dict[str, Path], tmp_path: Path, target: str, words: list[str]
) -> None:
    uri = f"sqlite:///{demo['out'] / 'mlflow' / 'mlflow.db'}"
    done = riskcards(
        "release", target, "--tracking-uri", uri, "--out", str(tmp_path / "b"), cwd=tmp_path
    )
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("riskcards: error:")
    for w in words:
        assert w in done.stderr
    assert not (tmp_path / "b").exists()


def test_demo_is_rerunnable(demo: dict[str, Path]) -> None:
    done = riskcards("demo", "--out", str(demo["out"]), "--no-pdf", cwd=demo["root"])
    assert done.returncode == 0, done.stderr
    assert verify_bundle(demo["bundle"]) == []
    assert not list((demo["out"] / "bundle").glob("*.pdf"))  # the new bundle replaced the old one


def test_check_gates_ci_and_writes_junit(demo: dict[str, Path], tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    uri = f"sqlite:///{demo['out'] / 'mlflow' / 'mlflow.db'}"
    config = demo["out"] / "riskcards.yaml"
    junit = tmp_path / "junit.xml"
    done = riskcards(
        "check", "--config", str(config), "--tracking-uri", uri, "--junit", str(junit), cwd=tmp_path
    )
    assert done.returncode == 1, done.stderr
    assert "blocking gap(s)" in done.stdout
    assert "nist-ai-rmf MEASURE 2.11 [gap] Demographic parity difference" in done.stdout
    assert "note: attestations/incident-response.yaml: attestation ATT-004 expired" in done.stderr
    suites = ET.parse(junit).getroot()
    nist = next(s for s in suites if s.get("name") == "nist-ai-rmf")
    assert nist.get("tests") == "72"
    cases = {c.get("name"): c for c in nist}
    assert cases["MEASURE 2.11"].find("failure") is not None
    assert cases["MEASURE 2.12"].find("skipped") is not None  # not applicable
    assert (
        cases["GOVERN 1.1"].find("failure") is None and cases["GOVERN 1.1"].find("skipped") is None
    )
    lenient = demo["out"] / "riskcards-lenient.yaml"  # beside the original: same relative paths
    lenient.write_text(
        config.read_text()
        .replace("blocking_severities: [high, critical]", "blocking_severities: [critical]")
        .replace(
            "attestations_dir: attestations", f"attestations_dir: {demo['out'] / 'attestations'}"
        )
    )
    ok = riskcards("check", "--config", str(lenient), "--tracking-uri", uri, cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "no blocking gap" in ok.stdout
    strict = riskcards(
        "check", "--strict", "--config", str(lenient), "--tracking-uri", uri, cwd=tmp_path
    )
    assert strict.returncode == 1 and "nist-ai-rmf MAP 5.1 [not_assessed]" in strict.stdout


def test_evidence_command_writes_a_snapshot_that_releases_offline(
    demo: dict[str, Path], tmp_path: Path
) -> None:
    uri = f"sqlite:///{demo['out'] / 'mlflow' / 'mlflow.db'}"
    done = riskcards(
        "evidence",
        "models:/credit-risk/1",
        "--tracking-uri",
        uri,
        "--out",
        str(tmp_path / "ev.json"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    snapshot = json.loads((tmp_path / "ev.json").read_text())
    assert snapshot["target"]["uri"] == "models:/credit-risk/1"
    again = riskcards(
        "release",
        "--evidence",
        str(tmp_path / "ev.json"),
        "--no-pdf",
        "--out",
        str(tmp_path / "b"),
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr
