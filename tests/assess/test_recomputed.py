"""The analyse stage and recomputed measures in the assessment: riskcards' own numbers are
judged where the logged tables allow, the logged ones are cited, and bad tables never crash."""

from __future__ import annotations

import hashlib
import json

import numpy as np

from riskcards.analyse import analyse
from riskcards.analytics import measure_calibration
from riskcards.assess import assess
from riskcards.catalogues import Loaded
from riskcards.models.assessment import CheckStatus
from riskcards.models.evidence import TableArtifact
from riskcards.models.mapping import EvidenceMapping
from riskcards.models.project import AnalyticsSettings
from tests.conftest import AS_OF, make_snapshot


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
    from riskcards.models.evidence import MetricValue

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
