"""Instant sleeping: the consumer's sleeps move the fake's clock instead of waiting.

A polling loop written for the real API sleeps between its GETs (10 s in the official
classifier example). With instant sleeping on, a call of ``time.sleep(s)`` or ``await
asyncio.sleep(s)`` made *in the thread that turned it on* (the test's) advances the fake's
:class:`~pytest_classifierjobs.clock.Clock` by ``s`` and returns at once, so under time
progression the loop sees the job's realistic timeline in milliseconds.

What is patched, exactly, and what is not:

* The attributes ``time.sleep`` and ``asyncio.sleep``, for as long as a fake with instant
  sleeping is active. Code that calls ``time.sleep(...)`` or ``asyncio.sleep(...)`` through the
  module sees the patch; a name bound earlier (``from time import sleep``) keeps the real sleep.
* Only calls from the thread that turned it on are instant; every other thread (a server, a
  pool, pytest-timeout's watchdog) sleeps for real. So does a sleep of 0 or less, which programs
  use to yield: ``asyncio.sleep(0)`` still lets the event loop run the other tasks.
* An instant sleep still yields once (a real ``sleep(0)``), so other threads and tasks keep
  moving. Nothing else is touched: ``time.time``, ``time.monotonic``, the event loop's own
  timers, ``asyncio.wait_for`` and the clients' timeouts keep real time, as does pytest's own
  timing (it keeps its own references to the ``time`` functions).

Several fakes may sleep instantly at once (nested, or in several threads): each sleep advances
the clock of the newest one of its own thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pytest_classifierjobs.clock import Clock

__all__ = ["InstantSleep"]

_T = TypeVar("_T")

_lock = threading.Lock()
#: The active instant sleeps, oldest first: (the thread that turned one on, its clock).
_active: list[tuple[int, Clock]] = []
#: The functions that were in place before the patch (None: not patched now).
_real: dict[str, Callable[..., Any]] = {}
#: The sleeps there were when this module was loaded: what a sleep falls back on when it finds
#: itself called again from inside its own call (a wrapper of ours, left in place by somebody
#: who patched over us, was then saved as "the real sleep").
_ORIGINAL: dict[str, Callable[..., Any]] = {
    "time.sleep": time.sleep,
    "asyncio.sleep": asyncio.sleep,
}
_inside: contextvars.ContextVar[bool] = contextvars.ContextVar("_inside", default=False)


class InstantSleep:
    """Turns instant sleeping on for ``clock`` in the calling thread (:meth:`start`) and off."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._entry: tuple[int, Clock] | None = None

    @property
    def active(self) -> bool:
        """Whether this instant sleep is on."""
        return self._entry is not None

    def start(self) -> None:
        """Make the calling thread's sleeps advance the clock (patching on the first start)."""
        if self._entry is not None:
            return
        with _lock:
            if not _active:
                # Ours may still be in place if somebody patched over it and then put it back.
                if time.sleep is not _sleep:
                    _real["time.sleep"] = time.sleep
                if asyncio.sleep is not _async_sleep:
                    _real["asyncio.sleep"] = asyncio.sleep
                time.sleep = _sleep  # type: ignore[assignment]
                asyncio.sleep = _async_sleep  # type: ignore[assignment]
            self._entry = (threading.get_ident(), self.clock)
            _active.append(self._entry)

    def stop(self) -> None:
        """Sleep for real again (the patch goes when the last instant sleep stops)."""
        if self._entry is None:
            return
        with _lock:
            _active.remove(self._entry)
            self._entry = None
            if not _active:
                # Put back what was there, unless somebody patched over us meanwhile: theirs
                # then stays, and calls our functions, which now sleep for real.
                if time.sleep is _sleep:
                    time.sleep = _real["time.sleep"]
                if asyncio.sleep is _async_sleep:
                    asyncio.sleep = _real["asyncio.sleep"]


def _clock_of_this_thread() -> Clock | None:
    thread = threading.get_ident()
    with _lock:
        for owner, clock in reversed(_active):
            if owner == thread:
                return clock
    return None


def _instant(seconds: object) -> Clock | None:
    """The clock a sleep of ``seconds`` advances, or ``None`` to sleep for real."""
    # Bad values (a string, NaN, a negative delay) go to the real sleep, which raises its own
    # error for them; a delay of 0 or less is a request to yield, which the real sleep does.
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return _clock_of_this_thread()


def _real_of(name: str) -> Callable[..., Any]:
    """The sleep to delegate to: the saved one, or the original if we were called from it."""
    return _ORIGINAL[name] if _inside.get() else _real.get(name, _ORIGINAL[name])


def _sleep(seconds: float) -> None:
    """``time.sleep`` while instant sleeping is on."""
    real = _real_of("time.sleep")
    clock = _instant(seconds)
    token = _inside.set(True)
    try:
        if clock is None:
            real(seconds)
            return
        clock.advance(seconds)
        real(0)  # yield, as a sleep would
    finally:
        _inside.reset(token)


async def _async_sleep(delay: float, result: _T | None = None) -> _T | None:
    """``asyncio.sleep`` while instant sleeping is on."""
    real = _real_of("asyncio.sleep")
    clock = _instant(delay)
    _inside.set(True)
    try:
        if clock is None:
            return await real(delay, result)  # type: ignore[no-any-return]
        clock.advance(delay)
        return await real(0, result)  # type: ignore[no-any-return]
    finally:
        # Not a reset to a token: an abandoned sleep may be closed from another context.
        _inside.set(False)
