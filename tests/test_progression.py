"""How a job moves: take_step along the observed flow, validation's estimate, and time.

Time: steps taken at a given moment (``at``), a history shifted or fitted into a span, and the
checkpoints that ``train_until`` adds while a job trains under the fake's clock.
"""

from random import Random
from typing import Any

import attrs
import pytest

from pytest_classifierjobs import (
    CheckpointOut,
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    EventOut,
    IllegalTransitionError,
    MetricOut,
    Progress,
    WandbIntegrationOut,
    coherence_violations,
    progression,
)
from pytest_classifierjobs.progression import (
    TRAIN_TOKENS_PER_STEP,
    cost_of,
    fit_in_time,
    fresh_job,
    shifted,
    take_step,
    train_until,
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


# --- steps at a given moment (the fake's clock) ---------------------------------------------

T = 1744814706  # the creation moment of _fresh()
DAY = 86_400


def _times(job: ClassifierDetailedJobOut) -> list[tuple[str, int]]:
    """Each status event of ``job``, with its moment in seconds after ``T``."""
    return [(str((e.data or {})["status"]), e.created_at - T) for e in job.events]


def _running(rng: Random) -> tuple[ClassifierDetailedJobOut, Progress]:
    """``_fresh()`` moved at given moments: validated at 3, re-queued at 60, RUNNING at 100."""
    job, progress = _fresh()
    for status, at, estimate in (
        ("VALIDATING", T + 1, None),
        ("VALIDATED", T + 3, None),
        ("QUEUED", T + 60, T + 100),
        ("RUNNING", T + 100, None),
    ):
        job, progress = take_step(job, progress, status, rng, at=at, estimated_start=estimate)
        assert coherence_violations(job) == [], (status, coherence_violations(job))
    return job, progress


def test_take_step_at_a_moment_dates_the_step_then_and_takes_the_given_estimate() -> None:
    job, progress = _running(Random(5))
    assert _times(job) == [("QUEUED", 0), ("VALIDATING", 1), ("VALIDATED", 3), ("RUNNING", 100)]
    assert job.modified_at == T + 100
    assert job.metadata is not None
    assert job.metadata.estimated_start_time == T + 100  # as given, not drawn
    # Training starts now: no step done yet, and the W&B run exists.
    assert job.checkpoints == []
    assert job.integrations is not None
    assert job.integrations[0].url is not None
    done, _ = take_step(job, progress, "SUCCESS", Random(5), at=T + 300)
    assert _times(done)[-1] == ("SUCCESS", 300)
    assert done.modified_at == T + 300
    # Every step's checkpoint lies in the training time, the last one at its end.
    assert [c.step_number for c in done.checkpoints] == list(range(20, 0, -1))
    assert done.checkpoints[0].created_at == T + 300
    assert all(T + 100 < c.created_at <= T + 300 for c in done.checkpoints)
    assert coherence_violations(done) == []


def test_take_step_at_a_moment_before_the_last_change_is_dated_at_the_last_change() -> None:
    job, progress = _fresh()
    job, progress = take_step(job, progress, "VALIDATING", Random(0), at=T + 50)
    # A clock moved back must not put an event before the one it follows.
    validated, _ = take_step(job, progress, "VALIDATED", Random(0), at=T + 10)
    assert _times(validated) == [("QUEUED", 0), ("VALIDATING", 50), ("VALIDATED", 50)]
    assert validated.modified_at == T + 50


def test_a_requeue_at_a_moment_without_an_estimate_leaves_it_null() -> None:
    job, progress = _walk(*_fresh(), "VALIDATING", "VALIDATED", rng=Random(0))
    requeued, _ = take_step(job, progress, "QUEUED", Random(0), at=job.modified_at + 30)
    assert requeued.metadata is not None
    assert requeued.metadata.estimated_start_time is None
    assert requeued.events == job.events  # silent
    assert requeued.modified_at == job.modified_at + 30
    assert coherence_violations(requeued) == []


def test_shifted_moves_the_whole_history_and_redates_the_model_name() -> None:
    job, progress = _running(Random(6))
    done, _ = take_step(job, progress, "SUCCESS", Random(6), at=T + 300)
    assert done.fine_tuned_model is not None
    assert ":20250416:" in done.fine_tuned_model
    moved = shifted(done, 30 * DAY)
    assert moved.created_at == T + 30 * DAY
    assert moved.modified_at == done.modified_at + 30 * DAY
    assert _times(moved) == [(status, t + 30 * DAY) for status, t in _times(done)]
    assert [c.created_at for c in moved.checkpoints] == [
        c.created_at + 30 * DAY for c in done.checkpoints
    ]
    assert moved.metadata is not None
    assert moved.metadata.estimated_start_time == T + 100 + 30 * DAY
    # 2025-04-16 plus 30 days, in the name as in created_at; the rest of the name is kept.
    assert moved.fine_tuned_model == done.fine_tuned_model.replace(":20250416:", ":20250516:")
    assert coherence_violations(moved) == []
    back = shifted(moved, -30 * DAY)
    assert back == done


def test_shifted_by_nothing_is_the_same_job_and_a_custom_model_name_is_kept() -> None:
    job, _ = _fresh()
    assert shifted(job, 0) is job
    assert job.metadata is not None
    assert job.metadata.estimated_start_time is None
    assert shifted(job, 60).metadata == job.metadata  # nothing to move in it
    custom = attrs.evolve(job, fine_tuned_model="my-own-model")
    assert shifted(custom, DAY).fine_tuned_model == "my-own-model"
    # Shaped like the fake's names, but dated otherwise than the job: not the fake's, kept.
    other_day = "ft:classifier:ministral-3b-latest:0a1b2c3d:20240101:0a1b2c3d"
    assert shifted(attrs.evolve(job, fine_tuned_model=other_day), DAY).fine_tuned_model == (
        other_day
    )


def _history_to(end: int) -> ClassifierDetailedJobOut:
    """A validated job whose events are at 0, 10 and 40 s, with ``modified_at`` at ``end``."""
    job, progress = _fresh()
    job, progress = take_step(job, progress, "VALIDATING", Random(0), at=T + 10)
    job, _ = take_step(job, progress, "VALIDATED", Random(0), at=T + 40)
    return attrs.evolve(job, modified_at=T + end)


def test_fit_in_time_stretches_a_history_to_a_later_end() -> None:
    fitted = fit_in_time(_history_to(40), T + 80)
    assert _times(fitted) == [("QUEUED", 0), ("VALIDATING", 20), ("VALIDATED", 80)]
    assert (fitted.created_at, fitted.modified_at) == (T, T + 80)
    assert coherence_violations(fitted) == []


def test_fit_in_time_squeezes_a_history_to_an_earlier_end() -> None:
    fitted = fit_in_time(_history_to(40), T + 20)
    assert _times(fitted) == [("QUEUED", 0), ("VALIDATING", 5), ("VALIDATED", 20)]
    assert fitted.modified_at == T + 20
    # Without an end, a history that runs past modified_at is squeezed into the job's own span.
    past = fit_in_time(_history_to(20))
    assert _times(past) == [("QUEUED", 0), ("VALIDATING", 5), ("VALIDATED", 20)]
    assert past.modified_at == T + 20
    assert coherence_violations(past) == []


@pytest.mark.parametrize(
    ("job", "end"),
    [
        pytest.param(_history_to(40), None, id="already-fits"),
        pytest.param(_history_to(40), T - 1, id="end-before-creation"),
        pytest.param(_fresh()[0], T + 60, id="never-changed"),
    ],
)
def test_fit_in_time_leaves_a_job_as_it_is(job: ClassifierDetailedJobOut, end: int | None) -> None:
    assert fit_in_time(job, end) is job


# --- training progress under the clock ------------------------------------------------------


def test_train_until_adds_nothing_before_the_first_step_is_done() -> None:
    rng = Random(7)
    job, _ = _running(rng)
    # 20 steps spread over 200 s: one step each 10 s from RUNNING at 100.
    assert train_until(job, rng, now=T + 109, finish=T + 300) is job


def test_train_until_adds_a_checkpoint_for_each_step_done_by_now() -> None:
    rng = Random(7)
    job, _ = _running(rng)
    three = train_until(job, rng, now=T + 135, finish=T + 300)
    assert [(c.step_number, c.created_at - T) for c in three.checkpoints] == [
        (3, 130),
        (2, 120),
        (1, 110),
    ]
    assert three.modified_at == T + 130  # follows the newest checkpoint
    assert coherence_violations(three) == []
    # Later reads add only the new steps; the last one waits for the end of training.
    later = train_until(three, rng, now=T + 10_000, finish=T + 300)
    assert [c.step_number for c in later.checkpoints] == list(range(19, 0, -1))
    assert later.checkpoints[-3:] == three.checkpoints
    assert later.modified_at == T + 290
    assert coherence_violations(later) == []


def test_train_until_without_a_finish_takes_the_estimated_time_per_step() -> None:
    rng = Random(7)
    job, _ = _running(rng)
    assert job.metadata is not None
    estimate = job.metadata.expected_duration_seconds
    assert estimate is not None
    per_step = estimate / 20
    half = train_until(job, rng, now=T + 100 + int(10 * per_step), finish=None)
    assert half.checkpoints[0].step_number == 10
    assert half.checkpoints[0].created_at == T + 100 + round(10 * per_step)


@pytest.mark.parametrize("finish", [T + 100, T + 50], ids=["at-the-start", "before-the-start"])
def test_train_until_with_a_finish_at_or_before_the_start_adds_nothing(finish: int) -> None:
    # The store asks this only of a clock moved back before training started (a due finish is
    # taken as SUCCESS first): no step can be dated, so none is added.
    rng = Random(7)
    job, _ = _running(rng)
    assert train_until(job, rng, now=T + 105, finish=finish) is job


def test_train_until_before_training_started_adds_nothing() -> None:
    rng = Random(7)
    job, _ = _running(rng)
    assert train_until(job, rng, now=T + 100, finish=None) is job
    assert train_until(job, rng, now=T + 90, finish=T + 500) is job


def test_moving_an_event_or_a_checkpoint_in_time_keeps_every_other_field() -> None:
    # shifted() and fit_in_time() copy these by hand (attrs.evolve costs four times as much): a
    # field added to either model must be copied there too, and this fails until it is.
    event = EventOut(name="status-updated", created_at=1, data={"status": "QUEUED"})
    checkpoint = CheckpointOut(
        metrics=MetricOut(train_loss=1.0, valid_loss=0.0, valid_mean_token_accuracy=0.0),
        step_number=3,
        created_at=1,
    )
    assert progression.event_at(event, 9) == attrs.evolve(event, created_at=9)
    assert progression.checkpoint_at(checkpoint, 9) == attrs.evolve(checkpoint, created_at=9)
    assert [f.name for f in attrs.fields(EventOut)] == ["name", "created_at", "data"]
    assert [f.name for f in attrs.fields(CheckpointOut)] == ["metrics", "step_number", "created_at"]
