"""Factory jobs on the wire, as the official SDK reads them (1.x here, 2.x in tests_sdk2)."""

import json
from typing import Any

import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOut,
    ClassifierJobOutFactory,
    ClassifierJobOutStatus,
    JobsOut,
    from_wire,
    to_wire,
)

pytestmark = pytest.mark.sdk

S = ClassifierJobOutStatus


def _sdk_status(parsed: Any) -> str:
    return str(parsed.status)


def _through_json(data: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return loaded


@pytest.mark.parametrize("status", list(S), ids=str)
def test_every_status_parses_in_the_sdk_with_the_same_status(sdk: Any, status: S) -> None:
    ClassifierDetailedJobOutFactory.seed_random(list(S).index(status))
    ClassifierJobOutFactory.seed_random(list(S).index(status))
    for _ in range(20):
        detailed = ClassifierDetailedJobOutFactory.build(status=status)
        short = ClassifierJobOutFactory.build(status=status)
        parsed_detailed = sdk.ClassifierDetailedJobOut.model_validate(
            _through_json(to_wire(detailed))
        )
        parsed_short = sdk.ClassifierJobOut.model_validate(_through_json(to_wire(short)))
        assert _sdk_status(parsed_detailed) == _sdk_status(parsed_short) == status.value
        assert parsed_detailed.id == detailed.id
        assert len(parsed_detailed.checkpoints or []) == len(detailed.checkpoints)
        assert parsed_detailed.fine_tuned_model == detailed.fine_tuned_model
        assert from_wire(ClassifierDetailedJobOut, to_wire(detailed)) == detailed
        assert from_wire(ClassifierJobOut, to_wire(short)) == short


@pytest.mark.parametrize("factory", [ClassifierDetailedJobOutFactory, ClassifierJobOutFactory])
def test_every_coverage_job_parses_in_the_sdk(
    sdk: Any, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    model = (
        sdk.ClassifierDetailedJobOut
        if factory is ClassifierDetailedJobOutFactory
        else (sdk.ClassifierJobOut)
    )
    for job in factory.coverage():
        wire = _through_json(to_wire(job))
        parsed = model.model_validate(wire)
        assert _sdk_status(parsed) == job.status.value
        assert from_wire(factory.__model__, wire) == job
        # The SDK dumps what it parsed with the same keys and values (nulls included).
        dumped = parsed.model_dump(mode="json")
        assert {k: v for k, v in dumped.items() if k in wire} == {
            k: v for k, v in wire.items() if k in dumped
        }


def test_a_page_of_jobs_parses_in_the_sdk(sdk: Any) -> None:
    jobs = ClassifierJobOutFactory.batch(5)
    page = JobsOut(total=12, data=jobs)
    parsed = sdk.JobsOut.model_validate(_through_json(to_wire(page)))
    assert parsed.total == 12
    assert [job.id for job in parsed.data] == [job.id for job in jobs]
    assert from_wire(JobsOut, to_wire(page)) == page
