"""The tutorial's tests of ``tutorial_poller.wait_for_job``, step by step."""

from __future__ import annotations

import pytest
from mistralai import Mistral
from tutorial_poller import StillRunningError, wait_for_job

from pytest_classifierjobs import (
    TERMINAL_STATUSES,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
)


def no_sleep(seconds: float) -> None:
    """Tests do not wait: the fake moves a job one step per poll."""


# Step 1: a job created through the API walks its real lifecycle, one step per GET.
def test_waits_until_the_job_succeeds(classifierjobs: ClassifierJobsMock) -> None:
    client = Mistral(api_key="test-key")
    job = client.fine_tuning.jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[{"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1.0}],
        hyperparameters={"training_steps": 10},
        auto_start=True,
    )

    done = wait_for_job(client, job.id, sleep=no_sleep)

    assert done.status == "SUCCESS"
    assert done.fine_tuned_model.startswith("ft:classifier:ministral-3b-latest:")
    assert classifierjobs.routes["get"].call_count == 5  # VALIDATING ... SUCCESS


# Step 2: the same function against every status a job can be in.
def test_every_status(
    classifier_job_status: ClassifierJobOutStatus,  # the test runs once per status
    classifierjobs: ClassifierJobsMock,
) -> None:
    job = classifierjobs.add(status=classifier_job_status)  # stays in that status
    client = Mistral(api_key="test-key")

    if classifier_job_status in TERMINAL_STATUSES:
        assert wait_for_job(client, job.id, sleep=no_sleep).status == classifier_job_status
    else:
        with pytest.raises(StillRunningError, match=classifier_job_status.value):
            wait_for_job(client, job.id, max_polls=3, sleep=no_sleep)
