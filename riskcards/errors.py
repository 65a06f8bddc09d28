"""The one exception tree of riskcards (layer: errors, imports nothing of riskcards).

Every error a user can act on derives from :class:`UserError` and carries the exit
code the CLI returns for it. Anything else that escapes is a bug and shows a traceback.

    RiskcardsError
    ├── UserError                      (exit_code 2 unless overridden)
    │   ├── ConfigError                bad YAML, bad catalogue/mapping/project file (2)
    │   │                              carries every issue at once, each with file:line:col
    │   ├── UsageError                 bad command-line value, bad target URI (2)
    │   ├── OutputError                refuses to overwrite a folder that is not a bundle (2)
    │   └── EvidenceSourceError        MLflow could not give the evidence (3)
    │       ├── SourceUnavailable      server unreachable, timed out, 5xx
    │       ├── AccessDenied           401 / 403
    │       └── NotFound               run, model, version or alias does not exist
    └── InternalError                  a bug in riskcards: shown with a traceback
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_BLOCKING_GAP = 1
EXIT_USAGE = 2
EXIT_EVIDENCE_SOURCE = 3


class RiskcardsError(Exception):
    """Root of every error riskcards raises on purpose."""


class UserError(RiskcardsError):
    """An error the user can fix; the CLI prints it on one line (plus issues) and exits."""

    exit_code: int = EXIT_USAGE


@dataclass(frozen=True)
class Issue:
    """One problem in one input file, located as precisely as we can."""

    file: str
    line: int | None
    col: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(UserError):
    """One or more problems in configuration input (catalogues, mappings, project files)."""

    def __init__(self, message: str, issues: Iterable[Issue] = ()) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(message)

    def __str__(self) -> str:
        head = str(self.args[0])
        if not self.issues:
            return head
        return head + "\n" + "\n".join(f"  {issue}" for issue in self.issues)


class UsageError(UserError):
    """A command-line value riskcards cannot use (bad target URI, conflicting options)."""


class OutputError(UserError):
    """The output location cannot be written safely."""


class EvidenceSourceError(UserError):
    """MLflow could not provide the evidence; nothing is written."""

    exit_code = EXIT_EVIDENCE_SOURCE


class SourceUnavailable(EvidenceSourceError):
    """The tracking server or store could not be reached in time."""


class AccessDenied(EvidenceSourceError):
    """The tracking server refused the credentials (401/403)."""


class NotFound(EvidenceSourceError):
    """A run, registered model, version or alias does not exist."""

    def __init__(self, message: str, near: Sequence[str] = ()) -> None:
        self.near = tuple(near)
        if self.near:
            message += "; did you mean " + ", ".join(repr(n) for n in self.near) + "?"
        super().__init__(message)


class InternalError(RiskcardsError):
    """A bug in riskcards."""
