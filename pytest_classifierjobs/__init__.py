"""pytest-classifierjobs: models, factories and a fake of Mistral's classifier fine-tuning jobs API.

Every public name loads on first access, with its module: pytest imports this package at start-up
through the plugin, in every run, and a suite that never touches the fake must not pay for attrs
(the models), polyfactory and Faker (the factories), cattrs (the wire format) or respx and httpx
(the fake API). ``from pytest_classifierjobs import ClassifierJobsMock`` works as ever; ``dir()``
lists what is loaded so far.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clock import Clock
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
    from .mock import ClassifierJobsMock
    from .models import (
        ArchiveFTModelOut,
        BaseModelCard,
        CheckpointOut,
        ClassificationResponse,
        ClassificationTargetResult,
        ClassifierDetailedJobOut,
        ClassifierFTModelOut,
        ClassifierJobOut,
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
    from .server import LiveServer
    from .state.files import UnknownFileError
    from .state.models import UnknownModelError
    from .statuses import ClassifierJobOutStatus
    from .timeline import Timings
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

# The module of each public name, loaded on its first access (by __getattr__ below).
_LAZY = {
    **dict.fromkeys(("WireFormatError", "from_wire", "to_wire"), "wire"),
    **dict.fromkeys(
        (
            "ACTIVE_STATUSES",
            "FAILED_STATUSES",
            "STATUS_GROUPS",
            "TERMINAL_STATUSES",
            "TRANSITIONS",
            "IllegalTransitionError",
            "Progress",
            "coherence_violations",
        ),
        "lifecycle",
    ),
    "ClassifierJobOutStatus": "statuses",  # attrs-free; also pytest_classifierjobs.models'
    "ClassifierJobsMock": "mock",
    "Clock": "clock",
    "LiveServer": "server",
    "ScoresError": "scores",
    "Timings": "timeline",
    "UnknownFileError": "state.files",
    "UnknownModelError": "state.models",
    **{name: "factories" for name in __all__ if name.endswith("Factory")},
}
# The rest are the attrs models (pytest_classifierjobs.models re-exports every one).
_LAZY.update((name, "models") for name in __all__ if name not in _LAZY)


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
