"""The models: base and fine-tuned model cards, their list, and the fine-tuning model answers.

The schemas of ``reference/mistral-workflow-api.md`` section 2 (conventions: the package
docstring). ``GET /v1/models`` answers cards (:class:`BaseModelCard`, :class:`FTModelCard`,
told apart by ``type``); ``PATCH /v1/fine_tuning/models/{id}`` answers the fine-tuned model's
own form, :class:`ClassifierFTModelOut` (told apart by ``model_type``).
"""

from typing import Literal

import attrs

from .jobs import ClassifierTargetOut

__all__ = [
    "ArchiveFTModelOut",
    "BaseModelCard",
    "ClassifierFTModelOut",
    "DeleteModelOut",
    "FTModelCapabilitiesOut",
    "FTModelCard",
    "ModelCapabilities",
    "ModelList",
    "UnarchiveFTModelOut",
]


@attrs.frozen(kw_only=True)
class ModelCapabilities:
    """What a model can do (``ModelCapabilities``), as a model card says it; all ``False``."""

    #: Chat completions.
    completion_chat: bool = False
    #: Function calling.
    function_calling: bool = False
    #: Fill-in-the-middle completions.
    completion_fim: bool = False
    #: It can be fine-tuned.
    fine_tuning: bool = False
    #: Image input.
    vision: bool = False
    #: Optical character recognition.
    ocr: bool = False
    #: Classification (``True`` for a fine-tuned classifier).
    classification: bool = False
    #: Moderation.
    moderation: bool = False
    #: Audio input.
    audio: bool = False
    #: Audio transcription.
    audio_transcription: bool = False


@attrs.frozen(kw_only=True)
class BaseModelCard:
    """A model of Mistral's own (``BaseModelCard``), as ``/v1/models`` lists it."""

    #: The model's id, e.g. ``"ministral-3b-2410"``.
    id: str
    #: Constant ``"model"``.
    object: Literal["model"] = attrs.field(default="model", init=False)
    #: Unix seconds of the model's creation.
    created: int
    #: Its owner, ``"mistralai"``.
    owned_by: str = "mistralai"
    #: What it can do.
    capabilities: ModelCapabilities
    #: Its display name.
    name: str | None = None
    #: Its description.
    description: str | None = None
    #: The longest context it takes, in tokens.
    max_context_length: int = 32768
    #: Other ids that name it, e.g. ``["ministral-3b-latest"]``.
    aliases: list[str] = attrs.Factory(list)
    #: When it is deprecated (an ISO date-time), if it is.
    deprecation: str | None = None
    #: The model that replaces it once deprecated.
    deprecation_replacement_model: str | None = None
    #: The temperature used when a request gives none.
    default_model_temperature: float | None = None
    #: Constant ``"base"``: the SDKs pick the card's class by this field.
    type: Literal["base"] = attrs.field(default="base", init=False)


@attrs.frozen(kw_only=True)
class FTModelCard:
    """A fine-tuned model (``FTModelCard``), as ``/v1/models`` lists it.

    The fields of a :class:`BaseModelCard` and the job that made it, its base model and whether
    it is archived.
    """

    #: The model's id, the job's ``fine_tuned_model``:
    #: ``ft:classifier:<base>:<8 hex>:<YYYYMMDD>:<first 8 of the job id>``.
    id: str
    #: Constant ``"model"``.
    object: Literal["model"] = attrs.field(default="model", init=False)
    #: Unix seconds of the model's creation (when its job succeeded).
    created: int
    #: The organisation that owns it (8 hex digits, as in the id).
    owned_by: str
    #: What it can do (``classification`` for a classifier).
    capabilities: ModelCapabilities
    #: Its name, set with ``PATCH /v1/fine_tuning/models/{id}``.
    name: str | None = None
    #: Its description, set likewise.
    description: str | None = None
    #: The longest context it takes, in tokens.
    max_context_length: int = 32768
    #: Other ids that name it.
    aliases: list[str] = attrs.Factory(list)
    #: When it is deprecated, if it is.
    deprecation: str | None = None
    #: The model that replaces it once deprecated.
    deprecation_replacement_model: str | None = None
    #: The temperature used when a request gives none.
    default_model_temperature: float | None = None
    #: Constant ``"fine-tuned"``: the SDKs pick the card's class by this field.
    type: Literal["fine-tuned"] = attrs.field(default="fine-tuned", init=False)
    #: The id of the job that made it (never ``null``: mistralai 1.12.4 refuses that).
    job: str
    #: The base model it was fine-tuned from, the job's ``model``.
    root: str
    #: Whether it is archived.
    archived: bool = False


@attrs.frozen(kw_only=True)
class ModelList:
    """The answer of ``GET /v1/models`` (``ModelList``): cards, and no ``total``."""

    #: Constant ``"list"``.
    object: Literal["list"] = attrs.field(default="list", init=False)
    #: The base models' cards, then the fine-tuned models'.
    data: list[BaseModelCard | FTModelCard] = attrs.Factory(list)


@attrs.frozen(kw_only=True)
class DeleteModelOut:
    """The answer to a model's deletion (``DeleteModelOut``)."""

    #: The deleted model's id.
    id: str
    #: Constant ``"model"``.
    object: Literal["model"] = attrs.field(default="model", init=False)
    #: Always ``True``.
    deleted: bool = True


@attrs.frozen(kw_only=True)
class FTModelCapabilitiesOut:
    """What a fine-tuned model can do (``FTModelCapabilitiesOut``).

    The spec's default for ``completion_chat`` is ``True``, so the fake always writes every
    flag: a classifier has ``classification`` alone.
    """

    #: Chat completions.
    completion_chat: bool = True
    #: Fill-in-the-middle completions.
    completion_fim: bool = False
    #: Function calling.
    function_calling: bool = False
    #: It can be fine-tuned further.
    fine_tuning: bool = False
    #: Classification.
    classification: bool = False


@attrs.frozen(kw_only=True)
class ClassifierFTModelOut:
    """A fine-tuned classifier as the fine-tuning routes answer it (``ClassifierFTModelOut``)."""

    #: The model's id.
    id: str
    #: Constant ``"model"``.
    object: Literal["model"] = attrs.field(default="model", init=False)
    #: Unix seconds of its creation.
    created: int
    #: The organisation that owns it.
    owned_by: str
    #: The workspace it belongs to, a UUID.
    workspace_id: str
    #: The base model it was fine-tuned from.
    root: str
    #: The version of the base model, e.g. ``"2410"``.
    root_version: str
    #: Whether it is archived.
    archived: bool
    #: Its name.
    name: str | None = None
    #: Its description.
    description: str | None = None
    #: What it can do.
    capabilities: FTModelCapabilitiesOut
    #: The longest context it takes, in tokens.
    max_context_length: int = 32768
    #: Other ids that name it.
    aliases: list[str] = attrs.Factory(list)
    #: The id of the job that made it.
    job: str
    #: The job's classification heads, which the model scores.
    classifier_targets: list[ClassifierTargetOut]
    #: Constant ``"classifier"``: the SDKs pick the answer's class by this field.
    model_type: Literal["classifier"] = attrs.field(default="classifier", init=False)


@attrs.frozen(kw_only=True)
class ArchiveFTModelOut:
    """The answer to archiving a fine-tuned model (``ArchiveFTModelOut``)."""

    #: The model's id.
    id: str
    #: Constant ``"model"`` (mistralai 1.12.4 checks it).
    object: Literal["model"] = attrs.field(default="model", init=False)
    #: ``True``: it is archived now.
    archived: bool = True


@attrs.frozen(kw_only=True)
class UnarchiveFTModelOut:
    """The answer to unarchiving a fine-tuned model (``UnarchiveFTModelOut``)."""

    #: The model's id.
    id: str
    #: Constant ``"model"``.
    object: Literal["model"] = attrs.field(default="model", init=False)
    #: ``False``: it is not archived any more.
    archived: bool = False
