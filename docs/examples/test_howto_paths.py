"""How-to: test code that follows a job against every history a job can have.

``status_history.follow_job`` is tested three ways: once per status (the snapshots), once per
legal path from creation (the ``classifier_job_path`` fixture), and on paths that Hypothesis
draws (``pytest_classifierjobs.strategies``). Only the last two see a job move.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from mistralai import Mistral
from status_history import StillRunningError, follow_job

from pytest_classifierjobs import (
    TERMINAL_STATUSES,
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
)
from pytest_classifierjobs.paths import LifecyclePath
from pytest_classifierjobs.strategies import lifecycle_paths

client = Mistral(api_key="test-key")


def no_sleep(seconds: float) -> None:
    """The fake moves a job one step per GET: nothing to wait for."""


# 1. Once per status: a stored job stays where it is, so each case sees one status.
def test_follows_a_job_in_each_status(
    classifier_job: ClassifierDetailedJobOut, classifier_job_status: ClassifierJobOutStatus
) -> None:
    status = classifier_job_status.value
    if classifier_job_status in TERMINAL_STATUSES:
        assert follow_job(client, classifier_job.id, status, sleep=no_sleep) == [status]
    else:
        with pytest.raises(StillRunningError):
            follow_job(client, classifier_job.id, status, max_polls=3, sleep=no_sleep)


# 2. Once per legal path from creation (17 cases): the job walks the path as it is polled.
def test_reports_every_path(
    classifier_job_on_path: ClassifierDetailedJobOut, classifier_job_path: LifecyclePath
) -> None:
    history = follow_job(client, classifier_job_on_path.id, "QUEUED", sleep=no_sleep)

    assert history == [status.value for status in classifier_job_path]


# The marker picks paths: here the 7 that pass through a cancellation request.
@pytest.mark.classifier_job_paths(through="CANCELLATION_REQUESTED")
def test_a_cancellation_request_ends_cancelled(
    classifier_job_on_path: ClassifierDetailedJobOut,
) -> None:
    history = follow_job(client, classifier_job_on_path.id, "QUEUED", sleep=no_sleep)

    assert history[-2:] == ["CANCELLATION_REQUESTED", "CANCELLED"]


# 3. Hypothesis draws the paths (and would shrink a failing one to the shortest that fails).
# A fresh fake per example: the function-scoped fixture would be shared by every example.
@settings(max_examples=40, deadline=None)
@given(path=lifecycle_paths())
def test_reports_generated_paths(path: LifecyclePath) -> None:
    with ClassifierJobsMock(seed=0) as fake:
        job = fake.add_on_path(path)

        history = follow_job(client, job.id, "QUEUED", sleep=no_sleep)

    assert history == [status.value for status in path]
