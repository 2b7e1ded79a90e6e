"""Requests read as the real FastAPI server reads them, and the fake's strict mode.

pydantic itself checks the values (its messages are not re-tested here; the differential test in
``tests/reference`` compares whole answers with a FastAPI app generated from the spec). These
tests pin what this package decides: how a body is read, in which order problems come, the
recorded model-level problem, what a request becomes, and every rule of strict mode.
"""

import doctest
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from pytest_classifierjobs import validation
from pytest_classifierjobs.models import (
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersIn,
    JobIn,
    JobsOut,
    TrainingFile,
    WandbIntegration,
)
from pytest_classifierjobs.state.jobs import ListQuery
from pytest_classifierjobs.validation import (
    NO_TRAINING_FILE,
    CreateRequest,
    Problem,
    RequestReader,
    RequestRefused,
    read_json_body,
    validation_error_body,
)

U = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
V = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
KEY = "k" * 40
JSON = {"content-type": "application/json"}
MINIMAL: dict[str, Any] = {
    "model": "ministral-3b-latest",
    "hyperparameters": {},
    "training_files": [{"file_id": U}],
    "job_type": "classifier",
}
SERVER = RequestReader()
STRICT = RequestReader("strict")
# What a body with every field reads as (sent by hand, then by the SDK, below).
EVERY_FIELD = JobIn(
    model="ministral-3b-latest",
    hyperparameters=ClassifierTrainingParametersIn(
        training_steps=10,
        learning_rate=0.0002,
        weight_decay=0.05,
        warmup_fraction=0.1,
        epochs=2.5,
        seq_len=4096,
    ),
    training_files=[TrainingFile(file_id=U, weight=2.0), TrainingFile(file_id=V)],
    validation_files=[V],
    suffix="intent-v1",
    integrations=[WandbIntegration(project="p", api_key=KEY, name="n", run_name="r")],
    auto_start=True,
    invalid_sample_skip_percentage=0.1,
    job_type="classifier",
    classifier_targets=[
        ClassifierTargetIn(
            name="intent", labels=["a", "b"], weight=1.0, loss_function="single_class"
        )
    ],
)


def body(**changes: Any) -> bytes:
    return json.dumps({**MINIMAL, **changes}).encode()


def refusal(call: Any) -> tuple[int, Any]:
    with pytest.raises(RequestRefused) as refused:
        call()
    return refused.value.status_code, refused.value.body


def problems(
    raw: bytes,
    *,
    reader: RequestReader = SERVER,
    query: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    status, answer = refusal(
        lambda: reader.create(query or [], JSON if headers is None else headers, raw)
    )
    assert status == 422
    detail: list[dict[str, Any]] = answer["detail"]
    return detail


def created(
    raw: bytes, *, reader: RequestReader = SERVER, query: list[tuple[str, str]] | None = None
) -> CreateRequest:
    return reader.create(query or [], JSON, raw)


def locs(entries: list[dict[str, Any]]) -> list[tuple[str | int, ...]]:
    return [tuple(entry["loc"]) for entry in entries]


# --- the shape of a 422 ---------------------------------------------------------------------------


def test_a_problem_is_written_with_the_keys_of_the_recorded_answers() -> None:
    problem = Problem(
        ("body", "job_in"),
        f"Value error, {NO_TRAINING_FILE}",
        "value_error",
        {"error": NO_TRAINING_FILE},
    )
    # mistralai/client-ts#70, byte for byte.
    assert json.dumps(validation_error_body([problem])) == (
        '{"detail": [{"type": "value_error", "loc": ["body", "job_in"], "msg": "Value error, '
        'At least one training file or repository is required.", "ctx": {"error": "At least one '
        'training file or repository is required."}}]}'
    )


def test_problems_compare_by_value_and_hash_although_ctx_is_a_dict() -> None:
    one = Problem(("query", "page"), "m", "t", {"ge": 0})
    assert one == Problem(("query", "page"), "m", "t", {"ge": 0})
    assert hash(one) == hash(Problem(("query", "page"), "m", "t", {"ge": 1}))


def test_pydantics_messages_come_through_without_input_and_with_ctx_as_text() -> None:
    entries = problems(
        body(hyperparameters={"learning_rate": 2}, training_files=[{"file_id": "x"}])
    )
    uuid_problem = entries.pop(0)
    assert uuid_problem["loc"] == ["body", "training_files", 0, "file_id"]
    assert uuid_problem["type"] == "uuid_parsing"
    # The uuid crate's reason, worded by the installed pydantic-core, is the ctx's text.
    assert uuid_problem["msg"] == f"Input should be a valid UUID, {uuid_problem['ctx']['error']}"
    assert entries == [
        {
            "type": "less_than_equal",
            "loc": ["body", "hyperparameters", "CompletionTrainingParametersIn", "learning_rate"],
            "msg": "Input should be less than or equal to 1",
            "ctx": {"le": 1},
        },
        {
            "type": "less_than_equal",
            "loc": ["body", "hyperparameters", "ClassifierTrainingParametersIn", "learning_rate"],
            "msg": "Input should be less than or equal to 1",
            "ctx": {"le": 1},
        },
    ]


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(validation).failed == 0


def test_the_module_needs_no_http_and_no_pytest() -> None:
    code = (
        "import sys, pytest_classifierjobs.validation as v;"
        "print(sorted(m for m in ('httpx', 'respx', 'pytest') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unknown_mode_is_refused_with_the_modes() -> None:
    with pytest.raises(
        ValueError, match=r"^unknown validation mode 'lax'; expected one of 'server', 'strict'$"
    ):
        RequestReader("lax")  # type: ignore[arg-type]


# --- reading the body -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/vnd.api+json",
        "application/merge-patch+json ; q=1",
    ],
)
def test_a_json_content_type_gets_the_body_parsed(content_type: str) -> None:
    assert read_json_body({"content-type": content_type}, b'{"a": 1}') == {"a": 1}


@pytest.mark.parametrize("content_type", ["text/plain", "text/json", "application/x-json", ""])
def test_another_or_no_content_type_leaves_the_raw_bytes(content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    assert read_json_body(headers, b'{"a": 1}') == b'{"a": 1}'
    assert problems(body(), headers=headers) == [
        {
            "type": "model_attributes_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary or object to extract fields from",
        }
    ]


def test_an_empty_body_is_a_missing_one() -> None:
    assert problems(b"") == [{"type": "missing", "loc": ["body"], "msg": "Field required"}]


def test_json_that_does_not_parse_is_the_one_problem_at_its_position() -> None:
    # Reported alone, before the parameters are looked at.
    assert problems(b'{"model": }', query=[("dry_run", "maybe")]) == [
        {
            "type": "json_invalid",
            "loc": ["body", 10],
            "msg": "JSON decode error",
            "ctx": {"error": "Expecting value"},
        },
    ]


@pytest.mark.parametrize(
    "raw", [b"\xff\xfe{", b"[" * 100_000, b"1" * 5000], ids=["utf", "deep", "digits"]
)
def test_a_body_json_cannot_read_otherwise_is_a_400(raw: bytes) -> None:
    assert refusal(lambda: SERVER.create([], JSON, raw)) == (
        400,
        {"detail": "There was an error parsing the body"},
    )


def test_query_problems_come_before_body_problems() -> None:
    assert locs(problems(b"null", query=[("dry_run", "maybe")])) == [
        ("query", "dry_run"),
        ("body",),
    ]


# --- the create body ------------------------------------------------------------------------------


def test_no_training_file_is_the_recorded_problem_and_only_once_the_fields_are_valid() -> None:
    assert problems(body(training_files=[])) == [
        {
            "type": "value_error",
            "loc": ["body", "job_in"],
            "msg": f"Value error, {NO_TRAINING_FILE}",
            "ctx": {"error": NO_TRAINING_FILE},
        },
    ]
    # A model-level check: with a field problem, it does not run.
    assert locs(problems(body(training_files=[], model=None))) == [("body", "model")]


def test_a_repository_stands_in_for_a_training_file() -> None:
    repository = {"type": "github", "name": "n", "owner": "o", "token": "t"}
    assert created(body(training_files=[], repositories=[repository])).job.training_files == []


def test_a_minimal_body_gets_the_defaults() -> None:
    assert created(body()) == CreateRequest(
        job=JobIn(
            model="ministral-3b-latest",
            hyperparameters=ClassifierTrainingParametersIn(),
            training_files=[TrainingFile(file_id=U)],
            auto_start=False,
            job_type="classifier",
        ),
        dry_run=False,
    )


def test_every_field_is_read_laxly_and_uuids_are_canonical() -> None:
    asked = created(
        body(
            model="ministral-3b-latest",
            hyperparameters={
                "training_steps": "10",
                "learning_rate": "0.0002",
                "weight_decay": 0.05,
                "warmup_fraction": 0.1,
                "epochs": 2.5,
                "seq_len": 4096,
            },
            training_files=[{"file_id": U.upper(), "weight": 2}, {"file_id": "urn:uuid:" + V}],
            validation_files=["{" + V + "}"],
            suffix="intent-v1",
            integrations=[
                {"type": "wandb", "project": "p", "api_key": KEY, "name": "n", "run_name": "r"}
            ],
            auto_start="true",
            invalid_sample_skip_percentage=0.1,
            classifier_targets=[
                {"name": "intent", "labels": ["a", "b"], "loss_function": "single_class"}
            ],
        ),
        query=[("dry_run", "yes")],
    )
    assert asked == CreateRequest(job=EVERY_FIELD, dry_run=True)


def test_nulls_stay_null_where_the_spec_allows_them() -> None:
    asked = created(
        body(
            hyperparameters={"training_steps": None, "weight_decay": None, "epochs": None},
            validation_files=None,
            suffix=None,
            integrations=None,
            classifier_targets=None,
        )
    )
    assert asked.job.hyperparameters == ClassifierTrainingParametersIn(weight_decay=None)
    assert (asked.job.validation_files, asked.job.suffix, asked.job.integrations) == (
        None,
        None,
        None,
    )


def test_completion_input_is_read_as_the_server_reads_it() -> None:
    # The fake refuses the job later, as a completion job (api.py), or in strict mode.
    asked = created(body(job_type="completion", hyperparameters={"fim_ratio": 0.5}))
    assert asked.job.job_type == "completion"
    assert asked.job.hyperparameters == ClassifierTrainingParametersIn()


def test_an_integration_needs_its_tag() -> None:
    entries = problems(body(integrations=[{"project": "p", "api_key": KEY}]))
    assert entries == [
        {
            "type": "union_tag_not_found",
            "loc": ["body", "integrations", 0],
            "msg": "Unable to extract tag using discriminator 'type'",
            "ctx": {"discriminator": "'type'"},
        },
    ]


# --- the job id and the list query ----------------------------------------------------------------


def test_a_job_id_in_any_spelling_pydantic_reads_is_canonical() -> None:
    for spelling in (U.upper(), "{" + U + "}", "urn:uuid:" + U, U.replace("-", "")):
        assert SERVER.job_id(spelling) == U


def test_a_job_id_that_is_no_uuid_is_a_path_problem() -> None:
    status, answer = refusal(lambda: SERVER.job_id("abc"))
    assert (status, locs(answer["detail"])) == (422, [("path", "job_id")])


def test_no_parameters_give_the_specs_defaults() -> None:
    assert SERVER.list_query([]) == ListQuery()


def test_every_parameter_is_read_and_the_last_of_a_repeated_one_wins() -> None:
    query = SERVER.list_query(
        [
            ("page", " 1_0 "),
            ("page_size", "5"),
            ("model", "m"),
            ("created_by_me", "yes"),
            ("status", "QUEUED"),
            ("status", "RUNNING"),
            ("wandb_project", "p"),
            ("wandb_name", "n"),
            ("suffix", "any text"),
            ("unknown", "x"),
            ("created_after", "2025-01-02T05:04:05+02:00"),
            ("created_before", "2025-02-01"),
        ]
    )
    assert query == ListQuery(
        page=10,
        page_size=5,
        model="m",
        created_after=1735787045,
        created_before=1738368000,
        created_by_me=True,
        status=ClassifierJobOutStatus.RUNNING,
        wandb_project="p",
        wandb_name="n",
        suffix="any text",
    )


@pytest.mark.parametrize(
    ("text", "after", "before"),
    [
        ("2025-01-02T03:04:05Z", 1735787045, 1735787045),
        ("2025-01-02T03:04:05.5Z", 1735787046, 1735787045),  # after rounds up, before down
        ("2025-01-02T03:04:05", 1735787045, 1735787045),  # naive is UTC
        ("1735787045", 1735787045, 1735787045),
        ("1735787045500", 1735787046, 1735787045),  # milliseconds, as pydantic guesses
    ],
)
def test_datetimes_become_whole_seconds(text: str, after: int, before: int) -> None:
    query = SERVER.list_query([("created_after", text), ("created_before", text)])
    assert (query.created_after, query.created_before) == (after, before)


def test_a_negative_page_is_the_servers_business_and_strict_modes_problem() -> None:
    assert SERVER.list_query([("page", "-1"), ("page_size", "0")]).page == -1
    status, answer = refusal(lambda: STRICT.list_query([("page", "-1"), ("page_size", "0")]))
    assert (status, locs(answer["detail"])) == (422, [("query", "page"), ("query", "page_size")])
    assert answer["detail"][0]["msg"] == "Input should be greater than or equal to 0"


def test_strict_mode_reports_the_servers_problems_first() -> None:
    _, answer = refusal(lambda: STRICT.list_query([("page", "x"), ("page_size", "0")]))
    assert locs(answer["detail"]) == [("query", "page")]


# --- strict mode ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"hyperparameters": {"learning_rate": "0.1"}},
            [
                ("body", "hyperparameters", "CompletionTrainingParametersIn", "learning_rate"),
                ("body", "hyperparameters", "ClassifierTrainingParametersIn", "learning_rate"),
            ],
        ),
        ({"auto_start": "true"}, [("body", "auto_start")]),
        ({"auto_start": 1}, [("body", "auto_start")]),
        (
            {"hyperparameters": {"training_steps": 10.0}},
            [
                ("body", "hyperparameters", "CompletionTrainingParametersIn", "training_steps"),
                ("body", "hyperparameters", "ClassifierTrainingParametersIn", "training_steps"),
            ],
        ),
        ({"hyperparameters": {"epochs": float("inf")}}, [("body", "hyperparameters", "epochs")]),
        (
            {"training_files": [{"file_id": U, "weight": float("inf")}]},
            [("body", "training_files", 0, "weight")],
        ),
        ({"hyperparameter": {}}, [("body", "hyperparameter")]),
        ({"hyperparameters": {"learnig_rate": 0.1}}, [("body", "hyperparameters", "learnig_rate")]),
        (
            {"training_files": [{"file_id": U, "wieght": 1}]},
            [("body", "training_files", 0, "wieght")],
        ),
        (
            {"integrations": [{"type": "wandb", "project": "p", "api_key": KEY, "x": 1}]},
            [("body", "integrations", 0, "x")],
        ),
        (
            {"classifier_targets": [{"name": "t", "labels": [], "lables": []}]},
            [("body", "classifier_targets", 0, "lables")],
        ),
        ({"model": ""}, [("body", "model")]),
        ({"suffix": ""}, [("body", "suffix")]),
        ({"suffix": "with space"}, [("body", "suffix")]),
        ({"hyperparameters": {"fim_ratio": 0.9}}, [("body", "hyperparameters", "fim_ratio")]),
        (
            {"repositories": [{"type": "github", "name": "n", "owner": "o", "token": "t"}]},
            [("body", "repositories")],
        ),
    ],
    ids=[
        "string-number",
        "string-bool",
        "int-bool",
        "float-int",
        "infinity",
        "infinite-weight",
        "unknown-key",
        "unknown-hyperparameter",
        "unknown-file-key",
        "unknown-integration-key",
        "unknown-target-key",
        "empty-model",
        "empty-suffix",
        "suffix-pattern",
        "fim_ratio",
        "repositories",
    ],
)
def test_strict_mode_refuses_what_the_server_accepts(
    changes: dict[str, Any], expected: list[tuple[str | int, ...]]
) -> None:
    raw = body(**changes)
    assert isinstance(created(raw), CreateRequest)  # the server accepts it
    assert locs(problems(raw, reader=STRICT)) == expected


def test_strict_mode_messages_say_what_is_wrong() -> None:
    entries = problems(body(hyperparameter={}, hyperparameters={"fim_ratio": 0.1}), reader=STRICT)
    assert [(e["type"], e["msg"]) for e in entries] == [
        ("extra_forbidden", "Extra inputs are not permitted"),
        (
            "value_error",
            "Value error, fim_ratio is a hyperparameter of completion jobs; a "
            "classifier job takes none",
        ),
    ]


def test_strict_mode_accepts_what_the_sdk_sends() -> None:
    raw = body(
        hyperparameters={"training_steps": 10, "learning_rate": 0.0001},
        auto_start=False,
        validation_files=None,
        invalid_sample_skip_percentage=0.0,
        suffix="ok-1",
        integrations=[{"type": "wandb", "project": "p", "api_key": KEY}],
    )
    assert created(raw, reader=STRICT) == created(raw)


def test_strict_mode_reports_the_servers_problems_alone() -> None:
    assert locs(problems(body(model=None, suffix=""), reader=STRICT)) == [("body", "model")]


# --- the SDK's requests ---------------------------------------------------------------------------


@pytest.fixture
def captured(sdk: Any) -> Iterator[tuple[Any, list[httpx.Request]]]:
    """The SDK's jobs client over a transport that records each request and answers it."""
    from pytest_classifierjobs.wire import to_wire

    requests: list[httpx.Request] = []
    job = ClassifierJobOut(
        id=U,
        auto_start=False,
        model="m",
        status=ClassifierJobOutStatus.QUEUED,
        created_at=1,
        modified_at=1,
        training_files=[U],
        hyperparameters=ClassifierTrainingParameters(),
    )

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = to_wire(JobsOut(total=0)) if request.method == "GET" else to_wire(job)
        return httpx.Response(200, json=answer)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        mistral = sdk.Mistral(api_key="k", server_url="http://fake.test", client=client)
        yield mistral.fine_tuning.jobs, requests


Jobs = tuple[Any, list[httpx.Request]]


def sent(request: httpx.Request, reader: RequestReader = SERVER) -> CreateRequest:
    headers = dict(request.headers.items())
    return reader.create(request.url.params.multi_items(), headers, request.content)


@pytest.mark.sdk
def test_the_sdks_minimal_call_gets_the_recorded_no_training_file_problem(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.create(model="m", hyperparameters={})
    status, answer = refusal(lambda: sent(requests[-1]))
    assert (status, locs(answer["detail"])) == (422, [("body", "job_in")])


@pytest.mark.sdk
@pytest.mark.parametrize("reader", [SERVER, STRICT], ids=["server", "strict"])
def test_the_sdks_call_with_every_parameter_is_accepted_in_both_modes(
    captured: Jobs, reader: RequestReader
) -> None:
    jobs, requests = captured
    jobs.create(
        model="ministral-3b-latest",
        hyperparameters={
            "training_steps": 10,
            "learning_rate": 0.0002,
            "weight_decay": 0.05,
            "warmup_fraction": 0.1,
            "epochs": 2.5,
            "seq_len": 4096,
        },
        training_files=[{"file_id": U, "weight": 2.0}, {"file_id": V}],
        validation_files=[V],
        suffix="intent-v1",
        integrations=[{"project": "p", "api_key": KEY, "name": "n", "run_name": "r"}],
        auto_start=True,
        invalid_sample_skip_percentage=0.1,
        job_type="classifier",
        repositories=None,
        # weight is explicit: the SDK drops the whole list otherwise (contract 1.3).
        classifier_targets=[
            {"name": "intent", "labels": ["a", "b"], "weight": 1.0, "loss_function": "single_class"}
        ],
    )
    assert sent(requests[-1], reader).job == EVERY_FIELD


@pytest.mark.sdk
def test_the_sdks_explicit_nones_are_accepted(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.create(
        model="m",
        hyperparameters={"training_steps": None, "weight_decay": None, "epochs": None},
        training_files=[{"file_id": U}],
        validation_files=None,
        suffix=None,
        integrations=None,
        job_type=None,
        repositories=None,
        classifier_targets=None,
    )
    assert sent(requests[-1], STRICT).job == JobIn(
        model="m",
        hyperparameters=ClassifierTrainingParametersIn(weight_decay=None),
        training_files=[TrainingFile(file_id=U)],
        auto_start=False,
    )


@pytest.mark.sdk
def test_the_sdks_default_list_call_is_read_as_the_defaults(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.list()
    params = requests[-1].url.params.multi_items()
    assert params == [("page", "0"), ("page_size", "100"), ("created_by_me", "false")]
    assert STRICT.list_query(params) == ListQuery()


@pytest.mark.sdk
@pytest.mark.parametrize(
    ("moment", "after"),
    [
        (datetime(2025, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))), 1735787045),
        (datetime(2025, 1, 2, 3, 4, 5, 678_901, tzinfo=timezone.utc), 1735787046),
        (datetime(2025, 1, 2, 3, 4, 5, 678_901), 1735787046),  # naive: UTC
        (datetime(2025, 1, 1, 22, 4, 5, tzinfo=timezone(-timedelta(hours=5))), 1735787045),
    ],
    ids=["+02:00", "utc-micro", "naive-micro", "-05:00"],
)
def test_the_sdks_datetimes_are_read_to_the_second(
    captured: Jobs, moment: datetime, after: int
) -> None:
    jobs, requests = captured
    jobs.list(created_after=moment, status="SUCCESS")
    assert SERVER.list_query(requests[-1].url.params.multi_items()) == ListQuery(
        created_after=after, status=ClassifierJobOutStatus.SUCCESS
    )
