"""The fake jobs API driven through the official mistralai SDK, unchanged, sync and async.

One file for both SDK majors: the ``sdk`` fixture hands out the installed one (1.x in the nox
session ``tests``, 2.x in ``tests_sdk2``), and ``client.fine_tuning.jobs`` has the same methods
and parameter names in both. The async tests run on anyio's pytest plugin (anyio comes with
httpx).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import http.server
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pydantic
import pytest

from pytest_classifierjobs import (
    TERMINAL_STATUSES,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    WandbIntegrationOut,
)
from pytest_classifierjobs.api import Operation

if TYPE_CHECKING:
    from tests.conftest import SDK

pytestmark = pytest.mark.sdk

S = ClassifierJobOutStatus
SEED = 20250416
MODEL = "ministral-3b-latest"
TRAINING_FILE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
VALIDATION_FILE = "4b62db5b-47b8-42fb-a782-89457766cff7"
UNKNOWN_JOB = "00000000-0000-4000-8000-000000000000"
WANDB_KEY = "0123456789abcdef0123456789abcdef01234567"  # W&B keys have 40 characters
JOBS_URL = "https://api.mistral.ai/v1/fine_tuning/jobs"
FINE_TUNED_MODEL = re.compile(
    r"ft:classifier:(?P<model>[^:]+):[0-9a-f]{8}:(?P<day>\d{8}):(?P<id>.{8})"
)
NOT_FOUND = {"detail": "No fine tuning job matches the given query."}
UNAUTHORIZED = {"detail": "Unauthorized"}
MAX_POLLS = 20
UTC = dt.timezone.utc
PLUS_2 = dt.timezone(dt.timedelta(hours=2))
JAN_1 = int(dt.datetime(2025, 1, 1, tzinfo=UTC).timestamp())
DAY = 86_400

MakeFake = Callable[..., ClassifierJobsMock]


# --- helpers ------------------------------------------------------------------------------------


def create_arguments(**overrides: Any) -> dict[str, Any]:
    """The arguments of a valid create call; ``overrides`` replace or add some."""
    return {
        "model": MODEL,
        "job_type": "classifier",
        "hyperparameters": {"training_steps": 10},
        "training_files": [{"file_id": TRAINING_FILE, "weight": 1.0}],
        **overrides,
    }


def error_body(error: Any) -> Any:
    """The JSON body of an ``SDKError``."""
    return json.loads(error.body)


def problems(error: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """``(loc, type)`` of each entry of a 422 body's ``detail`` list."""
    detail = error_body(error)["detail"]
    assert all(isinstance(entry["msg"], str) and entry["msg"] for entry in detail)
    return [(tuple(entry["loc"]), entry["type"]) for entry in detail]


def both_shapes(field: str, problem: str) -> list[tuple[tuple[str | int, ...], str]]:
    """A hyperparameter's problem, once per shape of the spec's anyOf (pydantic's union)."""
    return [
        (("body", "hyperparameters", shape, field), problem)
        for shape in ("CompletionTrainingParametersIn", "ClassifierTrainingParametersIn")
    ]


def statuses_of_gets(jobs: Any, job_id: str, count: int) -> list[str]:
    """The statuses that ``count`` successive GETs of a job answer."""
    return [jobs.get(job_id=job_id).status for _ in range(count)]


def poll_until_terminal(jobs: Any, job_id: str) -> list[str]:
    """GET a job until it reaches a terminal status; every status seen, in order."""
    seen: list[str] = []
    while not seen or seen[-1] not in TERMINAL_STATUSES:
        assert len(seen) < MAX_POLLS, f"still polling after {seen}"
        seen.append(jobs.get(job_id=job_id).status)
    return seen


def ids_of(page: Any) -> list[str]:
    return [job.id for job in page.data]


def day_of(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, UTC).strftime("%Y%m%d")


# Each operation called with the least it needs, for the tests that expect the same answer
# from all of them.
OPERATIONS: dict[Operation, Callable[[Any, str], Any]] = {
    "list": lambda jobs, _job_id: jobs.list(),
    "create": lambda jobs, _job_id: jobs.create(**create_arguments()),
    "get": lambda jobs, job_id: jobs.get(job_id=job_id),
    "start": lambda jobs, job_id: jobs.start(job_id=job_id),
    "cancel": lambda jobs, job_id: jobs.cancel(job_id=job_id),
}
JOB_OPERATIONS: list[Operation] = ["get", "start", "cancel"]


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def make_fake() -> Iterator[MakeFake]:
    """Start a ``ClassifierJobsMock`` with the given options; it is stopped after the test.

    At teardown no request may have gone to the fake's base URL without matching an operation.
    """
    started: list[ClassifierJobsMock] = []

    def make(**options: Any) -> ClassifierJobsMock:
        fake = ClassifierJobsMock(seed=SEED, **options).start()
        started.append(fake)
        return fake

    yield make
    for fake in started:
        fake.stop()
        assert fake.unhandled == []


@pytest.fixture
def fake(make_fake: MakeFake) -> ClassifierJobsMock:
    """The fake with its default options."""
    return make_fake()


@pytest.fixture
def client(sdk: SDK) -> Iterator[Any]:
    with sdk.Mistral(api_key="test-key") as client:
        yield client


@pytest.fixture
def jobs(client: Any) -> Any:
    """``client.fine_tuning.jobs``, the same call path on 1.x and 2.x."""
    return client.fine_tuning.jobs


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- create -------------------------------------------------------------------------------------


def test_create_with_the_least_arguments_answers_a_queued_job_with_server_defaults(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock
) -> None:
    created = jobs.create(
        model=MODEL,
        job_type="classifier",
        hyperparameters={},
        training_files=[{"file_id": TRAINING_FILE}],
    )

    assert type(created) is sdk.ClassifierJobOut
    assert created.status == "QUEUED"
    assert (created.object, created.job_type) == ("job", "classifier")
    assert created.model == MODEL
    assert created.auto_start is False
    assert created.created_at == created.modified_at
    assert created.training_files == [TRAINING_FILE]
    assert created.validation_files == []
    assert created.hyperparameters.model_dump() == {
        "training_steps": None,
        "learning_rate": 0.0001,
        "weight_decay": 0.1,
        "warmup_fraction": 0.05,
        "epochs": None,
        "seq_len": 16384,
    }
    assert created.metadata.model_dump() == {
        "expected_duration_seconds": None,
        "cost": 0.0,
        "cost_currency": None,
        "train_tokens_per_step": None,
        "train_tokens": None,
        "data_tokens": None,
        "estimated_start_time": None,
    }
    assert (created.fine_tuned_model, created.trained_tokens) == (None, None)
    assert (created.suffix, created.integrations) == (None, None)
    assert list(fake.jobs) == [created.id]


def test_create_with_every_argument_echoes_them(jobs: Any, fake: ClassifierJobsMock) -> None:
    created = jobs.create(
        model=MODEL,
        hyperparameters={
            "training_steps": 100,
            "learning_rate": 4e-5,
            "weight_decay": 0.2,
            "warmup_fraction": 0.1,
            "epochs": 2.5,
            "seq_len": 4096,
        },
        training_files=[{"file_id": TRAINING_FILE, "weight": 0.5}],
        validation_files=[VALIDATION_FILE],
        suffix="intent-v1",
        integrations=[
            {"project": "intent-classifier", "api_key": WANDB_KEY, "name": "n", "run_name": "r"}
        ],
        auto_start=False,
        invalid_sample_skip_percentage=0.1,
        job_type="classifier",
        # The SDK drops the whole list if a weight is left at its default (contract 1.3).
        classifier_targets=[
            {"name": "intent", "labels": ["a", "b"], "weight": 1.0, "loss_function": "multi_class"}
        ],
    )

    assert created.status == "QUEUED"
    assert created.training_files == [TRAINING_FILE]
    assert created.validation_files == [VALIDATION_FILE]
    assert created.suffix == "intent-v1"
    assert created.auto_start is False
    assert created.hyperparameters.model_dump() == {
        "training_steps": 100,
        "learning_rate": 4e-5,
        "weight_decay": 0.2,
        "warmup_fraction": 0.1,
        "epochs": 2.5,
        "seq_len": 4096,
    }
    # Echoed without the API key, and with no run URL yet.
    assert [integration.model_dump() for integration in created.integrations] == [
        {"type": "wandb", "project": "intent-classifier", "name": "n", "run_name": "r", "url": None}
    ]
    assert "api_key" not in fake.routes["create"].calls.last.response.text


@pytest.mark.usefixtures("fake")
def test_requested_classifier_targets_are_the_validated_job_s_targets(jobs: Any) -> None:
    target = {"name": "intent", "labels": ["a", "b"], "weight": 0.5, "loss_function": "multi_class"}
    created = jobs.create(**create_arguments(classifier_targets=[target]))

    validating = jobs.get(job_id=created.id)
    validated = jobs.get(job_id=created.id)

    assert validating.classifier_targets == []
    assert validated.status == "VALIDATED"
    assert [t.model_dump() for t in validated.classifier_targets] == [target]


def test_validation_fills_in_the_estimate_epochs_targets_and_events(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    created = jobs.create(**create_arguments())

    jobs.get(job_id=created.id)
    validated = jobs.get(job_id=created.id)

    assert validated.status == "VALIDATED"
    assert validated.hyperparameters.epochs > 0
    assert validated.metadata.cost_currency == "EUR"
    assert validated.metadata.cost > 0
    assert validated.metadata.train_tokens == 10 * validated.metadata.train_tokens_per_step
    assert validated.metadata.estimated_start_time is None
    assert validated.classifier_targets
    assert [(e.name, e.data) for e in validated.events] == [
        ("status-updated", {"status": "QUEUED"}),
        ("status-updated", {"status": "VALIDATING"}),
        ("status-updated", {"status": "VALIDATED"}),
    ]
    assert fake.routes["get"].call_count == 2


def test_start_requeues_with_a_start_estimate_and_no_new_event(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock
) -> None:
    job = fake.add(status="VALIDATED", auto_start=False)

    started = jobs.start(job_id=job.id)

    assert type(started) is sdk.ClassifierDetailedJobOut
    assert started.status == "QUEUED"
    assert started.auto_start is False
    assert started.metadata.estimated_start_time is not None
    assert started.modified_at > job.modified_at
    assert len(started.events) == len(job.events)


# --- list ---------------------------------------------------------------------------------------


@pytest.fixture
def three_jobs(fake: ClassifierJobsMock) -> dict[str, str]:
    """Three stored jobs a day apart, by name: their ids."""
    alpha = fake.add(
        status="SUCCESS",
        model="ministral-3b-latest",
        created_at=JAN_1,
        suffix="alpha",
        integrations=[WandbIntegrationOut(project="intent", name="run-a")],
    )
    beta = fake.add(
        status="RUNNING",
        model="ministral-8b-latest",
        created_at=JAN_1 + DAY,
        suffix="beta",
        integrations=[WandbIntegrationOut(project="moderation", name="run-b")],
    )
    gamma = fake.add(
        status="QUEUED",
        model="ministral-3b-latest",
        created_at=JAN_1 + 2 * DAY,
        suffix=None,
        integrations=None,
    )
    return {"alpha": alpha.id, "beta": beta.id, "gamma": gamma.id}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({}, ["gamma", "beta", "alpha"], id="none"),
        pytest.param({"model": "ministral-8b-latest"}, ["beta"], id="model"),
        pytest.param({"model": "mistral-large-latest"}, [], id="model-unused"),
        pytest.param(
            {"created_after": dt.datetime(2025, 1, 1, 12, tzinfo=UTC)},
            ["gamma", "beta"],
            id="created_after-utc",
        ),
        pytest.param(
            {"created_after": dt.datetime(2025, 1, 2, 13, tzinfo=PLUS_2)},
            ["gamma"],
            id="created_after-plus-2h",
        ),
        pytest.param(
            {"created_after": dt.datetime(2025, 1, 1, 12)},
            ["gamma", "beta"],
            id="created_after-naive-as-utc",
        ),
        pytest.param(
            {"created_before": dt.datetime(2025, 1, 2, 12, tzinfo=UTC)},
            ["beta", "alpha"],
            id="created_before-utc",
        ),
        pytest.param(
            {"created_before": dt.datetime(2025, 1, 2, 1, tzinfo=PLUS_2)},
            ["alpha"],
            id="created_before-plus-2h",
        ),
        pytest.param(
            {"created_before": dt.datetime(2025, 1, 1, 12)},
            ["alpha"],
            id="created_before-naive-as-utc",
        ),
        pytest.param(
            {"created_before": dt.datetime(2025, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)},
            ["alpha"],
            id="created_before-with-a-fraction",
        ),
        pytest.param(
            {
                "created_after": dt.datetime(2025, 1, 1, 12, tzinfo=UTC),
                "created_before": dt.datetime(2025, 1, 2, 12, tzinfo=UTC),
            },
            ["beta"],
            id="created-between",
        ),
        # Every job of the fake is the caller's.
        pytest.param({"created_by_me": True}, ["gamma", "beta", "alpha"], id="created_by_me"),
        pytest.param({"created_by_me": False}, ["gamma", "beta", "alpha"], id="not-created_by_me"),
        pytest.param({"status": "RUNNING"}, ["beta"], id="status"),
        pytest.param({"status": "FAILED"}, [], id="status-unused"),
        pytest.param({"wandb_project": "intent"}, ["alpha"], id="wandb_project"),
        pytest.param({"wandb_name": "run-b"}, ["beta"], id="wandb_name"),
        pytest.param({"suffix": "alpha"}, ["alpha"], id="suffix"),
        pytest.param({"model": MODEL, "suffix": "beta"}, [], id="model-and-suffix"),
    ],
)
def test_list_filters(
    jobs: Any, three_jobs: dict[str, str], filters: dict[str, Any], expected: list[str]
) -> None:
    page = jobs.list(**filters)

    assert ids_of(page) == [three_jobs[name] for name in expected]
    assert page.total == len(expected)


def test_created_after_with_a_fraction_leaves_out_a_job_created_before_it(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    fake.add(status="SUCCESS", created_at=JAN_1)

    listed = jobs.list(created_after=dt.datetime(2025, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC))

    assert listed.total == 0


@pytest.fixture
def five_jobs(fake: ClassifierJobsMock) -> list[str]:
    """Five stored jobs, added in no order of age; their ids newest first."""
    ages = [3, 0, 4, 1, 2]  # days after JAN_1
    added = {age: fake.add(status="SUCCESS", created_at=JAN_1 + age * DAY).id for age in ages}
    return [added[age] for age in sorted(ages, reverse=True)]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(0, slice(0, 2), id="first"),
        pytest.param(1, slice(2, 4), id="second"),
        pytest.param(2, slice(4, 5), id="last-partial"),
        pytest.param(3, slice(5, 5), id="past-the-end"),
    ],
)
def test_list_pages_newest_first_and_total_counts_every_match(
    jobs: Any, five_jobs: list[str], page: int, expected: slice
) -> None:
    listed = jobs.list(page=page, page_size=2)

    assert ids_of(listed) == five_jobs[expected]
    assert listed.total == 5


def test_list_total_counts_the_matches_of_the_filters_not_the_page(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    running = [fake.add(status="RUNNING", created_at=JAN_1 + day * DAY).id for day in range(3)]
    fake.add(status="SUCCESS")

    listed = jobs.list(status="RUNNING", page=1, page_size=2)

    assert ids_of(listed) == [running[0]]
    assert listed.total == 3


def test_list_answers_short_jobs(sdk: SDK, jobs: Any, fake: ClassifierJobsMock) -> None:
    fake.add(status="SUCCESS")

    listed = jobs.list()

    assert type(listed) is sdk.JobsOut
    assert [type(job) for job in listed.data] == [sdk.ClassifierJobOut]


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_client_without_a_key_gets_401(
    sdk: SDK, fake: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch, operation: Operation
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)  # 2.x would read it
    with sdk.Mistral() as keyless, pytest.raises(sdk.SDKError) as raised:
        OPERATIONS[operation](keyless.fine_tuning.jobs, UNKNOWN_JOB)

    assert raised.value.status_code == 401
    assert error_body(raised.value) == UNAUTHORIZED
    assert fake.routes[operation].call_count == 1


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_require_auth_false_answers_a_client_without_a_key(
    sdk: SDK, make_fake: MakeFake, monkeypatch: pytest.MonkeyPatch, operation: Operation
) -> None:
    fake = make_fake(require_auth=False)
    job = fake.add(status="VALIDATED")  # every operation is allowed on it
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with sdk.Mistral() as keyless:
        OPERATIONS[operation](keyless.fine_tuning.jobs, job.id)

    request = fake.routes[operation].calls.last.request
    assert "authorization" not in request.headers


@pytest.mark.parametrize("operation", JOB_OPERATIONS)
def test_an_unknown_job_is_404(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, operation: Operation
) -> None:
    fake.add(status="VALIDATED")

    with pytest.raises(sdk.SDKError) as raised:
        OPERATIONS[operation](jobs, UNKNOWN_JOB)

    assert raised.value.status_code == 404
    assert error_body(raised.value) == NOT_FOUND


@pytest.mark.parametrize("operation", JOB_OPERATIONS)
def test_a_job_id_that_is_no_uuid_is_422(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, operation: Operation
) -> None:
    with pytest.raises(sdk.SDKError) as raised:
        OPERATIONS[operation](jobs, "not-a-uuid")

    assert raised.value.status_code == 422
    assert problems(raised.value) == [(("path", "job_id"), "uuid_parsing")]
    assert fake.routes[operation].call_count == 1


@pytest.mark.usefixtures("fake")
def test_a_job_id_is_read_percent_decoded(sdk: SDK, jobs: Any) -> None:
    with pytest.raises(sdk.SDKError) as raised:
        jobs.get(job_id="not a uuid")

    assert raised.value.status_code == 422
    assert "%20" not in raised.value.body


@pytest.mark.parametrize(
    "spell",
    [
        pytest.param(str.upper, id="upper-case"),
        pytest.param(lambda job_id: job_id.replace("-", ""), id="no-hyphens"),
        pytest.param(lambda job_id: f"urn:uuid:{job_id}", id="urn"),
    ],
)
def test_a_job_id_in_another_uuid_spelling_finds_the_job(
    jobs: Any, fake: ClassifierJobsMock, spell: Callable[[str], str]
) -> None:
    job = fake.add(status="RUNNING")

    assert jobs.get(job_id=spell(job.id)).id == job.id


@pytest.mark.parametrize("status", [s for s in S if s is not S.VALIDATED], ids=str)
def test_start_of_a_job_that_is_not_validated_is_409(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, status: S
) -> None:
    job = fake.add(status=status)

    with pytest.raises(sdk.SDKError) as raised:
        jobs.start(job_id=job.id)

    assert raised.value.status_code == 409
    detail = error_body(raised.value)["detail"]
    assert isinstance(detail, str)
    assert status.value in detail
    assert fake.jobs[job.id] == job


def test_a_second_start_is_409(sdk: SDK, jobs: Any, fake: ClassifierJobsMock) -> None:
    job = fake.add(status="VALIDATED")
    jobs.start(job_id=job.id)

    with pytest.raises(sdk.SDKError) as raised:
        jobs.start(job_id=job.id)

    assert raised.value.status_code == 409
    assert "QUEUED" in error_body(raised.value)["detail"]


@pytest.mark.parametrize("status", sorted(TERMINAL_STATUSES), ids=str)
def test_cancel_of_a_terminal_job_is_409(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, status: S
) -> None:
    job = fake.add(status=status)

    with pytest.raises(sdk.SDKError) as raised:
        jobs.cancel(job_id=job.id)

    assert raised.value.status_code == 409
    detail = error_body(raised.value)["detail"]
    assert isinstance(detail, str)
    assert status.value in detail
    assert fake.jobs[job.id] == job


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            {"training_files": None},
            [(("body", "job_in"), "value_error")],
            id="training_files-left-out",
        ),
        pytest.param(
            {"training_files": []},
            [(("body", "job_in"), "value_error")],
            id="training_files-empty",
        ),
        pytest.param(
            {"hyperparameters": {"training_steps": 0}},
            both_shapes("training_steps", "greater_than_equal"),
            id="training_steps-0",
        ),
        pytest.param(
            {"hyperparameters": {"learning_rate": 2}},
            both_shapes("learning_rate", "less_than_equal"),
            id="learning_rate-above-1",
        ),
        pytest.param(
            {"hyperparameters": {"weight_decay": -0.1}},
            both_shapes("weight_decay", "greater_than_equal"),
            id="weight_decay-negative",
        ),
        pytest.param(
            {"hyperparameters": {"warmup_fraction": 1.5}},
            both_shapes("warmup_fraction", "less_than_equal"),
            id="warmup_fraction-above-1",
        ),
        pytest.param(
            {"hyperparameters": {"epochs": 0}},
            both_shapes("epochs", "greater_than"),
            id="epochs-0",
        ),
        pytest.param(
            {"hyperparameters": {"seq_len": 99}},
            both_shapes("seq_len", "greater_than_equal"),
            id="seq_len-below-100",
        ),
        pytest.param(
            {"suffix": "x" * 19},
            [(("body", "suffix"), "string_too_long")],
            id="suffix-19-characters",
        ),
        pytest.param(
            {"invalid_sample_skip_percentage": 0.6},
            [(("body", "invalid_sample_skip_percentage"), "less_than_equal")],
            id="invalid_sample_skip_percentage-above-half",
        ),
        pytest.param(
            {"integrations": [{"project": "p", "api_key": "short"}]},
            [(("body", "integrations", 0, "wandb", "api_key"), "string_too_short")],
            id="wandb-api_key-short",
        ),
        pytest.param(
            {"training_files": [], "suffix": "x" * 19, "hyperparameters": {"seq_len": 99}},
            # No job_in problem: the server checks the whole body once its fields are valid.
            [
                (("body", "suffix"), "string_too_long"),
                *both_shapes("seq_len", "greater_than_equal"),
            ],
            id="every-problem-at-once",
        ),
    ],
)
def test_a_bad_create_is_422_with_a_detail_list(
    sdk: SDK,
    jobs: Any,
    fake: ClassifierJobsMock,
    overrides: dict[str, Any],
    expected: list[tuple[tuple[str | int, ...], str]],
) -> None:
    with pytest.raises(sdk.SDKError) as raised:
        jobs.create(**create_arguments(**overrides))

    assert raised.value.status_code == 422
    assert raised.value.message.startswith("API error occurred: Status 422")
    assert problems(raised.value) == expected
    assert fake.jobs == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"page": -1}, [(("query", "page"), "greater_than_equal")], id="page-negative"),
        pytest.param(
            {"page_size": 0}, [(("query", "page_size"), "greater_than_equal")], id="page_size-0"
        ),
        pytest.param(
            {"suffix": ""}, [(("query", "suffix"), "string_too_short")], id="suffix-empty"
        ),
        pytest.param(
            {"suffix": "a b"},
            [(("query", "suffix"), "string_pattern_mismatch")],
            id="suffix-with-a-space",
        ),
    ],
)
def test_a_list_query_the_server_takes_is_refused_in_strict_mode(
    sdk: SDK,
    jobs: Any,
    make_fake: MakeFake,
    query: dict[str, Any],
    expected: list[tuple[tuple[str | int, ...], str]],
) -> None:
    server = make_fake()
    server.add(status="RUNNING", suffix="beta")
    assert jobs.list(**query).data == []  # the spec has no bounds: the fake answers no job
    server.stop()
    make_fake(validation="strict")
    with pytest.raises(sdk.SDKError) as raised:
        jobs.list(**query)

    assert raised.value.status_code == 422
    assert problems(raised.value) == expected


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"hyperparameters": {"fim_ratio": 0.9}}, id="fim_ratio"),
        pytest.param(
            {"repositories": [{"name": "r", "owner": "o", "token": "t", "weight": 1.0}]},
            id="repositories",
        ),
        pytest.param({"suffix": "my suffix"}, id="suffix-with-a-space"),
    ],
)
def test_a_create_the_server_takes_is_refused_in_strict_mode(
    sdk: SDK, jobs: Any, make_fake: MakeFake, overrides: dict[str, Any]
) -> None:
    server = make_fake()
    created = jobs.create(**create_arguments(**overrides))
    assert list(server.jobs) == [created.id]
    server.stop()
    strict = make_fake(validation="strict")
    with pytest.raises(sdk.SDKError) as raised:
        jobs.create(**create_arguments(**overrides))

    assert raised.value.status_code == 422
    assert problems(raised.value)
    assert strict.jobs == {}


@pytest.mark.parametrize("job_type", [None, "completion"], ids=["without-job_type", "completion"])
def test_a_create_that_is_no_classifier_job_gets_the_recorded_refusal(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, job_type: str | None
) -> None:
    arguments = create_arguments(job_type=job_type)
    if job_type is None:
        del arguments["job_type"]  # the SDK then sends none: a completion job
    with pytest.raises(sdk.SDKError) as raised:
        jobs.create(**arguments)

    # mistralai/client-python#450: a string detail, which the SDK raises as an SDKError.
    assert raised.value.status_code == 422
    assert error_body(raised.value) == {
        "detail": "Model not available for this type of fine-tuning (completion)."
    }
    assert fake.jobs == {}


def test_a_classifier_job_for_a_model_classifiers_cannot_use_is_refused(
    sdk: SDK, jobs: Any, make_fake: MakeFake
) -> None:
    fake = make_fake()
    with pytest.raises(sdk.SDKError) as raised:
        jobs.create(**create_arguments(model="mistral-small-latest"))
    assert error_body(raised.value) == {
        "detail": "Model not available for this type of fine-tuning (classifier)."
    }
    assert fake.jobs == {}
    fake.stop()
    any_model = make_fake(base_models=None)
    assert jobs.create(**create_arguments(model="mistral-small-latest")).model == (
        "mistral-small-latest"
    )
    assert len(any_model.jobs) == 1


def test_with_api_keys_another_key_gets_the_real_401(sdk: SDK, make_fake: MakeFake) -> None:
    make_fake(api_keys=["live-key"])
    with sdk.Mistral(api_key="revoked-key") as revoked, sdk.Mistral(api_key="live-key") as live:
        with pytest.raises(sdk.SDKError) as raised:
            revoked.fine_tuning.jobs.list()
        assert live.fine_tuning.jobs.list().total == 0
    assert raised.value.status_code == 401
    assert error_body(raised.value) == {"detail": "Unauthorized"}


def test_the_sdk_refuses_an_unknown_status_filter_before_sending(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    with pytest.raises(pydantic.ValidationError, match="literal_error"):
        jobs.list(status="DONE")

    assert fake.routes["list"].call_count == 0


@pytest.mark.usefixtures("fake")
def test_an_unknown_status_filter_sent_without_the_sdk_is_422() -> None:
    response = httpx.get(
        JOBS_URL, params={"status": "DONE"}, headers={"Authorization": "Bearer test-key"}
    )

    assert response.status_code == 422
    assert [(p["loc"], p["type"]) for p in response.json()["detail"]] == [
        (["query", "status"], "literal_error")
    ]


# --- flows --------------------------------------------------------------------------------------


def test_the_cookbook_flow_ends_in_success(
    jobs: Any, fake: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        assert len(slept) < MAX_POLLS, f"still polling after {len(slept)} sleeps"
        slept.append(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    seen: list[str] = []
    # mistralai/cookbook mistral/classifier_factory/intent_classification.ipynb, as written.
    created_job = jobs.create(
        model=MODEL,
        job_type="classifier",
        training_files=[{"file_id": TRAINING_FILE, "weight": 1}],
        validation_files=[VALIDATION_FILE],
        hyperparameters={"training_steps": 100, "learning_rate": 0.00004},
        auto_start=False,
        integrations=[{"project": "intent-classifier", "api_key": WANDB_KEY}],
    )
    seen.append(created_job.status)
    retrieved_job = jobs.get(job_id=created_job.id)
    seen.append(retrieved_job.status)
    while retrieved_job.status != "VALIDATED":
        time.sleep(1)
        retrieved_job = jobs.get(job_id=created_job.id)
        seen.append(retrieved_job.status)
    started = jobs.start(job_id=created_job.id)
    seen.append(started.status)
    retrieved_job = jobs.get(job_id=created_job.id)
    seen.append(retrieved_job.status)
    while retrieved_job.status in ["QUEUED", "RUNNING"]:
        time.sleep(5)
        retrieved_job = jobs.get(job_id=created_job.id)
        seen.append(retrieved_job.status)

    assert seen == ["QUEUED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"]
    assert slept == [1, 5]
    model = FINE_TUNED_MODEL.fullmatch(retrieved_job.fine_tuned_model)
    assert model is not None
    assert model["model"] == MODEL
    assert model["day"] == day_of(created_job.created_at)
    assert model["id"] == created_job.id[:8]
    assert retrieved_job.trained_tokens > 0
    assert len(retrieved_job.checkpoints) == 100
    assert retrieved_job.integrations[0].url.startswith("https://wandb.ai/")
    assert [e.data["status"] for e in retrieved_job.events] == [
        "QUEUED",
        "VALIDATING",
        "VALIDATED",
        "RUNNING",
        "SUCCESS",
    ]
    assert fake.routes["get"].call_count == 4
    assert fake.routes["start"].call_count == 1


def test_auto_start_reaches_success_without_start(jobs: Any, fake: ClassifierJobsMock) -> None:
    created = jobs.create(**create_arguments(auto_start=True))

    seen = poll_until_terminal(jobs, created.id)

    assert seen == ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"]
    assert jobs.get(job_id=created.id).fine_tuned_model is not None
    assert fake.routes["start"].call_count == 0


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        pytest.param(
            "FAILED_VALIDATION", ["VALIDATING", "FAILED_VALIDATION"], id="FAILED_VALIDATION"
        ),
        pytest.param(
            "FAILED", ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "FAILED"], id="FAILED"
        ),
        pytest.param(
            "CANCELLED",
            ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "CANCELLATION_REQUESTED", "CANCELLED"],
            id="CANCELLED",
        ),
    ],
)
def test_an_outcome_other_than_success(
    jobs: Any, make_fake: MakeFake, outcome: str, expected: list[str]
) -> None:
    make_fake(outcome=outcome)
    created = jobs.create(**create_arguments(auto_start=True))

    seen = poll_until_terminal(jobs, created.id)

    assert seen == expected
    final = jobs.get(job_id=created.id)
    assert (final.status, final.fine_tuned_model, final.trained_tokens) == (outcome, None, None)
    assert final.events[-1].data == {"status": outcome}


def test_cancel_of_a_running_job_is_requested_then_done_on_the_next_get(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock
) -> None:
    created = jobs.create(**create_arguments(auto_start=True))
    assert statuses_of_gets(jobs, created.id, 4)[-1] == "RUNNING"

    cancelled = jobs.cancel(job_id=created.id)

    assert type(cancelled) is sdk.ClassifierDetailedJobOut
    assert cancelled.status == "CANCELLATION_REQUESTED"
    assert statuses_of_gets(jobs, created.id, 2) == ["CANCELLED", "CANCELLED"]
    assert fake.jobs[created.id].fine_tuned_model is None


def test_cancel_of_a_queued_job_is_done_at_once(jobs: Any, fake: ClassifierJobsMock) -> None:
    created = jobs.create(**create_arguments())

    cancelled = jobs.cancel(job_id=created.id)

    assert cancelled.status == "CANCELLED"
    assert statuses_of_gets(jobs, created.id, 2) == ["CANCELLED", "CANCELLED"]
    assert fake.jobs[created.id].status is S.CANCELLED


def test_a_scripted_job_walks_its_script_and_stays_at_the_end(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    job = fake.add(status="VALIDATED")
    fake.script(job.id, ["QUEUED", "STARTED", "RUNNING", "SUCCESS"])

    assert statuses_of_gets(jobs, job.id, 6) == [
        "QUEUED",
        "STARTED",
        "RUNNING",
        "SUCCESS",
        "SUCCESS",
        "SUCCESS",
    ]


def test_set_status_puts_a_created_job_in_a_status_it_keeps(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    created = jobs.create(**create_arguments())

    fake.set_status(created.id, "RUNNING")

    assert statuses_of_gets(jobs, created.id, 2) == ["RUNNING", "RUNNING"]


def test_manual_progression_moves_a_created_job_only_on_advance(
    jobs: Any, make_fake: MakeFake
) -> None:
    fake = make_fake(progression="manual")
    created = jobs.create(**create_arguments())
    assert statuses_of_gets(jobs, created.id, 3) == ["QUEUED", "QUEUED", "QUEUED"]

    fake.advance(created.id)

    assert statuses_of_gets(jobs, created.id, 2) == ["VALIDATING", "VALIDATING"]


# --- faults, as the SDK's retries see them ---


def test_a_rate_limited_call_is_not_retried_by_default(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock
) -> None:
    fake.rate_limit("list", retry_after=2)

    with pytest.raises(sdk.SDKError) as raised:
        jobs.list()

    assert raised.value.status_code == 429
    assert raised.value.headers["retry-after"] == "2"
    assert fake.routes["list"].call_count == 1


def test_a_retry_config_retries_a_rate_limited_call_after_retry_after(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    fake.rate_limit("get", retry_after=2, times=2)
    job = fake.add(status="RUNNING")
    retries = sdk.RetryConfig("backoff", sdk.BackoffStrategy(10, 100, 1.5, 60_000), False)

    got = jobs.get(job_id=job.id, retries=retries)

    assert got.status == "RUNNING"
    assert slept == [2.0, 2.0]
    assert fake.routes["get"].call_count == 3


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_retired_api_is_410(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, operation: Operation
) -> None:
    fake.retire()

    with pytest.raises(sdk.SDKError) as raised:
        OPERATIONS[operation](jobs, UNKNOWN_JOB)

    assert raised.value.status_code == 410
    assert isinstance(error_body(raised.value)["detail"], str)


# --- every status -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", list(S), ids=str)
def test_an_added_job_reads_back_in_its_status(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, status: S
) -> None:
    job = fake.add(status=status)

    first, second = jobs.get(job_id=job.id), jobs.get(job_id=job.id)

    assert type(first) is sdk.ClassifierDetailedJobOut
    assert (first.status, second.status) == (status.value, status.value)
    assert first.id == job.id
    assert first.fine_tuned_model == job.fine_tuned_model
    assert len(first.checkpoints) == len(job.checkpoints)


@pytest.mark.parametrize("status", list(S), ids=str)
def test_list_by_status_finds_the_job_in_that_status(
    sdk: SDK, jobs: Any, fake: ClassifierJobsMock, status: S
) -> None:
    added = {s: fake.add(status=s).id for s in S}

    listed = jobs.list(status=status.value)

    assert ids_of(listed) == [added[status]]
    assert listed.total == 1
    assert type(listed.data[0]) is sdk.ClassifierJobOut
    assert listed.data[0].status == status.value


# --- async --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_create_async(sdk: SDK, jobs: Any, fake: ClassifierJobsMock) -> None:
    created = await jobs.create_async(**create_arguments())

    assert type(created) is sdk.ClassifierJobOut
    assert created.status == "QUEUED"
    assert list(fake.jobs) == [created.id]


@pytest.mark.anyio
async def test_get_async(sdk: SDK, jobs: Any, fake: ClassifierJobsMock) -> None:
    job = fake.add(status="RUNNING")

    got = await jobs.get_async(job_id=job.id)

    assert type(got) is sdk.ClassifierDetailedJobOut
    assert (got.id, got.status) == (job.id, "RUNNING")


@pytest.mark.anyio
async def test_list_async(jobs: Any, fake: ClassifierJobsMock) -> None:
    job = fake.add(status="SUCCESS", model="ministral-8b-latest")
    fake.add(status="SUCCESS", model=MODEL)

    listed = await jobs.list_async(model="ministral-8b-latest")

    assert ids_of(listed) == [job.id]
    assert listed.total == 1


@pytest.mark.anyio
async def test_start_async(jobs: Any, fake: ClassifierJobsMock) -> None:
    job = fake.add(status="VALIDATED")

    started = await jobs.start_async(job_id=job.id)

    assert started.status == "QUEUED"


@pytest.mark.anyio
async def test_cancel_async(jobs: Any, fake: ClassifierJobsMock) -> None:
    job = fake.add(status="RUNNING")

    cancelled = await jobs.cancel_async(job_id=job.id)

    assert cancelled.status == "CANCELLATION_REQUESTED"
    assert (await jobs.get_async(job_id=job.id)).status == "CANCELLED"


@pytest.mark.anyio
@pytest.mark.usefixtures("fake")
async def test_an_async_error_is_the_same_sdk_error(sdk: SDK, jobs: Any) -> None:
    with pytest.raises(sdk.SDKError) as raised:
        await jobs.get_async(job_id=UNKNOWN_JOB)

    assert raised.value.status_code == 404
    assert error_body(raised.value) == NOT_FOUND


@pytest.mark.anyio
async def test_the_cookbook_flow_async(jobs: Any, fake: ClassifierJobsMock) -> None:
    seen: list[str] = []
    created = await jobs.create_async(**create_arguments(auto_start=False))
    seen.append(created.status)
    job = await jobs.get_async(job_id=created.id)
    seen.append(job.status)
    while job.status != "VALIDATED":
        assert len(seen) < MAX_POLLS
        job = await jobs.get_async(job_id=created.id)
        seen.append(job.status)
    seen.append((await jobs.start_async(job_id=created.id)).status)
    job = await jobs.get_async(job_id=created.id)
    seen.append(job.status)
    while job.status in ["QUEUED", "RUNNING"]:
        assert len(seen) < MAX_POLLS
        job = await jobs.get_async(job_id=created.id)
        seen.append(job.status)

    assert seen == ["QUEUED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"]
    assert job.fine_tuned_model is not None
    assert fake.routes["get"].call_count == 4


@pytest.mark.anyio
async def test_twenty_concurrent_creates_make_twenty_jobs(
    jobs: Any, fake: ClassifierJobsMock
) -> None:
    creates: list[Awaitable[Any]] = [jobs.create_async(**create_arguments()) for _ in range(20)]

    created = await asyncio.gather(*creates)

    ids = {job.id for job in created}
    assert len(ids) == 20
    assert set(fake.jobs) == ids
    assert fake.routes["create"].call_count == 20


# --- where requests go --------------------------------------------------------------------------


def test_a_client_built_before_the_fake_started_reaches_it(sdk: SDK) -> None:
    with sdk.Mistral(api_key="test-key") as client, ClassifierJobsMock(seed=SEED) as fake:
        job = fake.add(status="RUNNING")

        got = client.fine_tuning.jobs.get(job_id=job.id)

    assert got.status == "RUNNING"
    assert fake.routes["get"].call_count == 1


def test_a_server_url_with_a_path_prefix(sdk: SDK, make_fake: MakeFake) -> None:
    fake = make_fake(base_url="http://fake.test/prefix")
    with sdk.Mistral(api_key="test-key", server_url="http://fake.test/prefix") as client:
        created = client.fine_tuning.jobs.create(**create_arguments())
        listed = client.fine_tuning.jobs.list()

    assert ids_of(listed) == [created.id]
    request = fake.routes["create"].calls.last.request
    assert request.url == "http://fake.test/prefix/v1/fine_tuning/jobs"


def test_the_real_api_host_is_guarded_while_the_fake_serves_another_base_url(sdk: SDK) -> None:
    with (
        sdk.Mistral(api_key="test-key") as client,
        ClassifierJobsMock(seed=SEED, base_url="http://fake.test") as fake,
        pytest.raises(sdk.SDKError) as raised,
    ):
        client.fine_tuning.jobs.list()

    assert raised.value.status_code == 404
    assert [str(request.url) for request in fake.unhandled] == [
        f"{JOBS_URL}?page=0&page_size=100&created_by_me=false"
    ]


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from the local server"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 - keep output quiet
        return


@pytest.fixture
def local_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers one request in a thread; its base URL."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hello)
    server.timeout = 10  # handle_request gives up if no request comes
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    thread.join()
    server.server_close()


def test_a_request_to_another_host_passes_through(
    fake: ClassifierJobsMock, local_server: str
) -> None:
    response = httpx.get(f"{local_server}/hello", trust_env=False)

    assert (response.status_code, response.text) == (200, "hello from the local server")
    assert all(route.call_count == 0 for route in fake.routes.values())
