"""How-to: test code that routes on a fine-tuned classifier's scores."""

from __future__ import annotations

import pytest
from mistralai import Mistral

from pytest_classifierjobs import ClassifierJobsMock, ClassifierTargetOut

SENTIMENT = {"sentiment": ["positive", "neutral", "negative"]}


def route_ticket(client: Mistral, model: str, text: str) -> str:
    """The consumer code under test: where a support ticket goes, by its sentiment scores."""
    result = client.classifiers.classify(model=model, inputs=text).results[0]
    scores = result["sentiment"].scores
    if scores["negative"] >= 0.8:
        return "escalate"
    best = max(scores, key=scores.__getitem__)
    return "auto-reply" if best == "positive" else "human"


def route_chat(client: Mistral, model: str, messages: list[dict[str, str]]) -> str:
    """The same routing for a conversation, classified as a whole."""
    result = client.classifiers.classify_chat(model=model, inputs={"messages": messages})
    scores = result.results[0]["sentiment"].scores
    return "escalate" if scores["negative"] >= 0.8 else "human"


@pytest.mark.parametrize(
    ("label", "route"),
    [("positive", "auto-reply"), ("neutral", "human"), ("negative", "escalate")],
)
def test_each_winning_label_routes_the_ticket(
    classifierjobs: ClassifierJobsMock, label: str, route: str
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)
    # The label that wins: the fake draws the scores so that it has the top one, well above
    # the others (above 0.9 with three labels).
    classifierjobs.set_scores(model.id, {"Where is my order?": {"sentiment": label}})

    assert route_ticket(Mistral(api_key="test-key"), model.id, "Where is my order?") == route


def test_a_negative_ticket_below_the_threshold_goes_to_a_human(
    classifierjobs: ClassifierJobsMock,
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)
    exact = {"positive": 0.01, "neutral": 0.2, "negative": 0.79}  # every label's score
    classifierjobs.set_scores(model.id, {"Meh.": {"sentiment": exact}})

    assert route_ticket(Mistral(api_key="test-key"), model.id, "Meh.") == "human"


def test_scores_as_a_function_of_the_text(classifierjobs: ClassifierJobsMock) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)

    def by_keyword(text: object) -> dict[str, str]:
        return {"sentiment": "negative" if "refund" in str(text).lower() else "positive"}

    classifierjobs.set_scores(model.id, by_keyword)
    client = Mistral(api_key="test-key")

    assert route_ticket(client, model.id, "I want a REFUND") == "escalate"
    assert route_ticket(client, model.id, "Thanks a lot") == "auto-reply"


def test_a_conversation_is_matched_by_its_last_message(
    classifierjobs: ClassifierJobsMock,
) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)
    classifierjobs.set_scores(model.id, {"Still broken.": {"sentiment": "negative"}})
    conversation = [
        {"role": "user", "content": "My device broke."},
        {"role": "assistant", "content": "Did you restart it?"},
        {"role": "user", "content": "Still broken."},
    ]

    assert route_chat(Mistral(api_key="test-key"), model.id, conversation) == "escalate"


def test_drawn_scores_are_reproducible_and_sum_to_one(classifierjobs: ClassifierJobsMock) -> None:
    model = classifierjobs.add_model(targets=SENTIMENT)
    client = Mistral(api_key="test-key")

    first, again = (
        client.classifiers.classify(model=model.id, inputs=["a", "b"]).results for _ in range(2)
    )

    assert first == again  # the same text, the same scores (and the same in every run)
    for result in first:
        scores = result["sentiment"].scores
        assert list(scores) == SENTIMENT["sentiment"]  # every label, in the target's order
        assert sum(scores.values()) == pytest.approx(1)


def test_a_multi_label_target_scores_several_labels(classifierjobs: ClassifierJobsMock) -> None:
    topics = ClassifierTargetOut(
        name="topics",
        labels=["delivery", "price", "quality"],
        weight=1.0,
        loss_function="multi_class",
    )
    model = classifierjobs.add_model(targets=[topics])
    classifierjobs.set_scores(model.id, {"Late and pricey": {"topics": ["delivery", "price"]}})

    result = Mistral(api_key="test-key").classifiers.classify(
        model=model.id, inputs="Late and pricey"
    )

    scores = result.results[0]["topics"].scores
    assert min(scores["delivery"], scores["price"]) > scores["quality"]
