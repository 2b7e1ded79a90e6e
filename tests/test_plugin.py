"""The plugin's registration, its cost at start-up, and which copy of the package the tests run."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import pytest_classifierjobs
import pytest_classifierjobs.plugin

if TYPE_CHECKING:
    from tests.conftest import SDK

# What pytest start-up must not pay for: the plugin imports these inside fixtures only.
HEAVY_MODULES = frozenset({"polyfactory", "faker", "cattrs", "respx", "httpx"})


def test_registered_under_its_name(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig()

    assert config.pluginmanager.get_plugin("classifierjobs") is pytest_classifierjobs.plugin


def test_listed_in_the_header(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_loaded(request):
            assert request.config.pluginmanager.has_plugin("classifierjobs")
        """
    )
    version = importlib.metadata.version("pytest-classifierjobs")

    result = pytester.runpytest()

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"plugins: *classifierjobs-{version}*"])


def test_disabled_with_p_no(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_not_loaded(request):
            assert not request.config.pluginmanager.has_plugin("classifierjobs")
        """
    )

    result = pytester.runpytest("-p", "no:classifierjobs")

    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("plugins: *classifierjobs*")
    assert not pytester.parseconfig("-p", "no:classifierjobs").pluginmanager.has_plugin(
        "classifierjobs"
    )


def test_importing_the_plugin_imports_nothing_heavy(tmp_path: Path) -> None:
    # A fresh interpreter: this one has long imported everything the other tests use.
    code = (
        "import json, sys\n"
        "import pytest_classifierjobs.plugin as plugin\n"
        "print(json.dumps({'file': plugin.__file__, 'modules': sorted(sys.modules)}))\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    report = json.loads(completed.stdout)
    assert report["file"] == pytest_classifierjobs.plugin.__file__, (
        "the subprocess imported another copy of the plugin than the tests did"
    )
    imported = {name.partition(".")[0] for name in report["modules"]}
    assert sorted(imported & HEAVY_MODULES) == []


@pytest.mark.skipif(
    os.environ.get("CLASSIFIERJOBS_EXPECT_INSTALLED") != "1",
    reason="only the nox sessions that install the wheel set CLASSIFIERJOBS_EXPECT_INSTALLED=1",
)
def test_the_tests_import_the_installed_wheel() -> None:
    # The checkout's pytest_classifierjobs/ directory would shadow the wheel if the checkout were
    # on sys.path; then the tests would pass on files the wheel may not even contain.
    assert pytest_classifierjobs.plugin.__file__ is not None
    locations = [
        Path(pytest_classifierjobs.plugin.__file__).parent,
        *(Path(entry) for entry in pytest_classifierjobs.__path__),
    ]
    assert {location.parent.name for location in locations} == {"site-packages"}


@pytest.mark.sdk
def test_sdk_fixture_finds_the_installed_mistralai(sdk: SDK) -> None:
    assert sdk.version == importlib.metadata.version("mistralai")
    assert sdk.major == int(sdk.version.split(".", 1)[0])
    listing = sdk.JobsOut.model_validate({"total": 0, "data": [], "object": "list"})
    assert listing.total == 0
    retries = sdk.RetryConfig("backoff", sdk.BackoffStrategy(1, 10, 2.0, 100), False)
    with sdk.Mistral(api_key="test", retry_config=retries) as client:
        assert client.fine_tuning.jobs is not None
    assert issubclass(sdk.SDKError, Exception)
