"""What a bundle records about how it was made, so it can be re-made from itself.

``inputs/release.json`` holds the options of the release that decided its statuses (the
explicit framework list, strict mode, formats, the assessment time) and where, inside the
bundle, the project file, the evidence mapping, the organisation's catalogue folders and the
templates were embedded. The built-in catalogues are not copied: the manifest lists each one
with its sha256, and ``riskcards_version`` names where they come from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from riskcards.models.base import Frozen

INPUT_KIND: Final = "input"  # a file under inputs/: what decided the statuses
RELEASE_RECORD: Final = "inputs/release.json"
INPUTS_DIR: Final = "inputs"


class ReleaseRecord(Frozen):
    schema_version: Literal[1] = 1
    riskcards_version: str
    as_of: datetime
    strict: bool
    formats: tuple[str, ...]
    frameworks: tuple[str, ...] | None
    config: str | None  # bundle path of the project file
    mapping: str | None  # bundle path of an evidence mapping not built in (None: built in)
    frameworks_dirs: tuple[str, ...] = ()  # bundle folders of catalogues named on the CLI
    templates: str | None = None  # bundle folder of the template overrides
