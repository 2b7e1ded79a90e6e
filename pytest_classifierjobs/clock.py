"""The fake's time: one clock that every resource of a fake writes its timestamps from.

Jobs and files of one fake must agree on time: a job created after an upload is newer than the
file, and both are listed newest first by the same measure. Today the clock starts at a moment
drawn from the fake's seed (between mid-2024 and mid-2026) and moves forward a few seconds with
each thing created, so every timestamp is reproducible from the seed.
"""

from __future__ import annotations

import threading
from random import Random

from .progression import EARLIEST, LATEST

__all__ = ["Clock"]


class Clock:
    """Seconds since the Unix epoch, shared by the stores of one fake; safe under threads.

    >>> clock = Clock(1_750_000_000)
    >>> clock.now(), clock.tick(5), clock.now()
    (1750000000, 1750000005, 1750000005)
    """

    def __init__(self, start: int) -> None:
        self._now = start
        self._lock = threading.Lock()

    @classmethod
    def seeded(cls, rng: Random) -> Clock:
        """A clock starting at a moment drawn from ``rng``, from mid-2024 to mid-2026."""
        return cls(rng.randint(EARLIEST, LATEST))

    def now(self) -> int:
        """The current moment."""
        with self._lock:
            return self._now

    def tick(self, seconds: int) -> int:
        """Move forward ``seconds`` (something was just created) and return the new moment."""
        with self._lock:
            self._now += seconds
            return self._now
