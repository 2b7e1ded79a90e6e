"""The models and classifiers resources through the official mistralai SDK, sync and async.

One file for both SDK majors: the client and its errors are imported from where the installed
major keeps them (1.x ``mistralai`` and ``mistralai.models``, 2.x ``mistralai.client`` and
``mistralai.client.errors``), and ``classify_chat`` is called with the keyword the installed SDK
takes (1.x ``inputs``, 2.x ``input``). The ``client`` fixture is parametrized: each test that
takes it runs against the in-process fake (``classifierjobs``) and against the live server
(``classifierjobs_server``), both on the same store. The async tests run on anyio's pytest plugin
(anyio comes with httpx).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import json
import re
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from pytest_classifierjobs import ClassifierJobsMock, ClassifierTargetOut
from pytest_classifierjobs.server import LiveServer

# 2.x keeps the client under mistralai.client and its errors under mistralai.client.errors.
_MAJOR = int(importlib.metadata.version("mistralai").split(".", 1)[0])
Mistral: Any = importlib.import_module("mistralai.client" if _MAJOR >= 2 else "mistralai").Mistral
_ERRORS = importlib.import_module("mistralai.client.errors" if _MAJOR >= 2 else "mistralai.models")
SDKError: Any = _ERRORS.SDKError
HTTPValidationError: Any = _ERRORS.HTTPValidationError

pytestmark = pytest.mark.sdk

SEED = 20251203
API_KEY = "test-key"
MODEL = "ministral-3b-latest"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
BASE_IDS = ["ministral-3b-2410", "ministral-8b-2410"]
LABELS = ["positive", "neutral", "negative"]
SENTIMENT = {"sentiment": LABELS}
NEVER_MADE = "ft:classifier:ministral-3b-latest:0badc0de:20250101:00000000"
ANSWER_ID = re.compile(r"[0-9a-f]{32}")
MAX_POLLS = 20
TERMINAL = {"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"}
TOPICS = ClassifierTargetOut(
    name="topics", labels=["delivery", "price", "quality"], weight=1.0, loss_function="multi_class"
)
TONE = ClassifierTargetOut(
    name="tone", labels=["calm", "angry"], weight=1.0, loss_function="single_class"
)
SERVICE_UNAVAILABLE = {"detail": "Service Unavailable"}


def lines(*rows: dict[str, Any]) -> bytes:
    """Rows as JSON Lines."""
    return b"".join(json.dumps(one).encode() + b"\n" for one in rows)


def text_row(text: str, **labels: Any) -> dict[str, Any]:
    return {"text": text, "labels": labels}


# Labels in first-appearance order: sentiment positive, negative, neutral; topics (lists, so a
# multi_class target) price, delivery, quality.
TRAINING = lines(
    text_row("great and cheap", sentiment="positive", topics=["price"]),
    text_row("late and broken", sentiment="negative", topics=["delivery", "quality"]),
    text_row("it arrived", sentiment="neutral", topics=["delivery"]),
    text_row("pricey but superb", sentiment="positive", topics=["price", "quality"]),
)
TRAINED_TARGETS = [
    ("sentiment", ["positive", "negative", "neutral"], "single_class"),
    ("topics", ["price", "delivery", "quality"], "multi_class"),
]


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["in-process", "live"])
def root(request: pytest.FixtureRequest, classifierjobs: ClassifierJobsMock) -> str:
    """Where the SDK sends its requests: the fake's base URL, or the live server's."""
    if request.param == "live":
        server: LiveServer = request.getfixturevalue("classifierjobs_server")
        return server.url
    return classifierjobs.base_url


@pytest.fixture(scope="session")
def tls() -> ssl.SSLContext:
    """One TLS context for every client: building one per client costs more than a test."""
    return ssl.create_default_context()


@pytest.fixture
def client(root: str, classifierjobs: ClassifierJobsMock, tls: ssl.SSLContext) -> Iterator[Mistral]:
    """The SDK against the in-process fake (its default server) or the live server.

    Its httpx clients are the ones it would make, but for sharing ``tls``. This fixture closes
    the sync one; ``aclient`` closes the async one, which only the async tests open.
    """
    options = {} if root == classifierjobs.base_url else {"server_url": root}
    with httpx.Client(verify=tls) as http:
        yield Mistral(
            api_key=API_KEY, client=http, async_client=httpx.AsyncClient(verify=tls), **options
        )


@pytest.fixture
async def aclient(client: Mistral) -> AsyncIterator[Mistral]:
    """The same client for the async tests, which closes its async httpx client after them."""
    yield client
    await client.sdk_configuration.async_client.aclose()


@pytest.fixture
def model(classifierjobs: ClassifierJobsMock) -> Any:
    """A fine-tuned sentiment classifier (its FTModelCard)."""
    return classifierjobs.add_model(targets=SENTIMENT)


def chat_keyword(method: Callable[..., Any]) -> str:
    """The keyword of ``classify_chat``'s conversations: 1.x ``inputs``, 2.x ``input``."""
    return "input" if "input" in inspect.signature(method).parameters else "inputs"


def classify_chat(client: Mistral, model_id: str, conversations: Any, **options: Any) -> Any:
    method = client.classifiers.classify_chat
    return method(model=model_id, **{chat_keyword(method): conversations}, **options)


async def classify_chat_async(client: Mistral, model_id: str, conversations: Any) -> Any:
    method = client.classifiers.classify_chat_async
    return await method(model=model_id, **{chat_keyword(method): conversations})


def chat(*texts: str) -> dict[str, Any]:
    """A conversation alternating user and assistant messages, the user's first."""
    roles = ["user", "assistant"]
    return {"messages": [{"role": roles[i % 2], "content": text} for i, text in enumerate(texts)]}


def error_of(raised: pytest.ExceptionInfo[Any]) -> tuple[int, Any]:
    return raised.value.status_code, json.loads(raised.value.body)


def not_found(model_id: str) -> dict[str, Any]:
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


def scores(response: Any, target: str = "sentiment") -> list[dict[str, float]]:
    """Each result's scores of ``target``, in the order of the inputs."""
    return [dict(result[target].scores) for result in response.results]


def winner(target_scores: dict[str, float]) -> str:
    return max(target_scores, key=target_scores.__getitem__)


def fine_tuned_ids(listed: Any) -> list[str]:
    return [card.id for card in listed.data if card.type == "fine-tuned"]


def sent_body(fake: ClassifierJobsMock, operation: str) -> Any:
    """The JSON body of the last call of ``operation``, as the fake received it."""
    return json.loads(fake.routes[operation].calls.last.request.content)


def poll(client: Mistral, job_id: str, until: set[str]) -> Any:
    for _ in range(MAX_POLLS):
        job = client.fine_tuning.jobs.get(job_id=job_id)
        if job.status in until:
            return job
    raise AssertionError(f"job {job_id} still {job.status} after {MAX_POLLS} polls")


async def poll_async(client: Mistral, job_id: str, until: set[str]) -> Any:
    for _ in range(MAX_POLLS):
        job = await client.fine_tuning.jobs.get_async(job_id=job_id)
        if job.status in until:
            return job
    raise AssertionError(f"job {job_id} still {job.status} after {MAX_POLLS} polls")


def create_job(client: Mistral, file_id: str) -> Any:
    return client.fine_tuning.jobs.create(
        model=MODEL,
        job_type="classifier",
        hyperparameters={"training_steps": 10},
        training_files=[{"file_id": file_id, "weight": 1.0}],
        auto_start=False,
    )


def targets_of(job_or_model: Any) -> list[tuple[str, list[str], str]]:
    return [(t.name, list(t.labels), t.loss_function) for t in job_or_model.classifier_targets]


# --- list and retrieve ----------------------------------------------------------------------------


def test_list_has_the_base_models_then_the_fine_tuned_ones_newest_first(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    made = [classifierjobs.add_model(targets=SENTIMENT) for _ in range(3)]

    listed = client.models.list()

    assert [card.id for card in listed.data[:2]] == BASE_IDS
    assert [card.type for card in listed.data] == ["base", "base"] + ["fine-tuned"] * 3
    fine_tuned = listed.data[2:]
    assert {card.id for card in fine_tuned} == {card.id for card in made}
    created = [card.created for card in fine_tuned]
    assert created == sorted(created, reverse=True)
    for card in fine_tuned:
        stored = classifierjobs.models[card.id]
        assert (card.job, card.root, card.created, card.owned_by) == (
            stored.job,
            stored.root,
            stored.created,
            stored.owned_by,
        )
        assert card.capabilities.classification is True
        assert card.capabilities.completion_chat is False
        assert card.archived is False


def test_the_base_cards(client: Mistral) -> None:
    first, second = client.models.list().data

    assert first.aliases == ["ministral-3b-latest"]
    assert second.aliases == ["ministral-8b-latest"]
    for card in (first, second):
        assert card.owned_by == "mistralai"
        assert card.capabilities.fine_tuning is True
        assert card.capabilities.classification is False
        assert card.max_context_length == 131072


@pytest.mark.anyio
async def test_list_async(aclient: Mistral, model: Any) -> None:
    listed = await aclient.models.list_async()

    assert [card.id for card in listed.data] == [*BASE_IDS, model.id]


@pytest.mark.parametrize("model_id", ["ministral-3b-2410", "ministral-3b-latest"])
def test_a_base_model_is_retrieved_by_its_id_or_its_alias(client: Mistral, model_id: str) -> None:
    card = client.models.retrieve(model_id=model_id)

    assert card.type == "base"
    assert card.id == "ministral-3b-2410"
    assert card.aliases == ["ministral-3b-latest"]


def test_retrieve_a_fine_tuned_model(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    card = client.models.retrieve(model_id=model.id)

    assert card.type == "fine-tuned"
    assert (card.id, card.job, card.root, card.created) == (
        model.id,
        model.job,
        model.root,
        model.created,
    )
    assert card.job in classifierjobs.jobs
    assert card.archived is False
    assert card.capabilities.classification is True


@pytest.mark.anyio
async def test_retrieve_async(aclient: Mistral, model: Any) -> None:
    card = await aclient.models.retrieve_async(model_id=model.id)

    assert (card.id, card.type, card.job) == (model.id, "fine-tuned", model.job)


# --- delete ---------------------------------------------------------------------------------------


def test_delete_answers_deleted_and_the_model_is_gone(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    deleted = client.models.delete(model_id=model.id)

    assert (deleted.id, deleted.object, deleted.deleted) == (model.id, "model", True)
    assert model.id not in classifierjobs.models
    assert fine_tuned_ids(client.models.list()) == []
    with pytest.raises(SDKError) as raised:
        client.models.retrieve(model_id=model.id)
    assert error_of(raised) == (404, not_found(model.id))


@pytest.mark.anyio
async def test_delete_async(
    aclient: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    deleted = await aclient.models.delete_async(model_id=model.id)

    assert deleted.deleted is True
    assert dict(classifierjobs.models) == {}


def test_a_deleted_model_stays_deleted_when_its_job_is_read_again(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    job = classifierjobs.add(status="SUCCESS")
    client.models.delete(model_id=job.fine_tuned_model)

    again = client.fine_tuning.jobs.get(job_id=job.id)

    assert again.fine_tuned_model == job.fine_tuned_model
    assert fine_tuned_ids(client.models.list()) == []
    assert job.fine_tuned_model not in classifierjobs.models


# --- update ---------------------------------------------------------------------------------------


def test_update_answers_the_classifier_with_its_targets(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    model = classifierjobs.add_model(targets=[TONE, TOPICS])

    updated = client.models.update(model_id=model.id, name="tone-v1", description="first")

    assert updated.model_type == "classifier"
    assert (updated.id, updated.name, updated.description) == (model.id, "tone-v1", "first")
    assert (updated.job, updated.root, updated.created) == (model.job, model.root, model.created)
    assert updated.root == MODEL
    assert updated.root_version == "2410"
    assert updated.workspace_id == classifierjobs.model_store.workspace_id
    assert targets_of(updated) == [
        ("tone", ["calm", "angry"], "single_class"),
        ("topics", ["delivery", "price", "quality"], "multi_class"),
    ]
    capabilities = updated.capabilities
    assert capabilities.classification is True
    assert not any(
        [
            capabilities.completion_chat,
            capabilities.completion_fim,
            capabilities.function_calling,
            capabilities.fine_tuning,
        ]
    )
    stored = classifierjobs.models[model.id]
    assert (stored.name, stored.description) == ("tone-v1", "first")
    card = client.models.retrieve(model_id=model.id)
    assert (card.name, card.description) == ("tone-v1", "first")


def test_update_changes_only_the_keys_sent(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    client.models.update(model_id=model.id, name="kept", description="old")

    updated = client.models.update(model_id=model.id, description="new")

    assert sent_body(classifierjobs, "models.update") == {"description": "new"}
    assert (updated.name, updated.description) == ("kept", "new")
    assert classifierjobs.models[model.id].name == "kept"


def test_update_with_an_explicit_none_clears_the_field(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT, name="named", description="described")

    updated = client.models.update(model_id=model.id, name=None)

    assert sent_body(classifierjobs, "models.update") == {"name": None}
    assert (updated.name, updated.description) == (None, "described")
    card = client.models.retrieve(model_id=model.id)
    assert (card.name, card.description) == (None, "described")


def test_an_update_with_nothing_changes_nothing(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT, name="named", description="described")

    updated = client.models.update(model_id=model.id)

    assert sent_body(classifierjobs, "models.update") == {}
    assert (updated.name, updated.description) == ("named", "described")


def test_a_bad_update_body_is_a_422_the_sdk_raises_as_an_sdk_error(
    client: Mistral, root: str, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    # The SDKs know no 422 on this route (the spec declares none): a plain SDKError.
    with pytest.raises(SDKError) as raised:
        client.models.update(
            model_id=model.id, name="x", http_headers={"content-type": "text/plain"}
        )
    wrong_type = client.sdk_configuration.client.patch(
        f"{root}/v1/fine_tuning/models/{model.id}", json={"name": 5}, headers=AUTH
    )

    assert not isinstance(raised.value, HTTPValidationError)
    status, body = error_of(raised)
    assert status == 422
    assert [(problem["loc"], problem["type"]) for problem in body["detail"]] == [
        (["body"], "model_attributes_type")
    ]
    assert wrong_type.status_code == 422
    assert [(p["loc"], p["type"]) for p in wrong_type.json()["detail"]] == [
        (["body", "name"], "string_type")
    ]
    assert classifierjobs.models[model.id] == model
    assert classifierjobs.routes["models.update"].call_count == 2


@pytest.mark.anyio
async def test_update_async(
    aclient: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    updated = await aclient.models.update_async(model_id=model.id, name="async")

    assert (updated.model_type, updated.name) == ("classifier", "async")
    assert classifierjobs.models[model.id].name == "async"


# --- archive and unarchive ------------------------------------------------------------------------


def test_archive_then_unarchive(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    archived = client.models.archive(model_id=model.id)
    listed = client.models.list().data[-1]
    retrieved = client.models.retrieve(model_id=model.id)
    unarchived = client.models.unarchive(model_id=model.id)

    assert (archived.id, archived.object, archived.archived) == (model.id, "model", True)
    assert (listed.id, listed.archived) == (model.id, True)  # an archived model stays listed
    assert retrieved.archived is True
    assert (unarchived.id, unarchived.object, unarchived.archived) == (model.id, "model", False)
    assert classifierjobs.models[model.id].archived is False
    assert client.models.retrieve(model_id=model.id).archived is False


def test_archiving_twice_is_no_error(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    first = client.models.archive(model_id=model.id)
    second = client.models.archive(model_id=model.id)

    assert first.archived is second.archived is True
    assert classifierjobs.models[model.id].archived is True
    assert classifierjobs.routes["models.archive"].call_count == 2


def test_unarchiving_a_model_never_archived_is_no_error(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    unarchived = client.models.unarchive(model_id=model.id)

    assert unarchived.archived is False
    assert classifierjobs.models[model.id].archived is False


def test_a_model_added_archived_is_listed_archived_and_still_classifies(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT, archived=True)

    listed = client.models.list().data[-1]
    answer = client.classifiers.classify(model=model.id, inputs="still here")

    assert (listed.id, listed.archived) == (model.id, True)
    assert list(scores(answer)[0]) == LABELS


@pytest.mark.anyio
async def test_archive_and_unarchive_async(
    aclient: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    archived = await aclient.models.archive_async(model_id=model.id)
    assert archived.archived is True
    assert classifierjobs.models[model.id].archived is True

    unarchived = await aclient.models.unarchive_async(model_id=model.id)

    assert unarchived.archived is False
    assert classifierjobs.models[model.id].archived is False


# --- errors of the models routes ------------------------------------------------------------------

ON_A_MODEL: dict[str, Callable[[Any, str], Any]] = {
    "models.retrieve": lambda client, model_id: client.models.retrieve(model_id=model_id),
    "models.delete": lambda client, model_id: client.models.delete(model_id=model_id),
    "models.update": lambda client, model_id: client.models.update(model_id=model_id, name="x"),
    "models.archive": lambda client, model_id: client.models.archive(model_id=model_id),
    "models.unarchive": lambda client, model_id: client.models.unarchive(model_id=model_id),
}
CHANGING = [operation for operation in ON_A_MODEL if operation != "models.retrieve"]


def sdk_error(call: Callable[..., Any], *args: Any) -> tuple[int, Any]:
    """The status and JSON body of the SDKError that ``call(*args)`` raises."""
    with pytest.raises(SDKError) as raised:
        call(*args)
    return error_of(raised)


def test_a_model_never_made_is_not_found(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    answers = {
        operation: sdk_error(call, client, NEVER_MADE) for operation, call in ON_A_MODEL.items()
    }

    assert answers == dict.fromkeys(ON_A_MODEL, (404, not_found(NEVER_MADE)))
    assert [classifierjobs.routes[operation].call_count for operation in ON_A_MODEL] == [1] * 5


def test_a_deleted_model_is_not_found(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    client.models.delete(model_id=model.id)

    answers = {
        operation: sdk_error(call, client, model.id) for operation, call in ON_A_MODEL.items()
    }

    assert answers == dict.fromkeys(ON_A_MODEL, (404, not_found(model.id)))
    assert dict(classifierjobs.models) == {}


@pytest.mark.parametrize("model_id", ["ministral-3b-2410", "ministral-3b-latest"])
def test_a_base_model_cannot_be_changed(client: Mistral, model_id: str) -> None:
    answers = {
        operation: sdk_error(ON_A_MODEL[operation], client, model_id) for operation in CHANGING
    }

    for status, body in answers.values():
        assert status == 403
        assert list(body) == ["detail"]
        assert model_id in body["detail"]
        assert "base model" in body["detail"]
    base = client.models.retrieve(model_id=model_id)  # still there, unchanged
    assert (base.id, base.name) == ("ministral-3b-2410", "ministral-3b-2410")


# --- classify -------------------------------------------------------------------------------------


def test_classify_one_text(client: Mistral, classifierjobs: ClassifierJobsMock, model: Any) -> None:
    answer = client.classifiers.classify(model=model.id, inputs="I love it")

    assert sent_body(classifierjobs, "classifiers.classify") == {
        "model": model.id,
        "input": "I love it",
    }
    assert ANSWER_ID.fullmatch(answer.id)
    assert answer.model == model.id
    assert len(answer.results) == 1
    assert list(answer.results[0]) == ["sentiment"]
    (result,) = scores(answer)
    assert list(result) == LABELS
    assert all(0 < value < 1 for value in result.values())
    assert sum(result.values()) == pytest.approx(1)


def test_classify_a_list_answers_one_result_per_input_in_order(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    classifierjobs.set_scores(
        model.id, {"good": {"sentiment": "positive"}, "bad": {"sentiment": "negative"}}
    )

    answer = client.classifiers.classify(model=model.id, inputs=["good", "bad", "meh", "good"])

    results = scores(answer)
    assert [winner(result) for result in results[:2]] == ["positive", "negative"]
    assert results[3] == results[0]  # the same text, the same scores
    for result in results:
        assert list(result) == LABELS
        assert sum(result.values()) == pytest.approx(1)


def test_drawn_scores_do_not_change_between_calls(client: Mistral, model: Any) -> None:
    first = client.classifiers.classify(model=model.id, inputs=["a", "b"])
    again = client.classifiers.classify(model=model.id, inputs=["b", "a"])

    assert scores(first) == scores(again)[::-1]
    assert first.id != again.id  # each answer has an id of its own


@pytest.mark.anyio
async def test_classify_async(
    aclient: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    classifierjobs.set_scores(model.id, {"yay": {"sentiment": "positive"}})

    answer = await aclient.classifiers.classify_async(model=model.id, inputs=["yay", "nay"])

    assert answer.model == model.id
    assert len(answer.results) == 2
    assert winner(scores(answer)[0]) == "positive"
    assert classifierjobs.routes["classifiers.classify"].call_count == 1


# --- classify_chat --------------------------------------------------------------------------------


def test_classify_chat_one_conversation(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    answer = classify_chat(client, model.id, chat("hello"))

    assert sent_body(classifierjobs, "classifiers.classify_chat")["input"] == {
        "messages": [{"role": "user", "content": "hello"}]
    }
    assert answer.model == model.id
    assert ANSWER_ID.fullmatch(answer.id)
    (result,) = scores(answer)
    assert list(result) == LABELS
    assert sum(result.values()) == pytest.approx(1)


def test_classify_chat_a_list_answers_one_result_per_conversation(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    broken = {"positive": 0.0625, "neutral": 0.1875, "negative": 0.75}
    classifierjobs.set_scores(
        model.id, {"Still broken.": {"sentiment": broken}, "Thanks!": {"sentiment": "positive"}}
    )
    conversations = [
        chat("My device broke.", "Did you restart it?", "Still broken."),
        chat("It works now.", "Glad to hear.", "Thanks!"),
        chat("Still broken.", "Sorry.", "Whatever."),  # matched by its last message only
    ]

    answer = classify_chat(client, model.id, conversations)

    results = scores(answer)
    assert len(results) == 3
    assert results[0] == broken
    assert winner(results[1]) == "positive"
    assert results[2] != broken
    assert sum(results[2].values()) == pytest.approx(1)
    sent = sent_body(classifierjobs, "classifiers.classify_chat")["input"]
    assert [conversation["messages"][-1]["content"] for conversation in sent] == [
        "Still broken.",
        "Thanks!",
        "Whatever.",
    ]


def test_a_conversation_and_its_last_text_are_drawn_apart(client: Mistral, model: Any) -> None:
    # Drawn scores depend on the whole input: a conversation is not its last message.
    texts = client.classifiers.classify(model=model.id, inputs=["one", "two", "three"])
    chats = classify_chat(client, model.id, [chat("one"), chat("two"), chat("three")])

    assert scores(texts) != scores(chats)


@pytest.mark.anyio
async def test_classify_chat_async(
    aclient: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    classifierjobs.set_scores(model.id, {"bye": {"sentiment": "neutral"}})

    answer = await classify_chat_async(aclient, model.id, [chat("hi", "hello", "bye"), chat("x")])

    assert len(answer.results) == 2
    assert winner(scores(answer)[0]) == "neutral"
    assert classifierjobs.routes["classifiers.classify_chat"].call_count == 1


# --- scores the test sets -------------------------------------------------------------------------


def test_fixed_scores_of_every_label_are_answered_as_given(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    exact = {"positive": 0.125, "neutral": 0.25, "negative": 0.625}
    classifierjobs.set_scores(model.id, {"meh": {"sentiment": exact}})

    texts = client.classifiers.classify(model=model.id, inputs=["meh", "other"])
    chats = classify_chat(client, model.id, chat("before", "after", "meh"))

    assert scores(texts)[0] == exact
    assert scores(chats)[0] == exact
    assert scores(texts)[1] != exact  # an input without fixed scores is drawn
    assert sum(scores(texts)[1].values()) == pytest.approx(1)


@pytest.mark.parametrize("label", LABELS)
def test_a_winning_label_wins_and_the_scores_sum_to_one(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any, label: str
) -> None:
    classifierjobs.set_scores(model.id, {"ticket": {"sentiment": label}})

    (result,) = scores(client.classifiers.classify(model=model.id, inputs="ticket"))

    assert winner(result) == label
    assert result[label] > 0.5
    assert sum(result.values()) == pytest.approx(1)


def test_scores_as_a_function_of_the_input_see_what_was_sent(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    seen: list[Any] = []

    def by_keyword(value: Any) -> dict[str, str] | None:
        seen.append(value)
        if isinstance(value, dict):
            value = value["messages"][-1]["content"]
        if "refund" in value:
            return {"sentiment": "negative"}
        return None  # drawn

    classifierjobs.set_scores(model.id, by_keyword)

    texts = client.classifiers.classify(model=model.id, inputs=["a refund now", "hello"])
    drawn_hello = scores(texts)[1]
    chats = classify_chat(client, model.id, [chat("hi", "how can I help?", "refund please")])

    assert seen[:2] == ["a refund now", "hello"]
    assert seen[2:] == sent_body(classifierjobs, "classifiers.classify_chat")["input"]
    assert seen[2]["messages"][1]["role"] == "assistant"
    assert winner(scores(texts)[0]) == "negative"
    assert winner(scores(chats)[0]) == "negative"
    classifierjobs.set_scores(model.id, None)  # back to drawn scores: the same as before
    again = client.classifiers.classify(model=model.id, inputs="hello")
    assert scores(again)[0] == drawn_hello
    assert len(seen) == 3  # the function is no longer asked


def test_winning_labels_of_a_multi_class_target(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    model = classifierjobs.add_model(targets=[TOPICS, TONE])
    classifierjobs.set_scores(
        model.id, {"late and pricey": {"topics": ["delivery", "price"], "tone": "angry"}}
    )

    answer = client.classifiers.classify(model=model.id, inputs="late and pricey")

    (result,) = answer.results
    assert list(result) == ["topics", "tone"]
    topics, tone = dict(result["topics"].scores), dict(result["tone"].scores)
    assert list(topics) == TOPICS.labels
    assert min(topics["delivery"], topics["price"]) > topics["quality"]
    assert sum(topics.values()) == pytest.approx(1)  # normalized by default, multi_class too
    assert winner(tone) == "angry"
    assert sum(tone.values()) == pytest.approx(1)


@pytest.mark.classifierjobs(multi_class_scores="independent")
def test_independent_multi_class_scores_score_each_label_on_its_own(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    model = classifierjobs.add_model(targets=[TOPICS, TONE])
    classifierjobs.set_scores(
        model.id, {"late and pricey": {"topics": ["delivery", "price"], "tone": "angry"}}
    )

    answer = client.classifiers.classify(model=model.id, inputs=["late and pricey", "drawn"])

    picked, drawn = (dict(result["topics"].scores) for result in answer.results)
    assert list(picked) == TOPICS.labels
    assert all(0 < value < 1 for value in [*picked.values(), *drawn.values()])
    assert picked["delivery"] > 0.5
    assert picked["price"] > 0.5
    assert picked["quality"] < 0.5
    assert sum(picked.values()) > 1  # two labels above 0.5: no longer a distribution
    tone = dict(answer.results[0]["tone"].scores)
    assert sum(tone.values()) == pytest.approx(1)  # a single_class target still is one


def drawn_through_the_sdk(seed: int, *, live: bool) -> tuple[str, list[dict[str, float]]]:
    """A fresh fake with ``seed``: its model's id and drawn scores, read through the SDK."""
    fake = ClassifierJobsMock(seed=seed)
    model = fake.add_model(targets=SENTIMENT)
    inputs = ["first text", "second text", "third text"]
    if live:
        with LiveServer(fake) as server, Mistral(api_key=API_KEY, server_url=server.url) as sdk:
            answer = sdk.classifiers.classify(model=model.id, inputs=inputs)
    else:
        with fake, Mistral(api_key=API_KEY) as sdk:
            answer = sdk.classifiers.classify(model=model.id, inputs=inputs)
    return model.id, scores(answer)


def test_drawn_scores_are_the_same_in_two_fakes_with_the_same_seed() -> None:
    in_process = drawn_through_the_sdk(SEED, live=False)
    live = drawn_through_the_sdk(SEED, live=True)
    other_seed = drawn_through_the_sdk(SEED + 1, live=False)

    assert live == in_process
    assert other_seed[0] != in_process[0]
    assert other_seed[1] != in_process[1]


# --- classification errors ------------------------------------------------------------------------


def classify_text(client: Mistral, model_id: str, **options: Any) -> Any:
    return client.classifiers.classify(model=model_id, inputs="hello", **options)


def classify_conversation(client: Mistral, model_id: str, **options: Any) -> Any:
    return classify_chat(client, model_id, chat("hello"), **options)


CLASSIFY = {
    "classifiers.classify": classify_text,
    "classifiers.classify_chat": classify_conversation,
}


def test_classifying_with_a_model_that_is_no_classifier_is_a_400(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    models = [NEVER_MADE, "ministral-3b-2410", "ministral-3b-latest", "mistral-large-latest"]

    answers = {
        (operation, model_id): sdk_error(call, client, model_id)
        for operation, call in CLASSIFY.items()
        for model_id in models
    }

    assert answers == {
        (operation, model_id): (400, invalid_model(model_id))
        for operation in CLASSIFY
        for model_id in models
    }
    assert [classifierjobs.routes[operation].call_count for operation in CLASSIFY] == [4, 4]


@pytest.mark.parametrize("operation", list(CLASSIFY))
def test_classifying_with_a_deleted_model_is_a_400(
    client: Mistral, model: Any, operation: str
) -> None:
    CLASSIFY[operation](client, model.id)
    client.models.delete(model_id=model.id)

    with pytest.raises(SDKError) as raised:
        CLASSIFY[operation](client, model.id)

    assert error_of(raised) == (400, invalid_model(model.id))


@pytest.mark.parametrize("operation", list(CLASSIFY))
def test_a_body_that_is_no_json_object_is_an_http_validation_error(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any, operation: str
) -> None:
    # The SDK validates its arguments, but lets a caller's header replace its content type:
    # the server then reads the body as bytes, which are no object.
    with pytest.raises(HTTPValidationError) as raised:
        CLASSIFY[operation](client, model.id, http_headers={"content-type": "text/plain"})

    assert raised.value.status_code == 422
    (problem,) = raised.value.data.detail
    assert (problem.loc, problem.type) == (["body"], "model_attributes_type")
    assert json.loads(raised.value.body)["detail"][0]["loc"] == ["body"]
    assert classifierjobs.routes[operation].call_count == 1


TEXTS_PATH = "/v1/classifications"
CHATS_PATH = "/v1/chat/classifications"
# Bodies the SDK refuses to send, each with a problem its 422 names (loc, type).
BAD_BODIES: dict[str, tuple[str, dict[str, Any], tuple[list[Any], str]]] = {
    "metadata": (TEXTS_PATH, {"input": "hi", "metadata": "x"}, (["body", "metadata"], "dict_type")),
    "input-type": (TEXTS_PATH, {"input": 3}, (["body", "input", "str"], "string_type")),
    "extra-key": (TEXTS_PATH, {"input": "hi", "extra": 1}, (["body", "extra"], "extra_forbidden")),
    "no-input": (TEXTS_PATH, {}, (["body", "input"], "missing")),
    "chat-role": (
        CHATS_PATH,
        {"input": {"messages": [{"role": "robot", "content": "hi"}]}},
        (["body", "input", "InstructRequest", "messages", 0], "union_tag_invalid"),
    ),
    "chat-text": (
        CHATS_PATH,
        {"input": ["hi"]},
        (["body", "input", "InstructRequest"], "model_attributes_type"),
    ),
}


def test_a_bad_classification_body_is_a_422_with_a_list_detail(
    client: Mistral, root: str, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    # What the SDK refuses to send goes through its own httpx client.
    http = client.sdk_configuration.client
    answers = {
        name: http.post(f"{root}{path}", json={"model": model.id, **body}, headers=AUTH)
        for name, (path, body, _) in BAD_BODIES.items()
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        BAD_BODIES, 422
    )
    for name, answer in answers.items():
        detail = answer.json()["detail"]
        assert isinstance(detail, list)
        problems = [(problem["loc"], problem["type"]) for problem in detail]
        assert BAD_BODIES[name][2] in problems, name
    assert classifierjobs.routes["classifiers.classify"].call_count == 4
    assert classifierjobs.routes["classifiers.classify_chat"].call_count == 2


# --- the model a job trained through the SDK ------------------------------------------------------


def train(client: Mistral, file_id: str) -> tuple[Any, Any, Any]:
    """Create a job that waits, poll it to VALIDATED, start it, poll it to the end.

    Returns the job when VALIDATED, the answer to start, and the job at the end.
    """
    created = create_job(client, file_id)
    validated = poll(client, created.id, {"VALIDATED", *TERMINAL})
    started = client.fine_tuning.jobs.start(job_id=created.id)
    return validated, started, poll(client, created.id, TERMINAL)


def succeeded_at(job: Any) -> int:
    """When the job's events say it reached SUCCESS."""
    (moment,) = [
        event.created_at for event in job.events if (event.data or {}).get("status") == "SUCCESS"
    ]
    return int(moment)


def test_a_job_trained_through_the_sdk_makes_a_model_that_classifies(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    uploaded = client.files.upload(file={"file_name": "train.jsonl", "content": TRAINING})

    validated, started, done = train(client, uploaded.id)

    assert (validated.status, started.status, done.status) == ("VALIDATED", "QUEUED", "SUCCESS")
    assert validated.fine_tuned_model is None
    assert targets_of(done) == TRAINED_TARGETS
    model_id = done.fine_tuned_model
    assert fine_tuned_ids(client.models.list()) == [model_id]
    card = client.models.retrieve(model_id=model_id)
    assert (card.job, card.root, card.archived) == (done.id, MODEL, False)
    assert card.created == succeeded_at(done)
    assert list(classifierjobs.models) == [model_id]
    updated = client.models.update(model_id=model_id, description="trained here")
    assert targets_of(updated) == TRAINED_TARGETS
    texts = client.classifiers.classify(model=model_id, inputs=["cheap", "late"])
    chats = classify_chat(client, model_id, chat("where is it?"))
    for result in [*texts.results, *chats.results]:
        assert list(result) == ["sentiment", "topics"]
        assert list(result["sentiment"].scores) == ["positive", "negative", "neutral"]
        assert list(result["topics"].scores) == ["price", "delivery", "quality"]
        assert sum(result["topics"].scores.values()) == pytest.approx(1)


def test_no_model_before_success_and_the_newest_model_is_listed_first(client: Mistral) -> None:
    uploaded = client.files.upload(file={"file_name": "train.jsonl", "content": TRAINING})
    first = train(client, uploaded.id)[2]
    waiting = create_job(client, uploaded.id)
    poll(client, waiting.id, {"VALIDATED", *TERMINAL})
    assert fine_tuned_ids(client.models.list()) == [first.fine_tuned_model]  # VALIDATED: none

    client.fine_tuning.jobs.start(job_id=waiting.id)
    second = poll(client, waiting.id, TERMINAL)

    # Models are made on the fake's clock: the second job succeeds at the same moment as the
    # first or later, and of two models made in the same second the one stored last is newest.
    newest_first = [second, first]
    assert succeeded_at(second) >= succeeded_at(first)
    assert fine_tuned_ids(client.models.list()) == [job.fine_tuned_model for job in newest_first]
    created = [
        client.models.retrieve(model_id=job.fine_tuned_model).created for job in newest_first
    ]
    assert created == [succeeded_at(job) for job in newest_first]


@pytest.mark.anyio
async def test_a_job_trained_through_the_async_sdk_makes_a_model(aclient: Mistral) -> None:
    jobs: Any = aclient.fine_tuning.jobs
    uploaded = await aclient.files.upload_async(
        file={"file_name": "train.jsonl", "content": TRAINING}
    )
    created = await jobs.create_async(
        model=MODEL,
        job_type="classifier",
        hyperparameters={"training_steps": 10},
        training_files=[{"file_id": uploaded.id, "weight": 1.0}],
        auto_start=False,
    )
    validated = await poll_async(aclient, created.id, {"VALIDATED", *TERMINAL})
    await jobs.start_async(job_id=created.id)
    done = await poll_async(aclient, created.id, TERMINAL)

    listed = await aclient.models.list_async()
    answer = await aclient.classifiers.classify_async(model=done.fine_tuned_model, inputs="hi")

    assert (validated.status, done.status) == ("VALIDATED", "SUCCESS")
    assert fine_tuned_ids(listed) == [done.fine_tuned_model]
    assert list(answer.results[0]["sentiment"].scores) == ["positive", "negative", "neutral"]


def test_a_job_set_to_success_makes_its_model(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    running = classifierjobs.add(status="RUNNING")
    assert fine_tuned_ids(client.models.list()) == []

    done = classifierjobs.set_status(running.id, "SUCCESS")

    assert fine_tuned_ids(client.models.list()) == [done.fine_tuned_model]
    assert client.models.retrieve(model_id=done.fine_tuned_model).job == running.id


def test_a_scripted_success_makes_its_model_when_it_is_read(
    client: Mistral, classifierjobs: ClassifierJobsMock
) -> None:
    running = classifierjobs.add(status="RUNNING")
    classifierjobs.script(running.id, ["SUCCESS"])

    before = fine_tuned_ids(client.models.list())
    done = client.fine_tuning.jobs.get(job_id=running.id)

    assert before == []
    assert done.status == "SUCCESS"
    assert fine_tuned_ids(client.models.list()) == [done.fine_tuned_model]
    assert targets_of(client.models.update(model_id=done.fine_tuned_model)) == [
        (t.name, t.labels, t.loss_function)
        for t in classifierjobs.jobs[running.id].classifier_targets
    ]


# --- faults and calls -----------------------------------------------------------------------------

# Every operation on the model, the delete last.
EVERY_OPERATION: dict[str, Callable[[Any, str], Any]] = {
    "models.list": lambda client, _model_id: client.models.list(),
    **{operation: call for operation, call in ON_A_MODEL.items() if operation != "models.delete"},
    **CLASSIFY,
    "models.delete": ON_A_MODEL["models.delete"],
}


def test_a_fault_on_each_operation_answers_one_call_and_changes_nothing(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    for operation in EVERY_OPERATION:
        classifierjobs.fail(operation, 503)

    failed = {
        operation: sdk_error(call, client, model.id) for operation, call in EVERY_OPERATION.items()
    }

    assert failed == dict.fromkeys(EVERY_OPERATION, (503, SERVICE_UNAVAILABLE))
    assert classifierjobs.models[model.id] == model  # the failed update, archive, delete: nothing
    for call in EVERY_OPERATION.values():  # each fault answered its one call: these succeed
        call(client, model.id)
    counts = [classifierjobs.routes[operation].call_count for operation in EVERY_OPERATION]
    assert counts == [2] * len(EVERY_OPERATION)
    assert model.id not in classifierjobs.models  # the delete went through the second time


def test_a_fault_with_a_body_of_the_tests_choice_on_classify(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    classifierjobs.fail("classifiers.classify", 429, json={"message": "slow down"}, times=2)

    for _ in range(2):
        with pytest.raises(SDKError) as raised:
            client.classifiers.classify(model=model.id, inputs="hi")
        assert error_of(raised) == (429, {"message": "slow down"})
    answer = client.classifiers.classify(model=model.id, inputs="hi")

    assert answer.model == model.id
    assert classifierjobs.routes["classifiers.classify"].call_count == 3
    assert classifierjobs.routes["classifiers.classify_chat"].call_count == 0


@pytest.mark.anyio
async def test_a_fault_on_classify_chat_async(
    aclient: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    classifierjobs.fail("classifiers.classify_chat", 500)

    with pytest.raises(SDKError) as raised:
        await classify_chat_async(aclient, model.id, chat("hi"))

    assert raised.value.status_code == 500
    assert classifierjobs.routes["classifiers.classify_chat"].call_count == 1


def test_each_call_is_counted_on_its_own_route(
    client: Mistral, classifierjobs: ClassifierJobsMock, model: Any
) -> None:
    client.models.list()
    client.models.list()
    client.models.retrieve(model_id=model.id)
    client.models.retrieve(model_id="ministral-3b-latest")
    client.models.update(model_id=model.id, name="n")
    client.models.archive(model_id=model.id)
    client.models.unarchive(model_id=model.id)
    client.classifiers.classify(model=model.id, inputs=["a", "b", "c"])  # one call, three inputs
    classify_chat(client, model.id, chat("a"))
    classify_chat(client, model.id, [chat("b"), chat("c")])
    client.models.delete(model_id=model.id)

    counts = {
        operation: classifierjobs.routes[operation].call_count for operation in EVERY_OPERATION
    }
    assert counts == {
        "models.list": 2,
        "models.retrieve": 2,
        "models.delete": 1,
        "models.update": 1,
        "models.archive": 1,
        "models.unarchive": 1,
        "classifiers.classify": 1,
        "classifiers.classify_chat": 2,
    }
    patched = classifierjobs.routes["models.update"].calls.last.request
    assert (patched.method, patched.url.path) == ("PATCH", f"/v1/fine_tuning/models/{model.id}")
    archived = classifierjobs.routes["models.unarchive"].calls.last.request
    assert (archived.method, archived.url.path) == (
        "DELETE",
        f"/v1/fine_tuning/models/{model.id}/archive",
    )
    assert classifierjobs.routes["classifiers.classify_chat"].calls.last.request.url.path == (
        "/v1/chat/classifications"
    )
