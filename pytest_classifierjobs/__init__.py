"""pytest-classifierjobs: models, factories and a fake of Mistral's classifier fine-tuning jobs API.

The models and the lifecycle rules are imported eagerly (they need only attrs). The factories
(polyfactory pulls in Faker), the wire format (cattrs) and the fake API (respx, httpx) load on
first use, so that pytest,
which imports this package at start-up through the plugin, stays fast for suites that never
touch them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .clock import Clock
from .lifecycle import (
    ACTIVE_STATUSES,
    FAILED_STATUSES,
    STATUS_GROUPS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    IllegalTransitionError,
    Progress,
    coherence_violations,
)
from .models import (
    ArchiveFTModelOut,
    BaseModelCard,
    CheckpointOut,
    ClassificationResponse,
    ClassificationTargetResult,
    ClassifierDetailedJobOut,
    ClassifierFTModelOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersIn,
    DeleteFileOut,
    DeleteModelOut,
    EventOut,
    FileSignedURL,
    FTModelCapabilitiesOut,
    FTModelCard,
    JobIn,
    JobMetadataOut,
    JobsOut,
    LegacyJobMetadataOut,
    ListFilesOut,
    MetricOut,
    ModelCapabilities,
    ModelList,
    RetrieveFileOut,
    TrainingFile,
    UnarchiveFTModelOut,
    UploadFileOut,
    WandbIntegration,
    WandbIntegrationOut,
)
from .scores import ScoresError
from .timeline import Timings

if TYPE_CHECKING:
    from .factories import (
        CheckpointOutFactory,
        ClassifierDetailedJobOutFactory,
        ClassifierJobOutFactory,
        ClassifierTargetOutFactory,
        ClassifierTrainingParametersFactory,
        EventOutFactory,
        JobInFactory,
        JobMetadataOutFactory,
        MetricOutFactory,
        WandbIntegrationOutFactory,
    )
    from .mock import ClassifierJobsMock
    from .server import LiveServer
    from .state.files import UnknownFileError
    from .state.models import UnknownModelError
    from .wire import WireFormatError, from_wire, to_wire

__all__ = [
    "ACTIVE_STATUSES",
    "FAILED_STATUSES",
    "STATUS_GROUPS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "ArchiveFTModelOut",
    "BaseModelCard",
    "CheckpointOut",
    "CheckpointOutFactory",
    "ClassificationResponse",
    "ClassificationTargetResult",
    "ClassifierDetailedJobOut",
    "ClassifierDetailedJobOutFactory",
    "ClassifierFTModelOut",
    "ClassifierJobOut",
    "ClassifierJobOutFactory",
    "ClassifierJobOutStatus",
    "ClassifierJobsMock",
    "ClassifierTargetIn",
    "ClassifierTargetOut",
    "ClassifierTargetOutFactory",
    "ClassifierTrainingParameters",
    "ClassifierTrainingParametersFactory",
    "ClassifierTrainingParametersIn",
    "Clock",
    "DeleteFileOut",
    "DeleteModelOut",
    "EventOut",
    "EventOutFactory",
    "FTModelCapabilitiesOut",
    "FTModelCard",
    "FileSignedURL",
    "IllegalTransitionError",
    "JobIn",
    "JobInFactory",
    "JobMetadataOut",
    "JobMetadataOutFactory",
    "JobsOut",
    "LegacyJobMetadataOut",
    "ListFilesOut",
    "LiveServer",
    "MetricOut",
    "MetricOutFactory",
    "ModelCapabilities",
    "ModelList",
    "Progress",
    "RetrieveFileOut",
    "ScoresError",
    "Timings",
    "TrainingFile",
    "UnarchiveFTModelOut",
    "UnknownFileError",
    "UnknownModelError",
    "UploadFileOut",
    "WandbIntegration",
    "WandbIntegrationOut",
    "WandbIntegrationOutFactory",
    "WireFormatError",
    "coherence_violations",
    "from_wire",
    "to_wire",
]

# Public names that live in a module with heavy imports, loaded on first access.
_LAZY = {
    **dict.fromkeys(("WireFormatError", "from_wire", "to_wire"), "wire"),
    "ClassifierJobsMock": "mock",
    "LiveServer": "server",
    "UnknownFileError": "state.files",
    "UnknownModelError": "state.models",
    **{name: "factories" for name in __all__ if name.endswith("Factory")},
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    # Only what is loaded: freezegun (and other tools) read every name dir() lists when they
    # start, and listing a lazy name would import its heavy module under their patches.
    return sorted(globals())
