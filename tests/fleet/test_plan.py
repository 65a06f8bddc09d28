"""``--shard i/n``: every version in exactly one shard, the same split every time."""

from __future__ import annotations

import pytest

from riskcards.collect.mlflow.listing import ListedVersion
from riskcards.errors import UsageError
from riskcards.fleet.plan import parse_shard, shard

VERSIONS = [ListedVersion(f"m{i % 7}", str(i), ()) for i in range(1, 40)]


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_shards_partition_the_selection(n: int) -> None:
    parts = [shard(VERSIONS, i, n) for i in range(1, n + 1)]
    flat = [v for p in parts for v in p]
    assert sorted(flat, key=lambda v: (v.name, int(v.version))) == sorted(
        VERSIONS, key=lambda v: (v.name, int(v.version))
    )
    assert len(flat) == len(set(flat)) and max(map(len, parts)) - min(map(len, parts)) <= 1
    assert parts == [shard(list(reversed(VERSIONS)), i, n) for i in range(1, n + 1)]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2"])
def test_a_bad_shard_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="--shard"):
        parse_shard(text)


def test_shard_parses() -> None:
    assert parse_shard("2/4") == (2, 4) and parse_shard(None) == (1, 1)
