"""Filling a fake with many jobs at once: ``ClassifierJobsMock.add_many`` (``bulk.py``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from pytest_classifierjobs import (
    ACTIVE_STATUSES,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    coherence_violations,
    to_wire,
)
from pytest_classifierjobs.bulk import PROTOTYPES_PER_STATUS

if TYPE_CHECKING:
    from tests.conftest import SDK

S = ClassifierJobOutStatus
NOW = 1_750_000_000


def fake(seed: int = 5) -> ClassifierJobsMock:
    return ClassifierJobsMock(seed=seed, frozen_at=NOW)


@pytest.mark.parametrize("status", list(S), ids=str)
def test_every_job_is_coherent_distinct_and_in_the_status_asked(status: S) -> None:
    mock = fake()
    jobs = mock.add_many(3 * PROTOTYPES_PER_STATUS, status=status)
    assert [job.status for job in jobs] == [status] * len(jobs)
    assert [coherence_violations(job) for job in jobs] == [[]] * len(jobs)
    assert len({job.id for job in jobs}) == len(jobs)
    assert list(mock.jobs) == [job.id for job in jobs]
    # Ended in the hour before now, on a whole minute before it.
    assert all(NOW - 3600 <= job.modified_at <= NOW for job in jobs)
    assert all((NOW - job.modified_at) % 60 == 0 for job in jobs)
    if status is S.SUCCESS:
        names = [job.fine_tuned_model for job in jobs]
        assert len(set(names)) == len(jobs)
        for job in jobs:
            assert job.fine_tuned_model is not None
            assert job.fine_tuned_model.endswith(f":{job.id[:8]}")
        assert set(mock.models) == set(names)  # each made its model, as add() would
    else:
        assert not mock.models


def test_a_group_draws_each_status_from_it_and_a_list_is_taken_in_turn() -> None:
    mock = fake()
    active = mock.add_many(200, status="active")
    assert {job.status for job in active} == set(ACTIVE_STATUSES)
    taken = mock.add_many(5, status=["RUNNING", S.SUCCESS])
    assert [job.status for job in taken] == [S.RUNNING, S.SUCCESS, S.RUNNING, S.SUCCESS, S.RUNNING]
    drawn = mock.add_many(300)
    assert {job.status for job in drawn} == set(S)
    assert not [job for job in [*active, *taken, *drawn] if coherence_violations(job)]


def test_the_same_seed_fills_the_same_jobs() -> None:
    assert fake(7).add_many(50) == fake(7).add_many(50)
    assert fake(7).add_many(50) != fake(8).add_many(50)


def test_overrides_apply_to_every_job_and_chosen_moments_are_kept() -> None:
    mock = fake()
    jobs = mock.add_many(20, status="SUCCESS", suffix="dashboard", created_at=NOW - 10_000)
    assert {job.suffix for job in jobs} == {"dashboard"}
    assert {job.created_at for job in jobs} == {NOW - 10_000}
    assert not [job for job in jobs if coherence_violations(job)]


def test_a_model_name_given_is_kept_as_given_by_every_job() -> None:
    # Only names the fake made (ending in the job id's first 8) are renamed for each copy.
    mock = fake()
    jobs = mock.add_many(20, status="SUCCESS", fine_tuned_model="ft:classifier:mine")
    assert {job.fine_tuned_model for job in jobs} == {"ft:classifier:mine"}
    assert set(mock.models) == {"ft:classifier:mine"}


def test_the_jobs_list_newest_first_through_the_api() -> None:
    mock = fake()
    jobs = mock.add_many(250, status="terminal")
    with mock:
        response = httpx.get(
            "https://api.mistral.ai/v1/fine_tuning/jobs",
            params={"page_size": 100, "page": 1},
            headers={"Authorization": "Bearer test"},
        )
    listed = response.json()
    assert listed["total"] == 250
    # Newest first; ties in created_at, the job stored last first.
    expected = [
        job
        for _, job in sorted(
            enumerate(jobs), key=lambda pair: (pair[1].created_at, pair[0]), reverse=True
        )
    ]
    assert [job["id"] for job in listed["data"]] == [job.id for job in expected[100:200]]


@pytest.mark.sdk
def test_the_sdk_parses_every_job(sdk: SDK) -> None:
    for job in fake().add_many(200):
        parsed = sdk.ClassifierDetailedJobOut.model_validate(to_wire(job))
        assert parsed.id == job.id
        assert len(parsed.checkpoints) == len(job.checkpoints)


@pytest.mark.parametrize(
    ("count", "error", "message"),
    [
        (True, TypeError, "add_many() takes a number of jobs (an int), not True"),
        ("10", TypeError, "add_many() takes a number of jobs (an int), not '10'"),
        (0, ValueError, "add_many() adds one job or more, not 0"),
    ],
)
def test_a_count_that_is_not_a_positive_int_is_refused(
    count: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        fake().add_many(count)  # type: ignore[arg-type]


def test_bad_statuses_and_overrides_are_refused_with_what_is_allowed() -> None:
    mock = fake()
    with pytest.raises(ValueError, match=r"add_many\(status=\.\.\.\): .*'RUNING'.*RUNNING"):
        mock.add_many(3, status="RUNING")
    with pytest.raises(ValueError, match=r"'QUEUD'"):
        mock.add_many(3, status=["QUEUD"])
    with pytest.raises(ValueError, match=re.escape("add_many(status=[...]) needs at least one")):
        mock.add_many(3, status=[])
    with pytest.raises(TypeError, match=re.escape("add_many(status=...) takes a status")):
        mock.add_many(3, status=5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape("add_many() gives every job an id")):
        mock.add_many(3, id="db22ea7e-1895-4309-92d9-9ac881b1b117")
    with pytest.raises(TypeError, match=r"add_many\(\).*trained_tokens"):
        mock.add_many(3, status="SUCCESS", trained_tokens="many")
    assert not mock.jobs  # nothing stored by a refused call
