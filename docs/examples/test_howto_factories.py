"""How-to: unit-test code that only reads job objects, with the factories and no fake API."""

from __future__ import annotations

from typing import Any

import pytest
from mistralai import models

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOutStatus,
    WireFormatError,
    from_wire,
    to_wire,
)


def progress_line(job: Any) -> str:
    """The code under test: one line about a job, from the SDK's job object."""
    if job.status == "SUCCESS":
        return f"{job.id[:8]} done: {job.fine_tuned_model}"
    if job.status == "RUNNING":
        done = job.checkpoints[0].step_number if job.checkpoints else 0  # newest first
        return f"{job.id[:8]} RUNNING step {done}/{job.hyperparameters.training_steps}"
    return f"{job.id[:8]} {job.status}"


def as_sdk_job(job: Any) -> models.ClassifierDetailedJobOut:
    """The factory's job as the SDK would have parsed it from the server's JSON."""
    return models.ClassifierDetailedJobOut.model_validate(to_wire(job))


def test_a_running_job_shows_its_step(
    classifier_job_factory: type[ClassifierDetailedJobOutFactory],  # seeded for this test
) -> None:
    job = classifier_job_factory.build(status="RUNNING", hyperparameters={"training_steps": 50})
    done = len(job.checkpoints)  # one per step done so far

    line = progress_line(as_sdk_job(job))

    assert line == f"{job.id[:8]} RUNNING step {done}/50"


@pytest.mark.parametrize("status", list(ClassifierJobOutStatus), ids=str)
def test_every_status_renders(status: ClassifierJobOutStatus) -> None:
    job = ClassifierDetailedJobOutFactory.build(status=status)

    line = progress_line(as_sdk_job(job))

    assert status.value in line or line.endswith(str(job.fine_tuned_model))


def test_every_nullable_field_both_null_and_set() -> None:
    # 20 jobs: per status, every field the status leaves free both null and set.
    for job in ClassifierDetailedJobOutFactory.coverage():
        assert progress_line(as_sdk_job(job))


def test_the_same_seed_builds_the_same_job() -> None:
    ClassifierDetailedJobOutFactory.seed_random(2024)
    first = ClassifierDetailedJobOutFactory.build(status="SUCCESS")
    ClassifierDetailedJobOutFactory.seed_random(2024)

    assert ClassifierDetailedJobOutFactory.build(status="SUCCESS") == first


def test_a_recorded_body_reads_back_strictly() -> None:
    body = to_wire(ClassifierDetailedJobOutFactory.build(status="VALIDATED"))
    body["trained_tokens"] = "1200"  # a string where the API sends an integer

    with pytest.raises(WireFormatError, match=r"\$\.trained_tokens: expected an integer"):
        from_wire(ClassifierDetailedJobOut, body)
