"""Checks on what was logged with the run: datasets, written texts, artifacts (layer: assess).

``dataset_logged``, ``text_present`` and ``artifact_present``. Their evidence is as old as the
run: the registry applies ``max_age_days`` to the run's end time before they are called.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping

from riskcards.assess.registry import CheckContext, check_result
from riskcards.models.assessment import CheckResult, CheckStatus, EvidenceRef
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.evidence_task import role_of_context
from riskcards.models.mapping import ArtifactPresent, DatasetLogged, TextPresent

MAX_QUOTED_TEXT = 500
"""Longest documented text quoted as evidence; longer texts are cut and end with an ellipsis."""


# --- dataset_logged -----------------------------------------------------------------------


def describe_dataset_logged(check: DatasetLogged) -> str:
    return f"dataset logged with context {check.context!r}"


def evaluate_dataset_logged(
    check: DatasetLogged, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    """Pass when the run logged a dataset of the check's context, or of the role it names
    (``training`` takes autolog's ``train``; ``evaluation`` takes ``eval``, a test set and
    the dataset ``mlflow.models.evaluate`` used); cite each by digest and role."""
    roles = _roles_for(check.context)
    found = [d for d in ev.run.datasets if d.context == check.context or d.role in roles]
    expected = f"a dataset logged with context {check.context!r}"
    if not found:
        contexts = sorted({d.context or "(none)" for d in ev.run.datasets})
        detail = f"; contexts logged: {', '.join(contexts)}" if contexts else "; no dataset logged"
        return check_result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"no dataset with context {check.context!r} in run {ev.run.run_id}{detail}",
            expected=expected,
        )
    refs = tuple(
        EvidenceRef(
            kind="dataset",
            locator=f"runs:/{ev.run.run_id} input {d.name}",
            value=d.source_type,
            digest=d.digest,
        )
        for d in found
    )
    names = ", ".join(
        f"{d.name} (digest {d.digest}, context {d.context or 'none'}, role {d.role or 'none'})"
        for d in found
    )
    return check_result(
        check,
        CheckStatus.PASS,
        f"{check.context} dataset logged: {names}",
        expected=expected,
        observed=names,
        evidence=refs,
    )


def _roles_for(context: str) -> set[str]:
    role = role_of_context(context)
    if role is None:
        return set()
    return {role, "test"} if role == "evaluation" else {role}


# --- text_present -------------------------------------------------------------------------


def describe_text_present(check: TextPresent) -> str:
    return "documented in " + " or ".join(check.sources)


def _text_sources(ev: EvidenceSnapshot) -> Mapping[str, tuple[str | None, str]]:
    """Each text source: (its value, where it lives)."""
    run = f"runs:/{ev.run.run_id}"
    mv = ev.model_version
    mv_uri = f"models:/{mv.name}/{mv.version}" if mv else None
    found: dict[str, tuple[str | None, str]] = {
        "run:description": (ev.run.description, f"{run} description"),
        "model_version:description": (mv.description if mv else None, f"{mv_uri} description"),
        "registered_model:description": (
            mv.registered_model_description if mv else None,
            f"models:/{mv.name} description" if mv else "registered model description",
        ),
    }
    for key, value in ev.run.tags.items():
        found[f"tag:{key}"] = (value, f"{run} tag {key}")
    for key, value in ev.run.params.items():
        found[f"param:{key}"] = (value, f"{run} param {key}")
    if mv:
        for key, value in mv.tags.items():
            found[f"model_version_tag:{key}"] = (value, f"{mv_uri} tag {key}")
    return found


def evaluate_text_present(
    check: TextPresent, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    """Pass on the first listed source long enough; quote it (cut at MAX_QUOTED_TEXT)."""
    sources = _text_sources(ev)
    expected = "documented in " + " or ".join(check.sources)
    for src in check.sources:
        value, where = sources.get(src, (None, src))
        if value is not None and len(value.strip()) >= check.min_length:
            quoted = value.strip()
            if len(quoted) > MAX_QUOTED_TEXT:
                quoted = quoted[:MAX_QUOTED_TEXT] + "…"
            kind = "description" if src.endswith(":description") else src.split(":", 1)[0]
            ref = EvidenceRef(kind=kind, locator=where, value=quoted)
            return check_result(
                check,
                CheckStatus.PASS,
                f"documented in {where}",
                expected=expected,
                observed=where,
                evidence=(ref,),
            )
    return check_result(
        check,
        CheckStatus.NOT_EVIDENCED,
        "not documented: none of " + ", ".join(check.sources) + " is set",
        expected=expected,
    )


# --- artifact_present ---------------------------------------------------------------------


def describe_artifact_present(check: ArtifactPresent) -> str:
    return f"artifact logged matching {check.pattern!r}"


def evaluate_artifact_present(
    check: ArtifactPresent, ev: EvidenceSnapshot, _context: CheckContext
) -> CheckResult:
    """Pass when a logged file (not a folder) matches the glob; cite each match."""
    found = [
        a for a in ev.run.artifacts if not a.is_dir and fnmatch.fnmatchcase(a.path, check.pattern)
    ]
    expected = f"an artifact matching {check.pattern!r}"
    if not found:
        return check_result(
            check,
            CheckStatus.NOT_EVIDENCED,
            f"no artifact of run {ev.run.run_id} matches {check.pattern!r}",
            expected=expected,
        )
    refs = tuple(
        EvidenceRef(
            kind="artifact",
            locator=f"runs:/{ev.run.run_id}/{a.path}",
            value=f"{a.size} bytes" if a.size is not None else None,
        )
        for a in found
    )
    return check_result(
        check,
        CheckStatus.PASS,
        "logged: " + ", ".join(a.path for a in found),
        expected=expected,
        observed=", ".join(a.path for a in found),
        evidence=refs,
    )
