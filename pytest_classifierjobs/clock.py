"""The fake's time: one clock that every resource of a fake writes its timestamps from.

Jobs, files and models of one fake agree on time: a job created after an upload is newer than
the file, and a job's events carry the moment of each change. By default the clock reads the
wall clock, through ``time.time()`` looked up at every call, so that time-machine and freezegun
move it as they move the code under test. A test can also freeze it at a moment of its choice
(then every timestamp is reproducible from the seed) and move it forward: by hand with
:meth:`Clock.advance`, or by the consumer's own sleeps with instant sleeping
(:mod:`pytest_classifierjobs.sleeping`).

A clock with a ``scale`` runs that many times faster than the wall clock: the live server uses
it so that a client polling in real time sees a job's realistic timeline in seconds.
"""

from __future__ import annotations

import datetime
import math
import threading
import time

__all__ = ["Clock", "Moment", "as_float", "to_seconds"]

#: A moment as a test may give it: Unix seconds, an aware :class:`datetime.datetime` (a naive
#: one is taken as UTC), or an ISO 8601 string such as ``"2025-04-16T14:45:06Z"``.
Moment = int | float | datetime.datetime | str


def as_float(number: float) -> float:
    """``number`` as a float; an int too large for one is infinite (then refused as such).

    >>> as_float(3), as_float(10**400)
    (3.0, inf)
    """
    try:
        return float(number)
    except OverflowError:
        return math.inf


def to_seconds(moment: Moment) -> float:
    """``moment`` as Unix seconds; a ``TypeError`` or ``ValueError`` names what was wrong.

    >>> to_seconds("2025-04-16T14:45:06Z"), to_seconds(1744814706)
    (1744814706.0, 1744814706.0)
    """
    if isinstance(moment, bool):  # a bool is an int to Python, never a moment to a user
        raise TypeError(f"expected a moment (Unix seconds, a datetime or ISO text), got {moment!r}")
    if isinstance(moment, (int, float)):
        seconds = as_float(moment)
        if not math.isfinite(seconds):
            raise ValueError(f"a moment must be a finite number of Unix seconds, not {moment!r}")
        return seconds
    if isinstance(moment, str):
        try:
            # Python 3.10's fromisoformat does not read a final Z.
            parsed = datetime.datetime.fromisoformat(moment.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"expected an ISO 8601 moment such as '2025-04-16T14:45:06Z', got {moment!r}"
            ) from None
        return to_seconds(parsed)
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.timestamp()
    raise TypeError(
        f"expected a moment (Unix seconds, a datetime or ISO 8601 text), got {moment!r}"
    )


class Clock:
    """The time of one fake, in Unix seconds; safe under threads.

    It follows the wall clock unless frozen (``frozen_at``, :meth:`freeze`); what
    :meth:`advance` adds stays added either way. ``scale`` makes a following clock run that many
    times faster than the wall clock from the moment the clock was made.

    >>> clock = Clock(frozen_at=1_750_000_000)
    >>> clock.now(), clock.advance(90.5), clock.now()
    (1750000000, None, 1750000090)
    """

    def __init__(self, *, frozen_at: Moment | None = None, scale: float = 1.0) -> None:
        if isinstance(scale, bool) or not isinstance(scale, (int, float)):
            raise TypeError(f"scale must be a number, not {scale!r}")
        if not math.isfinite(as_float(scale)) or scale <= 0:
            raise ValueError(f"scale must be a finite number above 0, not {scale!r}")
        self.scale = float(scale)
        self._lock = threading.Lock()
        self._frozen: float | None = None if frozen_at is None else to_seconds(frozen_at)
        self._offset = 0.0
        # Where a scaled clock started, on the wall clock (a scale of 1 needs no anchor: it is
        # the wall clock itself, whatever time-machine or freezegun make of it).
        self._anchor = time.time()

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still (apart from :meth:`advance`)."""
        with self._lock:
            return self._frozen is not None

    def time(self) -> float:
        """The current moment, to the fraction of a second."""
        with self._lock:
            return self._time()

    def now(self) -> int:
        """The current moment in whole seconds, as the API writes timestamps."""
        return math.floor(self.time())

    def advance(self, seconds: float) -> None:
        """Move the clock forward ``seconds`` (what an instant sleep does)."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"advance() takes a number of seconds, not {seconds!r}")
        step = as_float(seconds)
        if not math.isfinite(step) or step < 0:
            raise ValueError(
                f"advance() takes a finite, non-negative number of seconds, not {seconds!r}; "
                "the clock does not run backwards"
            )
        with self._lock:
            self._offset += step

    def freeze(self, at: Moment | None = None) -> None:
        """Stop the clock: at ``at``, or where it is now."""
        moment = None if at is None else to_seconds(at)
        with self._lock:
            self._frozen = self._time() if moment is None else moment
            self._offset = 0.0

    def unfreeze(self) -> None:
        """Follow the wall clock again (what :meth:`advance` added so far is kept)."""
        with self._lock:
            if self._frozen is None:
                return
            # Carry on from where the clock stood (advances included): the gap to the wall clock
            # becomes the offset.
            self._offset = self._frozen + self._offset - self._following()
            self._frozen = None

    def _time(self) -> float:
        base = self._following() if self._frozen is None else self._frozen
        return base + self._offset

    def _following(self) -> float:
        wall = time.time()  # looked up at each call: time-machine and freezegun move it
        if self.scale == 1.0:
            return wall
        return self._anchor + (wall - self._anchor) * self.scale

    def __repr__(self) -> str:
        state = "frozen" if self.frozen else "following the wall clock"
        scale = f" x{self.scale:g}" if self.scale != 1.0 else ""
        return f"<Clock {self.now()} ({state}{scale})>"
