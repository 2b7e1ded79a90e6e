"""The Hypothesis strategies (``strategies.py``): everything they draw is what they promise.

The large runs have a fixed number of examples (10,000 jobs, 10,000 create bodies), counted, and
only Hypothesis's generate phase: what they check is every drawn value, not a search for one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    coherence_violations,
    to_wire,
)
from pytest_classifierjobs.lifecycle import Progress
from pytest_classifierjobs.paths import LifecyclePath, every_path
from pytest_classifierjobs.strategies import (
    InvalidBody,
    TrainingDataFile,
    create_bodies,
    invalid_create_bodies,
    jobs,
    lifecycle_paths,
    training_files,
)
from pytest_classifierjobs.training_data import read_training_data

if TYPE_CHECKING:
    from tests.conftest import SDK

S = ClassifierJobOutStatus
BASE = "https://api.mistral.ai/v1"
AUTH = {"Authorization": "Bearer test-key"}


def run_examples(strategy: st.SearchStrategy[Any], count: int, check: Callable[[Any], None]) -> int:
    """Run ``check`` on ``count`` drawn values (generation only); return how many it saw."""
    seen = 0

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def each(value: Any) -> None:
        nonlocal seen
        seen += 1
        check(value)

    each()
    return seen


@pytest.mark.sdk
def test_10000_jobs_are_coherent_and_parse_in_the_sdk(sdk: SDK) -> None:
    statuses: set[ClassifierJobOutStatus] = set()

    def check(job: ClassifierJobOut) -> None:
        assert coherence_violations(job) == []
        model = (
            sdk.ClassifierDetailedJobOut
            if isinstance(job, ClassifierDetailedJobOut)
            else sdk.ClassifierJobOut
        )
        parsed = model.model_validate(to_wire(job))
        assert (parsed.id, parsed.status) == (job.id, job.status.value)
        statuses.add(job.status)

    seen = run_examples(st.one_of(jobs(), jobs(detailed=False)), 10_000, check)

    assert seen == 10_000
    assert statuses == set(S)


@pytest.mark.sdk
def test_10000_create_bodies_are_accepted_and_answered_with_a_job_the_sdk_parses(
    sdk: SDK,
) -> None:
    fake = ClassifierJobsMock(seed=3)

    def check(body: dict[str, Any]) -> None:
        answer = client.post(f"{BASE}/fine_tuning/jobs", json=body, headers=AUTH)
        assert answer.status_code == 200, (body, answer.text)
        parsed = sdk.ClassifierJobOut.model_validate(answer.json())
        assert parsed.model == body["model"]

    with fake, httpx.Client() as client:
        seen = run_examples(create_bodies(), 10_000, check)

    assert seen == 10_000
    assert len(fake.jobs) == 10_000


def test_invalid_create_bodies_get_the_422_they_announce() -> None:
    problems: set[str] = set()

    def check(invalid: InvalidBody) -> None:
        answer = client.post(f"{BASE}/fine_tuning/jobs", json=invalid.body, headers=AUTH)
        assert answer.status_code == 422, (invalid, answer.text)
        assert invalid.matches(answer.json()["detail"]), (invalid, answer.json())
        problems.add(invalid.problem)

    with ClassifierJobsMock(seed=4) as fake, httpx.Client() as client:
        seen = run_examples(invalid_create_bodies(), 2_000, check)

    assert seen == 2_000
    assert len(problems) == 13  # every way to break a body was drawn
    assert fake.jobs == {}


def test_an_invalid_body_matches_only_its_own_problem() -> None:
    invalid = InvalidBody(
        body={},
        problem="p",
        loc=("body", "hyperparameters", "learning_rate"),
        type="less_than_equal",
    )

    assert invalid.matches(
        [
            {
                "type": "less_than_equal",
                "loc": [
                    "body",
                    "hyperparameters",
                    "ClassifierTrainingParametersIn",
                    "learning_rate",
                ],
            }
        ]
    )
    assert invalid.matches(
        [{"type": "less_than_equal", "loc": ["body", "hyperparameters", "learning_rate"]}]
    )
    assert not invalid.matches(
        [{"type": "greater_than", "loc": ["body", "hyperparameters", "learning_rate"]}]
    )
    assert not invalid.matches([{"type": "less_than_equal", "loc": ["body", "learning_rate"]}])


def test_training_files_are_read_with_the_targets_they_announce() -> None:
    variants: set[str] = set()

    def check(data: TrainingDataFile) -> None:
        read = read_training_data([("train.jsonl", data.content)])
        assert read.targets == data.targets
        assert read.skipped == 0
        variants.add(data.variant)

    assert run_examples(training_files(), 500, check) == 500
    assert variants == {"text", "messages"}


@pytest.mark.sdk
def test_a_job_trained_on_a_drawn_file_learns_its_targets(sdk: SDK) -> None:
    client = sdk.Mistral(api_key="test-key")

    def check(data: TrainingDataFile) -> None:
        with ClassifierJobsMock(seed=6):
            uploaded = client.files.upload(
                file={"file_name": "train.jsonl", "content": data.content}
            )
            job = client.fine_tuning.jobs.create(
                model="ministral-3b-latest",
                job_type="classifier",
                training_files=[{"file_id": uploaded.id, "weight": 1.0}],
                hyperparameters={"training_steps": 10},
                auto_start=True,
            )
            for _ in range(10):
                job = client.fine_tuning.jobs.get(job_id=job.id)
            assert job.status == "SUCCESS"
            learnt = [(t.name, list(t.labels), t.loss_function) for t in job.classifier_targets]
            assert learnt == [(t.name, t.labels, t.loss_function) for t in data.targets]

    assert run_examples(training_files(max_rows=8), 30, check) == 30


def test_lifecycle_paths_are_legal_and_cover_the_selection() -> None:
    drawn: set[str] = set()

    def check(path: LifecyclePath) -> None:
        assert path[0] is S.QUEUED
        Progress().walk(path[1:])
        drawn.add(path.id)

    run_examples(lifecycle_paths(), 300, check)

    assert drawn == {path.id for path in every_path()}


def test_lifecycle_paths_take_the_filters_of_every_path() -> None:
    found = find(lifecycle_paths(ending="failed"), lambda _: True)

    assert found.id == "QUEUED-VALIDATING-FAILED_VALIDATION"  # shrunk to the shortest
    with pytest.raises(ValueError, match="no legal path matches ending='SUCCESS', max_length=3;"):
        lifecycle_paths(ending="SUCCESS", max_length=3)
    with pytest.raises(ValueError, match="did you mean 'SUCCESS'"):
        lifecycle_paths(ending="SUCESS")


def test_from_type_draws_coherent_jobs_of_the_type_asked() -> None:
    def check(pair: tuple[ClassifierJobOut, ClassifierDetailedJobOut]) -> None:
        short, detailed = pair
        assert type(short) is ClassifierJobOut
        assert type(detailed) is ClassifierDetailedJobOut
        assert coherence_violations(short) == coherence_violations(detailed) == []

    strategy = st.tuples(st.from_type(ClassifierJobOut), st.from_type(ClassifierDetailedJobOut))
    assert run_examples(strategy, 200, check) == 200
    assert isinstance(find(st.from_type(LifecyclePath), lambda _: True), LifecyclePath)


def test_jobs_take_a_status_a_group_or_overrides() -> None:
    def check(job: ClassifierDetailedJobOut) -> None:
        assert job.status in {S.FAILED, S.FAILED_VALIDATION}
        assert job.suffix == "nightly"
        assert coherence_violations(job) == []

    assert run_examples(jobs("failed", suffix="nightly"), 100, check) == 100
    assert find(jobs(S.CANCELLED), lambda _: True).status is S.CANCELLED
    assert {find(jobs([S.QUEUED]), lambda _: True).status} == {S.QUEUED}


def test_a_shrunk_job_is_still_coherent() -> None:
    found = find(jobs("SUCCESS"), lambda job: len(job.checkpoints) >= 5)

    assert coherence_violations(found) == []
    assert found.status is S.SUCCESS


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: jobs("RUNING"), ValueError, "status: unknown status or group 'RUNING'"),
        (lambda: jobs(sufix="x"), TypeError, "jobs()"),
        (
            lambda: jobs("RUNNING", hyperparameters={"training_steps": -5}),
            ValueError,
            "training_steps",
        ),
    ],
)
def test_a_bad_argument_fails_when_the_strategy_is_made(
    make: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        make()

    assert message in str(raised.value)


def test_importing_without_hypothesis_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None  # as if it were not installed\n"
        "try:\n"
        "    import pytest_classifierjobs.strategies\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == (
        "pytest_classifierjobs.strategies needs Hypothesis, an optional dependency: pip install "
        "'pytest-classifierjobs[hypothesis]' (or pip install hypothesis)"
    )


def test_a_drawn_body_is_plain_json_with_tagged_integrations() -> None:
    def check(body: dict[str, Any]) -> None:
        assert json.loads(json.dumps(body)) == body
        assert all(one["type"] == "wandb" for one in body.get("integrations", []))
        assert body["job_type"] == "classifier"

    assert run_examples(create_bodies(), 200, check) == 200
