"""The reference the fake is compared with: a FastAPI app generated from the contract's spec.

The real API is a FastAPI application, but its code is not public; its spec is. The reference
is what FastAPI does with that spec, built mechanically:

* the models (request bodies and the operations' parameters) are generated from
  ``tests/data/mistral-jobs-openapi-fragment.json`` by datamodel-code-generator, in a temporary
  directory at the start of the session (nothing generated is kept in the repository);
* the routes are declared in the spec's order (the order FastAPI writes them in), one per
  operation, each with its path and query parameters typed by the generated parameter models
  and its body by the generated component; an endpoint answers ``200 {"accepted": true}``
  once FastAPI has accepted the request;
* a ``422`` is written with the keys of the recorded real answers (``type``, ``loc``, ``msg``,
  ``ctx``, an exception in ``ctx`` written as its message; FastAPI's default adds ``input``).

The generator's options are those that read the spec as pydantic wrote it: ``--strict-nullable``
(a property is nullable only where the spec says so), plain ``datetime`` (the spec's
``date-time`` says nothing of time zones), and the inline ``status`` enum as a ``Literal``
(pydantic writes an ``Enum`` class as a ``$ref``, a ``Literal`` inline).
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import random
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import Body, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

SPEC = Path(__file__).resolve().parents[1] / "data" / "mistral-jobs-openapi-fragment.json"

_GENERATOR_OPTIONS = (
    "--input-file-type",
    "openapi",
    "--output-model-type",
    "pydantic_v2.BaseModel",
    "--openapi-scopes",
    "schemas",
    "paths",
    "parameters",
    "--include-path-parameters",
    "--strict-nullable",
    "--output-datetime-class",
    "datetime",
    "--enum-field-as-literal-map",
    '{"status": "literal"}',
    "--formatters",
    "builtin",
    "--disable-timestamp",
)


def generate_models(directory: Path) -> Any:
    """The spec's models, generated into ``directory`` and imported."""
    target = directory / "reference_models.py"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(SPEC),
            *_GENERATOR_OPTIONS,
            "--output",
            str(target),
        ],
        check=True,
        capture_output=True,
    )
    spec = importlib.util.spec_from_file_location("reference_models", target)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reference_models"] = module  # pydantic resolves the annotations through it
    spec.loader.exec_module(module)
    return module


def _parameters_model(models: Any, path: str, method: str) -> type[BaseModel] | None:
    """The generated model of an operation's parameters: ``V1FineTuningJobsJobIdGetParameters``."""
    words = [part.strip("{}") for part in path.strip("/").split("/")] + [method]
    name = "".join("".join(piece.capitalize() for piece in word.split("_")) for word in words)
    found: type[BaseModel] | None = getattr(models, f"{name}Parameters", None)
    return found


def _endpoint(models: Any, path: str, method: str, operation: dict[str, Any]) -> Callable[..., Any]:
    """An endpoint whose signature FastAPI reads as the operation's parameters and body."""
    in_of = {p["name"]: p["in"] for p in operation.get("parameters", [])}
    parameters: list[inspect.Parameter] = []
    params_model = _parameters_model(models, path, method)
    for name, field in (params_model.model_fields if params_model else {}).items():
        where = PathParam() if in_of[name] == "path" else Query(default=field.default)
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=field.annotation,
                default=where,
            )
        )
    body = operation.get("requestBody")
    if body is not None:
        reference = body["content"]["application/json"]["schema"]["$ref"]
        parameters.append(
            inspect.Parameter(
                "body",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=getattr(models, reference.rsplit("/", 1)[1]),
                default=Body(...),
            )
        )

    def endpoint(**values: Any) -> dict[str, Any]:
        del values
        return {"accepted": True}

    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = operation["operationId"]
    return endpoint


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    entry = {"type": error["type"], "loc": list(error["loc"]), "msg": error["msg"]}
    if "ctx" in error:
        entry["ctx"] = {
            key: str(value) if isinstance(value, Exception) else value
            for key, value in error["ctx"].items()
        }
    return entry


def build_reference_app(models: Any) -> FastAPI:
    """The FastAPI app of the spec's operations (module docstring)."""
    spec = json.loads(SPEC.read_text())
    app = FastAPI()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            app.add_api_route(
                path, _endpoint(models, path, method, operation), methods=[method.upper()]
            )

    @app.exception_handler(RequestValidationError)
    async def shaped(request: Request, exc: RequestValidationError) -> JSONResponse:
        del request
        return JSONResponse({"detail": [_problem(e) for e in exc.errors()]}, status_code=422)

    return app


@pytest.fixture(scope="session")
def reference_models(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The generated models of the spec (a module)."""
    return generate_models(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def reference_client(reference_models: Any) -> Iterator[Any]:
    """A Starlette test client of the reference app, at ``https://api.mistral.ai``."""
    with warnings.catch_warnings():
        # Starlette now prefers httpx2 for its test client; httpx, which the fake is for, works.
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with TestClient(
        build_reference_app(reference_models),
        base_url="https://api.mistral.ai",
        raise_server_exceptions=True,
        follow_redirects=False,
    ) as client:
        yield client


# --- the corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """One request of the corpus: what a client puts on the wire below the base URL."""

    method: str
    target: str  # path and query, percent-encoded as sent
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def describe(self) -> str:
        shown = self.body[:160].decode("utf-8", "replace")
        return f"{self.method} {self.target} {dict(self.headers)} {shown}"


JOBS = "/v1/fine_tuning/jobs"
AUTH = ("authorization", "Bearer test-key")
JSON_TYPE = ("content-type", "application/json")
FILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
VALID_CREATE: dict[str, Any] = {
    "model": "ministral-3b-latest",
    "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
    "training_files": [{"file_id": FILE_ID, "weight": 1.0}],
    "validation_files": None,
    "auto_start": False,
    "invalid_sample_skip_percentage": 0.0,
    "job_type": "classifier",
}
# Values of every JSON type and of the spellings pydantic's lax mode reads or refuses.
JUNK: tuple[Any, ...] = (
    None,
    "",
    "x",
    "abc",
    "0.1",
    "10",
    " 10 ",
    "1_0",
    "true",
    "false",
    "yes",
    "off",
    "1e-9",
    "ministral-3b-latest",
    "classifier",
    "completion",
    "single_class",
    "wandb",
    FILE_ID,
    FILE_ID.upper(),
    "{" + FILE_ID + "}",
    "urn:uuid:" + FILE_ID,
    FILE_ID.replace("-", ""),
    0,
    1,
    -1,
    2,
    10,
    99,
    100,
    101,
    10**20,
    0.0,
    1.0,
    10.0,
    0.5,
    0.51,
    -0.5,
    1e-9,
    1e-8,
    1.5,
    float("nan"),
    float("inf"),
    True,
    False,
    [],
    {},
    [1],
    ["a"],
    [None],
    {"a": 1},
    {"file_id": FILE_ID},
    [{"file_id": FILE_ID}],
    "a" * 18,
    "a" * 19,
    "a" * 40,
    "my-suffix_1",
    "bad suffix!",
)
BODY_FIELDS = (
    "model",
    "training_files",
    "validation_files",
    "suffix",
    "integrations",
    "auto_start",
    "invalid_sample_skip_percentage",
    "job_type",
    "hyperparameters",
    "repositories",
    "classifier_targets",
    "unknown_key",
)
NESTED: dict[str, tuple[str, ...]] = {
    "hyperparameters": (
        "training_steps",
        "learning_rate",
        "weight_decay",
        "warmup_fraction",
        "epochs",
        "seq_len",
        "fim_ratio",
        "other",
    ),
    "training_files": ("file_id", "weight", "other"),
    "integrations": ("type", "project", "name", "api_key", "run_name", "other"),
    "repositories": ("type", "name", "owner", "ref", "weight", "token", "other"),
    "classifier_targets": ("name", "labels", "weight", "loss_function", "other"),
}
GOOD_ITEMS: dict[str, dict[str, Any]] = {
    "training_files": {"file_id": FILE_ID, "weight": 1.0},
    "integrations": {"type": "wandb", "project": "p", "api_key": "k" * 40},
    "repositories": {"type": "github", "name": "n", "owner": "o", "token": "t"},
    "classifier_targets": {"name": "intent", "labels": ["a", "b"], "weight": 1.0},
}
QUERY_VALUES: dict[str, tuple[str, ...]] = {
    "page": ("0", "1", "2", "-1", " 1_0 ", "1.0", "1.5", "", "x", "9" * 25, "+3", "0x10"),
    "page_size": ("1", "5", "100", "0", "-5", "2.0", "ten", ""),
    "model": ("ministral-3b-latest", "", "other"),
    "created_after": (
        "2025-01-02T03:04:05Z",
        "2025-01-02T03:04:05",
        "2025-01-02",
        "2025-01-02 03:04",
        "2025-01-02T03:04:05.5+02:00",
        "1735787045",
        "1735787045123",
        "1735787045.5",
        "yesterday",
        "2025-13-01",
        "2025-02-30",
        "",
        "0",
        "-1",
        "99999999999999999999",
    ),
    "created_before": ("2026-01-01T00:00:00Z", "2030-01-01", "2025-01-02T25:00:00", "nope"),
    "created_by_me": ("true", "false", "1", "0", "yes", "no", "on", "off", "TRUE", "maybe", ""),
    "status": ("RUNNING", "SUCCESS", "QUEUED", "running", "DONE", "", "CANCELLATION_REQUESTED"),
    "wandb_project": ("p", ""),
    "wandb_name": ("n",),
    "suffix": ("s", "a" * 30, ""),
    "unknown": ("1",),
}
JOB_IDS = (
    FILE_ID,
    FILE_ID.upper(),
    "{" + FILE_ID + "}",
    "urn:uuid:" + FILE_ID,
    FILE_ID.replace("-", ""),
    "abc",
    "1",
    "00000000-0000-4000-8000-000000000000",
    FILE_ID + "0",
    "a%2Fb",
    "a%20b",
    "%E2%9C%93",
    "%00",
    "a%0A",
    "-",
    "a.b",
    "%2F",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND")
PATHS = (
    JOBS,
    f"{JOBS}/",
    f"{JOBS}//",
    f"{JOBS}/{FILE_ID}",
    f"{JOBS}/{FILE_ID}/",
    f"{JOBS}/{FILE_ID}/start",
    f"{JOBS}/{FILE_ID}/cancel",
    f"{JOBS}/{FILE_ID}/cancel/",
    f"{JOBS}/{FILE_ID}/stop",
    f"{JOBS}/abc/start",
    "/v1/fine_tuning",
    "/v1/fine_tuning/jobsx",
    # Other resources of the real API that neither the reference app (generated from the jobs
    # spec) nor the fake serves; the files routes have tests of their own.
    "/v1/batch/jobs",
    "/v1/agents",
    "/",
    "/v1/fine_tuning/JOBS",
    f"{JOBS}%0A",
)
CONTENT_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/vnd.api+json",
    "application/x-json",
    "text/plain",
    "text/json",
    "",
    "application/json, text/plain",
    "multipart/form-data",
)
RAW_BODIES = (
    b"",
    b"null",
    b"[]",
    b"{}",
    b"1",
    b'"x"',
    b"{",
    b'{"model": }',
    b"\xff\xfe\x00",
    b"\xef\xbb\xbf{}",
    b"[" * 100_000,
    b'{"model": "m"} trailing',
    b'{"a": 1e999}',
    b"NaN",
    b"1" * 5000,
    b'{"model": "\\ud800"}',
    b"  \n ",
)


def _mutated_create(rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(VALID_CREATE))
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        field = rng.choice(BODY_FIELDS)
        roll = rng.random()
        if roll < 0.15:
            body.pop(field, None)
        elif field in NESTED and roll < 0.6:
            value = body.get(field)
            if field != "hyperparameters":
                value = [dict(GOOD_ITEMS[field]) for _ in range(rng.choice((1, 1, 2)))]
            elif not isinstance(value, dict):
                value = {}
            target = value[0] if isinstance(value, list) else value
            key = rng.choice(NESTED[field])
            if rng.random() < 0.2:
                target.pop(key, None)
            else:
                target[key] = rng.choice(JUNK)
            body[field] = value
        else:
            body[field] = rng.choice(JUNK)
    return body


def _create(rng: random.Random) -> Sent:
    query = ""
    if rng.random() < 0.15:
        query = "?dry_run=" + rng.choice(("true", "false", "1", "maybe", "", "TRUE"))
    headers = [AUTH]
    if rng.random() < 0.9:
        headers.append(JSON_TYPE)
    elif rng.random() < 0.8:
        headers.append(("content-type", rng.choice(CONTENT_TYPES)))
    if rng.random() < 0.1:
        body = rng.choice(RAW_BODIES)
    else:
        body = json.dumps(_mutated_create(rng)).encode()
    return Sent("POST", f"{JOBS}{query}", tuple(headers), body)


def _list(rng: random.Random) -> Sent:
    names = rng.sample(sorted(QUERY_VALUES), rng.randint(0, 4))
    pairs = [(name, rng.choice(QUERY_VALUES[name])) for name in names]
    if pairs and rng.random() < 0.1:
        pairs.append((pairs[0][0], rng.choice(QUERY_VALUES[pairs[0][0]])))  # given twice
    query = urlencode(pairs)
    return Sent("GET", f"{JOBS}?{query}" if query else JOBS, (AUTH,))


def _on_a_job(rng: random.Random) -> Sent:
    job_id = rng.choice(JOB_IDS)
    method, suffix = rng.choice((("GET", ""), ("POST", "/start"), ("POST", "/cancel")))
    return Sent(method, f"{JOBS}/{job_id}{suffix}", (AUTH,))


def _odd_route(rng: random.Random) -> Sent:
    headers = [AUTH]
    body = b""
    if rng.random() < 0.3:
        headers.append(JSON_TYPE)
        body = json.dumps(VALID_CREATE).encode()
    query = "?page=0" if rng.random() < 0.2 else ""
    return Sent(rng.choice(METHODS), f"{rng.choice(PATHS)}{query}", tuple(headers), body)


def build_corpus(seed: int, size: int) -> list[Sent]:
    """``size`` requests, reproducible from ``seed``: creates, lists, job operations, odd routes."""
    rng = random.Random(seed)
    makers = (_create, _create, _create, _list, _list, _on_a_job, _odd_route)
    return [rng.choice(makers)(rng) for _ in range(size)]


@pytest.fixture(name="build_corpus", scope="session")
def build_corpus_fixture() -> Callable[[int, int], list[Sent]]:
    """:func:`build_corpus`, for the test modules (which cannot import this one)."""
    return build_corpus
