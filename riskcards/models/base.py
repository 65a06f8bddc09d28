"""The base of every riskcards model: frozen, strict about unknown keys."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class Frozen(BaseModel):
    """Immutable, rejects unknown fields, keeps NaN/inf representable in JSON."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        ser_json_inf_nan="strings",
        validate_default=True,
    )


# A non-empty single-line identifier. Strings only: YAML's `6.10` (a float) or `no`
# (a bool) is rejected rather than silently becoming `6.1` or `False`.
Identifier = Annotated[str, StringConstraints(strict=True, min_length=1, pattern=r"^[^\n\r]+$")]
Text = Annotated[str, StringConstraints(strict=True, min_length=1)]
