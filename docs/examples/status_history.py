"""The code under test in the lifecycle-paths how-to: follow a job and report its history.

A dashboard shows how each job went ("QUEUED -> VALIDATING -> VALIDATED -> QUEUED -> RUNNING ->
SUCCESS"): ``follow_job`` polls until the job is over and returns every status it saw, each
change once, in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

FINAL = frozenset({"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"})


class StillRunningError(Exception):
    """The job was not over after the last poll."""


def follow_job(
    client: Any,
    job_id: str,
    first_status: str,
    *,
    max_polls: int = 50,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Poll a job from ``first_status`` until it is over; return each status it went through."""
    history = [first_status]
    for _ in range(max_polls):
        if history[-1] in FINAL:
            return history
        sleep(5)
        status = client.fine_tuning.jobs.get(job_id=job_id).status
        if status != history[-1]:  # a change: the same status twice in a row is one step
            history.append(status)
    raise StillRunningError(f"job {job_id} is still {history[-1]} after {max_polls} polls")
