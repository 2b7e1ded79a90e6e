"""Fault injection on the fake, seen by plain httpx clients (sync and async): what each fault
answers, for how many calls, in which order, and every message for a bad argument.

No SDK here (``test_sdk_retries.py`` drives the SDK's retries through these faults), and no real
waiting: the delay tests record what the fake would sleep, except one that shows an async delay
is awaited rather than blocking the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import pytest_classifierjobs.mock as mock_module
from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
)
from pytest_classifierjobs.api import JOB_OPERATIONS, Operation
from pytest_classifierjobs.faults import (
    ALL_OPERATIONS,
    RATE_LIMIT_BODY,
    RETIRED_BODY,
    Fault,
    default_body,
    rate_limit_headers,
)

S = ClassifierJobOutStatus
SEED = 4242
JOBS_URL = "https://api.mistral.ai/v1/fine_tuning/jobs"
AUTH = {"Authorization": "Bearer test-key"}
FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
CREATE = json.dumps(
    {
        "model": "ministral-3b-latest",
        "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
        "training_files": [{"file_id": FILE, "weight": 1.0}],
        "auto_start": False,
        "job_type": "classifier",
    }
).encode()
# Written out rather than imported, so that a change to the constants shows here.
RATE_LIMITED = {
    "object": "error",
    "message": "Rate limit exceeded",
    "type": "rate_limited",
    "param": None,
    "code": "1300",
}
RETIRED = {"detail": "The fine-tuning jobs API has been retired and no longer serves requests."}
VALID_NAMES = (
    "'list', 'create', 'get', 'start', 'cancel', 'files.upload', 'files.list', 'files.retrieve', "
    "'files.delete', 'files.download', "
    "'files.get_signed_url', 'files.signed_download', 'models.list', 'models.retrieve', "
    "'models.delete', 'models.update', 'models.archive', 'models.unarchive', "
    "'classifiers.classify', 'classifiers.classify_chat', '*'"
)
INJECTED = "{} injected by ClassifierJobsMock"


# --- helpers ------------------------------------------------------------------------------------


def request_of(operation: Operation, job_id: str) -> tuple[str, str, bytes | None]:
    """Method, URL and body of a valid call of ``operation``."""
    job_url = f"{JOBS_URL}/{job_id}"
    return {
        "list": ("GET", JOBS_URL, None),
        "create": ("POST", JOBS_URL, CREATE),
        "get": ("GET", job_url, None),
        "start": ("POST", f"{job_url}/start", None),
        "cancel": ("POST", f"{job_url}/cancel", None),
    }[operation]


def send(client: httpx.Client, operation: Operation, job_id: str) -> httpx.Response:
    method, url, content = request_of(operation, job_id)
    return client.request(method, url, content=content, headers=_content_type(content))


async def asend(client: httpx.AsyncClient, operation: Operation, job_id: str) -> httpx.Response:
    method, url, content = request_of(operation, job_id)
    return await client.request(method, url, content=content, headers=_content_type(content))


def _content_type(content: bytes | None) -> dict[str, str]:
    # A body is JSON only with a JSON content type, as FastAPI reads it.
    return {} if content is None else {"Content-Type": "application/json"}


def run_async(body: Callable[[httpx.AsyncClient], Awaitable[Any]]) -> Any:
    """Run ``body`` with an async client in a fresh event loop (no pytest-asyncio here)."""

    async def main() -> Any:
        async with httpx.AsyncClient(headers=AUTH) as client:
            return await body(client)

    return asyncio.run(main())


def statuses(client: httpx.Client, operation: Operation, job_id: str, calls: int) -> list[int]:
    return [send(client, operation, job_id).status_code for _ in range(calls)]


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[ClassifierJobsMock]:
    with ClassifierJobsMock(seed=SEED, progression="manual") as fake:
        yield fake
    assert fake.unhandled == []


@pytest.fixture
def job(fake: ClassifierJobsMock) -> ClassifierDetailedJobOut:
    """A stored job that every operation accepts (it can be started and cancelled)."""
    return fake.add(status=S.VALIDATED)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(headers=AUTH) as client:
        yield client


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What the fake sleeps, recorded instead of slept: the seconds of each ``time.sleep``.

    Only the mock module's name ``time`` is replaced (it uses nothing but ``time.sleep``), so
    nothing else in the process stops sleeping.
    """
    recorded: list[float] = []
    monkeypatch.setattr(mock_module, "time", SimpleNamespace(sleep=recorded.append))
    return recorded


@pytest.fixture
def awaited(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The seconds of each ``asyncio.sleep`` the fake awaits, recorded and not waited."""
    recorded: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)
        await real_sleep(0)  # still yields to the event loop, as a real sleep does

    monkeypatch.setattr(mock_module, "asyncio", SimpleNamespace(sleep=sleep))
    return recorded


# --- the answers of status faults ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_code", "body"),
    [
        pytest.param(429, RATE_LIMITED, id="429-rate-limiter"),
        pytest.param(500, {"detail": "Internal Server Error"}, id="500-fastapi"),
        pytest.param(503, {"detail": "Service Unavailable"}, id="503-phrase"),
        pytest.param(404, {"detail": "Not Found"}, id="404-phrase"),
        pytest.param(410, RETIRED, id="410-retired"),
        pytest.param(599, {"detail": "Error"}, id="599-no-phrase"),
    ],
)
@pytest.mark.parametrize("operation", JOB_OPERATIONS)
def test_fail_answers_the_default_body_of_the_status(
    *,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    operation: Operation,
    status_code: int,
    body: dict[str, Any],
) -> None:
    fake.fail(operation, status_code)

    response = send(client, operation, job.id)

    assert response.status_code == status_code
    assert response.json() == body
    assert response.headers["content-type"] == "application/json"
    assert fake.routes[operation].call_count == 1


def test_the_500_body_is_fastapis_byte_for_byte(
    fake: ClassifierJobsMock, client: httpx.Client
) -> None:
    fake.fail("list", 500)

    assert send(client, "list", "").content == b'{"detail":"Internal Server Error"}'


def test_default_body_and_its_constants() -> None:
    assert RATE_LIMIT_BODY == RATE_LIMITED
    assert RETIRED_BODY == RETIRED
    assert default_body(429) == RATE_LIMITED
    assert default_body(410) == RETIRED
    assert default_body(502) == {"detail": "Bad Gateway"}
    assert default_body(599) == {"detail": "Error"}
    # Each call hands out a copy: changing it changes no later answer.
    body = default_body(429)
    body["message"] = "changed"
    assert default_body(429) == RATE_LIMITED


def test_fail_with_json_and_headers_answers_them(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 418, json={"detail": ["short", 1, None]}, headers={"x-request-id": "abc"})

    response = send(client, "get", job.id)

    assert response.status_code == 418
    assert response.content == b'{"detail":["short",1,null]}'
    assert response.headers["x-request-id"] == "abc"
    assert response.headers["content-type"] == "application/json"


def test_fail_with_json_none_sends_null(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 502, json=None)

    response = send(client, "get", job.id)

    assert response.status_code == 502
    assert response.content == b"null"


@pytest.mark.parametrize("name", ["content-type", "Content-Type", "CONTENT-TYPE"])
def test_a_content_type_header_in_any_case_replaces_the_json_one(
    fake: ClassifierJobsMock, client: httpx.Client, name: str
) -> None:
    fake.fail("list", 401, json="Unauthorized", headers={name: "text/plain"})

    response = send(client, "list", "")

    assert response.headers.get_list("content-type") == ["text/plain"]
    assert response.content == b'"Unauthorized"'


def test_rate_limit_answers_429_with_retry_after_and_the_rate_limit_headers(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.rate_limit("get", retry_after=2.5)

    response = send(client, "get", job.id)

    assert response.status_code == 429
    assert response.json() == RATE_LIMITED
    assert {k: v for k, v in response.headers.items() if k != "content-length"} == {
        "content-type": "application/json",
        "retry-after": "2.5",
        "x-ratelimit-limit-req-minute": "60",
        "x-ratelimit-remaining-req-minute": "0",
        "x-ratelimit-limit-tokens-minute": "2000000",
        "x-ratelimit-remaining-tokens-minute": "0",
    }
    assert send(client, "get", job.id).status_code == 200


def test_rate_limit_defaults_to_one_second_once(
    fake: ClassifierJobsMock, client: httpx.Client
) -> None:
    fake.rate_limit("list")

    assert send(client, "list", "").headers["retry-after"] == "1"
    assert send(client, "list", "").status_code == 200


@pytest.mark.parametrize(
    ("retry_after", "header"), [(0, "0"), (1, "1"), (0.01, "0.01"), (3600, "3600")]
)
def test_rate_limit_headers_write_retry_after_in_seconds(retry_after: float, header: str) -> None:
    assert rate_limit_headers(retry_after)["retry-after"] == header


def test_rate_limit_headers_keep_every_digit_of_a_long_retry_after() -> None:
    assert rate_limit_headers(1234567)["retry-after"] == "1234567"


# --- how long a fault lasts ---------------------------------------------------------------------


def test_times_counts_the_calls_then_normal_service_resumes(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 503, times=2)
    assert fake.faults.unused() == ["get: 503 (2 left)"]

    assert send(client, "get", job.id).status_code == 503
    assert fake.faults.unused() == ["get: 503 (1 left)"]
    assert statuses(client, "get", job.id, 2) == [503, 200]
    assert fake.faults.unused() == []
    assert fake.routes["get"].call_count == 3


def test_a_fault_on_one_operation_leaves_the_others_alone(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 500)

    assert send(client, "list", job.id).status_code == 200
    assert send(client, "start", job.id).status_code == 200
    assert fake.faults.unused() == ["get: 500 (1 left)"]
    assert send(client, "get", job.id).status_code == 500


def test_times_none_lasts_until_the_faults_are_cleared(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 500, times=None)

    assert statuses(client, "get", job.id, 5) == [500] * 5
    assert fake.faults.unused() == []  # an endless fault is never left unused
    fake.clear_faults()
    assert send(client, "get", job.id).status_code == 200


def test_clear_faults_drops_every_fault(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 500, times=3)
    fake.rate_limit("*")
    fake.raise_error("list", httpx.ConnectError)
    fake.delay("create", 1)

    fake.clear_faults()

    assert fake.faults.unused() == []
    assert [send(client, op, job.id).status_code for op in JOB_OPERATIONS] == [200] * 5


# --- the queue ----------------------------------------------------------------------------------


def test_faults_on_one_operation_answer_in_the_order_they_were_set(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 500)
    fake.rate_limit("get", retry_after=0)
    fake.fail("get", 503, times=2)

    assert statuses(client, "get", job.id, 5) == [500, 429, 503, 503, 200]


def test_a_star_fault_takes_its_turn_in_the_order_it_was_set(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("*", 502)
    fake.fail("get", 504)
    fake.fail("list", 500)

    assert statuses(client, "get", job.id, 3) == [502, 504, 200]
    assert statuses(client, "list", job.id, 2) == [500, 200]


def test_a_star_fault_waits_behind_an_earlier_fault_of_the_operation(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 500)
    fake.fail(ALL_OPERATIONS, 503)
    assert fake.faults.unused() == ["get: 500 (1 left)", "*: 503 (1 left)"]

    assert statuses(client, "get", job.id, 3) == [500, 503, 200]
    assert send(client, "list", job.id).status_code == 200  # the star fault is spent


def test_the_calls_of_a_star_fault_are_shared_by_every_operation(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("*", 503, times=2)

    assert send(client, "list", job.id).status_code == 503
    assert send(client, "get", job.id).status_code == 503
    assert send(client, "list", job.id).status_code == 200
    assert send(client, "get", job.id).status_code == 200


def test_an_endless_delay_answers_before_every_later_fault_of_its_operation(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    # delay() lasts until cleared by default: a fault set after it on the same operation
    # never comes up, by the queue's rule.
    fake.delay("get", 2)
    fake.fail("get", 503)

    assert statuses(client, "get", job.id, 3) == [200, 200, 200]
    assert slept == [2.0, 2.0, 2.0]
    assert fake.faults.unused() == ["get: 503 (1 left)"]


# --- the store does not change ------------------------------------------------------------------


@pytest.mark.parametrize(
    "inject",
    [
        pytest.param(lambda fake: fake.fail("create", 500), id="fail"),
        pytest.param(lambda fake: fake.rate_limit("create"), id="rate_limit"),
        pytest.param(lambda fake: fake.raise_error("create", httpx.ReadTimeout), id="raise"),
    ],
)
def test_a_failed_create_stores_nothing(
    fake: ClassifierJobsMock, client: httpx.Client, inject: Callable[[ClassifierJobsMock], None]
) -> None:
    inject(fake)

    with contextlib.suppress(httpx.ReadTimeout):  # what raise_error gives instead of an answer
        assert send(client, "create", "").status_code >= 400

    assert fake.jobs == {}
    assert fake.routes["create"].call_count == 1
    created = send(client, "create", "")
    assert created.status_code == 200
    assert list(fake.jobs) == [created.json()["id"]]
    assert fake.routes["create"].call_count == 2


@pytest.mark.parametrize("operation", ["start", "cancel"])
def test_a_failed_start_or_cancel_changes_no_job(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    operation: Operation,
) -> None:
    fake.fail(operation, 503)

    assert send(client, operation, job.id).status_code == 503

    assert fake.jobs == {job.id: job}
    assert fake.routes[operation].call_count == 1
    assert send(client, operation, job.id).status_code == 200
    assert fake.jobs[job.id].status != S.VALIDATED


def test_a_failed_cancel_of_a_running_job_leaves_it_running(
    fake: ClassifierJobsMock, client: httpx.Client
) -> None:
    running = fake.add(status=S.RUNNING)
    fake.fail("cancel", 500)

    assert send(client, "cancel", running.id).status_code == 500

    assert fake.jobs[running.id].status == S.RUNNING
    assert send(client, "cancel", running.id).json()["status"] == "CANCELLATION_REQUESTED"


# --- raise_error --------------------------------------------------------------------------------


@pytest.mark.parametrize("exception", [httpx.ReadTimeout, httpx.ConnectError])
def test_raise_error_with_an_httpx_class_raises_it_with_the_request(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    exception: type[httpx.RequestError],
) -> None:
    fake.raise_error("get", exception, times=2)

    with pytest.raises(exception) as first:
        send(client, "get", job.id)
    with pytest.raises(exception) as second:
        send(client, "get", job.id)

    assert type(first.value) is exception
    assert str(first.value) == INJECTED.format(exception.__name__)
    assert first.value.request.url == f"{JOBS_URL}/{job.id}"
    assert first.value is not second.value  # a class makes a new exception each time
    assert fake.routes["get"].call_count == 2  # a raised call is still a call
    assert send(client, "get", job.id).status_code == 200


def test_raise_error_with_an_instance_raises_that_instance(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    error = httpx.ConnectError("connection refused")
    fake.raise_error("get", error)

    with pytest.raises(httpx.ConnectError) as raised:
        send(client, "get", job.id)

    assert raised.value is error
    assert str(raised.value) == "connection refused"


def test_raise_error_with_a_class_from_outside_httpx(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.raise_error("cancel", RuntimeError)

    with pytest.raises(RuntimeError) as raised:
        send(client, "cancel", job.id)

    assert type(raised.value) is RuntimeError
    assert str(raised.value) == "RuntimeError injected by ClassifierJobsMock"
    assert fake.jobs[job.id].status == S.VALIDATED


@pytest.mark.parametrize("exception", [httpx.ReadTimeout, httpx.ConnectError, RuntimeError])
def test_raise_error_reaches_an_async_client(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, exception: type[Exception]
) -> None:
    fake.raise_error("get", exception)

    async def body(client: httpx.AsyncClient) -> int:
        with pytest.raises(exception) as raised:
            await asend(client, "get", job.id)
        assert type(raised.value) is exception
        return (await asend(client, "get", job.id)).status_code

    assert run_async(body) == 200
    assert fake.routes["get"].call_count == 2


# --- delay --------------------------------------------------------------------------------------


def test_a_delay_sleeps_then_answers_normally(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    fake.delay("get", 2, times=1)

    response = send(client, "get", job.id)

    assert slept == [2.0]
    assert response.status_code == 200
    assert response.json()["id"] == job.id
    assert send(client, "get", job.id).status_code == 200
    assert slept == [2.0]


def test_a_delay_lasts_until_cleared_by_default(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    fake.delay("list", 0.25)

    assert statuses(client, "list", job.id, 3) == [200] * 3
    assert slept == [0.25] * 3
    assert fake.faults.unused() == []
    fake.clear_faults()
    send(client, "list", job.id)
    assert slept == [0.25] * 3


def test_a_zero_delay_does_not_sleep(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    fake.delay("get", 0, times=1)

    assert send(client, "get", job.id).status_code == 200
    assert slept == []


def test_a_delay_followed_by_a_status_fault(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    fake.delay("get", 0.5, times=1)
    fake.fail("get", 503)

    first = send(client, "get", job.id)
    assert (first.status_code, slept) == (200, [0.5])
    second = send(client, "get", job.id)
    assert (second.status_code, slept) == (503, [0.5])
    assert send(client, "get", job.id).status_code == 200


def test_a_fault_with_a_delay_and_an_answer_sleeps_then_gives_the_answer(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    # Fault's own delay field, which the queue takes as is: "before this fault's answer".
    fake.faults.add("get", Fault(status_code=504, body={"detail": "late"}, delay=3), times=1)
    fake.faults.add("get", Fault(exception=httpx.ReadTimeout, delay=4), times=1)

    response = send(client, "get", job.id)
    assert (response.status_code, response.json(), slept) == (504, {"detail": "late"}, [3])
    with pytest.raises(httpx.ReadTimeout):
        send(client, "get", job.id)
    assert slept == [3, 4]


def test_an_async_delay_is_awaited_not_slept(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    slept: list[float],
    awaited: list[float],
) -> None:
    fake.delay("get", 2, times=1)
    fake.fail("get", 503)

    async def body(client: httpx.AsyncClient) -> list[int]:
        return [(await asend(client, "get", job.id)).status_code for _ in range(3)]

    assert run_async(body) == [200, 503, 200]
    assert awaited == [2.0]
    assert slept == []


def test_an_async_fault_with_a_delay_and_an_exception(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    slept: list[float],
    awaited: list[float],
) -> None:
    fake.faults.add("get", Fault(exception=httpx.ConnectError, delay=1.5), times=1)

    async def body(client: httpx.AsyncClient) -> None:
        with pytest.raises(httpx.ConnectError):
            await asend(client, "get", job.id)

    run_async(body)
    assert (awaited, slept) == ([1.5], [])
    assert fake.routes["get"].call_count == 1


def test_an_async_delay_lets_the_event_loop_run(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut
) -> None:
    # Real time, kept small: a delayed request and a sleep of the same length, side by side,
    # take about one delay when the delay is awaited, and two if it blocked the loop.
    delay = 0.1
    fake.delay("get", delay, times=1)
    finished: list[str] = []

    async def request(client: httpx.AsyncClient) -> None:
        assert (await asend(client, "get", job.id)).status_code == 200
        finished.append("request")

    async def other() -> None:
        await asyncio.sleep(delay / 2)
        finished.append("other")

    async def body(client: httpx.AsyncClient) -> None:
        await asyncio.gather(request(client), other())

    run_async(body)

    # The request started first and finished last: it waited (without a delay it would answer
    # long before the other task's sleep ends), and the loop ran the other task meanwhile (a
    # blocking time.sleep would have held it until the request was answered).
    assert finished == ["other", "request"]


# With instant sleeping on, the delays go through the same patched sleeps as the consumer's:
# they move the fake's clock instead of waiting. A real wait would leave the frozen clock where
# it stood, so the clock's moment shows which happened.
FROZEN = 1_750_000_000


def test_under_instant_sleep_a_delay_moves_the_clock_instead_of_waiting() -> None:
    fake = ClassifierJobsMock(seed=SEED, frozen_at=FROZEN, instant_sleep=True)
    with fake, httpx.Client(headers=AUTH) as client:
        job = fake.add(status=S.VALIDATED)
        fake.delay("get", 4, times=1)  # within httpx's default 5 s timeout
        fake.delay("list", 0.5, times=2)

        assert send(client, "get", job.id).status_code == 200
        assert fake.clock.time() == FROZEN + 4
        assert statuses(client, "list", job.id, 3) == [200] * 3
        assert fake.clock.time() == FROZEN + 5


def test_under_instant_sleep_an_async_delay_moves_the_clock_instead_of_waiting() -> None:
    fake = ClassifierJobsMock(seed=SEED, frozen_at=FROZEN, instant_sleep=True)
    with fake:
        job = fake.add(status=S.VALIDATED)
        fake.delay("get", 4.5, times=1)

        async def body(client: httpx.AsyncClient) -> int:
            return (await asend(client, "get", job.id)).status_code

        assert run_async(body) == 200
    assert fake.clock.time() == FROZEN + 4.5
    assert fake.routes["get"].call_count == 1


def test_without_instant_sleep_a_delay_leaves_the_clock_alone(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    slept: list[float],
) -> None:
    assert fake.instant_sleep is None
    fake.clock.freeze(at=FROZEN)
    fake.delay("get", 3, times=1)

    assert send(client, "get", job.id).status_code == 200
    assert (slept, fake.clock.time()) == ([3.0], FROZEN)


# --- a delay and the client's timeout -------------------------------------------------------------
# Over the network a client stops waiting at its read timeout; in-process the fake does the same,
# from the timeout httpx hands the transport in the request's "timeout" extension.


def test_a_delay_longer_than_the_read_timeout_raises_read_timeout_at_the_timeout(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, slept: list[float]
) -> None:
    fake.delay("get", 1.0, times=1)

    with httpx.Client(headers=AUTH, timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout, match=r"^timed out$") as raised:
            send(client, "get", job.id)
        assert send(client, "get", job.id).status_code == 200  # the delay was used up

    assert slept == [0.2]
    assert raised.value.request.url.path == f"/v1/fine_tuning/jobs/{job.id}"
    # Counted as a call that got no answer, as an exception fault is.
    assert [call.has_response for call in fake.routes["get"].calls] == [False, True]


def test_a_delay_within_the_read_timeout_answers(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, slept: list[float]
) -> None:
    fake.delay("get", 0.2, times=1)

    with httpx.Client(headers=AUTH, timeout=httpx.Timeout(5, read=0.2)) as client:
        assert send(client, "get", job.id).status_code == 200

    assert slept == [0.2]


def test_only_the_read_timeout_cuts_a_delay_short(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, slept: list[float]
) -> None:
    # connect, write and pool timeouts are over once the request is sent; no read timeout: wait.
    fake.delay("get", 30, times=1)

    timeout = httpx.Timeout(0.1, read=None)
    with httpx.Client(headers=AUTH, timeout=timeout) as client:
        assert send(client, "get", job.id).status_code == 200

    assert slept == [30.0]


def test_a_create_that_timed_out_was_stored_as_the_live_server_stores_it(
    fake: ClassifierJobsMock, slept: list[float]
) -> None:
    # The server does its work whether or not the client still waits: a retrying client that
    # does not check makes a second job, in-process as over the network.
    fake.delay("create", 2, times=1)

    with httpx.Client(headers=AUTH, timeout=0.5) as client, pytest.raises(httpx.ReadTimeout):
        send(client, "create", "")

    assert slept == [0.5]
    assert len(fake.jobs) == 1


def test_an_async_delay_longer_than_the_read_timeout_raises_read_timeout(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, awaited: list[float]
) -> None:
    fake.delay("get", 3, times=1)

    async def body() -> None:
        async with httpx.AsyncClient(headers=AUTH, timeout=0.25) as client:
            with pytest.raises(httpx.ReadTimeout, match=r"^timed out$"):
                await asend(client, "get", job.id)

    asyncio.run(body())
    assert awaited == [0.25]


# --- retire -------------------------------------------------------------------------------------


def test_retire_answers_410_on_every_operation_until_cleared(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.retire()

    for _ in range(2):
        for operation in JOB_OPERATIONS:
            response = send(client, operation, job.id)
            assert (response.status_code, response.json()) == (410, RETIRED)
    assert fake.faults.unused() == []
    assert fake.jobs == {job.id: job}

    fake.clear_faults()
    assert [send(client, op, job.id).status_code for op in JOB_OPERATIONS] == [200] * 5


def test_retire_answers_an_async_client(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut
) -> None:
    fake.retire()

    async def body(client: httpx.AsyncClient) -> list[int]:
        return [(await asend(client, op, job.id)).status_code for op in JOB_OPERATIONS]

    assert run_async(body) == [410] * 5


def test_faults_set_before_retire_answer_first(
    fake: ClassifierJobsMock, job: ClassifierDetailedJobOut, client: httpx.Client
) -> None:
    fake.fail("get", 503)
    fake.retire()

    assert statuses(client, "get", job.id, 2) == [503, 410]


# --- unused() -----------------------------------------------------------------------------------


def test_unused_describes_each_fault_with_calls_left(fake: ClassifierJobsMock) -> None:
    fake.fail("get", 503, times=2)
    fake.raise_error("list", httpx.ReadTimeout)
    fake.raise_error("start", httpx.ConnectError("refused"), times=4)
    fake.delay("*", 2, times=3)
    fake.delay("cancel", 0.25, times=1)
    fake.rate_limit("create")
    fake.fail("get", 500, times=None)  # endless: not listed

    assert fake.faults.unused() == [
        "get: 503 (2 left)",
        "list: raise ReadTimeout (1 left)",
        "start: raise ConnectError (4 left)",
        "*: delay 2s (3 left)",
        "cancel: delay 0.25s (1 left)",
        "create: 429 (1 left)",
    ]


def test_fault_describe() -> None:
    assert Fault(status_code=503).describe() == "503"
    assert Fault(exception=RuntimeError).describe() == "raise RuntimeError"
    assert Fault(exception=ValueError("x")).describe() == "raise ValueError"
    assert Fault(delay=1.5).describe() == "delay 1.5s"


# --- bad arguments ------------------------------------------------------------------------------


def unknown(name: str, hint: str | None = None) -> str:
    close = "" if hint is None else f" (did you mean {hint!r}?)"
    return f"unknown operation {name!r}{close}; expected one of {VALID_NAMES}"


def not_serializable(value: Any) -> str:
    """What ``json.dumps`` says of ``value``, in the words of this Python version."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        return f"json must be a JSON-serializable value ({error})"
    raise AssertionError(f"{value!r} is serializable")  # pragma: no cover


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        # operations
        (lambda f: f.fail("jobs", 500), ValueError, unknown("jobs")),
        (lambda f: f.fail("GET", 500), ValueError, unknown("GET", hint="get")),
        (lambda f: f.fail("lsit", 500), ValueError, unknown("lsit", hint="list")),
        (lambda f: f.rate_limit("all"), ValueError, unknown("all")),
        (lambda f: f.raise_error("", httpx.ReadTimeout), ValueError, unknown("")),
        (lambda f: f.delay("retrieve", 1), ValueError, unknown("retrieve", hint="files.retrieve")),
        # status codes
        (
            lambda f: f.fail("get", 99),
            ValueError,
            "status_code must be from 100 to 599, not 99",
        ),
        (
            lambda f: f.fail("get", 600),
            ValueError,
            "status_code must be from 100 to 599, not 600",
        ),
        (
            lambda f: f.fail("get", True),
            TypeError,
            "status_code must be an HTTP status code (an int), not True",
        ),
        (
            lambda f: f.fail("get", "503"),
            TypeError,
            "status_code must be an HTTP status code (an int), not '503'",
        ),
        (
            lambda f: f.fail("get", 503.0),
            TypeError,
            "status_code must be an HTTP status code (an int), not 503.0",
        ),
        # times
        (
            lambda f: f.fail("get", 503, times=0),
            ValueError,
            "times must be at least 1 (or None for every call), not 0",
        ),
        (
            lambda f: f.rate_limit("get", times=-1),
            ValueError,
            "times must be at least 1 (or None for every call), not -1",
        ),
        (
            lambda f: f.raise_error("get", RuntimeError, times=1.5),
            TypeError,
            "times must be a whole number or None, not 1.5",
        ),
        (
            lambda f: f.delay("get", 1, times=True),
            TypeError,
            "times must be a whole number or None, not True",
        ),
        # json and headers
        (
            lambda f: f.fail("get", 500, json={"when": object()}),
            TypeError,
            not_serializable({"when": object()}),
        ),
        (
            lambda f: f.fail("get", 500, json={"loss": float("nan")}),
            TypeError,
            not_serializable(float("nan")),
        ),
        (
            lambda f: f.fail("get", 500, headers={"retry-after": 1}),
            TypeError,
            "headers must be a mapping of str to str, not {'retry-after': 1}",
        ),
        (
            lambda f: f.fail("get", 500, headers={1: "one"}),
            TypeError,
            "headers must be a mapping of str to str, not {1: 'one'}",
        ),
        (
            lambda f: f.fail("get", 500, headers=[("retry-after", "1")]),
            TypeError,
            "headers must be a mapping of str to str, not [('retry-after', '1')]",
        ),
        # exceptions
        (
            lambda f: f.raise_error("get", "boom"),
            TypeError,
            "raise_error() takes an exception or an exception class, such as "
            "httpx.ReadTimeout or httpx.ConnectError, not 'boom'",
        ),
        (
            lambda f: f.raise_error("get", int),
            TypeError,
            "raise_error() takes an exception or an exception class, such as "
            "httpx.ReadTimeout or httpx.ConnectError, not <class 'int'>",
        ),
        # seconds
        (
            lambda f: f.delay("get", -0.5),
            ValueError,
            "seconds must be a finite, non-negative number of seconds, not -0.5",
        ),
        (
            lambda f: f.delay("get", float("nan")),
            ValueError,
            "seconds must be a finite, non-negative number of seconds, not nan",
        ),
        (
            lambda f: f.delay("get", float("inf")),
            ValueError,
            "seconds must be a finite, non-negative number of seconds, not inf",
        ),
        (
            lambda f: f.delay("get", "2"),
            TypeError,
            "seconds must be a number of seconds, not '2'",
        ),
        (
            lambda f: f.delay("get", False),
            TypeError,
            "seconds must be a number of seconds, not False",
        ),
        (
            lambda f: f.rate_limit("get", retry_after=-1),
            ValueError,
            "retry_after must be a finite, non-negative number of seconds, not -1",
        ),
        (
            lambda f: f.rate_limit("get", retry_after=None),
            TypeError,
            "retry_after must be a number of seconds, not None",
        ),
    ],
)
def test_a_bad_argument_is_refused_with_a_message_and_sets_no_fault(
    *,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: httpx.Client,
    call: Callable[[ClassifierJobsMock], None],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call(fake)

    assert fake.faults.unused() == []
    assert [send(client, op, job.id).status_code for op in JOB_OPERATIONS] == [200] * 5


def test_the_message_for_an_unknown_operation_lists_every_valid_name() -> None:
    assert unknown("x") == (f"unknown operation 'x'; expected one of {VALID_NAMES}")
    assert unknown("lsit", hint="list") == (
        f"unknown operation 'lsit' (did you mean 'list'?); expected one of {VALID_NAMES}"
    )
