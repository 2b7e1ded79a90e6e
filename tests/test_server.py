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

import pytest_classifierjobs.server as server_module
from pytest_classifierjobs import (
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    LiveServer,
    coherence_violations,
)
from pytest_classifierjobs.server import MAX_BODY_BYTES

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
            b"POST " + JOBS.encode() + b" HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n",
            "HTTP/1.1 411 Length Required",
            "Length Required",
            id="chunked",
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
def test_an_ipv6_host(mock: ClassifierJobsMock) -> None:
    with LiveServer(mock, host="::1") as server:
        assert server.url.startswith("http://[::1]:")
        assert serves(server.url)


@needs_ipv6
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
    result.stdout.fnmatch_lines(
        [
            "*classifierjobs: 1 request to * matched no operation of the fake jobs API:",
            "*  GET /v1/nowhere",
        ]
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
