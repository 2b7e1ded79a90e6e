"""The stored files of one fake: uploads, their content, deletion, and signed download links.

What the real files API does where the contract knows it (``reference/mistral-workflow-api.md``
section 1), and where it does not, the choices made here:

* An upload of the same name *and* content as a stored file answers that file (the FAQ's
  de-duplication); anything else is a new file, even empty content (FastAPI accepts it).
* ``mimetype`` comes from the file name (``.jsonl``: ``application/jsonl`` as the spec example
  shows), ``num_lines`` and ``sample_type`` from the content (:mod:`~pytest_classifierjobs
  .training_data`), ``signature`` is the content's MD5 (32 hex digits, as recorded).
* Lists are newest first; ``search`` matches a part of the file name, in any case.
* A deleted file is gone: retrieving, downloading or deleting it again is a ``404``; a job that
  reads it at validation fails it.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import threading
from collections.abc import Mapping, Sequence
from random import Random
from types import MappingProxyType

import attrs

from pytest_classifierjobs.clock import Clock
from pytest_classifierjobs.models import DeleteFileOut, ListFilesOut, RetrieveFileOut, UploadFileOut
from pytest_classifierjobs.progression import new_uuid
from pytest_classifierjobs.state import page_of
from pytest_classifierjobs.training_data import InvalidTrainingData, line_count, sample_type

__all__ = ["FileQuery", "FileStore", "UnknownFileError"]

# Types the standard library may not know, in the spelling of the spec example.
_MIMETYPES = {".jsonl": "application/jsonl"}


class UnknownFileError(LookupError):
    """No stored file has this id (or it was deleted)."""


@attrs.frozen(kw_only=True)
class FileQuery:
    """The query of a list of files, read and checked (``validation.py``); the spec's defaults."""

    #: Zero-based page number.
    page: int = 0
    #: Files per page.
    page_size: int = 100
    #: Whether the answer counts the matching files.
    include_total: bool = True
    #: Only files of these sample types (any of them).
    sample_type: frozenset[str] | None = None
    #: Only files from these sources.
    source: frozenset[str] | None = None
    #: Only files whose name contains this, in any case.
    search: str | None = None
    #: Only files of this purpose.
    purpose: str | None = None
    #: Only files of these media types.
    mimetypes: frozenset[str] | None = None

    def matches(self, file: UploadFileOut) -> bool:
        """Whether ``file`` passes every filter that is set."""
        return (
            (self.sample_type is None or file.sample_type in self.sample_type)
            and (self.source is None or file.source in self.source)
            and (self.search is None or self.search.casefold() in file.filename.casefold())
            and (self.purpose is None or file.purpose == self.purpose)
            and (self.mimetypes is None or file.mimetype in self.mimetypes)
        )


@attrs.frozen
class _Stored:
    info: UploadFileOut
    content: bytes


class FileStore:
    """The files of one fake API, under one lock.

    ``rng`` draws the ids (and the secret signed URLs are signed with); ``clock`` dates the
    uploads (shared with the jobs, so a job created after an upload is newer).
    """

    def __init__(self, *, rng: Random, clock: Clock | None = None) -> None:
        self._rng = rng
        self.clock = clock or Clock()
        self._secret = rng.getrandbits(128).to_bytes(16, "big")
        self._files: dict[str, _Stored] = {}
        self._deleted: set[str] = set()
        self._lock = threading.Lock()

    @property
    def files(self) -> Mapping[str, UploadFileOut]:
        """A read-only snapshot of the stored files by id, oldest first."""
        with self._lock:
            return MappingProxyType({file_id: s.info for file_id, s in self._files.items()})

    def upload(self, filename: str, content: bytes, *, purpose: str = "fine-tune") -> UploadFileOut:
        """Store ``content`` as ``filename``; the stored file if the same one is there already."""
        signature = hashlib.md5(content, usedforsecurity=False).hexdigest()
        with self._lock:
            for stored in self._files.values():
                same = stored.info.filename == filename and stored.info.signature == signature
                if same and stored.content == content:
                    return stored.info
            info = UploadFileOut(
                id=new_uuid(self._rng),
                bytes=len(content),
                created_at=self.clock.now(),
                filename=filename,
                purpose=purpose,
                sample_type=sample_type(content, purpose),
                num_lines=line_count(content),
                mimetype=_mimetype(filename),
                signature=signature,
            )
            self._files[info.id] = _Stored(info, content)
            return info

    def list_files(self, query: FileQuery) -> ListFilesOut:
        """One page of the files that match ``query``, newest first."""
        with self._lock:
            found = [s.info for s in reversed(self._files.values()) if query.matches(s.info)]
        found.sort(key=lambda info: info.created_at, reverse=True)  # stable: newest stored first
        page = list(page_of(found, query.page, query.page_size))
        return ListFilesOut(data=page, total=len(found) if query.include_total else None)

    def retrieve(self, file_id: str) -> RetrieveFileOut:
        """The stored file, with ``deleted: false``."""
        fields = attrs.asdict(self._stored(file_id).info, recurse=False)
        del fields["object"]  # a constant, not an argument
        return RetrieveFileOut(**fields)

    def content(self, file_id: str) -> bytes:
        """The bytes that were uploaded."""
        return self._stored(file_id).content

    def delete(self, file_id: str) -> DeleteFileOut:
        """Forget the file; later calls naming it get :class:`UnknownFileError`."""
        with self._lock:
            if self._files.pop(file_id, None) is None:
                raise UnknownFileError(file_id)
            self._deleted.add(file_id)
        return DeleteFileOut(id=file_id)

    def holds(self, file_id: str) -> bool:
        """Whether a file of this id is stored now."""
        with self._lock:
            return file_id in self._files

    def read(self, file_ids: Sequence[str]) -> list[tuple[str, bytes]] | None:
        """The ``(filename, content)`` of each file, for a job to read at validation.

        ``None`` when one of them was never uploaded here: the job's data is then opaque to the
        fake (a test that created jobs naming made-up ids keeps working). A deleted file raises
        :class:`~pytest_classifierjobs.training_data.InvalidTrainingData`.
        """
        with self._lock:
            read: list[tuple[str, bytes]] = []
            for file_id in file_ids:
                if file_id in self._deleted:
                    raise InvalidTrainingData(f"file {file_id} was deleted; it cannot be read")
                stored = self._files.get(file_id)
                if stored is None:
                    return None
                read.append((stored.info.filename, stored.content))
            return read

    def signature(self, file_id: str, expires: int) -> str:
        """The signature of a download link of ``file_id`` valid until ``expires``."""
        message = f"{file_id}:{expires}".encode()
        return hmac.new(self._secret, message, "sha256").hexdigest()[:32]

    def signed_content(self, file_id: str, expires: int, signature: str) -> bytes | None:
        """The content behind a signed link, or ``None`` if the link is forged or expired."""
        expected = self.signature(file_id, expires)
        if not hmac.compare_digest(expected, signature) or self.clock.now() > expires:
            return None
        try:
            return self.content(file_id)
        except UnknownFileError:
            return None

    def _stored(self, file_id: str) -> _Stored:
        with self._lock:
            stored = self._files.get(file_id)
        if stored is None:
            raise UnknownFileError(file_id)
        return stored


def _mimetype(filename: str) -> str | None:
    suffix = filename[filename.rfind(".") :].lower() if "." in filename else ""
    return _MIMETYPES.get(suffix) or mimetypes.guess_type(filename, strict=False)[0]
