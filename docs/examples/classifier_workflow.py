"""A classifier workflow end to end, in the shape of Mistral's classifier cookbook notebooks.

Upload training data, create a classifier job that waits (``auto_start=False``), poll it to
``VALIDATED``, start it, poll it to ``SUCCESS``, find its model in the model list, classify texts
and a conversation with it, rename it, archive and unarchive it, then delete the model and the
files. It knows nothing of the fake: it talks to ``MISTRAL_SERVER_URL`` (default: the real API)
with ``MISTRAL_API_KEY``, and waits ``POLL_SECONDS`` between polls (default 10, as the official
classifier example does). The project's tests run this file unchanged in-process, where the
fake answers ``https://api.mistral.ai``, and as a subprocess against the live server::

    MISTRAL_API_KEY=test-key MISTRAL_SERVER_URL=http://127.0.0.1:8000 POLL_SECONDS=0 \\
        python docs/examples/classifier_workflow.py
"""

from __future__ import annotations

import inspect
import json
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

try:  # mistralai 2.x
    from mistralai.client import Mistral
except ImportError:  # mistralai 1.x
    from mistralai import Mistral

# Sentiment data in the classifier guide's format: a text and its label per target.
TRAINING_ROWS = [
    {"text": text, "labels": {"sentiment": label}}
    for text, label in [
        ("I love this product!", "positive"),
        ("Absolutely wonderful service.", "positive"),
        ("Best purchase of the year.", "positive"),
        ("It does the job.", "neutral"),
        ("Delivered on Tuesday.", "neutral"),
        ("The box is blue.", "neutral"),
        ("Terrible, it broke in a day.", "negative"),
        ("Never buying this again.", "negative"),
        ("Support did not answer.", "negative"),
    ]
]
VALIDATION_ROWS = [
    {"text": "Really great.", "labels": {"sentiment": "positive"}},
    {"text": "Awful quality.", "labels": {"sentiment": "negative"}},
]
ACTIVE = {"QUEUED", "STARTED", "VALIDATING", "RUNNING"}


def jsonl(rows: Sequence[Mapping[str, object]]) -> bytes:
    """Rows as JSON lines."""
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def wait_while(client: Mistral, job_id: str, statuses: set[str], pause: float) -> Any:
    """Poll the job until its status leaves ``statuses``; return it."""
    while True:
        job = client.fine_tuning.jobs.get(job_id=job_id)
        print(f"job {job_id}: {job.status}")
        if job.status not in statuses:
            return job
        time.sleep(pause)


def classify_chat(client: Mistral, model: str, conversation: Mapping[str, object]) -> Any:
    """Classify one conversation (mistralai 1.x names the argument ``inputs``, 2.x ``input``)."""
    method = client.classifiers.classify_chat
    name = "inputs" if "inputs" in inspect.signature(method).parameters else "input"
    return method(model=model, **{name: conversation})


def main() -> None:
    """Run the workflow; raise ``SystemExit`` with a reason if a step does not go as expected."""
    pause = float(os.environ.get("POLL_SECONDS", "10"))
    client = Mistral(
        api_key=os.environ["MISTRAL_API_KEY"],
        server_url=os.environ.get("MISTRAL_SERVER_URL") or None,
    )

    training = client.files.upload(
        file={"file_name": "sentiment_train.jsonl", "content": jsonl(TRAINING_ROWS)}
    )
    validation = client.files.upload(
        file={"file_name": "sentiment_validation.jsonl", "content": jsonl(VALIDATION_ROWS)}
    )
    print(f"uploaded {training.filename} ({training.num_lines} lines) and {validation.filename}")

    created = client.fine_tuning.jobs.create(
        model="ministral-3b-latest",
        job_type="classifier",
        training_files=[{"file_id": training.id, "weight": 1}],
        validation_files=[validation.id],
        hyperparameters={"training_steps": 10, "learning_rate": 0.0001},
        auto_start=False,
    )
    job = wait_while(client, created.id, ACTIVE, pause)
    if job.status != "VALIDATED":
        raise SystemExit(f"validation ended in {job.status}")
    targets = {t.name: t.labels for t in job.classifier_targets}
    print(f"targets: {targets}")

    client.fine_tuning.jobs.start(job_id=created.id)
    job = wait_while(client, created.id, ACTIVE | {"VALIDATED"}, pause)
    if job.status != "SUCCESS":
        raise SystemExit(f"training ended in {job.status}")
    model_id = job.fine_tuned_model

    mine = [m for m in client.models.list().data or [] if m.id == model_id]
    if not mine or not mine[0].capabilities.classification:
        raise SystemExit(f"{model_id} is not listed as a classifier")
    print(f"model: {model_id}")

    texts = client.classifiers.classify(model=model_id, inputs=["It's nice", "It's terrible"])
    for text, result in zip(["It's nice", "It's terrible"], texts.results, strict=True):
        scores = result["sentiment"].scores
        print(f"{text!r}: {max(scores, key=scores.__getitem__)} {json.dumps(scores)}")
    chat = classify_chat(client, model_id, {"messages": [{"role": "user", "content": "Lame..."}]})
    chat_scores = chat.results[0]["sentiment"].scores
    print(f"chat: {max(chat_scores, key=chat_scores.__getitem__)} {json.dumps(chat_scores)}")
    if list(chat_scores) != targets["sentiment"]:
        raise SystemExit(f"scored {list(chat_scores)}, trained on {targets['sentiment']}")

    renamed = client.models.update(model_id=model_id, name="sentiment", description="cookbook")
    print(f"renamed: {renamed.name} ({renamed.description})")
    print(f"archived: {client.models.archive(model_id=model_id).archived}")
    print(f"archived: {client.models.unarchive(model_id=model_id).archived}")
    print(f"model deleted: {client.models.delete(model_id=model_id).deleted}")
    for file in (training, validation):
        print(f"file deleted: {client.files.delete(file_id=file.id).deleted}")


if __name__ == "__main__":
    main()
