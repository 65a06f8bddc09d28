"""The metric_threshold check: comparisons, aliases, non-finite values, freshness, sample sizes,
dataset context, riskcards' recomputed measures, and the two ways to write the threshold."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from riskcards.analyse import analyse
from riskcards.analyse.kernels import measure_calibration
from riskcards.assess import apply_overrides, assess, describe_check, evaluate_check
from riskcards.errors import ConfigError
from riskcards.load.catalogues import Loaded, load_mapping
from riskcards.models.assessment import CheckStatus
from riskcards.models.evidence import MetricValue, TableArtifact
from riskcards.models.mapping import EvidenceMapping, MetricThreshold
from riskcards.models.project import AnalyticsSettings, ThresholdOverride
from tests.conftest import AS_OF, make_snapshot


def _check(**fields: object) -> object:
    base = {"id": "c", "title": "C", "controls": {"nist-ai-rmf": ["MEASURE 2.3"]}}
    mapping = EvidenceMapping.model_validate(
        {"schema_version": 1, "id": "m", "title": "M", "checks": [{**base, **fields}]}
    )
    return mapping.checks[0]


# --- comparing a logged metric -------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "threshold", "expected"),
    [
        (">=", 0.86, CheckStatus.PASS),
        (">=", 0.87, CheckStatus.FAIL),
        (">", 0.86, CheckStatus.FAIL),
        ("<=", 0.86, CheckStatus.PASS),
        ("<", 0.9, CheckStatus.PASS),
        ("==", 0.86, CheckStatus.PASS),
    ],
)
def test_metric_threshold_compares(op: str, threshold: float, expected: CheckStatus) -> None:
    check = _check(kind="metric_threshold", metric="roc_auc", op=op, threshold=threshold)
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is expected
    assert result.evidence[0].locator.endswith("metric roc_auc (step 0)")
    assert result.evidence[0].value == "0.86"


def test_metric_threshold_uses_first_alias_found() -> None:
    check = _check(
        kind="metric_threshold", metric="auc", aliases=["roc_auc"], op=">=", threshold=0.5
    )
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert "roc_auc" in result.observed  # type: ignore[operator]


def test_missing_metric_is_not_evidenced_with_the_names_sought() -> None:
    check = _check(
        kind="metric_threshold", metric="drift/max_psi", aliases=["psi"], op="<=", threshold=0.2
    )
    result = evaluate_check(check, make_snapshot(), AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.NOT_EVIDENCED
    assert "'drift/max_psi' or 'psi'" in result.reason
    assert result.evidence == ()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_metric_is_invalid_and_never_passes(value: float) -> None:
    ev = make_snapshot(metrics=(MetricValue(key="roc_auc", value=value),))
    for op in (">=", "<=", ">", "<"):
        check = _check(kind="metric_threshold", metric="roc_auc", op=op, threshold=0.5)
        assert evaluate_check(check, ev, AS_OF).status is CheckStatus.INVALID  # type: ignore[arg-type]


def test_describe_says_the_threshold_in_words() -> None:
    check = _check(kind="metric_threshold", metric="roc_auc", op=">=", threshold=0.75)
    assert describe_check(check) == "roc_auc >= 0.75"  # type: ignore[arg-type]
    full = _check(
        kind="metric_threshold",
        metric="ece",
        at_most=0.05,
        recomputed="calibration.ece",
        context="evaluation",
        min_samples=200,
    )
    assert describe_check(full) == (  # type: ignore[arg-type]
        "ece <= 0.05 (recomputed: calibration.ece), with a dataset of context 'evaluation', "
        "from at least 200 samples"
    )


# --- freshness, sample size and dataset context ----------------------------------------------


def test_stale_evidence_does_not_count(loaded: Loaded) -> None:
    mapping = EvidenceMapping.model_validate(
        {
            "schema_version": 1,
            "id": "m",
            "title": "M",
            "checks": [
                {
                    "id": "auc",
                    "title": "AUC",
                    "kind": "metric_threshold",
                    "metric": "roc_auc",
                    "op": ">=",
                    "threshold": 0.5,
                    "max_age_days": 30,
                    "controls": {"nist-ai-rmf": ["MEASURE 2.3"]},
                }
            ],
        }
    )
    fresh = make_snapshot(
        metrics=(MetricValue(key="roc_auc", value=0.9, timestamp=AS_OF - timedelta(days=29)),)
    )
    old = make_snapshot(
        metrics=(MetricValue(key="roc_auc", value=0.9, timestamp=AS_OF - timedelta(days=31)),)
    )
    for ev, status in ((fresh, CheckStatus.PASS), (old, CheckStatus.NOT_EVIDENCED)):
        a = assess(ev, loaded.catalogues, mapping, as_of=AS_OF)
        assert a.checks[0].status is status
    assert (
        "31 days before the as-of time"
        in assess(old, loaded.catalogues, mapping, as_of=AS_OF).checks[0].reason
    )


@pytest.mark.parametrize(
    ("extra", "status", "words"),
    [
        ({"min_samples": 1000, "samples_key": "param:n_eval"}, CheckStatus.PASS, ""),
        (
            {"min_samples": 5000, "samples_key": "param:n_eval"},
            CheckStatus.NOT_EVIDENCED,
            "fewer than the 5000",
        ),
        (
            {"min_samples": 10, "samples_key": "param:missing"},
            CheckStatus.NOT_EVIDENCED,
            "sample size behind",
        ),
        ({"context": "evaluation"}, CheckStatus.PASS, ""),
        ({"context": "production"}, CheckStatus.NOT_EVIDENCED, "no production dataset"),
    ],
)
def test_sample_size_and_dataset_context(
    loaded: Loaded, extra: dict, status: CheckStatus, words: str
) -> None:
    mapping = EvidenceMapping.model_validate(
        {
            "schema_version": 1,
            "id": "m",
            "title": "M",
            "checks": [
                {
                    "id": "auc",
                    "title": "AUC",
                    "kind": "metric_threshold",
                    "metric": "roc_auc",
                    "op": ">=",
                    "threshold": 0.5,
                    "controls": {"nist-ai-rmf": ["MEASURE 2.3"]},
                    **extra,
                }
            ],
        }
    )
    ev = make_snapshot(params={"n_eval": "1500"})
    result = assess(ev, loaded.catalogues, mapping, as_of=AS_OF).checks[0]
    assert result.status is status
    assert words in result.reason


# --- recomputed measures ---------------------------------------------------------------------


def _table(path: str, columns: dict[str, list[object]]) -> TableArtifact:
    names = list(columns)
    content = json.dumps(
        {"columns": names, "data": [list(r) for r in zip(*columns.values(), strict=True)]}
    )
    return TableArtifact(
        path=path,
        format="json",
        status="loaded",
        size=len(content),
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        content=content,
    )


def _predictions(n: int = 400, seed: int = 1) -> dict[str, list[object]]:
    rng = np.random.default_rng(seed)
    score = rng.uniform(size=n)
    label = (rng.uniform(size=n) < score).astype(int)
    group = np.where(rng.uniform(size=n) < 0.5, "a", "b")
    return {
        "label": label.tolist(),
        "score": score.round(6).tolist(),
        "prediction": (score >= 0.5).astype(int).tolist(),
        "group": group.tolist(),
    }


# The next two tests are about the analyse stage, which makes the measures this check judges;
# they lived here before the split and belong in tests/analyse/.
def test_measures_match_the_analytics_and_cite_the_table() -> None:
    cols = _predictions()
    ev = make_snapshot(tables=(_table("eval/predictions.json", cols),))
    analysis = analyse(ev, AnalyticsSettings(attributes=("group",)))
    ece = analysis.measures["calibration.ece"]
    direct = measure_calibration(np.array(cols["label"]), np.array(cols["score"]), n_bins=10)
    assert ece.value == direct.equal_width.expected_calibration_error
    assert ece.table == "eval/predictions.json" and ece.rows == 400
    assert ece.sha256 == ev.run.tables[0].sha256
    assert "slices.group.demographic_parity_difference" in analysis.measures
    assert analysis.failures == ()


def test_a_bad_table_becomes_a_failure_not_an_exception() -> None:
    cols = _predictions()
    cols["score"][3] = 1.7  # outside [0, 1]
    ev = make_snapshot(tables=(_table("eval/predictions.json", cols),))
    analysis = analyse(
        ev, AnalyticsSettings(reference_table="data/missing.json", current_table="data/x.json")
    )
    messages = [f.message for f in analysis.failures]
    assert any("outside [0, 1]" in m for m in messages)
    assert any("data/missing.json was not logged" in m for m in messages)
    assert "calibration.ece" not in analysis.measures


def _mapping(**check: object) -> EvidenceMapping:
    base = {
        "id": "ece",
        "title": "ECE",
        "kind": "metric_threshold",
        "metric": "expected_calibration_error",
        "op": "<=",
        "threshold": 0.05,
        "controls": {"nist-ai-rmf": ["MEASURE 2.5"]},
    }
    return EvidenceMapping.model_validate(
        {"schema_version": 1, "id": "m", "title": "M", "checks": [{**base, **check}]}
    )


def test_recomputed_beats_logged_and_the_logged_value_is_cited(loaded: Loaded) -> None:
    ev = make_snapshot(
        metrics=(MetricValue(key="expected_calibration_error", value=0.01),),
        tables=(_table("eval/predictions.json", _predictions()),),
    )
    measures = analyse(ev).measures
    result = assess(
        ev,
        loaded.catalogues,
        _mapping(recomputed="calibration.ece"),
        as_of=AS_OF,
        measures=measures,
    ).checks[0]
    assert result.observed.startswith("recomputed calibration.ece = ")  # type: ignore[union-attr]
    assert "(logged expected_calibration_error = 0.01)" in result.observed  # type: ignore[operator]
    assert [r.kind for r in result.evidence] == ["recomputed", "metric"]
    assert result.evidence[0].digest == ev.run.tables[0].sha256
    plain = assess(ev, loaded.catalogues, _mapping(), as_of=AS_OF, measures=measures).checks[0]
    assert (
        plain.status is CheckStatus.PASS and plain.observed == "expected_calibration_error = 0.01"
    )


def test_recomputed_fills_in_what_nobody_logged(loaded: Loaded) -> None:
    ev = make_snapshot(metrics=(), tables=(_table("eval/predictions.json", _predictions()),))
    filled = assess(
        ev,
        loaded.catalogues,
        _mapping(recomputed="calibration.ece"),
        as_of=AS_OF,
        measures=analyse(ev).measures,
    ).checks[0]
    assert filled.status in (CheckStatus.PASS, CheckStatus.FAIL)
    missing = assess(
        make_snapshot(metrics=()),
        loaded.catalogues,
        _mapping(recomputed="calibration.ece"),
        as_of=AS_OF,
        measures={},
    ).checks[0]
    assert missing.status is CheckStatus.NOT_EVIDENCED
    assert "calibration.ece could not be recomputed" in missing.reason


def test_a_measure_on_too_few_rows_is_not_judged(loaded: Loaded) -> None:
    ev = make_snapshot(tables=(_table("eval/predictions.json", _predictions(n=50)),))
    result = assess(
        ev,
        loaded.catalogues,
        _mapping(recomputed="calibration.ece", min_samples=100),
        as_of=AS_OF,
        measures=analyse(ev).measures,
    ).checks[0]
    assert result.status is CheckStatus.NOT_EVIDENCED
    assert result.reason == (
        "calibration.ece was recomputed from 50 rows, fewer than the 100 required: not judged"
    )


# --- writing the threshold: at_least / at_most, or op with threshold -------------------------

HEAD = """\
schema_version: 1
id: m
title: M
checks:
  - id: auc
    title: AUC
    kind: metric_threshold
    metric: roc_auc
    controls: {nist-ai-rmf: [MEASURE 2.3]}
"""


def _load(tmp_path: Path, loaded: Loaded, threshold_lines: str) -> EvidenceMapping:
    path = tmp_path / "mapping.yaml"
    path.write_text(HEAD + threshold_lines)
    return load_mapping(path, loaded.catalogues)


@pytest.mark.parametrize(
    ("shorthand", "longhand"),
    [
        ("    at_least: 0.8\n", "    op: '>='\n    threshold: 0.8\n"),
        ("    at_least: 0.9\n", "    op: '>='\n    threshold: 0.9\n"),
        ("    at_most: 0.8\n", "    op: '<='\n    threshold: 0.8\n"),
        ("    at_most: 0.9\n", "    op: '<='\n    threshold: 0.9\n"),
        ("    at_least: 1\n", "    op: '>='\n    threshold: 1\n"),
    ],
)
def test_at_least_and_at_most_judge_as_op_and_threshold(
    tmp_path: Path, loaded: Loaded, shorthand: str, longhand: str
) -> None:
    short = _load(tmp_path, loaded, shorthand)
    long = _load(tmp_path, loaded, longhand)
    (s,), (lg,) = short.checks, long.checks
    assert isinstance(s, MetricThreshold) and isinstance(lg, MetricThreshold)
    assert (s.op, s.threshold) == (lg.op, lg.threshold)
    assert describe_check(s) == describe_check(lg)
    for ev in (make_snapshot(), make_snapshot(metrics=())):
        a = assess(ev, loaded.catalogues, short, as_of=AS_OF)
        b = assess(ev, loaded.catalogues, long, as_of=AS_OF)
        assert a.model_dump_json() == b.model_dump_json()


@pytest.mark.parametrize(
    "override",
    [
        ThresholdOverride(check="auc", threshold=0.9, rationale="r", owner="o"),
        ThresholdOverride(check="auc", op="<=", rationale="r", owner="o"),
        ThresholdOverride(
            check="auc", op="<", threshold=0.5, severity="low", rationale="r", owner="o"
        ),
    ],
)
def test_overrides_apply_to_either_form(
    tmp_path: Path, loaded: Loaded, override: ThresholdOverride
) -> None:
    short, short_notes = apply_overrides(
        _load(tmp_path, loaded, "    at_least: 0.8\n"), (override,)
    )
    long, long_notes = apply_overrides(
        _load(tmp_path, loaded, "    op: '>='\n    threshold: 0.8\n"), (override,)
    )
    assert short_notes == long_notes
    (s,), (lg,) = short.checks, long.checks
    assert isinstance(s, MetricThreshold) and isinstance(lg, MetricThreshold)
    assert (s.op, s.threshold, s.severity) == (lg.op, lg.threshold, lg.severity)
    assert s.at_least is None  # the shorthand no longer says what is judged
    ev = make_snapshot()
    assert evaluate_check(s, ev, AS_OF) == evaluate_check(lg, ev, AS_OF)


def _problems(tmp_path: Path, loaded: Loaded, threshold_lines: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, loaded, threshold_lines)
    prefix = str(tmp_path / "mapping.yaml")
    return [str(i).removeprefix(prefix) for i in info.value.issues]


def test_both_forms_together_is_an_error_at_the_check(tmp_path: Path, loaded: Loaded) -> None:
    assert _problems(tmp_path, loaded, "    at_least: 0.8\n    op: '>='\n    threshold: 0.8\n") == [
        ":5:5 checks[0]: both at_least and op/threshold are given: write the threshold one "
        "way, either 'at_least: <number>' or 'op:' with 'threshold:'"
    ]
    assert _problems(tmp_path, loaded, "    at_most: 0.8\n    threshold: 0.8\n") == [
        ":5:5 checks[0]: both at_most and threshold are given: write the threshold one "
        "way, either 'at_most: <number>' or 'op:' with 'threshold:'"
    ]
    assert _problems(tmp_path, loaded, "    at_least: 0.1\n    at_most: 0.8\n") == [
        ":5:5 checks[0]: at_least and at_most cannot both be given: a check has one threshold "
        "(write two checks to bound a metric on both sides)"
    ]


def test_no_threshold_is_an_error_at_the_check(tmp_path: Path, loaded: Loaded) -> None:
    assert _problems(tmp_path, loaded, "") == [
        ":5:5 checks[0]: no threshold: write 'at_least: <number>', 'at_most: <number>', "
        "or 'op:' with 'threshold:'"
    ]
    # a misspelt key is named, with the key it was surely meant to be
    assert _problems(tmp_path, loaded, "    at_lest: 0.8\n")[-1] == (
        ":10:5 checks[0].at_lest: unknown key 'at_lest'; did you mean 'at_least' or 'at_most'?"
    )


def test_a_bad_shorthand_value_is_reported_once_at_its_key(tmp_path: Path, loaded: Loaded) -> None:
    assert _problems(tmp_path, loaded, "    at_least: high\n") == [
        ":10:15 checks[0].at_least: input should be a valid number, unable to parse string as "
        "a number"
    ]
    assert _problems(tmp_path, loaded, "    at_most:\n") == [
        ":5:5 checks[0]: at_most is empty: give it a number"
    ]
    assert _problems(tmp_path, loaded, "    at_most: .nan\n") == [
        ":5:5 checks[0]: threshold must be a finite number"
    ]


# --- evaluations by role, near misses, tasks ------------------------------------------------


def _evaluations_snapshot() -> object:
    from riskcards.models.evidence import MlflowEvaluation

    metrics = tuple(
        MetricValue(key=k, value=v)
        for k, v in (("val_roc_auc", 0.91), ("test_roc_auc", 0.81), ("training_roc_auc", 0.99))
    )
    evaluations = tuple(
        MlflowEvaluation(model_type="classifier", metric_prefix=p, metrics=(p + "roc_auc",), role=r)
        for p, r in (("val_", "validation"), ("test_", "test"), ("training_", "training"))
    )
    return make_snapshot(metrics=metrics, evaluations=evaluations)


def test_the_test_evaluation_is_preferred_and_named() -> None:
    ev = _evaluations_snapshot()
    result = evaluate_check(
        _check(kind="metric_threshold", metric="roc_auc", at_least=0.75), ev, AS_OF
    )  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS
    assert result.observed == "test_roc_auc = 0.81, from evaluate() 'test_' (test)"


def test_the_mapping_may_name_the_role() -> None:
    ev = _evaluations_snapshot()
    check = _check(kind="metric_threshold", metric="roc_auc", at_least=0.85, roles=["validation"])
    result = evaluate_check(check, ev, AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.PASS and result.observed.startswith("val_roc_auc")  # type: ignore[union-attr]
    assert "from the validation evaluation" in describe_check(check)  # type: ignore[arg-type]
    only_eval = _check(
        kind="metric_threshold", metric="roc_auc", at_least=0.5, roles=["evaluation"]
    )
    assert evaluate_check(only_eval, ev, AS_OF).status is CheckStatus.NOT_EVIDENCED  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("logged", "metric", "hint"),
    [
        ("eval/roc_auc", "roc_auc", "did you mean `eval/roc_auc`?"),
        ("val/accuracy", "accuracy", "did you mean `val/accuracy`?"),
        ("roc_acu", "roc_auc", "did you mean `roc_acu`?"),
        ("training_r2_score", "r2_score", "`training_r2_score` (training data, not held out)"),
    ],
)
def test_a_near_miss_metric_name_is_suggested(logged: str, metric: str, hint: str) -> None:
    ev = make_snapshot(metrics=(MetricValue(key=logged, value=0.9),))
    result = evaluate_check(_check(kind="metric_threshold", metric=metric, at_least=0.5), ev, AS_OF)  # type: ignore[arg-type]
    assert result.status is CheckStatus.NOT_EVIDENCED and hint in result.reason


def test_a_check_of_another_task_is_not_applicable_and_never_blocks(loaded: Loaded) -> None:
    ev = make_snapshot(
        tags={"task": "regression"}, metrics=(MetricValue(key="r2_score", value=0.4),)
    )
    a = assess(ev, loaded.catalogues, loaded.mapping, as_of=AS_OF)
    assert a.task.task == "regression" and a.task.source == "tag"
    by_id = {r.check_id: r for r in a.checks}
    roc = by_id["performance.roc_auc"]
    assert roc.status is CheckStatus.NOT_APPLICABLE
    assert roc.reason.startswith("not applicable (task: regression")
    assert by_id["performance.r2"].status is CheckStatus.PASS
    nist = next(f for f in a.frameworks if f.catalogue_id == "nist-ai-rmf")
    controls = {c.control_id: c for c in nist.controls}
    # MEASURE 2.7 rests only on the FGSM check, a binary-classification one: not assessed
    assert controls["MEASURE 2.7"].status.value == "not_assessed"
    assert not controls["MEASURE 2.7"].blocking
    # MEASURE 2.3 rests on the checks that apply: R² passes, latency is not evidenced (low)
    assert controls["MEASURE 2.3"].status.value in ("met", "partial")
    for c in (c for fw in a.frameworks for c in fw.controls if c.blocking):
        assert any(
            r.status not in (CheckStatus.PASS, CheckStatus.NOT_APPLICABLE) and r.severity == "high"
            for r in c.checks
        ), c.control_id
