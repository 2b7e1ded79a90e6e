"""How-to: test a polling loop on the real API's timings, without waiting for them.

Under ``progression="time"`` a job moves when its time on the fake's clock has come, after
dwell times taken from the recorded jobs; with ``instant_sleep=True`` the consumer's own sleeps
move that clock instead of waiting. The consumer code is in this file, above the tests.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Collection
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from mistralai import Mistral

from pytest_classifierjobs import ClassifierJobsMock

FINAL = frozenset({"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"})
TRAINING_FILE = {"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1.0}


# --- the consumer code under test ----------------------------------------------------------------


class TrainingTimeout(Exception):
    """A job did not end within the caller's patience."""


def wait_for(
    client: Mistral,
    job_id: str,
    *,
    until: Collection[str] = FINAL,
    every: float = 10.0,
    timeout: float | None = None,
    now: Callable[[], float] = time.monotonic,
) -> list[str]:
    """Poll a job every ``every`` seconds until its status is in ``until``; the statuses seen.

    Gives up with ``TrainingTimeout`` once ``timeout`` seconds have passed, read from ``now``.
    """
    began = now()
    seen = []
    while True:
        job = client.fine_tuning.jobs.get(job_id=job_id)
        seen.append(job.status)
        if job.status in until:
            return seen
        if timeout is not None and now() - began >= timeout:
            raise TrainingTimeout(f"job {job_id} still {job.status} after {timeout:g} s")
        time.sleep(every)


async def wait_for_async(client: Mistral, job_id: str, *, every: float = 10.0) -> Any:
    """The same loop for asyncio, as the SDK's own classifier example polls: the final job."""
    while True:
        job = await client.fine_tuning.jobs.get_async(job_id=job_id)
        if job.status in FINAL:
            return job
        await asyncio.sleep(every)


def history(client: Mistral, job_id: str) -> list[str]:
    """A job's changes as ``"HH:MM:SS STATUS"`` lines, in UTC, oldest first."""
    job = client.fine_tuning.jobs.get(job_id=job_id)
    return [
        f"{datetime.fromtimestamp(event.created_at, timezone.utc):%H:%M:%S} {event.data['status']}"
        for event in job.events or []
    ]


def finished_ago(client: Mistral, job_id: str) -> float | None:
    """Seconds since the job ended, by this machine's clock; ``None`` while it runs."""
    job = client.fine_tuning.jobs.get(job_id=job_id)
    if job.status not in FINAL:
        return None
    return time.time() - job.modified_at


def create_job(client: Mistral, *, auto_start: bool = False) -> Any:
    """A classifier job of 100 training steps, as the cookbook trains them."""
    return client.fine_tuning.jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[TRAINING_FILE],
        hyperparameters={"training_steps": 100, "learning_rate": 1e-4},
        auto_start=auto_start,
    )


# --- a poller that sleeps 10 s between GETs ------------------------------------------------------


@pytest.mark.classifierjobs(progression="time", instant_sleep=True)
def test_the_poller_sees_the_queue_then_the_training_then_success(
    classifierjobs: ClassifierJobsMock,
) -> None:
    client = Mistral(api_key="test-key")
    job = create_job(client)
    wait_for(client, job.id, until={"VALIDATED"})  # a few seconds of the fake's time
    client.fine_tuning.jobs.start(job_id=job.id)
    started = classifierjobs.clock.time()

    seen = wait_for(client, job.id)

    # As the recorded jobs did: still QUEUED just after start, then RUNNING, then SUCCESS.
    assert [status for status, _ in itertools.groupby(seen)] == ["QUEUED", "RUNNING", "SUCCESS"]
    # Every poll but the last slept 10 s, on the fake's clock: the test did not wait for them.
    assert classifierjobs.clock.time() - started >= 10 * (len(seen) - 1)
    # The events carry the moments of the fake's clock: 100 steps trained for minutes.
    running, success = classifierjobs.jobs[job.id].events[-2:]
    assert success.created_at - running.created_at >= 60


@pytest.mark.classifierjobs(progression="time", instant_sleep=True)
def test_asyncio_sleep_is_instant_too(classifierjobs: ClassifierJobsMock) -> None:
    client = Mistral(api_key="test-key")
    job = create_job(client, auto_start=True)  # trains once validated, as the SDK example does
    created = classifierjobs.clock.time()

    done = asyncio.run(wait_for_async(client, job.id))

    assert done.status == "SUCCESS"
    # The whole training happened in the fake's time that the awaited sleeps added: the job's
    # timestamps (whole seconds, rounded down) lie between its creation and the clock's now,
    # minutes apart.
    assert done.created_at <= created
    assert done.modified_at <= classifierjobs.clock.time()
    assert done.modified_at - done.created_at >= 60


# --- a deadline -----------------------------------------------------------------------------------


@pytest.mark.classifierjobs(progression="time", instant_sleep=True, timings={"queue": 3600})
def test_the_poller_gives_up_on_a_queue_longer_than_its_patience(
    classifierjobs: ClassifierJobsMock,
) -> None:
    client = Mistral(api_key="test-key")
    job = create_job(client)
    wait_for(client, job.id, until={"VALIDATED"})
    client.fine_tuning.jobs.start(job_id=job.id)  # then an hour in the queue
    started = classifierjobs.clock.time()

    # The deadline reads the fake's clock: time.monotonic() does not move with instant sleeps.
    with pytest.raises(TrainingTimeout, match="still QUEUED after 1800 s"):
        wait_for(client, job.id, timeout=1800, now=classifierjobs.clock.time)

    # It gave up after half an hour of the fake's time, long before the queue's hour was over.
    assert 1800 <= classifierjobs.clock.time() - started < 3600
    assert classifierjobs.jobs[job.id].status == "QUEUED"


@pytest.mark.classifierjobs(progression="time", instant_sleep=True, timings={"queue": 3600})
def test_a_patient_poller_waits_the_queue_out(classifierjobs: ClassifierJobsMock) -> None:
    client = Mistral(api_key="test-key")
    job = create_job(client)
    wait_for(client, job.id, until={"VALIDATED"})
    client.fine_tuning.jobs.start(job_id=job.id)

    seen = wait_for(client, job.id, every=60, timeout=2 * 3600, now=classifierjobs.clock.time)

    assert seen[-1] == "SUCCESS"
    assert seen.count("QUEUED") == 60  # a poll a minute, for the hour in the queue


# --- reproducible timestamps ----------------------------------------------------------------------


@pytest.mark.classifierjobs(frozen_at="2025-04-16T14:45:06Z")
def test_a_frozen_clock_makes_every_timestamp_reproducible(
    classifierjobs: ClassifierJobsMock,
) -> None:
    client = Mistral(api_key="test-key")

    job = create_job(client)  # one step per GET (per_get), at the moment the clock shows

    assert job.created_at == 1744814706  # 2025-04-16T14:45:06Z, in every run
    classifierjobs.clock.advance(2)
    history(client, job.id)  # this GET takes the job to VALIDATING, 2 s later
    classifierjobs.clock.advance(3)
    assert history(client, job.id) == [
        "14:45:06 QUEUED",
        "14:45:08 VALIDATING",
        "14:45:11 VALIDATED",
    ]


# --- time travel ----------------------------------------------------------------------------------


@pytest.mark.classifierjobs(progression="time")
def test_the_fake_follows_time_machine(classifierjobs: ClassifierJobsMock) -> None:
    client = Mistral(api_key="test-key")
    moment = datetime(2025, 4, 16, 14, 45, 6, tzinfo=timezone.utc)

    with time_machine.travel(moment, tick=False) as traveller:
        job = create_job(client, auto_start=True)
        assert job.created_at == moment.timestamp()
        assert finished_ago(client, job.id) is None  # time stands still: the job is queued

        traveller.shift(timedelta(hours=1))

        # The job caught up with the hour: it trained and succeeded during it, and each step
        # carries the moment it was due, not the moment of this GET.
        ago = finished_ago(client, job.id)
        assert ago is not None
        assert 0 < ago < 3600
    statuses = [event.data["status"] for event in classifierjobs.jobs[job.id].events]
    assert statuses == ["QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"]


# --- opting out -----------------------------------------------------------------------------------


@pytest.mark.classifierjobs(instant_sleep=True)
class TestSleepingForReal:
    """A class (or module, or the command line) turns instant sleeping on; a test turns it off."""

    @pytest.mark.classifierjobs(instant_sleep=False, frozen_at=1744814706)
    def test_a_closer_marker_makes_sleeps_real_again(
        self, classifierjobs: ClassifierJobsMock
    ) -> None:
        time.sleep(0.01)  # a real sleep, which leaves the frozen clock where it stands

        assert classifierjobs.instant_sleep is None
        assert classifierjobs.clock.time() == 1744814706
