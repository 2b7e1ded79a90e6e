"""The command line, ``python -m pytest_classifierjobs serve|sample``.

Most tests call ``main([...])`` in this process, so that coverage sees every line; ``serve`` is
then stopped by a patched ``LiveServer.serve_forever`` that serves in the background, lets the
test talk to it over a real socket, and raises ``KeyboardInterrupt`` as Ctrl-C would. A few run
the real command in a subprocess: Ctrl-C (SIGINT) and SIGTERM on ``serve``, a reader that stops
early on ``sample``, and the same seed in two processes. Every wait is bounded.
"""

from __future__ import annotations

import _thread
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import pytest
import time_machine

import pytest_classifierjobs.__main__ as cli_module
from pytest_classifierjobs import (
    TERMINAL_STATUSES,
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    LiveServer,
    coherence_violations,
    from_wire,
)
from pytest_classifierjobs.__main__ import main

if TYPE_CHECKING:
    from tests.conftest import SDK

T = TypeVar("T")
S = ClassifierJobOutStatus
TIMEOUT = 10.0
PROCESS_TIMEOUT = 120.0
AUTH = {"Authorization": "Bearer test-key", "Content-Type": "application/json"}
JOBS = "/v1/fine_tuning/jobs"
CREATE = json.dumps(
    {
        "model": "ministral-3b-latest",
        "job_type": "classifier",
        "hyperparameters": {"training_steps": 10},
        "training_files": [{"file_id": "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"}],
        "auto_start": True,
    }
).encode()
BANNER = re.compile(
    r"Serving the fake jobs API at (?P<url>http://\S+) \(seed (?P<seed>-?\d+), "
    r"(?P<jobs>\d+) jobs\); Ctrl-C stops it\."
)
MAX_POLLS = 20


# --- helpers ------------------------------------------------------------------------------------


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``main(args)``, argparse's exits included."""
    try:
        status = main(args)
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else -1
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def command(*args: str) -> list[str]:
    return [sys.executable, "-I", "-m", "pytest_classifierjobs", *args]


def run_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # cwd: not the checkout, whose pytest_classifierjobs/ would shadow the installed package.
    return subprocess.run(
        command(*args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )


def call(
    url: str, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = AUTH
) -> tuple[int, Any]:
    """Status and JSON body of one request over a new connection."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=dict(headers))
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def statuses_until_terminal(url: str, job_id: str) -> list[str]:
    seen: list[str] = []
    while not seen or seen[-1] not in TERMINAL_STATUSES:
        assert len(seen) < MAX_POLLS, f"still polling after {seen}"
        status, body = call(url, "GET", f"{JOBS}/{job_id}")
        assert status == 200, body
        seen.append(body["status"])
    return seen


@pytest.fixture(name="serve")
def serve_fixture(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, Any]]:
    """Run ``main(["serve", *args])``; ``visit(url)`` talks to it, then comes a Ctrl-C.

    Returns the exit status, what was printed and what ``visit`` returned.
    """

    def serve(args: list[str], visit: Callable[[str], T]) -> tuple[int, str, T]:
        visited: list[T] = []

        def serving(server: LiveServer) -> None:
            server.start()  # in the background, so that this thread can be the client
            visited.append(visit(server.url))
            raise KeyboardInterrupt

        monkeypatch.setattr(LiveServer, "serve_forever", serving)
        status = main(["serve", *args])
        (result,) = visited
        return status, capsys.readouterr().out, result

    return serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- serve --------------------------------------------------------------------------------------


def test_serve_prints_its_url_serves_the_jobs_and_stops_on_ctrl_c(
    serve: Callable[..., tuple[int, str, Any]],
) -> None:
    def visit(url: str) -> Any:
        return url, call(url, "GET", f"{JOBS}?page_size=100")

    status, out, (url, (code, listing)) = serve(
        ["--port", "0", "--jobs", "12", "--seed", "1"], visit
    )

    assert status == 0
    banner, stopped = out.splitlines()
    found = BANNER.fullmatch(banner)
    assert found is not None, banner
    assert (found["url"], found["seed"], found["jobs"]) == (url, "1", "12")
    assert stopped == "Stopped."
    assert code == 200
    assert listing["total"] == 12
    counts = Counter(job["status"] for job in listing["data"])
    assert set(counts) == {status.value for status in S}  # all ten
    assert counts == Counter({s.value: 2 if s in {S.QUEUED, S.STARTED} else 1 for s in S})


def test_serve_draws_a_seed_when_given_none(serve: Callable[..., tuple[int, str, Any]]) -> None:
    seeds = []
    for _ in range(2):
        status, out, _ = serve(["--port", "0"], lambda url: call(url, "GET", JOBS))
        found = BANNER.fullmatch(out.splitlines()[0])
        assert status == 0
        assert found is not None
        assert found["jobs"] == "0"
        seeds.append(int(found["seed"]))

    assert seeds[0] != seeds[1]
    assert all(0 <= seed < 2**32 for seed in seeds)


def test_the_same_seed_serves_the_same_jobs(serve: Callable[..., tuple[int, str, Any]]) -> None:
    # The clock frozen at one moment: the stored jobs end in the hour before the clock's now,
    # which on the wall clock could be a second later in the second run.
    args = ["--port", "0", "--jobs", "4", "--seed", "77", "--frozen-at", "1744814706"]

    first = serve(args, lambda url: call(url, "GET", JOBS))[2]
    second = serve(args, lambda url: call(url, "GET", JOBS))[2]
    other = serve(
        ["--port", "0", "--jobs", "4", "--seed", "78", "--frozen-at", "1744814706"],
        lambda url: call(url, "GET", JOBS),
    )

    assert first == second
    assert first[1]["total"] == 4
    assert other[2] != first


def test_serve_on_a_given_host_and_port(serve: Callable[..., tuple[int, str, Any]]) -> None:
    port = free_port()

    status, out, url = serve(["--host", "127.0.0.1", "--port", str(port)], lambda url: url)

    assert status == 0
    assert url == f"http://127.0.0.1:{port}"
    assert f"at {url} " in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([], 401, id="auth-by-default"),
        pytest.param(["--no-auth"], 200, id="no-auth"),
    ],
)
def test_no_auth_accepts_requests_without_a_token(
    serve: Callable[..., tuple[int, str, Any]], args: list[str], code: int
) -> None:
    _, _, (status, _) = serve(["--port", "0", *args], lambda url: call(url, "GET", JOBS, None, {}))

    assert status == code


@pytest.mark.parametrize(
    ("args", "statuses"),
    [
        pytest.param(
            [],
            ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"],
            id="per_get-SUCCESS-by-default",
        ),
        pytest.param(
            ["--outcome", "FAILED"],
            ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "FAILED"],
            id="outcome-FAILED",
        ),
        pytest.param(
            ["--outcome", "FAILED_VALIDATION"],
            ["VALIDATING", "FAILED_VALIDATION"],
            id="outcome-FAILED_VALIDATION",
        ),
        pytest.param(
            ["--progression", "per_get", "--outcome", "CANCELLED"],
            ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "CANCELLATION_REQUESTED", "CANCELLED"],
            id="outcome-CANCELLED",
        ),
    ],
)
def test_created_jobs_follow_the_outcome(
    serve: Callable[..., tuple[int, str, Any]], args: list[str], statuses: list[str]
) -> None:
    def visit(url: str) -> list[str]:
        code, created = call(url, "POST", JOBS, CREATE)
        assert (code, created["status"]) == (200, "QUEUED")
        return statuses_until_terminal(url, created["id"])

    _, _, seen = serve(["--port", "0", "--seed", "3", *args], visit)

    assert seen == statuses


def test_progression_manual_leaves_created_jobs_where_they_are(
    serve: Callable[..., tuple[int, str, Any]],
) -> None:
    def visit(url: str) -> list[str]:
        _, created = call(url, "POST", JOBS, CREATE)
        return [call(url, "GET", f"{JOBS}/{created['id']}")[1]["status"] for _ in range(5)]

    _, _, seen = serve(["--port", "0", "--progression", "manual", "--outcome", "FAILED"], visit)

    assert seen == ["QUEUED"] * 5


RECORDED = 1744814706  # 2025-04-16T14:45:06Z


@pytest.mark.parametrize(
    "moment", ["2025-04-16T14:45:06Z", "2025-04-16T16:45:06+02:00", "1744814706"]
)
def test_frozen_at_stops_the_served_clock_at_that_moment(
    serve: Callable[..., tuple[int, str, Any]], moment: str
) -> None:
    def visit(url: str) -> tuple[Any, list[Any], Any]:
        _, created = call(url, "POST", JOBS, CREATE)
        gets = [call(url, "GET", f"{JOBS}/{created['id']}")[1] for _ in range(2)]
        return created, gets, call(url, "GET", JOBS)[1]

    _, _, (created, gets, listing) = serve(
        ["--port", "0", "--jobs", "3", "--frozen-at", moment], visit
    )

    # A created job carries the frozen moment, and so does each step a GET takes (per_get).
    assert (created["created_at"], created["modified_at"]) == (RECORDED, RECORDED)
    assert [job["status"] for job in gets] == ["VALIDATING", "VALIDATED"]
    assert {event["created_at"] for job in gets for event in job["events"]} == {RECORDED}
    # The stored jobs end within the hour before it.
    stored = [job for job in listing["data"] if job["id"] != created["id"]]
    assert len(stored) == 3
    assert all(RECORDED - 3600 <= job["modified_at"] <= RECORDED for job in stored)


def test_time_scale_and_progression_time_move_jobs_with_a_fast_clock(
    serve: Callable[..., tuple[int, str, Any]],
) -> None:
    def visit(url: str) -> tuple[float, Any, list[str], Any]:
        # The wall clock is held still, 10 s after the server's clock started, then moved by
        # hand: no wall time is waited for or measured.
        with time_machine.travel(time.time() + 10, tick=False) as traveller:
            now = time.time()
            _, created = call(url, "POST", JOBS, CREATE)
            job_path = f"{JOBS}/{created['id']}"
            still = [call(url, "GET", job_path)[1]["status"] for _ in range(5)]
            traveller.shift(60)  # a minute of the wall clock: an hour of the fake's
            return now, created, still, call(url, "GET", job_path)[1]

    args = ["--port", "0", "--time-scale", "60", "--progression", "time", "--seed", "5"]
    _, _, (now, created, still, later) = serve(args, visit)

    # The fake's clock ran 60 times faster than the wall clock since it started: 10 s or more
    # of the wall clock were 600 s or more of its own, so 590 s or more ahead (less the
    # fraction of a second that the API's whole seconds drop).
    assert created["created_at"] > now + 589
    # Time progression: with the clock held still, GETs do not move the job.
    assert still == ["QUEUED"] * 5
    # An hour of the fake's time is longer than the queue, validation and the wait to run
    # (251 s at most by default): the job has caught up with it.
    assert later["status"] in {"RUNNING", "SUCCESS"}
    statuses = [event["data"]["status"] for event in later["events"]]
    assert statuses[:4] == ["QUEUED", "VALIDATING", "VALIDATED", "RUNNING"]
    moments = [event["created_at"] for event in later["events"]]
    assert moments == sorted(moments)
    assert moments[-1] <= created["created_at"] + 3600 + 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (1.0, None, "per_get")),
        (["--time-scale", "60", "--progression", "time"], (60.0, None, "time")),
        (["--time-scale", "2.5"], (2.5, None, "per_get")),
        (["--frozen-at", "2025-04-16T14:45:06Z"], (1.0, RECORDED, "per_get")),
        (["--frozen-at", "1744814706.5", "--progression", "time"], (1.0, RECORDED + 0.5, "time")),
    ],
    ids=["default", "scale-60-time", "scale-2.5", "frozen-iso", "frozen-seconds-time"],
)
def test_serve_gives_its_fake_the_clock_of_the_options(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: tuple[float, float | None, str],
) -> None:
    scale, frozen_at, progression = expected
    served: list[LiveServer] = []

    def serving(server: LiveServer) -> None:
        served.append(server)
        raise KeyboardInterrupt

    monkeypatch.setattr(LiveServer, "serve_forever", serving)

    assert main(["serve", "--port", "0", *args]) == 0

    (server,) = served
    clock = server.mock.clock
    assert server.mock.store.clock is clock
    assert (clock.scale, clock.frozen, server.mock.store.progression) == (
        scale,
        frozen_at is not None,
        progression,
    )
    if frozen_at is not None:
        assert clock.time() == frozen_at
    assert capsys.readouterr().out.endswith("Stopped.\n")


def test_api_keys_validation_and_base_models_reach_the_served_fake(
    serve: Callable[..., tuple[int, str, Any]],
) -> None:
    other_model = json.dumps({**json.loads(CREATE), "model": "ministral-3b-2410"}).encode()

    def visit(url: str) -> list[int]:
        def status(key: str, body: bytes | None = None, query: str = "") -> int:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            method = "GET" if body is None else "POST"
            return call(url, method, f"{JOBS}{query}", body, headers)[0]

        return [
            status("one"),
            status("two"),
            status("revoked"),
            status("one", query="?page=-1"),  # strict: the page must not be negative
            status("one", other_model),
            status("one", CREATE),  # ministral-3b-latest is not among the given models
        ]

    args = ["--port", "0", "--api-key", "one", "--api-key", "two", "--validation", "strict"]
    _, _, seen = serve([*args, "--base-model", "ministral-3b-2410"], visit)

    assert seen == [200, 200, 401, 422, 200, 422]


def test_any_base_model_accepts_any_model(serve: Callable[..., tuple[int, str, Any]]) -> None:
    body = json.dumps({**json.loads(CREATE), "model": "my-own-model"}).encode()
    _, _, (code, created) = serve(
        ["--port", "0", "--any-base-model"], lambda url: call(url, "POST", JOBS, body)
    )

    assert (code, created["model"]) == (200, "my-own-model")


def test_serve_stops_quietly_when_the_server_stops_by_itself(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(LiveServer, "serve_forever", lambda _server: None)

    status, out, err = run_main(["serve", "--port", "0"], capsys)

    assert status == 0
    assert BANNER.fullmatch(out.strip()) is not None  # no "Stopped."
    assert err == ""


def test_serve_with_the_real_serve_forever_stops_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # main() serves in this, the main thread, as on the command line; another thread is the
    # client, then presses Ctrl-C (interrupt_main) once it has been answered, that is once
    # serve_forever is running.
    assert threading.current_thread() is threading.main_thread()
    servers: queue.Queue[LiveServer] = queue.Queue()
    answers: list[tuple[int, Any]] = []
    errors: list[BaseException] = []
    real_serve_forever = LiveServer.serve_forever

    def serve_forever(server: LiveServer) -> None:
        servers.put(server)
        real_serve_forever(server)

    def client() -> None:
        try:
            server = servers.get(timeout=TIMEOUT)
            answers.append(call(server.url, "GET", JOBS))
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            _thread.interrupt_main()

    monkeypatch.setattr(LiveServer, "serve_forever", serve_forever)
    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    status, out, err = run_main(["serve", "--port", "0", "--jobs", "2", "--no-auth"], capsys)
    thread.join(TIMEOUT)

    assert errors == []
    assert status == 0
    assert out.splitlines()[-1] == "Stopped."
    assert err == ""
    assert [(code, body["total"]) for code, body in answers] == [(200, 2)]


def test_serve_reports_an_address_it_cannot_bind(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, _, err = run_main(["serve", "--host", "127.0.0.1", "--port", str(port)], capsys)

    assert status == 1
    assert err.startswith(f"cannot listen on 127.0.0.1:{port}: ")
    assert "Traceback" not in err


# --- serve, in a real process -------------------------------------------------------------------


@pytest.fixture(name="spawn")
def spawn_fixture(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start the command line in a subprocess; any still running at teardown is killed."""
    started: list[subprocess.Popen[str]] = []

    def spawn(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            command(*args),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=PROCESS_TIMEOUT)


def read_line(stream: IO[str], timeout: float) -> str:
    """One line from a subprocess's pipe, or fail after ``timeout`` seconds."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"no line within {timeout} s")


def test_serve_in_a_subprocess_answers_then_stops_on_sigint(
    spawn: Callable[..., subprocess.Popen[str]],
) -> None:
    process = spawn("serve", "--port", "0", "--jobs", "12", "--seed", "1")
    assert process.stdout is not None

    found = BANNER.fullmatch(read_line(process.stdout, PROCESS_TIMEOUT).rstrip("\n"))
    assert found is not None
    url = found["url"]
    code, listing = call(url, "GET", f"{JOBS}?page_size=100")
    no_token = call(url, "GET", JOBS, None, {})
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=PROCESS_TIMEOUT)

    assert url.startswith("http://127.0.0.1:")
    assert (code, listing["total"]) == (200, 12)
    assert {job["status"] for job in listing["data"]} == {status.value for status in S}
    assert no_token == (401, {"detail": "Unauthorized"})
    assert process.returncode == 0
    assert out == "Stopped.\n"
    assert err == ""


def test_serve_no_auth_in_a_subprocess(spawn: Callable[..., subprocess.Popen[str]]) -> None:
    process = spawn("serve", "--port", "0", "--no-auth", "--progression", "manual")
    assert process.stdout is not None
    found = BANNER.fullmatch(read_line(process.stdout, PROCESS_TIMEOUT).rstrip("\n"))
    assert found is not None

    code, created = call(found["url"], "POST", JOBS, CREATE, {"Content-Type": "application/json"})
    got = call(found["url"], "GET", f"{JOBS}/{created['id']}", None, {})
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=PROCESS_TIMEOUT)

    assert code == 200
    assert got[0] == 200
    assert got[1]["status"] == "QUEUED"
    assert (process.returncode, out, err) == (0, "Stopped.\n", "")


def test_serve_in_a_subprocess_stops_on_sigterm_and_closes_its_connections(
    spawn: Callable[..., subprocess.Popen[str]],
) -> None:
    # What docker stop sends (PID 1 in a container is not killed by a signal it has no handler
    # for: without one, docker stop waits ten seconds, then kills).
    process = spawn("serve", "--port", "0", "--no-auth")
    assert process.stdout is not None
    found = BANNER.fullmatch(read_line(process.stdout, PROCESS_TIMEOUT).rstrip("\n"))
    assert found is not None
    parts = urlsplit(found["url"])
    assert parts.hostname is not None
    kept = http.client.HTTPConnection(parts.hostname, parts.port, timeout=PROCESS_TIMEOUT)
    try:
        kept.request("GET", JOBS)
        answer = kept.getresponse()
        assert (answer.status, json.loads(answer.read())["total"]) == (200, 0)
        assert kept.sock is not None
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=PROCESS_TIMEOUT)
        closed = kept.sock.recv(1)  # the kept-alive connection was ended
    finally:
        kept.close()

    assert (process.returncode, out, err) == (0, "Stopped (SIGTERM).\n", "")
    assert closed == b""


def test_serve_stops_on_sigterm_and_puts_the_previous_handler_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real serve_forever in this, the main thread; another thread is the client, then
    # delivers SIGTERM to the main thread as the kernel would (interrupt_main runs the Python
    # handler, and does nothing where there is none: it cannot kill the test run).
    assert threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM)
    urls: queue.Queue[str] = queue.Queue()
    answers: list[tuple[int, Any]] = []
    errors: list[BaseException] = []
    real_serve_forever = LiveServer.serve_forever

    def serve_forever(server: LiveServer) -> None:
        urls.put(server.url)
        real_serve_forever(server)

    def client() -> None:
        try:
            url = urls.get(timeout=TIMEOUT)
            answers.append(call(url, "GET", JOBS))
            urls.put(url)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            _thread.interrupt_main(signal.SIGTERM)

    monkeypatch.setattr(LiveServer, "serve_forever", serve_forever)
    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    status, out, err = run_main(["serve", "--port", "0", "--no-auth"], capsys)
    thread.join(TIMEOUT)

    assert errors == []
    assert [code for code, _ in answers] == [200]
    assert (status, err) == (0, "")
    assert out.splitlines()[-1] == "Stopped (SIGTERM)."
    assert signal.getsignal(signal.SIGTERM) is previous
    assert refuses(urls.get_nowait())  # stopped, and its socket closed


def test_serve_from_another_thread_leaves_the_signal_handlers_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the main thread may set a handler: from another, serve neither tries nor fails.
    handlers: list[Any] = []
    statuses: list[int] = []

    def serve_forever(_server: LiveServer) -> None:
        handlers.append(signal.getsignal(signal.SIGTERM))  # and return: stopped elsewhere

    monkeypatch.setattr(LiveServer, "serve_forever", serve_forever)
    previous = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=lambda: statuses.append(main(["serve", "--port", "0"])))
    thread.start()
    thread.join(TIMEOUT)

    assert statuses == [0]
    assert handlers == [previous]
    assert "Stopped" not in capsys.readouterr().out


def refuses(url: str) -> bool:
    """Whether nothing listens at ``url`` any more."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT).close()
    except ConnectionRefusedError:
        return True
    return False


# --- sample -------------------------------------------------------------------------------------


def sample(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    status, out, err = run_main(["sample", *args], capsys)
    assert (status, err) == (0, "")
    assert out.endswith(("}\n", "]\n"))
    return json.loads(out)


def test_sample_prints_one_job_object(capsys: pytest.CaptureFixture[str]) -> None:
    body = sample(capsys)

    assert isinstance(body, dict)
    job = from_wire(ClassifierJobOut, body)
    assert (body["object"], body["job_type"]) == ("job", "classifier")
    assert "classifier_targets" not in body
    assert coherence_violations(job) == []


def test_sample_count_prints_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    bodies = sample(capsys, "--count", "3")

    assert isinstance(bodies, list)
    assert len(bodies) == 3
    jobs = [from_wire(ClassifierJobOut, body) for body in bodies]
    assert len({job.id for job in jobs}) == 3


@pytest.mark.parametrize("status", list(S), ids=[status.value for status in S])
def test_sample_status(capsys: pytest.CaptureFixture[str], status: ClassifierJobOutStatus) -> None:
    bodies = sample(capsys, "--status", status.value, "--count", "2", "--detailed")

    jobs = [from_wire(ClassifierDetailedJobOut, body) for body in bodies]
    assert [job.status for job in jobs] == [status, status]
    assert [coherence_violations(job) for job in jobs] == [[], []]


def test_sample_detailed_adds_targets_events_and_checkpoints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    short = sample(capsys, "--seed", "5", "--status", "SUCCESS")
    detailed = sample(capsys, "--seed", "5", "--status", "SUCCESS", "--detailed")

    assert set(detailed) - set(short) == {"classifier_targets", "events", "checkpoints"}
    assert {key: detailed[key] for key in short} == short
    job = from_wire(ClassifierDetailedJobOut, detailed)
    assert job.classifier_targets
    assert job.events
    assert job.checkpoints


def test_sample_seed_is_reproducible_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    first = sample(capsys, "--seed", "11", "--count", "3", "--detailed")
    second = sample(capsys, "--seed", "11", "--count", "3", "--detailed")
    other = sample(capsys, "--seed", "12", "--count", "3", "--detailed")
    unseeded = [sample(capsys, "--count", "2") for _ in range(2)]

    assert first == second
    assert other != first
    assert unseeded[0] != unseeded[1]


def test_sample_seed_is_reproducible_across_processes(tmp_path: Path) -> None:
    args = ("sample", "--seed", "2024", "--count", "3", "--detailed")

    first = run_command(*args, cwd=tmp_path)
    second = run_command(*args, cwd=tmp_path)

    assert (first.returncode, first.stderr) == (0, "")
    assert (second.returncode, second.stderr) == (0, "")
    assert first.stdout == second.stdout
    assert len(json.loads(first.stdout)) == 3


@pytest.mark.sdk
@pytest.mark.parametrize("detailed", [False, True], ids=["short", "detailed"])
def test_sample_output_is_valid_for_the_sdk(
    capsys: pytest.CaptureFixture[str], sdk: SDK, detailed: bool
) -> None:
    flags = ["--detailed"] if detailed else []
    bodies = sample(capsys, "--seed", "9", "--count", "10", *flags)
    model = sdk.ClassifierDetailedJobOut if detailed else sdk.ClassifierJobOut

    parsed = [model.model_validate(body) for body in bodies]

    assert [job.id for job in parsed] == [body["id"] for body in bodies]
    assert [job.status for job in parsed] == [body["status"] for body in bodies]
    listing = sdk.JobsOut.model_validate({"total": 10, "data": bodies, "object": "list"})
    assert listing.total == 10


def test_sample_into_a_reader_that_stops_early(spawn: Callable[..., subprocess.Popen[str]]) -> None:
    # python -m pytest_classifierjobs sample --count 200 --detailed | head -1
    process = spawn("sample", "--count", "200", "--detailed")
    assert process.stdout is not None
    assert process.stderr is not None

    first = read_line(process.stdout, PROCESS_TIMEOUT)
    process.stdout.close()  # far more than a pipe's buffer is still to come
    process.wait(timeout=PROCESS_TIMEOUT)

    assert first == "[\n"
    assert process.returncode == 0
    assert process.stderr.read() == ""


class _ClosedPipe:
    """A stdout whose reader has gone: every write raises ``BrokenPipeError``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


def test_sample_into_a_closed_pipe_points_stdout_at_devnull(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fd = os.open(tmp_path / "stdout", os.O_WRONLY | os.O_CREAT)
    try:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe(fd))
        status = main(["sample", "--count", "2"])
        monkeypatch.undo()
        assert status == 0
        # The descriptor now writes to the null device, so the flush at exit cannot fail.
        assert os.path.samestat(os.fstat(fd), os.stat(os.devnull))
    finally:
        os.close(fd)


# --- help and bad arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], ["serve", "sample"], id="top-level"),
        pytest.param(
            ["serve"],
            [
                "--host",
                "--port",
                "--seed",
                "--jobs",
                "--progression",
                "--time-scale",
                "--frozen-at",
                "--outcome",
                "--no-auth",
                "--api-key",
                "--validation",
                "--base-model",
                "--any-base-model",
            ],
            id="serve",
        ),
        pytest.param(["sample"], ["--status", "--count", "--seed", "--detailed"], id="sample"),
    ],
)
def test_help(capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str]) -> None:
    status, out, err = run_main([*args, "--help"], capsys)

    assert (status, err) == (0, "")
    assert out.startswith(f"usage: python -m pytest_classifierjobs {' '.join(args)}".rstrip())
    for word in expected:
        assert word in out


def test_help_in_a_subprocess(tmp_path: Path) -> None:
    done = run_command("serve", "--help", cwd=tmp_path)

    assert (done.returncode, done.stderr) == (0, "")
    assert "Serve the fake jobs API over HTTP until interrupted (Ctrl-C)." in done.stdout


ALL_STATUSES = [status.value for status in S]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["sample", "--status", "DONE"],
            ["argument --status", "'DONE'", *ALL_STATUSES],
            id="status-DONE",
        ),
        pytest.param(
            ["sample", "--count", "0"],
            ["argument --count: expected 1 or more, got 0"],
            id="count-0",
        ),
        pytest.param(
            ["sample", "--count", "x"],
            ["argument --count: expected a whole number, got 'x'"],
            id="count-x",
        ),
        pytest.param(
            ["sample", "--seed", "1.5"],
            ["argument --seed: expected an integer, got '1.5'"],
            id="sample-seed-1.5",
        ),
        pytest.param(
            ["serve", "--port", "70000"],
            ["argument --port: expected a port from 0 to 65535, got 70000"],
            id="port-70000",
        ),
        pytest.param(
            ["serve", "--port", "x"],
            ["argument --port: expected a port from 0 to 65535, got 'x'"],
            id="port-not-a-number",
        ),
        pytest.param(
            ["serve", "--port", "-1"],
            ["argument --port: expected a port from 0 to 65535, got -1"],
            id="port-minus-1",
        ),
        pytest.param(
            ["serve", "--seed", "x"],
            ["argument --seed: expected an integer, got 'x'"],
            id="seed-x",
        ),
        pytest.param(
            ["serve", "--jobs", "-1"],
            ["argument --jobs: expected 0 or more, got -1"],
            id="jobs-minus-1",
        ),
        pytest.param(
            ["serve", "--progression", "auto"],
            ["argument --progression", "'auto'", "per_get", "manual", "time"],
            id="progression-auto",
        ),
        pytest.param(
            ["serve", "--time-scale", "0"],
            ["argument --time-scale: expected a finite number above 0, got '0'"],
            id="time-scale-0",
        ),
        pytest.param(
            ["serve", "--time-scale", "x"],
            ["argument --time-scale: expected a number above 0, got 'x'"],
            id="time-scale-x",
        ),
        pytest.param(
            ["serve", "--time-scale", "inf"],
            ["argument --time-scale: expected a finite number above 0, got 'inf'"],
            id="time-scale-inf",
        ),
        pytest.param(
            ["serve", "--frozen-at", "yesterday"],
            [
                "argument --frozen-at: expected an ISO 8601 moment such as "
                "'2025-04-16T14:45:06Z', got 'yesterday'"
            ],
            id="frozen-at-yesterday",
        ),
        pytest.param(
            ["serve", "--frozen-at", "inf"],
            ["argument --frozen-at: a moment must be a finite number of Unix seconds, not inf"],
            id="frozen-at-inf",
        ),
        pytest.param(
            ["serve", "--outcome", "RUNNING"],
            ["argument --outcome", "'RUNNING'", "SUCCESS", "FAILED", "FAILED_VALIDATION"],
            id="outcome-RUNNING",
        ),
        pytest.param(
            ["deploy"],
            ["argument {serve,sample,check-sdk}: invalid choice", "'deploy'", "check-sdk"],
            id="unknown-command",
        ),
        pytest.param(["serve", "--port"], ["argument --port: expected one argument"], id="no-port"),
        pytest.param(
            ["serve", "--no-auth", "--api-key", "k"],
            ["argument --api-key: not allowed with argument --no-auth"],
            id="no-auth-and-a-key",
        ),
        pytest.param(
            ["serve", "--base-model", "m", "--any-base-model"],
            ["argument --any-base-model: not allowed with argument --base-model"],
            id="a-model-and-any",
        ),
        pytest.param(
            ["serve", "--validation", "lax"],
            ["argument --validation", "'lax'", "server", "strict"],
            id="validation-lax",
        ),
        pytest.param(["sample", "--colour"], ["unrecognized arguments: --colour"], id="unknown"),
    ],
)
def test_a_bad_argument_exits_2_naming_what_is_allowed(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str]
) -> None:
    status, out, err = run_main(args, capsys)

    assert (status, out) == (2, "")
    assert err.startswith("usage: python -m pytest_classifierjobs")
    for text in expected:
        assert text in err
    assert "Traceback" not in err


def test_no_command_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_main([], capsys)

    assert status == 2
    assert "serve" in err
    assert "sample" in err


def test_no_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_main([], capsys)

    assert (status, out) == (2, "")
    assert "the following arguments are required: {serve,sample,check-sdk}" in err


def test_a_bad_argument_in_a_subprocess(tmp_path: Path) -> None:
    done = run_command("sample", "--status", "DONE", cwd=tmp_path)

    assert done.returncode == 2
    assert done.stdout == ""
    assert "invalid choice: 'DONE'" in done.stderr
    assert "Traceback" not in done.stderr


# --- python -m ----------------------------------------------------------------------------------


def test_python_m_runs_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What python -m does, by hand: runpy cannot load a module that pytest's assertion rewriter
    # imported (the package is a pytest plugin), so the file is compiled and run as __main__.
    assert cli_module.__file__ is not None
    path = Path(cli_module.__file__)
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    namespace = {"__name__": "__main__", "__package__": "pytest_classifierjobs"}
    monkeypatch.setattr(sys, "argv", ["pytest_classifierjobs", "sample", "--seed", "4"])

    with pytest.raises(SystemExit) as exit_:
        exec(code, namespace)

    assert exit_.value.code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == sample(capsys, "--seed", "4")
