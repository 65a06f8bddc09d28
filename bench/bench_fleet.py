"""Benchmark: `riskcards fleet` against an `mlflow server` on PostgreSQL.

Builds a registry of VERSIONS model versions (MODELS models x 5 versions; each run with 12
realistic metrics, params, a training dataset input and a small JSON table) on a PostgreSQL-
backed `mlflow server` (PostgreSQL from Debian's package, as tests/fleet/support.py starts
it), then measures, each fleet in its own process (HTML and JSON, no PDF, 2 workers):

- a fleet of the first 100 versions and of all of them: seconds, HTTP requests per version,
  peak memory (max RSS) - against the aims: under 60 s for 1,000 versions on 2 cores,
  requests linear in versions, memory flat;
- the same fleet again with nothing changed (aim: under 10 s);
- the PDF time per version (one release with PDF).

Prints figures; asserts nothing. Run: `.venv/bin/python bench/bench_fleet.py [VERSIONS]`
(default 1000; building the registry takes minutes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fleet.support import postgres
from tests.integration_support import mlflow_server

os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
PER_MODEL = 5
VERSIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
FIRST = 100  # the small fleet: models tagged batch=first

# one fleet in a fresh process: time, HTTP requests (counted under requests), max RSS
_FLEET = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from bench.bench_collect import counted
from riskcards import api, fleet
out, url, model_filter, formats = sys.argv[1], sys.argv[2], sys.argv[3] or None, sys.argv[4:]
start = time.perf_counter()
with counted() as counts:
    inputs = api.load_inputs()
    versions = fleet.select(url, fleet.Selection(model_filter=model_filter, all_versions=True))
    options = api.ReleaseOptions(tracking_uri=url, formats=tuple(formats))
    entries = fleet.run_fleet(inputs, __import__("pathlib").Path(out), versions, options,
                              fleet.FleetOptions(workers=2))
    fleet.write_fleet(__import__("pathlib").Path(out), entries)
print(json.dumps({{
    "versions": len(entries), "seconds": time.perf_counter() - start,
    "requests": sum(counts.values()),
    "statuses": sorted({{e.status for e in entries}}),
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""


def build(url: str, versions: int) -> None:
    """MODELS registered models x 5 versions, logged through the server's REST API."""
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param

    client = MlflowClient(url)
    experiment = client.create_experiment("bench-fleet")
    models = versions // PER_MODEL

    def one_model(m: int) -> None:
        name = f"bench-{m:04d}"
        tags = {"owner": f"team-{m % 7}", "batch": "first" if m < FIRST // PER_MODEL else "rest"}
        client.create_registered_model(name, tags=tags)
        for v in range(PER_MODEL):
            run = client.create_run(experiment, tags={"owner": tags["owner"]})
            rid, now = run.info.run_id, int(time.time() * 1000)
            base = 0.80 + (m % 10) / 100 + v / 200
            metrics = {
                "roc_auc": base, "accuracy_score": base - 0.05, "precision_score": base - 0.08,
                "recall_score": base - 0.1, "f1_score": base - 0.09, "log_loss": 1.1 - base,
                "precision_recall_auc": base - 0.04, "example_count": 2000.0,
                "true_positives": 600.0, "false_positives": 90.0, "true_negatives": 1100.0,
                "false_negatives": 210.0,
            }  # fmt: skip
            client.log_batch(
                rid,
                metrics=[Metric(k, x, now, 0) for k, x in metrics.items()],
                params=[Param("C", str(0.1 * (v + 1))), Param("max_iter", "200")],
            )
            dataset = Dataset(
                name="train", digest=f"{m:04d}{v}abcd", source_type="local",
                source='{"uri": "data/train.parquet"}', schema=None, profile='{"num_rows": 5000}',
            )  # fmt: skip
            client.log_inputs(
                rid, datasets=[DatasetInput(dataset, [InputTag("mlflow.data.context", "training")])]
            )
            table = {"columns": ["label", "score"], "data": [[i % 2, i / 20] for i in range(20)]}
            client.log_dict(rid, table, "eval_results_table.json")
            client.set_terminated(rid)
            client.create_model_version(name, f"runs:/{rid}/model", run_id=rid)
        client.set_registered_model_alias(name, "champion", str(PER_MODEL))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one_model, range(models)))


def fleet(root: Path, out: Path, url: str, model_filter: str = "", pdf: bool = False) -> dict:
    formats = ["html", "json", *(["pdf"] if pdf else [])]
    script = _FLEET.format(root=str(root))
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), url, model_filter, *formats],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def show(label: str, f: dict) -> None:
    print(
        f"{label}: {f['versions']} versions in {f['seconds']:.1f} s "
        f"({f['seconds'] / max(1, f['versions']) * 1000:.0f} ms/version), "
        f"{f['requests']} HTTP requests ({f['requests'] / max(1, f['versions']):.1f}/version), "
        f"max RSS {f['max_rss_mb']:.0f} MB, statuses {f['statuses']}"
    )


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="riskcards-bench-fleet-") as tmp:
        work = Path(tmp)
        with postgres() as backend, mlflow_server(
            backend, work / "artifacts", work / "server.log"
        ) as url:  # fmt: skip
            started = time.perf_counter()
            build(url, VERSIONS)
            print(
                f"built {VERSIONS} versions on PostgreSQL in {time.perf_counter() - started:.0f} s"
            )
            small = fleet(root, work / "small", url, "tags.batch = 'first'")
            show(f"fleet, models tagged batch=first (up to {FIRST} versions)", small)
            whole = fleet(root, work / "whole", url)
            show("fleet, all (aim < 60 s)", whole)
            again = fleet(root, work / "whole", url)
            show("fleet again, nothing changed (aim < 10 s)", again)
            pdf = fleet(root, work / "pdf", url, "name = 'bench-0000'", pdf=True)
            html = fleet(root, work / "nopdf", url, "name = 'bench-0000'")
            per = (pdf["seconds"] - html["seconds"]) / max(1, pdf["versions"])
            print(
                f"PDF: {per:.2f} s per version more than HTML and JSON ({pdf['versions']} versions)"
            )
            print(
                f"memory: {small['max_rss_mb']:.0f} MB for {small['versions']} versions, "
                f"{whole['max_rss_mb']:.0f} MB for {whole['versions']}"
            )


if __name__ == "__main__":
    main()
