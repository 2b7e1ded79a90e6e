"""The wire format: every field of every model, strict reading, and every error message in full."""

import copy
import importlib.util
import json
import math
import pickle
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from pytest_classifierjobs.models import (
    ArchiveFTModelOut,
    BaseModelCard,
    CheckpointOut,
    ClassificationResponse,
    ClassificationTargetResult,
    ClassifierDetailedJobOut,
    ClassifierFTModelOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersIn,
    DeleteFileOut,
    DeleteModelOut,
    EventOut,
    FileSignedURL,
    FTModelCapabilitiesOut,
    FTModelCard,
    JobIn,
    JobMetadataOut,
    JobsOut,
    LegacyJobMetadataOut,
    ListFilesOut,
    MetricOut,
    ModelCapabilities,
    ModelList,
    RetrieveFileOut,
    TrainingFile,
    UnarchiveFTModelOut,
    UploadFileOut,
    WandbIntegration,
    WandbIntegrationOut,
)
from pytest_classifierjobs.models import classification as classification_models
from pytest_classifierjobs.models import files as files_models
from pytest_classifierjobs.models import fine_tuned as fine_tuned_models
from pytest_classifierjobs.wire import WireFormatError, from_wire, to_wire

S = ClassifierJobOutStatus
NAN = float("nan")
INF = float("inf")
# The contract's OpenAPI fragments, schema only (tests/data/README.md says where they come from).
DATA = Path(__file__).resolve().parent / "data"
OPENAPI = DATA / "mistral-jobs-openapi-fragment.json"
WORKFLOW_OPENAPI = DATA / "mistral-workflow-openapi-fragment.json"
TEN_STATUSES = (
    "one of 'QUEUED', 'STARTED', 'VALIDATING', 'VALIDATED', 'RUNNING', 'FAILED_VALIDATION', "
    "'FAILED', 'SUCCESS', 'CANCELLED', 'CANCELLATION_REQUESTED'"
)


def untyped(value: object) -> Any:
    """A value deliberately of the wrong type for the field it is put in."""
    return value


def exactly(message: str) -> str:
    """A pattern for pytest.raises(match=...) that matches this whole message and nothing else."""
    return rf"\A{re.escape(message)}\Z"


def typed(value: object) -> object:
    """The value with the type of every leaf: == alone says 1 == 1.0 == True."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return loaded


_DELETE = object()


def changed(wire: dict[str, Any], path: str, value: object = _DELETE) -> dict[str, Any]:
    """A deep copy of ``wire`` with the value at ``path`` (``"events.2.created_at"``) replaced."""
    data = copy.deepcopy(wire)
    *parents, last = path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[int(last) if isinstance(target, list) else last] = value
    return data


# --- every model with every field set, and its wire form written out by hand -----------------

HYPERPARAMETERS = ClassifierTrainingParameters(
    training_steps=100,
    learning_rate=4e-05,
    weight_decay=0.2,
    warmup_fraction=0.1,
    epochs=47.5,
    seq_len=16384,
)
HYPERPARAMETERS_WIRE = {
    "training_steps": 100,
    "learning_rate": 4e-05,
    "weight_decay": 0.2,
    "warmup_fraction": 0.1,
    "epochs": 47.5,
    "seq_len": 16384,
}
METADATA = JobMetadataOut(
    expected_duration_seconds=400,
    cost=3.28,
    cost_currency="EUR",
    train_tokens_per_step=65536,
    train_tokens=6553600,
    data_tokens=137274,
    estimated_start_time=1744815000,
)
METADATA_WIRE = {
    "expected_duration_seconds": 400,
    "cost": 3.28,
    "cost_currency": "EUR",
    "train_tokens_per_step": 65536,
    "train_tokens": 6553600,
    "data_tokens": 137274,
    "estimated_start_time": 1744815000,
}
WANDB_OUT = WandbIntegrationOut(
    project="intent-classifier", name="intent", run_name="run-1", url="https://wandb.ai/r/1"
)
WANDB_OUT_WIRE = {
    "type": "wandb",
    "project": "intent-classifier",
    "name": "intent",
    "run_name": "run-1",
    "url": "https://wandb.ai/r/1",
}
TARGET_OUT = ClassifierTargetOut(
    name="intent", labels=["email", "social_post"], weight=1.0, loss_function="single_class"
)
TARGET_OUT_WIRE = {
    "name": "intent",
    "labels": ["email", "social_post"],
    "weight": 1.0,
    "loss_function": "single_class",
}
METRIC = MetricOut(train_loss=0.25, valid_loss=0.5, valid_mean_token_accuracy=0.875)
METRIC_WIRE = {"train_loss": 0.25, "valid_loss": 0.5, "valid_mean_token_accuracy": 0.875}
CHECKPOINT = CheckpointOut(metrics=METRIC, step_number=10, created_at=1744815100)
CHECKPOINT_WIRE = {"metrics": METRIC_WIRE, "step_number": 10, "created_at": 1744815100}
EVENTS = [
    EventOut(name="status-updated", created_at=1744814706, data={"status": "QUEUED"}),
    EventOut(name="status-updated", created_at=1744814709, data={"status": "RUNNING"}),
    EventOut(name="note", created_at=1744814710, data={"nested": {"list": [1, 2.5, None, True]}}),
]
EVENTS_WIRE = [
    {"name": "status-updated", "created_at": 1744814706, "data": {"status": "QUEUED"}},
    {"name": "status-updated", "created_at": 1744814709, "data": {"status": "RUNNING"}},
    {"name": "note", "created_at": 1744814710, "data": {"nested": {"list": [1, 2.5, None, True]}}},
]
JOB_FIELDS: dict[str, Any] = {
    "id": "db22ea7e-1895-4309-92d9-9ac881b1b117",
    "auto_start": True,
    "model": "ministral-3b-latest",
    "status": S.SUCCESS,
    "created_at": 1744814706,
    "modified_at": 1744815709,
    "training_files": ["c36d490e-d2f8-4f98-9679-1c55625e09d5"],
    "hyperparameters": HYPERPARAMETERS,
    "validation_files": ["4b62db5b-47b8-42fb-a782-89457766cff7"],
    "fine_tuned_model": "ft:classifier:ministral-3b-latest:0123abcd:20250416:db22ea7e",
    "suffix": "intent",
    "integrations": [WANDB_OUT],
    "trained_tokens": 6553600,
    "metadata": METADATA,
}
JOB = ClassifierJobOut(**JOB_FIELDS)
JOB_WIRE: dict[str, Any] = {
    "id": "db22ea7e-1895-4309-92d9-9ac881b1b117",
    "object": "job",
    "job_type": "classifier",
    "auto_start": True,
    "model": "ministral-3b-latest",
    "status": "SUCCESS",
    "created_at": 1744814706,
    "modified_at": 1744815709,
    "training_files": ["c36d490e-d2f8-4f98-9679-1c55625e09d5"],
    "hyperparameters": HYPERPARAMETERS_WIRE,
    "validation_files": ["4b62db5b-47b8-42fb-a782-89457766cff7"],
    "fine_tuned_model": "ft:classifier:ministral-3b-latest:0123abcd:20250416:db22ea7e",
    "suffix": "intent",
    "integrations": [WANDB_OUT_WIRE],
    "trained_tokens": 6553600,
    "metadata": METADATA_WIRE,
}
DETAILED = ClassifierDetailedJobOut(
    **JOB_FIELDS, classifier_targets=[TARGET_OUT], events=EVENTS, checkpoints=[CHECKPOINT]
)
DETAILED_WIRE: dict[str, Any] = {
    **JOB_WIRE,
    "classifier_targets": [TARGET_OUT_WIRE],
    "events": EVENTS_WIRE,
    "checkpoints": [CHECKPOINT_WIRE],
}
JOBS = JobsOut(total=12, data=[JOB])
JOBS_WIRE = {"object": "list", "total": 12, "data": [JOB_WIRE]}
LEGACY = LegacyJobMetadataOut(
    details="dry run",
    expected_duration_seconds=400,
    cost=3.28,
    cost_currency="EUR",
    train_tokens_per_step=65536,
    train_tokens=6553600,
    data_tokens=137274,
    estimated_start_time=1744815000,
    deprecated=False,
    epochs=2.5,
    training_steps=100,
)
LEGACY_WIRE = {
    "object": "job.metadata",
    "details": "dry run",
    "expected_duration_seconds": 400,
    "cost": 3.28,
    "cost_currency": "EUR",
    "train_tokens_per_step": 65536,
    "train_tokens": 6553600,
    "data_tokens": 137274,
    "estimated_start_time": 1744815000,
    "deprecated": False,
    "epochs": 2.5,
    "training_steps": 100,
}
TRAINING_FILE = TrainingFile(file_id="c36d490e-d2f8-4f98-9679-1c55625e09d5", weight=0.5)
TRAINING_FILE_WIRE = {"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 0.5}
PARAMETERS_IN = ClassifierTrainingParametersIn(
    training_steps=10,
    learning_rate=0.001,
    weight_decay=0.0,
    warmup_fraction=0.5,
    epochs=3.0,
    seq_len=100,
)
PARAMETERS_IN_WIRE = {
    "training_steps": 10,
    "learning_rate": 0.001,
    "weight_decay": 0.0,
    "warmup_fraction": 0.5,
    "epochs": 3.0,
    "seq_len": 100,
}
TARGET_IN = ClassifierTargetIn(
    name="topics", labels=["a", "b"], weight=2.0, loss_function="multi_class"
)
TARGET_IN_WIRE = {
    "name": "topics",
    "labels": ["a", "b"],
    "weight": 2.0,
    "loss_function": "multi_class",
}
WANDB_IN = WandbIntegration(project="p", api_key="k" * 40, name="n", run_name="r")
WANDB_IN_WIRE = {"type": "wandb", "project": "p", "api_key": "k" * 40, "name": "n", "run_name": "r"}
JOB_IN = JobIn(
    model="ministral-3b-latest",
    hyperparameters=PARAMETERS_IN,
    training_files=[TRAINING_FILE],
    validation_files=["4b62db5b-47b8-42fb-a782-89457766cff7"],
    suffix="intent",
    integrations=[WANDB_IN],
    auto_start=False,
    invalid_sample_skip_percentage=0.25,
    job_type="classifier",
    classifier_targets=[TARGET_IN],
)
JOB_IN_WIRE = {
    "model": "ministral-3b-latest",
    "hyperparameters": PARAMETERS_IN_WIRE,
    "training_files": [TRAINING_FILE_WIRE],
    "validation_files": ["4b62db5b-47b8-42fb-a782-89457766cff7"],
    "suffix": "intent",
    "integrations": [WANDB_IN_WIRE],
    "auto_start": False,
    "invalid_sample_skip_percentage": 0.25,
    "job_type": "classifier",
    "classifier_targets": [TARGET_IN_WIRE],
}

FULL = [
    pytest.param(CHECKPOINT, CHECKPOINT_WIRE, id="CheckpointOut"),
    pytest.param(DETAILED, DETAILED_WIRE, id="ClassifierDetailedJobOut"),
    pytest.param(JOB, JOB_WIRE, id="ClassifierJobOut"),
    pytest.param(TARGET_IN, TARGET_IN_WIRE, id="ClassifierTargetIn"),
    pytest.param(TARGET_OUT, TARGET_OUT_WIRE, id="ClassifierTargetOut"),
    pytest.param(HYPERPARAMETERS, HYPERPARAMETERS_WIRE, id="ClassifierTrainingParameters"),
    pytest.param(PARAMETERS_IN, PARAMETERS_IN_WIRE, id="ClassifierTrainingParametersIn"),
    pytest.param(EVENTS[2], EVENTS_WIRE[2], id="EventOut"),
    pytest.param(JOB_IN, JOB_IN_WIRE, id="JobIn"),
    pytest.param(METADATA, METADATA_WIRE, id="JobMetadataOut"),
    pytest.param(JOBS, JOBS_WIRE, id="JobsOut"),
    pytest.param(LEGACY, LEGACY_WIRE, id="LegacyJobMetadataOut"),
    pytest.param(METRIC, METRIC_WIRE, id="MetricOut"),
    pytest.param(TRAINING_FILE, TRAINING_FILE_WIRE, id="TrainingFile"),
    pytest.param(WANDB_IN, WANDB_IN_WIRE, id="WandbIntegration"),
    pytest.param(WANDB_OUT, WANDB_OUT_WIRE, id="WandbIntegrationOut"),
]

# Only the required fields given: every default, constant and null is still on the wire.
MINIMAL_JOB_FIELDS: dict[str, Any] = {
    "id": "0f6e2a2c-0000-4000-8000-000000000000",
    "auto_start": False,
    "model": "ministral-3b-latest",
    "status": S.QUEUED,
    "created_at": 1,
    "modified_at": 2,
    "training_files": [],
    "hyperparameters": ClassifierTrainingParameters(),
}
NULL_HYPERPARAMETERS_WIRE = {
    "training_steps": None,
    "learning_rate": 0.0001,
    "weight_decay": 0.1,
    "warmup_fraction": 0.05,
    "epochs": None,
    "seq_len": None,
}
MINIMAL_JOB_WIRE: dict[str, Any] = {
    "id": "0f6e2a2c-0000-4000-8000-000000000000",
    "object": "job",
    "job_type": "classifier",
    "auto_start": False,
    "model": "ministral-3b-latest",
    "status": "QUEUED",
    "created_at": 1,
    "modified_at": 2,
    "training_files": [],
    "hyperparameters": NULL_HYPERPARAMETERS_WIRE,
    "validation_files": [],
    "fine_tuned_model": None,
    "suffix": None,
    "integrations": None,
    "trained_tokens": None,
    "metadata": None,
}
MINIMAL = [
    pytest.param(
        ClassifierTrainingParameters(), NULL_HYPERPARAMETERS_WIRE, id="ClassifierTrainingParameters"
    ),
    pytest.param(
        JobMetadataOut(),
        {
            "expected_duration_seconds": None,
            "cost": None,
            "cost_currency": None,
            "train_tokens_per_step": None,
            "train_tokens": None,
            "data_tokens": None,
            "estimated_start_time": None,
        },
        id="JobMetadataOut",
    ),
    pytest.param(
        WandbIntegrationOut(project="p"),
        {"type": "wandb", "project": "p", "name": None, "run_name": None, "url": None},
        id="WandbIntegrationOut",
    ),
    pytest.param(
        MetricOut(),
        {"train_loss": None, "valid_loss": None, "valid_mean_token_accuracy": None},
        id="MetricOut",
    ),
    pytest.param(
        EventOut(name="created", created_at=1),
        {"name": "created", "created_at": 1, "data": None},
        id="EventOut",
    ),
    pytest.param(ClassifierJobOut(**MINIMAL_JOB_FIELDS), MINIMAL_JOB_WIRE, id="ClassifierJobOut"),
    pytest.param(
        ClassifierDetailedJobOut(**MINIMAL_JOB_FIELDS, classifier_targets=[]),
        {**MINIMAL_JOB_WIRE, "classifier_targets": [], "events": [], "checkpoints": []},
        id="ClassifierDetailedJobOut",
    ),
    pytest.param(JobsOut(total=0), {"object": "list", "total": 0, "data": []}, id="JobsOut"),
    pytest.param(
        LegacyJobMetadataOut(details="d"),
        {
            "object": "job.metadata",
            "details": "d",
            "expected_duration_seconds": None,
            "cost": None,
            "cost_currency": None,
            "train_tokens_per_step": None,
            "train_tokens": None,
            "data_tokens": None,
            "estimated_start_time": None,
            "deprecated": True,
            "epochs": None,
            "training_steps": None,
        },
        id="LegacyJobMetadataOut",
    ),
    pytest.param(TrainingFile(file_id="f"), {"file_id": "f", "weight": 1.0}, id="TrainingFile"),
    pytest.param(
        ClassifierTrainingParametersIn(),
        NULL_HYPERPARAMETERS_WIRE,
        id="ClassifierTrainingParametersIn",
    ),
    pytest.param(
        ClassifierTargetIn(name="t", labels=["x"]),
        {"name": "t", "labels": ["x"], "weight": 1.0, "loss_function": None},
        id="ClassifierTargetIn",
    ),
    pytest.param(
        WandbIntegration(project="p", api_key="k" * 40),
        {"type": "wandb", "project": "p", "api_key": "k" * 40, "name": None, "run_name": None},
        id="WandbIntegration",
    ),
    pytest.param(
        JobIn(model="m", hyperparameters=ClassifierTrainingParametersIn()),
        {
            "model": "m",
            "hyperparameters": NULL_HYPERPARAMETERS_WIRE,
            "training_files": [],
            "validation_files": None,
            "suffix": None,
            "integrations": None,
            "auto_start": None,
            "invalid_sample_skip_percentage": 0.0,
            "job_type": None,
            "classifier_targets": None,
        },
        id="JobIn",
    ),
]


# --- to_wire ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("instance", "wire"), FULL)
def test_to_wire_writes_every_field_with_its_json_type(
    instance: object, wire: dict[str, Any]
) -> None:
    assert typed(to_wire(instance)) == typed(wire)


@pytest.mark.parametrize(("instance", "wire"), MINIMAL)
def test_to_wire_writes_defaults_constants_and_nulls(
    instance: object, wire: dict[str, Any]
) -> None:
    assert typed(to_wire(instance)) == typed(wire)


@pytest.fixture(scope="module")
def openapi_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = json.loads(OPENAPI.read_text())["components"]["schemas"]
    return schemas


@pytest.mark.parametrize(("instance", "wire"), FULL)
def test_wire_keys_are_the_openapi_properties(
    openapi_schemas: dict[str, Any], instance: object, wire: dict[str, Any]
) -> None:
    properties = set(openapi_schemas[type(instance).__name__]["properties"])
    keys = set(to_wire(instance))
    assert keys == set(wire)
    if isinstance(instance, JobIn):
        # GitHub repositories are for completion jobs only; this package does not model them.
        assert properties - keys == {"repositories"}
        assert keys <= properties
    else:
        assert keys == properties


# Every model of the workflow around the jobs, with the schema of the workflow fragment whose
# properties it must write (a field left at its default or null is written too).
UPLOADED = UploadFileOut(
    id="22e2e88f-167d-4f3d-982a-add977a54ec3",
    bytes=3002783,
    created_at=1756464781,
    filename="train.jsonl",
    purpose="fine-tune",
    sample_type="pretrain",
    source="upload",
    num_lines=180,
    mimetype="application/jsonl",
    signature="c9c620dd9a277e39e6f2e980f3b7ebf2",
)
CAPABILITIES = ModelCapabilities(classification=True)
FT_CARD = FTModelCard(
    id="ft:classifier:ministral-3b-latest:0123abcd:20250416:db22ea7e",
    created=1744814706,
    owned_by="0123abcd",
    capabilities=CAPABILITIES,
    name="sentiment",
    description="tickets by mood",
    aliases=["sentiment-v1"],
    deprecation="2026-07-15T00:00:00Z",
    deprecation_replacement_model="ministral-3b-latest",
    default_model_temperature=0.3,
    job="db22ea7e-0000-4000-8000-000000000000",
    root="ministral-3b-latest",
    archived=True,
)
BASE_CARD = BaseModelCard(
    id="ministral-3b-2410",
    created=1729000000,
    capabilities=ModelCapabilities(completion_chat=True, fine_tuning=True),
    name="Ministral 3B",
    description="a small model",
    aliases=["ministral-3b-latest"],
    deprecation="2026-07-15T00:00:00Z",
    deprecation_replacement_model="ministral-8b-latest",
    default_model_temperature=0.3,
)
TARGET_RESULT = ClassificationTargetResult(scores={"positive": 0.9, "negative": 0.1})
WORKFLOW_MODELS = [
    pytest.param(UPLOADED, "UploadFileOut", id="UploadFileOut"),
    pytest.param(UPLOADED, "FileSchema", id="UploadFileOut-as-FileSchema"),  # a listed file
    pytest.param(
        RetrieveFileOut(
            **{a.name: getattr(UPLOADED, a.name) for a in attrs.fields(UploadFileOut) if a.init}
        ),
        "RetrieveFileOut",
        id="RetrieveFileOut",
    ),
    pytest.param(ListFilesOut(data=[UPLOADED], total=1), "ListFilesOut", id="ListFilesOut"),
    pytest.param(DeleteFileOut(id=UPLOADED.id), "DeleteFileOut", id="DeleteFileOut"),
    pytest.param(
        FileSignedURL(url="https://files.example/x?sig=1"), "FileSignedURL", id="FileSignedURL"
    ),
    pytest.param(CAPABILITIES, "ModelCapabilities", id="ModelCapabilities"),
    pytest.param(BASE_CARD, "BaseModelCard", id="BaseModelCard"),
    pytest.param(FT_CARD, "FTModelCard", id="FTModelCard"),
    pytest.param(ModelList(data=[BASE_CARD, FT_CARD]), "ModelList", id="ModelList"),
    pytest.param(DeleteModelOut(id=FT_CARD.id), "DeleteModelOut", id="DeleteModelOut"),
    pytest.param(
        FTModelCapabilitiesOut(completion_chat=False, classification=True),
        "FTModelCapabilitiesOut",
        id="FTModelCapabilitiesOut",
    ),
    pytest.param(
        ClassifierFTModelOut(
            id=FT_CARD.id,
            created=FT_CARD.created,
            owned_by=FT_CARD.owned_by,
            workspace_id="8d8d8d8d-0000-4000-8000-000000000000",
            root=FT_CARD.root,
            root_version="2410",
            archived=False,
            name="sentiment",
            description="tickets by mood",
            capabilities=FTModelCapabilitiesOut(completion_chat=False, classification=True),
            aliases=["sentiment-v1"],
            job=FT_CARD.job,
            classifier_targets=[TARGET_OUT],
        ),
        "ClassifierFTModelOut",
        id="ClassifierFTModelOut",
    ),
    pytest.param(TARGET_OUT, "ClassifierTargetOut", id="ClassifierTargetOut"),
    pytest.param(ArchiveFTModelOut(id=FT_CARD.id), "ArchiveFTModelOut", id="ArchiveFTModelOut"),
    pytest.param(
        UnarchiveFTModelOut(id=FT_CARD.id), "UnarchiveFTModelOut", id="UnarchiveFTModelOut"
    ),
    pytest.param(TARGET_RESULT, "ClassificationTargetResult", id="ClassificationTargetResult"),
    pytest.param(
        ClassificationResponse(
            id="4c521c6507674c7da7fb8c2fa78bf8ae",
            model=FT_CARD.id,
            results=[{"sentiment": TARGET_RESULT}],
        ),
        "ClassificationResponse",
        id="ClassificationResponse",
    ),
]
# Properties of the spec that the fake does not write: a file's ``expires_at`` and ``visibility``
# are in the spec only; the recorded real answers have neither and mistralai 1.12.4 ignores both
# (reference/mistral-workflow-api.md, section 1, "Response UploadFileOut").
SPEC_ONLY = {
    "UploadFileOut": {"expires_at", "visibility"},
    "FileSchema": {"expires_at", "visibility"},
    "RetrieveFileOut": {"expires_at", "visibility"},
}


@pytest.fixture(scope="module")
def workflow_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = json.loads(WORKFLOW_OPENAPI.read_text())["components"]["schemas"]
    return schemas


@pytest.mark.parametrize(("instance", "schema"), WORKFLOW_MODELS)
def test_workflow_wire_keys_are_the_openapi_properties(
    workflow_schemas: dict[str, Any], instance: object, schema: str
) -> None:
    properties = set(workflow_schemas[schema]["properties"])
    keys = set(to_wire(instance))
    assert keys <= properties, f"not in the spec's {schema}: {sorted(keys - properties)}"
    assert properties - keys == SPEC_ONLY.get(schema, set())


def test_every_workflow_model_is_checked_against_the_spec() -> None:
    modules = (files_models, fine_tuned_models, classification_models)
    exported = {name for module in modules for name in module.__all__}
    checked = {type(param.values[0]).__name__ for param in WORKFLOW_MODELS}
    assert exported <= checked, f"not checked against the spec: {sorted(exported - checked)}"


def _strip_prose() -> Any:
    spec = importlib.util.spec_from_file_location("strip_prose", DATA / "strip_prose.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.strip


@pytest.mark.parametrize("fragment", [OPENAPI, WORKFLOW_OPENAPI], ids=lambda path: path.name)
def test_the_fragments_are_schema_only(fragment: Path) -> None:
    document = json.loads(fragment.read_text(encoding="utf-8"))
    assert _strip_prose()(document) == document, f"{fragment.name} holds prose: strip it"
    assert document["paths"]
    assert document["components"]["schemas"]


def test_stripping_keeps_names_data_and_the_response_descriptions() -> None:
    strip = _strip_prose()
    document = {
        "info": {"title": "t", "version": "1", "description": "prose"},
        "paths": {
            "/x": {
                "get": {
                    "summary": "prose",
                    "responses": {"200": {"description": "OK", "content": {}}},
                }
            }
        },
        "components": {
            "schemas": {
                "Card": {
                    "description": "prose",
                    "properties": {
                        "description": {"type": "string", "description": "prose"},
                        "meta": {"default": {"description": "data"}, "examples": [1]},
                    },
                }
            }
        },
    }
    assert strip(document) == {
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "OK", "content": {}}}}}},
        "components": {
            "schemas": {
                "Card": {
                    "properties": {
                        "description": {"type": "string"},
                        "meta": {"default": {"description": "data"}},
                    }
                }
            }
        },
    }


@pytest.mark.parametrize("status", list(S), ids=str)
def test_a_status_goes_on_the_wire_as_a_plain_str(status: S) -> None:
    wire = to_wire(attrs.evolve(DETAILED, status=status))
    assert type(wire["status"]) is str
    assert wire["status"] == status.value
    assert through_json(wire) == wire


def test_a_plain_str_status_is_written_like_the_member() -> None:
    wire = to_wire(attrs.evolve(JOB, status=untyped("RUNNING")))
    assert typed(wire["status"]) == ("str", "RUNNING")


def test_jobs_out_data_items_are_written_in_the_short_form() -> None:
    # A detailed job in a list is written as the list operation returns it; what only the
    # detailed form has is not even looked at (this NaN never reaches the wire).
    hidden_nan = attrs.evolve(
        DETAILED, checkpoints=[attrs.evolve(CHECKPOINT, metrics=MetricOut(train_loss=NAN))]
    )
    wire = to_wire(JobsOut(total=1, data=[hidden_nan]))
    assert typed(wire) == typed({"object": "list", "total": 1, "data": [JOB_WIRE]})


def test_ints_in_float_fields_are_written_as_floats() -> None:
    hyperparameters = ClassifierTrainingParameters(learning_rate=1, epochs=3)
    assert typed(to_wire(hyperparameters)) == typed(
        {**NULL_HYPERPARAMETERS_WIRE, "learning_rate": 1.0, "epochs": 3.0}
    )
    assert typed(to_wire(TrainingFile(file_id="f", weight=2))) == typed(
        {"file_id": "f", "weight": 2.0}
    )


def test_a_str_enum_in_event_data_is_written_as_a_plain_str() -> None:
    event = EventOut(name="status-updated", created_at=1, data={"status": S.CANCELLED})
    assert typed(to_wire(event)) == typed(
        {"name": "status-updated", "created_at": 1, "data": {"status": "CANCELLED"}}
    )


def test_to_wire_returns_fresh_containers() -> None:
    wire = to_wire(DETAILED)
    wire["training_files"].append("x")
    wire["events"][0]["data"]["status"] = "changed"
    wire["classifier_targets"][0]["labels"].clear()
    assert DETAILED.training_files == ["c36d490e-d2f8-4f98-9679-1c55625e09d5"]
    assert DETAILED.events[0].data == {"status": "QUEUED"}
    assert DETAILED.classifier_targets[0].labels == ["email", "social_post"]


def test_to_wire_refuses_what_is_not_a_model() -> None:
    with pytest.raises(
        TypeError,
        match=exactly(
            "to_wire() writes the wire models (ArchiveFTModelOut, BaseModelCard, CheckpointOut, "
            "ClassificationResponse, ClassificationTargetResult, ClassifierDetailedJobOut, "
            "ClassifierFTModelOut, ClassifierJobOut, ClassifierTargetIn, ClassifierTargetOut, "
            "ClassifierTrainingParameters, ClassifierTrainingParametersIn, DeleteFileOut, "
            "DeleteModelOut, EventOut, FTModelCapabilitiesOut, FTModelCard, FileSignedURL, "
            "JobIn, JobMetadataOut, JobsOut, LegacyJobMetadataOut, ListFilesOut, MetricOut, "
            "ModelCapabilities, ModelList, RetrieveFileOut, TrainingFile, UnarchiveFTModelOut, "
            "UploadFileOut, WandbIntegration, WandbIntegrationOut), not dict"
        ),
    ):
        to_wire(DETAILED_WIRE)


def _with_metadata(**fields: Any) -> ClassifierDetailedJobOut:
    return attrs.evolve(DETAILED, metadata=attrs.evolve(METADATA, **fields))


TO_WIRE_ERRORS = [
    pytest.param(
        _with_metadata(cost=NAN),
        "ClassifierDetailedJobOut",
        "$.metadata.cost: expected a finite number, got float nan",
        id="nan-optional-float",
    ),
    pytest.param(
        attrs.evolve(DETAILED, hyperparameters=ClassifierTrainingParameters(learning_rate=INF)),
        "ClassifierDetailedJobOut",
        "$.hyperparameters.learning_rate: expected a finite number, got float inf",
        id="infinite-float",
    ),
    pytest.param(
        attrs.evolve(
            DETAILED,
            checkpoints=[
                CHECKPOINT,
                CheckpointOut(metrics=MetricOut(valid_loss=-INF), step_number=1, created_at=1),
            ],
        ),
        "ClassifierDetailedJobOut",
        "$.checkpoints[1].metrics.valid_loss: expected a finite number, got float -inf",
        id="minus-infinity-in-a-list",
    ),
    pytest.param(
        attrs.evolve(DETAILED, events=[EventOut(name="n", created_at=1, data={"x": [1, NAN]})]),
        "ClassifierDetailedJobOut",
        "$.events[0].data.x[1]: expected a finite number, got float nan",
        id="nan-in-event-data",
    ),
    pytest.param(
        JobsOut(total=1, data=[attrs.evolve(JOB, metadata=JobMetadataOut(cost=NAN))]),
        "JobsOut",
        "$.data[0].metadata.cost: expected a finite number, got float nan",
        id="nan-in-a-listed-job",
    ),
    pytest.param(
        attrs.evolve(JOB_IN, invalid_sample_skip_percentage=NAN),
        "JobIn",
        "$.invalid_sample_skip_percentage: expected a finite number, got float nan",
        id="nan-in-a-request",
    ),
    pytest.param(
        MetricOut(train_loss=untyped(True)),
        "MetricOut",
        "$.train_loss: expected a number, got bool True",
        id="bool-for-optional-float",
    ),
    pytest.param(
        TrainingFile(file_id="f", weight=untyped("1")),
        "TrainingFile",
        "$.weight: expected a number, got str '1'",
        id="str-for-float",
    ),
    pytest.param(
        attrs.evolve(JOB, metadata=untyped({"cost": 1.0})),
        "ClassifierJobOut",
        "$.metadata: expected a JobMetadataOut instance, got dict {'cost': 1.0}",
        id="dict-for-model",
    ),
    pytest.param(
        attrs.evolve(JOB, integrations=[untyped({"project": "p"})]),
        "ClassifierJobOut",
        "$.integrations[0]: expected a WandbIntegrationOut instance, got dict {'project': 'p'}",
        id="dict-in-a-list-of-models",
    ),
    pytest.param(
        attrs.evolve(JOB, training_files=untyped("abc")),
        "ClassifierJobOut",
        "$.training_files: expected a list, got str 'abc'",
        id="str-for-list",
    ),
    pytest.param(
        attrs.evolve(DETAILED, checkpoints=untyped((CHECKPOINT,))),
        "ClassifierDetailedJobOut",
        "$.checkpoints: expected a list, got tuple (CheckpointOut(metrics=MetricOut(trai...",
        id="tuple-for-list",
    ),
    pytest.param(
        EventOut(name="n", created_at=1, data={"tags": {"a"}}),
        "EventOut",
        "$.data.tags: expected a JSON value, got set {'a'}",
        id="set-in-event-data",
    ),
    pytest.param(
        EventOut(name="n", created_at=1, data=untyped({1: "x"})),
        "EventOut",
        "$.data: expected string keys, got key int 1",
        id="int-key-in-event-data",
    ),
    pytest.param(
        EventOut(name="n", created_at=1, data=untyped([1])),
        "EventOut",
        "$.data: expected a JSON object, got list [1]",
        id="list-for-event-data",
    ),
]


@pytest.mark.parametrize(("instance", "name", "line"), TO_WIRE_ERRORS)
def test_to_wire_names_what_cannot_go_on_the_wire(instance: object, name: str, line: str) -> None:
    message = f"cannot put this {name} on the wire, 1 problem:\n  {line}"
    with pytest.raises(WireFormatError, match=exactly(message)) as caught:
        to_wire(instance)
    assert caught.value.cls is type(instance)
    assert caught.value.operation == "to_wire"
    assert len(caught.value.errors) == 1


def test_to_wire_lists_every_problem_once_one_is_found() -> None:
    # The fast path stops at the first bad value; the message still names all of them, the
    # wrongly typed int field included.
    job = attrs.evolve(
        DETAILED,
        created_at=untyped("yesterday"),
        metadata=JobMetadataOut(cost=NAN),
        events=[EventOut(name="n", created_at=1, data={"s": {1}})],
    )
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot put this ClassifierDetailedJobOut on the wire, 3 problems:\n"
            "  $.created_at: expected an integer, got str 'yesterday'\n"
            "  $.metadata.cost: expected a finite number, got float nan\n"
            "  $.events[0].data.s: expected a JSON value, got set {1}"
        ),
    ) as caught:
        to_wire(job)
    assert caught.value.errors == (
        ("$.created_at", "expected an integer, got str 'yesterday'"),
        ("$.metadata.cost", "expected a finite number, got float nan"),
        ("$.events[0].data.s", "expected a JSON value, got set {1}"),
    )


# --- from_wire -------------------------------------------------------------------------------


@pytest.mark.parametrize(("instance", "wire"), [*FULL, *MINIMAL])
def test_from_wire_reads_the_wire_form(instance: object, wire: dict[str, Any]) -> None:
    assert from_wire(type(instance), wire) == instance


@pytest.mark.parametrize(("instance", "wire"), [*FULL, *MINIMAL])
def test_round_trip_through_json_text(instance: object, wire: dict[str, Any]) -> None:
    text = json.dumps(to_wire(instance), allow_nan=False)
    assert json.loads(text) == wire
    assert from_wire(type(instance), json.loads(text)) == instance


@pytest.mark.parametrize("status", list(S), ids=str)
@pytest.mark.parametrize(
    "base", [pytest.param(JOB, id="short"), pytest.param(DETAILED, id="detailed")]
)
def test_round_trip_in_every_status(base: ClassifierJobOut, status: S) -> None:
    job = attrs.evolve(base, status=status)
    assert from_wire(type(job), to_wire(job)) == job


def test_a_detailed_job_in_a_list_comes_back_in_the_short_form() -> None:
    assert from_wire(JobsOut, to_wire(JobsOut(total=1, data=[DETAILED]))) == JobsOut(
        total=1, data=[DETAILED.summary()]
    )


def test_the_contracts_sample_response_reads_and_writes_back_unchanged() -> None:
    # reference/mistral-jobs-api.md section 2, "Example bodies": a detailed job at VALIDATED.
    sample = json.loads("""
    {"id":"db22ea7e-1895-4309-92d9-9ac881b1b117","object":"job","job_type":"classifier",
     "auto_start":false,"model":"ministral-3b-latest","status":"VALIDATED",
     "created_at":1744814706,"modified_at":1744814709,
     "training_files":["c36d490e-d2f8-4f98-9679-1c55625e09d5"],
     "validation_files":["4b62db5b-47b8-42fb-a782-89457766cff7"],
     "hyperparameters":{"training_steps":100,"learning_rate":4e-05,"weight_decay":0.1,
                        "warmup_fraction":0.05,"epochs":47.74101432172152,"seq_len":16384},
     "classifier_targets":[{"name":"intent","labels":["social_post","email_sendemail","..."],
                            "weight":1.0,"loss_function":"single_class"}],
     "fine_tuned_model":null,"suffix":null,
     "integrations":[{"type":"wandb","project":"intent-classifier","name":null,
                      "run_name":null,"url":null}],
     "trained_tokens":null,
     "metadata":{"expected_duration_seconds":400,"cost":3.28,"cost_currency":"EUR",
                 "train_tokens_per_step":65536,"train_tokens":6553600,"data_tokens":137274,
                 "estimated_start_time":null},
     "events":[{"name":"status-updated","created_at":1744814706,"data":{"status":"QUEUED"}},
               {"name":"status-updated","created_at":1744814709,"data":{"status":"VALIDATING"}},
               {"name":"status-updated","created_at":1744814709,"data":{"status":"VALIDATED"}}],
     "checkpoints":[]}
    """)
    job = from_wire(ClassifierDetailedJobOut, sample)
    assert job.status is S.VALIDATED
    assert typed(to_wire(job)) == typed(sample)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {
                "model": "m",
                "hyperparameters": {"learning_rate": 0.0001},
                "invalid_sample_skip_percentage": 0.0,
            },
            JobIn(model="m", hyperparameters=ClassifierTrainingParametersIn()),
            id="minimal-call",
        ),
        pytest.param(
            {
                "model": "ministral-3b-latest",
                "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
                "training_files": [{"file_id": "f", "weight": 1.0}],
                "validation_files": None,
                "auto_start": False,
                "invalid_sample_skip_percentage": 0.0,
                "job_type": "classifier",
            },
            JobIn(
                model="ministral-3b-latest",
                hyperparameters=ClassifierTrainingParametersIn(training_steps=10),
                training_files=[TrainingFile(file_id="f")],
                auto_start=False,
                job_type="classifier",
            ),
            id="example-call",
        ),
    ],
)
def test_from_wire_reads_the_bodies_the_sdk_sends(body: dict[str, Any], expected: JobIn) -> None:
    # reference/mistral-jobs-api.md section 1.3: what the SDK's create() puts on the wire.
    assert from_wire(JobIn, body) == expected


def test_an_int_for_a_float_field_is_read_as_a_float() -> None:
    metric = from_wire(MetricOut, {"train_loss": 1, "valid_loss": 0})
    assert typed(attrs.asdict(metric)) == typed(
        {"train_loss": 1.0, "valid_loss": 0.0, "valid_mean_token_accuracy": None}
    )


def test_unknown_keys_are_ignored() -> None:
    wire = {
        **DETAILED_WIRE,
        "repositories": None,
        "hyperparameters": {**HYPERPARAMETERS_WIRE, "fim_ratio": 0.9},
        "future_field": {"anything": [1]},
    }
    assert from_wire(ClassifierDetailedJobOut, wire) == DETAILED


@pytest.mark.parametrize(
    ("instance", "wire"),
    [
        pytest.param(
            DETAILED,
            {k: v for k, v in DETAILED_WIRE.items() if k not in ("object", "job_type")},
            id="ClassifierDetailedJobOut",
        ),
        pytest.param(JOBS, {"total": 12, "data": [changed(JOB_WIRE, "object")]}, id="JobsOut"),
        pytest.param(LEGACY, changed(LEGACY_WIRE, "object"), id="LegacyJobMetadataOut"),
        pytest.param(WANDB_OUT, changed(WANDB_OUT_WIRE, "type"), id="WandbIntegrationOut"),
        pytest.param(WANDB_IN, changed(WANDB_IN_WIRE, "type"), id="WandbIntegration"),
    ],
)
def test_an_absent_constant_takes_its_default(instance: object, wire: dict[str, Any]) -> None:
    assert from_wire(type(instance), wire) == instance


def test_a_status_member_and_a_str_enum_in_free_data_are_read_as_given() -> None:
    # Python callers may hand over members where JSON has strings.
    data = {
        **JOB_WIRE,
        "status": S.FAILED,
    }
    assert from_wire(ClassifierJobOut, data).status is S.FAILED
    event = from_wire(EventOut, {"name": "n", "created_at": 1, "data": {"status": S.FAILED}})
    assert event.data is not None
    assert typed(event.data) == typed({"status": "FAILED"})


HEADS = {
    ClassifierDetailedJobOut: "cannot read a ClassifierDetailedJobOut from wire data, 1 problem:",
    JobsOut: "cannot read a JobsOut from wire data, 1 problem:",
    LegacyJobMetadataOut: "cannot read a LegacyJobMetadataOut from wire data, 1 problem:",
    JobIn: "cannot read a JobIn from wire data, 1 problem:",
    EventOut: "cannot read an EventOut from wire data, 1 problem:",
}
D = ClassifierDetailedJobOut
DW = DETAILED_WIRE

FROM_WIRE_ERRORS = [
    # wrong primitive types
    pytest.param(
        D,
        changed(DW, "hyperparameters.learning_rate", "0.1"),
        "$.hyperparameters.learning_rate: expected a number, got str '0.1'",
        id="str-for-float",
    ),
    pytest.param(
        D,
        changed(DW, "created_at", "1744814706"),
        "$.created_at: expected an integer, got str '1744814706'",
        id="str-for-int",
    ),
    pytest.param(
        D,
        changed(DW, "events.2.created_at", 1.5),
        "$.events[2].created_at: expected an integer, got float 1.5",
        id="fraction-for-int",
    ),
    pytest.param(
        D,
        changed(DW, "checkpoints.0.step_number", 10.0),
        "$.checkpoints[0].step_number: expected an integer, got float 10.0",
        id="whole-float-for-int",
    ),
    pytest.param(
        D,
        changed(DW, "trained_tokens", True),
        "$.trained_tokens: expected an integer, got bool True",
        id="bool-for-int",
    ),
    pytest.param(
        D,
        changed(DW, "metadata.cost", False),
        "$.metadata.cost: expected a number, got bool False",
        id="bool-for-float",
    ),
    pytest.param(
        D,
        changed(DW, "auto_start", 1),
        "$.auto_start: expected a boolean, got int 1",
        id="int-for-bool",
    ),
    pytest.param(
        D,
        changed(DW, "auto_start", "false"),
        "$.auto_start: expected a boolean, got str 'false'",
        id="str-for-bool",
    ),
    pytest.param(
        D, changed(DW, "id", None), "$.id: expected a string, got None", id="null-for-str"
    ),
    pytest.param(
        D, changed(DW, "model", 3), "$.model: expected a string, got int 3", id="int-for-str"
    ),
    pytest.param(
        D,
        changed(DW, "created_at", "x" * 50),
        "$.created_at: expected an integer, got str 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...",
        id="long-value-cut",
    ),
    # numbers JSON cannot hold
    pytest.param(
        D,
        changed(DW, "metadata.cost", NAN),
        "$.metadata.cost: expected a finite number, got float nan",
        id="nan",
    ),
    pytest.param(
        D,
        changed(DW, "hyperparameters.epochs", INF),
        "$.hyperparameters.epochs: expected a finite number, got float inf",
        id="infinity",
    ),
    pytest.param(
        D,
        changed(DW, "checkpoints.0.metrics.valid_loss", -INF),
        "$.checkpoints[0].metrics.valid_loss: expected a finite number, got float -inf",
        id="minus-infinity",
    ),
    pytest.param(
        D,
        changed(DW, "metadata.cost", 10**400),
        "$.metadata.cost: expected a finite number, got int "
        "1000000000000000000000000000000000000...",
        id="int-beyond-float",
    ),
    # lists
    pytest.param(
        D,
        changed(DW, "training_files", {"id": "f"}),
        "$.training_files: expected a list, got dict {'id': 'f'}",
        id="dict-for-list",
    ),
    pytest.param(
        D,
        changed(DW, "training_files", "abc"),
        "$.training_files: expected a list, got str 'abc'",
        id="str-for-list",
    ),
    pytest.param(
        D,
        changed(DW, "classifier_targets", "intent"),
        "$.classifier_targets: expected a list, got str 'intent'",
        id="str-for-list-of-objects",
    ),
    pytest.param(
        D,
        changed(DW, "validation_files", ("a",)),
        "$.validation_files: expected a list, got tuple ('a',)",
        id="tuple-for-list",
    ),
    pytest.param(
        D,
        changed(DW, "classifier_targets", None),
        "$.classifier_targets: expected a list, got None",
        id="null-for-required-list",
    ),
    pytest.param(
        D,
        changed(DW, "events", None),
        "$.events: expected a list, got None",
        id="null-for-optional-list",
    ),
    pytest.param(
        D,
        changed(DW, "training_files", ["c36d490e-d2f8-4f98-9679-1c55625e09d5", 5]),
        "$.training_files[1]: expected a string, got int 5",
        id="wrong-list-item",
    ),
    # enums, literals and constants
    pytest.param(
        D,
        changed(DW, "status", "DONE"),
        f"$.status: expected {TEN_STATUSES}, got str 'DONE'",
        id="unknown-status",
    ),
    pytest.param(
        D,
        changed(DW, "status", "success"),
        f"$.status: expected {TEN_STATUSES}, got str 'success'",
        id="lowercase-status",
    ),
    pytest.param(
        D,
        changed(DW, "status", None),
        f"$.status: expected {TEN_STATUSES}, got None",
        id="null-status",
    ),
    pytest.param(
        D,
        changed(DW, "classifier_targets.0.loss_function", "binary"),
        "$.classifier_targets[0].loss_function: expected one of 'single_class', 'multi_class', "
        "got str 'binary'",
        id="unknown-loss-function",
    ),
    pytest.param(
        JobIn,
        changed(JOB_IN_WIRE, "job_type", "regression"),
        "$.job_type: expected one of 'completion', 'classifier', got str 'regression'",
        id="unknown-job-type-in-a-request",
    ),
    pytest.param(
        D,
        changed(DW, "object", "list"),
        "$.object: expected 'job', got str 'list'",
        id="wrong-object",
    ),
    pytest.param(
        D, changed(DW, "object", 1), "$.object: expected 'job', got int 1", id="int-object"
    ),
    pytest.param(
        D,
        changed(DW, "job_type", "completion"),
        "$.job_type: expected 'classifier', got str 'completion'",
        id="completion-job-type",
    ),
    pytest.param(
        D,
        changed(DW, "job_type", None),
        "$.job_type: expected 'classifier', got None",
        id="null-job-type",
    ),
    pytest.param(
        D,
        changed(DW, "integrations.0.type", "github"),
        "$.integrations[0].type: expected 'wandb', got str 'github'",
        id="wrong-integration-type",
    ),
    pytest.param(
        JobIn,
        changed(JOB_IN_WIRE, "integrations.0.type", "github"),
        "$.integrations[0].type: expected 'wandb', got str 'github'",
        id="wrong-integration-type-in-a-request",
    ),
    pytest.param(
        JobsOut,
        changed(JOBS_WIRE, "object", "job"),
        "$.object: expected 'list', got str 'job'",
        id="wrong-list-object",
    ),
    pytest.param(
        JobsOut,
        changed(JOBS_WIRE, "data.0.job_type", "completion"),
        "$.data[0].job_type: expected 'classifier', got str 'completion'",
        id="completion-job-in-a-list",
    ),
    pytest.param(
        LegacyJobMetadataOut,
        changed(LEGACY_WIRE, "object", "job"),
        "$.object: expected 'job.metadata', got str 'job'",
        id="wrong-metadata-object",
    ),
    # missing fields
    pytest.param(D, changed(DW, "id"), "$.id: required field is missing", id="missing-id"),
    pytest.param(
        D,
        changed(DW, "classifier_targets"),
        "$.classifier_targets: required field is missing",
        id="missing-classifier-targets",
    ),
    pytest.param(
        D,
        changed(DW, "checkpoints.0.metrics"),
        "$.checkpoints[0].metrics: required field is missing",
        id="missing-nested-object",
    ),
    pytest.param(
        D,
        changed(DW, "events.1.name"),
        "$.events[1].name: required field is missing",
        id="missing-field-in-a-list-item",
    ),
    pytest.param(
        JobsOut,
        changed(JOBS_WIRE, "total"),
        "$.total: required field is missing",
        id="missing-total",
    ),
    pytest.param(
        JobIn,
        changed(JOB_IN_WIRE, "training_files.0.file_id"),
        "$.training_files[0].file_id: required field is missing",
        id="missing-file-id-in-a-request",
    ),
    # objects
    pytest.param(
        D, [], "$: expected a ClassifierDetailedJobOut object, got list []", id="list-at-the-top"
    ),
    pytest.param(JobsOut, None, "$: expected a JobsOut object, got None", id="null-at-the-top"),
    pytest.param(
        EventOut,
        '{"name": "n"}',
        '$: expected an EventOut object, got str \'{"name": "n"}\'',
        id="json-text-at-the-top",
    ),
    pytest.param(
        D,
        changed(DW, "hyperparameters", "x"),
        "$.hyperparameters: expected a ClassifierTrainingParameters object, got str 'x'",
        id="str-for-object",
    ),
    pytest.param(
        D,
        changed(DW, "metadata", []),
        "$.metadata: expected a JobMetadataOut object, got list []",
        id="list-for-object",
    ),
    pytest.param(
        JobsOut,
        changed(JOBS_WIRE, "data", [JOB_WIRE, 3]),
        "$.data[1]: expected a ClassifierJobOut object, got int 3",
        id="int-in-a-list-of-objects",
    ),
    pytest.param(
        JobIn,
        changed(JOB_IN_WIRE, "training_files", ["c36d490e-d2f8-4f98-9679-1c55625e09d5"]),
        "$.training_files[0]: expected a TrainingFile object, "
        "got str 'c36d490e-d2f8-4f98-9679-1c55625e09d5'",
        id="plain-file-id-in-a-request",
    ),
    # the free JSON object of an event
    pytest.param(
        D,
        changed(DW, "events.0.data", [1]),
        "$.events[0].data: expected a JSON object, got list [1]",
        id="list-for-event-data",
    ),
    pytest.param(
        D,
        changed(DW, "events.0.data", {1: "x"}),
        "$.events[0].data: expected string keys, got key int 1",
        id="int-key-in-event-data",
    ),
    pytest.param(
        D,
        changed(DW, "events.0.data", {"metrics": [0.5, NAN]}),
        "$.events[0].data.metrics[1]: expected a finite number, got float nan",
        id="nan-in-event-data",
    ),
    pytest.param(
        D,
        changed(DW, "events.0.data", {"odd key": {"tags": {1}}}),
        "$.events[0].data['odd key'].tags: expected a JSON value, got set {1}",
        id="set-in-event-data",
    ),
]


@pytest.mark.parametrize(("cls", "data", "line"), FROM_WIRE_ERRORS)
def test_from_wire_names_the_path_what_was_expected_and_what_was_found(
    cls: type[Any], data: object, line: str
) -> None:
    with pytest.raises(WireFormatError, match=exactly(f"{HEADS[cls]}\n  {line}")) as caught:
        from_wire(cls, data)
    path, message = line.split(": ", 1)
    assert caught.value.errors == ((path, message),)
    assert caught.value.cls is cls
    assert caught.value.operation == "from_wire"


def test_from_wire_lists_every_problem_in_field_order() -> None:
    data = copy.deepcopy(DETAILED_WIRE)
    data["object"] = "list"
    data["job_type"] = None
    data["hyperparameters"]["learning_rate"] = "0.1"
    data["events"][2]["created_at"] = 1.5
    data["status"] = "DONE"
    data["training_files"] = "abc"
    del data["id"]
    data["events"][1]["data"] = {"x": [1, NAN], 3: 4}
    # Nine lines for eight fields: the event data holds two problems of its own. The constants
    # stand where the object has them, not after the fields cattrs structured.
    message = (
        "cannot read a ClassifierDetailedJobOut from wire data, 9 problems:\n"
        "  $.id: required field is missing\n"
        f"  $.status: expected {TEN_STATUSES}, got str 'DONE'\n"
        "  $.training_files: expected a list, got str 'abc'\n"
        "  $.hyperparameters.learning_rate: expected a number, got str '0.1'\n"
        "  $.object: expected 'job', got str 'list'\n"
        "  $.job_type: expected 'classifier', got None\n"
        "  $.events[1].data.x[1]: expected a finite number, got float nan\n"
        "  $.events[1].data: expected string keys, got key int 3\n"
        "  $.events[2].created_at: expected an integer, got float 1.5"
    )
    with pytest.raises(WireFormatError, match=exactly(message)) as caught:
        from_wire(ClassifierDetailedJobOut, data)
    assert [path for path, _ in caught.value.errors] == [
        "$.id",
        "$.status",
        "$.training_files",
        "$.hyperparameters.learning_rate",
        "$.object",
        "$.job_type",
        "$.events[1].data.x[1]",
        "$.events[1].data",
        "$.events[2].created_at",
    ]


def test_a_wrong_constant_alone_is_reported() -> None:
    # No other field is wrong, so the generated code succeeds and the constant check alone fails.
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot read a WandbIntegrationOut from wire data, 1 problem:\n"
            "  $.type: expected 'wandb', got str 'github'"
        ),
    ):
        from_wire(WandbIntegrationOut, changed(WANDB_OUT_WIRE, "type", "github"))


@pytest.mark.platform_skip  # Python before 3.10.7 has no limit on the digits of an int
@pytest.mark.skipif(
    not hasattr(sys, "get_int_max_str_digits"), reason="ints have no repr limit here"
)
def test_a_number_too_long_to_show_is_named_by_its_type() -> None:
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot read a MetricOut from wire data, 1 problem:\n"
            "  $.train_loss: expected a finite number, got int <too long to show>"
        ),
    ):
        from_wire(MetricOut, {"train_loss": 10 ** (sys.get_int_max_str_digits() + 1)})


class _BrokenMapping(Mapping[str, Any]):
    """A mapping that fails to give its items, as a lazy proxy over a closed file might."""

    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        return iter(["cost"])

    def __len__(self) -> int:
        return 1


@pytest.mark.parametrize(
    ("cls", "data", "line"),
    [
        pytest.param(
            JobMetadataOut,
            _BrokenMapping(),
            "$: cannot be read: RuntimeError: boom",
            id="at-the-top",
        ),
        pytest.param(
            JobsOut,
            {"total": 1, "data": [_BrokenMapping()]},
            "$.data[0]: cannot be read: RuntimeError: boom",
            id="nested",
        ),
    ],
)
def test_a_mapping_that_cannot_be_read_is_reported(cls: type[Any], data: object, line: str) -> None:
    name = cls.__name__
    with pytest.raises(
        WireFormatError,
        match=exactly(f"cannot read a {name} from wire data, 1 problem:\n  {line}"),
    ):
        from_wire(cls, data)


def test_from_wire_refuses_what_is_not_a_model() -> None:
    with pytest.raises(
        TypeError,
        match=exactly(
            "from_wire() reads the wire models (ArchiveFTModelOut, BaseModelCard, CheckpointOut, "
            "ClassificationResponse, ClassificationTargetResult, ClassifierDetailedJobOut, "
            "ClassifierFTModelOut, ClassifierJobOut, ClassifierTargetIn, ClassifierTargetOut, "
            "ClassifierTrainingParameters, ClassifierTrainingParametersIn, DeleteFileOut, "
            "DeleteModelOut, EventOut, FTModelCapabilitiesOut, FTModelCard, FileSignedURL, "
            "JobIn, JobMetadataOut, JobsOut, LegacyJobMetadataOut, ListFilesOut, MetricOut, "
            "ModelCapabilities, ModelList, RetrieveFileOut, TrainingFile, UnarchiveFTModelOut, "
            "UploadFileOut, WandbIntegration, WandbIntegrationOut), not <class 'dict'>"
        ),
    ):
        from_wire(dict, {})


# --- the error type --------------------------------------------------------------------------


def test_wire_format_error_is_a_value_error_that_pickles() -> None:
    with pytest.raises(ValueError, match="expected a number") as caught:
        from_wire(MetricOut, {"train_loss": "0.5", "valid_loss": True})
    error = caught.value
    assert isinstance(error, WireFormatError)
    assert error.errors == (
        ("$.train_loss", "expected a number, got str '0.5'"),
        ("$.valid_loss", "expected a number, got bool True"),
    )
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is WireFormatError
    assert str(copied) == str(error)
    assert (copied.errors, copied.cls, copied.operation) == (error.errors, MetricOut, "from_wire")


def test_nothing_but_the_wire_error_escapes() -> None:
    # cattrs' exception groups and KeyError stay inside: the chain is cut as well.
    with pytest.raises(WireFormatError) as caught:
        from_wire(ClassifierDetailedJobOut, changed(DETAILED_WIRE, "id"))
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# --- the official SDK reads what to_wire writes ----------------------------------------------


@pytest.mark.sdk
@pytest.mark.parametrize("status", list(S), ids=str)
def test_the_sdk_reads_every_status_of_a_detailed_job(sdk: Any, status: S) -> None:
    job = attrs.evolve(DETAILED, status=status)
    parsed = sdk.ClassifierDetailedJobOut.model_validate(through_json(to_wire(job)))
    assert parsed.status == status.value
    assert parsed.job_type == "classifier"
    assert parsed.id == job.id
    assert [target.name for target in parsed.classifier_targets] == ["intent"]
    assert len(parsed.events) == 3
    assert len(parsed.checkpoints) == 1
    assert math.isclose(parsed.metadata.cost, 3.28)


@pytest.mark.sdk
@pytest.mark.parametrize(
    "job",
    [
        pytest.param(JOB, id="full"),
        pytest.param(ClassifierJobOut(**MINIMAL_JOB_FIELDS), id="minimal"),
    ],
)
def test_the_sdk_reads_a_short_job(sdk: Any, job: ClassifierJobOut) -> None:
    parsed = sdk.ClassifierJobOut.model_validate(through_json(to_wire(job)))
    assert parsed.status == job.status.value
    assert parsed.fine_tuned_model == job.fine_tuned_model


@pytest.mark.sdk
def test_the_sdk_reads_a_page_of_jobs_with_detailed_jobs_in_it(sdk: Any) -> None:
    page = JobsOut(total=2, data=[DETAILED, attrs.evolve(JOB, status=S.CANCELLED)])
    parsed = sdk.JobsOut.model_validate(through_json(to_wire(page)))
    assert parsed.total == 2
    assert all(isinstance(item, sdk.ClassifierJobOut) for item in parsed.data)
    assert [item.status for item in parsed.data] == ["SUCCESS", "CANCELLED"]
