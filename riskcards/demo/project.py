"""The demo's project file, sidecars and attestations, written beside its store
(layer: demo).

:func:`write_demo_project` writes ``riskcards.yaml`` (owners, overrides, waivers, a gate), the
model-card and datasheet sidecars and ``attestations/``, with dates relative to today so
that some evidence has lapsed, as an auditor would find it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
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
soa:
  framework: iso-iec-42001
  id: SOA-CREDIT-001
  version: "1.2"
  scope: >-
    The AI management system of the consumer-lending unit: the credit-risk triage model, its
    data, its development and its use by underwriters.
  approver: Head of Model Risk (A. Chen)
  approved: "{a_month_ago}"
  risks:
    - id: R-01
      title: Applicants of some age bands or sexes are flagged at unequal rates
      owner: Fair-lending officer (R. Diaz)
    - id: R-02
      title: Manipulated application data changes the model's ranking
      owner: Credit ML team (M. Okafor)
    - id: R-03
      title: The model degrades as the applicant population drifts
      owner: Credit ML team (M. Okafor)
    - id: R-04
      title: Applicant personal data leaks through training data or outputs
      owner: Head of Model Risk (A. Chen)
    - id: R-05
      title: The model is used beyond triage or without clear accountability
      owner: Head of Model Risk (A. Chen)
    - id: R-06
      title: An incident with the model goes unreported
      owner: Head of Model Risk (A. Chen)
  treatments:
    - id: T-01
      title: Re-weigh training data by age band and re-assess fairness
      owner: Fair-lending officer (R. Diaz)
      due: "{in_60_days}"
    - id: T-02
      title: Adversarial hardening and upstream input validation (RISK-142)
      owner: Credit ML team (M. Okafor)
      due: "{in_60_days}"
    - id: T-03
      title: Monthly drift report with retraining trigger
      owner: Platform engineering (J. Rivera)
    - id: T-05
      title: Every flagged application is reviewed by an underwriter
      owner: Head of Model Risk (A. Chen)
    - id: T-06
      title: Incident process renewed and attested again
      owner: Head of Model Risk (A. Chen)
      due: "{in_60_days}"
  controls:
    - control: "A.2.2"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      justification: The AI policy sets the rules every credit model follows.
    - control: "A.2.3"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      justification: >-
        The AI policy is aligned with the bank's model-risk and data-protection policies.
    - control: "A.2.4"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      justification: The policy is reviewed yearly by the model-risk committee.
    - control: "A.3.2"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      justification: Roles for model owner, validator and approver are named in the project file.
    - control: "A.3.3"
      implementation: partially_implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-06]
      treatments: [T-06]
      justification: Concerns go to the model-risk mailbox; an anonymous channel is not yet set up.
    - control: "A.4.2"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: Data, code, model and tooling are recorded in MLflow with the run.
    - control: "A.4.3"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-01, R-04]
      justification: Training and evaluation data are registered as MLflow datasets with digests.
    - control: "A.4.4"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: The tooling (scikit-learn, MLflow, riskcards) is pinned and recorded.
    - control: "A.4.5"
      implementation: implemented
      owner: Platform engineering (J. Rivera)
      risks: [R-04]
      justification: Training runs on the team's managed compute; no external service.
    - control: "A.4.6"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-05]
      justification: Everyone on the team completed the AI risk training (ATT-002).
    - control: "A.5.2"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-01, R-02, R-03]
      justification: Every release of the model is assessed with riskcards before approval.
    - control: "A.5.3"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-01]
      justification: The assessment bundle is kept with the release as the documented result.
    - control: "A.5.4"
      implementation: partially_implemented
      owner: Fair-lending officer (R. Diaz)
      risks: [R-01]
      treatments: [T-01]
      justification: >-
        Applicants of different age bands are selected at different rates; fairness is assessed
        per release.
    - control: "A.5.5"
      implementation: planned
      target_date: "{in_60_days}"
      owner: Fair-lending officer (R. Diaz)
      risks: [R-01]
      treatments: [T-01]
      justification: A societal-impact review of credit triage is due with the fair-lending review.
    - control: "A.6.1.2"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-01, R-02]
      justification: >-
        Release objectives (accuracy, fairness, robustness thresholds) are the evidence mapping.
    - control: "A.6.1.3"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: Design and development follow the team's model-development standard.
    - control: "A.6.2.2"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-05]
      justification: Requirements are the intended use and the thresholds in the project file.
    - control: "A.6.2.3"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: Design choices are recorded with each MLflow run.
    - control: "A.6.2.4"
      implementation: planned
      target_date: "{in_60_days}"
      owner: Credit ML team (M. Okafor)
      risks: [R-02]
      treatments: [T-02]
      justification: >-
        Robustness to manipulated inputs is below target; hardening is scheduled (RISK-142).
    - control: "A.6.2.5"
      implementation: implemented
      owner: Platform engineering (J. Rivera)
      risks: [R-03]
      justification: Deployment goes through the registry alias after approval.
    - control: "A.6.2.6"
      implementation: implemented
      owner: Platform engineering (J. Rivera)
      risks: [R-03]
      treatments: [T-03]
      justification: Latency, errors and drift are monitored in production.
    - control: "A.6.2.7"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-05]
      justification: The model card and dataset sheets are the technical documentation.
    - control: "A.6.2.8"
      implementation: implemented
      owner: Platform engineering (J. Rivera)
      risks: [R-06]
      justification: Scoring requests and outcomes are logged for 7 years.
    - control: "A.7.2"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-04]
      justification: The data used is synthetic; its purpose is recorded in the dataset sheet.
    - control: "A.7.3"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-04]
      justification: Data is generated by a seeded generator; acquisition is recorded.
    - control: "A.7.4"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: Data quality (missing values, duplicates, leakage) is checked per release.
    - control: "A.7.5"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: Dataset digests tie each run to its data.
    - control: "A.7.6"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-03]
      justification: Preprocessing (standardisation) is part of the logged pipeline.
    - control: "A.8.2"
      implementation: implemented
      owner: Credit ML team (M. Okafor)
      risks: [R-05]
      treatments: [T-05]
      justification: Underwriters receive the model card and its intended use.
    - control: "A.8.3"
      implementation: not_implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-06]
      treatments: [T-06]
      justification: "No external reporting channel: the model is used internally only."
    - control: "A.8.4"
      implementation: partially_implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-06]
      treatments: [T-06]
      justification: Incidents are reported to the committee; the attestation has lapsed (ATT-004).
    - control: "A.8.5"
      implementation: implemented
      owner: Fair-lending officer (R. Diaz)
      risks: [R-05]
      justification: Applicants are told a model assists the review, per the lending notice.
    - control: "A.9.2"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      treatments: [T-05]
      justification: Use is limited to triage for human review.
    - control: "A.9.3"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      justification: Responsible-use objectives are in the intended-use statement.
    - control: "A.9.4"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      treatments: [T-05]
      justification: The model is used only as documented; deviations need approval.
    - control: "A.10.2"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-05]
      justification: Responsibilities between the team and platform engineering are agreed.
    - control: "A.10.3"
      implementation: implemented
      owner: Head of Model Risk (A. Chen)
      risks: [R-04]
      justification: No third-party data or pre-trained components are used (ATT-003).
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


def log_demo_project(
    out: Path, config: Path | None, progress: Callable[[str], None], *, genai: bool = False
) -> tuple[Path, str, str]:
    """Log a demo into ``out`` and write its project file (unless ``config`` is given).

    Returns the project file, the tracking URI and the target to release.
    """
    if genai:
        from riskcards.demo.genai import log_genai_demo, write_genai_project

        progress(f"evaluating the demo GenAI assistant into {out / 'mlflow'} ...")
        app = log_genai_demo(out)
        return config or write_genai_project(out, app), app.tracking_uri, app.target
    from riskcards.demo.mlflow_logging import log_demo

    progress(f"training and logging the demo model into {out / 'mlflow'} ...")
    logged = log_demo(out)
    config = config or write_demo_project(out, logged)
    return config, logged.tracking_uri, f"models:/{logged.model_name}@{logged.alias}"
