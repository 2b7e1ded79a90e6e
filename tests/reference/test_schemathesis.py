"""schemathesis against the live server: requests generated from the spec, answers checked by it.

For each of the five operations schemathesis generates requests from the spec fragment
(``tests/data/mistral-jobs-openapi-fragment.json``), valid and invalid, and sends them with a
bearer token to the fake behind a :class:`~pytest_classifierjobs.LiveServer`. Every answer must
be free of server errors, have a JSON content type, conform to the spec's schema where the spec
declares one (the ``200`` answers), and carry only a status the contract documents for that
operation: ``200``, ``422`` for a request the server refuses, ``404`` for an unknown job, ``409``
for a start or cancel its status forbids (``mistral-jobs-api.md``, section 4), ``400`` for a
create body that cannot be decoded (FastAPI's answer), or ``405`` with ``Allow`` for a method
the path does not have.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,
)

from pytest_classifierjobs import ClassifierJobsMock, LiveServer

from .conftest import SPEC

pytestmark = pytest.mark.reference

schema = schemathesis.openapi.from_path(SPEC)
AUTH = {"Authorization": "Bearer schemathesis"}
# The statuses the contract documents, by operation (method and path template). A body that is
# not JSON a decoder can read (not UTF-8) gets FastAPI's 400, which the behaviour reference lists
# and the differential test compares with FastAPI's own.
DOCUMENTED = {
    ("GET", "/v1/fine_tuning/jobs"): {200, 422},
    ("POST", "/v1/fine_tuning/jobs"): {200, 400, 422},
    ("GET", "/v1/fine_tuning/jobs/{job_id}"): {200, 404, 422},
    ("POST", "/v1/fine_tuning/jobs/{job_id}/start"): {200, 404, 409, 422},
    ("POST", "/v1/fine_tuning/jobs/{job_id}/cancel"): {200, 404, 409, 422},
}


def documented_status(ctx: Any, response: Any, case: Any) -> bool | None:
    """The answer's status is one the contract documents for the operation.

    schemathesis also sends methods the path does not have (``TRACE`` on a job's ``start``):
    those get ``405`` with ``Allow``, as Starlette answers them (``unsupported_method`` checks
    the header).
    """
    del ctx
    if response.request.method != case.operation.method.upper():
        allowed = {405}
    else:
        allowed = DOCUMENTED[(case.operation.method.upper(), case.operation.path)]
    assert response.status_code in allowed, (
        f"{case.operation.method.upper()} {case.operation.path} answered "
        f"{response.status_code}, which the contract does not document (it has {sorted(allowed)})"
    )
    return None


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(ClassifierJobsMock(seed=7)) as live:
        # Jobs in every status, so that start and cancel meet their 200 and 409 too.
        for status in ("VALIDATED", "RUNNING", "SUCCESS", "QUEUED"):
            live.mock.add(status=status)
        yield live


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("CLASSIFIERJOBS_SCHEMATHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)
def test_the_live_server_answers_as_the_spec_and_the_contract_say(
    case: Any, server: LiveServer
) -> None:
    case.headers = {**(case.headers or {}), **AUTH}  # the spec's bearer scheme, with a token
    case.call_and_validate(
        base_url=server.url,
        checks=[
            not_a_server_error,
            content_type_conformance,
            response_schema_conformance,
            unsupported_method,
            documented_status,
        ],
    )
