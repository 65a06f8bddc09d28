"""The demo's project file, sidecars and attestations, written beside its store
(layer: demo).

:func:`write_demo_project` writes ``riskcards.yaml`` (owners, overrides, waivers, a gate), the
model-card and datasheet sidecars and ``attestations/``, with dates relative to today so
that some evidence has lapsed, as an auditor would find it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from riskcards.demo.mlflow_logging import DemoLogged
from riskcards.demo.store import check_out_dir

_DEMO_PROJECT = """\
# riskcards project file written by `riskcards demo`. Edit it and run
#   riskcards release --config {config} --tracking-uri {tracking_uri} models:/credit-risk@champion
# to see the effect. Paths are relative to this file.
schema_version: 1
target: models:/credit-risk@champion
frameworks: [nist-ai-rmf, iso-iec-42001]
attestations_dir: attestations
analytics:
  attributes: [sex, age_band]
  reference_table: data/training.json
  current_table: data/evaluation.json
  sample_label: default
  categorical: [sex, age_band]
model_card: model-card.yaml
dataset_sheets:
  credit-train: datasheets/credit-train.yaml
owners:
  default: Credit ML team (M. Okafor)
  fairness.demographic_parity: Fair-lending officer (R. Diaz)
  fairness.equalized_odds: Fair-lending officer (R. Diaz)
overrides:
  - check: deployment.latency
    threshold: 50
    rationale: The batch-scoring SLA is 50 ms per 1,000 applications, stricter than the default.
    owner: Platform engineering (J. Rivera)
not_applicable:
  - framework: nist-ai-rmf
    control: MEASURE 2.12
    justification: >-
      A logistic regression trained in seconds on a laptop; its environmental footprint is
      negligible and not measured.
    approver: Head of Model Risk (A. Chen)
    date: "{today}"
  - framework: iso-iec-42001
    control: A.10.4
    justification: The model is used internally by underwriters; it is not provided to customers.
    approver: Head of Model Risk (A. Chen)
    date: "{today}"
waivers:
  - framework: nist-ai-rmf
    control: MEASURE 2.7
    reason: Adversarial hardening is scheduled for the next release; inputs are validated upstream.
    approver: Head of Model Risk (A. Chen)
    expires: "{in_60_days}"
    ticket: RISK-142
  - framework: iso-iec-42001
    control: A.6.2.4
    reason: Same as RISK-142 (adversarial robustness below target).
    approver: Head of Model Risk (A. Chen)
    expires: "{expired}"
    ticket: RISK-142
gate:
  blocking_severities: [high, critical]
  required:
    nist-ai-rmf: ["GOVERN 1.1", "MAP 5.1"]
"""

_DEMO_SIDECARS = {
    "model-card.yaml": """\
# Human-written model-card fields (Mitchell et al. 2019); MLflow tags fill what is left out.
schema_version: 1
primary_intended_users: >-
  Underwriters of the consumer-lending unit, who review every flagged application.
relevant_factors: >-
  Sex and age band of the applicant. Sex is not a model input, but income and employment
  history differ by sex in the data, so selection rates differ too.
variation_approaches: Metrics on one held-out split (25%); no confidence intervals yet.
ethical_considerations: >-
  Credit decisions affect people's access to finance. The model only triages applications for
  human review; it never declines one on its own. The demographic parity gap is a known issue.
recommendations: Keep a human in the loop; re-assess fairness on every retraining.
license: Internal use only
""",
    "datasheets/credit-train.yaml": """\
# Answers to "Datasheets for Datasets" (Gebru et al.) for the training data.
schema_version: 1
purpose: To train the credit-risk triage model.
creators: riskcards demo (synthetic data generator, seed 7)
instances: One consumer-loan application with its outcome (default or not).
sensitive_data: Sex and age band, kept for fairness evaluation only; not model inputs.
collection_process: Generated synthetically; no real person is described.
preprocessing: Numeric features standardised with the training mean and deviation.
uses_to_avoid: Any decision about real applicants.
licence: CC0 (synthetic)
maintainer: Credit ML team
""",
}

_DEMO_ATTESTATIONS = {
    "ai-policy.yaml": """\
schema_version: 1
id: ATT-001
controls:
  nist-ai-rmf: ["GOVERN 1.1", "GOVERN 1.2"]
  iso-iec-42001: ["A.2.2"]
statement: >-
  The AI policy of the consumer-lending unit covers credit-scoring models, names the applicable
  laws (fair lending, data protection) and is reviewed every year.
attested_by: A. Chen
role: Head of Model Risk
date: "{a_month_ago}"
expires: "{in_11_months}"
link: https://intranet.example/policies/ai-policy
""",
    "risk-training.yaml": """\
schema_version: 1
id: ATT-002
controls:
  nist-ai-rmf: ["GOVERN 2.2"]
  iso-iec-42001: ["A.4.6"]
statement: Everyone on the credit ML team completed the AI risk training this year.
attested_by: M. Okafor
role: Engineering manager, credit ML
date: "{a_month_ago}"
expires: "{in_11_months}"
""",
    "third-party.yaml": """\
schema_version: 1
id: ATT-003
controls:
  nist-ai-rmf: ["GOVERN 6.1"]
  iso-iec-42001: ["A.10.3"]
statement: >-
  The model uses no third-party data or pre-trained components; numpy is the only
  runtime dependency.
attested_by: A. Chen
role: Head of Model Risk
date: "{today}"
scope: {{model: credit-risk, version: "{version}"}}
""",
    "incident-response.yaml": """\
schema_version: 1
id: ATT-004
controls:
  nist-ai-rmf: ["MANAGE 4.3"]
  iso-iec-42001: ["A.8.4"]
statement: Incidents with credit models are reported to the model-risk committee within 72 hours.
attested_by: A. Chen
role: Head of Model Risk
date: "{a_year_ago}"
expires: "{expired}"
""",
}


def write_demo_project(out_dir: Path, logged: DemoLogged) -> Path:
    """Write the demo's ``riskcards.yaml`` and ``attestations/`` under ``out_dir``.

    Dates are relative to today, so one attestation and one waiver are expired and the
    reports show what an auditor sees when evidence lapses.
    """
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()
    dates = {
        "today": today,
        "a_month_ago": today - timedelta(days=30),
        "a_year_ago": today - timedelta(days=400),
        "in_60_days": today + timedelta(days=60),
        "in_11_months": today + timedelta(days=335),
        "expired": today - timedelta(days=35),
    }
    values = {k: v.isoformat() for k, v in dates.items()}
    out = check_out_dir(out_dir)
    config = out / "riskcards.yaml"
    config.write_text(
        _DEMO_PROJECT.format(config=config, tracking_uri=logged.tracking_uri, **values),
        encoding="utf-8",
    )
    folder = out / "attestations"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, text in _DEMO_ATTESTATIONS.items():
        (folder / name).write_text(
            text.format(version=logged.model_version, **values), encoding="utf-8"
        )
    for name, text in _DEMO_SIDECARS.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return config
