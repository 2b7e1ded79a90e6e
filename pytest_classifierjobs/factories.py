"""polyfactory factories that build coherent, realistic jobs in any status, reproducibly.

A plain ``AttrsFactory`` fills every field independently, so half of its jobs contradict
themselves (a ``QUEUED`` job with a fine-tuned model, checkpoints before training). These
factories draw a job the way the server would have produced it: a legal path through the
lifecycle to the asked status, an event per status change, and the fields each step fills in
(the rules and their sources are in :mod:`pytest_classifierjobs.lifecycle`).

Every factory here is an ``AttrsFactory`` subclass, but ``build`` draws the values itself, from
the factory's own ``random.Random``. That is both why the jobs are coherent and why a build is
several times cheaper than a generic one. It also makes seeding simple: ``seed_random(n)`` on a
factory fixes everything it builds, nested objects included, and nothing here touches the
``random`` module, polyfactory's shared ``Random`` or the ``Faker`` of anybody else's factory.

Overrides win over coherence: ``build(status="QUEUED", fine_tuned_model="x")`` gives exactly
that, because simulating an odd combination is what a test may need. Overrides of the fields a
job is drawn from (``id``, ``model``, ``auto_start``, ``created_at``, ``training_files``,
``validation_files``, ``suffix``, ``integrations``, ``hyperparameters``) are its inputs: the
lifecycle works from them, so ``build(status="SUCCESS", model="m")`` still names ``m`` in its
``fine_tuned_model``, and fills in only what they leave empty (an integration's run ``url``
once the job ran, ``epochs`` once it is validated). A nested model may be overridden by an instance,
or by a dict of some of its fields (``metadata={"cost": 12.5}``).
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import math
import uuid
from collections.abc import Callable, Iterator, Mapping
from random import Random
from typing import Any, ClassVar, Generic, TypeVar

import attrs
from faker import Faker
from polyfactory.factories.attrs_factory import AttrsFactory
from polyfactory.fields import Use

from .models import (
    CheckpointOut,
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTargetOut,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersIn,
    EventOut,
    JobIn,
    JobMetadataOut,
    MetricOut,
    TrainingFile,
    WandbIntegration,
    WandbIntegrationOut,
    parse_status,
)

__all__ = [
    "CheckpointOutFactory",
    "ClassifierDetailedJobOutFactory",
    "ClassifierJobOutFactory",
    "ClassifierTargetOutFactory",
    "ClassifierTrainingParametersFactory",
    "EventOutFactory",
    "JobInFactory",
    "JobMetadataOutFactory",
    "MetricOutFactory",
    "WandbIntegrationOutFactory",
]

S = ClassifierJobOutStatus
T = TypeVar("T")

# --- realistic values ------------------------------------------------------------------------

# Base models the classifier guide fine-tunes (platform-docs-public classifier_factory.md).
BASE_MODELS = ("ministral-3b-latest", "ministral-3b-latest", "ministral-8b-latest")
# The jobs API existed from mid-2024 until its retirement in July 2026 (contract, section 0).
_EARLIEST = int(datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc).timestamp())
_LATEST = int(datetime.datetime(2026, 7, 1, tzinfo=datetime.timezone.utc).timestamp())
# Label sets in the spirit of the cookbook's intent, moderation and product classifiers.
_TARGETS = {
    "intent": ("social_post", "email_sendemail", "calendar_set", "play_music", "weather_query"),
    "moderation": ("hate", "sexual", "violence", "self_harm", "pii", "none"),
    "category": ("electronics", "clothing", "home", "toys", "books"),
    "sentiment": ("positive", "negative", "neutral"),
    "language": ("en", "fr", "de", "es", "it"),
}
_TARGET_NAMES = tuple(_TARGETS)
_SLUG = "abcdefghijklmnopqrstuvwxyz0123456789"
_TOKENS_PER_STEP = (65536, 131072)  # observed in the cookbook and in the contract's examples
_SEQ_LEN = 16384  # the server's default, observed in every sample
_EUR_PER_MILLION_TOKENS = 0.5  # chosen: makes the cookbook's 6.5M-token job cost about 3.3 EUR


def _uuid(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _slug(rng: Random, low: int = 4, high: int = 10) -> str:
    return "".join(rng.choice(_SLUG) for _ in range(rng.randint(low, high)))


def _hex8(rng: Random) -> str:
    return f"{rng.getrandbits(32):08x}"


def _training_parameters(rng: Random) -> ClassifierTrainingParameters:
    return ClassifierTrainingParameters(
        training_steps=rng.randint(10, 100),
        learning_rate=rng.choice((1e-5, 4e-5, 1e-4, 2e-4)),
        weight_decay=0.1,
        warmup_fraction=0.05,
        epochs=None,
        seq_len=_SEQ_LEN,
    )


def _estimate(rng: Random, steps: int | None) -> JobMetadataOut:
    per_step = rng.choice(_TOKENS_PER_STEP)
    train_tokens = (steps or 100) * per_step
    return JobMetadataOut(
        expected_duration_seconds=(steps or 100) * rng.randint(3, 6),
        cost=max(0.01, round(train_tokens / 1e6 * _EUR_PER_MILLION_TOKENS, 2)),
        cost_currency="EUR",
        train_tokens_per_step=per_step,
        train_tokens=train_tokens,
        data_tokens=rng.randint(20_000, 2_000_000),
        estimated_start_time=None,
    )


def _target(rng: Random, name: str | None = None) -> ClassifierTargetOut:
    name = name or rng.choice(_TARGET_NAMES)
    labels = _TARGETS[name]
    multi = name == "moderation" and rng.random() < 0.5
    return ClassifierTargetOut(
        name=name,
        labels=rng.sample(labels, rng.randint(2, len(labels))),
        weight=1.0,
        loss_function="multi_class" if multi else "single_class",
    )


def _metric(rng: Random, progress: float, evaluated: bool) -> MetricOut:
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


def _checkpoints(
    rng: Random, steps: int, done: int, start: int, seconds_per_step: float
) -> list[CheckpointOut]:
    """One checkpoint per completed step (observed), newest first (observed)."""
    evaluate_every = max(1, steps // 10)
    return [
        CheckpointOut(
            metrics=_metric(rng, step / steps, step % evaluate_every == 0 or step == steps),
            step_number=step,
            created_at=start + max(1, round(step * seconds_per_step)),
        )
        for step in range(done, 0, -1)
    ]


def _wandb(rng: Random, *, set_names: bool | None) -> WandbIntegrationOut:
    named = rng.random() < 0.5 if set_names is None else set_names
    return WandbIntegrationOut(
        project=rng.choice(("intent-classifier", "moderation", "product-classifier", "ft-exp")),
        name=_slug(rng) if named else None,
        run_name=_slug(rng) if named else None,
        url=None,
    )


def _run_url(rng: Random, integration: WandbIntegrationOut) -> str:
    return f"https://wandb.ai/{_slug(rng)}/{integration.project}/runs/{_slug(rng, 8, 8)}"


# --- the path to a status --------------------------------------------------------------------

_TO_VALIDATED = (S.QUEUED, S.VALIDATING, S.VALIDATED)
_TO_REQUEUED = (*_TO_VALIDATED, S.QUEUED)
_TO_RUNNING = (*_TO_REQUEUED, S.RUNNING)
# Where a job can be when a cancellation reaches it.
_CANCEL_POINTS = ((S.QUEUED,), _TO_VALIDATED[:2], _TO_VALIDATED, _TO_REQUEUED, _TO_RUNNING)
_PATHS: Mapping[ClassifierJobOutStatus, tuple[tuple[ClassifierJobOutStatus, ...], ...]] = {
    S.QUEUED: ((S.QUEUED,), _TO_REQUEUED),
    S.VALIDATING: (_TO_VALIDATED[:2],),
    S.VALIDATED: (_TO_VALIDATED,),
    S.FAILED_VALIDATION: ((S.QUEUED, S.VALIDATING, S.FAILED_VALIDATION),),
    S.STARTED: ((*_TO_REQUEUED, S.STARTED),),
    S.RUNNING: (_TO_RUNNING,),
    S.SUCCESS: ((*_TO_RUNNING, S.SUCCESS),),
    S.FAILED: ((*_TO_RUNNING, S.FAILED),),
    S.CANCELLATION_REQUESTED: tuple((*p, S.CANCELLATION_REQUESTED) for p in _CANCEL_POINTS),
    S.CANCELLED: (
        *((*p, S.CANCELLED) for p in _CANCEL_POINTS[:-1]),
        *((*p, S.CANCELLATION_REQUESTED, S.CANCELLED) for p in _CANCEL_POINTS),
    ),
}

# Seconds each step takes after the one before it: (low, high).
_STEP_SECONDS = {
    S.VALIDATING: (1, 5),
    S.VALIDATED: (1, 60),
    S.STARTED: (1, 30),
    S.RUNNING: (5, 600),
    S.CANCELLATION_REQUESTED: (1, 120),
    S.CANCELLED: (1, 30),
    S.FAILED_VALIDATION: (1, 60),
}


@attrs.define
class _Draft:
    """The fields a job is drawn from, before the lifecycle fills in the rest."""

    id: str
    model: str
    auto_start: bool
    created_at: int
    training_files: list[str]
    validation_files: list[str] | None
    suffix: str | None
    integrations: list[WandbIntegrationOut] | None
    hyperparameters: ClassifierTrainingParameters
    account: str


_DRAFT_FIELDS = frozenset(f.name for f in attrs.fields(_Draft)) - {"account"}


def _draft(rng: Random, overrides: Mapping[str, Any], nullables: bool | None) -> _Draft:
    def free(make: Callable[[], T]) -> T | None:
        present = rng.random() < 0.5 if nullables is None else nullables
        return make() if present else None

    draft = _Draft(
        id=_uuid(rng),
        model=rng.choice(BASE_MODELS),
        auto_start=rng.random() < 0.3,
        created_at=rng.randint(_EARLIEST, _LATEST),
        training_files=[_uuid(rng) for _ in range(rng.choice((1, 1, 2)))],
        validation_files=free(lambda: [_uuid(rng)]),
        suffix=free(lambda: _slug(rng, 3, 18)),
        integrations=free(lambda: [_wandb(rng, set_names=nullables)]),
        hyperparameters=_training_parameters(rng),
        account=_hex8(rng),
    )
    for name in _DRAFT_FIELDS.intersection(overrides):
        value = overrides[name]
        if name == "hyperparameters":
            value = _merge(draft.hyperparameters, value, "hyperparameters")
        setattr(draft, name, value)
    return draft


def _job_values(
    rng: Random,
    status: ClassifierJobOutStatus,
    overrides: Mapping[str, Any],
    nullables: bool | None = None,
) -> dict[str, Any]:
    """Every field of a coherent detailed job in ``status``, overrides applied last."""
    draft = _draft(rng, overrides, nullables)
    paths = _PATHS[status]
    path = paths[rng.randrange(len(paths))] if len(paths) > 1 else paths[0]
    hp = draft.hyperparameters
    steps = hp.training_steps
    now = draft.created_at
    events = [EventOut(name="status-updated", created_at=now, data={"status": S.QUEUED.value})]
    metadata = JobMetadataOut(cost=0.0)
    targets: list[ClassifierTargetOut] = []
    checkpoints: list[CheckpointOut] = []
    ran = False
    for previous, step in itertools.pairwise(path):
        if step is S.QUEUED:  # the re-queue after validation: silent (observed)
            now += rng.randint(0, 5) if draft.auto_start else rng.randint(30, 7200)
            metadata = attrs.evolve(metadata, estimated_start_time=now + rng.randint(10, 600))
            continue
        if previous is S.RUNNING:
            now = _train(
                rng,
                draft=draft,
                metadata=metadata,
                outcome=step,
                started=now,
                checkpoints=checkpoints,
            )
        else:
            low, high = _STEP_SECONDS[step]
            now += rng.randint(low, high)
        events.append(EventOut(name="status-updated", created_at=now, data={"status": step.value}))
        if step is S.VALIDATED:
            metadata = _estimate(rng, steps)
            tokens = metadata.train_tokens or 1
            if hp.epochs is None:
                hp = attrs.evolve(hp, epochs=round(tokens / (metadata.data_tokens or tokens), 6))
            targets = [
                _target(rng, name) for name in rng.sample(_TARGET_NAMES, rng.choice((1, 1, 2)))
            ]
        elif step is S.RUNNING:
            ran = True
    succeeded = status is S.SUCCESS
    integrations = draft.integrations
    if ran and integrations:
        integrations = [i if i.url else attrs.evolve(i, url=_run_url(rng, i)) for i in integrations]
    created = datetime.datetime.fromtimestamp(draft.created_at, datetime.timezone.utc)
    values: dict[str, Any] = {
        "id": draft.id,
        "auto_start": draft.auto_start,
        "model": draft.model,
        "status": status,
        "created_at": draft.created_at,
        "modified_at": max(now, checkpoints[0].created_at if checkpoints else now),
        "training_files": draft.training_files,
        "hyperparameters": hp,
        "validation_files": draft.validation_files,
        "fine_tuned_model": (
            f"ft:classifier:{draft.model}:{draft.account}:{created:%Y%m%d}:{draft.id[:8]}"
            if succeeded
            else None
        ),
        "suffix": draft.suffix,
        "integrations": integrations,
        "trained_tokens": metadata.train_tokens if succeeded else None,
        "metadata": metadata,
        "classifier_targets": targets,
        "events": events,
        "checkpoints": checkpoints,
    }
    return values


def _train(
    rng: Random,
    *,
    draft: _Draft,
    metadata: JobMetadataOut,
    outcome: ClassifierJobOutStatus,
    started: int,
    checkpoints: list[CheckpointOut],
) -> int:
    """Fill ``checkpoints`` for the training that ends in ``outcome``; return when it ended."""
    steps = draft.hyperparameters.training_steps or 0
    duration = metadata.expected_duration_seconds or max(steps, 1) * 4
    per_step = duration / max(steps, 1)
    done = steps if outcome is S.SUCCESS else rng.randint(0, max(steps - 1, 0))
    checkpoints.extend(_checkpoints(rng, steps, done, started, per_step))
    return started + max(1, round(done * per_step)) + rng.randint(1, 30)


# --- overrides -------------------------------------------------------------------------------


def _merge(current: Any, override: Any, where: str) -> Any:
    """``override`` itself, or ``current`` with the fields of an override dict replaced."""
    if not isinstance(override, dict) or not attrs.has(type(current)):
        return override
    _check_names(type(current), override, where)
    return attrs.evolve(current, **override)


_FIELD_NAMES: dict[type[Any], tuple[frozenset[str], frozenset[str]]] = {}


def _init_fields(model: type[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """Return the names a model's ``__init__`` takes and the names of its constants."""
    names = _FIELD_NAMES.get(model)
    if names is None:
        fields = attrs.fields(model)
        names = _FIELD_NAMES[model] = (
            frozenset(f.name for f in fields if f.init),
            frozenset(f.name for f in fields if not f.init),
        )
    return names


def _check_names(model: type[Any], given: Mapping[str, Any], where: str) -> None:
    settable, constants = _init_fields(model)
    for name in given:
        if name in settable:
            continue
        if name in constants:
            raise TypeError(
                f"{where}: {name!r} is a constant of the contract and cannot be overridden"
            )
        close = difflib.get_close_matches(name, settable, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise TypeError(
            f"{where}: {model.__name__} has no field {name!r}{hint} "
            f"Fields: {', '.join(sorted(settable))}"
        )


# --- the factories ---------------------------------------------------------------------------


class _CoherentBuild(Generic[T]):
    """The ``build``/``coverage`` shared by every factory here (a mixin, not a polyfactory base).

    A polyfactory base factory would be registered globally and could be picked for users' own
    attrs models; a plain mixin keeps these factories to themselves.
    """

    __model__: type[T]
    __random__: ClassVar[Random]
    __faker__: ClassVar[Faker]
    # Fields whose overrides ``_draw`` has used already as inputs; not applied again after it.
    _inputs: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Each factory, a user's subclass included, gets a Random and a Faker of its own, so
        # that seeding or building one never moves another (polyfactory's default shares both).
        cls.__random__ = Random()
        cls.__faker__ = Faker()
        super().__init_subclass__(**kwargs)

    @classmethod
    def _draw(
        cls,
        rng: Random,
        overrides: dict[str, Any],
        status: ClassifierJobOutStatus | None,
        nullables: bool | None,
    ) -> dict[str, Any]:  # pragma: no cover - every factory defines it
        """Draw every init field; ``nullables`` forces the free nullable fields null or set."""
        raise NotImplementedError

    @classmethod
    def _declared(cls) -> dict[str, Any]:
        """Collect the values a subclass declares as class attributes, as polyfactory does."""
        settable, _ = _init_fields(cls.__model__)
        declared: dict[str, Any] = {}
        for name in settable:
            value = getattr(cls, name, None)
            if value is not None:
                declared[name] = value.to_value() if isinstance(value, Use) else value
        return declared

    @classmethod
    def _build(
        cls,
        status: ClassifierJobOutStatus | str | None,
        kwargs: dict[str, Any],
        nullables: bool | None = None,
    ) -> T:
        where = f"{cls.__name__}.build()"
        overrides = {**cls._declared(), **kwargs}
        _check_names(cls.__model__, overrides, where)
        rng = cls.__random__
        parsed = None if status is None else parse_status(status)
        values = cls._draw(rng, overrides, parsed, nullables)
        for name, value in overrides.items():
            if name not in cls._inputs:
                values[name] = _merge(values.get(name), value, f"{where} {name}")
        return cls.__model__(**values)

    @classmethod
    def build(cls, *_: Any, **kwargs: Any) -> T:
        """Build one instance; keyword arguments override its fields.

        A dict given for a nested model replaces only the fields it names.
        """
        return cls._build(None, kwargs)


class _JobFactoryBase(_CoherentBuild[T]):
    _inputs = _DRAFT_FIELDS

    @classmethod
    def _draw(
        cls,
        rng: Random,
        overrides: dict[str, Any],
        status: ClassifierJobOutStatus | None,
        nullables: bool | None,
    ) -> dict[str, Any]:
        if status is None:
            status = rng.choice(_ALL_STATUSES)
        values = _job_values(rng, status, overrides, nullables)
        if cls.__model__ is ClassifierJobOut:
            for name in ("classifier_targets", "events", "checkpoints"):
                del values[name]
        return values

    @classmethod
    def build(cls, *_: Any, status: ClassifierJobOutStatus | str | None = None, **kwargs: Any) -> T:
        """Build a job coherent for ``status`` (drawn at random when not given).

        >>> job = ClassifierDetailedJobOutFactory.build(status="SUCCESS", model="my-base")
        >>> job.status, job.fine_tuned_model.startswith("ft:classifier:my-base:")
        (<ClassifierJobOutStatus.SUCCESS: 'SUCCESS'>, True)
        """
        return cls._build(status, kwargs)

    @classmethod
    def batch(
        cls,
        size: int,
        *,
        status: ClassifierJobOutStatus | str | None = None,
        **kwargs: Any,
    ) -> list[T]:
        """``size`` jobs, each built as by :meth:`build` with the same arguments."""
        return [cls._build(status, kwargs) for _ in range(size)]

    @classmethod
    def coverage(cls, **kwargs: Any) -> Iterator[T]:
        """Coherent jobs that together cover every status and every free nullable field.

        For each of the ten statuses, one job with every nullable field that the status leaves
        free (``validation_files``, ``suffix``, ``integrations`` and the integration's ``name``
        and ``run_name``) set to null, and one with all of them set. The fields a status decides
        (``fine_tuned_model``, ``trained_tokens``, the estimate in ``metadata``, ``epochs``,
        ``url``) take the value the status implies in both.
        """
        for status in ClassifierJobOutStatus:
            for nullables in (False, True):
                yield cls._build(status, dict(kwargs), nullables=nullables)


_ALL_STATUSES = tuple(ClassifierJobOutStatus)


class ClassifierDetailedJobOutFactory(
    _JobFactoryBase[ClassifierDetailedJobOut], AttrsFactory[ClassifierDetailedJobOut]
):
    """Coherent :class:`ClassifierDetailedJobOut` jobs, with events, targets and checkpoints.

    >>> ClassifierDetailedJobOutFactory.seed_random(7)
    >>> job = ClassifierDetailedJobOutFactory.build(status="RUNNING")
    >>> [event.data["status"] for event in job.events]
    ['QUEUED', 'VALIDATING', 'VALIDATED', 'RUNNING']
    """

    __model__ = ClassifierDetailedJobOut


class ClassifierJobOutFactory(_JobFactoryBase[ClassifierJobOut], AttrsFactory[ClassifierJobOut]):
    """Coherent short :class:`ClassifierJobOut` jobs, as create and list return them."""

    __model__ = ClassifierJobOut


class _SingleBuild(_CoherentBuild[T]):
    """For the nested models: one drawing function, no status."""

    @staticmethod
    def _one(rng: Random) -> Any:  # pragma: no cover - every factory defines it
        raise NotImplementedError

    @classmethod
    def _draw(
        cls,
        rng: Random,
        overrides: dict[str, Any],  # noqa: ARG003 - nothing here is derived from another field
        status: ClassifierJobOutStatus | None,  # noqa: ARG003 - nested models have no status
        nullables: bool | None,  # noqa: ARG003 - coverage() is for jobs only
    ) -> dict[str, Any]:
        instance = cls._one(rng)
        return {name: getattr(instance, name) for name in _init_fields(type(instance))[0]}


class ClassifierTrainingParametersFactory(
    _SingleBuild[ClassifierTrainingParameters], AttrsFactory[ClassifierTrainingParameters]
):
    """Hyperparameters inside the contract's bounds, with the server's defaults."""

    __model__ = ClassifierTrainingParameters
    _one = staticmethod(_training_parameters)


class JobMetadataOutFactory(_SingleBuild[JobMetadataOut], AttrsFactory[JobMetadataOut]):
    """A validated job's cost and duration estimate."""

    __model__ = JobMetadataOut

    @staticmethod
    def _one(rng: Random) -> JobMetadataOut:
        return _estimate(rng, rng.randint(10, 100))


class WandbIntegrationOutFactory(
    _SingleBuild[WandbIntegrationOut], AttrsFactory[WandbIntegrationOut]
):
    """A Weights & Biases integration as a job that has run reports it (with its run URL)."""

    __model__ = WandbIntegrationOut

    @staticmethod
    def _one(rng: Random) -> WandbIntegrationOut:
        integration = _wandb(rng, set_names=None)
        return attrs.evolve(integration, url=_run_url(rng, integration))


class ClassifierTargetOutFactory(
    _SingleBuild[ClassifierTargetOut], AttrsFactory[ClassifierTargetOut]
):
    """A classification head with realistic labels."""

    __model__ = ClassifierTargetOut
    _one = staticmethod(_target)


class MetricOutFactory(_SingleBuild[MetricOut], AttrsFactory[MetricOut]):
    """Metrics of an evaluated training step."""

    __model__ = MetricOut

    @staticmethod
    def _one(rng: Random) -> MetricOut:
        return _metric(rng, rng.random(), evaluated=True)


class CheckpointOutFactory(_SingleBuild[CheckpointOut], AttrsFactory[CheckpointOut]):
    """One checkpoint of a training run."""

    __model__ = CheckpointOut

    @staticmethod
    def _one(rng: Random) -> CheckpointOut:
        steps = rng.randint(10, 100)
        step = rng.randint(1, steps)
        return CheckpointOut(
            metrics=_metric(rng, step / steps, evaluated=True),
            step_number=step,
            created_at=rng.randint(_EARLIEST, _LATEST),
        )


class EventOutFactory(_SingleBuild[EventOut], AttrsFactory[EventOut]):
    """A ``status-updated`` event to a status that is not the first (``QUEUED``) one."""

    __model__ = EventOut

    @staticmethod
    def _one(rng: Random) -> EventOut:
        status = rng.choice(_ALL_STATUSES)
        return EventOut(
            name="status-updated",
            created_at=rng.randint(_EARLIEST, _LATEST),
            data={"status": status.value},
        )


class JobInFactory(_SingleBuild[JobIn], AttrsFactory[JobIn]):
    """A valid create request for a classifier job, as the SDK would send it."""

    __model__ = JobIn

    @staticmethod
    def _one(rng: Random) -> JobIn:
        targeted = rng.random() < 0.5
        return JobIn(
            model=rng.choice(BASE_MODELS),
            hyperparameters=ClassifierTrainingParametersIn(
                training_steps=rng.randint(10, 100), learning_rate=rng.choice((1e-5, 4e-5, 1e-4))
            ),
            training_files=[TrainingFile(file_id=_uuid(rng), weight=1.0)],
            validation_files=[_uuid(rng)] if rng.random() < 0.5 else None,
            suffix=_slug(rng, 3, 18) if rng.random() < 0.5 else None,
            integrations=(
                [WandbIntegration(project="ft-exp", api_key=_slug(rng, 40, 40))]
                if rng.random() < 0.3
                else None
            ),
            auto_start=rng.random() < 0.3,
            job_type="classifier",
            classifier_targets=(
                [
                    ClassifierTargetIn(name=t.name, labels=t.labels, weight=1.0)
                    for t in [_target(rng)]
                ]
                if targeted
                else None
            ),
        )
