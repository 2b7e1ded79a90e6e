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
from pytest_classifierjobs.progression import fresh_job, take_step

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


def test_the_account_is_used_in_the_fine_tuned_model() -> None:
    rng = Random(4)
    job, progress = _walk(*_fresh(), "VALIDATING", "VALIDATED", "QUEUED", "RUNNING", rng=rng)
    done, _ = take_step(job, progress, "SUCCESS", rng, account="8e2706f0")
    assert done.fine_tuned_model == "ft:classifier:ministral-3b-latest:8e2706f0:20250416:db22ea7e"


def test_an_illegal_step_is_refused() -> None:
    job, progress = _fresh()
    with pytest.raises(IllegalTransitionError, match="a QUEUED job cannot move to RUNNING"):
        take_step(job, progress, "RUNNING", Random(0))
