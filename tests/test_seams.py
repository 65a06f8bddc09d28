"""The seams hold: a plugin adds an evidence source, a check kind and an output format without
editing any riskcards module, and `riskcards release` uses all three.

The plugin is a file of its own, imported in a fresh process, so nothing it registers leaks
into the other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_snapshot

PLUGIN = '''
"""A team's own riskcards plugin: a source, a check kind and a format."""
import os
from pathlib import Path
from typing import Literal

import riskcards
from riskcards.assess.registry import CheckContext, check_result
from riskcards.collect import CollectOptions, TargetSpec
from riskcards.models.assessment import CheckResult, CheckStatus, EvidenceRef
from riskcards.models.bundle import BundleFile
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import Check
from riskcards.render.formats import OutputFormat


class ToySource:
    """toy:<name>: evidence kept by the team's own registry (here: a JSON file)."""

    schemes = ("toy",)
    forms = ("toy:<name>",)

    def parse(self, uri: str) -> TargetSpec:
        return TargetSpec(uri=uri, kind="toy", name=uri.partition(":")[2])

    def collect(self, spec: TargetSpec, options: CollectOptions) -> EvidenceSnapshot:
        snapshot = EvidenceSnapshot.model_validate_json(Path(os.environ["TOY_SNAPSHOT"]).read_bytes())
        target = snapshot.target.model_copy(update={"uri": spec.uri})
        return snapshot.model_copy(update={"target": target})


class ParamEquals(Check):
    """A param was set to the value the team's policy asks for."""

    kind: Literal["param_equals"]
    param: str
    value: str


def param_equals(check: ParamEquals, evidence: EvidenceSnapshot, context: CheckContext) -> CheckResult:
    got = evidence.run.params.get(check.param)
    ref = EvidenceRef(kind="param", locator=f"runs:/{evidence.run.run_id} param {check.param}", value=got)
    status = CheckStatus.PASS if got == check.value else CheckStatus.FAIL
    return check_result(check, status, f"toy says param {check.param} = {got!r}", evidence=(ref,))


def controls_csv(job, produced):
    rows = ["framework,control,status"] + [
        f"{fw.catalogue_id},{c.control_id},{c.status.value}"
        for fw in job.assessment.frameworks
        for c in fw.controls
    ]
    content = ("\\n".join(rows) + "\\n").encode()
    return [BundleFile(path="controls.csv", kind="control-table", format="csv", content=content)]


riskcards.register_source(ToySource())
riskcards.register_check_kind(ParamEquals, param_equals, describe=lambda c: f"{c.param} == {c.value}")
riskcards.register_format(OutputFormat("csv", "every control's status as CSV", controls_csv))
'''

MAPPING = """\
schema_version: 1
id: team-mapping
title: The team's mapping
checks:
  - id: team.l2
    title: Regularisation as the policy asks
    kind: param_equals
    param: l2
    value: "0.01"
    severity: high
    controls: {nist-ai-rmf: [GOVERN 1.1]}
  - id: team.auc
    title: Discrimination
    kind: metric_threshold
    metric: roc_auc
    at_least: 0.9
    controls: {nist-ai-rmf: [MEASURE 2.3]}
"""


def test_a_plugin_adds_a_source_a_check_kind_and_a_format(tmp_path: Path) -> None:
    (tmp_path / "team_plugin.py").write_text(PLUGIN)
    (tmp_path / "mapping.yaml").write_text(MAPPING)
    (tmp_path / "snapshot.json").write_text(make_snapshot().model_dump_json())
    run = (
        "import sys, team_plugin\n"
        "from riskcards.cli import main\n"
        "sys.argv = ['riskcards', *sys.argv[1:]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            run,
            "release",
            "toy:credit-risk",
            "--mapping",
            "mapping.yaml",
            "--framework",
            "nist-ai-rmf",
            "--as-of",
            "2026-11-28T12:00:00Z",
            "--format",
            "json",
            "--format",
            "csv",
            "--format",
            "md",
            "--out",
            "out",
        ],
        cwd=tmp_path,
        env={
            "TOY_SNAPSHOT": str(tmp_path / "snapshot.json"),
            "PYTHONPATH": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["target"] == "toy:credit-risk"  # the toy source's evidence
    files = {f["path"]: f for f in manifest["files"]}
    assert (files["controls.csv"]["kind"], files["controls.csv"]["format"]) == (
        "control-table",
        "csv",
    )
    assert sorted(p for p in files if not p.startswith("inputs/")) == [
        "controls.csv",
        "evidence.json",
        "gap-report-nist-ai-rmf.json",
        "summary.md",
    ]
    csv = (out / "controls.csv").read_text().splitlines()
    assert "nist-ai-rmf,GOVERN 1.1,met" in csv and "nist-ai-rmf,MEASURE 2.3,gap" in csv
    report = json.loads((out / "gap-report-nist-ai-rmf.json").read_text())
    govern = next(c for c in report["controls"] if c["control_id"] == "GOVERN 1.1")
    assert govern["checks"][0]["kind"] == "param_equals"
    assert "toy says param l2 = '0.01'" in govern["checks"][0]["reason"]
    auc = next(c for c in report["controls"] if c["control_id"] == "MEASURE 2.3")
    assert "roc_auc = 0.86 < 0.9 (required >= 0.9)" in auc["checks"][0]["reason"]
    assert "controls.csv" in (out / "summary.md").read_text()  # the summary lists it too
