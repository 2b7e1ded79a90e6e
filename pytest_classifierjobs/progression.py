"""How a job moves on: what each step of its life fills in, with values drawn from a ``Random``.

The factories walk a job along a whole path at once; the fake API moves a stored job one step at
a time, on the requests of the code under test. Both call :func:`take_step`, so a job that the
fake moved to ``SUCCESS`` looks exactly like one that ``build(status="SUCCESS")`` made: an event
for the change (none for the silent re-queue after validation), the estimate and the targets at
``VALIDATED``, the start estimate at the re-queue, the W&B run URL and checkpoints once running,
the ``ft:classifier:...`` name and the trained tokens at ``SUCCESS``. The rules, with their
sources, are in :mod:`pytest_classifierjobs.lifecycle`.

Time: a history the factories walk runs from the job's ``modified_at``, each step a drawn number
of seconds later. The fake passes the moment of each step instead (``at``, read from its clock),
so that its jobs carry the time at which they really changed.
"""

from __future__ import annotations

import datetime
import math
import uuid
from random import Random
from typing import Any

import attrs

from .lifecycle import Progress
from .models import (
    CheckpointOut,
    ClassifierDetailedJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    EventOut,
    JobMetadataOut,
    MetricOut,
    WandbIntegrationOut,
)

S = ClassifierJobOutStatus

# The jobs API existed from mid-2024 until its retirement in July 2026 (contract, section 0).
EARLIEST = int(datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc).timestamp())
LATEST = int(datetime.datetime(2026, 7, 1, tzinfo=datetime.timezone.utc).timestamp())
# Label sets in the spirit of the cookbook's intent, moderation and product classifiers.
TARGETS = {
    "intent": ("social_post", "email_sendemail", "calendar_set", "play_music", "weather_query"),
    "moderation": ("hate", "sexual", "violence", "self_harm", "pii", "none"),
    "category": ("electronics", "clothing", "home", "toys", "books"),
    "sentiment": ("positive", "negative", "neutral"),
    "language": ("en", "fr", "de", "es", "it"),
}
TARGET_NAMES = tuple(TARGETS)
_SLUG = "abcdefghijklmnopqrstuvwxyz0123456789"
SEQ_LEN = 16384  # the server's default, observed in every sample
# The estimate's formulas, each fitted to the three classifier jobs the cookbook recorded
# (contract "mistral-workflow-api.md", section 4, "Token figures"):
#: Tokens per training step: 65,536 in all three jobs (seq_len 16,384).
TRAIN_TOKENS_PER_STEP = 65536
# train_tokens = steps x 65,536, exactly; epochs = train_tokens / data_tokens, exactly;
# cost = 0.5 EUR per million train tokens, rounded up to the cent (3.28, 6.56, 8.2 EUR);
# trained_tokens at SUCCESS = steps x seq_len (1,638,400 for 100 steps of 16,384).
_EUR_CENTS_PER_MILLION_TOKENS = 50
# Tokens of training data a job draws when the fake has not read its files: the range of the
# three recorded jobs (137,274 to 2,554,120), widened.
DATA_TOKENS = (20_000, 3_000_000)
STATUS_UPDATED = "status-updated"

# Seconds a step takes after the one before it: (low, high). Training is timed by its estimate.
_STEP_SECONDS = {
    S.QUEUED: (30, 7200),  # the re-queue waits for somebody to call start
    S.VALIDATING: (1, 5),
    S.VALIDATED: (1, 60),
    S.STARTED: (1, 30),
    S.RUNNING: (5, 600),
    S.SUCCESS: (1, 30),
    S.FAILED: (1, 30),
    S.CANCELLATION_REQUESTED: (1, 120),
    S.CANCELLED: (1, 30),
    S.FAILED_VALIDATION: (1, 60),
}
_AUTO_START_SECONDS = (0, 5)
#: The share of re-queued jobs that get a ``metadata.estimated_start_time``: one of the three
#: recorded classifier jobs had one after ``start`` (moderation), two had ``null`` (intent,
#: product; cookbook, 2025-04-16).
ESTIMATED_START_SHARE = 1 / 3


def start_estimate(rng: Random, queued_at: int, starts_at: int | None = None) -> int | None:
    """The ``estimated_start_time`` of a job re-queued at ``queued_at``, or ``None``.

    ``None`` as in two of the three recorded jobs; ``starts_at`` is the moment training will
    really start, when known (the fake's clock), else the estimate is drawn.
    """
    if rng.random() >= ESTIMATED_START_SHARE:
        return None
    return rng.randint(queued_at + 10, queued_at + 600) if starts_at is None else starts_at


def new_uuid(rng: Random) -> str:
    """A random version-4 UUID string, drawn from ``rng`` so that seeding fixes it."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def slug(rng: Random, low: int = 4, high: int = 10) -> str:
    """A lowercase alphanumeric name of ``low`` to ``high`` characters."""
    return "".join(rng.choice(_SLUG) for _ in range(rng.randint(low, high)))


def training_parameters(rng: Random) -> ClassifierTrainingParameters:
    """Hyperparameters as the server reports them before validation (no ``epochs`` yet)."""
    return ClassifierTrainingParameters(
        training_steps=rng.randint(10, 100),
        learning_rate=rng.choice((1e-5, 4e-5, 1e-4, 2e-4)),
        weight_decay=0.1,
        warmup_fraction=0.05,
        epochs=None,
        seq_len=SEQ_LEN,
    )


def cost_of(train_tokens: int) -> float:
    """The estimated cost in EUR: 0.5 EUR per million train tokens, rounded up to the cent.

    >>> cost_of(6_553_600), cost_of(13_107_200), cost_of(16_384_000)
    (3.28, 6.56, 8.2)
    """
    cents = -(-train_tokens * _EUR_CENTS_PER_MILLION_TOKENS // 1_000_000)
    return cents / 100


def validated_plan(
    rng: Random, hp: ClassifierTrainingParameters, data_tokens: int | None = None
) -> tuple[ClassifierTrainingParameters, JobMetadataOut]:
    """What validation works out: the steps, the epochs and the estimate (``metadata``).

    ``data_tokens`` is the size of the training data, drawn from :data:`DATA_TOKENS` when not
    given. A job asked for ``epochs`` instead of steps gets the steps that cover them (inferred
    from the recorded ``epochs = train_tokens / data_tokens``) and keeps the epochs it asked for;
    a job asked for neither gets a drawn number of steps. A job without ``epochs`` gets
    ``train_tokens / data_tokens``, as the three recorded jobs did.
    """
    data_tokens = rng.randint(*DATA_TOKENS) if data_tokens is None else data_tokens
    steps = hp.training_steps
    if steps is None and hp.epochs is not None:
        steps = max(1, math.ceil(hp.epochs * data_tokens / TRAIN_TOKENS_PER_STEP))
    elif steps is None:
        steps = rng.randint(10, 100)
    train_tokens = steps * TRAIN_TOKENS_PER_STEP
    metadata = JobMetadataOut(
        expected_duration_seconds=steps * rng.randint(3, 6),
        cost=cost_of(train_tokens),
        cost_currency="EUR",
        train_tokens_per_step=TRAIN_TOKENS_PER_STEP,
        train_tokens=train_tokens,
        data_tokens=data_tokens,
        estimated_start_time=None,
    )
    epochs = train_tokens / data_tokens if hp.epochs is None else hp.epochs
    return attrs.evolve(hp, training_steps=steps, epochs=epochs), metadata


def target(rng: Random, name: str | None = None) -> ClassifierTargetOut:
    """A classification head with labels from one of the label sets."""
    name = name or rng.choice(TARGET_NAMES)
    labels = TARGETS[name]
    multi = name == "moderation" and rng.random() < 0.5
    return ClassifierTargetOut(
        name=name,
        labels=rng.sample(labels, rng.randint(2, len(labels))),
        weight=1.0,
        loss_function="multi_class" if multi else "single_class",
    )


def metric(rng: Random, progress: float, evaluated: bool) -> MetricOut:
    """Metrics at ``progress`` (0 to 1) through training; zeros where nothing was evaluated."""
    train_loss = 2.0 * math.exp(-4.0 * progress) + 0.05 + rng.random() * 0.05
    if not evaluated:  # observed: steps without an evaluation report 0.0, not null
        return MetricOut(
            train_loss=round(train_loss, 6), valid_loss=0.0, valid_mean_token_accuracy=0.0
        )
    return MetricOut(
        train_loss=round(train_loss, 6),
        valid_loss=round(train_loss * (1.05 + rng.random() * 0.1), 6),
        # observed: the accuracy can exceed 1 slightly (1.000433 in the intent notebook)
        valid_mean_token_accuracy=round(min(1.0005, 0.6 + 0.4 * progress + rng.random() * 0.01), 6),
    )


def wandb(rng: Random, *, set_names: bool | None) -> WandbIntegrationOut:
    """A W&B integration as echoed before the run exists (no ``url``)."""
    named = rng.random() < 0.5 if set_names is None else set_names
    return WandbIntegrationOut(
        project=rng.choice(("intent-classifier", "moderation", "product-classifier", "ft-exp")),
        name=slug(rng) if named else None,
        run_name=slug(rng) if named else None,
        url=None,
    )


def run_url(rng: Random, integration: WandbIntegrationOut) -> str:
    """The W&B URL of the run of ``integration``."""
    return f"https://wandb.ai/{slug(rng)}/{integration.project}/runs/{slug(rng, 8, 8)}"


def fresh_job(
    *,
    id: str,
    model: str,
    auto_start: bool,
    created_at: int,
    training_files: list[str],
    validation_files: list[str] | None,
    suffix: str | None,
    integrations: list[WandbIntegrationOut] | None,
    hyperparameters: ClassifierTrainingParameters,
) -> ClassifierDetailedJobOut:
    """A job just created: ``QUEUED``, one event, ``{cost: 0.0}`` metadata (observed)."""
    return ClassifierDetailedJobOut(
        id=id,
        auto_start=auto_start,
        model=model,
        status=S.QUEUED,
        created_at=created_at,
        modified_at=created_at,
        training_files=training_files,
        hyperparameters=hyperparameters,
        validation_files=validation_files,
        suffix=suffix,
        integrations=integrations,
        metadata=JobMetadataOut(cost=0.0),
        classifier_targets=[],
        events=[EventOut(name=STATUS_UPDATED, created_at=created_at, data={"status": "QUEUED"})],
    )


def take_step(
    job: ClassifierDetailedJobOut,
    progress: Progress,
    status: ClassifierJobOutStatus | str,
    rng: Random,
    *,
    targets: list[ClassifierTargetOut] | None = None,
    account: str | None = None,
    data_tokens: int | None = None,
    at: int | None = None,
    estimated_start: int | None = None,
) -> tuple[ClassifierDetailedJobOut, Progress]:
    """Move ``job`` (at ``progress``) to ``status`` as the server would.

    Raises :class:`~pytest_classifierjobs.lifecycle.IllegalTransitionError` for a step the
    transition graph forbids. ``targets`` are used at validation instead of drawn ones (the
    server echoes what the request asked for); ``account`` is the 8-hex account id of the
    fine-tuned model's name, drawn when not given; ``data_tokens`` is the size of the training
    data that validation reads (:func:`validated_plan`).

    ``at`` is the moment of the step (the fake's clock); without it the step happens a drawn
    number of seconds after the job's ``modified_at``. With ``at``, training starts with no
    checkpoint and its checkpoints fill the time up to its end, and a re-queue gets
    ``estimated_start`` as its ``estimated_start_time`` (drawn without ``at``).
    """
    after = progress.advance(status)
    new = after.status
    now = job.modified_at
    changes: dict[str, Any] = {"status": new}
    if new is S.QUEUED:  # the re-queue after validation: silent (observed), start estimated
        if at is None:
            low, high = _AUTO_START_SECONDS if job.auto_start else _STEP_SECONDS[S.QUEUED]
            now += rng.randint(low, high)
            estimated_start = start_estimate(rng, now)
        else:
            now = max(now, at)
        metadata = job.metadata or JobMetadataOut(cost=0.0)
        changes["metadata"] = attrs.evolve(metadata, estimated_start_time=estimated_start)
        changes["modified_at"] = now
        return attrs.evolve(job, **changes), after
    end = None if at is None else max(now, at)
    if progress.status is S.RUNNING and new is not S.CANCELLATION_REQUESTED:
        now = _train(job, changes, rng, finished=new is S.SUCCESS, end=end)
    now = now + rng.randint(*_STEP_SECONDS[new]) if end is None else end
    changes["events"] = [
        *job.events,
        EventOut(name=STATUS_UPDATED, created_at=now, data={"status": new.value}),
    ]
    if new is S.VALIDATED:
        _validate(job, changes, rng, targets, data_tokens)
    elif new is S.RUNNING:
        now = _start_training(job, changes, rng, now, fresh=at is not None)
    elif new is S.SUCCESS:
        _succeed(job, changes, rng, account)
    changes["modified_at"] = now
    return attrs.evolve(job, **changes), after


def _validate(
    job: ClassifierDetailedJobOut,
    changes: dict[str, Any],
    rng: Random,
    targets: list[ClassifierTargetOut] | None,
    data_tokens: int | None,
) -> None:
    changes["hyperparameters"], changes["metadata"] = validated_plan(
        rng, job.hyperparameters, data_tokens
    )
    if not job.classifier_targets:
        names = rng.sample(TARGET_NAMES, rng.choice((1, 1, 2)))
        changes["classifier_targets"] = targets or [target(rng, name) for name in names]


def _per_step(job: ClassifierDetailedJobOut) -> tuple[int, float]:
    steps = job.hyperparameters.training_steps or 1
    duration = (job.metadata and job.metadata.expected_duration_seconds) or steps * 4
    return steps, duration / steps


def _checkpoints(
    rng: Random,
    steps: int,
    *,
    first: int,
    last: int,
    start: int,
    seconds_per_step: float,
    end: int | None = None,
) -> list[CheckpointOut]:
    """Checkpoints of steps ``first`` to ``last``, one per step (observed), newest first.

    None is later than ``end``.
    """
    evaluate_every = max(1, steps // 10)
    latest = math.inf if end is None else end
    made = []
    # A job has up to a hundred checkpoints and every job a test adds draws them: this loop is
    # most of what adding a job costs, hence the local names.
    checkpoint, draw = CheckpointOut, metric
    for step in range(last, first - 1, -1):
        moment = start + max(1, round(step * seconds_per_step))
        made.append(
            checkpoint(
                metrics=draw(rng, step / steps, step % evaluate_every == 0 or step == steps),
                step_number=step,
                created_at=int(moment if moment < latest else latest),
            )
        )
    return made


def _start_training(
    job: ClassifierDetailedJobOut,
    changes: dict[str, Any],
    rng: Random,
    started: int,
    *,
    fresh: bool = False,
) -> int:
    """Integrations get their run URL; some steps are done already. Return the newest time.

    None is done when ``fresh``: the fake's clock says that training starts now.
    """
    if job.integrations:
        changes["integrations"] = [
            i if i.url else attrs.evolve(i, url=run_url(rng, i)) for i in job.integrations
        ]
    steps, per_step = _per_step(job)
    done = 0 if fresh else rng.randint(0, max(steps - 1, 0))
    checkpoints = _checkpoints(
        rng, steps, first=1, last=done, start=started, seconds_per_step=per_step
    )
    changes["checkpoints"] = checkpoints
    return checkpoints[0].created_at if checkpoints else started


def train_until(
    job: ClassifierDetailedJobOut, rng: Random, *, now: int, finish: int | None
) -> ClassifierDetailedJobOut:
    """A ``RUNNING`` job with a checkpoint for each step done by ``now`` (the fake's clock).

    ``finish`` is when training will succeed, which spreads the steps evenly up to it; without
    it (a job that will fail or be cancelled) the steps take the estimated time. The last step's
    checkpoint waits for the end of training. ``modified_at`` follows the newest checkpoint.
    """
    steps, per_step = _per_step(job)
    started = _running_since(job)
    if now <= started or (finish is not None and finish <= started):
        return job  # nothing done yet, or a clock moved back before training started
    if finish is not None:
        per_step = (finish - started) / steps
    done = job.checkpoints[0].step_number if job.checkpoints else 0
    reached = steps - 1 if per_step <= 0 else min(steps - 1, int((now - started) / per_step))
    if reached <= done:
        return job
    newer = _checkpoints(
        rng, steps, first=done + 1, last=reached, start=started, seconds_per_step=per_step, end=now
    )
    return attrs.evolve(
        job,
        checkpoints=[*newer, *job.checkpoints],
        modified_at=max(job.modified_at, newer[0].created_at),
    )


def _running_since(job: ClassifierDetailedJobOut) -> int:
    """When the job's training started: its ``RUNNING`` event (else its last change)."""
    return next(
        (e.created_at for e in job.events if (e.data or {}).get("status") == S.RUNNING),
        job.modified_at,
    )


def _train(
    job: ClassifierDetailedJobOut,
    changes: dict[str, Any],
    rng: Random,
    *,
    finished: bool,
    end: int | None = None,
) -> int:
    """Training ends: every step when it ``finished``, else none more. Return the end time.

    Without ``end`` the steps take the estimated time; with it they fill the time up to it.
    """
    if not finished:
        return job.modified_at
    steps, per_step = _per_step(job)
    started = _running_since(job)
    if end is not None:
        per_step = max(0, end - started) / steps
    done = job.checkpoints[0].step_number if job.checkpoints else 0
    newer = _checkpoints(
        rng, steps, first=done + 1, last=steps, start=started, seconds_per_step=per_step, end=end
    )
    changes["checkpoints"] = [*newer, *job.checkpoints]
    return max(job.modified_at, newer[0].created_at if newer else job.modified_at)


def _succeed(
    job: ClassifierDetailedJobOut, changes: dict[str, Any], rng: Random, account: str | None
) -> None:
    account = account or f"{rng.getrandbits(32):08x}"
    changes["fine_tuned_model"] = (
        f"ft:classifier:{job.model}:{account}:{_day(job.created_at)}:{job.id[:8]}"
    )
    hp = job.hyperparameters
    changes["trained_tokens"] = (hp.training_steps or 1) * (hp.seq_len or SEQ_LEN)


# --- moving a drawn history in time ---------------------------------------------------------


def shifted(job: ClassifierDetailedJobOut, seconds: int) -> ClassifierDetailedJobOut:
    """``job`` with its whole history ``seconds`` later (earlier when negative).

    The date in its ``fine_tuned_model`` name follows its new ``created_at``.
    """
    if not seconds:
        return job
    created_at = job.created_at + seconds
    return attrs.evolve(
        job,
        created_at=created_at,
        modified_at=job.modified_at + seconds,
        metadata=moved_metadata(job.metadata, seconds),
        fine_tuned_model=renamed_model(job, created_at),
        events=[event_at(e, e.created_at + seconds) for e in job.events],
        checkpoints=[checkpoint_at(c, c.created_at + seconds) for c in job.checkpoints],
    )


def moved_metadata(metadata: JobMetadataOut | None, seconds: int) -> JobMetadataOut | None:
    """``metadata`` of a job moved ``seconds`` in time: its estimated start moves with it."""
    if not seconds or metadata is None or metadata.estimated_start_time is None:
        return metadata
    return attrs.evolve(metadata, estimated_start_time=metadata.estimated_start_time + seconds)


def renamed_model(
    job: ClassifierDetailedJobOut, created_at: int, job_id: str | None = None
) -> str | None:
    """``job``'s fine-tuned model name for the job created at ``created_at`` (with ``job_id``).

    In a name the fake made (``ft:classifier:<model>:<account>:<date>:<first 8 of the id>``),
    the date follows if it was ``job``'s creation date, and the id if it was ``job``'s; any
    other name is kept as it is.
    """
    name = job.fine_tuned_model
    if name is None:
        return None
    parts = name.split(":")
    if len(parts) != 6:
        return name
    if parts[4] == _day(job.created_at):
        parts[4] = _day(created_at)
    if job_id is not None and parts[5] == job.id[:8]:
        parts[5] = job_id[:8]
    return ":".join(parts)


def _day(moment: int) -> str:
    """The date of ``moment`` as a model name writes it (``20250415``)."""
    return f"{datetime.datetime.fromtimestamp(moment, datetime.timezone.utc):%Y%m%d}"


# Made directly rather than with attrs.evolve, which costs four times as much: a job has up to a
# hundred checkpoints, and every job a test adds is moved in time (test_progression checks that
# these keep every field).
def event_at(event: EventOut, created_at: int) -> EventOut:
    """``event`` at ``created_at``."""
    return EventOut(name=event.name, created_at=created_at, data=event.data)


def checkpoint_at(checkpoint: CheckpointOut, created_at: int) -> CheckpointOut:
    """``checkpoint`` at ``created_at``."""
    return CheckpointOut(
        metrics=checkpoint.metrics, step_number=checkpoint.step_number, created_at=created_at
    )


def fit_in_time(job: ClassifierDetailedJobOut, end: int | None = None) -> ClassifierDetailedJobOut:
    """``job`` with its history stretched or squeezed to end at ``end``, order kept.

    Without ``end``, the history is squeezed into the job's own ``[created_at, modified_at]``
    (a drawn history may run past a ``modified_at`` that a test gave). A job that never changed
    after its creation, or an ``end`` before its creation, leaves the job as it is.
    """
    start = job.created_at
    times = [e.created_at for e in job.events] + [c.created_at for c in job.checkpoints]
    latest = max([job.modified_at, *times])
    target = job.modified_at if end is None else end
    if latest <= start or target < start or (end is None and latest <= target):
        return job

    def fit(moment: int) -> int:
        # In integers: a float scale can land the last event a second short of the end.
        return start + (moment - start) * (target - start) // (latest - start)

    return attrs.evolve(
        job,
        modified_at=target,
        events=[event_at(e, fit(e.created_at)) for e in job.events],
        checkpoints=[checkpoint_at(c, fit(c.created_at)) for c in job.checkpoints],
    )
