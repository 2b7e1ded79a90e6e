"""How-to: test what your code does now that the real API answers ``410 Gone``."""

from __future__ import annotations

import json

import pytest
from mistralai import Mistral
from mistralai.models import SDKError

from pytest_classifierjobs import ClassifierJobsMock


def job_status_or_none(client: Mistral, job_id: str) -> str | None:
    """The code under test: the job's status, or None once the API is retired."""
    try:
        return client.fine_tuning.jobs.get(job_id=job_id).status
    except SDKError as error:
        if error.status_code == 410:
            return None
        raise


@pytest.mark.usefixtures("classifierjobs")
@pytest.mark.classifierjobs(retired=True)  # every jobs route answers 410 from the start
def test_the_retired_api_is_reported() -> None:
    with pytest.raises(SDKError) as raised:
        Mistral(api_key="test-key").fine_tuning.jobs.list()

    assert raised.value.status_code == 410
    assert "retired" in json.loads(raised.value.body)["detail"]


def test_the_api_retires_while_the_code_runs(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="RUNNING")
    client = Mistral(api_key="test-key")
    assert job_status_or_none(client, job.id) == "RUNNING"

    classifierjobs.retire()  # from now on, every jobs route answers 410 Gone

    assert job_status_or_none(client, job.id) is None
    classifierjobs.clear_faults()  # and back to normal service
    assert job_status_or_none(client, job.id) == "RUNNING"
