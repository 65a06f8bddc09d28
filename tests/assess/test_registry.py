"""The registry of check kinds: a kind added from outside riskcards is loaded from YAML,
evaluated and described like a built-in one, and removing it restores the built-in state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest

from riskcards.assess import (
    CheckContext,
    assess,
    check_result,
    describe_check,
    evaluate_check,
    register_check_kind,
    registered_check_kind,
    registered_kinds,
    unregister_check_kind,
)
from riskcards.errors import ConfigError, InternalError
from riskcards.load.catalogues import Loaded, load_mapping
from riskcards.models.assessment import CheckResult, CheckStatus, ControlStatus
from riskcards.models.base import Identifier
from riskcards.models.evidence import EvidenceSnapshot
from riskcards.models.mapping import (
    Check,
    EvidenceMapping,
    MetricThreshold,
    check_models,
    registered_check_model,
    unregister_check_model,
)
from tests.conftest import AS_OF, make_snapshot


class ToyCheck(Check):
    """A run tag names the team on call for the model."""

    kind: Literal["toy_kind"]
    tag: Identifier


def evaluate_toy(check: ToyCheck, ev: EvidenceSnapshot, context: CheckContext) -> CheckResult:
    value = ev.run.tags.get(check.tag)
    if value is None:
        return check_result(check, CheckStatus.NOT_EVIDENCED, f"no tag {check.tag}")
    return check_result(
        check, CheckStatus.PASS, f"tag {check.tag} = {value} on {context.as_of.date()}"
    )


def describe_toy(check: ToyCheck) -> str:
    return f"run tagged {check.tag!r}"


TOY_MAPPING = """\
schema_version: 1
id: toy
title: Toy mapping
checks:
  - id: on-call
    title: Someone is on call
    kind: toy_kind
    tag: owner
    severity: high
    controls: {nist-ai-rmf: [GOVERN 1.1]}
  - id: auc
    title: AUC
    kind: metric_threshold
    metric: roc_auc
    at_least: 0.75
    controls: {nist-ai-rmf: [MEASURE 2.3]}
"""


@pytest.fixture
def toy_file(tmp_path: Path) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(TOY_MAPPING)
    return path


@pytest.fixture
def toy() -> Iterator[type[ToyCheck]]:
    with registered_check_kind(ToyCheck, evaluate_toy, describe=describe_toy) as model:
        yield model


def test_a_toy_kind_is_loaded_assessed_and_described(
    toy: type[ToyCheck], toy_file: Path, loaded: Loaded
) -> None:
    mapping = load_mapping(toy_file, loaded.catalogues)
    toy_check, auc = mapping.checks
    assert isinstance(toy_check, ToyCheck) and isinstance(auc, MetricThreshold)
    a = assess(make_snapshot(), loaded.catalogues, mapping, as_of=AS_OF)
    result = a.checks[0]
    assert (result.check_id, result.kind, result.severity) == ("on-call", "toy_kind", "high")
    assert result.status is CheckStatus.PASS
    assert result.reason == "tag owner = credit-ml-team on 2026-11-28"
    (nist,) = a.frameworks
    (govern,) = [c for c in nist.controls if c.control_id == "GOVERN 1.1"]
    assert govern.status is ControlStatus.MET
    assert describe_check(toy_check) == "run tagged 'owner'"
    assert "toy_kind" in registered_kinds()
    schema = EvidenceMapping.model_json_schema()
    assert "ToyCheck" in schema["$defs"]


def test_toy_errors_have_positions(toy: type[ToyCheck], tmp_path: Path, loaded: Loaded) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(TOY_MAPPING.replace("    tag: owner\n", "    tga: owner\n"))
    with pytest.raises(ConfigError) as info:
        load_mapping(path, loaded.catalogues)
    assert [str(i).removeprefix(str(path)) for i in info.value.issues] == [
        ":5:5 checks[0]: missing required key 'tag'",
        ":8:5 checks[0].tga: unknown key 'tga'; did you mean 'tag'?",
    ]


def test_the_run_age_applies_to_new_kinds_unless_they_say_otherwise(toy: type[ToyCheck]) -> None:
    old = ToyCheck(
        id="t", title="T", kind="toy_kind", tag="owner", controls={"x": ("y",)}, max_age_days=10
    )
    result = evaluate_check(old, make_snapshot(), AS_OF)
    assert result.status is CheckStatus.NOT_EVIDENCED
    assert "27 days before the as-of time" in result.reason


def test_unregistering_restores_the_builtin_schema(toy_file: Path, loaded: Loaded) -> None:
    schema = EvidenceMapping.model_json_schema()
    models, kinds = check_models(), registered_kinds()
    with registered_check_kind(ToyCheck, evaluate_toy):
        assert EvidenceMapping.model_json_schema() != schema
        assert describe_check(load_mapping(toy_file, loaded.catalogues).checks[0]) == "toy kind"
    assert EvidenceMapping.model_json_schema() == schema
    assert (check_models(), registered_kinds()) == (models, kinds)
    with pytest.raises(ConfigError) as info:
        load_mapping(toy_file, loaded.catalogues)
    (issue,) = info.value.issues
    assert (issue.line, issue.col, issue.path) == (7, 11, "checks[0].kind")
    assert issue.message.startswith("unknown kind 'toy_kind'; expected one of 'metric_threshold'")


def test_a_kind_that_is_taken_is_an_error(toy: type[ToyCheck]) -> None:
    class Again(Check):
        kind: Literal["toy_kind"]

    class Metric(Check):
        kind: Literal["metric_threshold"]

    with pytest.raises(ValueError, match="'toy_kind' is already registered by ToyCheck"):
        register_check_kind(ToyCheck, evaluate_toy)
    with pytest.raises(ValueError, match="'toy_kind' is already registered by ToyCheck"):
        register_check_kind(Again, evaluate_toy)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'metric_threshold' is already registered"):
        register_check_kind(Metric, evaluate_toy)  # type: ignore[arg-type]


def test_what_cannot_be_registered_or_removed() -> None:
    class NoLiteral(Check):
        kind: str = "loose"

    class NotACheck:
        pass

    with pytest.raises(TypeError, match="kind: Literal"):
        register_check_kind(NoLiteral, evaluate_toy)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a subclass"):
        register_check_kind(NotACheck, evaluate_toy)  # type: ignore[type-var]
    with pytest.raises(ValueError, match="built-in"):
        unregister_check_kind(MetricThreshold)
    with pytest.raises(ValueError, match="built-in"):
        unregister_check_model(MetricThreshold)
    with pytest.raises(ValueError, match="not a registered check kind"):
        unregister_check_kind(ToyCheck)


def test_a_model_without_an_evaluator_is_a_bug_not_a_silent_pass() -> None:
    with registered_check_model(ToyCheck):
        check = EvidenceMapping.model_validate(
            {
                "schema_version": 1,
                "id": "m",
                "title": "M",
                "checks": [
                    {
                        "id": "t",
                        "title": "T",
                        "kind": "toy_kind",
                        "tag": "owner",
                        "controls": {"x": ["y"]},
                    }
                ],
            }
        ).checks[0]
        with pytest.raises(InternalError, match="no evaluator is registered for check kind"):
            evaluate_check(check, make_snapshot(), AS_OF)
        # the evaluator can be added to a model registered on its own; removing it leaves
        # the model registered, as it was found
        with registered_check_kind(ToyCheck, evaluate_toy):
            assert evaluate_check(check, make_snapshot(), AS_OF).status is CheckStatus.PASS
        assert ToyCheck in check_models()
    assert ToyCheck not in check_models()
