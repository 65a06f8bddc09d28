"""A real PostgreSQL for the fleet tests, and a small fleet logged with plain MLflow.

PostgreSQL runs from Debian's package (``make test`` installs it when root) as an
unprivileged user (``postgres`` when the tests run as root) in a temporary data directory,
listening on 127.0.0.1 only, and is always stopped.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.collect.mlflow.support import mlflow_at
from tests.integration_support import free_port


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_user(cmd: list[str]) -> list[str]:
    """Run as ``postgres`` when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *cmd]


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster in a temporary folder; yields a SQLAlchemy URI for database
    mlflow; stops it and removes the folder at the end."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (make test installs it when root)")
    # its own folder under /tmp: pytest's folders are private to the user running the tests
    root = Path(tempfile.mkdtemp(prefix="riskcards-pg-"))
    data, log = root / "pgdata", root / "postgres.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(
        _as_user([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
    subprocess.run(_as_user(start), check=True, capture_output=True, env=env)
    try:
        subprocess.run(
            _as_user([_pg_bin("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(port),
                      "-U", "postgres", "mlflow"]),
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/mlflow"
    finally:
        stop = [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_user(stop), capture_output=True, env=env, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Fleet:
    """What :func:`log_fleet` logged: model name -> version numbers, and the aliases."""

    versions: dict[str, list[str]]
    aliases: dict[str, dict[str, str]]
    broken: tuple[str, str]  # a version whose source run never existed


def log_fleet(tracking_uri: str, work: Path) -> Fleet:
    """Train and log small scikit-learn models (MLflow 3 log_model(name=...)) into 3
    registered models, set aliases, and register one version on a run that is gone."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_log_fleet, tracking_uri, work).result()


def _log_fleet(tracking_uri: str, work: Path) -> Fleet:
    import mlflow
    from mlflow import MlflowClient
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer(as_frame=True)
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.3, random_state=0
    )
    plan = {"credit-a": [0.5, 1.0], "credit-b": [0.2], "fraud": [2.0]}
    with mlflow_at(tracking_uri):
        client = MlflowClient(tracking_uri)
        mlflow.set_experiment("fleet")
        for name, cs in plan.items():
            client.create_registered_model(name, tags={"owner": f"{name}-team"})
            for c in cs:
                with mlflow.start_run():
                    model = LogisticRegression(C=c, max_iter=5000).fit(x_train, y_train)
                    proba = model.predict_proba(x_test)[:, 1]
                    mlflow.log_params({"C": c})
                    mlflow.log_metrics({
                        "roc_auc": float(roc_auc_score(y_test, proba)),
                        "accuracy_score": float(accuracy_score(y_test, model.predict(x_test))),
                    })  # fmt: skip
                    mlflow.log_input(mlflow.data.from_pandas(x_train, name="train"), "training")
                    mlflow.sklearn.log_model(
                        model, name="model", registered_model_name=name,
                        pip_requirements=["scikit-learn"],  # no slow inference of them
                    )  # fmt: skip
        client.set_registered_model_alias("credit-a", "champion", "1")
        missing = "f" * 32  # a version whose source run never existed
        broken = client.create_model_version("fraud", "s3://nowhere/model", run_id=missing)
    versions = {n: [str(i + 1) for i in range(len(cs))] for n, cs in plan.items()}
    versions["fraud"].append(str(broken.version))
    return Fleet(
        versions=versions,
        aliases={"credit-a": {"champion": "1"}},
        broken=("fraud", str(broken.version)),
    )
