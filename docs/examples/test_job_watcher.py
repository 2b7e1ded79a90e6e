"""The demo: a consumer's test suite for ``job_watcher.py``, using pytest-classifierjobs.

Run it with ``python -m nox -s demo``; the ``classifier_job_status`` tests show one id per status.
"""

from __future__ import annotations

import pytest
from job_watcher import FINAL, JobWatcher, Mistral

from pytest_classifierjobs import ClassifierJobOutStatus, ClassifierJobsMock

TRAINING_FILE = "c36d490e-d2f8-4f98-9679-1c55625e09d5"


@pytest.fixture
def watcher() -> JobWatcher:
    # No real waiting: the fake moves a job one step per poll, so the waits can be recorded.
    waits: list[float] = []
    return JobWatcher(Mistral(api_key="test-key"), sleep=waits.append)


def test_training_succeeds(classifierjobs: ClassifierJobsMock, watcher: JobWatcher) -> None:
    report = watcher.train(model="ministral-3b-latest", training_file=TRAINING_FILE)

    assert report.status == "SUCCESS"
    assert report.fine_tuned_model is not None
    assert report.fine_tuned_model.startswith("ft:classifier:ministral-3b-latest:")
    assert classifierjobs.routes["start"].call_count == 1
    assert report.polls == classifierjobs.routes["get"].call_count


@pytest.mark.classifierjobs(outcome="FAILED_VALIDATION")
def test_a_job_that_fails_validation_is_never_started(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    report = watcher.train(model="ministral-3b-latest", training_file=TRAINING_FILE)

    assert report.status == "FAILED_VALIDATION"
    assert report.fine_tuned_model is None
    assert classifierjobs.routes["start"].call_count == 0


def test_the_watcher_backs_off_between_polls(classifierjobs: ClassifierJobsMock) -> None:
    waits: list[float] = []
    watcher = JobWatcher(Mistral(api_key="test-key"), longest_wait=2, sleep=waits.append)
    job = classifierjobs.add(status="VALIDATING")
    classifierjobs.script(job.id, ["VALIDATED", "QUEUED", "RUNNING", "SUCCESS"])

    polls, _ = watcher.wait(job.id, until=FINAL)

    assert polls == 4
    assert waits == [1, 2, 2]


def test_cancelling_a_running_job_waits_for_the_cancellation(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    job = classifierjobs.add(status="RUNNING")

    assert watcher.cancel(job.id) == "CANCELLED"
    assert classifierjobs.jobs[job.id].status is ClassifierJobOutStatus.CANCELLED


def test_every_status_renders_on_the_dashboard(
    classifier_job_status: ClassifierJobOutStatus,
    classifierjobs: ClassifierJobsMock,
    watcher: JobWatcher,
) -> None:
    job = classifierjobs.add(status=classifier_job_status)

    (line,) = watcher.dashboard()

    assert line.startswith(f"{job.id[:8]} {classifier_job_status.value}")
    assert line.endswith(job.fine_tuned_model or "-")


def test_the_dashboard_goes_through_every_page(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    for _ in range(7):
        classifierjobs.add(status="SUCCESS")
    classifierjobs.add(status="FAILED")

    assert len(list(watcher.dashboard(page_size=3))) == 8
    assert len(list(watcher.dashboard(status="SUCCESS", page_size=3))) == 7
