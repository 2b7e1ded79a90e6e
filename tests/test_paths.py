"""The legal paths through the lifecycle (``paths.py``), and the fake walking one."""

from __future__ import annotations

import httpx
import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOutFactory,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    coherence_violations,
)
from pytest_classifierjobs.lifecycle import TERMINAL_STATUSES, IllegalTransitionError, Progress
from pytest_classifierjobs.paths import LifecyclePath, every_path, selected_paths

S = ClassifierJobOutStatus
BASE = "https://api.mistral.ai"
AUTH = {"Authorization": "Bearer test-key"}


def statuses_of(path: str) -> tuple[ClassifierJobOutStatus, ...]:
    return tuple(S(name) for name in path.split("-"))


def test_there_are_17_complete_paths_and_14_of_a_job_still_moving() -> None:
    complete = every_path()
    every = every_path(prefixes=True)

    assert (len(complete), len(every)) == (17, 31)
    assert len([path for path in every if not path.complete]) == 14
    assert {len(path) for path in complete} == {2, 3, 4, 5, 6, 7, 8}
    assert len({path.id for path in every}) == 31  # the ids tell every path apart


def test_every_path_starts_at_creation_and_takes_legal_steps_only() -> None:
    for path in every_path(prefixes=True):
        assert path[0] is S.QUEUED
        Progress().walk(path[1:])  # raises on an illegal step
        # Nothing after a terminal status, and a complete path ends in one.
        assert not set(path[:-1]) & TERMINAL_STATUSES
        assert path.complete is (path.final in TERMINAL_STATUSES)


def test_every_legal_walk_from_creation_is_listed() -> None:
    # Built independently of paths.py: extend every listed prefix by each allowed next status.
    listed = {tuple(path) for path in every_path(prefixes=True)}
    for path in listed:
        progress = Progress().walk(path[1:])
        for status in progress.next_statuses():
            assert (*path, status) in listed


def test_the_longest_path_and_the_shortest() -> None:
    paths = every_path()

    assert paths[0].id == "QUEUED-CANCELLED"
    assert paths[-1].id == (
        "QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-RUNNING-CANCELLATION_REQUESTED-CANCELLED"
    )
    assert [len(path) for path in paths] == sorted(len(path) for path in paths)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {"ending": "failed"},
            [
                "QUEUED-VALIDATING-FAILED_VALIDATION",
                "QUEUED-VALIDATING-VALIDATED-QUEUED-RUNNING-FAILED",
                "QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-RUNNING-FAILED",
            ],
        ),
        (
            {"ending": S.SUCCESS},
            [
                "QUEUED-VALIDATING-VALIDATED-QUEUED-RUNNING-SUCCESS",
                "QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-RUNNING-SUCCESS",
            ],
        ),
        (
            {"through": ["CANCELLATION_REQUESTED"], "max_length": 4},
            [
                "QUEUED-CANCELLATION_REQUESTED-CANCELLED",
                "QUEUED-VALIDATING-CANCELLATION_REQUESTED-CANCELLED",
            ],
        ),
        ({"max_length": 2}, ["QUEUED-CANCELLED"]),
        (
            {"max_length": 2, "prefixes": True},
            ["QUEUED", "QUEUED-VALIDATING", "QUEUED-CANCELLED", "QUEUED-CANCELLATION_REQUESTED"],
        ),
        (
            {"ending": "active", "max_length": 3, "prefixes": True},
            [
                "QUEUED",
                "QUEUED-VALIDATING",
                "QUEUED-CANCELLATION_REQUESTED",
                "QUEUED-VALIDATING-VALIDATED",
                "QUEUED-VALIDATING-CANCELLATION_REQUESTED",
            ],
        ),
    ],
)
def test_filters(filters: dict[str, object], expected: list[str]) -> None:
    assert [path.id for path in every_path(**filters)] == expected  # type: ignore[arg-type]


def test_through_several_statuses_needs_them_all() -> None:
    found = every_path(through=["STARTED", "CANCELLED"])

    assert [path.id for path in found] == [
        "QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-CANCELLED",
        "QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-CANCELLATION_REQUESTED-CANCELLED",
        "QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-RUNNING-CANCELLATION_REQUESTED-CANCELLED",
    ]


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        (
            {"ending": "SUCESS"},
            ValueError,
            "ending: unknown status or group 'SUCESS' (did you mean 'SUCCESS'?)",
        ),
        (
            {"through": ["RUNING"]},
            ValueError,
            "through: unknown status or group 'RUNING' (did you mean 'RUNNING'?)",
        ),
        ({"max_length": 0}, ValueError, "max_length must be 1 or more, not 0"),
        ({"max_length": "3"}, TypeError, "max_length must be a whole number of statuses, not '3'"),
        (
            {"max_length": True},
            TypeError,
            "max_length must be a whole number of statuses, not True",
        ),
    ],
)
def test_a_bad_filter_is_named(
    filters: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        every_path(**filters)  # type: ignore[arg-type]

    assert str(raised.value).startswith(message)


def test_filters_that_select_nothing_say_so() -> None:
    assert every_path(ending="SUCCESS", max_length=3) == []
    with pytest.raises(ValueError, match="no legal path matches") as raised:
        selected_paths(ending="SUCCESS", max_length=3)
    assert str(raised.value) == (
        "no legal path matches ending='SUCCESS', max_length=3; the paths are listed by "
        "every_path(prefixes=True)"
    )
    assert selected_paths(ending="SUCCESS") == every_path(ending="SUCCESS")


def test_a_path_reads_as_its_id() -> None:
    path = LifecyclePath(statuses_of("QUEUED-VALIDATING-FAILED_VALIDATION"))

    assert (path.id, path.final, path.complete) == (
        "QUEUED-VALIDATING-FAILED_VALIDATION",
        S.FAILED_VALIDATION,
        True,
    )
    assert repr(path) == "LifecyclePath(QUEUED-VALIDATING-FAILED_VALIDATION)"
    assert path == tuple(path)  # a tuple of statuses, as script() takes it


# --- the fake walking a path -----------------------------------------------------------------


def polled(job_id: str, times: int) -> list[str]:
    with httpx.Client() as client:
        return [
            client.get(f"{BASE}/v1/fine_tuning/jobs/{job_id}", headers=AUTH).json()["status"]
            for _ in range(times)
        ]


@pytest.mark.parametrize("path", every_path(prefixes=True), ids=lambda path: path.id)
def test_a_job_on_a_path_shows_each_status_in_turn_then_stays(path: LifecyclePath) -> None:
    with ClassifierJobsMock(seed=5) as fake:
        job = fake.add_on_path(path)

        seen = polled(job.id, len(path) + 1)

    assert job.status is S.QUEUED
    assert [event.data for event in job.events] == [{"status": "QUEUED"}]  # just created
    assert seen == [status.value for status in path[1:]] + [path.final.value] * 2
    assert coherence_violations(fake.jobs[job.id]) == []


def test_a_job_on_a_path_takes_overrides_and_the_mocks_seed() -> None:
    path = statuses_of("QUEUED-VALIDATING-VALIDATED")
    one, two = ClassifierJobsMock(seed=9), ClassifierJobsMock(seed=9)

    job = one.add_on_path(path, suffix="nightly", auto_start=False)

    assert (job.suffix, job.auto_start) == ("nightly", False)
    assert two.add_on_path(path, suffix="nightly", auto_start=False) == job


def test_a_job_on_a_path_is_built_by_the_factory_given_to_the_fake() -> None:
    class Mine(ClassifierDetailedJobOutFactory):
        model = "declared-model"
        suffix = "declared"

    path = statuses_of("QUEUED-VALIDATING-VALIDATED-QUEUED-RUNNING-SUCCESS")
    with ClassifierJobsMock(seed=3, factory=Mine) as fake:
        job = fake.add_on_path(path, suffix="given")
        seen = polled(job.id, len(path))

    # The subclass's declared values apply, as add() applies them; an override beats them.
    assert (job.model, job.suffix) == ("declared-model", "given")
    assert [event.data for event in job.events] == [{"status": "QUEUED"}]  # fresh, not re-queued
    assert seen == [status.value for status in path[1:]] + ["SUCCESS"]
    assert str(fake.jobs[job.id].fine_tuned_model).startswith("ft:classifier:declared-model:")
    with pytest.raises(TypeError, match="add_on_path\\(\\) suffix"):
        fake.add_on_path(path, suffix=3)


def test_a_path_from_elsewhere_than_creation_is_refused() -> None:
    fake = ClassifierJobsMock(seed=1)

    with pytest.raises(
        ValueError, match="a path starts where every job starts, at QUEUED, not at RUNNING"
    ):
        fake.add_on_path(["RUNNING", "SUCCESS"])
    with pytest.raises(ValueError, match="not at nothing"):
        fake.add_on_path([])
    with pytest.raises(
        IllegalTransitionError,
        match="a QUEUED job cannot move to RUNNING; allowed next: CANCELLATION_REQUESTED, "
        "CANCELLED, VALIDATING",
    ):
        fake.add_on_path(["QUEUED", "RUNNING"])
    with pytest.raises(ValueError, match="did you mean 'VALIDATING'"):
        fake.add_on_path(["QUEUED", "VALIDATNG"])
    with pytest.raises(TypeError, match="add_on_path\\(\\) takes a list of statuses from QUEUED"):
        fake.add_on_path("QUEUED")
    with pytest.raises(TypeError, match="add_on_path\\(\\) takes a list"):
        fake.add_on_path(3)  # type: ignore[arg-type]
    assert fake.jobs == {}  # nothing stored by a refused path


def test_a_bad_override_is_named_as_add_on_path() -> None:
    fake = ClassifierJobsMock(seed=1)

    with pytest.raises(TypeError, match="add_on_path\\(\\)"):
        fake.add_on_path(["QUEUED"], sufix="x")
    assert fake.jobs == {}
