"""How long a job dwells in each phase when its status follows the clock (``progression="time"``).

With time progression a job created through the API moves when its time has come, not when it
is read: each phase lasts a duration drawn from the fake's seed within the range that
:class:`Timings` gives it. The default ranges come from the three classifier jobs that the
cookbook recorded on 2025-04-16 (``mistral/classifier_factory/*.ipynb``; contract
``mistral-jobs-api.md``, "Observed flow"):

========================  ==========================================  ==============================
phase                     recorded                                    default range
========================  ==========================================  ==============================
created to VALIDATING     0, 1 and 3 s                                0 to 3 s
VALIDATING to VALIDATED   0, 2 and 3 s                                0 to 3 s
start to RUNNING          4 s (intent); 171 s estimated (moderation)  3 to 240 s
RUNNING to SUCCESS        224 s for an estimate of 400 s (intent)     0.5 to 1.1 x the estimate
========================  ==========================================  ==============================

The other phases (an ``auto_start`` job re-queued after validation, a failure while running, a
requested cancellation) were never recorded; their ranges are chosen and say so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from random import Random

import attrs

from pytest_classifierjobs.clock import as_float
from pytest_classifierjobs.hints import did_you_mean
from pytest_classifierjobs.models import ClassifierDetailedJobOut, ClassifierJobOutStatus

__all__ = ["TIMING_PHASES", "Timings", "dwell"]

S = ClassifierJobOutStatus
Range = tuple[float, float]


def _range(value: object) -> Range:
    """A ``(low, high)`` pair of finite numbers with ``0 <= low <= high``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = (value, value)  # one number: exactly that long
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        raise TypeError(f"expected a number or a (low, high) pair of numbers, got {value!r}")
    low, high = as_float(value[0]), as_float(value[1])
    if not (math.isfinite(low) and math.isfinite(high)) or not 0 <= low <= high:
        raise ValueError(f"expected 0 <= low <= high, finite, got {tuple(value)!r}")
    return low, high


@attrs.frozen(kw_only=True)
class Timings:
    """The range each phase's duration is drawn from: seconds, or a multiple of the estimate.

    Give a phase one number to make it last exactly that long:
    ``Timings(queue=0)`` starts training as soon as ``start`` is called.
    """

    #: Seconds from creation to ``VALIDATING`` (recorded 0, 1 and 3 s).
    queued: Range = attrs.field(default=(0.0, 3.0), converter=_range)
    #: Seconds from ``VALIDATING`` to ``VALIDATED`` or ``FAILED_VALIDATION`` (recorded 0 to 3 s).
    validating: Range = attrs.field(default=(0.0, 3.0), converter=_range)
    #: Seconds from ``VALIDATED`` to the re-queue of an ``auto_start`` job (chosen, not recorded).
    auto_start: Range = attrs.field(default=(0.0, 5.0), converter=_range)
    #: Seconds in the queue from ``start`` to ``RUNNING`` (recorded 4 s; 171 s estimated).
    queue: Range = attrs.field(default=(3.0, 240.0), converter=_range)
    #: Training to ``SUCCESS``, as a multiple of ``metadata.expected_duration_seconds`` (recorded
    #: 224 s for an estimate of 400 s).
    training: Range = attrs.field(default=(0.5, 1.1), converter=_range)
    #: Training to ``FAILED`` or to a cancellation, as a multiple of the estimate (chosen,
    #: not recorded; either ends training early).
    failing: Range = attrs.field(default=(0.1, 0.9), converter=_range)
    #: Seconds from ``CANCELLATION_REQUESTED`` to ``CANCELLED`` (chosen, not recorded).
    cancelling: Range = attrs.field(default=(1.0, 30.0), converter=_range)

    @classmethod
    def of(cls, value: Timings | Mapping[str, object] | None) -> Timings:
        """``value`` as timings: the defaults with a mapping's phases replaced, or as given.

        ``None`` gives the defaults. An unknown phase or a bad range raises, naming it.
        """
        if value is None:
            return cls()
        if isinstance(value, Timings):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(
                f"timings must be a Timings or a dict of phase to (low, high) seconds, such as "
                f"{{'queue': (10, 60)}}, not {value!r}"
            )
        unknown = [name for name in value if name not in TIMING_PHASES]
        if unknown:
            raise ValueError(
                f"timings has no phase {unknown[0]!r}{did_you_mean(unknown[0], TIMING_PHASES)}; "
                f"phases: {', '.join(TIMING_PHASES)}"
            )
        for name, phase in value.items():
            try:
                _range(phase)
            except (TypeError, ValueError) as error:
                raise type(error)(f"timings[{name!r}]: {error}") from None
        return cls(**value)  # each phase checked above


#: The phases :class:`Timings` knows, in the order a job passes them.
TIMING_PHASES: tuple[str, ...] = tuple(field.name for field in attrs.fields(Timings))


def dwell(
    timings: Timings,
    rng: Random,
    job: ClassifierDetailedJobOut,
    status: ClassifierJobOutStatus,
    next_status: ClassifierJobOutStatus,
) -> float:
    """Seconds that ``job`` stays in ``status`` before it takes the step to ``next_status``.

    ``job`` gives the estimate that training is timed by (``metadata.expected_duration_seconds``).
    """
    if status is S.QUEUED and next_status is S.VALIDATING:
        low, high = timings.queued
    elif status is S.VALIDATING:
        low, high = timings.validating
    elif status is S.VALIDATED:
        low, high = timings.auto_start
    elif status is S.QUEUED:  # re-queued for training
        low, high = timings.queue
    elif status in {S.RUNNING, S.STARTED}:  # training, to its end or to a cancellation
        estimate = (job.metadata and job.metadata.expected_duration_seconds) or 0
        share = timings.training if next_status is S.SUCCESS else timings.failing
        low, high = share[0] * estimate, share[1] * estimate
    else:  # a cancellation that was requested, or any step the timings do not name
        low, high = timings.cancelling
    return rng.uniform(low, high)
