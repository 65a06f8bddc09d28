"""The base of every riskcards model: frozen, strict about unknown keys; how numbers read."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class Frozen(BaseModel):
    """Immutable, rejects unknown fields, keeps NaN/inf representable in JSON."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        ser_json_inf_nan="strings",
        validate_default=True,
        # build each validator on first use, not at import: commands that touch few models
        # (`frameworks list`) start faster (issue 18)
        defer_build=True,
    )


# A non-empty single-line identifier. Strings only: YAML's `6.10` (a float) or `no`
# (a bool) is rejected rather than silently becoming `6.1` or `False`.
Identifier = Annotated[str, StringConstraints(strict=True, min_length=1, pattern=r"^[^\n\r]+$")]
Text = Annotated[str, StringConstraints(strict=True, min_length=1)]


def fmt_number(value: float) -> str:
    """A metric value as people read it: up to 4 significant decimals, NaN and inf spelled.

    Shared by the assessment (reasons) and the documents, so a number reads the same in both.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.6g}"
