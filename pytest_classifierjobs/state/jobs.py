"""The jobs of one fake and how they move, with no HTTP in sight.

:class:`JobStore` answers the five operations on plain values (the handler in
:mod:`pytest_classifierjobs.api.jobs` turns them into responses) and gives tests their
handles on the jobs (add, set a status, script a sequence). Every method holds one re-entrant
lock, so threads and ``asyncio.gather`` see each operation happen whole.

How jobs move (DESIGN section 4; the rules themselves are in ``lifecycle.py``):

* A job created through the API has a *plan*, the path to the configured outcome:
  ``QUEUED -> VALIDATING -> VALIDATED``, a wait for ``start`` unless ``auto_start``, then
  ``QUEUED -> RUNNING -> SUCCESS`` (or ``FAILED``; ``FAILED_VALIDATION`` ends at validation;
  ``CANCELLED`` goes through ``CANCELLATION_REQUESTED`` while running). With
  ``progression="per_get"`` each GET of the job takes one step of its plan; with ``"manual"``
  only :meth:`JobStore.advance` does; with ``"time"`` each step happens when its time on the
  clock has come, after a dwell drawn from :class:`~pytest_classifierjobs.timeline.Timings`
  (every read of the store first catches the jobs up with the clock).
* Every step carries the moment the clock gives it: the GET's (or ``advance``'s) under
  ``per_get`` and ``manual``, the moment it was due under ``"time"``; never earlier than the
  job's last change, so that events stay ordered when a test moves the clock back.
* A job a test added has no plan: it stays where the test put it until the code under test
  starts or cancels it through the API, which gives it one.
* ``start`` re-queues a ``VALIDATED`` job at once (the response says ``QUEUED``), then training
  follows the plan. ``cancel`` cancels a job that is not running at once; a ``STARTED`` or
  ``RUNNING`` job answers ``CANCELLATION_REQUESTED`` and reaches ``CANCELLED`` on the next GET
  (chosen; the contract leaves both open).
* A script (:meth:`JobStore.script`) replaces the plan: each GET takes its next status, and the
  job stays at the last one. Scripts move on GETs in every progression mode, because a test
  asked for them; a pending cancellation moves on the next GET under ``per_get`` and
  ``manual``, and when its time has come under ``"time"``.
* At ``VALIDATED`` a job created through the API reads its files from the
  :class:`~pytest_classifierjobs.state.files.FileStore` (:mod:`pytest_classifierjobs
  .training_data`): its ``classifier_targets`` and ``data_tokens`` come from the data, and data
  that cannot train a classifier (or a deleted file) makes the step ``FAILED_VALIDATION``
  instead, with the reason in the event's ``data["error"]``. A job naming a file that was never
  uploaded here is opaque: its targets and size are drawn, as for a job a test added. A scripted
  ``VALIDATED`` reads the data too but cannot fail.
* A job in ``SUCCESS`` (whether it got there by its plan, a script, ``set_status``, or was put
  there) makes its ``fine_tuned_model`` in the :class:`~pytest_classifierjobs.state.models
  .ModelStore`, once.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from random import Random
from types import MappingProxyType
from typing import Literal

import attrs

from pytest_classifierjobs.clock import Clock
from pytest_classifierjobs.hints import unknown_name
from pytest_classifierjobs.lifecycle import TERMINAL_STATUSES, Progress, progress_of
from pytest_classifierjobs.models import (
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    JobIn,
    JobsOut,
    LegacyJobMetadataOut,
    WandbIntegrationOut,
    parse_status,
)
from pytest_classifierjobs.progression import (
    DATA_TOKENS,
    SEQ_LEN,
    fresh_job,
    new_uuid,
    start_estimate,
    take_step,
    train_until,
    validated_plan,
)
from pytest_classifierjobs.state import page_of
from pytest_classifierjobs.state.index import Key, NewestFirst
from pytest_classifierjobs.timeline import Timings, dwell
from pytest_classifierjobs.training_data import (
    InvalidTrainingData,
    TrainingData,
    read_training_data,
)

from .files import FileStore
from .models import ModelStore

__all__ = [
    "OUTCOMES",
    "PROGRESSIONS",
    "JobConflictError",
    "JobNotFoundError",
    "JobStore",
    "ListQuery",
    "matches",
]

S = ClassifierJobOutStatus
Progression = Literal["per_get", "manual", "time"]
#: The values of the ``progression`` option.
PROGRESSIONS: tuple[Progression, ...] = ("per_get", "manual", "time")
#: The terminal statuses a created job can be planned to reach (the ``outcome`` option).
OUTCOMES: tuple[ClassifierJobOutStatus, ...] = (
    S.SUCCESS,
    S.FAILED,
    S.FAILED_VALIDATION,
    S.CANCELLED,
)

_VALIDATION = (S.VALIDATING, S.VALIDATED)
_TRAINING = (S.QUEUED, S.RUNNING)
_RUNNING = frozenset({S.STARTED, S.RUNNING})


class JobNotFoundError(LookupError):
    """No stored job has this id."""


class JobConflictError(Exception):
    """The operation is not allowed in the job's current status; ``detail`` says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@attrs.frozen(kw_only=True)
class ListQuery:
    """The query of a list request, read and checked (``validation.py``); the spec's defaults."""

    #: Zero-based page number.
    page: int = 0
    #: Jobs per page.
    page_size: int = 100
    #: Only jobs of this base model.
    model: str | None = None
    #: Only jobs created at or after this moment, in Unix seconds.
    created_after: int | None = None
    #: Only jobs created at or before this moment, in Unix seconds.
    created_before: int | None = None
    #: Only jobs created by the caller (every job of the fake is).
    created_by_me: bool = False
    #: Only jobs in this status.
    status: ClassifierJobOutStatus | None = None
    #: Only jobs with a W&B integration in this project.
    wandb_project: str | None = None
    #: Only jobs with a W&B integration of this run name.
    wandb_name: str | None = None
    #: Only jobs with this suffix.
    suffix: str | None = None


def matches(query: ListQuery, job: ClassifierJobOut) -> bool:
    """Whether ``job`` passes every filter of a list query that is set."""
    integrations = job.integrations or ()
    # Every job of the fake belongs to the caller, so created_by_me filters nothing.
    return (
        (query.model is None or job.model == query.model)
        # The real server's bounds are undocumented; inclusive bounds are chosen.
        and (query.created_after is None or job.created_at >= query.created_after)
        and (query.created_before is None or job.created_at <= query.created_before)
        and (query.status is None or job.status == query.status)
        and (query.suffix is None or job.suffix == query.suffix)
        and (
            query.wandb_project is None
            or any(i.project == query.wandb_project for i in integrations)
        )
        and (query.wandb_name is None or any(i.name == query.wandb_name for i in integrations))
    )


@attrs.define
class _Entry:
    job: ClassifierDetailedJobOut
    progress: Progress
    order: int
    #: The job's key in the list's index, as it was indexed (see ``JobStore._indexed``).
    key: Key = attrs.field()
    plan: deque[ClassifierJobOutStatus] = attrs.Factory(deque)
    scripted: bool = False
    targets: list[ClassifierTargetOut] | None = None
    data_tokens: int | None = None
    #: The create request, for reading the job's files at validation (None: a job a test added).
    request: JobIn | None = None
    #: Under ``progression="time"``: the moment the next step of the plan happens.
    due: float | None = None

    @key.default
    def _key(self) -> Key:
        return (self.job.created_at, self.order, self.job.id)


class JobStore:
    """The jobs of one fake API, and the rules that move them.

    ``rng`` draws every id and value, so a seeded ``Random`` gives the same jobs every run.
    ``clock`` dates what happens to the jobs (the wall clock by default; share it with the
    files and models); ``timings`` are the dwell times of ``progression="time"``. ``files`` is
    where jobs read their training data (none: every job's data is opaque); ``models`` is where
    a job that succeeds puts its model (none: nowhere).
    """

    def __init__(
        self,
        *,
        rng: Random,
        progression: Progression = "per_get",
        outcome: ClassifierJobOutStatus | str = S.SUCCESS,
        clock: Clock | None = None,
        files: FileStore | None = None,
        models: ModelStore | None = None,
        timings: Timings | None = None,
    ) -> None:
        if progression not in PROGRESSIONS:
            raise ValueError(unknown_name("progression", progression, PROGRESSIONS))
        parsed_outcome = parse_status(outcome)
        if parsed_outcome not in OUTCOMES:
            raise ValueError(unknown_name("outcome", parsed_outcome, [s.value for s in OUTCOMES]))
        self._rng = rng
        self.progression: Progression = progression
        self.outcome = parsed_outcome
        self.clock = clock or Clock()
        self.timings = timings or Timings()
        self.files = files
        self._models: ModelStore | None = None
        self.models = models
        self._account = f"{rng.getrandbits(32):08x}"
        self._data_salt = rng.getrandbits(64)
        self._entries: dict[str, _Entry] = {}
        # Ties in created_at list in the order jobs were stored; a replaced job counts as new.
        self._order = itertools.count()
        # What the list answers from, kept as jobs are written (state/index.py).
        self._index = NewestFirst()
        # Under time progression, the jobs that have a step due (ids, with their place among
        # the stored jobs): a read catches up these, not every job stored.
        self._moving: dict[str, None] = {}
        self._places: dict[str, int] = {}
        self._lock = threading.RLock()

    # --- what the tests see and do ------------------------------------------------------------

    @property
    def models(self) -> ModelStore | None:
        """Where a job that succeeds puts its model; it catches the jobs up before its reads."""
        return self._models

    @models.setter
    def models(self, store: ModelStore | None) -> None:
        self._models = store
        if store is not None:
            store.before_read = self.catch_up

    def catch_up(self) -> None:
        """Take every step whose time has come (time progression; nothing otherwise)."""
        if self.progression != "time":
            return  # every read of the models asks: no lock for the modes without a clock
        with self._lock:
            self._catch_up_all()

    @property
    def jobs(self) -> Mapping[str, ClassifierDetailedJobOut]:
        """A read-only snapshot of the stored jobs by id, in the order they were stored."""
        with self._lock:
            self._catch_up_all()
            return MappingProxyType({job_id: e.job for job_id, e in self._entries.items()})

    def job(self, job_id: str) -> ClassifierDetailedJobOut:
        """The stored job ``job_id`` as it is now; :class:`JobNotFoundError` if there is none."""
        with self._lock:
            self._catch_up_all()
            return self._entry(job_id).job

    def put(self, job: ClassifierDetailedJobOut) -> ClassifierDetailedJobOut:
        """Store ``job`` (replacing one with the same id); it stays in its status."""
        with self._lock:
            self._store(_Entry(job=job, progress=progress_of(job), order=next(self._order)))
            self._made(job)
            return job

    def put_many(
        self, jobs: Iterable[tuple[ClassifierDetailedJobOut, Progress]]
    ) -> list[ClassifierDetailedJobOut]:
        """Store many jobs at once, each with where it is in its life; none moves by itself.

        As :meth:`put` for each, with the list's index updated once for all of them. A job
        whose id is stored already replaces it, as :meth:`put` would.
        """
        stored = []
        with self._lock:
            fresh = []
            for job, progress in jobs:
                entry = _Entry(job=job, progress=progress, order=next(self._order))
                if job.id in self._entries:
                    self._store(entry)
                else:
                    self._places.setdefault(job.id, len(self._places))
                    self._entries[job.id] = entry
                    fresh.append((entry.key, job.status))
                self._made(job)
                stored.append(job)
            self._index.add_many(fresh)
        return stored

    def set_status(
        self, job_id: str, status: ClassifierJobOutStatus | str, job: ClassifierDetailedJobOut
    ) -> ClassifierDetailedJobOut:
        """Replace the job by ``job`` (built by the caller in ``status``) and drop its plan."""
        parse_status(status)
        with self._lock:
            entry = self._entry(job_id)
            before = entry.job.status
            entry.job = job
            self._indexed(entry, before)
            entry.progress = progress_of(job)
            entry.plan.clear()
            entry.scripted = False
            self._made(job)
            return job

    def script(self, job_id: str, statuses: Iterable[ClassifierJobOutStatus | str]) -> None:
        """Make the next GETs of the job walk ``statuses``; checked against the graph now."""
        steps = [parse_status(status) for status in statuses]
        if not steps:
            raise ValueError("script() needs at least one status")
        with self._lock:
            entry = self._entry(job_id)
            entry.progress.walk(steps)  # raises IllegalTransitionError, with the reason
            entry.plan = deque(steps)
            entry.scripted = True

    def advance(self, job_id: str, steps: int = 1) -> ClassifierDetailedJobOut:
        """Take up to ``steps`` steps of the job's plan now, whatever the progression mode.

        A plan that ends sooner stops the job where it ends. A job with no step left to take
        (final, waiting for ``start``, or with no plan: stored by a test, put in a status, at
        the end of its script) is a ``ValueError`` that says why and what moves it instead.
        """
        if isinstance(steps, bool) or not isinstance(steps, int):
            raise TypeError(f"steps must be a whole number of steps (an int), not {steps!r}")
        if steps < 1:
            raise ValueError(f"steps must be a positive number, not {steps!r}")
        with self._lock:
            entry = self._entry(job_id)
            self._catch_up(entry)
            if not entry.plan:
                # Silently returning the job would let a test wait for a move that never comes.
                status = entry.progress.status
                if status in TERMINAL_STATUSES:
                    why = "which is final"
                    instead = "set_status(job_id, status) puts it in another status"
                else:
                    why = (
                        "and waits for start (jobs.start() in the SDK)"
                        if status is S.VALIDATED
                        else "and has no plan (a job stored by a test, put in a status by "
                        "set_status() or at the end of its script stays where it is until the "
                        "code under test starts or cancels it)"
                    )
                    allowed = ", ".join(sorted(s.value for s in entry.progress.next_statuses()))
                    instead = (
                        f"script(job_id, [...]) gives it steps to take (next: {allowed}); "
                        "set_status(job_id, status) puts it in any status"
                    )
                raise ValueError(
                    f"job {job_id} cannot advance: it is {status.value}, {why}; {instead}"
                )
            for _ in range(steps):
                if not entry.plan:
                    break
                self._step(entry)
            return entry.job

    # --- the five operations ------------------------------------------------------------------

    def list_jobs(self, query: ListQuery) -> JobsOut:
        """One page of the jobs that match ``query``, newest first."""
        # The page is read first: nothing read from the query once the jobs are found can move
        # them before the page is taken.
        page_number, page_size = query.page, query.page_size
        with self._lock:
            self._catch_up_all()
            keys, low, high = self._index.window(
                query.status, query.created_after, query.created_before
            )
            entries = self._entries
            if _indexed_only(query, page_number, page_size):
                # The window is the answer: its size is the total, the page a slice of it.
                total = high - low
                stop = high - page_number * page_size  # newest first: pages count down
                start = max(low, stop - page_size)
                # Past the last page, nothing (a negative stop would count from the end).
                window = keys[start:stop] if stop > low else []
                page = [entries[key[2]].job for key in reversed(window)]
            else:
                found = [
                    job
                    for job in (entries[key[2]].job for key in reversed(keys[low:high]))
                    if matches(query, job)
                ]
                total, page = len(found), list(page_of(found, page_number, page_size))
        return JobsOut(total=total, data=[job.summary() for job in page])

    def create_job(self, request: JobIn) -> ClassifierJobOut:
        """Store a new job from a valid request; it starts ``QUEUED`` with a plan."""
        with self._lock:
            rng = self._rng
            moment = self.clock.time()
            job = fresh_job(
                id=new_uuid(rng),
                model=request.model,
                auto_start=bool(request.auto_start),
                created_at=math.floor(moment),
                training_files=[f.file_id for f in request.training_files],
                validation_files=list(request.validation_files or []),
                suffix=request.suffix,
                integrations=(
                    None
                    if request.integrations is None
                    # echoed without the API key, with no run yet (observed)
                    else [
                        WandbIntegrationOut(project=i.project, name=i.name, run_name=i.run_name)
                        for i in request.integrations
                    ]
                ),
                hyperparameters=_server_defaults(request),
            )
            entry = _Entry(job=job, progress=Progress(), order=next(self._order))
            entry.targets = _requested_targets(request)
            entry.data_tokens = self._data_tokens(request)
            entry.request = request
            entry.plan = deque(self._plan_from_creation(job.auto_start))
            self._store(entry)
            self._schedule(entry, moment, self._wait(entry, S.QUEUED))
            return job.summary()

    def estimate(self, request: JobIn, *, details: str) -> LegacyJobMetadataOut:
        """What validation would estimate for ``request``, with nothing stored (a dry run)."""
        try:
            data = self._read_data(request)
        except InvalidTrainingData:
            data = None  # the estimate of a job that will fail validation: its size is drawn
        with self._lock:
            data_tokens = self._data_tokens(request) if data is None else data.data_tokens
            hp, metadata = validated_plan(self._rng, _server_defaults(request), data_tokens)
        return LegacyJobMetadataOut(
            details=details,
            expected_duration_seconds=metadata.expected_duration_seconds,
            cost=metadata.cost,
            cost_currency=metadata.cost_currency,
            train_tokens_per_step=metadata.train_tokens_per_step,
            train_tokens=metadata.train_tokens,
            data_tokens=metadata.data_tokens,
            epochs=hp.epochs,
            training_steps=hp.training_steps,
        )

    def get_job(self, job_id: str) -> ClassifierDetailedJobOut:
        """The job, after the step a GET takes (see the module docstring)."""
        with self._lock:
            entry = self._entry(job_id)
            self._catch_up(entry)
            if entry.plan and (
                entry.scripted
                or self.progression == "per_get"
                or (
                    self.progression == "manual"
                    and entry.progress.status is S.CANCELLATION_REQUESTED
                )
            ):
                self._step(entry)
            return entry.job

    def start_job(self, job_id: str) -> ClassifierDetailedJobOut:
        """Re-queue a ``VALIDATED`` job for training; 409 for any other status."""
        with self._lock:
            entry = self._entry(job_id)
            self._catch_up(entry)
            status = entry.progress.status
            if status is not S.VALIDATED:
                raise JobConflictError(
                    f"Job {job_id} cannot be started: its status is {status.value}; "
                    "only a VALIDATED job can be started."
                )
            entry.scripted = False
            entry.plan = deque(self._plan_of_training())
            self._step(entry)
            return entry.job

    def cancel_job(self, job_id: str) -> ClassifierDetailedJobOut:
        """Cancel the job: at once, or through ``CANCELLATION_REQUESTED`` if it is running."""
        with self._lock:
            entry = self._entry(job_id)
            self._catch_up(entry)
            status = entry.progress.status
            if status in TERMINAL_STATUSES:
                raise JobConflictError(
                    f"Job {job_id} cannot be cancelled: its status is {status.value}, "
                    "which is final."
                )
            entry.scripted = False
            if status is S.CANCELLATION_REQUESTED:
                # Asked again (or asked of a job a test put there): it ends on the next GET, or
                # after the cancelling dwell under time progression.
                entry.plan = deque([S.CANCELLED])
                self._schedule(entry, self.clock.time(), self._wait(entry, status))
                return entry.job
            if status in _RUNNING:
                entry.plan = deque([S.CANCELLATION_REQUESTED, S.CANCELLED])
            else:
                entry.plan = deque([S.CANCELLED])
            self._step(entry)
            return entry.job

    # --- internals ----------------------------------------------------------------------------

    def _entry(self, job_id: str) -> _Entry:
        entry = self._entries.get(job_id)
        if entry is None:
            raise JobNotFoundError(job_id)
        return entry

    def _store(self, entry: _Entry) -> None:
        """Store ``entry``, in place of the job with its id if there is one; index it."""
        job_id = entry.job.id
        replaced = self._entries.get(job_id)
        if replaced is not None:
            self._index.remove(replaced.key, replaced.job.status)
        self._places.setdefault(job_id, len(self._places))  # a replaced job keeps its place
        self._entries[job_id] = entry
        self._index.add(entry.key, entry.job.status)

    def _indexed(self, entry: _Entry, before: ClassifierJobOutStatus) -> None:
        """Keep the index in step with the entry's job, which was in ``before`` until now."""
        job = entry.job
        key = (job.created_at, entry.order, job.id)
        if key == entry.key:
            self._index.move(key, before, job.status)
        else:  # a new creation time: set_status() with a job built so
            self._index.remove(entry.key, before)
            entry.key = key
            self._index.add(key, job.status)

    def _timed(self, entry: _Entry) -> bool:
        """Whether the clock moves this job: time progression, and no script of a test's."""
        return self.progression == "time" and not entry.scripted

    def _wait(self, entry: _Entry, status: ClassifierJobOutStatus) -> float:
        """How long the job will stay in ``status`` before the next step of its plan.

        Drawn under time progression only (0 otherwise).
        """
        if not self._timed(entry) or not entry.plan:
            return 0.0
        return dwell(self.timings, self._rng, entry.job, status, entry.plan[0])

    def _schedule(self, entry: _Entry, moment: float, wait: float) -> None:
        """Under time progression, make the next step of the plan due ``wait`` after ``moment``."""
        entry.due = moment + wait if self._timed(entry) and entry.plan else None
        if entry.due is not None:
            self._moving[entry.job.id] = None

    def _catch_up(self, entry: _Entry) -> None:
        """Take every step whose time has come (time progression), each at its own moment."""
        if not self._timed(entry):
            return
        now = self.clock.time()
        while entry.plan and entry.due is not None and entry.due <= now:
            self._step(entry, at=entry.due)
        if entry.progress.status is S.RUNNING and entry.plan and entry.due is not None:
            # Training shows its progress: a checkpoint for each step done by now.
            succeeds = entry.plan[0] is S.SUCCESS
            entry.job = train_until(
                entry.job,
                self._rng,
                now=math.floor(now),
                finish=math.floor(entry.due) if succeeds else None,
            )

    def _catch_up_all(self) -> None:
        if self.progression != "time" or not self._moving:
            return
        # In the order the jobs were stored, as every job once was: the draws of one job's
        # steps come before the next one's, as they always have.
        for job_id in sorted(self._moving, key=self._places.__getitem__):
            entry = self._entries[job_id]
            self._catch_up(entry)
            if not entry.plan or entry.due is None:
                del self._moving[job_id]  # nothing due: until start, cancel or a new plan

    def _step(self, entry: _Entry, at: float | None = None) -> None:
        """Take the next step of the plan at ``at`` (now by default) and schedule the one after."""
        moment = self.clock.time() if at is None else at
        # Never before the job's last change: a clock moved back must not disorder the events.
        stamp = max(math.floor(moment), entry.job.modified_at)
        status = entry.plan.popleft()
        before = entry.job.status
        problem = None
        if status is S.VALIDATED and entry.request is not None:
            try:
                data = self._read_data(entry.request)
            except InvalidTrainingData as invalid:
                problem = str(invalid)
            else:
                if data is not None:
                    entry.targets, entry.data_tokens = data.targets, data.data_tokens
            if problem is not None and not entry.scripted:
                status = S.FAILED_VALIDATION
                entry.plan.clear()
        wait = self._wait(entry, status)
        estimated = None
        if status is S.QUEUED:  # the re-queue for training: its start may be estimated
            # Under time progression, the moment RUNNING will be stamped with (see _catch_up).
            starts = max(math.floor(moment + wait), stamp) if self._timed(entry) else None
            estimated = start_estimate(self._rng, stamp, starts)
        entry.job, entry.progress = take_step(
            entry.job,
            entry.progress,
            status,
            self._rng,
            targets=entry.targets,
            account=self._account,
            data_tokens=entry.data_tokens,
            at=stamp,
            estimated_start=estimated,
        )
        if status is S.FAILED_VALIDATION and problem is not None:
            *earlier, failed = entry.job.events
            event = attrs.evolve(failed, data={**(failed.data or {}), "error": problem})
            entry.job = attrs.evolve(entry.job, events=[*earlier, event])
        self._indexed(entry, before)
        if not entry.plan:
            entry.scripted = False
        self._schedule(entry, moment, wait)
        self._made(entry.job)

    def _made(self, job: ClassifierDetailedJobOut) -> None:
        """Record the model a job that succeeded made."""
        if self.models is not None and job.status is S.SUCCESS:
            self.models.record(job)

    def _read_data(self, request: JobIn) -> TrainingData | None:
        """What the request's files hold, or ``None`` when they are opaque to the fake."""
        if self.files is None:
            return None
        training = self.files.read([f.file_id for f in request.training_files])
        validation = self.files.read(list(request.validation_files or []))
        if training is None or validation is None:
            return None
        return read_training_data(
            training,
            validation,
            skip_share=request.invalid_sample_skip_percentage,
            requested=request.classifier_targets,
        )

    def _data_tokens(self, request: JobIn) -> int:
        """The size of the request's training data: the same files give the same size."""
        files = ",".join(sorted(f.file_id for f in request.training_files))
        return Random(f"{self._data_salt}:{files}").randint(*DATA_TOKENS)

    def _plan_from_creation(self, auto_start: bool) -> list[ClassifierJobOutStatus]:
        if self.outcome is S.FAILED_VALIDATION:
            return [S.VALIDATING, S.FAILED_VALIDATION]
        if not auto_start:
            return list(_VALIDATION)  # then waits for start()
        return [*_VALIDATION, *self._plan_of_training()]

    def _plan_of_training(self) -> list[ClassifierJobOutStatus]:
        """From a re-queued job to the outcome; validation is past, so it cannot fail it."""
        if self.outcome is S.FAILED:
            return [*_TRAINING, S.FAILED]
        if self.outcome is S.CANCELLED:
            return [*_TRAINING, S.CANCELLATION_REQUESTED, S.CANCELLED]
        return [*_TRAINING, S.SUCCESS]


def _indexed_only(query: ListQuery, page: int, page_size: int) -> bool:
    """Whether the index answers ``query`` alone: no filter it does not keep, a real page."""
    return (
        query.model is None
        and query.suffix is None
        and query.wandb_project is None
        and query.wandb_name is None
        and page >= 0
        and page_size > 0
    )


def _server_defaults(request: JobIn) -> ClassifierTrainingParameters:
    """The hyperparameters as the server echoes them at creation (observed defaults)."""
    hp = request.hyperparameters
    return ClassifierTrainingParameters(
        training_steps=hp.training_steps,
        learning_rate=hp.learning_rate,
        weight_decay=0.1 if hp.weight_decay is None else hp.weight_decay,
        warmup_fraction=0.05 if hp.warmup_fraction is None else hp.warmup_fraction,
        epochs=hp.epochs,
        seq_len=SEQ_LEN if hp.seq_len is None else hp.seq_len,
    )


def _requested_targets(request: JobIn) -> list[ClassifierTargetOut] | None:
    if not request.classifier_targets:
        return None
    return [
        ClassifierTargetOut(
            name=t.name,
            labels=list(t.labels),
            weight=t.weight,
            # The server's default is undocumented; multi-label data would say multi_class.
            loss_function=t.loss_function or "single_class",
        )
        for t in request.classifier_targets
    ]
