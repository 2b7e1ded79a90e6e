"""How-to: test a dashboard that lists jobs, with filters and pagination."""

from __future__ import annotations

import datetime

import pytest
from job_watcher import JobWatcher
from mistralai import Mistral

from pytest_classifierjobs import ClassifierJobsMock, WandbIntegrationOut

UTC = datetime.timezone.utc


@pytest.fixture
def watcher() -> JobWatcher:
    return JobWatcher(Mistral(api_key="test-key"))


def test_the_dashboard_goes_through_every_page(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    for _ in range(7):
        classifierjobs.add(status="SUCCESS")
    classifierjobs.add(status="FAILED")

    assert len(list(watcher.dashboard(page_size=3))) == 8  # pages of 3, 3 and 2
    assert classifierjobs.routes["list"].call_count == 3
    assert len(list(watcher.dashboard(status="FAILED"))) == 1


def test_newest_first_and_total_counts_every_page(classifierjobs: ClassifierJobsMock) -> None:
    for day in (1, 2, 3):
        created = int(datetime.datetime(2025, 4, day, tzinfo=UTC).timestamp())
        classifierjobs.add(status="SUCCESS", created_at=created, suffix=f"day{day}")
    jobs = Mistral(api_key="test-key").fine_tuning.jobs

    page = jobs.list(page=0, page_size=2)  # pages are numbered from 0

    assert page.total == 3
    assert [job.suffix for job in page.data] == ["day3", "day2"]
    assert [job.suffix for job in jobs.list(page=1, page_size=2).data] == ["day1"]


def test_every_filter_of_the_api_is_applied(classifierjobs: ClassifierJobsMock) -> None:
    mine = classifierjobs.add(
        status="RUNNING",
        model="ministral-8b-latest",
        suffix="intent",
        integrations=[WandbIntegrationOut(project="intent-classifier", name="run-1")],
    )
    classifierjobs.add(status="RUNNING", model="ministral-3b-latest", integrations=None)
    jobs = Mistral(api_key="test-key").fine_tuning.jobs

    created = datetime.datetime.fromtimestamp(mine.created_at, UTC)
    for query in (
        {"model": "ministral-8b-latest"},
        {"suffix": "intent"},
        {"wandb_project": "intent-classifier"},
        {"wandb_name": "run-1"},
        {"status": "RUNNING", "created_after": created, "created_before": created},
    ):
        found = jobs.list(**query)
        assert mine.id in {job.id for job in found.data}, query


def test_a_dashboard_of_ten_thousand_jobs(
    classifierjobs: ClassifierJobsMock, watcher: JobWatcher
) -> None:
    # add_many() stores coherent jobs by the thousand in a fraction of a second; add() would
    # take seconds for as many.
    classifierjobs.add_many(9_000, status="terminal")
    running = classifierjobs.add_many(1_000, status="RUNNING", suffix="nightly")
    jobs = Mistral(api_key="test-key").fine_tuning.jobs

    assert jobs.list(page_size=1).total == 10_000
    assert jobs.list(status="RUNNING", suffix="nightly").total == 1_000
    listed = {line.split()[0] for line in watcher.dashboard(status="RUNNING", page_size=100)}
    assert listed == {job.id[:8] for job in running}
