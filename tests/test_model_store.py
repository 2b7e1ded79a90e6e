"""The models of one fake: ModelStore, the jobs that make them, their HTTP answers, wire form."""

import json
import math
import re
from random import Random
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from pytest_classifierjobs import ClassifierDetailedJobOutFactory
from pytest_classifierjobs.api import Api, ApiRequest, ApiResponse
from pytest_classifierjobs.models import (
    ArchiveFTModelOut,
    BaseModelCard,
    ClassificationResponse,
    ClassificationTargetResult,
    ClassifierDetailedJobOut,
    ClassifierFTModelOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParametersIn,
    DeleteModelOut,
    EventOut,
    FTModelCapabilitiesOut,
    FTModelCard,
    JobIn,
    ModelCapabilities,
    ModelList,
    TrainingFile,
    UnarchiveFTModelOut,
)
from pytest_classifierjobs.scores import ScoresError
from pytest_classifierjobs.state.jobs import JobStore
from pytest_classifierjobs.state.models import (
    BASE_MODEL_CARDS,
    BaseModelError,
    ModelStore,
    NotAClassifierError,
    UnknownModelError,
)
from pytest_classifierjobs.validation import Classification, RequestReader, RequestRefused
from pytest_classifierjobs.wire import WireFormatError, from_wire, to_wire

S = ClassifierJobOutStatus
AUTH = {"authorization": "Bearer k", "content-type": "application/json"}
BASE_3B = "ministral-3b-2410"
BASE_8B = "ministral-8b-2410"
BASE_IDS = [BASE_3B, "ministral-3b-latest", BASE_8B, "ministral-8b-latest"]
UNKNOWN = "ft:classifier:ministral-3b-latest:00000000:20250101:00000000"
SENTIMENT = ClassifierTargetOut(
    name="sentiment",
    labels=["positive", "neutral", "negative"],
    weight=1.0,
    loss_function="single_class",
)
TOPICS = ClassifierTargetOut(
    name="topics", labels=["delivery", "price"], weight=0.5, loss_function="multi_class"
)
CLASSIFIER_CAPABILITIES = ModelCapabilities(classification=True)
# 2024-10-16T00:00:00Z, the release day of both base models.
RELEASED = 1729036800


def exactly(message: str) -> str:
    """A pattern for pytest.raises(match=...) that matches this whole message and nothing else."""
    return rf"\A{re.escape(message)}\Z"


@pytest.fixture(name="factory")
def factory_fixture() -> type[ClassifierDetailedJobOutFactory]:
    factory: type[ClassifierDetailedJobOutFactory] = type(
        "Factory", (ClassifierDetailedJobOutFactory,), {}
    )
    factory.seed_random(4040)
    return factory


def succeeded(
    factory: type[ClassifierDetailedJobOutFactory], **overrides: Any
) -> ClassifierDetailedJobOut:
    """A SUCCESS job with the two targets (or ``classifier_targets`` given)."""
    overrides.setdefault("classifier_targets", [SENTIMENT, TOPICS])
    return factory.build(status=S.SUCCESS, **overrides)


def model_of(job: ClassifierDetailedJobOut) -> str:
    assert job.fine_tuned_model is not None
    return job.fine_tuned_model


def finished_at(job: ClassifierDetailedJobOut, moment: int) -> ClassifierDetailedJobOut:
    """The job with no history, so its model is created at ``modified_at``."""
    return attrs.evolve(job, events=[], modified_at=moment)


# --- the base models and the constructor ------------------------------------------------------


def test_the_base_model_cards() -> None:
    assert [(card.id, card.aliases) for card in BASE_MODEL_CARDS] == [
        (BASE_3B, ["ministral-3b-latest"]),
        (BASE_8B, ["ministral-8b-latest"]),
    ]
    for card in BASE_MODEL_CARDS:
        assert card == BaseModelCard(
            id=card.id,
            created=RELEASED,
            capabilities=ModelCapabilities(
                completion_chat=True, function_calling=True, fine_tuning=True
            ),
            name=card.id,
            description=f"Official {card.id} Mistral AI model",
            max_context_length=131072,
            aliases=card.aliases,
            default_model_temperature=0.3,
        )
        assert (card.owned_by, card.type, card.object) == ("mistralai", "base", "model")


def test_a_bad_multi_class_mode_is_refused() -> None:
    with pytest.raises(
        ValueError,
        match=exactly(
            "unknown multi_class_scores mode 'sigmoid'; expected one of 'normalized', 'independent'"
        ),
    ):
        ModelStore(rng=Random(1), multi_class_scores="sigmoid")  # type: ignore[arg-type]


def test_a_new_store_has_the_base_models_only() -> None:
    store = ModelStore(rng=Random(1))

    assert store.multi_class_scores == "normalized"
    assert dict(store.models) == {}
    assert store.list_models() == ModelList(data=list(BASE_MODEL_CARDS))
    assert len(store.workspace_id) == 36


def test_other_base_cards_can_be_given() -> None:
    card = attrs.evolve(BASE_MODEL_CARDS[0], id="open-x-2501", aliases=["open-x"])
    store = ModelStore(rng=Random(1), base_cards=[card])

    assert store.list_models().data == [card]
    assert store.retrieve("open-x") is card
    with pytest.raises(UnknownModelError):
        store.retrieve(BASE_3B)


# --- record and add -------------------------------------------------------------------------


def test_a_success_job_makes_its_model_once(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    model_id = model_of(job)
    success = [e.created_at for e in job.events if (e.data or {}).get("status") == "SUCCESS"]

    card = store.record(job)

    assert card == FTModelCard(
        id=model_id,
        created=success[-1],
        owned_by=model_id.split(":")[3],
        capabilities=CLASSIFIER_CAPABILITIES,
        job=job.id,
        root=job.model,
    )
    assert (card.type, card.archived, card.name, card.description) == (
        "fine-tuned",
        False,
        None,
        None,
    )
    assert store.record(job) is card  # stored once
    assert dict(store.models) == {model_id: card}
    assert store.card(model_id) is card


def test_recording_again_takes_the_jobs_targets_but_keeps_the_card(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    card = store.record(job)
    assert card is not None
    store.update(model_of(job), {"name": "kept"})

    again = store.record(attrs.evolve(job, classifier_targets=[TOPICS], modified_at=1))

    assert again == attrs.evolve(card, name="kept")
    assert store.fine_tuned_model(model_of(job)).classifier_targets == [TOPICS]


@pytest.mark.parametrize("status", [s for s in S if s is not S.SUCCESS], ids=str)
def test_a_job_in_another_status_makes_no_model(
    factory: type[ClassifierDetailedJobOutFactory], status: ClassifierJobOutStatus
) -> None:
    store = ModelStore(rng=Random(1))
    job = factory.build(status=status)

    assert store.record(job) is None
    assert store.record(attrs.evolve(job, fine_tuned_model="ft:classifier:x")) is None
    assert dict(store.models) == {}
    with pytest.raises(
        ValueError,
        match=exactly(
            f"job {job.id} is {status.value}: only a job in SUCCESS has a fine-tuned model"
        ),
    ):
        store.add(job)


def test_a_success_job_without_a_model_name_makes_no_model(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    for nameless in (None, ""):
        job = succeeded(factory, fine_tuned_model=nameless)
        assert store.record(job) is None
        with pytest.raises(ValueError, match="is SUCCESS: only a job in SUCCESS"):
            store.add(job)
    assert dict(store.models) == {}


def test_without_a_success_event_the_model_dates_from_the_jobs_last_change(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    events = [
        EventOut(name="created", created_at=job.created_at, data=None),
        EventOut(name="status-updated", created_at=job.created_at + 1, data={"status": "RUNNING"}),
    ]

    card = store.record(attrs.evolve(job, events=events, modified_at=job.created_at + 99))

    assert card is not None
    assert card.created == job.created_at + 99


def test_the_last_success_event_dates_the_model(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    t = job.created_at
    events = [
        EventOut(name="status-updated", created_at=t + 1, data={"status": "SUCCESS"}),
        EventOut(name="status-updated", created_at=t + 5, data={"status": "SUCCESS"}),
        EventOut(name="status-updated", created_at=t + 9, data={"status": "FAILED"}),
    ]

    card = store.record(attrs.evolve(job, events=events, modified_at=t + 20))

    assert card is not None
    assert card.created == t + 5


def test_a_model_id_of_another_shape_is_owned_by_the_stores_organisation(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    one = store.record(succeeded(factory, fine_tuned_model="my-classifier"))
    two = store.record(succeeded(factory, fine_tuned_model="ft:a:b:c:d:e:f"))
    other_store = ModelStore(rng=Random(2)).record(succeeded(factory, fine_tuned_model="x"))

    assert one is not None
    assert two is not None
    assert other_store is not None
    assert re.fullmatch(r"[0-9a-f]{8}", one.owned_by)
    assert two.owned_by == one.owned_by
    assert other_store.owned_by != one.owned_by


def test_a_deleted_model_stays_deleted_until_added(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    model_id = model_of(job)
    store.record(job)
    store.update(model_id, {"name": "old name"})
    store.delete(model_id)

    assert store.record(job) is None
    assert model_id not in store.models
    with pytest.raises(UnknownModelError):
        store.retrieve(model_id)

    card = store.add(job)

    assert card.name is None  # a new model: nothing of the deleted one is left
    assert store.models[model_id] is card
    assert store.retrieve(model_id) is card
    assert store.add(job) is card  # adding a stored model changes nothing


def test_the_models_are_a_read_only_snapshot_oldest_first(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    first, second = (succeeded(factory) for _ in range(2))
    store.record(finished_at(first, 2000))
    store.record(finished_at(second, 1000))

    snapshot = store.models
    store.delete(model_of(first))

    assert isinstance(snapshot, MappingProxyType)
    assert list(snapshot) == [model_of(first), model_of(second)]
    assert list(store.models) == [model_of(second)]
    with pytest.raises(TypeError):
        snapshot[model_of(first)] = snapshot[model_of(second)]  # type: ignore[index]


# --- the operations ---------------------------------------------------------------------------


def test_the_list_has_the_base_models_then_the_newest_fine_tuned_first(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    jobs = [succeeded(factory) for _ in range(4)]
    for job, moment in zip(jobs, [1000, 3000, 2000, 3000], strict=True):
        store.record(finished_at(job, moment))

    listed = store.list_models()

    assert listed.data[:2] == list(BASE_MODEL_CARDS)
    # Newest first; of two made at the same second, the one recorded later.
    assert [card.id for card in listed.data[2:]] == [
        model_of(jobs[3]),
        model_of(jobs[1]),
        model_of(jobs[2]),
        model_of(jobs[0]),
    ]


def test_retrieve_a_base_model_by_id_or_alias_and_a_fine_tuned_one(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    card = store.record(job)

    assert store.retrieve(BASE_3B) is BASE_MODEL_CARDS[0]
    assert store.retrieve("ministral-3b-latest") is BASE_MODEL_CARDS[0]
    assert store.retrieve("ministral-8b-latest") is BASE_MODEL_CARDS[1]
    assert store.retrieve(model_of(job)) is card
    with pytest.raises(UnknownModelError, match=exactly("nope")):
        store.retrieve("nope")


def test_delete_forgets_the_model(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    store.record(job)
    model_id = model_of(job)

    assert store.delete(model_id) == DeleteModelOut(id=model_id)
    assert to_wire(DeleteModelOut(id=model_id)) == {
        "id": model_id,
        "object": "model",
        "deleted": True,
    }
    assert store.list_models().data == list(BASE_MODEL_CARDS)
    for operation in (
        store.delete,
        store.retrieve,
        store.card,
        store.fine_tuned_model,
        store.archive,
        store.unarchive,
    ):
        with pytest.raises(UnknownModelError, match=exactly(model_id)):
            operation(model_id)
    with pytest.raises(UnknownModelError, match=exactly(model_id)):
        store.update(model_id, {"name": "x"})
    with pytest.raises(UnknownModelError, match=exactly(model_id)):
        store.classify(model_id, ["x"])
    with pytest.raises(UnknownModelError, match=exactly(model_id)):
        store.set_scores(model_id, None)


@pytest.mark.parametrize("base", BASE_IDS)
def test_a_base_model_cannot_be_changed_nor_classify(base: str) -> None:
    store = ModelStore(rng=Random(1))
    for operation in (store.delete, store.fine_tuned_model, store.archive, store.unarchive):
        with pytest.raises(BaseModelError, match=exactly(base)):
            operation(base)
    with pytest.raises(BaseModelError, match=exactly(base)):
        store.update(base, {"name": "x"})
    with pytest.raises(NotAClassifierError, match=exactly(base)):
        store.classify(base, ["x"])
    # card and set_scores are about fine-tuned models only.
    with pytest.raises(UnknownModelError, match=exactly(base)):
        store.card(base)
    with pytest.raises(UnknownModelError, match=exactly(base)):
        store.set_scores(base, None)
    assert store.list_models().data == list(BASE_MODEL_CARDS)


def test_the_errors_are_the_usual_kinds() -> None:
    assert issubclass(UnknownModelError, LookupError)
    assert not issubclass(BaseModelError, LookupError)
    assert not issubclass(NotAClassifierError, LookupError)


def test_unknown_models_are_unknown_to_every_operation() -> None:
    store = ModelStore(rng=Random(1))
    for operation in (
        store.retrieve,
        store.delete,
        store.card,
        store.fine_tuned_model,
        store.archive,
        store.unarchive,
    ):
        with pytest.raises(UnknownModelError, match=exactly(UNKNOWN)):
            operation(UNKNOWN)
    with pytest.raises(UnknownModelError):
        store.update(UNKNOWN, {})
    with pytest.raises(UnknownModelError):
        store.classify(UNKNOWN, [])


def test_update_sets_only_the_keys_given(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    card = store.record(job)
    assert card is not None
    model_id = card.id

    named = store.update(model_id, {"name": "sentiment-v1"})
    described = store.update(model_id, {"description": "tickets"})
    unchanged = store.update(model_id, {})
    cleared = store.update(model_id, {"name": None})

    assert (named.name, named.description) == ("sentiment-v1", None)
    assert (described.name, described.description) == ("sentiment-v1", "tickets")
    assert unchanged == described
    assert (cleared.name, cleared.description) == (None, "tickets")
    assert store.card(model_id) == attrs.evolve(card, description="tickets")
    assert store.retrieve(model_id) == store.card(model_id)
    assert cleared == ClassifierFTModelOut(
        id=model_id,
        created=card.created,
        owned_by=card.owned_by,
        workspace_id=store.workspace_id,
        root=job.model,
        root_version="2410",
        archived=False,
        description="tickets",
        capabilities=FTModelCapabilitiesOut(completion_chat=False, classification=True),
        job=job.id,
        classifier_targets=[SENTIMENT, TOPICS],
    )
    assert store.fine_tuned_model(model_id) == cleared


@pytest.mark.parametrize(
    ("root", "version"),
    [
        ("ministral-3b-latest", "2410"),
        ("ministral-8b-latest", "2410"),
        (BASE_3B, "2410"),
        ("open-mistral-7b", "7b"),
        ("classifier", "classifier"),
    ],
)
def test_the_root_version_is_the_base_models_version(
    factory: type[ClassifierDetailedJobOutFactory], root: str, version: str
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory, model=root)
    store.record(job)

    out = store.fine_tuned_model(model_of(job))

    assert (out.root, out.root_version) == (root, version)


def test_archive_and_unarchive_any_number_of_times(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    store.record(job)
    model_id = model_of(job)

    assert store.unarchive(model_id) == UnarchiveFTModelOut(id=model_id)
    assert not store.card(model_id).archived
    for _ in range(2):
        assert store.archive(model_id) == ArchiveFTModelOut(id=model_id)
        assert store.card(model_id).archived
        assert store.fine_tuned_model(model_id).archived
    # An archived model is still listed, and still classifies.
    assert store.list_models().data[-1] == store.card(model_id)
    assert len(store.classify(model_id, ["x"]).results) == 1
    for _ in range(2):
        assert store.unarchive(model_id) == UnarchiveFTModelOut(id=model_id)
        assert not store.card(model_id).archived
    assert to_wire(ArchiveFTModelOut(id="m")) == {"id": "m", "object": "model", "archived": True}
    assert to_wire(UnarchiveFTModelOut(id="m")) == {
        "id": "m",
        "object": "model",
        "archived": False,
    }


# --- classify and scores ----------------------------------------------------------------------


def test_classify_scores_each_input_in_order(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    store.record(job)
    model_id = model_of(job)
    conversation = {"messages": [{"role": "user", "content": "hello"}]}

    answer = store.classify(model_id, ["a", conversation, "a"])
    again = store.classify(model_id, ["a", conversation, "a"])

    assert answer.model == model_id
    assert re.fullmatch(r"[0-9a-f]{32}", answer.id)
    assert again.id != answer.id
    assert again.results == answer.results  # reproducible
    assert len(answer.results) == 3
    assert answer.results[0] == answer.results[2]
    assert answer.results[0] != answer.results[1]
    for result in answer.results:
        assert list(result) == ["sentiment", "topics"]
        assert list(result["sentiment"].scores) == SENTIMENT.labels
        assert list(result["topics"].scores) == TOPICS.labels
        for target in result.values():
            assert math.isclose(math.fsum(target.scores.values()), 1, abs_tol=1e-12)
    assert store.classify(model_id, []).results == []


def test_drawn_scores_depend_on_the_seed_and_the_model(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    job = succeeded(factory)
    other = succeeded(factory, classifier_targets=[SENTIMENT, TOPICS])
    stores = [ModelStore(rng=Random(seed)) for seed in (5, 5, 6)]
    for store in stores:
        store.record(job)
        store.record(other)

    one, same, reseeded = (store.classify(model_of(job), ["x"]) for store in stores)

    assert stores[0].workspace_id == stores[1].workspace_id != stores[2].workspace_id
    assert one == same
    assert one.results != reseeded.results
    assert stores[0].classify(model_of(other), ["x"]).results != one.results


def test_set_scores_then_back_to_drawn(factory: type[ClassifierDetailedJobOutFactory]) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    store.record(job)
    model_id = model_of(job)
    drawn = store.classify(model_id, ["great", "meh"]).results
    exact = {"positive": 0.5, "neutral": 0.25, "negative": 0.25}

    store.set_scores(model_id, {"great": {"sentiment": exact, "topics": "price"}})
    fixed = store.classify(model_id, ["great", "meh"]).results
    store.set_scores(model_id, lambda _: {"sentiment": "negative", "topics": ["delivery"]})
    by_function = store.classify(model_id, ["great"]).results[0]
    store.set_scores(model_id, None)

    assert fixed[0]["sentiment"].scores == exact
    assert fixed[1] == drawn[1]
    sentiment = by_function["sentiment"].scores
    assert max(sentiment, key=sentiment.__getitem__) == "negative"
    assert store.classify(model_id, ["great", "meh"]).results == drawn


def test_set_scores_checks_against_the_models_targets(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    store.record(job)
    model_id = model_of(job)

    with pytest.raises(
        ScoresError,
        match=exactly(
            f"scores for 'x' on model {model_id!r}: missing target 'topics'; "
            "the model's targets: sentiment, topics"
        ),
    ):
        store.set_scores(model_id, {"x": {"sentiment": "positive"}})
    with pytest.raises(ScoresError, match="must be a mapping of input texts to scores"):
        store.set_scores(model_id, 5)  # type: ignore[arg-type]


def test_a_function_that_gives_bad_scores_fails_the_classification(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    store.record(job)
    model_id = model_of(job)
    store.set_scores(model_id, lambda _: {"sentiment": "happy", "topics": "price"})

    with pytest.raises(
        ScoresError,
        match=exactly(
            f"scores for 'x' on model {model_id!r}, target 'sentiment': 'happy' is not a label; "
            "its labels: positive, neutral, negative"
        ),
    ):
        store.classify(model_id, ["x"])


def test_independent_scores_for_multi_class_targets(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    store = ModelStore(rng=Random(1), multi_class_scores="independent")
    job = succeeded(factory)
    store.record(job)

    results = store.classify(model_of(job), [f"t{i}" for i in range(50)]).results

    assert store.multi_class_scores == "independent"
    for result in results:
        sentiment, topics = result["sentiment"].scores, result["topics"].scores
        assert math.isclose(math.fsum(sentiment.values()), 1, abs_tol=1e-12)
        assert sorted(score > 0.5 for score in topics.values()) == [False, True]
    assert any(
        not math.isclose(math.fsum(r["topics"].scores.values()), 1, abs_tol=1e-6) for r in results
    )


# --- the jobs make the models -----------------------------------------------------------------


def request(**changes: Any) -> JobIn:
    fields: dict[str, Any] = {
        "model": "ministral-3b-latest",
        "hyperparameters": ClassifierTrainingParametersIn(training_steps=10),
        "training_files": [TrainingFile(file_id="3fa85f64-5717-4562-b3fc-2c963f66afa6")],
        "auto_start": True,
    }
    return JobIn(**{**fields, **changes})


def test_a_job_put_in_success_makes_its_model(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    models = ModelStore(rng=Random(1))
    jobs = JobStore(rng=Random(2), models=models)

    running = jobs.put(factory.build(status=S.RUNNING))
    done = jobs.put(succeeded(factory))

    assert list(models.models) == [model_of(done)]
    assert models.card(model_of(done)).job == done.id
    assert running.id not in {card.job for card in models.models.values()}


def test_a_job_set_to_success_makes_its_model(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    models = ModelStore(rng=Random(1))
    jobs = JobStore(rng=Random(2), models=models)
    job = jobs.put(factory.build(status=S.RUNNING))

    jobs.set_status(job.id, S.FAILED, factory.build(status=S.FAILED, id=job.id))
    assert dict(models.models) == {}
    done = jobs.set_status(job.id, "SUCCESS", succeeded(factory, id=job.id))

    assert list(models.models) == [model_of(done)]


def test_a_scripted_job_makes_its_model_when_its_get_reaches_success(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    models = ModelStore(rng=Random(1))
    jobs = JobStore(rng=Random(2), models=models, progression="manual")
    job = jobs.put(factory.build(status=S.RUNNING))
    jobs.script(job.id, ["SUCCESS"])
    assert dict(models.models) == {}

    done = jobs.get_job(job.id)

    assert done.status is S.SUCCESS
    assert models.card(model_of(done)).job == job.id
    assert models.fine_tuned_model(model_of(done)).classifier_targets == done.classifier_targets


def test_a_created_job_makes_its_model_on_the_get_that_reaches_success() -> None:
    models = ModelStore(rng=Random(1))
    jobs = JobStore(rng=Random(2), models=models)
    created = jobs.create_job(request(model="ministral-8b-latest"))
    statuses: list[ClassifierJobOutStatus] = []
    while not statuses or statuses[-1] is not S.SUCCESS:
        assert dict(models.models) == {}
        statuses.append(jobs.get_job(created.id).status)
        assert len(statuses) < 10

    done = jobs.jobs[created.id]
    card = models.card(model_of(done))
    success = [e for e in done.events if (e.data or {}).get("status") == "SUCCESS"]
    assert (card.job, card.root, card.created) == (
        done.id,
        "ministral-8b-latest",
        success[-1].created_at,
    )
    out = models.fine_tuned_model(card.id)
    assert out.classifier_targets == done.classifier_targets
    assert out.root_version == "2410"
    jobs.get_job(created.id)  # later GETs change nothing
    assert models.card(card.id) is card


def test_a_job_store_without_models_makes_none(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    jobs = JobStore(rng=Random(2))
    jobs.put(succeeded(factory))
    assert jobs.models is None


def test_the_model_of_a_job_deleted_stays_deleted_when_the_job_is_put_again(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    models = ModelStore(rng=Random(1))
    jobs = JobStore(rng=Random(2), models=models)
    job = jobs.put(succeeded(factory))
    models.delete(model_of(job))

    jobs.put(job)

    assert dict(models.models) == {}


# --- the HTTP answers -------------------------------------------------------------------------


@attrs.define
class World:
    api: Api
    strict: Api
    models: ModelStore
    job: ClassifierDetailedJobOut

    @property
    def model_id(self) -> str:
        return model_of(self.job)


@pytest.fixture(name="world")
def world_fixture(factory: type[ClassifierDetailedJobOutFactory]) -> World:
    models = ModelStore(rng=Random(1))
    jobs = JobStore(rng=Random(2), models=models)
    job = jobs.put(succeeded(factory))
    return World(api=Api(jobs), strict=Api(jobs, validation="strict"), models=models, job=job)


def call(
    api: Api,
    method: str,
    path: str,
    body: object = None,
    *,
    raw: bytes | None = None,
    query: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> ApiResponse:
    content = raw if raw is not None else b"" if body is None else json.dumps(body).encode()
    return api.handle(
        ApiRequest(
            method=method,
            path=path,
            query=query or [],
            headers=AUTH if headers is None else headers,
            body=content,
            root="https://api.mistral.ai",
        )
    )


def answer(response: ApiResponse) -> tuple[int, Any]:
    return response.status_code, json.loads(response.content)


def not_found(model_id: str) -> tuple[int, dict[str, Any]]:
    return 404, {
        "object": "error",
        "message": f"Model not found: {model_id}",
        "type": "model_not_found",
        "param": None,
        "code": "3040",
    }


def invalid_model(model_id: str) -> tuple[int, dict[str, Any]]:
    return 400, {
        "object": "error",
        "message": f"Invalid model: {model_id}",
        "type": "invalid_model",
        "param": None,
        "code": "1500",
        "raw_status_code": 400,
    }


def base_refused(model_id: str) -> tuple[int, dict[str, Any]]:
    return 403, {"detail": f"{model_id} is a base model: only fine-tuned models can be changed."}


def invalid(*problems: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 422, {"detail": list(problems)}


def ft(model_id: str, action: str = "") -> str:
    return f"/v1/fine_tuning/models/{model_id}" + (f"/{action}" if action else "")


def test_list_models(world: World) -> None:
    for query in ([], [("provider", "mistral"), ("model", "x")]):
        response = call(world.api, "GET", "/v1/models", query=query)
        assert answer(response) == (200, to_wire(world.models.list_models()))
    _, body = answer(call(world.api, "GET", "/v1/models"))
    assert [card["type"] for card in body["data"]] == ["base", "base", "fine-tuned"]
    assert body["data"][2]["id"] == world.model_id
    assert body["object"] == "list"
    assert from_wire(ModelList, body) == world.models.list_models()


def test_the_models_operations_need_a_token(world: World) -> None:
    for method, path in [("GET", "/v1/models"), ("DELETE", f"/v1/models/{world.model_id}")]:
        assert answer(call(world.api, method, path, headers={})) == (
            401,
            {"detail": "Unauthorized"},
        )
    assert world.model_id in world.models.models


def test_retrieve_a_model(world: World) -> None:
    assert answer(call(world.api, "GET", f"/v1/models/{world.model_id}")) == (
        200,
        to_wire(world.models.card(world.model_id)),
    )
    assert answer(call(world.api, "GET", "/v1/models/ministral-3b-latest")) == (
        200,
        to_wire(BASE_MODEL_CARDS[0]),
    )
    assert answer(call(world.api, "GET", f"/v1/models/{UNKNOWN}")) == not_found(UNKNOWN)


def test_delete_a_model(world: World) -> None:
    path = f"/v1/models/{world.model_id}"

    assert answer(call(world.api, "DELETE", path)) == (
        200,
        {"id": world.model_id, "object": "model", "deleted": True},
    )
    assert answer(call(world.api, "DELETE", path)) == not_found(world.model_id)
    assert answer(call(world.api, "GET", path)) == not_found(world.model_id)
    assert answer(call(world.api, "DELETE", "/v1/models/ministral-8b-latest")) == base_refused(
        "ministral-8b-latest"
    )


def test_update_a_model(world: World) -> None:
    path = ft(world.model_id)

    status, named = answer(call(world.api, "PATCH", path, {"name": "v1", "description": "d"}))
    _, kept = answer(call(world.api, "PATCH", path, {}))
    _, cleared = answer(call(world.api, "PATCH", path, {"description": None}))

    assert status == 200
    assert named == to_wire(
        attrs.evolve(world.models.fine_tuned_model(world.model_id), description="d")
    )
    assert (named["name"], named["description"], named["model_type"]) == ("v1", "d", "classifier")
    assert kept == named
    assert (cleared["name"], cleared["description"]) == ("v1", None)
    assert from_wire(ClassifierFTModelOut, cleared) == world.models.fine_tuned_model(world.model_id)
    # The server ignores a key it does not know.
    _, ignored = answer(call(world.api, "PATCH", path, {"name": "v2", "archived": True}))
    assert (ignored["name"], ignored["archived"]) == ("v2", False)


def test_update_refusals(world: World) -> None:
    path = ft(world.model_id)
    assert answer(call(world.api, "PATCH", ft(UNKNOWN), {"name": "x"})) == not_found(UNKNOWN)
    assert answer(call(world.api, "PATCH", ft(BASE_3B), {"name": "x"})) == base_refused(BASE_3B)
    assert answer(call(world.api, "PATCH", path)) == invalid(
        {"type": "missing", "loc": ["body"], "msg": "Field required"}
    )
    assert answer(call(world.api, "PATCH", path, {"name": 5})) == invalid(
        {"type": "string_type", "loc": ["body", "name"], "msg": "Input should be a valid string"}
    )
    assert answer(call(world.strict, "PATCH", path, {"name": "x", "nmae": "y"})) == invalid(
        {
            "type": "extra_forbidden",
            "loc": ["body", "nmae"],
            "msg": "Extra inputs are not permitted",
        }
    )
    assert answer(call(world.strict, "PATCH", path, raw=b'{"description": NaN}')) == invalid(
        {
            "type": "string_type",
            "loc": ["body", "description"],
            "msg": "Input should be a valid string",
        }
    )
    assert world.models.card(world.model_id).name is None  # none of them changed it


def test_archive_and_unarchive_a_model(world: World) -> None:
    archived = {"id": world.model_id, "object": "model", "archived": True}
    unarchived = {**archived, "archived": False}
    for _ in range(2):
        assert answer(call(world.api, "POST", ft(world.model_id, "archive"))) == (200, archived)
        assert world.models.card(world.model_id).archived
    for _ in range(2):
        assert answer(call(world.api, "DELETE", ft(world.model_id, "archive"))) == (
            200,
            unarchived,
        )
        assert not world.models.card(world.model_id).archived
    for method in ("POST", "DELETE"):
        assert answer(call(world.api, method, ft(UNKNOWN, "archive"))) == not_found(UNKNOWN)
        assert answer(call(world.api, method, ft(BASE_8B, "archive"))) == base_refused(BASE_8B)


def test_classify_texts(world: World) -> None:
    model_id = world.model_id
    world.models.set_scores(
        model_id,
        {"great": {"sentiment": {"positive": 1, "neutral": 0, "negative": 0}, "topics": "price"}},
    )

    status, one = answer(
        call(world.api, "POST", "/v1/classifications", {"model": model_id, "input": "great"})
    )
    _, many = answer(
        call(
            world.api,
            "POST",
            "/v1/classifications",
            {"model": model_id, "input": ["great", "meh"], "metadata": {"k": "v"}},
        )
    )

    assert status == 200
    assert one["model"] == model_id
    assert re.fullmatch(r"[0-9a-f]{32}", one["id"])
    assert one["results"] == [
        {
            "sentiment": {"scores": {"positive": 1.0, "neutral": 0.0, "negative": 0.0}},
            "topics": {"scores": one["results"][0]["topics"]["scores"]},
        }
    ]
    assert list(one["results"][0]["topics"]["scores"]) == ["delivery", "price"]
    assert many["results"][0] == one["results"][0]
    assert many["results"][1] == to_wire(world.models.classify(model_id, ["meh"]))["results"][0]
    assert from_wire(ClassificationResponse, many).results[0]["sentiment"].scores["positive"] == 1


def test_classify_a_conversation_as_the_client_sent_it(world: World) -> None:
    seen: list[Any] = []

    def by_conversation(value: Any) -> Any:
        seen.append(value)
        return {"sentiment": "negative", "topics": "delivery"}

    world.models.set_scores(world.model_id, by_conversation)
    conversation = {
        "messages": [
            {"role": "system", "content": "Classify."},
            {"role": "user", "content": [{"type": "text", "text": "Late again"}]},
            {"role": "assistant", "content": None, "tool_calls": None},
            {"role": "tool", "content": "{}", "tool_call_id": "c1", "name": "lookup"},
        ]
    }
    body = {"model": world.model_id, "input": conversation}

    status, one = answer(call(world.api, "POST", "/v1/chat/classifications", body))
    _, two = answer(
        call(
            world.strict, "POST", "/v1/chat/classifications", {**body, "input": [conversation] * 2}
        )
    )

    assert status == 200
    assert seen == [conversation] * 3  # the client's JSON, no defaults filled in
    assert len(one["results"]) == 1
    assert len(two["results"]) == 2
    assert two["results"][0] == two["results"][1] == one["results"][0]


@pytest.mark.parametrize("chat", [False, True], ids=["text", "chat"])
def test_classify_with_a_model_that_cannot(world: World, chat: bool) -> None:
    path = "/v1/chat/classifications" if chat else "/v1/classifications"
    given: Any = {"messages": [{"role": "user", "content": "x"}]} if chat else "x"
    for model_id in (UNKNOWN, BASE_3B, "ministral-3b-latest"):
        response = call(world.api, "POST", path, {"model": model_id, "input": given})
        assert answer(response) == invalid_model(model_id)
    world.models.delete(world.model_id)
    response = call(world.api, "POST", path, {"model": world.model_id, "input": given})
    assert answer(response) == invalid_model(world.model_id)


def test_classify_bodies_the_server_refuses(world: World) -> None:
    model_id = world.model_id
    path = "/v1/classifications"
    assert answer(call(world.api, "POST", path, {"model": model_id})) == invalid(
        {"type": "missing", "loc": ["body", "input"], "msg": "Field required"}
    )
    assert answer(call(world.api, "POST", path, {"model": model_id, "input": 5})) == invalid(
        {
            "type": "string_type",
            "loc": ["body", "input", "str"],
            "msg": "Input should be a valid string",
        },
        {
            "type": "list_type",
            "loc": ["body", "input", "list[str]"],
            "msg": "Input should be a valid list",
        },
    )
    assert answer(
        call(world.api, "POST", path, {"model": model_id, "input": "x", "inputs": "y"})
    ) == invalid(
        {
            "type": "extra_forbidden",
            "loc": ["body", "inputs"],
            "msg": "Extra inputs are not permitted",
        }
    )
    for chat_path in (path, "/v1/chat/classifications"):
        assert answer(call(world.api, "POST", chat_path)) == invalid(
            {"type": "missing", "loc": ["body"], "msg": "Field required"}
        )


def test_chat_bodies_the_server_refuses(world: World) -> None:
    path = "/v1/chat/classifications"
    robot = {"messages": [{"role": "robot", "content": "x"}]}
    assert answer(
        call(world.api, "POST", path, {"model": world.model_id, "input": robot})
    ) == invalid(
        {
            "type": "union_tag_invalid",
            "loc": ["body", "input", "InstructRequest", "messages", 0],
            "msg": "Input tag 'robot' found using 'role' does not match any of the expected "
            "tags: 'system', 'user', 'assistant', 'tool'",
            "ctx": {
                "discriminator": "'role'",
                "tag": "robot",
                "expected_tags": "'system', 'user', 'assistant', 'tool'",
            },
        },
        {
            "type": "list_type",
            "loc": ["body", "input", "list[InstructRequest]"],
            "msg": "Input should be a valid list",
        },
    )
    no_role = {"messages": [{"content": "x"}]}  # the spec's default role: pydantic needs the tag
    assert answer(
        call(world.api, "POST", path, {"model": world.model_id, "input": no_role})
    ) == invalid(
        {
            "type": "union_tag_not_found",
            "loc": ["body", "input", "InstructRequest", "messages", 0],
            "msg": "Unable to extract tag using discriminator 'role'",
            "ctx": {"discriminator": "'role'"},
        },
        {
            "type": "list_type",
            "loc": ["body", "input", "list[InstructRequest]"],
            "msg": "Input should be a valid list",
        },
    )
    extra = {"messages": [{"role": "user", "content": "x", "name": "me"}]}
    status, body = answer(
        call(world.api, "POST", path, {"model": world.model_id, "input": [extra]})
    )
    assert status == 422
    assert {
        "type": "extra_forbidden",
        "loc": ["body", "input", "list[InstructRequest]", 0, "messages", 0, "user", "name"],
        "msg": "Extra inputs are not permitted",
    } in body["detail"]


def test_chat_bodies_strict_mode_refuses(world: World) -> None:
    path = "/v1/chat/classifications"
    prefix = {"messages": [{"role": "assistant", "content": "x", "prefix": 1}]}
    body = {"model": world.model_id, "input": prefix}

    assert answer(call(world.api, "POST", path, body))[0] == 200  # the server takes 1 for true
    assert answer(call(world.strict, "POST", path, body)) == invalid(
        {
            "type": "bool_type",
            "loc": ["body", "input", "InstructRequest", "messages", 0, "assistant", "prefix"],
            "msg": "Input should be a valid boolean",
        },
        {
            "type": "list_type",
            "loc": ["body", "input", "list[InstructRequest]"],
            "msg": "Input should be a valid array",
        },
    )
    nan = {"model": world.model_id, "input": "x", "metadata": {"score": math.nan}}
    assert answer(call(world.api, "POST", "/v1/classifications", nan))[0] == 200
    assert answer(call(world.strict, "POST", "/v1/classifications", nan)) == invalid(
        {
            "type": "finite_number",
            "loc": ["body", "metadata", "score"],
            "msg": "Input should be a finite number",
        }
    )


# --- RequestReader ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "changes"),
    [
        ({}, {}),
        ({"name": "n"}, {"name": "n"}),
        ({"description": None}, {"description": None}),
        ({"name": None, "description": "d", "other": 1}, {"description": "d", "name": None}),
    ],
)
def test_a_model_update_reads_only_the_keys_sent(
    body: dict[str, Any], changes: dict[str, str | None]
) -> None:
    assert RequestReader().model_update(AUTH, json.dumps(body).encode()) == changes


def test_a_model_update_in_strict_mode_refuses_unknown_keys() -> None:
    with pytest.raises(RequestRefused) as refused:
        RequestReader("strict").model_update(AUTH, b'{"name": "n", "other": 1}')

    assert (refused.value.status_code, refused.value.body) == invalid(
        {
            "type": "extra_forbidden",
            "loc": ["body", "other"],
            "msg": "Extra inputs are not permitted",
        }
    )


def test_a_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(RequestRefused) as refused:
        RequestReader().model_update({"content-type": "text/plain"}, b'{"name": "n"}')

    assert refused.value.status_code == 422
    assert refused.value.body["detail"][0]["loc"] == ["body"]  # type: ignore[index]


@pytest.mark.parametrize("mode", ["server", "strict"])
def test_classification_requests_read(mode: Any) -> None:
    reader = RequestReader(mode)
    conversation = {"messages": [{"role": "user", "content": "hi"}]}

    def read(body: object, *, chat: bool) -> Classification:
        return reader.classification(AUTH, json.dumps(body).encode(), chat=chat)

    assert read({"model": "m", "input": "a"}, chat=False) == Classification(model="m", inputs=["a"])
    assert read({"model": "m", "input": ["a", "b"]}, chat=False) == Classification(
        model="m", inputs=["a", "b"]
    )
    assert read({"model": "m", "input": []}, chat=False) == Classification(model="m", inputs=[])
    assert read({"model": "m", "input": conversation}, chat=True) == Classification(
        model="m", inputs=[conversation]
    )
    assert read({"model": "m", "input": [conversation, conversation]}, chat=True) == (
        Classification(model="m", inputs=[conversation, conversation])
    )


# --- the wire form ----------------------------------------------------------------------------


def every_new_model(
    factory: type[ClassifierDetailedJobOutFactory],
) -> list[object]:
    store = ModelStore(rng=Random(1))
    job = succeeded(factory)
    card = store.record(job)
    assert card is not None
    store.update(card.id, {"name": "n", "description": "d"})
    store.archive(card.id)
    return [
        *BASE_MODEL_CARDS,
        store.card(card.id),
        store.list_models(),
        ModelList(),
        DeleteModelOut(id=card.id),
        store.fine_tuned_model(card.id),
        ArchiveFTModelOut(id=card.id),
        UnarchiveFTModelOut(id=card.id),
        ModelCapabilities(vision=True, ocr=True, moderation=True, audio=True),
        FTModelCapabilitiesOut(),
        store.classify(card.id, ["a", "b"]),
        ClassificationResponse(id="0" * 32, model="m"),
        ClassificationTargetResult(scores={"a b": 0.25, "c": 1.0}),
        attrs.evolve(
            BASE_MODEL_CARDS[0],
            deprecation="2026-01-01T00:00:00Z",
            deprecation_replacement_model="ministral-8b-latest",
        ),
    ]


def test_every_new_model_goes_through_the_wire_and_back(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    for model in every_new_model(factory):
        wire = to_wire(model)
        assert json.loads(json.dumps(wire, allow_nan=False)) == wire
        assert from_wire(type(model), json.loads(json.dumps(wire))) == model, type(model)


def test_the_wire_form_of_a_fine_tuned_card() -> None:
    card = FTModelCard(
        id="ft:classifier:ministral-3b-latest:abcd0123:20250101:12345678",
        created=1,
        owned_by="abcd0123",
        capabilities=CLASSIFIER_CAPABILITIES,
        job="j",
        root="ministral-3b-latest",
    )

    assert to_wire(card) == {
        "id": card.id,
        "object": "model",
        "created": 1,
        "owned_by": "abcd0123",
        "capabilities": {
            "completion_chat": False,
            "function_calling": False,
            "completion_fim": False,
            "fine_tuning": False,
            "vision": False,
            "ocr": False,
            "classification": True,
            "moderation": False,
            "audio": False,
            "audio_transcription": False,
        },
        "name": None,
        "description": None,
        "max_context_length": 32768,
        "aliases": [],
        "deprecation": None,
        "deprecation_replacement_model": None,
        "default_model_temperature": None,
        "type": "fine-tuned",
        "job": "j",
        "root": "ministral-3b-latest",
        "archived": False,
    }


def test_a_model_list_picks_each_cards_class_by_its_type() -> None:
    base = to_wire(BASE_MODEL_CARDS[0])
    fine_tuned = {**base, "type": "fine-tuned", "job": "j", "root": BASE_3B, "archived": True}

    listed = from_wire(ModelList, {"object": "list", "data": [fine_tuned, base]})

    assert [type(card) for card in listed.data] == [FTModelCard, BaseModelCard]
    assert isinstance(listed.data[0], FTModelCard)
    assert listed.data[0].archived
    assert listed.data[1] == BASE_MODEL_CARDS[0]


def test_a_model_list_with_bad_cards() -> None:
    base = to_wire(BASE_MODEL_CARDS[0])
    no_type = {k: v for k, v in base.items() if k != "type"}
    data = [
        {**base, "type": "classifier"},
        5,
        {**base, "type": 1},
        {**base, "created": "1"},
        no_type,
        {"type": "fine-tuned", "id": "x", "created": 1, "owned_by": "o", "capabilities": {}},
    ]

    with pytest.raises(WireFormatError) as raised:
        from_wire(ModelList, {"object": "list", "data": data})

    assert str(raised.value) == (
        "cannot read a ModelList from wire data, 7 problems:\n"
        "  $.data[0].type: expected one of 'base', 'fine-tuned', got str 'classifier'\n"
        "  $.data[1]: expected a JSON object, got int 5\n"
        "  $.data[2].type: expected one of 'base', 'fine-tuned', got int 1\n"
        "  $.data[3].created: expected an integer, got str '1'\n"
        "  $.data[4].type: expected one of 'base', 'fine-tuned', got None\n"
        "  $.data[5].job: required field is missing\n"
        "  $.data[5].root: required field is missing"
    )
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot read a ModelList from wire data, 1 problem:\n"
            "  $.data: expected a list, got dict {}"
        ),
    ):
        from_wire(ModelList, {"data": {}})


def test_bad_classification_responses() -> None:
    results = [
        {"t": {"scores": {"a": "0.5", "b c": True, "d": math.nan}}, "u": 5},
        [],
        {"v": {"scores": []}},
    ]

    with pytest.raises(WireFormatError) as raised:
        from_wire(ClassificationResponse, {"id": "i", "model": "m", "results": results})

    assert str(raised.value) == (
        "cannot read a ClassificationResponse from wire data, 6 problems:\n"
        "  $.results[0].t.scores.a: expected a number, got str '0.5'\n"
        "  $.results[0].t.scores['b c']: expected a number, got bool True\n"
        "  $.results[0].t.scores.d: expected a finite number, got float nan\n"
        "  $.results[0].u: expected a ClassificationTargetResult object, got int 5\n"
        "  $.results[1]: expected a JSON object, got list []\n"
        "  $.results[2].v.scores: expected a JSON object, got list []"
    )


def test_to_wire_refuses_what_is_not_a_card_in_a_model_list() -> None:
    bad = ModelList(data=[BASE_MODEL_CARDS[0], DeleteModelOut(id="x")])  # type: ignore[list-item]

    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot put this ModelList on the wire, 1 problem:\n"
            "  $.data[1]: expected a BaseModelCard or a FTModelCard instance, "
            "got DeleteModelOut DeleteModelOut(id='x', object='model'..."
        ),
    ):
        to_wire(bad)


def test_to_wire_checks_the_cards_inside_a_model_list() -> None:
    bad = ModelList(data=[attrs.evolve(BASE_MODEL_CARDS[0], default_model_temperature=math.inf)])

    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot put this ModelList on the wire, 1 problem:\n"
            "  $.data[0].default_model_temperature: expected a finite number, got float inf"
        ),
    ):
        to_wire(bad)


def test_to_wire_refuses_scores_that_json_cannot_hold() -> None:
    answer_ = ClassificationResponse(
        id="i",
        model="m",
        results=[
            {"t": ClassificationTargetResult(scores={"a": 0.5, "b": math.nan, "c d": -math.inf})},
            {"u": 5},  # type: ignore[dict-item]
            5,  # type: ignore[list-item]
        ],
    )

    with pytest.raises(WireFormatError) as raised:
        to_wire(answer_)

    assert str(raised.value) == (
        "cannot put this ClassificationResponse on the wire, 4 problems:\n"
        "  $.results[0].t.scores.b: expected a finite number, got float nan\n"
        "  $.results[0].t.scores['c d']: expected a finite number, got float -inf\n"
        "  $.results[1].u: expected a ClassificationTargetResult instance, got int 5\n"
        "  $.results[2]: expected a dict, got int 5"
    )
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot put this ClassificationTargetResult on the wire, 1 problem:\n"
            "  $.scores: expected a dict, got list [0.5]"
        ),
    ):
        to_wire(ClassificationTargetResult(scores=[0.5]))  # type: ignore[arg-type]


def test_to_wire_refuses_what_is_not_a_list_of_cards_or_results() -> None:
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot put this ModelList on the wire, 1 problem:\n"
            "  $.data: expected a list, got tuple (BaseModelCard(id='ministral-3b-2410'..."
        ),
    ):
        to_wire(ModelList(data=tuple(BASE_MODEL_CARDS)))  # type: ignore[arg-type]
    with pytest.raises(
        WireFormatError,
        match=exactly(
            "cannot put this ClassificationResponse on the wire, 1 problem:\n"
            "  $.results: expected a list, got dict {}"
        ),
    ):
        to_wire(ClassificationResponse(id="i", model="m", results={}))  # type: ignore[arg-type]


def test_to_wire_names_a_non_string_key_in_a_wire_format_error() -> None:
    bad = ClassificationTargetResult(scores={1: math.nan})  # type: ignore[dict-item]

    with pytest.raises(WireFormatError):
        to_wire(bad)
