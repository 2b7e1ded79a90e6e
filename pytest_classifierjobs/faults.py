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
import json as _json
import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs
import httpx

from .api import OPERATIONS
from .hints import unknown_name

__all__ = [
    "ALL_OPERATIONS",
    "DEFAULT_BODY",
    "RATE_LIMIT_BODY",
    "RETIRED_BODY",
    "Fault",
    "FaultQueue",
    "answer_fault",
    "check_faults",
    "check_operation",
    "default_body",
    "delay_fault",
    "exception_fault",
    "rate_limit_fault",
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


#: The body of a fault given none: the real service's for its status (``None`` is a body, null).
DEFAULT_BODY: Any = object()


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
        check_times(times)
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


# --- faults made and checked: what ClassifierJobsMock's fault methods set ------------------------


def answer_fault(
    status_code: int, json: Any = DEFAULT_BODY, headers: Mapping[str, str] | None = None
) -> Fault:
    """The fault of ``fail()``: answer ``status_code`` with ``json`` and ``headers``, checked."""
    if isinstance(status_code, bool) or not isinstance(status_code, int):
        raise TypeError(f"status_code must be an HTTP status code (an int), not {status_code!r}")
    if not 100 <= status_code <= 599:
        raise ValueError(f"status_code must be from 100 to 599, not {status_code}")
    if json is not DEFAULT_BODY:
        try:
            _json.dumps(json, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"json must be a JSON-serializable value ({error})") from None
    return Fault(status_code=status_code, body=json, headers=_headers(headers))


def _headers(headers: object) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise TypeError(f"headers must be a mapping of str to str, not {headers!r}")
    return dict(headers)


def rate_limit_fault(retry_after: float) -> Fault:
    """The fault of ``rate_limit()``: ``429`` with ``Retry-After`` and the rate-limit headers."""
    _check_seconds("retry_after", retry_after)
    return Fault(status_code=429, body=DEFAULT_BODY, headers=rate_limit_headers(retry_after))


def exception_fault(exception: BaseException | type[BaseException]) -> Fault:
    """The fault of ``raise_error()``: raise ``exception``, an instance or a class."""
    is_class = isinstance(exception, type) and issubclass(exception, BaseException)
    if not is_class and not isinstance(exception, BaseException):
        raise TypeError(
            "raise_error() takes an exception or an exception class, such as "
            f"httpx.ReadTimeout or httpx.ConnectError, not {exception!r}"
        )
    fault = Fault(exception=exception)
    try:  # a class is made at request time: find out now whether it can be
        fault.exception_for(httpx.Request("GET", "https://api.mistral.ai"))
    except TypeError as error:
        raise TypeError(
            f"raise_error() cannot make a {exception!r} from a message ({error}); "
            "pass an instance instead"
        ) from None
    return fault


def delay_fault(seconds: float) -> Fault:
    """The fault of ``delay()``: the normal answer, ``seconds`` late."""
    _check_seconds("seconds", seconds)
    return Fault(delay=float(seconds))


def _check_seconds(name: str, seconds: object) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {seconds!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{name} must be a finite, non-negative number of seconds, not {seconds}")


def check_times(times: object) -> None:
    """``times`` of a fault: a whole number from 1, or ``None`` for every call."""
    if times is not None and (isinstance(times, bool) or not isinstance(times, int)):
        raise TypeError(f"times must be a whole number or None, not {times!r}")
    if times is not None and times < 1:
        raise ValueError(f"times must be at least 1 (or None for every call), not {times}")


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


class _Checker:
    """A :class:`FaultTarget` that checks every fault as the mock would, and keeps none."""

    def fail(
        self,
        operation: str,  # noqa: ARG002  (set_faults checked it)
        status_code: int,
        *,
        times: int | None = 1,
        json: Any = DEFAULT_BODY,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        answer_fault(status_code, json, headers)
        check_times(times)

    def raise_error(
        self,
        operation: str,  # noqa: ARG002  (set_faults checked it)
        exception: BaseException | type[BaseException],
        *,
        times: int | None = 1,
    ) -> None:
        exception_fault(exception)
        check_times(times)


def check_faults(faults: Mapping[str, Sequence[object]]) -> None:
    """Raise what :func:`set_faults` would raise for ``faults``, without a fake to set them on.

    The plugin checks a marker's ``faults`` so when it collects the test.
    """
    set_faults(_Checker(), faults)


_FAULT_KINDS = (
    "a fault is a status code, an exception (or its class), or a dict of fail() arguments "
    "such as {'status_code': 429, 'times': 2}"
)


def check_operation(operation: str) -> None:
    """Raise ``ValueError`` for a name that is no operation, listing the valid ones."""
    if operation not in OPERATIONS and operation != ALL_OPERATIONS:
        raise ValueError(unknown_name("operation", operation, (*OPERATIONS, ALL_OPERATIONS)))
