"""The built-in check kinds, registered like any other (layer: assess).

- :mod:`.metric`  ``metric_threshold``: a number compared with a threshold
- :mod:`.run`     ``dataset_logged``, ``text_present``, ``artifact_present``: logged with the run
- :mod:`.model`   ``signature_present``, ``model_registered``: what the model is
- :mod:`.genai`   ``genai_pass_rate``, ``genai_output_pii``, ``genai_human_agreement``

Importing this package registers them; :mod:`riskcards.assess` does so on import.
"""

from __future__ import annotations

from riskcards.assess.checks.genai import (
    describe_genai_human_agreement,
    describe_genai_output_pii,
    describe_genai_pass_rate,
    evaluate_genai_human_agreement,
    evaluate_genai_output_pii,
    evaluate_genai_pass_rate,
)
from riskcards.assess.checks.metric import describe_metric_threshold, evaluate_metric_threshold
from riskcards.assess.checks.model import (
    describe_model_registered,
    describe_signature_present,
    evaluate_model_registered,
    evaluate_signature_present,
)
from riskcards.assess.checks.run import (
    MAX_QUOTED_TEXT,
    describe_artifact_present,
    describe_dataset_logged,
    describe_text_present,
    evaluate_artifact_present,
    evaluate_dataset_logged,
    evaluate_text_present,
)
from riskcards.assess.registry import register_check_kind
from riskcards.models.mapping import (
    ArtifactPresent,
    DatasetLogged,
    GenaiHumanAgreement,
    GenaiOutputPII,
    GenaiPassRate,
    MetricThreshold,
    ModelRegistered,
    SignaturePresent,
    TextPresent,
)

__all__ = ["MAX_QUOTED_TEXT"]

# metric_threshold judges age by the metric's own timestamp; the model checks have no age
register_check_kind(
    MetricThreshold,
    evaluate_metric_threshold,
    describe=describe_metric_threshold,
    age_from_run=False,
)
register_check_kind(DatasetLogged, evaluate_dataset_logged, describe=describe_dataset_logged)
register_check_kind(TextPresent, evaluate_text_present, describe=describe_text_present)
register_check_kind(ArtifactPresent, evaluate_artifact_present, describe=describe_artifact_present)
register_check_kind(
    SignaturePresent,
    evaluate_signature_present,
    describe=describe_signature_present,
    age_from_run=False,
)
register_check_kind(
    ModelRegistered,
    evaluate_model_registered,
    describe=describe_model_registered,
    age_from_run=False,
)
register_check_kind(GenaiPassRate, evaluate_genai_pass_rate, describe=describe_genai_pass_rate)
register_check_kind(GenaiOutputPII, evaluate_genai_output_pii, describe=describe_genai_output_pii)
register_check_kind(
    GenaiHumanAgreement, evaluate_genai_human_agreement, describe=describe_genai_human_agreement
)
