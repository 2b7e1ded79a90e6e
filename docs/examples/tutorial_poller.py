"""The code under test in the tutorial: wait for a fine-tuning job to finish."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

FINAL = {"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"}


class StillRunningError(Exception):
    """The job was not over after the last poll."""


def wait_for_job(
    client: Any,
    job_id: str,
    *,
    max_polls: int = 60,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """Poll the job every 10 seconds until it is over; return the finished job."""
    for _ in range(max_polls):
        job = client.fine_tuning.jobs.get(job_id=job_id)
        if job.status in FINAL:
            return job
        sleep(10)
    raise StillRunningError(f"job {job_id} is still {job.status} after {max_polls} polls")
