"""The files: an upload's answer, a stored file, a page of them, a deletion, a signed link.

The schemas of ``reference/mistral-workflow-api.md`` section 1 (conventions: the package
docstring).
"""

from typing import Literal

import attrs

__all__ = ["DeleteFileOut", "FileSignedURL", "ListFilesOut", "RetrieveFileOut", "UploadFileOut"]


@attrs.frozen(kw_only=True)
class UploadFileOut:
    """A stored file, as an upload answers it (``UploadFileOut``; ``FileSchema`` in lists).

    The fields are in the order of the recorded real answer (the OCR guide's ``curl`` output).
    """

    #: The file's id, a UUID.
    id: str
    #: Size in bytes (the SDK's ``size_bytes``); never ``null``, which mistralai 1.12.4 refuses.
    bytes: int
    #: When it was uploaded, in Unix seconds.
    created_at: int
    #: The name of the uploaded part.
    filename: str
    #: ``"fine-tune"``, ``"batch"``, ``"ocr"`` (or ``"audio"``, which the audio guide sends).
    purpose: str
    #: The kind of rows, such as ``"pretrain"``, ``"instruct"`` or ``"batch_request"``.
    sample_type: str
    #: ``"upload"``, ``"repository"`` or ``"mistral"``.
    source: str = "upload"
    #: Lines of a text file; ``0`` for a binary one (as recorded for a PDF).
    num_lines: int | None = None
    #: The media type the server saw, e.g. ``"application/jsonl"``.
    mimetype: str | None = None
    #: 32 hex digits, as recorded (what is signed is unknown; here, the content's MD5).
    signature: str | None = None
    #: Constant ``"file"``.
    object: Literal["file"] = attrs.field(default="file", init=False)


@attrs.frozen(kw_only=True)
class RetrieveFileOut(UploadFileOut):
    """A stored file, as ``GET /v1/files/{file_id}`` answers it: with ``deleted``."""

    #: Always ``False`` here: a deleted file is not found any more.
    deleted: bool = False


@attrs.frozen(kw_only=True)
class ListFilesOut:
    """A page of files (``ListFilesOut``)."""

    #: The files of the page.
    data: list[UploadFileOut] = attrs.Factory(list)
    #: How many files match the filters; ``None`` when the request said ``include_total=false``.
    total: int | None = None
    #: Constant ``"list"``.
    object: Literal["list"] = attrs.field(default="list", init=False)


@attrs.frozen(kw_only=True)
class DeleteFileOut:
    """The answer to a file's deletion (``DeleteFileOut``)."""

    #: The deleted file's id.
    id: str
    #: Always ``True``.
    deleted: bool = True
    #: Constant ``"file"``.
    object: Literal["file"] = attrs.field(default="file", init=False)


@attrs.frozen(kw_only=True)
class FileSignedURL:
    """A URL that serves a file's content without a bearer token (``FileSignedURL``)."""

    #: The URL.
    url: str
