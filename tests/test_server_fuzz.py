"""The live server under malformed traffic: raw sockets, seeded randomness, bytes checked.

Each case is one connection: one to three requests, valid ones and broken ones (a garbage
request line, a byte outside ASCII in the target or a header, bad chunk sizes, conflicting or
huge lengths, both framings, a missing CRLF, a close mid-request), pipelined, then the sending
side closed so the server sees the end and no wait depends on a timeout. What comes back must
be well-formed HTTP/1.1 answers with JSON bodies and nothing else; a case that got no ``2xx``
answer must have left the store as it was; and the server must serve a normal request after
every case. The seeds are fixed: a failure names its seed and case, and replays as it failed.
"""

from __future__ import annotations

import json
import random
import re
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from pytest_classifierjobs import ClassifierJobsMock, LiveServer
from pytest_classifierjobs.server import MAX_BODY_BYTES

SEEDS = range(12)
CASES_PER_SEED = 25
TIMEOUT = 10.0
FROZEN_AT = "2025-04-16T14:45:06Z"
JOBS = b"/v1/fine_tuning/jobs"
FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
CREATE = json.dumps(
    {
        "model": "ministral-3b-latest",
        "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
        "training_files": [{"file_id": FILE, "weight": 1.0}],
        "auto_start": False,
        "job_type": "classifier",
    }
).encode()
AUTH = (b"Authorization", b"Bearer test")
JSON = (b"Content-Type", b"application/json")
STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) [^\r\n]+")


# --- requests, as parts that a mutation can break -----------------------------------------------


@dataclass(frozen=True)
class Request:
    method: bytes
    target: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False
    version: bytes = b"HTTP/1.1"
    newline: bytes = b"\r\n"

    def framing(self) -> list[tuple[bytes, bytes]]:
        if self.chunked:
            return [(b"Transfer-Encoding", b"chunked")]
        return [(b"Content-Length", b"%d" % len(self.body))] if self.body else []

    def encoded_body(self, rng: random.Random) -> bytes:
        if not self.chunked:
            return self.body
        pieces, rest = [], self.body
        while rest:
            size = rng.randint(1, max(1, len(rest)))
            pieces.append(b"%x\r\n%s\r\n" % (size, rest[:size]))
            rest = rest[size:]
        return b"".join(pieces) + b"0\r\n\r\n"

    def head(self) -> bytes:
        lines = [b"%s %s %s" % (self.method, self.target, self.version)]
        lines += [b"%s: %s" % pair for pair in [(b"Host", b"x"), *self.headers, *self.framing()]]
        return self.newline.join([*lines, b"", b""])

    def wire(self, rng: random.Random) -> bytes:
        return self.head() + self.encoded_body(rng)


def valid_request(rng: random.Random, job_id: str, model_id: str) -> Request:
    """One of the requests a client sends every day; creates and cancels change the store."""
    get = Request(b"GET", b"%s/%s" % (JOBS, job_id.encode()), [AUTH])
    create = Request(b"POST", JOBS, [AUTH, JSON], CREATE, chunked=rng.random() < 0.5)
    classify = json.dumps({"model": model_id, "input": ["great", "meh"]}).encode()
    return rng.choice(
        [
            Request(b"GET", JOBS + b"?page_size=2", [AUTH]),
            get,
            create,
            create,
            Request(b"POST", b"%s/%s/cancel" % (JOBS, job_id.encode()), [AUTH]),
            Request(b"POST", b"/v1/classifications", [AUTH, JSON], classify),
            Request(b"GET", b"/v1/nowhere", [AUTH]),
            Request(b"GET", JOBS, []),  # 401
        ]
    )


Mutation = Callable[[Request, random.Random], bytes]


def any_byte(rng: random.Random, low: int = 0, high: int = 255) -> bytes:
    return bytes([rng.randint(low, high)])


def untouched(request: Request, rng: random.Random) -> bytes:
    return request.wire(rng)


def garbage_request_line(request: Request, rng: random.Random) -> bytes:
    # Led by a letter: a blank line is no request line, and gets no answer.
    junk = b"X" + rng.randbytes(rng.randint(0, 40)).replace(b"\n", b"")
    return junk + b"\r\n" + request.wire(rng).partition(b"\r\n")[2]


def byte_in_target(request: Request, rng: random.Random) -> bytes:
    at = rng.randint(1, len(request.target))
    bad = any_byte(rng, 0x80) if rng.random() < 0.7 else any_byte(rng, 0, 0x1F)
    return replace(request, target=request.target[:at] + bad + request.target[at:]).wire(rng)


def bad_header(request: Request, rng: random.Random) -> bytes:
    line = rng.choice(
        [
            (b"X-Caf\xc3\xa9", b"1"),
            (b"X-" + any_byte(rng, 0x80), b"1"),
            (b"X Note", b"1"),
            (b"X-Note ", b"1"),
            (b"X-Note", b"a" + any_byte(rng, 0, 0x08) + b"b"),
            (b"X-Note", b"a\rContent-Length: 0"),
            (b"X-Note", b"a\x7f"),
            (b"", b"empty name"),
        ]
    )
    headers = list(request.headers)
    headers.insert(rng.randint(0, len(headers)), line)
    return replace(request, headers=headers).wire(rng)


def folded_header(request: Request, rng: random.Random) -> bytes:
    head, _, rest = request.wire(rng).partition(b"\r\n")
    return head + b"\r\n X-Folded: 1\r\n" + rest


def non_ascii_value(request: Request, rng: random.Random) -> bytes:
    # Allowed (obs-text): the request is served as if the header were plain.
    value = rng.choice([b"caf\xc3\xa9", b"\xc3\x85", b"\xe9", rng.randbytes(4)])
    value = bytes(byte if byte >= 0x80 else ord("a") for byte in value)  # letters, obs-text
    return replace(request, headers=[(b"X-Note", value), *request.headers]).wire(rng)


def bad_chunks(request: Request, rng: random.Random) -> bytes:
    body = request.body or b"{}"
    chunked = rng.choice(
        [
            b"zz\r\n" + body + b"\r\n0\r\n\r\n",
            b"-1\r\n" + body + b"\r\n0\r\n\r\n",
            b"%x\r\n%s0\r\n\r\n" % (len(body), body),  # no CRLF after the data
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(body) + 5, body),  # says more than it sends
            b"%x\r\n%s\r\n0\r\n\r\n" % (max(len(body) - 5, 1), body),  # says less
            b"%x\n%s\r\n0\r\n\r\n" % (len(body), body),  # LF alone
            b"%x\r\n" % (MAX_BODY_BYTES + rng.randint(1, 1 << 30)),
            b"f" * rng.randint(21, 40) + b"\r\n",
        ]
    )
    head = replace(request, body=b"", chunked=True).head()
    return head + chunked


def bad_length(request: Request, rng: random.Random) -> bytes:
    body = request.body or b"{}"
    length = len(body)
    header = rng.choice(
        [
            b"Content-Length: %d, %d" % (length, length + 1),
            b"Content-Length: %d\r\nContent-Length: %d" % (length, length + 1),
            b"Content-Length: -%d" % length,
            b"Content-Length: %dx" % length,
            b"Content-Length: 0x%x" % length,
            b"Content-Length: " + b"9" * rng.randint(9, 5000),
            b"Content-Length: %d" % (MAX_BODY_BYTES + 1),
            b"Content-Length: %d" % (length + rng.randint(1, 100)),  # longer than sent
            b"Content-Length: %d" % rng.randint(0, length - 1),  # shorter than sent
        ]
    )
    head = replace(request, body=b"", chunked=False).head()
    return head[:-2] + header + b"\r\n\r\n" + body


def both_framings(request: Request, rng: random.Random) -> bytes:
    body = request.body or b"{}"
    chunked = replace(request, body=body, chunked=True)
    length = b"Content-Length: %d\r\n" % rng.choice([0, 3, len(body), len(body) + 40])
    head = chunked.head()
    return head[:-2] + length + b"\r\n" + chunked.encoded_body(rng)


def odd_transfer_coding(request: Request, rng: random.Random) -> bytes:
    body = request.body or b"{}"
    chunked = replace(request, body=body, chunked=True)
    coding = rng.choice([b"gzip, chunked", b"chunked, gzip", b"identity", b"", b"chunked, chunked"])
    head = chunked.head().replace(b"Transfer-Encoding: chunked", b"Transfer-Encoding: " + coding)
    return head + chunked.encoded_body(rng)


def bare_lf(request: Request, rng: random.Random) -> bytes:
    # LF alone ends a head's line (RFC 9112 2.2 allows it), not a chunk's.
    return replace(request, newline=b"\n").wire(rng)


def no_blank_line(request: Request, _rng: random.Random) -> bytes:
    return request.head()[:-2]


def other_version(request: Request, rng: random.Random) -> bytes:
    version = rng.choice([b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.x", b"HTTPS/1.1", b"HTTP/0.9"])
    return replace(request, version=version).wire(rng)


MUTATIONS: list[Mutation] = [
    untouched,
    untouched,
    garbage_request_line,
    byte_in_target,
    bad_header,
    bad_header,
    folded_header,
    non_ascii_value,
    bad_chunks,
    bad_chunks,
    bad_length,
    bad_length,
    both_framings,
    odd_transfer_coding,
    bare_lf,
    no_blank_line,
    other_version,
]


# Whatever they draw, these leave a request whole: it must be answered (with a 400 or else).
# The others may leave it unfinished (a body shorter than its length, a head without its end),
# and a request the client did not finish gets no answer.
WHOLE: set[Mutation] = {
    untouched,
    garbage_request_line,
    byte_in_target,
    bad_header,
    folded_header,
    non_ascii_value,
    both_framings,
    odd_transfer_coding,
    bare_lf,
    other_version,
}


@dataclass(frozen=True)
class Case:
    names: list[str]
    data: bytes
    #: Whether the first request is whole, so that an answer must come back.
    answered: bool


def draw_case(rng: random.Random, job_id: str, model_id: str) -> Case:
    """A connection's bytes: one to three requests, maybe cut short."""
    mutations = [rng.choice(MUTATIONS) for _ in range(rng.choice([1, 1, 2, 3]))]
    data = b"".join(mutation(valid_request(rng, job_id, model_id), rng) for mutation in mutations)
    names = [mutation.__name__ for mutation in mutations]
    answered = mutations[0] in WHOLE
    if rng.random() < 0.15:
        cut = rng.randint(0, len(data) - 1)
        names.append(f"cut at {cut}")
        data = data[:cut]
        answered = False
    return Case(names, data, answered)


# --- the exchange, and what an answer must look like -------------------------------------------


def exchange(url: str, data: bytes) -> bytes:
    """Send everything, close the sending side, and read until the server closes."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except BrokenPipeError:
            pass  # the server refused early and closed: its answer is still to be read
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[bytes, bytes]
    body: Any


def answers_in(raw: bytes) -> list[Answer]:
    """Every answer in ``raw``; fails unless each is well-formed and nothing else follows."""
    answers: list[Answer] = []
    while raw:
        assert not any(a.headers.get(b"connection") == b"close" for a in answers), raw
        head, separator, raw = raw.partition(b"\r\n\r\n")
        assert separator, f"an answer's head does not end: {head!r}"
        status_line, *lines = head.split(b"\r\n")
        matched = STATUS_LINE.fullmatch(status_line)
        assert matched, status_line
        headers: dict[bytes, bytes] = {}
        for line in lines:
            name, colon, value = line.partition(b": ")
            assert colon, line
            assert name.lower() not in headers, f"{name!r} twice"
            headers[name.lower()] = value
        length = int(headers[b"content-length"])
        content, raw = raw[:length], raw[length:]
        assert len(content) == length, "the body is shorter than its Content-Length"
        status = int(matched[1])
        if status == 307:  # the router's redirect, as the real one: a location, no body
            assert b"location" in headers
            assert content == b""
            answers.append(Answer(status, headers, None))
            continue
        assert headers[b"content-type"] == b"application/json", headers
        answers.append(Answer(status, headers, json.loads(content)))
    return answers


# --- the tests ----------------------------------------------------------------------------------


@dataclass
class Served:
    mock: ClassifierJobsMock
    server: LiveServer
    job_id: str
    model_id: str

    def store(self) -> tuple[Any, ...]:
        return dict(self.mock.jobs), dict(self.mock.files), dict(self.mock.models)

    def serves(self) -> bool:
        request = b"GET %s?page_size=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test\r\n\r\n"
        answers = answers_in(exchange(self.server.url, request % JOBS))
        return [answer.status for answer in answers] == [200]


@pytest.fixture(name="served")
def served_fixture() -> Iterator[Served]:
    mock = ClassifierJobsMock(seed=13, frozen_at=FROZEN_AT, progression="manual")
    job = mock.add(status="RUNNING")
    card = mock.add_model(targets={"sentiment": ["positive", "negative"]})
    mock.add_file([{"text": "great", "labels": {"sentiment": "positive"}}])
    with LiveServer(mock) as server:
        yield Served(mock, server, job.id, card.id)


@pytest.mark.parametrize("seed", SEEDS)
def test_malformed_traffic_changes_nothing_and_gets_well_formed_answers(
    served: Served, seed: int
) -> None:
    rng = random.Random(seed)
    statuses: set[int] = set()
    for number in range(CASES_PER_SEED):
        case = draw_case(rng, served.job_id, served.model_id)
        where = f"seed {seed}, case {number}: {case.names}\n{case.data[:600]!r}"
        before = served.store()
        created_before = len(before[0])

        answers = answers_in(exchange(served.server.url, case.data))

        if case.answered:
            assert answers, where
        successes = [answer for answer in answers if 200 <= answer.status < 300]
        if not successes:
            assert served.store() == before, where
        # However many succeeded, none stored more than one job each.
        assert len(served.mock.jobs) - created_before <= len(successes), where
        assert served.serves(), where
        statuses.update(answer.status for answer in answers)
    # The seeds reach refusals and successes alike (a fuzzer stuck on one answer tests little).
    assert {200, 400} <= statuses


BAD_HEADERS = [
    pytest.param(b"X-Caf\xc3\xa9: 1", 400, id="non-ascii-name"),
    pytest.param(b"X-Note: a\x00b", 400, id="nul-in-value"),
    pytest.param(b"X-Note: a\rContent-Length: 0", 400, id="bare-cr-in-value"),
    pytest.param(b" X-Folded: 1", 400, id="folded"),
    pytest.param(b"Transfer-Encoding: gzip, chunked", 501, id="gzip-chunked"),
    pytest.param(b"Content-Length: 1, 2", 400, id="two-lengths"),
    pytest.param(None, 200, id="none: the control"),
]


@pytest.mark.parametrize(("line", "status"), BAD_HEADERS)
def test_a_valid_create_with_one_bad_header_stores_nothing(
    served: Served, line: bytes | None, status: int
) -> None:
    head = [b"POST %s HTTP/1.1" % JOBS, b"Host: x", b"Authorization: Bearer test"]
    head += [b"Content-Type: application/json", b"Content-Length: %d" % len(CREATE)]
    if line is not None:
        head.insert(2, line)
    before = served.store()

    (answer,) = answers_in(exchange(served.server.url, b"\r\n".join([*head, b"", CREATE])))

    assert answer.status == status
    if status == 200:  # the create is valid: without the bad header, it is stored
        assert answer.body["id"] in served.mock.jobs
        assert len(served.mock.jobs) == len(before[0]) + 1
    else:
        assert answer.headers[b"connection"] == b"close"
        assert isinstance(answer.body["detail"], str)
        assert served.store() == before
        assert served.mock.routes["create"].call_count == 0
    assert served.serves()


def test_the_checker_refuses_what_is_not_a_well_formed_answer() -> None:
    # The fuzzer's own parser must be able to fail, or its passing means nothing.
    good = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    assert [answer.status for answer in answers_in(good + good)] == [200, 200]
    for bad in [
        good[:-1],  # cut short
        good + b"junk",
        good.replace(b"Content-Length: 2", b"Content-Length: 3") + b"x",  # not JSON
        good.replace(b"HTTP/1.1 200 OK", b"HTTP/1.0 200 OK"),
        good.replace(b"application/json", b"text/html"),
        good.replace(b"\r\nContent-Length: 2", b""),  # no length
        good.replace(b"OK\r\n", b"OK\r\nConnection: close\r\n") + good,  # after a close
    ]:
        with pytest.raises((AssertionError, KeyError, ValueError)):
            answers_in(bad)
