"""``riskcards fleet`` and ``portfolio`` against a real `mlflow server`, on PostgreSQL and on
sqlite (the same tests for both): every version released, a second run unchanged, two shards
merged equal one run, a broken version listed with its error without stopping the others.
Both servers (and PostgreSQL) are stopped at the end of the module, on failure too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.fleet.support import Fleet, log_fleet, postgres
from tests.integration_support import mlflow_server, riskcards

pytestmark = [pytest.mark.integration, pytest.mark.slow]

AS_OF = "2026-12-01T00:00:00Z"  # one assessment time, so separate runs compare equal


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Fleet]]:
    root = tmp_path_factory.mktemp(request.param)
    with ExitStack() as stack:
        if request.param == "postgresql":
            backend = stack.enter_context(postgres())
        else:
            backend = f"sqlite:///{root / 'mlflow.db'}"
        url = stack.enter_context(mlflow_server(backend, root / "artifacts", root / "server.log"))
        yield url, log_fleet(url, root / "work")


def _fleet(url: str, out: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    done = riskcards(
        "fleet", "--out", str(out), "--no-pdf", "--as-of", AS_OF, "--tracking-uri", url, *args,
        cwd=out.parent,
    )  # fmt: skip
    assert done.returncode in (0, 1, 3), done.stderr
    return done.returncode, json.loads((out / "portfolio.json").read_text()), done.stderr


def _rows(portfolio: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The portfolio's rows, without where the bundle is and how the run went."""
    return {
        (e["model"], e["version"]): {k: v for k, v in e.items() if k not in ("link", "status")}
        for e in portfolio["entries"]
    }


def test_fleet_releases_reuses_and_isolates_a_failure(
    served: tuple[str, Fleet], tmp_path: Path
) -> None:
    url, fleet = served
    out = tmp_path / "fleet"
    code, first, progress = _fleet(url, out, "--all-versions", "--workers", "2")
    every = {(m, v) for m, vs in fleet.versions.items() for v in vs}
    assert set(_rows(first)) == every
    assert code == 3  # the worst of all: the broken version's evidence-source error
    by_key = {(e["model"], e["version"]): e for e in first["entries"]}
    broken = by_key.pop(fleet.broken)
    assert broken["status"] == "failed" and broken["exit_code"] == 3
    assert "no run 'ffffffff" in broken["error"] and broken["link"] is None
    for (model, version), e in by_key.items():
        assert e["status"] == "released", e
        assert (out / model / version / "manifest.json").is_file()
        assert (out / e["link"]).is_file() and e["frameworks"] and e["verdict"]
        assert f"{model}-team" in e["owners"]
    html = (out / "portfolio.html").read_text()
    assert all(f'href="{e["link"]}"' in html for e in by_key.values())
    assert "no run &#39;ffffffff" in html and "<script src" not in html
    assert f"[{len(every)}/{len(every)}]" in progress  # plain lines: not a terminal
    manifests = {k: (out / e["bundle"] / "manifest.json").read_bytes() for k, e in by_key.items()}

    code, second, _ = _fleet(url, out, "--all-versions")
    assert code == 3
    statuses = {(e["model"], e["version"]): e["status"] for e in second["entries"]}
    assert statuses == {k: "failed" if k == fleet.broken else "unchanged" for k in every}
    assert _rows(second) == _rows(first)
    assert second["changes"] == []
    assert {k: (out / e["bundle"] / "manifest.json").read_bytes() for k, e in by_key.items()} == (
        manifests
    )

    _, forced, _ = _fleet(url, out, "--all-versions", "--force")
    assert {e["status"] for e in forced["entries"]} == {"released", "failed"}


def test_two_shards_merged_equal_one_run(served: tuple[str, Fleet], tmp_path: Path) -> None:
    url, _ = served
    _, whole, _ = _fleet(url, tmp_path / "whole", "--all-versions")
    shards = []
    for i in (1, 2):
        _, part, _ = _fleet(url, tmp_path / f"shard{i}", "--all-versions", "--shard", f"{i}/2")
        shards.append(part)
    assert not set(_rows(shards[0])) & set(_rows(shards[1]))
    merged = riskcards(
        "portfolio", str(tmp_path / "shard1"), str(tmp_path / "shard2"),
        "--out", str(tmp_path / "merged"), cwd=tmp_path,
    )  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    portfolio = json.loads((tmp_path / "merged" / "portfolio.json").read_text())
    assert _rows(portfolio) == _rows(whole)
    for e in portfolio["entries"]:
        if e["link"]:
            assert (tmp_path / "merged" / e["link"]).is_file()


def test_selection_aliases_latest_and_filters(served: tuple[str, Fleet], tmp_path: Path) -> None:
    url, fleet = served
    _, default, _ = _fleet(url, tmp_path / "default")
    latest = {(m, vs[-1]) for m, vs in fleet.versions.items() if m not in fleet.aliases}
    aliased = {(m, v) for m, a in fleet.aliases.items() for v in a.values()}
    assert set(_rows(default)) == latest | aliased
    assert {tuple(e["aliases"]) for e in default["entries"] if e["model"] == "credit-a"} == {
        ("champion",)
    }
    code, named, _ = _fleet(url, tmp_path / "named", "--filter", "name = 'credit-b'")
    assert code == 1 and set(_rows(named)) == {("credit-b", "1")}
    code, tagged, _ = _fleet(url, tmp_path / "tagged", "--filter", "tags.owner = 'fraud-team'")
    assert code == 3 and {k[0] for k in _rows(tagged)} == {"fraud"}
    bad = riskcards(
        "fleet", "--out", str(tmp_path / "bad"), "--tracking-uri", url, "--filter", "nme = 'x'",
        cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 2 and "--filter \"nme = 'x'\": MLflow rejects it" in bad.stderr
    assert not (tmp_path / "bad").exists()
