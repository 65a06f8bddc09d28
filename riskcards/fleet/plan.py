"""Which versions a fleet job releases: ``--shard i/n`` (layer: fleet).

The selection is sorted (model name, version number) and version k goes to shard
``k mod n + 1``: deterministic for one registry, so n CI matrix jobs cover every version once.
"""

from __future__ import annotations

from collections.abc import Sequence

from riskcards.collect.mlflow.listing import ListedVersion
from riskcards.errors import UsageError


def parse_shard(text: str | None) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4); None -> (1, 1)."""
    if text is None:
        return 1, 1
    i, sep, n = text.partition("/")
    if not (sep and i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        raise UsageError(f"--shard {text!r}: give i/n with 1 <= i <= n, e.g. --shard 1/4")
    return int(i), int(n)


def shard(versions: Sequence[ListedVersion], i: int, n: int) -> tuple[ListedVersion, ...]:
    """The i-th of n shards (1-based) of the sorted selection."""
    ordered = sorted(versions, key=lambda v: (v.name, int(v.version)))
    return tuple(v for k, v in enumerate(ordered) if k % n == i - 1)
