"""The create body and the list query, checked as the real FastAPI server checks them.

Every expected problem is written out in full (``loc``, ``msg``, ``type``, ``ctx``): the messages
are pydantic v2's, as a client of the real API reads them.
"""

import calendar
import doctest
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
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
from pytest_classifierjobs.validation import (
    ListQuery,
    Problem,
    parse_create_body,
    parse_list_query,
    validation_error_body,
)

U = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
V = "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"
KEY = "k" * 40
MINIMAL = {"model": "ministral-3b-latest", "hyperparameters": {}, "training_files": [U]}
REMOVE = object()


def body(**changes: Any) -> bytes:
    """A valid create body with ``changes`` applied (``REMOVE`` deletes a key)."""
    data: dict[str, Any] = dict(MINIMAL)
    for key, value in changes.items():
        if value is REMOVE:
            data.pop(key, None)
        else:
            data[key] = value
    return json.dumps(data).encode()


def hyper(**fields: Any) -> bytes:
    return body(hyperparameters=fields)


def problems_of(raw: bytes) -> list[Problem]:
    result = parse_create_body(raw)
    assert isinstance(result, list), result
    return result


def job_of(raw: bytes) -> JobIn:
    result = parse_create_body(raw)
    assert isinstance(result, JobIn), result
    return result


def P(*loc: str | int, msg: str, type: str, ctx: dict[str, object] | None = None) -> Problem:
    return Problem(loc, msg, type, ctx)


# Problems that recur below, spelt out once.
MISSING = "Field required"
OBJECT = "Input should be a valid dictionary or object to extract fields from"
NO_FILE = "At least one training file or repository is required."
CLASSIFIER_ONLY = "this fake serves classifier fine-tuning jobs only"
NO_TRAINING_FILE = P(
    "body", "job_in", msg=f"Value error, {NO_FILE}", type="value_error", ctx={"error": NO_FILE}
)


def ge(*loc: str | int, bound: float, shown: str) -> Problem:
    return P(
        *loc,
        msg=f"Input should be greater than or equal to {shown}",
        type="greater_than_equal",
        ctx={"ge": bound},
    )


def gt(*loc: str | int, bound: float, shown: str) -> Problem:
    return P(
        *loc, msg=f"Input should be greater than {shown}", type="greater_than", ctx={"gt": bound}
    )


def le(*loc: str | int, bound: float, shown: str) -> Problem:
    return P(
        *loc,
        msg=f"Input should be less than or equal to {shown}",
        type="less_than_equal",
        ctx={"le": bound},
    )


def typed(*loc: str | int, kind: str) -> Problem:
    messages = {
        "string_type": "Input should be a valid string",
        "int_type": "Input should be a valid integer",
        "float_type": "Input should be a valid number",
        "bool_type": "Input should be a valid boolean",
        "list_type": "Input should be a valid list",
        "uuid_type": "UUID input should be a string, bytes or UUID object",
        "finite_number": "Input should be a finite number",
        "int_from_float": "Input should be a valid integer, got a number with a fractional part",
        "int_parsing_size": "Unable to parse input string as an integer, exceeded maximum size",
        "model_attributes_type": OBJECT,
        "missing": MISSING,
    }
    return P(*loc, msg=messages[kind], type=kind)


def uuid_problem(*loc: str | int, error: str) -> Problem:
    return P(
        *loc,
        msg=f"Input should be a valid UUID, {error}",
        type="uuid_parsing",
        ctx={"error": error},
    )


def value_error(*loc: str | int, reason: str) -> Problem:
    return P(*loc, msg=f"Value error, {reason}", type="value_error", ctx={"error": reason})


# --- Problem and the 422 body ---------------------------------------------------------------------


def test_a_problem_is_written_as_the_server_writes_it() -> None:
    problem = P("body", "hyperparameters", "seq_len", msg="m", type="t", ctx={"ge": 100})
    assert problem.to_json() == {
        "type": "t",
        "loc": ["body", "hyperparameters", "seq_len"],
        "msg": "m",
        "ctx": {"ge": 100},
    }
    assert list(problem.to_json()) == ["type", "loc", "msg", "ctx"]
    assert P("query", "page", msg="m", type="t").to_json() == {
        "type": "t",
        "loc": ["query", "page"],
        "msg": "m",
    }


def test_problems_compare_by_value_and_hash_although_ctx_is_a_dict() -> None:
    first = P("body", msg="m", type="t", ctx={"error": "e"})
    second = P("body", msg="m", type="t", ctx={"error": "e"})
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1
    assert first != P("body", msg="m", type="t", ctx={"error": "other"})


def test_the_422_body_lists_every_problem_in_order() -> None:
    problems = problems_of(b'{"hyperparameters": {"seq_len": 1}}')
    assert validation_error_body(problems) == {
        "detail": [
            {"type": "missing", "loc": ["body", "model"], "msg": "Field required"},
            {
                "type": "greater_than_equal",
                "loc": ["body", "hyperparameters", "seq_len"],
                "msg": "Input should be greater than or equal to 100",
                "ctx": {"ge": 100},
            },
            {
                "type": "value_error",
                "loc": ["body", "job_in"],
                "msg": f"Value error, {NO_FILE}",
                "ctx": {"error": NO_FILE},
            },
        ]
    }
    assert validation_error_body([]) == {"detail": []}


def test_the_no_training_file_body_is_the_real_servers_byte_for_byte() -> None:
    # mistralai/client-ts#70, as the contract's error table quotes it.
    real = {
        "detail": [
            {
                "type": "value_error",
                "loc": ["body", "job_in"],
                "msg": "Value error, At least one training file or repository is required.",
                "ctx": {"error": "At least one training file or repository is required."},
            }
        ]
    }
    problems = problems_of(body(training_files=REMOVE))
    assert json.dumps(validation_error_body(problems)) == json.dumps(real)


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(validation, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 8


def test_the_module_needs_no_http_and_no_pytest() -> None:
    code = (
        "import sys, pytest_classifierjobs.validation\n"
        "print(sorted({'httpx', 'respx', 'pytest', 'cattrs'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- create: what is accepted ------------------------------------------------------------------


def test_a_minimal_body_gets_every_default() -> None:
    assert job_of(body()) == JobIn(
        model="ministral-3b-latest",
        hyperparameters=ClassifierTrainingParametersIn(
            training_steps=None,
            learning_rate=0.0001,
            weight_decay=0.1,
            warmup_fraction=0.05,
            epochs=None,
            seq_len=None,
        ),
        training_files=[TrainingFile(file_id=U, weight=1.0)],
        validation_files=None,
        suffix=None,
        integrations=None,
        auto_start=False,
        invalid_sample_skip_percentage=0.0,
        job_type=None,
        classifier_targets=None,
    )


def test_every_field_is_read() -> None:
    raw = json.dumps(
        {
            "model": "ministral-3b-latest",
            "hyperparameters": {
                "training_steps": 10,
                "learning_rate": 1,
                "weight_decay": 0,
                "warmup_fraction": 1.0,
                "epochs": 2.5,
                "seq_len": 100.0,
            },
            "training_files": [{"file_id": U, "weight": 2}, V],
            "validation_files": [V.upper()],
            "suffix": "Intent_v-1",
            "integrations": [
                {"type": "wandb", "project": "p", "api_key": KEY, "name": "n", "run_name": None}
            ],
            "auto_start": True,
            "invalid_sample_skip_percentage": 0.5,
            "job_type": "classifier",
            "repositories": [],
            "classifier_targets": [
                {"name": "intent", "labels": ["a", "b"], "weight": 0, "loss_function": None},
                {"name": "", "labels": [], "loss_function": "multi_class"},
            ],
            "dry_run": True,
            "something_new": {"ignored": True},
        }
    ).encode()
    job = job_of(raw)
    assert job == JobIn(
        model="ministral-3b-latest",
        hyperparameters=ClassifierTrainingParametersIn(
            training_steps=10,
            learning_rate=1.0,
            weight_decay=0.0,
            warmup_fraction=1.0,
            epochs=2.5,
            seq_len=100,
        ),
        training_files=[TrainingFile(file_id=U, weight=2.0), TrainingFile(file_id=V, weight=1.0)],
        validation_files=[V],
        suffix="Intent_v-1",
        integrations=[WandbIntegration(project="p", api_key=KEY, name="n", run_name=None)],
        auto_start=True,
        invalid_sample_skip_percentage=0.5,
        job_type="classifier",
        classifier_targets=[
            ClassifierTargetIn(name="intent", labels=["a", "b"], weight=0.0, loss_function=None),
            ClassifierTargetIn(name="", labels=[], weight=1.0, loss_function="multi_class"),
        ],
    )
    # Numbers come out as the model's types: an int sent for a float is a float, and back.
    assert type(job.hyperparameters.learning_rate) is float
    assert type(job.hyperparameters.seq_len) is int
    assert type(job.training_files[0].weight) is float


def test_explicit_nulls_stay_null_where_the_spec_allows_them() -> None:
    raw = body(
        hyperparameters={
            "training_steps": None,
            "weight_decay": None,
            "warmup_fraction": None,
            "epochs": None,
            "seq_len": None,
        },
        validation_files=None,
        suffix=None,
        integrations=None,
        job_type=None,
        repositories=None,
        classifier_targets=None,
    )
    job = job_of(raw)
    assert job.hyperparameters == ClassifierTrainingParametersIn(
        training_steps=None, weight_decay=None, warmup_fraction=None, epochs=None, seq_len=None
    )
    assert (job.validation_files, job.suffix, job.integrations, job.job_type) == (None,) * 4
    assert job.classifier_targets is None


@pytest.mark.parametrize(
    "file_id",
    [
        U,
        U.upper(),
        "3Fa85F64-5717-4562-B3fc-2C963f66AFA6",
        "{" + U + "}",
        "urn:uuid:" + U,
        U.replace("-", ""),
    ],
    ids=["hyphenated", "upper-case", "mixed-case", "braced", "urn", "32-hex-digits"],
)
def test_a_uuid_in_any_form_pydantic_reads_is_kept_in_canonical_form(file_id: str) -> None:
    job = job_of(body(training_files=[{"file_id": file_id}, file_id], validation_files=[file_id]))
    assert job.training_files == [TrainingFile(file_id=U), TrainingFile(file_id=U)]
    assert job.validation_files == [U]


def test_a_bare_uuid_is_a_training_file_of_weight_one() -> None:
    # As the docs' curl example sends them (contract 1.3, open question 5).
    job = job_of(body(training_files=[U, {"file_id": V, "weight": 0.5}]))
    assert job.training_files == [TrainingFile(file_id=U), TrainingFile(file_id=V, weight=0.5)]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("training_steps", 1),
        ("training_steps", 10**30),
        ("training_steps", 7.0),
        ("learning_rate", 1e-8),
        ("learning_rate", 1),
        ("weight_decay", 0),
        ("weight_decay", 1),
        ("warmup_fraction", 0.0),
        ("epochs", 1e-300),
        ("seq_len", 100),
    ],
    ids=repr,
)
def test_hyperparameters_on_their_bounds_are_accepted(field: str, value: float) -> None:
    job = job_of(hyper(**{field: value}))
    assert getattr(job.hyperparameters, field) == value


@pytest.mark.parametrize("value", [0, 0.25, 0.5], ids=repr)
def test_the_skip_percentage_inside_its_bounds_is_accepted(value: float) -> None:
    assert (
        job_of(body(invalid_sample_skip_percentage=value)).invalid_sample_skip_percentage == value
    )


def test_duplicate_keys_count_with_the_last_value_as_in_json_loads() -> None:
    raw = b'{"model": "a", "model": "b", "hyperparameters": {}, "training_files": ["' + U.encode()
    assert job_of(raw + b'"]}').model == "b"


# --- create: the problems ------------------------------------------------------------------------

SUFFIX_PATTERN = "^[a-zA-Z0-9_-]+$"
MISMATCH = P(
    "body",
    "suffix",
    msg=f"String should match pattern '{SUFFIX_PATTERN}'",
    type="string_pattern_mismatch",
    ctx={"pattern": SUFFIX_PATTERN},
)
NOT_A_JOB_TYPE = P(
    "body",
    "job_type",
    msg="Input should be 'completion' or 'classifier'",
    type="enum",
    ctx={"expected": "'completion' or 'classifier'"},
)
NOT_A_LOSS = P(
    "body",
    "classifier_targets",
    0,
    "loss_function",
    msg="Input should be 'single_class' or 'multi_class'",
    type="enum",
    ctx={"expected": "'single_class' or 'multi_class'"},
)
HP = ("body", "hyperparameters")
TF = ("body", "training_files")
IN = ("body", "integrations", 0)
WB = ("body", "integrations", 0, "wandb")
CT = ("body", "classifier_targets", 0)
WANDB = {"project": "p", "api_key": KEY, "type": "wandb"}
TARGET = {"name": "t", "labels": ["a"]}


def tag_invalid(tag: str) -> Problem:
    return P(
        *IN,
        msg=(
            f"Input tag '{tag}' found using 'type' does not match any of the expected tags: 'wandb'"
        ),
        type="union_tag_invalid",
        ctx={"discriminator": "'type'", "tag": tag, "expected_tags": "'wandb'"},
    )


ONE_PROBLEM = [
    # model
    pytest.param(body(model=REMOVE), typed("body", "model", kind="missing"), id="model-missing"),
    pytest.param(body(model=3), typed("body", "model", kind="string_type"), id="model-number"),
    pytest.param(body(model=None), typed("body", "model", kind="string_type"), id="model-null"),
    pytest.param(
        body(model=""),
        P(
            "body",
            "model",
            msg="String should have at least 1 character",
            type="string_too_short",
            ctx={"min_length": 1},
        ),
        id="model-empty",
    ),
    # training_files
    pytest.param(body(training_files=None), typed(*TF, kind="list_type"), id="files-null"),
    pytest.param(body(training_files=U), typed(*TF, kind="list_type"), id="files-a-string"),
    pytest.param(body(training_files={"file_id": U}), typed(*TF, kind="list_type"), id="files-obj"),
    pytest.param(
        body(training_files=[3]), typed(*TF, 0, kind="model_attributes_type"), id="file-number"
    ),
    pytest.param(
        body(training_files=[None]), typed(*TF, 0, kind="model_attributes_type"), id="file-null"
    ),
    pytest.param(
        body(training_files=[{"weight": 1}]), typed(*TF, 0, "file_id", kind="missing"), id="id-gone"
    ),
    pytest.param(
        body(training_files=[{"file_id": 3}]),
        typed(*TF, 0, "file_id", kind="uuid_type"),
        id="id-number",
    ),
    pytest.param(
        body(training_files=[{"file_id": "f-1"}]),
        uuid_problem(*TF, 0, "file_id", error="invalid group count: expected 5, found 2"),
        id="id-not-a-uuid",
    ),
    pytest.param(
        body(training_files=["file-abc"]),
        uuid_problem(*TF, 0, error="invalid character: found `i` at 1"),
        id="bare-id-not-a-uuid",
    ),
    pytest.param(
        body(training_files=[{"file_id": U, "weight": 0}]),
        gt(*TF, 0, "weight", bound=0.0, shown="0"),
        id="weight-zero",
    ),
    pytest.param(
        body(training_files=[{"file_id": U, "weight": None}]),
        typed(*TF, 0, "weight", kind="float_type"),
        id="weight-null",
    ),
    # validation_files
    pytest.param(
        body(validation_files=U), typed("body", "validation_files", kind="list_type"), id="val-str"
    ),
    pytest.param(
        body(validation_files=[None]),
        typed("body", "validation_files", 0, kind="uuid_type"),
        id="val-null-item",
    ),
    pytest.param(
        body(validation_files=[{"file_id": U}]),
        typed("body", "validation_files", 0, kind="uuid_type"),
        id="val-object-item",
    ),
    pytest.param(
        body(validation_files=[U[:-1]]),
        uuid_problem(
            "body",
            "validation_files",
            0,
            error="invalid group length in group 4: expected 12, found 11",
        ),
        id="val-short-uuid",
    ),
    # suffix (v2 spec rules)
    pytest.param(body(suffix=5), typed("body", "suffix", kind="string_type"), id="suffix-number"),
    pytest.param(
        body(suffix=""),
        P(
            "body",
            "suffix",
            msg="String should have at least 1 character",
            type="string_too_short",
            ctx={"min_length": 1},
        ),
        id="suffix-empty",
    ),
    pytest.param(
        body(suffix="a" * 19),
        P(
            "body",
            "suffix",
            msg="String should have at most 18 characters",
            type="string_too_long",
            ctx={"max_length": 18},
        ),
        id="suffix-19-chars",
    ),
    pytest.param(body(suffix="my model"), MISMATCH, id="suffix-space"),
    pytest.param(body(suffix="my.model"), MISMATCH, id="suffix-dot"),
    pytest.param(body(suffix="é"), MISMATCH, id="suffix-accent"),
    pytest.param(body(suffix="model\n"), MISMATCH, id="suffix-final-newline"),
    # integrations
    pytest.param(
        body(integrations={}), typed("body", "integrations", kind="list_type"), id="integ-object"
    ),
    pytest.param(
        body(integrations=["wandb"]), typed(*IN, kind="model_attributes_type"), id="integ-string"
    ),
    pytest.param(
        body(integrations=[{"project": "p", "api_key": KEY}]),
        P(
            *IN,
            msg="Unable to extract tag using discriminator 'type'",
            type="union_tag_not_found",
            ctx={"discriminator": "'type'"},
        ),
        id="integ-no-type",
    ),
    pytest.param(
        body(integrations=[{**WANDB, "type": "mlflow"}]), tag_invalid("mlflow"), id="integ-mlflow"
    ),
    pytest.param(
        body(integrations=[{**WANDB, "type": "WANDB"}]), tag_invalid("WANDB"), id="integ-upper"
    ),
    pytest.param(
        body(integrations=[{**WANDB, "type": None}]), tag_invalid("None"), id="integ-null"
    ),
    pytest.param(
        body(integrations=[{**WANDB, "type": True}]), tag_invalid("True"), id="integ-true"
    ),
    pytest.param(body(integrations=[{**WANDB, "type": [1]}]), tag_invalid("[1]"), id="integ-list"),
    pytest.param(
        body(integrations=[{"type": "wandb", "api_key": KEY}]),
        typed(*WB, "project", kind="missing"),
        id="integ-no-project",
    ),
    pytest.param(
        body(integrations=[{**WANDB, "project": 1}]),
        typed(*WB, "project", kind="string_type"),
        id="integ-project-number",
    ),
    pytest.param(
        body(integrations=[{**WANDB, "api_key": "k" * 39}]),
        P(
            *WB,
            "api_key",
            msg="String should have at least 40 characters",
            type="string_too_short",
            ctx={"min_length": 40},
        ),
        id="integ-key-39",
    ),
    pytest.param(
        body(integrations=[{**WANDB, "api_key": "k" * 41}]),
        P(
            *WB,
            "api_key",
            msg="String should have at most 40 characters",
            type="string_too_long",
            ctx={"max_length": 40},
        ),
        id="integ-key-41",
    ),
    pytest.param(
        body(integrations=[{**WANDB, "name": 2}]),
        typed(*WB, "name", kind="string_type"),
        id="integ-name-number",
    ),
    pytest.param(
        body(integrations=[{**WANDB, "run_name": ["r"]}]),
        typed(*WB, "run_name", kind="string_type"),
        id="integ-run-name-list",
    ),
    # auto_start: a boolean, not nullable
    pytest.param(
        body(auto_start=None), typed("body", "auto_start", kind="bool_type"), id="auto-null"
    ),
    pytest.param(body(auto_start=1), typed("body", "auto_start", kind="bool_type"), id="auto-1"),
    pytest.param(
        body(auto_start="true"), typed("body", "auto_start", kind="bool_type"), id="auto-string"
    ),
    # invalid_sample_skip_percentage
    pytest.param(
        body(invalid_sample_skip_percentage=0.6),
        le("body", "invalid_sample_skip_percentage", bound=0.5, shown="0.5"),
        id="skip-0.6",
    ),
    pytest.param(
        body(invalid_sample_skip_percentage=-0.1),
        ge("body", "invalid_sample_skip_percentage", bound=0.0, shown="0"),
        id="skip-negative",
    ),
    pytest.param(
        body(invalid_sample_skip_percentage=None),
        typed("body", "invalid_sample_skip_percentage", kind="float_type"),
        id="skip-null",
    ),
    # job_type
    pytest.param(
        body(job_type="completion"),
        value_error(
            "body",
            "job_type",
            reason=f"{CLASSIFIER_ONLY}; job_type 'completion' is not supported, send 'classifier'",
        ),
        id="job-type-completion",
    ),
    pytest.param(body(job_type="Classifier"), NOT_A_JOB_TYPE, id="job-type-capitalised"),
    pytest.param(body(job_type="ft"), NOT_A_JOB_TYPE, id="job-type-unknown"),
    pytest.param(body(job_type=1), NOT_A_JOB_TYPE, id="job-type-number"),
    # hyperparameters
    pytest.param(body(hyperparameters=REMOVE), typed(*HP, kind="missing"), id="hp-missing"),
    pytest.param(
        body(hyperparameters=None), typed(*HP, kind="model_attributes_type"), id="hp-null"
    ),
    pytest.param(body(hyperparameters=[]), typed(*HP, kind="model_attributes_type"), id="hp-list"),
    pytest.param(
        hyper(training_steps=0), ge(*HP, "training_steps", bound=1, shown="1"), id="steps-0"
    ),
    pytest.param(
        hyper(training_steps=2.5),
        typed(*HP, "training_steps", kind="int_from_float"),
        id="steps-fraction",
    ),
    pytest.param(
        hyper(training_steps=1e19),
        typed(*HP, "training_steps", kind="int_parsing_size"),
        id="steps-beyond-i64",
    ),
    pytest.param(
        hyper(training_steps="10"), typed(*HP, "training_steps", kind="int_type"), id="steps-string"
    ),
    pytest.param(
        hyper(training_steps=True), typed(*HP, "training_steps", kind="int_type"), id="steps-bool"
    ),
    pytest.param(
        hyper(learning_rate=0),
        ge(*HP, "learning_rate", bound=1e-8, shown="0.00000001"),
        id="rate-0",
    ),
    pytest.param(
        hyper(learning_rate=9.9e-9),
        ge(*HP, "learning_rate", bound=1e-8, shown="0.00000001"),
        id="rate-below-1e-8",
    ),
    pytest.param(
        hyper(learning_rate=1.0001),
        le(*HP, "learning_rate", bound=1.0, shown="1"),
        id="rate-over-1",
    ),
    pytest.param(
        hyper(learning_rate=None), typed(*HP, "learning_rate", kind="float_type"), id="rate-null"
    ),
    pytest.param(
        hyper(learning_rate="1e-4"),
        typed(*HP, "learning_rate", kind="float_type"),
        id="rate-string",
    ),
    pytest.param(
        hyper(learning_rate=False), typed(*HP, "learning_rate", kind="float_type"), id="rate-bool"
    ),
    pytest.param(
        hyper(learning_rate=10**400),
        typed(*HP, "learning_rate", kind="float_type"),
        id="rate-too-large-for-a-float",
    ),
    pytest.param(
        hyper(weight_decay=-0.01),
        ge(*HP, "weight_decay", bound=0.0, shown="0"),
        id="decay-negative",
    ),
    pytest.param(
        hyper(weight_decay=2), le(*HP, "weight_decay", bound=1.0, shown="1"), id="decay-2"
    ),
    pytest.param(
        hyper(warmup_fraction=1.5),
        le(*HP, "warmup_fraction", bound=1.0, shown="1"),
        id="warmup-1.5",
    ),
    pytest.param(
        hyper(warmup_fraction=[]),
        typed(*HP, "warmup_fraction", kind="float_type"),
        id="warmup-list",
    ),
    pytest.param(hyper(epochs=0), gt(*HP, "epochs", bound=0.0, shown="0"), id="epochs-0"),
    pytest.param(hyper(epochs=-1.5), gt(*HP, "epochs", bound=0.0, shown="0"), id="epochs-negative"),
    pytest.param(hyper(seq_len=99), ge(*HP, "seq_len", bound=100, shown="100"), id="seq-len-99"),
    pytest.param(
        hyper(seq_len=512.5), typed(*HP, "seq_len", kind="int_from_float"), id="seq-len-fraction"
    ),
    pytest.param(
        hyper(fim_ratio=0.9),
        value_error(
            *HP,
            "fim_ratio",
            reason=f"fim_ratio is a hyperparameter of completion jobs; {CLASSIFIER_ONLY}",
        ),
        id="fim-ratio",
    ),
    pytest.param(
        hyper(fim_ratio=None),
        value_error(
            *HP,
            "fim_ratio",
            reason=f"fim_ratio is a hyperparameter of completion jobs; {CLASSIFIER_ONLY}",
        ),
        id="fim-ratio-null",
    ),
    # repositories: completion only
    pytest.param(
        body(repositories=[{"type": "github", "name": "r", "owner": "o", "token": "t"}]),
        value_error(
            "body",
            "repositories",
            reason=(
                "repositories are for completion jobs, which this fake does not serve; "
                "a classifier job reads its data from training_files"
            ),
        ),
        id="repositories",
    ),
    pytest.param(
        body(repositories="r"), typed("body", "repositories", kind="list_type"), id="repos-string"
    ),
    # classifier_targets
    pytest.param(
        body(classifier_targets={}),
        typed("body", "classifier_targets", kind="list_type"),
        id="targets-object",
    ),
    pytest.param(
        body(classifier_targets=["intent"]),
        typed(*CT, kind="model_attributes_type"),
        id="target-string",
    ),
    pytest.param(
        body(classifier_targets=[{"labels": ["a"]}]),
        typed(*CT, "name", kind="missing"),
        id="no-name",
    ),
    pytest.param(
        body(classifier_targets=[{"name": 1, "labels": ["a"]}]),
        typed(*CT, "name", kind="string_type"),
        id="name-number",
    ),
    pytest.param(
        body(classifier_targets=[{"name": "t"}]),
        typed(*CT, "labels", kind="missing"),
        id="no-labels",
    ),
    pytest.param(
        body(classifier_targets=[{"name": "t", "labels": "a,b"}]),
        typed(*CT, "labels", kind="list_type"),
        id="labels-string",
    ),
    pytest.param(
        body(classifier_targets=[{"name": "t", "labels": ["a", 2]}]),
        typed(*CT, "labels", 1, kind="string_type"),
        id="label-number",
    ),
    pytest.param(
        body(classifier_targets=[{**TARGET, "weight": -1}]),
        ge(*CT, "weight", bound=0.0, shown="0"),
        id="target-weight-negative",
    ),
    pytest.param(
        body(classifier_targets=[{**TARGET, "loss_function": "binary"}]),
        NOT_A_LOSS,
        id="loss-function-unknown",
    ),
    pytest.param(
        body(classifier_targets=[{**TARGET, "loss_function": 0}]),
        NOT_A_LOSS,
        id="loss-function-number",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), ONE_PROBLEM)
def test_one_problem(raw: bytes, expected: Problem) -> None:
    assert problems_of(raw) == [expected]


NON_FINITE = [
    pytest.param(b"NaN", id="nan"),
    pytest.param(b"Infinity", id="infinity"),
    pytest.param(b"-Infinity", id="minus-infinity"),
    pytest.param(b"1e400", id="overflow-to-infinity"),
]


@pytest.mark.parametrize("number", NON_FINITE)
@pytest.mark.parametrize(
    "field", ["training_steps", "learning_rate", "weight_decay", "epochs", "seq_len"]
)
def test_a_non_finite_hyperparameter_is_refused(field: str, number: bytes) -> None:
    raw = b'{"model": "m", "training_files": ["' + U.encode() + b'"], "hyperparameters": {"'
    raw += field.encode() + b'": ' + number + b"}}"
    assert problems_of(raw) == [typed(*HP, field, kind="finite_number")]


@pytest.mark.parametrize(
    "training_files",
    [REMOVE, []],
    ids=["absent", "empty"],
)
@pytest.mark.parametrize("repositories", [REMOVE, None, []], ids=["no-repos", "null-repos", "[]"])
def test_no_training_file_is_the_real_servers_value_error(
    training_files: object, repositories: object
) -> None:
    raw = body(training_files=training_files, repositories=repositories)
    assert problems_of(raw) == [NO_TRAINING_FILE]


def test_a_repository_instead_of_training_files_is_refused_once_for_being_a_repository() -> None:
    raw = body(training_files=[], repositories=[{"name": "r"}])
    assert problems_of(raw) == [
        value_error(
            "body",
            "repositories",
            reason=(
                "repositories are for completion jobs, which this fake does not serve; "
                "a classifier job reads its data from training_files"
            ),
        )
    ]


def test_a_repositories_value_that_is_no_list_still_leaves_the_body_without_a_file() -> None:
    assert problems_of(body(training_files=REMOVE, repositories={"name": "r"})) == [
        typed("body", "repositories", kind="list_type"),
        NO_TRAINING_FILE,
    ]


def test_every_problem_is_reported_in_the_schemas_order() -> None:
    raw = json.dumps(
        {
            "classifier_targets": [{"name": "t", "labels": [1], "weight": "1"}, 7],
            "repositories": ["r"],
            "hyperparameters": {"seq_len": 1, "learning_rate": 2, "fim_ratio": 0.1},
            "job_type": "completion",
            "invalid_sample_skip_percentage": 1,
            "auto_start": "yes",
            "integrations": [{"type": "wandb", "name": 1}, 2],
            "suffix": "",
            "validation_files": ["v"],
            "training_files": [{"file_id": "x", "weight": -1}, 5],
            "model": 1,
        }
    ).encode()
    assert problems_of(raw) == [
        typed("body", "model", kind="string_type"),
        uuid_problem(*TF, 0, "file_id", error="invalid character: found `x` at 0"),
        gt(*TF, 0, "weight", bound=0.0, shown="0"),
        typed(*TF, 1, kind="model_attributes_type"),
        uuid_problem("body", "validation_files", 0, error="invalid character: found `v` at 0"),
        P(
            "body",
            "suffix",
            msg="String should have at least 1 character",
            type="string_too_short",
            ctx={"min_length": 1},
        ),
        typed(*WB, "project", kind="missing"),
        typed(*WB, "api_key", kind="missing"),
        typed(*WB, "name", kind="string_type"),
        typed("body", "integrations", 1, kind="model_attributes_type"),
        typed("body", "auto_start", kind="bool_type"),
        le("body", "invalid_sample_skip_percentage", bound=0.5, shown="0.5"),
        value_error(
            "body",
            "job_type",
            reason=f"{CLASSIFIER_ONLY}; job_type 'completion' is not supported, send 'classifier'",
        ),
        le(*HP, "learning_rate", bound=1.0, shown="1"),
        ge(*HP, "seq_len", bound=100, shown="100"),
        value_error(
            *HP,
            "fim_ratio",
            reason=f"fim_ratio is a hyperparameter of completion jobs; {CLASSIFIER_ONLY}",
        ),
        value_error(
            "body",
            "repositories",
            reason=(
                "repositories are for completion jobs, which this fake does not serve; "
                "a classifier job reads its data from training_files"
            ),
        ),
        typed(*CT, "labels", 0, kind="string_type"),
        typed(*CT, "weight", kind="float_type"),
        typed("body", "classifier_targets", 1, kind="model_attributes_type"),
    ]


def test_every_bad_item_of_a_list_is_reported() -> None:
    raw = body(training_files=[U, "a", {"file_id": U}, {}, "b"])
    assert problems_of(raw) == [
        uuid_problem(*TF, 1, error="invalid length: found 1"),
        typed(*TF, 3, "file_id", kind="missing"),
        uuid_problem(*TF, 4, error="invalid length: found 1"),
    ]


# --- create: a body that is not a JSON object ----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b"", typed("body", kind="missing"), id="empty"),
        pytest.param(b"null", typed("body", kind="missing"), id="json-null"),
        pytest.param(b" null\n", typed("body", kind="missing"), id="json-null-spaced"),
        pytest.param(b"[]", typed("body", kind="model_attributes_type"), id="array"),
        pytest.param(b'"model"', typed("body", kind="model_attributes_type"), id="string"),
        pytest.param(b"3", typed("body", kind="model_attributes_type"), id="number"),
        pytest.param(b"true", typed("body", kind="model_attributes_type"), id="true"),
        pytest.param(
            b"{",
            P(
                "body",
                1,
                msg="JSON decode error",
                type="json_invalid",
                ctx={"error": "Expecting property name enclosed in double quotes"},
            ),
            id="truncated",
        ),
        pytest.param(
            b'{"model" "m"}',
            P(
                "body",
                9,
                msg="JSON decode error",
                type="json_invalid",
                ctx={"error": "Expecting ':' delimiter"},
            ),
            id="no-colon",
        ),
        pytest.param(
            b"model=m",
            P(
                "body",
                0,
                msg="JSON decode error",
                type="json_invalid",
                ctx={"error": "Expecting value"},
            ),
            id="form-encoded",
        ),
        pytest.param(
            b" ",
            P(
                "body",
                1,
                msg="JSON decode error",
                type="json_invalid",
                ctx={"error": "Expecting value"},
            ),
            id="blank",
        ),
        pytest.param(
            b'{"model": "m"} {}',
            P(
                "body",
                15,
                msg="JSON decode error",
                type="json_invalid",
                ctx={"error": "Extra data"},
            ),
            id="two-documents",
        ),
        pytest.param(
            b'{"model": "\xff"}',
            P(
                "body",
                0,
                msg="JSON decode error",
                type="json_invalid",
                ctx={
                    "error": (
                        "'utf-8' codec can't decode byte 0xff in position 11: invalid start byte"
                    )
                },
            ),
            id="not-utf-8",
        ),
    ],
)
def test_a_body_that_is_not_a_json_object(raw: bytes, expected: Problem) -> None:
    assert problems_of(raw) == [expected]


def test_a_body_too_deep_or_too_long_to_read_is_invalid_json_not_a_crash() -> None:
    # The reasons are Python's own words, which vary between versions: only their gist is checked.
    (deep,) = problems_of(b"[" * 100_000)
    assert (deep.loc, deep.msg, deep.type) == (("body", 0), "JSON decode error", "json_invalid")
    assert deep.ctx is not None
    assert "recursion" in str(deep.ctx["error"])
    (digits,) = problems_of(b'{"model": ' + b"1" * 5000 + b"}")
    assert (digits.loc, digits.type) == (("body", 0), "json_invalid")
    assert digits.ctx is not None
    assert "4300" in str(digits.ctx["error"])


# --- UUID messages: the uuid crate's, as pydantic passes them on ---------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("", "invalid length: found 0", id="empty"),
        pytest.param("a" * 46, "invalid length: found 46", id="too-long"),
        pytest.param("é" * 23, "invalid length: found 46", id="too-long-in-bytes"),
        pytest.param("nope", "invalid character: found `n` at 0", id="word"),
        pytest.param("a" * 31, "invalid length: found 31", id="31-hex"),
        pytest.param("a" * 33, "invalid length: found 33", id="33-hex"),
        pytest.param("0" * 36, "invalid group count: expected 5, found 1", id="36-hex"),
        pytest.param(U[:-1], "invalid group length in group 4: expected 12, found 11", id="short"),
        pytest.param(U + "0", "invalid group length in group 4: expected 12, found 13", id="long"),
        pytest.param(U[:8] + U[9:], "invalid group count: expected 5, found 4", id="4-groups"),
        pytest.param(
            U[:8] + "-" + U[8:], "invalid group count: expected 5, found 6", id="6-groups"
        ),
        pytest.param("-" * 33, "invalid group count: expected 5, found 34", id="hyphens"),
        pytest.param("1-2-3-4-5", "invalid group length in group 0: expected 8, found 1", id="g0"),
        pytest.param(
            "12345678-1-2-3-4", "invalid group length in group 1: expected 4, found 1", id="g1"
        ),
        pytest.param(
            "12345678-1234-1-2-3", "invalid group length in group 2: expected 4, found 1", id="g2"
        ),
        pytest.param(
            "12345678-1234-1234-1-2",
            "invalid group length in group 3: expected 4, found 1",
            id="g3",
        ),
        pytest.param(U[:13] + "x" + U[14:], "invalid character: found `x` at 13", id="x-inside"),
        pytest.param(U + " ", "invalid character: found ` ` at 36", id="trailing-space"),
        pytest.param(" " + U, "invalid character: found ` ` at 0", id="leading-space"),
        pytest.param(U[:35] + "é", "invalid character: found `é` at 35", id="accent"),
        pytest.param("aé-g", "invalid character: found `é` at 1", id="accent-early"),
        # U+0130's low byte is "0": the crate lets it pass its character check, and counts bytes.
        pytest.param("a\u0130-g", "invalid character: found `g` at 4", id="index-in-bytes"),
        pytest.param("\u0130" * 4, "invalid length: found 8", id="low-byte-hex"),
        pytest.param(
            "{" + U.replace("-", "") + "}",
            "invalid group count: expected 5, found 1",
            id="braced-32",
        ),
        pytest.param("{}", "invalid group count: expected 5, found 1", id="braces"),
        pytest.param("{a-b}", "invalid group count: expected 5, found 2", id="braced-short"),
        pytest.param("{x}", "invalid character: found `x` at 1", id="braced-x"),
        pytest.param(
            "{" + U[:15] + "z" + U[16:] + "}",
            "invalid character: found `z` at 15",
            id="braced-38-z",
        ),
        pytest.param("{" + U, "invalid character: found `{` at 0", id="brace-open"),
        pytest.param(U + "}", "invalid character: found `}` at 36", id="brace-close"),
        pytest.param("x" * 37 + "}", "invalid character: found `x` at 0", id="38-not-braced"),
        pytest.param("urn:uuid:", "invalid group count: expected 5, found 1", id="urn-empty"),
        pytest.param("urn:uuid:x", "invalid character: found `x` at 9", id="urn-x"),
        pytest.param(
            "urn:uuid:" + U[:-1],
            "invalid group length in group 4: expected 12, found 20",
            id="urn-44",
        ),
        pytest.param(
            "urn:uuid:" + U[:3] + "{" + U[4:],
            "invalid character: found `{` at 3",
            id="urn-45-brace",
        ),
        pytest.param("URN:UUID:" + U, "invalid character: found `U` at 0", id="urn-upper"),
        # JSON can spell a lone surrogate ("\\ud800"); it must not crash the explanation.
        pytest.param("a\ud800", "invalid character: found `\ud800` at 1", id="lone-surrogate"),
        pytest.param(
            "{" + U[:33] + "\ud800}",
            "invalid character: found `\ud800` at 33",
            id="braced-surrogate",
        ),
        pytest.param("x" * 45, "invalid character: found `x` at 0", id="45-not-urn"),
    ],
)
def test_a_file_id_that_is_not_a_uuid_gets_the_uuid_crates_reason(text: str, error: str) -> None:
    assert problems_of(body(training_files=[{"file_id": text}])) == [
        uuid_problem(*TF, 0, "file_id", error=error)
    ]


# --- the SDK's bodies ----------------------------------------------------------------------------


@pytest.fixture
def captured(sdk: Any) -> Iterator[tuple[Any, list[httpx.Request]]]:
    """The SDK's jobs client over a transport that records each request and answers it."""
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
        from pytest_classifierjobs.wire import to_wire

        requests.append(request)
        answer = to_wire(JobsOut(total=0)) if request.method == "GET" else to_wire(job)
        return httpx.Response(200, json=answer)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        mistral = sdk.Mistral(api_key="k", server_url="http://fake.test", client=client)
        yield mistral.fine_tuning.jobs, requests


Jobs = tuple[Any, list[httpx.Request]]


@pytest.mark.sdk
def test_the_sdks_minimal_call_gets_only_the_real_servers_no_training_file_problem(
    captured: Jobs,
) -> None:
    jobs, requests = captured
    jobs.create(model="m", hyperparameters={})
    assert problems_of(requests[-1].content) == [NO_TRAINING_FILE]


@pytest.mark.sdk
def test_the_sdks_minimal_call_with_a_training_file_is_accepted(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.create(model="m", hyperparameters={}, training_files=[{"file_id": U}])
    assert job_of(requests[-1].content) == JobIn(
        model="m",
        hyperparameters=ClassifierTrainingParametersIn(),
        training_files=[TrainingFile(file_id=U)],
        auto_start=False,
    )


@pytest.mark.sdk
def test_the_contracts_example_call_is_accepted(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[{"file_id": U}],
        validation_files=None,
        hyperparameters={"training_steps": 10, "learning_rate": 0.0001},
        auto_start=False,
    )
    assert job_of(requests[-1].content) == JobIn(
        model="ministral-3b-latest",
        hyperparameters=ClassifierTrainingParametersIn(training_steps=10),
        training_files=[TrainingFile(file_id=U)],
        auto_start=False,
        job_type="classifier",
    )


@pytest.mark.sdk
def test_the_sdks_call_with_every_parameter_is_accepted(captured: Jobs) -> None:
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
    assert job_of(requests[-1].content) == JobIn(
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
    assert job_of(requests[-1].content) == JobIn(
        model="m",
        hyperparameters=ClassifierTrainingParametersIn(weight_decay=None),
        training_files=[TrainingFile(file_id=U)],
        auto_start=False,
    )


@pytest.mark.sdk
def test_the_sdks_out_of_range_hyperparameters_reach_the_fake_and_are_refused(
    captured: Jobs,
) -> None:
    # The SDK checks types, not bounds: the server is the one that says no.
    jobs, requests = captured
    jobs.create(
        model="m",
        hyperparameters={"learning_rate": 2.0, "seq_len": 10},
        training_files=[{"file_id": "not-a-uuid"}],
        suffix="a" * 19,
    )
    assert problems_of(requests[-1].content) == [
        uuid_problem(*TF, 0, "file_id", error="invalid character: found `n` at 0"),
        P(
            "body",
            "suffix",
            msg="String should have at most 18 characters",
            type="string_too_long",
            ctx={"max_length": 18},
        ),
        le(*HP, "learning_rate", bound=1.0, shown="1"),
        ge(*HP, "seq_len", bound=100, shown="100"),
    ]


# --- the list query -------------------------------------------------------------------------------


def query_problems(*params: tuple[str, str]) -> list[Problem]:
    result = parse_list_query(params)
    assert isinstance(result, list), result
    return result


def query_of(*params: tuple[str, str]) -> ListQuery:
    result = parse_list_query(params)
    assert isinstance(result, ListQuery), result
    return result


JAN_2 = 1_735_787_045  # 2025-01-02T03:04:05Z
FEB_1 = 1_738_368_000  # 2025-02-01T00:00:00Z
STATUSES = (
    "'QUEUED', 'STARTED', 'VALIDATING', 'VALIDATED', 'RUNNING', 'FAILED_VALIDATION', 'FAILED', "
    "'SUCCESS', 'CANCELLED' or 'CANCELLATION_REQUESTED'"
)


def test_no_parameters_give_the_specs_defaults() -> None:
    assert query_of() == ListQuery(
        page=0,
        page_size=100,
        model=None,
        created_after=None,
        created_before=None,
        created_by_me=False,
        status=None,
        wandb_project=None,
        wandb_name=None,
        suffix=None,
    )


def test_every_parameter_is_read() -> None:
    assert query_of(
        ("page", "2"),
        ("page_size", "5"),
        ("model", "ministral-3b-latest"),
        ("created_after", "2025-01-02T03:04:05Z"),
        ("created_before", "2025-02-01T00:00:00"),
        ("created_by_me", "true"),
        ("status", "RUNNING"),
        ("wandb_project", "my project"),
        ("wandb_name", ""),
        ("suffix", "intent-v1"),
    ) == ListQuery(
        page=2,
        page_size=5,
        model="ministral-3b-latest",
        created_after=JAN_2,
        created_before=FEB_1,
        created_by_me=True,
        status=ClassifierJobOutStatus.RUNNING,
        wandb_project="my project",
        wandb_name="",
        suffix="intent-v1",
    )


@pytest.mark.parametrize("status", list(ClassifierJobOutStatus), ids=str)
def test_every_status_is_a_filter(status: ClassifierJobOutStatus) -> None:
    assert query_of(("status", status.value)).status is status


def test_the_last_of_repeated_parameters_wins_and_unknown_ones_are_ignored() -> None:
    assert query_of(
        ("page", "x"),
        ("page", "3"),
        ("status", "RUNNING"),
        ("status", "SUCCESS"),
        ("dry_run", "maybe"),
        ("limit", "-1"),
    ) == ListQuery(page=3, status=ClassifierJobOutStatus.SUCCESS)
    assert query_problems(("page", "3"), ("page", "x")) == [
        P(
            "query",
            "page",
            msg="Input should be a valid integer, unable to parse string as an integer",
            type="int_parsing",
        )
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("12", 12),
        ("+5", 5),
        ("-0", 0),
        ("00012", 12),
        ("1_000", 1000),
        ("1_0.0", 10),
        ("7.000", 7),
        (" 7 ", 7),
        ("\t7\n", 7),
        ("\xa07\u3000", 7),
        ("9" * 40, int("9" * 40)),
    ],
    ids=repr,
)
def test_page_numbers_are_read_as_pydantic_reads_an_integer(text: str, number: int) -> None:
    assert query_of(("page", text)).page == number


INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "x",
        "1.5",
        "1.",
        ".5",
        "1e3",
        "0x10",
        "1__0",
        "_1",
        "1_",
        "+-1",
        "1 2",
        "\x1c7",
        "١٢",
    ],
    ids=repr,
)
def test_a_page_that_is_not_an_integer(text: str) -> None:
    assert query_problems(("page", text), ("page_size", text)) == [
        P("query", "page", msg=INT_PARSING, type="int_parsing"),
        P("query", "page_size", msg=INT_PARSING, type="int_parsing"),
    ]


def test_page_bounds() -> None:
    assert query_problems(("page", "-1"), ("page_size", "0")) == [
        ge("query", "page", bound=0, shown="0"),
        ge("query", "page_size", bound=1, shown="1"),
    ]
    assert query_of(("page_size", "1"), ("page", "0")) == ListQuery(page=0, page_size=1)
    assert query_of(("page_size", "100000")).page_size == 100_000


def test_a_page_with_more_digits_than_python_reads() -> None:
    assert query_problems(("page", "1" * 5000)) == [typed("query", "page", kind="int_parsing_size")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        *((text, True) for text in ("true", "True", "TRUE", "1", "yes", "on", "t", "y", "tRuE")),
        *((text, False) for text in ("false", "False", "0", "no", "off", "f", "n", "N")),
    ],
)
def test_created_by_me_is_read_as_pydantic_reads_a_boolean(text: str, value: bool) -> None:
    assert query_of(("created_by_me", text)).created_by_me is value


@pytest.mark.parametrize("text", ["", "2", "maybe", " true", "false ", "yes!"], ids=repr)
def test_created_by_me_that_is_not_a_boolean(text: str) -> None:
    assert query_problems(("created_by_me", text)) == [
        P(
            "query",
            "created_by_me",
            msg="Input should be a valid boolean, unable to interpret input",
            type="bool_parsing",
        )
    ]


@pytest.mark.parametrize("text", ["running", "DONE", "", " RUNNING"], ids=repr)
def test_an_unknown_status_lists_the_ten(text: str) -> None:
    assert query_problems(("status", text)) == [
        P(
            "query",
            "status",
            msg=f"Input should be {STATUSES}",
            type="literal_error",
            ctx={"expected": STATUSES},
        )
    ]


def test_the_suffix_filter_follows_the_bodys_rules() -> None:
    assert query_problems(("suffix", "")) == [
        P(
            "query",
            "suffix",
            msg="String should have at least 1 character",
            type="string_too_short",
            ctx={"min_length": 1},
        )
    ]
    assert query_problems(("suffix", "s" * 19)) == [
        P(
            "query",
            "suffix",
            msg="String should have at most 18 characters",
            type="string_too_long",
            ctx={"max_length": 18},
        )
    ]
    assert query_problems(("suffix", "a b")) == [
        P(
            "query",
            "suffix",
            msg=f"String should match pattern '{SUFFIX_PATTERN}'",
            type="string_pattern_mismatch",
            ctx={"pattern": SUFFIX_PATTERN},
        )
    ]


def test_every_query_problem_is_reported_in_the_specs_order() -> None:
    problems = query_problems(
        ("suffix", "a b"),
        ("status", "DONE"),
        ("created_by_me", "2"),
        ("created_before", "x"),
        ("created_after", "0000-01-01"),
        ("model", ""),
        ("page_size", "0"),
        ("page", "p"),
    )
    assert problems == [
        P("query", "page", msg=INT_PARSING, type="int_parsing"),
        ge("query", "page_size", bound=1, shown="1"),
        P(
            "query",
            "created_after",
            msg="Input should be a valid datetime, year 0 is out of range",
            type="datetime_parsing",
            ctx={"error": "year 0 is out of range"},
        ),
        P(
            "query",
            "created_before",
            msg="Input should be a valid datetime or date, input is too short",
            type="datetime_from_date_parsing",
            ctx={"error": "input is too short"},
        ),
        P(
            "query",
            "created_by_me",
            msg="Input should be a valid boolean, unable to interpret input",
            type="bool_parsing",
        ),
        P(
            "query",
            "status",
            msg=f"Input should be {STATUSES}",
            type="literal_error",
            ctx={"expected": STATUSES},
        ),
        P(
            "query",
            "suffix",
            msg=f"String should match pattern '{SUFFIX_PATTERN}'",
            type="string_pattern_mismatch",
            ctx={"pattern": SUFFIX_PATTERN},
        ),
    ]


def utc(iso: str) -> int:
    """Unix seconds of a naive ISO date-time taken as UTC, independently of the code under test."""
    return calendar.timegm(datetime.fromisoformat(iso).timetuple())


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2025-01-02T03:04:05Z", JAN_2),
        ("2025-01-02t03:04:05z", JAN_2),
        ("2025-01-02 03:04:05Z", JAN_2),
        ("2025-01-02_03:04:05Z", JAN_2),
        ("2025-01-02T03:04:05", JAN_2),  # naive: UTC
        ("2025-01-02T03:04:05.999999Z", JAN_2),  # rounded down
        ("2025-01-02T03:04:05,5Z", JAN_2),
        ("2025-01-02T03:04:05.12345678901Z", JAN_2),
        ("2025-01-02T03:04Z", JAN_2 - 5),
        ("2025-01-02T03:04", JAN_2 - 5),
        ("2025-01-02T05:04:05+02:00", JAN_2),
        ("2025-01-02T05:04:05+0200", JAN_2),
        ("2025-01-02T01:04:05-02:00", JAN_2),
        ("2025-01-02T01:04:05\u221202:00", JAN_2),  # U+2212 MINUS SIGN
        ("2025-01-02T03:04:05-00:00", JAN_2),
        ("2025-01-02T03:04+01:00", JAN_2 - 5 - 3600),
        ("2025-01-02T03:04:05+23:59", JAN_2 - 86_340),
        ("2025-02-01", FEB_1),  # a date: midnight
        ("2024-02-29", utc("2024-02-29")),
        ("2000-02-29T12:00:00Z", utc("2000-02-29T12:00")),
        ("0001-01-01T00:00:00Z", utc("0001-01-01")),
        ("9999-12-31T23:59:59-01:00", utc("9999-12-31T23:59:59") + 3600),
        ("1735787045", JAN_2),  # Unix seconds
        ("+1735787045", JAN_2),
        ("1735787045.75", JAN_2),
        ("1735787045000", JAN_2),  # above 2e10: milliseconds
        ("1735787045999.9", JAN_2),
        ("20000000000", 20_000_000_000),
        ("20000000001", 20_000_000),
        ("0", 0),
        ("-1", -1),
        ("-1.5", -2),
        ("-0.0000001", 0),  # the microseconds round to a whole second
        ("1.9999999", 2),
        ("1.", 1),
        (".5", 0),
        ("1.5e3", 1500),
        ("-20000000001", -20_000_001),
        ("253402300799999", utc("9999-12-31T23:59:59")),
        ("-62135596800000", utc("0001-01-01")),
        ("2025", 2025),
    ],
    ids=repr,
)
def test_datetimes_are_read_as_pydantic_reads_them(text: str, seconds: int) -> None:
    # created_after is a lower bound in whole seconds: a sub-second part that survives
    # pydantic's reading rounds it up, so that a job created before the moment stays out.
    after = seconds + (text in WITH_A_FRACTION)
    assert query_of(("created_after", text), ("created_before", text)) == ListQuery(
        created_after=after, created_before=seconds
    )


WITH_A_FRACTION = frozenset(
    {
        "2025-01-02T03:04:05.999999Z",
        "2025-01-02T03:04:05,5Z",
        "2025-01-02T03:04:05.12345678901Z",
        "1735787045.75",
        "1735787045999.9",
        "-1.5",
        ".5",
    }
)


def date_problem(error: str) -> Problem:
    return P(
        "query",
        "created_after",
        msg=f"Input should be a valid datetime or date, {error}",
        type="datetime_from_date_parsing",
        ctx={"error": error},
    )


TOO_SHORT = "input is too short"
EXTRA = "unexpected extra characters at the end of the input"
YEAR = "invalid character in year"
SEPARATOR = "invalid date separator, expected `-`"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", TOO_SHORT),
        ("now", TOO_SHORT),
        ("yesterday", TOO_SHORT),
        ("2025-01", TOO_SHORT),
        ("1e9", TOO_SHORT),
        (".", TOO_SHORT),
        ("1.5.", TOO_SHORT),
        ("1_000", TOO_SHORT),
        ("1.0e400", TOO_SHORT),
        ("2025-1-2", TOO_SHORT),
        ("é" * 5, YEAR),
        (" 2025-01-02", YEAR),
        ("abcd-01-01", YEAR),
        ("2025/01/02", SEPARATOR),
        ("2025-01/02", SEPARATOR),
        ("20250102T000000Z", SEPARATOR),
        ("2025-1a-01", "invalid character in month"),
        ("2025-01-0a", "invalid character in day"),
        ("2025-13-01", "month value is outside expected range of 1-12"),
        ("2025-00-10", "month value is outside expected range of 1-12"),
        ("2025-02-29", "day value is outside expected range"),
        ("1900-02-29", "day value is outside expected range"),
        ("2025-04-31", "day value is outside expected range"),
        ("2025-01-00", "day value is outside expected range"),
        ("2025-01-02T", EXTRA),
        ("2025-01-02 ", EXTRA),
        ("2025-01-02T03", EXTRA),
        ("2025-01-02T3:04:05", EXTRA),
        ("2025-01-02T24:00:00", EXTRA),
        ("2025-01-02T23:60:00", EXTRA),
        ("2025-01-02T23:59:60", EXTRA),
        ("2025-01-02T03:04:05.Z", EXTRA),
        ("2025-01-02T03:04:05+02", EXTRA),
        ("2025-01-02T03:04:05+2:00", EXTRA),
        ("2025-01-02T03:04:05+24:00", EXTRA),
        ("2025-01-02T03:04:05+02:60", EXTRA),
        ("2025-01-02T03:04:05 Z", EXTRA),
        ("2025-01-02T03:04:05ZZ", EXTRA),
        ("2025-01-02T03:04:05Z\n", EXTRA),
        ("253402300800000", "dates after 9999 are not supported as unix timestamps"),
        ("9223372036854775807", "dates after 9999 are not supported as unix timestamps"),
        ("-62167219200001", "dates before 0000 are not supported as unix timestamps"),
        ("-9223372036854775808", "dates before 0000 are not supported as unix timestamps"),
        ("-09223372036854775808", "dates before 0000 are not supported as unix timestamps"),
        ("9223372036854775808", SEPARATOR),
        ("99999999999999999999.5", SEPARATOR),
        ("1" * 30, SEPARATOR),
    ],
    ids=repr,
)
def test_a_datetime_pydantic_cannot_read_gets_its_reason(text: str, error: str) -> None:
    assert query_problems(("created_after", text)) == [date_problem(error)]


@pytest.mark.parametrize(
    "text", ["0000-01-01", "0000-01-01T00:00:00Z", "-62135596800001", "-62167219200000"], ids=repr
)
def test_year_zero_is_readable_but_not_a_datetime(text: str) -> None:
    assert query_problems(("created_before", text)) == [
        P(
            "query",
            "created_before",
            msg="Input should be a valid datetime, year 0 is out of range",
            type="datetime_parsing",
            ctx={"error": "year 0 is out of range"},
        )
    ]


# --- the SDK's queries ---------------------------------------------------------------------------


@pytest.mark.sdk
def test_the_sdks_default_list_call_is_read_as_the_defaults(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.list()
    params = requests[-1].url.params.multi_items()
    assert params == [("page", "0"), ("page_size", "100"), ("created_by_me", "false")]
    assert query_of(*params) == ListQuery()


@pytest.mark.sdk
def test_the_sdks_list_call_with_every_parameter_is_read(captured: Jobs) -> None:
    jobs, requests = captured
    jobs.list(
        page=2,
        page_size=5,
        model="m",
        created_after=datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        created_before=datetime(2025, 2, 1),
        created_by_me=True,
        status="RUNNING",
        wandb_project="p",
        wandb_name="n",
        suffix="s",
    )
    assert query_of(*requests[-1].url.params.multi_items()) == ListQuery(
        page=2,
        page_size=5,
        model="m",
        created_after=JAN_2,
        created_before=FEB_1,
        created_by_me=True,
        status=ClassifierJobOutStatus.RUNNING,
        wandb_project="p",
        wandb_name="n",
        suffix="s",
    )


SENT_DATETIMES: list[Callable[[], datetime]] = [
    lambda: datetime(2025, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2))),
    lambda: datetime(2025, 1, 2, 3, 4, 5, 678_901, tzinfo=timezone.utc),
    lambda: datetime(2025, 1, 2, 3, 4, 5, 678_901),
    lambda: datetime(2025, 1, 1, 22, 4, 5, tzinfo=timezone(-timedelta(hours=5))),
]


@pytest.mark.sdk
@pytest.mark.parametrize(
    ("moment", "after"),
    [
        (SENT_DATETIMES[0], JAN_2),
        (SENT_DATETIMES[1], JAN_2 + 1),  # 03:04:05.678901 rounds up to the next second
        (SENT_DATETIMES[2], JAN_2 + 1),
        (SENT_DATETIMES[3], JAN_2),
    ],
    ids=["+02:00", "utc-micro", "naive-micro", "-05:00"],
)
def test_the_sdks_datetimes_are_read_to_the_second(
    captured: Jobs, moment: Callable[[], datetime], after: int
) -> None:
    jobs, requests = captured
    jobs.list(created_after=moment(), status="SUCCESS", created_by_me=False)
    assert query_of(*requests[-1].url.params.multi_items()) == ListQuery(
        created_after=after, status=ClassifierJobOutStatus.SUCCESS
    )
