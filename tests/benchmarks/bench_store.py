"""The jobs store at scale: a list page from a large store against one from a small store, the
bulk fill rate, and the memory a stored job takes."""

from __future__ import annotations

import functools
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from measure import Figure, print_table, side_by_side

if TYPE_CHECKING:
    from pytest_classifierjobs import ClassifierJobsMock

SMALL, LARGE = 1_000, 100_000
FILL = 20_000  # jobs per timed add_many() round
MEMORY_SAMPLE = 10_000  # jobs whose allocations tracemalloc counts


def run(rounds: int) -> list[Figure]:
    """Issue 14: a list page's cost against the store's size; add_many()'s rate; bytes per job."""
    import httpx

    from pytest_classifierjobs import ClassifierJobsMock

    small, large = ClassifierJobsMock(seed=1), ClassifierJobsMock(seed=2)
    small.add_many(SMALL)
    large.add_many(LARGE)
    client = httpx.Client(base_url="https://api.mistral.ai", headers={"Authorization": "Bearer b"})

    def page(params: dict[str, str | int]) -> Callable[[], object]:
        def get() -> object:
            response = client.get("/v1/fine_tuning/jobs", params=params)
            assert response.status_code == 200, response.text  # a benchmark of errors is no use
            return response

        return get

    # The third page of 100, newest first; the first 50 of a status filter (a tenth of the
    # jobs: about 100 of the small store's thousand).
    plain: dict[str, str | int] = {"page": 2, "page_size": 100}
    running: dict[str, str | int] = {"page": 0, "page_size": 50, "status": "RUNNING"}
    started: dict[str, Callable[[], AbstractContextManager[object]]] = {}
    cases = {}
    for label, params in (("page 3 of 100", plain), ("first 50, status=RUNNING", running)):
        for size, mock in ((SMALL, small), (LARGE, large)):
            name = f"{label}, {size:,} jobs"
            cases[name] = page(params)
            started[name] = functools.partial(_itself, mock)
    medians = side_by_side(cases, rounds=rounds, calls=5, around=started)
    print_table(
        f"One list page through the fake, {SMALL:,} jobs stored against {LARGE:,} "
        "(lower is better)",
        medians,
        f"page 3 of 100, {SMALL:,} jobs",
    )
    figures = [
        Figure(
            f"list {label}: {LARGE:,} vs {SMALL:,} jobs",
            medians[f"{label}, {LARGE:,} jobs"] / medians[f"{label}, {SMALL:,} jobs"],
            2,
            detail="GET /v1/fine_tuning/jobs in-process, medians of interleaved rounds",
        )
        for label in ("page 3 of 100", "first 50, status=RUNNING")
    ]
    figures.append(_fill_rate(max(3, rounds // 6)))
    _memory_per_job()
    return figures


def _itself(mock: ClassifierJobsMock) -> ClassifierJobsMock:
    """The fake, entered (started) for the rounds of a case and left after them."""
    return mock


def _fill_rate(rounds: int) -> Figure:
    """Jobs per second that add_many() stores, a fresh fake each round (median of the rounds)."""
    from pytest_classifierjobs import ClassifierJobsMock

    rates = []
    for seed in range(rounds):
        mock = ClassifierJobsMock(seed=seed)
        start = time.perf_counter()
        mock.add_many(FILL)
        rates.append(FILL / (time.perf_counter() - start))
        del mock
        gc.collect()
    rate = statistics.median(rates)
    print(f"\nadd_many({FILL:,}): median {rate:,.0f} jobs/s over {rounds} rounds")
    return Figure(
        "bulk fill: add_many()",
        rate,
        20_000,
        sense=">=",
        unit="jobs/s",
        detail=f"add_many({FILL:,}) into a fresh fake, any status",
    )


def _memory_per_job() -> None:
    """Print the bytes a stored job takes, filled by add_many() and by add()."""
    from pytest_classifierjobs import ClassifierJobsMock

    def kept(fill: Callable[[ClassifierJobsMock], object], jobs: int) -> float:
        mock = ClassifierJobsMock(seed=0)
        mock.add(status="SUCCESS")  # the fake's lazy parts (factory, Faker) made before counting
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        fill(mock)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return (after - before) / jobs

    bulk = kept(lambda mock: mock.add_many(MEMORY_SAMPLE), MEMORY_SAMPLE)
    single = kept(lambda mock: [mock.add() for _ in range(1_000)], 1_000)
    print(
        f"\nMemory per stored job (tracemalloc, any status): {bulk / 1024:.1f} KiB filled by "
        f"add_many({MEMORY_SAMPLE:,}), whose copies share their prototype's frozen events and "
        f"checkpoints; {single / 1024:.1f} KiB filled by add(), each job with a history of "
        "its own"
    )
