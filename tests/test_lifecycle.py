"""The lifecycle rules: status groups, the transition graph, ``Progress`` and the coherence check.

The coherence tests start from a job the factories built coherent (seeded, so every run sees the
same job), break exactly one thing, and read every message ``coherence_violations`` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

import attrs
import pytest

from pytest_classifierjobs import progression
from pytest_classifierjobs.factories import ClassifierDetailedJobOutFactory, ClassifierJobOutFactory
from pytest_classifierjobs.lifecycle import (
    ACTIVE_STATUSES,
    BOUNDS,
    FAILED_STATUSES,
    STATUS_GROUPS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Bound,
    IllegalTransitionError,
    Progress,
    coherence_violations,
    parse_status,
    progress_of,
)
from pytest_classifierjobs.models import (
    CheckpointOut,
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    EventOut,
    JobMetadataOut,
    MetricOut,
    WandbIntegrationOut,
)

S = ClassifierJobOutStatus

ALL_NAMES = (
    "'QUEUED', 'STARTED', 'VALIDATING', 'VALIDATED', 'RUNNING', 'FAILED_VALIDATION', 'FAILED', "
    "'SUCCESS', 'CANCELLED', 'CANCELLATION_REQUESTED'"
)

# The fields the coherent base jobs are drawn from, fixed so that messages are literal strings.
SEED = 20250416
JOB_ID = "db22ea7e-6b3c-4d3e-9a3f-2f1e5c7d8b90"
MODEL = "ministral-3b-latest"
CREATED_AT = 1744804800  # 2025-04-16T12:00:00Z
STEPS = 10
FINE_TUNED_MODEL = f"ft:classifier:{MODEL}:8e2706f0:20250416:db22ea7e"
RUN_URL = "https://wandb.ai/acme/ft-exp/runs/abcd1234"
TARGET = ClassifierTargetOut(
    name="sentiment", labels=["positive", "negative"], weight=1.0, loss_function="single_class"
)

Job = ClassifierDetailedJobOut
Breaker = Callable[[Any], ClassifierJobOut]


# --- status groups ---------------------------------------------------------------------------


def test_terminal_statuses() -> None:
    assert frozenset({S.SUCCESS, S.FAILED, S.FAILED_VALIDATION, S.CANCELLED}) == TERMINAL_STATUSES


def test_active_statuses() -> None:
    assert (
        frozenset(
            {S.QUEUED, S.STARTED, S.VALIDATING, S.VALIDATED, S.RUNNING, S.CANCELLATION_REQUESTED}
        )
        == ACTIVE_STATUSES
    )


def test_failed_statuses() -> None:
    assert frozenset({S.FAILED, S.FAILED_VALIDATION}) == FAILED_STATUSES


def test_terminal_and_active_split_the_ten_statuses() -> None:
    assert frozenset(S) == TERMINAL_STATUSES | ACTIVE_STATUSES
    assert TERMINAL_STATUSES.isdisjoint(ACTIVE_STATUSES)
    assert len(frozenset(S)) == 10


def test_failed_statuses_are_terminal() -> None:
    assert FAILED_STATUSES < TERMINAL_STATUSES


def test_status_groups_names_and_members() -> None:
    assert dict(STATUS_GROUPS) == {
        "all": frozenset(S),
        "terminal": TERMINAL_STATUSES,
        "active": ACTIVE_STATUSES,
        "failed": FAILED_STATUSES,
    }


def test_status_groups_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        STATUS_GROUPS["done"] = TERMINAL_STATUSES  # type: ignore[index]


# --- the transition graph --------------------------------------------------------------------


def test_transitions_know_every_status() -> None:
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(
    ("status", "successors"),
    [
        pytest.param(
            S.QUEUED,
            {S.VALIDATING, S.STARTED, S.RUNNING, S.CANCELLATION_REQUESTED, S.CANCELLED},
            id="QUEUED-fresh-and-requeued-merged",
        ),
        pytest.param(
            S.VALIDATING,
            {S.VALIDATED, S.FAILED_VALIDATION, S.CANCELLATION_REQUESTED, S.CANCELLED},
            id="VALIDATING",
        ),
        pytest.param(
            S.VALIDATED, {S.QUEUED, S.CANCELLATION_REQUESTED, S.CANCELLED}, id="VALIDATED"
        ),
        pytest.param(S.STARTED, {S.RUNNING, S.CANCELLATION_REQUESTED, S.CANCELLED}, id="STARTED"),
        pytest.param(S.RUNNING, {S.SUCCESS, S.FAILED, S.CANCELLATION_REQUESTED}, id="RUNNING"),
        pytest.param(S.CANCELLATION_REQUESTED, {S.CANCELLED}, id="CANCELLATION_REQUESTED"),
        pytest.param(S.SUCCESS, set(), id="SUCCESS"),
        pytest.param(S.FAILED, set(), id="FAILED"),
        pytest.param(S.FAILED_VALIDATION, set(), id="FAILED_VALIDATION"),
        pytest.param(S.CANCELLED, set(), id="CANCELLED"),
    ],
)
def test_successors_of_each_status(
    status: ClassifierJobOutStatus, successors: set[ClassifierJobOutStatus]
) -> None:
    assert TRANSITIONS[status] == successors


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES), ids=str)
def test_terminal_statuses_have_no_successor(status: ClassifierJobOutStatus) -> None:
    assert TRANSITIONS[status] == frozenset()


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pytest.param(S.QUEUED, S.VALIDATING, id="QUEUED->VALIDATING"),
        pytest.param(S.VALIDATING, S.VALIDATED, id="VALIDATING->VALIDATED"),
        pytest.param(S.VALIDATED, S.QUEUED, id="VALIDATED->QUEUED"),
        pytest.param(S.QUEUED, S.RUNNING, id="QUEUED->RUNNING"),
        pytest.param(S.RUNNING, S.SUCCESS, id="RUNNING->SUCCESS"),
        pytest.param(S.VALIDATING, S.FAILED_VALIDATION, id="VALIDATING->FAILED_VALIDATION"),
        pytest.param(S.RUNNING, S.FAILED, id="RUNNING->FAILED"),
        pytest.param(S.QUEUED, S.CANCELLATION_REQUESTED, id="QUEUED->CANCELLATION_REQUESTED"),
        pytest.param(S.STARTED, S.CANCELLATION_REQUESTED, id="STARTED->CANCELLATION_REQUESTED"),
        pytest.param(
            S.VALIDATING, S.CANCELLATION_REQUESTED, id="VALIDATING->CANCELLATION_REQUESTED"
        ),
        pytest.param(S.VALIDATED, S.CANCELLATION_REQUESTED, id="VALIDATED->CANCELLATION_REQUESTED"),
        pytest.param(S.RUNNING, S.CANCELLATION_REQUESTED, id="RUNNING->CANCELLATION_REQUESTED"),
        pytest.param(S.CANCELLATION_REQUESTED, S.CANCELLED, id="CANCELLATION_REQUESTED->CANCELLED"),
        pytest.param(S.QUEUED, S.CANCELLED, id="QUEUED->CANCELLED"),
        pytest.param(S.VALIDATING, S.CANCELLED, id="VALIDATING->CANCELLED"),
        pytest.param(S.VALIDATED, S.CANCELLED, id="VALIDATED->CANCELLED"),
        pytest.param(S.STARTED, S.CANCELLED, id="STARTED->CANCELLED"),
        pytest.param(S.QUEUED, S.STARTED, id="QUEUED->STARTED"),
        pytest.param(S.STARTED, S.RUNNING, id="STARTED->RUNNING"),
    ],
)
def test_documented_edge_exists(
    source: ClassifierJobOutStatus, target: ClassifierJobOutStatus
) -> None:
    assert target in TRANSITIONS[source]


def test_every_active_status_but_itself_may_request_cancellation() -> None:
    # CANCELLATION_REQUESTED does not loop on itself: its only way on is CANCELLED.
    assert {
        status for status in S if S.CANCELLATION_REQUESTED in TRANSITIONS[status]
    } == ACTIVE_STATUSES - {S.CANCELLATION_REQUESTED}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pytest.param(S.RUNNING, S.CANCELLED, id="RUNNING->CANCELLED-directly"),
        pytest.param(S.VALIDATED, S.RUNNING, id="VALIDATED->RUNNING-directly"),
        pytest.param(S.VALIDATED, S.STARTED, id="VALIDATED->STARTED-directly"),
        pytest.param(S.SUCCESS, S.QUEUED, id="SUCCESS->QUEUED"),
        pytest.param(S.SUCCESS, S.RUNNING, id="SUCCESS->RUNNING"),
        pytest.param(S.SUCCESS, S.CANCELLED, id="SUCCESS->CANCELLED"),
        pytest.param(S.CANCELLED, S.QUEUED, id="CANCELLED->QUEUED"),
        pytest.param(S.FAILED_VALIDATION, S.VALIDATING, id="FAILED_VALIDATION->VALIDATING"),
        pytest.param(S.FAILED, S.RUNNING, id="FAILED->RUNNING"),
        pytest.param(S.VALIDATING, S.RUNNING, id="VALIDATING->RUNNING"),
        pytest.param(S.CANCELLATION_REQUESTED, S.RUNNING, id="CANCELLATION_REQUESTED->RUNNING"),
    ],
)
def test_forbidden_edge_is_absent(
    source: ClassifierJobOutStatus, target: ClassifierJobOutStatus
) -> None:
    assert target not in TRANSITIONS[source]


@pytest.mark.parametrize("status", list(S), ids=str)
def test_no_status_moves_to_itself(status: ClassifierJobOutStatus) -> None:
    assert status not in TRANSITIONS[status]


# --- parse_status ----------------------------------------------------------------------------


def test_parse_status_returns_a_member_unchanged() -> None:
    assert parse_status(S.RUNNING) is S.RUNNING


@pytest.mark.parametrize("status", list(S), ids=str)
def test_parse_status_reads_each_value(status: ClassifierJobOutStatus) -> None:
    assert parse_status(status.value) is status


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("DONE", "'DONE'", id="unknown-word"),
        pytest.param("queued", "'queued' (did you mean 'QUEUED'?)", id="wrong-case"),
        pytest.param("RUNING", "'RUNING' (did you mean 'RUNNING'?)", id="misspelt"),
        pytest.param("CANCELED", "'CANCELED' (did you mean 'CANCELLED'?)", id="us-spelling"),
        pytest.param("", "''", id="empty"),
    ],
)
def test_parse_status_names_the_closest_and_lists_the_ten_statuses(value: str, shown: str) -> None:
    with pytest.raises(ValueError, match=r"^unknown job status") as info:
        parse_status(value)

    assert str(info.value) == f"unknown job status {shown}; expected one of {ALL_NAMES}"
    assert info.value.__suppress_context__


@pytest.mark.parametrize("value", [3, None, b"RUNNING"], ids=["int", "None", "bytes"])
def test_parse_status_of_no_string_is_a_type_error(value: object) -> None:
    with pytest.raises(TypeError) as info:
        parse_status(value)  # type: ignore[arg-type]

    assert str(info.value) == (
        "a job status is a ClassifierJobOutStatus or its name, such as 'RUNNING', "
        f"not {type(value).__name__} {value!r}"
    )


# --- Progress --------------------------------------------------------------------------------


def _flags(progress: Progress) -> tuple[ClassifierJobOutStatus, bool, bool, bool, bool]:
    """``(status, validated, started, ran, requeued)``."""
    return (progress.status, progress.validated, progress.started, progress.ran, progress.requeued)


def test_a_new_job_is_fresh_and_queued() -> None:
    assert _flags(Progress()) == (S.QUEUED, False, False, False, False)


@pytest.mark.parametrize(
    ("path", "flags"),
    [
        pytest.param((), (S.QUEUED, False, False, False, False), id="created"),
        pytest.param(("VALIDATING",), (S.VALIDATING, False, False, False, False), id="validating"),
        pytest.param(
            ("VALIDATING", "VALIDATED"), (S.VALIDATED, True, False, False, False), id="validated"
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED"),
            (S.QUEUED, True, True, False, True),
            id="started",
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "RUNNING"),
            (S.RUNNING, True, True, True, False),
            id="running",
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"),
            (S.SUCCESS, True, True, True, False),
            id="succeeded",
        ),
    ],
)
def test_the_observed_flow(
    path: tuple[str, ...], flags: tuple[ClassifierJobOutStatus, bool, bool, bool, bool]
) -> None:
    assert _flags(Progress().walk(path)) == flags


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(("VALIDATING", "VALIDATED", "QUEUED", "RUNNING"), id="requeued-then-running"),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "STARTED", "RUNNING"), id="through-STARTED"
        ),
    ],
)
def test_the_auto_start_path(path: tuple[str, ...]) -> None:
    assert Progress().walk(path) == Progress(
        status=S.RUNNING, validated=True, started=True, ran=True
    )


def test_started_is_not_requeued() -> None:
    progress = Progress().walk(["VALIDATING", "VALIDATED", "QUEUED", "STARTED"])

    assert _flags(progress) == (S.STARTED, True, True, False, False)


@pytest.mark.parametrize(
    ("path", "started"),
    [
        pytest.param((), False, id="fresh-QUEUED"),
        pytest.param(("VALIDATING", "VALIDATED"), False, id="VALIDATED-not-yet-started"),
        pytest.param(("VALIDATING", "VALIDATED", "QUEUED"), True, id="re-queued"),
        pytest.param(("VALIDATING", "VALIDATED", "QUEUED", "STARTED"), True, id="STARTED"),
        pytest.param(("VALIDATING", "VALIDATED", "QUEUED", "RUNNING"), True, id="RUNNING"),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "CANCELLED"),
            True,
            id="cancelled-after-re-queue",
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "STARTED", "CANCELLATION_REQUESTED", "CANCELLED"),
            True,
            id="cancelled-after-STARTED",
        ),
        pytest.param(("CANCELLED",), False, id="cancelled-while-fresh"),
        pytest.param(
            ("VALIDATING", "VALIDATED", "CANCELLED"), False, id="cancelled-before-re-queue"
        ),
    ],
)
def test_started_is_set_by_the_requeue_after_validation_and_kept(
    path: tuple[str, ...], started: bool
) -> None:
    assert Progress().walk(path).started is started


@pytest.mark.parametrize(
    ("status", "validated", "started", "ran"),
    [
        pytest.param(S.QUEUED, False, False, False, id="QUEUED"),
        pytest.param(S.VALIDATING, False, False, False, id="VALIDATING"),
        pytest.param(S.FAILED_VALIDATION, False, False, False, id="FAILED_VALIDATION"),
        pytest.param(S.VALIDATED, True, False, False, id="VALIDATED"),
        pytest.param(S.STARTED, True, True, False, id="STARTED"),
        pytest.param(S.RUNNING, True, True, True, id="RUNNING"),
        pytest.param(S.SUCCESS, True, True, True, id="SUCCESS"),
        pytest.param(S.FAILED, True, True, True, id="FAILED"),
        # A cancellation does not tell how far the job got: the flags are left False.
        pytest.param(S.CANCELLATION_REQUESTED, False, False, False, id="CANCELLATION_REQUESTED"),
        pytest.param(S.CANCELLED, False, False, False, id="CANCELLED"),
    ],
)
def test_progress_flags_default_to_what_the_status_implies(
    status: ClassifierJobOutStatus, validated: bool, started: bool, ran: bool
) -> None:
    progress = Progress(status=status)

    assert (progress.validated, progress.started, progress.ran) == (validated, started, ran)


def test_progress_flags_given_explicitly_win_over_the_status() -> None:
    progress = Progress(status=S.CANCELLED, validated=True, started=True, ran=True)

    assert (progress.validated, progress.started, progress.ran) == (True, True, True)
    assert Progress(status=S.RUNNING, ran=False).ran is False


@pytest.mark.parametrize(
    ("path", "validated", "started", "ran"),
    [
        pytest.param(("CANCELLED",), False, False, False, id="fresh-QUEUED->CANCELLED"),
        pytest.param(
            ("VALIDATING", "CANCELLATION_REQUESTED", "CANCELLED"),
            False,
            False,
            False,
            id="VALIDATING->CANCELLATION_REQUESTED->CANCELLED",
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "CANCELLED"), True, False, False, id="VALIDATED->CANCELLED"
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "CANCELLED"),
            True,
            True,
            False,
            id="re-queued-QUEUED->CANCELLED",
        ),
        pytest.param(
            ("VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "CANCELLATION_REQUESTED", "CANCELLED"),
            True,
            True,
            True,
            id="RUNNING->CANCELLATION_REQUESTED->CANCELLED",
        ),
    ],
)
def test_cancellation_keeps_what_the_job_went_through(
    path: tuple[str, ...], validated: bool, started: bool, ran: bool
) -> None:
    assert Progress().walk(path) == Progress(
        status=S.CANCELLED, validated=validated, started=started, ran=ran
    )


@pytest.mark.parametrize(
    ("progress", "allowed"),
    [
        pytest.param(Progress(), {S.VALIDATING, S.CANCELLATION_REQUESTED, S.CANCELLED}, id="fresh"),
        pytest.param(
            Progress(validated=True, started=True),
            {S.STARTED, S.RUNNING, S.CANCELLATION_REQUESTED, S.CANCELLED},
            id="requeued",
        ),
        pytest.param(
            Progress(status=S.RUNNING),
            {S.SUCCESS, S.FAILED, S.CANCELLATION_REQUESTED},
            id="RUNNING",
        ),
        pytest.param(Progress(status=S.SUCCESS), set(), id="SUCCESS"),
    ],
)
def test_next_statuses(progress: Progress, allowed: set[ClassifierJobOutStatus]) -> None:
    assert progress.next_statuses() == allowed


def test_a_fresh_queued_job_cannot_run() -> None:
    with pytest.raises(IllegalTransitionError) as info:
        Progress().advance(S.RUNNING)

    assert str(info.value) == (
        "a QUEUED job cannot move to RUNNING; "
        "allowed next: CANCELLATION_REQUESTED, CANCELLED, VALIDATING"
    )


def test_a_requeued_job_cannot_be_validated_again() -> None:
    requeued = Progress().walk(["VALIDATING", "VALIDATED", "QUEUED"])

    with pytest.raises(IllegalTransitionError) as info:
        requeued.advance("VALIDATING")

    assert str(info.value) == (
        "a re-queued QUEUED job cannot move to VALIDATING; "
        "allowed next: CANCELLATION_REQUESTED, CANCELLED, RUNNING, STARTED"
    )


@pytest.mark.parametrize(
    ("progress", "target", "message"),
    [
        pytest.param(
            Progress(status=S.RUNNING, validated=True, ran=True),
            S.CANCELLED,
            "a RUNNING job cannot move to CANCELLED; "
            "allowed next: CANCELLATION_REQUESTED, FAILED, SUCCESS",
            id="RUNNING->CANCELLED",
        ),
        pytest.param(
            Progress(status=S.VALIDATED, validated=True),
            S.RUNNING,
            "a VALIDATED job cannot move to RUNNING; "
            "allowed next: CANCELLATION_REQUESTED, CANCELLED, QUEUED",
            id="VALIDATED->RUNNING",
        ),
        pytest.param(
            Progress(status=S.CANCELLATION_REQUESTED),
            S.CANCELLATION_REQUESTED,
            "a CANCELLATION_REQUESTED job cannot move to CANCELLATION_REQUESTED; "
            "allowed next: CANCELLED",
            id="CANCELLATION_REQUESTED->itself",
        ),
        pytest.param(
            Progress(status=S.SUCCESS, validated=True, ran=True),
            S.QUEUED,
            "a SUCCESS job cannot move to QUEUED; allowed next: none: it is terminal",
            id="SUCCESS->QUEUED",
        ),
        pytest.param(
            Progress(status=S.FAILED, validated=True, ran=True),
            S.RUNNING,
            "a FAILED job cannot move to RUNNING; allowed next: none: it is terminal",
            id="FAILED->RUNNING",
        ),
        pytest.param(
            Progress(status=S.FAILED_VALIDATION),
            S.VALIDATING,
            "a FAILED_VALIDATION job cannot move to VALIDATING; allowed next: none: it is terminal",
            id="FAILED_VALIDATION->VALIDATING",
        ),
        pytest.param(
            Progress(status=S.CANCELLED),
            S.CANCELLED,
            "a CANCELLED job cannot move to CANCELLED; allowed next: none: it is terminal",
            id="CANCELLED->CANCELLED",
        ),
    ],
)
def test_illegal_transition_message(
    progress: Progress, target: ClassifierJobOutStatus, message: str
) -> None:
    with pytest.raises(IllegalTransitionError) as info:
        progress.advance(target)

    assert str(info.value) == message


def test_illegal_transition_error_is_a_value_error() -> None:
    assert issubclass(IllegalTransitionError, ValueError)
    with pytest.raises(ValueError, match=r"^a QUEUED job cannot move to SUCCESS; "):
        Progress().advance("SUCCESS")


def test_advance_to_an_unknown_status_is_a_plain_value_error() -> None:
    with pytest.raises(ValueError, match=r"^unknown job status") as info:
        Progress().advance("DONE")

    assert not isinstance(info.value, IllegalTransitionError)
    assert str(info.value) == f"unknown job status 'DONE'; expected one of {ALL_NAMES}"


def test_advance_returns_a_new_progress() -> None:
    fresh = Progress()

    fresh.advance("VALIDATING")

    assert fresh == Progress()


def test_walk_of_nothing_stays_put() -> None:
    progress = Progress(status=S.VALIDATED, validated=True)

    assert progress.walk([]) == progress


def test_walk_stops_at_the_first_illegal_step() -> None:
    with pytest.raises(
        IllegalTransitionError,
        match=r"^a VALIDATED job cannot move to RUNNING; ",
    ):
        Progress().walk(["VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"])


def test_walk_accepts_members_and_strings() -> None:
    assert Progress().walk([S.VALIDATING, "VALIDATED"]) == Progress(
        status=S.VALIDATED, validated=True
    )


@pytest.mark.parametrize(
    "status",
    [pytest.param("RUNNING", id="string"), pytest.param(S.RUNNING, id="member")],
)
def test_progress_converts_its_status(status: ClassifierJobOutStatus | str) -> None:
    assert Progress(status=status).status is S.RUNNING


def test_progress_rejects_an_unknown_status() -> None:
    with pytest.raises(ValueError, match=r"^unknown job status 'DONE'; expected one of 'QUEUED', "):
        Progress(status="DONE")


def test_progress_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Progress().status = S.RUNNING  # type: ignore[misc]


def test_progress_built_at_validated_counts_as_validated() -> None:
    progress = Progress(status="VALIDATED")

    assert progress.validated
    assert progress.walk(["QUEUED", "RUNNING"]).status is S.RUNNING


# --- coherent jobs from the factories --------------------------------------------------------


@pytest.mark.parametrize("status", list(S), ids=str)
def test_detailed_factory_builds_coherent_jobs(status: ClassifierJobOutStatus) -> None:
    ClassifierDetailedJobOutFactory.seed_random(SEED)
    jobs = ClassifierDetailedJobOutFactory.batch(200, status=status)

    assert {job.status for job in jobs} == {status}
    assert {job.id: v for job in jobs if (v := coherence_violations(job))} == {}


@pytest.mark.parametrize("status", list(S), ids=str)
def test_short_factory_builds_coherent_jobs(status: ClassifierJobOutStatus) -> None:
    ClassifierJobOutFactory.seed_random(SEED)
    jobs = ClassifierJobOutFactory.batch(200, status=status)

    assert {type(job) for job in jobs} == {ClassifierJobOut}
    assert {job.status for job in jobs} == {status}
    assert {job.id: v for job in jobs if (v := coherence_violations(job))} == {}


@pytest.fixture(scope="module")
def coverage_jobs() -> list[ClassifierDetailedJobOut]:
    ClassifierDetailedJobOutFactory.seed_random(SEED)
    return list(ClassifierDetailedJobOutFactory.coverage())


@pytest.mark.parametrize(
    ("index", "status", "nullables_set"),
    [
        pytest.param(2 * number + set_, status, bool(set_), id=f"{status}-{variant}")
        for number, status in enumerate(S)
        for set_, variant in enumerate(("nulls", "all-set"))
    ],
)
def test_every_coverage_job_is_coherent(
    coverage_jobs: list[ClassifierDetailedJobOut],
    index: int,
    status: ClassifierJobOutStatus,
    nullables_set: bool,
) -> None:
    job = coverage_jobs[index]

    assert (job.status, job.suffix is not None) == (status, nullables_set)
    assert coherence_violations(job) == []


# --- coherent base jobs, each built from a fixed seed ----------------------------------------


def _build(status: ClassifierJobOutStatus, **overrides: Any) -> Job:
    ClassifierDetailedJobOutFactory.seed_random(SEED)
    job = ClassifierDetailedJobOutFactory.build(
        status=status,
        id=JOB_ID,
        model=MODEL,
        created_at=CREATED_AT,
        hyperparameters={"training_steps": STEPS},
        **overrides,
    )
    assert coherence_violations(job) == []
    return job


def _coherent(job: Job) -> Job:
    assert coherence_violations(job) == []
    return job


def _with_url(job: Job, url: str | None) -> Job:
    return attrs.evolve(job, integrations=[WandbIntegrationOut(project="ft-exp", url=url)])


def _metadata(job: ClassifierJobOut, **changes: Any) -> JobMetadataOut:
    assert job.metadata is not None
    return attrs.evolve(job.metadata, **changes)


def _status_events(job: Job) -> list[str]:
    return [str((event.data or {})["status"]) for event in job.events]


def _checkpoint(step: int, created_at: int) -> CheckpointOut:
    return CheckpointOut(metrics=MetricOut(train_loss=0.5), step_number=step, created_at=created_at)


def fresh_queued() -> Job:
    """Just created: one QUEUED event, nothing estimated."""
    job = _build(S.VALIDATING)
    return _coherent(
        attrs.evolve(job, status=S.QUEUED, modified_at=CREATED_AT, events=job.events[:1])
    )


def validating() -> Job:
    return _build(S.VALIDATING)


def validated() -> Job:
    return _build(S.VALIDATED)


def requeued() -> Job:
    """Validated, then started: back to QUEUED without an event, with an estimated start."""
    job = validated()
    later = job.modified_at + 60
    return _coherent(
        attrs.evolve(
            job,
            status=S.QUEUED,
            modified_at=later,
            metadata=_metadata(job, estimated_start_time=later + 120),
        )
    )


def started() -> Job:
    return _build(S.STARTED)


def running() -> Job:
    return _coherent(_with_url(_build(S.RUNNING), RUN_URL))


def succeeded() -> Job:
    return _coherent(_with_url(_build(S.SUCCESS), RUN_URL))


def failed() -> Job:
    return _coherent(_with_url(_build(S.FAILED), RUN_URL))


def test_the_base_jobs_are_what_their_names_say() -> None:
    assert _status_events(fresh_queued()) == ["QUEUED"]
    assert _status_events(requeued()) == ["QUEUED", "VALIDATING", "VALIDATED"]
    assert _status_events(started()) == ["QUEUED", "VALIDATING", "VALIDATED", "STARTED"]
    assert _status_events(running()) == ["QUEUED", "VALIDATING", "VALIDATED", "RUNNING"]
    job = succeeded()
    assert job.fine_tuned_model is not None
    assert job.fine_tuned_model.startswith(f"ft:classifier:{MODEL}:")
    assert job.fine_tuned_model.endswith(":20250416:db22ea7e")
    assert [c.step_number for c in job.checkpoints] == list(range(STEPS, 0, -1))


def _check(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    assert coherence_violations(breaker(base())) == expected


# --- coherence: times, files, outcome --------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            fresh_queued,
            # The short form, so that no event is left after the new modified_at.
            lambda job: attrs.evolve(job.summary(), modified_at=CREATED_AT - 1),
            ["modified_at is before created_at"],
            id="modified_at-before-created_at",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, training_files=[]),
            ["training_files is empty; the server requires at least one"],
            id="training_files-empty",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(job, fine_tuned_model=None),
            ["fine_tuned_model must be set at SUCCESS"],
            id="fine_tuned_model-missing-at-SUCCESS",
        ),
        pytest.param(
            fresh_queued,
            lambda job: attrs.evolve(job, fine_tuned_model=FINE_TUNED_MODEL),
            ["fine_tuned_model must be null when the status is QUEUED"],
            id="fine_tuned_model-present-at-QUEUED",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(
                job, fine_tuned_model="ft:classifier:ministral-8b-latest:8e2706f0:20250416:db22ea7e"
            ),
            [
                "fine_tuned_model 'ft:classifier:ministral-8b-latest:8e2706f0:20250416:db22ea7e' "
                "is not 'ft:classifier:ministral-3b-latest:<8 hex>:20250416:db22ea7e'"
            ],
            id="fine_tuned_model-wrong-model",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(
                job, fine_tuned_model=f"ft:classifier:{MODEL}:8e2706f0:20250415:db22ea7e"
            ),
            [
                f"fine_tuned_model 'ft:classifier:{MODEL}:8e2706f0:20250415:db22ea7e' "
                f"is not 'ft:classifier:{MODEL}:<8 hex>:20250416:db22ea7e'"
            ],
            id="fine_tuned_model-wrong-date",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(
                job, fine_tuned_model=f"ft:classifier:{MODEL}:8e2706f0:20250416:db22ea7f"
            ),
            [
                f"fine_tuned_model 'ft:classifier:{MODEL}:8e2706f0:20250416:db22ea7f' "
                f"is not 'ft:classifier:{MODEL}:<8 hex>:20250416:db22ea7e'"
            ],
            id="fine_tuned_model-wrong-id-prefix",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(
                job, fine_tuned_model=f"ft:classifier:{MODEL}:8E2706F0:20250416:db22ea7e"
            ),
            [
                f"fine_tuned_model 'ft:classifier:{MODEL}:8E2706F0:20250416:db22ea7e' "
                f"is not 'ft:classifier:{MODEL}:<8 hex>:20250416:db22ea7e'"
            ],
            id="fine_tuned_model-account-not-lowercase-hex",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(job, fine_tuned_model="my-classifier"),
            [
                "fine_tuned_model 'my-classifier' "
                f"is not 'ft:classifier:{MODEL}:<8 hex>:20250416:db22ea7e'"
            ],
            id="fine_tuned_model-not-the-pattern",
        ),
        pytest.param(
            fresh_queued,
            lambda job: attrs.evolve(job, fine_tuned_model="my-classifier"),
            [
                "fine_tuned_model must be null when the status is QUEUED",
                "fine_tuned_model 'my-classifier' "
                f"is not 'ft:classifier:{MODEL}:<8 hex>:20250416:db22ea7e'",
            ],
            id="fine_tuned_model-malformed-and-early",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(job, trained_tokens=None),
            ["trained_tokens must be set at SUCCESS"],
            id="trained_tokens-missing-at-SUCCESS",
        ),
        pytest.param(
            failed,
            lambda job: attrs.evolve(job, trained_tokens=655360),
            ["trained_tokens must be null when the status is FAILED"],
            id="trained_tokens-present-at-FAILED",
        ),
    ],
)
def test_times_files_and_outcome(
    base: Callable[[], Job], breaker: Breaker, expected: list[str]
) -> None:
    _check(base, breaker, expected)


def test_fine_tuned_model_of_the_observed_sample_is_well_formed() -> None:
    job = attrs.evolve(succeeded(), fine_tuned_model=FINE_TUNED_MODEL)

    assert coherence_violations(job) == []


# --- coherence: hyperparameters --------------------------------------------------------------


def _hp(**changes: Any) -> Breaker:
    return lambda job: attrs.evolve(
        job, hyperparameters=attrs.evolve(job.hyperparameters, **changes)
    )


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            validated,
            _hp(learning_rate=0.0),
            ["hyperparameters.learning_rate 0.0 is outside [1e-08, 1.0]"],
            id="learning_rate-below",
        ),
        pytest.param(
            validated,
            _hp(learning_rate=1.5),
            ["hyperparameters.learning_rate 1.5 is outside [1e-08, 1.0]"],
            id="learning_rate-above",
        ),
        pytest.param(
            validated,
            _hp(weight_decay=-0.1),
            ["hyperparameters.weight_decay -0.1 is outside [0.0, 1.0]"],
            id="weight_decay-below",
        ),
        pytest.param(
            validated,
            _hp(weight_decay=1.1),
            ["hyperparameters.weight_decay 1.1 is outside [0.0, 1.0]"],
            id="weight_decay-above",
        ),
        pytest.param(
            validated,
            _hp(warmup_fraction=-0.05),
            ["hyperparameters.warmup_fraction -0.05 is outside [0.0, 1.0]"],
            id="warmup_fraction-below",
        ),
        pytest.param(
            validated,
            _hp(warmup_fraction=1.05),
            ["hyperparameters.warmup_fraction 1.05 is outside [0.0, 1.0]"],
            id="warmup_fraction-above",
        ),
        pytest.param(
            validated,
            _hp(training_steps=0),
            ["hyperparameters.training_steps 0 is below 1"],
            id="training_steps-0",
        ),
        pytest.param(
            validated,
            _hp(seq_len=None),
            ["hyperparameters.seq_len None is not an integer >= 100"],
            id="seq_len-None",
        ),
        pytest.param(
            validated,
            _hp(seq_len=99),
            ["hyperparameters.seq_len 99 is not an integer >= 100"],
            id="seq_len-99",
        ),
        pytest.param(
            validated,
            _hp(epochs=None),
            ["hyperparameters.epochs must be positive once the job is validated"],
            id="epochs-missing-after-validation",
        ),
        pytest.param(
            succeeded,
            _hp(epochs=0.0),
            ["hyperparameters.epochs must be positive once the job is validated"],
            id="epochs-0-after-validation",
        ),
        pytest.param(
            validating,
            _hp(epochs=1.5),
            [
                "hyperparameters.epochs must be null before validation, unless the job was "
                "asked for epochs instead of training_steps"
            ],
            id="epochs-present-before-validation",
        ),
        pytest.param(
            fresh_queued,
            _hp(epochs=1.5),
            [
                "hyperparameters.epochs must be null before validation, unless the job was "
                "asked for epochs instead of training_steps"
            ],
            id="epochs-present-at-fresh-QUEUED",
        ),
    ],
)
def test_hyperparameters(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    _check(base, breaker, expected)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"learning_rate": 1e-8}, id="learning_rate-lowest"),
        pytest.param({"learning_rate": 1.0}, id="learning_rate-highest"),
        pytest.param({"weight_decay": 0.0, "warmup_fraction": 0.0}, id="zero-decay-and-warmup"),
        pytest.param({"weight_decay": 1.0, "warmup_fraction": 1.0}, id="full-decay-and-warmup"),
        pytest.param({"weight_decay": None, "warmup_fraction": None}, id="unset-decay-and-warmup"),
        pytest.param({"training_steps": 1}, id="one-training-step"),
        pytest.param({"training_steps": None}, id="training_steps-left-to-the-server"),
        pytest.param({"seq_len": 100}, id="seq_len-100"),
    ],
)
def test_hyperparameters_on_the_bounds_are_coherent(changes: dict[str, Any]) -> None:
    assert coherence_violations(_hp(**changes)(validated())) == []


# --- coherence: metadata ---------------------------------------------------------------------


def _meta(**changes: Any) -> Breaker:
    return lambda job: attrs.evolve(job, metadata=_metadata(job, **changes))


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            requeued,
            lambda job: attrs.evolve(job, metadata=None),
            ["metadata is null; the server always sends it"],
            id="metadata-None",
        ),
        pytest.param(
            fresh_queued,
            lambda job: attrs.evolve(job, metadata=None),
            ["metadata is null; the server always sends it"],
            id="metadata-None-before-validation",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, metadata=JobMetadataOut(cost=3.28)),
            [
                "metadata lacks expected_duration_seconds, cost_currency, train_tokens_per_step, "
                "train_tokens, data_tokens although the job is validated"
            ],
            id="estimate-fields-all-missing-after-validation",
        ),
        pytest.param(
            succeeded,
            _meta(cost_currency=None),
            ["metadata lacks cost_currency although the job is validated"],
            id="cost_currency-missing-after-validation",
        ),
        pytest.param(
            validated,
            _meta(cost=0.0),
            ["metadata.cost must be positive once the job is validated"],
            id="cost-0-after-validation",
        ),
        pytest.param(
            validated,
            _meta(cost=None),
            ["metadata.cost must be positive once the job is validated"],
            id="cost-None-after-validation",
        ),
        pytest.param(
            validating,
            _meta(data_tokens=1_459_660),
            ["metadata must be {cost: 0.0} with nothing else before validation"],
            id="estimate-present-before-validation",
        ),
        pytest.param(
            fresh_queued,
            _meta(cost=0.75),
            ["metadata must be {cost: 0.0} with nothing else before validation"],
            id="cost-positive-before-validation",
        ),
        pytest.param(
            fresh_queued,
            _meta(cost=None),
            ["metadata must be {cost: 0.0} with nothing else before validation"],
            id="cost-None-before-validation",
        ),
        # A null estimate after the re-queue is coherent: two of the three recorded classifier
        # jobs had estimated_start_time null after start (cookbook, 2025-04-16).
        pytest.param(
            requeued,
            _meta(estimated_start_time=None),
            [],
            id="estimated_start_time-null-once-requeued-is-coherent",
        ),
        pytest.param(
            started,
            _meta(estimated_start_time=None),
            [],
            id="estimated_start_time-null-at-STARTED-is-coherent",
        ),
        pytest.param(
            running,
            _meta(estimated_start_time=None),
            [],
            id="estimated_start_time-null-once-ran-is-coherent",
        ),
        pytest.param(
            validating,
            _meta(estimated_start_time=CREATED_AT + 600),
            ["metadata.estimated_start_time must be null before validation"],
            id="estimated_start_time-present-before-validation",
        ),
    ],
)
def test_metadata(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    _check(base, breaker, expected)


def _cancelled_after(job: Job, *statuses: str) -> Job:
    """Cancel ``job``: its status is ``CANCELLED``, with an event to each of ``statuses``."""
    events = [
        EventOut(name="status-updated", created_at=job.modified_at, data={"status": status})
        for status in (*statuses, "CANCELLED")
    ]
    return attrs.evolve(job, status=S.CANCELLED, events=[*job.events, *events])


@pytest.mark.parametrize(
    "statuses",
    [pytest.param((), id="directly"), pytest.param(("CANCELLATION_REQUESTED",), id="on-request")],
)
def test_a_job_cancelled_after_started_may_have_a_null_estimated_start_time(
    statuses: tuple[str, ...],
) -> None:
    job = _cancelled_after(started(), *statuses)

    assert _status_events(job) == [
        "QUEUED",
        "VALIDATING",
        "VALIDATED",
        "STARTED",
        *statuses,
        "CANCELLED",
    ]
    assert coherence_violations(job) == []
    # Set after the re-queue, or null as in two of the three recorded jobs: both coherent.
    assert coherence_violations(_meta(estimated_start_time=job.modified_at + 60)(job)) == []
    assert coherence_violations(_meta(estimated_start_time=None)(job)) == []
    # An estimate from before the validation is not: the job was still unvalidated then.
    unvalidated = _cancelled_after(fresh_queued())
    assert coherence_violations(_meta(estimated_start_time=CREATED_AT + 600)(unvalidated)) == [
        "metadata.estimated_start_time must be null before validation"
    ]


def test_estimated_start_time_is_null_while_validated_and_waiting() -> None:
    job = validated()

    assert job.metadata == _metadata(job, estimated_start_time=None)
    assert coherence_violations(job) == []


# --- coherence: ranges --------------------------------------------------------------------


def _first_metrics(**changes: Any) -> Breaker:
    def breaker(job: Job) -> Job:
        newest, *older = job.checkpoints
        metrics = attrs.evolve(newest.metrics, **changes)
        return attrs.evolve(job, checkpoints=[attrs.evolve(newest, metrics=metrics), *older])

    return breaker


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(job, trained_tokens=-1_638_400),
            ["trained_tokens -1638400 is below 0"],
            id="trained_tokens",
        ),
        pytest.param(
            validated,
            _meta(train_tokens=-655_360),
            ["metadata.train_tokens -655360 is below 0"],
            id="train_tokens",
        ),
        pytest.param(
            validated,
            _meta(train_tokens_per_step=-65_536),
            ["metadata.train_tokens_per_step -65536 is below 0"],
            id="train_tokens_per_step",
        ),
        pytest.param(
            validated,
            _meta(data_tokens=-1),
            ["metadata.data_tokens -1 is below 0"],
            id="data_tokens",
        ),
        pytest.param(
            validated,
            _meta(expected_duration_seconds=-40),
            ["metadata.expected_duration_seconds -40 is below 0"],
            id="expected_duration_seconds",
        ),
        pytest.param(
            succeeded,
            _first_metrics(train_loss=-0.1),
            ["checkpoints[0].metrics.train_loss -0.1 is below 0.0"],
            id="train_loss",
        ),
        pytest.param(
            succeeded,
            _first_metrics(valid_loss=-0.1, valid_mean_token_accuracy=-0.5),
            [
                "checkpoints[0].metrics.valid_loss -0.1 is below 0.0",
                "checkpoints[0].metrics.valid_mean_token_accuracy -0.5 is below 0.0",
            ],
            id="valid-metrics",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, classifier_targets=[attrs.evolve(TARGET, weight=-1.0)]),
            ["classifier_targets[0].weight -1.0 is below 0.0"],
            id="target-weight",
        ),
        pytest.param(
            fresh_queued,
            _hp(training_steps=None, epochs=-1.0),
            ["hyperparameters.epochs -1.0 is not above 0"],
            id="epochs-asked-for-negative",
        ),
        pytest.param(
            fresh_queued,
            _hp(training_steps=None, epochs=0),
            ["hyperparameters.epochs 0 is not above 0"],
            id="epochs-asked-for-zero",
        ),
        pytest.param(
            validated,
            _hp(training_steps=-5),
            ["hyperparameters.training_steps -5 is below 1"],
            id="training_steps-negative",
        ),
    ],
)
def test_counts_costs_losses_and_weights_are_never_negative(
    base: Callable[[], Job], breaker: Breaker, expected: list[str]
) -> None:
    _check(base, breaker, expected)


@pytest.mark.parametrize(
    ("base", "breaker"),
    [
        pytest.param(
            succeeded, _first_metrics(valid_loss=0.0, valid_mean_token_accuracy=0.0), id="zero"
        ),
        pytest.param(succeeded, _first_metrics(valid_mean_token_accuracy=1.000433), id="above-1"),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, classifier_targets=[attrs.evolve(TARGET, weight=0.0)]),
            id="weight-0",
        ),
        pytest.param(fresh_queued, _hp(training_steps=None, epochs=0.01), id="epochs-asked-for"),
        pytest.param(requeued, _meta(estimated_start_time=-1), id="timestamps-unbounded"),
    ],
)
def test_zero_and_the_observed_values_are_coherent(
    base: Callable[[], Job], breaker: Breaker
) -> None:
    assert coherence_violations(breaker(base())) == []


def test_a_job_walked_with_negative_steps_has_every_derived_count_reported() -> None:
    # What the factory refuses to build (a ValueError) can still be walked by hand: the
    # counts derived from -5 steps are negative, and each is named.
    job = progression.fresh_job(
        id=JOB_ID,
        model=MODEL,
        auto_start=True,
        created_at=CREATED_AT,
        training_files=["file"],
        validation_files=None,
        suffix=None,
        integrations=None,
        hyperparameters=ClassifierTrainingParameters(training_steps=-5, seq_len=16384),
    )
    progress, rng = Progress(), Random(SEED)
    for status in (S.VALIDATING, S.VALIDATED, S.QUEUED, S.RUNNING, S.SUCCESS):
        job, progress = progression.take_step(job, progress, status, rng)

    problems = coherence_violations(job)

    assert job.trained_tokens == -5 * 16384
    assert {
        "trained_tokens -81920 is below 0",
        "hyperparameters.training_steps -5 is below 1",
        "metadata.train_tokens -327680 is below 0",
    } <= set(problems)
    assert any(p.startswith("metadata.expected_duration_seconds -") for p in problems)


def test_bounds_say_what_they_allow() -> None:
    steps = BOUNDS[ClassifierTrainingParameters]["training_steps"]
    assert (0 in steps, 1 in steps, str(steps)) == (False, True, ">= 1")
    epochs = BOUNDS[ClassifierTrainingParameters]["epochs"]
    assert (0 in epochs, 1e-9 in epochs, str(epochs)) == (False, True, "> 0")
    rate = BOUNDS[ClassifierTrainingParameters]["learning_rate"]
    assert (1e-8 in rate, 1.0 in rate, 1.5 in rate, str(rate)) == (
        True,
        True,
        False,
        "in [1e-08, 1.0]",
    )
    assert rate.violation("lr", 2) == "lr 2 is outside [1e-08, 1.0]"
    assert Bound(0).violation("n", -1) == "n -1 is below 0"
    assert Bound(0, open=True).violation("n", 0) == "n 0 is not above 0"
    assert set(BOUNDS) == {
        ClassifierTrainingParameters,
        ClassifierJobOut,
        JobMetadataOut,
        MetricOut,
        CheckpointOut,
        ClassifierTargetOut,
    }
    with pytest.raises(TypeError):
        BOUNDS[ClassifierJobOut]["trained_tokens"] = Bound(1)  # type: ignore[index]


# --- coherence: integrations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            validated,
            lambda job: _with_url(job, RUN_URL),
            ["integrations[0].url is set although the job never ran"],
            id="url-before-the-job-ran",
        ),
        pytest.param(
            requeued,
            lambda job: _with_url(job, RUN_URL),
            ["integrations[0].url is set although the job never ran"],
            id="url-while-requeued",
        ),
        pytest.param(
            succeeded,
            lambda job: _with_url(job, None),
            ["integrations[0].url must be the W&B run URL at SUCCESS"],
            id="url-missing-at-SUCCESS",
        ),
    ],
)
def test_integrations(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    _check(base, breaker, expected)


@pytest.mark.parametrize(
    ("base", "url"),
    [
        pytest.param(validated, None, id="no-url-before-running"),
        pytest.param(running, None, id="no-url-yet-while-running"),
        pytest.param(running, RUN_URL, id="url-while-running"),
        pytest.param(failed, None, id="no-url-at-FAILED"),
    ],
)
def test_integrations_that_are_coherent(base: Callable[[], Job], url: str | None) -> None:
    assert coherence_violations(_with_url(base(), url)) == []


def test_no_integrations_at_all_is_coherent() -> None:
    assert coherence_violations(attrs.evolve(succeeded(), integrations=None)) == []


# --- coherence: history ----------------------------------------------------------------------


def _events(*statuses: str, spacing: int = 5) -> Breaker:
    """Replace the history by ``status-updated`` events to ``statuses``, ``spacing`` apart."""

    def breaker(job: Job) -> Job:
        events = [
            EventOut(
                name="status-updated",
                created_at=job.created_at + spacing * index,
                data={"status": status},
            )
            for index, status in enumerate(statuses)
        ]
        return attrs.evolve(job, events=events)

    return breaker


def _move_event(index: int, created_at: Callable[[Job], int]) -> Breaker:
    def breaker(job: Job) -> Job:
        events = list(job.events)
        events[index] = attrs.evolve(events[index], created_at=created_at(job))
        return attrs.evolve(job, events=events)

    return breaker


def _swap_event_times(job: Job) -> Job:
    first, second = job.events[1], job.events[2]
    events = [
        job.events[0],
        attrs.evolve(first, created_at=second.created_at),
        attrs.evolve(second, created_at=first.created_at),
    ]
    return attrs.evolve(job, events=events)


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            validated,
            _move_event(2, lambda job: job.modified_at + 1),
            ["events[2].created_at is outside [created_at, modified_at]"],
            id="event-after-modified_at",
        ),
        pytest.param(
            validated,
            _move_event(0, lambda job: job.created_at - 1),
            # Only consecutive events are compared: events[0] has no event before it.
            ["events[0].created_at is outside [created_at, modified_at]"],
            id="event-before-created_at",
        ),
        pytest.param(
            validated,
            _swap_event_times,
            ["events[2] is older than the event before it"],
            id="events-out-of-order",
        ),
        pytest.param(
            running,
            lambda job: attrs.evolve(job, events=job.events[1:]),
            ["events do not start with a status-updated event to QUEUED"],
            id="history-starts-with-VALIDATING",
        ),
        pytest.param(
            running,
            lambda job: attrs.evolve(job, events=[]),
            ["events do not start with a status-updated event to QUEUED"],
            id="history-empty",
        ),
        pytest.param(
            # The fallback guesses from the whole job (its metadata tells it was validated and
            # re-queued), not from the status alone, so only the history's fault is reported.
            requeued,
            lambda job: attrs.evolve(job, events=job.events[1:]),
            ["events do not start with a status-updated event to QUEUED"],
            id="history-starts-with-VALIDATING-at-re-queued-QUEUED",
        ),
        pytest.param(
            requeued,
            _events("QUEUED", "VALIDATING", "RUNNING"),
            [
                "events are not a legal path: a VALIDATING job cannot move to RUNNING; "
                "allowed next: CANCELLATION_REQUESTED, CANCELLED, FAILED_VALIDATION, VALIDATED"
            ],
            id="illegal-path-at-re-queued-QUEUED",
        ),
        pytest.param(
            running,
            _events("QUEUED", "RUNNING"),
            [
                "events are not a legal path: a QUEUED job cannot move to RUNNING; "
                "allowed next: CANCELLATION_REQUESTED, CANCELLED, VALIDATING"
            ],
            id="illegal-path-QUEUED->RUNNING",
        ),
        pytest.param(
            succeeded,
            _events("QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "CANCELLED", "SUCCESS"),
            [
                "events are not a legal path: a RUNNING job cannot move to CANCELLED; "
                "allowed next: CANCELLATION_REQUESTED, FAILED, SUCCESS"
            ],
            id="illegal-path-RUNNING->CANCELLED",
        ),
        pytest.param(
            running,
            _events("QUEUED", "VALIDATING", "VALIDATED", "BOOTING", "RUNNING"),
            [
                "events are not a legal path: unknown job status 'BOOTING'; "
                f"expected one of {ALL_NAMES}"
            ],
            id="unknown-status-in-events",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(
                job, events=[*job.events[:2], attrs.evolve(job.events[2], data=None)]
            ),
            [
                "events are not a legal path: unknown job status 'None'; "
                f"expected one of {ALL_NAMES}"
            ],
            id="status-updated-event-without-data",
        ),
        pytest.param(
            running,
            lambda job: attrs.evolve(job, status=S.FAILED),
            ["the last status-updated event says RUNNING, but status is FAILED"],
            id="last-event-RUNNING-status-FAILED",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, status=S.VALIDATING),
            ["the last status-updated event says VALIDATED, but status is VALIDATING"],
            id="last-event-VALIDATED-status-VALIDATING",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, status=S.CANCELLED),
            ["the last status-updated event says VALIDATED, but status is CANCELLED"],
            id="cancellation-without-its-event",
        ),
        pytest.param(
            validated,
            # The re-queue may leave estimated_start_time null (2 of 3 recorded jobs).
            lambda job: attrs.evolve(job, status=S.QUEUED),
            [],
            id="silent-requeue-without-estimated_start_time-is-coherent",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job, classifier_targets=[]),
            ["classifier_targets should be non-empty: the job is validated"],
            id="classifier_targets-empty-after-validation",
        ),
        pytest.param(
            validating,
            lambda job: attrs.evolve(job, classifier_targets=[TARGET]),
            ["classifier_targets should be []: the job is not validated yet"],
            id="classifier_targets-before-validation",
        ),
    ],
)
def test_history(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    _check(base, breaker, expected)


def test_silent_requeue_is_coherent() -> None:
    job = validated()
    job = attrs.evolve(
        job, status=S.QUEUED, metadata=_metadata(job, estimated_start_time=job.modified_at + 60)
    )

    assert _status_events(job)[-1] == "VALIDATED"
    assert coherence_violations(job) == []


@pytest.mark.parametrize(
    ("base", "statuses"),
    [
        pytest.param(
            requeued,
            ("QUEUED", "VALIDATING", "VALIDATED", "QUEUED"),
            id="requeue-with-its-own-event",
        ),
        pytest.param(
            running,
            ("QUEUED", "VALIDATING", "VALIDATED", "RUNNING"),
            id="auto-start-requeue-left-out",
        ),
        pytest.param(
            running,
            ("QUEUED", "VALIDATING", "VALIDATED", "QUEUED", "STARTED", "RUNNING"),
            id="through-STARTED",
        ),
    ],
)
def test_legal_histories(base: Callable[[], Job], statuses: tuple[str, ...]) -> None:
    assert coherence_violations(_events(*statuses, spacing=1)(base())) == []


def test_events_other_than_status_updates_are_ignored() -> None:
    job = validated()
    note = EventOut(name="file-validated", created_at=job.events[1].created_at, data=None)
    job = attrs.evolve(job, events=[*job.events[:2], note, job.events[2]])

    assert coherence_violations(job) == []


def test_a_history_that_ran_and_was_cancelled_counts_as_ran() -> None:
    job = running()
    cancelled = attrs.evolve(
        job,
        status=S.CANCELLED,
        events=[
            *job.events,
            EventOut(
                name="status-updated",
                created_at=job.modified_at,
                data={"status": "CANCELLATION_REQUESTED"},
            ),
            EventOut(
                name="status-updated", created_at=job.modified_at, data={"status": "CANCELLED"}
            ),
        ],
        checkpoints=[_checkpoint(1, job.modified_at)],
    )

    assert coherence_violations(cancelled) == []


# --- coherence: checkpoints ------------------------------------------------------------------


def _checkpoints(*steps_and_ages: tuple[int, int]) -> Breaker:
    """Replace the checkpoints by ``(step_number, seconds before modified_at)`` pairs."""

    def breaker(job: Job) -> Job:
        return attrs.evolve(
            job,
            checkpoints=[_checkpoint(step, job.modified_at - age) for step, age in steps_and_ages],
        )

    return breaker


def _steps_down_from(newest: int, spacing: int = 1) -> Breaker:
    """Replace the checkpoints by one per step, ``newest`` down to 1, ``spacing`` seconds apart."""
    return _checkpoints(*((step, spacing * (newest - step)) for step in range(newest, 0, -1)))


ONE_PER_STEP = "checkpoints are not one per step, from the newest step down to 1"


def _checkpoints_of(change: Callable[[list[CheckpointOut]], list[CheckpointOut]]) -> Breaker:
    return lambda job: attrs.evolve(job, checkpoints=change(list(job.checkpoints)))


def _no_checkpoints(job: Job) -> Job:
    return attrs.evolve(job, checkpoints=[])


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            validated,
            _checkpoints((1, 0)),
            ["checkpoints exist although the job never ran"],
            id="checkpoint-before-running",
        ),
        pytest.param(
            requeued,
            _checkpoints((1, 0)),
            ["checkpoints exist although the job never ran"],
            id="checkpoint-while-requeued",
        ),
        pytest.param(
            lambda: _hp(training_steps=2)(running()),
            _steps_down_from(3),
            ["checkpoints[0].step_number 3 is outside [1, training_steps=2]"],
            id="step_number-above-training_steps",
        ),
        pytest.param(
            running,
            _checkpoints((11, 0)),
            ["checkpoints[0].step_number 11 is outside [1, training_steps=10]", ONE_PER_STEP],
            id="step_number-above-training_steps-and-steps-missing",
        ),
        # One per step down to 1 leaves no room for a step 0: both rules fire.
        pytest.param(
            running,
            _checkpoints((2, 0), (0, 1)),
            ["checkpoints[1].step_number 0 is outside [1, training_steps=10]", ONE_PER_STEP],
            id="step_number-0",
        ),
        pytest.param(
            lambda: _hp(training_steps=None)(running()),
            _checkpoints((0, 0)),
            ["checkpoints[0].step_number 0 is outside [1, training_steps=None]", ONE_PER_STEP],
            id="step_number-0-without-training_steps",
        ),
        # Steps out of order or repeated are never one per step either: both rules fire.
        pytest.param(
            running,
            _checkpoints((1, 1), (2, 0)),
            ["checkpoints[1] is not older than checkpoints[0]", ONE_PER_STEP],
            id="oldest-first",
        ),
        pytest.param(
            running,
            _checkpoints((3, 1), (3, 1)),
            ["checkpoints[1] is not older than checkpoints[0]", ONE_PER_STEP],
            id="same-step-twice",
        ),
        pytest.param(
            running,
            _checkpoints((2, 2), (1, 0)),
            ["checkpoints[1] is not older than checkpoints[0]"],
            id="higher-step-created-earlier",
        ),
        pytest.param(
            running,
            _checkpoints((1, -1)),
            ["checkpoints[0].created_at is outside [created_at, modified_at]"],
            id="checkpoint-after-modified_at",
        ),
        pytest.param(
            running,
            lambda job: attrs.evolve(
                job, checkpoints=[_checkpoint(2, job.modified_at), _checkpoint(1, CREATED_AT - 1)]
            ),
            ["checkpoints[1].created_at is outside [created_at, modified_at]"],
            id="checkpoint-before-created_at",
        ),
        pytest.param(
            succeeded,
            _checkpoints((10, 0), (5, 1)),
            [ONE_PER_STEP],
            id="SUCCESS-steps-10-and-5",
        ),
        pytest.param(
            running,
            _checkpoints((3, 0), (1, 1)),
            [ONE_PER_STEP],
            id="a-step-skipped",
        ),
        pytest.param(
            running,
            _checkpoints((3, 0), (2, 1)),
            [ONE_PER_STEP],
            id="not-down-to-step-1",
        ),
        pytest.param(
            succeeded,
            _checkpoints_of(lambda checkpoints: checkpoints[:-1]),
            [ONE_PER_STEP],
            id="SUCCESS-step-1-missing",
        ),
        pytest.param(
            succeeded,
            _checkpoints_of(lambda checkpoints: [*checkpoints[:4], *checkpoints[5:]]),
            [ONE_PER_STEP],
            id="SUCCESS-step-6-missing",
        ),
        pytest.param(
            succeeded,
            _checkpoints_of(lambda checkpoints: checkpoints[1:]),
            ["a successful job's newest checkpoint is not its last training step"],
            id="SUCCESS-newest-checkpoint-not-the-last-step",
        ),
        pytest.param(
            succeeded,
            _checkpoints((10, 1), (10, 1)),
            ["checkpoints[1] is not older than checkpoints[0]", ONE_PER_STEP],
            id="SUCCESS-last-step-twice",
        ),
        pytest.param(
            succeeded,
            _no_checkpoints,
            ["a successful job's newest checkpoint is not its last training step"],
            id="SUCCESS-without-checkpoints",
        ),
    ],
)
def test_checkpoints(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    _check(base, breaker, expected)


@pytest.mark.parametrize(
    ("base", "breaker"),
    [
        pytest.param(running, _checkpoints((3, 0), (2, 1), (1, 2)), id="RUNNING-three-steps"),
        pytest.param(running, _checkpoints((1, 0)), id="RUNNING-first-step"),
        pytest.param(running, _steps_down_from(STEPS), id="RUNNING-up-to-the-last-step"),
        pytest.param(running, _checkpoints((2, 1), (1, 1)), id="two-steps-in-one-second"),
        pytest.param(
            lambda: _hp(training_steps=None)(running()),
            _steps_down_from(500, spacing=0),
            id="any-step-without-training_steps",
        ),
        pytest.param(
            lambda: _hp(training_steps=None)(succeeded()),
            _no_checkpoints,
            id="SUCCESS-without-training_steps-nor-checkpoints",
        ),
        pytest.param(failed, _no_checkpoints, id="FAILED-before-step-1"),
    ],
)
def test_checkpoints_that_are_coherent(base: Callable[[], Job], breaker: Breaker) -> None:
    assert coherence_violations(breaker(base())) == []


# --- coherence: short jobs, whose status and fields stand in for the history ----------------


@pytest.mark.parametrize(
    ("base", "breaker", "expected"),
    [
        pytest.param(
            fresh_queued,
            lambda job: job.summary(),
            [],
            id="QUEUED-without-estimate-is-fresh",
        ),
        pytest.param(
            requeued,
            lambda job: job.summary(),
            [],
            id="QUEUED-with-estimate-is-requeued",
        ),
        pytest.param(
            requeued,
            lambda job: attrs.evolve(
                job.summary(), metadata=_metadata(job, estimated_start_time=None)
            ),
            # Re-queued (validated and QUEUED) with a null start estimate, as observed.
            [],
            id="QUEUED-with-estimate-and-null-estimated_start_time-is-requeued",
        ),
        pytest.param(
            fresh_queued,
            lambda job: _hp(epochs=2.0)(job.summary()),
            [
                "hyperparameters.epochs must be null before validation, unless the job was "
                "asked for epochs instead of training_steps"
            ],
            id="QUEUED-without-estimate-has-no-epochs",
        ),
        pytest.param(
            validating,
            lambda job: attrs.evolve(job.summary(), metadata=validated().metadata),
            [
                "metadata must be {cost: 0.0} with nothing else before validation",
            ],
            id="VALIDATING-is-not-validated-whatever-the-metadata",
        ),
        pytest.param(
            started,
            lambda job: attrs.evolve(job.summary(), metadata=JobMetadataOut(cost=0.0)),
            [
                "metadata lacks expected_duration_seconds, cost_currency, train_tokens_per_step, "
                "train_tokens, data_tokens although the job is validated",
                "metadata.cost must be positive once the job is validated",
            ],
            id="STARTED-is-validated-whatever-the-metadata",
        ),
        pytest.param(
            running,
            lambda job: attrs.evolve(job.summary(), status=S.CANCELLED),
            [],
            id="CANCELLED-with-url-after-running",
        ),
        pytest.param(
            running,
            lambda job: attrs.evolve(
                job.summary(),
                status=S.CANCELLED,
                metadata=_metadata(job, estimated_start_time=None),
            ),
            # It ran (the URL says so), and a null start estimate after the re-queue is
            # coherent; test_a_short_job_with_a_run_url_is_guessed_to_have_run checks the guess.
            [],
            id="CANCELLED-with-url-and-null-estimated_start_time-is-coherent",
        ),
        pytest.param(
            # The run URL says the job ran, so it was validated: the missing estimate is
            # reported, whatever the {cost: 0.0} metadata says.
            running,
            lambda job: attrs.evolve(
                job.summary(), status=S.CANCELLED, metadata=JobMetadataOut(cost=0.0)
            ),
            [
                "metadata lacks expected_duration_seconds, cost_currency, train_tokens_per_step, "
                "train_tokens, data_tokens although the job is validated",
                "metadata.cost must be positive once the job is validated",
            ],
            id="CANCELLED-with-url-and-no-estimate-counts-as-validated",
        ),
        pytest.param(
            requeued,
            lambda job: attrs.evolve(
                _with_url(job, None).summary(), status=S.CANCELLATION_REQUESTED
            ),
            [],
            id="CANCELLATION_REQUESTED-with-estimated_start_time-after-re-queue",
        ),
        pytest.param(
            fresh_queued,
            lambda job: attrs.evolve(
                job.summary(),
                status=S.CANCELLED,
                metadata=_metadata(job, estimated_start_time=CREATED_AT + 600),
            ),
            # Not validated, so not started either: only the early estimated_start_time.
            ["metadata.estimated_start_time must be null before validation"],
            id="CANCELLED-with-only-estimated_start_time-is-not-validated",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(job.summary(), status=S.CANCELLED),
            [],
            id="CANCELLED-without-url-after-validation",
        ),
        pytest.param(
            validated,
            lambda job: attrs.evolve(
                _with_url(job, None).summary(), status=S.CANCELLATION_REQUESTED
            ),
            [],
            id="CANCELLATION_REQUESTED-url-not-yet-known",
        ),
        pytest.param(
            fresh_queued,
            lambda job: attrs.evolve(job.summary(), status=S.CANCELLED, integrations=None),
            [],
            id="CANCELLED-before-validation",
        ),
        pytest.param(
            fresh_queued,
            lambda job: attrs.evolve(
                job.summary(), status=S.CANCELLED, metadata=_metadata(job, data_tokens=1000)
            ),
            ["metadata must be {cost: 0.0} with nothing else before validation"],
            id="CANCELLED-with-a-partial-estimate-is-not-validated",
        ),
        pytest.param(
            succeeded,
            lambda job: attrs.evolve(job.summary(), fine_tuned_model=None),
            ["fine_tuned_model must be set at SUCCESS"],
            id="SUCCESS-without-fine_tuned_model",
        ),
    ],
)
def test_short_jobs(base: Callable[[], Job], breaker: Breaker, expected: list[str]) -> None:
    _check(base, breaker, expected)


def test_a_short_job_has_no_history_to_check() -> None:
    job = running().summary()

    assert type(job) is ClassifierJobOut
    assert coherence_violations(job) == []


def test_progress_of_reads_a_history_or_guesses_a_short_job() -> None:
    ClassifierDetailedJobOutFactory.seed_random(21)
    job = ClassifierDetailedJobOutFactory.build(status="RUNNING")
    assert progress_of(job) == Progress(status=S.RUNNING, validated=True, started=True, ran=True)
    fresh = ClassifierDetailedJobOutFactory.build(status="VALIDATING").summary()
    assert progress_of(fresh) == Progress(status=S.VALIDATING)


def test_a_short_job_with_a_run_url_is_guessed_to_have_run_whatever_its_start_estimate() -> None:
    job = running()
    short = attrs.evolve(
        job.summary(), status=S.CANCELLED, metadata=_metadata(job, estimated_start_time=None)
    )
    assert progress_of(short) == Progress(
        status=S.CANCELLED, validated=True, started=True, ran=True
    )
    # Without the URL nothing says that it ran: it was validated, and cancelled before training.
    without_url = attrs.evolve(_with_url(job, None).summary(), status=S.CANCELLED)
    assert progress_of(without_url) == Progress(status=S.CANCELLED, validated=True)
