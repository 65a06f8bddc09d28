"""The source registry: a target's scheme chooses its source; other sources plug in."""

from __future__ import annotations

import pytest

from riskcards.collect import (
    CollectOptions,
    TargetSpec,
    collect,
    register_source,
    registered_source,
    resolve,
)
from riskcards.collect.mlflow import MlflowSource
from riskcards.collect.snapshot import SnapshotSource
from riskcards.errors import UsageError
from riskcards.models.evidence import EvidenceSnapshot
from tests.conftest import make_snapshot

EVERY_BUILT_IN_FORM = (
    "runs:/<run_id>",
    "models:/<name>/<version>",
    "models:/<name>@<alias>",
    "evidence:<path to evidence.json>",
)


class ToySource:
    """A source of its own: ``toy:<name>`` gives the shared test snapshot."""

    schemes = ("toy",)
    forms = ("toy:<name>",)

    def __init__(self) -> None:
        self.collected: list[tuple[TargetSpec, CollectOptions]] = []

    def parse(self, uri: str) -> TargetSpec:
        name = uri.partition(":")[2]
        if not name:
            raise UsageError(f"target {uri!r}: expected {self.forms[0]}")
        return TargetSpec(uri=uri, kind="toy", path=name)

    def collect(self, spec: TargetSpec, options: CollectOptions) -> EvidenceSnapshot:
        self.collected.append((spec, options))
        return make_snapshot()


@pytest.mark.parametrize(
    ("uri", "kind"),
    [
        ("runs:/0123abcd", "run"),
        ("models:/credit-risk/3", "model_version"),
        ("models:/credit-risk@champion", "model_alias"),
    ],
)
def test_mlflow_uris_go_to_the_mlflow_source(uri: str, kind: str) -> None:
    source, spec = resolve(uri)
    assert isinstance(source, MlflowSource)
    assert (spec.uri, spec.kind, spec.scheme) == (uri, kind, uri.split(":")[0])


def test_a_saved_snapshot_goes_to_the_snapshot_source() -> None:
    source, spec = resolve("evidence:release/evidence.json")
    assert isinstance(source, SnapshotSource)
    assert (spec.kind, spec.path, spec.scheme) == ("snapshot", "release/evidence.json", "evidence")
    with pytest.raises(UsageError, match="give the snapshot's file"):
        resolve("evidence:")


@pytest.mark.parametrize("uri", ["s3://x", "x", "", "toy:abc"])
def test_an_unknown_scheme_lists_the_forms(uri: str) -> None:
    with pytest.raises(UsageError) as caught:
        resolve(uri)
    message = str(caught.value)
    assert f"target {uri!r}" in message
    for form in EVERY_BUILT_IN_FORM:
        assert form in message
    assert "toy:" not in message.removeprefix(f"target {uri!r}")
    assert caught.value.exit_code == 2


def test_a_registered_source_collects_its_scheme_until_the_block_ends() -> None:
    toy = ToySource()
    with registered_source(toy) as registered:
        assert registered is toy
        snapshot = collect("toy:abc")
        assert snapshot == make_snapshot()
        [(spec, options)] = toy.collected
        assert (spec.uri, spec.kind, spec.path) == ("toy:abc", "toy", "abc")
        assert options == CollectOptions()
        # a parsed target goes to the source of its scheme too, with the options given
        asked = CollectOptions(history=True, deadline_seconds=5)
        assert collect(spec, asked) == snapshot
        assert toy.collected[1] == (spec, asked)
        # the new form is offered with the others
        with pytest.raises(UsageError, match="toy:<name>"):
            resolve("s3://x")
        # options no source could honour are refused before the source is asked
        with pytest.raises(UsageError, match="deadline"):
            collect("toy:abc", CollectOptions(deadline_seconds=0))
        assert len(toy.collected) == 2
    with pytest.raises(UsageError, match="not an MLflow URI") as caught:
        collect("toy:abc")
    assert "toy:<name>" not in str(caught.value)
    assert len(toy.collected) == 2


def test_a_scheme_has_one_source() -> None:
    resolve("runs:/0123abcd")  # the built-in sources are registered
    taken = ToySource()
    taken.schemes = ("toy", "runs")  # type: ignore[assignment]
    with pytest.raises(ValueError, match="runs already have a source"):
        register_source(taken)
    with pytest.raises(UsageError):
        resolve("toy:abc")  # nothing of a refused source is registered
    with pytest.raises(TypeError, match="does not implement"):
        register_source(object())  # type: ignore[arg-type]
