"""The examples in the public docstrings run, so they cannot drift from the code."""

import doctest
import importlib

import pytest

MODULES = [
    "models.jobs",
    "lifecycle",
    "wire",
    "factories",
    "progression",
    "routing",
    "validation",
    "api",
    "api.messages",
    "clock",
    "state",
    "training_data",
    "scores",
    "mock",
    "settings",
    "hints",
    "guard",
    "overrides",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"pytest_classifierjobs.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_examples_exist() -> None:
    # A module whose examples were all deleted would pass the test above without running any.
    finder = doctest.DocTestFinder()
    counts = {
        name: sum(
            len(test.examples)
            for test in finder.find(importlib.import_module(f"pytest_classifierjobs.{name}"))
        )
        for name in MODULES
    }
    with_examples: tuple[str, ...] = (
        "lifecycle",
        "factories",
        "progression",
        "routing",
        "validation",
    )
    with_examples += ("api.messages", "clock", "state", "training_data", "hints", "guard")
    with_examples += ("overrides",)
    assert all(counts[name] > 0 for name in with_examples), counts
