"""Fleets and portfolios: every selected model version of a registry, one portfolio (layer: fleet).

    versions = select(tracking_uri, Selection(...))          the registry's listing, one shard
    entries = run_fleet(inputs, out, versions, options, ...)  released, unchanged or failed
    write_fleet(out, entries)                                 fleet.json and the portfolio

- :mod:`.plan`: ``--shard i/n``.
- :mod:`.run`: the worker pool, reuse by key, failure isolation.
- :mod:`.record`: ``fleet.json``: one entry per version, its key and what the portfolio shows.
- :mod:`.portfolio`: ``portfolio.{json,md,html,pdf}`` from one or more fleet folders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from riskcards.bundle import write_file_atomically
from riskcards.collect.mlflow.listing import ListedVersion, list_versions
from riskcards.errors import UsageError
from riskcards.fleet.plan import parse_shard, shard
from riskcards.fleet.portfolio import build, read_fleets, write_portfolio
from riskcards.fleet.record import RECORD, Entry, record_bytes
from riskcards.fleet.run import FleetOptions, run_fleet, worst_exit

__all__ = [
    "Entry",
    "FleetOptions",
    "ListedVersion",
    "Selection",
    "merge_portfolio",
    "run_fleet",
    "select",
    "worst_exit",
    "write_fleet",
]


@dataclass(frozen=True)
class Selection:
    """Which versions: MLflow filters, every version or the aliased/latest, one shard."""

    model_filter: str | None = None
    version_filter: str | None = None
    all_versions: bool = False
    shard: str | None = None
    deadline_seconds: float = 60.0


def select(tracking_uri: str | None, selection: Selection) -> tuple[ListedVersion, ...]:
    i, n = parse_shard(selection.shard)  # a bad --shard fails before the registry is read
    listed = list_versions(
        tracking_uri,
        model_filter=selection.model_filter,
        version_filter=selection.version_filter,
        all_versions=selection.all_versions or bool(selection.version_filter),
        deadline_seconds=selection.deadline_seconds,
    )
    return shard(listed, i, n)


def write_fleet(out: Path, entries: Sequence[Entry], pdf: bool = False) -> list[Path]:
    """``fleet.json`` and the fleet's own portfolio, in ``out``."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out}: {exc.strerror}") from None
    write_file_atomically(out / RECORD, record_bytes(entries))
    return write_portfolio(out, build(read_fleets([out]), out), pdf)


def merge_portfolio(folders: Sequence[Path], out: Path, pdf: bool = False) -> list[Path]:
    """One portfolio in ``out`` from several fleet folders (the shards of one fleet)."""
    return write_portfolio(out, build(read_fleets(folders), out), pdf)
