"""Immutable pydantic models shared by every stage (layer: models; imports only pydantic).

- :mod:`.catalogue`  control catalogues (frameworks) and crosswalks, as loaded from YAML
- :mod:`.evidence`   the evidence snapshot collected from MLflow
- :mod:`.mapping`    evidence mappings: named checks bound to controls
- :mod:`.assessment` results of assessing evidence against catalogues
- :mod:`.bundle`     the manifest of an output bundle
"""

from riskcards.models.assessment import (
    Assessment,
    CheckResult,
    CheckStatus,
    ControlResult,
    ControlStatus,
    EvidenceRef,
    FrameworkAssessment,
)
from riskcards.models.base import Frozen
from riskcards.models.bundle import InputFile, Manifest, ManifestFile
from riskcards.models.catalogue import (
    Catalogue,
    CatalogueExtension,
    Control,
    ControlGroup,
    Crosswalk,
    CrosswalkPair,
)
from riskcards.models.evidence import (
    ArtifactInfo,
    DatasetInput,
    EvidenceSnapshot,
    MetricValue,
    ModelVersionEvidence,
    Provenance,
    RunEvidence,
    Target,
)
from riskcards.models.mapping import Check, EvidenceMapping

__all__ = [
    "ArtifactInfo",
    "Assessment",
    "Catalogue",
    "CatalogueExtension",
    "Check",
    "CheckResult",
    "CheckStatus",
    "Control",
    "ControlGroup",
    "ControlResult",
    "ControlStatus",
    "Crosswalk",
    "CrosswalkPair",
    "DatasetInput",
    "EvidenceMapping",
    "EvidenceRef",
    "EvidenceSnapshot",
    "FrameworkAssessment",
    "Frozen",
    "InputFile",
    "Manifest",
    "ManifestFile",
    "MetricValue",
    "ModelVersionEvidence",
    "Provenance",
    "RunEvidence",
    "Target",
]
