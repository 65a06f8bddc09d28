"""riskcards: release documents (model card, dataset sheets, gap reports) from MLflow evidence.

The library API, for scripts and other tools (the ``riskcards`` command is a thin shell over
it; see docs/api.md)::

    import riskcards

    inputs = riskcards.load_inputs(riskcards.LoadOptions(config=Path("riskcards.yaml")))
    for target in ("models:/credit-risk@champion", "models:/fraud@champion"):
        result = riskcards.release(inputs, Path("bundles") / target.split("/")[1], target)
        print(result.main, len(result.assessment.blocking))

Importing this package is cheap: each name below is imported on first use, and mlflow and
weasyprint only by the stages that need them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it
_EXPORTS = {
    # entry points
    "load_inputs": "riskcards.api",
    "collect": "riskcards.api",
    "assess_evidence": "riskcards.api",
    "release": "riskcards.api",
    "check": "riskcards.api",
    "verify_bundle": "riskcards.bundle",
    # their options and results
    "LoadOptions": "riskcards.api",
    "ReleaseOptions": "riskcards.api",
    "ReleaseResult": "riskcards.api",
    "CheckOutcome": "riskcards.api",
    "Assessed": "riskcards.api",
    "Inputs": "riskcards.load",
    # the main models
    "EvidenceSnapshot": "riskcards.models.evidence",
    "Assessment": "riskcards.models.assessment",
    "ControlResult": "riskcards.models.assessment",
    "CheckResult": "riskcards.models.assessment",
    "Catalogue": "riskcards.models.catalogue",
    "EvidenceMapping": "riskcards.models.mapping",
    "Manifest": "riskcards.models.bundle",
    # seams: new evidence sources, check kinds and output formats
    "register_source": "riskcards.collect.sources",
    "register_check_kind": "riskcards.assess",
    "register_format": "riskcards.render.formats",
    # errors
    "RiskcardsError": "riskcards.errors",
    "UserError": "riskcards.errors",
}

__all__ = [
    "Assessed",
    "Assessment",
    "Catalogue",
    "CheckOutcome",
    "CheckResult",
    "ControlResult",
    "EvidenceMapping",
    "EvidenceSnapshot",
    "Inputs",
    "LoadOptions",
    "Manifest",
    "ReleaseOptions",
    "ReleaseResult",
    "RiskcardsError",
    "UserError",
    "__version__",
    "assess_evidence",
    "check",
    "collect",
    "load_inputs",
    "register_check_kind",
    "register_format",
    "register_source",
    "release",
    "verify_bundle",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562), so ``import riskcards`` stays light."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'riskcards' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from riskcards.api import (
        Assessed,
        CheckOutcome,
        LoadOptions,
        ReleaseOptions,
        ReleaseResult,
        assess_evidence,
        check,
        collect,
        load_inputs,
        release,
    )
    from riskcards.assess import register_check_kind
    from riskcards.bundle import verify_bundle
    from riskcards.collect.sources import register_source
    from riskcards.errors import RiskcardsError, UserError
    from riskcards.load import Inputs
    from riskcards.models.assessment import Assessment, CheckResult, ControlResult
    from riskcards.models.bundle import Manifest
    from riskcards.models.catalogue import Catalogue
    from riskcards.models.evidence import EvidenceSnapshot
    from riskcards.models.mapping import EvidenceMapping
    from riskcards.render.formats import register_format
