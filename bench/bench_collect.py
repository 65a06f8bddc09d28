"""Benchmark: collecting the evidence of one model version from a real `mlflow server`.

Starts `mlflow server` on 127.0.0.1 (sqlite backend, served artifacts) and measures, counting
every HTTP request MLflow's client makes (a wrapper around ``requests.Session.request``):

1. one model version whose run has 500 metrics (10 steps each) and 10 artifacts (JSON tables):
   requests and time, without and with full histories, tables fetched or not, downloads
   concurrent or serial; and the same run shape with 5 metrics, to show that requests do not
   grow with metrics;
2. an experiment of 1,000 runs (logged with ``log_batch``): what collecting one version there
   costs, and what paging through the experiment with ``search_runs`` costs (riskcards never
   searches runs; shown for scale).

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_collect.py` (about 2-4 min).
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.integration_support import mlflow_server

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"

N_METRICS, N_STEPS, N_ARTIFACTS, ROWS = 500, 10, 10, 2_000
N_RUNS = 1_000
REPEATS = 5

_MLMODEL = """\
artifact_path: model
flavors:
  python_function:
    loader_module: bench
    python_version: 3.11.7
mlflow_version: 3.17.2
model_id: {model_id}
signature:
  inputs: '[{{"type": "double", "name": "x", "required": true}}]'
  outputs: '[{{"type": "long", "name": "y", "required": true}}]'
  params: null
"""


@contextlib.contextmanager
def counted() -> Iterator[Counter[str]]:
    """Every HTTP request made through `requests` while the block runs, by METHOD /path."""
    import requests

    counts: Counter[str] = Counter()
    lock = threading.Lock()
    original = requests.Session.request

    def request(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        key = "/" + "/".join(path.split("/")[:5])  # group artifact downloads by endpoint
        with lock:
            counts[f"{method} {key}"] += 1
        return original(self, method, url, *args, **kwargs)

    requests.Session.request = request  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        requests.Session.request = original  # type: ignore[method-assign]


def measure(fn: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, int, Counter[str], Any]:
    """(median seconds, requests per call, requests of the last call, last result), after one
    untimed call."""
    fn()
    times: list[float] = []
    result: Any = None
    requests: list[Counter[str]] = []
    for _ in range(repeats):
        with counted() as counts:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        requests.append(counts)
    return statistics.median(times), sum(requests[-1].values()), requests[-1], result


def log_version(client: Any, experiment_id: str, name: str, work: Path, *, n_metrics: int) -> str:
    """A run with ``n_metrics`` metrics of N_STEPS steps and N_ARTIFACTS JSON tables, its
    logged model (with a signature) registered as version 1 of ``name``, alias 'bench'."""
    from mlflow.entities import Metric, Param

    run = client.create_run(experiment_id, run_name=name)
    run_id = run.info.run_id
    now = int(time.time() * 1000)
    metrics = [
        Metric(f"metric_{i:03d}", i / (s + 1), now + s, s)
        for i in range(n_metrics)
        for s in range(N_STEPS)
    ]
    for start in range(0, len(metrics), 1000):
        client.log_batch(
            run_id,
            metrics=metrics[start : start + 1000],
            params=[Param("n_metrics", str(n_metrics))] if start == 0 else [],
        )
    table = {"columns": ["label", "score"], "data": [[i % 2, (i % 97) / 97] for i in range(ROWS)]}
    for i in range(N_ARTIFACTS):
        client.log_text(run_id, json.dumps(table), f"eval/table_{i:02d}.json")
    model = client.create_logged_model(experiment_id, name="model", source_run_id=run_id)
    folder = work / model.model_id
    folder.mkdir(parents=True)
    (folder / "MLmodel").write_text(_MLMODEL.format(model_id=model.model_id))
    client.log_model_artifacts(model.model_id, str(folder))
    client.finalize_logged_model(model.model_id, "READY")
    client.set_terminated(run_id)
    client.create_registered_model(name)
    client.create_model_version(
        name, f"models:/{model.model_id}", run_id=run_id, model_id=model.model_id
    )
    client.set_registered_model_alias(name, "bench", "1")
    return f"models:/{name}@bench"


def log_runs(store_uri: str, experiment_id: str, n_runs: int) -> None:
    """``n_runs`` runs (20 metrics, 5 params each) logged straight into the server's sqlite
    store, which is much faster than through the server (two calls per run)."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    client = MlflowClient(store_uri)
    now = int(time.time() * 1000)
    for r in range(n_runs):
        run = client.create_run(experiment_id, run_name=f"run-{r:04d}")
        client.log_batch(
            run.info.run_id,
            metrics=[Metric(f"m{i}", (r * i) % 13 / 13, now, 0) for i in range(20)],
            params=[Param(f"p{i}", str(r + i)) for i in range(5)],
        )


def search_all(client: Any, experiment_id: str, page: int) -> int:
    """Page through every run of the experiment; returns the number of runs."""
    token, total = None, 0
    while True:
        runs = client.search_runs([experiment_id], max_results=page, page_token=token)
        total += len(runs)
        token = runs.token
        if not token:
            return total


def main() -> None:
    import warnings

    warnings.simplefilter("ignore")
    import mlflow
    from mlflow import MlflowClient

    from riskcards.collect.mlflow import source as mlflow_source
    from riskcards.collect.mlflow.source import collect

    with tempfile.TemporaryDirectory(prefix="riskcards-bench-") as tmp:
        root = Path(tmp)
        store = f"sqlite:///{root / 'mlflow.db'}"
        with mlflow_server(store, root / "artifacts", root / "server.log") as url:
            client = MlflowClient(url)
            bench, many = client.create_experiment("bench"), client.create_experiment("many-runs")
            start = time.perf_counter()
            log_runs(store, many, N_RUNS)
            print(
                f"logged {N_RUNS:,} runs (log_batch, straight into sqlite) in "
                f"{time.perf_counter() - start:.1f}s"
            )
            start = time.perf_counter()
            big = log_version(client, bench, "bench-500", root / "m500", n_metrics=N_METRICS)
            small = log_version(client, bench, "bench-5", root / "m5", n_metrics=5)
            crowded = log_version(client, many, "bench-many", root / "many", n_metrics=N_METRICS)
            print(f"logged the benchmark versions over HTTP in {time.perf_counter() - start:.1f}s")
            print(
                f"mlflow {mlflow.__version__}, server {url}; "
                f"median of {REPEATS} collections after a warm-up\n"
            )

            print(
                f"1. one model version: {N_METRICS} metrics x {N_STEPS} steps, "
                f"{N_ARTIFACTS} JSON tables "
                f"of {ROWS:,} rows (~50 KB each)"
            )
            rows = [
                ("latest metrics, tables fetched", lambda: collect(big, url)),
                ("latest metrics, no tables", lambda: collect(big, url, fetch_tables=False)),
                ("full histories, tables fetched", lambda: collect(big, url, history=True)),
                ("same shape, 5 metrics", lambda: collect(small, url)),
            ]
            results = {}
            for label, fn in rows:
                seconds, requests, counts, snapshot = measure(fn)
                results[label] = (seconds, requests)
                print(
                    f"   {label:<34} {requests:>4} requests  {seconds * 1000:>7.0f} ms  "
                    f"({snapshot.provenance.counts['metrics']} metrics, "
                    f"{snapshot.provenance.counts['history_points']:,} history points, "
                    f"{snapshot.provenance.counts['table_bytes']:,} table bytes)"
                )
            print("   requests by endpoint (latest metrics, tables fetched):")
            _, _, counts, _ = measure(lambda: collect(big, url), repeats=1)
            for key, n in sorted(counts.items()):
                print(f"     {n:>4}  {key}")
            print(
                "   requests with 500 metrics / with 5: "
                f"{results['latest metrics, tables fetched'][1]} / "
                f"{results['same shape, 5 metrics'][1]}; full histories add one request per metric"
            )
            workers = mlflow_source.MAX_WORKERS
            timings: dict[int, list[float]] = {1: [], workers: []}
            for _ in range(REPEATS):  # alternate, so both see the same server state
                for n in timings:
                    mlflow_source.MAX_WORKERS = n
                    seconds, _, _, _ = measure(lambda: collect(big, url, history=True), repeats=1)
                    timings[n].append(seconds)
            mlflow_source.MAX_WORKERS = workers
            serial, concurrent = (statistics.median(timings[n]) for n in (1, workers))
            print(
                f"   full histories + tables, 1 worker: {serial * 1000:.0f} ms; {workers} workers: "
                f"{concurrent * 1000:.0f} ms ({serial / concurrent:.1f}x)"
            )

            print(f"\n2. an experiment of {N_RUNS:,} runs (+1 with the version)")
            seconds, requests, _, _ = measure(lambda: collect(crowded, url))
            print(
                f"   collect a version there (500 metrics)  {requests:>4} requests  "
                f"{seconds * 1000:>7.0f} ms"
            )
            for page in (100, 1000):
                seconds, requests, _, total = measure(
                    lambda p=page: search_all(client, many, p), repeats=3
                )  # type: ignore[misc]
                print(
                    f"   search_runs, all {total:,} runs, page {page:>4}  {requests:>4} requests  "
                    f"{seconds * 1000:>7.0f} ms"
                )


if __name__ == "__main__":
    main()
