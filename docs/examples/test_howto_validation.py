"""How-to: test a job that fails validation, and a request the API refuses."""

from __future__ import annotations

import json

import pytest
from job_watcher import JobWatcher
from mistralai import Mistral
from mistralai.models import SDKError

from pytest_classifierjobs import ClassifierJobsMock

TRAINING_FILE = "c36d490e-d2f8-4f98-9679-1c55625e09d5"


@pytest.mark.classifierjobs(outcome="FAILED_VALIDATION")  # every created job fails validation
def test_a_job_whose_data_fails_validation(classifierjobs: ClassifierJobsMock) -> None:
    watcher = JobWatcher(Mistral(api_key="test-key"), sleep=lambda _: None)

    report = watcher.train(model="ministral-3b-latest", training_file=TRAINING_FILE)

    assert report.status == "FAILED_VALIDATION"
    assert classifierjobs.routes["start"].call_count == 0  # never started


def test_a_stored_job_that_failed_validation(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="FAILED_VALIDATION")

    got = Mistral(api_key="test-key").fine_tuning.jobs.get(job_id=job.id)

    assert got.status == "FAILED_VALIDATION"
    assert got.fine_tuned_model is None
    assert got.classifier_targets == []  # validation never inferred them


def test_a_create_request_the_api_refuses(classifierjobs: ClassifierJobsMock) -> None:
    client = Mistral(api_key="test-key")

    with pytest.raises(SDKError) as raised:
        client.fine_tuning.jobs.create(
            model="ministral-3b-latest",
            training_files=[],  # the API needs at least one training file
            hyperparameters={"training_steps": 0},  # and at least one step
        )

    assert raised.value.status_code == 422
    problems = json.loads(raised.value.body)["detail"]  # FastAPI's shape: loc, msg, type
    assert [p["loc"] for p in problems] == [
        ["body", "hyperparameters", "training_steps"],
        ["body", "job_in"],
    ]
    assert "At least one training file or repository is required." in problems[1]["msg"]
    assert classifierjobs.jobs == {}  # nothing was created
