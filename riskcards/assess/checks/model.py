"""Checks on the model itself: a logged signature, a registry record (layer: assess).

``signature_present`` and ``model_registered``. They describe what the model is, not a
measurement, so ``max_age_days`` does not apply to them.
"""

from __future__ import annotations

import json

from riskcards.assess.registry import CheckContext, check_result
from riskcards.models.assessment import CheckResult, CheckStatus, EvidenceRef
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import ModelRegistered, SignaturePresent


def describe_signature_present(_check: SignaturePresent) -> str:
    return "model logged with an input signature"


def evaluate_signature_present(
    check: SignaturePresent, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    """Pass when the model behind the target has a non-empty input signature (MLmodel)."""
    model = ev.model
    expected = "a model logged with a signature"
    if model is None or model.signature is None or not model.signature.inputs:
        where = (
            f"the logged model {model.uri}" if model else "no logged model was found for the target"
        )
        return check_result(
            check, CheckStatus.NOT_EVIDENCED, f"no input signature: {where}", expected=expected
        )
    ref = EvidenceRef(
        kind="model",
        locator=f"{model.uri} signature (MLmodel)",
        value=model.signature.inputs[:300],
        digest=model.mlmodel_sha256,
    )
    return check_result(
        check,
        CheckStatus.PASS,
        f"{model.uri} was logged with an input signature",
        expected=expected,
        observed=model.uri,
        evidence=(ref,),
    )


def _registered_as(ev: EvidenceSnapshot) -> str:
    """``name v1`` for each version MLflow 3 lists on the logged model (mlflow.modelVersions)."""
    model = ev.model
    raw = model.tags.get("mlflow.modelVersions") if model else None
    try:
        versions = json.loads(raw) if raw else []
    except ValueError:
        return ""
    return ", ".join(
        f"models:/{v['name']}/{v['version']}"
        for v in versions
        if isinstance(v, dict) and "name" in v and "version" in v
    )


def describe_model_registered(_check: ModelRegistered) -> str:
    return "registered model version"


def evaluate_model_registered(
    check: ModelRegistered, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    """Pass when the target is a registered model version; cite it with its aliases."""
    mv = ev.model_version
    expected = "a registered model version"
    if mv is None:
        return check_result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"the target {ev.target.uri} is a {ev.target.kind.replace('_', ' ')}, not a "
            "registered model version"
            + (
                f" (the logged model is registered: {registered}; release that version)"
                if (registered := _registered_as(ev))
                else ""
            ),
            expected=expected,
        )
    aliases = f" (aliases: {', '.join(mv.aliases)})" if mv.aliases else ""
    ref = EvidenceRef(
        kind="model", locator=f"models:/{mv.name}/{mv.version}", value=mv.status, digest=None
    )
    return check_result(
        check,
        CheckStatus.PASS,
        f"registered as {mv.name} v{mv.version}{aliases}",
        expected=expected,
        observed=f"{mv.name} v{mv.version}",
        evidence=(ref,),
    )
