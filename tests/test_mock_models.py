"""ClassifierJobsMock's models: add_model, models, set_scores, multi_class_scores, over httpx."""

import math
import re
from typing import Any

import attrs
import httpx
import pytest

from pytest_classifierjobs import (
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    ClassifierTargetOut,
    FTModelCard,
    from_wire,
    settings,
)
from pytest_classifierjobs.models import ClassifierJobOut, ClassifierTargetIn
from pytest_classifierjobs.scores import ScoresError
from pytest_classifierjobs.state.jobs import JobNotFoundError
from pytest_classifierjobs.state.models import UnknownModelError

S = ClassifierJobOutStatus
BASE = "https://api.mistral.ai"
AUTH = {"Authorization": "Bearer k"}
SENTIMENT = {"sentiment": ["positive", "neutral", "negative"]}
TOPICS = ClassifierTargetOut(
    name="topics", labels=["delivery", "price", "quality"], weight=0.5, loss_function="multi_class"
)


def exactly(message: str) -> str:
    """A pattern for pytest.raises(match=...) that matches this whole message and nothing else."""
    return rf"\A{re.escape(message)}\Z"


def classify(model: str, inputs: Any) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{BASE}/v1/classifications", json={"model": model, "input": inputs}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def scores(result: dict[str, Any], target: str) -> dict[str, float]:
    found: dict[str, float] = result[target]["scores"]
    return found


def listed() -> list[dict[str, Any]]:
    response = httpx.get(f"{BASE}/v1/models", headers=AUTH)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


# --- add_model ------------------------------------------------------------------------------


def test_a_model_with_targets_of_the_tests_choice() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(targets=SENTIMENT)

        job = fake.jobs[card.job]
        assert job.status is S.SUCCESS
        assert job.fine_tuned_model == card.id
        assert job.classifier_targets == [
            ClassifierTargetOut(
                name="sentiment",
                labels=["positive", "neutral", "negative"],
                weight=1.0,
                loss_function="single_class",
            )
        ]
        assert dict(fake.models) == {card.id: card}
        assert (card.root, card.name, card.description, card.archived) == (
            job.model,
            None,
            None,
            False,
        )
        assert card.capabilities.classification
        assert [m["id"] for m in listed()][2:] == [card.id]
        got = httpx.get(f"{BASE}/v1/models/{card.id}", headers=AUTH).json()
        assert from_wire(FTModelCard, got) == card
        (result,) = classify(card.id, "hello")
        assert list(scores(result, "sentiment")) == SENTIMENT["sentiment"]


def test_a_model_with_target_values_and_its_name_description_and_archive() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(
            targets=[TOPICS], name="topics-v1", description="ticket topics", archived=True
        )

        assert (card.name, card.description, card.archived) == (
            "topics-v1",
            "ticket topics",
            True,
        )
        assert fake.models[card.id] == card
        assert fake.jobs[card.job].classifier_targets == [TOPICS]
        response = httpx.patch(f"{BASE}/v1/fine_tuning/models/{card.id}", json={}, headers=AUTH)
        assert response.json()["classifier_targets"] == [attrs.asdict(TOPICS)]
        assert response.json()["archived"] is True


def test_a_model_from_a_drawn_job() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model()

        job = fake.jobs[card.job]
        assert job.status is S.SUCCESS
        assert card.id == job.fine_tuned_model
        assert list(fake.models) == [card.id]
        (result,) = classify(card.id, "x")
        assert list(result) == [target.name for target in job.classifier_targets]


def test_a_job_added_in_success_makes_its_model_and_add_model_finds_it() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        job = fake.add(status="SUCCESS")
        assert job.fine_tuned_model is not None
        made = fake.models[job.fine_tuned_model]
        assert made.job == job.id

        card = fake.add_model(job.id, name="named")

        assert card == attrs.evolve(made, name="named")
        assert list(fake.models) == [job.fine_tuned_model]


def test_a_model_from_a_job_to_store() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        detailed = fake.factory.build(status=S.SUCCESS)
        short = attrs.evolve(fake.factory.build(status=S.SUCCESS).summary(), suffix="short")

        one = fake.add_model(detailed)
        two = fake.add_model(short)

        assert fake.jobs[detailed.id] == detailed
        assert fake.jobs[short.id].suffix == "short"
        assert isinstance(short, ClassifierJobOut)
        assert (one.job, two.job) == (detailed.id, short.id)
        assert list(fake.models) == [one.id, two.id]


def test_add_model_brings_a_deleted_model_back() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(targets=SENTIMENT, name="old")
        response = httpx.delete(f"{BASE}/v1/models/{card.id}", headers=AUTH)
        assert response.status_code == 200
        assert card.id not in fake.models
        # The job is still there; putting it again does not bring the model back.
        fake.add(fake.jobs[card.job])
        assert card.id not in fake.models

        back = fake.add_model(card.job)

        assert back.id == card.id
        assert back.name is None
        assert fake.models[card.id] == back
        assert httpx.get(f"{BASE}/v1/models/{card.id}", headers=AUTH).status_code == 200


def test_add_model_takes_a_job_or_targets_not_both() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        job = fake.add(status="SUCCESS")
        with pytest.raises(
            TypeError,
            match=exactly(
                "add_model() takes a job or targets, not both: a model's targets are its job's"
            ),
        ):
            fake.add_model(job.id, targets=SENTIMENT)


@pytest.mark.parametrize("status", [S.RUNNING, S.FAILED, S.CANCELLED], ids=str)
def test_add_model_needs_a_job_in_success(status: ClassifierJobOutStatus) -> None:
    with ClassifierJobsMock(seed=1) as fake:
        job = fake.add(status=status)
        message = (
            f"job {job.id} is {status.value}: only a job in SUCCESS has a fine-tuned model; "
            "add(status='SUCCESS') or set_status(job_id, 'SUCCESS') first"
        )

        with pytest.raises(ValueError, match=exactly(message)):
            fake.add_model(job.id)
        other = fake.factory.build(status=status)
        with pytest.raises(ValueError, match="only a job in SUCCESS has a fine-tuned model"):
            fake.add_model(other)
        assert dict(fake.models) == {}


def test_add_model_of_a_success_job_without_a_model_name() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        job = fake.add(fake.factory.build(status=S.SUCCESS, fine_tuned_model=None))

        with pytest.raises(ValueError, match=f"job {job.id} is SUCCESS: only a job in SUCCESS"):
            fake.add_model(job.id)


def test_add_model_of_an_unknown_job() -> None:
    with (
        ClassifierJobsMock(seed=1) as fake,
        pytest.raises(
            JobNotFoundError, match=exactly("no stored job has the id 'nope'; stored ids: none")
        ),
    ):
        fake.add_model("nope")


@pytest.mark.parametrize(
    ("targets", "error", "message"),
    [
        pytest.param(
            {"sentiment": "positive"},
            TypeError,
            "the labels of target 'sentiment' must be a list of strings, not 'positive'",
            id="labels-a-str",
        ),
        pytest.param(
            {"sentiment": 2},
            TypeError,
            "the labels of target 'sentiment' must be a list of strings, not 2",
            id="labels-an-int",
        ),
        pytest.param(
            [TOPICS, ClassifierTargetIn(name="t", labels=["a", "b"])],
            TypeError,
            "targets must be a mapping of target names to labels, such as "
            '{"sentiment": ["positive", "negative"]}, or ClassifierTargetOut values, not '
            "ClassifierTargetIn(name='t', labels=['a', 'b'], weight=1.0, "
            "loss_function=None)",
            id="target-in",
        ),
        pytest.param(
            ["sentiment"],
            TypeError,
            "targets must be a mapping of target names to labels, such as "
            '{"sentiment": ["positive", "negative"]}, or ClassifierTargetOut values, '
            "not 'sentiment'",
            id="names",
        ),
        pytest.param(
            {"sentiment": ["positive"]},
            ValueError,
            "target 'sentiment' needs two or more distinct labels, not ['positive']",
            id="one-label",
        ),
        pytest.param(
            {"sentiment": []},
            ValueError,
            "target 'sentiment' needs two or more distinct labels, not []",
            id="no-label",
        ),
        pytest.param(
            {"a": ["x", "y"], "sentiment": ("pos", "neg", "pos")},
            ValueError,
            "target 'sentiment' needs two or more distinct labels, not ['pos', 'neg', 'pos']",
            id="duplicate-labels",
        ),
        pytest.param(
            [attrs.evolve(TOPICS, labels=["a", "a"])],
            ValueError,
            "target 'topics' needs two or more distinct labels, not ['a', 'a']",
            id="duplicate-labels-of-a-value",
        ),
        pytest.param({}, ValueError, "a classifier needs at least one target", id="no-targets"),
        pytest.param([], ValueError, "a classifier needs at least one target", id="empty-list"),
    ],
)
def test_add_model_checks_the_targets(targets: Any, error: type[Exception], message: str) -> None:
    with ClassifierJobsMock(seed=1) as fake:
        with pytest.raises(error, match=exactly(message)):
            fake.add_model(targets=targets)
        assert dict(fake.models) == {}
        assert dict(fake.jobs) == {}


def test_targets_from_any_iterable_of_labels() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(targets={"a": ("x", "y"), "b": iter(["u", "v", "w"])})

        targets = fake.jobs[card.job].classifier_targets
        assert [(t.name, t.labels) for t in targets] == [("a", ["x", "y"]), ("b", ["u", "v", "w"])]


# --- models ---------------------------------------------------------------------------------


def test_models_are_a_read_only_snapshot_oldest_first() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        first = fake.add_model(targets=SENTIMENT)
        second = fake.add_model(targets=SENTIMENT)
        snapshot = fake.models

        httpx.delete(f"{BASE}/v1/models/{first.id}", headers=AUTH)

        assert list(snapshot) == [first.id, second.id]
        assert list(fake.models) == [second.id]
        with pytest.raises(TypeError):
            snapshot["x"] = first  # type: ignore[index]


def test_changes_through_the_api_show_in_models() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(targets=SENTIMENT)

        httpx.patch(f"{BASE}/v1/fine_tuning/models/{card.id}", json={"name": "prod"}, headers=AUTH)
        httpx.post(f"{BASE}/v1/fine_tuning/models/{card.id}/archive", headers=AUTH)

        assert fake.models[card.id] == attrs.evolve(card, name="prod", archived=True)
        assert fake.routes["models.update"].call_count == 1
        assert fake.routes["models.archive"].call_count == 1


def test_a_job_that_succeeds_through_gets_makes_its_model() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        created = httpx.post(
            f"{BASE}/v1/fine_tuning/jobs",
            json={
                "model": "ministral-3b-latest",
                "hyperparameters": {"training_steps": 10},
                "training_files": [{"file_id": "0b5a4e58-6a3a-4a64-9a52-5a5bbd3c4c1e"}],
                "auto_start": True,
                "job_type": "classifier",
            },
            headers=AUTH,
        ).json()
        statuses: list[str] = []
        while not statuses or statuses[-1] != "SUCCESS":
            assert dict(fake.models) == {}
            job = httpx.get(f"{BASE}/v1/fine_tuning/jobs/{created['id']}", headers=AUTH).json()
            statuses.append(job["status"])
            assert len(statuses) < 10

        model_id = job["fine_tuned_model"]
        assert list(fake.models) == [model_id]
        assert fake.models[model_id].job == created["id"]
        assert [m["id"] for m in listed()][2:] == [model_id]
        (result,) = classify(model_id, "x")
        assert list(result) == [target["name"] for target in job["classifier_targets"]]


# --- set_scores -----------------------------------------------------------------------------


def test_set_scores_by_text_function_and_back_to_drawn() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(targets=SENTIMENT)
        drawn = classify(card.id, ["great", "meh"])
        exact = {"positive": 0.75, "neutral": 0.125, "negative": 0.125}

        fake.set_scores(card.id, {"great": {"sentiment": exact}})
        fixed = classify(card.id, ["great", "meh"])
        fake.set_scores(
            card.id, lambda value: {"sentiment": "negative"} if value == "meh" else None
        )
        by_function = classify(card.id, ["great", "meh"])
        fake.set_scores(card.id, None)

        assert scores(fixed[0], "sentiment") == exact
        assert fixed[1] == drawn[1]
        assert by_function[0] == drawn[0]
        meh = scores(by_function[1], "sentiment")
        assert max(meh, key=meh.__getitem__) == "negative"
        assert classify(card.id, ["great", "meh"]) == drawn


def test_set_scores_of_an_unknown_model_lists_the_stored_ones() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        with pytest.raises(
            UnknownModelError,
            match=exactly("no fine-tuned model has the id 'nope'; stored models: none"),
        ):
            fake.set_scores("nope", None)
        one, two = fake.add_model(targets=SENTIMENT), fake.add_model(targets=SENTIMENT)
        with pytest.raises(
            UnknownModelError,
            match=exactly(
                "no fine-tuned model has the id 'ministral-3b-latest'; "
                f"stored models: {one.id}, {two.id}"
            ),
        ):
            fake.set_scores("ministral-3b-latest", {})


def test_set_scores_that_do_not_fit_the_model() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        card = fake.add_model(targets=SENTIMENT)
        with pytest.raises(
            ScoresError,
            match=exactly(
                f"scores for 'great' on model {card.id!r}, target 'sentiment': 'happy' is not "
                "a label; its labels: positive, neutral, negative"
            ),
        ):
            fake.set_scores(card.id, {"great": {"sentiment": "happy"}})
        # Nothing was set.
        assert classify(card.id, "great") == classify(card.id, "great")


# --- the seed and multi_class_scores --------------------------------------------------------


def drawn_with(seed: int, **options: Any) -> tuple[str, list[dict[str, Any]]]:
    with ClassifierJobsMock(seed=seed, **options) as fake:
        card = fake.add_model(targets={**SENTIMENT, "topics": ["delivery", "price"]})
        return card.id, classify(card.id, ["a", "b"])


def test_the_same_seed_gives_the_same_models_and_scores() -> None:
    first, again, other = drawn_with(7), drawn_with(7), drawn_with(8)

    assert first == again
    assert other[0] != first[0]
    assert other[1] != first[1]


def test_multi_class_scores_independent() -> None:
    with ClassifierJobsMock(seed=1, multi_class_scores="independent") as fake:
        assert fake.model_store.multi_class_scores == "independent"
        card = fake.add_model(targets=[TOPICS])
        fake.set_scores(card.id, {"late and pricey": {"topics": ["delivery", "price"]}})

        drawn = classify(card.id, [f"t{i}" for i in range(20)])
        (chosen,) = classify(card.id, "late and pricey")

    for result in drawn:
        topics = scores(result, "topics")
        assert sorted(s > 0.5 for s in topics.values()) == [False, False, True]
    assert any(not math.isclose(sum(scores(r, "topics").values()), 1) for r in drawn)
    topics = scores(chosen, "topics")
    assert topics["delivery"] > 0.5
    assert topics["price"] > 0.5
    assert topics["quality"] < 0.5


def test_multi_class_scores_normalized_by_default() -> None:
    with ClassifierJobsMock(seed=1) as fake:
        assert fake.model_store.multi_class_scores == "normalized"
        card = fake.add_model(targets=[TOPICS])
        for result in classify(card.id, [f"t{i}" for i in range(20)]):
            assert math.isclose(math.fsum(scores(result, "topics").values()), 1, abs_tol=1e-12)


def test_a_bad_multi_class_scores_value() -> None:
    with pytest.raises(
        ValueError,
        match=exactly(
            "unknown multi_class_scores mode 'softmax'; expected one of 'normalized', 'independent'"
        ),
    ):
        ClassifierJobsMock(seed=1, multi_class_scores="softmax")  # type: ignore[arg-type]


# --- settings and the plugin ------------------------------------------------------------------


def test_parse_multi_class_scores() -> None:
    assert settings.parse_multi_class_scores("normalized") == "normalized"
    assert settings.parse_multi_class_scores("independent") == "independent"
    with pytest.raises(
        settings.SettingError,
        match=exactly(
            "unknown multi_class_scores mode 'Independent' (did you mean 'independent'?); "
            "expected one of 'normalized', 'independent'"
        ),
    ):
        settings.parse_multi_class_scores("Independent")


def test_multi_class_scores_as_a_run_setting_and_a_marker_option() -> None:
    origin = "--classifierjobs-multi-class-scores"
    run = settings.run_settings({"multi_class_scores": ("independent", origin)})

    assert run.multi_class_scores == "independent"
    assert settings.RunSettings(seed=1).multi_class_scores == "normalized"
    assert settings.fixture_options(run, []).multi_class_scores == "independent"
    marked = settings.fixture_options(run, [((), {"multi_class_scores": "normalized"})])
    assert marked.multi_class_scores == "normalized"
    assert "multi_class_scores" in settings.RUN_OPTIONS
    assert "multi_class_scores" in settings.FIXTURE_OPTIONS
    with pytest.raises(
        settings.SettingError,
        match=exactly(
            f"{origin}: unknown multi_class_scores mode 'x'; expected one of 'normalized', "
            "'independent'"
        ),
    ):
        settings.run_settings({"multi_class_scores": ("x", origin)})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "x",
            "@pytest.mark.classifierjobs(multi_class_scores=...): unknown multi_class_scores "
            "mode 'x'; expected one of 'normalized', 'independent'",
        ),
        (1, "@pytest.mark.classifierjobs(multi_class_scores=...): expected a string, got 1"),
    ],
)
def test_a_bad_multi_class_scores_marker(value: object, message: str) -> None:
    with pytest.raises(settings.SettingError, match=exactly(message)):
        settings.fixture_options(
            settings.RunSettings(seed=1), [((), {"multi_class_scores": value})]
        )


def test_the_option_and_the_marker_reach_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_option(classifierjobs):
            assert classifierjobs.model_store.multi_class_scores == "independent"

        @pytest.mark.classifierjobs(multi_class_scores="normalized")
        def test_marker(classifierjobs):
            assert classifierjobs.model_store.multi_class_scores == "normalized"
        """
    )

    result = pytester.runpytest_inprocess(
        "-p", "no:randomly", "--classifierjobs-multi-class-scores=independent"
    )

    result.assert_outcomes(passed=2)
