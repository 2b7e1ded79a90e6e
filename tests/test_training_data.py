"""How a job reads its training data (``training_data.py``), on plain bytes, with no HTTP."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from pytest_classifierjobs.models import ClassifierTargetIn, ClassifierTargetOut
from pytest_classifierjobs.training_data import (
    BYTES_PER_TOKEN,
    InvalidTrainingData,
    TrainingData,
    line_count,
    read_training_data,
    sample_type,
)


def jsonl(*rows: Any) -> bytes:
    """Rows as JSON Lines; a ``bytes`` row is written as it is (a line that is no JSON)."""
    return b"".join(
        (row if isinstance(row, bytes) else json.dumps(row).encode()) + b"\n" for row in rows
    )


def text(value: str, **labels: Any) -> dict[str, Any]:
    return {"text": value, "labels": labels}


def chat(value: str, **labels: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": value}], "labels": labels}


def tokens_of(content: bytes) -> int:
    """``data_tokens`` as documented: each non-blank line's bytes / 3, rounded up, summed."""
    return sum(math.ceil(len(line) / 3) for line in content.splitlines() if line.strip())


def summary(data: TrainingData) -> list[tuple[str, list[str], float, str]]:
    return [(t.name, t.labels, t.weight, t.loss_function) for t in data.targets]


def refusal(
    training: bytes,
    validation: bytes | None = None,
    *,
    skip_share: float = 0.0,
    requested: list[ClassifierTargetIn] | None = None,
) -> str:
    """The message of the ``InvalidTrainingData`` that reading the data raises."""
    valid = [] if validation is None else [("valid.jsonl", validation)]
    with pytest.raises(InvalidTrainingData) as raised:
        read_training_data(
            [("train.jsonl", training)], valid, skip_share=skip_share, requested=requested
        )
    return str(raised.value)


SENTIMENT = jsonl(
    text("great", sentiment="positive"),
    text("awful", sentiment="negative"),
    text("fine", sentiment="neutral"),
    text("superb", sentiment="positive"),
)


# --- what validation learns ---------------------------------------------------------------------


def test_text_rows_give_one_single_class_target_with_labels_in_order_of_appearance() -> None:
    data = read_training_data([("train.jsonl", SENTIMENT)])

    assert summary(data) == [
        ("sentiment", ["positive", "negative", "neutral"], 1.0, "single_class")
    ]
    assert all(isinstance(t, ClassifierTargetOut) for t in data.targets)
    assert (data.rows, data.skipped) == (4, 0)


def test_data_tokens_are_each_rows_bytes_over_three_rounded_up_per_row() -> None:
    rows = jsonl(text("a", s="x"), text("bb", s="y"), text("ccc" * 10, s="x"))
    sizes = [len(line) for line in rows.splitlines()]

    data = read_training_data([("train.jsonl", rows)])

    assert BYTES_PER_TOKEN == 3
    assert data.data_tokens == sum(math.ceil(size / 3) for size in sizes) == tokens_of(rows)
    # Rounded per row, not over the sum: at least one row is not a multiple of three.
    assert data.data_tokens > math.ceil(sum(sizes) / 3) - 1
    assert any(size % 3 for size in sizes)


def test_data_tokens_count_bytes_not_characters() -> None:
    rows = jsonl(text("é" * 30, s="x"), text("b", s="y")).replace(b"\\u00e9", "é".encode())

    data = read_training_data([("train.jsonl", rows)])

    assert data.data_tokens == tokens_of(rows)
    assert data.data_tokens > math.ceil(len(rows.decode()) / 3)


def test_chat_rows_and_several_files_are_read_together() -> None:
    first = jsonl(chat("hi", intent="greet", lang="en"), chat("bye", intent="leave", lang="en"))
    second = jsonl(chat("salut", intent="greet", lang="fr"))

    data = read_training_data([("a.jsonl", first), ("b.jsonl", second)])

    assert summary(data) == [
        ("intent", ["greet", "leave"], 1.0, "single_class"),
        ("lang", ["en", "fr"], 1.0, "single_class"),
    ]
    assert data.rows == 3
    assert data.data_tokens == tokens_of(first) + tokens_of(second)


def test_blank_lines_and_a_missing_final_newline_are_no_samples() -> None:
    rows = b"\n  \n" + jsonl(text("a", s="x")) + b"\n\r\n" + json.dumps(text("b", s="y")).encode()

    data = read_training_data([("train.jsonl", rows)])

    assert (data.rows, data.skipped) == (2, 0)
    assert data.data_tokens == tokens_of(rows)


def test_a_target_whose_values_are_lists_is_multi_class() -> None:
    rows = jsonl(
        text("a", topics=["sport", "news"], tone="calm"),
        text("b", topics=["news"], tone="angry"),
        text("c", topics=["sport", "sport", "weather"], tone="calm"),
    )

    data = read_training_data([("train.jsonl", rows)])

    assert summary(data) == [
        ("topics", ["sport", "news", "weather"], 1.0, "multi_class"),
        ("tone", ["calm", "angry"], 1.0, "single_class"),
    ]


def test_a_target_mixing_strings_and_lists_is_multi_class() -> None:
    rows = jsonl(text("a", topic="sport"), text("b", topic=["news", "sport"]))

    data = read_training_data([("train.jsonl", rows)])

    assert summary(data) == [("topic", ["sport", "news"], 1.0, "multi_class")]


# --- invalid rows -------------------------------------------------------------------------------

GOOD = [text("a", s="x"), text("b", s="y")]
NOT_JSON = "not a JSON object (the data must be JSON Lines)"


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        pytest.param(
            b"{not json", "not a JSON object (the data must be JSON Lines)", id="not-json"
        ),
        pytest.param(b"\xff\xfe", "not a JSON object (the data must be JSON Lines)", id="binary"),
        pytest.param([1, 2], "a JSON list, not an object", id="list"),
        pytest.param("text", "a JSON str, not an object", id="string"),
        pytest.param({"labels": {"s": "x"}}, 'no "text" string and no "messages" list', id="none"),
        pytest.param(
            {"text": "", "messages": [], "labels": {"s": "x"}},
            'no "text" string and no "messages" list',
            id="empty-text-and-messages",
        ),
        pytest.param(
            {"text": 3, "labels": {"s": "x"}},
            'no "text" string and no "messages" list',
            id="text-not-a-string",
        ),
        pytest.param(
            {"text": "a"},
            'no "labels" object (it maps each target to its label or labels)',
            id="no-labels",
        ),
        pytest.param(
            {"text": "a", "labels": {}},
            'no "labels" object (it maps each target to its label or labels)',
            id="empty-labels",
        ),
        pytest.param(
            {"text": "a", "labels": ["x"]},
            'no "labels" object (it maps each target to its label or labels)',
            id="labels-a-list",
        ),
        pytest.param(
            {"text": "a", "labels": {"s": 1}},
            "the label of target 's' is 1; expected a label (a string) or a list of labels",
            id="label-a-number",
        ),
        pytest.param(
            {"text": "a", "labels": {"s": ""}},
            "the label of target 's' is \"\"; expected a label (a string) or a list of labels",
            id="label-empty",
        ),
        pytest.param(
            {"text": "a", "labels": {"s": []}},
            "the label of target 's' is []; expected a label (a string) or a list of labels",
            id="labels-empty-list",
        ),
        pytest.param(
            {"text": "a", "labels": {"s": ["x", 2]}},
            "the label of target 's' is [\"x\", 2]; expected a label (a string) or a list",
            id="labels-not-all-strings",
        ),
        pytest.param(
            {"text": "a", "labels": {"s": None}},
            "the label of target 's' is null; expected",
            id="label-null",
        ),
    ],
)
def test_an_invalid_row_fails_validation_naming_file_line_and_problem(
    bad_row: Any, problem: str
) -> None:
    message = refusal(jsonl(GOOD[0], bad_row, GOOD[1]))

    assert message.startswith("1 of 3 samples are invalid, 0% may be skipped")
    assert "(invalid_sample_skip_percentage)" in message
    assert f"; train.jsonl, line 2: {problem}" in message


def test_a_row_missing_a_target_is_invalid() -> None:
    rows = jsonl(
        text("a", s="x", t="p"),
        text("b", s="y"),
        text("c", s="x", t="q"),
        text("d", s="y", t="q"),
    )

    message = refusal(rows)

    assert message == (
        "1 of 4 samples are invalid, 0% may be skipped (invalid_sample_skip_percentage); "
        "a row has no label for target 't'"
    )


def test_the_first_problem_is_reported_when_rows_are_also_missing_targets() -> None:
    rows = jsonl(text("a", s="x", t="p"), b"oops", text("b", s="y"), text("c", s="y", t="q"))

    message = refusal(rows)

    assert message.startswith("2 of 4 samples are invalid")
    assert message.endswith(
        "; train.jsonl, line 2: not a JSON object (the data must be JSON Lines)"
    )


def test_invalid_rows_within_the_skip_percentage_are_skipped_and_counted() -> None:
    rows = jsonl(*GOOD, text("c", s="x"), b"garbage")

    data = read_training_data([("train.jsonl", rows)], skip_share=0.25)

    assert (data.rows, data.skipped) == (3, 1)
    valid = jsonl(*GOOD, text("c", s="x"))
    assert data.data_tokens == tokens_of(valid)  # the skipped row has no tokens


def test_invalid_rows_beyond_the_skip_percentage_fail() -> None:
    rows = jsonl(*GOOD, b"garbage", b"more garbage")

    message = refusal(rows, skip_share=0.25)

    assert message.startswith("2 of 4 samples are invalid, 25% may be skipped")
    assert "train.jsonl, line 3:" in message


def test_skipped_rows_missing_a_target_do_not_lend_their_labels() -> None:
    rows = jsonl(
        text("a", s="x", t="p"),
        text("b", s="y", t="q"),
        text("c", s="only-here"),  # no t: dropped, and so is its label of s
    )

    data = read_training_data([("train.jsonl", rows)], skip_share=0.5)

    assert summary(data) == [
        ("s", ["x", "y"], 1.0, "single_class"),
        ("t", ["p", "q"], 1.0, "single_class"),
    ]
    assert (data.rows, data.skipped) == (2, 1)


def test_a_skipped_rows_list_of_labels_does_not_make_the_target_multi_class() -> None:
    rows = jsonl(
        text("a", s="x", t="p"),
        text("b", s="y", t="q"),
        text("c", s=["x", "y"]),  # no t: dropped; the kept rows give s one label each
    )

    data = read_training_data([("train.jsonl", rows)], skip_share=0.5)

    assert summary(data)[0] == ("s", ["x", "y"], 1.0, "single_class")


def test_every_row_invalid_fails_even_when_every_row_may_be_skipped() -> None:
    message = refusal(jsonl(b"nope", b"nope"), skip_share=1.0)

    assert message.startswith("2 of 2 samples are invalid, 100% may be skipped")
    assert message.endswith("train.jsonl, line 1: not a JSON object (the data must be JSON Lines)")


def test_a_target_with_a_single_label_is_refused() -> None:
    rows = jsonl(text("a", s="x", t="same"), text("b", s="y", t="same"))

    message = refusal(rows)

    assert message == (
        "target 't' has a single label ('same') in the training data; "
        "a classifier needs at least two labels per target"
    )


def test_a_target_left_with_one_label_after_skipping_is_refused() -> None:
    rows = jsonl(text("a", s="x", t="p"), text("b", s="x", t="q"), text("c", s="y"))

    message = refusal(rows, skip_share=0.5)

    assert message.startswith("target 's' has a single label ('x')")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank-lines"])
def test_an_empty_file_is_refused(content: bytes) -> None:
    message = refusal(content, skip_share=1.0)

    assert message == (
        "0 of 0 samples are invalid, 100% may be skipped (invalid_sample_skip_percentage); "
        "train.jsonl: no sample (the file is empty)"
    )


def test_no_training_file_at_all_is_refused() -> None:
    with pytest.raises(InvalidTrainingData, match=r"; no file: no sample \(the file is empty\)$"):
        read_training_data([])


def test_invalid_training_data_is_a_value_error() -> None:
    assert issubclass(InvalidTrainingData, ValueError)


# --- validation files ---------------------------------------------------------------------------


def test_valid_validation_files_count_neither_rows_nor_tokens() -> None:
    validation = jsonl(text("v", sentiment="negative"), text("w", sentiment="positive"))

    data = read_training_data([("train.jsonl", SENTIMENT)], [("valid.jsonl", validation)])

    assert data == read_training_data([("train.jsonl", SENTIMENT)])
    assert data.data_tokens == tokens_of(SENTIMENT)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (text("v", mood="happy"), "target 'mood' is not in the training data"),
        (
            text("v", sentiment="ecstatic"),
            "label 'ecstatic' of target 'sentiment' is not in the training data",
        ),
        (
            text("v", sentiment=["positive", "ecstatic"]),
            "label 'ecstatic' of target 'sentiment' is not in the training data",
        ),
        (b"[]", "a JSON list, not an object"),
    ],
    ids=["unknown-target", "unknown-label", "unknown-label-in-list", "not-an-object"],
)
def test_a_validation_row_the_training_data_does_not_know_is_invalid(
    row: Any, problem: str
) -> None:
    validation = jsonl(text("v", sentiment="negative"), row)

    message = refusal(SENTIMENT, validation)

    assert message == (
        "1 of 2 samples are invalid, 0% may be skipped (invalid_sample_skip_percentage); "
        f"valid.jsonl, line 2: {problem}"
    )


def test_invalid_validation_rows_may_be_skipped_too() -> None:
    validation = jsonl(text("v", sentiment="negative"), text("w", mood="happy"))

    data = read_training_data(
        [("train.jsonl", SENTIMENT)], [("valid.jsonl", validation)], skip_share=0.5
    )

    assert (data.rows, data.skipped) == (4, 0)  # skipped counts the training rows
    assert data.targets[0].labels == ["positive", "negative", "neutral"]


def test_an_empty_validation_file_is_refused() -> None:
    message = refusal(SENTIMENT, b"")

    assert message.endswith("; valid.jsonl: no sample (the file is empty)")


# --- the targets the create request names ------------------------------------------------------


def target_in(name: str, labels: list[str], **fields: Any) -> ClassifierTargetIn:
    return ClassifierTargetIn(name=name, labels=labels, **fields)


def test_requested_targets_are_trained_with_their_labels_weight_and_loss() -> None:
    requested = [
        target_in(
            "sentiment",
            ["negative", "neutral", "positive", "mixed"],
            weight=2.5,
            loss_function="multi_class",
        )
    ]

    data = read_training_data([("train.jsonl", SENTIMENT)], requested=requested)

    assert summary(data) == [
        ("sentiment", ["negative", "neutral", "positive", "mixed"], 2.5, "multi_class")
    ]


def test_a_requested_target_without_loss_function_takes_the_datas() -> None:
    rows = jsonl(text("a", s="x", t=["p", "q"]), text("b", s="y", t=["q"]))
    requested = [target_in("t", ["p", "q"]), target_in("s", ["y", "x"], weight=0.5)]

    data = read_training_data([("train.jsonl", rows)], requested=requested)

    assert summary(data) == [
        ("t", ["p", "q"], 1.0, "multi_class"),
        ("s", ["y", "x"], 0.5, "single_class"),
    ]


def test_an_empty_request_list_keeps_the_datas_targets() -> None:
    data = read_training_data([("train.jsonl", SENTIMENT)], requested=[])

    assert [t.name for t in data.targets] == ["sentiment"]


def test_a_requested_target_missing_from_the_data_is_refused() -> None:
    message = refusal(SENTIMENT, requested=[target_in("intent", ["a", "b"])])

    assert message == "classifier target 'intent' is not in the data; its targets are 'sentiment'"


def test_a_label_of_the_data_missing_from_the_request_is_refused() -> None:
    message = refusal(SENTIMENT, requested=[target_in("sentiment", ["positive", "negative"])])

    assert message == (
        "the data has label 'neutral' for target 'sentiment', which its classifier_targets "
        "entry does not list ('positive', 'negative')"
    )


def test_single_class_asked_for_multi_label_data_is_refused() -> None:
    rows = jsonl(text("a", t=["p", "q"]), text("b", t=["q"]))

    message = refusal(rows, requested=[target_in("t", ["p", "q"], loss_function="single_class")])

    assert message == (
        "target 't' has lists of labels in the data (multi-label), but its "
        "classifier_targets entry asks for loss_function 'single_class'"
    )


def test_multi_class_may_be_asked_for_single_label_data() -> None:
    requested = [
        target_in("sentiment", ["positive", "negative", "neutral"], loss_function="multi_class")
    ]

    data = read_training_data([("train.jsonl", SENTIMENT)], requested=requested)

    assert data.targets[0].loss_function == "multi_class"


# --- what an upload shows ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "purpose", "expected"),
    [
        (jsonl(chat("hi", s="x")), "fine-tune", "instruct"),
        (b"\n\n" + jsonl(chat("hi", s="x")), "fine-tune", "instruct"),
        (jsonl(text("hi", s="x"), chat("hi", s="x")), "fine-tune", "pretrain"),
        (b"not json\n" + jsonl(chat("hi", s="x")), "fine-tune", "pretrain"),
        (b"[1, 2]\n", "fine-tune", "pretrain"),
        (b"", "fine-tune", "pretrain"),
        (b"%PDF-1.7\xff", "fine-tune", "pretrain"),
        (jsonl(chat("hi", s="x")), "batch", "batch_request"),
        (b"%PDF-1.7", "ocr", "ocr_input"),
        (jsonl(chat("hi", s="x")), "audio", "instruct"),
    ],
    ids=[
        "chat",
        "chat-after-blank-lines",
        "text-first",
        "not-json-first",
        "not-an-object",
        "empty",
        "binary",
        "batch",
        "ocr",
        "audio",
    ],
)
def test_sample_type_comes_from_purpose_then_the_first_sample(
    content: bytes, purpose: str, expected: str
) -> None:
    assert sample_type(content, purpose) == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", 0),
        (b"a", 1),
        (b"a\nb\n", 2),
        (b"a\r\nb\r\nc", 3),
        (b"a\n\nb\n", 3),
        (b"%PDF\xff\xfe\n\n", 0),
    ],
)
def test_line_count_counts_the_lines_of_text_and_zero_for_binary(
    content: bytes, expected: int
) -> None:
    assert line_count(content) == expected


def test_line_count_agrees_with_the_rows_of_a_jsonl_file() -> None:
    # JSON keeps U+2028 and U+2029 raw inside strings (json.dumps(ensure_ascii=False) does):
    # they are no line breaks of JSON Lines, and the row is one sample.
    row = json.dumps(text("first\u2028second\u2029third\x1cfourth", s="x"), ensure_ascii=False)
    content = (row + "\n" + json.dumps(text("b", s="y")) + "\n").encode()

    assert read_training_data([("train.jsonl", content)]).rows == 2
    assert line_count(content) == 2
