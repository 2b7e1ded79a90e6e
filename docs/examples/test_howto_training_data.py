"""How-to: test code that uploads training data and trains a classifier on it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from mistralai import Mistral
from mistralai.models import SDKError

from pytest_classifierjobs import ClassifierJobsMock


def train_on(client: Mistral, rows: Sequence[dict[str, Any]]) -> Any:
    """The consumer code under test: upload rows as JSONL, train a classifier, wait for the end."""
    content = "".join(json.dumps(row) + "\n" for row in rows).encode()
    uploaded = client.files.upload(file={"file_name": "train.jsonl", "content": content})
    job = client.fine_tuning.jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[{"file_id": uploaded.id, "weight": 1}],
        hyperparameters={"learning_rate": 0.0001},
        auto_start=True,
    )
    while job.status not in {"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"}:
        job = client.fine_tuning.jobs.get(job_id=job.id)
    return job


ROWS = [
    {"text": "I love it", "labels": {"sentiment": "positive", "topics": ["product"]}},
    {"text": "Late again", "labels": {"sentiment": "negative", "topics": ["delivery"]}},
    {"text": "It is fine", "labels": {"sentiment": "neutral", "topics": ["product", "price"]}},
]


@pytest.mark.usefixtures("classifierjobs")
def test_the_classifier_has_the_targets_of_the_uploaded_labels() -> None:
    job = train_on(Mistral(api_key="test-key"), ROWS)

    assert job.status == "SUCCESS"
    targets = {t.name: (t.labels, t.loss_function) for t in job.classifier_targets}
    assert targets == {
        "sentiment": (["positive", "negative", "neutral"], "single_class"),
        "topics": (["product", "delivery", "price"], "multi_class"),  # lists: multi-label
    }


def test_what_was_uploaded(classifierjobs: ClassifierJobsMock) -> None:
    train_on(Mistral(api_key="test-key"), ROWS)

    (uploaded,) = classifierjobs.files.values()
    assert (uploaded.filename, uploaded.purpose, uploaded.num_lines) == (
        "train.jsonl",
        "fine-tune",
        3,
    )
    lines = classifierjobs.file_content(uploaded.id).decode().splitlines()
    assert [json.loads(line) for line in lines] == ROWS


@pytest.mark.usefixtures("classifierjobs")
def test_data_that_cannot_train_a_classifier_fails_validation() -> None:
    one_label = [{"text": t, "labels": {"sentiment": "positive"}} for t in ("a", "b")]

    job = train_on(Mistral(api_key="test-key"), one_label)

    assert job.status == "FAILED_VALIDATION"
    assert "single label" in job.events[-1].data["error"]  # why, in the failing event


def test_a_file_added_without_http(classifierjobs: ClassifierJobsMock) -> None:
    stored = classifierjobs.add_file(ROWS, filename="train.jsonl")

    listed = Mistral(api_key="test-key").files.list()

    assert [f.id for f in listed.data] == [stored.id]


@pytest.mark.classifierjobs(strict_files=True)
def test_a_job_naming_a_file_that_was_never_uploaded(classifierjobs: ClassifierJobsMock) -> None:
    with pytest.raises(SDKError) as refused:
        Mistral(api_key="test-key").fine_tuning.jobs.create(
            model="ministral-3b-latest",
            job_type="classifier",
            training_files=[{"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1}],
            hyperparameters={"learning_rate": 0.0001},
        )

    assert refused.value.status_code == 422
    assert classifierjobs.jobs == {}
