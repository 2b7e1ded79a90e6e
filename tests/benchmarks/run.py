"""Benchmarks, run by ``nox -s bench``; never part of the test suite.

Shared machines are noisy, so absolute times mean little: every case of a table is measured in
the same process, in interleaved rounds (the order rotates each round, so drift and warm-up hit
every case alike), and the table reports each median next to its ratio to the baseline case.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from polyfactory.factories.attrs_factory import AttrsFactory

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOutStatus,
    ClassifierTrainingParameters,
    EventOut,
    JobMetadataOut,
)


def side_by_side(
    cases: Mapping[str, Callable[[], Any]],
    *,
    rounds: int,
    calls: int,
    around: Mapping[str, Callable[[], AbstractContextManager[Any]]] | None = None,
) -> dict[str, float]:
    """Median seconds per call of each case, measured in interleaved rounds.

    ``around`` gives a case a context (a started mock, say) entered for each of its rounds and
    left out of the timing.
    """
    samples: dict[str, list[float]] = {name: [] for name in cases}
    order = list(cases)
    contexts = around or {}
    for round_index in range(rounds):
        shift = round_index % len(order)
        for name in order[shift:] + order[:shift]:
            case = cases[name]
            with contexts.get(name, nullcontext)():
                start = time.perf_counter()
                for _ in range(calls):
                    case()
                samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(title: str, medians: Mapping[str, float], baseline: str) -> None:
    """Print one table: each case's median and its ratio to ``baseline``."""
    width = max(len(name) for name in medians)
    print(f"\n{title}\n")
    print(f"| {'case':<{width}} | median per call | ratio to {baseline} |")
    print(f"|{'-' * (width + 2)}|----------------:|{'-' * (len(baseline) + 10)}:|")
    for name, seconds in medians.items():
        ratio = seconds / medians[baseline]
        print(f"| {name:<{width}} | {seconds * 1e6:>12.1f} µs | {ratio:>{len(baseline) + 9}.3f} |")


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


def bench_factories(rounds: int) -> None:
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


def bench_sdk_get(rounds: int) -> None:
    """Issue 3: an SDK ``get`` answered by the fake against a bare respx route's static body."""
    import httpx
    import respx
    from mistralai import Mistral

    from pytest_classifierjobs import ClassifierJobsMock, to_wire

    fake = ClassifierJobsMock(seed=0)
    job = fake.add(status="SUCCESS")
    url = f"https://api.mistral.ai/v1/fine_tuning/jobs/{job.id}"
    bare = respx.MockRouter(assert_all_called=False)
    bare.get(url).mock(return_value=httpx.Response(200, json=to_wire(job)))
    client = Mistral(api_key="bench")

    def get() -> None:
        client.fine_tuning.jobs.get(job_id=job.id)

    medians = side_by_side(
        {"bare respx route, static body": get, "ClassifierJobsMock": get},
        rounds=rounds,
        calls=20,
        around={"bare respx route, static body": lambda: bare, "ClassifierJobsMock": lambda: fake},
    )
    print_table(
        "One SDK fine_tuning.jobs.get() of a SUCCESS job (mistralai, sync; lower is better)",
        medians,
        "bare respx route, static body",
    )


def main(argv: list[str] | None = None) -> None:
    """Run every benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds per table")
    args = parser.parse_args(argv)
    bench_factories(args.rounds)
    bench_sdk_get(args.rounds)


if __name__ == "__main__":
    main()
