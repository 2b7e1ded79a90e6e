"""Coherent jobs drawn from a ``random.Random``: what the factories and the fake build with.

The drawing itself (a legal path through the lifecycle to the asked status, the fields each step
fills in, the overrides merged) needs attrs and the models but not polyfactory or Faker, whose
import costs a suite more than its first test: the fake builds the jobs a test adds from here
(:func:`build`), and :mod:`pytest_classifierjobs.factories` wraps the same functions in
polyfactory factories. The same ``Random`` gives the same job either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from random import Random
from typing import Any, TypeVar, get_args, get_origin

import attrs

from . import progression
from .base_models import CLASSIFIER_BASE_MODELS
from .lifecycle import Progress
from .models import (
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTrainingParameters,
    WandbIntegrationOut,
    parse_status,
)
from .overrides import check_overrides, field_hints, init_fields, optional_inner

__all__ = ["DRAFT_FIELDS", "build", "build_job", "job_values", "merge"]

S = ClassifierJobOutStatus
T = TypeVar("T")
#: Draws every init field of a model: ``draw(rng, overrides, status, nullables)``.
Draw = Callable[
    [Random, dict[str, Any], ClassifierJobOutStatus | None, bool | None], dict[str, Any]
]

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


DRAFT_FIELDS = frozenset(f.name for f in attrs.fields(_Draft)) - {"account"}


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
    for name in DRAFT_FIELDS.intersection(overrides):
        value = overrides[name]
        if name == "hyperparameters":
            value = merge(draft.hyperparameters, value)
        setattr(draft, name, value)
    return draft


def _detailed_values(
    rng: Random,
    status: ClassifierJobOutStatus,
    overrides: Mapping[str, Any],
    nullables: bool | None = None,
    path: Sequence[ClassifierJobOutStatus] | None = None,
) -> dict[str, Any]:
    """Every field of a coherent detailed job in ``status``: the job walked along a legal path.

    The path is drawn among those to ``status`` unless given (it must be legal and end there).
    """
    draft = _draft(rng, overrides, nullables)
    if path is None:
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


def merge(current: Any, override: Any) -> Any:
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


# --- a build ---------------------------------------------------------------------------------


def build(
    model: type[T],
    overrides: dict[str, Any],
    *,
    draw: Draw,
    inputs: Collection[str],
    status: ClassifierJobOutStatus | str | None,
    rng: Random,
    where: str,
    nullables: bool | None = None,
) -> T:
    """One ``model`` drawn by ``draw`` from ``rng``, with ``overrides`` applied.

    Every override is checked before anything is drawn from it (a bad value must not crash the
    lifecycle), and named as ``where`` in the message. ``inputs`` are the fields ``draw`` works
    from; the other overrides replace (or, as a dict, update) what was drawn.
    """
    check_overrides(model, overrides, where, status=status)
    overrides = _models_from_dicts(model, overrides)
    parsed = None if status is None else parse_status(status)
    values = draw(rng, overrides, parsed, nullables)
    for name, value in overrides.items():
        if name not in inputs:
            values[name] = merge(values.get(name), value)
    return model(**values)


_ALL_STATUSES = tuple(ClassifierJobOutStatus)


def job_values(
    model: type[Any],
    rng: Random,
    overrides: Mapping[str, Any],
    status: ClassifierJobOutStatus | None,
    nullables: bool | None,
    *,
    path: Sequence[ClassifierJobOutStatus] | None = None,
) -> dict[str, Any]:
    """Every init field of a coherent ``model`` job in ``status`` (drawn when ``None``).

    ``path``: the statuses the job walked from creation, if not drawn (see ``build_job``).
    """
    if status is None:
        status = rng.choice(_ALL_STATUSES)
    values = _detailed_values(rng, status, overrides, nullables, path)
    if model is ClassifierJobOut:
        for name in ("classifier_targets", "events", "checkpoints"):
            del values[name]
    return values


def build_job(
    status: ClassifierJobOutStatus | str | None,
    overrides: dict[str, Any],
    *,
    rng: Random,
    where: str,
    path: Sequence[ClassifierJobOutStatus] | None = None,
) -> ClassifierDetailedJobOut:
    """A coherent detailed job, as ``ClassifierDetailedJobOutFactory`` draws it from ``rng``.

    With ``path`` (statuses from creation, legal, ending in ``status``), the job has walked that
    path rather than one drawn among those to ``status``.
    """
    return build(
        ClassifierDetailedJobOut,
        overrides,
        draw=functools.partial(_draw_detailed, path=path),
        inputs=DRAFT_FIELDS,
        status=status,
        rng=rng,
        where=where,
    )


def _draw_detailed(
    rng: Random,
    overrides: dict[str, Any],
    status: ClassifierJobOutStatus | None,
    nullables: bool | None,
    *,
    path: Sequence[ClassifierJobOutStatus] | None = None,
) -> dict[str, Any]:
    return job_values(ClassifierDetailedJobOut, rng, overrides, status, nullables, path=path)
