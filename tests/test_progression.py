from random import Random
from typing import Any

import attrs
import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    IllegalTransitionError,
    Progress,
    WandbIntegrationOut,
    coherence_violations,
)
from pytest_classifierjobs.progression import (
    TRAIN_TOKENS_PER_STEP,
    cost_of,
    fresh_job,
    take_step,
    validated_plan,
)

S = ClassifierJobOutStatus


def _fresh(**changes: Any) -> tuple[ClassifierDetailedJobOut, Progress]:
    job = fresh_job(
        id="db22ea7e-1895-4309-92d9-9ac881b1b117",
        model="ministral-3b-latest",
        auto_start=False,
        created_at=1744814706,
        training_files=["c36d490e-d2f8-4f98-9679-1c55625e09d5"],
        validation_files=[],
        suffix=None,
        integrations=[WandbIntegrationOut(project="p")],
        hyperparameters=ClassifierTrainingParameters(training_steps=20, seq_len=16384),
    )
    return attrs.evolve(job, **changes), Progress()


def _walk(
    job: ClassifierDetailedJobOut, progress: Progress, *statuses: str, rng: Random
) -> tuple[ClassifierDetailedJobOut, Progress]:
    for status in statuses:
        job, progress = take_step(job, progress, status, rng)
        assert coherence_violations(job) == [], (status, coherence_violations(job))
    return job, progress


def test_a_fresh_job_is_queued_with_one_event_and_no_estimate() -> None:
    job, _ = _fresh()
    assert coherence_violations(job) == []


def test_the_observed_flow_step_by_step_stays_coherent() -> None:
    job, progress = _walk(
        *_fresh(), "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", "SUCCESS", rng=Random(1)
    )
    assert progress.status is S.SUCCESS
    assert [c.step_number for c in job.checkpoints] == list(range(20, 0, -1))


def test_running_checkpoints_are_kept_and_extended_at_success() -> None:
    rng = Random(3)
    running, progress = _walk(*_fresh(), "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", rng=rng)
    done, _ = _walk(running, progress, "SUCCESS", rng=rng)
    kept = running.checkpoints
    assert done.checkpoints[len(done.checkpoints) - len(kept) :] == kept


def test_requested_targets_are_used_at_validation_and_given_ones_are_kept() -> None:
    asked = [
        ClassifierTargetOut(name="t", labels=["a", "b"], weight=1.0, loss_function="single_class")
    ]
    job, progress = _walk(*_fresh(), "VALIDATING", rng=Random(0))
    validated, _ = take_step(job, progress, "VALIDATED", Random(0), targets=asked)
    assert validated.classifier_targets == asked
    preset, progress = _fresh(classifier_targets=asked)
    preset, progress = take_step(preset, progress, "VALIDATING", Random(0))
    kept, _ = take_step(preset, progress, "VALIDATED", Random(0))
    assert kept.classifier_targets == asked


def test_steps_are_derived_at_validation_when_only_epochs_were_asked_for() -> None:
    job, progress = _fresh(
        hyperparameters=ClassifierTrainingParameters(training_steps=None, epochs=2.5, seq_len=16384)
    )
    validated, _ = _walk(job, progress, "VALIDATING", "VALIDATED", rng=Random(2))
    assert validated.hyperparameters.training_steps is not None
    assert validated.hyperparameters.epochs == 2.5


@pytest.mark.parametrize(
    ("steps", "data_tokens", "cost", "epochs"),
    [
        # The cookbook's three recorded jobs (contract "mistral-workflow-api.md", section 4).
        (100, 137_274, 3.28, 47.74101432172152),
        (200, 1_795_785, 6.56, 7.29886929671425),
        (250, 2_554_120, 8.2, 6.414733841792868),
    ],
    ids=["intent", "moderation", "product"],
)
def test_the_estimate_reproduces_the_recorded_jobs(
    steps: int, data_tokens: int, cost: float, epochs: float
) -> None:
    hp, metadata = validated_plan(
        Random(0), ClassifierTrainingParameters(training_steps=steps), data_tokens
    )
    assert (metadata.train_tokens_per_step, metadata.train_tokens) == (65536, steps * 65536)
    assert (metadata.cost, metadata.cost_currency, metadata.data_tokens) == (
        cost,
        "EUR",
        data_tokens,
    )
    assert hp.epochs == pytest.approx(epochs, rel=1e-15)
    assert cost_of(steps * TRAIN_TOKENS_PER_STEP) == cost


def test_epochs_asked_for_give_the_steps_that_cover_them() -> None:
    asked = ClassifierTrainingParameters(training_steps=None, epochs=3.0)
    hp, metadata = validated_plan(Random(0), asked, data_tokens=100_000)
    assert hp.training_steps == 5  # ceil(3 x 100,000 / 65,536)
    assert (hp.epochs, metadata.train_tokens) == (3.0, 5 * 65536)


def test_neither_steps_nor_epochs_give_drawn_steps_and_the_recorded_epochs() -> None:
    hp, metadata = validated_plan(Random(0), ClassifierTrainingParameters(), data_tokens=65536)
    assert hp.training_steps is not None
    assert 10 <= hp.training_steps <= 100
    assert hp.epochs == hp.training_steps  # one step of 65,536 tokens is one pass of this data
    assert metadata.train_tokens == hp.training_steps * 65536


def test_the_account_is_used_in_the_fine_tuned_model() -> None:
    rng = Random(4)
    job, progress = _walk(*_fresh(), "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", rng=rng)
    done, _ = take_step(job, progress, "SUCCESS", rng, account="8e2706f0")
    assert done.fine_tuned_model == "ft:classifier:ministral-3b-latest:8e2706f0:20250416:db22ea7e"


def test_an_illegal_step_is_refused() -> None:
    job, progress = _fresh()
    with pytest.raises(IllegalTransitionError, match="a QUEUED job cannot move to RUNNING"):
        take_step(job, progress, "RUNNING", Random(0))
