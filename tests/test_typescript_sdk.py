"""The live server driven through the official TypeScript SDK, ``@mistralai/mistralai``, under Node.

The SDK is installed once per session with npm into ``.cache/typescript-sdk/`` at the top of the
checkout (git-ignored), and reused while it holds the pinned version. Each test adds its jobs in
Python, then runs one scenario of ``tests/typescript/scenarios.mjs`` in one Node process against
``classifierjobs_server.url`` (the SDK's ``serverURL``) and asserts on the JSON it prints. The
TypeScript SDK parses every answer with zod schemas that are stricter than the Python SDK's
pydantic models in places (``events`` and ``checkpoints`` may not be ``null``, a list's ``data``
may not be ``null``), so these tests check the fake's wire format from a second side. The files
(``mistral.files``) travel to and from Node in base64, so that any bytes compare exactly. The
fine-tuned models (``mistral.models``) and classification (``mistral.classifiers``) are driven the
same way, up to a model trained, used and deleted from TypeScript alone.

Without ``node`` or ``npm`` on ``PATH`` the tests are skipped, saying so; when npm fails, they
fail with npm's output.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    ClassifierTargetOut,
    FTModelCard,
    LiveServer,
    to_wire,
)

SDK_PACKAGE = "@mistralai/mistralai"
SDK_VERSION = "1.15.1"
HERE = Path(__file__).resolve().parent
SDK_FOLDER = HERE.parent / ".cache" / "typescript-sdk"
SCENARIOS = HERE / "typescript" / "scenarios.mjs"
NPM_TIMEOUT = 300.0  # seconds; a first install takes a few
NODE_TIMEOUT = 60.0  # seconds for one scenario; each takes under one

S = ClassifierJobOutStatus
MODEL = "ministral-3b-latest"
# Node.js and npm are not on every machine: these tests may skip, even in CI (conftest.py).
pytestmark = pytest.mark.platform_skip

TRAINING_FILE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
UNKNOWN_JOB = "00000000-0000-4000-8000-000000000000"
WANDB_KEY = "0123456789abcdef0123456789abcdef01234567"  # W&B keys have 40 characters
NOT_FOUND = {"detail": "No fine tuning job matches the given query."}
FINE_TUNED_MODEL = re.compile(rf"ft:classifier:{MODEL}:[0-9a-f]{{8}}:\d{{8}}:(?P<id>.{{8}})")
MAX_POLLS = 20


# --- installing the SDK and running Node ----------------------------------------------------------


def _node_and_npm() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
        pytest.skip(f"the TypeScript SDK tests need Node.js and npm: {missing} not found on PATH")
    return node, npm


def installed_version(folder: Path) -> str | None:
    """The version of the SDK that npm installed under ``folder`` (its ``--prefix``), if any."""
    manifest = folder / "node_modules" / "@mistralai" / "mistralai" / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def install_sdk(folder: Path, npm: Sequence[str], *, timeout: float = NPM_TIMEOUT) -> None:
    """Make ``folder`` hold the pinned SDK: kept if it does, else installed with ``npm``.

    npm installs into a fresh folder beside it that is then renamed, so that a failed install
    leaves nothing half-done and parallel workers (xdist) never install into the same folder.
    """
    if installed_version(folder) == SDK_VERSION:
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}-", dir=folder.parent))
    try:
        spec = f"{SDK_PACKAGE}@{SDK_VERSION}"
        command = [*npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund", spec]
        log = staging / "npm-install.log"
        with log.open("w", encoding="utf-8") as output:
            try:
                done = subprocess.run(
                    command, stdout=output, stderr=subprocess.STDOUT, timeout=timeout, check=False
                )
            except subprocess.TimeoutExpired:
                outcome = f"did not finish in {timeout:g} s"
            else:
                outcome = f"exited with {done.returncode}" if done.returncode else ""
        if outcome:
            pytest.fail(
                f"npm install {spec} {outcome}; its output:\n{log.read_text(encoding='utf-8')}",
                pytrace=False,
            )
        if folder.exists() and installed_version(folder) != SDK_VERSION:
            shutil.rmtree(folder, ignore_errors=True)  # another version, or what is left of one
        with suppress(OSError):  # unless another worker's install got there first
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    found = installed_version(folder)
    if found != SDK_VERSION:
        pytest.fail(
            f"npm install {spec} left {SDK_PACKAGE} {found or '(none)'} in {folder}", pytrace=False
        )


@dataclass(frozen=True)
class TypeScriptSDK:
    """Runs the scenarios of ``scenarios.mjs`` with the installed SDK."""

    node: str
    folder: Path

    def run(self, server: LiveServer, scenario: str, data: object) -> Any:
        """What ``scenario`` gives for ``data`` against ``server`` (its JSON ``result``)."""
        # Without MISTRAL_API_KEY (the SDK would send it) and MISTRAL_DEBUG (it would log).
        env = {name: value for name, value in os.environ.items() if not name.startswith("MISTRAL_")}
        env["CLASSIFIERJOBS_TS_SDK_DIR"] = str(self.folder)
        env["CLASSIFIERJOBS_SERVER_URL"] = server.url
        done = subprocess.run(
            [self.node, str(SCENARIOS), scenario, json.dumps(data)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=NODE_TIMEOUT,
            check=False,
        )
        if done.returncode:
            pytest.fail(
                f"node {SCENARIOS.name} {scenario} exited with {done.returncode}:\n"
                f"{done.stderr}{done.stdout}",
                pytrace=False,
            )
        report = json.loads(done.stdout)
        assert report["sdkVersion"] == SDK_VERSION
        return report["result"]


@pytest.fixture(scope="session")
def typescript_sdk() -> TypeScriptSDK:
    node, npm = _node_and_npm()
    install_sdk(SDK_FOLDER, [npm])
    return TypeScriptSDK(node=node, folder=SDK_FOLDER)


# --- helpers --------------------------------------------------------------------------------------


def ok(outcome: dict[str, Any]) -> Any:
    """What an SDK call returned; fails with the SDK's error (zod's report for a bad body)."""
    assert "ok" in outcome, outcome["error"].get("zod") or outcome["error"]
    return outcome["ok"]


def _camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), name)


def as_sdk_parses(wire: Any) -> Any:
    """A wire body as the TypeScript SDK returns it: keys in camelCase, event data as sent."""
    if isinstance(wire, list):
        return [as_sdk_parses(item) for item in wire]
    if isinstance(wire, dict):
        return {
            _camel(key): value if key == "data" else as_sdk_parses(value)
            for key, value in wire.items()
        }
    return wire


def create_request(**changes: Any) -> dict[str, Any]:
    """A classifier job's create request, as a TypeScript user writes it."""
    return {
        "model": MODEL,
        "jobType": "classifier",
        "autoStart": False,
        "trainingFiles": [{"fileId": TRAINING_FILE, "weight": 0.5}],
        "hyperparameters": {"trainingSteps": 10, "learningRate": 0.0001},
        **changes,
    }


def newest_first(jobs: Sequence[ClassifierDetailedJobOut]) -> list[str]:
    """The ids of ``jobs`` (in the order they were added) in the order a list gives them."""
    order = sorted(enumerate(jobs), key=lambda pair: (pair[1].created_at, pair[0]), reverse=True)
    return [job.id for _, job in order]


# --- the scenarios ------------------------------------------------------------------------------


def test_create_answers_a_queued_classifier_job(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    request = create_request(
        suffix="ts-sdk",
        integrations=[{"project": "intent-classifier", "apiKey": WANDB_KEY}],
    )

    job = ok(typescript_sdk.run(classifierjobs_server, "create", {"request": request}))

    assert job["status"] == "QUEUED"
    assert (job["jobType"], job["object"]) == ("classifier", "job")
    assert (job["model"], job["autoStart"], job["suffix"]) == (MODEL, False, "ts-sdk")
    assert job["trainingFiles"] == [TRAINING_FILE]
    assert job["hyperparameters"] == {
        "trainingSteps": 10,
        "learningRate": 0.0001,
        "weightDecay": 0.1,
        "warmupFraction": 0.05,
        "epochs": None,
        "seqLen": 16384,
    }
    assert job["fineTunedModel"] is None
    assert job["trainedTokens"] is None
    assert job["createdAt"] == job["modifiedAt"]
    # Echoed without the API key; the run's URL comes with training.
    assert job["integrations"] == [
        {
            "type": "wandb",
            "project": "intent-classifier",
            "name": None,
            "runName": None,
            "url": None,
        }
    ]
    assert "classifierTargets" not in job  # the short ClassifierJobOut
    stored = classifierjobs.jobs[job["id"]]
    assert stored.status is S.QUEUED
    assert job == as_sdk_parses(to_wire(stored.summary()))


def test_list_filters_by_status_and_pages(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    statuses = [S.RUNNING, S.SUCCESS, S.RUNNING, S.QUEUED, S.RUNNING, S.FAILED, S.SUCCESS]
    added = [classifierjobs.add(status=status) for status in statuses]
    running = [job for job in added if job.status is S.RUNNING]
    since = sorted(job.created_at for job in added)[3]
    queries = [
        *({"status": "RUNNING", "page": page, "pageSize": 2} for page in range(3)),
        None,  # the SDK's defaults: page 0, 100 a page
        {"createdAfter": dt.datetime.fromtimestamp(since, tz=dt.timezone.utc).isoformat()},
    ]

    answers = typescript_sdk.run(classifierjobs_server, "list", {"queries": queries})

    *pages, everything, recent = [ok(answer) for answer in answers]
    assert [(page["total"], len(page["data"])) for page in pages] == [(3, 2), (3, 1), (3, 0)]
    listed = [item for page in pages for item in page["data"]]
    assert [item["id"] for item in listed] == newest_first(running)
    assert {item["status"] for item in listed} == {"RUNNING"}
    assert (everything["object"], everything["total"]) == ("list", len(added))
    assert [item["id"] for item in everything["data"]] == newest_first(added)
    stored = classifierjobs.jobs
    assert everything["data"] == [
        as_sdk_parses(to_wire(stored[item["id"]].summary())) for item in everything["data"]
    ]
    assert [item["id"] for item in recent["data"]] == newest_first(
        [job for job in added if job.created_at >= since]
    )


def test_get_parses_a_job_in_every_status(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    added = {classifierjobs.add(status=status).id: status for status in S}

    answers = typescript_sdk.run(classifierjobs_server, "get", {"jobIds": list(added)})

    rejected = {
        added[job_id].value: answer["error"].get("zod") or answer["error"]
        for job_id, answer in answers.items()
        if "error" in answer
    }
    assert not rejected, "\n\n".join(f"{status}: {error}" for status, error in rejected.items())
    for job_id, status in added.items():
        job = answers[job_id]["ok"]
        assert (job["id"], job["status"], job["jobType"]) == (job_id, status.value, "classifier")
        assert job == as_sdk_parses(to_wire(classifierjobs.jobs[job_id]))


def test_start_requeues_and_cancel_ends_a_running_job(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    validated = classifierjobs.add(status=S.VALIDATED).id
    running = classifierjobs.add(status=S.RUNNING).id

    answers = typescript_sdk.run(
        classifierjobs_server, "start_cancel", {"validated": validated, "running": running}
    )

    started, cancelling, cancelled = (
        ok(answers[step]) for step in ("start", "cancel", "getAfterCancel")
    )
    assert (started["id"], started["status"]) == (validated, "QUEUED")
    assert (cancelling["id"], cancelling["status"]) == (running, "CANCELLATION_REQUESTED")
    assert (cancelled["id"], cancelled["status"]) == (running, "CANCELLED")
    assert cancelled["fineTunedModel"] is None
    assert classifierjobs.jobs[validated].status is S.QUEUED
    assert classifierjobs.jobs[running].status is S.CANCELLED


@pytest.mark.parametrize(
    ("auto_start", "statuses"),
    [
        (False, ["VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"]),  # started at VALIDATED
        (True, ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"]),
    ],
    ids=["auto_start=false", "auto_start=true"],
)
def test_a_polled_job_succeeds_with_a_fine_tuned_model(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
    auto_start: bool,
    statuses: list[str],
) -> None:
    # No weight: unlike the Python SDK, which then drops the targets, the TypeScript SDK sends 1.
    target = {"name": "intent", "labels": ["email", "social_post"]}
    request = create_request(autoStart=auto_start, classifierTargets=[target])

    outcome = typescript_sdk.run(
        classifierjobs_server, "poll", {"request": request, "maxPolls": MAX_POLLS}
    )

    created, job = ok(outcome["created"]), ok(outcome["last"])
    assert created["status"] == "QUEUED"
    assert outcome["seen"] == statuses
    if auto_start:
        assert outcome["started"] is None
    else:
        assert ok(outcome["started"])["status"] == "QUEUED"
    assert job["id"] == created["id"]
    fine_tuned = FINE_TUNED_MODEL.fullmatch(job["fineTunedModel"])
    assert fine_tuned is not None, job["fineTunedModel"]
    assert fine_tuned["id"] == job["id"][:8]
    assert job["trainedTokens"] > 0
    assert job["metadata"]["costCurrency"] == "EUR"
    assert job["classifierTargets"] == [{**target, "weight": 1, "lossFunction": "single_class"}]
    steps = [checkpoint["stepNumber"] for checkpoint in job["checkpoints"]]
    assert steps == sorted(steps, reverse=True)  # newest first
    assert steps[0] == 10  # the last of the 10 training steps
    events = [event["data"]["status"] for event in job["events"]]
    assert events == ["QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"]
    stored = classifierjobs.jobs[job["id"]]
    assert (stored.status, stored.fine_tuned_model) == (S.SUCCESS, job["fineTunedModel"])


def test_errors_surface_as_sdk_errors_with_the_status_and_body(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    running = classifierjobs.add(status=S.RUNNING).id
    invalid = create_request(trainingFiles=[{"fileId": TRAINING_FILE, "weight": 0}])

    answers = typescript_sdk.run(
        classifierjobs_server,
        "errors",
        {"missing": UNKNOWN_JOB, "running": running, "invalidRequest": invalid},
    )

    errors = {name: answer["error"] for name, answer in answers.items()}
    for error in errors.values():
        assert error["name"] == "SDKError"
        assert (error["isSDKError"], error["isMistralError"]) == (True, True)
        assert error["contentType"] == "application/json"
    assert errors["notFound"]["statusCode"] == 404
    assert json.loads(errors["notFound"]["body"]) == NOT_FOUND
    assert errors["notFound"]["message"] == (
        f"API error occurred: Status 404. Body: {json.dumps(NOT_FOUND, separators=(',', ':'))}"
    )
    assert errors["conflict"]["statusCode"] == 409
    assert "cannot be started" in json.loads(errors["conflict"]["body"])["detail"]
    assert errors["invalid"]["statusCode"] == 422
    (problem,) = json.loads(errors["invalid"]["body"])["detail"]
    assert problem["loc"] == ["body", "training_files", 0, "weight"]
    assert errors["unauthorized"]["statusCode"] == 401
    assert json.loads(errors["unauthorized"]["body"]) == {"detail": "Unauthorized"}
    assert classifierjobs.jobs[running].status is S.RUNNING
    assert len(classifierjobs.jobs) == 1  # the invalid create stored nothing


def test_requests_through_the_live_server_are_recorded(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    job_id = classifierjobs.add(status=S.RUNNING).id

    ok(typescript_sdk.run(classifierjobs_server, "get", {"jobIds": [job_id]})[job_id])

    assert classifierjobs.routes["get"].call_count == 1


# --- the files ------------------------------------------------------------------------------------

SENTIMENT_ROWS = [
    {"text": "Très bien, merci", "labels": {"sentiment": "positive", "topics": ["service"]}},
    {"text": "Awful delivery", "labels": {"sentiment": "negative", "topics": ["shipping"]}},
    {"text": "It arrived", "labels": {"sentiment": "neutral", "topics": ["shipping", "price"]}},
    {"text": "Great value", "labels": {"sentiment": "positive", "topics": ["price", "service"]}},
]
FILE_NOT_FOUND = {"detail": "File not found."}
SIGNATURE = re.compile(r"[0-9a-f]{32}")


def jsonl(rows: Sequence[dict[str, Any]]) -> bytes:
    """Rows as a JSON Lines file, one JSON object a line."""
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def upload_of(content: bytes, file_name: str, purpose: str | None = None) -> dict[str, Any]:
    """What ``scenarios.mjs`` uploads: the bytes in base64, ``purpose`` only when given."""
    file = {"fileName": file_name, "base64": base64.b64encode(content).decode("ascii")}
    return file if purpose is None else {**file, "purpose": purpose}


def file_as_sdk_parses(wire: dict[str, Any]) -> Any:
    """A file's wire body as the TypeScript SDK returns it (``bytes`` is its ``sizeBytes``)."""
    return as_sdk_parses({"size_bytes" if key == "bytes" else key: v for key, v in wire.items()})


def assert_file_not_found(outcome: dict[str, Any]) -> None:
    error = outcome["error"]
    assert (error["name"], error["isSDKError"]) == ("SDKError", True)
    assert (error["statusCode"], error["contentType"]) == (404, "application/json")
    assert json.loads(error["body"]) == FILE_NOT_FOUND


def test_upload_stores_the_bytes_with_and_without_a_purpose(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    chat = jsonl([{"messages": [{"role": "user", "content": "hi"}], "labels": {"intent": "greet"}}])
    pdf = b"%PDF-1.4\n\xff\xfe\x00binary\n%%EOF"
    batch = b'{"custom_id": "0", "body": {}}\n'
    uploads = [
        (jsonl(SENTIMENT_ROWS), "train.jsonl", None, "fine-tune", "pretrain", 4),
        (chat, "chat.jsonl", None, "fine-tune", "instruct", 1),
        (batch, "requests.jsonl", "batch", "batch", "batch_request", 1),
        (pdf, "scan.pdf", "ocr", "ocr", "ocr_input", 0),
        (jsonl(SENTIMENT_ROWS), "train.jsonl", "fine-tune", "fine-tune", "pretrain", 4),
    ]

    answers = typescript_sdk.run(
        classifierjobs_server,
        "upload",
        {"uploads": [upload_of(content, name, purpose) for content, name, purpose, *_ in uploads]},
    )

    files = [ok(answer) for answer in answers]
    for file, (content, name, _, purpose, sample_type, lines) in zip(files, uploads, strict=True):
        assert (file["object"], file["source"], file["filename"]) == ("file", "upload", name)
        assert (file["purpose"], file["sampleType"]) == (purpose, sample_type)
        assert (file["sizeBytes"], file["numLines"]) == (len(content), lines)
        assert file["signature"] == hashlib.md5(content).hexdigest()  # the fake's choice
        assert classifierjobs.file_content(file["id"]) == content
        assert file == file_as_sdk_parses(to_wire(classifierjobs.files[file["id"]]))
    assert [file["mimetype"] for file in files] == [
        "application/jsonl",
        "application/jsonl",
        "application/jsonl",
        "application/pdf",
        "application/jsonl",
    ]
    # The same name and content again is the file already stored (the FAQ's de-duplication).
    assert files[4] == files[0]
    assert list(classifierjobs.files) == [file["id"] for file in files[:4]]
    assert len({file["id"] for file in files}) == 4
    assert classifierjobs.routes["files.upload"].call_count == 5


def test_files_list_filters_and_pages(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    chat = [{"messages": [{"role": "user", "content": "hi"}], "labels": {"intent": "greet"}}]
    added = [
        classifierjobs.add_file(SENTIMENT_ROWS, filename="train.jsonl"),
        classifierjobs.add_file(chat, filename="chat-train.jsonl"),
        classifierjobs.add_file('{"custom_id": "0"}\n', filename="batch.jsonl", purpose="batch"),
        classifierjobs.add_file(SENTIMENT_ROWS[:2], filename="validation.jsonl"),
        classifierjobs.add_file(b"%PDF-1.4\n", filename="scan.pdf", purpose="ocr"),
        classifierjobs.add_file(SENTIMENT_ROWS[2:], filename="Train-2.jsonl"),
    ]
    newest = [file.id for file in reversed(added)]  # each upload is newer than the one before
    fine_tune = [added[5].id, added[3].id, added[1].id, added[0].id]  # newest first
    queries = [
        *({"purpose": "fine-tune", "page": page, "pageSize": 3} for page in range(3)),
        {"sampleType": ["instruct", "batch_request"]},
        {"search": "TRAIN"},  # a part of the name, in any case
        {"mimetypes": ["application/pdf"], "source": ["upload"]},
        {"source": ["repository", "mistral"]},
        {"includeTotal": False, "pageSize": 2, "page": 1},
        None,  # the SDK's defaults: page 0, 100 a page, with the total
    ]

    answers = typescript_sdk.run(classifierjobs_server, "list_files", {"queries": queries})

    *pages, typed, searched, pdfs, elsewhere, untotalled, everything = [ok(a) for a in answers]
    assert [(page["total"], len(page["data"])) for page in pages] == [(4, 3), (4, 1), (4, 0)]
    assert [file["id"] for page in pages for file in page["data"]] == fine_tune

    def ids(listed: dict[str, Any]) -> list[str]:
        return [file["id"] for file in listed["data"]]

    assert (typed["total"], ids(typed)) == (2, [added[2].id, added[1].id])
    assert (searched["total"], ids(searched)) == (3, [added[5].id, added[1].id, added[0].id])
    assert (pdfs["total"], ids(pdfs)) == (1, [added[4].id])
    assert (elsewhere["object"], elsewhere["total"], elsewhere["data"]) == ("list", 0, [])
    assert (untotalled["total"], ids(untotalled)) == (None, newest[2:4])
    assert (everything["object"], everything["total"]) == ("list", len(added))
    assert everything["data"] == [
        file_as_sdk_parses(to_wire(classifierjobs.files[file_id])) for file_id in newest
    ]
    assert classifierjobs.routes["files.list"].call_count == len(queries)


def test_download_gives_the_bytes_and_delete_forgets_the_file(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    stored = classifierjobs.add_file(SENTIMENT_ROWS, filename="train.jsonl")
    content = classifierjobs.file_content(stored.id)
    other = classifierjobs.add_file(b"kept\n", filename="other.jsonl").id

    steps = typescript_sdk.run(classifierjobs_server, "file_lifecycle", {"fileId": stored.id})

    assert base64.b64decode(ok(steps["download"])["base64"]) == content
    assert ok(steps["delete"]) == {"id": stored.id, "object": "file", "deleted": True}
    for step in ("retrieveAfterDelete", "downloadAfterDelete", "signedUrlAfterDelete"):
        assert_file_not_found(steps[step])
    assert_file_not_found(steps["deleteAgain"])
    assert steps["retrieveAfterDelete"]["error"]["message"] == (
        f"API error occurred: Status 404. Body: {json.dumps(FILE_NOT_FOUND, separators=(',', ':'))}"
    )
    assert list(classifierjobs.files) == [other]
    assert classifierjobs.file_content(other) == b"kept\n"
    assert classifierjobs.routes["files.download"].call_count == 2
    assert classifierjobs.routes["files.delete"].call_count == 2


# The link expires `expiry` hours after the moment it is signed, on the fake's clock: frozen,
# that moment is known here, whenever the Node.js process gets to sign it.
@pytest.mark.classifierjobs(frozen_at="2025-04-16T14:45:06Z")
@pytest.mark.parametrize("expiry", [None, 2], ids=["default expiry", "expiry=2"])
def test_retrieve_and_a_signed_link_give_the_file(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
    expiry: int | None,
) -> None:
    stored = classifierjobs.add_file(SENTIMENT_ROWS, filename="train.jsonl")
    content = classifierjobs.file_content(stored.id)
    assert classifierjobs.file_store.clock is classifierjobs.clock
    moment = classifierjobs.clock.now() + (24 if expiry is None else expiry) * 3600
    data = {"fileId": stored.id} if expiry is None else {"fileId": stored.id, "expiry": expiry}

    steps = typescript_sdk.run(classifierjobs_server, "file_lifecycle", data)

    assert ok(steps["retrieve"]) == {**file_as_sdk_parses(to_wire(stored)), "deleted": False}
    url = urllib.parse.urlsplit(ok(steps["signedUrl"])["url"])
    assert f"{url.scheme}://{url.netloc}" == classifierjobs_server.url
    assert url.path == f"/blobs/{stored.id}"
    query = urllib.parse.parse_qsl(url.query)
    assert [name for name, _ in query] == ["se", "sp", "sig"]
    (_, se), (_, sp), (_, sig) = query
    expires = dt.datetime.fromtimestamp(moment, tz=dt.timezone.utc)
    assert (se, sp) == (f"{expires:%Y-%m-%dT%H:%M:%SZ}", "r")
    assert se.startswith("2025-04-1")
    assert SIGNATURE.fullmatch(sig), sig
    # Fetched with plain fetch, without the SDK and without a key.
    fetched = steps["fetchSigned"]
    assert (fetched["status"], fetched["contentType"]) == (200, "application/octet-stream")
    assert base64.b64decode(fetched["base64"]) == content
    # Once the file is deleted, the link gets 403, as a storage service answers it.
    gone = steps["fetchSignedAfterDelete"]
    assert (gone["status"], gone["contentType"]) == (403, "application/json")
    assert json.loads(base64.b64decode(gone["base64"])) == {
        "detail": "This link is not valid: it was altered, it expired, or its file is gone."
    }
    assert classifierjobs.routes["files.retrieve"].call_count == 2
    assert classifierjobs.routes["files.get_signed_url"].call_count == 2
    assert classifierjobs.routes["files.signed_download"].call_count == 2


def test_an_uploaded_dataset_gives_the_job_its_classifier_targets(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    content = jsonl(SENTIMENT_ROWS)
    request = create_request(autoStart=True)
    del request["trainingFiles"]  # the scenario names the uploaded file

    outcome = typescript_sdk.run(
        classifierjobs_server,
        "upload_and_train",
        {"file": upload_of(content, "reviews.jsonl"), "request": request, "maxPolls": MAX_POLLS},
    )

    uploaded, created, job = ok(outcome["uploaded"]), ok(outcome["created"]), ok(outcome["last"])
    assert (uploaded["filename"], uploaded["purpose"]) == ("reviews.jsonl", "fine-tune")
    assert classifierjobs.file_content(uploaded["id"]) == content
    assert created["trainingFiles"] == [uploaded["id"]]
    assert outcome["seen"] == ["VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS"]
    assert job["id"] == created["id"]
    assert job["trainingFiles"] == [uploaded["id"]]
    # Targets in the order their keys first appear, labels in the order they first appear.
    assert job["classifierTargets"] == [
        {
            "name": "sentiment",
            "labels": ["positive", "negative", "neutral"],
            "weight": 1,
            "lossFunction": "single_class",
        },
        {
            "name": "topics",
            "labels": ["service", "shipping", "price"],
            "weight": 1,
            "lossFunction": "multi_class",
        },
    ]
    # data_tokens: each row's bytes at three a token, rounded up per row.
    lines = content.splitlines()
    assert job["metadata"]["dataTokens"] == sum(math.ceil(len(line) / 3) for line in lines)
    assert FINE_TUNED_MODEL.fullmatch(job["fineTunedModel"]) is not None, job["fineTunedModel"]
    stored = classifierjobs.jobs[job["id"]]
    assert stored.status is S.SUCCESS
    assert job == as_sdk_parses(to_wire(stored))


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            jsonl(SENTIMENT_ROWS[:2]) + b"not json\n" + jsonl(SENTIMENT_ROWS[2:]),
            "1 of 5 samples are invalid, 0% may be skipped (invalid_sample_skip_percentage); "
            "reviews.jsonl, line 3: not a JSON object (the data must be JSON Lines)",
        ),
        (
            jsonl([{"text": "fine", "labels": {"sentiment": "positive"}}] * 3),
            "target 'sentiment' has a single label ('positive') in the training data; "
            "a classifier needs at least two labels per target",
        ),
        (
            jsonl([{"text": "fine", "labels": {"sentiment": 1}}, *SENTIMENT_ROWS]),
            "1 of 5 samples are invalid, 0% may be skipped (invalid_sample_skip_percentage); "
            "reviews.jsonl, line 1: the label of target 'sentiment' is 1; "
            "expected a label (a string) or a list of labels",
        ),
        (
            b"",
            "0 of 0 samples are invalid, 0% may be skipped (invalid_sample_skip_percentage); "
            "reviews.jsonl: no sample (the file is empty)",
        ),
    ],
    ids=["a line that is no JSON", "a single label", "a label that is a number", "empty"],
)
def test_malformed_uploaded_data_fails_validation(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
    content: bytes,
    error: str,
) -> None:
    request = create_request(autoStart=True)
    del request["trainingFiles"]

    outcome = typescript_sdk.run(
        classifierjobs_server,
        "upload_and_train",
        {"file": upload_of(content, "reviews.jsonl"), "request": request, "maxPolls": MAX_POLLS},
    )

    uploaded, created, job = ok(outcome["uploaded"]), ok(outcome["created"]), ok(outcome["last"])
    assert uploaded["sizeBytes"] == len(content)
    assert outcome["seen"] == ["VALIDATING", "FAILED_VALIDATION"]
    assert (job["id"], job["status"]) == (created["id"], "FAILED_VALIDATION")
    assert job["fineTunedModel"] is None
    assert job["checkpoints"] == []
    events = [event["data"]["status"] for event in job["events"]]
    assert events == ["QUEUED", "VALIDATING", "FAILED_VALIDATION"]
    assert job["events"][-1]["data"] == {"status": "FAILED_VALIDATION", "error": error}
    stored = classifierjobs.jobs[job["id"]]
    assert stored.status is S.FAILED_VALIDATION
    assert job == as_sdk_parses(to_wire(stored))


# --- the models and classification ---------------------------------------------------------------

BASE_IDS = ["ministral-3b-2410", "ministral-8b-2410"]
LABELS = ["positive", "neutral", "negative"]
SENTIMENT = {"sentiment": LABELS}
NEVER_MADE = "ft:classifier:ministral-3b-latest:0badc0de:20250101:00000000"
ANSWER_ID = re.compile(r"[0-9a-f]{32}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def model_not_found(model_id: str) -> dict[str, Any]:
    return {
        "object": "error",
        "message": f"Model not found: {model_id}",
        "type": "model_not_found",
        "param": None,
        "code": "3040",
    }


def invalid_model(model_id: str) -> dict[str, Any]:
    return {
        "object": "error",
        "message": f"Invalid model: {model_id}",
        "type": "invalid_model",
        "param": None,
        "code": "1500",
        "raw_status_code": 400,
    }


def sdk_error(outcome: dict[str, Any]) -> tuple[int, Any]:
    """The status and the JSON body of an SDKError (a call that should have failed)."""
    assert "error" in outcome, outcome["ok"]
    error = outcome["error"]
    assert (error["name"], error["isSDKError"]) == ("SDKError", True), error
    assert error["contentType"] == "application/json"
    return error["statusCode"], json.loads(error["body"])


def card_as_sdk_parses(card: FTModelCard) -> Any:
    return as_sdk_parses(to_wire(card))


def newest_models_first(cards: Sequence[FTModelCard]) -> list[str]:
    """The ids of ``cards`` (in the order they were added) in the order a list gives them."""
    order = sorted(enumerate(cards), key=lambda pair: (pair[1].created, pair[0]), reverse=True)
    return [card.id for _, card in order]


def conversation(*texts: str) -> dict[str, Any]:
    """A conversation alternating user and assistant messages, the user's first."""
    roles = ["user", "assistant"]
    return {"messages": [{"role": roles[i % 2], "content": text} for i, text in enumerate(texts)]}


def scores_of(answer: dict[str, Any], target: str = "sentiment") -> list[dict[str, float]]:
    """Each result's scores of ``target``, in input order (each result has that target only)."""
    assert ANSWER_ID.fullmatch(answer["id"]), answer["id"]
    assert all(list(result) == [target] for result in answer["results"]), answer["results"]
    return [result[target]["scores"] for result in answer["results"]]


def assert_drawn(scores: dict[str, float], labels: Sequence[str]) -> None:
    """Drawn scores: every label in the target's order, each in [0, 1], summing to 1."""
    assert list(scores) == list(labels)
    assert all(0 <= value <= 1 for value in scores.values()), scores
    assert math.isclose(math.fsum(scores.values()), 1, abs_tol=1e-9), scores


def winner(scores: dict[str, float]) -> str:
    return max(scores, key=scores.__getitem__)


def test_models_list_has_the_base_cards_then_the_fine_tuned_ones_and_each_is_retrieved(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    added = classifierjobs.add_model(targets=SENTIMENT)
    trained = classifierjobs.add(status=S.SUCCESS)  # a job in SUCCESS comes with its model
    archived = classifierjobs.add_model(targets=SENTIMENT, name="old", archived=True)
    assert trained.fine_tuned_model is not None
    cards = [added, classifierjobs.models[trained.fine_tuned_model], archived]
    model_ids = [card.id for card in cards]

    answers = typescript_sdk.run(
        classifierjobs_server,
        "models_list_and_retrieve",
        {"modelIds": [*model_ids, MODEL, NEVER_MADE]},
    )

    listed = ok(answers["list"])
    assert listed["object"] == "list"
    assert "total" not in listed
    base, fine_tuned = listed["data"][:2], listed["data"][2:]
    assert [card["id"] for card in base] == BASE_IDS
    for card in base:
        assert (card["type"], card["ownedBy"], card["object"]) == ("base", "mistralai", "model")
        assert card["capabilities"]["fineTuning"] is True
        assert card["capabilities"]["classification"] is False
        assert {"job", "root", "archived"}.isdisjoint(card)
    assert [card["aliases"] for card in base] == [["ministral-3b-latest"], ["ministral-8b-latest"]]
    assert [card["id"] for card in fine_tuned] == newest_models_first(cards)
    by_id = {card["id"]: card for card in fine_tuned}
    assert [
        (c["type"], c["job"], c["root"], c["capabilities"]["classification"], c["archived"])
        for c in (by_id[model_id] for model_id in model_ids)
    ] == [
        ("fine-tuned", added.job, MODEL, True, False),
        ("fine-tuned", trained.id, trained.model, True, False),
        ("fine-tuned", archived.job, MODEL, True, True),
    ]
    assert by_id[archived.id]["name"] == "old"
    assert FINE_TUNED_MODEL.fullmatch(added.id) is not None, added.id
    for model_id in model_ids:
        assert by_id[model_id] == card_as_sdk_parses(classifierjobs.models[model_id])
        # The SDK percent-encodes the id's colons in the path; the card is the listed one.
        assert ok(answers["retrieved"][model_id]) == by_id[model_id]
    # A base model by its alias: the card of the version it names.
    assert ok(answers["retrieved"][MODEL]) == base[0]
    assert sdk_error(answers["retrieved"][NEVER_MADE]) == (404, model_not_found(NEVER_MADE))
    assert classifierjobs.routes["models.list"].call_count == 1
    assert classifierjobs.routes["models.retrieve"].call_count == len(model_ids) + 2


def test_a_model_is_updated_archived_unarchived_and_deleted(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    targets = [
        ClassifierTargetOut(
            name="sentiment", labels=LABELS, weight=1.0, loss_function="single_class"
        ),
        ClassifierTargetOut(
            name="topics", labels=["delivery", "price"], weight=0.5, loss_function="multi_class"
        ),
    ]
    model = classifierjobs.add_model(targets=targets)
    update = {"name": "sentiment-v1", "description": "Reviews, by tone and topic"}

    steps = typescript_sdk.run(
        classifierjobs_server,
        "model_lifecycle",
        {"modelId": model.id, "update": update, "baseModel": MODEL},
    )

    updated = ok(steps["update"])
    assert (updated["id"], updated["object"], updated["modelType"]) == (
        model.id,
        "model",
        "classifier",
    )
    assert (updated["name"], updated["description"]) == (update["name"], update["description"])
    assert isinstance(updated["workspaceId"], str)
    assert UUID.fullmatch(updated["workspaceId"]), updated["workspaceId"]
    assert (updated["root"], updated["rootVersion"]) == (MODEL, "2410")
    assert (updated["job"], updated["archived"], updated["ownedBy"]) == (
        model.job,
        False,
        model.owned_by,
    )
    assert updated["classifierTargets"] == [
        {"name": "sentiment", "labels": LABELS, "weight": 1, "lossFunction": "single_class"},
        {
            "name": "topics",
            "labels": ["delivery", "price"],
            "weight": 0.5,
            "lossFunction": "multi_class",
        },
    ]
    assert updated["classifierTargets"] == [as_sdk_parses(to_wire(t)) for t in targets]
    assert updated["capabilities"] == {
        "completionChat": False,
        "completionFim": False,
        "functionCalling": False,
        "fineTuning": False,
        "classification": True,
    }
    retrieved = ok(steps["retrieveUpdated"])
    assert (retrieved["type"], retrieved["name"], retrieved["description"]) == (
        "fine-tuned",
        update["name"],
        update["description"],
    )
    assert ok(steps["archive"]) == {"id": model.id, "object": "model", "archived": True}
    (listed,) = [c for c in ok(steps["listArchived"])["data"] if c["id"] == model.id]
    assert listed["archived"] is True
    # An archived model keeps classifying, each target's scores in the order of its labels.
    (still,) = ok(steps["classifyArchived"])["results"]
    assert list(still) == ["sentiment", "topics"]
    assert_drawn(still["sentiment"]["scores"], LABELS)
    assert_drawn(still["topics"]["scores"], ["delivery", "price"])  # multi_class: normalized too
    assert ok(steps["unarchive"]) == {"id": model.id, "object": "model", "archived": False}
    assert ok(steps["retrieveUnarchived"])["archived"] is False
    assert ok(steps["delete"]) == {"id": model.id, "object": "model", "deleted": True}
    for step in ("retrieveAfterDelete", "updateAfterDelete", "archiveAfterDelete", "deleteAgain"):
        assert sdk_error(steps[step]) == (404, model_not_found(model.id)), step
    assert steps["retrieveAfterDelete"]["error"]["message"] == (
        "API error occurred: Status 404\n"  # a body over 100 characters goes on its own line
        f"Body: {json.dumps(model_not_found(model.id), separators=(',', ':'))}"
    )
    assert sdk_error(steps["classifyAfterDelete"]) == (400, invalid_model(model.id))
    assert [card["id"] for card in ok(steps["listAfterDelete"])["data"]] == BASE_IDS
    status, body = sdk_error(steps["deleteBase"])
    assert status == 403
    assert list(body) == ["detail"]
    assert "base model" in body["detail"]
    assert dict(classifierjobs.models) == {}
    assert classifierjobs.jobs[model.job].fine_tuned_model == model.id  # the job stays
    calls = {
        operation: classifierjobs.routes[operation].call_count
        for operation in (
            "models.list",
            "models.retrieve",
            "models.delete",
            "models.update",
            "models.archive",
            "models.unarchive",
            "classifiers.classify",
            "classifiers.classify_chat",
        )
    }
    assert calls == {
        "models.list": 2,
        "models.retrieve": 3,
        "models.delete": 3,
        "models.update": 2,
        "models.archive": 2,
        "models.unarchive": 1,
        "classifiers.classify": 2,
        "classifiers.classify_chat": 0,
    }


def test_classify_texts_and_conversations_with_drawn_and_set_scores(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)
    fixed = {"positive": 0.1, "neutral": 0.2, "negative": 0.7}
    classifierjobs.set_scores(
        model.id,
        {
            "Awful delivery": {"sentiment": fixed},  # every score, as given
            "Where is my parcel?": {"sentiment": "negative"},  # the winner; scores drawn
        },
    )
    texts = ["Great value", "Awful delivery", "It arrived"]
    asking = conversation("Hello", "Hi! How can I help?", "Where is my parcel?")
    thanks, awful = conversation("Thanks a lot"), conversation("Hi", "Hello", "Awful delivery")
    # The SDK lets a call's headers replace its own: as text/plain, the body is no JSON object.
    not_json = {"headers": {"content-type": "text/plain"}}
    calls = [
        {"chat": False, "model": model.id, "inputs": texts},
        {"chat": False, "model": model.id, "inputs": "Great value"},
        {"chat": True, "model": model.id, "inputs": asking},
        {"chat": True, "model": model.id, "inputs": [thanks, awful]},
        {"chat": False, "model": MODEL, "inputs": "Great value"},
        {"chat": True, "model": MODEL, "inputs": thanks},
        {"chat": False, "model": model.id, "inputs": "Great value", **not_json},
        {"chat": True, "model": model.id, "inputs": thanks, **not_json},
    ]

    answers = typescript_sdk.run(classifierjobs_server, "classify_texts_and_chat", {"calls": calls})

    listed, single, chat, chats = (ok(answer) for answer in answers[:4])
    assert {answer["model"] for answer in (listed, single, chat, chats)} == {model.id}
    great, bad, arrived = scores_of(listed)
    assert_drawn(great, LABELS)
    assert_drawn(arrived, LABELS)
    assert bad == fixed
    assert list(bad) == LABELS
    assert scores_of(single) == [great]  # drawn scores are the same for the same text
    (parcel,) = scores_of(chat)
    assert_drawn(parcel, LABELS)
    assert winner(parcel) == "negative"
    # Matched by the last message's text: a conversation ending in "Awful delivery".
    thanked, awful_chat = scores_of(chats)
    assert_drawn(thanked, LABELS)
    assert awful_chat == fixed
    for answer in answers[4:6]:
        assert sdk_error(answer) == (400, invalid_model(MODEL))
    for answer in answers[6:]:
        error = answer["error"]
        assert (error["name"], error["isHTTPValidationError"]) == ("HTTPValidationError", True)
        assert (error["statusCode"], error["contentType"]) == (422, "application/json")
        (problem,) = error["detail"]
        assert (problem["loc"], problem["type"]) == (["body"], "model_attributes_type")
        assert json.loads(error["body"])["detail"][0]["loc"] == ["body"]
    assert classifierjobs.routes["classifiers.classify"].call_count == 4
    assert classifierjobs.routes["classifiers.classify_chat"].call_count == 4


def test_a_model_trained_from_typescript_classifies_then_is_deleted(
    typescript_sdk: TypeScriptSDK,
    classifierjobs_server: LiveServer,
    classifierjobs: ClassifierJobsMock,
) -> None:
    rows = [
        {"text": "Très bien, merci", "labels": {"sentiment": "positive"}},
        {"text": "Awful delivery", "labels": {"sentiment": "negative"}},
        {"text": "It arrived", "labels": {"sentiment": "neutral"}},
        {"text": "Great value", "labels": {"sentiment": "positive"}},
    ]
    trained_labels = ["positive", "negative", "neutral"]  # in the order they first appear
    request = create_request(autoStart=False)
    del request["trainingFiles"]  # the scenario names the uploaded file

    outcome = typescript_sdk.run(
        classifierjobs_server,
        "train_then_classify",
        {
            "file": upload_of(jsonl(rows), "reviews.jsonl"),
            "request": request,
            "maxPolls": MAX_POLLS,
            "inputs": ["Lovely", "Broken on arrival"],
            "conversation": conversation("Is it any good?"),
        },
    )

    uploaded, created, job = ok(outcome["uploaded"]), ok(outcome["created"]), ok(outcome["last"])
    assert outcome["seen"] == ["VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"]
    assert ok(outcome["started"])["status"] == "QUEUED"
    assert (job["id"], job["status"], job["trainingFiles"]) == (
        created["id"],
        "SUCCESS",
        [uploaded["id"]],
    )
    assert job["classifierTargets"] == [
        {
            "name": "sentiment",
            "labels": trained_labels,
            "weight": 1,
            "lossFunction": "single_class",
        }
    ]
    model_id = job["fineTunedModel"]
    assert FINE_TUNED_MODEL.fullmatch(model_id) is not None, model_id
    listed = ok(outcome["listed"])["data"]
    assert [card["id"] for card in listed] == [*BASE_IDS, model_id]
    card = outcome["card"]
    assert (card["type"], card["job"], card["root"], card["archived"]) == (
        "fine-tuned",
        job["id"],
        MODEL,
        False,
    )
    assert card["capabilities"]["classification"] is True
    for answer in (ok(outcome["classified"]), ok(outcome["classifiedChat"])):
        assert answer["model"] == model_id
        for scores in scores_of(answer):
            assert_drawn(scores, trained_labels)
    assert len(ok(outcome["classified"])["results"]) == 2
    assert ok(outcome["deleteModel"]) == {"id": model_id, "object": "model", "deleted": True}
    assert ok(outcome["deleteFile"]) == {"id": uploaded["id"], "object": "file", "deleted": True}
    assert [card["id"] for card in ok(outcome["listAfterDelete"])["data"]] == BASE_IDS
    assert sdk_error(outcome["classifyAfterDelete"]) == (400, invalid_model(model_id))
    assert dict(classifierjobs.models) == {}
    assert list(classifierjobs.files) == []
    stored = classifierjobs.jobs[job["id"]]  # the job outlives its model and its file
    assert (stored.status, stored.fine_tuned_model) == (S.SUCCESS, model_id)
    assert classifierjobs.routes["files.upload"].call_count == 1
    assert classifierjobs.routes["models.list"].call_count == 2
    assert classifierjobs.routes["models.delete"].call_count == 1
    assert classifierjobs.routes["classifiers.classify"].call_count == 2
    assert classifierjobs.routes["classifiers.classify_chat"].call_count == 1


# --- the harness itself ---------------------------------------------------------------------------


def test_an_unknown_scenario_fails_with_nodes_message(
    typescript_sdk: TypeScriptSDK, classifierjobs_server: LiveServer
) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"unknown scenario \"nope\"; known: create"):
        typescript_sdk.run(classifierjobs_server, "nope", {})


def test_missing_node_or_npm_skips_saying_which(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "npm" else name)

    with pytest.raises(
        pytest.skip.Exception, match=r"need Node\.js and npm: npm not found on PATH"
    ):
        _node_and_npm()


# A stand-in for npm: `python -c FAKE_NPM <behaviour> install --prefix <folder> ...`.
FAKE_NPM = """
import json, pathlib, sys, time
behaviour, prefix = sys.argv[1], sys.argv[sys.argv.index("--prefix") + 1]
print("npm", *sys.argv[2:], flush=True)
if behaviour == "fail":
    sys.exit("npm error 404 Not Found")
if behaviour == "hang":
    time.sleep(60)
package = pathlib.Path(prefix, "node_modules", "@mistralai", "mistralai")
package.mkdir(parents=True)
(package / "package.json").write_text(json.dumps({"version": behaviour}))
"""


def fake_npm(behaviour: str) -> list[str]:
    return [sys.executable, "-c", FAKE_NPM, behaviour]


@pytest.mark.parametrize(
    ("behaviour", "timeout", "message"),
    [
        ("fail", NPM_TIMEOUT, r"exited with 1; its output:\nnpm install .*\nnpm error 404"),
        ("hang", 0.5, r"did not finish in 0.5 s; its output:\n"),
        ("0.0.1", NPM_TIMEOUT, r"left @mistralai/mistralai 0.0.1 in "),
    ],
    ids=["npm fails", "npm hangs", "npm installs another version"],
)
def test_a_failed_install_fails_with_npms_output(
    tmp_path: Path, behaviour: str, timeout: float, message: str
) -> None:
    folder = tmp_path / "typescript-sdk"

    with pytest.raises(pytest.fail.Exception, match=message):
        install_sdk(folder, fake_npm(behaviour), timeout=timeout)

    # No staging folder is left behind (a complete install of another version may be).
    assert {path.name for path in tmp_path.iterdir()} <= {"typescript-sdk"}


def test_an_install_replaces_another_version_and_is_then_kept(tmp_path: Path) -> None:
    folder = tmp_path / "typescript-sdk"
    stale = folder / "node_modules" / "@mistralai" / "mistralai"
    stale.mkdir(parents=True)
    (stale / "package.json").write_text('{"version": "1.0.0"}')
    (folder / "package-lock.json").touch()
    assert installed_version(folder) == "1.0.0"

    install_sdk(folder, fake_npm(SDK_VERSION), timeout=NPM_TIMEOUT)
    install_sdk(folder, fake_npm("fail"), timeout=NPM_TIMEOUT)  # kept: npm is not run

    assert installed_version(folder) == SDK_VERSION
    assert sorted(path.name for path in folder.iterdir()) == ["node_modules", "npm-install.log"]
    assert [path.name for path in tmp_path.iterdir()] == ["typescript-sdk"]
