"""The fake's HTTP face: which operation a request is, and the answer, on plain values.

Nothing here knows respx or httpx, so the respx mock (``mock.py``) and the live server
(``server.py``) answer through the same code. The answers are the real service's (contract
sections 1 and 4): ``200`` with the job JSON, ``401 {"detail": "Unauthorized"}`` without a bearer
token, ``404 {"detail": "No fine tuning job matches the given query."}`` for an unknown job,
``409 {"detail": "..."}`` for a start or cancel the job's status forbids, ``422 {"detail":
[{"loc", "msg", "type"}, ...]}`` for a bad body, query or job id. Nothing a client sends makes
the fake raise: a request it cannot place is answered ``404``/``405`` and reported as unhandled.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from .models import ClassifierDetailedJobOut
from .store import JobConflictError, JobNotFoundError, JobStore
from .validation import (
    parse_create_body,
    parse_job_id,
    parse_list_query,
    validation_error_body,
)
from .wire import to_wire

__all__ = [
    "JOBS_PATH",
    "OPERATIONS",
    "ApiRequest",
    "ApiResponse",
    "JobsApi",
    "Operation",
    "match_operation",
]

Operation = Literal["list", "create", "get", "start", "cancel"]
#: The five operations, by the names that ``routes`` and fault injection use.
OPERATIONS: tuple[Operation, ...] = ("list", "create", "get", "start", "cancel")
#: Where the jobs live, below the base URL.
JOBS_PATH = "/v1/fine_tuning/jobs"

_JOB_PATH = re.compile(rf"^{re.escape(JOBS_PATH)}/(?P<job_id>[^/]+)(?:/(?P<action>start|cancel))?$")
NOT_FOUND_DETAIL = "No fine tuning job matches the given query."
# The collection, with or without one trailing slash (the respx routes accept both).
_JOBS_PATHS = frozenset({JOBS_PATH, f"{JOBS_PATH}/"})


@attrs.frozen(kw_only=True)
class ApiRequest:
    """A request as the handlers need it: the path below the base URL, and the raw parts."""

    method: str
    path: str
    query: Sequence[tuple[str, str]] = ()
    #: Header names in lower case.
    headers: Mapping[str, str] = attrs.Factory(dict)
    body: bytes = b""


@attrs.frozen(kw_only=True)
class ApiResponse:
    """An answer: a status code and a JSON body (always ``application/json``)."""

    status_code: int
    body: Any
    headers: Mapping[str, str] = attrs.Factory(dict)
    #: ``body`` encoded, when it was encoded before (a job that has not changed since).
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


_ON_JOBS: Mapping[str, Operation] = {"GET": "list", "POST": "create"}
_ON_A_JOB: Mapping[tuple[str, str | None], Operation] = {
    ("GET", None): "get",
    ("POST", "start"): "start",
    ("POST", "cancel"): "cancel",
}


def match_operation(method: str, path: str) -> tuple[Operation, str | None] | None:
    """The operation (and job id) that ``method`` on ``path`` is, or ``None``.

    >>> match_operation("POST", "/v1/fine_tuning/jobs/abc/start")
    ('start', 'abc')
    """
    method = method.upper()
    if path in _JOBS_PATHS:
        operation = _ON_JOBS.get(method)
        return None if operation is None else (operation, None)
    found = _JOB_PATH.match(path)
    operation = None if found is None else _ON_A_JOB.get((method, found["action"]))
    return None if operation is None or found is None else (operation, found["job_id"])


def is_known_path(path: str) -> bool:
    """Whether ``path`` is a jobs path at all (to tell ``405`` from ``404``)."""
    return path in _JOBS_PATHS or _JOB_PATH.match(path) is not None


def _json(status_code: int, body: Any) -> ApiResponse:
    return ApiResponse(status_code=status_code, body=body)


class JobsApi:
    """Answers the five operations from a :class:`~pytest_classifierjobs.store.JobStore`."""

    def __init__(self, store: JobStore, *, require_auth: bool = True) -> None:
        self.store = store
        self.require_auth = require_auth
        self._encoded: dict[str, tuple[ClassifierDetailedJobOut, ApiResponse]] = {}
        self._cache_lock = threading.Lock()

    def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer ``request``; a request that is no operation gets ``404`` or ``405``."""
        matched = match_operation(request.method, request.path)
        if matched is None:
            if is_known_path(request.path):
                return _json(405, {"detail": "Method Not Allowed"})
            return _json(404, {"detail": "Not Found"})
        operation, job_id = matched
        return self.answer(operation, request, job_id)

    def answer(self, operation: Operation, request: ApiRequest, job_id: str | None) -> ApiResponse:
        """Answer ``request`` as ``operation`` (already matched, with its job id)."""
        if self.require_auth and not _has_bearer_token(request.headers):
            return _json(401, {"detail": "Unauthorized"})
        if operation == "list":
            return self._list(request)
        if operation == "create":
            return self._create(request)
        assert job_id is not None  # the three job operations always match an id
        return self._on_a_job(operation, job_id)

    def _on_a_job(self, operation: Operation, path_id: str) -> ApiResponse:
        job_id = parse_job_id(path_id)  # any spelling of a UUID names the same job
        if not isinstance(job_id, str):
            return _json(422, validation_error_body([job_id]))
        store = self.store
        action = {"get": store.get_job, "start": store.start_job, "cancel": store.cancel_job}
        try:
            job = action[operation](job_id)
        except JobNotFoundError:
            return _json(404, {"detail": NOT_FOUND_DETAIL})
        except JobConflictError as conflict:
            return _json(409, {"detail": conflict.detail})
        return self._job_answer(job)

    def _job_answer(self, job: ClassifierDetailedJobOut) -> ApiResponse:
        # Polling is the commonest call and a stored job changes only when it moves, so its
        # encoded body is kept until then: an unchanged job costs a dict lookup, not to_wire.
        with self._cache_lock:
            cached = self._encoded.get(job.id)
        if cached is not None and cached[0] is job:
            return cached[1]
        body = to_wire(job)
        encoded = json.dumps(body, allow_nan=False, separators=(",", ":")).encode()
        answer = ApiResponse(status_code=200, body=body, encoded=encoded)
        with self._cache_lock:
            self._encoded[job.id] = (job, answer)
        return answer

    def _list(self, request: ApiRequest) -> ApiResponse:
        query = parse_list_query(request.query)
        if isinstance(query, list):
            return _json(422, validation_error_body(query))
        return _json(200, to_wire(self.store.list_jobs(query)))

    def _create(self, request: ApiRequest) -> ApiResponse:
        job_in = parse_create_body(request.body)
        if isinstance(job_in, list):
            return _json(422, validation_error_body(job_in))
        return _json(200, to_wire(self.store.create_job(job_in)))


def _has_bearer_token(headers: Mapping[str, str]) -> bool:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())
