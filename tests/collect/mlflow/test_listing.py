"""The fleet's selection from MLflow's own registry entities: aliased, else latest, or all."""

from __future__ import annotations

from mlflow.entities.model_registry import ModelVersion, RegisteredModel

from riskcards.collect.mlflow.listing import select


def _model(name: str, aliases: dict[str, str]) -> RegisteredModel:
    rm = RegisteredModel(name)
    rm._aliases = aliases
    return rm


VERSIONS = [ModelVersion(n, v, 0) for n, vs in {"a": "1 2 10", "b": "1 3", "c": "5"}.items()
            for v in vs.split()]  # fmt: skip
MODELS = [_model("a", {"champion": "2", "shadow": "2"}), _model("b", {}), _model("c", {})]


def test_aliased_versions_else_the_latest() -> None:
    chosen = select(MODELS, VERSIONS, all_versions=False)
    assert [(v.name, v.version, v.aliases) for v in chosen] == [
        ("a", "2", ("champion", "shadow")), ("b", "3", ()), ("c", "5", ()),
    ]  # fmt: skip
    assert chosen[0].target == "models:/a/2"


def test_all_versions_in_number_order_of_the_selected_models() -> None:
    chosen = select(MODELS[:1], VERSIONS, all_versions=True)
    assert [v.version for v in chosen] == ["1", "2", "10"]
