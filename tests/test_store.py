"""The fake's state: how JobStore creates, moves, lists, starts and cancels jobs.

Every status sequence is written out in full, and every job the store hands out along the way
is checked with ``coherence_violations``.
"""

import contextlib
import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from random import Random
from typing import Any, TypeVar, cast

import attrs
import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_classifierjobs import (
    TERMINAL_STATUSES,
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersIn,
    IllegalTransitionError,
    JobIn,
    JobsOut,
    Progress,
    TrainingFile,
    WandbIntegration,
    WandbIntegrationOut,
    coherence_violations,
)
from pytest_classifierjobs.clock import Clock
from pytest_classifierjobs.lifecycle import progress_of
from pytest_classifierjobs.mock import seeded_factory
from pytest_classifierjobs.progression import STATUS_UPDATED
from pytest_classifierjobs.state import page_of
from pytest_classifierjobs.state.jobs import (
    OUTCOMES,
    PROGRESSIONS,
    JobConflictError,
    JobNotFoundError,
    JobStore,
    ListQuery,
    matches,
)
from pytest_classifierjobs.timeline import Timings

S = ClassifierJobOutStatus
J = TypeVar("J", bound=ClassifierJobOut)
FILE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
VALIDATION_FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
CLOCK = 1_750_000_000
ACTIVE_ORDER = (
    S.QUEUED,
    S.STARTED,
    S.VALIDATING,
    S.VALIDATED,
    S.RUNNING,
    S.CANCELLATION_REQUESTED,
)


def request(**changes: Any) -> JobIn:
    """A valid create request, as ``parse_create_body`` would give it, with ``changes``."""
    fields: dict[str, Any] = {
        "model": "ministral-3b-latest",
        "hyperparameters": ClassifierTrainingParametersIn(training_steps=10),
        "training_files": [TrainingFile(file_id=FILE)],
        "auto_start": False,
    }
    fields.update(changes)
    return JobIn(**fields)


def coherent(job: J) -> J:
    assert coherence_violations(job) == [], (job.status, coherence_violations(job))
    return job


def gets(store: JobStore, job_id: str, count: int) -> list[ClassifierJobOutStatus]:
    """The statuses of ``count`` successive GETs of the job, each job checked for coherence."""
    return [coherent(store.get_job(job_id)).status for _ in range(count)]


def history(job: ClassifierDetailedJobOut) -> list[str]:
    return [str((e.data or {})["status"]) for e in job.events if e.name == STATUS_UPDATED]


@pytest.fixture(name="factory")
def factory_fixture() -> type[ClassifierDetailedJobOutFactory]:
    factory: type[ClassifierDetailedJobOutFactory] = type(
        "Factory", (ClassifierDetailedJobOutFactory,), {}
    )
    factory.seed_random(20260101)
    return factory


def store_with(
    factory: type[ClassifierDetailedJobOutFactory], status: ClassifierJobOutStatus, **kw: Any
) -> tuple[JobStore, ClassifierDetailedJobOut]:
    store = JobStore(rng=Random(7), **kw)
    return store, store.put(factory.build(status=status))


# --- the constructor ------------------------------------------------------------------------


def test_defaults_and_public_constants() -> None:
    store = JobStore(rng=Random(1))
    assert store.progression == "per_get"
    assert store.outcome is S.SUCCESS
    assert PROGRESSIONS == ("per_get", "manual", "time")
    assert OUTCOMES == (S.SUCCESS, S.FAILED, S.FAILED_VALIDATION, S.CANCELLED)
    assert dict(store.jobs) == {}
    # Its own clock, following the wall clock, and the recorded dwell times.
    assert isinstance(store.clock, Clock)
    assert not store.clock.frozen
    assert store.timings == Timings()


def test_outcome_is_read_from_its_string() -> None:
    assert JobStore(rng=Random(1), outcome="FAILED").outcome is S.FAILED


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"progression": "often"},
            "unknown progression 'often'; expected one of 'per_get', 'manual', 'time'",
            id="progression",
        ),
        pytest.param(
            {"progression": "per-get"},
            "unknown progression 'per-get' (did you mean 'per_get'?); expected one of "
            "'per_get', 'manual', 'time'",
            id="misspelt-progression",
        ),
        pytest.param(
            {"outcome": "RUNNING"},
            "unknown outcome 'RUNNING'; expected one of 'SUCCESS', 'FAILED', "
            "'FAILED_VALIDATION', 'CANCELLED'",
            id="active-outcome",
        ),
        pytest.param(
            {"outcome": "DONE"},
            "unknown job status 'DONE'; expected one of 'QUEUED', 'STARTED', 'VALIDATING', "
            "'VALIDATED', 'RUNNING', 'FAILED_VALIDATION', 'FAILED', 'SUCCESS', 'CANCELLED', "
            "'CANCELLATION_REQUESTED'",
            id="unknown-outcome",
        ),
    ],
)
def test_bad_constructor_arguments_say_what_is_allowed(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=r"\A") as caught:
        JobStore(rng=Random(1), **kwargs)
    assert str(caught.value) == message


def test_clock_is_the_time_of_the_first_job_and_later_jobs_come_later() -> None:
    clock = Clock(frozen_at=CLOCK)
    store = JobStore(rng=Random(3), clock=clock)
    created = []
    for pause in (0, 1, 7, 0, 30):
        clock.advance(pause)
        created.append(store.create_job(request()).created_at)
    # Each job is dated by the clock when it is created, nothing drawn: jobs created in the
    # same second share it.
    assert created == [CLOCK, CLOCK + 1, CLOCK + 8, CLOCK + 8, CLOCK + 38]


def test_a_created_job_is_dated_by_the_clock_in_whole_seconds() -> None:
    clock = Clock(frozen_at=CLOCK + 0.75)
    store = JobStore(rng=Random(3), clock=clock)
    job = store.create_job(request())
    assert job.created_at == job.modified_at == clock.now() == CLOCK
    assert [e.created_at for e in store.jobs[job.id].events] == [CLOCK]
    clock.advance(0.25)
    assert store.create_job(request()).created_at == clock.now() == CLOCK + 1


def test_without_a_clock_the_jobs_follow_the_wall_clock() -> None:
    # time-machine moves time.time(), which the store's own clock reads at every call.
    with time_machine.travel(CLOCK, tick=False) as traveller:
        store = JobStore(rng=Random(3))
        first = store.create_job(request())
        traveller.shift(90)
        second = store.create_job(request())
    assert (first.created_at, second.created_at) == (CLOCK, CLOCK + 90)


# --- creation -------------------------------------------------------------------------------


def test_a_created_job_echoes_the_request_with_the_server_defaults() -> None:
    store = JobStore(rng=Random(5), clock=Clock(frozen_at=CLOCK))
    created = store.create_job(
        request(
            model="ministral-8b-latest",
            hyperparameters=ClassifierTrainingParametersIn(
                training_steps=None,
                learning_rate=0.0002,
                weight_decay=None,
                warmup_fraction=None,
                epochs=2.5,
                seq_len=None,
            ),
            training_files=[TrainingFile(file_id=FILE, weight=3.0)],
            validation_files=[VALIDATION_FILE],
            suffix="exp-1",
            integrations=[
                WandbIntegration(project="p", api_key="k" * 40, name="n", run_name="r"),
            ],
            auto_start=None,
        )
    )
    assert type(created) is ClassifierJobOut
    coherent(created)
    assert created.status is S.QUEUED
    assert created.created_at == created.modified_at == CLOCK
    assert created.model == "ministral-8b-latest"
    assert created.auto_start is False
    assert created.training_files == [FILE]
    assert created.validation_files == [VALIDATION_FILE]
    assert created.suffix == "exp-1"
    # echoed without the API key, with no run yet
    assert created.integrations == [WandbIntegrationOut(project="p", name="n", run_name="r")]
    assert created.hyperparameters == ClassifierTrainingParameters(
        training_steps=None,
        learning_rate=0.0002,
        weight_decay=0.1,
        warmup_fraction=0.05,
        epochs=2.5,
        seq_len=16384,
    )
    assert created.metadata is not None
    assert created.metadata.cost == 0.0
    assert created.fine_tuned_model is None
    assert created.trained_tokens is None
    stored = store.jobs[created.id]
    assert stored.summary() == created
    assert stored.classifier_targets == []
    assert history(stored) == ["QUEUED"]
    assert stored.checkpoints == []


def test_explicit_hyperparameters_are_kept_and_no_integration_stays_none() -> None:
    store = JobStore(rng=Random(5))
    created = store.create_job(
        request(
            hyperparameters=ClassifierTrainingParametersIn(
                training_steps=20, weight_decay=0.0, warmup_fraction=0.5, seq_len=512
            ),
            validation_files=None,
        )
    )
    assert created.hyperparameters == ClassifierTrainingParameters(
        training_steps=20,
        learning_rate=0.0001,
        weight_decay=0.0,
        warmup_fraction=0.5,
        epochs=None,
        seq_len=512,
    )
    assert created.integrations is None
    assert created.validation_files == []
    assert created.suffix is None


# --- plans ----------------------------------------------------------------------------------

Q, VG, VD, R = S.QUEUED, S.VALIDATING, S.VALIDATED, S.RUNNING
CR, C, OK, F, FV = S.CANCELLATION_REQUESTED, S.CANCELLED, S.SUCCESS, S.FAILED, S.FAILED_VALIDATION


@pytest.mark.parametrize(
    ("outcome", "auto_start", "before_start", "started", "after_start"),
    [
        pytest.param(OK, True, [VG, VD, Q, R, OK, OK, OK], None, [], id="SUCCESS-auto"),
        pytest.param(OK, False, [VG, VD, VD, VD], Q, [R, OK, OK], id="SUCCESS-start"),
        pytest.param(F, True, [VG, VD, Q, R, F, F, F], None, [], id="FAILED-auto"),
        pytest.param(F, False, [VG, VD, VD], Q, [R, F, F], id="FAILED-start"),
        pytest.param(FV, True, [VG, FV, FV, FV], None, [], id="FAILED_VALIDATION-auto"),
        pytest.param(FV, False, [VG, FV, FV, FV], None, [], id="FAILED_VALIDATION-start"),
        pytest.param(C, True, [VG, VD, Q, R, CR, C, C, C], None, [], id="CANCELLED-auto"),
        pytest.param(C, False, [VG, VD, VD], Q, [R, CR, C, C], id="CANCELLED-start"),
    ],
)
def test_a_created_job_walks_its_plan_one_step_per_get(
    outcome: ClassifierJobOutStatus,
    auto_start: bool,
    before_start: list[ClassifierJobOutStatus],
    started: ClassifierJobOutStatus | None,
    after_start: list[ClassifierJobOutStatus],
) -> None:
    store = JobStore(rng=Random(11), outcome=outcome)
    created = coherent(store.create_job(request(auto_start=auto_start)))
    assert created.status is S.QUEUED
    assert gets(store, created.id, len(before_start)) == before_start
    if started is not None:
        assert coherent(store.start_job(created.id)).status is started
        assert gets(store, created.id, len(after_start)) == after_start
    # one status-updated event per change, none for the silent re-queue
    visited = [S.QUEUED, *before_start, *([started] if started else []), *after_start]
    changes = [s for i, s in enumerate(visited) if i == 0 or s is not visited[i - 1]]
    expected = [changes[0], *(s for s in changes[1:] if s is not S.QUEUED)]
    assert history(store.jobs[created.id]) == [s.value for s in expected]


def test_success_fills_the_fine_tuned_model_with_one_account_per_store() -> None:
    store = JobStore(rng=Random(13), outcome="SUCCESS")
    names = []
    for _ in range(2):
        job = store.create_job(request(auto_start=True, model="ministral-3b-latest"))
        gets(store, job.id, 5)
        done = store.jobs[job.id]
        assert done.status is S.SUCCESS
        assert done.trained_tokens is not None
        assert done.fine_tuned_model is not None
        day = datetime.datetime.fromtimestamp(done.created_at, datetime.timezone.utc)
        prefix, account, date, short_id = done.fine_tuned_model.rsplit(":", 3)
        assert prefix == "ft:classifier:ministral-3b-latest"
        assert date == f"{day:%Y%m%d}"
        assert short_id == done.id[:8]
        assert len(account) == 8
        int(account, 16)
        names.append(account)
    assert names[0] == names[1]


# --- start ----------------------------------------------------------------------------------


def test_start_requeues_a_validated_job_at_once(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.VALIDATED, clock=Clock(frozen_at=CLOCK))
    started = coherent(store.start_job(job.id))
    assert started.status is S.QUEUED
    assert started.modified_at == max(CLOCK, job.modified_at)  # the moment of the start
    assert started.metadata is not None
    # Estimated 10 s to 10 min ahead, or null as in two of the three recorded jobs.
    estimate = started.metadata.estimated_start_time
    assert estimate is None or 10 <= estimate - started.modified_at <= 600
    assert history(started) == history(job)  # the re-queue adds no event
    assert gets(store, job.id, 3) == [R, OK, OK]


def test_a_requeue_estimates_the_start_in_some_seeds_and_not_in_others() -> None:
    estimates = []
    for seed in range(30):
        store = JobStore(rng=Random(seed), clock=Clock(frozen_at=CLOCK))
        job = store.create_job(request())
        store.advance(job.id, 2)
        started = coherent(store.start_job(job.id))
        assert started.metadata is not None
        estimates.append(started.metadata.estimated_start_time)
    assert None in estimates
    assert all(CLOCK + 10 <= e <= CLOCK + 600 for e in estimates if e is not None)
    assert any(e is not None for e in estimates)


@pytest.mark.parametrize("status", [s for s in S if s is not S.VALIDATED], ids=str)
def test_start_refuses_any_other_status(
    factory: type[ClassifierDetailedJobOutFactory], status: ClassifierJobOutStatus
) -> None:
    store, job = store_with(factory, status)
    with pytest.raises(JobConflictError) as caught:
        store.start_job(job.id)
    expected = (
        f"Job {job.id} cannot be started: its status is {status.value}; "
        "only a VALIDATED job can be started."
    )
    assert caught.value.detail == expected
    assert str(caught.value) == expected
    assert store.jobs[job.id] is job


def test_starting_a_created_job_twice_is_a_conflict() -> None:
    store = JobStore(rng=Random(2))
    job = store.create_job(request())
    gets(store, job.id, 2)
    store.start_job(job.id)
    with pytest.raises(JobConflictError, match="its status is QUEUED; only a VALIDATED"):
        store.start_job(job.id)


def test_start_replaces_a_script(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store, job = store_with(factory, S.VALIDATED)
    store.script(job.id, ["CANCELLED"])
    assert store.start_job(job.id).status is S.QUEUED
    assert gets(store, job.id, 3) == [R, OK, OK]


# --- cancel ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "answer", "then"),
    [
        pytest.param(S.STARTED, CR, C, id="STARTED"),
        pytest.param(S.RUNNING, CR, C, id="RUNNING"),
        pytest.param(S.QUEUED, C, C, id="QUEUED"),
        pytest.param(S.VALIDATING, C, C, id="VALIDATING"),
        pytest.param(S.VALIDATED, C, C, id="VALIDATED"),
    ],
)
def test_cancel_a_stored_job(
    factory: type[ClassifierDetailedJobOutFactory],
    status: ClassifierJobOutStatus,
    answer: ClassifierJobOutStatus,
    then: ClassifierJobOutStatus,
) -> None:
    store, job = store_with(factory, status)
    cancelled = coherent(store.cancel_job(job.id))
    assert cancelled.status is answer
    assert cancelled.fine_tuned_model is None
    assert history(cancelled) == [*history(job), answer.value]
    assert gets(store, job.id, 3) == [then, then, then]


@pytest.mark.parametrize("progression", ["per_get", "manual"])
def test_cancel_of_a_running_created_job_completes_on_the_next_get(progression: Any) -> None:
    # Under "time" it completes after the cancelling dwell instead (tested with the clock).
    store = JobStore(rng=Random(4), progression=progression)
    job = store.create_job(request(auto_start=True))
    store.advance(job.id, 4)
    assert store.jobs[job.id].status is S.RUNNING
    assert coherent(store.cancel_job(job.id)).status is CR
    assert gets(store, job.id, 2) == [C, C]


def test_cancel_twice_while_cancellation_is_requested(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.RUNNING)
    first = store.cancel_job(job.id)
    assert first.status is CR
    second = store.cancel_job(job.id)
    assert second is first  # nothing more to do, no second event
    assert gets(store, job.id, 2) == [C, C]


def test_cancel_of_an_added_cancellation_requested_job_completes_on_the_next_get(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.CANCELLATION_REQUESTED)
    assert store.cancel_job(job.id).status is CR
    assert gets(store, job.id, 1) == [C]


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES), ids=str)
def test_cancel_of_a_terminal_job_is_a_conflict(
    factory: type[ClassifierDetailedJobOutFactory], status: ClassifierJobOutStatus
) -> None:
    store, job = store_with(factory, status)
    with pytest.raises(JobConflictError) as caught:
        store.cancel_job(job.id)
    assert caught.value.detail == (
        f"Job {job.id} cannot be cancelled: its status is {status.value}, which is final."
    )
    assert store.jobs[job.id] is job


def test_cancel_replaces_a_script(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store, job = store_with(factory, S.VALIDATED)
    store.script(job.id, ["QUEUED", "RUNNING"])
    assert store.cancel_job(job.id).status is C
    assert gets(store, job.id, 2) == [C, C]


# --- manual progression ---------------------------------------------------------------------


def test_manual_gets_do_not_move_and_advance_does() -> None:
    store = JobStore(rng=Random(6), progression="manual")
    job = store.create_job(request(auto_start=False))
    assert gets(store, job.id, 3) == [Q, Q, Q]
    assert coherent(store.advance(job.id)).status is VG
    assert gets(store, job.id, 2) == [VG, VG]
    assert coherent(store.advance(job.id, 5)).status is VD  # the plan ends there: waits
    with pytest.raises(ValueError, match=r"it is VALIDATED, and waits for start"):
        store.advance(job.id)
    assert coherent(store.start_job(job.id)).status is Q  # start itself re-queues
    assert gets(store, job.id, 2) == [Q, Q]
    assert store.advance(job.id, 2).status is OK
    assert gets(store, job.id, 1) == [OK]


def test_manual_pending_cancellation_still_completes_on_get() -> None:
    store = JobStore(rng=Random(6), progression="manual", outcome="CANCELLED")
    job = store.create_job(request(auto_start=True))
    assert coherent(store.advance(job.id, 5)).status is CR
    assert gets(store, job.id, 2) == [C, C]


@pytest.mark.parametrize("progression", PROGRESSIONS)
def test_advance_of_a_stored_job_says_it_has_no_plan_and_what_moves_it(
    factory: type[ClassifierDetailedJobOutFactory], progression: Any
) -> None:
    store, job = store_with(factory, S.RUNNING, progression=progression)
    with pytest.raises(ValueError, match=r"\A") as caught:
        store.advance(job.id, 3)
    assert str(caught.value) == (
        f"job {job.id} cannot advance: it is RUNNING, and has no plan (a job stored by a test, "
        "put in a status by set_status() or at the end of its script stays where it is until "
        "the code under test starts or cancels it); script(job_id, [...]) gives it steps to "
        "take (next: CANCELLATION_REQUESTED, FAILED, SUCCESS); set_status(job_id, status) puts "
        "it in any status"
    )
    assert store.jobs[job.id] is job
    store.script(job.id, ["SUCCESS"])  # what the message says moves it
    assert coherent(store.advance(job.id)).status is OK


def test_advance_of_a_stored_validated_job_says_it_waits_for_start(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.VALIDATED, progression="manual")
    with pytest.raises(ValueError, match=r"\A") as caught:
        store.advance(job.id)
    assert str(caught.value) == (
        f"job {job.id} cannot advance: it is VALIDATED, and waits for start (jobs.start() in the "
        "SDK); script(job_id, [...]) gives it steps to take (next: CANCELLATION_REQUESTED, "
        "CANCELLED, QUEUED); set_status(job_id, status) puts it in any status"
    )
    store.start_job(job.id)  # the start gives it a plan
    assert coherent(store.advance(job.id)).status is R


@pytest.mark.parametrize("outcome", OUTCOMES, ids=str)
def test_advance_of_a_created_job_at_its_outcome_says_it_is_final(
    outcome: ClassifierJobOutStatus,
) -> None:
    store = JobStore(rng=Random(6), progression="manual", outcome=outcome)
    job = store.create_job(request(auto_start=True))
    assert store.advance(job.id, 10).status is outcome  # fewer steps than asked: no error
    with pytest.raises(ValueError, match=r"\A") as caught:
        store.advance(job.id)
    assert str(caught.value) == (
        f"job {job.id} cannot advance: it is {outcome.value}, which is final; "
        "set_status(job_id, status) puts it in another status"
    )


def test_advance_of_a_job_the_clock_has_finished_says_it_is_final() -> None:
    store, clock = timed()
    job = store.create_job(request(auto_start=True))
    clock.advance(100_000)
    with pytest.raises(ValueError, match=r"it is SUCCESS, which is final"):
        store.advance(job.id)
    assert store.jobs[job.id].status is OK  # the catch-up happened all the same


def test_advance_of_a_job_at_the_end_of_its_script_says_so(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.VALIDATED, progression="manual")
    store.script(job.id, ["QUEUED"])
    assert store.advance(job.id).status is Q
    with pytest.raises(ValueError, match=r"it is QUEUED, and has no plan .* \(next: "):
        store.advance(job.id)


@pytest.mark.parametrize("steps", ["2", 1.0, True, None], ids=["str", "float", "bool", "None"])
def test_advance_needs_an_int_number_of_steps(steps: Any) -> None:
    store = JobStore(rng=Random(1), progression="manual")
    job = store.create_job(request())
    with pytest.raises(TypeError) as caught:
        store.advance(job.id, steps)
    assert str(caught.value) == f"steps must be a whole number of steps (an int), not {steps!r}"
    assert store.jobs[job.id].status is S.QUEUED


@pytest.mark.parametrize("steps", [0, -1], ids=["zero", "negative"])
def test_advance_needs_a_positive_number_of_steps(steps: int) -> None:
    store = JobStore(rng=Random(1))
    job = store.create_job(request())
    with pytest.raises(ValueError, match=r"\A") as caught:
        store.advance(job.id, steps)
    assert str(caught.value) == f"steps must be a positive number, not {steps}"
    assert store.jobs[job.id].status is S.QUEUED


# --- scripts --------------------------------------------------------------------------------


@pytest.mark.parametrize("progression", PROGRESSIONS)
def test_a_script_walks_on_gets_and_its_last_status_sticks(
    progression: Any, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    store, job = store_with(factory, S.VALIDATED, progression=progression)
    store.script(job.id, ["QUEUED", S.STARTED, "RUNNING", "FAILED"])
    assert gets(store, job.id, 6) == [Q, S.STARTED, R, F, F, F]
    assert history(store.jobs[job.id]) == [
        "QUEUED",
        "VALIDATING",
        "VALIDATED",
        "STARTED",
        "RUNNING",
        "FAILED",
    ]


def test_a_script_replaces_the_plan_of_a_created_job() -> None:
    store = JobStore(rng=Random(8))
    job = store.create_job(request(auto_start=True))
    store.script(job.id, ["VALIDATING", "FAILED_VALIDATION"])
    assert gets(store, job.id, 3) == [VG, FV, FV]


def test_a_script_that_ends_hands_back_to_manual_progression() -> None:
    store = JobStore(rng=Random(8), progression="manual")
    job = store.create_job(request(auto_start=True))
    store.script(job.id, ["VALIDATING"])
    assert gets(store, job.id, 3) == [VG, VG, VG]


def test_advance_walks_a_script_too(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store, job = store_with(factory, S.RUNNING, progression="manual")
    store.script(job.id, ["CANCELLATION_REQUESTED", "CANCELLED"])
    assert store.advance(job.id).status is CR
    assert gets(store, job.id, 2) == [C, C]


@pytest.mark.parametrize(
    ("status", "script", "message"),
    [
        pytest.param(
            S.RUNNING,
            ["QUEUED"],
            "a RUNNING job cannot move to QUEUED; "
            "allowed next: CANCELLATION_REQUESTED, FAILED, SUCCESS",
            id="first-step",
        ),
        pytest.param(
            S.VALIDATED,
            ["QUEUED", "SUCCESS"],
            "a re-queued QUEUED job cannot move to SUCCESS; "
            "allowed next: CANCELLATION_REQUESTED, CANCELLED, RUNNING, STARTED",
            id="later-step",
        ),
        pytest.param(
            S.SUCCESS,
            ["RUNNING"],
            "a SUCCESS job cannot move to RUNNING; allowed next: none: it is terminal",
            id="terminal",
        ),
    ],
)
def test_an_illegal_script_names_the_allowed_next_statuses_and_changes_nothing(
    factory: type[ClassifierDetailedJobOutFactory],
    status: ClassifierJobOutStatus,
    script: list[str],
    message: str,
) -> None:
    store, job = store_with(factory, status)
    with pytest.raises(IllegalTransitionError) as caught:
        store.script(job.id, script)
    assert str(caught.value) == message
    assert gets(store, job.id, 2) == [status, status]


def test_an_empty_script_is_refused(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store, job = store_with(factory, S.RUNNING)
    with pytest.raises(ValueError, match=r"\Ascript\(\) needs at least one status\Z"):
        store.script(job.id, [])


def test_a_script_with_an_unknown_status_is_refused(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.RUNNING)
    with pytest.raises(
        ValueError, match=r"\Aunknown job status 'DONE'; expected one of 'QUEUED', "
    ):
        store.script(job.id, ["SUCCESS", "DONE"])


# --- put and set_status ---------------------------------------------------------------------


def test_put_stores_a_job_that_stays_in_its_status(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store, job = store_with(factory, S.RUNNING)
    assert list(store.jobs) == [job.id]
    assert gets(store, job.id, 3) == [R, R, R]
    assert store.get_job(job.id) is job


def test_put_replaces_a_job_with_the_same_id_and_drops_its_plan() -> None:
    store = JobStore(rng=Random(2))
    created = store.create_job(request(auto_start=True))
    replacement = ClassifierDetailedJobOutFactory.build(status="RUNNING", id=created.id)
    assert store.put(replacement) is replacement
    assert list(store.jobs) == [created.id]
    assert gets(store, created.id, 2) == [R, R]


def test_set_status_replaces_the_job_and_drops_its_plan(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = JobStore(rng=Random(2))
    created = store.create_job(request(auto_start=True))
    store.script(created.id, ["VALIDATING", "VALIDATED"])
    failed = factory.build(status="FAILED", id=created.id)
    assert store.set_status(created.id, "FAILED", failed) is failed
    assert store.jobs[created.id] is failed
    assert gets(store, created.id, 2) == [F, F]
    with pytest.raises(JobConflictError):
        store.cancel_job(created.id)


def test_set_status_checks_the_status(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store, job = store_with(factory, S.RUNNING)
    with pytest.raises(ValueError, match="unknown job status 'DONE'"):
        store.set_status(job.id, "DONE", job)


def test_jobs_is_a_read_only_snapshot(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store, job = store_with(factory, S.RUNNING)
    snapshot = store.jobs
    with pytest.raises(TypeError):
        cast(Any, snapshot)[job.id] = job
    store.put(factory.build(status="QUEUED"))
    assert list(snapshot) == [job.id]
    assert len(store.jobs) == 2


@pytest.mark.parametrize(
    "operation",
    ["get_job", "start_job", "cancel_job", "advance", "script", "set_status"],
)
def test_unknown_ids_raise_job_not_found(
    operation: str, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    store = JobStore(rng=Random(1))
    call = getattr(store, operation)
    args: dict[str, tuple[Any, ...]] = {
        "script": (["RUNNING"],),
        "set_status": ("RUNNING", factory.build(status="RUNNING")),
    }
    with pytest.raises(JobNotFoundError) as caught:
        call(UNKNOWN, *args.get(operation, ()))
    assert caught.value.args == (UNKNOWN,)
    assert isinstance(caught.value, LookupError)


# --- requested classifier targets -----------------------------------------------------------


def test_requested_classifier_targets_are_used_at_validation() -> None:
    store = JobStore(rng=Random(9))
    job = store.create_job(
        request(
            classifier_targets=[
                ClassifierTargetIn(name="intent", labels=["a", "b"], weight=1.0),
                ClassifierTargetIn(
                    name="tags", labels=["x", "y", "z"], weight=0.5, loss_function="multi_class"
                ),
            ]
        )
    )
    assert store.get_job(job.id).classifier_targets == []
    validated = store.get_job(job.id)
    assert validated.status is S.VALIDATED
    assert validated.classifier_targets == [
        ClassifierTargetOut(
            name="intent", labels=["a", "b"], weight=1.0, loss_function="single_class"
        ),
        ClassifierTargetOut(
            name="tags", labels=["x", "y", "z"], weight=0.5, loss_function="multi_class"
        ),
    ]
    coherent(validated)


@pytest.mark.parametrize("targets", [None, []], ids=["null", "empty"])
def test_without_requested_targets_validation_infers_some(targets: Any) -> None:
    store = JobStore(rng=Random(9))
    job = store.create_job(request(classifier_targets=targets))
    validated = store.advance(job.id, 2)
    assert validated.status is S.VALIDATED
    assert validated.classifier_targets
    coherent(validated)


# --- list -----------------------------------------------------------------------------------


def _listed(store: JobStore, **query: Any) -> list[str]:
    return [job.id for job in store.list_jobs(ListQuery(**query)).data]


@pytest.fixture(name="catalogue")
def catalogue_fixture(
    factory: type[ClassifierDetailedJobOutFactory],
) -> tuple[JobStore, list[ClassifierDetailedJobOut]]:
    """Four jobs with distinct filterable fields, stored oldest first."""
    store = JobStore(rng=Random(1))
    jobs = [
        factory.build(
            status="RUNNING",
            created_at=CLOCK,
            model="ministral-3b-latest",
            suffix="one",
            integrations=[WandbIntegrationOut(project="p1", name="n1", run_name="r1")],
        ),
        factory.build(
            status="SUCCESS",
            created_at=CLOCK + 10,
            model="ministral-8b-latest",
            suffix="two",
            integrations=[
                WandbIntegrationOut(project="p2", name="n2"),
                WandbIntegrationOut(project="p1", name="n3"),
            ],
        ),
        factory.build(
            status="RUNNING",
            created_at=CLOCK + 20,
            model="ministral-3b-latest",
            suffix=None,
            integrations=None,
        ),
        factory.build(
            status="QUEUED",
            created_at=CLOCK + 30,
            model="other",
            suffix="one",
            integrations=[WandbIntegrationOut(project="p3", name=None)],
        ),
    ]
    for job in jobs:
        store.put(job)
    return store, jobs


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({}, [3, 2, 1, 0], id="none"),
        pytest.param({"model": "ministral-3b-latest"}, [2, 0], id="model"),
        pytest.param({"created_after": CLOCK + 10}, [3, 2, 1], id="created_after-inclusive"),
        pytest.param({"created_before": CLOCK + 10}, [1, 0], id="created_before-inclusive"),
        pytest.param(
            {"created_after": CLOCK + 1, "created_before": CLOCK + 29}, [2, 1], id="between"
        ),
        pytest.param({"status": S.RUNNING}, [2, 0], id="status"),
        pytest.param({"suffix": "one"}, [3, 0], id="suffix"),
        pytest.param({"wandb_project": "p1"}, [1, 0], id="wandb_project-any-integration"),
        pytest.param({"wandb_name": "n3"}, [1], id="wandb_name"),
        pytest.param({"wandb_project": "p2", "wandb_name": "n3"}, [1], id="project-and-name"),
        pytest.param({"wandb_project": "nowhere"}, [], id="no-match"),
        pytest.param({"created_by_me": True}, [3, 2, 1, 0], id="created_by_me-filters-nothing"),
        pytest.param({"created_by_me": False}, [3, 2, 1, 0], id="created_by_me-false"),
        pytest.param({"model": "ministral-3b-latest", "suffix": "one"}, [0], id="all-must-hold"),
    ],
)
def test_list_filters(
    catalogue: tuple[JobStore, list[ClassifierDetailedJobOut]],
    query: dict[str, Any],
    expected: list[int],
) -> None:
    store, jobs = catalogue
    page = store.list_jobs(ListQuery(**query))
    assert [job.id for job in page.data] == [jobs[i].id for i in expected]
    assert page.total == len(expected)
    assert all(type(job) is ClassifierJobOut for job in page.data)
    assert page.data == [jobs[i].summary() for i in expected]
    for job in jobs:
        assert matches(ListQuery(**query), job) is (job in [jobs[i] for i in expected])


@pytest.mark.parametrize(
    ("page", "page_size", "expected"),
    [
        pytest.param(0, 3, [3, 2, 1], id="first"),
        pytest.param(1, 3, [0], id="last-partial"),
        pytest.param(2, 3, [], id="beyond"),
        pytest.param(1, 1, [2], id="size-one"),
        pytest.param(0, 100, [3, 2, 1, 0], id="default-size"),
    ],
)
def test_list_pagination_keeps_the_total(
    catalogue: tuple[JobStore, list[ClassifierDetailedJobOut]],
    page: int,
    page_size: int,
    expected: list[int],
) -> None:
    store, jobs = catalogue
    listed = store.list_jobs(ListQuery(page=page, page_size=page_size))
    assert [job.id for job in listed.data] == [jobs[i].id for i in expected]
    assert listed.total == 4


def test_list_is_newest_first_whatever_the_insertion_order(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = JobStore(rng=Random(1))
    times = [CLOCK + 5, CLOCK + 50, CLOCK, CLOCK + 20]
    jobs = [store.put(factory.build(status="RUNNING", created_at=t)) for t in times]
    assert _listed(store) == [jobs[i].id for i in (1, 3, 0, 2)]


def test_list_ties_are_newest_inserted_first(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = JobStore(rng=Random(1))
    jobs = [store.put(factory.build(status="RUNNING", created_at=CLOCK)) for _ in range(4)]
    assert _listed(store) == [job.id for job in reversed(jobs)]


def test_list_ties_after_a_replacement_keep_the_last_inserted_first(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = JobStore(rng=Random(1))
    a, b, c = (factory.build(status="RUNNING", created_at=CLOCK) for _ in range(3))
    store.put(a)
    store.put(b)
    store.put(a)  # replaced: keeps its place in .jobs
    store.put(c)
    assert _listed(store)[0] == c.id


def test_created_jobs_list_newest_first_in_their_current_status() -> None:
    store = JobStore(rng=Random(3))
    first = store.create_job(request())
    second = store.create_job(request())
    store.get_job(first.id)
    listed = store.list_jobs(ListQuery())
    assert [(j.id, j.status) for j in listed.data] == [(second.id, Q), (first.id, VG)]
    assert listed.data[1] == store.jobs[first.id].summary()


def test_list_is_one_snapshot_even_when_a_get_lands_while_the_query_is_read() -> None:
    # The page is read before the jobs are found: the GET that lands then moves the job first,
    # and the answer shows the job as it is after it, in its total and on its page alike.
    store = JobStore(rng=Random(3))
    job = store.create_job(request())

    @attrs.define
    class RacingQuery:
        """A ListQuery whose page, when read, makes a GET happen right then."""

        model: None = None
        created_after: None = None
        created_before: None = None
        created_by_me: bool = False
        status: ClassifierJobOutStatus | None = None
        wandb_project: None = None
        wandb_name: None = None
        suffix: None = None
        page_size: int = 100

        @property
        def page(self) -> int:
            store.get_job(job.id)  # what another thread may do at this moment
            return 0

    listed = store.list_jobs(cast(ListQuery, RacingQuery()))
    assert [j.status for j in listed.data] == [S.VALIDATING]
    assert listed.total == 1
    validating = store.list_jobs(cast(ListQuery, RacingQuery(status=S.VALIDATING)))
    assert store.job(job.id).status is S.VALIDATED  # moved on by that read of the page
    assert (validating.total, validating.data) == (0, [])  # and not counted as VALIDATING


# --- the clock and time progression --------------------------------------------------------

# Exact dwell times (one number: exactly that long), so that every moment below is known.
TIMINGS = Timings(queued=5, validating=7, auto_start=2, queue=10, training=1.0, cancelling=4)


def timed(seed: int = 1, **kw: Any) -> tuple[JobStore, Clock]:
    """A store under time progression, on a clock frozen at ``CLOCK`` that tests advance."""
    clock = Clock(frozen_at=CLOCK)
    kw.setdefault("timings", TIMINGS)
    return JobStore(rng=Random(seed), progression="time", clock=clock, **kw), clock


def moments(job: ClassifierDetailedJobOut) -> list[tuple[str, int]]:
    """Each status change of the job, with its moment in seconds after ``CLOCK``."""
    return [
        (str((e.data or {})["status"]), e.created_at - CLOCK)
        for e in job.events
        if e.name == STATUS_UPDATED
    ]


def test_under_time_nothing_moves_until_the_dwell_has_passed() -> None:
    store, clock = timed()
    job = store.create_job(request())
    clock.advance(4.5)
    assert gets(store, job.id, 3) == [Q, Q, Q]  # GETs alone do not move it
    clock.advance(0.5)
    assert gets(store, job.id, 1) == [VG]
    clock.advance(6.9)
    assert gets(store, job.id, 2) == [VG, VG]
    clock.advance(0.1)
    validated = coherent(store.get_job(job.id))
    assert validated.status is VD
    assert moments(validated) == [("QUEUED", 0), ("VALIDATING", 5), ("VALIDATED", 12)]
    assert validated.modified_at == CLOCK + 12
    clock.advance(86_400)  # without auto_start, a validated job waits for start
    assert gets(store, job.id, 1) == [VD]


def test_under_time_a_catch_up_takes_every_due_step_each_at_its_own_moment() -> None:
    store, clock = timed()
    job = store.create_job(request(auto_start=True))
    clock.advance(1_000)
    done = coherent(store.get_job(job.id))  # one read: five steps
    assert done.metadata is not None
    duration = done.metadata.expected_duration_seconds
    assert duration is not None
    end = 24 + duration  # RUNNING at 5 + 7 + 2 + 10, then training takes exactly the estimate
    assert end < 1_000
    assert moments(done) == [
        ("QUEUED", 0),
        ("VALIDATING", 5),
        ("VALIDATED", 12),
        ("RUNNING", 24),
        ("SUCCESS", end),
    ]
    assert done.modified_at == CLOCK + end  # not the moment of the read
    # The checkpoints fill the training time, the last step at the end.
    assert done.checkpoints[0].created_at == CLOCK + end
    assert all(CLOCK + 24 < c.created_at <= CLOCK + end for c in done.checkpoints)


def test_under_time_list_and_the_jobs_snapshot_catch_up() -> None:
    store, clock = timed()
    first = store.create_job(request())
    clock.advance(1)
    second = store.create_job(request())
    clock.advance(5)
    # No GET: reading the snapshot catches up with the clock.
    assert {job_id: job.status for job_id, job in store.jobs.items()} == {
        first.id: VG,
        second.id: VG,
    }
    clock.advance(7)
    listed = store.list_jobs(ListQuery())
    assert [(j.id, j.status) for j in listed.data] == [(second.id, VD), (first.id, VD)]
    assert [j.modified_at - CLOCK for j in listed.data] == [13, 12]
    assert store.list_jobs(ListQuery(status=VD)).total == 2


def test_under_time_start_answers_queued_and_training_starts_after_the_queue_dwell() -> None:
    store, clock = timed()
    job = store.create_job(request())
    clock.advance(112)  # validated at 12, then nobody starts it for 100 s
    started = coherent(store.start_job(job.id))
    assert started.status is Q
    assert started.modified_at == CLOCK + 112
    clock.advance(9.5)
    assert gets(store, job.id, 2) == [Q, Q]
    clock.advance(0.5)
    running = coherent(store.get_job(job.id))
    assert running.status is R
    assert moments(running)[-1] == ("RUNNING", 122)
    assert running.checkpoints == []  # training starts now, with no step done yet


def test_under_time_a_cancel_of_a_running_job_ends_after_the_cancelling_dwell() -> None:
    store, clock = timed()
    job = store.create_job(request(auto_start=True))
    clock.advance(27)  # RUNNING since 24; training lasts at least 30 s (10 steps of 3 s or more)
    assert gets(store, job.id, 1) == [R]
    requested = coherent(store.cancel_job(job.id))
    assert requested.status is CR
    clock.advance(3.5)
    assert gets(store, job.id, 3) == [CR, CR, CR]  # not on the next GET, as under per_get
    clock.advance(0.5)
    cancelled = coherent(store.get_job(job.id))
    assert cancelled.status is C
    assert moments(cancelled)[-2:] == [("CANCELLATION_REQUESTED", 27), ("CANCELLED", 31)]


def test_under_time_a_script_still_moves_one_step_per_get_stamped_now() -> None:
    store, clock = timed()
    job = store.create_job(request(auto_start=True))
    store.script(job.id, ["VALIDATING", "FAILED_VALIDATION"])
    clock.advance(1)  # before any dwell is over: the script, not the clock, moves it
    assert gets(store, job.id, 1) == [VG]
    clock.advance(2)
    assert gets(store, job.id, 2) == [FV, FV]
    assert moments(store.jobs[job.id]) == [
        ("QUEUED", 0),
        ("VALIDATING", 1),
        ("FAILED_VALIDATION", 3),
    ]
    clock.advance(1_000)
    assert gets(store, job.id, 1) == [FV]  # the script replaced the plan: nothing more


@pytest.mark.parametrize("progression", ["per_get", "manual"])
def test_steps_taken_on_request_are_stamped_with_the_clock_now(progression: Any) -> None:
    clock = Clock(frozen_at=CLOCK)
    store = JobStore(rng=Random(2), progression=progression, clock=clock)
    job = store.create_job(request(auto_start=True))
    step = store.get_job if progression == "per_get" else store.advance
    clock.advance(30)
    assert coherent(step(job.id)).status is VG
    clock.advance(0.9)  # whole seconds, floored
    assert coherent(step(job.id)).status is VD
    clock.advance(60)
    step(job.id)  # the silent re-queue
    clock.advance(15)
    running = coherent(step(job.id))
    assert moments(running) == [
        ("QUEUED", 0),
        ("VALIDATING", 30),
        ("VALIDATED", 30),
        ("RUNNING", 105),
    ]
    assert running.modified_at == CLOCK + 105


@pytest.mark.parametrize("progression", ["per_get", "time"])
def test_a_clock_moved_back_never_disorders_the_events(progression: Any) -> None:
    clock = Clock(frozen_at=CLOCK)
    store = JobStore(rng=Random(1), progression=progression, clock=clock, timings=TIMINGS)
    job = store.create_job(request())
    clock.advance(100)
    if progression == "per_get":
        store.advance(job.id, 2)  # validated at 100; under time the clock did it, at 12
    assert coherent(store.jobs[job.id]).status is VD
    latest = store.jobs[job.id].modified_at
    clock.freeze(at=CLOCK - 3_600)  # a test travels an hour back
    started = coherent(store.start_job(job.id))
    assert started.modified_at == latest  # not before the job's last change
    clock.advance(10)  # the queue dwell, counted from the earlier moment
    running = store.get_job(job.id)
    assert running.status is R
    times = [e.created_at for e in running.events]
    assert times == sorted(times)
    assert times[-1] == running.modified_at == latest
    # The events are checked here; test_under_time_training_after_a_clock_moved_back_is_coherent
    # checks the checkpoints.
    assert not [p for p in coherence_violations(running) if p.startswith("events")]


def test_under_time_training_after_a_clock_moved_back_is_coherent() -> None:
    store, clock = timed()
    job = store.create_job(request())
    clock.advance(100)
    assert gets(store, job.id, 1) == [VD]  # validated at 12
    clock.freeze(at=CLOCK - 3_600)
    store.start_job(job.id)  # stamped at 12, the job's last change; RUNNING due at -3590
    clock.advance(10)
    running = store.get_job(job.id)
    assert running.status is R
    # RUNNING is stamped at 12, so training has not progressed: no checkpoint before 12.
    assert coherence_violations(running) == []
    assert running.checkpoints == []


def test_under_time_the_estimated_start_is_the_moment_running_is_due_or_null() -> None:
    estimates = []
    for seed in range(30):
        queue = 3 * seed + 1  # each job queues a different, exact number of seconds
        store, clock = timed(seed, timings=attrs.evolve(TIMINGS, queue=(queue, queue)))
        job = store.create_job(request(auto_start=True))
        clock.advance(12 + 2)  # validated at 12, re-queued at 14
        queued = coherent(store.get_job(job.id))
        assert (queued.status, queued.modified_at) == (Q, CLOCK + 14)
        assert queued.metadata is not None
        estimate = queued.metadata.estimated_start_time
        clock.advance(queue)
        running = coherent(store.get_job(job.id))
        assert moments(running)[-1] == ("RUNNING", 14 + queue)
        if estimate is not None:
            assert estimate == CLOCK + 14 + queue  # exactly when training starts
        estimates.append(estimate)
    # Set in one re-queue of three, as recorded; null in the others.
    assert None in estimates
    assert any(e is not None for e in estimates)


def test_under_time_with_drawn_dwells_the_estimate_is_the_running_moment() -> None:
    late = []
    for seed in range(30):
        store, clock = timed(seed, timings=Timings())  # the recorded, drawn ranges
        job = store.create_job(request(auto_start=True))
        clock.advance(100_000)
        done = coherent(store.get_job(job.id))
        assert done.metadata is not None
        estimate = done.metadata.estimated_start_time
        (started,) = [CLOCK + moment for s, moment in moments(done) if s == "RUNNING"]
        if estimate is not None and estimate != started:
            late.append((seed, estimate - started))
    assert late == []


def test_under_time_a_queue_of_zero_starts_training_at_once() -> None:
    store, clock = timed(timings=Timings(queue=0))
    job = store.create_job(request())
    clock.advance(6)  # validation takes up to 3 + 3 s
    assert gets(store, job.id, 1) == [VD]
    clock.advance(40)
    assert coherent(store.start_job(job.id)).status is Q  # start itself re-queues
    running = coherent(store.get_job(job.id))  # the clock did not move
    assert running.status is R
    assert moments(running)[-1] == ("RUNNING", 46)


# --- threads --------------------------------------------------------------------------------


@pytest.mark.parametrize("progression", ["per_get", "time"])
def test_threads_doing_mixed_operations_leave_a_consistent_store(progression: Any) -> None:
    clock = Clock(frozen_at=CLOCK)
    store = JobStore(rng=Random(21), outcome="CANCELLED", progression=progression, clock=clock)
    known: list[str] = []
    known_lock = threading.Lock()
    barrier = threading.Barrier(8)

    def work(seed: int) -> dict[str, int]:
        rng = Random(seed)
        done = dict.fromkeys(
            ("create", "get", "start", "cancel", "list", "advance", "409", "stuck"), 0
        )
        waited = 0
        barrier.wait()
        for _ in range(50):
            # Time passes as the threads work: under "time" the jobs move with it.
            pause = rng.randint(0, 20)
            clock.advance(pause)
            waited += pause
            operation = rng.choice(("create", "create", "get", "get", "start", "cancel", "list"))
            if operation == "create" or not known:
                job = store.create_job(request(auto_start=rng.random() < 0.5))
                coherent(job)
                with known_lock:
                    known.append(job.id)
                done["create"] += 1
                continue
            with known_lock:
                job_id = rng.choice(known)
            try:
                if operation == "get":
                    coherent(store.get_job(job_id))
                elif operation == "start":
                    assert coherent(store.start_job(job_id)).status is S.QUEUED
                elif operation == "cancel":
                    assert coherent(store.cancel_job(job_id)).status in {CR, C}
                elif rng.random() < 0.5:
                    listed = store.list_jobs(ListQuery(page_size=1000))
                    assert len({j.id for j in listed.data}) == len(listed.data)
                else:
                    operation = "advance"
                    try:
                        moved = store.advance(job_id, rng.randint(1, 3))
                    except ValueError:  # final, or waiting for start: nothing to take
                        done["stuck"] += 1
                    else:
                        coherent(moved)
            except JobConflictError:
                done["409"] += 1
            done[operation] += 1
        done["waited"] = waited
        return done

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(work, range(8)))
    assert sum(sum(c.values()) - c["409"] - c["stuck"] - c["waited"] for c in counts) == 8 * 50
    created = sum(c["create"] for c in counts)
    assert len(store.jobs) == created == len(known) == len(set(known))
    assert set(store.jobs) == set(known)
    for job in store.jobs.values():
        coherent(job)
    listed = store.list_jobs(ListQuery(page_size=1000))
    assert listed.total == created
    assert sorted(j.id for j in listed.data) == sorted(known)
    per_status = {s: store.list_jobs(ListQuery(status=s)).total for s in S}
    assert sum(per_status.values()) == created
    assert per_status == {s: sum(1 for job in store.jobs.values() if job.status is s) for s in S}
    # No advance of the shared clock was lost, and every job is dated inside what it covered.
    assert clock.time() == CLOCK + sum(c["waited"] for c in counts)
    assert all(CLOCK <= job.created_at <= clock.now() for job in store.jobs.values())
    assert all(job.modified_at <= clock.now() for job in store.jobs.values())


# --- the list's index ------------------------------------------------------------------------


def reference_list(store: JobStore, query: ListQuery) -> JobsOut:
    """The list as the store answered it before it kept an index: filter all, sort, page."""
    entries = store._entries
    found = sorted(
        (job for job in store.jobs.values() if matches(query, job)),
        key=lambda job: (job.created_at, entries[job.id].order),
        reverse=True,
    )
    page = page_of(found, query.page, query.page_size)
    return JobsOut(total=len(found), data=[job.summary() for job in page])


ACTIONS = ("add", "create", "get", "replace", "set_status", "start", "cancel", "script")


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_list_answers_as_filtering_and_sorting_every_job_would(data: st.DataObject) -> None:
    # Whatever jobs were stored, replaced and moved, with ties in created_at on purpose, every
    # query gets the answer of the old algorithm, which looked at every job.
    progression = data.draw(st.sampled_from(PROGRESSIONS))
    clock = Clock(frozen_at=CLOCK)
    store = JobStore(rng=Random(data.draw(st.integers(0, 9))), progression=progression, clock=clock)
    factory = seeded_factory(data.draw(st.integers(0, 9)))
    times = st.integers(CLOCK - 3, CLOCK + 1)
    for action in data.draw(st.lists(st.sampled_from(ACTIONS), max_size=30)):
        ids = list(store.jobs)
        if action == "add" or (not ids and action != "create"):
            store.put(
                factory.build(
                    status=data.draw(st.sampled_from(list(S))),
                    created_at=data.draw(times),
                    suffix=data.draw(st.sampled_from([None, "a"])),
                )
            )
        elif action == "create":
            clock.freeze(at=data.draw(times))
            store.create_job(request(auto_start=data.draw(st.booleans())))
        else:
            job_id = data.draw(st.sampled_from(ids))
            status = data.draw(st.sampled_from(list(S)))
            if action == "replace":
                store.put(factory.build(status=status, id=job_id, created_at=data.draw(times)))
            elif action == "set_status":
                store.set_status(job_id, status, factory.build(status=status, id=job_id))
            elif action == "script":
                with contextlib.suppress(IllegalTransitionError):
                    store.script(job_id, [status])
            else:
                operation = {"get": store.get_job, "start": store.start_job}
                with contextlib.suppress(JobConflictError):
                    operation.get(action, store.cancel_job)(job_id)
        if data.draw(st.booleans()):
            clock.advance(data.draw(st.integers(0, 30)))
    for _ in range(5):
        query = ListQuery(
            page=data.draw(st.integers(-1, 3)),
            page_size=data.draw(st.sampled_from([-1, 0, 1, 2, 3, 100])),
            status=data.draw(st.sampled_from([None, *S])),
            created_after=data.draw(st.none() | times),
            created_before=data.draw(st.none() | times),
            model=data.draw(st.sampled_from([None, "ministral-3b-latest", "other"])),
            suffix=data.draw(st.sampled_from([None, "a"])),
        )
        assert store.list_jobs(query) == reference_list(store, query)


def test_put_many_stores_as_put_would_a_job_replacing_one_with_its_id() -> None:
    store = JobStore(rng=Random(4))
    factory = seeded_factory(4)
    first, second = factory.build(status="RUNNING"), factory.build(status="QUEUED")
    store.put(first)
    replacement = factory.build(status="SUCCESS", id=first.id, created_at=first.created_at - 9)
    stored = store.put_many([(replacement, progress_of(replacement)), (second, Progress())])
    assert stored == [replacement, second]
    assert list(store.jobs) == [first.id, second.id]  # the replaced job keeps its place
    assert store.jobs[first.id] is replacement
    everything = store.list_jobs(ListQuery())
    assert everything.total == 2
    assert {job.id for job in everything.data} == {first.id, second.id}
    assert store.list_jobs(ListQuery(status=S.RUNNING)).total == 0
    assert [job.id for job in store.list_jobs(ListQuery(status=S.SUCCESS)).data] == [first.id]
