"""How-to: test code that cancels jobs (uses ``job_watcher.py``, the demo's consumer)."""

from __future__ import annotations

import pytest
from job_watcher import JobWatcher
from mistralai import Mistral
from mistralai.models import SDKError

from pytest_classifierjobs import ClassifierJobsMock

TRAINING_FILE = "c36d490e-d2f8-4f98-9679-1c55625e09d5"


@pytest.fixture
def watcher() -> JobWatcher:
    return JobWatcher(Mistral(api_key="test-key"), sleep=lambda _: None)


def test_a_running_job_passes_through_cancellation_requested(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    job = classifierjobs.add(status="RUNNING")

    assert watcher.cancel(job.id) == "CANCELLED"
    # cancel answered CANCELLATION_REQUESTED, the next GET said CANCELLED
    assert classifierjobs.routes["cancel"].call_count == 1
    assert classifierjobs.routes["get"].call_count == 1


def test_a_job_not_yet_running_is_cancelled_at_once(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    job = classifierjobs.add(status="VALIDATED")

    assert watcher.cancel(job.id) == "CANCELLED"
    assert classifierjobs.routes["get"].call_count == 0


def test_cancelling_a_finished_job_is_a_conflict(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    job = classifierjobs.add(status="SUCCESS")

    with pytest.raises(SDKError) as raised:
        watcher.cancel(job.id)
    assert raised.value.status_code == 409
    assert "cannot be cancelled" in raised.value.body


@pytest.mark.usefixtures("classifierjobs")
@pytest.mark.classifierjobs(outcome="CANCELLED")  # created jobs get cancelled while training
def test_a_training_that_someone_else_cancels(watcher: JobWatcher) -> None:
    report = watcher.train(model="ministral-3b-latest", training_file=TRAINING_FILE)

    assert report.status == "CANCELLED"
    assert report.fine_tuned_model is None
