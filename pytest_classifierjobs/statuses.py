"""The job status enum, in a module of its own that imports nothing but :mod:`enum`.

pytest loads the plugin at start-up, and parsing the plugin's options needs the statuses; the
models (attrs) load only once a test uses the fake. :mod:`pytest_classifierjobs.models` and the
package re-export the one class: ``pytest_classifierjobs.models.ClassifierJobOutStatus is
pytest_classifierjobs.statuses.ClassifierJobOutStatus``.
"""

import enum

__all__ = ["ClassifierJobOutStatus"]


class ClassifierJobOutStatus(str, enum.Enum):
    """The ten statuses of a fine-tuning job, in the contract's order.

    A ``str`` enum: a member equals its value (``ClassifierJobOutStatus.SUCCESS == "SUCCESS"``)
    and ``str()`` gives the bare value, which keeps parametrized test ids readable.
    """

    QUEUED = "QUEUED"
    STARTED = "STARTED"
    VALIDATING = "VALIDATING"
    VALIDATED = "VALIDATED"
    RUNNING = "RUNNING"
    FAILED_VALIDATION = "FAILED_VALIDATION"
    FAILED = "FAILED"
    SUCCESS = "SUCCESS"
    CANCELLED = "CANCELLED"
    CANCELLATION_REQUESTED = "CANCELLATION_REQUESTED"

    def __str__(self) -> str:
        return self.value
