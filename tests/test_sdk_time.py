"""The fake's clock through the official mistralai SDK, on 1.x and 2.x: polling on real timings.

Under ``progression="time"`` a job moves when its time on the fake's clock has come; with
``instant_sleep=True`` the consumer's ``time.sleep`` and ``asyncio.sleep`` advance that clock
instead of waiting. Covered here: a cookbook-shaped poll loop (upload, create without
auto_start, poll to VALIDATED, start, poll to SUCCESS), sync and async, on the wall clock and
on a frozen one (where the clock moves by exactly what was slept); the SDK's own retry backoff,
which sleeps through ``time.sleep`` or ``asyncio.sleep`` too; time-machine and freezegun moving
the clock under a test; and the list's ``created_after`` filter against the clock's now.

The client is imported from where the installed major keeps it (1.x ``mistralai``, 2.x
``mistralai.client``). The async test runs on anyio's pytest plugin (anyio comes with httpx).
No test waits for or measures wall time: every duration asserted is the fake's clock's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib
import importlib.metadata
import itertools
import json
import math
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from freezegun import freeze_time

from pytest_classifierjobs import ClassifierJobsMock

if TYPE_CHECKING:
    from tests.conftest import SDK

# 2.x keeps the client under mistralai.client.
_MAJOR = int(importlib.metadata.version("mistralai").split(".", 1)[0])
Mistral: Any = importlib.import_module("mistralai.client" if _MAJOR >= 2 else "mistralai").Mistral

pytestmark = pytest.mark.sdk

API_KEY = "test-key"
MODEL = "ministral-3b-latest"
POLL_SECONDS = 10  # as the SDK's classifier example and the cookbook poll
MAX_POLLS = 500  # a bound on every loop: 500 polls of 10 s are over an hour of the fake's time
TERMINAL = {"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"}
# 2025-04-16T14:45:06Z, when the cookbook's first classifier job was created.
MOMENT = dt.datetime(2025, 4, 16, 14, 45, 6, tzinfo=dt.timezone.utc)
RECORDED = 1744814706
ROWS = [
    {"text": "I love this product", "labels": {"sentiment": "positive"}},
    {"text": "It broke after a day", "labels": {"sentiment": "negative"}},
    {"text": "It does the job", "labels": {"sentiment": "neutral"}},
    {"text": "Best purchase this year", "labels": {"sentiment": "positive"}},
]
TRAINING = b"".join(json.dumps(row).encode() + b"\n" for row in ROWS)
TIME = pytest.mark.classifierjobs(progression="time", instant_sleep=True)


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def client(classifierjobs: ClassifierJobsMock) -> Iterator[Any]:
    """The SDK against the in-process fake, at its base URL (the SDK's default server)."""
    with Mistral(api_key=API_KEY, server_url=classifierjobs.base_url) as client:
        yield client


@pytest.fixture
async def aclient(classifierjobs: ClassifierJobsMock) -> AsyncIterator[Any]:
    """The same for the async test, whose client the async context closes."""
    async with Mistral(api_key=API_KEY, server_url=classifierjobs.base_url) as client:
        yield client


def create_arguments(file_id: str, *, auto_start: bool = False) -> dict[str, Any]:
    # 100 steps, as the cookbook trains: minutes of training, longer than a poll's 10 s.
    return {
        "model": MODEL,
        "job_type": "classifier",
        "training_files": [{"file_id": file_id, "weight": 1.0}],
        "hyperparameters": {"training_steps": 100, "learning_rate": 1e-4},
        "auto_start": auto_start,
    }


def upload(client: Any) -> Any:
    return client.files.upload(file={"file_name": "train.jsonl", "content": TRAINING})


def statuses_of(job: Any) -> list[str]:
    return [str((event.data or {}).get("status")) for event in job.events]


def distinct(seen: list[str]) -> list[str]:
    """``seen`` with each run of one status kept once."""
    return [status for status, _ in itertools.groupby(seen)]


def assert_events_in_order(job: Any) -> None:
    moments = [event.created_at for event in job.events]
    assert moments == sorted(moments)
    assert job.created_at <= moments[0]
    assert moments[-1] <= job.modified_at


class Polls:
    """The status each GET saw, with the fake's clock read just before and just after it."""

    def __init__(self, fake: ClassifierJobsMock) -> None:
        self.clock = fake.clock
        self.seen: list[tuple[float, float, str]] = []

    def record(self, before: float, job: Any) -> None:
        self.seen.append((before, self.clock.time(), str(job.status)))

    @property
    def statuses(self) -> list[str]:
        return [status for _, _, status in self.seen]

    def assert_dated_between_the_gets(self, job: Any, status: str) -> None:
        """``status``'s event falls after the last GET that did not see it, by the first that did.

        Under time progression a step carries the moment it was due: later than the clock's
        moment at the GET before (else that GET would have taken it), no later than at the GET
        that took it.
        """
        first = self.statuses.index(status)
        assert first > 0, f"{status} was seen on the first GET"
        (dated,) = [e.created_at for e in job.events if (e.data or {}).get("status") == status]
        before_previous = self.seen[first - 1][0]
        after_first = self.seen[first][1]
        assert math.floor(before_previous) <= dated <= after_first


def assert_the_loop_matches_the_clock(
    fake: ClassifierJobsMock, job: Any, polls: Polls, *, began: float, slept: int, frozen: bool
) -> None:
    moved = fake.clock.time() - began
    if frozen:
        # Nothing but the sleeps moved a frozen clock: by exactly what they slept.
        assert moved == slept
        assert job.created_at == RECORDED
    else:
        assert moved >= slept  # the wall clock went on meanwhile, too
        assert job.created_at >= math.floor(began)
    assert statuses_of(job) == ["QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"]
    assert_events_in_order(job)
    polls.assert_dated_between_the_gets(job, "RUNNING")
    polls.assert_dated_between_the_gets(job, "SUCCESS")
    assert job.modified_at <= fake.clock.now()


# On the wall clock, as a consumer's test runs, and frozen, where the sums are exact.
CLOCKS = pytest.mark.parametrize(
    "frozen",
    [
        pytest.param(False, id="wall clock"),
        pytest.param(True, marks=pytest.mark.classifierjobs(frozen_at=RECORDED), id="frozen"),
    ],
)


# --- a cookbook-shaped poll loop ----------------------------------------------------------------


@TIME
@CLOCKS
def test_a_sync_poll_loop_sees_the_queue_then_training_then_success_without_waiting(
    client: Any, classifierjobs: ClassifierJobsMock, frozen: bool
) -> None:
    jobs = client.fine_tuning.jobs
    began = classifierjobs.clock.time()
    slept = 0
    uploaded = upload(client)
    job = jobs.create(**create_arguments(uploaded.id))
    assert job.status == "QUEUED"
    for _ in range(MAX_POLLS):
        if job.status in {"VALIDATED", *TERMINAL}:
            break
        time.sleep(POLL_SECONDS)
        slept += POLL_SECONDS
        job = jobs.get(job_id=job.id)
    assert job.status == "VALIDATED"

    jobs.start(job_id=job.id)
    polls = Polls(classifierjobs)
    for _ in range(MAX_POLLS):
        before = classifierjobs.clock.time()
        job = jobs.get(job_id=job.id)
        polls.record(before, job)
        if job.status in TERMINAL:
            break
        time.sleep(POLL_SECONDS)
        slept += POLL_SECONDS

    # As in the recorded jobs: still QUEUED on the first GET after start (the queue lasts 3 s
    # or more), then RUNNING, then SUCCESS.
    assert polls.statuses[0] == "QUEUED"
    assert distinct(polls.statuses) == ["QUEUED", "RUNNING", "SUCCESS"]
    # Every sleep moved the fake's clock instead of waiting, and each step is dated on it.
    assert slept >= POLL_SECONDS * (len(polls.seen) - 1)
    assert_the_loop_matches_the_clock(
        classifierjobs, job, polls, began=began, slept=slept, frozen=frozen
    )
    assert job.fine_tuned_model is not None


@TIME
@CLOCKS
@pytest.mark.anyio
async def test_an_async_poll_loop_sleeps_instantly_with_asyncio_sleep(
    aclient: Any, classifierjobs: ClassifierJobsMock, frozen: bool
) -> None:
    jobs = aclient.fine_tuning.jobs
    began = classifierjobs.clock.time()
    slept = 0
    uploaded = await aclient.files.upload_async(
        file={"file_name": "train.jsonl", "content": TRAINING}
    )
    job = await jobs.create_async(**create_arguments(uploaded.id))
    for _ in range(MAX_POLLS):
        if job.status in {"VALIDATED", *TERMINAL}:
            break
        await asyncio.sleep(POLL_SECONDS)
        slept += POLL_SECONDS
        job = await jobs.get_async(job_id=job.id)
    assert job.status == "VALIDATED"

    await jobs.start_async(job_id=job.id)
    polls = Polls(classifierjobs)
    for _ in range(MAX_POLLS):
        before = classifierjobs.clock.time()
        job = await jobs.get_async(job_id=job.id)
        polls.record(before, job)
        if job.status in TERMINAL:
            break
        await asyncio.sleep(POLL_SECONDS)
        slept += POLL_SECONDS

    assert polls.statuses[0] == "QUEUED"
    assert distinct(polls.statuses) == ["QUEUED", "RUNNING", "SUCCESS"]
    assert slept >= POLL_SECONDS * (len(polls.seen) - 1)
    assert_the_loop_matches_the_clock(
        classifierjobs, job, polls, began=began, slept=slept, frozen=frozen
    )


# --- the SDK's retry backoff --------------------------------------------------------------------


@pytest.mark.classifierjobs(instant_sleep=True, frozen_at=RECORDED)
def test_the_sdks_retry_backoff_advances_the_clock_instead_of_waiting(
    sdk: SDK, classifierjobs: ClassifierJobsMock
) -> None:
    job = classifierjobs.add(status="RUNNING")
    classifierjobs.fail("get", 503, times=2)
    # A backoff of a minute, then two (in milliseconds, as the SDK takes it), plus the SDK's
    # jitter of up to a second each: minutes of real waiting, were the sleeps real.
    retries = sdk.RetryConfig(
        "backoff", sdk.BackoffStrategy(60_000, 600_000, 2.0, 3_600_000), False
    )

    with sdk.Mistral(api_key=API_KEY, retry_config=retries) as client:
        got = client.fine_tuning.jobs.get(job_id=job.id)

    assert got.id == job.id
    assert classifierjobs.routes["get"].call_count == 3
    # The frozen clock moved by what the SDK slept, and by nothing else.
    slept = classifierjobs.clock.time() - RECORDED
    assert 60 + 120 <= slept < 60 + 120 + 2


@pytest.mark.classifierjobs(instant_sleep=True, frozen_at=RECORDED)
@pytest.mark.anyio
async def test_the_async_sdks_retry_backoff_advances_the_clock_too(
    sdk: SDK, classifierjobs: ClassifierJobsMock
) -> None:
    # The async client backs off with asyncio.sleep, which instant sleeping patches as well.
    job = classifierjobs.add(status="RUNNING")
    classifierjobs.fail("get", 503, times=2)
    retries = sdk.RetryConfig(
        "backoff", sdk.BackoffStrategy(60_000, 600_000, 2.0, 3_600_000), False
    )

    async with sdk.Mistral(api_key=API_KEY, retry_config=retries) as client:
        got = await client.fine_tuning.jobs.get_async(job_id=job.id)

    assert got.id == job.id
    assert classifierjobs.routes["get"].call_count == 3
    slept = classifierjobs.clock.time() - RECORDED
    assert 60 + 120 <= slept < 60 + 120 + 2


# --- time-machine and freezegun -----------------------------------------------------------------


@contextlib.contextmanager
def time_machine_travel() -> Iterator[Callable[[int], object]]:
    """Stand at ``MOMENT`` with time-machine; yield what moves time on."""
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller.shift


@contextlib.contextmanager
def freezegun_freeze() -> Iterator[Callable[[int], object]]:
    """Stand at ``MOMENT`` with freezegun; yield what moves time on."""
    with freeze_time(MOMENT) as frozen:
        yield frozen.tick


@pytest.mark.parametrize(
    "travel",
    [
        pytest.param(time_machine_travel, id="time-machine"),
        pytest.param(freezegun_freeze, id="freezegun"),
    ],
)
@pytest.mark.classifierjobs(progression="time")
def test_time_travel_dates_a_created_job_and_moves_it_on(
    client: Any,
    classifierjobs: ClassifierJobsMock,
    travel: Callable[[], contextlib.AbstractContextManager[Callable[[int], object]]],
) -> None:
    with travel() as move_on:
        assert classifierjobs.clock.now() == RECORDED  # the fake's clock follows the library
        created = client.fine_tuning.jobs.create(**create_arguments(upload(client).id))
        assert (created.created_at, created.modified_at) == (RECORDED, RECORDED)
        assert client.fine_tuning.jobs.get(job_id=created.id).status == "QUEUED"

        move_on(3600)

        # The hour passed on the fake's clock too: the job was validated during it, each step
        # stamped with the moment it was due (6 s at most after creation by default).
        job = client.fine_tuning.jobs.get(job_id=created.id)
    assert job.status == "VALIDATED"
    assert statuses_of(job) == ["QUEUED", "VALIDATING", "VALIDATED"]
    assert all(RECORDED <= event.created_at <= RECORDED + 6 for event in job.events)
    assert_events_in_order(job)


# --- listing against the clock's now -----------------------------------------------------------


def test_created_after_an_hour_ago_lists_the_job_just_created_first(
    client: Any, classifierjobs: ClassifierJobsMock
) -> None:
    # Added jobs end in the hour before the clock's now; some began before that hour.
    added = [classifierjobs.add() for _ in range(6)]
    now = classifierjobs.clock.now()
    created = client.fine_tuning.jobs.create(**create_arguments(upload(client).id))
    added += [classifierjobs.add() for _ in range(3)]
    since = now - 3600

    listed = client.fine_tuning.jobs.list(
        created_after=dt.datetime.fromtimestamp(since, dt.timezone.utc)
    )

    ids = [job.id for job in listed.data]
    assert created.created_at >= now
    assert ids[0] == created.id
    # The filter is the API's: exactly the jobs created from that moment on, newest first.
    expected = [job for job in added if job.created_at >= since] + [created]
    assert sorted(ids) == sorted(job.id for job in expected)
    assert listed.total == len(expected)
    moments = [job.created_at for job in listed.data]
    assert moments == sorted(moments, reverse=True)
    assert all(job.modified_at <= classifierjobs.clock.now() for job in added)
