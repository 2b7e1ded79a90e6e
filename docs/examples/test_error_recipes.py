# docs/examples/test_error_recipes.py
import httpx
import pytest
from mistralai import Mistral
from mistralai.models import SDKError
from mistralai.utils import BackoffStrategy, RetryConfig

from pytest_classifierjobs import ClassifierJobsMock

QUICK = {"retry-after": "0.01"}  # the SDK waits Retry-After instead of its back-off
RETRIES = RetryConfig("backoff", BackoffStrategy(10, 100, 1.5, 2_000), True)


def test_two_503_then_success(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="RUNNING")
    classifierjobs.fail("get", 503, times=2, headers=QUICK)
    client = Mistral(api_key="test-key", retry_config=RETRIES)

    assert client.fine_tuning.jobs.get(job_id=job.id).status == "RUNNING"
    assert classifierjobs.routes["get"].call_count == 3


def test_a_retried_create_makes_exactly_one_job(classifierjobs: ClassifierJobsMock) -> None:
    classifierjobs.rate_limit("create", retry_after=0.01)  # 429, Retry-After, x-ratelimit-*
    client = Mistral(api_key="test-key", retry_config=RETRIES)

    client.fine_tuning.jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[{"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1.0}],
        hyperparameters={"training_steps": 10},
    )
    assert len(classifierjobs.jobs) == 1


@pytest.mark.usefixtures("classifierjobs")
@pytest.mark.classifierjobs(faults={"list": [500]})  # a fault declared on the test
def test_without_retries_an_error_reaches_the_caller() -> None:
    with pytest.raises(SDKError) as raised:
        Mistral(api_key="test-key").fine_tuning.jobs.list()
    assert raised.value.status_code == 500


def test_a_connection_error_is_retried(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="QUEUED")
    classifierjobs.raise_error("get", httpx.ConnectError)  # the transport raises it
    client = Mistral(api_key="test-key", retry_config=RETRIES)

    assert client.fine_tuning.jobs.get(job_id=job.id).id == job.id


@pytest.mark.usefixtures("classifierjobs")
@pytest.mark.classifierjobs(retired=True)  # every jobs route answers 410 Gone
def test_the_retired_api_is_reported() -> None:
    with pytest.raises(SDKError) as raised:
        Mistral(api_key="test-key").fine_tuning.jobs.list()
    assert raised.value.status_code == 410


@pytest.mark.classifierjobs(instant_sleep=True)  # the fake's delay returns at once, too
def test_a_slow_answer_times_out_like_the_network(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="RUNNING")
    classifierjobs.delay("get", 30, times=1)  # longer than the client waits
    client = Mistral(api_key="test-key", timeout_ms=2_000)

    with pytest.raises(httpx.ReadTimeout):  # at 2 s, on the fake's clock
        client.fine_tuning.jobs.get(job_id=job.id)
    assert client.fine_tuning.jobs.get(job_id=job.id).id == job.id
