"""The fake's HTTP face: which operation a request is, and the answer, on plain values.

Nothing here knows respx or httpx, so the respx mock (``mock.py``) and the live server
(``server.py``) answer through the same code, and answer every request alike. :class:`Api` is
the front door that every request passes:

1. **Routing**, as the real server's router places it (:mod:`pytest_classifierjobs.routing`),
   over the routes of every resource: an operation, or the router's own ``404``/``405``/``307``.
2. **Authentication**: without an ``Authorization: Bearer <token>`` header, or with a token
   that is not one of ``api_keys`` when those are given, ``401 {"detail": "Unauthorized"}``
   (the body of the 2025-06 and 2026-01 reports of the jobs contract's section 4). A signed
   download link needs no token: it is signed.
3. **The resource's handler**, one module per resource (:mod:`.jobs`, :mod:`.files`,
   :mod:`.models`, :mod:`.classifiers`), which
   validates the request as the server's FastAPI does (:mod:`pytest_classifierjobs.validation`;
   ``422 {"detail": [...]}`` or ``400``) and answers from its state
   (:mod:`pytest_classifierjobs.state`).

Adding a resource is a handler module with a routes table and an ``answer`` method, listed in
:data:`ROUTES` and given its operations in :class:`Api`: neither the transports nor fault
injection change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from random import Random
from typing import Protocol

from pytest_classifierjobs.base_models import CLASSIFIER_BASE_MODELS
from pytest_classifierjobs.routing import (
    MethodNotAllowed,
    Redirect,
    Route,
    RouteMatch,
    Router,
    redirect_location,
)
from pytest_classifierjobs.state.files import FileStore
from pytest_classifierjobs.state.jobs import JobStore
from pytest_classifierjobs.state.models import ModelStore
from pytest_classifierjobs.validation import RequestReader, RequestRefused, ValidationMode

from .classifiers import CLASSIFIER_ROUTES, ClassifiersHandler
from .files import FILE_ROUTES, PUBLIC_OPERATIONS, FilesHandler
from .jobs import (
    CLASSIFIER_MODEL_REFUSED,
    COMPLETION_REFUSED,
    DRY_RUN_DETAILS,
    JOB_OPERATIONS,
    JOB_ROUTES,
    JOBS_PATH,
    NOT_FOUND_DETAIL,
    JobOperation,
    JobsHandler,
)
from .messages import ApiRequest, ApiResponse, Unrouted, json_answer, request_headers
from .models import MODEL_ROUTES, ModelsHandler

__all__ = [
    "CLASSIFIER_MODEL_REFUSED",
    "COMPLETION_REFUSED",
    "DRY_RUN_DETAILS",
    "JOBS_PATH",
    "JOB_OPERATIONS",
    "JOB_ROUTES",
    "NOT_FOUND_DETAIL",
    "OPERATIONS",
    "ROUTES",
    "Api",
    "ApiRequest",
    "ApiResponse",
    "Handler",
    "JobOperation",
    "Operation",
    "Unrouted",
    "request_headers",
]

#: An operation's name: the SDK's method path (``"get"``, ``"files.upload"``, ...).
Operation = str
#: Every route of the fake, in the order the router tries them.
ROUTES: tuple[Route, ...] = (*JOB_ROUTES, *FILE_ROUTES, *MODEL_ROUTES, *CLASSIFIER_ROUTES)
#: Every operation, by the names that ``routes`` and fault injection use.
OPERATIONS: tuple[Operation, ...] = (
    *JOB_OPERATIONS,
    *(route.operation for route in ROUTES if route not in JOB_ROUTES),
)
_ROUTER = Router(ROUTES)


class Handler(Protocol):
    """What answers the operations of one resource (the request is routed already)."""

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """The answer to ``request``; may raise :class:`RequestRefused`."""
        ...  # pragma: no cover


class Api:
    """Answers every operation of the fake from its stores.

    ``require_auth`` answers ``401`` without a bearer token; ``api_keys``, when given, are the
    only tokens accepted. ``validation`` is ``"server"`` or ``"strict"``
    (:mod:`pytest_classifierjobs.validation`). ``base_models`` are the models a classifier job
    may fine-tune (``None``: any). ``strict_files`` refuses a job whose files are not stored.
    ``files`` and ``models`` default to the jobs store's own, or to empty stores that the jobs
    store is then given.
    """

    def __init__(
        self,
        jobs: JobStore,
        files: FileStore | None = None,
        models: ModelStore | None = None,
        *,
        require_auth: bool = True,
        api_keys: Collection[str] | None = None,
        validation: ValidationMode = "server",
        base_models: Collection[str] | None = CLASSIFIER_BASE_MODELS,
        strict_files: bool = False,
    ) -> None:
        if api_keys is not None and not require_auth:
            raise ValueError("api_keys needs require_auth=True: without it no key is checked")
        self.jobs = jobs
        # A store the jobs store lacks is made here and given to it: a job that validates must
        # read the files this API serves, a job that succeeds must put its model where it lists.
        if jobs.files is None:
            jobs.files = FileStore(rng=Random(0), clock=jobs.clock) if files is None else files
        if jobs.models is None:
            jobs.models = ModelStore(rng=Random(0)) if models is None else models
        self.files = jobs.files if files is None else files
        self.models = jobs.models if models is None else models
        self.require_auth = require_auth
        self.api_keys = None if api_keys is None else frozenset(api_keys)
        self.reader = RequestReader(validation)
        jobs_handler = JobsHandler(
            jobs, self.files, self.reader, base_models=base_models, strict_files=strict_files
        )
        self._jobs_handler = jobs_handler
        by_resource: list[tuple[tuple[Route, ...], Handler]] = [
            (JOB_ROUTES, jobs_handler),
            (FILE_ROUTES, FilesHandler(self.files, self.reader)),
            (MODEL_ROUTES, ModelsHandler(self.models, self.reader)),
            (CLASSIFIER_ROUTES, ClassifiersHandler(self.models, self.reader)),
        ]
        self._handlers: Mapping[str, Handler] = {
            route.operation: handler for routes, handler in by_resource for route in routes
        }

    @property
    def base_models(self) -> frozenset[str] | None:
        """The models a classifier job may fine-tune (``None``: any)."""
        return self._jobs_handler.base_models

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
        return Unrouted(json_answer(404, {"detail": "Not Found"}), unhandled=True)

    def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer ``request``, whatever it is."""
        routed = self.route(request)
        if isinstance(routed, Unrouted):
            return routed.response
        return self.answer(routed, request)

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """Answer ``request`` as the operation it was matched to."""
        public = match.operation in PUBLIC_OPERATIONS
        if self.require_auth and not public and not self._authorized(request.headers):
            return json_answer(401, {"detail": "Unauthorized"})
        try:
            return self._handlers[match.operation].answer(match, request)
        except RequestRefused as refused:
            return json_answer(refused.status_code, refused.body)

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return False
        return self.api_keys is None or token in self.api_keys
