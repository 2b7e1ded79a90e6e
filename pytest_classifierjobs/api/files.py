"""The files resource: ``/v1/files``, its six operations, and the signed download links.

Answers as the contract records them (``reference/mistral-workflow-api.md`` section 1) from the
:class:`~pytest_classifierjobs.state.files.FileStore`; where the contract does not know the
answer, the fake's choice, all ``{"detail": ...}`` bodies in FastAPI's shape:

* an unknown or deleted file: ``404 {"detail": "File not found."}`` (chosen);
* an upload over :data:`MAX_FILE_BYTES` (the spec's 512 MB): ``413 {"detail": ...}`` (the FAQ
  names a 413; its body is unknown);
* no ``file`` part, a ``purpose`` outside the enum, a ``file`` that is text, a body that is no
  form: FastAPI's ``422`` (a multipart type without boundary: Starlette's ``400``);
* the content is served as ``application/octet-stream``, the one type the SDK accepts;
* ``GET /v1/files/{file_id}/url`` answers a link to ``/blobs/{file_id}`` on the address the
  client used (the in-process fake or the live server), signed and valid for ``expiry`` hours
  on the fake's clock. It needs no bearer token; a forged or expired link gets ``403``, as a
  storage service answers it.
"""

from __future__ import annotations

import datetime
import urllib.parse

from pytest_classifierjobs.models import FileSignedURL
from pytest_classifierjobs.routing import Route, RouteMatch
from pytest_classifierjobs.state.files import FileStore, UnknownFileError
from pytest_classifierjobs.validation import RequestReader
from pytest_classifierjobs.wire import to_wire

from .messages import ApiRequest, ApiResponse, json_answer

__all__ = [
    "BLOBS_PATH",
    "FILES_PATH",
    "FILE_NOT_FOUND_DETAIL",
    "FILE_ROUTES",
    "MAX_FILE_BYTES",
    "PUBLIC_OPERATIONS",
    "FilesHandler",
]

#: Where the files live, below the base URL.
FILES_PATH = "/v1/files"
#: Where signed links point, below the base URL (the real ones point at a storage service).
BLOBS_PATH = "/blobs"
#: The routes of the files API, in the spec's order; the last one serves signed links.
FILE_ROUTES: tuple[Route, ...] = (
    Route("POST", FILES_PATH, "files.upload"),
    Route("GET", FILES_PATH, "files.list"),
    Route("GET", f"{FILES_PATH}/{{file_id}}", "files.retrieve"),
    Route("DELETE", f"{FILES_PATH}/{{file_id}}", "files.delete"),
    Route("GET", f"{FILES_PATH}/{{file_id}}/content", "files.download"),
    Route("GET", f"{FILES_PATH}/{{file_id}}/url", "files.get_signed_url"),
    Route("GET", f"{BLOBS_PATH}/{{file_id}}", "files.signed_download"),
)
#: Operations that need no bearer token: a signed link carries its own authorization.
PUBLIC_OPERATIONS = frozenset({"files.signed_download"})
#: The largest upload, 512 MB (the spec's description of the upload).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: The body of an unknown or deleted file (chosen: the real one is unknown).
FILE_NOT_FOUND_DETAIL = "File not found."
_OCTET_STREAM = {"Content-Type": "application/octet-stream"}


class FilesHandler:
    """Answers the file operations from a :class:`~pytest_classifierjobs.state.files.FileStore`."""

    def __init__(
        self, store: FileStore, reader: RequestReader, *, max_bytes: int = MAX_FILE_BYTES
    ) -> None:
        self.store = store
        self.reader = reader
        self.max_bytes = max_bytes

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """Answer ``request`` as the file operation it was matched to."""
        operation = match.operation
        if operation == "files.upload":
            return self._upload(request)
        if operation == "files.list":
            query = self.reader.file_query(request.query)
            return json_answer(200, to_wire(self.store.list_files(query)))
        if operation == "files.signed_download":
            return self._signed_download(match.params["file_id"], request)
        file_id = self.reader.file_id(match.params["file_id"])
        try:
            return self._on_a_file(operation, file_id, request)
        except UnknownFileError:
            return json_answer(404, {"detail": FILE_NOT_FOUND_DETAIL})

    def _on_a_file(self, operation: str, file_id: str, request: ApiRequest) -> ApiResponse:
        if operation == "files.retrieve":
            return json_answer(200, to_wire(self.store.retrieve(file_id)))
        if operation == "files.delete":
            return json_answer(200, to_wire(self.store.delete(file_id)))
        if operation == "files.download":
            return _octets(self.store.content(file_id))
        return self._signed_url(file_id, request)

    def _upload(self, request: ApiRequest) -> ApiResponse:
        upload = self.reader.upload(request.headers, request.body)
        size = len(upload.file.content)
        if size > self.max_bytes:
            detail = f"File too large: {size} bytes; the largest file is {self.max_bytes} bytes."
            return json_answer(413, {"detail": detail})
        stored = self.store.upload(
            upload.file.filename, upload.file.content, purpose=upload.purpose
        )
        return json_answer(200, to_wire(stored))

    def _signed_url(self, file_id: str, request: ApiRequest) -> ApiResponse:
        hours = self.reader.signed_url_expiry(request.query)
        if not self.store.holds(file_id):  # an unknown file has no link
            raise UnknownFileError(file_id)
        expires = self.store.clock.now() + hours * 3600
        moment = datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
        query = urllib.parse.urlencode(
            {
                "se": f"{moment:%Y-%m-%dT%H:%M:%SZ}",
                "sp": "r",
                "sig": self.store.signature(file_id, expires),
            }
        )
        url = f"{request.root}{BLOBS_PATH}/{file_id}?{query}"
        return json_answer(200, to_wire(FileSignedURL(url=url)))

    def _signed_download(self, file_id: str, request: ApiRequest) -> ApiResponse:
        params = dict(request.query)
        content = None
        try:
            moment = datetime.datetime.strptime(params.get("se", ""), "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
        else:
            expires = int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())
            content = self.store.signed_content(file_id, expires, params.get("sig", ""))
        if content is None:
            detail = "This link is not valid: it was altered, it expired, or its file is gone."
            return json_answer(403, {"detail": detail})
        return _octets(content)


def _octets(content: bytes) -> ApiResponse:
    return ApiResponse(status_code=200, body=None, encoded=content, headers=_OCTET_STREAM)
