"""Issue 17, item 3: anyone who can log to MLflow cannot crash a release. Deeply nested
tables and MLmodel files, hostile digests and names, slug collisions and overlong IDs are
rejected or sanitised and flagged; the exit code stays a documented one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from riskcards.analyse.inputs import AnalyticsInputError
from riskcards.analyse.tables import parse_table
from riskcards.bundle import verify_bundle
from riskcards.collect.mlflow.artifacts import parse_mlmodel
from riskcards.models.evidence import DatasetInput
from riskcards.render.paths import dataset_sheet_paths, gap_report_path
from tests.hardening.conftest import cli, evidence_file

DEEP = "[" * 100_000 + "]" * 100_000  # 200 KB
LOG_HOSTILE_RUN = """
import sys, mlflow, pandas as pd
from mlflow.data.pandas_dataset import PandasDataset
from mlflow.data.code_dataset_source import CodeDatasetSource
mlflow.set_tracking_uri(sys.argv[1])
deep = "[" * 100_000 + "]" * 100_000
frame = pd.DataFrame({"x": [1, 2], "y": [0, 1]})
with mlflow.start_run() as run:
    mlflow.log_metric("accuracy", 0.9)
    mlflow.log_text(deep, "eval/deep_table.json")
    mlflow.log_text(deep, "model/MLmodel")
    mlflow.log_text("{" + '"a":' * 3 + "1" + "}" * 3, "eval/ok.json")
    for name, digest in [("train", "/../../.."), ("a b", "d1"), ("a/b", "d1"),
                         ("n" * 300, "e" * 36)]:
        mlflow.log_input(PandasDataset(frame, source=CodeDatasetSource({}), name=name, digest=digest),
                         context="training")
    print(run.info.run_id)
"""


def test_deeply_nested_json_and_yaml_are_rejected_not_a_crash() -> None:
    with pytest.raises(AnalyticsInputError, match="table rejected: nesting deeper than 100"):
        parse_table(DEEP.encode(), "eval/deep.json")
    assert parse_mlmodel(DEEP) == ((), None)
    assert parse_mlmodel("a:\n" + "".join("  " * i + "a:\n" for i in range(1, 1500))) == ((), None)
    wide = json.dumps({"columns": ["a"], "data": [["x" * 200_000]]})
    with pytest.raises(AnalyticsInputError, match="cell longer than 100,000 characters"):
        parse_table(wide.encode(), "eval/wide.json")


def test_slugs_are_sanitised_capped_and_collision_free() -> None:
    def ds(name: str, digest: str) -> DatasetInput:
        return DatasetInput(name=name, digest=digest, source_type="code", source="{}")

    datasets = [ds("a b", "d1"), ds("a/b", "d1"), ds("a b", "d1"), ds("x", "/../../.."),
                ds("n" * 300, "e" * 36)]  # fmt: skip
    paths = dataset_sheet_paths(datasets)
    assert len(set(paths)) == len(paths)
    for p in paths:
        assert p.startswith("datasets/") and ".." not in p.removeprefix("datasets/").split("/")
        assert p.count("/") == 1 and len(p.split("/")[1]) <= 100
    long = gap_report_path("c" * 300)
    assert len(long) < 120 and long != gap_report_path("c" * 299)
    assert gap_report_path("a b") != gap_report_path("a-b") == "gap-report-a-b.html"


def test_hostile_datasets_in_evidence_give_a_verified_bundle(tmp_path: Path) -> None:
    datasets = (
        DatasetInput(name="a b", digest="/../../..", source_type="code", source="{}"),
        DatasetInput(name="a/b", digest="/../../..", source_type="code", source="{}"),
        DatasetInput(name="n" * 300, digest="x" * 300, source_type="code", source="{}"),
    )
    out = tmp_path / "out"
    r = cli("release", f"evidence:{evidence_file(tmp_path, datasets=datasets)}", "--out", out,
            "--no-pdf")  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    assert verify_bundle(out) == []
    assert len(list((out / "datasets").iterdir())) == 3


def test_hostile_content_logged_to_mlflow_degrades(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    logged = subprocess.run(
        [sys.executable, "-c", LOG_HOSTILE_RUN, uri],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    run_id = logged.stdout.strip().splitlines()[-1]
    out = tmp_path / "out"
    r = cli("release", f"runs:/{run_id}", "--tracking-uri", uri, "--out", out, "--no-pdf",
            cwd=tmp_path)  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    assert verify_bundle(out) == []
    evidence = json.loads((out / "evidence.json").read_text())
    tables = {t["path"]: t for t in evidence["run"]["tables"]}
    assert tables["eval/deep_table.json"]["status"] == "unreadable"
    assert tables["eval/deep_table.json"]["detail"] == "nesting deeper than 100"
    assert any(w.startswith("MLmodel of runs:/") for w in evidence["warnings"])
    card = (out / "model-card.html").read_text()
    assert "eval/deep_table.json" in card and "nesting deeper than 100" in card
    assert len(list((out / "datasets").iterdir())) == 4


def test_an_overlong_catalogue_id_gives_a_capped_file_name(tmp_path: Path) -> None:
    long_id = "acme-" + "x" * 295
    orgs = tmp_path / "org"
    orgs.mkdir()
    (orgs / "long.yaml").write_text(
        f"schema_version: 1\nid: {long_id}\nversion: '1'\ntitle: Long\nshort_title: Long\n"
        "publisher: ACME\ndocument: d\nsource_url: https://example.org\nlicence: proprietary\n"
        "groups:\n  - {id: g, level: kind, title: G}\n"
        "controls:\n  - {id: C1, group: g, title: One}\n"
    )
    out = tmp_path / "out"
    r = cli("release", f"evidence:{evidence_file(tmp_path)}", "--out", out, "--no-pdf",
            "--frameworks-dir", orgs, "--framework", long_id)  # fmt: skip
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    assert verify_bundle(out) == []
    reports = [p.name for p in out.iterdir() if p.name.startswith("gap-report-acme-")]
    assert reports and all(len(name) < 120 for name in reports)
