# docs/examples/test_quickstart.py
import pytest
from mistralai import Mistral

from pytest_classifierjobs import ClassifierJobOutStatus, ClassifierJobsMock

TRAINING_FILE = {"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1.0}


@pytest.mark.usefixtures("classifierjobs")  # the fake answers https://api.mistral.ai
def test_a_created_job_moves_one_step_per_get() -> None:
    client = Mistral(api_key="test-key")
    job = client.fine_tuning.jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[TRAINING_FILE],
        hyperparameters={"training_steps": 10},
        auto_start=True,
    )
    seen = [client.fine_tuning.jobs.get(job_id=job.id).status for _ in range(5)]
    assert seen == ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"]


def test_my_code_handles_every_status(
    classifier_job_status: ClassifierJobOutStatus,  # one run per status, ids [QUEUED] ...
    classifierjobs: ClassifierJobsMock,
) -> None:
    job = classifierjobs.add(status=classifier_job_status)  # coherent for that status
    got = Mistral(api_key="test-key").fine_tuning.jobs.get(job_id=job.id)
    assert got.status == classifier_job_status.value
