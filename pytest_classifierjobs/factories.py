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

Every override is checked before anything is drawn from it (``overrides.py``): against its
field's annotation, as strictly as ``from_wire`` reads the wire (a ``TypeError`` naming the
field's path, the value and what the field takes), and for the response models against the
range the server sends (:data:`~pytest_classifierjobs.lifecycle.BOUNDS`, a ``ValueError``).
Overrides win over coherence, not over the contract: a job out of range on purpose is a built
one changed with ``attrs.evolve``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from random import Random
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

import attrs
from faker import Faker
from polyfactory.factories.attrs_factory import AttrsFactory
from polyfactory.fields import Use

from . import progression
from .base_models import CLASSIFIER_BASE_MODELS
from .lifecycle import Progress
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
from .overrides import check_overrides, field_hints, init_fields, optional_inner

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
        id=progression.new_uuid(rng),
        model=rng.choice(CLASSIFIER_BASE_MODELS),
        auto_start=rng.random() < 0.3,
        created_at=rng.randint(progression.EARLIEST, progression.LATEST),
        training_files=[progression.new_uuid(rng) for _ in range(rng.choice((1, 1, 2)))],
        validation_files=free(lambda: [progression.new_uuid(rng)]),
        suffix=free(lambda: progression.slug(rng, 3, 18)),
        integrations=free(lambda: [progression.wandb(rng, set_names=nullables)]),
        hyperparameters=progression.training_parameters(rng),
        account=f"{rng.getrandbits(32):08x}",
    )
    for name in _DRAFT_FIELDS.intersection(overrides):
        value = overrides[name]
        if name == "hyperparameters":
            value = _merge(draft.hyperparameters, value)
        setattr(draft, name, value)
    return draft


def _job_values(
    rng: Random,
    status: ClassifierJobOutStatus,
    overrides: Mapping[str, Any],
    nullables: bool | None = None,
) -> dict[str, Any]:
    """Every field of a coherent detailed job in ``status``: the job walked along a legal path."""
    draft = _draft(rng, overrides, nullables)
    paths = _PATHS[status]
    path = paths[rng.randrange(len(paths))] if len(paths) > 1 else paths[0]
    job = progression.fresh_job(
        id=draft.id,
        model=draft.model,
        auto_start=draft.auto_start,
        created_at=draft.created_at,
        training_files=draft.training_files,
        validation_files=draft.validation_files,
        suffix=draft.suffix,
        integrations=draft.integrations,
        hyperparameters=draft.hyperparameters,
    )
    progress = Progress()
    for step in path[1:]:
        job, progress = progression.take_step(job, progress, step, rng, account=draft.account)
    return {name: getattr(job, name) for name in init_fields(ClassifierDetailedJobOut)[0]}


# --- overrides -------------------------------------------------------------------------------


def _merge(current: Any, override: Any) -> Any:
    """``override`` itself, or ``current`` with the fields of an override dict replaced."""
    if not isinstance(override, dict) or not attrs.has(type(current)):
        return override
    hints = field_hints(type(current))
    return attrs.evolve(
        current, **{name: _converted(value, hints[name]) for name, value in override.items()}
    )


def _converted(value: Any, hint: Any) -> Any:
    """``value`` with every dict that stands for a whole model made into that model."""
    kind = optional_inner(hint) or hint
    if isinstance(value, dict) and attrs.has(kind):
        hints = field_hints(kind)
        return kind(**{name: _converted(item, hints[name]) for name, item in value.items()})
    if isinstance(value, list) and get_origin(kind) is list:
        (item_hint,) = get_args(kind)
        return [_converted(item, item_hint) for item in value]
    return value


def _models_from_dicts(model: type[Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Turn the dicts inside overrides (``integrations=[{"project": "p"}]``) into models.

    A dict given for a nested model itself (``metadata={"cost": 1.0}``) stays a dict: it is
    merged into the drawn model later.
    """
    hints = field_hints(model)
    return {
        name: value if isinstance(value, dict) else _converted(value, hints[name])
        for name, value in overrides.items()
    }


# --- the factories ---------------------------------------------------------------------------


class _OwnFaker:
    """A factory's own ``Faker``, made and seeded when first read (``cls.__faker__``).

    A descriptor on the class: the first read replaces it by the ``Faker`` on that class.
    """

    def __init__(self) -> None:
        self.seed: int | None = None

    def __get__(self, instance: object, owner: type[Any]) -> Faker:
        faker = Faker()
        if self.seed is not None:
            faker.seed_instance(self.seed)
        setattr(owner, "__faker__", faker)  # noqa: B010  (a dunder name: no plain attribute)
        return faker


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
        # The Faker is made on first use: these factories draw nothing from it, and making one
        # costs a millisecond and a half, most of what defining a subclass would cost.
        cls.__random__ = Random()
        cls.__faker__ = _OwnFaker()  # type: ignore[assignment]
        super().__init_subclass__(**kwargs)

    @classmethod
    def seed_random(cls, seed: int) -> None:
        """Seed the factory's ``Random`` (and its ``Faker``, made then if need be)."""
        cls.__random__ = Random(seed)
        own = cls.__dict__.get("__faker__")
        if isinstance(own, _OwnFaker):
            own.seed = seed  # applied when the Faker is made
        else:
            cls.__faker__.seed_instance(seed)

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
        settable, _ = init_fields(cls.__model__)
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
        rng: Random | None = None,
        where: str | None = None,
    ) -> T:
        """Build one instance, drawing from ``rng`` (by default the factory's own).

        ``where`` names the call in the message of a bad override (``build()`` by default).
        """
        overrides = {**cls._declared(), **kwargs}
        # Before anything is drawn from them: a bad value must not crash the lifecycle.
        where = where or f"{cls.__name__}.build()"
        check_overrides(cls.__model__, overrides, where, status=status)
        overrides = _models_from_dicts(cls.__model__, overrides)
        rng = cls.__random__ if rng is None else rng
        parsed = None if status is None else parse_status(status)
        values = cls._draw(rng, overrides, parsed, nullables)
        for name, value in overrides.items():
            if name not in cls._inputs:
                values[name] = _merge(values.get(name), value)
        return cls.__model__(**values)

    @classmethod
    def build(cls, *_: Any, **kwargs: Any) -> T:
        """Build one instance; keyword arguments override its fields.

        A dict given for a nested model replaces only the fields it names. A wrong field or
        type is a ``TypeError``, a value out of range a ``ValueError``.
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
        return {name: getattr(instance, name) for name in init_fields(type(instance))[0]}


class ClassifierTrainingParametersFactory(
    _SingleBuild[ClassifierTrainingParameters], AttrsFactory[ClassifierTrainingParameters]
):
    """Hyperparameters inside the contract's bounds, with the server's defaults."""

    __model__ = ClassifierTrainingParameters
    _one = staticmethod(progression.training_parameters)


class JobMetadataOutFactory(_SingleBuild[JobMetadataOut], AttrsFactory[JobMetadataOut]):
    """A validated job's cost and duration estimate."""

    __model__ = JobMetadataOut

    @staticmethod
    def _one(rng: Random) -> JobMetadataOut:
        hyperparameters = progression.training_parameters(rng)
        return progression.validated_plan(rng, hyperparameters)[1]


class WandbIntegrationOutFactory(
    _SingleBuild[WandbIntegrationOut], AttrsFactory[WandbIntegrationOut]
):
    """A Weights & Biases integration as a job that has run reports it (with its run URL)."""

    __model__ = WandbIntegrationOut

    @staticmethod
    def _one(rng: Random) -> WandbIntegrationOut:
        integration = progression.wandb(rng, set_names=None)
        return attrs.evolve(integration, url=progression.run_url(rng, integration))


class ClassifierTargetOutFactory(
    _SingleBuild[ClassifierTargetOut], AttrsFactory[ClassifierTargetOut]
):
    """A classification head with realistic labels."""

    __model__ = ClassifierTargetOut
    _one = staticmethod(progression.target)


class MetricOutFactory(_SingleBuild[MetricOut], AttrsFactory[MetricOut]):
    """Metrics of an evaluated training step."""

    __model__ = MetricOut

    @staticmethod
    def _one(rng: Random) -> MetricOut:
        return progression.metric(rng, rng.random(), evaluated=True)


class CheckpointOutFactory(_SingleBuild[CheckpointOut], AttrsFactory[CheckpointOut]):
    """One checkpoint of a training run."""

    __model__ = CheckpointOut

    @staticmethod
    def _one(rng: Random) -> CheckpointOut:
        steps = rng.randint(10, 100)
        step = rng.randint(1, steps)
        return CheckpointOut(
            metrics=progression.metric(rng, step / steps, evaluated=True),
            step_number=step,
            created_at=rng.randint(progression.EARLIEST, progression.LATEST),
        )


class EventOutFactory(_SingleBuild[EventOut], AttrsFactory[EventOut]):
    """A ``status-updated`` event to a status that is not the first (``QUEUED``) one."""

    __model__ = EventOut

    @staticmethod
    def _one(rng: Random) -> EventOut:
        status = rng.choice(_ALL_STATUSES)
        return EventOut(
            name="status-updated",
            created_at=rng.randint(progression.EARLIEST, progression.LATEST),
            data={"status": status.value},
        )


class JobInFactory(_SingleBuild[JobIn], AttrsFactory[JobIn]):
    """A valid create request for a classifier job, as the SDK would send it."""

    __model__ = JobIn

    @staticmethod
    def _one(rng: Random) -> JobIn:
        targeted = rng.random() < 0.5
        return JobIn(
            model=rng.choice(CLASSIFIER_BASE_MODELS),
            hyperparameters=ClassifierTrainingParametersIn(
                training_steps=rng.randint(10, 100), learning_rate=rng.choice((1e-5, 4e-5, 1e-4))
            ),
            training_files=[TrainingFile(file_id=progression.new_uuid(rng), weight=1.0)],
            validation_files=[progression.new_uuid(rng)] if rng.random() < 0.5 else None,
            suffix=progression.slug(rng, 3, 18) if rng.random() < 0.5 else None,
            integrations=(
                [WandbIntegration(project="ft-exp", api_key=progression.slug(rng, 40, 40))]
                if rng.random() < 0.3
                else None
            ),
            auto_start=rng.random() < 0.3,
            job_type="classifier",
            classifier_targets=(
                [
                    ClassifierTargetIn(name=t.name, labels=t.labels, weight=1.0)
                    for t in [progression.target(rng)]
                ]
                if targeted
                else None
            ),
        )
