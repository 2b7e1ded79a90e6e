"""The request side of the contract as pydantic models: what the real server validates with.

The real API is a FastAPI application (its ``422`` bodies have FastAPI's shape: contract,
section 4), so it reads every request through pydantic v2 models. These are those models, written
from the spec (``reference/mistral-jobs-openapi-fragment.json``: the components ``JobIn``,
``TrainingFile``, ``WandbIntegration``, ``ClassifierTargetIn``, the two hyperparameter shapes,
``GithubRepositoryIn``, and the parameters of the five operations) as the pydantic code that
renders that spec:

* a ``$ref`` enum (``FTClassifierLossFunction``, ``FineTuneableModelType``) is an ``Enum`` class
  (its problems are of type ``enum``); an enum written inline (the list's ``status``) is a
  ``Literal`` (``literal_error``), because that is how pydantic writes each into a schema;
* ``anyOf [X, null]`` is ``X | None``; a property with a default is optional; ``oneOf`` with a
  ``discriminator`` is a tagged union, which requires the tag even where the member gives it a
  default;
* the class names are the spec's, because pydantic puts a union member's class name in the
  location of its problems (``("body", "hyperparameters", "ClassifierTrainingParametersIn",
  "learning_rate")``).

Two properties are written as the spec shows them although no pydantic field renders exactly
so: ``JobIn.auto_start`` (a boolean with neither a default nor a place in ``required``: optional,
not nullable, ``False`` by default as the docs say) and the hyperparameters' ``anyOf`` (a plain
union, tried member by member). Nothing here knows HTTP; :mod:`pytest_classifierjobs.validation`
reads requests as FastAPI does and validates them with these classes. The differential test
(``tests/reference/test_differential.py``) checks them against a FastAPI app generated from
the spec.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .models import ClassifierJobOutStatus

__all__ = [
    "AssistantMessage",
    "ChatClassificationRequest",
    "ClassificationRequest",
    "ClassifierTargetIn",
    "ClassifierTrainingParametersIn",
    "CompletionTrainingParametersIn",
    "CreateJobQuery",
    "FTClassifierLossFunction",
    "FilePath",
    "FilePurpose",
    "FineTuneableModelType",
    "GithubRepositoryIn",
    "InstructRequest",
    "JobIn",
    "JobPath",
    "ListFilesQuery",
    "ListJobsQuery",
    "ListModelsQuery",
    "ModelPath",
    "SampleType",
    "SignedUrlQuery",
    "Source",
    "SystemMessage",
    "ToolMessage",
    "TrainingFile",
    "UpdateFTModelIn",
    "UploadForm",
    "UserMessage",
    "WandbIntegration",
]


class FTClassifierLossFunction(str, enum.Enum):
    """``FTClassifierLossFunction``: how a classification head is trained."""

    single_class = "single_class"
    multi_class = "multi_class"


class FineTuneableModelType(str, enum.Enum):
    """``FineTuneableModelType``: the ``job_type`` of a create request."""

    completion = "completion"
    classifier = "classifier"


class TrainingFile(BaseModel):
    """``TrainingFile``."""

    file_id: uuid.UUID
    weight: Annotated[float, Field(gt=0)] = 1.0


class WandbIntegration(BaseModel):
    """``WandbIntegration``."""

    type: Literal["wandb"] = "wandb"
    project: str
    name: str | None = None
    api_key: Annotated[str, Field(min_length=40, max_length=40)]
    run_name: str | None = None


class GithubRepositoryIn(BaseModel):
    """``GithubRepositoryIn`` (completion jobs only; part of ``JobIn`` all the same)."""

    type: Literal["github"] = "github"
    name: str
    owner: str
    ref: str | None = None
    weight: Annotated[float, Field(gt=0)] = 1.0
    token: str


class ClassifierTargetIn(BaseModel):
    """``ClassifierTargetIn``."""

    name: str
    labels: list[str]
    weight: Annotated[float, Field(ge=0)] = 1.0
    loss_function: FTClassifierLossFunction | None = None


class ClassifierTrainingParametersIn(BaseModel):
    """``ClassifierTrainingParametersIn``."""

    training_steps: Annotated[int, Field(ge=1)] | None = None
    learning_rate: Annotated[float, Field(ge=1e-8, le=1)] = 0.0001
    weight_decay: Annotated[float, Field(ge=0, le=1)] | None = 0.1
    warmup_fraction: Annotated[float, Field(ge=0, le=1)] | None = 0.05
    epochs: Annotated[float, Field(gt=0)] | None = None
    seq_len: Annotated[int, Field(ge=100)] | None = None


class CompletionTrainingParametersIn(ClassifierTrainingParametersIn):
    """``CompletionTrainingParametersIn``: the classifier's fields and ``fim_ratio``."""

    fim_ratio: Annotated[float, Field(ge=0, le=1)] | None = 0.9


# oneOf with a discriminator, one member each: pydantic still requires the tag.
_Integration = Annotated[Union[WandbIntegration], Field(discriminator="type")]  # noqa: UP007
_Repository = Annotated[Union[GithubRepositoryIn], Field(discriminator="type")]  # noqa: UP007


class JobIn(BaseModel):
    """``JobIn``: the body of a create request, in the spec's order of properties."""

    model: str
    training_files: list[TrainingFile] = []
    validation_files: list[uuid.UUID] | None = None
    suffix: Annotated[str, Field(max_length=18)] | None = None
    integrations: list[_Integration] | None = None
    auto_start: bool = False
    invalid_sample_skip_percentage: Annotated[float, Field(ge=0, le=0.5)] = 0
    job_type: FineTuneableModelType | None = None
    # anyOf in the spec's order: a body that fits both is read as the completion shape.
    hyperparameters: CompletionTrainingParametersIn | ClassifierTrainingParametersIn
    repositories: list[_Repository] | None = None
    classifier_targets: list[ClassifierTargetIn] | None = None


if TYPE_CHECKING:
    Status = str
else:
    # The list's status filter is an enum written inline in the spec, as pydantic writes a
    # Literal (its problems are `literal_error`), of the ten statuses.
    Status = Literal[tuple(status.value for status in ClassifierJobOutStatus)]


class ListJobsQuery(BaseModel):
    """The query parameters of ``GET /v1/fine_tuning/jobs``, in the spec's order."""

    page: int = 0
    page_size: int = 100
    model: str | None = None
    created_after: datetime.datetime | None = None
    created_before: datetime.datetime | None = None
    created_by_me: bool = False
    status: Status | None = None
    wandb_project: str | None = None
    wandb_name: str | None = None
    suffix: str | None = None


class CreateJobQuery(BaseModel):
    """The query parameter of ``POST /v1/fine_tuning/jobs``."""

    dry_run: bool | None = None


class JobPath(BaseModel):
    """The path parameter of the operations on one job."""

    job_id: uuid.UUID


# --- files (``reference/mistral-workflow-openapi-fragment.json``) --------------------------


class FilePurpose(str, enum.Enum):
    """``FilePurpose``, and ``audio``.

    The spec's description names ``audio`` and the audio guide uploads with it, although the
    spec's enum lists only the first three.
    """

    fine_tune = "fine-tune"
    batch = "batch"
    ocr = "ocr"
    audio = "audio"


class SampleType(str, enum.Enum):
    """``SampleType``, a filter of the list of files."""

    pretrain = "pretrain"
    instruct = "instruct"
    batch_request = "batch_request"
    batch_result = "batch_result"
    batch_error = "batch_error"


class Source(str, enum.Enum):
    """``Source``, a filter of the list of files."""

    upload = "upload"
    repository = "repository"
    mistral = "mistral"


class UploadForm(BaseModel):
    """The text fields of ``POST /v1/files``.

    ``file`` itself is checked as FastAPI checks an ``UploadFile`` (``validation.py``).
    """

    expiry: int | None = None
    visibility: Literal["workspace", "user"] = "workspace"
    purpose: FilePurpose | None = None


class ListFilesQuery(BaseModel):
    """The query parameters of ``GET /v1/files``, in the spec's order."""

    page: int = 0
    page_size: int = 100
    include_total: bool = True
    sample_type: list[SampleType] | None = None
    source: list[Source] | None = None
    search: str | None = None
    purpose: FilePurpose | None = None
    mimetypes: list[str] | None = None


class FilePath(BaseModel):
    """The path parameter of the operations on one file."""

    file_id: uuid.UUID


class SignedUrlQuery(BaseModel):
    """The query of ``GET /v1/files/{file_id}/url``.

    ``expiry`` is the hours the link lasts, 1 to 168 (the v2 spec: "Must be between 1h and 168h").
    """

    expiry: Annotated[int, Field(ge=1, le=168)] = 24


# --- models and classification (``reference/mistral-workflow-openapi-fragment.json``) ------


class ListModelsQuery(BaseModel):
    """The query parameters of ``GET /v1/models`` (1.x sends none; 2.x may send both)."""

    provider: str | None = None
    model: str | None = None


class ModelPath(BaseModel):
    """The path parameter of the operations on one model: any string (the spec has no format)."""

    model_id: str


class UpdateFTModelIn(BaseModel):
    """``UpdateFTModelIn``: the body of ``PATCH /v1/fine_tuning/models/{model_id}``."""

    name: str | None = None
    description: str | None = None


# A message's content chunks (text, image_url, document_url, ... twelve kinds in the spec) are
# read as JSON objects: a classifier reads the text, and the chunks' own schemas are the chat
# API's business.
_Chunks = list[dict[str, Any]]


class SystemMessage(BaseModel):
    """``SystemMessage``."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["system"] = "system"
    content: str | _Chunks


class UserMessage(BaseModel):
    """``UserMessage``."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["user"] = "user"
    content: str | _Chunks | None


class AssistantMessage(BaseModel):
    """``AssistantMessage`` (the SDKs add ``prefix: false``)."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["assistant"] = "assistant"
    content: str | _Chunks | None = None
    tool_calls: list[dict[str, Any]] | None = None
    prefix: bool = False


class ToolMessage(BaseModel):
    """``ToolMessage``."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["tool"] = "tool"
    content: str | _Chunks | None
    tool_call_id: str | None = None
    name: str | None = None


# oneOf with a discriminator on role: pydantic requires the tag.
_Message = Annotated[
    Union[SystemMessage, UserMessage, AssistantMessage, ToolMessage],  # noqa: UP007
    Field(discriminator="role"),
]


class InstructRequest(BaseModel):
    """``InstructRequest``: one conversation to classify."""

    model_config = ConfigDict(extra="forbid")
    messages: list[_Message]


class ClassificationRequest(BaseModel):
    """``ClassificationRequest``: the body of ``POST /v1/classifications``, no other keys."""

    model_config = ConfigDict(extra="forbid")
    model: str
    metadata: dict[str, Any] | None = None
    input: str | list[str]


class ChatClassificationRequest(BaseModel):
    """``ChatClassificationRequest``: the body of ``POST /v1/chat/classifications``."""

    model_config = ConfigDict(extra="forbid")
    model: str
    input: InstructRequest | list[InstructRequest]
