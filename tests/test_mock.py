"""ClassifierJobsMock on respx, driven with plain httpx clients (no SDK, no network).

The only real HTTP here goes to a ``ThreadingHTTPServer`` on 127.0.0.1, to show which requests
the fake lets through.
"""

import asyncio
import datetime
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import attrs
import httpx
import pytest
import respx
from respx.models import AllMockedAssertionError, PassThrough

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOut,
    ClassifierJobOutFactory,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    ClassifierTrainingParameters,
    EventOut,
    IllegalTransitionError,
    JobMetadataOut,
    JobsOut,
    coherence_violations,
    from_wire,
    to_wire,
)
from pytest_classifierjobs.api import OPERATIONS
from pytest_classifierjobs.mock import DEFAULT_BASE_URL, reseeded_factory, seeded_factory
from pytest_classifierjobs.state.jobs import JobNotFoundError

S = ClassifierJobOutStatus
J = TypeVar("J", bound=ClassifierJobOut)
BASE = "https://api.mistral.ai"
JOBS = f"{BASE}/v1/fine_tuning/jobs"
AUTH = {"Authorization": "Bearer test-key"}
FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
CLOCK = 1_750_000_000
CREATE: dict[str, Any] = {
    "model": "ministral-3b-latest",
    "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
    "training_files": [{"file_id": FILE, "weight": 1.0}],
    "auto_start": False,
    "invalid_sample_skip_percentage": 0.0,
    "job_type": "classifier",
}


class _RealHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"real {self.command} {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        del format, args  # keep the test output quiet


@pytest.fixture(name="real_server")
def real_server_fixture() -> Iterator[str]:
    """The URL of a real HTTP server on 127.0.0.1 that answers ``real <method> <path>``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RealHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def create(client: httpx.Client, base: str = BASE, **changes: Any) -> dict[str, Any]:
    response = client.post(f"{base}/v1/fine_tuning/jobs", json={**CREATE, **changes}, headers=AUTH)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def get(client: httpx.Client, job_id: str, base: str = BASE) -> ClassifierDetailedJobOut:
    response = client.get(f"{base}/v1/fine_tuning/jobs/{job_id}", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return from_wire(ClassifierDetailedJobOut, response.json())


def coherent(job: J) -> J:
    assert coherence_violations(job) == [], (job.status, coherence_violations(job))
    return job


# --- activation -----------------------------------------------------------------------------


def test_the_context_manager_intercepts_inside_and_lets_go_after(real_server: str) -> None:
    fake = ClassifierJobsMock(base_url=real_server, seed=1)
    with httpx.Client() as client:
        with fake as entered:
            assert entered is fake
            inside = client.get(f"{real_server}/v1/fine_tuning/jobs", headers=AUTH)
        after = client.get(f"{real_server}/v1/fine_tuning/jobs", headers=AUTH)
    assert inside.status_code == 200
    assert inside.json() == {"total": 0, "data": [], "object": "list"}
    assert after.text == "real GET /v1/fine_tuning/jobs"
    assert fake.routes["list"].call_count == 1


def test_start_and_stop_keep_the_calls_readable() -> None:
    fake = ClassifierJobsMock(seed=2)
    assert fake.start() is fake
    try:
        with httpx.Client() as client:
            job = create(client)
            get(client, job["id"])
            assert client.get(f"{BASE}/v1/agents", headers=AUTH).status_code == 404
    finally:
        fake.stop()
    assert fake.routes["create"].call_count == 1
    assert fake.routes["get"].call_count == 1
    assert str(fake.routes["get"].calls.last.request.url) == f"{JOBS}/{job['id']}"
    assert fake.routes["create"].calls.last.response.json()["id"] == job["id"]
    assert [str(r.url) for r in fake.unhandled] == [f"{BASE}/v1/agents"]
    assert list(fake.jobs) == [job["id"]]


def test_starting_again_and_again_keeps_nothing_to_roll_back_to() -> None:
    # respx would snapshot the router at every start (for a rollback the fake never does):
    # a fake started a thousand times would hold a thousand snapshots, each costing set-up time.
    fake = ClassifierJobsMock(seed=2)
    for _ in range(3):
        with fake, httpx.Client() as client:
            create(client)
    assert fake.router._snapshots == []
    assert [route._snapshots for route in fake.router.routes] == [[]]
    assert fake.routes["create"].call_count == 3  # the calls are kept all the same
    assert len(fake.router.calls) == 3


def test_a_stopped_mock_can_start_again_with_its_jobs(real_server: str) -> None:
    fake = ClassifierJobsMock(base_url=real_server, seed=2)
    with httpx.Client() as client:
        with fake:
            job = create(client, real_server)
        with fake:
            assert get(client, job["id"], real_server).status is S.VALIDATING
    assert fake.routes["get"].call_count == 1


def test_bad_base_urls_say_what_is_expected() -> None:
    for base_url in ("ftp://api.mistral.ai", "api.mistral.ai", "http://", "/v1", ""):
        with pytest.raises(ValueError, match=r"\A") as caught:
            ClassifierJobsMock(base_url=base_url)
        assert str(caught.value) == (
            "base_url must be an absolute http(s) URL such as 'https://api.mistral.ai', "
            f"not {base_url!r}"
        )


def test_defaults() -> None:
    fake = ClassifierJobsMock()
    assert DEFAULT_BASE_URL == BASE
    assert fake.base_url == BASE
    assert fake.api.require_auth is True
    assert fake.store.progression == "per_get"
    assert fake.store.outcome is S.SUCCESS
    assert issubclass(fake.factory, ClassifierDetailedJobOutFactory)
    assert fake.factory is not ClassifierDetailedJobOutFactory
    assert fake.unhandled == []
    assert dict(fake.jobs) == {}


# --- routes and recording -------------------------------------------------------------------


def test_routes_show_the_calls_made_before_a_test_first_read_them() -> None:
    # The routes are made on first read; the calls made before it are there all the same, with
    # their requests and responses, and later calls are recorded on them too.
    with ClassifierJobsMock(seed=3) as fake, httpx.Client() as client:
        job_id = create(client)["id"]
        first = get(client, job_id)
        routes = fake.routes
        assert routes["create"].call_count == 1
        assert routes["get"].call_count == 1
        last = routes["get"].calls.last
        assert from_wire(ClassifierDetailedJobOut, last.response.json()) == first
        assert last.request.url.path.endswith(job_id)
        get(client, job_id)
    assert fake.routes["get"].call_count == 2
    assert fake.routes is not routes  # a new read-only view, of the same routes
    assert fake.routes["get"] is routes["get"]


def test_routes_map_each_operation_to_its_respx_route_with_call_counts() -> None:
    with ClassifierJobsMock(seed=3) as fake, httpx.Client() as client:
        assert tuple(fake.routes) == OPERATIONS
        assert {name: route.name for name, route in fake.routes.items()} == {
            name: name for name in OPERATIONS
        }
        job_id = create(client)["id"]
        client.get(JOBS, headers=AUTH)
        redirected = client.get(f"{JOBS}/", params={"page": 0}, headers=AUTH)
        assert redirected.status_code == 307  # to the list; this client does not follow it
        client.get(JOBS, params={"page": 0}, headers=AUTH)
        get(client, job_id)
        get(client, job_id)
        get(client, job_id)
        client.post(f"{JOBS}/{job_id}/start", headers=AUTH)
        client.post(f"{JOBS}/{job_id}/cancel", headers=AUTH)
        client.post(f"{JOBS}/{job_id}/cancel", headers=AUTH)
    assert {name: route.call_count for name, route in fake.routes.items()} == {
        "list": 2,
        "create": 1,
        "get": 3,
        "start": 1,
        "cancel": 2,
        **dict.fromkeys(OPERATIONS[5:], 0),  # the files', models' and classifiers'
    }
    assert fake.unhandled == []
    with pytest.raises(TypeError):
        fake.routes["list"] = fake.routes["get"]  # type: ignore[index]


def test_every_operation_answers_through_httpx() -> None:
    with ClassifierJobsMock(seed=4) as fake, httpx.Client() as client:
        created = client.post(JOBS, json=CREATE, headers=AUTH)
        assert created.status_code == 200
        assert created.headers["content-type"] == "application/json"
        short = from_wire(ClassifierJobOut, created.json())
        assert short == fake.jobs[short.id].summary()
        statuses = [get(client, short.id).status for _ in range(3)]
        assert statuses == [S.VALIDATING, S.VALIDATED, S.VALIDATED]
        started = client.post(f"{JOBS}/{short.id}/start", headers=AUTH)
        assert from_wire(ClassifierDetailedJobOut, started.json()).status is S.QUEUED
        assert get(client, short.id).status is S.RUNNING
        cancelled = client.post(f"{JOBS}/{short.id}/cancel", headers=AUTH)
        assert from_wire(ClassifierDetailedJobOut, cancelled.json()).status is (
            S.CANCELLATION_REQUESTED
        )
        assert coherent(get(client, short.id)).status is S.CANCELLED
        listed = from_wire(JobsOut, client.get(JOBS, headers=AUTH).json())
        assert listed.total == 1
        assert listed.data == [fake.jobs[short.id].summary()]
        again = client.post(f"{JOBS}/{short.id}/cancel", headers=AUTH)
        assert again.status_code == 409
        assert again.json() == {
            "detail": f"Job {short.id} cannot be cancelled: its status is CANCELLED, "
            "which is final."
        }
        assert client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH).json() == {
            "detail": "No fine tuning job matches the given query."
        }
        assert client.get(f"{JOBS}/nope", headers=AUTH).status_code == 422
        assert client.get(JOBS, params={"status": "DONE"}, headers=AUTH).status_code == 422
        assert client.get(JOBS).status_code == 401


@pytest.mark.parametrize(
    ("method", "url", "status", "detail"),
    [
        pytest.param("GET", f"{BASE}/v1/agents", 404, "Not Found", id="agents"),
        pytest.param("GET", f"{BASE}/", 404, "Not Found", id="root"),
        pytest.param("DELETE", f"{JOBS}/{UNKNOWN}", 405, "Method Not Allowed", id="DELETE-job"),
        pytest.param("PUT", JOBS, 405, "Method Not Allowed", id="PUT-jobs"),
        pytest.param("GET", f"{JOBS}/{UNKNOWN}/start", 405, "Method Not Allowed", id="GET-start"),
        pytest.param("POST", f"{JOBS}/{UNKNOWN}/stop", 404, "Not Found", id="unknown-action"),
        pytest.param("GET", f"{JOBS}/{UNKNOWN}/x", 404, "Not Found", id="below-a-job"),
    ],
)
def test_requests_under_the_base_url_that_are_no_operation_are_answered_and_recorded(
    method: str, url: str, status: int, detail: str
) -> None:
    with ClassifierJobsMock(seed=5) as fake, httpx.Client() as client:
        response = client.request(method, url, headers=AUTH)
        client.get(JOBS, headers=AUTH)
    assert response.status_code == status
    assert response.json() == {"detail": detail}
    assert response.headers["content-type"] == "application/json"
    assert [(r.method, str(r.url)) for r in fake.unhandled] == [(method, url)]
    assert all(route.call_count == 0 for name, route in fake.routes.items() if name != "list")


def test_unhandled_keeps_the_order_and_hands_out_copies() -> None:
    with ClassifierJobsMock(seed=5) as fake, httpx.Client() as client:
        client.get(f"{BASE}/v1/agents", headers=AUTH)
        client.delete(f"{JOBS}/{UNKNOWN}")
    recorded = fake.unhandled
    assert [r.method for r in recorded] == ["GET", "DELETE"]
    recorded.clear()
    assert len(fake.unhandled) == 2


def test_a_final_slash_is_redirected_as_the_real_router_does_and_clients_follow() -> None:
    # Starlette answers 307 to a path that a route has without its final "/" (or with one);
    # the SDK's client follows redirects, and so the request reaches its operation.
    with ClassifierJobsMock(seed=5) as fake, httpx.Client(follow_redirects=True) as client:
        job_id = create(client)["id"]
        answer = client.get(f"{JOBS}/{job_id}/", params={"a": "1"}, headers=AUTH)
        moved = client.post(f"{JOBS}//", json=CREATE, headers=AUTH)
    assert [str(r.url) for r in answer.history] == [f"{JOBS}/{job_id}/?a=1"]
    assert answer.history[0].headers["location"] == f"{JOBS}/{job_id}?a=1"
    assert (answer.status_code, answer.json()["id"]) == (200, job_id)
    assert (moved.status_code, moved.history[0].status_code) == (200, 307)  # body and all
    assert fake.routes["get"].call_count == 1
    assert fake.routes["create"].call_count == 2
    assert fake.unhandled == []


def test_an_encoded_slash_is_a_slash_to_the_router() -> None:
    # uvicorn decodes the path before Starlette routes it: a%2Fb is two segments.
    with ClassifierJobsMock(seed=5) as fake, httpx.Client() as client:
        below = client.get(f"{JOBS}/a%2Fb", headers=AUTH)
        start = client.get(f"{JOBS}/a%2Fstart", headers=AUTH)
    assert (below.status_code, below.json()) == (404, {"detail": "Not Found"})
    assert (start.status_code, start.headers["allow"]) == (405, "POST")
    assert [str(r.url) for r in fake.unhandled] == [f"{JOBS}/a%2Fb", f"{JOBS}/a%2Fstart"]


@pytest.mark.parametrize(
    "base_url", ["http://fake.test/prefix", "http://fake.test/prefix/"], ids=["bare", "slash"]
)
def test_a_base_url_with_a_path_prefix(base_url: str) -> None:
    base = "http://fake.test/prefix"
    with ClassifierJobsMock(base_url=base_url, seed=6) as fake, httpx.Client() as client:
        assert fake.base_url == base
        job = create(client, base)
        assert get(client, job["id"], base).status is S.VALIDATING
        listed = client.get(f"{base}/v1/fine_tuning/jobs", headers=AUTH).json()
        assert [j["id"] for j in listed["data"]] == [job["id"]]
        missing = client.get(f"{base}/v1/agents", headers=AUTH)
        wrong = client.delete(f"{base}/v1/fine_tuning/jobs/{job['id']}", headers=AUTH)
    assert (missing.status_code, wrong.status_code) == (404, 405)
    assert [str(r.url) for r in fake.unhandled] == [
        f"{base}/v1/agents",
        f"{base}/v1/fine_tuning/jobs/{job['id']}",
    ]
    # outside the prefix is not the fake's: handed back to respx as a pass-through
    with pytest.raises(PassThrough):
        fake.router.handler(httpx.Request("GET", "http://fake.test/v1/fine_tuning/jobs"))


@pytest.mark.parametrize(
    "base_url",
    [
        "https://API.mistral.ai",
        "https://api.mistral.ai:443",
        "http://Fake.test",
        "http://fake.test:80",
    ],
    ids=["case", "port", "other-host-case", "other-host-port"],
)
def test_an_equivalent_spelling_of_the_base_url_is_still_served(base_url: str) -> None:
    fake = ClassifierJobsMock(base_url=base_url, seed=6)
    url = str(httpx.URL(f"{base_url}/v1/fine_tuning/jobs"))  # as httpx sends it
    # the router alone, not started: no request can leave the process
    response = fake.router.handler(httpx.Request("GET", url, headers=AUTH))
    assert response.status_code == 200


def test_the_real_api_host_is_guarded_when_the_base_url_is_another() -> None:
    with ClassifierJobsMock(base_url="http://fake.test", seed=6) as fake, httpx.Client() as client:
        stray = client.get(JOBS, headers=AUTH)
        served = client.get("http://fake.test/v1/fine_tuning/jobs", headers=AUTH)
    assert stray.status_code == 404
    assert stray.json() == {"detail": "Not Found"}
    assert served.status_code == 200
    assert [str(r.url) for r in fake.unhandled] == [JOBS]
    assert fake.routes["list"].call_count == 1


def test_require_auth_false_and_the_store_options_pass_through() -> None:
    with (
        ClassifierJobsMock(
            seed=7, require_auth=False, progression="manual", outcome="FAILED"
        ) as fake,
        httpx.Client() as client,
    ):
        response = client.post(JOBS, json={**CREATE, "auto_start": True})
        assert response.status_code == 200
        job_id = response.json()["id"]
        statuses = [client.get(f"{JOBS}/{job_id}").json()["status"] for _ in range(2)]
        assert statuses == ["QUEUED", "QUEUED"]
        assert coherent(fake.advance(job_id, 10)).status is S.FAILED
        assert client.get(f"{JOBS}/{job_id}").json()["status"] == "FAILED"
    assert fake.store.progression == "manual"
    assert fake.store.outcome is S.FAILED


# --- add ------------------------------------------------------------------------------------


def test_add_with_nothing_builds_a_coherent_job_and_stores_it() -> None:
    with ClassifierJobsMock(seed=8) as fake, httpx.Client() as client:
        job = fake.add()
        assert isinstance(job, ClassifierDetailedJobOut)
        coherent(job)
        assert fake.jobs[job.id] is job
        assert get(client, job.id) == job
        assert get(client, job.id) == job  # it stays where it was put


def test_add_with_a_status_and_overrides() -> None:
    with ClassifierJobsMock(seed=8) as fake, httpx.Client() as client:
        job = fake.add(status="SUCCESS", model="my-base", suffix="exp")
        assert job.status is S.SUCCESS
        assert job.model == "my-base"
        assert job.suffix == "exp"
        assert job.fine_tuned_model is not None
        assert job.fine_tuned_model.startswith("ft:classifier:my-base:")
        coherent(job)
        odd = fake.add(status=S.QUEUED, fine_tuned_model="ft:odd")
        assert odd.fine_tuned_model == "ft:odd"  # overrides win over coherence
        assert [get(client, j.id).status for j in (job, odd)] == [S.SUCCESS, S.QUEUED]


def test_add_a_detailed_job_stores_that_very_job() -> None:
    job = ClassifierDetailedJobOutFactory.build(status="RUNNING")
    with ClassifierJobsMock(seed=8) as fake, httpx.Client() as client:
        assert fake.add(job) is job
        assert fake.jobs[job.id] is job
        assert get(client, job.id) == job


def test_add_a_short_job_completes_it_into_a_coherent_detailed_job() -> None:
    short = ClassifierJobOut(
        id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        auto_start=False,
        model="ministral-3b-latest",
        status="VALIDATING",
        created_at=CLOCK,
        modified_at=CLOCK + 10,
        training_files=[FILE],
        hyperparameters=ClassifierTrainingParameters(training_steps=10, seq_len=16384),
        suffix="exp",
        metadata=JobMetadataOut(cost=0.0),
    )
    with ClassifierJobsMock(seed=8) as fake, httpx.Client() as client:
        job = fake.add(short)
        assert type(job) is ClassifierDetailedJobOut
        assert job.summary() == short
        assert job.classifier_targets == []
        assert [e.data for e in job.events] == [{"status": "QUEUED"}, {"status": "VALIDATING"}]
        coherent(job)
        assert get(client, short.id) == job


def test_add_a_short_validated_job_with_a_quick_validation_stays_coherent() -> None:
    short = ClassifierJobOutFactory.build(status="VALIDATED")
    short = attrs.evolve(short, modified_at=short.created_at + 1)
    assert coherence_violations(short) == []
    fake = ClassifierJobsMock(seed=8)
    coherent(fake.add(short))


def test_add_any_coherent_short_job_keeps_its_fields_and_is_coherent() -> None:
    factory: type[ClassifierJobOutFactory] = type("Short", (ClassifierJobOutFactory,), {})
    factory.seed_random(3)
    fake = ClassifierJobsMock(seed=1)
    problems = []
    for short in factory.coverage():
        job = fake.add(short)
        if coherence_violations(job) or job.summary() != short:
            problems.append(short.status)
    assert problems == []


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        pytest.param((), {"status": "RUNNING"}, id="status"),
        pytest.param((), {"model": "m"}, id="override"),
        pytest.param((), {"status": "RUNNING", "model": "m"}, id="both"),
    ],
)
def test_add_a_job_and_overrides_is_a_type_error(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    fake = ClassifierJobsMock(seed=8)
    job = ClassifierDetailedJobOutFactory.build(status="QUEUED")
    with pytest.raises(TypeError) as caught:
        fake.add(job, *args, **kwargs)
    assert str(caught.value) == (
        "add() takes either a job or status/overrides to build one, not both; "
        "use attrs.evolve(job, ...) to change a job before adding it"
    )
    assert dict(fake.jobs) == {}


@pytest.mark.parametrize(
    ("value", "name"),
    [
        pytest.param({"id": "x"}, "dict", id="dict"),
        pytest.param("3fa85f64-5717-4562-b3fc-2c963f66afa6", "str", id="str"),
        pytest.param(JobsOut(total=0), "JobsOut", id="JobsOut"),
    ],
)
def test_add_a_wrong_type_is_a_type_error(value: Any, name: str) -> None:
    fake = ClassifierJobsMock(seed=8)
    with pytest.raises(TypeError) as caught:
        fake.add(value)
    assert str(caught.value) == (
        f"add() takes a ClassifierDetailedJobOut or a ClassifierJobOut, not {name}"
    )


def test_add_builds_with_the_factory_given() -> None:
    class Mine(ClassifierDetailedJobOutFactory):
        model = "declared-model"

    fake = ClassifierJobsMock(seed=8, factory=Mine)
    assert fake.factory is Mine
    assert fake.add(status="RUNNING").model == "declared-model"


_UNIX_SECONDS = "; for a datetime d, give int(d.timestamp())"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param(
            {"status": "RUNNING", "created_at": "yesterday"},
            TypeError,
            "add() created_at: expected an integer (Unix seconds), got str 'yesterday'"
            + _UNIX_SECONDS,
            id="created_at-text",
        ),
        pytest.param(
            {"status": "SUCCESS", "hyperparameters": {"training_steps": "ten"}},
            TypeError,
            "add() hyperparameters.training_steps: expected an integer or None, got str 'ten'",
            id="training_steps-text",
        ),
        pytest.param(
            {"trained_tokens": "many"},
            TypeError,
            "add() trained_tokens: expected an integer or None, got str 'many'",
            id="trained_tokens-text",
        ),
        pytest.param(
            {"status": 3},
            TypeError,
            "add() status: a job status is a ClassifierJobOutStatus or its name, such as "
            "'RUNNING', not int 3",
            id="status-int",
        ),
        pytest.param(
            {"status": "RUNING"},
            ValueError,
            "add() status: unknown job status 'RUNING' (did you mean 'RUNNING'?); expected one "
            "of 'QUEUED', 'STARTED', 'VALIDATING', 'VALIDATED', 'RUNNING', "
            "'FAILED_VALIDATION', 'FAILED', 'SUCCESS', 'CANCELLED', 'CANCELLATION_REQUESTED'",
            id="status-misspelt",
        ),
        pytest.param(
            {"status": "SUCCESS", "hyperparameters": {"training_steps": -5}},
            ValueError,
            "add() hyperparameters.training_steps: -5 is out of range (allowed: >= 1), which "
            "the server never sends; to make such a job on purpose, change a built one with "
            "attrs.evolve()",
            id="training_steps-negative",
        ),
        pytest.param(
            {"fine_tune_model": "ft:x"},
            TypeError,
            "add(): unknown ClassifierDetailedJobOut field 'fine_tune_model' (did you mean "
            "'fine_tuned_model'?); expected one of 'auto_start', 'checkpoints', "
            "'classifier_targets', 'created_at', 'events', 'fine_tuned_model', "
            "'hyperparameters', 'id', 'integrations', 'metadata', 'model', 'modified_at', "
            "'status', 'suffix', 'trained_tokens', 'training_files', 'validation_files'",
            id="misspelt-field",
        ),
    ],
)
def test_add_checks_its_arguments_before_building_or_storing_anything(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake = ClassifierJobsMock(seed=8)
    with pytest.raises(error, match=r"\A") as caught:
        fake.add(**kwargs)
    assert str(caught.value) == message
    assert dict(fake.jobs) == {}


@pytest.mark.parametrize(
    ("job", "message"),
    [
        pytest.param(
            attrs.evolve(
                ClassifierDetailedJobOutFactory.build(status="RUNNING"),
                created_at="yesterday",  # type: ignore[arg-type]
            ),
            "add() job.created_at: expected an integer (Unix seconds), got str 'yesterday'"
            + _UNIX_SECONDS,
            id="detailed",
        ),
        pytest.param(
            attrs.evolve(
                ClassifierJobOutFactory.build(status="RUNNING"),
                hyperparameters=ClassifierTrainingParameters(training_steps="ten"),  # type: ignore[arg-type]
            ),
            "add() job.hyperparameters.training_steps: expected an integer or None, got str 'ten'",
            id="short",
        ),
        pytest.param(
            attrs.evolve(
                ClassifierDetailedJobOutFactory.build(status="VALIDATED"),
                metadata={"cost": 1.0},  # type: ignore[arg-type]
            ),
            # Overrides may give a dict for a model; a job cannot hold one (nor can the wire).
            "add() job.metadata: expected a JobMetadataOut or None, got dict {'cost': 1.0}",
            id="dict-for-model",
        ),
        pytest.param(
            attrs.evolve(
                ClassifierDetailedJobOutFactory.build(status="QUEUED"),
                events=[EventOut(name="status-updated", created_at=CLOCK, data={"at": {1}})],
            ),
            "add() job.events[0].data.at: expected a JSON value, got set {1}",
            id="event-data",
        ),
    ],
)
def test_add_a_job_of_wrong_types_names_the_field(job: ClassifierJobOut, message: str) -> None:
    fake = ClassifierJobsMock(seed=8)
    with pytest.raises(TypeError, match=r"\A") as caught:
        fake.add(job)
    assert str(caught.value) == message
    assert dict(fake.jobs) == {}


def test_add_a_job_out_of_range_on_purpose_keeps_it_as_given() -> None:
    # The escape hatch: build, then evolve; add() checks types only, so the odd values stay.
    detailed = ClassifierDetailedJobOutFactory.build(status="SUCCESS")
    odd = attrs.evolve(detailed, trained_tokens=-1)
    short = ClassifierJobOutFactory.build(status="SUCCESS")
    odd_short = attrs.evolve(
        short,
        trained_tokens=-1,
        hyperparameters=attrs.evolve(short.hyperparameters, training_steps=-5),
    )
    with ClassifierJobsMock(seed=8) as fake, httpx.Client() as client:
        assert fake.add(odd) is odd
        completed = fake.add(odd_short)
        assert completed.summary() == odd_short
        assert "trained_tokens -1 is below 0" in coherence_violations(completed)
        served = client.get(f"{JOBS}/{odd_short.id}", headers=AUTH).json()
        assert (served["trained_tokens"], served["hyperparameters"]["training_steps"]) == (-1, -5)


# --- set_status, script, advance --------------------------------------------------------------


@pytest.mark.parametrize("status", list(S), ids=str)
def test_set_status_keeps_how_the_job_was_created_and_is_coherent(
    status: ClassifierJobOutStatus,
) -> None:
    with ClassifierJobsMock(seed=9) as fake, httpx.Client() as client:
        created = create(client, suffix="keep-me", validation_files=[FILE], auto_start=True)
        before = fake.jobs[created["id"]]
        job = fake.set_status(created["id"], status.value)
        assert job.status is status
        for name in (
            "id",
            "model",
            "auto_start",
            "created_at",
            "training_files",
            "validation_files",
            "suffix",
        ):
            assert getattr(job, name) == getattr(before, name), name
        coherent(job)
        assert fake.jobs[job.id] is job
        # the plan is dropped: the job stays where it was put
        assert [get(client, job.id).status for _ in range(2)] == [status, status]


def test_script_walks_on_gets_and_advance_moves_now() -> None:
    with ClassifierJobsMock(seed=10, progression="manual") as fake, httpx.Client() as client:
        job = fake.add(status="VALIDATED")
        fake.script(job.id, ["QUEUED", "STARTED", "RUNNING", "SUCCESS"])
        assert [get(client, job.id).status for _ in range(2)] == [S.QUEUED, S.STARTED]
        assert coherent(fake.advance(job.id)).status is S.RUNNING
        assert [get(client, job.id).status for _ in range(2)] == [S.SUCCESS, S.SUCCESS]


def test_set_status_names_the_closest_status_and_leaves_the_job() -> None:
    fake = ClassifierJobsMock(seed=10)
    job = fake.add(status="RUNNING")
    with pytest.raises(ValueError, match=r"\A") as caught:
        fake.set_status(job.id, "SUCCES")
    assert str(caught.value).startswith(
        "set_status() status: unknown job status 'SUCCES' (did you mean 'SUCCESS'?); "
        "expected one of 'QUEUED', "
    )
    assert fake.jobs[job.id] is job


@pytest.mark.parametrize(
    ("statuses", "shown"),
    [
        pytest.param("RUNNING", "str 'RUNNING'", id="str"),
        pytest.param(
            S.SUCCESS, "ClassifierJobOutStatus <ClassifierJobOutStatus.SUCCESS: ", id="enum"
        ),
        pytest.param(3, "int 3", id="int"),
    ],
)
def test_script_takes_a_list_not_a_lone_status(statuses: Any, shown: str) -> None:
    fake = ClassifierJobsMock(seed=10)
    job = fake.add(status="RUNNING")
    with pytest.raises(TypeError, match=r"\A") as caught:
        fake.script(job.id, statuses)
    assert str(caught.value).startswith(
        f"script() takes a list of statuses, such as ['RUNNING', 'SUCCESS'], not {shown}"
    )
    assert [fake.store.get_job(job.id).status for _ in range(2)] == [S.RUNNING, S.RUNNING]


def test_script_names_the_closest_status_of_a_misspelt_step() -> None:
    fake = ClassifierJobsMock(seed=10)
    job = fake.add(status="RUNNING")
    with pytest.raises(ValueError, match=r"\A") as caught:
        fake.script(job.id, ["SUCCESS", "CANCELED"])
    assert str(caught.value).startswith(
        "unknown job status 'CANCELED' (did you mean 'CANCELLED'?); expected one of 'QUEUED', "
    )


@pytest.mark.parametrize("progression", ["per_get", "manual", "time"])
def test_advance_of_an_added_job_says_why_it_cannot_move_and_what_moves_it(
    progression: Any,
) -> None:
    fake = ClassifierJobsMock(seed=10, progression=progression)
    job = fake.add(status="RUNNING")
    with pytest.raises(ValueError, match=r"\A") as caught:
        fake.advance(job.id)
    assert str(caught.value) == (
        f"job {job.id} cannot advance: it is RUNNING, and has no plan (a job stored by a test, "
        "put in a status by set_status() or at the end of its script stays where it is until "
        "the code under test starts or cancels it); script(job_id, [...]) gives it steps to "
        "take (next: CANCELLATION_REQUESTED, FAILED, SUCCESS); set_status(job_id, status) puts "
        "it in any status"
    )
    assert fake.jobs[job.id] is job
    fake.script(job.id, ["SUCCESS"])
    assert coherent(fake.advance(job.id)).status is S.SUCCESS


def test_advance_of_a_final_job_says_so_and_names_set_status() -> None:
    with ClassifierJobsMock(seed=10, progression="manual") as fake, httpx.Client() as client:
        job_id = create(client, auto_start=True)["id"]
        assert fake.advance(job_id, 10).status is S.SUCCESS  # the plan ends before 10 steps
        with pytest.raises(ValueError, match=r"\A") as caught:
            fake.advance(job_id)
    assert str(caught.value) == (
        f"job {job_id} cannot advance: it is SUCCESS, which is final; "
        "set_status(job_id, status) puts it in another status"
    )


def test_advance_of_a_created_job_under_per_get_still_moves_it_now() -> None:
    with ClassifierJobsMock(seed=10) as fake, httpx.Client() as client:
        job_id = create(client)["id"]
        assert coherent(fake.advance(job_id, 2)).status is S.VALIDATED
        with pytest.raises(ValueError, match=r"it is VALIDATED, and waits for start"):
            fake.advance(job_id)


def test_script_checks_the_graph_from_where_the_job_is() -> None:
    fake = ClassifierJobsMock(seed=10)
    job = fake.add(status="RUNNING")
    with pytest.raises(IllegalTransitionError) as caught:
        fake.script(job.id, ["VALIDATED"])
    assert str(caught.value) == (
        "a RUNNING job cannot move to VALIDATED; "
        "allowed next: CANCELLATION_REQUESTED, FAILED, SUCCESS"
    )


@pytest.mark.parametrize(
    ("operation", "args"),
    [
        pytest.param("set_status", ("RUNNING",), id="set_status"),
        pytest.param("script", (["RUNNING"],), id="script"),
        pytest.param("advance", (), id="advance"),
    ],
)
def test_an_unknown_id_lists_the_stored_ids(operation: str, args: tuple[Any, ...]) -> None:
    fake = ClassifierJobsMock(seed=11)
    with pytest.raises(JobNotFoundError) as caught:
        getattr(fake, operation)("nope", *args)
    assert str(caught.value) == "no stored job has the id 'nope'; stored ids: none"
    first, second = fake.add(), fake.add()
    with pytest.raises(JobNotFoundError) as caught:
        getattr(fake, operation)(UNKNOWN, *args)
    assert str(caught.value) == (
        f"no stored job has the id {UNKNOWN!r}; stored ids: {first.id}, {second.id}"
    )
    assert list(fake.jobs) == [first.id, second.id]


def test_an_unknown_id_among_many_jobs_lists_the_first_twenty() -> None:
    fake = ClassifierJobsMock(seed=11)
    jobs = [fake.add(status="QUEUED") for _ in range(21)]
    with pytest.raises(JobNotFoundError) as caught:
        fake.set_status(UNKNOWN, "RUNNING")
    shown = ", ".join(job.id for job in jobs[:20])
    assert str(caught.value) == (
        f"no stored job has the id {UNKNOWN!r}; stored ids: {shown}, ... (21 in all)"
    )


# --- other hosts and other routers ----------------------------------------------------------


def test_other_hosts_pass_through_when_the_mock_is_alone(real_server: str) -> None:
    with ClassifierJobsMock(seed=12) as fake, httpx.Client() as client:
        response = client.get(f"{real_server}/elsewhere?x=1")
        posted = client.post(f"{real_server}/v1/fine_tuning/jobs", content=b"{}")
    assert response.status_code == 200
    assert response.text == "real GET /elsewhere?x=1"
    assert posted.text == "real POST /v1/fine_tuning/jobs"
    assert fake.unhandled == []
    assert all(route.call_count == 0 for route in fake.routes.values())


def test_other_hosts_pass_through_for_async_clients(real_server: str) -> None:
    async def main() -> str:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"{real_server}/async")).text

    with ClassifierJobsMock(seed=12):
        assert asyncio.run(main()) == "real GET /async"


def test_beside_a_started_respx_router_respx_rule_for_other_hosts_holds(real_server: str) -> None:
    with (
        respx.mock(assert_all_mocked=True, assert_all_called=False),
        ClassifierJobsMock(seed=13) as fake,
        httpx.Client() as client,
    ):
        with pytest.raises(AllMockedAssertionError):
            client.get(f"{real_server}/elsewhere")
        assert client.get(JOBS, headers=AUTH).status_code == 200  # the fake still answers
    assert fake.unhandled == []
    assert fake.routes["list"].call_count == 1


def test_a_route_of_a_router_started_first_wins_over_the_fake() -> None:
    with respx.mock(assert_all_mocked=True) as user:
        mine = user.get(JOBS).respond(200, json={"mine": True})
        with ClassifierJobsMock(seed=14) as fake, httpx.Client() as client:
            listed = client.get(JOBS, headers=AUTH)
            created = client.post(JOBS, json=CREATE, headers=AUTH)
    assert listed.json() == {"mine": True}
    assert mine.call_count == 1
    assert fake.routes["list"].call_count == 0
    assert created.status_code == 200
    assert fake.routes["create"].call_count == 1
    assert list(fake.jobs) == [created.json()["id"]]


def test_a_router_started_after_the_fake_answers_other_hosts(real_server: str) -> None:
    with ClassifierJobsMock(seed=15) as fake, respx.mock(assert_all_mocked=True) as user:
        other = user.get(f"{real_server}/elsewhere").respond(200, text="mocked")
        with httpx.Client() as client:
            response = client.get(f"{real_server}/elsewhere")
            listed = client.get(JOBS, headers=AUTH)
    assert response.text == "mocked"
    assert other.call_count == 1
    assert listed.status_code == 200
    assert fake.routes["list"].call_count == 1


# --- async and determinism ------------------------------------------------------------------


def test_async_clients_and_gather_of_20_creates_give_20_jobs() -> None:
    async def main(fake: ClassifierJobsMock) -> list[httpx.Response]:
        async with httpx.AsyncClient() as client:
            responses = await asyncio.gather(
                *(client.post(JOBS, json=CREATE, headers=AUTH) for _ in range(20))
            )
            ids = [r.json()["id"] for r in responses]
            details = await asyncio.gather(
                *(client.get(f"{JOBS}/{job_id}", headers=AUTH) for job_id in ids)
            )
            assert [r.json()["status"] for r in details] == ["VALIDATING"] * 20
            assert fake.routes["get"].call_count == 20
            return list(responses)

    with ClassifierJobsMock(seed=16, frozen_at=CLOCK) as fake:
        responses = asyncio.run(main(fake))
    assert [r.status_code for r in responses] == [200] * 20
    ids = [r.json()["id"] for r in responses]
    assert len(set(ids)) == 20
    assert set(fake.jobs) == set(ids)
    assert fake.routes["create"].call_count == 20
    for job in fake.jobs.values():
        coherent(job)
    # Each job is dated by the fake's clock, which stood still meanwhile.
    assert {job.created_at for job in fake.jobs.values()} == {CLOCK}


def _session(seed: int | None) -> list[Any]:
    """What the same calls give under a mock seeded with ``seed``.

    The clock is frozen: on the wall clock, two sessions could fall on either side of a second.
    """
    with ClassifierJobsMock(seed=seed, frozen_at=CLOCK) as fake, httpx.Client() as client:
        added = [to_wire(fake.add(status="RUNNING")), to_wire(fake.add())]
        created = [create(client, auto_start=True) for _ in range(2)]
        moved = [to_wire(get(client, created[0]["id"])) for _ in range(4)]
        listed = client.get(JOBS, headers=AUTH).json()
        changed = to_wire(fake.set_status(created[1]["id"], "SUCCESS"))
    return [added, created, moved, listed, changed]


def test_the_same_seed_gives_the_same_jobs_and_another_seed_other_jobs() -> None:
    first = _session(1234)
    assert _session(1234) == first
    other = _session(1235)
    for same, different in zip(first, other, strict=True):
        assert same != different


def test_without_a_seed_two_mocks_differ() -> None:
    assert _session(None)[0] != _session(None)[0]


def test_seeded_factory() -> None:
    a, b = seeded_factory(5), seeded_factory(5)
    assert a is not b
    assert issubclass(a, ClassifierDetailedJobOutFactory)
    assert a.__name__ == "ClassifierDetailedJobOutFactory"
    assert a.build(status="RUNNING") == b.build(status="RUNNING")
    unseeded = seeded_factory(None)
    assert unseeded.build(status="QUEUED").status is S.QUEUED


def test_reseeded_factory_is_one_class_that_draws_what_seeded_factory_draws() -> None:
    first = reseeded_factory(5)
    expected = seeded_factory(5)
    assert [first.build() for _ in range(3)] == [expected.build() for _ in range(3)]
    again = reseeded_factory(5)
    assert again is first
    assert again.build() == seeded_factory(5).build()
    assert issubclass(first, ClassifierDetailedJobOutFactory)
    assert first is not ClassifierDetailedJobOutFactory


def test_reading_the_mocks_own_factory_changes_none_of_its_draws() -> None:
    # add() draws from the mock's randomness without making a factory class; the class made
    # when a test reads .factory draws from the same randomness, so reading it changes nothing.
    plain, reading = (ClassifierJobsMock(seed=4, frozen_at=1_750_000_000) for _ in range(2))
    assert issubclass(reading.factory, ClassifierDetailedJobOutFactory)
    assert reading.factory is reading.factory
    assert [plain.add(status="RUNNING") for _ in range(2)] == [
        reading.add(status="RUNNING") for _ in range(2)
    ]
    assert plain.factory.build() == reading.factory.build()


# --- the clock ------------------------------------------------------------------------------


def test_add_ends_a_drawn_history_in_the_hour_before_the_clocks_now() -> None:
    fake = ClassifierJobsMock(seed=27, frozen_at=CLOCK)
    for status in S:
        job = coherent(fake.add(status=status))
        # A drawn history is shifted as a whole, to end in the clock's recent past.
        assert CLOCK - 3600 <= job.modified_at <= CLOCK, status
        assert job.created_at <= job.modified_at
    succeeded = coherent(fake.add(status="SUCCESS"))
    assert succeeded.fine_tuned_model is not None
    # The date in the model's name followed the shift (coherence checks it too).
    day = datetime.datetime.fromtimestamp(succeeded.created_at, datetime.timezone.utc)
    assert succeeded.fine_tuned_model.split(":")[4] == f"{day:%Y%m%d}"
    assert abs(succeeded.created_at - CLOCK) < 30 * 86_400  # near the clock, not a drawn date


def test_add_with_a_given_created_at_is_not_shifted() -> None:
    fake = ClassifierJobsMock(seed=27, frozen_at=CLOCK)
    given = 1_700_000_000  # far from the clock
    job = coherent(fake.add(status="SUCCESS", created_at=given))
    assert job.created_at == given
    assert job.events[0].created_at == given
    assert job.modified_at < CLOCK - 3600


def test_set_status_ends_the_new_history_at_the_clocks_now() -> None:
    with ClassifierJobsMock(seed=9, frozen_at=CLOCK) as fake, httpx.Client() as client:
        created = create(client, auto_start=True)
        fake.clock.advance(600)
        job = coherent(fake.set_status(created["id"], "SUCCESS"))
    assert job.created_at == CLOCK  # how the job was created is kept
    assert job.modified_at == CLOCK + 600  # the change happens now
    assert job.events[-1].data == {"status": "SUCCESS"}
    assert job.events[-1].created_at == CLOCK + 600
    assert all(CLOCK <= c.created_at <= CLOCK + 600 for c in job.checkpoints)


def test_frozen_at_makes_two_mocks_of_one_seed_give_identical_jobs() -> None:
    def jobs() -> list[Any]:
        fake = ClassifierJobsMock(seed=28, frozen_at="2025-04-16T14:45:06Z")
        assert fake.clock.now() == 1_744_814_706
        with fake, httpx.Client() as client:
            added = [to_wire(fake.add(status=status)) for status in S]
            created = create(client, auto_start=True)
            fake.clock.advance(45)
            moved = [to_wire(get(client, created["id"])) for _ in range(3)]
        return [added, created, moved]

    first = jobs()
    assert jobs() == first
    assert first[1]["created_at"] == 1_744_814_706
    assert first[2][-1]["modified_at"] == 1_744_814_706 + 45


# Half an hour after midnight (2025-04-16T00:30:00Z): the hour before it spans two dates.
EARLY_MORNING = 1_744_763_400


def test_add_shifts_every_model_name_to_its_new_creation_date() -> None:
    fake = ClassifierJobsMock(seed=18, frozen_at=EARLY_MORNING)
    jobs = [coherent(fake.add(status="SUCCESS")) for _ in range(12)]
    created = {
        f"{datetime.datetime.fromtimestamp(job.created_at, datetime.timezone.utc):%Y%m%d}"
        for job in jobs
    }
    dates = {job.fine_tuned_model.split(":")[4] for job in jobs if job.fine_tuned_model}
    assert dates == created
    assert dates <= {"20250415", "20250416"}  # never a date the factory drew


def test_frozen_at_makes_time_progression_reproducible_from_the_seed() -> None:
    def session() -> list[Any]:
        fake = ClassifierJobsMock(seed=21, frozen_at="2025-04-16T14:45:06Z", progression="time")
        with fake, httpx.Client() as client:
            created = create(client, auto_start=True)
            fake.clock.advance(3_600)  # long enough to train: the drawn dwells move it on
            trained = to_wire(get(client, created["id"]))
        return [created, trained]

    first = session()
    assert first[1]["status"] == "SUCCESS"
    assert first[1]["modified_at"] < 1_744_814_706 + 3_600  # dated when it was due
    assert session() == first


def test_under_time_a_model_appears_once_its_job_is_due_to_succeed_without_a_get() -> None:
    timings = {"queued": 1, "validating": 1, "auto_start": 1, "queue": 10, "training": 1.0}
    fake = ClassifierJobsMock(seed=30, progression="time", frozen_at=CLOCK, timings=timings)
    with fake, httpx.Client() as client:
        created = create(client, auto_start=True)
        assert dict(fake.models) == {}
        fake.clock.advance(3600)  # long past SUCCESS (training takes at most 60 s here)
        # Reading the models catches the jobs up first: no GET of the job was needed.
        listed = client.get(f"{BASE}/v1/models", headers=AUTH).json()
        done = fake.jobs[created["id"]]
    assert done.status is S.SUCCESS
    assert done.fine_tuned_model in fake.models
    assert done.fine_tuned_model in [model["id"] for model in listed["data"]]
    assert fake.routes["get"].call_count == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param(
            {"timings": {"nope": 1}},
            ValueError,
            "timings has no phase 'nope'; phases: queued, validating, auto_start, queue, "
            "training, failing, cancelling",
            id="timings-unknown-phase",
        ),
        pytest.param(
            {"timings": {"queue": (5, 1)}},
            ValueError,
            "timings['queue']: expected 0 <= low <= high, finite, got (5, 1)",
            id="timings-reversed-range",
        ),
        pytest.param(
            {"instant_sleep": "yes"},
            TypeError,
            "instant_sleep must be True or False, not 'yes'",
            id="instant_sleep-str",
        ),
        pytest.param(
            {"frozen_at": "yesterday"},
            ValueError,
            "frozen_at: expected an ISO 8601 moment such as '2025-04-16T14:45:06Z', "
            "got 'yesterday'",
            id="frozen_at-not-a-moment",
        ),
        pytest.param(
            {"time_scale": 0},
            ValueError,
            "time_scale: scale must be a finite number above 0, not 0",
            id="time_scale-zero",
        ),
    ],
)
def test_bad_time_options_say_what_is_allowed(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        ClassifierJobsMock(seed=29, **kwargs)
    assert str(caught.value) == message


# --- faults ---------------------------------------------------------------------------------


def test_fail_answers_the_next_calls_and_changes_nothing() -> None:
    with ClassifierJobsMock(seed=20) as fake, httpx.Client() as client:
        fake.fail("create", 503, times=2)
        failed = [client.post(JOBS, json=CREATE, headers=AUTH) for _ in range(2)]
        assert [r.status_code for r in failed] == [503, 503]
        assert failed[0].json() == {"detail": "Service Unavailable"}
        assert failed[0].headers["content-type"] == "application/json"
        assert dict(fake.jobs) == {}  # a failed create stores nothing
        job_id = create(client)["id"]
        fake.fail("cancel", 500)
        cancelled = client.post(f"{JOBS}/{job_id}/cancel", headers=AUTH)
        assert (cancelled.status_code, cancelled.json()) == (
            500,
            {"detail": "Internal Server Error"},
        )
        assert fake.jobs[job_id].status is S.QUEUED  # a failed cancel cancels nothing
        assert client.post(f"{JOBS}/{job_id}/cancel", headers=AUTH).json()["status"] == "CANCELLED"
    assert fake.routes["create"].call_count == 3
    assert fake.routes["cancel"].call_count == 2


@pytest.mark.parametrize(
    ("kwargs", "body", "headers"),
    [
        pytest.param({}, {"detail": "Bad Gateway"}, {}, id="default-body"),
        pytest.param({"json": {"detail": "mine"}}, {"detail": "mine"}, {}, id="json"),
        pytest.param({"json": None}, None, {}, id="json-null"),
        pytest.param(
            {"json": ["a", 1], "headers": {"x-request-id": "abc"}},
            ["a", 1],
            {"x-request-id": "abc"},
            id="headers",
        ),
    ],
)
def test_fail_with_a_body_and_headers(
    kwargs: dict[str, Any], body: Any, headers: dict[str, str]
) -> None:
    with ClassifierJobsMock(seed=20) as fake, httpx.Client() as client:
        fake.fail("list", 502, **kwargs)
        response = client.get(JOBS, headers=AUTH)
        assert client.get(JOBS, headers=AUTH).status_code == 200
    assert response.status_code == 502
    assert response.json() == body
    assert response.headers["content-type"] == "application/json"
    for name, value in headers.items():
        assert response.headers[name] == value


def test_fail_with_a_content_type_header_replaces_the_json_one() -> None:
    with ClassifierJobsMock(seed=20) as fake, httpx.Client() as client:
        fake.fail("list", 502, json="bad gateway", headers={"Content-Type": "text/html"})
        response = client.get(JOBS, headers=AUTH)
    assert response.headers.get_list("content-type") == ["text/html"]


def test_an_unknown_status_code_gets_a_generic_body() -> None:
    with ClassifierJobsMock(seed=20) as fake, httpx.Client() as client:
        fake.fail("get", 599)
        response = client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH)
    assert (response.status_code, response.json()) == (599, {"detail": "Error"})


def test_faults_queue_in_the_order_they_were_set_and_star_is_every_operation() -> None:
    with ClassifierJobsMock(seed=21) as fake, httpx.Client() as client:
        fake.fail("get", 500)
        fake.fail("*", 503)
        assert client.get(JOBS, headers=AUTH).status_code == 503
        assert client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH).status_code == 500
        assert client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH).status_code == 404
        fake.fail("*", 500, times=None)
        codes = [
            client.get(JOBS, headers=AUTH).status_code,
            client.post(JOBS, json=CREATE, headers=AUTH).status_code,
            client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH).status_code,
            client.post(f"{JOBS}/{UNKNOWN}/start", headers=AUTH).status_code,
            client.post(f"{JOBS}/{UNKNOWN}/cancel", headers=AUTH).status_code,
        ]
        assert codes == [500] * 5
        assert client.get(f"{BASE}/v1/agents").status_code == 404  # not an operation
        fake.clear_faults()
        assert client.get(JOBS, headers=AUTH).status_code == 200
    assert dict(fake.jobs) == {}


def test_rate_limit_answers_the_real_429() -> None:
    with ClassifierJobsMock(seed=22) as fake, httpx.Client() as client:
        fake.rate_limit("get", retry_after=2.5, times=2)
        responses = [client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH) for _ in range(3)]
    assert [r.status_code for r in responses] == [429, 429, 404]
    limited = responses[0]
    assert limited.json() == {
        "object": "error",
        "message": "Rate limit exceeded",
        "type": "rate_limited",
        "param": None,
        "code": "1300",
    }
    assert limited.headers["retry-after"] == "2.5"
    assert limited.headers["x-ratelimit-remaining-req-minute"] == "0"
    assert limited.headers["content-type"] == "application/json"


def test_retire_answers_410_on_every_operation_until_cleared() -> None:
    with ClassifierJobsMock(seed=23) as fake, httpx.Client() as client:
        job = fake.add(status="RUNNING")
        fake.retire()
        answers = [
            client.get(JOBS, headers=AUTH),
            client.post(JOBS, json=CREATE, headers=AUTH),
            client.get(f"{JOBS}/{job.id}", headers=AUTH),
            client.post(f"{JOBS}/{job.id}/start", headers=AUTH),
            client.post(f"{JOBS}/{job.id}/cancel", headers=AUTH),
            client.get(JOBS),
        ]
        assert {(r.status_code, r.text) for r in answers} == {
            (
                410,
                '{"detail":"The fine-tuning jobs API has been retired and no longer serves '
                'requests."}',
            )
        }
        fake.clear_faults()
        assert get(client, job.id) == job
    assert list(fake.jobs) == [job.id]


@pytest.mark.parametrize(
    ("exception", "kind", "message"),
    [
        pytest.param(
            httpx.ReadTimeout,
            httpx.ReadTimeout,
            "ReadTimeout injected by ClassifierJobsMock",
            id="httpx-class",
        ),
        pytest.param(
            httpx.ConnectError("refused"), httpx.ConnectError, "refused", id="httpx-instance"
        ),
        pytest.param(
            RuntimeError,
            RuntimeError,
            "RuntimeError injected by ClassifierJobsMock",
            id="other-class",
        ),
    ],
)
def test_raise_error_makes_the_transport_raise(
    exception: Any, kind: type[BaseException], message: str
) -> None:
    with ClassifierJobsMock(seed=24) as fake, httpx.Client() as client:
        fake.raise_error("create", exception)
        with pytest.raises(kind) as caught:
            client.post(JOBS, json=CREATE, headers=AUTH)
        assert str(caught.value) == message
        if isinstance(caught.value, httpx.RequestError):
            assert str(caught.value.request.url) == JOBS
        assert dict(fake.jobs) == {}
        assert client.post(JOBS, json=CREATE, headers=AUTH).status_code == 200


def test_raise_error_for_async_clients() -> None:
    async def main() -> None:
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.ConnectError, match="ConnectError injected"):
                await client.get(JOBS, headers=AUTH)
            assert (await client.get(JOBS, headers=AUTH)).status_code == 200

    with ClassifierJobsMock(seed=24) as fake:
        fake.raise_error("list", httpx.ConnectError)
        asyncio.run(main())


def test_delay_blocks_sync_clients_then_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("pytest_classifierjobs.mock.time.sleep", slept.append)
    with ClassifierJobsMock(seed=25) as fake, httpx.Client() as client:
        fake.delay("list", 0.25)  # every call until cleared
        fake.delay("get", 2, times=1)
        answers = [client.get(JOBS, headers=AUTH) for _ in range(2)]
        missing = client.get(f"{JOBS}/{UNKNOWN}", headers=AUTH)
        fake.delay("create", 0)  # no wait at all
        created = client.post(JOBS, json=CREATE, headers=AUTH)
    assert [r.status_code for r in answers] == [200, 200]
    assert missing.status_code == 404
    assert created.status_code == 200
    assert slept == [0.25, 0.25, 2.0]


def test_delay_is_awaited_for_async_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []
    real_sleep = asyncio.sleep

    async def record(seconds: float) -> None:
        waited.append(seconds)
        await real_sleep(0)

    def blocked(seconds: float) -> None:
        raise AssertionError(f"time.sleep({seconds}) would block the event loop")

    monkeypatch.setattr("pytest_classifierjobs.mock.asyncio.sleep", record)
    monkeypatch.setattr("pytest_classifierjobs.mock.time.sleep", blocked)

    async def main() -> list[int]:
        async with httpx.AsyncClient() as client:
            responses = await asyncio.gather(
                client.get(JOBS, headers=AUTH), client.get(JOBS, headers=AUTH)
            )
            return [r.status_code for r in responses]

    with ClassifierJobsMock(seed=25) as fake:
        fake.delay("list", 1.5, times=1)
        codes = asyncio.run(main())
    assert waited == [1.5]
    assert codes == [200, 200]
    assert fake.routes["list"].call_count == 2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(
            ("fail", "list", "500"),
            TypeError,
            "status_code must be an HTTP status code (an int), not '500'",
            id="code-str",
        ),
        pytest.param(
            ("fail", "list", True),
            TypeError,
            "status_code must be an HTTP status code (an int), not True",
            id="code-bool",
        ),
        pytest.param(
            ("fail", "list", 600),
            ValueError,
            "status_code must be from 100 to 599, not 600",
            id="code-range",
        ),
        pytest.param(
            ("fail", "list", 99),
            ValueError,
            "status_code must be from 100 to 599, not 99",
            id="code-low",
        ),
        pytest.param(
            ("fail", "delete", 500),
            ValueError,
            "unknown operation 'delete' (did you mean 'files.delete'?); expected one of 'list', "
            "'create', 'get', 'start', "
            "'cancel', 'files.upload', 'files.list', 'files.retrieve', 'files.delete', "
            "'files.download', 'files.get_signed_url', 'files.signed_download', 'models.list', "
            "'models.retrieve', 'models.delete', 'models.update', 'models.archive', "
            "'models.unarchive', 'classifiers.classify', 'classifiers.classify_chat', '*'",
            id="operation",
        ),
        pytest.param(
            ("rate_limit", "list", {"retry_after": -1}),
            ValueError,
            "retry_after must be a finite, non-negative number of seconds, not -1",
            id="retry-after-negative",
        ),
        pytest.param(
            ("raise_error", "list", "timeout"),
            TypeError,
            "raise_error() takes an exception or an exception class, such as "
            "httpx.ReadTimeout or httpx.ConnectError, not 'timeout'",
            id="raise-str",
        ),
        pytest.param(
            ("raise_error", "list", int),
            TypeError,
            "raise_error() takes an exception or an exception class, such as "
            "httpx.ReadTimeout or httpx.ConnectError, not <class 'int'>",
            id="raise-class",
        ),
        pytest.param(
            ("delay", "list", "1"),
            TypeError,
            "seconds must be a number of seconds, not '1'",
            id="delay-str",
        ),
        pytest.param(
            ("delay", "list", True),
            TypeError,
            "seconds must be a number of seconds, not True",
            id="delay-bool",
        ),
        pytest.param(
            ("delay", "list", float("inf")),
            ValueError,
            "seconds must be a finite, non-negative number of seconds, not inf",
            id="delay-inf",
        ),
        pytest.param(
            ("delay", "list", -0.5),
            ValueError,
            "seconds must be a finite, non-negative number of seconds, not -0.5",
            id="delay-negative",
        ),
    ],
)
def test_bad_fault_arguments_say_what_is_allowed(
    call: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    fake = ClassifierJobsMock(seed=26)
    name, *args = call
    kwargs = args.pop() if args and isinstance(args[-1], dict) else {}
    with pytest.raises(error) as caught:
        getattr(fake, name)(*args, **kwargs)
    assert str(caught.value) == message
    assert fake.faults.unused() == []


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        pytest.param(
            {"json": object()},
            TypeError,
            "json must be a JSON-serializable value (Object of type object is not JSON "
            "serializable)",
            id="json-object",
        ),
        pytest.param(
            {"json": float("nan")},
            TypeError,
            "json must be a JSON-serializable value (Out of range float values are not JSON "
            "compliant)",
            id="json-nan",
        ),
        pytest.param(
            {"headers": {"x": 1}},
            TypeError,
            "headers must be a mapping of str to str, not {'x': 1}",
            id="header-value",
        ),
        pytest.param(
            {"headers": ["x"]},
            TypeError,
            "headers must be a mapping of str to str, not ['x']",
            id="headers-list",
        ),
        pytest.param(
            {"times": 0},
            ValueError,
            "times must be at least 1 (or None for every call), not 0",
            id="times-zero",
        ),
        pytest.param(
            {"times": 1.5},
            TypeError,
            "times must be a whole number or None, not 1.5",
            id="times-float",
        ),
    ],
)
def test_bad_fail_options_say_what_is_allowed(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake = ClassifierJobsMock(seed=26)
    with pytest.raises(error) as caught:
        fake.fail("list", 500, **kwargs)
    assert str(caught.value) == message


def test_a_short_job_with_no_time_between_creation_and_change_gets_its_history_at_once() -> None:
    fake = ClassifierJobsMock(seed=12)
    short = ClassifierJobOutFactory.build(status="RUNNING")
    # No time between creation and the last change: the drawn history is squeezed into it.
    instant = attrs.evolve(short, modified_at=short.created_at)
    stored = coherent(fake.add(instant))
    assert stored.summary() == instant
    moments = {e.created_at for e in stored.events} | {c.created_at for c in stored.checkpoints}
    assert moments == {short.created_at}
    assert [e.data for e in stored.events][-1] == {"status": "RUNNING"}


def test_a_short_job_whose_history_cannot_fit_is_stored_with_its_fields_kept() -> None:
    fake = ClassifierJobsMock(seed=12)
    short = ClassifierJobOutFactory.build(status="RUNNING")
    # Changed before it was created: no history fits, so the last draw stays as drawn.
    backwards = attrs.evolve(short, modified_at=short.created_at - 1)
    stored = fake.add(backwards)
    assert stored.summary() == backwards
    problems = coherence_violations(stored)
    assert "modified_at is before created_at" in problems
    assert "events[1].created_at is outside [created_at, modified_at]" in problems


def test_raise_error_refuses_a_class_it_cannot_make_from_a_message() -> None:
    fake = ClassifierJobsMock(seed=13)
    with pytest.raises(TypeError) as raised:
        fake.raise_error("get", httpx.HTTPStatusError)
    assert str(raised.value).startswith(
        "raise_error() cannot make a <class 'httpx.HTTPStatusError'> from a message ("
    )
    assert str(raised.value).endswith("); pass an instance instead")
    assert fake.faults.unused() == []


@pytest.mark.parametrize("status_code", [204, 304, 103], ids=str)
def test_a_fault_status_without_a_body_sends_none(status_code: int) -> None:
    with ClassifierJobsMock(seed=14) as fake, httpx.Client() as client:
        fake.fail("list", status_code)
        response = client.get(JOBS, headers=AUTH)
    assert response.status_code == status_code
    assert response.content == b""
    assert "content-type" not in response.headers


def test_a_start_that_fails_leaves_no_router_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    from respx.mocks import Mocker

    def broken_start() -> None:
        raise KeyError("what CPython 3.11's import lock can raise")

    fake = ClassifierJobsMock(seed=15)
    mocker = Mocker.registry[fake.router.using or ""]
    monkeypatch.setattr(mocker, "start", broken_start)
    with pytest.raises(KeyError, match="import lock"):
        fake.start()
    assert fake.router not in mocker.routers


def test_start_leaves_a_disabled_collector_disabled() -> None:
    import gc

    gc.disable()
    try:
        with ClassifierJobsMock(seed=16):
            assert not gc.isenabled()
    finally:
        gc.enable()
