"""The jobs resource: ``/v1/fine_tuning/jobs`` and its five operations.

A request routed here (:mod:`pytest_classifierjobs.api`) is validated as the server's FastAPI does
it (:mod:`pytest_classifierjobs.validation`: ``422 {"detail": [{"type", "loc", "msg", ...}]}``,
or ``400`` for a body that cannot be decoded), then answered from the
:class:`~pytest_classifierjobs.state.jobs.JobStore`: ``200`` with the job JSON;
``404 {"detail": "No fine tuning job matches the given query."}`` for an unknown job
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

With ``strict_files``, a create naming a training or validation file that is not stored is
refused with ``422 {"detail": "File not found: <id>"}`` (chosen: the real answer to an unknown
file is not recorded); by default such a file is opaque and the job draws its targets.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection
from typing import Literal

from pytest_classifierjobs.base_models import CLASSIFIER_BASE_MODELS
from pytest_classifierjobs.models import ClassifierDetailedJobOut
from pytest_classifierjobs.routing import Route, RouteMatch
from pytest_classifierjobs.state.files import FileStore
from pytest_classifierjobs.state.jobs import JobConflictError, JobNotFoundError, JobStore
from pytest_classifierjobs.validation import RequestReader
from pytest_classifierjobs.wire import to_wire

from .messages import ApiRequest, ApiResponse, json_answer

__all__ = [
    "CLASSIFIER_MODEL_REFUSED",
    "COMPLETION_REFUSED",
    "DRY_RUN_DETAILS",
    "JOBS_PATH",
    "JOB_OPERATIONS",
    "JOB_ROUTES",
    "NOT_FOUND_DETAIL",
    "JobOperation",
    "JobsHandler",
]

JobOperation = Literal["list", "create", "get", "start", "cancel"]
#: The five operations, by the names that ``routes`` and fault injection use.
JOB_OPERATIONS: tuple[JobOperation, ...] = ("list", "create", "get", "start", "cancel")
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


class JobsHandler:
    """Answers the five job operations from a :class:`~pytest_classifierjobs.state.jobs.JobStore`.

    ``base_models`` are the models a classifier job may fine-tune (``None``: any);
    ``strict_files`` refuses a job naming a file that ``files`` does not hold.
    """

    def __init__(
        self,
        store: JobStore,
        files: FileStore,
        reader: RequestReader,
        *,
        base_models: Collection[str] | None = CLASSIFIER_BASE_MODELS,
        strict_files: bool = False,
    ) -> None:
        self.store = store
        self.files = files
        self.reader = reader
        self.base_models = None if base_models is None else frozenset(base_models)
        self.strict_files = strict_files
        self._encoded: dict[str, tuple[ClassifierDetailedJobOut, ApiResponse]] = {}
        self._cache_lock = threading.Lock()

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """Answer ``request`` as the job operation it was matched to."""
        if match.operation == "list":
            query = self.reader.list_query(request.query)
            return json_answer(200, to_wire(self.store.list_jobs(query)))
        if match.operation == "create":
            return self._create(request)
        return self._on_a_job(match.operation, self.reader.job_id(match.params["job_id"]))

    def _create(self, request: ApiRequest) -> ApiResponse:
        asked = self.reader.create(request.query, request.headers, request.body)
        job = asked.job
        if job.job_type != "classifier":
            return json_answer(422, {"detail": COMPLETION_REFUSED})
        if self.base_models is not None and job.model not in self.base_models:
            return json_answer(422, {"detail": CLASSIFIER_MODEL_REFUSED})
        if self.strict_files:
            named = [f.file_id for f in job.training_files] + list(job.validation_files or [])
            missing = next((file_id for file_id in named if not self.files.holds(file_id)), None)
            if missing is not None:
                return json_answer(422, {"detail": f"File not found: {missing}"})
        if asked.dry_run:
            return json_answer(200, to_wire(self.store.estimate(job, details=DRY_RUN_DETAILS)))
        return json_answer(200, to_wire(self.store.create_job(job)))

    def _on_a_job(self, operation: str, job_id: str) -> ApiResponse:
        store = self.store
        action = {"get": store.get_job, "start": store.start_job, "cancel": store.cancel_job}
        try:
            job = action[operation](job_id)
        except JobNotFoundError:
            return json_answer(404, {"detail": NOT_FOUND_DETAIL})
        except JobConflictError as conflict:
            return json_answer(409, {"detail": conflict.detail})
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
