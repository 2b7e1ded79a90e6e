"""The fake's HTTP face: which operation a request is, and the answer, on plain values.

Nothing here knows respx or httpx, so the respx mock (``mock.py``) and the live server
(``server.py``) answer through the same code, and answer every request alike. A request is
placed as the real server's router places it (:mod:`pytest_classifierjobs.routing`), then:

1. **Authentication**: without an ``Authorization: Bearer <token>`` header, or with a token
   that is not one of ``api_keys`` when those are given, ``401 {"detail": "Unauthorized"}``
   (the body of the 2025-06 and 2026-01 reports of the contract's section 4).
2. **Validation** as the server's FastAPI does it (:mod:`pytest_classifierjobs.validation`):
   ``422 {"detail": [{"type", "loc", "msg", ...}]}``, or ``400`` for a body that cannot be
   decoded.
3. **The operation** on the :class:`~pytest_classifierjobs.store.JobStore`: ``200`` with the
   job JSON; ``404 {"detail": "No fine tuning job matches the given query."}`` for an unknown job
   (recorded, contract section 4); ``409 {"detail": "..."}`` for a start or cancel that the job's
   status forbids (the body is the fake's: the real one is unknown).

A create is refused with the real server's string ``detail`` (the SDKs raise it as an
``SDKError``) when it is no classifier job, or asks for a base model that classifier jobs cannot
fine-tune:

* without ``job_type`` (the SDKs send none unless asked) or with ``job_type: "completion"``:
  ``422 {"detail": "Model not available for this type of fine-tuning (completion)."}``, the answer
  recorded in mistralai/client-python#450 (2026-03), whose reporter saw it "on every model";
* a classifier job for a model outside ``base_models`` (by default ``ministral-3b-latest``, the
  one the classifier guide and its FAQ name): ``422 {"detail": "Model not available for this type
  of fine-tuning (classifier)."}`` (inferred from the recorded one: no refusal of a classifier
  job was recorded).

``POST /v1/fine_tuning/jobs?dry_run=true`` answers the job's estimate (``LegacyJobMetadataOut``)
and stores nothing, as the spec describes; no official SDK sends it (contract section 1.2).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from .models import ClassifierDetailedJobOut
from .progression import CLASSIFIER_BASE_MODELS
from .routing import MethodNotAllowed, Redirect, Route, RouteMatch, Router, redirect_location
from .store import JobConflictError, JobNotFoundError, JobStore
from .validation import RequestReader, RequestRefused, ValidationMode
from .wire import to_wire

__all__ = [
    "COMPLETION_REFUSED",
    "JOBS_PATH",
    "JOB_ROUTES",
    "NOT_FOUND_DETAIL",
    "OPERATIONS",
    "ApiRequest",
    "ApiResponse",
    "JobsApi",
    "Operation",
    "Unrouted",
    "request_headers",
]

Operation = Literal["list", "create", "get", "start", "cancel"]
#: The five operations, by the names that ``routes`` and fault injection use.
OPERATIONS: tuple[Operation, ...] = ("list", "create", "get", "start", "cancel")
#: Where the jobs live, below the base URL.
JOBS_PATH = "/v1/fine_tuning/jobs"
#: The routes of the jobs API, in the spec's order, which is the order FastAPI declared them in
#: (FastAPI writes the paths of its spec in the order of its routes).
JOB_ROUTES: tuple[Route, ...] = (
    Route("GET", JOBS_PATH, "list"),
    Route("POST", JOBS_PATH, "create"),
    Route("GET", f"{JOBS_PATH}/{{job_id}}", "get"),
    Route("POST", f"{JOBS_PATH}/{{job_id}}/cancel", "cancel"),
    Route("POST", f"{JOBS_PATH}/{{job_id}}/start", "start"),
)
#: The recorded body of an unknown job (contract section 4).
NOT_FOUND_DETAIL = "No fine tuning job matches the given query."
#: The recorded refusal of a create that is no classifier job (mistralai/client-python#450).
COMPLETION_REFUSED = "Model not available for this type of fine-tuning (completion)."
#: The refusal of a classifier job for a base model that cannot be fine-tuned so (inferred).
CLASSIFIER_MODEL_REFUSED = "Model not available for this type of fine-tuning (classifier)."
#: What a dry run's ``details`` says (chosen: the real text is unknown; the FAQ announces the
#: removal of ``dry_run`` and recommends ``auto_start=false`` instead).
DRY_RUN_DETAILS = (
    "dry_run is deprecated: create the job with auto_start=false and read its metadata once it "
    "is VALIDATED."
)
_ROUTER = Router(JOB_ROUTES)


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


def _json(status_code: int, body: Any) -> ApiResponse:
    return ApiResponse(status_code=status_code, body=body)


class JobsApi:
    """Answers the five operations from a :class:`~pytest_classifierjobs.store.JobStore`.

    ``require_auth`` answers ``401`` without a bearer token; ``api_keys``, when given, are the
    only tokens accepted. ``validation`` is ``"server"`` or ``"strict"``
    (:mod:`pytest_classifierjobs.validation`). ``base_models`` are the models a classifier job
    may fine-tune (``None``: any).
    """

    def __init__(
        self,
        store: JobStore,
        *,
        require_auth: bool = True,
        api_keys: Collection[str] | None = None,
        validation: ValidationMode = "server",
        base_models: Collection[str] | None = CLASSIFIER_BASE_MODELS,
    ) -> None:
        if api_keys is not None and not require_auth:
            raise ValueError("api_keys needs require_auth=True: without it no key is checked")
        self.store = store
        self.require_auth = require_auth
        self.api_keys = None if api_keys is None else frozenset(api_keys)
        self.reader = RequestReader(validation)
        self.base_models = None if base_models is None else frozenset(base_models)
        self._encoded: dict[str, tuple[ClassifierDetailedJobOut, ApiResponse]] = {}
        self._cache_lock = threading.Lock()

    def route(self, request: ApiRequest) -> RouteMatch | Unrouted:
        """The operation ``request`` is, or the router's answer when it is none."""
        placed = _ROUTER.resolve(request.method, request.path)
        if isinstance(placed, RouteMatch):
            return placed
        if isinstance(placed, MethodNotAllowed):
            answer = ApiResponse(
                status_code=405,
                body={"detail": "Method Not Allowed"},
                headers={"Allow": placed.allow},
            )
            return Unrouted(answer, unhandled=True)
        if isinstance(placed, Redirect):
            location = redirect_location(request.root, placed.path, request.query_string)
            answer = ApiResponse(
                status_code=307, body=None, headers={"location": location}, encoded=b""
            )
            return Unrouted(answer, unhandled=False)
        return Unrouted(_json(404, {"detail": "Not Found"}), unhandled=True)

    def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer ``request``, whatever it is."""
        routed = self.route(request)
        if isinstance(routed, Unrouted):
            return routed.response
        return self.answer(routed, request)

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """Answer ``request`` as the operation it was matched to."""
        if self.require_auth and not self._authorized(request.headers):
            return _json(401, {"detail": "Unauthorized"})
        try:
            if match.operation == "list":
                query = self.reader.list_query(request.query)
                return _json(200, to_wire(self.store.list_jobs(query)))
            if match.operation == "create":
                return self._create(request)
            return self._on_a_job(match.operation, self.reader.job_id(match.params["job_id"]))
        except RequestRefused as refused:
            return _json(refused.status_code, refused.body)

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False
        return self.api_keys is None or token in self.api_keys

    def _create(self, request: ApiRequest) -> ApiResponse:
        asked = self.reader.create(request.query, request.headers, request.body)
        job = asked.job
        if job.job_type != "classifier":
            return _json(422, {"detail": COMPLETION_REFUSED})
        if self.base_models is not None and job.model not in self.base_models:
            return _json(422, {"detail": CLASSIFIER_MODEL_REFUSED})
        if asked.dry_run:
            return _json(200, to_wire(self.store.estimate(job, details=DRY_RUN_DETAILS)))
        return _json(200, to_wire(self.store.create_job(job)))

    def _on_a_job(self, operation: str, job_id: str) -> ApiResponse:
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
