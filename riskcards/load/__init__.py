"""The load stage (layer: load): YAML in, validated models out, every problem at once.

Entry point: :func:`load_inputs`, the target-independent inputs of a release as one
immutable :class:`Inputs`.

- :mod:`.headers`: which files are read and what each is; catalogue headers, no pydantic.
- :mod:`.safe_yaml`: the safe YAML reader (positions, duplicate keys, no tags or aliases).
- :mod:`.validate`: pydantic validation of a document, errors mapped to ``file:line:col``.
- :mod:`.catalogues`: catalogues, organisation extensions, evidence mappings.
- :mod:`.crosswalks`: crosswalk references and coverage.
- :mod:`.project`: the project file ``riskcards.yaml``, attestations and sidecars.
- :mod:`.schema`: JSON Schemas for editors, generated from the models.
- :mod:`.inputs`: all of it together, for any number of targets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from riskcards.load.inputs import Inputs, load_inputs, load_project

__all__ = ["Inputs", "load_inputs", "load_project"]


def __getattr__(name: str) -> Any:
    """The names above, imported on first use: :mod:`.headers` and :mod:`.safe_yaml` are
    read without pydantic and the models (``frameworks list``, issue 18)."""
    if name in __all__:
        from riskcards.load import inputs

        return getattr(inputs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
