"""How-to: script the statuses a job walks through, or move it by hand."""

from __future__ import annotations

import pytest
from job_watcher import FINAL, JobWatcher
from mistralai import Mistral

from pytest_classifierjobs import ClassifierJobsMock, IllegalTransitionError


def test_a_scripted_sequence(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="VALIDATING")
    classifierjobs.script(job.id, ["VALIDATED", "QUEUED", "STARTED", "RUNNING", "FAILED"])
    jobs = Mistral(api_key="test-key").fine_tuning.jobs

    seen = [jobs.get(job_id=job.id).status for _ in range(6)]

    assert seen == ["VALIDATED", "QUEUED", "STARTED", "RUNNING", "FAILED", "FAILED"]


def test_a_script_must_be_a_legal_path(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="VALIDATING")

    with pytest.raises(IllegalTransitionError, match="cannot move to RUNNING; allowed next:"):
        classifierjobs.script(job.id, ["RUNNING"])  # it has to be validated and started first


def test_the_watcher_backs_off_between_polls(classifierjobs: ClassifierJobsMock) -> None:
    waits: list[float] = []
    watcher = JobWatcher(Mistral(api_key="test-key"), longest_wait=2, sleep=waits.append)
    job = classifierjobs.add(status="VALIDATING")
    classifierjobs.script(job.id, ["VALIDATED", "QUEUED", "RUNNING", "SUCCESS"])

    polls, _ = watcher.wait(job.id, until=FINAL)

    assert polls == 4
    assert waits == [1, 2, 2]


@pytest.mark.classifierjobs(progression="manual")  # created jobs move only on advance()
def test_moving_a_created_job_by_hand(classifierjobs: ClassifierJobsMock) -> None:
    jobs = Mistral(api_key="test-key").fine_tuning.jobs
    job = jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[{"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1.0}],
        hyperparameters={"training_steps": 10},
    )
    assert jobs.get(job_id=job.id).status == "QUEUED"  # a GET does not move it

    classifierjobs.advance(job.id, steps=2)

    assert jobs.get(job_id=job.id).status == "VALIDATED"


def test_jumping_to_a_status(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="RUNNING")

    done = classifierjobs.set_status(job.id, "SUCCESS")  # coherent for SUCCESS, same id

    assert done.id == job.id
    assert done.fine_tuned_model is not None
