"""Building jobs: a coherent build against a plain polyfactory build and a hand-built job."""

from __future__ import annotations

from collections.abc import Callable

from measure import Figure, print_table, side_by_side
from polyfactory.factories.attrs_factory import AttrsFactory

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOutStatus,
    ClassifierJobsMock,
    ClassifierTrainingParameters,
    EventOut,
    JobMetadataOut,
)


class PlainDetailedJobFactory(AttrsFactory[ClassifierDetailedJobOut]):
    """What polyfactory builds from the model alone: fast to write, incoherent."""

    __model__ = ClassifierDetailedJobOut


def hand_built() -> ClassifierDetailedJobOut:
    """A detailed job written out by hand, the floor for any factory."""
    return ClassifierDetailedJobOut(
        id="db22ea7e-1895-4309-92d9-9ac881b1b117",
        auto_start=False,
        model="ministral-3b-latest",
        status=ClassifierJobOutStatus.VALIDATED,
        created_at=1744814706,
        modified_at=1744814709,
        training_files=["c36d490e-d2f8-4f98-9679-1c55625e09d5"],
        hyperparameters=ClassifierTrainingParameters(training_steps=100, seq_len=16384),
        metadata=JobMetadataOut(cost=3.28, cost_currency="EUR"),
        classifier_targets=[],
        events=[
            EventOut(name="status-updated", created_at=1744814706, data={"status": "QUEUED"}),
        ],
    )


def run(rounds: int) -> list[Figure]:
    """Issue 2: one coherent build against a plain AttrsFactory build and a hand-built job."""
    ClassifierDetailedJobOutFactory.seed_random(0)
    PlainDetailedJobFactory.seed_random(0)
    medians = side_by_side(
        {
            "PlainDetailedJobFactory.build()": PlainDetailedJobFactory.build,
            "ClassifierDetailedJobOutFactory.build()": ClassifierDetailedJobOutFactory.build,
            "ClassifierDetailedJobOutFactory.build(status='SUCCESS')": lambda: (
                ClassifierDetailedJobOutFactory.build(status="SUCCESS")
            ),
            "hand-built ClassifierDetailedJobOut": hand_built,
        },
        rounds=rounds,
        calls=20,
    )
    print_table(
        "Building one detailed job (lower is better)", medians, "PlainDetailedJobFactory.build()"
    )
    return adding(rounds)


def adding(rounds: int) -> list[Figure]:
    """Issue 14: one ``add()`` into a fake, by status; each round has a fake of its own."""
    mocks: list[ClassifierJobsMock] = []

    def fresh() -> ClassifierJobsMock:
        mocks[:] = [ClassifierJobsMock(seed=len(mocks))]
        return mocks[0]

    def add(status: ClassifierJobOutStatus | None) -> Callable[[], object]:
        return lambda: mocks[0].add(status=status)

    statuses = [None, *ClassifierJobOutStatus]
    medians = side_by_side(
        {f"add(status={status and status.value!r})": add(status) for status in statuses},
        rounds=rounds,
        calls=20,
        around=dict.fromkeys((f"add(status={s and s.value!r})" for s in statuses), fresh),
    )
    print_table("One add() into a fake, by status (lower is better)", medians, "add(status=None)")
    return [
        Figure(
            f"single {name}",
            medians[name] * 1e6,
            100,
            unit="µs",
            detail="median per call, a fresh fake each round",
        )
        for name in ("add(status=None)", "add(status='RUNNING')")
    ]
