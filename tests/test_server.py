"""The live server (``server.py``) and the ``classifierjobs_server`` fixture, over real sockets.

Clients here are the standard library's (``http.client``, ``urllib``, raw sockets) and httpx
with no respx router started, so every request crosses a real TCP connection on the loopback
interface. The answers are compared with those of the in-process respx fake, faults included;
what a client can do wrong (a request line, a header, a length the server refuses) is sent byte
by byte. Nothing waits without a bound: sockets, threads and subprocesses all have timeouts.
"""

from __future__ import annotations

import http.client
import json
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pytest_classifierjobs.server as server_module
from pytest_classifierjobs import (
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    LiveServer,
    ScoresError,
    coherence_violations,
)
from pytest_classifierjobs.__main__ import main
from pytest_classifierjobs.server import DEFAULT_MAX_CONNECTIONS, MAX_BODY_BYTES

if TYPE_CHECKING:
    from tests.conftest import SDK

S = ClassifierJobOutStatus
SEED = 8080
FROZEN_AT = "2025-04-16T14:45:06Z"
TIMEOUT = 10.0
# A JSON body counts only with a JSON content type (FastAPI's reading); harmless without a body.
AUTH = {"Authorization": "Bearer test-key", "Content-Type": "application/json"}
JOBS = "/v1/fine_tuning/jobs"
MODEL = "ministral-3b-latest"
FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
UNKNOWN_JOB = "00000000-0000-4000-8000-000000000000"
CREATE = json.dumps(
    {
        "model": MODEL,
        "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
        "training_files": [{"file_id": FILE, "weight": 1.0}],
        "auto_start": False,
        "job_type": "classifier",
    }
).encode()
NOT_FOUND = {"detail": "Not Found"}


# --- helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a client read: the status, every header as sent, and the body as JSON (or None)."""

    status: int
    headers: list[tuple[str, str]]
    body: Any

    def header(self, name: str) -> str | None:
        values = self.all(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def address(url: str) -> tuple[str, int]:
    """Host and port of a server URL (the brackets of an IPv6 host removed)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


def connect(url: str) -> http.client.HTTPConnection:
    host, port = address(url)
    return http.client.HTTPConnection(host, port, timeout=TIMEOUT)


def call(
    url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: Mapping[str, str] = AUTH,
    *,
    connection: http.client.HTTPConnection | None = None,
) -> Answer:
    """One request through ``http.client``, on ``connection`` or a new one closed after."""
    conn = connection or connect(url)
    try:
        conn.request(method, path, body=body, headers=dict(headers))
        response = conn.getresponse()
        content = response.read()
        return Answer(
            status=response.status,
            headers=response.getheaders(),
            body=json.loads(content) if content else None,
        )
    finally:
        if connection is None:
            conn.close()


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def exchange(url: str, data: bytes) -> bytes:
    """Send raw bytes on a new connection; what the server answers before it closes."""
    with socket.create_connection(address(url), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        return read_all(sock)


def parse_raw(raw: bytes) -> tuple[str, dict[str, str], Any]:
    """Status line, headers (lower-case names) and JSON body of one raw HTTP answer."""
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    assert int(headers["content-length"]) == len(content), raw
    return status_line, headers, json.loads(content)


def serves(url: str) -> bool:
    """Whether a new client gets the job list from the server at ``url``."""
    return call(url, "GET", JOBS).status == 200


def refuses(url: str) -> bool:
    """Whether nothing listens at ``url`` any more."""
    try:
        socket.create_connection(address(url), timeout=TIMEOUT).close()
    except ConnectionRefusedError:
        return True
    return False


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(name="mock")
def mock_fixture() -> ClassifierJobsMock:
    """A fake that is not started: nothing in-process intercepts httpx."""
    return ClassifierJobsMock(seed=SEED)


@pytest.fixture(name="server")
def server_fixture(mock: ClassifierJobsMock) -> Iterator[LiveServer]:
    with LiveServer(mock) as server:
        yield server


@pytest.fixture(name="wait_for_connections")
def wait_for_connections_fixture(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> Callable[[int], None]:
    """``wait(n)``: wait (bounded) until ``n`` more connections to ``server`` are done with."""
    finished = threading.Semaphore(0)
    httpd = server._httpd
    handle = httpd.process_request_thread  # what each connection's thread runs

    def tracked(request: Any, client_address: Any) -> None:
        try:
            handle(request, client_address)
        finally:
            finished.release()

    monkeypatch.setattr(httpd, "process_request_thread", tracked)

    def wait(count: int) -> None:
        for _ in range(count):
            assert finished.acquire(timeout=TIMEOUT), "a connection is still being served"

    return wait


@pytest.fixture(name="record_sleeps")
def record_sleeps_fixture(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """What the server sleeps, recorded instead of slept (the server module's ``time`` only)."""
    sleeps: list[float] = []
    monkeypatch.setattr(
        server_module, "time", SimpleNamespace(sleep=sleeps.append, monotonic=time.monotonic)
    )
    return sleeps


# --- the job, model and classifier operations, as the respx fake answers them -------------------

Send = Callable[[str, str, "bytes | None", Mapping[str, str]], tuple[int, Any]]


def conversation(send: Send, added_id: str, model_id: str) -> list[tuple[str, int, Any]]:
    """The same requests in the same order: every operation, its errors, and unknown routes."""
    answers: list[tuple[str, int, Any]] = []

    def step(
        method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = AUTH
    ) -> Any:
        status, content = send(method, path, body, headers)
        answers.append((f"{method} {path}", status, content))
        return content

    created = step("POST", JOBS, CREATE)
    job = f"{JOBS}/{created['id']}"
    step("GET", JOBS)
    for _ in range(3):  # QUEUED -> VALIDATING -> VALIDATED, then it waits for start
        step("GET", job)
    step("POST", f"{job}/start")
    step("GET", job)
    step("POST", f"{job}/cancel")
    step("GET", job)
    step("POST", f"{job}/cancel")
    step("GET", f"{JOBS}/{added_id}")
    step("GET", f"{JOBS}?status=RUNNING&page=0&page_size=1")
    step("GET", f"{JOBS}?page_size=1&page=1")
    step("GET", f"{JOBS}/{UNKNOWN_JOB}")
    step("GET", f"{JOBS}/not-a-uuid")
    step("POST", JOBS, b'{"model": ""}')
    step("POST", JOBS, b"not json")
    step("GET", f"{JOBS}?status=DONE")
    step("GET", JOBS, headers={})
    step("POST", f"{JOBS}/{added_id}/start")
    model = f"/v1/models/{model_id}"
    tuned = f"/v1/fine_tuning/models/{model_id}"
    step("GET", "/v1/models")
    step("GET", model)
    step("PATCH", tuned, b'{"name": "n"}')
    step("POST", f"{tuned}/archive")
    step("DELETE", f"{tuned}/archive")
    text = {"model": model_id, "input": "text"}
    chat = {"model": model_id, "input": {"messages": [{"role": "user", "content": "hi"}]}}
    step("POST", "/v1/classifications", json.dumps(text).encode())
    step("POST", "/v1/chat/classifications", json.dumps(chat).encode())
    step("DELETE", model)
    step("GET", model)
    step("GET", "/v1/agents")
    step("DELETE", JOBS)
    step("GET", f"{job}/start")
    return answers


def test_every_operation_answers_as_the_respx_fake_does(mock: ClassifierJobsMock) -> None:
    # The same seed: the same ids and values; clocks frozen at one moment: the same times (on
    # the wall clock the second conversation could fall in the next second).
    twin = ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT)
    mock.clock.freeze(FROZEN_AT)
    added = mock.add(status="RUNNING")
    assert twin.add(status="RUNNING") == added
    targets = {"sentiment": ["positive", "negative"]}
    model = mock.add_model(targets=targets)
    assert twin.add_model(targets=targets) == model

    def over_respx(
        method: str, path: str, body: bytes | None, headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        answer = client.request(
            method, f"https://api.mistral.ai{path}", content=body, headers=headers
        )
        return answer.status_code, answer.json()

    with twin, httpx.Client() as client:
        expected = conversation(over_respx, added.id, model.id)
    with LiveServer(mock) as server:
        seen: list[Answer] = []

        def over_the_socket(
            method: str, path: str, body: bytes | None, headers: Mapping[str, str]
        ) -> tuple[int, Any]:
            seen.append(call(server.url, method, path, body, headers))
            return seen[-1].status, seen[-1].body

        got = conversation(over_the_socket, added.id, model.id)

    assert got == expected
    assert {status for _, status, _ in got} == {200, 401, 404, 405, 409, 422}
    assert {answer.header("content-type") for answer in seen} == {"application/json"}
    assert mock.jobs == twin.jobs
    assert mock.models == twin.models
    assert [name for name, route in twin.routes.items() if not route.call_count] == [
        name for name in twin.routes if name.startswith("files.")
    ]
    unhandled = [(r.method, r.url.path) for r in mock.unhandled]
    assert unhandled == [(r.method, r.url.path) for r in twin.unhandled]
    created_id = got[0][2]["id"]
    assert unhandled == [
        ("GET", "/v1/agents"),
        ("DELETE", JOBS),
        ("GET", f"{JOBS}/{created_id}/start"),
    ]


ODD_REQUESTS = [
    pytest.param("GET", f"{JOBS}/", id="list-with-a-trailing-slash"),
    pytest.param("GET", f"{JOBS}?status=RUNNING&status=SUCCESS", id="list-with-a-repeated-filter"),
    pytest.param("GET", f"{JOBS}?page=-1", id="list-with-a-negative-page"),
    pytest.param("GET", "{job}?verbose=1", id="get-with-a-query"),
    pytest.param("GET", "{JOB}", id="get-with-an-upper-case-id"),
    pytest.param("GET", "{job_encoded}", id="get-with-a-percent-encoded-id"),
    pytest.param("POST", "{job}/start?now=1", id="start-with-a-query"),
    pytest.param("POST", "{job}/cancel", id="cancel"),
    pytest.param("GET", "{job}/start", id="get-on-start"),
    pytest.param("PUT", "{job}", id="put-on-a-job"),
    pytest.param("PATCH", "{job}", id="patch-on-a-job"),
    pytest.param("DELETE", "{job}", id="delete-on-a-job"),
    pytest.param("POST", "{job}/start/again", id="below-an-action"),
    pytest.param("GET", "/v1/fine_tuning", id="above-the-jobs"),
    pytest.param("GET", f"{JOBS}/a%2Fb", id="encoded-slash-in-the-id"),
    pytest.param("HEAD", JOBS, id="head-on-the-jobs"),
]


@pytest.mark.parametrize(("method", "template"), ODD_REQUESTS)
def test_an_odd_request_gets_the_respx_fakes_answer(
    mock: ClassifierJobsMock, method: str, template: str
) -> None:
    # One seed and one frozen moment: both fakes hold the same job, to the second.
    twin = ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT)
    mock.clock.freeze(FROZEN_AT)
    job = mock.add(status="RUNNING")
    assert twin.add(status="RUNNING") == job
    encoded = "".join(f"%{ord(c):02X}" if c in "0123456789" else c for c in job.id)
    path = template.format(
        job=f"{JOBS}/{job.id}", JOB=f"{JOBS}/{job.id.upper()}", job_encoded=f"{JOBS}/{encoded}"
    )
    with twin, httpx.Client() as client:
        expected = client.request(method, f"https://api.mistral.ai{path}", headers=AUTH)
    with LiveServer(mock) as server:
        answer = call(server.url, method, path)

    # A HEAD answer has no body (RFC 9110), in-process too; nor has a redirect.
    expected_body = expected.json() if expected.content else None
    assert (answer.status, answer.body) == (expected.status_code, expected_body)
    assert [(r.method, r.url.path) for r in mock.unhandled] == [
        (r.method, r.url.path) for r in twin.unhandled
    ]


# --- one store: what a test adds, a client sees, and the other way round -----------------------


def test_a_job_added_to_the_mock_is_served(mock: ClassifierJobsMock, server: LiveServer) -> None:
    job = mock.add(status="SUCCESS")

    got = call(server.url, "GET", f"{JOBS}/{job.id}")
    listed = call(server.url, "GET", JOBS)

    assert got.status == 200
    assert got.body["id"] == job.id
    assert got.body["status"] == "SUCCESS"
    assert got.body["fine_tuned_model"] == job.fine_tuned_model
    assert listed.body["total"] == 1
    assert [entry["id"] for entry in listed.body["data"]] == [job.id]


def test_a_job_created_over_the_socket_is_in_the_mock(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    created = call(server.url, "POST", JOBS, CREATE, {**AUTH, "Content-Type": "application/json"})

    assert created.status == 200
    assert created.body["status"] == "QUEUED"
    stored = mock.jobs[created.body["id"]]
    assert stored.model == MODEL
    assert stored.training_files == [FILE]
    assert stored.status is S.QUEUED
    assert call(server.url, "GET", f"{JOBS}/{stored.id}").body["status"] == "VALIDATING"
    assert mock.jobs[stored.id].status is S.VALIDATING


def test_two_servers_serve_their_own_stores() -> None:
    first_mock = ClassifierJobsMock(seed=1)
    second_mock = ClassifierJobsMock(seed=2)
    first_job = first_mock.add(status="RUNNING")
    second_job = second_mock.add(status="FAILED")

    with LiveServer(first_mock) as first, LiveServer(second_mock) as second:
        assert address(first.url)[1] != address(second.url)[1]
        created = call(second.url, "POST", JOBS, CREATE)
        first_ids = [job["id"] for job in call(first.url, "GET", JOBS).body["data"]]
        second_ids = [job["id"] for job in call(second.url, "GET", JOBS).body["data"]]

    assert first_ids == [first_job.id]
    assert sorted(second_ids) == sorted([created.body["id"], second_job.id])
    assert created.body["id"] not in first_mock.jobs


# --- faults -------------------------------------------------------------------------------------


def test_fail_answers_the_status_once_and_leaves_the_store_alone(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    mock.fail("create", 503)

    failed = call(server.url, "POST", JOBS, CREATE)
    created = call(server.url, "POST", JOBS, CREATE)

    assert (failed.status, failed.body) == (503, {"detail": "Service Unavailable"})
    assert failed.header("content-type") == "application/json"
    assert created.status == 200
    assert list(mock.jobs) == [created.body["id"]]


def test_fail_sends_the_tests_body_and_headers(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    mock.fail("list", 418, json={"teapot": True}, headers={"X-Request-Id": "abc"})

    answer = call(server.url, "GET", JOBS)

    assert (answer.status, answer.body) == (418, {"teapot": True})
    assert answer.header("x-request-id") == "abc"
    assert answer.header("content-type") == "application/json"


def test_a_status_without_a_reason_phrase_goes_out_with_an_empty_one(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    # A fault may answer a status HTTP names no phrase for; RFC 9112 4 allows an empty one.
    mock.fail("list", 599, json={"detail": "made up"})
    address = urlsplit(server.url)
    assert address.port is not None
    with socket.create_connection((address.hostname, address.port), timeout=5) as raw:
        raw.sendall(f"GET {JOBS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n".encode())
        head = raw.recv(65536).partition(b"\r\n")[0]
    assert head == b"HTTP/1.1 599 "


def test_a_content_type_of_the_tests_replaces_the_json_one(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    mock.fail("get", 502, json="bad gateway", headers={"Content-Type": "text/plain"})
    job = mock.add(status="RUNNING")

    answer = call(server.url, "GET", f"{JOBS}/{job.id}")

    assert answer.status == 502
    assert answer.all("content-type") == ["text/plain"]


def test_a_fault_without_a_body_sends_no_content_type(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    mock.fail("list", 204)
    connection = connect(server.url)
    try:
        empty = call(server.url, "GET", JOBS, connection=connection)
        after = call(server.url, "GET", JOBS, connection=connection)
    finally:
        connection.close()

    assert (empty.status, empty.body) == (204, None)
    assert empty.header("content-type") is None
    assert empty.header("content-length") == "0"
    assert after.status == 200  # the connection stays usable


def test_rate_limit_headers_arrive(mock: ClassifierJobsMock, server: LiveServer) -> None:
    mock.rate_limit("list", retry_after=2.5)

    answer = call(server.url, "GET", JOBS)

    assert answer.status == 429
    assert answer.body["message"] == "Rate limit exceeded"
    assert answer.header("retry-after") == "2.5"
    assert answer.header("x-ratelimit-remaining-req-minute") == "0"


def test_retire_answers_410_everywhere(mock: ClassifierJobsMock, server: LiveServer) -> None:
    mock.retire()
    job = mock.add(status="RUNNING")

    answers = [
        call(server.url, "GET", JOBS),
        call(server.url, "POST", JOBS, CREATE),
        call(server.url, "GET", f"{JOBS}/{job.id}"),
        call(server.url, "POST", f"{JOBS}/{job.id}/cancel"),
    ]

    assert {answer.status for answer in answers} == {410}
    assert mock.jobs[job.id].status is S.RUNNING


def test_delay_sleeps_then_answers(
    mock: ClassifierJobsMock, server: LiveServer, record_sleeps: list[float]
) -> None:
    mock.delay("list", 0.25, times=1)
    mock.add(status="QUEUED")

    delayed = call(server.url, "GET", JOBS)
    prompt = call(server.url, "GET", JOBS)

    assert record_sleeps == [0.25]
    assert delayed == prompt
    assert delayed.body["total"] == 1


def test_a_delayed_fault_sleeps_then_fails(
    mock: ClassifierJobsMock, server: LiveServer, record_sleeps: list[float]
) -> None:
    mock.delay("get", 0.5, times=1)
    mock.fail("get", 500)

    answer = call(server.url, "GET", f"{JOBS}/{UNKNOWN_JOB}")
    after = call(server.url, "GET", f"{JOBS}/{UNKNOWN_JOB}")

    assert record_sleeps == [0.5]
    assert answer.status == 404  # the delay alone: then the normal answer
    assert after.status == 500


def test_a_real_delay_holds_the_answer_back(mock: ClassifierJobsMock, server: LiveServer) -> None:
    mock.delay("list", 0.2, times=1)

    started = time.monotonic()
    answer = call(server.url, "GET", JOBS)

    assert time.monotonic() - started >= 0.2
    assert answer.status == 200


def test_raise_error_closes_the_connection_for_httpx(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    mock.raise_error("create", httpx.ConnectError)

    with httpx.Client(base_url=server.url, headers=AUTH, timeout=TIMEOUT) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="disconnected"):
            client.post(JOBS, content=CREATE)
        after = client.get(JOBS)

    assert mock.jobs == {}  # nothing was stored
    assert after.json()["total"] == 0


def test_raise_error_closes_a_kept_alive_connection(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    job = mock.add(status="RUNNING")
    mock.raise_error("get", TimeoutError("slow"))
    connection = connect(server.url)
    try:
        assert call(server.url, "GET", JOBS, connection=connection).status == 200
        with pytest.raises(http.client.RemoteDisconnected):
            call(server.url, "GET", f"{JOBS}/{job.id}", connection=connection)
    finally:
        connection.close()

    assert call(server.url, "GET", f"{JOBS}/{job.id}").body["id"] == job.id


def test_raise_error_on_a_raw_socket_is_a_close_without_a_byte(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    mock.raise_error("list", httpx.ReadTimeout)

    raw = exchange(server.url, f"GET {JOBS} HTTP/1.1\r\nHost: x\r\n\r\n".encode())

    assert raw == b""
    assert serves(server.url)


# --- unknown routes -----------------------------------------------------------------------------


def test_an_unknown_path_is_404_and_recorded(mock: ClassifierJobsMock, server: LiveServer) -> None:
    answer = call(server.url, "GET", "/v1/agents?page=2")

    assert (answer.status, answer.body) == (404, NOT_FOUND)
    assert answer.header("content-type") == "application/json"
    (recorded,) = mock.unhandled
    assert recorded.method == "GET"
    assert recorded.url == httpx.URL(f"{server.url}/v1/agents?page=2")


def test_a_request_without_host_is_recorded_under_the_servers_address(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    raw = exchange(server.url, b"GET /nowhere HTTP/1.0\r\n\r\n")

    status_line, headers, body = parse_raw(raw)
    assert status_line == "HTTP/1.1 404 Not Found"
    assert headers["connection"] == "close"  # HTTP/1.0 without keep-alive
    assert body == NOT_FOUND
    assert [str(r.url) for r in mock.unhandled] == [f"{server.url}/nowhere"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "GET"])
def test_a_wrong_method_on_a_jobs_path_is_405(
    mock: ClassifierJobsMock, server: LiveServer, method: str
) -> None:
    job = mock.add(status="VALIDATED")
    path = f"{JOBS}/{job.id}/start" if method == "GET" else f"{JOBS}/{job.id}"

    answer = call(server.url, method, path, b"{}")

    assert (answer.status, answer.body) == (405, {"detail": "Method Not Allowed"})
    assert [(r.method, r.url.path) for r in mock.unhandled] == [(method, path)]
    assert mock.jobs[job.id].status is S.VALIDATED


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(b"GET /nope HTTP/1.0\r\nHost: [::1\r\n\r\n", id="host-unclosed-bracket"),
        pytest.param(b"GET /nope HTTP/1.0\r\nHost: x:abc\r\n\r\n", id="host-port-not-a-number"),
        pytest.param(b"GET /a\x01b HTTP/1.0\r\nHost: x\r\n\r\n", id="control-character-in-path"),
    ],
)
def test_an_unknown_path_with_an_unusual_url_still_gets_an_answer(
    server: LiveServer, request_bytes: bytes
) -> None:
    raw = exchange(server.url, request_bytes)

    status_line, _, body = parse_raw(raw)
    assert status_line.split()[1] in {"400", "404"}
    assert isinstance(body["detail"], str)


def test_an_absolute_form_target_is_recorded_as_its_url(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    raw = exchange(server.url, b"GET http://127.0.0.1/nope HTTP/1.0\r\nHost: x\r\n\r\n")

    assert parse_raw(raw)[0] == "HTTP/1.1 404 Not Found"
    assert [str(r.url) for r in mock.unhandled] == ["http://127.0.0.1/nope"]


# --- what a client can send wrong ---------------------------------------------------------------

LONG_HEADER = b"X-Long: " + b"a" * 65537
TOO_MANY_HEADERS = b"\r\n".join(b"X-H%d: v" % n for n in range(101))


@pytest.mark.parametrize(
    ("request_bytes", "status_line", "detail"),
    [
        pytest.param(b"GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request", "GARBAGE", id="request-line"),
        pytest.param(
            b"GET " + JOBS.encode() + b" HTTP/1.1\r\nHost: x\r\n" + LONG_HEADER + b"\r\n\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large",
            "Line too long",
            id="header-line-65537-bytes",
        ),
        pytest.param(
            b"GET " + JOBS.encode() + b" HTTP/1.1\r\n" + TOO_MANY_HEADERS + b"\r\n\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large",
            "Too many headers",
            id="101-headers",
        ),
        pytest.param(
            b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
            "HTTP/1.1 414 Request-URI Too Long",
            "Request-URI Too Long",
            id="request-line-too-long",
        ),
        pytest.param(
            b"GET / HTTP/2.0\r\n\r\n",
            "HTTP/1.1 505 HTTP Version Not Supported",
            "2.0",
            id="http-2-request-line",
        ),
        pytest.param(
            b"POST " + JOBS.encode() + b" HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
            "HTTP/1.1 400 Bad Request",
            "Bad Content-Length 'abc'",
            id="content-length-abc",
        ),
        pytest.param(
            b"POST " + JOBS.encode() + b" HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 400 Bad Request",
            "Bad Content-Length '-1'",
            id="content-length-negative",
        ),
        pytest.param(
            b"POST " + JOBS.encode() + b" HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            "HTTP/1.1 501 Not Implemented",
            "Transfer-Encoding 'gzip, chunked' is not supported: only chunked is",
            id="gzip-then-chunked",
        ),
        pytest.param(
            b"POST %s HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (JOBS.encode(), MAX_BODY_BYTES + 1),
            "HTTP/1.1 413 Request Entity Too Large",
            f"Request body over {MAX_BODY_BYTES} bytes",
            id="body-over-10-MiB",
        ),
    ],
)
def test_a_request_the_server_refuses_gets_json_and_a_close(
    mock: ClassifierJobsMock,
    server: LiveServer,
    request_bytes: bytes,
    status_line: str,
    detail: str,
) -> None:
    raw = exchange(server.url, request_bytes)  # returns only once the server has closed

    got_line, headers, body = parse_raw(raw)
    assert got_line == status_line
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert detail in body["detail"]
    assert mock.jobs == {}
    assert mock.unhandled == []
    assert serves(server.url)  # the next client is served


def test_a_body_of_exactly_the_limit_is_read(mock: ClassifierJobsMock, server: LiveServer) -> None:
    body = CREATE + b" " * (MAX_BODY_BYTES - len(CREATE))

    answer = call(server.url, "POST", JOBS, body)

    assert answer.status == 200
    assert list(mock.jobs) == [answer.body["id"]]


@pytest.mark.parametrize(
    "partial",
    [
        pytest.param(b"GET /v1/fine_tuning/jobs HTTP/1.1\r", id="half-a-request-line"),
        pytest.param(
            b"GET " + JOBS.encode() + b" HTTP/1.1\r\nHost: x\r\nAuthor", id="half-headers"
        ),
        pytest.param(
            b"POST " + JOBS.encode() + b" HTTP/1.1\r\nContent-Length: 500\r\n\r\n" + CREATE[:40],
            id="half-a-body",
        ),
    ],
)
def test_a_client_that_leaves_mid_request_does_not_stop_the_server(
    mock: ClassifierJobsMock,
    server: LiveServer,
    wait_for_connections: Callable[[int], None],
    capfd: pytest.CaptureFixture[str],
    partial: bytes,
) -> None:
    with socket.create_connection(address(server.url), timeout=TIMEOUT) as sock:
        sock.sendall(partial)
    wait_for_connections(1)

    assert serves(server.url)
    wait_for_connections(1)
    assert mock.jobs == {}
    assert capfd.readouterr().err == ""  # no traceback of the dropped connection


def test_a_client_that_resets_before_its_answer_is_dropped_quietly(
    mock: ClassifierJobsMock,
    server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    # The server holds the answer back (a delay fault) until the client has reset the
    # connection: writing the answer then fails, and the failure stays the client's own.
    reset = threading.Event()
    failures: list[Any] = []
    handle_error = server._httpd.handle_error

    def failed(request: Any, client_address: Any) -> None:
        failures.append(client_address)
        handle_error(request, client_address)  # the base class would print a traceback

    monkeypatch.setattr(
        server_module,
        "time",
        SimpleNamespace(sleep=lambda _s: reset.wait(TIMEOUT), monotonic=time.monotonic),
    )
    monkeypatch.setattr(server._httpd, "handle_error", failed)
    mock.delay("list", 1.0, times=1)
    sock = socket.create_connection(address(server.url), timeout=TIMEOUT)
    sock.sendall(f"GET {JOBS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n".encode())
    # SO_LINGER of 0: close() resets the connection rather than ending it.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    reset.set()

    wait_until(lambda: bool(failures))
    assert serves(server.url)
    assert capfd.readouterr().err == ""


def test_a_create_whose_body_is_cut_short_stores_nothing(
    mock: ClassifierJobsMock, server: LiveServer, wait_for_connections: Callable[[int], None]
) -> None:
    head = f"POST {JOBS} HTTP/1.1\r\nAuthorization: Bearer k\r\nContent-Length: {len(CREATE) + 10}"
    with socket.create_connection(address(server.url), timeout=TIMEOUT) as sock:
        sock.sendall(head.encode() + b"\r\n\r\n" + CREATE)
    wait_for_connections(1)

    assert mock.jobs == {}


def test_a_request_line_cut_short_is_not_recorded(
    mock: ClassifierJobsMock, server: LiveServer, wait_for_connections: Callable[[int], None]
) -> None:
    with socket.create_connection(address(server.url), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /v1/fine_tun")
    wait_for_connections(1)

    assert mock.unhandled == []


@pytest.mark.parametrize(
    ("method", "path", "status", "allow"),
    [("BREW", JOBS, 405, "GET"), ("PROPFIND", f"{JOBS}/{UNKNOWN_JOB}/cancel", 405, "POST"),
     ("TRACE", "/", 404, None), ("CONNECT", "/v1/agents", 404, None)],
)  # fmt: skip
def test_any_method_is_routed_as_the_real_router_routes_it(
    *,
    mock: ClassifierJobsMock,
    server: LiveServer,
    method: str,
    path: str,
    status: int,
    allow: str | None,
) -> None:
    # The standard library answers 501 to a method it has no handler for; Starlette never does.
    answer = call(server.url, method, path)
    assert (answer.status, answer.header("allow")) == (status, allow)
    assert answer.body == {"detail": "Method Not Allowed" if status == 405 else "Not Found"}
    assert [(r.method, r.url.path) for r in mock.unhandled] == [(method, path)]


def test_expect_100_continue_is_honoured(mock: ClassifierJobsMock, server: LiveServer) -> None:
    head = (
        f"POST {JOBS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(CREATE)}\r\n"
        "Expect: 100-continue\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(address(server.url), timeout=TIMEOUT) as sock:
        sock.sendall(head.encode())
        interim = sock.recv(4096)
        sock.sendall(CREATE)
        raw = read_all(sock)

    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
    status_line, _, body = parse_raw(raw)
    assert status_line == "HTTP/1.1 200 OK"
    assert body["id"] in mock.jobs


# --- connections --------------------------------------------------------------------------------


def test_keep_alive_reuses_the_socket(server: LiveServer) -> None:
    connection = connect(server.url)
    try:
        first = call(server.url, "GET", JOBS, connection=connection)
        sock = connection.sock
        second = call(server.url, "POST", JOBS, CREATE, connection=connection)
        third = call(server.url, "GET", JOBS, connection=connection)
        assert sock is not None
        assert connection.sock is sock
    finally:
        connection.close()

    assert (first.status, second.status, third.status) == (200, 200, 200)
    assert all(answer.header("connection") is None for answer in (first, second, third))
    assert third.body["total"] == 1


def test_each_answer_leaves_in_one_write_on_a_socket_without_nagle(
    mock: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two writes per answer (headers, then body) on a kept-alive connection wait for the
    # client's delayed ACK when Nagle's algorithm is on: ~40 ms an answer. One write each, and
    # TCP_NODELAY on every connection the server accepts.
    writes: list[bytes] = []
    nodelay: list[int] = []
    writer = socketserver._SocketWriter  # type: ignore[attr-defined]  # what wfile is
    write, setup = writer.write, server_module._Handler.setup

    def spy_write(self: Any, data: bytes) -> int:
        writes.append(bytes(data))
        return int(write(self, data))

    def spy_setup(self: Any) -> None:
        setup(self)
        nodelay.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(writer, "write", spy_write)
    monkeypatch.setattr(server_module._Handler, "setup", spy_setup)
    job = mock.add(status="SUCCESS")  # checkpoints: an answer of several kilobytes
    with LiveServer(mock) as server, httpx.Client(base_url=server.url, headers=AUTH) as client:
        answers = [client.get(f"{JOBS}/{job.id}") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert len(writes) == 3
    for sent, answer in zip(writes, answers, strict=True):
        assert sent.startswith(b"HTTP/1.1 200 OK\r\n")
        assert sent.endswith(b"\r\n\r\n" + answer.content)
        assert f"content-length: {len(answer.content)}\r\n".encode() in sent.lower()
    assert nodelay
    assert all(nodelay)


def test_connection_close_is_honoured(server: LiveServer) -> None:
    raw = exchange(
        server.url, f"GET {JOBS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    )

    status_line, headers, _ = parse_raw(raw)
    assert status_line == "HTTP/1.1 401 Unauthorized"
    assert headers["connection"] == "close"


def test_an_idle_connection_is_closed_after_the_timeout(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module._Handler, "timeout", 0.2)
    with socket.create_connection(address(server.url), timeout=TIMEOUT) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server, well before our own timeout
        assert time.monotonic() - started < TIMEOUT / 2


def test_twenty_clients_at_once_get_correct_answers(mock: ClassifierJobsMock) -> None:
    added = {job.id: job.status for job in (mock.add(status=status) for status in S)}
    clients, calls = 20, 50

    def client(number: int) -> list[str]:
        """50 calls, a mix of create, get and list; the ids this client created."""
        # Half the clients keep one connection, half open one per request.
        connection = connect(server.url) if number % 2 else None
        created: list[str] = []
        try:
            for index in range(calls):
                kind = (number + index) % 3
                if kind == 0:
                    answer = call(server.url, "POST", JOBS, CREATE, connection=connection)
                    assert answer.status == 200, answer
                    assert answer.body["status"] == "QUEUED"
                    created.append(answer.body["id"])
                elif kind == 1 and created and index % 2:
                    answer = call(server.url, "GET", f"{JOBS}/{created[-1]}", connection=connection)
                    assert answer.status == 200, answer
                    assert answer.body["id"] == created[-1]
                    assert "classifier_targets" in answer.body
                elif kind == 1:
                    job_id = list(added)[index % len(added)]
                    answer = call(server.url, "GET", f"{JOBS}/{job_id}", connection=connection)
                    assert answer.status == 200, answer
                    assert (answer.body["id"], answer.body["status"]) == (job_id, added[job_id])
                else:
                    answer = call(server.url, "GET", f"{JOBS}?page_size=5", connection=connection)
                    assert answer.status == 200, answer
                    assert answer.body["total"] >= len(added) + len(created)
                    assert len(answer.body["data"]) == 5
                    times = [job["created_at"] for job in answer.body["data"]]
                    assert times == sorted(times, reverse=True)
        finally:
            if connection is not None:
                connection.close()
        return created

    with LiveServer(mock) as server, ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client, number) for number in range(clients)]
        created = [job_id for future in futures for job_id in future.result(timeout=120)]
        total = call(server.url, "GET", JOBS).body["total"]

    assert (
        len(created)
        == len(set(created))
        == sum(
            1 for number in range(clients) for index in range(calls) if (number + index) % 3 == 0
        )
    )
    assert set(mock.jobs) == set(added) | set(created)
    assert total == len(mock.jobs)
    assert {job_id: mock.jobs[job_id].status for job_id in added} == added
    assert {job_id: coherence_violations(job) for job_id, job in mock.jobs.items()} == {
        job_id: [] for job_id in mock.jobs
    }
    assert mock.unhandled == []


# --- start, stop, address -----------------------------------------------------------------------


def test_the_context_manager_serves_then_closes(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock)
    with server as entered:
        assert entered is server
        assert serves(server.url)

    assert refuses(server.url)


def test_start_twice_starts_one_thread(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock)
    try:
        assert server.start() is server
        assert server.start() is server
        named = [
            t for t in threading.enumerate() if t.name == f"classifierjobs-server-{server.url}"
        ]
        assert len(named) == 1
        assert serves(server.url)
    finally:
        server.stop()

    assert not any(t.name == f"classifierjobs-server-{server.url}" for t in threading.enumerate())


def test_stop_without_start_closes_the_socket(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock)

    server.stop()
    server.stop()  # twice is harmless too

    assert refuses(server.url)


def test_the_url_names_the_bound_address(mock: ClassifierJobsMock) -> None:
    with LiveServer(mock, host="localhost") as server:
        port = address(server.url)[1]
        assert server.url == f"http://127.0.0.1:{port}"
        assert port > 0
        assert serves(server.url)
    assert server.mock is mock


def test_the_url_of_a_given_port(mock: ClassifierJobsMock) -> None:
    with socket.socket() as probe:  # a port free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with LiveServer(mock, port=port) as server:
        assert server.url == f"http://127.0.0.1:{port}"


def test_the_url_decodes_a_bytes_host(
    mock: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # socketserver types server_address as str | bytes; TCP sockets only ever give str.
    server = LiveServer(mock)
    try:
        monkeypatch.setattr(server._httpd, "server_address", (b"127.0.0.1", 8080))
        assert server.url == "http://127.0.0.1:8080"
    finally:
        server.stop()


needs_ipv6 = pytest.mark.skipif(
    not ipv6_loopback_available(), reason="this machine cannot bind ::1 (no IPv6 on loopback)"
)


@needs_ipv6
@pytest.mark.platform_skip  # not every machine has IPv6 on loopback
def test_an_ipv6_host(mock: ClassifierJobsMock) -> None:
    with LiveServer(mock, host="::1") as server:
        assert server.url.startswith("http://[::1]:")
        assert serves(server.url)


@needs_ipv6
@pytest.mark.platform_skip  # not every machine has IPv6 on loopback
def test_an_ipv6_url_is_bracketed(
    mock: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the fix of the test above amounts to: an AF_INET6 server class.
    monkeypatch.setattr(server_module._Server, "address_family", socket.AF_INET6)
    with LiveServer(mock, host="::1") as server:
        port = address(server.url)[1]
        assert server.url == f"http://[::1]:{port}"
        assert serves(server.url)
        raw = exchange(server.url, b"GET /nowhere HTTP/1.0\r\n\r\n")

    assert parse_raw(raw)[0] == "HTTP/1.1 404 Not Found"
    assert [str(r.url) for r in mock.unhandled] == [f"http://[::1]:{port}/nowhere"]


def test_stop_ends_open_connections(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock).start()
    connection = connect(server.url)
    try:
        assert call(server.url, "GET", JOBS, connection=connection).status == 200
        server.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            call(server.url, "GET", JOBS, connection=connection)
    finally:
        connection.close()
        server.stop()


def test_serve_forever_serves_in_the_calling_thread(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert serves(server.url)
    finally:
        server._httpd.shutdown()  # what stop() should do here (see the next test)
        thread.join(TIMEOUT)
        server.stop()
    assert not thread.is_alive()


def test_stop_ends_serve_forever(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert serves(server.url)
        server.stop()
        thread.join(0.5)
        assert not thread.is_alive()
    finally:
        server._httpd.shutdown()  # end the spinning loop whatever happened
        thread.join(TIMEOUT)


# --- the classifierjobs_server fixture ----------------------------------------------------------


@pytest.mark.sdk
def test_the_fixtures_url_is_the_sdks_server_url(pytester: pytest.Pytester, sdk: SDK) -> None:
    pytester.makepyfile(
        f"""
        import json
        import urllib.request

        from {sdk.Mistral.__module__} import {sdk.Mistral.__name__} as Mistral

        def test_sdk(classifierjobs_server, classifierjobs):
            assert classifierjobs_server.mock is classifierjobs
            job = classifierjobs.add(status="RUNNING")
            with Mistral(api_key="k", server_url=classifierjobs_server.url) as client:
                got = client.fine_tuning.jobs.get(job_id=job.id)
                listed = client.fine_tuning.jobs.list()
            assert (got.id, got.status) == (job.id, "RUNNING")
            assert [j.id for j in listed.data] == [job.id]
            # Over the socket; the live server counts its calls on the same routes:
            assert classifierjobs.routes["get"].call_count == 1
            assert classifierjobs.routes["list"].call_count == 1

        def test_urllib(classifierjobs_server, classifierjobs):
            job = classifierjobs.add(status="SUCCESS")
            request = urllib.request.Request(
                f"{{classifierjobs_server.url}}/v1/fine_tuning/jobs/{{job.id}}",
                headers={{"Authorization": "Bearer k"}},
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                body = json.load(answer)
            assert (body["id"], body["status"]) == (job.id, "SUCCESS")
            assert body["fine_tuned_model"] == job.fine_tuned_model
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2)


def test_the_fixture_applies_the_marker_options(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json
        import urllib.error
        import urllib.request

        import pytest

        CREATE = json.dumps({
            "model": "ministral-3b-latest",
            "job_type": "classifier",
            "hyperparameters": {"training_steps": 10},
            "training_files": [{"file_id": "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"}],
        }).encode()
        JSON = {"Content-Type": "application/json"}

        def fetch(url, data=None):
            request = urllib.request.Request(url, data=data, headers=JSON)
            with urllib.request.urlopen(request, timeout=10) as a:
                return json.load(a)

        @pytest.mark.classifierjobs(
            require_auth=False, faults={"list": [503]}, progression="manual"
        )
        def test_options(classifierjobs_server, classifierjobs):
            jobs = f"{classifierjobs_server.url}/v1/fine_tuning/jobs"
            with pytest.raises(urllib.error.HTTPError) as failed:
                fetch(jobs)
            assert failed.value.code == 503
            failed.value.close()
            assert fetch(jobs)["total"] == 0  # no Authorization header: accepted
            created = fetch(jobs, CREATE)
            statuses = [fetch(f"{jobs}/{created['id']}")["status"] for _ in range(3)]
            assert statuses == ["QUEUED"] * 3  # manual: GETs do not move it

        def test_defaults(classifierjobs_server):
            jobs = f"{classifierjobs_server.url}/v1/fine_tuning/jobs"
            with pytest.raises(urllib.error.HTTPError) as refused:
                fetch(jobs)
            assert refused.value.code == 401
            refused.value.close()
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=2)


def test_a_subprocess_reaches_the_fixtures_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import subprocess
        import sys

        CLIENT = (
            "import json, sys, urllib.request\\n"
            "headers = {'Authorization': 'Bearer k'}\\n"
            "request = urllib.request.Request(sys.argv[1], headers=headers)\\n"
            "with urllib.request.urlopen(request, timeout=10) as answer:\\n"
            "    print(json.load(answer)['status'])\\n"
        )

        def test_subprocess(classifierjobs_server, classifierjobs):
            job = classifierjobs.add(status="CANCELLED")
            url = f"{classifierjobs_server.url}/v1/fine_tuning/jobs/{job.id}"
            done = subprocess.run(
                [sys.executable, "-I", "-c", CLIENT, url],
                capture_output=True, text=True, timeout=60, check=False,
            )
            assert (done.returncode, done.stderr) == (0, "")
            assert done.stdout == "CANCELLED\\n"
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=1)


def test_the_fixtures_unhandled_requests_fail_the_test_and_the_server_stops(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import socket
        import urllib.error
        import urllib.request
        from urllib.parse import urlsplit

        import pytest

        SEEN = []

        def test_unknown_path(classifierjobs_server):
            SEEN.append(classifierjobs_server.url)
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(f"{classifierjobs_server.url}/v1/nowhere", timeout=10)
            assert missing.value.code == 404
            missing.value.close()

        def test_the_server_is_gone():
            parts = urlsplit(SEEN[0])
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((parts.hostname, parts.port), timeout=10).close()
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=2, errors=1)
    # The report's wording belongs to the plugin's tests; here, that it names this request.
    result.stdout.fnmatch_lines(
        ["*classifierjobs: 1 request*matched no operation of the fake*API*", "*  GET */v1/nowhere"]
    )


def test_an_http_0_9_request_is_refused_with_a_400(server: LiveServer) -> None:
    # The stdlib still reads a header block after an HTTP/0.9 request line.
    status_line, _, body = parse_raw(exchange(server.url, b"GET /v1/fine_tuning/jobs\r\n\r\n"))
    assert status_line == "HTTP/1.1 400 Bad Request"
    assert body == {"detail": "HTTP/0.9 is not supported"}


def test_options_is_answered_like_any_method_no_operation_has(
    server: LiveServer, mock: ClassifierJobsMock
) -> None:
    answer = call(server.url, "OPTIONS", "/v1/fine_tuning/jobs")
    assert (answer.status, answer.body) == (405, {"detail": "Method Not Allowed"})
    assert [r.method for r in mock.unhandled] == ["OPTIONS"]


def test_an_absolute_target_with_a_bad_port_is_recorded_at_the_servers_address(
    server: LiveServer, mock: ClassifierJobsMock
) -> None:
    raw = exchange(
        server.url,
        b"GET http://x:abc/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    status_line, _, body = parse_raw(raw)
    assert (status_line, body) == ("HTTP/1.1 404 Not Found", {"detail": "Not Found"})
    assert [str(r.url) for r in mock.unhandled] == [f"{server.url}/"]


def test_an_absolute_target_urllib_cannot_read_is_a_400(server: LiveServer) -> None:
    raw = exchange(
        server.url, b"GET http://[::1/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    status_line, _, body = parse_raw(raw)
    assert status_line == "HTTP/1.1 400 Bad Request"
    assert body == {"detail": "Bad request target (Invalid IPv6 URL)"}


# --- what the server checks before the fake runs ------------------------------------------------
#
# The requests below carry a valid create: had the server let one through, a job would be
# stored. "Nothing stored, nothing counted" shows that the check came before the fake ran.

HEAD_LINES = [
    f"POST {JOBS} HTTP/1.1".encode(),
    b"Host: x",
    b"Authorization: Bearer k",
    b"Content-Type: application/json",
]


def create_request(
    *extra: bytes, body: bytes = CREATE, framing: bytes | None = None, first: bool = False
) -> bytes:
    """A create request with the header lines ``extra`` (before the others when ``first``).

    ``framing`` replaces the ``Content-Length`` line (``b""``: none) and ``body`` is sent as is.
    """
    length = b"Content-Length: %d" % len(body) if framing is None else framing
    head = [HEAD_LINES[0], *extra, *HEAD_LINES[1:]] if first else [*HEAD_LINES, *extra]
    lines = [*head, length] if length else head
    return b"\r\n".join([*lines, b"", b""]) + body


def chunks(*pieces: bytes, end: bytes = b"0\r\n\r\n") -> bytes:
    """``pieces`` as the chunks of a chunked body, then ``end``: the last chunk and trailers."""
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + end


def send_and_close(url: str, data: bytes) -> bytes:
    """Send ``data`` and close the sending side, so the server sees the end; read all."""
    with socket.create_connection(address(url), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        return read_all(sock)


def parse_answers(raw: bytes) -> list[tuple[str, dict[str, str], Any]]:
    """Every answer of an exchange, in order, each cut at its ``Content-Length``."""
    answers = []
    while raw:
        head, separator, rest = raw.partition(b"\r\n\r\n")
        assert separator, raw
        lengths = [
            int(line.partition(b":")[2])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ]
        assert len(lengths) == 1, head
        answers.append(parse_raw(head + separator + rest[: lengths[0]]))
        raw = rest[lengths[0] :]
    return answers


def assert_nothing_ran(mock: ClassifierJobsMock) -> None:
    assert mock.jobs == {}
    assert mock.routes["create"].call_count == 0
    assert mock.unhandled == []


def test_the_create_these_tests_send_is_stored_when_nothing_is_wrong(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    (answer,) = parse_answers(send_and_close(server.url, create_request()))

    assert answer[0] == "HTTP/1.1 200 OK"
    assert list(mock.jobs) == [answer[2]["id"]]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"caf\xc3\xa9", id="utf-8"),
        pytest.param(b"\xe9t\xe9", id="latin-1"),
        # 0x85 (in the UTF-8 of many letters) is a line break to str.splitlines(), which the
        # standard library's header parser uses: the headers after it used to be lost.
        pytest.param(b"\xc3\x85ngstr\xc3\xb6m", id="utf-8-with-byte-0x85"),
        pytest.param(b"tab\there", id="a-tab"),
    ],
)
def test_a_header_value_with_bytes_above_0x7f_is_served_and_recorded_as_sent(
    mock: ClassifierJobsMock, server: LiveServer, value: bytes
) -> None:
    # RFC 9110 5.5 allows obs-text (0x80-0xFF) in a value, and h11, the real server's parser,
    # takes it; Starlette gives the handlers the value latin-1 decoded. The header goes first:
    # Authorization and Content-Length come after it, and must not be lost.
    raw = send_and_close(server.url, create_request(b"X-Note: " + value, first=True))

    (answer,) = parse_answers(raw)
    assert answer[0] == "HTTP/1.1 200 OK"
    assert list(mock.jobs) == [answer[2]["id"]]
    (recorded,) = [call.request for call in mock.routes["create"].calls]
    assert (b"X-Note", value) in recorded.headers.raw


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        pytest.param(b"X-Caf\xc3\xa9: 1", "Bad header name b'X-Caf\\xc3\\xa9'", id="utf-8-name"),
        pytest.param(b"X-\xe9: 1", "Bad header name b'X-\\xe9'", id="latin-1-name"),
        pytest.param(b"X Note: 1", "Bad header name b'X Note'", id="space-in-name"),
        pytest.param(b"X-Note : 1", "Bad header name b'X-Note '", id="space-before-colon"),
        pytest.param(b"X-Note(1): 1", "Bad header name b'X-Note(1)'", id="not-a-token"),
        pytest.param(b"no colon", "Bad header name b'no colon'", id="no-colon"),
        pytest.param(b": 1", "Bad header name b''", id="empty-name"),
        pytest.param(b" folded", "line folding is obsolete", id="obs-fold"),
        pytest.param(b"X-Note: a\x00b", "Bad value of header 'X-Note'", id="nul-in-value"),
        pytest.param(b"X-Note: a\x7fb", "Bad value of header 'X-Note'", id="del-in-value"),
        pytest.param(b"X-Note: a\x1cb", "Bad value of header 'X-Note'", id="control-in-value"),
        # A bare CR: a line break to the standard library's parser, which then read a header
        # the client never sent as one.
        pytest.param(b"X-Note: a\rContent-Length: 0", "Bad value of header 'X-Note'", id="bare-cr"),
    ],
)
def test_a_header_line_the_server_cannot_take_is_a_400_before_anything_runs(
    mock: ClassifierJobsMock, server: LiveServer, line: bytes, detail: str
) -> None:
    for request in (create_request(line, first=True), create_request(line)):
        (answer,) = parse_answers(send_and_close(server.url, request))

        status_line, headers, body = answer
        assert status_line == "HTTP/1.1 400 Bad Request"
        assert headers["connection"] == "close"
        assert headers["content-type"] == "application/json"
        assert detail in body["detail"]
        assert_nothing_ran(mock)
    assert serves(server.url)


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(f"{JOBS}/caf\xc3\xa9".encode("latin-1"), id="utf-8"),
        pytest.param(f"{JOBS}/\xe9".encode("latin-1"), id="latin-1"),
        pytest.param(f"{JOBS}\x7f".encode(), id="del"),
        pytest.param(f"{JOBS}?a=\x01".encode(), id="control-in-the-query"),
    ],
)
def test_a_request_target_outside_visible_ascii_is_a_400(
    mock: ClassifierJobsMock, server: LiveServer, target: bytes
) -> None:
    # h11, the real server's parser, refuses them too (RFC 9112 3.2: a target is ASCII).
    request = create_request().replace(JOBS.encode(), target, 1)

    (answer,) = parse_answers(send_and_close(server.url, request))

    assert answer[0] == "HTTP/1.1 400 Bad Request"
    assert answer[2]["detail"].startswith("Bad request line: only visible ASCII is allowed")
    assert_nothing_ran(mock)


def test_a_request_line_with_two_spaces_is_a_400(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    request = create_request().replace(b"POST ", b"POST  ", 1)

    (answer,) = parse_answers(send_and_close(server.url, request))

    assert answer[0] == "HTTP/1.1 400 Bad Request"
    assert answer[2]["detail"] == "Bad request line: only visible ASCII is allowed (spacing)"
    assert_nothing_ran(mock)


LIST_HEAD = f"GET {JOBS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n".encode()


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(LIST_HEAD[:-4], id="a-list-before-the-blank-line"),
        pytest.param(LIST_HEAD[:-2], id="a-list-after-one-crlf"),
        pytest.param(LIST_HEAD[:-4] + b"\n", id="a-list-after-one-lf"),
        pytest.param(create_request().partition(b"\r\n\r\n")[0], id="a-create-before-the-blank"),
        pytest.param(create_request()[:-10], id="a-create-inside-the-body"),
    ],
)
def test_a_request_cut_short_gets_no_answer_and_runs_nothing(
    mock: ClassifierJobsMock, server: LiveServer, request_bytes: bytes
) -> None:
    # The client closed its side: what it sent is all there is. The standard library used to
    # serve a header block cut short as if it were whole.
    raw = send_and_close(server.url, request_bytes)

    assert raw == b""
    assert_nothing_ran(mock)
    assert mock.routes["list"].call_count == 0
    assert serves(server.url)


def test_a_leading_double_slash_is_routed_as_sent(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    # The standard library turns //v1/... into /v1/... (self.path); uvicorn and httpx keep it.
    answer = call(server.url, "GET", f"/{JOBS}")

    assert (answer.status, answer.body) == (404, NOT_FOUND)
    assert [r.url.path for r in mock.unhandled] == [f"/{JOBS}"]


# --- framing: Content-Length and Transfer-Encoding (RFC 9112 section 6) -------------------------


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        pytest.param(b"Transfer-Encoding: chunked", chunks(CREATE), id="one-chunk"),
        pytest.param(
            b"Transfer-Encoding: chunked",
            chunks(*(CREATE[index : index + 7] for index in range(0, len(CREATE), 7))),
            id="many-chunks",
        ),
        pytest.param(
            b"Transfer-Encoding: Chunked",
            b"%X;name=value\r\n%s\r\n0;last\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n"
            % (len(CREATE), CREATE),
            id="upper-case-hex-extensions-and-trailers",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", chunks(CREATE, end=b"0  \r\n\r\n"), id="spaces-after-0"
        ),
        pytest.param(
            b"Content-Length: %d, %d" % (len(CREATE), len(CREATE)),
            CREATE,
            id="a-list-of-one-length",
        ),
        pytest.param(
            b"Content-Length: %d\r\nContent-Length: %d" % (len(CREATE), len(CREATE)),
            CREATE,
            id="the-same-length-twice",
        ),
        pytest.param(b"Content-Length: 000%d" % len(CREATE), CREATE, id="leading-zeros"),
    ],
)
def test_a_body_framed_as_rfc_9112_allows_is_read(
    mock: ClassifierJobsMock, server: LiveServer, framing: bytes, body: bytes
) -> None:
    # A GET follows on the same connection: the body was read to its end, no further.
    follow = f"GET {JOBS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n".encode()

    raw = send_and_close(server.url, create_request(body=body, framing=framing) + follow)

    created, listed = parse_answers(raw)
    assert created[0] == "HTTP/1.1 200 OK"
    assert list(mock.jobs) == [created[2]["id"]]
    assert mock.jobs[created[2]["id"]].training_files == [FILE]
    assert "connection" not in created[1]
    assert listed[0] == "HTTP/1.1 200 OK"
    assert listed[2]["total"] == 1


def test_transfer_encoding_wins_over_content_length_and_the_connection_closes(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    # RFC 9112 6.1: the server must close after answering, whatever else was pipelined.
    framing = b"Transfer-Encoding: chunked\r\nContent-Length: 3"
    follow = f"GET {JOBS} HTTP/1.1\r\nHost: x\r\n\r\n".encode()

    raw = send_and_close(server.url, create_request(body=chunks(CREATE), framing=framing) + follow)

    (created,) = parse_answers(raw)
    assert created[0] == "HTTP/1.1 200 OK"
    assert created[1]["connection"] == "close"
    assert list(mock.jobs) == [created[2]["id"]]


TOO_MANY_TRAILERS = b"".join(b"X-T%d: 1\r\n" % n for n in range(101))


@pytest.mark.parametrize(
    ("framing", "body", "status", "detail"),
    [
        pytest.param(
            b"Transfer-Encoding: chunked, gzip", chunks(CREATE), 400,
            "Transfer-Encoding 'chunked, gzip' does not end with chunked once", id="chunked-gzip",
        ),
        pytest.param(
            b"Transfer-Encoding: gzip", CREATE, 400,
            "Transfer-Encoding 'gzip' does not end with chunked once", id="gzip",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", chunks(CREATE), 400,
            "Transfer-Encoding 'chunked, chunked' does not end with chunked once",
            id="chunked-twice",
        ),
        pytest.param(
            b"Transfer-Encoding: ", CREATE, 400,
            "Transfer-Encoding '' does not end with chunked once", id="empty-transfer-encoding",
        ),
        pytest.param(
            b"Transfer-Encoding: gzip, chunked", chunks(CREATE), 501,
            "Transfer-Encoding 'gzip, chunked' is not supported: only chunked is",
            id="gzip-chunked",
        ),
        pytest.param(
            b"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked", chunks(CREATE), 501,
            "Transfer-Encoding 'gzip, chunked' is not supported: only chunked is",
            id="gzip-chunked-on-two-lines",
        ),
        pytest.param(
            b"Content-Length: 5, 6", CREATE, 400, "Conflicting Content-Length values 5, 6",
            id="content-length-list",
        ),
        pytest.param(
            b"Content-Length: %d\r\nContent-Length: 6" % len(CREATE), CREATE, 400,
            "Conflicting Content-Length values", id="two-content-lengths",
        ),
        pytest.param(
            b"Content-Length: ", CREATE, 400, "Bad Content-Length ''", id="empty-content-length"
        ),
        pytest.param(
            b"Content-Length: \xd9\xa3", CREATE, 400, "Bad Content-Length",
            id="non-ascii-digit",
        ),
        pytest.param(
            b"Content-Length: " + b"9" * 5000, b"", 413,
            f"Request body over {MAX_BODY_BYTES} bytes", id="a-5000-digit-length",
        ),
        pytest.param(
            b"Content-Length: 0000000000000000000000000010485761", b"", 413,
            f"Request body over {MAX_BODY_BYTES} bytes", id="zeros-then-one-byte-too-many",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"zz\r\n" + CREATE, 400,
            "chunk size b'zz' is not hexadecimal", id="chunk-size-not-hex",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"-5\r\n" + CREATE, 400,
            "chunk size b'-5' is not hexadecimal", id="negative-chunk-size",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"0x10\r\n" + CREATE, 400,
            "chunk size b'0x10' is not hexadecimal", id="0x-chunk-size",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b" 5\r\nabcde\r\n0\r\n\r\n", 400,
            "chunk size b' 5' is not hexadecimal", id="space-before-the-size",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"1" * 21 + b"\r\n", 400,
            "is not hexadecimal", id="21-hex-digits",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"%x\r\n" % (MAX_BODY_BYTES + 1), 413,
            f"Request body over {MAX_BODY_BYTES} bytes", id="a-chunk-over-the-limit",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked",
            chunks(b"a" * (MAX_BODY_BYTES // 2), end=b"%x\r\n" % (MAX_BODY_BYTES // 2 + 1)), 413,
            f"Request body over {MAX_BODY_BYTES} bytes", id="chunks-over-the-limit-together",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"5\r\nabcdeXY0\r\n\r\n", 400,
            "CRLF expected after 5 bytes of data", id="no-crlf-after-the-data",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"5\nabcde\r\n0\r\n\r\n", 400,
            "chunk size line ends without CR", id="lf-alone-after-the-size",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", b"5" * 70000 + b"\r\n", 400,
            "chunk size line over 65536 bytes", id="a-chunk-size-line-too-long",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", chunks(CREATE, end=b"0\r\n" + TOO_MANY_TRAILERS), 400,
            "trailer section over 100 lines", id="101-trailer-lines",
        ),
        pytest.param(
            b"Transfer-Encoding: chunked", chunks(CREATE, end=b"0\r\nX-T: 1\n"), 400,
            "trailer line ends without CR", id="a-trailer-line-without-cr",
        ),
    ],
)  # fmt: skip
def test_framing_the_server_cannot_read_is_refused_and_closes(
    *,
    mock: ClassifierJobsMock,
    server: LiveServer,
    framing: bytes,
    body: bytes,
    status: int,
    detail: str,
) -> None:
    raw = send_and_close(server.url, create_request(body=body, framing=framing))

    (answer,) = parse_answers(raw)
    status_line, headers, content = answer
    assert status_line.startswith(f"HTTP/1.1 {status} ")
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json"
    assert detail in content["detail"]
    assert_nothing_ran(mock)
    assert serves(server.url)


def test_transfer_encoding_in_an_http_1_0_request_is_a_400(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    # RFC 9112 6.1: HTTP/1.0 has no transfer codings; one there means faulty framing.
    request = create_request(body=chunks(CREATE), framing=b"Transfer-Encoding: chunked")

    raw = send_and_close(server.url, request.replace(b"HTTP/1.1", b"HTTP/1.0", 1))

    (answer,) = parse_answers(raw)
    assert answer[0] == "HTTP/1.1 400 Bad Request"
    assert answer[2] == {"detail": "Transfer-Encoding 'chunked' in an HTTP/1.0 request"}
    assert_nothing_ran(mock)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"5\r\nab", id="inside-the-data"),
        pytest.param(b"5\r\nabcde\r", id="inside-the-crlf"),
        pytest.param(b"5\r\nabcde\r\n", id="before-the-next-size"),
        pytest.param(b"5\r\nabcde\r\n0\r\n", id="before-the-blank-line"),
        pytest.param(b"5\r\nabcde\r\n0\r\nX-Trailer: 1\r\n", id="inside-the-trailers"),
        pytest.param(b"5\r\nabcde\r\n0\r\nX-Trail", id="inside-a-trailer-line"),
    ],
)
def test_a_chunked_body_cut_short_gets_no_answer_and_runs_nothing(
    mock: ClassifierJobsMock, server: LiveServer, body: bytes
) -> None:
    request = create_request(body=body, framing=b"Transfer-Encoding: chunked")

    assert send_and_close(server.url, request) == b""
    assert_nothing_ran(mock)


def test_a_refused_request_with_its_body_unread_still_gets_its_answer(
    mock: ClassifierJobsMock, server: LiveServer
) -> None:
    # 400 at once, with 1 MiB of body still coming: the server reads and drops the rest before
    # closing, so that the kernel does not reset the connection and lose the answer.
    body = chunks(b"x" * (1 << 20))
    request = create_request(body=body, framing=b"Transfer-Encoding: chunked, gzip")

    (answer,) = parse_answers(send_and_close(server.url, request))

    assert answer[0] == "HTTP/1.1 400 Bad Request"
    assert_nothing_ran(mock)


# --- a handler that raises ----------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def raise_boom(_value: Any) -> Any:
    raise Boom("the test's score function failed")


@pytest.mark.parametrize(
    ("scores", "error_type"),
    [
        pytest.param(raise_boom, Boom, id="a-function-that-raises"),
        pytest.param(lambda _value: {"sentiment": "happy"}, ScoresError, id="scores-that-misfit"),
    ],
)
def test_a_handler_that_raises_gets_the_client_a_500_and_the_test_the_exception(
    mock: ClassifierJobsMock,
    server: LiveServer,
    capfd: pytest.CaptureFixture[str],
    scores: Callable[[Any], Any],
    error_type: type[Exception],
) -> None:
    card = mock.add_model(targets={"sentiment": ["positive", "negative"]})
    mock.set_scores(card.id, scores)
    text = json.dumps({"model": card.id, "input": "great"}).encode()
    connection = connect(server.url)
    try:
        failed = call(server.url, "POST", "/v1/classifications", text, connection=connection)
        after = call(server.url, "GET", f"/v1/models/{card.id}", connection=connection)
    finally:
        connection.close()

    # FastAPI's answer to an uncaught exception, and the connection stays usable.
    assert (failed.status, failed.body) == (500, {"detail": "Internal Server Error"})
    assert failed.header("content-type") == "application/json"
    assert failed.header("connection") is None
    assert after.status == 200
    (error,) = server.errors
    assert isinstance(error, error_type)
    (counted,) = mock.routes["classifiers.classify"].calls
    assert counted.response.status_code == 500
    err = capfd.readouterr().err
    assert "classifierjobs: POST /v1/classifications raised; the client got 500" in err
    assert error_type.__name__ in err


def test_errors_is_a_copy_and_empty_while_nothing_raised(server: LiveServer) -> None:
    assert serves(server.url)

    server.errors.append(Boom())

    assert server.errors == []


# --- max_connections ----------------------------------------------------------------------------


def wait_until(condition: Callable[[], bool]) -> None:
    """Wait, bounded, for something another thread does."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "still waiting"
        time.sleep(0.01)


@pytest.fixture(name="linger_long")
def linger_long_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused connections wait a minute for their client: only a close ends them early."""
    monkeypatch.setattr(server_module, "_LINGER_SECONDS", 60.0)


@pytest.mark.usefixtures("linger_long")
def test_a_connection_over_the_cap_gets_a_503_at_once_then_one_frees_a_place(
    mock: ClassifierJobsMock,
) -> None:
    with LiveServer(mock, max_connections=2) as server:
        assert server.max_connections == 2
        held = [connect(server.url) for _ in range(2)]
        try:
            # Answered: each holds its place (and a thread), idle but kept alive.
            assert [call(server.url, "GET", JOBS, connection=c).status for c in held] == [200] * 2
            # The refused client sends its request at once, as a real one does: its answer
            # must not be lost when the server closes with the request unread.
            raw = exchange(server.url, f"GET {JOBS} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            # The client closed: the server closes its side too, long before the minute.
            wait_until(lambda: not server._httpd._refused)
            held.pop().close()
            wait_until(lambda: len(server._httpd._connections) < 2)
            freed = call(server.url, "GET", JOBS)
        finally:
            for connection in held:
                connection.close()

    status_line, headers, body = parse_raw(raw)
    assert status_line == "HTTP/1.1 503 Service Unavailable"
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json"
    assert headers["server"] == "pytest-classifierjobs"
    assert body == {
        "detail": "Too many connections: this server keeps 2 open at once (max_connections); "
        "retry later"
    }
    assert freed.status == 200
    assert mock.unhandled == []


@pytest.mark.usefixtures("linger_long")
def test_a_refused_client_that_stays_is_closed_once_the_linger_is_over(
    mock: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LiveServer(mock, max_connections=1) as server:
        held = connect(server.url)
        try:
            assert call(server.url, "GET", JOBS, connection=held).status == 200
            with socket.create_connection(address(server.url), timeout=TIMEOUT) as refused:
                assert refused.recv(65536).startswith(b"HTTP/1.1 503 ")
                assert len(server._httpd._refused) == 1  # the client stays, and so does it
                # Two minutes later, for the server's clock:
                later = SimpleNamespace(sleep=time.sleep, monotonic=lambda: time.monotonic() + 120)
                monkeypatch.setattr(server_module, "time", later)
                wait_until(lambda: not server._httpd._refused)
        finally:
            held.close()


@pytest.mark.usefixtures("linger_long")
def test_refused_clients_that_stay_hold_no_more_sockets_than_the_cap(
    mock: ClassifierJobsMock,
) -> None:
    with LiveServer(mock, max_connections=1) as server:
        held = connect(server.url)
        refused: list[socket.socket] = []
        try:
            assert call(server.url, "GET", JOBS, connection=held).status == 200
            for count in range(1, 4):
                refused.append(socket.create_connection(address(server.url), timeout=TIMEOUT))
                assert refused[-1].recv(65536).startswith(b"HTTP/1.1 503 ")
                # The server keeps one refused socket at most: the latest.
                assert len(server._httpd._refused) == 1, count
        finally:
            held.close()
            for sock in refused:
                sock.close()


@pytest.mark.usefixtures("linger_long")
def test_stop_closes_the_refused_connections(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock, max_connections=1).start()
    held = connect(server.url)
    try:
        assert call(server.url, "GET", JOBS, connection=held).status == 200
        with socket.create_connection(address(server.url), timeout=TIMEOUT) as refused:
            assert refused.recv(65536).startswith(b"HTTP/1.1 503 ")
            assert len(server._httpd._refused) == 1
            server.stop()
            assert server._httpd._refused == {}
    finally:
        held.close()
        server.stop()


class BrokenSocket:
    """A socket whose every operation fails, as one the client has reset."""

    closed = False

    def _fail(self, *_args: Any) -> Any:
        raise ConnectionResetError(104, "Connection reset by peer")

    sendall = shutdown = recv = setblocking = settimeout = _fail

    def close(self) -> None:
        self.closed = True


def test_a_refused_client_already_gone_is_closed_at_once(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock, max_connections=1)
    try:
        sock = BrokenSocket()
        server._httpd._refuse(sock)  # type: ignore[arg-type]
        assert sock.closed
        assert server._httpd._refused == {}
        assert server_module._drained(sock)  # type: ignore[arg-type]
    finally:
        server.stop()


@pytest.mark.parametrize("value", [0, -1])
def test_max_connections_must_be_1_or_more(mock: ClassifierJobsMock, value: int) -> None:
    with pytest.raises(ValueError, match=f"^max_connections must be 1 or more, not {value}$"):
        LiveServer(mock, max_connections=value)


@pytest.mark.parametrize("value", ["2", 2.0, True, None])
def test_max_connections_must_be_an_int(mock: ClassifierJobsMock, value: Any) -> None:
    with pytest.raises(TypeError, match=r"^max_connections must be an int, not "):
        LiveServer(mock, max_connections=value)


def test_the_default_cap(mock: ClassifierJobsMock) -> None:
    server = LiveServer(mock)
    try:
        assert server.max_connections == DEFAULT_MAX_CONNECTIONS == 64
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("args", "expected"), [([], DEFAULT_MAX_CONNECTIONS), (["--max-connections", "3"], 3)]
)
def test_serve_max_connections_reaches_the_server(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: int,
) -> None:
    served: list[LiveServer] = []

    def serve_forever(server: LiveServer) -> None:
        served.append(server)  # and return at once, as a server stopped from elsewhere

    monkeypatch.setattr(LiveServer, "serve_forever", serve_forever)

    assert main(["serve", "--port", "0", *args]) == 0

    assert [server.max_connections for server in served] == [expected]
    capsys.readouterr()


def test_serve_max_connections_must_be_1_or_more(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--max-connections", "0"])

    assert exit_.value.code == 2
    assert "argument --max-connections: expected 1 or more, got 0" in capsys.readouterr().err


# --- both transports place a path alike ---------------------------------------------------------

PATHS = [
    f"{JOBS}/a%2Fb",
    f"{JOBS}/a%2fb",
    f"{JOBS}/{{id}}%2Fstart",
    f"{JOBS}/{{id}}%2fcancel",
    f"{JOBS}/{{id}}/%73tart",
    f"{JOBS}/{{id_encoded}}",
    f"{JOBS}/{{ID}}",
    f"{JOBS}/%2e%2e",
    f"{JOBS}/%2E%2E/x",
    "/v1/fine_tuning/%2e%2e/fine_tuning/jobs",
    f"{JOBS}/%25",
    f"{JOBS}/%2525",
    f"{JOBS}/%ZZ",
    f"{JOBS}/%C3%A9",
    f"{JOBS}/%FF",
    f"{JOBS}%2F",
    f"{JOBS}/",
    f"{JOBS}%3Fstatus=RUNNING",
    f"{JOBS}?status=%52UNNING",
    f"{JOBS}?status=RUNNING%26page%3D1",
    f"{JOBS}?page_size=%31&page=0",
    f"{JOBS}?status=RUNNING+",
    f"/{JOBS}",
    "/v1/%6dodels",
    "/v1/models/{model}",
    "/v1/models/{model}%2F",
    "/v1/fine_tuning/models/{model}/%61rchive",
    "/v1/classification%73",
    "/v1/files/%2e",
    "/v1/files/a%2Fb/content",
    "/%76%31/fine_tuning/jobs",
]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "PATCH"])
def test_both_transports_place_every_encoded_path_alike(method: str) -> None:
    # The same seed, the same frozen clock and the same requests in the same order: the same
    # answers, whichever transport carried them. httpx builds both requests, so the same bytes
    # go on the wire (or to respx).
    fakes = [ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT) for _ in range(2)]
    jobs = [fake.add(status="RUNNING") for fake in fakes]
    cards = [fake.add_model(targets={"sentiment": ["positive", "negative"]}) for fake in fakes]
    assert jobs[0] == jobs[1]
    assert cards[0] == cards[1]
    job_id, model_id = jobs[0].id, cards[0].id
    encoded = "".join(f"%{ord(c):02x}" if c.isdigit() else c for c in job_id)
    paths = [
        path.format(id=job_id, ID=job_id.upper(), id_encoded=encoded, model=model_id)
        for path in PATHS
    ]
    body = b"{}" if method in {"POST", "PATCH"} else None

    def answers(client: httpx.Client, root: str) -> list[tuple[str, int, Any, str | None]]:
        seen = []
        for path in paths:
            answer = client.request(method, f"{root}{path}", content=body, headers=AUTH)
            location = answer.headers.get("location")
            seen.append(
                (
                    path,
                    answer.status_code,
                    answer.json() if answer.content else None,
                    location and location.removeprefix(root),
                )
            )
        return seen

    with fakes[0], httpx.Client(timeout=TIMEOUT) as client:
        in_process = answers(client, "https://api.mistral.ai")
    with LiveServer(fakes[1]) as server, httpx.Client(timeout=TIMEOUT) as client:
        live = answers(client, server.url)

    assert live == in_process
    assert {status for _, status, _, _ in live} >= {404}
    assert [(r.method, r.url.path) for r in fakes[1].unhandled] == [
        (r.method, r.url.path) for r in fakes[0].unhandled
    ]
    assert fakes[1].jobs == fakes[0].jobs
    assert fakes[1].models == fakes[0].models


SEGMENTS = ["v1", "fine_tuning", "jobs", "models", "start", "a", "%2F", "%2f", "%25", "%2e",
            "%2e%2e", ".", "%ZZ", "%C3%A9", "%FF", "%3F", "%20", "+", "~", "%7E", ""]  # fmt: skip


def test_any_path_of_encoded_segments_is_placed_alike() -> None:
    in_process_fake = ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT)
    live_fake = ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT)
    # One client for both: the started fake answers api.mistral.ai and lets 127.0.0.1 through.
    with (
        in_process_fake,
        LiveServer(live_fake) as server,
        httpx.Client(timeout=TIMEOUT, headers=AUTH) as client,
    ):

        @settings(max_examples=100, derandomize=True, deadline=None, database=None)
        @given(
            segments=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6),
            method=st.sampled_from(["GET", "POST", "DELETE", "PATCH"]),
        )
        def placed_alike(segments: list[str], method: str) -> None:
            path = "/" + "/".join(segments)
            expected = client.request(method, f"https://api.mistral.ai{path}")
            got = client.request(method, f"{server.url}{path}")

            assert (got.status_code, got.content) == (expected.status_code, expected.content)
            assert [r.url.path for r in live_fake.unhandled] == [
                r.url.path for r in in_process_fake.unhandled
            ]

        placed_alike()
