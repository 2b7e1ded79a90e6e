"""The plugin's registration, its cost at start-up, and which copy of the package the tests run."""

from __future__ import annotations

import doctest
import hashlib
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
from pytest_classifierjobs import ClassifierJobOutStatus, settings

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


# --- settings.py: parsing, checking and seeds, without pytest in the way ----------------------

ALL_TEN = tuple(ClassifierJobOutStatus)
STATUS_HELP = (
    "expected statuses QUEUED, STARTED, VALIDATING, VALIDATED, RUNNING, FAILED_VALIDATION, "
    "FAILED, SUCCESS, CANCELLED, CANCELLATION_REQUESTED or groups all, terminal, active, failed"
)
URL_HELP = (
    "expected an absolute http(s) URL such as 'https://api.mistral.ai' (a path prefix is "
    "allowed, a query or fragment is not)"
)
VALID_OPTIONS = "assert_all_handled, base_url, outcome, progression, require_auth, seed"


def test_settings_docstring_examples_run() -> None:
    result = doctest.testmod(settings)

    assert (result.failed, result.attempted > 0) == (0, True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://api.mistral.ai", "https://api.mistral.ai"),
        ("https://api.mistral.ai/", "https://api.mistral.ai"),
        ("http://localhost:8000/mistral/", "http://localhost:8000/mistral"),
        ("http://user:secret@127.0.0.1:1/a/b", "http://user:secret@127.0.0.1:1/a/b"),
    ],
)
def test_parse_base_url_accepts_absolute_http_urls(value: str, expected: str) -> None:
    assert settings.parse_base_url(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "api.mistral.ai",
        "/v1",
        "",
        "ftp://api.mistral.ai",
        "https://",
        "https://api.mistral.ai?x=1",
        "https://api.mistral.ai/?",
        "https://api.mistral.ai#top",
        "https://api.mistral.ai:99999",
        "http://[::1",
    ],
)
def test_parse_base_url_rejects_anything_else(value: str) -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.parse_base_url(value)

    assert str(raised.value) == f"{URL_HELP}, got {value!r}"


@pytest.mark.parametrize(("value", "expected"), [("7", 7), (" -3 ", -3), ("0", 0)])
def test_parse_seed(value: str, expected: int) -> None:
    assert settings.parse_seed(value) == expected


@pytest.mark.parametrize("value", ["", "seven", "1.5", "0x10"])
def test_parse_seed_rejects_non_integers(value: str) -> None:
    with pytest.raises(settings.SettingError, match=rf"^expected an integer, got '{value}'$"):
        settings.parse_seed(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("False", False), (" TRUE ", True), ("false", False)]
)
def test_parse_bool(value: str, expected: bool) -> None:
    assert settings.parse_bool(value) is expected


@pytest.mark.parametrize("value", ["yes", "1", ""])
def test_parse_bool_rejects_anything_but_true_and_false(value: str) -> None:
    with pytest.raises(settings.SettingError, match=rf"^expected true or false, got '{value}'$"):
        settings.parse_bool(value)


def test_parse_progression_and_outcome() -> None:
    assert settings.parse_progression("manual") == "manual"
    assert settings.parse_outcome("FAILED") is ClassifierJobOutStatus.FAILED
    assert (
        settings.parse_outcome(ClassifierJobOutStatus.CANCELLED) is ClassifierJobOutStatus.CANCELLED
    )
    with pytest.raises(
        settings.SettingError, match=r"^expected one of per_get, manual, got 'PER_GET'$"
    ):
        settings.parse_progression("PER_GET")
    with pytest.raises(
        settings.SettingError,
        match=r"^expected one of SUCCESS, FAILED, FAILED_VALIDATION, CANCELLED, got 'RUNNING'$",
    ):
        settings.parse_outcome(ClassifierJobOutStatus.RUNNING)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["all"], ALL_TEN),
        (["terminal"], ("FAILED_VALIDATION", "FAILED", "SUCCESS", "CANCELLED")),
        (["failed", "QUEUED", "FAILED"], ("QUEUED", "FAILED_VALIDATION", "FAILED")),
        (
            ["active"],
            ("QUEUED", "STARTED", "VALIDATING", "VALIDATED", "RUNNING", "CANCELLATION_REQUESTED"),
        ),
        ([ClassifierJobOutStatus.SUCCESS, "RUNNING"], ("RUNNING", "SUCCESS")),
    ],
)
def test_parse_statuses_in_the_enums_order_once_each(
    names: list[str], expected: tuple[str, ...]
) -> None:
    statuses = settings.parse_statuses(names)

    assert statuses == tuple(ClassifierJobOutStatus(name) for name in expected)
    assert all(type(status) is ClassifierJobOutStatus for status in statuses)


def test_parse_statuses_rejects_unknown_names_and_nothing() -> None:
    with pytest.raises(settings.SettingError) as unknown:
        settings.parse_statuses(["QUEUED", "queued"])
    with pytest.raises(settings.SettingError) as empty:
        settings.parse_statuses([])

    assert str(unknown.value) == f"unknown status or group 'queued'; {STATUS_HELP}"
    assert str(empty.value) == f"no status given; {STATUS_HELP}"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["all"], "all"),
        (["FAILED", "FAILED_VALIDATION"], "failed"),
        (["SUCCESS", "CANCELLED", "failed"], "terminal"),
        (["active"], "active"),
        (["SUCCESS", "QUEUED"], "QUEUED,SUCCESS"),
    ],
)
def test_describe_statuses_names_a_group_when_it_can(names: list[str], expected: str) -> None:
    assert settings.describe_statuses(settings.parse_statuses(names)) == expected


def test_run_settings_defaults() -> None:
    run = settings.run_settings({}, randomly_seed=None)

    assert run == settings.RunSettings(seed=run.seed)
    assert (run.base_url, run.statuses, run.require_auth) == (
        "https://api.mistral.ai",
        ALL_TEN,
        True,
    )
    assert (run.progression, run.outcome) == ("per_get", ClassifierJobOutStatus.SUCCESS)
    assert 0 <= run.seed < 2**32


def test_run_settings_parse_each_option() -> None:
    run = settings.run_settings(
        {
            "base_url": ("http://localhost/x/", "--a"),
            "seed": ("12", "--b"),
            "statuses": (" terminal , QUEUED ,", "--c"),
            "require_auth": ("false", "--d"),
            "progression": ("manual", "--e"),
            "outcome": ("CANCELLED", "--f"),
        }
    )

    assert run == settings.RunSettings(
        base_url="http://localhost/x",
        seed=12,
        statuses=settings.parse_statuses(["QUEUED", "terminal"]),
        require_auth=False,
        progression="manual",
        outcome=ClassifierJobOutStatus.CANCELLED,
    )


def test_run_settings_errors_start_with_the_origin() -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.run_settings({"statuses": (",", "classifierjobs_statuses (ini)")})

    assert str(raised.value) == f"classifierjobs_statuses (ini): no status given; {STATUS_HELP}"


def test_the_run_seed_comes_from_the_first_source_that_has_one() -> None:
    choose = settings.choose_run_seed

    assert choose(configured=1, worker_seed=2, randomly_seed=3) == 2
    assert choose(configured=1, worker_seed=None, randomly_seed=3) == 1
    assert choose(configured=0, worker_seed=None, randomly_seed=3) == 0
    assert choose(configured=None, worker_seed=None, randomly_seed=3) == 3
    assert choose(configured=None, worker_seed=None, randomly_seed=0) == 0


@pytest.mark.parametrize("randomly_seed", [None, "default", "last", True, 1.5])
def test_a_run_seed_is_drawn_when_no_source_has_a_number(randomly_seed: object) -> None:
    drawn = {
        settings.choose_run_seed(configured=None, worker_seed=None, randomly_seed=randomly_seed)
        for _ in range(20)
    }

    assert all(0 <= seed < 2**32 for seed in drawn)
    assert len(drawn) > 1


def test_per_test_seeds_are_stable_and_distinct() -> None:
    seed = settings.per_test_seed(123, "tests/test_a.py::test_one")

    assert seed == int.from_bytes(
        hashlib.sha256(b"123\x00tests/test_a.py::test_one").digest()[:8], "big"
    )
    assert 0 <= seed < 2**64
    assert settings.per_test_seed(123, "tests/test_a.py::test_two") != seed
    assert settings.per_test_seed(124, "tests/test_a.py::test_one") != seed
    # No run seed and node id meet at the separator: "1" + "2x" is not "12" + "x".
    assert settings.per_test_seed(1, "2x") != settings.per_test_seed(12, "x")


RUN = settings.RunSettings(seed=5)


def test_fixture_options_fall_back_to_the_run_settings() -> None:
    run = settings.RunSettings(
        seed=5, base_url="http://x", require_auth=False, progression="manual"
    )

    assert settings.fixture_options(run, []) == settings.FixtureOptions(
        base_url="http://x",
        seed=None,
        require_auth=False,
        progression="manual",
        outcome=ClassifierJobOutStatus.SUCCESS,
        assert_all_handled=True,
    )


def test_fixture_options_take_the_closest_marker_per_option() -> None:
    markers: list[tuple[tuple[object, ...], dict[str, object]]] = [
        ((), {"seed": 3}),
        ((), {"seed": 2, "base_url": "http://class/", "outcome": "FAILED"}),
        ((), {"base_url": "http://module", "assert_all_handled": False, "require_auth": False}),
    ]

    options = settings.fixture_options(RUN, markers)

    assert options == settings.FixtureOptions(
        base_url="http://class",
        seed=3,
        require_auth=False,
        progression="per_get",
        outcome=ClassifierJobOutStatus.FAILED,
        assert_all_handled=False,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sed": 1},
            "@pytest.mark.classifierjobs has no option 'sed' (did you mean 'seed'?); "
            f"valid options: {VALID_OPTIONS}",
        ),
        (
            {"statuses": "all"},
            f"@pytest.mark.classifierjobs has no option 'statuses'; valid options: {VALID_OPTIONS}",
        ),
        ({"seed": True}, "@pytest.mark.classifierjobs(seed=...): expected an integer, got True"),
        ({"seed": "1"}, "@pytest.mark.classifierjobs(seed=...): expected an integer, got '1'"),
        (
            {"require_auth": "false"},
            "@pytest.mark.classifierjobs(require_auth=...): expected True or False, got 'false'",
        ),
        (
            {"assert_all_handled": 0},
            "@pytest.mark.classifierjobs(assert_all_handled=...): expected True or False, got 0",
        ),
        (
            {"base_url": b"http://x"},
            "@pytest.mark.classifierjobs(base_url=...): expected a string, got b'http://x'",
        ),
        (
            {"base_url": "x"},
            f"@pytest.mark.classifierjobs(base_url=...): {URL_HELP}, got 'x'",
        ),
        (
            {"progression": "auto"},
            "@pytest.mark.classifierjobs(progression=...): expected one of per_get, manual, "
            "got 'auto'",
        ),
        (
            {"outcome": "QUEUED"},
            "@pytest.mark.classifierjobs(outcome=...): expected one of SUCCESS, FAILED, "
            "FAILED_VALIDATION, CANCELLED, got 'QUEUED'",
        ),
    ],
)
def test_fixture_options_name_a_bad_option_and_what_is_allowed(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.fixture_options(RUN, [((), kwargs)])

    assert str(raised.value) == message


def test_fixture_options_check_overridden_markers_too() -> None:
    # The farthest marker's value is overridden, and checked all the same.
    markers = [((), {"progression": "manual"}), ((), {"progression": "auto"})]

    with pytest.raises(settings.SettingError, match=r"progression=\.\.\.\): .* got 'auto'$"):
        settings.fixture_options(RUN, markers)


def test_fixture_options_refuse_positional_arguments() -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.fixture_options(RUN, [(("http://x",), {})])

    assert str(raised.value) == (
        "@pytest.mark.classifierjobs takes keyword options only, got the positional argument "
        f"'http://x'; valid options: {VALID_OPTIONS}"
    )


def test_marker_statuses() -> None:
    assert settings.marker_statuses(("failed", ClassifierJobOutStatus.QUEUED), {}) == (
        ClassifierJobOutStatus.QUEUED,
        ClassifierJobOutStatus.FAILED_VALIDATION,
        ClassifierJobOutStatus.FAILED,
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("DONE",),
            {},
            f"@pytest.mark.classifier_job_statuses: unknown status or group 'DONE'; {STATUS_HELP}",
        ),
        ((), {}, f"@pytest.mark.classifier_job_statuses: no status given; {STATUS_HELP}"),
        (
            (frozenset({"QUEUED"}),),
            {},
            "@pytest.mark.classifier_job_statuses: expected status or group names, got "
            f"frozenset({{'QUEUED'}}) (unpack a collection: *statuses); {STATUS_HELP}",
        ),
        (
            ("QUEUED",),
            {"groups": "terminal"},
            "@pytest.mark.classifier_job_statuses takes statuses and groups as positional "
            f"arguments, not keyword arguments (groups); {STATUS_HELP}",
        ),
    ],
)
def test_marker_statuses_errors(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.marker_statuses(args, kwargs)

    assert str(raised.value) == message


def test_unhandled_message() -> None:
    one = settings.unhandled_message("https://x", [("GET", "/v1/a")])
    two = settings.unhandled_message("https://x", [("GET", "/v1/a"), ("DELETE", "/v1/b")])

    assert one == (
        "classifierjobs: 1 request to https://x matched no operation of the fake jobs API:\n"
        "  GET /v1/a\n"
        "If the test expects them, allow them with "
        "@pytest.mark.classifierjobs(assert_all_handled=False)."
    )
    assert two.startswith("classifierjobs: 2 requests to https://x matched")
    assert "\n  GET /v1/a\n  DELETE /v1/b\n" in two
