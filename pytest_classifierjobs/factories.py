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

import functools
from collections.abc import Iterator, Sequence
from random import Random
from typing import Any, ClassVar, Generic, TypeVar

import attrs
from faker import Faker
from polyfactory.factories.attrs_factory import AttrsFactory
from polyfactory.fields import Use

from . import drawing, progression
from .base_models import CLASSIFIER_BASE_MODELS
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
)
from .overrides import init_fields

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
        *,
        nullables: bool | None = None,
        rng: Random | None = None,
        where: str | None = None,
        draw: drawing.Draw | None = None,
    ) -> T:
        """Build one instance, drawing from ``rng`` (by default the factory's own).

        ``where`` names the call in the message of a bad override (``build()`` by default);
        ``draw`` replaces the factory's ``_draw`` (a job drawn on a given path).
        """
        return drawing.build(
            cls.__model__,
            {**cls._declared(), **kwargs},
            draw=cls._draw if draw is None else draw,
            inputs=cls._inputs,
            status=status,
            rng=cls.__random__ if rng is None else rng,
            where=where or f"{cls.__name__}.build()",
            nullables=nullables,
        )

    @classmethod
    def build(cls, *_: Any, **kwargs: Any) -> T:
        """Build one instance; keyword arguments override its fields.

        A dict given for a nested model replaces only the fields it names. A wrong field or
        type is a ``TypeError``, a value out of range a ``ValueError``.
        """
        return cls._build(None, kwargs)


class _JobFactoryBase(_CoherentBuild[T]):
    _inputs = drawing.DRAFT_FIELDS

    @classmethod
    def _draw(
        cls,
        rng: Random,
        overrides: dict[str, Any],
        status: ClassifierJobOutStatus | None,
        nullables: bool | None,
        *,
        path: Sequence[ClassifierJobOutStatus] | None = None,
    ) -> dict[str, Any]:
        return drawing.job_values(cls.__model__, rng, overrides, status, nullables, path=path)

    @classmethod
    def _build_on_path(
        cls, path: Sequence[ClassifierJobOutStatus], kwargs: dict[str, Any], where: str
    ) -> T:
        """A job that walked ``path`` (legal, from creation), with the subclass's declared values.

        For ``ClassifierJobsMock.add_on_path``: a factory given to the fake builds its jobs, on
        a path too, as ``build`` would.
        """
        return cls._build(
            path[-1], kwargs, where=where, draw=functools.partial(cls._draw, path=path)
        )

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
        status = rng.choice(tuple(ClassifierJobOutStatus))
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
