"""How a fake classifier scores its inputs: drawn scores, fixed scores, and every ScoresError."""

import math
import re
from collections.abc import Mapping
from typing import Any

import pytest

from pytest_classifierjobs.models import ClassificationTargetResult, ClassifierTargetOut
from pytest_classifierjobs.scores import (
    MULTI_CLASS_SCORES,
    ClassifierInput,
    Scores,
    ScoresError,
    check_scores,
    check_setting,
    input_text,
    score,
)

SENTIMENT = ClassifierTargetOut(
    name="sentiment",
    labels=["positive", "neutral", "negative"],
    weight=1.0,
    loss_function="single_class",
)
TOPICS = ClassifierTargetOut(
    name="topics",
    labels=["delivery", "price", "quality"],
    weight=0.5,
    loss_function="multi_class",
)
TARGETS = [SENTIMENT, TOPICS]
SALT = "1234:ft:classifier:m"
TEXTS = [f"ticket {i}" for i in range(200)]
CONVERSATION: dict[str, Any] = {
    "messages": [
        {"role": "user", "content": "My device broke."},
        {"role": "assistant", "content": "Did you restart it?", "prefix": False},
        {"role": "user", "content": "Still broken."},
    ]
}
HEAD = "scores for 'great' on model 'm'"
SENTIMENT_HEAD = f"{HEAD}, target 'sentiment'"
TOPICS_HEAD = f"{HEAD}, target 'topics'"
SENTIMENT_LABELS = "its labels: positive, neutral, negative"
TOPICS_LABELS = "its labels: delivery, price, quality"


def exactly(message: str) -> str:
    """A pattern for pytest.raises(match=...) that matches this whole message and nothing else."""
    return rf"\A{re.escape(message)}\Z"


def scores_of(result: Mapping[str, ClassificationTargetResult], target: str) -> dict[str, float]:
    return result[target].scores


def winner(scores: Mapping[str, float]) -> str:
    return max(scores, key=scores.__getitem__)


def fixed(setting: object) -> Any:
    """``setting`` checked against TARGETS, as ModelStore.set_scores checks it."""
    return check_setting(setting, TARGETS, model_id="m")


# --- input_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("It's nice", "It's nice", id="text"),
        pytest.param("", "", id="empty-text"),
        pytest.param(CONVERSATION, "Still broken.", id="last-message"),
        pytest.param(
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "Still "},
                            {"type": "image_url", "image_url": "https://x/y.png"},
                            "not a chunk",
                            {"type": "text", "text": "broken."},
                        ],
                    }
                ]
            },
            "Still broken.",
            id="text-chunks-joined",
        ),
        pytest.param({"messages": [{"role": "assistant", "content": None}]}, "", id="null"),
        pytest.param({"messages": [{"role": "assistant"}]}, "", id="no-content"),
        pytest.param({"messages": [{"role": "user", "content": 5}]}, "", id="odd-content"),
        pytest.param({"messages": []}, "", id="no-messages"),
        pytest.param({}, "", id="no-messages-key"),
    ],
)
def test_input_text(value: ClassifierInput, text: str) -> None:
    assert input_text(value) == text


# --- drawn scores ---------------------------------------------------------------------------


def test_the_multi_class_modes() -> None:
    assert MULTI_CLASS_SCORES == ("normalized", "independent")


@pytest.mark.parametrize("mode", MULTI_CLASS_SCORES)
def test_drawn_scores_of_every_label_in_target_order_and_single_class_sums_to_one(
    mode: Any,
) -> None:
    for text in TEXTS:
        result = score(TARGETS, text, salt=SALT, multi_class=mode)
        assert list(result) == ["sentiment", "topics"]
        for target in TARGETS:
            assert list(scores_of(result, target.name)) == target.labels
        sentiment = scores_of(result, "sentiment")
        assert all(type(s) is float and 0 < s < 1 for s in sentiment.values())
        assert math.isclose(math.fsum(sentiment.values()), 1, abs_tol=1e-12)


def test_normalized_multi_class_scores_sum_to_one_too() -> None:
    for text in TEXTS:
        topics = scores_of(score(TARGETS, text, salt=SALT), "topics")
        assert all(0 < s < 1 for s in topics.values())
        assert math.isclose(math.fsum(topics.values()), 1, abs_tol=1e-12)


def test_independent_multi_class_scores_are_a_sigmoid_each() -> None:
    sums = set()
    for text in TEXTS:
        topics = scores_of(score(TARGETS, text, salt=SALT, multi_class="independent"), "topics")
        assert all(0 < s < 1 for s in topics.values())
        # One drawn label wins (above 0.5), the others stay below.
        assert sorted(s > 0.5 for s in topics.values()) == [False, False, True]
        sums.add(round(math.fsum(topics.values()), 6))
    assert len(sums) > 1  # no longer normalised: the sums vary
    assert all(not math.isclose(s, 1, abs_tol=1e-9) for s in sums)


def test_independent_winners_set_by_the_test_are_above_a_half_and_the_rest_below() -> None:
    setting = fixed(
        {text: {"sentiment": "neutral", "topics": ["delivery", "quality"]} for text in TEXTS}
    )
    for text in TEXTS:
        result = score(TARGETS, text, salt=SALT, setting=setting, multi_class="independent")
        topics = scores_of(result, "topics")
        assert topics["delivery"] > 0.5
        assert topics["quality"] > 0.5
        assert topics["price"] < 0.5
        sentiment = scores_of(result, "sentiment")  # single_class: still a softmax
        assert math.isclose(math.fsum(sentiment.values()), 1, abs_tol=1e-12)


def test_drawn_scores_are_a_function_of_salt_target_and_input() -> None:
    first = score(TARGETS, "great", salt=SALT)
    assert score(TARGETS, "great", salt=SALT) == first
    assert score(TARGETS, "great!", salt=SALT) != first
    assert score(TARGETS, "great", salt=SALT + "0") != first
    # Two targets with the same labels draw apart: the target's name is part of the draw.
    twin = ClassifierTargetOut(
        name="mood", labels=SENTIMENT.labels, weight=1.0, loss_function="single_class"
    )
    both = score([SENTIMENT, twin], "great", salt=SALT)
    assert scores_of(both, "sentiment") == scores_of(first, "sentiment")
    assert scores_of(both, "mood") != scores_of(both, "sentiment")
    # The mode changes only the multi_class target.
    independent = score(TARGETS, "great", salt=SALT, multi_class="independent")
    assert scores_of(independent, "sentiment") == scores_of(first, "sentiment")
    assert scores_of(independent, "topics") != scores_of(first, "topics")


def test_drawn_scores_of_a_conversation_depend_on_all_of_it_not_its_key_order() -> None:
    first = score(TARGETS, CONVERSATION, salt=SALT)
    reordered = {"messages": [dict(reversed(m.items())) for m in CONVERSATION["messages"]]}
    assert score(TARGETS, reordered, salt=SALT) == first
    shorter = {"messages": CONVERSATION["messages"][-1:]}  # the same last message
    assert score(TARGETS, shorter, salt=SALT) != first
    # A text equal to the last message is another input.
    assert score(TARGETS, "Still broken.", salt=SALT) != first


def test_a_target_without_labels_scores_nothing() -> None:
    empty = ClassifierTargetOut(name="t", labels=[], weight=1.0, loss_function="multi_class")
    for mode in MULTI_CLASS_SCORES:
        assert score([empty], "x", salt=SALT, multi_class=mode) == {
            "t": ClassificationTargetResult(scores={})
        }


def test_no_targets_no_scores() -> None:
    assert score([], "x", salt=SALT) == {}


# --- fixed scores -----------------------------------------------------------------------------


def test_a_winning_label_set_by_text() -> None:
    setting = fixed({"great": {"sentiment": "negative", "topics": "price"}})

    result = score(TARGETS, "great", salt=SALT, setting=setting)

    sentiment, topics = scores_of(result, "sentiment"), scores_of(result, "topics")
    assert winner(sentiment) == "negative"
    assert winner(topics) == "price"
    assert list(sentiment) == SENTIMENT.labels
    assert math.isclose(math.fsum(sentiment.values()), 1, abs_tol=1e-12)
    assert math.isclose(math.fsum(topics.values()), 1, abs_tol=1e-12)
    # Reproducible, and another text is drawn as if nothing were set.
    assert score(TARGETS, "great", salt=SALT, setting=setting) == result
    assert score(TARGETS, "other", salt=SALT, setting=setting) == score(TARGETS, "other", salt=SALT)


def test_winning_labels_of_a_multi_class_target() -> None:
    setting = fixed({"great": {"sentiment": "positive", "topics": ("delivery", "price")}})
    assert setting["great"]["topics"] == ["delivery", "price"]  # a tuple is kept as a list

    topics = scores_of(score(TARGETS, "great", salt=SALT, setting=setting), "topics")

    assert min(topics["delivery"], topics["price"]) > topics["quality"]
    assert math.isclose(math.fsum(topics.values()), 1, abs_tol=1e-12)


def test_every_label_score_is_given_back_exactly_in_label_order() -> None:
    setting = fixed(
        {
            "great": {
                "sentiment": {"negative": 0.125, "positive": 0.75, "neutral": 0.125},
                "topics": {"quality": 1, "price": 0, "delivery": 0.5},
            }
        }
    )

    result = score(TARGETS, "great", salt=SALT, setting=setting, multi_class="independent")

    assert list(scores_of(result, "sentiment").items()) == [
        ("positive", 0.75),
        ("neutral", 0.125),
        ("negative", 0.125),
    ]
    topics = scores_of(result, "topics")
    assert list(topics.items()) == [("delivery", 0.5), ("price", 0.0), ("quality", 1.0)]
    assert all(type(s) is float for s in topics.values())  # integers are written as floats


@pytest.mark.parametrize(
    "conversation",
    [
        pytest.param(CONVERSATION, id="string-content"),
        pytest.param(
            {
                "messages": [
                    {
                        "role": "user",
                        "content": [
                            {"type": "text", "text": "Still"},
                            {"type": "text", "text": " broken."},
                        ],
                    }
                ]
            },
            id="text-chunks",
        ),
    ],
)
def test_a_conversation_gets_the_fixed_scores_of_its_last_message(
    conversation: dict[str, Any],
) -> None:
    exact = {"positive": 0.0, "neutral": 0.0, "negative": 1.0}
    setting = fixed({"Still broken.": {"sentiment": exact, "topics": "quality"}})

    result = score(TARGETS, conversation, salt=SALT, setting=setting)

    assert scores_of(result, "sentiment") == exact
    assert winner(scores_of(result, "topics")) == "quality"


def test_a_function_gets_the_text_or_the_conversation() -> None:
    seen: list[ClassifierInput] = []

    def by_keyword(value: ClassifierInput) -> Scores | None:
        seen.append(value)
        if input_text(value) == "skip":
            return None
        negative = "refund" in input_text(value)
        return {"sentiment": "negative" if negative else "positive", "topics": ["price"]}

    assert check_setting(by_keyword, TARGETS, model_id="m") is by_keyword

    refund = score(TARGETS, "a refund", salt=SALT, setting=by_keyword)
    thanks = score(TARGETS, CONVERSATION, salt=SALT, setting=by_keyword)
    skipped = score(TARGETS, "skip", salt=SALT, setting=by_keyword)

    assert seen == ["a refund", CONVERSATION, "skip"]
    assert seen[1] is CONVERSATION  # the JSON as given, not a copy
    assert winner(scores_of(refund, "sentiment")) == "negative"
    assert winner(scores_of(thanks, "sentiment")) == "positive"
    assert winner(scores_of(thanks, "topics")) == "price"
    assert skipped == score(TARGETS, "skip", salt=SALT)  # None: drawn


def test_the_scores_a_function_gives_are_checked_naming_the_input() -> None:
    with pytest.raises(
        ScoresError,
        match=exactly(
            "scores for 'a refund' on model 'm', target 'sentiment': 'angry' is not a label; "
            f"{SENTIMENT_LABELS}"
        ),
    ):
        score(
            TARGETS,
            "a refund",
            salt=SALT,
            model_id="m",
            setting=lambda _: {"sentiment": "angry", "topics": "price"},
        )

    # A conversation is named by its repr, cut at 60 characters.
    where = repr(CONVERSATION)[:60]
    with pytest.raises(
        ScoresError,
        match=exactly(
            f"scores for {where} on model 'm': missing target 'topics'; "
            "the model's targets: sentiment, topics"
        ),
    ):
        score(
            TARGETS,
            CONVERSATION,
            salt=SALT,
            model_id="m",
            setting=lambda _: {"sentiment": "positive"},
        )


def test_a_winner_set_by_the_test_always_wins() -> None:
    texts = [f"ticket {i}" for i in range(2000)]
    setting = fixed(
        {text: {"sentiment": "negative", "topics": ["delivery", "price"]} for text in texts}
    )
    lost = []
    for text in texts:
        result = score(TARGETS, text, salt=SALT, setting=setting)
        sentiment, topics = scores_of(result, "sentiment"), scores_of(result, "topics")
        if (
            winner(sentiment) != "negative"
            or min(topics["delivery"], topics["price"]) <= topics["quality"]
        ):
            lost.append((text, sentiment, topics))
    assert lost == []


# --- ScoresError: the setting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        pytest.param(5, "5", id="int"),
        pytest.param("great", "'great'", id="str"),
        pytest.param(None, "None", id="none"),
        pytest.param([("great", {})], "[('great', {})]", id="list-of-pairs"),
    ],
)
def test_a_setting_that_is_neither_a_mapping_nor_a_function(setting: object, shown: str) -> None:
    with pytest.raises(
        ScoresError,
        match=exactly(
            "scores for model 'm' must be a mapping of input texts to scores, such as "
            '{"It\'s nice": {"sentiment": "positive"}}, or a function of the input, '
            f"not {shown}"
        ),
    ):
        check_setting(setting, TARGETS, model_id="m")


def test_a_long_setting_is_cut_in_the_message() -> None:
    setting = ["x" * 500]
    full = (
        "scores for model 'm' must be a mapping of input texts to scores, such as "
        '{"It\'s nice": {"sentiment": "positive"}}, or a function of the input, '
        f"not {setting!r}"
    )

    with pytest.raises(ScoresError) as raised:
        check_setting(setting, TARGETS, model_id="m")

    assert str(raised.value) == full[:300]
    assert len(str(raised.value)) == 300


@pytest.mark.parametrize("key", [1, ("great",), None], ids=["int", "tuple", "none"])
def test_the_inputs_of_fixed_scores_are_texts(key: object) -> None:
    with pytest.raises(
        ScoresError,
        match=exactly(
            "the inputs of fixed scores are texts (a conversation is matched by its last "
            f"message's text), not {key!r}"
        ),
    ):
        check_setting({key: {"sentiment": "positive", "topics": "price"}}, TARGETS, model_id="m")


def test_fixed_scores_are_checked_when_set_naming_the_text() -> None:
    with pytest.raises(
        ScoresError,
        match=exactly(f"{SENTIMENT_HEAD}: 'happy' is not a label; {SENTIMENT_LABELS}"),
    ):
        check_setting(
            {
                "fine": {"sentiment": "positive", "topics": "price"},
                "great": {"sentiment": "happy", "topics": "price"},
            },
            TARGETS,
            model_id="m",
        )


def test_an_empty_setting_is_fine() -> None:
    assert check_setting({}, TARGETS, model_id="m") == {}


# --- ScoresError: one input's scores ----------------------------------------------------------

OK_TOPICS: dict[str, Any] = {"topics": "price"}


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        pytest.param(
            "positive",
            f"{HEAD} must map each target (sentiment, topics) to its scores, not 'positive'",
            id="not-a-mapping",
        ),
        pytest.param(
            {"sentiment": "positive", "topics": "price", "mood": "ok"},
            f"{HEAD}: unknown target 'mood'; the model's targets: sentiment, topics",
            id="unknown-target",
        ),
        pytest.param(
            {"sentiment": "positive"},
            f"{HEAD}: missing target 'topics'; the model's targets: sentiment, topics",
            id="missing-target",
        ),
        pytest.param(
            {"mood": "ok", "tone": "ok"},
            f"{HEAD}: unknown target 'mood'; unknown target 'tone'; missing target 'sentiment'; "
            "missing target 'topics'; the model's targets: sentiment, topics",
            id="unknown-and-missing-targets",
        ),
        pytest.param(
            {"sentiment": "happy", **OK_TOPICS},
            f"{SENTIMENT_HEAD}: 'happy' is not a label; {SENTIMENT_LABELS}",
            id="unknown-label",
        ),
        pytest.param(
            {"sentiment": "Positive", **OK_TOPICS},
            f"{SENTIMENT_HEAD}: 'Positive' is not a label (did you mean 'positive'?); "
            f"{SENTIMENT_LABELS}",
            id="misspelt-label",
        ),
        pytest.param(
            {"sentimant": "positive", **OK_TOPICS},
            f"{HEAD}: unknown target 'sentimant' (did you mean 'sentiment'?); missing target "
            "'sentiment'; the model's targets: sentiment, topics",
            id="misspelt-target",
        ),
        pytest.param(
            {
                "sentiment": {"positive": 0.5, "neutral": 0.5, "negative": 0, "happy": 0},
                **OK_TOPICS,
            },
            f"{SENTIMENT_HEAD}: unknown label 'happy'; {SENTIMENT_LABELS}",
            id="unknown-label-score",
        ),
        pytest.param(
            {"sentiment": {"positive": 0.5, "negative": 0.5}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: missing label 'neutral'; {SENTIMENT_LABELS}",
            id="missing-label",
        ),
        pytest.param(
            {"sentiment": {"happy": 1, "negative": 0}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: unknown label 'happy'; missing label 'positive'; "
            f"missing label 'neutral'; {SENTIMENT_LABELS}",
            id="unknown-and-missing-labels",
        ),
        pytest.param(
            {"sentiment": {"positive": 0.5, "neutral": "0.5", "negative": 0}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: the score of 'neutral' must be a number, not '0.5'",
            id="str-score",
        ),
        pytest.param(
            {"sentiment": {"positive": 0.5, "neutral": None, "negative": 0}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: the score of 'neutral' must be a number, not None",
            id="none-score",
        ),
        pytest.param(
            {"sentiment": {"positive": True, "neutral": 0, "negative": 0}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: the score of 'positive' must be a number, not True",
            id="bool-score",
        ),
        pytest.param(
            {"sentiment": {"positive": 0.5, "neutral": math.nan, "negative": 0}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: the score of 'neutral' must be finite, not nan",
            id="nan-score",
        ),
        pytest.param(
            {"sentiment": {"positive": -math.inf, "neutral": 0, "negative": 0}, **OK_TOPICS},
            f"{SENTIMENT_HEAD}: the score of 'positive' must be finite, not -inf",
            id="inf-score",
        ),
        pytest.param(
            {"sentiment": ["positive", "neutral"], **OK_TOPICS},
            f"{SENTIMENT_HEAD}: several winning labels need a multi_class target; "
            "this one is single_class: give one label",
            id="winners-on-single-class",
        ),
        pytest.param(
            {"sentiment": "positive", "topics": ["price", "speed", "colour"]},
            f"{TOPICS_HEAD}: 'speed', 'colour' not labels; {TOPICS_LABELS}",
            id="non-labels-in-winners",
        ),
        pytest.param(
            {"sentiment": 5, **OK_TOPICS},
            f"{SENTIMENT_HEAD} must be the label that wins, or every label's score "
            f"({{label: number}}), not 5; {SENTIMENT_LABELS}",
            id="int",
        ),
        pytest.param(
            {"sentiment": None, **OK_TOPICS},
            f"{SENTIMENT_HEAD} must be the label that wins, or every label's score "
            f"({{label: number}}), not None; {SENTIMENT_LABELS}",
            id="none",
        ),
        pytest.param(
            {"sentiment": "positive", "topics": []},
            f"{TOPICS_HEAD} must be the label that wins, or every label's score "
            f"({{label: number}}), not []; {TOPICS_LABELS}",
            id="no-winners",
        ),
        pytest.param(
            {"sentiment": "positive", "topics": ["price", 1]},
            f"{TOPICS_HEAD} must be the label that wins, or every label's score "
            f"({{label: number}}), not ['price', 1]; {TOPICS_LABELS}",
            id="non-str-in-winners",
        ),
    ],
)
def test_scores_that_do_not_fit_the_model(scores: object, message: str) -> None:
    with pytest.raises(ScoresError, match=exactly(message)):
        check_scores(scores, TARGETS, model_id="m", where="'great'")
    # The same through check_setting, where the text is the input's name.
    with pytest.raises(ScoresError, match=exactly(message)):
        check_setting({"great": scores}, TARGETS, model_id="m")


def test_scores_error_is_a_value_error() -> None:
    assert issubclass(ScoresError, ValueError)


def test_checked_scores_keep_what_was_given() -> None:
    given = {
        "sentiment": {"positive": 1, "neutral": 0.0, "negative": 0},
        "topics": ("price",),
    }

    checked = check_scores(given, TARGETS, model_id="m", where="'x'")

    assert checked == {"sentiment": given["sentiment"], "topics": ["price"]}
    assert list(checked) == ["sentiment", "topics"]
