"""The jobs: a classifier fine-tuning job, its parts, its list, and the create request.

The schemas of ``reference/mistral-jobs-api.md`` section 2 (conventions: the package docstring).
"""

from typing import Any, Literal

import attrs

from pytest_classifierjobs.hints import unknown_name

# Defined without attrs, for the plugin to read at pytest's start-up; exported from here too.
from pytest_classifierjobs.statuses import ClassifierJobOutStatus

__all__ = [
    "CheckpointOut",
    "ClassifierDetailedJobOut",
    "ClassifierJobOut",
    "ClassifierJobOutStatus",
    "ClassifierTargetIn",
    "ClassifierTargetOut",
    "ClassifierTrainingParameters",
    "ClassifierTrainingParametersIn",
    "EventOut",
    "FineTuneableModelType",
    "JobIn",
    "JobMetadataOut",
    "JobsOut",
    "LegacyJobMetadataOut",
    "LossFunction",
    "MetricOut",
    "TrainingFile",
    "WandbIntegration",
    "WandbIntegrationOut",
    "parse_status",
]


_STATUS_VALUES = tuple(status.value for status in ClassifierJobOutStatus)


def parse_status(value: ClassifierJobOutStatus | str) -> ClassifierJobOutStatus:
    """Return the status named by ``value`` (a member or its string).

    A name that is no status is a ``ValueError`` that suggests the closest one and lists the
    ten; a value that is no string at all is a ``TypeError``.

    >>> parse_status("SUCCESS")
    <ClassifierJobOutStatus.SUCCESS: 'SUCCESS'>
    >>> parse_status("RUNING")
    Traceback (most recent call last):
    ...
    ValueError: unknown job status 'RUNING' (did you mean 'RUNNING'?); expected one of 'QUEUED', ...
    """
    if isinstance(value, ClassifierJobOutStatus):
        return value
    if not isinstance(value, str):
        # Enum lookup would call it an unknown name; it is the wrong kind of value altogether.
        raise TypeError(
            "a job status is a ClassifierJobOutStatus or its name, such as 'RUNNING', "
            f"not {type(value).__name__} {value!r}"
        )
    try:
        return ClassifierJobOutStatus(value)
    except ValueError:
        raise ValueError(unknown_name("job status", value, _STATUS_VALUES)) from None


#: ``FTClassifierLossFunction`` of the contract.
LossFunction = Literal["single_class", "multi_class"]
#: ``FineTuneableModelType`` of the contract: the ``job_type`` a request may ask for.
FineTuneableModelType = Literal["completion", "classifier"]


# --- response side ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ClassifierTrainingParameters:
    """Hyperparameters of a job as the server reports them (``ClassifierTrainingParameters``)."""

    #: Number of optimizer steps, ``>= 1``; ``None`` when the server derives it from ``epochs``.
    training_steps: int | None = None
    #: Learning rate, in ``[1e-8, 1]``; the contract's default is ``0.0001``.
    learning_rate: float = 0.0001
    #: Weight decay, in ``[0, 1]``; server default ``0.1``.
    weight_decay: float | None = 0.1
    #: Fraction of the steps spent warming the learning rate up, in ``[0, 1]``; default ``0.05``.
    warmup_fraction: float | None = 0.05
    #: Passes over the data, ``> 0``; ``None`` until the server has validated the data.
    epochs: float | None = None
    #: Sequence length, ``>= 100``; ``16384`` is what the server fills in.
    seq_len: int | None = None


@attrs.frozen(kw_only=True)
class JobMetadataOut:
    """The server's estimate for a job (``JobMetadataOut``); all fields nullable."""

    #: Expected duration of training, in seconds.
    expected_duration_seconds: int | None = None
    #: Estimated cost; ``0.0`` until validation has estimated it.
    cost: float | None = None
    #: Currency of ``cost``, ``"EUR"`` in every observed sample.
    cost_currency: str | None = None
    #: Tokens consumed by one training step.
    train_tokens_per_step: int | None = None
    #: Tokens the whole training will consume.
    train_tokens: int | None = None
    #: Tokens in the training data.
    data_tokens: int | None = None
    #: Unix seconds at which training should start; set once the job was started.
    estimated_start_time: int | None = None


@attrs.frozen(kw_only=True)
class WandbIntegrationOut:
    """A Weights & Biases integration as echoed by the server, without the API key."""

    #: The W&B project the run is created under.
    project: str
    #: Display name of the run; the server uses the job id when it is ``None``.
    name: str | None = None
    #: Name of the run.
    run_name: str | None = None
    #: URL of the W&B run, known once the run exists.
    url: str | None = None
    #: Constant discriminator ``"wandb"``.
    type: Literal["wandb"] = attrs.field(default="wandb", init=False)


@attrs.frozen(kw_only=True)
class ClassifierTargetOut:
    """One classification head of a job (``ClassifierTargetOut``), inferred from the data."""

    #: Name of the target, the label key in the training data.
    name: str
    #: The labels this target predicts.
    labels: list[str]
    #: Weight of this target in the loss.
    weight: float
    #: ``"single_class"`` or ``"multi_class"``.
    loss_function: LossFunction


@attrs.frozen(kw_only=True)
class MetricOut:
    """Training metrics at one checkpoint (``MetricOut``)."""

    #: Training loss at this step.
    train_loss: float | None = None
    #: Validation loss; the server reports ``0.0`` on steps without an evaluation.
    valid_loss: float | None = None
    #: Mean token accuracy on the validation data; ``0.0`` on steps without an evaluation.
    valid_mean_token_accuracy: float | None = None


@attrs.frozen(kw_only=True)
class CheckpointOut:
    """One checkpoint of a running or finished job (``CheckpointOut``)."""

    #: Metrics measured at this checkpoint.
    metrics: MetricOut
    #: The training step the checkpoint was taken at.
    step_number: int
    #: Unix seconds at which the checkpoint was created.
    created_at: int


@attrs.frozen(kw_only=True)
class EventOut:
    """One entry of a job's history (``EventOut``).

    ``status-updated`` events carry the new status in ``data``.
    """

    #: Name of the event, ``"status-updated"`` for status changes.
    name: str
    #: Unix seconds of the event.
    created_at: int
    #: Free-form payload; ``{"status": "<STATUS>"}`` for ``status-updated``.
    data: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class ClassifierJobOut:
    """A classifier fine-tuning job, short form: the create response and a ``JobsOut.data`` item."""

    #: The job id, a UUID string.
    id: str
    #: Whether training starts by itself once validation passed.
    auto_start: bool
    #: The base model, for example ``"ministral-3b-latest"``.
    model: str
    #: The current status; its string is accepted too (``status="SUCCESS"``).
    status: ClassifierJobOutStatus = attrs.field(converter=parse_status)
    #: Unix seconds at which the job was created.
    created_at: int
    #: Unix seconds of the job's last change.
    modified_at: int
    #: Ids (UUID strings) of the training files; the weights sent at creation are not echoed.
    training_files: list[str]
    #: The hyperparameters, with the server's defaults filled in.
    hyperparameters: ClassifierTrainingParameters
    #: Ids of the validation files.
    validation_files: list[str] | None = attrs.Factory(list)
    #: ``ft:classifier:<model>:<8 hex>:<YYYYMMDD>:<first 8 of id>`` at ``SUCCESS``, else ``None``.
    fine_tuned_model: str | None = None
    #: The suffix asked for at creation.
    suffix: str | None = None
    #: Weights & Biases integrations of the job.
    integrations: list[WandbIntegrationOut] | None = None
    #: Tokens trained, set once the job succeeded.
    trained_tokens: int | None = None
    #: Cost and duration estimate.
    metadata: JobMetadataOut | None = None
    #: Constant ``"job"``.
    object: Literal["job"] = attrs.field(default="job", init=False)
    #: Constant ``"classifier"``: the SDKs pick the response class by this field.
    job_type: Literal["classifier"] = attrs.field(default="classifier", init=False)

    def summary(self) -> "ClassifierJobOut":
        """Return the short form of this job, as the list and create operations give it."""
        if type(self) is ClassifierJobOut:
            return self
        return ClassifierJobOut(
            **{f.name: getattr(self, f.name) for f in _SHORT_INIT_FIELDS},
        )


@attrs.frozen(kw_only=True)
class ClassifierDetailedJobOut(ClassifierJobOut):
    """A job with its targets, history and checkpoints: the get, start and cancel response.

    A subclass of :class:`ClassifierJobOut`, so code written for the short form accepts it too.
    """

    #: The classification heads; ``[]`` until validation has inferred them from the data.
    classifier_targets: list[ClassifierTargetOut]
    #: The job's history, oldest first.
    events: list[EventOut] = attrs.Factory(list)
    #: Checkpoints, newest first.
    checkpoints: list[CheckpointOut] = attrs.Factory(list)


_SHORT_INIT_FIELDS = tuple(f for f in attrs.fields(ClassifierJobOut) if f.init)


@attrs.frozen(kw_only=True)
class JobsOut:
    """One page of the list operation (``JobsOut``)."""

    #: Number of jobs that match the filters, over all pages.
    total: int
    #: The jobs of this page, newest first.
    data: list[ClassifierJobOut] = attrs.Factory(list)
    #: Constant ``"list"``.
    object: Literal["list"] = attrs.field(default="list", init=False)


@attrs.frozen(kw_only=True)
class LegacyJobMetadataOut:
    """The ``dry_run`` answer of old servers (``LegacyJobMetadataOut``); no SDK asks for it."""

    #: Free-form details.
    details: str
    #: Expected duration of training, in seconds.
    expected_duration_seconds: int | None = None
    #: Estimated cost.
    cost: float | None = None
    #: Currency of ``cost``.
    cost_currency: str | None = None
    #: Tokens consumed by one training step.
    train_tokens_per_step: int | None = None
    #: Tokens the whole training would consume.
    train_tokens: int | None = None
    #: Tokens in the training data.
    data_tokens: int | None = None
    #: Unix seconds at which training would start.
    estimated_start_time: int | None = None
    #: Always ``True`` in practice.
    deprecated: bool = True
    #: Passes over the data.
    epochs: float | None = None
    #: Number of training steps.
    training_steps: int | None = None
    #: Constant ``"job.metadata"``.
    object: Literal["job.metadata"] = attrs.field(default="job.metadata", init=False)


# --- request side ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TrainingFile:
    """A training file of a create request (``TrainingFile``)."""

    #: The uploaded file's id, a UUID string.
    file_id: str
    #: Weight of this file in the mix, ``> 0``.
    weight: float = 1.0


@attrs.frozen(kw_only=True)
class ClassifierTrainingParametersIn:
    """Hyperparameters of a create request (``ClassifierTrainingParametersIn``)."""

    #: Number of optimizer steps, ``>= 1``.
    training_steps: int | None = None
    #: Learning rate, in ``[1e-8, 1]``.
    learning_rate: float = 0.0001
    #: Weight decay, in ``[0, 1]``.
    weight_decay: float | None = 0.1
    #: Warm-up fraction, in ``[0, 1]``.
    warmup_fraction: float | None = 0.05
    #: Passes over the data, ``> 0``.
    epochs: float | None = None
    #: Sequence length, ``>= 100``.
    seq_len: int | None = None


@attrs.frozen(kw_only=True)
class ClassifierTargetIn:
    """A classification head asked for at creation (``ClassifierTargetIn``)."""

    #: Name of the target.
    name: str
    #: Its labels.
    labels: list[str]
    #: Weight in the loss, ``>= 0``. Pass it explicitly to the SDK: see the contract's SDK bug note.
    weight: float = 1.0
    #: ``"single_class"``, ``"multi_class"`` or ``None`` for the server's choice.
    loss_function: LossFunction | None = None


@attrs.frozen(kw_only=True)
class WandbIntegration:
    """A Weights & Biases integration of a create request (``WandbIntegration``)."""

    #: The W&B project.
    project: str
    #: The W&B API key, 40 characters.
    api_key: str
    #: Display name of the run.
    name: str | None = None
    #: Name of the run.
    run_name: str | None = None
    #: Constant discriminator ``"wandb"``.
    type: Literal["wandb"] = attrs.field(default="wandb", init=False)


@attrs.frozen(kw_only=True)
class JobIn:
    """The body of a create request (``JobIn``), classifier side."""

    #: The base model to fine-tune.
    model: str
    #: The hyperparameters.
    hyperparameters: ClassifierTrainingParametersIn
    #: Training files; the server needs at least one.
    training_files: list[TrainingFile] = attrs.Factory(list)
    #: Ids of validation files.
    validation_files: list[str] | None = None
    #: Suffix for the fine-tuned model's name, at most 18 characters.
    suffix: str | None = None
    #: Weights & Biases integrations.
    integrations: list[WandbIntegration] | None = None
    #: Start training without waiting for a ``start`` request; the server's default is ``False``.
    auto_start: bool | None = None
    #: Share of invalid samples that may be skipped, in ``[0, 0.5]``.
    invalid_sample_skip_percentage: float = 0.0
    #: ``"classifier"`` (or ``"completion"``, which this fake does not serve).
    job_type: FineTuneableModelType | None = None
    #: Classification heads; the server infers them from the data when absent.
    classifier_targets: list[ClassifierTargetIn] | None = None
