"""MLflow's raw values as evidence values: timestamps and metric values (layer: collect).

Pure: imports no mlflow.
"""

from __future__ import annotations

import math
import sys
from datetime import UTC, datetime


def metric_value(value: float) -> float:
    """The value as logged: MLflow's SQL stores keep +-inf as +-the largest float."""
    value = float(value)
    return math.copysign(math.inf, value) if abs(value) == sys.float_info.max else value


def timestamp(millis: int | None) -> datetime | None:
    """MLflow's milliseconds since the epoch as a UTC time; None for none (or 0)."""
    return datetime.fromtimestamp(millis / 1000, UTC) if millis else None
