"""The fake's HTTP face on plain values: where a request goes, and the exact answers."""

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
    LegacyJobMetadataOut,
    coherence_violations,
    from_wire,
)
from pytest_classifierjobs.api import (
    CLASSIFIER_MODEL_REFUSED,
    COMPLETION_REFUSED,
    DRY_RUN_DETAILS,
    JOB_ROUTES,
    JOBS_PATH,
    NOT_FOUND_DETAIL,
    OPERATIONS,
    ROUTES,
    Api,
    ApiRequest,
    ApiResponse,
    Unrouted,
)
from pytest_classifierjobs.api.classifiers import CLASSIFIER_ROUTES
from pytest_classifierjobs.api.files import FILE_ROUTES
from pytest_classifierjobs.api.models import MODEL_ROUTES
from pytest_classifierjobs.routing import RouteMatch
from pytest_classifierjobs.state.jobs import JobStore

S = ClassifierJobOutStatus
JOB_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FILE = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
AUTH = {"authorization": "Bearer test-key", "content-type": "application/json"}
CREATE_FIELDS: dict[str, Any] = {
    "model": "ministral-3b-latest",
    "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
    "training_files": [{"file_id": FILE, "weight": 1.0}],
    "auto_start": False,
    "invalid_sample_skip_percentage": 0.0,
    "job_type": "classifier",
}
CREATE = json.dumps(CREATE_FIELDS).encode()


def create_body(**changes: Any) -> bytes:
    fields = {**CREATE_FIELDS, **changes}
    return json.dumps({k: v for k, v in fields.items() if v is not REMOVE}).encode()


REMOVE = object()


@pytest.fixture(name="api")
def api_fixture() -> Api:
    return Api(JobStore(rng=Random(17)))


@pytest.fixture(name="factory")
def factory_fixture() -> type[ClassifierDetailedJobOutFactory]:
    factory: type[ClassifierDetailedJobOutFactory] = type(
        "Factory", (ClassifierDetailedJobOutFactory,), {}
    )
    factory.seed_random(99)
    return factory


def call(
    api: Api,
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
            root="https://api.mistral.ai",
        )
    )


def payload(response: ApiResponse) -> Any:
    """The body as a client reads it: the bytes on the wire, parsed."""
    return json.loads(response.content)


def job_path(job_id: str, action: str = "") -> str:
    return f"{JOBS_PATH}/{job_id}" + (f"/{action}" if action else "")


# --- routing --------------------------------------------------------------------------------


def test_the_operations_their_routes_and_their_path() -> None:
    assert (
        *("list", "create", "get", "start", "cancel"),
        *("files.upload", "files.list", "files.retrieve", "files.delete", "files.download"),
        *("files.get_signed_url", "files.signed_download"),
        *("models.list", "models.retrieve", "models.delete", "models.update", "models.archive"),
        *("models.unarchive", "classifiers.classify", "classifiers.classify_chat"),
    ) == OPERATIONS
    assert JOBS_PATH == "/v1/fine_tuning/jobs"
    # The spec's order: a 405 names the method of the first route whose path matches.
    assert [(r.method, r.template, r.operation) for r in JOB_ROUTES] == [
        ("GET", "/v1/fine_tuning/jobs", "list"),
        ("POST", "/v1/fine_tuning/jobs", "create"),
        ("GET", "/v1/fine_tuning/jobs/{job_id}", "get"),
        ("POST", "/v1/fine_tuning/jobs/{job_id}/cancel", "cancel"),
        ("POST", "/v1/fine_tuning/jobs/{job_id}/start", "start"),
    ]
    assert (*JOB_ROUTES, *FILE_ROUTES, *MODEL_ROUTES, *CLASSIFIER_ROUTES) == ROUTES
    assert [(r.method, r.template, r.operation) for r in (*MODEL_ROUTES, *CLASSIFIER_ROUTES)] == [
        ("GET", "/v1/models", "models.list"),
        ("GET", "/v1/models/{model_id}", "models.retrieve"),
        ("DELETE", "/v1/models/{model_id}", "models.delete"),
        ("PATCH", "/v1/fine_tuning/models/{model_id}", "models.update"),
        ("POST", "/v1/fine_tuning/models/{model_id}/archive", "models.archive"),
        ("DELETE", "/v1/fine_tuning/models/{model_id}/archive", "models.unarchive"),
        ("POST", "/v1/classifications", "classifiers.classify"),
        ("POST", "/v1/chat/classifications", "classifiers.classify_chat"),
    ]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        pytest.param("GET", JOBS_PATH, ("list", {}), id="list"),
        pytest.param("POST", JOBS_PATH, ("create", {}), id="create"),
        pytest.param("GET", job_path(JOB_ID), ("get", {"job_id": JOB_ID}), id="get"),
        pytest.param("POST", job_path("abc", "start"), ("start", {"job_id": "abc"}), id="start"),
        pytest.param("POST", job_path("abc", "cancel"), ("cancel", {"job_id": "abc"}), id="cancel"),
        pytest.param("GET", job_path("start"), ("get", {"job_id": "start"}), id="id-named-start"),
        pytest.param("GET", f"{JOBS_PATH}\n", ("list", {}), id="one-final-newline"),
    ],
)
def test_a_request_that_is_an_operation(
    api: Api, method: str, path: str, expected: tuple[str, dict[str, str]]
) -> None:
    routed = api.route(ApiRequest(method=method, path=path))
    assert routed == RouteMatch(*expected)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        pytest.param("PUT", JOBS_PATH, "GET", id="PUT-jobs"),
        pytest.param("HEAD", JOBS_PATH, "GET", id="HEAD-jobs"),
        pytest.param("get", JOBS_PATH, "GET", id="lower-case-method"),
        pytest.param("DELETE", job_path(JOB_ID), "GET", id="DELETE-job"),
        pytest.param("POST", job_path(JOB_ID), "GET", id="POST-job"),
        pytest.param("GET", job_path(JOB_ID, "start"), "POST", id="GET-start"),
        pytest.param("PROPFIND", job_path(JOB_ID, "cancel"), "POST", id="PROPFIND-cancel"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(
    api: Api, method: str, path: str, allow: str
) -> None:
    for headers in (AUTH, {}):  # answered the same with or without a token
        response = call(api, method, path, headers=headers)
        assert (response.status_code, payload(response)) == (405, {"detail": "Method Not Allowed"})
        assert response.headers == {"Allow": allow}
    routed = api.route(ApiRequest(method=method, path=path))
    assert isinstance(routed, Unrouted)
    assert routed.unhandled


@pytest.mark.parametrize(
    "path",
    [
        job_path(JOB_ID, "stop"),
        "/v1/fine_tuning/jobsx",
        "/v1/fine_tuning",
        "/v1/agents",
        "/",
        job_path("a/b"),
        f"{JOBS_PATH}/{JOB_ID}/start/now",
    ],
)
def test_an_unknown_path_is_404(api: Api, path: str) -> None:
    response = call(api, "GET", path, headers={})
    assert (response.status_code, payload(response), response.headers) == (
        404,
        {"detail": "Not Found"},
        {},
    )


@pytest.mark.parametrize(
    ("method", "path", "query", "location"),
    [
        pytest.param("GET", f"{JOBS_PATH}/", "", f"{JOBS_PATH}", id="list/"),
        pytest.param("POST", f"{JOBS_PATH}//", "", f"{JOBS_PATH}", id="create//"),
        pytest.param("GET", job_path(JOB_ID) + "/", "a=1", f"{job_path(JOB_ID)}?a=1", id="get/"),
        pytest.param(
            "PUT", job_path("x y", "start") + "/", "", job_path("x%20y", "start"), id="PUT"
        ),
    ],
)
def test_a_path_off_by_a_final_slash_is_redirected(
    api: Api, method: str, path: str, query: str, location: str
) -> None:
    request = ApiRequest(method=method, path=path, query_string=query, root="https://h/p")
    routed = api.route(request)
    assert isinstance(routed, Unrouted)
    assert not routed.unhandled
    answer = routed.response
    assert (answer.status_code, answer.content) == (307, b"")
    assert answer.headers == {"location": f"https://h/p{location}"}
    assert answer.wire() == (b"", {"location": f"https://h/p{location}"})


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
    api: Api, headers: dict[str, str], method: str, path: str
) -> None:
    headers = {**headers, "content-type": "application/json"}
    response = call(api, method, path, headers=headers, body=CREATE)
    assert response.status_code == 401
    assert payload(response) == {"detail": "Unauthorized"}
    assert api.jobs.jobs == {}


@pytest.mark.parametrize(
    "authorization",
    ["Bearer k", "bearer k", "BEARER k", "Bearer  spaced-key "],
    ids=["Bearer", "lower", "upper", "extra-spaces"],
)
def test_any_bearer_token_is_accepted(api: Api, authorization: str) -> None:
    response = call(api, "GET", JOBS_PATH, headers={"authorization": authorization})
    assert response.status_code == 200


def test_with_api_keys_only_those_are_accepted() -> None:
    api = Api(JobStore(rng=Random(1)), api_keys=["good", "also-good"])
    assert api.api_keys == frozenset({"good", "also-good"})
    for token, status in [("good", 200), ("also-good", 200), ("revoked", 401), ("GOOD", 401)]:
        response = call(api, "GET", JOBS_PATH, headers={"authorization": f"Bearer {token}"})
        assert response.status_code == status
    assert payload(call(api, "GET", JOBS_PATH, headers={"authorization": "Bearer x"})) == {
        "detail": "Unauthorized"
    }


def test_api_keys_without_auth_are_a_contradiction() -> None:
    with pytest.raises(
        ValueError, match=r"^api_keys needs require_auth=True: without it no key is checked$"
    ):
        Api(JobStore(rng=Random(1)), require_auth=False, api_keys=["k"])


def test_require_auth_false_answers_without_a_token(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    api = Api(JobStore(rng=Random(1)), require_auth=False)
    assert api.require_auth is False
    job = api.jobs.put(factory.build(status="RUNNING"))
    json_only = {"content-type": "application/json"}
    assert call(api, "GET", JOBS_PATH, headers={}).status_code == 200
    assert call(api, "POST", JOBS_PATH, headers=json_only, body=CREATE).status_code == 200
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
    "job_id",
    ["abc", "3fa85f64-5717-4562-b3fc-2c963f66afaZ", "3fa85f64", "1"],
    ids=["word", "bad-digit", "short", "number"],
)
def test_422_for_a_job_id_that_is_no_uuid(api: Api, method: str, action: str, job_id: str) -> None:
    response = call(api, method, job_path(job_id, action))
    assert response.status_code == 422
    # pydantic's problem, as FastAPI answers for a `job_id: UUID`; the uuid crate's reason in it
    # is worded differently by each pydantic-core release, as it is on the real server.
    (problem,) = payload(response)["detail"]
    assert (problem["type"], problem["loc"]) == ("uuid_parsing", ["path", "job_id"])
    assert problem["msg"] == f"Input should be a valid UUID, {problem['ctx']['error']}"
    assert set(problem) == {"type", "loc", "msg", "ctx"}


@pytest.mark.parametrize(
    ("method", "action"),
    [("GET", ""), ("POST", "start"), ("POST", "cancel")],
    ids=["get", "start", "cancel"],
)
def test_404_for_an_unknown_job(api: Api, method: str, action: str) -> None:
    response = call(api, method, job_path(UNKNOWN, action))
    assert response.status_code == 404
    assert response.content == b'{"detail":"No fine tuning job matches the given query."}'
    assert payload(response) == {"detail": "No fine tuning job matches the given query."}
    assert NOT_FOUND_DETAIL == "No fine tuning job matches the given query."


def test_an_upper_case_job_id_finds_the_job(
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.jobs.put(factory.build(status="RUNNING"))
    assert call(api, "GET", job_path(job.id.upper())).status_code == 200


# --- 200 answers ----------------------------------------------------------------------------


def test_create_answers_the_short_job(api: Api) -> None:
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
    assert job == api.jobs.jobs[job.id].summary()
    assert coherence_violations(job) == []
    assert job.training_files == [FILE]


def test_compact_json_bodies(api: Api) -> None:
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
    api: Api, auto_start: bool, steps: list[str]
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
        assert job == api.jobs.jobs[created["id"]]
        seen.append(job.status.value)
    assert seen == steps


def test_start_and_cancel_answer_the_detailed_job(api: Api) -> None:
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
    assert job == api.jobs.jobs[job_id]
    assert payload(cancelled)["classifier_targets"] != []
    final = from_wire(ClassifierDetailedJobOut, payload(call(api, "GET", job_path(job_id))))
    assert final.status is S.CANCELLED
    assert coherence_violations(final) == []


def test_an_unchanged_job_gets_the_same_bytes_and_a_changed_one_new_bytes(
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.jobs.put(factory.build(status="RUNNING"))
    first = call(api, "GET", job_path(job.id))
    second = call(api, "GET", job_path(job.id))
    assert second.content == first.content
    assert from_wire(ClassifierDetailedJobOut, payload(second)) == job
    moved = api.jobs.put(factory.build(status="SUCCESS", id=job.id))
    third = call(api, "GET", job_path(job.id))
    assert from_wire(ClassifierDetailedJobOut, payload(third)) == moved
    assert third.content != first.content


def test_body_is_the_job_on_a_repeated_get(
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.jobs.put(factory.build(status="RUNNING"))
    call(api, "GET", job_path(job.id))
    second = call(api, "GET", job_path(job.id))
    assert second.body == payload(second)


def test_list_answers_jobs_out_newest_first(
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    created = [payload(call(api, "POST", JOBS_PATH, body=CREATE))["id"] for _ in range(3)]
    added = api.jobs.put(factory.build(status="SUCCESS", created_at=1))
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
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    running = api.jobs.put(factory.build(status="RUNNING", created_at=1_740_000_000))
    api.jobs.put(factory.build(status="SUCCESS", created_at=1_740_000_000))
    api.jobs.put(factory.build(status="RUNNING", created_at=1_700_000_000))
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


# --- create: what the server refuses although the spec allows it ---------------------------------


@pytest.mark.parametrize(
    "job_type", [REMOVE, None, "completion"], ids=["absent", "null", "completion"]
)
def test_a_job_that_is_no_classifier_job_gets_the_recorded_refusal(
    api: Api, job_type: object
) -> None:
    response = call(api, "POST", JOBS_PATH, body=create_body(job_type=job_type))
    assert (response.status_code, payload(response)) == (422, {"detail": COMPLETION_REFUSED})
    assert COMPLETION_REFUSED == "Model not available for this type of fine-tuning (completion)."
    assert api.jobs.jobs == {}


def test_a_classifier_job_for_another_base_model_is_refused(api: Api) -> None:
    response = call(api, "POST", JOBS_PATH, body=create_body(model="mistral-small-latest"))
    assert (response.status_code, payload(response)) == (422, {"detail": CLASSIFIER_MODEL_REFUSED})
    assert (
        CLASSIFIER_MODEL_REFUSED == "Model not available for this type of fine-tuning (classifier)."
    )
    assert api.jobs.jobs == {}


def test_the_base_models_can_be_chosen_or_left_open() -> None:
    chosen = Api(JobStore(rng=Random(1)), base_models=["ministral-3b-2410"])
    assert (
        call(chosen, "POST", JOBS_PATH, body=create_body(model="ministral-3b-2410")).status_code
        == 200
    )
    assert call(chosen, "POST", JOBS_PATH, body=CREATE).status_code == 422
    any_model = Api(JobStore(rng=Random(1)), base_models=None)
    assert call(any_model, "POST", JOBS_PATH, body=create_body(model="m")).status_code == 200


# --- create: dry_run ------------------------------------------------------------------------------


def test_a_dry_run_answers_the_estimate_and_stores_nothing(api: Api) -> None:
    response = call(api, "POST", JOBS_PATH, query=[("dry_run", "true")], body=CREATE)
    assert response.status_code == 200
    estimate = from_wire(LegacyJobMetadataOut, payload(response))
    assert api.jobs.jobs == {}
    assert payload(response)["object"] == "job.metadata"
    assert (estimate.details, estimate.deprecated) == (DRY_RUN_DETAILS, True)
    # The recorded formulas (contract, workflow section 4): 10 steps of 65,536 tokens.
    assert (estimate.training_steps, estimate.train_tokens_per_step) == (10, 65536)
    assert estimate.train_tokens == 655_360
    assert estimate.data_tokens is not None
    assert estimate.epochs == 655_360 / estimate.data_tokens
    assert estimate.cost == 0.33  # 0.32768 EUR, rounded up to the cent
    assert (estimate.cost_currency, estimate.estimated_start_time) == ("EUR", None)


def test_the_dry_run_estimate_is_the_created_jobs(api: Api) -> None:
    estimate = payload(call(api, "POST", JOBS_PATH, query=[("dry_run", "1")], body=CREATE))
    created = payload(call(api, "POST", JOBS_PATH, query=[("dry_run", "false")], body=CREATE))
    call(api, "GET", job_path(created["id"]))
    validated = payload(call(api, "GET", job_path(created["id"])))
    assert validated["status"] == "VALIDATED"
    for name in ("train_tokens", "train_tokens_per_step", "data_tokens", "cost"):
        assert validated["metadata"][name] == estimate[name], name
    assert validated["hyperparameters"]["epochs"] == estimate["epochs"]


def test_a_dry_run_is_checked_as_a_create_is(api: Api) -> None:
    refused = call(
        api, "POST", JOBS_PATH, query=[("dry_run", "true")], body=create_body(job_type=REMOVE)
    )
    assert payload(refused) == {"detail": COMPLETION_REFUSED}
    bad = call(api, "POST", JOBS_PATH, query=[("dry_run", "maybe")], body=CREATE)
    assert payload(bad) == {
        "detail": [
            {
                "type": "bool_parsing",
                "loc": ["query", "dry_run"],
                "msg": "Input should be a valid boolean, unable to interpret input",
            }
        ]
    }


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
        pytest.param(b"null", [(["body"], "model_attributes_type")], id="null"),
        pytest.param(b"{", [(["body", 1], "json_invalid")], id="not-json"),
        pytest.param(b"[]", [(["body"], "model_attributes_type")], id="array"),
        pytest.param(
            b"{}",
            [(["body", "model"], "missing"), (["body", "hyperparameters"], "missing")],
            id="nothing",
        ),
        pytest.param(
            create_body(hyperparameters={"seq_len": 2}),
            [
                (
                    ["body", "hyperparameters", "CompletionTrainingParametersIn", "seq_len"],
                    "greater_than_equal",
                ),
                (
                    ["body", "hyperparameters", "ClassifierTrainingParametersIn", "seq_len"],
                    "greater_than_equal",
                ),
            ],
            id="out-of-range",
        ),
        pytest.param(
            create_body(training_files=[]),
            [(["body", "job_in"], "value_error")],
            id="no-training-file",
        ),
    ],
)
def test_422_for_a_bad_create_body(
    api: Api, body: bytes, expected: list[tuple[list[Any], str]]
) -> None:
    _assert_problems(call(api, "POST", JOBS_PATH, body=body), expected)
    assert api.jobs.jobs == {}


def test_400_for_a_body_that_cannot_be_decoded(api: Api) -> None:
    response = call(api, "POST", JOBS_PATH, body=b"\xff\xfe{")
    assert (response.status_code, payload(response)) == (
        400,
        {"detail": "There was an error parsing the body"},
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param([("page", "x")], [(["query", "page"], "int_parsing")], id="page"),
        pytest.param([("page_size", "x")], [(["query", "page_size"], "int_parsing")], id="size"),
        pytest.param([("status", "DONE")], [(["query", "status"], "literal_error")], id="status"),
        pytest.param(
            [("created_by_me", "maybe")], [(["query", "created_by_me"], "bool_parsing")], id="me"
        ),
        pytest.param(
            [("created_after", "yesterday"), ("page", "x")],
            [
                (["query", "page"], "int_parsing"),
                (["query", "created_after"], "datetime_from_date_parsing"),
            ],
            id="two-problems",
        ),
    ],
)
def test_422_for_a_bad_list_query(
    api: Api, query: list[tuple[str, str]], expected: list[tuple[list[Any], str]]
) -> None:
    _assert_problems(call(api, "GET", JOBS_PATH, query=query), expected)


def test_a_negative_page_is_an_empty_page_and_strict_mode_refuses_it(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    api = Api(JobStore(rng=Random(1)))
    api.jobs.put(factory.build(status="RUNNING"))
    page = payload(call(api, "GET", JOBS_PATH, query=[("page", "-1")]))
    assert (page["total"], page["data"]) == (1, [])
    strict = Api(JobStore(rng=Random(1)), validation="strict")
    assert payload(call(strict, "GET", JOBS_PATH, query=[("page", "-1")])) == {
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
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.jobs.put(factory.build(status="RUNNING"))
    response = call(api, "POST", job_path(job.id, "start"))
    assert response.status_code == 409
    assert payload(response) == {
        "detail": f"Job {job.id} cannot be started: its status is RUNNING; "
        "only a VALIDATED job can be started."
    }
    assert api.jobs.jobs[job.id] is job


def test_409_to_cancel_a_terminal_job(
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.jobs.put(factory.build(status="FAILED"))
    response = call(api, "POST", job_path(job.id, "cancel"))
    assert response.status_code == 409
    assert payload(response) == {
        "detail": f"Job {job.id} cannot be cancelled: its status is FAILED, which is final."
    }


def test_answer_takes_an_operation_already_matched(
    api: Api, factory: type[ClassifierDetailedJobOutFactory]
) -> None:
    job = api.jobs.put(factory.build(status="VALIDATED"))
    # The path is not looked at again: the transports route first, then take a fault.
    request = ApiRequest(method="POST", path="/anything", headers=AUTH)
    response = api.answer(RouteMatch("start", {"job_id": job.id}), request)
    assert response.status_code == 200
    assert payload(response)["status"] == "QUEUED"


def test_api_request_defaults() -> None:
    request = ApiRequest(method="GET", path=JOBS_PATH)
    assert (request.query, request.query_string, request.root) == ((), "", "")
    assert request.headers == {}
    assert request.body == b""
    response = ApiResponse(status_code=200, body={"a": [1.5, None]})
    assert response.headers == {}
    assert response.encoded is None
    assert response.content == b'{"a":[1.5,null]}'
    assert ApiResponse(status_code=200, body=None, encoded=b"{}").content == b"{}"
