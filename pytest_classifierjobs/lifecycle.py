"""The life of a classifier job: status groups, the transition graph, and what each status implies.

Sources are tagged as in ``reference/mistral-jobs-api.md``: **observed** (the cookbook's recorded
jobs, mistralai/cookbook ``mistral/classifier_factory/*.ipynb`` at ``7ccd85fe``), **documented**
(the OpenAPI spec or Mistral's guides), or **chosen** (the contract says nothing; this is the
fake's decision, kept consistent everywhere).

Transitions
-----------
``QUEUED -> VALIDATING -> VALIDATED``, then ``start`` re-queues the job: ``-> QUEUED -> RUNNING ->
SUCCESS`` (observed). With ``auto_start`` the job goes on from ``VALIDATED`` without waiting for
``start`` (documented: "launched immediately after validation"). ``VALIDATING ->
FAILED_VALIDATION`` and ``RUNNING -> FAILED`` are the failure paths (chosen: no sample exists).
``STARTED`` may stand between the re-queued ``QUEUED`` and ``RUNNING`` (chosen: the status is in
the enum but never observed). Cancellation: any other active status may go to
``CANCELLATION_REQUESTED``, which ends in ``CANCELLED``; a job that is not running may also go
straight to ``CANCELLED``, a running one may not (chosen, after the contract's inferred reading).
The four terminal statuses have no way out (inferred from the names and every client's polling
loop).

A ``QUEUED`` job is in one of two places: waiting for validation (fresh), or waiting for training
(re-queued after validation). :class:`Progress` keeps the two apart, so a path such as
``QUEUED -> RUNNING`` is refused while ``QUEUED -> VALIDATING -> VALIDATED -> QUEUED -> RUNNING``
is legal.

What a status implies for the other fields
------------------------------------------
:func:`coherence_violations` checks these rules; the factories and the fake obey them.

* ``created_at <= modified_at``; every event and checkpoint lies inside that interval (chosen).
* ``fine_tuned_model`` is set exactly at ``SUCCESS`` (documented: "null if the fine-tuning job is
  still running"), spelt ``ft:classifier:<model>:<8 hex>:<YYYYMMDD>:<first 8 of id>`` with the
  UTC creation date (observed in three samples).
* ``trained_tokens`` is set exactly at ``SUCCESS`` (observed).
* ``metadata`` is always present (observed). Before validation it is ``{cost: 0.0}`` with every
  other field null (observed at creation). Once validated, ``expected_duration_seconds``,
  ``cost > 0``, ``cost_currency``, ``train_tokens_per_step``, ``train_tokens`` and
  ``data_tokens`` are set (observed). ``estimated_start_time`` is null until the job was
  re-queued for training, and may stay null after (observed: set after ``start`` in one of the
  three recorded classifier jobs, null in the other two).
* ``hyperparameters.epochs`` is null before validation and positive after (observed), except
  for a job asked for epochs instead of steps: its ``training_steps`` is null until validation
  derives it (chosen: the contract allows either, the samples only show steps);
  ``seq_len`` is always set (the server fills in 16384, observed); every hyperparameter lies
  inside the contract's bounds (documented: ``training_steps >= 1``, ``learning_rate`` in
  ``[1e-8, 1]``, ``weight_decay`` and ``warmup_fraction`` in ``[0, 1]``, ``epochs > 0``,
  ``seq_len >= 100``).
* Counts, durations, costs, losses and weights are never negative: ``trained_tokens``, the
  estimate's token counts, ``expected_duration_seconds`` and ``cost``, the checkpoints' metrics
  and the targets' ``weight`` (chosen: the contract types them as plain numbers, but a negative
  one means nothing, and the server derives them from bounded inputs). Timestamps may be any
  integer. :data:`BOUNDS` holds every range, for the factories to check overrides against.
* ``training_files`` holds at least one file (documented by the server's 422, client-ts#70).
* Detailed jobs: ``classifier_targets`` is ``[]`` before validation (inferred) and non-empty
  after (observed). ``events`` are ``status-updated`` events in ascending time (observed in the
  2025 samples) whose statuses form a legal path from ``QUEUED`` to the job's status; the
  re-queue after ``start`` adds no event (observed), so a history ending in ``VALIDATED`` may
  belong to a ``QUEUED`` job. ``checkpoints`` are empty until the job has run (chosen), newest
  first, one per step (observed), with ``1 <= step_number <= training_steps``; at ``SUCCESS`` the
  newest is the last step (chosen).
* W&B integrations have no ``url`` before the job ran and have one at ``SUCCESS`` (observed).

A short ``ClassifierJobOut`` has no history. Its status then decides whether it was validated
(``VALIDATED``, ``STARTED``, ``RUNNING``, ``SUCCESS``, ``FAILED``: yes; ``VALIDATING``,
``FAILED_VALIDATION``: no); for ``QUEUED`` and the two cancellation statuses the metadata decides,
and for the cancellation statuses a W&B run URL tells that the job had run (and so was
validated and started).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .models import (
    CheckpointOut,
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    JobMetadataOut,
    MetricOut,
    parse_status,
)

__all__ = [
    "ACTIVE_STATUSES",
    "BOUNDS",
    "FAILED_STATUSES",
    "STATUS_GROUPS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "Bound",
    "IllegalTransitionError",
    "Progress",
    "coherence_violations",
    "parse_status",
    "progress_of",
]

S = ClassifierJobOutStatus

#: Statuses a job never leaves.
TERMINAL_STATUSES: frozenset[ClassifierJobOutStatus] = frozenset(
    {S.SUCCESS, S.FAILED, S.FAILED_VALIDATION, S.CANCELLED}
)
#: Statuses a job is still moving through: the other six.
ACTIVE_STATUSES: frozenset[ClassifierJobOutStatus] = frozenset(S) - TERMINAL_STATUSES
#: Terminal statuses that mean the job failed.
FAILED_STATUSES: frozenset[ClassifierJobOutStatus] = frozenset({S.FAILED, S.FAILED_VALIDATION})
#: The named groups that status markers and options accept, besides single statuses.
STATUS_GROUPS: Mapping[str, frozenset[ClassifierJobOutStatus]] = MappingProxyType(
    {
        "all": frozenset(S),
        "terminal": TERMINAL_STATUSES,
        "active": ACTIVE_STATUSES,
        "failed": FAILED_STATUSES,
    }
)

_CANCEL = frozenset({S.CANCELLATION_REQUESTED, S.CANCELLED})
# Successors of each status, with QUEUED split by whether validation has passed.
_FRESH_QUEUED_NEXT = frozenset({S.VALIDATING}) | _CANCEL
_REQUEUED_NEXT = frozenset({S.STARTED, S.RUNNING}) | _CANCEL
_NEXT: Mapping[ClassifierJobOutStatus, frozenset[ClassifierJobOutStatus]] = {
    S.VALIDATING: frozenset({S.VALIDATED, S.FAILED_VALIDATION}) | _CANCEL,
    S.VALIDATED: frozenset({S.QUEUED}) | _CANCEL,
    S.STARTED: frozenset({S.RUNNING}) | _CANCEL,
    S.RUNNING: frozenset({S.SUCCESS, S.FAILED, S.CANCELLATION_REQUESTED}),
    S.CANCELLATION_REQUESTED: frozenset({S.CANCELLED}),
    **{status: frozenset() for status in TERMINAL_STATUSES},
}

#: Every status a job may move to from each status (``QUEUED`` merges its two places).
TRANSITIONS: Mapping[ClassifierJobOutStatus, frozenset[ClassifierJobOutStatus]] = MappingProxyType(
    {S.QUEUED: _FRESH_QUEUED_NEXT | _REQUEUED_NEXT, **_NEXT}
)

# What a status alone tells of a job's past (QUEUED and the cancellations tell nothing).
_RAN_STATUSES = frozenset({S.RUNNING, S.SUCCESS, S.FAILED})
_STARTED_STATUSES = _RAN_STATUSES | {S.STARTED}
_VALIDATED_STATUSES = _STARTED_STATUSES | {S.VALIDATED}


class IllegalTransitionError(ValueError):
    """A status change that the transition graph does not allow; the message says why."""


@attrs.frozen
class Progress:
    """Where a job is in its life: its status and what it has been through.

    >>> p = Progress().advance("VALIDATING").advance("VALIDATED").advance("QUEUED")
    >>> p.requeued, sorted(map(str, p.next_statuses()))
    (True, ['CANCELLATION_REQUESTED', 'CANCELLED', 'RUNNING', 'STARTED'])
    """

    #: The current status; a new job starts ``QUEUED``.
    status: ClassifierJobOutStatus = attrs.field(default=S.QUEUED, converter=parse_status)
    #: Validation has passed (``VALIDATED`` was reached). By default, what the status implies.
    validated: bool = attrs.field(
        default=attrs.Factory(lambda self: self.status in _VALIDATED_STATUSES, takes_self=True)
    )
    #: Training was queued after validation (by ``start`` or ``auto_start``).
    started: bool = attrs.field(
        default=attrs.Factory(
            lambda self: (
                self.status in _STARTED_STATUSES or (self.status is S.QUEUED and self.validated)
            ),
            takes_self=True,
        )
    )
    #: Training has run (``RUNNING`` was reached).
    ran: bool = attrs.field(
        default=attrs.Factory(lambda self: self.status in _RAN_STATUSES, takes_self=True)
    )

    @property
    def requeued(self) -> bool:
        """``QUEUED`` for training, after validation (``start`` or ``auto_start``)."""
        return self.status is S.QUEUED and self.validated

    def next_statuses(self) -> frozenset[ClassifierJobOutStatus]:
        """Return the statuses this job may move to next."""
        if self.status is S.QUEUED:
            return _REQUEUED_NEXT if self.validated else _FRESH_QUEUED_NEXT
        return _NEXT[self.status]

    def advance(self, status: ClassifierJobOutStatus | str) -> Progress:
        """Move to ``status``; raise :class:`IllegalTransitionError` if it is not allowed."""
        new = parse_status(status)
        allowed = self.next_statuses()
        if new not in allowed:
            where = "re-queued " if self.requeued else ""
            choices = ", ".join(sorted(s.value for s in allowed)) or "none: it is terminal"
            raise IllegalTransitionError(
                f"a {where}{self.status.value} job cannot move to {new.value}; "
                f"allowed next: {choices}"
            )
        return Progress(
            status=new,
            validated=self.validated or new is S.VALIDATED,
            started=self.started or (new is S.QUEUED and self.validated),
            ran=self.ran or new is S.RUNNING,
        )

    def walk(self, statuses: Iterable[ClassifierJobOutStatus | str]) -> Progress:
        """Move through each of ``statuses`` in turn."""
        progress = self
        for status in statuses:
            progress = progress.advance(status)
        return progress


# --- ranges ----------------------------------------------------------------------------------


@attrs.frozen
class Bound:
    """The numbers a field may hold: from ``low`` (excluded when ``open``) up to ``high``.

    >>> 0 in Bound(0.0, 1.0), 0 in Bound(0, open=True), str(Bound(1)), str(Bound(0.0, 1.0))
    (True, False, '>= 1', 'in [0.0, 1.0]')
    """

    #: The lowest value allowed (or the value everything must be above, when ``open``).
    low: float
    #: The highest value allowed; ``None``: no upper bound.
    high: float | None = None
    #: Whether ``low`` itself is excluded.
    open: bool = False

    def __contains__(self, value: float) -> bool:
        above = value > self.low if self.open else value >= self.low
        return above and (self.high is None or value <= self.high)

    def __str__(self) -> str:
        if self.high is not None:
            return f"in [{self.low}, {self.high}]"
        return f"{'>' if self.open else '>='} {self.low}"

    def violation(self, path: str, value: float) -> str:
        """How :func:`coherence_violations` reports ``value`` at ``path`` outside this range."""
        if self.high is not None:
            return f"{path} {value} is outside [{self.low}, {self.high}]"
        return f"{path} {value} is {'not above' if self.open else 'below'} {self.low}"


_COUNT = Bound(0)
_NON_NEGATIVE = Bound(0.0)

#: The range of every number field of the response models that has one, by model and field:
#: the contract's bounds on the hyperparameters (documented), and zero or more for counts,
#: durations, costs, losses and weights (chosen: see the module docstring). ``None`` is outside
#: any range's business: whether a field may be null is the status's.
BOUNDS: Mapping[type[Any], Mapping[str, Bound]] = MappingProxyType(
    {
        ClassifierTrainingParameters: MappingProxyType(
            {
                "learning_rate": Bound(1e-8, 1.0),
                "weight_decay": Bound(0.0, 1.0),
                "warmup_fraction": Bound(0.0, 1.0),
                "training_steps": Bound(1),
                "epochs": Bound(0, open=True),
                "seq_len": Bound(100),
            }
        ),
        ClassifierJobOut: MappingProxyType({"trained_tokens": _COUNT}),
        JobMetadataOut: MappingProxyType(
            {
                "expected_duration_seconds": _COUNT,
                "cost": _NON_NEGATIVE,
                "train_tokens_per_step": _COUNT,
                "train_tokens": _COUNT,
                "data_tokens": _COUNT,
            }
        ),
        MetricOut: MappingProxyType(
            {
                "train_loss": _NON_NEGATIVE,
                "valid_loss": _NON_NEGATIVE,
                # Observed above 1 (1.000433): no upper bound.
                "valid_mean_token_accuracy": _NON_NEGATIVE,
            }
        ),
        CheckpointOut: MappingProxyType({"step_number": Bound(1)}),
        ClassifierTargetOut: MappingProxyType({"weight": _NON_NEGATIVE}),
    }
)


def _out_of_bounds(
    instance: object,
    model: type[Any],
    path: str,
    problems: list[str],
    *,
    checked_elsewhere: frozenset[str] = frozenset(),
) -> None:
    """Report each field that ``BOUNDS[model]`` bounds and ``instance`` holds outside its range.

    ``checked_elsewhere`` are fields a rule of the status reports in its own words.
    """
    for name, bound in BOUNDS[model].items():
        value = getattr(instance, name)
        if name not in checked_elsewhere and value is not None and value not in bound:
            problems.append(bound.violation(f"{path}{name}", value))


# --- coherence -------------------------------------------------------------------------------

STATUS_UPDATED = "status-updated"
_UNVALIDATED_STATUSES = frozenset({S.VALIDATING, S.FAILED_VALIDATION})
_CANCEL_STATUSES = frozenset({S.CANCELLED, S.CANCELLATION_REQUESTED})
_FINE_TUNED_MODEL = re.compile(
    r"ft:classifier:(?P<model>.+):[0-9a-f]{8}:(?P<date>\d{8}):(?P<job>[0-9a-zA-Z-]{1,8})"
)


def coherence_violations(job: ClassifierJobOut) -> list[str]:
    """List every way ``job`` contradicts the rules of this module; ``[]`` for a coherent job.

    Factories build coherent jobs unless an override says otherwise, and so this is how a test
    (or the fake) finds out which fields an override made inconsistent.
    """
    problems: list[str] = []
    if isinstance(job, ClassifierDetailedJobOut):
        progress = _check_history(job, problems)
    else:
        progress = _guess_progress(job)
    if job.modified_at < job.created_at:
        problems.append("modified_at is before created_at")
    if not job.training_files:
        problems.append("training_files is empty; the server requires at least one")
    _check_outcome(job, problems)
    _check_hyperparameters(job, progress, problems)
    _check_metadata(job, progress, problems)
    _check_integrations(job, progress, problems)
    return problems


def _guess_progress(job: ClassifierJobOut) -> Progress:
    """Tell from the status, then the metadata and integrations, where a job without history is."""
    ran = job.status in _RAN_STATUSES or (
        # Cancelled before or after training? Only the integrations' run URL can tell.
        job.status in _CANCEL_STATUSES and any(i.url for i in job.integrations or ())
    )
    metadata = job.metadata
    if ran or job.status in _VALIDATED_STATUSES:
        validated = True
    elif job.status in _UNVALIDATED_STATUSES:
        validated = False
    else:
        validated = metadata is not None and metadata.expected_duration_seconds is not None
    started = (
        ran
        or job.status in _STARTED_STATUSES
        # A validated job is QUEUED again only because training was queued.
        or (validated and job.status == S.QUEUED)
        or (validated and metadata is not None and metadata.estimated_start_time is not None)
    )
    return Progress(status=job.status, validated=validated, started=started, ran=ran)


def progress_of(job: ClassifierJobOut) -> Progress:
    """Where ``job`` is in its life: read from its events, or guessed when it has none.

    A detailed job's ``status-updated`` events tell its path (with the silent re-queue put
    back). A short job, or one whose history is broken, is judged by its status, then its
    metadata and integrations (see the module docstring). The status is always the job's own.
    """
    if isinstance(job, ClassifierDetailedJobOut):
        return _progress_from_events(job, _history(job), [])
    return _guess_progress(job)


def _history(job: ClassifierDetailedJobOut) -> list[str]:
    return [
        str((event.data or {}).get("status"))
        for event in job.events
        if event.name == STATUS_UPDATED
    ]


def _check_history(job: ClassifierDetailedJobOut, problems: list[str]) -> Progress:
    for index, event in enumerate(job.events):
        if not job.created_at <= event.created_at <= job.modified_at:
            problems.append(f"events[{index}].created_at is outside [created_at, modified_at]")
        if index and event.created_at < job.events[index - 1].created_at:
            problems.append(f"events[{index}] is older than the event before it")
    progress = _progress_from_events(job, _history(job), problems)
    for index, target in enumerate(job.classifier_targets):
        _out_of_bounds(target, ClassifierTargetOut, f"classifier_targets[{index}].", problems)
    if progress.validated != bool(job.classifier_targets):
        state = "validated" if progress.validated else "not validated yet"
        want = "non-empty" if progress.validated else "[]"
        problems.append(f"classifier_targets should be {want}: the job is {state}")
    _check_checkpoints(job, progress, problems)
    return progress


def _progress_from_events(
    job: ClassifierDetailedJobOut, statuses: list[str], problems: list[str]
) -> Progress:
    status = job.status
    if not statuses or statuses[0] != S.QUEUED:
        problems.append("events do not start with a status-updated event to QUEUED")
        return _guess_progress(job)
    progress = Progress()
    for step in statuses[1:]:
        # The re-queue after validation is silent: put it back before the steps that need it.
        if progress.status is S.VALIDATED and step in {S.STARTED, S.RUNNING}:
            progress = progress.advance(S.QUEUED)
        try:
            progress = progress.advance(step)
        except ValueError as error:
            problems.append(f"events are not a legal path: {error}")
            return _guess_progress(job)
    if progress.status is S.VALIDATED and status == S.QUEUED:
        progress = progress.advance(S.QUEUED)
    if progress.status != status:
        problems.append(
            f"the last status-updated event says {progress.status.value}, "
            f"but status is {status.value}"
        )
    return attrs.evolve(progress, status=status)


def _check_checkpoints(
    job: ClassifierDetailedJobOut, progress: Progress, problems: list[str]
) -> None:
    checkpoints = job.checkpoints
    if not progress.ran:
        if checkpoints:
            problems.append("checkpoints exist although the job never ran")
        return
    steps = job.hyperparameters.training_steps
    for index, checkpoint in enumerate(checkpoints):
        if not job.created_at <= checkpoint.created_at <= job.modified_at:
            problems.append(f"checkpoints[{index}].created_at is outside [created_at, modified_at]")
        _out_of_bounds(checkpoint.metrics, MetricOut, f"checkpoints[{index}].metrics.", problems)
        if checkpoint.step_number < 1 or (steps is not None and checkpoint.step_number > steps):
            problems.append(
                f"checkpoints[{index}].step_number {checkpoint.step_number} "
                f"is outside [1, training_steps={steps}]"
            )
    for index in range(1, len(checkpoints)):
        newer, older = checkpoints[index - 1], checkpoints[index]
        if newer.step_number <= older.step_number or newer.created_at < older.created_at:
            problems.append(f"checkpoints[{index}] is not older than checkpoints[{index - 1}]")
    if [c.step_number for c in checkpoints] != list(range(len(checkpoints), 0, -1)):
        problems.append("checkpoints are not one per step, from the newest step down to 1")
    if (
        job.status == S.SUCCESS
        and steps is not None
        and (not checkpoints or checkpoints[0].step_number != steps)
    ):
        problems.append("a successful job's newest checkpoint is not its last training step")


def _check_outcome(job: ClassifierJobOut, problems: list[str]) -> None:
    succeeded = job.status == S.SUCCESS
    if succeeded != (job.fine_tuned_model is not None):
        problems.append(
            "fine_tuned_model must be set at SUCCESS"
            if succeeded
            else f"fine_tuned_model must be null when the status is {job.status.value}"
        )
    if succeeded != (job.trained_tokens is not None):
        problems.append(
            "trained_tokens must be set at SUCCESS"
            if succeeded
            else f"trained_tokens must be null when the status is {job.status.value}"
        )
    if job.fine_tuned_model is not None:
        _check_fine_tuned_model(job, job.fine_tuned_model, problems)
    _out_of_bounds(job, ClassifierJobOut, "", problems)


def _check_fine_tuned_model(job: ClassifierJobOut, name: str, problems: list[str]) -> None:
    match = _FINE_TUNED_MODEL.fullmatch(name)
    expected_date = datetime.datetime.fromtimestamp(job.created_at, datetime.timezone.utc)
    if (
        match is None
        or match["model"] != job.model
        or match["job"] != job.id[:8]
        or match["date"] != expected_date.strftime("%Y%m%d")
    ):
        problems.append(
            f"fine_tuned_model {name!r} is not "
            f"'ft:classifier:{job.model}:<8 hex>:{expected_date:%Y%m%d}:{job.id[:8]}'"
        )


def _check_hyperparameters(job: ClassifierJobOut, progress: Progress, problems: list[str]) -> None:
    hp = job.hyperparameters
    _out_of_bounds(
        hp,
        ClassifierTrainingParameters,
        "hyperparameters.",
        problems,
        checked_elsewhere=_HYPERPARAMETERS_OF_THE_STATUS,
    )
    if hp.seq_len is None or hp.seq_len not in _SEQ_LEN:
        problems.append(f"hyperparameters.seq_len {hp.seq_len} is not an integer >= 100")
    epochs = BOUNDS[ClassifierTrainingParameters]["epochs"]
    if progress.validated and (hp.epochs is None or hp.epochs not in epochs):
        problems.append("hyperparameters.epochs must be positive once the job is validated")
    if not progress.validated and hp.epochs is not None and hp.epochs not in epochs:
        # Asked for instead of steps: the contract still wants them positive.
        problems.append(epochs.violation("hyperparameters.epochs", hp.epochs))
    if not progress.validated and hp.epochs is not None and hp.training_steps is not None:
        problems.append(
            "hyperparameters.epochs must be null before validation, unless the job was asked "
            "for epochs instead of training_steps"
        )


# Checked by rules that also say what the status needs (set, null), in those rules' words.
_HYPERPARAMETERS_OF_THE_STATUS = frozenset({"seq_len", "epochs"})
_SEQ_LEN = BOUNDS[ClassifierTrainingParameters]["seq_len"]

_ESTIMATE_FIELDS = (
    "expected_duration_seconds",
    "cost_currency",
    "train_tokens_per_step",
    "train_tokens",
    "data_tokens",
)


def _check_metadata(job: ClassifierJobOut, progress: Progress, problems: list[str]) -> None:
    metadata = job.metadata
    if metadata is None:
        problems.append("metadata is null; the server always sends it")
        return
    if progress.validated:
        missing = [name for name in _ESTIMATE_FIELDS if getattr(metadata, name) is None]
        if missing:
            problems.append(f"metadata lacks {', '.join(missing)} although the job is validated")
        if metadata.cost is None or metadata.cost <= 0:
            problems.append("metadata.cost must be positive once the job is validated")
    else:
        present = [name for name in _ESTIMATE_FIELDS if getattr(metadata, name) is not None]
        if present or metadata.cost != 0.0:
            problems.append("metadata must be {cost: 0.0} with nothing else before validation")
    if not progress.validated and metadata.estimated_start_time is not None:
        problems.append("metadata.estimated_start_time must be null before validation")
    # cost is positive once validated and 0.0 before (above): no range of its own to report.
    _out_of_bounds(
        metadata, JobMetadataOut, "metadata.", problems, checked_elsewhere=frozenset({"cost"})
    )


def _check_integrations(job: ClassifierJobOut, progress: Progress, problems: list[str]) -> None:
    for index, integration in enumerate(job.integrations or ()):
        if not progress.ran and integration.url is not None:
            problems.append(f"integrations[{index}].url is set although the job never ran")
        if job.status == S.SUCCESS and integration.url is None:
            problems.append(f"integrations[{index}].url must be the W&B run URL at SUCCESS")
