"""A small consumer of Mistral's fine-tuning jobs API, written the way a user writes one.

It trains a classifier (create, wait for validation, start, wait for the end, with back-off
between polls), cancels jobs, and renders a one-line-per-job dashboard. Its test suite,
``test_job_watcher.py``, runs it against pytest-classifierjobs' fake.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

try:  # mistralai 1.x
    from mistralai import Mistral
except ImportError:  # mistralai 2.x moved the client
    from mistralai.client import Mistral

__all__ = ["FINAL", "JobWatcher", "Mistral", "TrainingReport"]

FINAL = frozenset({"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"})


@dataclass(frozen=True)
class TrainingReport:
    """How a training ended."""

    job_id: str
    status: str
    fine_tuned_model: str | None
    polls: int


class JobWatcher:
    """Runs classifier trainings and watches them, polling with exponential back-off."""

    def __init__(
        self,
        client: Mistral,
        *,
        first_wait: float = 1.0,
        longest_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.first_wait = first_wait
        self.longest_wait = longest_wait
        self.sleep = sleep

    def train(self, *, model: str, training_file: str, steps: int = 100) -> TrainingReport:
        """Create a job, start it once validated, and wait until it is over."""
        job = self.client.fine_tuning.jobs.create(
            model=model,
            job_type="classifier",
            training_files=[{"file_id": training_file, "weight": 1.0}],
            hyperparameters={"training_steps": steps, "learning_rate": 1e-4},
            auto_start=False,
        )
        polls, job = self.wait(job.id, until=FINAL | {"VALIDATED"})
        if job.status == "VALIDATED":
            self.client.fine_tuning.jobs.start(job_id=job.id)
            more, job = self.wait(job.id, until=FINAL)
            polls += more
        return TrainingReport(job.id, str(job.status), job.fine_tuned_model, polls)

    def wait(self, job_id: str, *, until: frozenset[str]) -> tuple[int, Any]:
        """Poll a job until its status is one of ``until``; return the polls and the job."""
        wait = self.first_wait
        polls = 0
        while True:
            job = self.client.fine_tuning.jobs.get(job_id=job_id)
            polls += 1
            if job.status in until:
                return polls, job
            self.sleep(wait)
            wait = min(wait * 2, self.longest_wait)

    def cancel(self, job_id: str) -> str:
        """Ask for a job's cancellation and wait until it is cancelled; return the status."""
        job = self.client.fine_tuning.jobs.cancel(job_id=job_id)
        if job.status == "CANCELLATION_REQUESTED":
            _, job = self.wait(job_id, until=FINAL)
        return str(job.status)

    def dashboard(self, *, status: str | None = None, page_size: int = 50) -> Iterator[str]:
        """One line per job, newest first, going through every page."""
        page = 0
        while True:
            listing = self.client.fine_tuning.jobs.list(
                page=page, page_size=page_size, status=status
            )
            for job in listing.data or []:
                model = job.fine_tuned_model or "-"
                yield f"{job.id[:8]} {job.status:<22} {job.model} -> {model}"
            page += 1
            if page * page_size >= listing.total:
                return
