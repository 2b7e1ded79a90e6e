"""Fixtures shared by the whole test suite."""

import importlib
import importlib.metadata
from dataclasses import dataclass
from typing import Any

import pytest

# Where each major version of mistralai keeps what the tests use, as (module, attribute). 2.x
# moved everything under ``mistralai.client`` and renamed the job models; the models describe the
# same wire resources. Verified against mistralai 1.12.4 and 2.4.13.
_SDK_NAMES: dict[int, dict[str, tuple[str, str]]] = {
    1: {
        "Mistral": ("mistralai", "Mistral"),
        "ClassifierJobOut": ("mistralai.models", "ClassifierJobOut"),
        "ClassifierDetailedJobOut": ("mistralai.models", "ClassifierDetailedJobOut"),
        "JobsOut": ("mistralai.models", "JobsOut"),
        "SDKError": ("mistralai.models", "SDKError"),
        "RetryConfig": ("mistralai.utils", "RetryConfig"),
        "BackoffStrategy": ("mistralai.utils", "BackoffStrategy"),
    },
    2: {
        "Mistral": ("mistralai.client", "Mistral"),
        "ClassifierJobOut": ("mistralai.client.models", "ClassifierFineTuningJob"),
        "ClassifierDetailedJobOut": ("mistralai.client.models", "ClassifierFineTuningJobDetails"),
        "JobsOut": ("mistralai.client.models", "ListFineTuningJobsResponse"),
        "SDKError": ("mistralai.client.errors", "SDKError"),
        "RetryConfig": ("mistralai.client.utils", "RetryConfig"),
        "BackoffStrategy": ("mistralai.client.utils", "BackoffStrategy"),
    },
}


@dataclass(frozen=True)
class SDK:
    """The installed mistralai SDK, under names that do not depend on its major version.

    The model attributes carry the 1.x names: on 2.x, ``ClassifierJobOut`` is
    ``ClassifierFineTuningJob``, ``ClassifierDetailedJobOut`` is
    ``ClassifierFineTuningJobDetails`` and ``JobsOut`` is ``ListFineTuningJobsResponse``.
    """

    version: str
    major: int
    Mistral: Any
    ClassifierJobOut: Any
    ClassifierDetailedJobOut: Any
    JobsOut: Any
    SDKError: Any
    RetryConfig: Any
    BackoffStrategy: Any


@pytest.fixture(scope="session")
def sdk() -> SDK:
    """The installed mistralai SDK, so one test file serves the 1.x and the 2.x sessions."""
    version = importlib.metadata.version("mistralai")
    major = int(version.split(".", 1)[0])
    names = _SDK_NAMES.get(major)
    if names is None:
        pytest.fail(f"mistralai {version} is installed; the tests know majors {sorted(_SDK_NAMES)}")
    found = {
        name: getattr(importlib.import_module(module), attribute)
        for name, (module, attribute) in names.items()
    }
    return SDK(version=version, major=major, **found)
