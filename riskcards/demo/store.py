"""The demo's output folder and its MLflow store, kept apart from the caller's MLflow
(layer: demo).

:func:`check_out_dir` refuses a folder the demo did not make, :func:`fresh_store` replaces an
earlier store, and :func:`isolated_mlflow` points MLflow at the store quietly and offline,
then restores the caller's MLflow state. mlflow is imported lazily.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from riskcards.errors import OutputError

MARKER = ".riskcards-demo"

# Warnings MLflow raises about its own choices on our (correct) input.
_HARMLESS_WARNINGS = (
    # a local path matches both the "" and the "file" local dataset sources
    r"The specified dataset source can be interpreted in multiple ways",
    # the label and num_late_payments are integers and never missing
    r"Hint: Inferred schema contains integer column",
)
# What MLflow prints (not logs) when it registers a model; riskcards reports it itself.
_REGISTRY_CHATTER = re.compile(
    r"(Successfully registered model|Created version|Registered model) '.*"
)


def check_out_dir(out_dir: Path) -> Path:
    """The absolute ``out_dir``, if the demo may write there; changes nothing."""
    out = out_dir.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out_dir} is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out_dir} is not empty and was not created by riskcards demo; choose another --out"
        )
    return out


def fresh_store(out: Path) -> Path:
    """Mark ``out`` as the demo's, delete an earlier store, return the empty store folder."""
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(
        "Made by `riskcards demo`; running it again here replaces the mlflow/ folder.\n",
        encoding="utf-8",
    )
    store = out / "mlflow"
    if store.is_symlink() or store.is_file():
        store.unlink()
    elif store.exists():
        shutil.rmtree(store)
    store.mkdir()
    return store


def _is_mlflow_variable(name: str) -> bool:
    return name.startswith(("MLFLOW_", "_MLFLOW_"))


@contextlib.contextmanager
def isolated_mlflow(tracking_uri: str) -> Iterator[None]:
    """Point MLflow's fluent API at ``tracking_uri``, quietly and offline, for the block.

    Inside, MLflow sees no ``MLFLOW_*`` environment variable of the caller (not
    ``MLFLOW_TRACKING_URI``, ``MLFLOW_RUN_ID``, ...) and telemetry is off (MLflow reads that
    switch on every call). Afterwards the tracking and registry URIs, the environment, the
    level of the ``mlflow`` logger and the warning filters are as they were.
    """
    import mlflow

    saved_environment = {k: v for k, v in os.environ.items() if _is_mlflow_variable(k)}
    saved_tracking_uri = saved_registry_uri = None
    logger = logging.getLogger("mlflow")
    saved_level = logger.level
    try:
        for name in saved_environment:
            del os.environ[name]
        os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
        # MLflow draws download progress bars whenever tqdm is installed (huggingface_hub
        # brings it): the demo stays quiet
        os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
        # Without the environment, "set" means set with mlflow.set_tracking_uri by the caller.
        if mlflow.is_tracking_uri_set():  # type: ignore[no-untyped-call]
            saved_tracking_uri = mlflow.get_tracking_uri()
        # set_tracking_uri also exports MLFLOW_TRACKING_URI; the environment is restored last
        mlflow.set_tracking_uri(tracking_uri)
        if mlflow.get_registry_uri() != tracking_uri:  # the caller set one explicitly
            saved_registry_uri = mlflow.get_registry_uri()
            mlflow.set_registry_uri(tracking_uri)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
        with warnings.catch_warnings():
            for message in _HARMLESS_WARNINGS:
                warnings.filterwarnings("ignore", message=message, category=UserWarning)
            # MLflow's own use of deprecated pandas and SQLAlchemy APIs
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"mlflow\.")
            yield
    finally:
        logger.setLevel(saved_level)
        if saved_registry_uri is not None:
            mlflow.set_registry_uri(saved_registry_uri)
        mlflow.set_tracking_uri(saved_tracking_uri)  # type: ignore[arg-type]  # None: unset
        for name in [k for k in os.environ if _is_mlflow_variable(k)]:
            del os.environ[name]
        os.environ.update(saved_environment)


@contextlib.contextmanager
def without_registry_chatter() -> Iterator[None]:
    """Drop the lines MLflow prints to stderr on registering a model; pass on the rest."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            yield
    finally:
        lines = captured.getvalue().splitlines(keepends=True)
        sys.stderr.write("".join(x for x in lines if not _REGISTRY_CHATTER.match(x)))
