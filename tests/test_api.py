"""The fake's HTTP face on plain values: which operation a request is, and the exact answers."""

import json
from random import Random
from typing import Any

import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    JobsOut,
    coherence_violations,
    from_wire,
)
from pytest_classifierjobs.api import (
    JOBS_PATH,
    NOT_FOUND_DETAIL,
    OPERATIONS,
    ApiRequest,
    ApiResponse,
    JobsApi,
    is_known_path,
    match_operation,
)
from pytest_classifierjobs.store import JobStore

S = ClassifierJobOutStatus
JOB_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
AUTH = {"authorization": "Bearer test-key"}
CREATE = json.dumps(
    {
        "model": "ministral-3b-latest",
        "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
        "training_files": [{"file_id": FILE, "weight": 1.0}],
        "auto_start": False,
        "invalid_sample_skip_percentage": 0.0,
        "job_type": "classifier",
    }
).encode()


@pytest.fixture(name="api")
def api_fixture() -> JobsApi:
    return JobsApi(JobStore(rng=Random(17)))


@pytest.fixture(name="factory")
def factory_fixture() -> type[ClassifierDetailedJobOutFactory]:
    factory: type[ClassifierDetailedJobOutFactory] = type(
        "Factory", (ClassifierDetailedJobOutFactory,), {}
    )
    factory.seed_random(99)
    return factory


def call(
    api: JobsApi,
    method: str,
    path: str,
    *,
    query: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> ApiResponse:
    return api.handle(
        ApiRequest(
            method=method,
            path=path,
            query=query or [],
            headers=AUTH if headers is None else headers,
            body=body,
        )
    )


def payload(response: ApiResponse) -> Any:
    """The body as a client reads it: the bytes on the wire, parsed."""
    return json.loads(response.content)


def job_path(job_id: str, action: str = "") -> str:
    return f"{JOBS_PATH}/{job_id}" + (f"/{action}" if action else "")


# --- match_operation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        pytest.param("GET", "/v1/fine_tuning/jobs", ("list", None), id="list"),
        pytest.param("POST", "/v1/fine_tuning/jobs", ("create", None), id="create"),
        pytest.param("GET", "/v1/fine_tuning/jobs/", ("list", None), id="list-trailing-slash"),
        pytest.param("POST", "/v1/fine_tuning/jobs/", ("create", None), id="create-trailing-slash"),
        pytest.param("GET", f"/v1/fine_tuning/jobs/{JOB_ID}", ("get", JOB_ID), id="get"),
        pytest.param("POST", "/v1/fine_tuning/jobs/abc/start", ("start", "abc"), id="start"),
        pytest.param("POST", "/v1/fine_tuning/jobs/abc/cancel", ("cancel", "abc"), id="cancel"),
        pytest.param("get", "/v1/fine_tuning/jobs/abc", ("get", "abc"), id="lower-case-method"),
        pytest.param("GET", "/v1/fine_tuning/jobs/start", ("get", "start"), id="id-named-start"),
        pytest.param("PUT", "/v1/fine_tuning/jobs", None, id="PUT-jobs"),
        pytest.param("DELETE", "/v1/fine_tuning/jobs", None, id="DELETE-jobs"),
        pytest.param("POST", "/v1/fine_tuning/jobs/abc", None, id="POST-job"),
        pytest.param("DELETE", "/v1/fine_tuning/jobs/abc", None, id="DELETE-job"),
        pytest.param("PATCH", "/v1/fine_tuning/jobs/abc", None, id="PATCH-job"),
        pytest.param("GET", "/v1/fine_tuning/jobs/abc/start", None, id="GET-start"),
        pytest.param("GET", "/v1/fine_tuning/jobs/abc/cancel", None, id="GET-cancel"),
        pytest.param("POST", "/v1/fine_tuning/jobs/abc/stop", None, id="unknown-action"),
        pytest.param("POST", "/v1/fine_tuning/jobs/abc/start/", None, id="start-trailing-slash"),
        pytest.param("GET", "/v1/fine_tuning/jobs/abc/", None, id="get-trailing-slash"),
        pytest.param("GET", "/v1/fine_tuning/jobsx", None, id="jobs-prefix-only"),
        pytest.param("GET", "/v1/fine_tuning", None, id="parent"),
        pytest.param("GET", "/v1/models", None, id="models"),
        pytest.param("GET", "/", None, id="root"),
    ],
)
def test_match_operation(method: str, path: str, expected: tuple[str, str | None] | None) -> None:
    assert match_operation(method, path) == expected


def test_the_operations_and_their_path() -> None:
    assert OPERATIONS == ("list", "create", "get", "start", "cancel")
    assert JOBS_PATH == "/v1/fine_tuning/jobs"


@pytest.mark.parametrize(
    ("method", "path", "status", "detail"),
    [
        pytest.param("PUT", "/v1/fine_tuning/jobs", 405, "Method Not Allowed", id="PUT-jobs"),
        pytest.param(
            "DELETE", "/v1/fine_tuning/jobs/", 405, "Method Not Allowed", id="DELETE-jobs/"
        ),
        pytest.param("DELETE", job_path(JOB_ID), 405, "Method Not Allowed", id="DELETE-job"),
        pytest.param("POST", job_path(JOB_ID), 405, "Method Not Allowed", id="POST-job"),
        pytest.param("GET", job_path(JOB_ID, "start"), 405, "Method Not Allowed", id="GET-start"),
        pytest.param("PUT", job_path(JOB_ID, "cancel"), 405, "Method Not Allowed", id="PUT-cancel"),
        pytest.param("POST", job_path(JOB_ID, "stop"), 404, "Not Found", id="unknown-action"),
        pytest.param("GET", job_path(JOB_ID) + "/", 404, "Not Found", id="get-trailing-slash"),
        pytest.param("GET", "/v1/models", 404, "Not Found", id="models"),
        pytest.param("DELETE", "/v1/models/x", 404, "Not Found", id="DELETE-model"),
    ],
)
def test_requests_that_are_no_operation(
    api: JobsApi, method: str, path: str, status: int, detail: str
) -> None:
    for headers in (AUTH, {}):  # answered the same with or without a token
        response = call(api, method, path, headers=headers)
        assert response.status_code == status
        assert response.body == {"detail": detail}
        assert payload(response) == {"detail": detail}
        assert response.headers == {}
    assert is_known_path(path) is (status == 405)


# --- authorization --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"authorization": ""}, id="empty"),
        pytest.param({"authorization": "Bearer"}, id="bearer-no-token"),
        pytest.param({"authorization": "Bearer "}, id="bearer-empty-token"),
        pytest.param({"authorization": "Bearer    "}, id="bearer-blank-token"),
        pytest.param({"authorization": "Basic x"}, id="basic"),
        pytest.param({"authorization": "test-key"}, id="bare-key"),
        pytest.param({"x-api-key": "test-key"}, id="other-header"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("GET", JOBS_PATH, id="list"),
        pytest.param("POST", JOBS_PATH, id="create"),
        pytest.param("GET", job_path(JOB_ID), id="get"),
        pytest.param("POST", job_path(JOB_ID, "start"), id="start"),
        pytest.param("POST", job_path("not-a-uuid", "cancel"), id="cancel-bad-id"),
    ],
)
def test_401_without_a_bearer_token(
    api: JobsApi, headers: dict[str, str], method: str, path: str
) -> None:
    response = call(api, method, path, headers=headers, body=CREATE)
    assert response.status_code == 401
    assert payload(response) == {"detail": "Unauthorized"}
    assert api.store.jobs == {}


@pytest.mark.parametrize(
    "authorization",
    ["Bearer k", "bearer k", "BEARER k", "Bearer  spaced-key "],
    ids=["Bearer", "lower", "upper", "extra-spaces"],
)
def test_any_bearer_token_is_accepted(api: JobsApi, authorization: str) -> None:
    response = call(api, "GET", JOBS_PATH, headers={"authorization": authorization})
    assert response.status_code == 200


def test_require_auth_false_answers_without_a_token(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    api = JobsApi(JobStore(rng=Random(1)), require_auth=False)
    assert api.require_auth is False
    job = api.store.put(factory.build(status="RUNNING"))
    assert call(api, "GET", JOBS_PATH, headers={}).status_code == 200
    assert call(api, "POST", JOBS_PATH, headers={}, body=CREATE).status_code == 200
    assert call(api, "GET", job_path(job.id), headers={}).status_code == 200
    assert call(api, "GET", job_path(job.id), headers={"authorization": "Basic x"}).status_code == (
        200
    )


# --- job ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action"),
    [("GET", ""), ("POST", "start"), ("POST", "cancel")],
    ids=["get", "start", "cancel"],
)
@pytest.mark.parametrize(
    ("job_id", "error"),
    [
        ("abc", "invalid length: found 3"),
        ("3fa85f64-5717-4562-b3fc-2c963f66afaZ", "invalid character: found `Z` at 35"),
        ("3fa85f64", "invalid length: found 8"),
        ("1", "invalid length: found 1"),
    ],
    ids=["word", "bad-digit", "short", "number"],
)
def test_422_for_a_job_id_that_is_no_uuid(
    api: JobsApi, method: str, action: str, job_id: str, error: str
) -> None:
    response = call(api, method, job_path(job_id, action))
    assert response.status_code == 422
    # pydantic's wording (the uuid crate's reason), as FastAPI answers for a `job_id: UUID`.
    assert payload(response) == {
        "detail": [
            {
                "type": "uuid_parsing",
                "loc": ["path", "job_id"],
                "msg": f"Input should be a valid UUID, {error}",
                "ctx": {"error": error},
            }
        ]
    }


@pytest.mark.parametrize(
    ("method", "action"),
    [("GET", ""), ("POST", "start"), ("POST", "cancel")],
    ids=["get", "start", "cancel"],
)
def test_404_for_an_unknown_job(api: JobsApi, method: str, action: str) -> None:
    response = call(api, method, job_path(UNKNOWN, action))
    assert response.status_code == 404
    assert response.content == b'{"detail":"No fine tuning job matches the given query."}'
    assert payload(response) == {"detail": "No fine tuning job matches the given query."}
    assert NOT_FOUND_DETAIL == "No fine tuning job matches the given query."


def test_an_upper_case_job_id_finds_the_job(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.store.put(factory.build(status="RUNNING"))
    assert call(api, "GET", job_path(job.id.upper())).status_code == 200


# --- 200 answers ----------------------------------------------------------------------------


def test_create_answers_the_short_job(api: JobsApi) -> None:
    response = call(api, "POST", JOBS_PATH, body=CREATE)
    assert response.status_code == 200
    assert response.headers == {}
    data = payload(response)
    assert response.body == data
    assert data["object"] == "job"
    assert data["job_type"] == "classifier"
    assert data["status"] == "QUEUED"
    assert "classifier_targets" not in data
    job = from_wire(ClassifierJobOut, data)
    assert type(job) is ClassifierJobOut
    assert job == api.store.jobs[job.id].summary()
    assert coherence_violations(job) == []
    assert job.training_files == [FILE]


def test_compact_json_bodies(api: JobsApi) -> None:
    response = call(api, "GET", JOBS_PATH)
    assert response.content == b'{"total":0,"data":[],"object":"list"}'


@pytest.mark.parametrize(
    ("auto_start", "steps"),
    [
        pytest.param(True, ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"], id="auto"),
        pytest.param(False, ["VALIDATING", "VALIDATED", "VALIDATED"], id="waits"),
    ],
)
def test_get_answers_the_detailed_job_one_step_per_get(
    api: JobsApi, auto_start: bool, steps: list[str]
) -> None:
    body = json.loads(CREATE)
    body["auto_start"] = auto_start
    created = payload(call(api, "POST", JOBS_PATH, body=json.dumps(body).encode()))
    seen = []
    for _ in steps:
        response = call(api, "GET", job_path(created["id"]))
        assert response.status_code == 200
        job = from_wire(ClassifierDetailedJobOut, payload(response))
        assert coherence_violations(job) == []
        assert job == api.store.jobs[created["id"]]
        seen.append(job.status.value)
    assert seen == steps


def test_start_and_cancel_answer_the_detailed_job(api: JobsApi) -> None:
    created = payload(call(api, "POST", JOBS_PATH, body=CREATE))
    job_id = created["id"]
    call(api, "GET", job_path(job_id))
    call(api, "GET", job_path(job_id))
    started = call(api, "POST", job_path(job_id, "start"))
    assert started.status_code == 200
    assert from_wire(ClassifierDetailedJobOut, payload(started)).status is S.QUEUED
    polled = from_wire(ClassifierDetailedJobOut, payload(call(api, "GET", job_path(job_id))))
    assert polled.status is S.RUNNING
    cancelled = call(api, "POST", job_path(job_id, "cancel"))
    assert cancelled.status_code == 200
    job = from_wire(ClassifierDetailedJobOut, payload(cancelled))
    assert job.status is S.CANCELLATION_REQUESTED
    assert job == api.store.jobs[job_id]
    assert payload(cancelled)["classifier_targets"] != []
    final = from_wire(ClassifierDetailedJobOut, payload(call(api, "GET", job_path(job_id))))
    assert final.status is S.CANCELLED
    assert coherence_violations(final) == []


def test_an_unchanged_job_gets_the_same_bytes_and_a_changed_one_new_bytes(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.store.put(factory.build(status="RUNNING"))
    first = call(api, "GET", job_path(job.id))
    second = call(api, "GET", job_path(job.id))
    assert second.content == first.content
    assert from_wire(ClassifierDetailedJobOut, payload(second)) == job
    moved = api.store.put(factory.build(status="SUCCESS", id=job.id))
    third = call(api, "GET", job_path(job.id))
    assert from_wire(ClassifierDetailedJobOut, payload(third)) == moved
    assert third.content != first.content


def test_body_is_the_job_on_a_repeated_get(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.store.put(factory.build(status="RUNNING"))
    call(api, "GET", job_path(job.id))
    second = call(api, "GET", job_path(job.id))
    assert second.body == payload(second)


def test_list_answers_jobs_out_newest_first(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    created = [payload(call(api, "POST", JOBS_PATH, body=CREATE))["id"] for _ in range(3)]
    added = api.store.put(factory.build(status="SUCCESS", created_at=1))
    response = call(api, "GET", JOBS_PATH, query=[("page", "0"), ("page_size", "2")])
    assert response.status_code == 200
    page = from_wire(JobsOut, payload(response))
    assert page.total == 4
    assert [job.id for job in page.data] == created[::-1][:2]
    assert all(type(job) is ClassifierJobOut for job in page.data)
    second_page = [("page", "1"), ("page_size", "2")]
    last = from_wire(JobsOut, payload(call(api, "GET", JOBS_PATH, query=second_page)))
    assert [job.id for job in last.data] == [created[0], added.id]
    assert last.data[1] == added.summary()


def test_list_query_as_the_sdk_sends_it(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    running = api.store.put(factory.build(status="RUNNING", created_at=1_740_000_000))
    api.store.put(factory.build(status="SUCCESS", created_at=1_740_000_000))
    api.store.put(factory.build(status="RUNNING", created_at=1_700_000_000))
    query = [
        ("page", "0"),
        ("page_size", "100"),
        ("created_by_me", "true"),
        ("status", "RUNNING"),
        ("created_after", "2025-01-01T00:00:00Z"),
    ]
    page = from_wire(JobsOut, payload(call(api, "GET", JOBS_PATH, query=query)))
    assert page.total == 1
    assert [job.id for job in page.data] == [running.id]


# --- 422 for bad bodies and queries ---------------------------------------------------------


def _assert_problems(response: ApiResponse, expected: list[tuple[list[Any], str]]) -> None:
    assert response.status_code == 422
    detail = payload(response)["detail"]
    assert isinstance(detail, list)
    for problem in detail:
        assert {"type", "loc", "msg"} <= set(problem)
        assert set(problem) <= {"type", "loc", "msg", "ctx"}
        assert isinstance(problem["msg"], str)
    assert [(p["loc"], p["type"]) for p in detail] == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b"", [(["body"], "missing")], id="empty"),
        pytest.param(b"null", [(["body"], "missing")], id="null"),
        pytest.param(b"{", [(["body", 1], "json_invalid")], id="not-json"),
        pytest.param(b"[]", [(["body"], "model_attributes_type")], id="array"),
        pytest.param(
            b"{}",
            [
                (["body", "model"], "missing"),
                (["body", "hyperparameters"], "missing"),
                (["body", "job_in"], "value_error"),
            ],
            id="nothing",
        ),
        pytest.param(
            json.dumps(
                {"model": "m", "hyperparameters": {"learning_rate": 2}, "training_files": [FILE]}
            ).encode(),
            [(["body", "hyperparameters", "learning_rate"], "less_than_equal")],
            id="out-of-range",
        ),
        pytest.param(
            json.dumps({"model": "m", "hyperparameters": {}, "training_files": []}).encode(),
            [(["body", "job_in"], "value_error")],
            id="no-training-file",
        ),
    ],
)
def test_422_for_a_bad_create_body(
    api: JobsApi, body: bytes, expected: list[tuple[list[Any], str]]
) -> None:
    _assert_problems(call(api, "POST", JOBS_PATH, body=body), expected)
    assert api.store.jobs == {}


def test_422_for_no_training_file_has_the_real_servers_body(api: JobsApi) -> None:
    body = json.dumps({"model": "m", "hyperparameters": {}}).encode()
    assert payload(call(api, "POST", JOBS_PATH, body=body)) == {
        "detail": [
            {
                "type": "value_error",
                "loc": ["body", "job_in"],
                "msg": "Value error, At least one training file or repository is required.",
                "ctx": {"error": "At least one training file or repository is required."},
            }
        ]
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param([("page", "-1")], [(["query", "page"], "greater_than_equal")], id="page"),
        pytest.param([("page_size", "x")], [(["query", "page_size"], "int_parsing")], id="size"),
        pytest.param([("status", "DONE")], [(["query", "status"], "literal_error")], id="status"),
        pytest.param(
            [("created_by_me", "maybe")], [(["query", "created_by_me"], "bool_parsing")], id="me"
        ),
        pytest.param(
            [("created_after", "yesterday"), ("page", "-1")],
            [
                (["query", "page"], "greater_than_equal"),
                (["query", "created_after"], "datetime_from_date_parsing"),
            ],
            id="two-problems",
        ),
    ],
)
def test_422_for_a_bad_list_query(
    api: JobsApi, query: list[tuple[str, str]], expected: list[tuple[list[Any], str]]
) -> None:
    _assert_problems(call(api, "GET", JOBS_PATH, query=query), expected)


def test_422_list_query_body_is_written_out(api: JobsApi) -> None:
    assert payload(call(api, "GET", JOBS_PATH, query=[("page", "-1")])) == {
        "detail": [
            {
                "type": "greater_than_equal",
                "loc": ["query", "page"],
                "msg": "Input should be greater than or equal to 0",
                "ctx": {"ge": 0},
            }
        ]
    }


# --- 409 ------------------------------------------------------------------------------------


def test_409_to_start_a_job_that_is_not_validated(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.store.put(factory.build(status="RUNNING"))
    response = call(api, "POST", job_path(job.id, "start"))
    assert response.status_code == 409
    assert payload(response) == {
        "detail": f"Job {job.id} cannot be started: its status is RUNNING; "
        "only a VALIDATED job can be started."
    }
    assert api.store.jobs[job.id] is job


def test_409_to_cancel_a_terminal_job(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.store.put(factory.build(status="FAILED"))
    response = call(api, "POST", job_path(job.id, "cancel"))
    assert response.status_code == 409
    assert payload(response) == {
        "detail": f"Job {job.id} cannot be cancelled: its status is FAILED, which is final."
    }


def test_answer_takes_an_operation_already_matched(
    api: JobsApi, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.store.put(factory.build(status="VALIDATED"))
    # the path is not looked at again: the respx routes match it themselves
    request = ApiRequest(method="POST", path="/anything", headers=AUTH)
    response = api.answer("start", request, job.id)
    assert response.status_code == 200
    assert payload(response)["status"] == "QUEUED"


def test_api_request_defaults() -> None:
    request = ApiRequest(method="GET", path=JOBS_PATH)
    assert request.query == ()
    assert request.headers == {}
    assert request.body == b""
    response = ApiResponse(status_code=200, body={"a": [1.5, None]})
    assert response.headers == {}
    assert response.encoded is None
    assert response.content == b'{"a":[1.5,null]}'
    assert ApiResponse(status_code=200, body=None, encoded=b"{}").content == b"{}"
