"""attrs classes for the wire resources of the API around classifier jobs, one module a resource.

:mod:`.jobs` (the fine-tuning jobs), :mod:`.files`, :mod:`.fine_tuned` (model cards and the
fine-tuning model routes) and :mod:`.classification`. Every class mirrors one schema of the
contract (``reference/mistral-jobs-api.md`` section 2, ``reference/mistral-workflow-api.md``;
the OpenAPI component of the same name in mistralai/platform-docs-public ``openapi.yaml``) field
for field, under the names that ``mistralai`` 1.x uses. The classes are frozen, keyword-only and
slotted: a job is a value, and a changed job is a new value (``attrs.evolve(job, status=...)``).

Constants of the contract (``object``, ``job_type``, ``type``, ``model_type``) are fields that
cannot be set: they always hold the one value the contract allows, so a model can never put a
wrong constant on the wire.

The annotations stay real runtime objects (no ``from __future__ import annotations``) because
polyfactory and Hypothesis read them with ``typing.get_type_hints`` at run time.
"""

from .classification import ClassificationResponse, ClassificationTargetResult
from .files import DeleteFileOut, FileSignedURL, ListFilesOut, RetrieveFileOut, UploadFileOut
from .fine_tuned import (
    ArchiveFTModelOut,
    BaseModelCard,
    ClassifierFTModelOut,
    DeleteModelOut,
    FTModelCapabilitiesOut,
    FTModelCard,
    ModelCapabilities,
    ModelList,
    UnarchiveFTModelOut,
)
from .jobs import (
    CheckpointOut,
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersIn,
    EventOut,
    FineTuneableModelType,
    JobIn,
    JobMetadataOut,
    JobsOut,
    LegacyJobMetadataOut,
    LossFunction,
    MetricOut,
    TrainingFile,
    WandbIntegration,
    WandbIntegrationOut,
    parse_status,
)

__all__ = [
    "ArchiveFTModelOut",
    "BaseModelCard",
    "CheckpointOut",
    "ClassificationResponse",
    "ClassificationTargetResult",
    "ClassifierDetailedJobOut",
    "ClassifierFTModelOut",
    "ClassifierJobOut",
    "ClassifierJobOutStatus",
    "ClassifierTargetIn",
    "ClassifierTargetOut",
    "ClassifierTrainingParameters",
    "ClassifierTrainingParametersIn",
    "DeleteFileOut",
    "DeleteModelOut",
    "EventOut",
    "FTModelCapabilitiesOut",
    "FTModelCard",
    "FileSignedURL",
    "FineTuneableModelType",
    "JobIn",
    "JobMetadataOut",
    "JobsOut",
    "LegacyJobMetadataOut",
    "ListFilesOut",
    "LossFunction",
    "MetricOut",
    "ModelCapabilities",
    "ModelList",
    "RetrieveFileOut",
    "TrainingFile",
    "UnarchiveFTModelOut",
    "UploadFileOut",
    "WandbIntegration",
    "WandbIntegrationOut",
    "parse_status",
]
