"""The fake against the reference app, and its two transports against each other.

A seeded corpus of requests (``conftest.build_corpus``: create bodies mutated field by field,
list queries, job ids in every spelling, every method on known and unknown paths, odd content
types and raw bodies) is sent to the reference app (FastAPI on models generated from the spec,
``conftest.py``) and to the fake. Their answers must be the same, or differ in one of the ways
documented in ``docs/reference/behaviour.md`` ("Where the fake differs from the server"), each
recognised here by a rule of its own. Any other difference fails the test, listed request by
request.

``CLASSIFIERJOBS_CORPUS_SIZE`` runs a larger corpus (the default keeps CI quick); the seed is
fixed so that a failure can be replayed.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest

from pytest_classifierjobs import ClassifierJobsMock, LiveServer
from pytest_classifierjobs.api import (
    CLASSIFIER_MODEL_REFUSED,
    COMPLETION_REFUSED,
    NOT_FOUND_DETAIL,
)
from pytest_classifierjobs.base_models import CLASSIFIER_BASE_MODELS
from pytest_classifierjobs.validation import NO_TRAINING_FILE

if TYPE_CHECKING:
    from tests.reference.conftest import Sent

pytestmark = pytest.mark.reference

BASE = "https://api.mistral.ai"
SEED = 20261202
FROZEN_AT = "2025-04-16T14:45:06Z"
SIZE = int(os.environ.get("CLASSIFIERJOBS_CORPUS_SIZE", "3000"))


@dataclass(frozen=True)
class Seen:
    """What a client reads of an answer, as compared: status, JSON body, routing headers."""

    status: int
    body: Any
    allow: str | None
    location: str | None
    content_type: str | None

    @classmethod
    def of(cls, response: httpx.Response) -> Seen:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        location = response.headers.get("location")
        if location is not None:  # the origin differs between transports; the path must not
            parts = urlsplit(location)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
        return cls(
            response.status_code,
            body,
            response.headers.get("allow"),
            location,
            response.headers.get("content-type"),
        )

    def agrees(self, other: Seen) -> bool:
        return (self.status, self.body, self.allow, self.location) == (
            other.status,
            other.body,
            other.allow,
            other.location,
        )


def _accepted(reference: Seen) -> bool:
    return reference.status == 200 and reference.body == {"accepted": True}


def _fake_accepted(fake: Seen) -> bool:
    # The reference accepts what passes validation; the fake then answers the operation.
    return fake.status in (200, 409) or (
        fake.status == 404 and fake.body == {"detail": NOT_FOUND_DETAIL}
    )


def _body(sent: Sent) -> Any:
    try:
        return json.loads(sent.body)
    except ValueError:
        return None


def _no_training_file(sent: Sent, reference: Seen, fake: Seen) -> bool:
    """Recorded (mistralai/client-ts#70): the server refuses a job without training data."""
    body = _body(sent)
    return (
        _accepted(reference)
        and isinstance(body, dict)
        and not body.get("training_files")
        and not body.get("repositories")
        and fake.status == 422
        and [(p["loc"], p.get("ctx")) for p in fake.body["detail"]]
        == [(["body", "job_in"], {"error": NO_TRAINING_FILE})]
    )


def _not_a_classifier_job(sent: Sent, reference: Seen, fake: Seen) -> bool:
    """Recorded (mistralai/client-python#450): a create without job_type is a completion job."""
    body = _body(sent)
    return (
        _accepted(reference)
        and isinstance(body, dict)
        and body.get("job_type") in (None, "completion")
        and (fake.status, fake.body) == (422, {"detail": COMPLETION_REFUSED})
    )


def _not_a_classifier_base_model(sent: Sent, reference: Seen, fake: Seen) -> bool:
    """Documented (fine-tuning FAQ): classifier jobs fine-tune ministral-3b only."""
    body = _body(sent)
    return (
        _accepted(reference)
        and isinstance(body, dict)
        and body.get("model") not in CLASSIFIER_BASE_MODELS
        and (fake.status, fake.body) == (422, {"detail": CLASSIFIER_MODEL_REFUSED})
    )


_AUTO_START_NULL = {
    "type": "bool_type",
    "loc": ["body", "auto_start"],
    "msg": "Input should be a valid boolean",
}


def _generator_reads_auto_start_as_nullable(sent: Sent, reference: Seen, fake: Seen) -> bool:
    """Not the fake's deviation but the generator's: the spec's ``auto_start`` is a plain boolean
    with no default, which datamodel-code-generator types ``bool | None``; a pydantic model that
    renders so takes no ``null`` (it would render ``anyOf [boolean, null]``)."""
    body = _body(sent)
    if not (isinstance(body, dict) and "auto_start" in body and body["auto_start"] is None):
        return False
    if fake.status != 422 or _AUTO_START_NULL not in fake.body["detail"]:
        return False
    rest = [p for p in fake.body["detail"] if p != _AUTO_START_NULL]
    if not rest:
        return _accepted(reference)
    return reference.status == 422 and reference.body == {"detail": rest}


#: Each documented difference, by the name the behaviour reference gives it.
DEVIATIONS: dict[str, Callable[[Sent, Seen, Seen], bool]] = {
    "no training file": _no_training_file,
    "no job_type, or job_type completion": _not_a_classifier_job,
    "a base model classifier jobs cannot use": _not_a_classifier_base_model,
    "(generator) auto_start: null": _generator_reads_auto_start_as_nullable,
}


def verdict(sent: Sent, reference: Seen, fake: Seen) -> str | None:
    """``"same"``, the name of the deviation that explains the difference, or ``None``."""
    if reference.agrees(fake) or (_accepted(reference) and _fake_accepted(fake)):
        return "same"
    for name, explains in DEVIATIONS.items():
        if explains(sent, reference, fake):
            return name
    return None


def _send(client: httpx.Client, base: str, sent: Sent) -> httpx.Response:
    return client.request(
        sent.method, f"{base}{sent.target}", headers=dict(sent.headers), content=sent.body or None
    )


@pytest.fixture(name="corpus", scope="module")
def corpus_fixture(build_corpus: Callable[[int, int], list[Sent]]) -> list[Sent]:
    return build_corpus(SEED, SIZE)


def test_the_fake_answers_the_corpus_as_the_reference_app(
    corpus: list[Sent], reference_client: Any
) -> None:
    verdicts: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[int] = collections.Counter()
    unexplained: list[str] = []
    with ClassifierJobsMock(seed=SEED), httpx.Client() as client:
        for sent in corpus:
            reference = Seen.of(_send(reference_client, BASE, sent))
            answer = Seen.of(_send(client, BASE, sent))
            found = verdict(sent, reference, answer)
            statuses[reference.status] += 1
            verdicts[found or "UNEXPLAINED"] += 1
            if found is None:
                unexplained.append(
                    f"{sent.describe()}\n  reference {reference}\n  fake      {answer}"
                )
    print(f"reference statuses {dict(statuses)}; verdicts {dict(verdicts)}")
    assert not unexplained, f"{len(unexplained)} unexplained:\n" + "\n".join(unexplained[:15])
    # The corpus reaches every kind of answer, so agreement is not vacuous.
    assert statuses[200] > SIZE // 10
    assert statuses[422] > SIZE // 5
    assert min(statuses[404], statuses[405], statuses[307], statuses[400]) > 0
    assert all(verdicts[name] > 0 for name in DEVIATIONS)


def _answers(client: httpx.Client, base: str, corpus: list[Sent]) -> Iterator[tuple[Sent, Seen]]:
    for sent in corpus:
        yield sent, Seen.of(_send(client, base, sent))


def test_both_transports_answer_the_corpus_alike(corpus: list[Sent]) -> None:
    # Two fakes from one seed, on clocks frozen at one moment, take the same requests in the
    # same order, so even the created jobs (ids, timestamps) must come back identical from the
    # respx fake and the live server. (On the wall clock the second run happens later.)
    with ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT) as fake, httpx.Client() as client:
        in_process = list(_answers(client, BASE, corpus))
        assert fake.jobs
    with (
        LiveServer(ClassifierJobsMock(seed=SEED, frozen_at=FROZEN_AT)) as server,
        httpx.Client() as client,
    ):
        over_http = list(_answers(client, server.url, corpus))
    different = [
        f"{sent.describe()}\n  respx  {one}\n  server {two}"
        for (sent, one), (_, two) in zip(in_process, over_http, strict=True)
        if one != two
    ]
    assert not different, f"{len(different)} differ:\n" + "\n".join(different[:15])
