"""How-to: test code that finds, uses and cleans up fine-tuned classifiers."""

from __future__ import annotations

import pytest
from mistralai import Mistral
from mistralai.models import SDKError

from pytest_classifierjobs import ClassifierJobsMock

SENTIMENT = {"sentiment": ["positive", "neutral", "negative"]}


def newest_classifier(client: Mistral) -> str:
    """The consumer code under test: the newest fine-tuned classifier that is not archived."""
    usable = [
        card
        for card in client.models.list().data or []
        if card.type == "fine-tuned" and card.capabilities.classification and not card.archived
    ]
    if not usable:
        raise LookupError("no fine-tuned classifier: train one first")
    return max(usable, key=lambda card: card.created or 0).id


def retire_all_but(client: Mistral, keep: str) -> list[str]:
    """The consumer code under test: archive every other classifier, name the one kept."""
    retired = []
    for card in client.models.list().data or []:
        if card.type == "fine-tuned" and card.id != keep and not card.archived:
            client.models.archive(model_id=card.id)
            retired.append(card.id)
    client.models.update(model_id=keep, name="sentiment-production")
    return retired


def test_the_newest_classifier_is_picked(classifierjobs: ClassifierJobsMock) -> None:
    cards = [classifierjobs.add_model(targets=SENTIMENT) for _ in range(3)]
    newest = max(cards, key=lambda card: card.created)

    assert newest_classifier(Mistral(api_key="test-key")) == newest.id


def test_an_archived_classifier_is_not_picked(classifierjobs: ClassifierJobsMock) -> None:
    classifierjobs.add_model(targets=SENTIMENT, archived=True)

    with pytest.raises(LookupError, match="train one first"):
        newest_classifier(Mistral(api_key="test-key"))


def test_a_job_that_succeeded_has_its_model(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="SUCCESS")  # jobs in SUCCESS come with their model

    assert newest_classifier(Mistral(api_key="test-key")) == job.fine_tuned_model
    assert classifierjobs.models[job.fine_tuned_model].job == job.id


def test_the_others_are_archived_and_the_kept_one_renamed(
    classifierjobs: ClassifierJobsMock,
) -> None:
    old, kept = (classifierjobs.add_model(targets=SENTIMENT) for _ in range(2))

    retired = retire_all_but(Mistral(api_key="test-key"), keep=kept.id)

    assert retired == [old.id]
    assert classifierjobs.models[old.id].archived
    assert classifierjobs.models[kept.id].name == "sentiment-production"


def test_a_deleted_classifier_is_gone(classifierjobs: ClassifierJobsMock) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)
    client = Mistral(api_key="test-key")

    client.models.delete(model_id=model.id)

    assert model.id not in classifierjobs.models
    with pytest.raises(SDKError) as error:  # the real API's answer to an unknown model
        client.classifiers.classify(model=model.id, inputs="hello")
    assert error.value.status_code == 400
    assert "Invalid model" in error.value.body
