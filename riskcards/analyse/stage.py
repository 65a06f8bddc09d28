"""The analyse stage: recompute measurements from the tables in the evidence (layer: analyse).

Pure: an evidence snapshot and settings in, an :class:`Analysis` out. It reads the evaluation
tables that collection fetched and hashed (predictions with labels and scores; training and
evaluation samples) and runs the kernels of :mod:`riskcards.analyse.kernels` on them. Each
headline number becomes a :class:`Measure` that names the table, its sha256, the rows used
and the parameters, so an auditor can recompute it; the assessment prefers it to the number
the training script logged.
Evidence that cannot be used becomes a failure with the reason, never an exception.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

from riskcards.analyse.kernels import (
    AnalyticsInputError,
    ColumnRoles,
    analyse_datasets,
    analyse_predictions,
)
from riskcards.analyse.tables import Table, read_table
from riskcards.analyse.task_measures import task_measures
from riskcards.models.analysis import (
    Analysis,
    AnalysisFailure,
    AttributeSlices,
    CalibrationResult,
    DatasetAnalysis,
    PredictionAnalysis,
    RobustnessResult,
    SliceReport,
    Source,
)
from riskcards.models.assessment import Measure
from riskcards.models.evidence import EvidenceSnapshot, TableArtifact
from riskcards.models.project import AnalyticsSettings


class _Tables:
    """The evidence's tables as read for one analysis: each at most once (issue 18), from
    the columns collection read it into when it kept them, else from its content."""

    def __init__(self) -> None:
        self._read: dict[int, tuple[TableArtifact, Table | AnalyticsInputError]] = {}

    def __call__(self, artifact: TableArtifact) -> Table:
        key = id(artifact)  # the artifact is kept in the value, so the id stays its own
        if key not in self._read:
            try:
                found: Table | AnalyticsInputError = _table(artifact)
            except AnalyticsInputError as exc:
                found = exc
            self._read[key] = (artifact, found)
        found = self._read[key][1]
        if isinstance(found, AnalyticsInputError):
            raise found
        return found


def _table(artifact: TableArtifact) -> Table:
    assert artifact.content is not None
    # parquet content is kept as JSON: cite the hash of the file as fetched
    digest = artifact.sha256 or hashlib.sha256(artifact.content.encode()).hexdigest()
    return read_table(
        artifact.content,
        artifact.path,
        format=artifact.content_format,
        sha256=digest,
        read=artifact.take_read(),
    )


def _loaded(
    evidence: EvidenceSnapshot, path: str, failures: list[AnalysisFailure], read: _Tables
) -> Table | None:
    artifact = next((t for t in evidence.run.tables if t.path == path), None)
    if artifact is None or artifact.status != "loaded":
        why = (
            "was not logged with the run"
            if artifact is None
            else f"was not loaded ({artifact.status}: {artifact.detail})"
        )
        failures.append(
            AnalysisFailure(measurement="tables", table=path, message=f"table {path} {why}")
        )
        return None
    try:
        return read(artifact)
    except AnalyticsInputError as exc:
        failures.append(
            AnalysisFailure(
                measurement="tables", table=path, column=exc.column, message=exc.message
            )
        )
        return None


def _prediction_tables(
    evidence: EvidenceSnapshot,
    settings: AnalyticsSettings,
    failures: list[AnalysisFailure],
    needed: set[str],
    read: _Tables,
) -> list[Table]:
    """The tables named in ``analytics.predictions``, else every loaded table (but the
    training and evaluation samples) with the ``needed`` columns."""
    if settings.predictions:
        return [
            t
            for p in settings.predictions
            if (t := _loaded(evidence, p, failures, read)) is not None
        ]
    skip = {settings.reference_table, settings.current_table}
    found = []
    for artifact in evidence.run.tables:
        if artifact.status != "loaded" or artifact.path in skip:
            continue
        try:
            table = read(artifact)
        except AnalyticsInputError:
            continue  # not a predictions table: other tables are not riskcards' business
        if needed <= set(table.columns):
            found.append(table)
    return found


def roles(settings: AnalyticsSettings) -> ColumnRoles:
    return ColumnRoles(
        label=settings.label,
        score=settings.score,
        prediction=settings.prediction,
        attributes=settings.attributes,
        perturbed_score=settings.perturbed_score,
        perturbed_prediction=settings.perturbed_prediction,
    )


def analyse(evidence: EvidenceSnapshot, settings: AnalyticsSettings | None = None) -> Analysis:
    """Every measurement the evidence's tables allow."""
    settings = settings or AnalyticsSettings()
    failures: list[AnalysisFailure] = []
    read = _Tables()
    predictions = tuple(
        analyse_predictions(
            t, roles(settings), n_bins=settings.n_bins, min_slice_size=settings.min_slice_size
        )
        for t in _prediction_tables(
            evidence, settings, failures, {settings.label, settings.score}, read
        )
    )
    datasets = None
    if settings.reference_table and settings.current_table:
        ref = _loaded(evidence, settings.reference_table, failures, read)
        cur = _loaded(evidence, settings.current_table, failures, read)
        if ref is not None and cur is not None:
            datasets = analyse_datasets(
                ref,
                cur,
                label=settings.sample_label,
                categorical=settings.categorical,
                n_bins=settings.n_bins,
            )
    for p in predictions:
        failures += [
            r for r in (p.calibration, p.slices, p.robustness) if isinstance(r, AnalysisFailure)
        ]
    if datasets is not None:
        failures += [r for r in _dataset_results(datasets) if isinstance(r, AnalysisFailure)]
    measures = _measures(predictions, datasets)
    needed = {settings.label, settings.prediction}
    for table in _prediction_tables(evidence, settings, [], needed, read):
        found = task_measures(
            table, roles(settings), n_bins=settings.n_bins, min_slice_size=settings.min_slice_size
        )
        for key, measure in found.items():
            measures.setdefault(key, measure)  # the first table measured wins
    return Analysis(
        predictions=predictions,
        datasets=datasets,
        measures=measures,
        failures=tuple(failures),
    )


def _dataset_results(d: DatasetAnalysis) -> Iterable[object]:
    yield d.drift
    yield d.leakage
    for q in (d.reference, d.current):
        yield from (q.class_balance, q.missingness, q.duplicates, q.pii)


def _put(
    found: dict[str, Measure], key: str, value: float | None, source: Source, rows: int, detail: str
) -> None:
    if value is None or key in found or not math.isfinite(value):
        return  # the first table measured wins; undefined values are not evidence
    found[key] = Measure(
        key=key, value=value, table=source.table, sha256=source.sha256, rows=rows, detail=detail
    )


def _worst(attrs: Iterable[AttributeSlices], field: str) -> tuple[float | None, str]:
    values = [(getattr(a, field), a.attribute) for a in attrs if getattr(a, field) is not None]
    if not values:
        return None, ""
    value, attribute = max(values)
    return value, attribute


def _measures(
    predictions: tuple[PredictionAnalysis, ...], datasets: DatasetAnalysis | None
) -> dict[str, Measure]:
    """The headline number of every result, by measure name (in a stable order)."""
    found: dict[str, Measure] = {}
    for p in predictions:
        _calibration_measures(found, p.calibration)
        _slice_measures(found, p.slices)
        _robustness_measures(found, p.robustness)
    if datasets is not None:
        _drift_measures(found, datasets)
        _quality_measures(found, datasets)
    return found


def _calibration_measures(found: dict[str, Measure], c: object) -> None:
    if isinstance(c, CalibrationResult):
        bins = f"{c.parameters.n_bins} equal-width bins"
        curve = c.equal_width
        _put(
            found,
            "calibration.ece",
            curve.expected_calibration_error,
            c.source,
            c.rows,
            f"expected calibration error, {bins}",
        )
        _put(
            found,
            "calibration.mce",
            curve.maximum_calibration_error,
            c.source,
            c.rows,
            f"maximum calibration error, {bins}",
        )
        _put(found, "calibration.brier", c.brier_score, c.source, c.rows, "Brier score")


def _slice_measures(found: dict[str, Measure], s: object) -> None:
    if isinstance(s, SliceReport):
        for field, name in (
            ("demographic_parity_difference", "demographic parity difference"),
            ("equalized_odds_difference", "equalised odds difference"),
            ("worst_slice_gap", "worst-slice accuracy gap"),
        ):
            value, attribute = _worst(s.attributes, field)
            _put(
                found,
                f"slices.{field}",
                value,
                s.source,
                s.rows,
                f"{name}, largest over attributes ({attribute}); slices under "
                f"{s.parameters.min_slice_size} rows not judged",
            )
            for attr in s.attributes:
                _put(
                    found,
                    f"slices.{attr.attribute}.{field}",
                    getattr(attr, field),
                    s.source,
                    s.rows,
                    f"{name} across {attr.attribute}",
                )
        _put(
            found,
            "slices.accuracy",
            s.overall.accuracy.value,
            s.source,
            s.rows,
            "overall accuracy",
        )


def _robustness_measures(found: dict[str, Measure], r: object) -> None:
    if isinstance(r, RobustnessResult):
        _put(
            found,
            "robustness.perturbed_accuracy",
            r.perturbed_accuracy.value,
            r.source,
            r.rows,
            "accuracy on perturbed inputs ("
            + ", ".join(f"{k}={v}" for k, v in sorted(r.columns.items()))
            + ")",
        )
        _put(
            found,
            "robustness.degradation",
            r.degradation,
            r.source,
            r.rows,
            "clean minus perturbed accuracy",
        )
        _put(
            found,
            "robustness.attack_success_rate",
            r.attack_success_rate.value,
            r.source,
            r.rows,
            "share of correct predictions flipped by the perturbation",
        )


def _drift_measures(found: dict[str, Measure], datasets: DatasetAnalysis) -> None:
    drift = datasets.drift
    if not isinstance(drift, AnalysisFailure) and drift.features:
        worst = max(drift.features, key=lambda f: f.population_stability_index)
        _put(
            found,
            "drift.max_psi",
            worst.population_stability_index,
            drift.current,
            drift.current_rows,
            f"largest PSI over {len(drift.features)} features ({worst.feature}), bins fixed on "
            f"{drift.reference.table}",
        )


def _quality_measures(found: dict[str, Measure], datasets: DatasetAnalysis) -> None:
    leak = datasets.leakage
    if not isinstance(leak, AnalysisFailure):
        _put(
            found,
            "quality.leaked_rows",
            float(leak.leaked_rows),
            leak.current,
            leak.current_rows,
            f"rows of {leak.current.table} also in {leak.reference.table} (row hash over "
            f"{len(leak.columns)} columns)",
        )
    balance = datasets.reference.class_balance
    if balance is not None and not isinstance(balance, AnalysisFailure):
        _put(
            found,
            "quality.class_imbalance_ratio",
            balance.imbalance_ratio,
            balance.source,
            balance.rows,
            f"largest over smallest class of {balance.column}",
        )
    pii_rows, rows, sources = 0, 0, []
    for q in (datasets.reference, datasets.current):
        if isinstance(q.pii, AnalysisFailure):
            break
        pii_rows += sum(f.rows for f in q.pii.findings)
        rows += q.pii.rows
        sources.append(q.pii.source)
    else:
        _put(
            found,
            "privacy.pii_findings",
            float(pii_rows),
            sources[0],
            rows,
            "rows with e-mail, phone, card, national-ID or IP patterns in "
            f"{sources[0].table} and "
            f"{sources[1].table} (counts only, never values)",
        )
