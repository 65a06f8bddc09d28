"""Release many model versions against inputs loaded once (layer: fleet).

Each version is collected, keyed (:func:`~riskcards.fleet.record.evidence_key`), and, unless
its key equals the one recorded by the previous run in the same folder (and its bundle is
still there), assessed, rendered and written to ``DIR/<model>/<version>/``. Versions run in a
pool of worker threads; a version that fails (evidence not collectable, a bad value) is
recorded with its error and exit code and never stops the others. The fleet's exit code is
the worst of its versions'.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import riskcards.api as api
from riskcards.bundle import write_bundle
from riskcards.collect.mlflow.calls import mlflow_limits, request_timeout
from riskcards.collect.mlflow.listing import ListedVersion
from riskcards.errors import EXIT_BLOCKING_GAP, EXIT_OK, UserError
from riskcards.fleet.record import Entry, evidence_key, read_record, summarise
from riskcards.load import Inputs
from riskcards.redact import scrub

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class FleetOptions:
    workers: int = 1
    force: bool = False


def folder_name(model: str) -> str:
    """A model name as one safe folder name; a name that had to change gets a short hash, so
    two names never share a folder."""
    safe = _UNSAFE.sub("_", model).lstrip(".") or "_"
    if safe == model:
        return safe
    return f"{safe}-{hashlib.sha256(model.encode()).hexdigest()[:8]}"


def _settings(inputs: Inputs, options: api.ReleaseOptions) -> str:
    formats = api.output_formats(inputs, options)
    return repr(
        (formats, options.strict, options.as_of, options.fetch_tables, options.history,
         options.max_table_bytes, options.link_base, options.ticket_format)
    )  # fmt: skip


def release_version(
    inputs: Inputs,
    out: Path,
    listed: ListedVersion,
    options: api.ReleaseOptions,
    previous: Entry | None,
    force: bool = False,
) -> Entry:
    """Release one version into ``out/<model>/<version>``, or reuse its previous bundle; a
    user error (evidence source, input) becomes a failed entry, never an exception."""
    rel = f"{folder_name(listed.name)}/{listed.version}"
    base = Entry(
        model=listed.name,
        version=listed.version,
        target=listed.target,
        aliases=listed.aliases,
        status="failed",
        exit_code=EXIT_OK,
    )
    try:
        evidence = api.collect(inputs, listed.target, options)
        key = evidence_key(evidence, inputs.files, _settings(inputs, options))
        kept = previous is not None and previous.key == key and previous.status != "failed"
        if kept and not force and (out / rel / "manifest.json").is_file():
            assert previous is not None
            return previous.model_copy(update={"status": "unchanged", "aliases": listed.aliases})
        done = api.assess_evidence(inputs, evidence, options)
        made = api.bundle_of(inputs, done, options)
        write_bundle(out / rel, made.files, made.manifest)
    except UserError as exc:
        return base.model_copy(update={"error": scrub(str(exc)), "exit_code": exc.exit_code})
    entry = base.model_copy(
        update={
            "status": "released",
            "key": key,
            "bundle": rel,
            "main": made.manifest.main,
            "exit_code": EXIT_BLOCKING_GAP if done.assessment.blocking else EXIT_OK,
        }
    )
    return summarise(entry, evidence, done.assessment, inputs.decisions.gate.notice_days)


def run_fleet(
    inputs: Inputs,
    out: Path,
    versions: Sequence[ListedVersion],
    options: api.ReleaseOptions,
    fleet: FleetOptions = FleetOptions(),
    progress: Callable[[Entry], None] = lambda _: None,
) -> tuple[Entry, ...]:
    """Release every version (in parallel), calling ``progress`` as each one ends; the
    entries in the order of ``versions``."""
    api.output_formats(inputs, options)  # an unknown format fails before any evidence is read
    record = read_record(out)
    before = {(e.model, e.version): e for e in record.entries} if record else {}
    done: dict[int, Entry] = {}
    # MLflow's settings are process-wide: held for the whole fleet, so that one version's
    # collection ending does not restore them under another that is still running
    limits = mlflow_limits(request_timeout(options.deadline_seconds))
    with (
        limits,
        ThreadPoolExecutor(max(1, fleet.workers), thread_name_prefix="riskcards-fleet") as pool,
    ):
        futures = {
            pool.submit(
                release_version,
                inputs,
                out,
                v,
                options,
                before.get((v.name, v.version)),
                fleet.force,
            ): i
            for i, v in enumerate(versions)
        }
        try:
            for future in as_completed(futures):
                entry = future.result()
                done[futures[future]] = entry
                progress(entry)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return tuple(done[i] for i in range(len(versions)))


def worst_exit(entries: Sequence[Entry]) -> int:
    return max((e.exit_code for e in entries), default=EXIT_OK)
