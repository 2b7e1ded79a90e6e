"""What the handlers read and write: a request and an answer as plain values.

Nothing here knows respx or httpx, so the respx mock (``mock.py``) and the live server
(``server.py``) hand the same :class:`ApiRequest` to the same handlers and put the same
:class:`ApiResponse` on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

__all__ = [
    "ApiRequest",
    "ApiResponse",
    "Unrouted",
    "error_answer",
    "json_answer",
    "request_headers",
]


@attrs.frozen(kw_only=True)
class ApiRequest:
    """A request as the handlers need it: the decoded path below the base URL, the raw parts."""

    method: str
    #: The percent-decoded path below the base URL's prefix, as the server's router reads it.
    path: str
    #: The query's ``(name, value)`` pairs, decoded, in order.
    query: Sequence[tuple[str, str]] = ()
    #: The query string as sent (for a redirect's ``location``).
    query_string: str = ""
    #: Header names in lower case; the first value of a repeated header, as Starlette reads it.
    headers: Mapping[str, str] = attrs.Factory(dict)
    body: bytes = b""
    #: Scheme, host and base prefix the client used, for a redirect's ``location``.
    root: str = ""


@attrs.frozen(kw_only=True)
class ApiResponse:
    """An answer: a status code and a JSON body (``application/json`` unless it has none)."""

    status_code: int
    body: Any
    headers: Mapping[str, str] = attrs.Factory(dict)
    #: ``body`` encoded, when it was encoded before (a job that has not changed since), or
    #: ``b""`` for an answer without a body.
    encoded: bytes | None = None

    @property
    def content(self) -> bytes:
        """The body as JSON bytes."""
        if self.encoded is not None:
            return self.encoded
        return json.dumps(self.body, allow_nan=False, separators=(",", ":")).encode()

    def wire(self) -> tuple[bytes, dict[str, str]]:
        """The body, encoded once, and the headers to send with it, for either transport.

        ``Content-Type: application/json`` goes with a body unless the answer names its own
        content type (in any case); an answer without a body has none.
        """
        content = self.content
        own_type = any(name.lower() == "content-type" for name in self.headers)
        headers = {} if own_type or not content else {"Content-Type": "application/json"}
        headers.update(self.headers)
        return content, headers


@attrs.frozen
class Unrouted:
    """A request that is no operation: the router's answer, and whether it is a client mistake.

    ``404`` and ``405`` are mistakes the fixture reports at teardown; a ``307`` to the same path
    with or without its final ``/`` is what the real server answers too, and the SDK follows it.
    """

    response: ApiResponse
    unhandled: bool


def request_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as Starlette reads them: names in lower case, the first of a repeated one counts.

    >>> request_headers([("Content-Type", "application/json"), ("content-type", "text/plain")])
    {'content-type': 'application/json'}
    """
    headers: dict[str, str] = {}
    for name, value in pairs:
        headers.setdefault(name.lower(), value)
    return headers


def json_answer(status_code: int, body: Any) -> ApiResponse:
    """An answer with a JSON ``body``."""
    return ApiResponse(status_code=status_code, body=body)


def error_answer(
    status_code: int, message: str, *, error_type: str, code: str, raw_status_code: bool = False
) -> ApiResponse:
    """An error in the shape Mistral's API writes outside FastAPI's validation.

    ``{"object": "error", "message", "type", "param": null, "code"}``, and ``raw_status_code``
    when asked (the recorded 2026 answers of the inference routes carry it).

    >>> answer = error_answer(400, "Invalid model: m", error_type="invalid_model", code="1500")
    >>> answer.status_code, answer.body["type"], answer.body["param"], answer.body["code"]
    (400, 'invalid_model', None, '1500')
    """
    body: dict[str, object] = {
        "object": "error",
        "message": message,
        "type": error_type,
        "param": None,
        "code": code,
    }
    if raw_status_code:
        body["raw_status_code"] = status_code
    return json_answer(status_code, body)
