"""Instant sleeping (``pytest_classifierjobs.sleeping``): sleeps that move a fake's clock.

Covers ``time.sleep`` and ``asyncio.sleep`` in the thread that turned it on, the sleeps that stay
real (other threads, delays of 0 or less, bad values), how the patch is put in place and taken
away (idempotence, nesting, somebody patching over it) and several threads at once.

Where a test must see what reaches "the real sleep", it installs a recording fake as
``time.sleep`` *before* the first ``start()``, so that instant sleeping saves the fake as the real
one: nothing then waits for real, and no assertion depends on wall-clock time.
"""

import asyncio
import contextvars
import math
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pytest_classifierjobs import sleeping
from pytest_classifierjobs.clock import Clock
from pytest_classifierjobs.sleeping import InstantSleep


class Sleeps:
    """Hands out instant sleeps, and knows what ``time.sleep`` and ``asyncio.sleep`` must be
    once they all stopped."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.handed_out: list[InstantSleep] = []
        self.originals = (time.sleep, asyncio.sleep)

    def __call__(self, clock: Clock | None = None) -> InstantSleep:
        instant = InstantSleep(clock if clock is not None else Clock(frozen_at=0))
        self.handed_out.append(instant)
        return instant

    def record_real_sleep(self) -> list[Any]:
        """Install a recording fake as ``time.sleep``, the "real" sleep of later starts."""
        calls: list[Any] = []

        def fake_sleep(seconds: Any) -> None:
            calls.append(seconds)

        self._monkeypatch.setattr(time, "sleep", fake_sleep)
        self.originals = (time.sleep, asyncio.sleep)
        return calls


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sleeps]:
    """Instant sleeps that are all stopped after the test, which must leave the originals back.

    It depends on ``monkeypatch``, so it is torn down first: the check sees the recording fake
    still in place, before ``monkeypatch`` puts the true ``time.sleep`` back.
    """
    handed = Sleeps(monkeypatch)
    yield handed
    for instant in handed.handed_out:
        instant.stop()
    assert sleeping._active == []
    assert time.sleep is handed.originals[0]
    assert asyncio.sleep is handed.originals[1]


# --- the thread that turned it on -------------------------------------------------------------


def test_time_sleep_in_the_starting_thread_advances_the_clock_and_yields_once(
    sleeps: Sleeps,
) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()
    assert time.sleep(3600) is None  # type: ignore[func-returns-value]
    assert instant.clock.time() == 4600
    assert real == [0]  # no wait, only the yield


def test_fractional_sleeps_add_up_on_the_clock(sleeps: Sleeps) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps()
    instant.start()
    for _ in range(4):
        time.sleep(2.5)
    assert instant.clock.time() == 10
    assert real == [0, 0, 0, 0]


def test_asyncio_sleep_inside_asyncio_run_advances_the_clock(sleeps: Sleeps) -> None:
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()

    async def poll() -> None:
        await asyncio.sleep(10)
        await asyncio.sleep(0.5)

    asyncio.run(poll())
    assert instant.clock.time() == 1010.5


@pytest.mark.parametrize(
    ("delay", "slept"),
    [
        pytest.param(0, 0, id="zero-a-yield-is-no-sleep"),
        pytest.param(5, 20, id="instant-each-tasks-sleeps-count"),
    ],
)
def test_an_asyncio_sleep_still_lets_the_other_tasks_run(
    sleeps: Sleeps, delay: float, slept: float
) -> None:
    # Whether it is a yield (0: the clock stays) or an instant sleep (4 sleeps of 5 s), the
    # event loop still switches between the tasks at each sleep.
    instant = sleeps()
    instant.start()
    order: list[str] = []

    async def task(name: str) -> None:
        for step in range(2):
            order.append(f"{name}{step}")
            await asyncio.sleep(delay)

    async def both() -> None:
        await asyncio.gather(task("a"), task("b"))

    asyncio.run(both())
    assert order == ["a0", "b0", "a1", "b1"]
    assert instant.clock.time() == slept


@pytest.mark.parametrize("delay", [10, 0], ids=["instant", "zero"])
def test_asyncio_sleep_returns_its_result(sleeps: Sleeps, delay: float) -> None:
    sleeps().start()

    async def sleep_for_a_result() -> str:
        return await asyncio.sleep(delay, result="x")

    assert asyncio.run(sleep_for_a_result()) == "x"


# --- the sleeps that stay real ----------------------------------------------------------------


def test_another_threads_time_sleep_is_real_and_leaves_the_clock(sleeps: Sleeps) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()
    # A server thread or pytest-timeout's watchdog must really wait.
    thread = threading.Thread(target=time.sleep, args=(30,))
    thread.start()
    thread.join()
    assert real == [30]
    assert instant.clock.time() == 1000


def test_another_threads_asyncio_sleep_is_real_and_leaves_the_clock(sleeps: Sleeps) -> None:
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()
    results: list[str] = []

    async def sleep_a_little() -> str:
        # A real sleep, kept tiny; nothing asserts how long it took.
        return await asyncio.sleep(0.001, result="done")

    thread = threading.Thread(target=lambda: results.append(asyncio.run(sleep_a_little())))
    thread.start()
    thread.join()
    assert results == ["done"]
    assert instant.clock.time() == 1000


@pytest.mark.parametrize(
    "delay",
    [
        pytest.param(0, id="zero"),
        pytest.param(-1, id="negative"),
        pytest.param(math.nan, id="NaN"),
        pytest.param(math.inf, id="inf"),
        pytest.param("5", id="str"),
        pytest.param(True, id="bool"),
        pytest.param(None, id="None"),
    ],
)
def test_a_delay_that_is_no_positive_finite_number_reaches_the_real_sleep(
    sleeps: Sleeps, delay: Any
) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()
    time.sleep(delay)
    assert len(real) == 1
    assert real[0] is delay  # passed on as it was given, for the real sleep to judge
    assert instant.clock.time() == 1000


@pytest.mark.parametrize(
    ("delay", "error"),
    [
        pytest.param(-1, ValueError, id="negative"),
        pytest.param(math.nan, ValueError, id="NaN"),
        pytest.param("5", TypeError, id="str"),
    ],
)
def test_a_bad_delay_raises_the_true_sleeps_own_error(
    sleeps: Sleeps, delay: Any, error: type[Exception]
) -> None:
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()
    with pytest.raises(error):
        time.sleep(delay)
    assert instant.clock.time() == 1000


def test_a_bad_asyncio_delay_raises_the_true_sleeps_own_error(sleeps: Sleeps) -> None:
    instant = sleeps(Clock(frozen_at=1000))
    instant.start()
    with pytest.raises(TypeError):
        asyncio.run(asyncio.sleep("5"))  # type: ignore[call-overload]
    assert instant.clock.time() == 1000


# --- start, stop and active -------------------------------------------------------------------


def test_stop_puts_back_exactly_the_sleeps_that_were_there(sleeps: Sleeps) -> None:
    true_sleep, true_async_sleep = time.sleep, asyncio.sleep
    instant = sleeps()
    states = [instant.active]
    instant.start()
    states.append(instant.active)
    assert time.sleep is not true_sleep
    assert asyncio.sleep is not true_async_sleep
    instant.stop()
    states.append(instant.active)
    assert states == [False, True, False]
    assert time.sleep is true_sleep
    assert asyncio.sleep is true_async_sleep


def test_start_and_stop_are_idempotent(sleeps: Sleeps) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps()
    instant.stop()  # stopping what never started does nothing
    states = [instant.active]
    instant.start()
    instant.start()
    states.append(instant.active)
    assert sleeping._active == [(threading.get_ident(), instant.clock)]  # registered once
    time.sleep(1)
    assert instant.clock.time() == 1  # advanced once, not once per start
    instant.stop()
    instant.stop()
    states.append(instant.active)
    assert states == [False, True, False]
    assert time.sleep is real_sleep_fake(sleeps)
    assert real == [0]


def test_a_stopped_instant_sleep_sleeps_for_real_again(sleeps: Sleeps) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps()
    instant.start()
    instant.stop()
    time.sleep(7)
    assert real == [7]
    assert instant.clock.time() == 0


def test_nested_instant_sleeps_advance_the_newest_then_the_outer(sleeps: Sleeps) -> None:
    real = sleeps.record_real_sleep()
    outer, inner = sleeps(), sleeps()
    outer.start()
    inner.start()
    time.sleep(5)
    assert (outer.clock.time(), inner.clock.time()) == (0, 5)
    inner.stop()
    assert time.sleep is not real_sleep_fake(sleeps)  # the outer one still patches
    time.sleep(3)
    assert (outer.clock.time(), inner.clock.time()) == (3, 5)
    outer.stop()
    assert time.sleep is real_sleep_fake(sleeps)
    assert asyncio.sleep is sleeps.originals[1]
    assert real == [0, 0]


def real_sleep_fake(handed: Sleeps) -> Callable[..., Any]:
    """The sleep that was in place before the first start (the recording fake)."""
    return handed.originals[0]


def test_the_outer_stopping_first_leaves_the_inner_advancing(sleeps: Sleeps) -> None:
    sleeps.record_real_sleep()
    outer, inner = sleeps(), sleeps()
    outer.start()
    inner.start()
    outer.stop()
    time.sleep(4)
    assert (outer.clock.time(), inner.clock.time()) == (0, 4)
    inner.stop()
    assert time.sleep is real_sleep_fake(sleeps)


# --- somebody patching over it ----------------------------------------------------------------


def test_a_patch_over_ours_stays_after_stop_and_ours_then_sleeps_for_real(
    sleeps: Sleeps,
) -> None:
    real = sleeps.record_real_sleep()
    instant = sleeps()
    instant.start()
    ours = time.sleep
    their_calls: list[float] = []

    def theirs(seconds: float) -> None:  # a wrapper that calls what it found: ours
        their_calls.append(seconds)
        ours(seconds)

    time.sleep = theirs  # type: ignore[assignment]
    try:
        instant.stop()
        assert time.sleep is theirs  # theirs stays
        assert asyncio.sleep is sleeps.originals[1]  # what they did not patch is put back
        time.sleep(6)
        assert their_calls == [6]
        assert real == [6]  # ours, still called, slept for real
        assert instant.clock.time() == 0
    finally:
        time.sleep = real_sleep_fake(sleeps)


def test_start_with_ours_still_in_place_does_not_take_ours_for_the_real_sleep(
    sleeps: Sleeps,
) -> None:
    real = sleeps.record_real_sleep()
    first = sleeps()
    first.start()
    ours, our_async = time.sleep, asyncio.sleep

    # Somebody patches over both, we stop (theirs stays), then they put back what they found.
    def their_sleep(seconds: float) -> None:
        """Never called: it is only in place."""

    async def their_async_sleep(delay: float, result: object = None) -> object:
        """Never called: it is only in place."""

    time.sleep = their_sleep  # type: ignore[assignment]
    asyncio.sleep = their_async_sleep  # type: ignore[assignment]
    first.stop()
    time.sleep, asyncio.sleep = ours, our_async

    second = sleeps(Clock(frozen_at=100))
    second.start()
    # Had start() saved ours as the real sleep, this yield would recurse forever.
    time.sleep(10)

    async def poll() -> None:
        await asyncio.sleep(10)
        await asyncio.sleep(0)

    asyncio.run(poll())
    assert second.clock.time() == 120
    assert real == [0]
    second.stop()
    assert time.sleep is real_sleep_fake(sleeps)
    assert asyncio.sleep is sleeps.originals[1]


def test_start_over_a_wrapper_of_ours_left_from_a_patch_over_does_not_recurse(
    sleeps: Sleeps,
) -> None:
    sleeps.record_real_sleep()
    first = sleeps()
    first.start()
    ours = time.sleep

    def theirs(seconds: float) -> None:  # calls what it found, as mock's wraps= would
        ours(seconds)

    time.sleep = theirs  # type: ignore[assignment]
    try:
        first.stop()  # theirs stays, as it should
        second = sleeps()
        second.start()  # saves theirs as "the real sleep"; theirs calls ours, ours calls theirs
        time.sleep(10)
        assert second.clock.time() == 10
    finally:
        for instant in sleeps.handed_out:
            instant.stop()
        time.sleep = real_sleep_fake(sleeps)


def test_start_over_an_async_wrapper_of_ours_left_from_a_patch_over_does_not_recurse(
    sleeps: Sleeps,
) -> None:
    first = sleeps()
    first.start()
    ours = asyncio.sleep
    their_calls: list[float] = []

    async def theirs(delay: float, result: object = None) -> object:  # awaits what it found
        their_calls.append(delay)
        return await ours(delay, result)

    asyncio.sleep = theirs  # type: ignore[assignment]
    try:
        first.stop()  # theirs stays
        second = sleeps()
        second.start()  # saves theirs as "the real sleep"; theirs awaits ours, ours awaits theirs

        async def poll() -> object:
            return await asyncio.sleep(10, result="x")

        assert asyncio.run(poll()) == "x"
        assert second.clock.time() == 10
        # Ours is in place again, so theirs is only called as "the real sleep", for the yield;
        # the ours it awaits then yields through the true sleep instead of calling it again.
        assert their_calls == [0]
    finally:
        for instant in sleeps.handed_out:
            instant.stop()
        asyncio.sleep = sleeps.originals[1]


# --- several threads --------------------------------------------------------------------------


def test_each_thread_sleeping_at_once_advances_its_own_clock(sleeps: Sleeps) -> None:
    real = sleeps.record_real_sleep()
    instants = {1: sleeps(), 2: sleeps()}
    # Both are on before either sleeps, and both still on until both are done.
    started, done = threading.Barrier(2), threading.Barrier(2)
    errors: list[BaseException] = []

    def sleep_in_a_thread(seconds: int) -> None:
        try:
            instants[seconds].start()
            started.wait()
            for _ in range(500):
                time.sleep(seconds)
            done.wait()
            instants[seconds].stop()
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=sleep_in_a_thread, args=(s,)) for s in instants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert instants[1].clock.time() == 500
    assert instants[2].clock.time() == 1000
    assert real == [0] * 1000  # every sleep only yielded
    assert time.sleep is real_sleep_fake(sleeps)


def test_an_abandoned_async_sleep_closed_from_another_context_cleans_up_quietly(
    sleeps: Sleeps,
) -> None:
    # A task left pending when its loop stopped is closed later, by the garbage collector, in
    # whatever context that runs: the sleep's clean-up must not depend on its own context.
    instant = sleeps()
    instant.start()
    paused = asyncio.sleep(5)
    # Paused inside the real sleep(0): a bare yield that the loop would resume.
    assert contextvars.copy_context().run(paused.send, None) is None
    assert instant.clock.time() == 5
    paused.close()  # from this context, not the one it ran in: no error
