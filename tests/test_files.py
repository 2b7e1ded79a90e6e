"""The files resource through the official mistralai SDK (1.x), sync and async, and jobs reading it.

The in-process fake (``classifierjobs``) answers most tests; a few go through the live server
(``classifierjobs_server``). Requests the SDK cannot send go through raw httpx. The async tests
run on anyio's pytest plugin (anyio comes with httpx).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.metadata
import json
import math
import re
import time
import urllib.parse
from collections.abc import Iterator
from random import Random
from typing import Any

import httpx
import pytest

from pytest_classifierjobs import ClassifierJobsMock, UnknownFileError
from pytest_classifierjobs.api import Api, ApiRequest
from pytest_classifierjobs.api.files import (
    FILE_NOT_FOUND_DETAIL,
    MAX_FILE_BYTES,
    PUBLIC_OPERATIONS,
    FilesHandler,
)
from pytest_classifierjobs.base_models import CLASSIFIER_BASE_MODELS
from pytest_classifierjobs.clock import Clock
from pytest_classifierjobs.models import (
    ClassifierTrainingParametersIn,
    JobIn,
    TrainingFile,
)
from pytest_classifierjobs.progression import DATA_TOKENS
from pytest_classifierjobs.routing import RouteMatch
from pytest_classifierjobs.server import LiveServer
from pytest_classifierjobs.state.files import FileQuery, FileStore
from pytest_classifierjobs.state.jobs import JobStore
from pytest_classifierjobs.validation import RequestReader

# One file for both SDK majors: 2.x keeps the client and its errors under mistralai.client.
_MAJOR = int(importlib.metadata.version("mistralai").split(".", 1)[0])
Mistral: Any = importlib.import_module("mistralai.client" if _MAJOR >= 2 else "mistralai").Mistral
SDKError: Any = importlib.import_module(
    "mistralai.client.errors" if _MAJOR >= 2 else "mistralai.models"
).SDKError


pytestmark = pytest.mark.sdk

SEED = 20251202
MODEL = "ministral-3b-latest"
API_KEY = "test-key"
BASE = "https://api.mistral.ai"
FILES_URL = f"{BASE}/v1/files"
JOBS_URL = f"{BASE}/v1/fine_tuning/jobs"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
NOT_FOUND = {"detail": FILE_NOT_FOUND_DETAIL}
FORBIDDEN = {"detail": "This link is not valid: it was altered, it expired, or its file is gone."}
NEVER_UPLOADED = "00000000-0000-4000-8000-000000000000"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
MAX_POLLS = 20
TERMINAL = {"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"}
HOUR = 3600
# Where the tests that need exact timestamps freeze the fake's clock (2025-06-15T15:06:40Z).
FROZEN = 1_750_000_000


def jsonl(*rows: Any) -> bytes:
    """Rows as JSON Lines; a ``bytes`` row is written as it is."""
    return b"".join(
        (row if isinstance(row, bytes) else json.dumps(row).encode()) + b"\n" for row in rows
    )


def row(value: str, **labels: Any) -> dict[str, Any]:
    return {"text": value, "labels": labels}


def tokens_of(content: bytes) -> int:
    return sum(math.ceil(len(line) / 3) for line in content.splitlines() if line.strip())


SENTIMENT = jsonl(
    row("great", sentiment="positive"),
    row("awful", sentiment="negative"),
    row("fine", sentiment="neutral"),
    row("superb", sentiment="positive"),
)
CHAT = jsonl(
    {"messages": [{"role": "user", "content": "hi"}], "labels": {"intent": "greet"}},
    {"messages": [{"role": "user", "content": "bye"}], "labels": {"intent": "leave"}},
)


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def client(classifierjobs: ClassifierJobsMock) -> Iterator[Mistral]:
    """The SDK against the in-process fake (the default base URL)."""
    assert classifierjobs.base_url == BASE
    with Mistral(api_key=API_KEY) as client:
        yield client


@pytest.fixture
def server_client(classifierjobs_server: LiveServer) -> Iterator[Mistral]:
    """The SDK against the live server."""
    with Mistral(api_key=API_KEY, server_url=classifierjobs_server.url) as client:
        yield client


def upload(client: Mistral, name: str, content: bytes, **options: Any) -> Any:
    return client.files.upload(file={"file_name": name, "content": content}, **options)


def error_of(raised: pytest.ExceptionInfo[SDKError]) -> tuple[int, Any]:
    return raised.value.status_code, json.loads(raised.value.body)


def create_job(client: Mistral, *file_ids: str, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "model": MODEL,
        "job_type": "classifier",
        "hyperparameters": {"training_steps": 10},
        "training_files": [{"file_id": file_id, "weight": 1.0} for file_id in file_ids],
        "auto_start": True,
        **overrides,
    }
    return client.fine_tuning.jobs.create(**arguments)


def get(client: Mistral, job_id: str) -> Any:
    return client.fine_tuning.jobs.get(job_id=job_id)


def poll(client: Mistral, job_id: str, until: set[str] = TERMINAL) -> Any:
    """GET the job until its status is one of ``until``; the last answer."""
    for _ in range(MAX_POLLS):
        job = client.fine_tuning.jobs.get(job_id=job_id)
        if job.status in until:
            return job
    raise AssertionError(f"job {job_id} still {job.status} after {MAX_POLLS} polls")


def targets_of(job: Any) -> list[tuple[str, list[str], float, str]]:
    return [(t.name, t.labels, t.weight, t.loss_function) for t in job.classifier_targets]


def signed_link(fake: ClassifierJobsMock, file_id: str, hours: int = 1, root: str = BASE) -> str:
    """A link to the file signed as ``files.get_signed_url`` signs it."""
    expires = fake.file_store.clock.now() + hours * HOUR
    moment = dt.datetime.fromtimestamp(expires, dt.timezone.utc)
    query = urllib.parse.urlencode(
        {
            "se": f"{moment:%Y-%m-%dT%H:%M:%SZ}",
            "sp": "r",
            "sig": fake.file_store.signature(file_id, expires),
        }
    )
    return f"{root}/blobs/{file_id}?{query}"


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


# --- upload ---------------------------------------------------------------------------------------


@pytest.mark.classifierjobs(frozen_at=FROZEN)
def test_upload_without_purpose_stores_a_fine_tune_file(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    assert UUID.fullmatch(uploaded.id)
    assert uploaded.object == "file"
    assert uploaded.size_bytes == len(SENTIMENT)
    # Dated by the fake's clock, which stands where the marker froze it.
    assert uploaded.created_at == classifierjobs.file_store.clock.now() == FROZEN
    assert uploaded.filename == "train.jsonl"
    assert uploaded.purpose == "fine-tune"
    assert uploaded.sample_type == "pretrain"
    assert uploaded.source == "upload"
    assert uploaded.num_lines == 4
    assert uploaded.mimetype == "application/jsonl"
    assert uploaded.signature == hashlib.md5(SENTIMENT).hexdigest()
    assert list(classifierjobs.files) == [uploaded.id]
    assert classifierjobs.file_content(uploaded.id) == SENTIMENT
    sent = classifierjobs.routes["files.upload"].calls.last.request
    assert b'name="purpose"' not in sent.content  # the SDK sends no purpose part


@pytest.mark.parametrize(
    ("name", "content", "purpose", "expected"),
    [
        ("chat.jsonl", CHAT, "fine-tune", ("fine-tune", "instruct", "application/jsonl", 2)),
        ("batch.jsonl", CHAT, "batch", ("batch", "batch_request", "application/jsonl", 2)),
        ("paper.pdf", b"%PDF-1.7\n\xff\xfe", "ocr", ("ocr", "ocr_input", "application/pdf", 0)),
        ("speech.mp3", b"ID3\x00", "audio", ("audio", "pretrain", "audio/mpeg", 1)),
        ("NOTES.TXT", b"a\nb\nc", "fine-tune", ("fine-tune", "pretrain", "text/plain", 3)),
        ("data.unknown-type", b"x", "fine-tune", ("fine-tune", "pretrain", None, 1)),
        ("README", b"", "fine-tune", ("fine-tune", "pretrain", None, 0)),
    ],
)
def test_upload_with_purpose(
    client: Mistral, name: str, content: bytes, purpose: str, expected: tuple[Any, ...]
) -> None:
    uploaded = upload(client, name, content, purpose=purpose)

    got = (uploaded.purpose, uploaded.sample_type, uploaded.mimetype, uploaded.num_lines)
    assert got == expected
    assert uploaded.size_bytes == len(content)


def test_the_same_name_and_content_is_the_same_file(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    first = upload(client, "train.jsonl", SENTIMENT)

    again = upload(client, "train.jsonl", SENTIMENT)
    renamed = upload(client, "other.jsonl", SENTIMENT)
    changed = upload(client, "train.jsonl", SENTIMENT + b"\n")

    assert again.id == first.id
    assert again.created_at == first.created_at
    assert len({first.id, renamed.id, changed.id}) == 3
    assert list(classifierjobs.files) == [first.id, renamed.id, changed.id]


def test_a_deleted_file_uploaded_again_is_a_new_file(client: Mistral) -> None:
    first = upload(client, "train.jsonl", SENTIMENT)
    client.files.delete(file_id=first.id)

    again = upload(client, "train.jsonl", SENTIMENT)

    assert again.id != first.id


@pytest.mark.classifierjobs(frozen_at=FROZEN)
def test_uploads_are_dated_by_the_same_clock_as_the_jobs(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    assert classifierjobs.file_store.clock is classifierjobs.store.clock is classifierjobs.clock
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    classifierjobs.clock.advance(1)
    job = create_job(client, uploaded.id)
    classifierjobs.clock.advance(1)
    later = upload(client, "later.jsonl", SENTIMENT)

    # One clock: a job created after an upload is newer, and an upload after it newer still.
    assert (uploaded.created_at, job.created_at, later.created_at) == (
        FROZEN,
        FROZEN + 1,
        FROZEN + 2,
    )


@pytest.mark.anyio
async def test_upload_async(client: Mistral, classifierjobs: ClassifierJobsMock) -> None:
    uploaded = await client.files.upload_async(
        file={"file_name": "train.jsonl", "content": SENTIMENT}, purpose="fine-tune"
    )

    assert (uploaded.purpose, uploaded.size_bytes) == ("fine-tune", len(SENTIMENT))
    assert classifierjobs.file_content(uploaded.id) == SENTIMENT
    sent = classifierjobs.routes["files.upload"].calls.last.request
    assert b'name="purpose"' in sent.content


def test_a_non_ascii_file_name_is_read_as_utf_8(client: Mistral) -> None:
    uploaded = upload(client, "données.jsonl", SENTIMENT)

    assert uploaded.filename == "données.jsonl"


# --- list -----------------------------------------------------------------------------------------


@pytest.fixture
def three_files(client: Mistral) -> list[Any]:
    """A text file, a chat file and a batch file, oldest first."""
    return [
        upload(client, "sentiment-train.jsonl", SENTIMENT),
        upload(client, "Intent-Chat.jsonl", CHAT),
        upload(client, "requests.jsonl", CHAT, purpose="batch"),
    ]


def ids(page: Any) -> list[str]:
    return [file.id for file in page.data]


def test_list_is_newest_first_with_a_total(client: Mistral, three_files: list[Any]) -> None:
    listed = client.files.list()

    assert ids(listed) == [f.id for f in reversed(three_files)]
    assert (listed.object, listed.total) == ("list", 3)
    assert listed.data[0].model_dump() == three_files[-1].model_dump()


def test_list_pages_and_leaves_out_the_total_when_asked(
    client: Mistral, three_files: list[Any]
) -> None:
    second = client.files.list(page=1, page_size=2)
    beyond = client.files.list(page=5, page_size=2)
    untotalled = client.files.list(page=0, page_size=1, include_total=False)
    negative = client.files.list(page=-1, page_size=2)

    assert (ids(second), second.total) == ([three_files[0].id], 3)
    assert (ids(beyond), beyond.total) == ([], 3)
    assert (ids(untotalled), untotalled.total) == ([three_files[2].id], None)
    assert (ids(negative), negative.total) == ([], 3)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"sample_type": ["instruct"]}, [1]),
        ({"sample_type": ["pretrain", "batch_request"]}, [2, 0]),
        ({"sample_type": ["batch_result"]}, []),
        ({"source": ["upload"]}, [2, 1, 0]),
        ({"source": ["mistral", "repository"]}, []),
        ({"search": "INTENT"}, [1]),
        ({"search": "jsonl"}, [2, 1, 0]),
        ({"search": "nothing"}, []),
        ({"purpose": "batch"}, [2]),
        ({"purpose": "fine-tune"}, [1, 0]),
        ({"purpose": "ocr"}, []),
        ({"mimetypes": ["application/jsonl"]}, [2, 1, 0]),
        ({"mimetypes": ["application/pdf", "text/plain"]}, []),
        ({"purpose": "fine-tune", "sample_type": ["instruct"], "search": "chat"}, [1]),
    ],
)
def test_list_filters(
    client: Mistral, three_files: list[Any], filters: dict[str, Any], expected: list[int]
) -> None:
    listed = client.files.list(**filters)

    assert ids(listed) == [three_files[i].id for i in expected]
    assert listed.total == len(expected)


def test_list_filters_as_the_sdk_sends_them(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    client.files.list(sample_type=["instruct", "pretrain"], mimetypes=["application/jsonl"])

    sent = classifierjobs.routes["files.list"].calls.last.request
    assert sent.url.params.get_list("sample_type") == ["instruct", "pretrain"]


def test_a_list_with_a_bad_query_is_a_422(classifierjobs: ClassifierJobsMock) -> None:
    classifierjobs.add_file(SENTIMENT)
    bad = httpx.get(
        FILES_URL, headers=AUTH, params={"page": "one", "sample_type": "bogus", "purpose": "x"}
    )

    assert bad.status_code == 422
    assert [(p["loc"], p["type"]) for p in bad.json()["detail"]] == [
        (["query", "page"], "int_parsing"),
        (["query", "sample_type", 0], "enum"),
        (["query", "purpose"], "enum"),
    ]


@pytest.mark.anyio
async def test_list_async(client: Mistral, three_files: list[Any]) -> None:
    listed = await client.files.list_async(purpose="batch", include_total=False)

    assert (ids(listed), listed.total) == ([three_files[2].id], None)


def test_file_query_defaults_match_every_file() -> None:
    store = FileStore(rng=Random(1), clock=Clock(frozen_at=FROZEN))
    stored = store.upload("a.jsonl", b"x")

    assert FileQuery().matches(stored)
    assert store.list_files(FileQuery(search="A.JSON")).data == [stored]


# --- retrieve, delete, download -------------------------------------------------------------------


def test_retrieve_answers_the_file_with_deleted_false(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    got = client.files.retrieve(file_id=uploaded.id)

    assert got.deleted is False
    fields = ["id", "object", "size_bytes", "created_at", "filename", "purpose", "sample_type"]
    fields += ["source", "num_lines", "mimetype", "signature"]
    assert [getattr(got, name) for name in fields] == [getattr(uploaded, name) for name in fields]


@pytest.mark.anyio
async def test_retrieve_async(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    got = await client.files.retrieve_async(file_id=uploaded.id)

    assert (got.id, got.deleted) == (uploaded.id, False)


def test_delete_answers_deleted_and_the_file_is_gone(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    kept = upload(client, "kept.jsonl", SENTIMENT)
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    deleted = client.files.delete(file_id=uploaded.id)

    assert (deleted.id, deleted.object, deleted.deleted) == (uploaded.id, "file", True)
    assert list(classifierjobs.files) == [kept.id]
    assert ids(client.files.list()) == [kept.id]
    for again in (
        lambda: client.files.retrieve(file_id=uploaded.id),
        lambda: client.files.download(file_id=uploaded.id),
        lambda: client.files.delete(file_id=uploaded.id),
        lambda: client.files.get_signed_url(file_id=uploaded.id),
    ):
        with pytest.raises(SDKError) as raised:
            again()  # type: ignore[no-untyped-call,unused-ignore]
        assert error_of(raised) == (404, NOT_FOUND)


@pytest.mark.parametrize("operation", ["retrieve", "delete", "download", "get_signed_url"])
def test_a_file_never_uploaded_is_not_found(client: Mistral, operation: str) -> None:
    with pytest.raises(SDKError) as raised:
        getattr(client.files, operation)(file_id=NEVER_UPLOADED)

    assert error_of(raised) == (404, NOT_FOUND)


@pytest.mark.anyio
async def test_delete_async(client: Mistral, classifierjobs: ClassifierJobsMock) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    deleted = await client.files.delete_async(file_id=uploaded.id)

    assert deleted.deleted is True
    assert dict(classifierjobs.files) == {}


def test_download_answers_the_bytes_as_octet_stream(client: Mistral) -> None:
    uploaded = upload(client, "paper.pdf", b"%PDF\x00\xff\r\n", purpose="ocr")

    response = client.files.download(file_id=uploaded.id)

    assert response.read() == b"%PDF\x00\xff\r\n"
    assert response.headers["content-type"] == "application/octet-stream"


def test_a_file_id_is_read_in_any_uuid_spelling(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    response = httpx.get(f"{FILES_URL}/{uploaded.id.upper()}/content", headers=AUTH)

    assert (response.status_code, response.content) == (200, SENTIMENT)


@pytest.mark.anyio
async def test_download_async(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    response = await client.files.download_async(file_id=uploaded.id)

    assert await response.aread() == SENTIMENT
    assert response.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("DELETE", ""), ("GET", "/content"), ("GET", "/url")],
)
def test_a_file_id_that_is_no_uuid_is_a_422(
    client: Mistral, classifierjobs: ClassifierJobsMock, method: str, suffix: str
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    response = httpx.request(method, f"{FILES_URL}/not-a-uuid{suffix}", headers=AUTH)

    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert (problem["type"], problem["loc"]) == ("uuid_parsing", ["path", "file_id"])
    assert problem["msg"].startswith("Input should be a valid UUID")
    assert list(classifierjobs.files) == [uploaded.id]


# --- signed links ---------------------------------------------------------------------------------


@pytest.mark.classifierjobs(frozen_at=FROZEN)
def test_a_signed_url_serves_the_file_without_a_token(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    now = classifierjobs.file_store.clock.now()

    signed = client.files.get_signed_url(file_id=uploaded.id)

    assert signed.url.startswith(f"{BASE}/blobs/{uploaded.id}?")
    query = query_of(signed.url)
    expires = dt.datetime.fromtimestamp(now + 24 * HOUR, dt.timezone.utc)
    assert query["se"] == f"{expires:%Y-%m-%dT%H:%M:%SZ}"
    assert query["sp"] == "r"
    assert re.fullmatch(r"[0-9a-f]{32}", query["sig"])
    fetched = httpx.get(signed.url)
    assert (fetched.status_code, fetched.content) == (200, SENTIMENT)
    assert fetched.headers["content-type"] == "application/octet-stream"


@pytest.mark.classifierjobs(frozen_at=FROZEN)
def test_a_tampered_or_expired_signed_url_is_a_403(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    signed = client.files.get_signed_url(file_id=uploaded.id, expiry=2)
    tampered = signed.url.replace("sig=", "sig=0")

    assert (httpx.get(tampered).status_code, httpx.get(tampered).json()) == (403, FORBIDDEN)
    classifierjobs.file_store.clock.advance(2 * HOUR)
    assert httpx.get(signed.url).status_code == 200  # valid to the second it expires
    classifierjobs.file_store.clock.advance(1)
    assert (httpx.get(signed.url).status_code, httpx.get(signed.url).json()) == (403, FORBIDDEN)


@pytest.mark.anyio
async def test_get_signed_url_async(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    signed = await client.files.get_signed_url_async(file_id=uploaded.id, expiry=168)

    async with httpx.AsyncClient() as http:
        fetched = await http.get(signed.url)
    assert fetched.content == SENTIMENT


@pytest.mark.parametrize("expiry", [0, 169, -1])
def test_an_expiry_outside_1_to_168_hours_is_a_422(client: Mistral, expiry: int) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    with pytest.raises(SDKError) as raised:
        client.files.get_signed_url(file_id=uploaded.id, expiry=expiry)

    status, body = error_of(raised)
    (problem,) = body["detail"]
    assert status == 422
    assert problem["loc"] == ["query", "expiry"]
    assert problem["type"] == ("greater_than_equal" if expiry < 1 else "less_than_equal")


@pytest.mark.classifierjobs(frozen_at=FROZEN)
def test_a_signed_link_serves_the_file_until_it_expires(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    link = signed_link(classifierjobs, uploaded.id, hours=1)

    fetched = httpx.get(link)  # no Authorization header
    assert (fetched.status_code, fetched.content) == (200, SENTIMENT)
    assert fetched.headers["content-type"] == "application/octet-stream"
    classifierjobs.file_store.clock.advance(HOUR)
    assert httpx.get(link).status_code == 200
    classifierjobs.file_store.clock.advance(1)
    expired = httpx.get(link)
    assert (expired.status_code, expired.json()) == (403, FORBIDDEN)
    assert classifierjobs.routes["files.signed_download"].call_count == 3


def test_a_signed_link_is_forbidden_when_altered(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    other = upload(client, "other.jsonl", CHAT)
    link = signed_link(classifierjobs, uploaded.id, hours=1)
    query = query_of(link)
    later = dt.datetime.strptime(query["se"], "%Y-%m-%dT%H:%M:%SZ") + dt.timedelta(hours=1)

    altered = [
        link.replace(f"sig={query['sig']}", "sig=" + "0" * 32),
        link.replace(
            f"se={urllib.parse.quote(query['se'])}", f"se={later:%Y-%m-%dT%H%%3A%M%%3A%SZ}"
        ),
        link.replace(uploaded.id, other.id),
        link.replace(f"se={urllib.parse.quote(query['se'])}", "se=tomorrow"),
        f"{BASE}/blobs/{uploaded.id}",
        f"{BASE}/blobs/not-a-uuid?sp=r",
    ]

    for url in altered:
        assert url != link
        answer = httpx.get(url)
        assert (answer.status_code, answer.json()) == (403, FORBIDDEN), url
    assert {"files.signed_download"} == PUBLIC_OPERATIONS


def test_a_signed_link_of_a_deleted_file_is_forbidden(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    link = signed_link(classifierjobs, uploaded.id)

    client.files.delete(file_id=uploaded.id)

    assert (httpx.get(link).status_code, httpx.get(link).json()) == (403, FORBIDDEN)


# --- requests the SDK does not send ---------------------------------------------------------------


def multipart(boundary: str, *parts: bytes, close: bool = True) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + boundary.encode() + b"--\r\nepilogue" if close else b"")


FILE_PART = (
    b'Content-Disposition: form-data; name="file"; filename="raw.jsonl"\r\n'
    b"Content-Type: application/jsonl\r\n\r\n" + SENTIMENT
)


@pytest.mark.parametrize(
    ("request_options", "status", "body"),
    [
        pytest.param(
            {"files": {"purpose": (None, "fine-tune")}},
            422,
            {"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field required"}]},
            id="no-file-part",
        ),
        pytest.param(
            {"data": {"file": "text"}},
            422,
            None,  # checked below: a value_error
            id="urlencoded-file",
        ),
        pytest.param(
            {"json": {"file": "train.jsonl", "purpose": "fine-tune"}},
            422,
            {"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field required"}]},
            id="json-body",
        ),
        pytest.param(
            {"content": b"", "headers": {}},
            422,
            {"detail": [{"type": "missing", "loc": ["body", "file"], "msg": "Field required"}]},
            id="no-body",
        ),
        pytest.param(
            {"files": {"file": ("a.jsonl", SENTIMENT)}, "data": {"purpose": "nope"}},
            422,
            {
                "detail": [
                    {
                        "type": "enum",
                        "loc": ["body", "purpose"],
                        "msg": "Input should be 'fine-tune', 'batch', 'ocr' or 'audio'",
                        "ctx": {"expected": "'fine-tune', 'batch', 'ocr' or 'audio'"},
                    }
                ]
            },
            id="bad-purpose",
        ),
        pytest.param(
            {"content": SENTIMENT, "headers": {"Content-Type": "multipart/form-data"}},
            400,
            {"detail": "Missing boundary in multipart."},
            id="no-boundary",
        ),
        pytest.param(
            {"content": SENTIMENT, "headers": {"Content-Type": 'multipart/form-data; boundary=""'}},
            400,
            {"detail": "Missing boundary in multipart."},
            id="empty-boundary",
        ),
    ],
)
def test_a_bad_upload_is_refused_and_stores_nothing(
    classifierjobs: ClassifierJobsMock,
    request_options: dict[str, Any],
    status: int,
    body: Any,
) -> None:
    headers = {**AUTH, **request_options.pop("headers", {})}

    response = httpx.post(FILES_URL, headers=headers, **request_options)

    assert response.status_code == status
    if body is None:
        reason = "Expected UploadFile, received: <class 'str'>"
        (problem,) = response.json()["detail"]
        assert (problem["type"], problem["loc"]) == ("value_error", ["body", "file"])
        assert problem["msg"] == f"Value error, {reason}"
    else:
        assert response.json() == body
    assert dict(classifierjobs.files) == {}
    assert classifierjobs.routes["files.upload"].call_count == 1


def test_a_raw_multipart_body_is_read_as_starlette_reads_it(
    classifierjobs: ClassifierJobsMock,
) -> None:
    body = multipart(
        "XyZ",
        b"Content-Disposition: form-data\r\n\r\nno name: ignored",
        b"no blank line after the headers: ignored",
        b'Content-Disposition: form-data; name="purpose"\r\n\r\nbatch',
        FILE_PART,
    )

    response = httpx.post(
        FILES_URL,
        headers={**AUTH, "Content-Type": "multipart/form-data; boundary=XyZ"},
        content=body,
    )

    assert response.status_code == 200
    answer = response.json()
    assert (answer["filename"], answer["purpose"], answer["bytes"]) == (
        "raw.jsonl",
        "batch",
        len(SENTIMENT),
    )
    assert classifierjobs.file_content(answer["id"]) == SENTIMENT


def test_a_multipart_body_without_its_closing_delimiter_is_read_to_its_end(
    classifierjobs: ClassifierJobsMock,
) -> None:
    body = multipart("b0undary", FILE_PART, close=False)

    response = httpx.post(
        FILES_URL,
        headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b0undary"},
        content=body,
    )

    assert response.status_code == 200
    assert classifierjobs.file_content(response.json()["id"]) == SENTIMENT


def test_an_upload_over_the_largest_size_is_a_413_and_stores_nothing(
    classifierjobs: ClassifierJobsMock,
) -> None:
    assert MAX_FILE_BYTES == 512 * 1024 * 1024
    assert FilesHandler(classifierjobs.file_store, RequestReader()).max_bytes == MAX_FILE_BYTES
    handler = FilesHandler(classifierjobs.file_store, RequestReader(), max_bytes=10)
    match = classifierjobs.api.route(ApiRequest(method="POST", path="/v1/files"))
    assert isinstance(match, RouteMatch)

    def post(content: bytes) -> Any:
        sent = httpx.Request("POST", FILES_URL, files={"file": ("big.jsonl", content)})
        request = ApiRequest(
            method="POST",
            path="/v1/files",
            headers={k.lower(): v for k, v in sent.headers.items()},
            body=sent.read(),
        )
        return handler.answer(match, request)

    too_big = post(b"x" * 11)
    assert (too_big.status_code, too_big.body) == (
        413,
        {"detail": "File too large: 11 bytes; the largest file is 10 bytes."},
    )
    assert dict(classifierjobs.files) == {}
    just_right = post(b"x" * 10)
    assert (just_right.status_code, just_right.body["bytes"]) == (200, 10)
    assert list(classifierjobs.files) == [just_right.body["id"]]


# --- auth, faults, routes, retirement -------------------------------------------------------------


def test_the_files_routes_need_a_token_but_a_signed_link_does_not(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    unauthorized = httpx.get(f"{FILES_URL}/{uploaded.id}/content")
    signed = httpx.get(signed_link(classifierjobs, uploaded.id))

    assert (unauthorized.status_code, unauthorized.json()) == (401, {"detail": "Unauthorized"})
    assert signed.status_code == 200


def test_a_fault_on_upload_answers_it_and_stores_nothing(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    classifierjobs.fail("files.upload", 503)

    with pytest.raises(SDKError) as raised:
        upload(client, "train.jsonl", SENTIMENT)
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    assert error_of(raised) == (503, {"detail": "Service Unavailable"})
    assert list(classifierjobs.files) == [uploaded.id]
    assert classifierjobs.routes["files.upload"].call_count == 2
    assert classifierjobs.routes["files.list"].call_count == 0


def test_a_fault_on_every_operation_reaches_the_files_routes(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    classifierjobs.fail("*", 500, times=None, json={"detail": "boom"})

    for call in (
        client.files.list,
        lambda: client.files.download(file_id=uploaded.id),
        lambda: client.files.delete(file_id=uploaded.id),
    ):
        with pytest.raises(SDKError) as raised:
            call()
        assert error_of(raised) == (500, {"detail": "boom"})
    classifierjobs.clear_faults()

    assert list(classifierjobs.files) == [uploaded.id]  # the failed delete deleted nothing
    assert classifierjobs.routes["files.delete"].call_count == 1


def test_retire_leaves_the_files_working(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    classifierjobs.retire()

    uploaded = upload(client, "train.jsonl", SENTIMENT)
    with pytest.raises(SDKError) as raised:
        client.fine_tuning.jobs.list()

    assert raised.value.status_code == 410
    assert ids(client.files.list()) == [uploaded.id]
    assert client.files.download(file_id=uploaded.id).read() == SENTIMENT


def test_an_api_without_a_file_store_makes_one_on_the_jobs_clock() -> None:
    jobs = JobStore(rng=Random(1))

    api = Api(jobs)

    assert api.files.clock is jobs.clock
    assert api.files.files == {}
    assert api.base_models == frozenset(CLASSIFIER_BASE_MODELS)
    assert Api(jobs, base_models=None).base_models is None
    with pytest.raises(ValueError, match=r"^api_keys needs require_auth=True"):
        Api(jobs, require_auth=False, api_keys=[API_KEY])


@pytest.mark.parametrize(
    ("method", "path", "status", "headers"),
    [
        ("PUT", "/v1/files", 405, {"Allow": "POST"}),  # the first route of the path
        ("POST", f"/v1/files/{NEVER_UPLOADED}/content", 405, {"Allow": "GET"}),
        ("GET", f"/v1/files/{NEVER_UPLOADED}/other", 404, {}),
        ("GET", "/v1/files/", 307, {"location": f"{BASE}/v1/files?page=0"}),
        ("GET", "/v1/files", 200, {}),
    ],
)
def test_the_router_places_the_files_paths(
    method: str, path: str, status: int, headers: dict[str, str]
) -> None:
    api = Api(JobStore(rng=Random(1)))

    answer = api.handle(
        ApiRequest(
            method=method,
            path=path,
            query_string="page=0",
            headers={"authorization": AUTH["Authorization"]},
            root=BASE,
        )
    )

    assert answer.status_code == status
    assert dict(answer.headers) == headers


# --- the live server ------------------------------------------------------------------------------


def test_upload_list_download_and_delete_on_the_live_server(
    server_client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(server_client, "train.jsonl", SENTIMENT, purpose="fine-tune")

    listed = server_client.files.list(search="TRAIN")
    downloaded = server_client.files.download(file_id=uploaded.id)
    deleted = server_client.files.delete(file_id=uploaded.id)

    assert ids(listed) == [uploaded.id]
    assert downloaded.read() == SENTIMENT
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert deleted.deleted is True
    with pytest.raises(SDKError) as raised:
        server_client.files.download(file_id=uploaded.id)
    assert error_of(raised) == (404, NOT_FOUND)
    assert dict(classifierjobs.files) == {}


def test_a_signed_link_on_the_live_server(
    server_client: Mistral,
    classifierjobs: ClassifierJobsMock,
    classifierjobs_server: LiveServer,
) -> None:
    uploaded = upload(server_client, "train.jsonl", SENTIMENT)
    link = signed_link(classifierjobs, uploaded.id, root=classifierjobs_server.url)

    fetched = httpx.get(link)
    forged = httpx.get(link[:-1] + ("0" if link[-1] != "0" else "1"))

    assert (fetched.status_code, fetched.content) == (200, SENTIMENT)
    assert (forged.status_code, forged.json()) == (403, FORBIDDEN)


def test_get_signed_url_on_the_live_server_points_at_the_live_server(
    server_client: Mistral, classifierjobs_server: LiveServer
) -> None:
    uploaded = upload(server_client, "train.jsonl", SENTIMENT)

    signed = server_client.files.get_signed_url(file_id=uploaded.id, expiry=1)

    assert signed.url.startswith(f"{classifierjobs_server.url}/blobs/{uploaded.id}?")
    assert httpx.get(signed.url).content == SENTIMENT


def test_a_bad_upload_on_the_live_server(
    classifierjobs_server: LiveServer, classifierjobs: ClassifierJobsMock
) -> None:
    no_boundary = httpx.post(
        f"{classifierjobs_server.url}/v1/files",
        headers={**AUTH, "Content-Type": "multipart/form-data"},
        content=b"x",
    )
    text_file = httpx.post(
        f"{classifierjobs_server.url}/v1/files", headers=AUTH, data={"file": "text"}
    )

    assert (no_boundary.status_code, no_boundary.json()) == (
        400,
        {"detail": "Missing boundary in multipart."},
    )
    assert text_file.status_code == 422
    assert text_file.json()["detail"][0]["type"] == "value_error"
    assert dict(classifierjobs.files) == {}


# --- jobs that read their data --------------------------------------------------------------------


def test_a_job_learns_its_targets_and_size_from_its_data(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    created = create_job(client, uploaded.id)
    job = poll(client, created.id)

    assert job.status == "SUCCESS"
    assert targets_of(job) == [
        ("sentiment", ["positive", "negative", "neutral"], 1.0, "single_class")
    ]
    assert job.metadata.data_tokens == tokens_of(SENTIMENT)
    assert job.hyperparameters.epochs == job.metadata.train_tokens / job.metadata.data_tokens


def test_a_job_waits_validated_with_its_data_then_trains_when_started(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    rows = jsonl(
        row("a", topics=["sport", "news"], tone="calm"),
        row("b", topics=["news"], tone="angry"),
    )
    stored = classifierjobs.add_file(rows, filename="multi.jsonl")
    validation = classifierjobs.add_file([row("v", topics=["sport"], tone="angry")], filename="v")

    created = create_job(client, stored.id, auto_start=False, validation_files=[validation.id])
    validated = poll(client, created.id, until={"VALIDATED", *TERMINAL})
    started = client.fine_tuning.jobs.start(job_id=created.id)
    done = poll(client, created.id)

    assert validated.status == "VALIDATED"
    assert targets_of(validated) == [
        ("topics", ["sport", "news"], 1.0, "multi_class"),
        ("tone", ["calm", "angry"], 1.0, "single_class"),
    ]
    assert validated.metadata.data_tokens == tokens_of(rows)
    assert started.status == "QUEUED"
    assert done.status == "SUCCESS"
    assert targets_of(done) == targets_of(validated)


@pytest.mark.anyio
async def test_a_job_reads_its_data_async(client: Mistral) -> None:
    uploaded = await client.files.upload_async(file={"file_name": "chat.jsonl", "content": CHAT})
    jobs: Any = client.fine_tuning.jobs

    created = await jobs.create_async(
        model=MODEL,
        job_type="classifier",
        hyperparameters={"training_steps": 5},
        training_files=[{"file_id": uploaded.id, "weight": 1.0}],
        auto_start=True,
    )
    for _ in range(MAX_POLLS):
        job = await jobs.get_async(job_id=created.id)
        if job.status in TERMINAL:
            break

    assert job.status == "SUCCESS"
    assert targets_of(job) == [("intent", ["greet", "leave"], 1.0, "single_class")]
    assert job.metadata.data_tokens == tokens_of(CHAT)


def test_requested_targets_are_trained_when_the_data_agrees(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)
    asked = {
        "name": "sentiment",
        "labels": ["negative", "neutral", "positive"],
        "weight": 2.0,
        "loss_function": "single_class",
    }

    job = poll(client, create_job(client, uploaded.id, classifier_targets=[asked]).id)

    assert job.status == "SUCCESS"
    assert targets_of(job) == [
        ("sentiment", ["negative", "neutral", "positive"], 2.0, "single_class")
    ]


@pytest.mark.parametrize(
    ("content", "overrides", "error"),
    [
        pytest.param(
            jsonl(row("a", s="x"), b"not json", row("b", s="y")),
            {},
            "1 of 3 samples are invalid, 0% may be skipped (invalid_sample_skip_percentage); "
            "train.jsonl, line 2: not a JSON object (the data must be JSON Lines)",
            id="not-json",
        ),
        pytest.param(
            jsonl(row("a", s="x"), row("b", s="x")),
            {},
            "target 's' has a single label ('x') in the training data",
            id="single-label",
        ),
        pytest.param(
            b"",
            {},
            "train.jsonl: no sample (the file is empty)",
            id="empty",
        ),
        pytest.param(
            SENTIMENT,
            {
                "classifier_targets": [
                    {"name": "mood", "labels": ["a", "b"], "weight": 1.0, "loss_function": None}
                ]
            },
            "classifier target 'mood' is not in the data; its targets are 'sentiment'",
            id="unknown-requested-target",
        ),
    ],
)
def test_data_that_cannot_train_fails_validation_with_the_reason(
    client: Mistral, content: bytes, overrides: dict[str, Any], error: str
) -> None:
    uploaded = upload(client, "train.jsonl", content)

    job = poll(client, create_job(client, uploaded.id, **overrides).id)

    assert job.status == "FAILED_VALIDATION"
    assert job.events[-1].name == "status-updated"
    assert job.events[-1].data["status"] == "FAILED_VALIDATION"
    assert error in job.events[-1].data["error"]


def test_invalid_rows_within_the_skip_percentage_train(client: Mistral) -> None:
    content = SENTIMENT + b"garbage\n"
    uploaded = upload(client, "train.jsonl", content)

    job = poll(client, create_job(client, uploaded.id, invalid_sample_skip_percentage=0.25).id)

    assert job.status == "SUCCESS"
    assert job.metadata.data_tokens == tokens_of(SENTIMENT)


def test_a_validation_file_with_an_unknown_label_fails_validation(client: Mistral) -> None:
    training = upload(client, "train.jsonl", SENTIMENT)
    validation = upload(client, "valid.jsonl", jsonl(row("v", sentiment="ecstatic")))

    job = poll(client, create_job(client, training.id, validation_files=[validation.id]).id)

    assert job.status == "FAILED_VALIDATION"
    problem = "label 'ecstatic' of target 'sentiment' is not in the training data"
    assert job.events[-1].data["error"].endswith(f"valid.jsonl, line 1: {problem}")


@pytest.mark.parametrize("role", ["training", "validation"])
def test_a_file_deleted_before_validation_fails_it(client: Mistral, role: str) -> None:
    training = upload(client, "train.jsonl", SENTIMENT)
    validation = upload(client, "valid.jsonl", jsonl(row("v", sentiment="neutral")))
    created = create_job(client, training.id, validation_files=[validation.id])
    gone = training if role == "training" else validation

    client.files.delete(file_id=gone.id)
    job = poll(client, created.id)

    assert job.status == "FAILED_VALIDATION"
    assert job.events[-1].data["error"] == f"file {gone.id} was deleted; it cannot be read"


@pytest.mark.parametrize("unknown", ["training", "validation"])
def test_a_job_naming_a_file_never_uploaded_trains_on_drawn_targets(
    client: Mistral, unknown: str
) -> None:
    known = upload(client, "train.jsonl", jsonl(row("a", s="x")))  # alone, it cannot train
    if unknown == "training":
        created = create_job(client, NEVER_UPLOADED)
    else:
        created = create_job(client, known.id, validation_files=[NEVER_UPLOADED])

    job = poll(client, created.id)

    assert job.status == "SUCCESS"
    assert job.classifier_targets
    assert all(len(t.labels) >= 2 for t in job.classifier_targets)
    assert DATA_TOKENS[0] <= job.metadata.data_tokens <= DATA_TOKENS[1]


@pytest.mark.classifierjobs(strict_files=True)
def test_strict_files_refuses_a_file_that_is_not_stored(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    stored = upload(client, "train.jsonl", SENTIMENT)

    with pytest.raises(SDKError) as training:
        create_job(client, stored.id, NEVER_UPLOADED)
    with pytest.raises(SDKError) as validation:
        create_job(client, stored.id, validation_files=[NEVER_UPLOADED])
    created = create_job(client, stored.id)

    assert error_of(training) == (422, {"detail": f"File not found: {NEVER_UPLOADED}"})
    assert error_of(validation) == (422, {"detail": f"File not found: {NEVER_UPLOADED}"})
    assert list(classifierjobs.jobs) == [created.id]


def test_strict_files_on_a_mock_made_directly() -> None:
    with ClassifierJobsMock(seed=SEED, strict_files=True) as fake, Mistral(api_key=API_KEY) as c:
        with pytest.raises(SDKError) as raised:
            create_job(c, NEVER_UPLOADED)
        stored = fake.add_file(SENTIMENT)
        created = create_job(c, stored.id)

    assert error_of(raised) == (422, {"detail": f"File not found: {NEVER_UPLOADED}"})
    assert list(fake.jobs) == [created.id]


def dry_run(file_id: str) -> httpx.Response:
    body = {
        "model": MODEL,
        "job_type": "classifier",
        "hyperparameters": {"training_steps": 10},
        "training_files": [{"file_id": file_id}],
    }
    return httpx.post(JOBS_URL, params={"dry_run": "true"}, headers=AUTH, json=body)


def test_a_dry_run_uses_the_size_of_the_data(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    estimate = dry_run(uploaded.id)

    assert estimate.status_code == 200
    answer = estimate.json()
    assert answer["data_tokens"] == tokens_of(SENTIMENT)
    assert answer["epochs"] == answer["train_tokens"] / answer["data_tokens"]
    assert dict(classifierjobs.jobs) == {}


@pytest.mark.parametrize("content", [b"", None], ids=["invalid-data", "never-uploaded"])
def test_a_dry_run_of_data_it_cannot_read_draws_the_size(
    client: Mistral, classifierjobs: ClassifierJobsMock, content: bytes | None
) -> None:
    file_id = NEVER_UPLOADED if content is None else upload(client, "t.jsonl", content).id

    estimate = dry_run(file_id)

    assert estimate.status_code == 200
    assert DATA_TOKENS[0] <= estimate.json()["data_tokens"] <= DATA_TOKENS[1]
    assert dict(classifierjobs.jobs) == {}


@pytest.mark.classifierjobs(progression="manual")
def test_a_scripted_validated_reads_the_data_but_cannot_fail(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    bad = upload(client, "bad.jsonl", b"garbage\n")
    good = upload(client, "good.jsonl", SENTIMENT)
    bad_job = create_job(client, bad.id, auto_start=False)
    good_job = create_job(client, good.id, auto_start=False)

    for job in (bad_job, good_job):
        classifierjobs.script(job.id, ["VALIDATING", "VALIDATED"])
        get(client, job.id)
    bad_validated = get(client, bad_job.id)
    good_validated = get(client, good_job.id)

    assert bad_validated.status == good_validated.status == "VALIDATED"
    assert "error" not in (bad_validated.events[-1].data or {})
    assert targets_of(good_validated) == [
        ("sentiment", ["positive", "negative", "neutral"], 1.0, "single_class")
    ]
    assert good_validated.metadata.data_tokens == tokens_of(SENTIMENT)


@pytest.mark.classifierjobs(outcome="FAILED_VALIDATION")
def test_the_failed_validation_outcome_fails_good_data_without_an_error(client: Mistral) -> None:
    uploaded = upload(client, "train.jsonl", SENTIMENT)

    job = poll(client, create_job(client, uploaded.id).id)

    assert job.status == "FAILED_VALIDATION"
    assert "error" not in (job.events[-1].data or {})


def test_a_job_a_test_added_is_validated_without_reading_data(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    added = classifierjobs.add(status="VALIDATING")
    classifierjobs.script(added.id, ["VALIDATED"])

    job = get(client, added.id)

    assert job.status == "VALIDATED"
    assert "error" not in (job.events[-1].data or {})


def test_a_job_store_without_files_draws_every_jobs_data() -> None:
    store = JobStore(rng=Random(SEED), progression="manual")
    request = JobIn(
        model=MODEL,
        hyperparameters=ClassifierTrainingParametersIn(training_steps=10),
        training_files=[TrainingFile(file_id=NEVER_UPLOADED)],
        job_type="classifier",
    )

    created = store.create_job(request)
    job = store.advance(created.id, 2)
    estimate = store.estimate(request, details="dry")

    assert job.status == "VALIDATED"
    assert job.metadata is not None
    assert estimate.data_tokens is not None
    assert job.metadata.data_tokens == estimate.data_tokens  # the same files, the same size
    assert DATA_TOKENS[0] <= estimate.data_tokens <= DATA_TOKENS[1]


# --- the mock's handles on files ------------------------------------------------------------------


def test_add_file_takes_bytes_text_or_rows() -> None:
    fake = ClassifierJobsMock(seed=SEED)
    rows = [row("great", sentiment="positive"), row("awful", sentiment="negative")]

    from_bytes = fake.add_file(SENTIMENT)
    from_bytearray = fake.add_file(bytearray(b"ba"), filename="ba.jsonl")  # type: ignore[arg-type]
    from_view = fake.add_file(memoryview(b"mv"), filename="mv.jsonl")
    from_text = fake.add_file("é\n", filename="text.jsonl", purpose="batch")
    from_rows = fake.add_file(iter(rows), filename="rows.jsonl")

    assert (from_bytes.filename, from_bytes.purpose) == ("train.jsonl", "fine-tune")
    assert fake.file_content(from_bytes.id) == SENTIMENT
    assert fake.file_content(from_bytearray.id) == b"ba"
    assert fake.file_content(from_view.id) == b"mv"
    assert fake.file_content(from_text.id) == "é\n".encode()
    assert (from_text.purpose, from_text.sample_type) == ("batch", "batch_request")
    assert fake.file_content(from_rows.id) == b"".join(json.dumps(r).encode() + b"\n" for r in rows)
    assert from_rows.num_lines == 2
    assert list(fake.files) == [
        from_bytes.id,
        from_bytearray.id,
        from_view.id,
        from_text.id,
        from_rows.id,
    ]
    assert fake.add_file(SENTIMENT) == from_bytes  # de-duplicated as an upload is


def test_add_file_refuses_what_is_no_file() -> None:
    fake = ClassifierJobsMock(seed=SEED)

    with pytest.raises(TypeError, match=r"^add_file\(\) takes bytes, a str or rows .*not \[1, 2\]"):
        fake.add_file([1, 2])  # type: ignore[list-item]
    with pytest.raises(
        ValueError,
        match=r"^unknown purpose 'nope'; expected one of 'fine-tune', 'batch', 'ocr', 'audio'$",
    ):
        fake.add_file(SENTIMENT, purpose="nope")
    assert dict(fake.files) == {}


def test_file_content_of_an_unknown_id_lists_the_stored_ids() -> None:
    fake = ClassifierJobsMock(seed=SEED)

    with pytest.raises(UnknownFileError, match=r"stored ids: none$"):
        fake.file_content(NEVER_UPLOADED)
    first = fake.add_file(SENTIMENT)
    second = fake.add_file(CHAT, filename="chat.jsonl")
    with pytest.raises(UnknownFileError) as raised:
        fake.file_content(NEVER_UPLOADED)

    assert str(raised.value) == (
        f"no stored file has the id {NEVER_UPLOADED!r}; stored ids: {first.id}, {second.id}"
    )
    assert isinstance(raised.value, LookupError)


def test_files_is_a_read_only_snapshot() -> None:
    fake = ClassifierJobsMock(seed=SEED)
    stored = fake.add_file(SENTIMENT)
    snapshot = fake.files

    fake.add_file(CHAT, filename="chat.jsonl")

    assert list(snapshot) == [stored.id]
    with pytest.raises(TypeError):
        snapshot[stored.id] = stored  # type: ignore[index]


def test_the_same_seed_gives_the_same_files() -> None:
    def ids_and_times(seed: int) -> list[tuple[str, int]]:
        # Frozen: the wall clock could pass a second boundary between the two fakes.
        fake = ClassifierJobsMock(seed=seed, frozen_at=FROZEN)
        return [(f.id, f.created_at) for f in (fake.add_file(SENTIMENT), fake.add_file(CHAT))]

    assert ids_and_times(7) == ids_and_times(7)
    assert ids_and_times(7) != ids_and_times(8)


# --- the clock ------------------------------------------------------------------------------------


def test_the_clock_moves_only_forward_by_what_is_advanced() -> None:
    clock = Clock(frozen_at=1_000)

    assert clock.now() == 1_000
    clock.advance(5)
    assert clock.now() == 1_005
    clock.advance(0)
    assert clock.now() == 1_005
    with pytest.raises(ValueError, match="the clock does not run backwards"):
        clock.advance(-1)
    assert clock.now() == 1_005


def test_a_file_store_shares_the_clock_it_is_given() -> None:
    clock = Clock(frozen_at=FROZEN)
    store = FileStore(rng=Random(5), clock=clock)

    first = store.upload("a", b"x")
    clock.advance(HOUR)
    second = store.upload("b", b"y")

    assert store.clock is clock
    assert (first.created_at, second.created_at) == (FROZEN, FROZEN + HOUR)


def test_a_file_store_without_a_clock_follows_the_wall_clock() -> None:
    store = FileStore(rng=Random(5))
    same = FileStore(rng=Random(5))

    assert not store.clock.frozen
    before = math.floor(time.time())
    stamped = store.upload("z", b"z").created_at
    after = time.time()
    # No more drawn starting date: the upload is dated now (time.time() read at the call).
    assert before <= stamped <= after
    # The ids are still drawn from the seed: the same uploads give the same ids.
    assert same.upload("z", b"z").id == store.files[next(iter(store.files))].id
    assert store.upload("a", b"x").id == same.upload("a", b"x").id
    assert store.holds(store.upload("a", b"x").id)
    assert not store.holds(NEVER_UPLOADED)
