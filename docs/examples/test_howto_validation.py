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
    jobs = Mistral(api_key="test-key").fine_tuning.jobs

    with pytest.raises(SDKError) as raised:
        jobs.create(
            model="ministral-3b-latest",
            job_type="classifier",
            training_files=[{"file_id": TRAINING_FILE, "weight": 1.0}],
            hyperparameters={"training_steps": 0},  # at least one step
        )

    assert raised.value.status_code == 422
    problems = json.loads(raised.value.body)["detail"]  # FastAPI's shape: loc, msg, type
    # pydantic tries both hyperparameter shapes of the spec and reports each one's problem.
    assert [p["loc"] for p in problems] == [
        ["body", "hyperparameters", "CompletionTrainingParametersIn", "training_steps"],
        ["body", "hyperparameters", "ClassifierTrainingParametersIn", "training_steps"],
    ]
    assert problems[0]["msg"] == "Input should be greater than or equal to 1"
    assert classifierjobs.jobs == {}  # nothing was created


def test_a_create_without_job_type_is_a_completion_job(classifierjobs: ClassifierJobsMock) -> None:
    jobs = Mistral(api_key="test-key").fine_tuning.jobs

    with pytest.raises(SDKError) as raised:
        jobs.create(  # no job_type: the SDK sends none, and the API reads a completion job
            model="ministral-3b-latest",
            training_files=[{"file_id": TRAINING_FILE, "weight": 1.0}],
            hyperparameters={"training_steps": 10},
        )

    assert raised.value.status_code == 422
    assert json.loads(raised.value.body) == {
        "detail": "Model not available for this type of fine-tuning (completion)."
    }
    assert classifierjobs.jobs == {}
