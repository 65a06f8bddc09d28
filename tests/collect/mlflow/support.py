"""Test support for the MLflow source: a store with everything a team can log, a tracking
server that misbehaves on purpose, and a counter of the HTTP requests MLflow makes."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MODEL_NAME = "rich-model"
ALIAS = "prod"
HISTORY_STEPS = 250  # three pages when the tests make MLflow page metric history by 100
HISTORY_PAGE = 100
BIG_TABLE_BYTES = 20_000
TEST_CAP = 8_000  # the max_table_bytes the tests use: the big table is over it
EVALUATE_METRICS = {
    "example_count": 1500.0,
    "accuracy_score": 0.81,
    "recall_score": 0.62,
    "precision_score": 0.75,
    "f1_score": 0.68,
    "log_loss": 0.47,
    "roc_auc": 0.84,
    "precision_recall_auc": 0.71,
    "true_negatives": 800.0,
    "false_positives": 100.0,
    "false_negatives": 185.0,
    "true_positives": 415.0,
}
TABLE_ROWS = {
    "columns": ["label", "score", "sex"],
    "data": [[1, 0.9, "female"], [0, 0.2, "male"], [1, 0.7, "male"]],
}


@dataclass(frozen=True)
class RichStore:
    """What :func:`log_rich_store` logged: enough to check every field of a snapshot."""

    tracking_uri: str
    run_id: str
    legacy_run_id: str
    model_id: str
    version: str
    files: dict[str, bytes] = field(default_factory=dict)  # run artifact path -> bytes logged


@contextlib.contextmanager
def mlflow_at(tracking_uri: str) -> Iterator[None]:
    """MLflow's fluent API pointed at ``tracking_uri`` for the block, quietly, offline."""
    import mlflow

    saved = {k: v for k, v in os.environ.items() if k.startswith("MLFLOW_")}
    before = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None  # type: ignore[no-untyped-call]
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    mlflow.set_tracking_uri(tracking_uri)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        mlflow.set_tracking_uri(before)  # type: ignore[arg-type]
        for k in [k for k in os.environ if k.startswith("MLFLOW_")]:
            del os.environ[k]
        os.environ.update(saved)


def log_rich_store(
    tracking_uri: str, work: Path, *, artifact_location: str | None = None
) -> RichStore:
    """Log, with plain MLflow, a run holding every kind of evidence riskcards reads.

    Logged from a worker thread, so the caller's active run (MLflow keeps it per thread) is
    untouched.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_log, tracking_uri, work, artifact_location).result()


def _log(tracking_uri: str, work: Path, artifact_location: str | None) -> RichStore:
    import mlflow
    import pandas as pd
    from mlflow.entities import Metric

    work.mkdir(parents=True, exist_ok=True)
    with mlflow_at(tracking_uri):
        client = mlflow.MlflowClient(tracking_uri, registry_uri=tracking_uri)
        experiment_id = client.create_experiment("rich", artifact_location=artifact_location)
        frame = pd.DataFrame(
            {"income": [1.0, 2.0, 3.0], "sex": ["female", "male", "male"], "label": [1, 0, 1]}
        )
        with mlflow.start_run(
            experiment_id=experiment_id,
            run_name="rich-run",
            description="Everything a careful team logs.",
            tags={"owner": "risk-team", "intended_use": "Testing riskcards."},
        ) as run:
            run_id = run.info.run_id
            mlflow.log_params({"l2": 0.01, "model_type": "logistic_regression", "seed": 7})
            mlflow.log_metrics({**EVALUATE_METRICS, "fairness/demographic_parity_difference": 0.18})
            mlflow.log_metric("nan_metric", math.nan)
            mlflow.log_metric("inf_metric", math.inf)
            now = int(time.time() * 1000)
            client.log_batch(
                run_id,
                metrics=[
                    Metric("train/loss", 1.0 / (step + 1), now + step, step)
                    for step in range(HISTORY_STEPS)
                ],
            )
            train = mlflow.data.from_pandas(
                frame, source=str(work / "train.csv"), name="train", targets="label"
            )
            evaluation = mlflow.data.from_pandas(
                frame.iloc[:2], source=str(work / "eval.csv"), name="eval", targets="label"
            )
            mlflow.log_input(train, context="training", tags={"licence": "internal"})
            mlflow.log_input(evaluation, context="evaluation")
            files = _log_artifacts(work)
            info = mlflow.pyfunc.log_model(
                name="model",
                python_model=_echo(work),
                signature=mlflow.models.infer_signature(frame[["income"]], frame[["label"]]),
                pip_requirements=["pandas"],
                registered_model_name=MODEL_NAME,
            )
            model_id = info.model_id
            mlflow.log_metrics(EVALUATE_METRICS, model_id=model_id, dataset=evaluation)
        version = str(info.registered_model_version)
        client.update_registered_model(MODEL_NAME, description="A model for tests.")
        client.set_registered_model_tag(MODEL_NAME, "risk_tier", "high")
        client.update_model_version(MODEL_NAME, version, description="Version under test.")
        client.set_model_version_tag(MODEL_NAME, version, "validation_status", "approved")
        client.set_registered_model_alias(MODEL_NAME, ALIAS, version)
        client.set_registered_model_alias(MODEL_NAME, "challenger", version)
        legacy_run_id = _log_legacy_model(client, experiment_id, work, frame)
    return RichStore(tracking_uri, run_id, legacy_run_id, model_id, version, files)


def _log_artifacts(work: Path) -> dict[str, bytes]:
    """Tables in every format, one over the cap, one broken, an evaluate plot, a deep folder."""
    import mlflow
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pd.DataFrame(TABLE_ROWS["data"], columns=TABLE_ROWS["columns"])
    mlflow.log_table(table, "eval/table.json")
    mlflow.log_text(table.to_csv(index=False), "eval/table.csv")
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), buffer)
    parquet = work / "table.parquet"
    parquet.write_bytes(buffer.getvalue())
    mlflow.log_artifact(str(parquet), "eval")
    rows = ",".join(f"[{i}]" for i in range(BIG_TABLE_BYTES))[:BIG_TABLE_BYTES].rpartition(",")[0]
    mlflow.log_text('{"columns": ["x"], "data": [' + rows + "]}", "eval/big.json")
    mlflow.log_text("{not json", "eval/broken.json")
    mlflow.log_text("not an image", "confusion_matrix.png")
    mlflow.log_text("deep", "a/b/c/deep.txt")
    client = mlflow.MlflowClient()
    run_id = mlflow.active_run().info.run_id  # type: ignore[union-attr]
    logged = {}
    for path in ("eval/table.json", "eval/table.csv", "eval/table.parquet", "eval/big.json"):
        local = client.download_artifacts(run_id, path, str(work / "check"))
        logged[path] = Path(local).read_bytes()
    return logged


def _log_legacy_model(client: Any, experiment_id: str, work: Path, frame: Any) -> str:
    """An MLflow 2 style model: a model folder among a run's artifacts."""
    import mlflow

    folder = work / "legacy_model"
    mlflow.pyfunc.save_model(
        str(folder),
        python_model=_echo(work),
        pip_requirements=["pandas"],
        signature=mlflow.models.infer_signature(frame[["income"]]),
    )
    run = client.create_run(experiment_id, run_name="legacy-run")
    client.log_artifacts(run.info.run_id, str(folder), "legacy_model")
    client.set_terminated(run.info.run_id)
    return str(run.info.run_id)


_ECHO_MODEL = """\
import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel


class Echo(PythonModel):
    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        return model_input


mlflow.models.set_model(Echo())
"""


def _echo(work: Path) -> str:
    """A pyfunc model that returns its input, as MLflow "models from code" (nothing pickled)."""
    path = work / "echo_model.py"
    path.write_text(_ECHO_MODEL, encoding="utf-8")
    return str(path)


# --- counting HTTP requests ---------------------------------------------------------------


class RequestCounter(Counter[str]):
    """HTTP requests by ``METHOD /path``, and the threads that made them."""

    threads: set[str]


@contextlib.contextmanager
def count_requests() -> Iterator[RequestCounter]:
    """Count every HTTP request made through ``requests`` (MLflow's HTTP client), by
    ``METHOD /path``; the counter fills while the block runs."""
    import requests

    counts = RequestCounter()
    counts.threads = set()
    lock = threading.Lock()
    original = requests.Session.request

    def counted(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        with lock:
            counts[f"{method} {urlsplit(url).path}"] += 1
            counts.threads.add(threading.current_thread().name)
        return original(self, method, url, *args, **kwargs)

    requests.Session.request = counted  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        requests.Session.request = original  # type: ignore[method-assign]


# --- a tracking server that misbehaves ------------------------------------------------------


@dataclass
class FaultServer:
    """What the fault server saw: the path and Authorization header of every request."""

    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)


@contextlib.contextmanager
def fault_server(behaviour: str, *, delay: float = 30.0) -> Iterator[FaultServer]:
    """An HTTP server on 127.0.0.1 answering every request the same bad way:
    '401', '403' (echoing the Authorization header in the body, as a careless proxy might),
    '404' (MLflow's "does not exist"), '404-html' (not an MLflow server), '500', '503', or
    'slow' (answers 200 only after ``delay`` seconds)."""
    seen = FaultServer(url="")
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.requests.append((self.path, self.headers.get("Authorization", "")))
            if behaviour == "slow":
                stop.wait(delay)
                status, body = 200, b"{}"
            elif behaviour in ("401", "403"):
                status = int(behaviour)
                body = json.dumps(
                    {
                        "error_code": "UNAUTHENTICATED" if status == 401 else "PERMISSION_DENIED",
                        "message": f"refused {self.headers.get('Authorization', '')}",
                    }
                ).encode()
            elif behaviour == "404":
                status, body = (
                    404,
                    b'{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no such run"}',
                )
            elif behaviour == "404-html":  # not an MLflow server: a web page at that address
                status, body = 404, b"<html><body>Not Found</body></html>"
            else:
                status, body = (
                    int(behaviour),
                    b'{"error_code": "INTERNAL_ERROR", "message": "boom"}',
                )
            with contextlib.suppress(OSError):
                self.send_response(status)
                self.send_header(
                    "Content-Type", "text/html" if body.startswith(b"<") else "application/json"
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that gave up mid-answer is expected here

    server = Server(("127.0.0.1", 0), Handler)
    seen.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
