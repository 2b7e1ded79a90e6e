"""Many coherent jobs at once, for tests of dashboards and lists with thousands of jobs.

Building a job draws its whole history (a path through the lifecycle, an event per step, a
checkpoint per training step): a few hundred microseconds each, too slow for 100,000 of them.
:func:`copies` builds a few jobs per status with the factory (*prototypes*) and derives every
job from one of them: a new id, the history moved as a whole to end at the job's own moment,
and the fine-tuned model's name made from the new id and date. Each job is as coherent as its
prototype (the moves keep every order and every interval), and ids and model names are distinct
as the server makes them; the rest repeats among the jobs of one prototype, as it does among
jobs created from the same request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from random import Random
from typing import Any

import attrs

from .lifecycle import Progress, progress_of
from .models import CheckpointOut, ClassifierDetailedJobOut, ClassifierJobOutStatus, EventOut
from .progression import checkpoint_at, event_at, moved_metadata, new_uuid, renamed_model

__all__ = ["PROTOTYPES_PER_STATUS", "copies"]

#: How many jobs of each status :func:`copies` builds with the factory; the rest derive from them.
PROTOTYPES_PER_STATUS = 8


def copies(
    build: Callable[[ClassifierJobOutStatus], ClassifierDetailedJobOut],
    statuses: Sequence[ClassifierJobOutStatus],
    rng: Random,
    ends: Iterable[int | None],
) -> list[tuple[ClassifierDetailedJobOut, Progress]]:
    """One job per status of ``statuses``, each with where it is in its life.

    ``build(status)`` builds a prototype; ``rng`` draws the ids and which prototype each job
    copies; ``ends`` gives each job the moment its history ends (its ``modified_at``), or
    ``None`` to keep its prototype's moments.
    """
    prototypes: dict[ClassifierJobOutStatus, list[tuple[ClassifierDetailedJobOut, Progress]]] = {}
    needed = {status: statuses.count(status) for status in dict.fromkeys(statuses)}
    for status, count in needed.items():
        built = [build(status) for _ in range(min(count, PROTOTYPES_PER_STATUS))]
        prototypes[status] = [(job, progress_of(job)) for job in built]
    made = []
    # The events and checkpoints of a prototype at a given distance in time, made once: jobs
    # that copy one prototype and end in the same minute share them (the objects are frozen;
    # each job gets lists of its own).
    moved: dict[tuple[int, int], tuple[list[EventOut], list[CheckpointOut]]] = {}
    for status, end in zip(statuses, ends, strict=True):
        kind = prototypes[status]
        index = rng.randrange(len(kind))
        prototype, progress = kind[index]
        seconds = 0 if end is None else end - prototype.modified_at
        history = moved.get((id(prototype), seconds))
        if history is None:
            history = moved[id(prototype), seconds] = (
                [event_at(e, e.created_at + seconds) for e in prototype.events],
                [checkpoint_at(c, c.created_at + seconds) for c in prototype.checkpoints],
            )
        made.append((_copy(prototype, new_uuid(rng), seconds, history), progress))
    return made


def _copy(
    job: ClassifierDetailedJobOut,
    job_id: str,
    seconds: int,
    history: tuple[list[EventOut], list[CheckpointOut]],
) -> ClassifierDetailedJobOut:
    """``job`` with the id ``job_id`` and its history ``seconds`` later (``history``, moved).

    As :func:`~pytest_classifierjobs.progression.shifted` moves a job, with the model renamed
    for the new id too, and constructed directly (attrs.evolve costs twice as much): this is the
    cost of every copy.
    """
    created_at = job.created_at + seconds
    events, checkpoints = history
    return ClassifierDetailedJobOut(
        **_init_fields(job),
        id=job_id,
        created_at=created_at,
        modified_at=job.modified_at + seconds,
        metadata=moved_metadata(job.metadata, seconds),
        fine_tuned_model=renamed_model(job, created_at, job_id),
        events=list(events),
        checkpoints=list(checkpoints),
    )


_COPIED = tuple(
    field.name
    for field in attrs.fields(ClassifierDetailedJobOut)
    if field.init
    and field.name
    not in {
        "id",
        "created_at",
        "modified_at",
        "metadata",
        "fine_tuned_model",
        "events",
        "checkpoints",
    }
)


def _init_fields(job: ClassifierDetailedJobOut) -> dict[str, Any]:
    """The fields a copy takes from its prototype as they are."""
    return {name: getattr(job, name) for name in _COPIED}
