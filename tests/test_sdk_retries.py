"""The official SDK's retries against the fake's faults, sync and async, on mistralai 1.x and 2.x.

What the SDK does (contract section 4), checked here: no retries without a ``RetryConfig``;
with one, 429/500/502/503/504 are retried (408 and 410 are not), ``Retry-After`` replaces the
backoff, the last response becomes an ``SDKError`` once ``max_elapsed_time`` has passed, and
``retry_connection_errors`` retries connection errors and timeouts.

Connection errors and timeouts: both majors raise the httpx exception itself (``ConnectError``,
``ReadTimeout``, ...), neither an ``SDKError`` nor a wrapper, when they do not retry it: without a
``RetryConfig`` it goes through the SDK's error hooks unchanged, and with one and
``retry_connection_errors=False`` the retry loop re-raises it. The majors differ on the other
network errors: 1.12.4 retries only ``ConnectError`` and ``TimeoutException``, 2.4.13 every
``NetworkError`` (``ReadError`` too) and ``TimeoutException``.

No test sleeps: the fixture ``clock`` gives the SDK's retry loop a virtual clock (see there).
The async calls run in ``asyncio.run`` (pytest-asyncio is not a dependency).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import importlib
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Literal

import httpx
import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
)
from pytest_classifierjobs import mock as mock_module
from pytest_classifierjobs.api import JOB_OPERATIONS, Operation

if TYPE_CHECKING:
    from tests.conftest import SDK

pytestmark = pytest.mark.sdk

Mode = Literal["sync", "async"]
MODES: list[Mode] = ["sync", "async"]
SEED = 20260514
MODEL = "ministral-3b-latest"
TRAINING_FILE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
RATE_LIMITED = {
    "object": "error",
    "message": "Rate limit exceeded",
    "type": "rate_limited",
    "param": None,
    "code": "1300",
}
RETIRED = {"detail": "The fine-tuning jobs API has been retired and no longer serves requests."}
# Backoff in milliseconds: 1 ms, then x1.1 per retry, at most 10 ms. With the jitter patched
# out, the n-th backoff (from 0) is exactly 0.001 * 1.1**n seconds.
INITIAL_MS, MAX_MS, EXPONENT = 1, 10, 1.1


def backoff(retry: int) -> float:
    return INITIAL_MS / 1000 * EXPONENT**retry


# --- helpers ------------------------------------------------------------------------------------


class Clock:
    """Virtual time for the SDK's retry loop: sleeping records the seconds and moves time on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


def retry_config(
    sdk: SDK, *, max_elapsed_ms: int = 1000, retry_connection_errors: bool = False
) -> Any:
    return sdk.RetryConfig(
        "backoff",
        sdk.BackoffStrategy(INITIAL_MS, MAX_MS, EXPONENT, max_elapsed_ms),
        retry_connection_errors,
    )


def arguments(operation: Operation, job_id: str) -> dict[str, Any]:
    """The least a call of ``operation`` needs."""
    if operation == "list":
        return {}
    if operation == "create":
        return {
            "model": MODEL,
            "job_type": "classifier",
            "hyperparameters": {"training_steps": 10},
            "training_files": [{"file_id": TRAINING_FILE, "weight": 1.0}],
        }
    return {"job_id": job_id}


def call(client: Any, mode: Mode, operation: Operation, job_id: str = "", **options: Any) -> Any:
    """``client.fine_tuning.jobs.<operation>``, or its ``_async`` twin run to completion."""
    jobs = client.fine_tuning.jobs
    kwargs = {**arguments(operation, job_id), **options}
    if mode == "sync":
        return getattr(jobs, operation)(**kwargs)
    return asyncio.run(getattr(jobs, f"{operation}_async")(**kwargs))


def body_of(error: Any) -> Any:
    return json.loads(error.body)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[ClassifierJobsMock]:
    with ClassifierJobsMock(seed=SEED) as fake:
        yield fake
    assert fake.unhandled == []


@pytest.fixture
def job(fake: ClassifierJobsMock) -> ClassifierDetailedJobOut:
    """A stored job that every operation accepts."""
    return fake.add(status=ClassifierJobOutStatus.VALIDATED)


@pytest.fixture(autouse=True)
def clock(sdk: SDK, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Virtual time and no jitter for the SDK's retry loop (``utils/retries.py``): no real sleep.

    Patched there, and only there (the module's own names ``time``, ``asyncio`` and
    ``random``, so the rest of the process keeps the real ones):

    - ``time.sleep`` and ``asyncio.sleep``: recorded instead of slept, so the tests assert what
      the SDK waited (the Retry-After seconds, the backoff) rather than measure wall time;
    - ``time.time``: moved on by exactly what was "slept", so ``max_elapsed_time`` runs out
      after a known amount of backoff, not after real time;
    - ``random.uniform``: 0, because the backoff formula ``initial/1000 * exponent**n +
      uniform(0, 1)`` adds up to a second of jitter per retry, which would make the recorded
      backoff random and, with real sleeping, the suite slow.

    ``monkeypatch.setattr`` fails if the SDK renames one of these, rather than silently sleeping.
    """
    retries = importlib.import_module(sdk.RetryConfig.__module__)
    clock = Clock()
    monkeypatch.setattr(retries, "time", SimpleNamespace(time=clock.time, sleep=clock.sleep))
    monkeypatch.setattr(retries, "asyncio", SimpleNamespace(sleep=clock.async_sleep))
    monkeypatch.setattr(retries, "random", SimpleNamespace(uniform=lambda _a, _b: 0.0))
    return clock


# The clients are shared by the module's tests: building one costs the SDK about 80 ms (two httpx
# clients). A test that needs other retries passes them per call (``retries=``), as users can.


@pytest.fixture(scope="module")
def client(sdk: SDK) -> Iterator[Any]:
    """A client that retries with the short backoff; connection errors are not retried."""
    with sdk.Mistral(api_key="test-key", retry_config=retry_config(sdk)) as client:
        yield client


@pytest.fixture(scope="module")
def plain_client(sdk: SDK) -> Iterator[Any]:
    """A client without a ``RetryConfig``: the SDK's default, no retries."""
    with sdk.Mistral(api_key="test-key") as client:
        yield client


# --- retried statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_two_503_then_success(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    fake.fail("get", 503, times=2)

    got = call(client, mode, "get", job.id)

    assert got.id == job.id
    assert fake.routes["get"].call_count == 3
    assert clock.slept == pytest.approx([backoff(0), backoff(1)])
    assert fake.faults.unused() == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status_code", [429, 500, 502, 503, 504])
def test_each_retried_status_is_retried(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    mode: Mode,
    status_code: int,
) -> None:
    fake.fail("get", status_code)

    assert call(client, mode, "get", job.id).id == job.id
    assert fake.routes["get"].call_count == 2


@pytest.mark.parametrize("mode", MODES)
def test_retries_given_per_call(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    fake.fail("get", 502)

    got = call(plain_client, mode, "get", job.id, retries=retry_config(sdk))

    assert got.id == job.id
    assert fake.routes["get"].call_count == 2
    assert clock.slept == pytest.approx([backoff(0)])


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_is_waited_instead_of_the_backoff(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    # The contract's run: a 429 with Retry-After, then a 503, then the job.
    fake.rate_limit("get", retry_after=0.5)
    fake.fail("get", 503)

    got = call(client, mode, "get", job.id)

    assert got.id == job.id
    assert fake.routes["get"].call_count == 3
    # 0.5 s as the header says (500 times the backoff, and above max_interval: not capped),
    # then the backoff of the second retry.
    assert clock.slept == pytest.approx([0.5, backoff(1)])
    assert [call.response.status_code for call in fake.routes["get"].calls] == [429, 503, 200]
    assert fake.routes["get"].calls[0].response.headers["retry-after"] == "0.5"


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_as_an_http_date_is_waited(
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    fake.fail("get", 503, headers={"retry-after": email.utils.format_datetime(later, usegmt=True)})

    assert call(client, mode, "get", job.id).id == job.id

    assert fake.routes["get"].call_count == 2
    (waited,) = clock.slept
    assert 28 < waited <= 30  # the date has whole seconds; a little real time has passed


@pytest.mark.parametrize("mode", MODES)
def test_retries_exhausted_give_the_last_response_as_sdk_error(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    fake.fail("get", 503, times=None)
    retries = retry_config(sdk, max_elapsed_ms=5)

    with pytest.raises(sdk.SDKError) as raised:
        call(plain_client, mode, "get", job.id, retries=retries)

    assert raised.value.status_code == 503
    assert body_of(raised.value) == {"detail": "Service Unavailable"}
    calls = fake.routes["get"].call_count
    # Retried until more than 5 ms of (virtual) backoff had passed, then one call more.
    assert calls == len(clock.slept) + 1 >= 3
    assert clock.slept == pytest.approx([backoff(n) for n in range(calls - 1)])
    assert sum(clock.slept[:-1]) * 1000 <= 5.5 < sum(clock.slept) * 1000


# --- not retried --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_without_retry_config_a_429_is_one_call_and_an_sdk_error(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    fake.rate_limit("get", retry_after=0.01)

    with pytest.raises(sdk.SDKError) as raised:
        call(plain_client, mode, "get", job.id)

    assert raised.value.status_code == 429
    assert body_of(raised.value) == RATE_LIMITED
    assert raised.value.headers["retry-after"] == "0.01"
    assert fake.routes["get"].call_count == 1
    assert clock.slept == []


@pytest.mark.parametrize("mode", MODES)
def test_a_408_is_not_retried(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    clock: Clock,
    mode: Mode,
) -> None:
    fake.fail("get", 408)

    with pytest.raises(sdk.SDKError) as raised:
        call(client, mode, "get", job.id)

    assert raised.value.status_code == 408
    assert body_of(raised.value) == {"detail": "Request Timeout"}
    assert fake.routes["get"].call_count == 1
    assert clock.slept == []


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("operation", JOB_OPERATIONS)
def test_a_retired_api_answers_410_on_every_operation(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    clock: Clock,
    mode: Mode,
    operation: Operation,
) -> None:
    fake.retire()

    with pytest.raises(sdk.SDKError) as raised:
        call(client, mode, operation, job.id)

    assert raised.value.status_code == 410
    assert body_of(raised.value) == RETIRED
    assert fake.routes[operation].call_count == 1  # 410 is not retried
    assert clock.slept == []
    assert fake.jobs == {job.id: job}


# --- the store ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_retried_429_on_create_makes_exactly_one_job(
    fake: ClassifierJobsMock, client: Any, clock: Clock, mode: Mode
) -> None:
    fake.rate_limit("create", retry_after=0.01)

    created = call(client, mode, "create")

    assert list(fake.jobs) == [created.id]
    assert len(fake.jobs) == 1
    assert fake.routes["create"].call_count == 2
    assert clock.slept == pytest.approx([0.01])


# --- connection errors and timeouts -------------------------------------------------------------

CONNECTION_ERRORS = [httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("exception", CONNECTION_ERRORS)
def test_retry_connection_errors_retries_connection_errors_and_timeouts(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    clock: Clock,
    mode: Mode,
    exception: type[httpx.RequestError],
) -> None:
    fake.raise_error("get", exception, times=2)
    retries = retry_config(sdk, retry_connection_errors=True)

    got = call(plain_client, mode, "get", job.id, retries=retries)

    assert got.id == job.id
    assert fake.routes["get"].call_count == 3
    assert clock.slept == pytest.approx([backoff(0), backoff(1)])


@pytest.mark.parametrize("mode", MODES)
def test_retry_connection_errors_set_on_the_client(
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    clock: Clock,
    mode: Mode,
) -> None:
    fake.raise_error("get", httpx.ConnectError)
    fake.raise_error("get", httpx.ReadTimeout)
    config = retry_config(sdk, retry_connection_errors=True)

    with sdk.Mistral(api_key="test-key", retry_config=config) as client:
        got = call(client, mode, "get", job.id)

    assert got.id == job.id
    assert fake.routes["get"].call_count == 3
    assert clock.slept == pytest.approx([backoff(0), backoff(1)])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("exception", CONNECTION_ERRORS)
@pytest.mark.parametrize("retried", [False, None], ids=["retry_connection_errors=False", "none"])
def test_an_unretried_connection_error_reaches_the_caller_as_the_httpx_exception(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    client: Any,
    plain_client: Any,
    clock: Clock,
    mode: Mode,
    exception: type[httpx.RequestError],
    retried: bool | None,
) -> None:
    fake.raise_error("get", exception)
    # ``client`` retries statuses but not connection errors; ``plain_client`` retries nothing.
    chosen = client if retried is False else plain_client

    with pytest.raises(exception) as raised:
        call(chosen, mode, "get", job.id)

    # The httpx exception itself, on 1.x and 2.x alike: not an SDKError, not wrapped.
    assert type(raised.value) is exception
    assert not isinstance(raised.value, sdk.SDKError)
    assert str(raised.value) == f"{exception.__name__} injected by ClassifierJobsMock"
    assert fake.routes["get"].call_count == 1
    assert clock.slept == []


@pytest.mark.parametrize("mode", MODES)
def test_a_read_error_is_retried_by_2x_only(
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    mode: Mode,
) -> None:
    # ReadError is an httpx.NetworkError but no ConnectError: 2.x retries every NetworkError,
    # 1.x only ConnectError (and timeouts).
    fake.raise_error("get", httpx.ReadError)
    retries = retry_config(sdk, retry_connection_errors=True)

    if sdk.major == 1:
        with pytest.raises(httpx.ReadError):
            call(plain_client, mode, "get", job.id, retries=retries)
        assert fake.routes["get"].call_count == 1
    else:
        assert call(plain_client, mode, "get", job.id, retries=retries).id == job.id
        assert fake.routes["get"].call_count == 2


# --- a slow answer and the SDK's timeout ----------------------------------------------------------
# The SDK's timeout_ms becomes httpx's timeout, which the fake reads from the request: an answer
# delayed past it is a ReadTimeout, as over the network, and retry_connection_errors retries it.


@pytest.fixture
def fake_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What the fake waits before answering, sync and async, recorded instead of waited."""
    waited: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(mock_module, "time", SimpleNamespace(sleep=waited.append))
    monkeypatch.setattr(mock_module, "asyncio", SimpleNamespace(sleep=async_sleep))
    return waited


@pytest.mark.parametrize("mode", MODES)
def test_a_delay_past_the_sdks_timeout_is_its_read_timeout(
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    fake_waits: list[float],
    mode: Mode,
) -> None:
    fake.delay("get", 1.0, times=1)

    with sdk.Mistral(api_key="test-key", timeout_ms=200) as client:
        with pytest.raises(httpx.ReadTimeout):
            call(client, mode, "get", job.id)
        assert call(client, mode, "get", job.id).id == job.id  # the delay was used up

    assert fake_waits == [0.2]
    assert fake.routes["get"].call_count == 2


@pytest.mark.parametrize("mode", MODES)
def test_a_delay_past_the_timeout_is_retried_with_retry_connection_errors(
    *,
    sdk: SDK,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    clock: Clock,
    fake_waits: list[float],
    mode: Mode,
) -> None:
    fake.delay("get", 5.0, times=1)
    retries = retry_config(sdk, retry_connection_errors=True)

    got = call(plain_client, mode, "get", job.id, retries=retries, timeout_ms=500)

    assert got.id == job.id
    assert fake_waits == [0.5]
    assert fake.routes["get"].call_count == 2
    assert clock.slept == pytest.approx([backoff(0)])


@pytest.mark.parametrize("mode", MODES)
def test_a_delay_within_the_timeout_answers(
    *,
    fake: ClassifierJobsMock,
    job: ClassifierDetailedJobOut,
    plain_client: Any,
    fake_waits: list[float],
    mode: Mode,
) -> None:
    fake.delay("get", 0.3, times=1)

    assert call(plain_client, mode, "get", job.id, timeout_ms=500).id == job.id
    assert fake_waits == [0.3]
