"""Where the built-in frameworks/ and templates/ folders are (layer: models-level utility).

In a wheel they are package data under ``riskcards/_data/``; in a source checkout (and an
editable install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The built-in ``frameworks`` or ``templates`` folder."""
    if name not in {"frameworks", "templates"}:
        raise ValueError(f"unknown data folder {name!r}")
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"riskcards is installed without its {name}/ folder")


def frameworks_dir() -> Path:
    return data_dir("frameworks")


def templates_dir() -> Path:
    return data_dir("templates")
