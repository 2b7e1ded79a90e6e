"""Fault injection: what the fake serves instead of its normal answer, and for how long.

A fault is set per operation (any name of :data:`pytest_classifierjobs.api.OPERATIONS`: the job
operations ``"list"``, ``"create"``, ``"get"``, ``"start"``, ``"cancel"``, the file operations
``"files.upload"``, ... ; or ``"*"`` for every one) for the next ``times`` calls, or until
cleared (``times=None``). Several
faults set for one operation queue in the order they were set; a ``"*"`` fault takes its turn
in that order too. A fault answers *before* the fake's handlers run, so a failed create stores
nothing and a failed cancel cancels nothing; a delay is the one fault after which the normal
answer follows.

The default bodies are the real service's where one was reported (contract section 4): the 429
body of the rate limiter, FastAPI's ``{"detail": "Internal Server Error"}``; other statuses get
``{"detail": "<reason phrase>"}``. No body of the retired API (410) is documented; the one here
is chosen.
"""

from __future__ import annotations

import decimal
import http
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs
import httpx

from .api import OPERATIONS

__all__ = [
    "ALL_OPERATIONS",
    "RATE_LIMIT_BODY",
    "RETIRED_BODY",
    "Fault",
    "FaultQueue",
    "default_body",
    "rate_limit_headers",
    "set_faults",
]

#: The operation name that sets a fault on every operation.
ALL_OPERATIONS = "*"
#: The 429 body of Mistral's rate limiter (cline#9085, 2026-02).
RATE_LIMIT_BODY: Mapping[str, Any] = {
    "object": "error",
    "message": "Rate limit exceeded",
    "type": "rate_limited",
    "param": None,
    "code": "1300",
}
#: What the retired routes answer here; the real 410 body is undocumented (client-ts PR #255).
RETIRED_BODY: Mapping[str, Any] = {
    "detail": "The fine-tuning jobs API has been retired and no longer serves requests."
}
_VALID_NAMES = ", ".join(repr(name) for name in (*OPERATIONS, ALL_OPERATIONS))


def default_body(status_code: int) -> Any:
    """The body the fake sends with ``status_code`` when the test gives none."""
    if status_code == 429:
        return dict(RATE_LIMIT_BODY)
    if status_code == 410:
        return dict(RETIRED_BODY)
    try:
        phrase = http.HTTPStatus(status_code).phrase
    except ValueError:
        phrase = "Error"
    return {"detail": phrase}


def rate_limit_headers(retry_after: float) -> dict[str, str]:
    """``Retry-After`` and the ``x-ratelimit-*`` headers of a real 429 (client-ts#169)."""
    # delay-seconds in plain decimal digits (RFC 9110): no exponent, every digit kept.
    seconds = format(decimal.Decimal(repr(float(retry_after))).normalize(), "f")
    return {
        "retry-after": seconds,
        "x-ratelimit-limit-req-minute": "60",
        "x-ratelimit-remaining-req-minute": "0",
        "x-ratelimit-limit-tokens-minute": "2000000",
        "x-ratelimit-remaining-tokens-minute": "0",
    }


@attrs.frozen(kw_only=True)
class Fault:
    """One kind of misbehaviour: an answer, a raised exception, or a delay."""

    #: What to answer (with ``body`` and ``headers``), when this fault answers.
    status_code: int | None = None
    body: Any = None
    headers: Mapping[str, str] = attrs.Factory(dict)
    #: What the transport raises instead of answering.
    exception: BaseException | type[BaseException] | None = None
    #: Seconds to wait before the normal answer (or before this fault's answer or exception).
    delay: float = 0.0

    def describe(self) -> str:
        """A short description for messages: ``503``, ``raise ReadTimeout``, ``delay 2s``."""
        if self.exception is not None:
            exception = self.exception
            name = exception.__name__ if isinstance(exception, type) else type(exception).__name__
            return f"raise {name}"
        if self.status_code is not None:
            return str(self.status_code)
        return f"delay {self.delay:g}s"

    def exception_for(self, request: httpx.Request) -> BaseException:
        """The exception to raise for ``request`` (an exception class is instantiated)."""
        exception = self.exception
        assert exception is not None
        if not isinstance(exception, type):
            return exception
        if issubclass(exception, httpx.RequestError):
            return exception(
                f"{exception.__name__} injected by ClassifierJobsMock", request=request
            )
        return exception(f"{exception.__name__} injected by ClassifierJobsMock")


@attrs.define
class _Queued:
    operation: str
    fault: Fault
    remaining: int | None


class FaultQueue:
    """The faults set on one fake, in the order they were set; safe under threads."""

    def __init__(self) -> None:
        self._queued: list[_Queued] = []
        self._lock = threading.Lock()

    def add(self, operation: str, fault: Fault, *, times: int | None) -> None:
        """Queue ``fault`` for the next ``times`` calls of ``operation``; ``None``: every call."""
        check_operation(operation)
        if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
            raise TypeError(f"times must be a whole number or None, not {times!r}")
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for every call), not {times}")
        with self._lock:
            self._queued.append(_Queued(operation, fault, times))

    def take(self, operation: str) -> Fault | None:
        """The fault that this call of ``operation`` gets, if any; counts it as used."""
        with self._lock:
            for queued in self._queued:
                if queued.operation in {operation, ALL_OPERATIONS}:
                    if queued.remaining is not None:
                        queued.remaining -= 1
                        if queued.remaining == 0:
                            self._queued.remove(queued)
                    return queued.fault
        return None

    def clear(self) -> None:
        """Forget every fault; normal service resumes."""
        with self._lock:
            self._queued.clear()

    def unused(self) -> list[str]:
        """The faults with calls left, as ``operation: fault (n left)`` (not the endless ones)."""
        with self._lock:
            return [
                f"{q.operation}: {q.fault.describe()} ({q.remaining} left)"
                for q in self._queued
                if q.remaining is not None
            ]


class FaultTarget(Protocol):
    """What :func:`set_faults` sets faults on (a ``ClassifierJobsMock``)."""

    def fail(
        self,
        operation: str,
        status_code: int,
        *,
        times: int | None = ...,
        json: Any = ...,
        headers: Mapping[str, str] | None = ...,
    ) -> None: ...

    def raise_error(
        self,
        operation: str,
        exception: BaseException | type[BaseException],
        *,
        times: int | None = ...,
    ) -> None: ...


def set_faults(target: FaultTarget, faults: Mapping[str, Sequence[object]]) -> None:
    """Set the faults of a marker's ``faults={operation: [fault, ...]}``, in order.

    A fault is a status code (``503``: that answer once), an exception or exception class
    (raised once), or a dict of :meth:`ClassifierJobsMock.fail` arguments
    (``{"status_code": 429, "headers": {...}, "times": 2}``).
    """
    for operation, queue in faults.items():
        check_operation(operation)
        for fault in queue:
            if isinstance(fault, bool):
                raise TypeError(f"{fault!r} is not a fault; {_FAULT_KINDS}")
            if isinstance(fault, int):
                target.fail(operation, fault)
            elif isinstance(fault, BaseException) or (
                isinstance(fault, type) and issubclass(fault, BaseException)
            ):
                target.raise_error(operation, fault)
            elif isinstance(fault, Mapping):
                target.fail(operation, **fault)
            else:
                raise TypeError(f"{fault!r} is not a fault; {_FAULT_KINDS}")


_FAULT_KINDS = (
    "a fault is a status code, an exception (or its class), or a dict of fail() arguments "
    "such as {'status_code': 429, 'times': 2}"
)


def check_operation(operation: str) -> None:
    """Raise ``ValueError`` for a name that is no operation, listing the valid ones."""
    if operation not in OPERATIONS and operation != ALL_OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; expected one of {_VALID_NAMES}")
