"""Benchmark: the analytics layer on 10 million rows, against pandas + scikit-learn/scipy.

Three workloads, as issue 6 asks, on one core (OMP/OpenBLAS/MKL threads set to 1 before
numpy is imported):

1. calibration: Brier score, ECE/MCE and reliability bins for equal-width and equal-mass
   bins (10 each) of 10M (label, score) rows;
2. slices: n, accuracy, TPR, FPR, selection rate with Wilson intervals, worst-slice gap,
   demographic parity and equalised odds over 3 attributes (2, 4 and 6 levels) of 10M rows;
3. drift: 20 features (16 numeric: normal, skewed, discrete; 4 categorical) between a 10M-row
   reference and a 10M-row current sample: PSI and KS, or Jensen-Shannon and PSI.

For each: wall time (best of 2), and peak memory as (input arrays + the peak of what the call
allocates, traced by tracemalloc, which sees numpy's buffers) over the input arrays.

The baseline is the straightforward computation of the same numbers with pandas,
scikit-learn (``brier_score_loss``, ``calibration_curve``, ``confusion_matrix`` per group)
and scipy (``ks_2samp``, ``jensenshannon``). It is timed on the first 1M rows only and
scaled by 10 (linear scaling flatters the baseline a little: its sorts are n log n); riskcards
is also timed on those 1M rows, for a like-for-like ratio.

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_analytics.py`
(about a minute, ~4 GB of memory).
"""

from __future__ import annotations

import os
import sys

# numpy reads these once, when it is first imported (run_all.py may have imported it already)
_NUMPY_ALREADY_LOADED = "numpy" in sys.modules
for _variable in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_variable] = "1"

import gc  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from riskcards.analyse.kernels import measure_calibration, measure_drift, measure_slices  # noqa: E402

N = 10_000_000
BASELINE_N = 1_000_000
SCALE = N // BASELINE_N
N_BINS = 10
EPSILON = 1e-4
Z = 1.959963984540054

Arrays = dict[str, np.ndarray]


# --- data -----------------------------------------------------------------------------------


def evaluation_table(rng: np.random.Generator, n: int) -> Arrays:
    """What a parsed eval/predictions table holds: int64 labels and predictions, float scores,
    attributes as small integer codes (as a parquet dictionary column or a categorical gives)."""
    score = rng.beta(2.0, 5.0, n)
    label = (rng.random(n) < score).astype(np.int64)
    return {
        "label": label,
        "score": score,
        "prediction": (score >= 0.35).astype(np.int64),
        "sex": rng.integers(0, 2, n, dtype=np.int8),
        "age_band": rng.integers(0, 4, n, dtype=np.int8),
        "region": rng.integers(0, 6, n, dtype=np.int8),
    }


def drift_sample(rng: np.random.Generator, n: int, shift: float) -> Arrays:
    """16 numeric features of four shapes and 4 categorical ones; ``shift`` moves them a little."""
    features: Arrays = {}
    for i in range(4):
        features[f"normal_{i}"] = rng.normal(shift * i, 1.0, n)
        features[f"lognormal_{i}"] = rng.lognormal(10.0 + shift * i, 0.5 + 0.5 * i, n)
        features[f"uniform_{i}"] = rng.random(n) + shift * i
        features[f"count_{i}"] = rng.poisson(1.0 + i + shift, n).astype(np.float64)
    for i in range(4):
        levels = 3 + 2 * i
        weights = np.linspace(1.0, 1.0 + shift * 10, levels)
        features[f"category_{i}"] = rng.choice(levels, n, p=weights / weights.sum()).astype(
            np.int16
        )
    return features


CATEGORICAL = {f"category_{i}" for i in range(4)}


# --- riskcards ------------------------------------------------------------------------------


def ours_calibration(t: Arrays) -> object:
    return measure_calibration(t["label"], t["score"], n_bins=N_BINS)


def ours_slices(t: Arrays) -> object:
    attributes = {name: t[name] for name in ("sex", "age_band", "region")}
    return measure_slices(t["label"], t["prediction"], attributes)


def ours_drift(reference: Arrays, current: Arrays) -> object:
    return measure_drift(
        reference, current, categorical=CATEGORICAL, n_bins=N_BINS, epsilon=EPSILON
    )


# --- the straightforward baseline -------------------------------------------------------------


def baseline_calibration(t: Arrays) -> dict[str, float]:
    import pandas as pd
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import brier_score_loss

    y, p = t["label"], t["score"]
    out = {"brier": brier_score_loss(y, p)}
    for strategy in ("uniform", "quantile"):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=N_BINS, strategy=strategy)
        if strategy == "uniform":
            bins = pd.cut(p, np.linspace(0, 1, N_BINS + 1), include_lowest=True)
        else:
            bins = pd.qcut(p, N_BINS, duplicates="drop")
        counts = pd.Series(bins).value_counts(sort=False).to_numpy()
        counts = counts[counts > 0]
        gaps = np.abs(prob_true - prob_pred)
        out[f"ece_{strategy}"] = float(np.dot(gaps, counts) / counts.sum())
        out[f"mce_{strategy}"] = float(gaps.max())
    return out


def _wilson(k: float, n: float) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def baseline_slices(t: Arrays) -> dict[str, Any]:
    import pandas as pd
    from sklearn.metrics import confusion_matrix

    frame = pd.DataFrame(t)
    overall = float((frame["label"] == frame["prediction"]).mean())
    out: dict[str, Any] = {}
    for attribute in ("sex", "age_band", "region"):
        rows = []
        for value, group in frame.groupby(attribute):
            tn, fp, fn, tp = confusion_matrix(
                group["label"], group["prediction"], labels=[0, 1]
            ).ravel()
            n = len(group)
            rates = {
                "accuracy": ((tp + tn), n),
                "tpr": (tp, tp + fn),
                "fpr": (fp, fp + tn),
                "selection": (tp + fp, n),
            }
            row: dict[str, Any] = {"value": value, "n": n}
            for name, (k, m) in rates.items():
                row[name] = k / m if m else math.nan
                row[name + "_ci"] = _wilson(k, m)
            rows.append(row)
        table = pd.DataFrame(rows)
        judged = table[table["n"] >= 30]
        out[attribute] = {
            "worst_gap": overall - judged["accuracy"].min(),
            "dp": judged["selection"].max() - judged["selection"].min(),
            "eo": max(
                judged["tpr"].max() - judged["tpr"].min(), judged["fpr"].max() - judged["fpr"].min()
            ),
        }
    return out


def baseline_drift(reference: Arrays, current: Arrays) -> dict[str, float]:
    import pandas as pd
    from scipy.spatial.distance import jensenshannon
    from scipy.stats import ks_2samp

    out: dict[str, float] = {}
    for name, ref in reference.items():
        cur = current[name]
        if name in CATEGORICAL:
            shares = pd.concat(
                [
                    pd.Series(ref).value_counts(normalize=True),
                    pd.Series(cur).value_counts(normalize=True),
                ],
                axis=1,
            ).fillna(0.0)
            r, c = shares.iloc[:, 0].to_numpy(), shares.iloc[:, 1].to_numpy()
            out[name + "/js"] = float(jensenshannon(r, c, base=2))
        else:
            edges = np.unique(np.quantile(ref, np.linspace(0, 1, N_BINS + 1)[1:-1]))
            bounds = np.concatenate([[-np.inf], edges, [np.inf]])
            r = pd.Series(pd.cut(ref, bounds)).value_counts(sort=False, normalize=True).to_numpy()
            c = pd.Series(pd.cut(cur, bounds)).value_counts(sort=False, normalize=True).to_numpy()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out[name + "/ks"] = float(ks_2samp(ref, cur, method="asymp").statistic)
        r, c = np.maximum(r, EPSILON), np.maximum(c, EPSILON)
        out[name + "/psi"] = float(np.sum((c - r) * np.log(c / r)))
    return out


# --- measuring ------------------------------------------------------------------------------


def nbytes(*tables: Mapping[str, np.ndarray]) -> int:
    return sum(a.nbytes for t in tables for a in t.values())


def best_time(run: Callable[[], object], repeats: int = 2) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def traced_peak(run: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def head(table: Arrays, n: int) -> Arrays:
    return {k: v[:n].copy() for k, v in table.items()}


def main() -> None:
    if _NUMPY_ALREADY_LOADED:
        print("note: numpy was imported before this script set its thread counts to 1")
    rng = np.random.default_rng(2026)
    started = time.perf_counter()
    evaluation = evaluation_table(rng, N)
    reference = drift_sample(rng, N, shift=0.0)
    current = drift_sample(rng, N, shift=0.02)
    print(f"data generated in {time.perf_counter() - started:.1f} s")
    small_eval = head(evaluation, BASELINE_N)
    small_ref, small_cur = head(reference, BASELINE_N), head(current, BASELINE_N)

    work = [
        (
            "calibration (2 binnings x 10 bins)",
            {k: evaluation[k] for k in ("label", "score")},
            lambda: ours_calibration(evaluation),
            lambda: ours_calibration(small_eval),
            lambda: baseline_calibration(small_eval),
        ),
        (
            "slices over 3 attributes",
            {k: evaluation[k] for k in ("label", "prediction", "sex", "age_band", "region")},
            lambda: ours_slices(evaluation),
            lambda: ours_slices(small_eval),
            lambda: baseline_slices(small_eval),
        ),
        (
            "drift over 20 features (10M vs 10M)",
            {
                **{"r/" + k: v for k, v in reference.items()},
                **{"c/" + k: v for k, v in current.items()},
            },
            lambda: ours_drift(reference, current),
            lambda: ours_drift(small_ref, small_cur),
            lambda: baseline_drift(small_ref, small_cur),
        ),
    ]
    print(
        f"{N:,} rows, one core; baseline = pandas + scikit-learn/scipy"
        f" on {BASELINE_N:,} rows x {SCALE}"
    )
    header = (
        f"{'workload':38s} {'riskcards':>10s} {'input':>9s} {'peak/input':>10s}"
        f" {'1M ours':>8s} {'1M base':>8s} {'base x10':>9s} {'speed-up':>9s}"
    )
    print(header)
    print("-" * len(header))
    total = 0.0
    for name, inputs, ours, ours_small, baseline in work:
        seconds = best_time(ours)
        total += seconds
        peak = traced_peak(ours)
        size = nbytes(inputs)
        small = best_time(ours_small)
        base = best_time(baseline, repeats=1)
        print(
            f"{name:38s} {seconds:9.2f}s {size / 2**20:7.0f}MB {(size + peak) / size:9.2f}x"
            f" {small:7.3f}s {base:7.2f}s {base * SCALE:8.1f}s {base * SCALE / seconds:8.1f}x"
        )
    print("-" * len(header))
    print(f"{'total riskcards at 10M rows':38s} {total:9.2f}s")
    print(
        "peak/input: (input arrays + peak allocated during the call) / input arrays; "
        "1M ours/base: measured on the first 1M rows; base x10: the baseline scaled to 10M"
    )

    # what string attributes cost instead of integer codes, for the record
    words = np.array(["female", "male"])[evaluation["sex"]]
    seconds = best_time(
        lambda: measure_slices(evaluation["label"], evaluation["prediction"], {"sex": words}), 1
    )
    print(f"slices over 1 string attribute (<U6, 2 levels): {seconds:.2f}s (codes: see above)")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"process peak RSS: {peak_rss:.1f} GB (all data above, both implementations)")


if __name__ == "__main__":
    main()
