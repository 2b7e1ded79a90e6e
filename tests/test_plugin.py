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
from typing import TYPE_CHECKING, Any

import pytest

import pytest_classifierjobs
import pytest_classifierjobs.plugin
from pytest_classifierjobs import ClassifierJobOutStatus, Timings, settings

if TYPE_CHECKING:
    from tests.conftest import SDK

# What pytest start-up must not pay for: the plugin imports these once a test uses the fake.
HEAVY_MODULES = frozenset(
    {"attr", "attrs", "cattrs", "respx", "httpx", "polyfactory", "faker", "pydantic", "mistralai"}
)
# All that importing the plugin imports of this package.
AT_START_UP = [
    "pytest_classifierjobs",
    "pytest_classifierjobs.base_models",
    "pytest_classifierjobs.clock",
    "pytest_classifierjobs.hints",
    "pytest_classifierjobs.plugin",
    "pytest_classifierjobs.settings",
    "pytest_classifierjobs.statuses",
]


def top_level(modules: list[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


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
    # pytest's own imports are no cost of the plugin's: only what it adds counts.
    code = (
        "import json, sys\n"
        "import pytest\n"
        "with_pytest = sorted(sys.modules)\n"
        "import pytest_classifierjobs.plugin as plugin\n"
        "print(json.dumps({'file': plugin.__file__, 'pytest': with_pytest, "
        "'modules': sorted(sys.modules)}))\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )

    report = json.loads(completed.stdout)
    assert report["file"] == pytest_classifierjobs.plugin.__file__, (
        "the subprocess imported another copy of the plugin than the tests did"
    )
    added = top_level(report["modules"]) - top_level(report["pytest"])
    assert sorted(added & HEAVY_MODULES) == []
    assert [name for name in report["modules"] if name.startswith("pytest_classifierjobs")] == (
        AT_START_UP
    )


# Runs pytest in a fresh interpreter and writes down the modules it imported, and whether
# the plugin was loaded and from where.
RUN_PYTEST = """
import json, sys
import pytest

code = pytest.main(sys.argv[2:])
plugin = sys.modules.get("pytest_classifierjobs.plugin")
with open(sys.argv[1], "w") as out:
    json.dump({
        "code": int(code),
        "plugin": plugin and plugin.__file__,
        "modules": sorted(sys.modules),
    }, out)
"""


def run_pytest_alone(tmp_path: Path, cwd: Path, *args: str) -> Any:
    """RUN_PYTEST's report of a pytest run in ``cwd`` with ``args``, loading no plugin unasked.

    No other plugin is loaded (pytest-respx, Faker's, Hypothesis's import httpx, faker, attrs):
    what ``-p pytest_classifierjobs.plugin`` adds is the plugin's own doing. The run must pass.
    """
    script = tmp_path / "run_pytest.py"
    script.write_text(RUN_PYTEST)
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    out = tmp_path / "report.json"
    command = [sys.executable, str(script), str(out), "-p", "no:cacheprovider", *args]
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
    report = json.loads(out.read_text())
    assert report["code"] == 0, report
    return report


NO_FAKE = """
    import pytest

    def test_plain():
        pass

    @pytest.mark.parametrize("n", [1, 2])
    def test_parametrized(n):
        pass

    class TestClass:
        @pytest.mark.slow
        def test_marked_otherwise(self):
            pass

    def test_over_the_statuses(classifier_job_status):
        pass
"""


def test_collecting_tests_that_do_not_use_the_fake_imports_nothing_heavy(
    tmp_path: Path, pytester: pytest.Pytester
) -> None:
    # A whole pytest run in a fresh interpreter, with and without the plugin: what the plugin
    # adds is the difference between the two runs.
    pytester.makeini("[pytest]\nmarkers = slow\n")
    pytester.makepyfile(test_no_fake=NO_FAKE)

    without = run_pytest_alone(tmp_path, pytester.path, "--co")
    loaded = run_pytest_alone(tmp_path, pytester.path, "--co", "-p", "pytest_classifierjobs.plugin")

    assert (without["plugin"], loaded["plugin"]) == (None, pytest_classifierjobs.plugin.__file__)
    added = top_level(loaded["modules"]) - top_level(without["modules"])
    assert sorted(added - set(sys.stdlib_module_names)) == ["pytest_classifierjobs"]
    assert [m for m in loaded["modules"] if m.startswith("pytest_classifierjobs")] == AT_START_UP


@pytest.mark.parametrize(
    ("signature", "loaded"),
    [("classifierjobs", []), ("classifierjobs, classifier_job_factory", ["faker", "polyfactory"])],
)
def test_the_fake_loads_polyfactory_and_faker_only_for_a_test_that_takes_the_factory(
    tmp_path: Path, pytester: pytest.Pytester, signature: str, loaded: list[str]
) -> None:
    # What the fake adds and serves it draws without them (drawing.py); they cost a run more
    # than its first test.
    pytester.makepyfile(
        test_fake=f"""
        def test_adds_and_gets({signature}):
            job = classifierjobs.add(status="RUNNING")
            assert classifierjobs.jobs[job.id] == job
        """
    )

    report = run_pytest_alone(tmp_path, pytester.path, "-p", "pytest_classifierjobs.plugin")

    assert sorted(top_level(report["modules"]) & {"polyfactory", "faker"}) == loaded


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
BOOL_HELP = "expected true/false (also yes/no, on/off, y/n, t/f, 1/0)"
URL_HELP = (
    "expected an absolute http(s) URL such as 'https://api.mistral.ai' (a path prefix is "
    "allowed, a query or fragment is not)"
)
VALID_OPTIONS = (
    "api_keys, assert_all_faults_used, assert_all_handled, base_models, base_url, faults, "
    "frozen_at, instant_sleep, multi_class_scores, outcome, progression, require_auth, retired, "
    "seed, strict_files, time_scale, timings, validation"
)


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
    ("value", "expected"),
    [
        ("true", True),
        ("False", False),
        (" TRUE ", True),
        ("false", False),
        # What pytest's own ini booleans take (addini(type="bool")).
        ("yes", True),
        ("No", False),
        ("on", True),
        ("OFF", False),
        ("y", True),
        ("n", False),
        ("t", True),
        ("f", False),
        ("1", True),
        ("0", False),
    ],
)
def test_parse_bool(value: str, expected: bool) -> None:
    assert settings.parse_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", "", "yess"])
def test_parse_bool_rejects_anything_else_naming_what_is_allowed(value: str) -> None:
    with pytest.raises(
        settings.SettingError,
        match=rf"^expected true/false \(also yes/no, on/off, y/n, t/f, 1/0\), got '{value}'$",
    ):
        settings.parse_bool(value)


@pytest.mark.parametrize(
    ("text", "pytest_ini_value"), [(word, word) for pair in settings.BOOLEAN_WORDS for word in pair]
)
def test_parse_bool_reads_every_word_as_pytests_ini_booleans_do(
    pytester: pytest.Pytester, text: str, pytest_ini_value: str
) -> None:
    pytester.makeini(f"[pytest]\nxfail_strict = {pytest_ini_value}\n")
    config = pytester.parseconfig()

    assert settings.parse_bool(text) is config.getini("xfail_strict")


def test_parse_progression_and_outcome() -> None:
    assert settings.parse_progression("manual") == "manual"
    assert settings.parse_outcome("FAILED") is ClassifierJobOutStatus.FAILED
    assert (
        settings.parse_outcome(ClassifierJobOutStatus.CANCELLED) is ClassifierJobOutStatus.CANCELLED
    )
    with pytest.raises(
        settings.SettingError,
        match=r"^unknown progression 'PER_GET' \(did you mean 'per_get'\?\); expected one of "
        r"'per_get', 'manual', 'time'$",
    ):
        settings.parse_progression("PER_GET")
    with pytest.raises(
        settings.SettingError,
        match=r"^unknown outcome 'RUNNING'; expected one of 'SUCCESS', 'FAILED', "
        r"'FAILED_VALIDATION', 'CANCELLED'$",
    ):
        settings.parse_outcome(ClassifierJobOutStatus.RUNNING)
    with pytest.raises(
        settings.SettingError, match=r"^unknown outcome 'SUCESS' \(did you mean 'SUCCESS'\?\)"
    ):
        settings.parse_outcome("SUCESS")


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

    assert str(unknown.value) == (
        f"unknown status or group 'queued' (did you mean 'QUEUED'?); {STATUS_HELP}"
    )
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
    assert (run.validation, run.api_keys, run.base_models) == (
        "server",
        None,
        ("ministral-3b-latest",),
    )
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
            "validation": ("strict", "--g"),
            "api_keys": (" one , two,", "--h"),
            "base_models": ("ministral-3b-2410,ministral-3b-latest", "--i"),
            "instant_sleep": ("True", "--j"),
        }
    )

    assert run == settings.RunSettings(
        base_url="http://localhost/x",
        seed=12,
        statuses=settings.parse_statuses(["QUEUED", "terminal"]),
        require_auth=False,
        progression="manual",
        outcome=ClassifierJobOutStatus.CANCELLED,
        validation="strict",
        api_keys=("one", "two"),
        base_models=("ministral-3b-2410", "ministral-3b-latest"),
        instant_sleep=True,
    )
    assert settings.run_settings({"base_models": (" * ", "--x")}).base_models is None


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("validation", "lax", "unknown validation mode 'lax'; expected one of 'server', 'strict'"),
        ("api_keys", " , ", "expected one or more comma-separated API keys, got ' , '"),
        (
            "base_models",
            "",
            "expected one or more comma-separated base models (or * for any), got ''",
        ),
    ],
)
def test_run_settings_refuse_a_bad_new_option(name: str, text: str, message: str) -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.run_settings({name: (text, f"--classifierjobs-{name}")})

    assert str(raised.value) == f"--classifierjobs-{name}: {message}"


def test_the_validation_modes_are_the_validators() -> None:
    from pytest_classifierjobs import validation

    assert validation.VALIDATION_MODES == settings.VALIDATION_MODES == ("server", "strict")


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


def test_fixture_options_convert_the_clock_options() -> None:
    run = settings.RunSettings(seed=5, instant_sleep=True)
    markers: list[tuple[tuple[object, ...], dict[str, object]]] = [
        ((), {"frozen_at": "2025-04-16T14:45:06Z", "timings": {"queue": 10}}),
        ((), {"time_scale": 60, "frozen_at": 1}),
    ]

    options = settings.fixture_options(run, markers)

    assert options.instant_sleep is True  # from the run settings
    assert options.frozen_at == 1744814706.0  # the closest marker's, as Unix seconds
    assert options.timings == Timings(queue=(10.0, 10.0))
    assert options.timings.queued == Timings().queued  # the phases not given keep the defaults
    assert (options.time_scale, type(options.time_scale)) == (60.0, float)
    # A closer marker unfreezes with frozen_at=None.
    assert settings.fixture_options(run, [((), {"frozen_at": None}), *markers]).frozen_at is None
    assert settings.fixture_options(RUN, []).instant_sleep is False


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
            "@pytest.mark.classifierjobs(progression=...): unknown progression 'auto'; "
            "expected one of 'per_get', 'manual', 'time'",
        ),
        (
            {"outcome": "QUEUED"},
            "@pytest.mark.classifierjobs(outcome=...): unknown outcome 'QUEUED'; expected one "
            "of 'SUCCESS', 'FAILED', 'FAILED_VALIDATION', 'CANCELLED'",
        ),
        (
            {"validation": "lax"},
            "@pytest.mark.classifierjobs(validation=...): unknown validation mode 'lax'; "
            "expected one of 'server', 'strict'",
        ),
        (
            {"api_keys": "test-key"},
            "@pytest.mark.classifierjobs(api_keys=...): expected a list of non-empty strings, "
            "such as ['test-key'], or None (any token is accepted), got 'test-key'",
        ),
        (
            {"api_keys": []},
            "@pytest.mark.classifierjobs(api_keys=...): expected a list of non-empty strings, "
            "such as ['test-key'], or None (any token is accepted), got []",
        ),
        (
            {"base_models": ["ministral-3b-latest", ""]},
            "@pytest.mark.classifierjobs(base_models=...): expected a list of non-empty "
            "strings, such as ['ministral-3b-latest'], or None (any base model is accepted), "
            "got ['ministral-3b-latest', '']",
        ),
        (
            {"base_models": 3},
            "@pytest.mark.classifierjobs(base_models=...): expected a list of non-empty "
            "strings, such as ['ministral-3b-latest'], or None (any base model is accepted), "
            "got 3",
        ),
        (
            {"api_keys": ["k"], "require_auth": False},
            "@pytest.mark.classifierjobs: api_keys=['k'] needs require_auth=True (without it "
            "no key is checked); drop one of the two",
        ),
        (
            {"instant_sleep": "yes"},
            "@pytest.mark.classifierjobs(instant_sleep=...): expected True or False, got 'yes'",
        ),
        (
            {"frozen_at": True},
            "@pytest.mark.classifierjobs(frozen_at=...): expected a moment (Unix seconds, a "
            "datetime or ISO text), got True",
        ),
        (
            {"timings": {"queue": (5, 1)}},
            "@pytest.mark.classifierjobs(timings=...): timings['queue']: expected 0 <= low <= "
            "high, finite, got (5, 1)",
        ),
        (
            {"timings": "fast"},
            "@pytest.mark.classifierjobs(timings=...): timings must be a Timings or a dict of "
            "phase to (low, high) seconds, such as {'queue': (10, 60)}, not 'fast'",
        ),
        (
            {"time_scale": "x"},
            "@pytest.mark.classifierjobs(time_scale=...): expected a number above 0, got 'x'",
        ),
        (
            {"time_scale": float("inf")},
            "@pytest.mark.classifierjobs(time_scale=...): expected a finite number above 0, "
            "got inf",
        ),
    ],
)
def test_fixture_options_name_a_bad_option_and_what_is_allowed(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(settings.SettingError) as raised:
        settings.fixture_options(RUN, [((), kwargs)])

    assert str(raised.value) == message


def test_fixture_options_take_lists_or_none_for_keys_and_models() -> None:
    options = settings.fixture_options(
        RUN, [((), {"api_keys": ("a", "b"), "base_models": None, "validation": "strict"})]
    )

    assert (options.api_keys, options.base_models, options.validation) == (
        ("a", "b"),
        None,
        "strict",
    )
    assert settings.fixture_options(RUN, [((), {"api_keys": None})]).api_keys is None


def test_fixture_options_check_overridden_markers_too() -> None:
    # The farthest marker's value is overridden, and checked all the same.
    markers = [((), {"progression": "manual"}), ((), {"progression": "auto"})]

    with pytest.raises(
        settings.SettingError, match=r"progression=\.\.\.\): unknown progression 'auto'"
    ):
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
        "classifierjobs: 1 request matched no operation of the fake API at https://x (each was "
        "answered 404, none reached the network):\n"
        "  GET /v1/a\n"
        "If the test expects them, allow them with "
        "@pytest.mark.classifierjobs(assert_all_handled=False)."
    )
    assert two.startswith("classifierjobs: 2 requests matched no operation")
    assert "\n  GET /v1/a\n  DELETE /v1/b\n" in two


# --- options and ini keys -----------------------------------------------------------------------

DEFAULT_HEADER = (
    "classifierjobs: seed=* (replay with --classifierjobs-seed=*), "
    "base_url=https://api.mistral.ai, statuses=all"
)


def _run_with(
    pytester: pytest.Pytester, how: str, settings_: dict[str, str], *args: str
) -> pytest.RunResult:
    """Run pytester with ``settings_`` given on the command line (``cli``) or in an ini file."""
    if how == "cli":
        options = [f"--classifierjobs-{k.replace('_', '-')}={v}" for k, v in settings_.items()]
        return pytester.runpytest(*options, *args)
    lines = "".join(f"classifierjobs_{k} = {v}\n" for k, v in settings_.items())
    pytester.makeini(f"[pytest]\n{lines}")
    return pytester.runpytest(*args)


HOW = pytest.mark.parametrize("how", ["cli", "ini"])


def assert_collection_error(result: pytest.RunResult, test: str, message: str) -> None:
    """The run stopped at collection, on the error of ``test``, which names it and says why.

    A marker's mistake is found before anything runs, as any collection error is (pytest then
    runs nothing: "Interrupted: 1 error during collection").
    """
    result.assert_outcomes(errors=1)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting test_*.py*"])
    assert any(line.endswith(f"::{test}: {message}") for line in result.stdout.lines), (
        result.stdout.str()
    )


def test_options_share_one_group_and_document_themselves(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")

    result.stdout.fnmatch_lines(
        [
            "fake Mistral classifier fine-tuning jobs API:",
            "  --classifierjobs-base-url=URL",
            "  --classifierjobs-seed=INT",
            "  --classifierjobs-statuses=NAMES",
            "  --classifierjobs-require-auth=BOOL",
            "  --classifierjobs-progression=MODE",
            "  --classifierjobs-outcome=STATUS",
            "  --classifierjobs-validation=MODE",
            "  --classifierjobs-api-keys=KEYS",
            "  --classifierjobs-base-models=MODELS",
            "  --classifierjobs-strict-files=BOOL",
            "  --classifierjobs-multi-class-scores=MODE",
            "  --classifierjobs-instant-sleep=BOOL",
        ]
    )
    for name in settings.RUN_OPTIONS:
        result.stdout.fnmatch_lines([f"  classifierjobs_{name} (string):*"])


def test_header_line_with_the_defaults(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest()

    result.stdout.fnmatch_lines([DEFAULT_HEADER])


@HOW
def test_header_line_shows_the_settings(pytester: pytest.Pytester, how: str) -> None:
    result = _run_with(
        pytester,
        how,
        {"seed": "123", "base_url": "http://localhost:8000/mistral/", "statuses": "terminal"},
    )

    assert (
        "classifierjobs: seed=123 (replay with --classifierjobs-seed=123), "
        "base_url=http://localhost:8000/mistral, statuses=terminal"
    ) in result.stdout.lines


def test_command_line_beats_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nclassifierjobs_seed = 1\nclassifierjobs_statuses = failed\n")

    result = pytester.runpytest("--classifierjobs-seed=2")

    result.stdout.fnmatch_lines(["classifierjobs: seed=2 (*), *, statuses=failed"])


def test_an_empty_ini_value_means_the_default(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nclassifierjobs_statuses =\nclassifierjobs_base_url =\n")

    result = pytester.runpytest()

    result.stdout.fnmatch_lines([DEFAULT_HEADER])


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("base_url", "ftp://x", f"{URL_HELP}, got 'ftp://x'"),
        ("base_url", "api.mistral.ai", f"{URL_HELP}, got 'api.mistral.ai'"),
        ("seed", "abc", "expected an integer, got 'abc'"),
        ("statuses", "terminal,DONE", f"unknown status or group 'DONE'; {STATUS_HELP}"),
        ("statuses", ",", f"no status given; {STATUS_HELP}"),
        ("require_auth", "maybe", f"{BOOL_HELP}, got 'maybe'"),
        ("block_mistral", "sure", f"{BOOL_HELP}, got 'sure'"),
        (
            "statuses",
            "RUNING",
            f"unknown status or group 'RUNING' (did you mean 'RUNNING'?); {STATUS_HELP}",
        ),
        (
            "progression",
            "auto",
            "unknown progression 'auto'; expected one of 'per_get', 'manual', 'time'",
        ),
        ("instant_sleep", "maybe", f"{BOOL_HELP}, got 'maybe'"),
        (
            "outcome",
            "RUNNING",
            "unknown outcome 'RUNNING'; expected one of 'SUCCESS', 'FAILED', "
            "'FAILED_VALIDATION', 'CANCELLED'",
        ),
    ],
)
@HOW
def test_a_bad_setting_is_a_usage_error(
    pytester: pytest.Pytester, how: str, name: str, value: str, message: str
) -> None:
    origin = (
        f"--classifierjobs-{name.replace('_', '-')}"
        if how == "cli"
        else f"classifierjobs_{name} (ini)"
    )

    result = _run_with(pytester, how, {name: value})

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {origin}: {message}" in result.stderr.lines


def test_an_empty_statuses_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--classifierjobs-statuses=")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: --classifierjobs-statuses: no status given; {STATUS_HELP}" in (
        result.stderr.lines
    )


RECORD_JOBS = """
    import json, os, pathlib
    import pytest

    def record(request, job):
        out = pathlib.Path(os.environ["CLASSIFIERJOBS_OUT"])
        out.mkdir(exist_ok=True)
        line = json.dumps([job.id, job.model, job.created_at])
        (out / f"{request.node.name}.json").write_text(line)
"""


def _recorded(path: Path) -> dict[str, list[object]]:
    recorded = {file.stem: json.loads(file.read_text()) for file in path.glob("*.json")}
    for file in path.glob("*.json"):
        file.unlink()
    return recorded


@pytest.fixture
def out(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = pytester.path / "out"
    monkeypatch.setenv("CLASSIFIERJOBS_OUT", str(path))
    return path


@HOW
def test_seed_option_fixes_the_data(pytester: pytest.Pytester, how: str, out: Path) -> None:
    pytester.makepyfile(
        RECORD_JOBS
        + """
    def test_one(request, classifier_job_factory):
        record(request, classifier_job_factory.build())
    """
    )

    _run_with(pytester, how, {"seed": "7"}).assert_outcomes(passed=1)
    first = _recorded(out)
    _run_with(pytester, how, {"seed": "7"}).assert_outcomes(passed=1)
    again = _recorded(out)
    _run_with(pytester, how, {"seed": "8"}).assert_outcomes(passed=1)
    other = _recorded(out)

    assert first == again
    assert first["test_one"][0] != other["test_one"][0]


def test_a_drawn_seed_replays_with_the_header_hint(pytester: pytest.Pytester, out: Path) -> None:
    pytester.makepyfile(
        RECORD_JOBS
        + """
    def test_one(request, classifier_job_factory):
        record(request, classifier_job_factory.build())
    """
    )

    first_run = pytester.runpytest()
    first = _recorded(out)
    (hint,) = [line for line in first_run.stdout.lines if line.startswith("classifierjobs: ")]
    replay = hint.split("(replay with ", 1)[1].split(")", 1)[0]
    pytester.runpytest(replay).assert_outcomes(passed=1)

    assert _recorded(out) == first


@HOW
def test_base_url_option(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_base_url(classifierjobs):
            assert classifierjobs.base_url == "http://localhost:9/mistral"
            response = httpx.get(
                "http://localhost:9/mistral/v1/fine_tuning/jobs",
                headers={"Authorization": "Bearer test"},
            )
            assert response.json() == {"data": [], "object": "list", "total": 0}
        """
    )

    result = _run_with(pytester, how, {"base_url": "http://localhost:9/mistral/"})

    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(("value", "expected"), [("false", 200), ("TRUE", 401)])
@HOW
def test_require_auth_option(
    pytester: pytest.Pytester, how: str, value: str, expected: int
) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        def test_without_a_token(classifierjobs):
            response = httpx.get("https://api.mistral.ai/v1/fine_tuning/jobs")
            assert response.status_code == {expected}
        """
    )

    _run_with(pytester, how, {"require_auth": value}).assert_outcomes(passed=1)


@HOW
def test_validation_option(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        URL = "https://api.mistral.ai/v1/fine_tuning/jobs"
        AUTH = {"Authorization": "Bearer test"}

        def test_strict(classifierjobs):
            # The server takes a negative page; strict mode does not.
            assert httpx.get(URL, params={"page": -1}, headers=AUTH).status_code == 422

        @pytest.mark.classifierjobs(validation="server")
        def test_the_marker_wins(classifierjobs):
            assert httpx.get(URL, params={"page": -1}, headers=AUTH).status_code == 200
        """
    )

    _run_with(pytester, how, {"validation": "strict"}).assert_outcomes(passed=2)


@HOW
def test_api_keys_option(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        URL = "https://api.mistral.ai/v1/fine_tuning/jobs"

        def status(key):
            return httpx.get(URL, headers={"Authorization": f"Bearer {key}"}).status_code

        def test_keys(classifierjobs):
            assert (status("live"), status("other"), status("revoked")) == (200, 200, 401)

        @pytest.mark.classifierjobs(api_keys=None)
        def test_any_key(classifierjobs):
            assert status("revoked") == 200
        """
    )

    _run_with(pytester, how, {"api_keys": "live,other"}).assert_outcomes(passed=2)


@HOW
def test_base_models_option(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        URL = "https://api.mistral.ai/v1/fine_tuning/jobs"
        AUTH = {"Authorization": "Bearer test"}
        BODY = {
            "job_type": "classifier",
            "training_files": [{"file_id": "5c5c4e64-0d6f-4b8a-9f3c-4c3f1b8c2a11"}],
            "hyperparameters": {"training_steps": 10},
        }

        def status(model):
            return httpx.post(URL, json={**BODY, "model": model}, headers=AUTH).status_code

        def test_models(classifierjobs):
            assert (status("ministral-3b-2410"), status("ministral-3b-latest")) == (200, 422)

        @pytest.mark.classifierjobs(base_models=None)
        def test_any_model(classifierjobs):
            assert status("anything") == 200
        """
    )

    _run_with(pytester, how, {"base_models": "ministral-3b-2410"}).assert_outcomes(passed=2)


@HOW
def test_strict_files_option(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        URL = "https://api.mistral.ai/v1/fine_tuning/jobs"
        AUTH = {"Authorization": "Bearer test"}
        UNKNOWN = "5c5c4e64-0d6f-4b8a-9f3c-4c3f1b8c2a11"

        def create(file_id):
            body = {
                "model": "ministral-3b-latest",
                "job_type": "classifier",
                "training_files": [{"file_id": file_id}],
                "hyperparameters": {"training_steps": 10},
            }
            return httpx.post(URL, json=body, headers=AUTH)

        def test_strict(classifierjobs):
            refused = create(UNKNOWN)
            assert (refused.status_code, refused.json()) == (
                422, {"detail": f"File not found: {UNKNOWN}"}
            )
            uploaded = classifierjobs.add_file([{"text": "a", "labels": {"s": "x"}}])
            assert create(uploaded.id).status_code == 200

        @pytest.mark.classifierjobs(strict_files=False)
        def test_lenient(classifierjobs):
            assert create(UNKNOWN).status_code == 200
        """
    )

    _run_with(pytester, how, {"strict_files": "true"}).assert_outcomes(passed=2)


def test_a_bad_validation_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--classifierjobs-validation=lax")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--classifierjobs-validation: unknown validation mode 'lax'; expected one of "
            "'server', 'strict'"
        ]
    )


# A job created through the API, with auto_start, then read until it stops moving: the
# statuses it went through.
WALK = """
    import httpx

    AUTH = {"Authorization": "Bearer test"}
    BODY = {
        "model": "ministral-3b-latest",
        "job_type": "classifier",
        "auto_start": True,
        "training_files": [{"file_id": "5c5c4e64-0d6f-4b8a-9f3c-4c3f1b8c2a11"}],
        "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
        "classifier_targets": [{"name": "sentiment", "labels": ["pos", "neg"]}],
    }

    def walk(fake, gets=8):
        url = f"{fake.base_url}/v1/fine_tuning/jobs"
        created = httpx.post(url, json=BODY, headers=AUTH).json()
        seen = [created["status"]]
        for _ in range(gets):
            seen.append(httpx.get(f"{url}/{created['id']}", headers=AUTH).json()["status"])
        return [s for i, s in enumerate(seen) if not i or s != seen[i - 1]]
"""

START = ["QUEUED", "VALIDATING", "VALIDATED", "QUEUED", "RUNNING"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("per_get", [*START, "SUCCESS"]), ("manual", ["QUEUED"])],
)
@HOW
def test_progression_option(
    pytester: pytest.Pytester, how: str, value: str, expected: list[str]
) -> None:
    pytester.makepyfile(
        WALK
        + f"""
    def test_walk(classifierjobs):
        assert walk(classifierjobs) == {expected!r}
    """
    )

    _run_with(pytester, how, {"progression": value}).assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SUCCESS", [*START, "SUCCESS"]),
        ("FAILED", [*START, "FAILED"]),
        ("FAILED_VALIDATION", ["QUEUED", "VALIDATING", "FAILED_VALIDATION"]),
        ("CANCELLED", [*START, "CANCELLATION_REQUESTED", "CANCELLED"]),
    ],
)
@HOW
def test_outcome_option(
    pytester: pytest.Pytester, how: str, value: str, expected: list[str]
) -> None:
    pytester.makepyfile(
        WALK
        + f"""
    def test_walk(classifierjobs):
        assert walk(classifierjobs) == {expected!r}
    """
    )

    _run_with(pytester, how, {"outcome": value}).assert_outcomes(passed=1)


# --- parametrization over statuses ----------------------------------------------------------------


def test_every_status_by_default_with_readable_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pytest_classifierjobs import ClassifierJobOutStatus

        def test_x(classifier_job_status):
            assert type(classifier_job_status) is ClassifierJobOutStatus

        def test_without_statuses():
            pass
        """
    )

    result = pytester.runpytest("-v")

    result.assert_outcomes(passed=11)
    result.stdout.fnmatch_lines(
        [f"*::test_x[[]{status.value}[]] PASSED*" for status in ClassifierJobOutStatus]
        + ["*::test_without_statuses PASSED*"]
    )


@HOW
def test_statuses_option(pytester: pytest.Pytester, how: str) -> None:
    pytester.makepyfile("def test_x(classifier_job_status): pass")

    result = _run_with(pytester, how, {"statuses": "terminal"}, "-v")

    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [f"*::test_x[[]{name}[]] PASSED*" for name in ("FAILED_VALIDATION", "FAILED", "SUCCESS")]
        + ["*::test_x[[]CANCELLED[]] PASSED*"]
    )


def test_statuses_marker_closest_wins_and_beats_the_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.classifier_job_statuses("failed")

        def test_module(classifier_job_status):
            pass

        @pytest.mark.classifier_job_statuses("active")
        class TestClass:
            def test_class(self, classifier_job_status):
                pass

            @pytest.mark.classifier_job_statuses("SUCCESS", "QUEUED", "terminal")
            def test_function(self, classifier_job_status):
                pass

        def test_option(classifier_job_status):
            pass
        """
    )
    pytester.makeconftest(
        """
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                if item.name.startswith("test_option"):
                    item.own_markers.clear()
        """
    )

    result = pytester.runpytest("--collect-only", "-q", "--classifierjobs-statuses=RUNNING")

    ids = [line.split("::")[-1] for line in result.stdout.lines if "::" in line]
    assert ids == [
        "test_module[FAILED_VALIDATION]",
        "test_module[FAILED]",
        *(
            f"test_class[{status}]"
            for status in (
                "QUEUED",
                "STARTED",
                "VALIDATING",
                "VALIDATED",
                "RUNNING",
                "CANCELLATION_REQUESTED",
            )
        ),
        "test_function[QUEUED]",
        "test_function[FAILED_VALIDATION]",
        "test_function[FAILED]",
        "test_function[SUCCESS]",
        "test_function[CANCELLED]",
        "test_option[FAILED_VALIDATION]",
        "test_option[FAILED]",
    ]


def test_statuses_marker_with_a_bad_name_is_a_collection_error_naming_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.classifier_job_statuses("terminal", "DONE")
        def test_bad(classifier_job_status):
            pass

        @pytest.mark.classifier_job_statuses("QUEUED")
        def test_good(classifier_job_status):
            pass
        """
    )

    result = pytester.runpytest()

    assert_collection_error(
        result,
        "test_bad",
        f"@pytest.mark.classifier_job_statuses: unknown status or group 'DONE'; {STATUS_HELP}",
    )


def test_a_test_that_parametrizes_the_status_itself_has_its_way(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("classifier_job_status", ["SUCCESS"])
        def test_string(classifier_job_status):
            assert classifier_job_status == "SUCCESS"

        @pytest.mark.parametrize(("x", "classifier_job_status"), [(1, "FAILED")])
        def test_sequence(x, classifier_job_status, classifier_job):
            assert classifier_job.status == "FAILED"

        @pytest.mark.parametrize(argnames=" x , classifier_job_status", argvalues=[(1, "QUEUED")])
        def test_keywords(x, classifier_job_status):
            pass

        @pytest.mark.parametrize("x", [1, 2])
        def test_other_parameters(x, classifier_job_status):
            pass
        """
    )

    result = pytester.runpytest("--classifierjobs-statuses=failed")

    result.assert_outcomes(passed=3 + 4)


def test_classifier_job_status_needs_collection_time(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_dynamic(request):
            request.getfixturevalue("classifier_job_status")
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "classifier_job_status is parametrized when tests are collected: name it in the "
            "signature of the test or of a fixture the test uses, not only through "
            "request.getfixturevalue()"
        ]
    )


def test_classifier_job_is_stored_in_its_status(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_classifierjobs import ClassifierDetailedJobOut, coherence_violations

        @pytest.fixture
        def job_id(classifier_job):
            return classifier_job.id

        def test_stored(classifierjobs, classifier_job, classifier_job_status, job_id):
            assert isinstance(classifier_job, ClassifierDetailedJobOut)
            assert classifier_job.status is classifier_job_status
            assert dict(classifierjobs.jobs) == {job_id: classifier_job}
            assert coherence_violations(classifier_job) == []

        def test_through_a_fixture(job_id):
            pass
        """
    )

    result = pytester.runpytest("-v")

    result.assert_outcomes(passed=20)
    result.stdout.fnmatch_lines(["*::test_through_a_fixture[[]CANCELLATION_REQUESTED[]] PASSED*"])


def test_parametrized_cases_are_isolated(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        FAKES = []

        @pytest.mark.classifier_job_statuses("QUEUED", "RUNNING", "SUCCESS")
        def test_case(classifierjobs, classifier_job_status):
            assert dict(classifierjobs.jobs) == {}
            job = classifierjobs.add(status=classifier_job_status)
            assert list(classifierjobs.jobs) == [job.id]
            FAKES.append(classifierjobs)

        def test_each_case_had_its_own_fake():
            assert len({id(fake) for fake in FAKES}) == 3
            assert len({next(iter(fake.jobs)) for fake in FAKES}) == 3
        """
    )

    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


# --- the classifierjobs marker -----------------------------------------------------------------


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")

    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.classifierjobs(**options): options of the classifierjobs fake for this "
            f"test, class or module; the closest marker wins. Options: {VALID_OPTIONS}.",
            "@pytest.mark.classifier_job_statuses(*statuses_or_groups): the job statuses that "
            "classifier_job_status runs this test over; groups: all, terminal, active, failed.",
        ]
    )


def test_marker_levels_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        pytestmark = pytest.mark.classifierjobs(
            base_url="http://module.test", require_auth=False, outcome="FAILED"
        )

        def status_without_token(fake):
            return httpx.get(f"{fake.base_url}/v1/fine_tuning/jobs").status_code

        def test_module(classifierjobs):
            assert classifierjobs.base_url == "http://module.test"
            assert status_without_token(classifierjobs) == 200
            assert classifierjobs.store.outcome == "FAILED"

        @pytest.mark.classifierjobs(base_url="http://class.test/")
        class TestClass:
            def test_class(self, classifierjobs):
                assert classifierjobs.base_url == "http://class.test"
                assert status_without_token(classifierjobs) == 200

            @pytest.mark.classifierjobs(require_auth=True, progression="manual")
            def test_function(self, classifierjobs):
                assert classifierjobs.base_url == "http://class.test"
                assert status_without_token(classifierjobs) == 401
                assert classifierjobs.store.progression == "manual"
                assert classifierjobs.store.outcome == "FAILED"
        """
    )

    pytester.runpytest().assert_outcomes(passed=3)


MARKED_MODULE = """
    import httpx
    import pytest

    pytestmark = pytest.mark.classifierjobs(require_auth=False)

    def test_module_marker(request):
        assert httpx.get("https://api.mistral.ai/v1/fine_tuning/jobs").json()["total"] == 0
        assert request.node.fixturenames[0] == "classifierjobs"  # set up before the others
"""
MARKED_CASE = """
    import pytest

    FAKE = pytest.mark.classifierjobs(seed=1)

    @pytest.mark.parametrize("marked", [pytest.param(True, marks=FAKE), False])
    def test_one_case_marked(request, marked):
        assert ("classifierjobs" in request.fixturenames) is marked

    @pytest.mark.classifier_job_statuses("SUCCESS")
    @pytest.mark.parametrize("n", [1, 2])
    def test_every_case_marked(request, n):
        assert request.node.fixturenames.count("classifierjobs") == 1
"""


@pytest.mark.parametrize("args", [(), ("-n", "2")], ids=["in-process", "xdist"])
def test_a_marker_at_any_level_activates_the_fake_for_its_tests_only(
    pytester: pytest.Pytester, args: tuple[str, ...]
) -> None:
    pytester.makepyfile(test_marked_module=MARKED_MODULE, test_marked_case=MARKED_CASE)

    result = pytester.runpytest("-p", "no:randomly", *args)

    result.assert_outcomes(passed=5)


def test_a_marked_item_that_is_no_python_test_is_kept_as_it_is(pytester: pytest.Pytester) -> None:
    # Another plugin's items have no fixtures to give the fake to; their markers are checked.
    pytester.makeconftest(
        """
        import pytest

        class CheckItem(pytest.Item):
            def runtest(self):
                pass

        class CheckFile(pytest.File):
            def collect(self):
                for name, marker in [
                    ("good", pytest.mark.classifierjobs(seed=1)),
                    ("bad", pytest.mark.classifierjobs(sed=1)),
                ]:
                    item = CheckItem.from_parent(self, name=name)
                    item.add_marker(marker)
                    yield item

        def pytest_collect_file(file_path, parent):
            if file_path.suffix == ".check":
                return CheckFile.from_parent(parent, path=file_path)
        """
    )
    pytester.makefile(".check", items="")

    result = pytester.runpytest("-p", "no:randomly", "--continue-on-collection-errors")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*items.check::bad: @pytest.mark.classifierjobs has no option*"])


def test_marker_beats_command_line_and_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nclassifierjobs_outcome = CANCELLED\n")
    pytester.makepyfile(
        """
        import pytest

        def test_settings(classifierjobs):
            assert classifierjobs.base_url == "http://cli.test"
            assert classifierjobs.store.outcome == "CANCELLED"

        @pytest.mark.classifierjobs(base_url="http://marker.test", outcome="SUCCESS")
        def test_marker(classifierjobs):
            assert classifierjobs.base_url == "http://marker.test"
            assert classifierjobs.store.outcome == "SUCCESS"
        """
    )

    pytester.runpytest("--classifierjobs-base-url=http://cli.test").assert_outcomes(passed=2)


def test_marker_seed_is_the_tests_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_classifierjobs.mock import seeded_factory
        from pytest_classifierjobs.progression import shifted

        EXPECTED = seeded_factory(99).build()

        @pytest.mark.classifierjobs(seed=99)
        def test_factory(classifier_job_factory):
            assert classifier_job_factory.build() == EXPECTED

        @pytest.mark.classifierjobs(seed=99)
        def test_fake(classifierjobs, classifier_job_factory):
            assert classifierjobs.factory is classifier_job_factory
            added = classifierjobs.add()
            # The fake stores the seeded job, moved in time to end in the clock's recent past.
            assert added == shifted(EXPECTED, added.modified_at - EXPECTED.modified_at)
        """
    )

    pytester.runpytest("--classifierjobs-seed=1").assert_outcomes(passed=2)


def test_a_fake_without_the_factory_draws_what_a_mock_with_the_tests_seed_draws(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_classifierjobs import ClassifierJobsMock

        @pytest.mark.classifierjobs(seed=99, frozen_at=1_750_000_000)
        def test_fake(classifierjobs):
            twin = ClassifierJobsMock(seed=99, frozen_at=1_750_000_000)
            assert [classifierjobs.add() for _ in range(3)] == [twin.add() for _ in range(3)]
            assert classifierjobs.factory.build() == twin.factory.build()
        """
    )

    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            "classifierjobs(sed=1)",
            "@pytest.mark.classifierjobs has no option 'sed' (did you mean 'seed'?); "
            f"valid options: {VALID_OPTIONS}",
        ),
        (
            "classifierjobs('http://x')",
            "@pytest.mark.classifierjobs takes keyword options only, got the positional "
            f"argument 'http://x'; valid options: {VALID_OPTIONS}",
        ),
        (
            "classifierjobs(require_auth='no')",
            "@pytest.mark.classifierjobs(require_auth=...): expected True or False, got 'no'",
        ),
        (
            "classifierjobs(outcome='RUNNING')",
            "@pytest.mark.classifierjobs(outcome=...): unknown outcome 'RUNNING'; expected one "
            "of 'SUCCESS', 'FAILED', 'FAILED_VALIDATION', 'CANCELLED'",
        ),
    ],
)
@pytest.mark.parametrize("fixture", ["classifierjobs", "classifier_job_factory", "classifier_job"])
def test_a_bad_marker_is_a_collection_error_naming_the_test(
    pytester: pytest.Pytester, marker: str, message: str, fixture: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        pytestmark = pytest.mark.classifier_job_statuses("QUEUED")

        @pytest.mark.{marker}
        def test_marked({fixture}):
            pass

        def test_unmarked({fixture}):
            pass
        """
    )

    result = pytester.runpytest()

    assert_collection_error(result, "test_marked", message)


# --- the fake's clock: instant sleeping, frozen_at, timings, time_scale, progression "time" ----

# A job created through the API and read back, for the tests of the fake's clock.
CREATE = """
    import httpx

    AUTH = {"Authorization": "Bearer test"}
    BODY = {
        "model": "ministral-3b-latest",
        "job_type": "classifier",
        "auto_start": False,
        "training_files": [{"file_id": "5c5c4e64-0d6f-4b8a-9f3c-4c3f1b8c2a11"}],
        "hyperparameters": {"training_steps": 10, "learning_rate": 0.0001},
    }

    def create(fake):
        url = f"{fake.base_url}/v1/fine_tuning/jobs"
        return httpx.post(url, json=BODY, headers=AUTH).json()

    def get(fake, job_id):
        url = f"{fake.base_url}/v1/fine_tuning/jobs/{job_id}"
        return httpx.get(url, headers=AUTH).json()
"""

# 2025-04-16T14:45:06Z, when the cookbook's first classifier job was created.
RECORDED = 1744814706


@pytest.mark.parametrize("how", ["cli", "ini", "marker"])
def test_instant_sleep_option_makes_a_sleep_advance_the_clock(
    pytester: pytest.Pytester, how: str
) -> None:
    marker = "@pytest.mark.classifierjobs(instant_sleep=True)" if how == "marker" else ""
    pytester.makepyfile(
        f"""
        import time
        import pytest

        {marker}
        def test_sleep(classifierjobs):
            # Checked first: a real sleep of an hour would hang the run rather than fail it.
            assert classifierjobs.instant_sleep is not None
            assert classifierjobs.instant_sleep.active
            before = classifierjobs.clock.time()
            time.sleep(3600)
            assert classifierjobs.clock.time() - before >= 3600  # and the wall clock went on
            # Frozen, the clock moves by what was slept and nothing else.
            classifierjobs.clock.freeze()
            before = classifierjobs.clock.time()
            time.sleep(3600)
            assert classifierjobs.clock.time() - before == 3600
        """
    )

    if how == "marker":
        result = pytester.runpytest()
    else:
        result = _run_with(pytester, how, {"instant_sleep": "true"})

    result.assert_outcomes(passed=1)


def test_instant_sleep_is_off_by_default_and_a_marker_beats_the_option(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_marker="""
        import time
        import pytest

        REAL_SLEEP = time.sleep  # at collection, before any fake patches it

        def test_option(classifierjobs):
            assert classifierjobs.instant_sleep is not None
            assert time.sleep is not REAL_SLEEP

        @pytest.mark.classifierjobs(instant_sleep=False)
        def test_marker(classifierjobs):
            assert classifierjobs.instant_sleep is None
            assert time.sleep is REAL_SLEEP
        """,
        test_default="""
        import time

        REAL_SLEEP = time.sleep

        def test_default(classifierjobs):
            assert classifierjobs.instant_sleep is None
            assert time.sleep is REAL_SLEEP
        """,
    )

    on = pytester.runpytest("--classifierjobs-instant-sleep=TRUE", "test_marker.py")
    default = pytester.runpytest("test_default.py")

    on.assert_outcomes(passed=2)
    default.assert_outcomes(passed=1)


def test_instant_sleeping_ends_with_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio
        import time
        import pytest

        REAL = (time.sleep, asyncio.sleep)
        EARLIER = []

        @pytest.mark.classifierjobs(instant_sleep=True, frozen_at=1744814706)
        def test_instant(classifierjobs):
            assert time.sleep is not REAL[0] and asyncio.sleep is not REAL[1]
            time.sleep(60)
            assert classifierjobs.clock.time() == 1744814706 + 60
            EARLIER.append(classifierjobs)

        @pytest.mark.classifierjobs(instant_sleep=True)
        def test_instant_and_failing(classifierjobs):
            time.sleep(60)
            raise RuntimeError("the test fails while its sleeps are instant")

        def test_after():
            # The next tests sleep for real: both attributes are the original functions again.
            assert time.sleep is REAL[0]
            assert asyncio.sleep is REAL[1]

        @pytest.mark.classifierjobs(frozen_at=1744814706)
        def test_after_with_a_fake(classifierjobs):
            # A sleep moves neither this test's frozen clock nor the first test's.
            time.sleep(0.01)
            asyncio.run(asyncio.sleep(0.01))
            assert classifierjobs.clock.time() == 1744814706
            assert EARLIER[0].clock.time() == 1744814706 + 60
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*RuntimeError: the test fails while its sleeps are instant"])


def test_frozen_at_marker_stops_the_clock_at_that_moment(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CREATE
        + f"""
    import datetime
    import pytest

    MOMENTS = [
        "2025-04-16T14:45:06Z",
        "2025-04-16T16:45:06+02:00",
        {RECORDED},
        {RECORDED}.0,
        datetime.datetime(2025, 4, 16, 14, 45, 6, tzinfo=datetime.timezone.utc),
        datetime.datetime(2025, 4, 16, 14, 45, 6),  # naive: taken as UTC
    ]

    @pytest.mark.parametrize(
        "moment",
        [pytest.param(m, marks=pytest.mark.classifierjobs(frozen_at=m)) for m in MOMENTS],
    )
    def test_frozen(classifierjobs, moment):
        fake = classifierjobs
        assert fake.clock.frozen
        assert fake.clock.time() == {RECORDED}
        created = create(fake)
        uploaded = fake.add_file([{{"text": "a", "labels": {{"s": "x"}}}}])
        # Created jobs and files carry the frozen moment.
        assert (created["created_at"], created["modified_at"]) == ({RECORDED}, {RECORDED})
        assert uploaded.created_at == {RECORDED}
        assert fake.clock.now() == {RECORDED}  # it stood still meanwhile
        fake.clock.advance(90)
        assert get(fake, created["id"])["modified_at"] == {RECORDED} + 90

    @pytest.mark.classifierjobs(frozen_at="2025-04-16T14:45:06Z")
    class TestUnfrozen:
        @pytest.mark.classifierjobs(frozen_at=None)
        def test_a_closer_marker_unfreezes(self, classifierjobs):
            assert not classifierjobs.clock.frozen
            assert classifierjobs.clock.now() > {RECORDED}
    """
    )

    pytester.runpytest().assert_outcomes(passed=6 + 1)


def test_timings_marker_sets_the_dwell_times(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        CREATE
        + f"""
    import pytest
    from pytest_classifierjobs import Timings

    @pytest.mark.classifierjobs(
        progression="time", frozen_at={RECORDED}, timings={{"queued": 5, "validating": (7, 7)}}
    )
    def test_timings(classifierjobs):
        assert classifierjobs.store.timings == Timings(queued=5, validating=7)
        assert classifierjobs.store.timings.queue == Timings().queue  # not given: the default
        job_id = create(classifierjobs)["id"]
        classifierjobs.clock.advance(4.5)
        assert get(classifierjobs, job_id)["status"] == "QUEUED"
        classifierjobs.clock.advance(0.5)
        assert get(classifierjobs, job_id)["status"] == "VALIDATING"
        classifierjobs.clock.advance(100)
        job = get(classifierjobs, job_id)
        assert job["status"] == "VALIDATED"
        # Each step carries the moment it was due, whenever it was read.
        moments = [event["created_at"] - {RECORDED} for event in job["events"]]
        assert moments == [0, 5, 12]
    """
    )

    pytester.runpytest().assert_outcomes(passed=1)


def test_time_scale_marker_makes_the_clock_run_faster(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time
        import pytest
        import time_machine

        @pytest.mark.classifierjobs(time_scale=600)
        def test_fast(classifierjobs):
            assert classifierjobs.clock.scale == 600.0
            # The wall clock is held still and moved by hand: 2 s of it are 20 min of the fake's.
            with time_machine.travel(time.time(), tick=False) as traveller:
                before = classifierjobs.clock.time()
                traveller.shift(2)
                assert classifierjobs.clock.time() - before == pytest.approx(1200)

        def test_default(classifierjobs):
            assert classifierjobs.clock.scale == 1.0
        """
    )

    pytester.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize("how", ["cli", "ini", "marker"])
def test_progression_time_moves_a_job_with_the_clock_not_with_the_gets(
    pytester: pytest.Pytester, how: str
) -> None:
    progression = ', progression="time"' if how == "marker" else ""
    pytester.makepyfile(
        CREATE
        + f"""
    import pytest

    @pytest.mark.classifierjobs(frozen_at={RECORDED}, timings={{"queued": 5}}{progression})
    def test_time(classifierjobs):
        assert classifierjobs.store.progression == "time"
        job_id = create(classifierjobs)["id"]
        # The clock stands still: however many GETs, the job stays where it is.
        assert [get(classifierjobs, job_id)["status"] for _ in range(5)] == ["QUEUED"] * 5
        classifierjobs.clock.advance(3600)
        job = get(classifierjobs, job_id)
        assert job["status"] == "VALIDATED"
        assert job["events"][1]["created_at"] == {RECORDED} + 5
    """
    )

    if how == "marker":
        result = pytester.runpytest()
    else:
        result = _run_with(pytester, how, {"progression": "time"})

    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "timings={'nope': 1}",
            "@pytest.mark.classifierjobs(timings=...): timings has no phase 'nope'; phases: "
            "queued, validating, auto_start, queue, training, failing, cancelling",
        ),
        (
            "frozen_at='yesterday'",
            "@pytest.mark.classifierjobs(frozen_at=...): expected an ISO 8601 moment such as "
            "'2025-04-16T14:45:06Z', got 'yesterday'",
        ),
        (
            "instant_sleep='yes'",
            "@pytest.mark.classifierjobs(instant_sleep=...): expected True or False, got 'yes'",
        ),
        (
            "time_scale=0",
            "@pytest.mark.classifierjobs(time_scale=...): expected a finite number above 0, got 0",
        ),
    ],
)
def test_a_bad_clock_option_is_a_collection_error_naming_it(
    pytester: pytest.Pytester, option: str, message: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.classifierjobs({option})
        def test_marked(classifierjobs):
            pass

        def test_unmarked(classifierjobs):
            pass
        """
    )

    result = pytester.runpytest()

    assert_collection_error(result, "test_marked", message)


# --- teardown: requests the fake did not handle -------------------------------------------------


def test_an_unhandled_request_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        AUTH = {"Authorization": "Bearer test"}

        def test_unknown(classifierjobs):
            # The code under test swallows the error: teardown still reports it.
            assert httpx.get("https://api.mistral.ai/v1/unknown", headers=AUTH).status_code == 404
            httpx.delete("https://api.mistral.ai/v1/fine_tuning/jobs?page=1", headers=AUTH)

        @pytest.mark.classifierjobs(assert_all_handled=False)
        def test_allowed(classifierjobs):
            httpx.get("https://api.mistral.ai/v1/unknown", headers=AUTH)

        def test_handled(classifierjobs):
            assert httpx.get("https://api.mistral.ai/v1/fine_tuning/jobs", headers=AUTH).is_success
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_unknown*",
            "classifierjobs: 2 requests matched no operation of the fake API at "
            "https://api.mistral.ai (each was answered 404, none reached the network):",
            "  GET /v1/unknown",
            "  DELETE /v1/fine_tuning/jobs",
            "If the test expects them, allow them with "
            "@pytest.mark.classifierjobs(assert_all_handled=False).",
        ]
    )


def test_the_fake_stops_with_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest
        import respx

        FAKES = []

        def test_active(classifierjobs):
            FAKES.append(classifierjobs)

        def test_stopped():
            with respx.mock(base_url="https://api.mistral.ai") as router:
                route = router.get("/v1/fine_tuning/jobs").respond(json={"outside": True})
                response = httpx.get("https://api.mistral.ai/v1/fine_tuning/jobs")
            assert response.json() == {"outside": True}
            assert FAKES[0].routes["list"].call_count == 0
        """
    )

    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "signature",
    ["respx_mock, classifierjobs", "classifierjobs, respx_mock", "classifierjobs, mine"],
)
def test_a_users_respx_route_takes_precedence(pytester: pytest.Pytester, signature: str) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        import pytest

        AUTH = {{"Authorization": "Bearer test"}}
        JOBS = "https://api.mistral.ai/v1/fine_tuning/jobs"

        @pytest.fixture
        def mine(respx_mock):
            return respx_mock

        def test_override({signature}):
            respx_mock = locals().get("respx_mock") or locals()["mine"]
            route = respx_mock.get(JOBS).respond(json={{"mine": True}})
            job = classifierjobs.add(status="RUNNING")
            assert httpx.get(JOBS, headers=AUTH).json() == {{"mine": True}}
            assert route.call_count == 1
            # Everything else is still the fake's.
            assert httpx.get(f"{{JOBS}}/{{job.id}}", headers=AUTH).json()["id"] == job.id
            assert classifierjobs.routes["list"].call_count == 0
            assert classifierjobs.routes["get"].call_count == 1
        """
    )

    pytester.runpytest().assert_outcomes(passed=1)


# --- seeds: per test, whatever the order, the selection or the worker ---------------------------

SEEDED_TESTS = (
    RECORD_JOBS
    + """
    # A frozen clock: then the timestamps of a stored job derive from the seed too (on the wall
    # clock, an added job ends somewhere in the hour before now).
    pytestmark = pytest.mark.classifierjobs(frozen_at="2025-04-16T14:45:06Z")

    def test_one(request, classifier_job_factory):
        record(request, classifier_job_factory.build())

    def test_two(request, classifierjobs):
        record(request, classifierjobs.add())

    class TestThree:
        @pytest.mark.classifier_job_statuses("RUNNING", "SUCCESS")
        def test_three(self, request, classifier_job):
            record(request, classifier_job)
"""
)
REVERSE_ORDER = """
    def pytest_collection_modifyitems(items):
        items.reverse()
"""


def test_each_test_gets_its_own_data_whatever_the_order_or_selection(
    pytester: pytest.Pytester, out: Path
) -> None:
    pytester.makepyfile(test_seeded=SEEDED_TESTS, reverse_order=REVERSE_ORDER)
    pytester.syspathinsert()
    seed = "--classifierjobs-seed=2024"

    pytester.runpytest(seed).assert_outcomes(passed=4)
    plain = _recorded(out)
    pytester.runpytest(seed, "-p", "reverse_order").assert_outcomes(passed=4)
    reversed_ = _recorded(out)
    pytester.runpytest(seed, "-k", "two or SUCCESS").assert_outcomes(passed=2)
    selected = _recorded(out)
    pytester.runpytest("--classifierjobs-seed=2025").assert_outcomes(passed=4)
    other_seed = _recorded(out)

    assert sorted(plain) == ["test_one", "test_three[RUNNING]", "test_three[SUCCESS]", "test_two"]
    assert reversed_ == plain
    assert selected == {name: plain[name] for name in ("test_two", "test_three[SUCCESS]")}
    assert len({tuple(values) for values in plain.values()}) == 4
    assert all(other_seed[name] != plain[name] for name in plain)


def test_xdist_workers_use_the_controllers_seed(pytester: pytest.Pytester, out: Path) -> None:
    pytester.makepyfile(test_seeded=SEEDED_TESTS)

    pytester.runpytest("--classifierjobs-seed=31").assert_outcomes(passed=4)
    plain = _recorded(out)
    # No seed given: the controller draws one, and its header names it.
    distributed_run = pytester.runpytest_subprocess("-n", "2")
    distributed_run.assert_outcomes(passed=4)
    distributed = _recorded(out)
    (header,) = [line for line in distributed_run.stdout.lines if line.startswith("classifier")]
    drawn = header.split("seed=", 1)[1].split(" ", 1)[0]
    pytester.runpytest(f"--classifierjobs-seed={drawn}").assert_outcomes(passed=4)
    replayed = _recorded(out)
    pytester.runpytest("--classifierjobs-seed=31", "-n", "2").assert_outcomes(passed=4)
    distributed_31 = _recorded(out)

    assert distributed == replayed
    assert distributed_31 == plain


def test_works_without_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x(classifier_job): pass")

    result = pytester.runpytest("-p", "no:xdist", "--classifierjobs-statuses=failed")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["classifierjobs: seed=*, statuses=failed"])


FAKE_RANDOMLY = """
    # The parts of pytest-randomly this plugin relies on: the option's dest, its 'default'
    # value, and its pytest_configure putting a number in its place.
    def _seed(text):
        return text if text in ("default", "last") else int(text)

    def pytest_addoption(parser):
        group = parser.getgroup("randomly", "pytest-randomly")
        group.addoption("--randomly-seed", dest="randomly_seed", default="default", type=_seed)

    def pytest_configure(config):
        if config.getoption("randomly_seed") == "default":
            config.option.randomly_seed = 4242
"""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "4242"),
        (("--randomly-seed=77",), "77"),
        (("--randomly-seed=77", "--classifierjobs-seed=5"), "5"),
    ],
)
def test_pytest_randomlys_seed_is_the_default_run_seed(
    pytester: pytest.Pytester, args: tuple[str, ...], expected: str
) -> None:
    # pytest-randomly is not installed here: a stand-in plugin registers its option. Loaded
    # with -p, it is registered before this plugin, so its pytest_configure would run after
    # this plugin's if this plugin's were not trylast.
    pytester.makepyfile(fake_randomly=FAKE_RANDOMLY)
    pytester.syspathinsert()

    result = pytester.runpytest("-p", "fake_randomly", *args)

    result.stdout.fnmatch_lines([f"classifierjobs: seed={expected} (replay with *"])


def test_no_fixtures_when_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fake(classifierjobs):
            pass

        def test_status(classifier_job_status):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:classifierjobs")

    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        ["*fixture 'classifierjobs' not found*", "*fixture 'classifier_job_status' not found*"]
    )
    result.stdout.no_fnmatch_line("classifierjobs: seed=*")


# --- markers are checked at collection, once per test -----------------------------------------


def test_a_bad_marker_on_a_parametrized_test_is_one_collection_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", [1, 2, 3])
        @pytest.mark.classifierjobs(progression="pre_get")
        def test_cases(n):
            pass

        @pytest.mark.classifierjobs(outcome="SUCESS")
        class TestMarked:
            def test_one(self):
                pass

            def test_two(self):
                pass
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(errors=3)
    errors = [line for line in result.stdout.lines if line.startswith("test_a_bad_marker")]
    assert errors == [
        "test_a_bad_marker_on_a_parametrized_test_is_one_collection_error.py::test_cases: "
        "@pytest.mark.classifierjobs(progression=...): unknown progression 'pre_get' (did you "
        "mean 'per_get'?); expected one of 'per_get', 'manual', 'time'",
        *(
            f"test_a_bad_marker_on_a_parametrized_test_is_one_collection_error.py::TestMarked::"
            f"test_{n}: @pytest.mark.classifierjobs(outcome=...): unknown outcome 'SUCESS' (did "
            "you mean 'SUCCESS'?); expected one of 'SUCCESS', 'FAILED', 'FAILED_VALIDATION', "
            "'CANCELLED'"
            for n in ("one", "two")
        ),
    ]


def test_continue_on_collection_errors_runs_the_good_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.classifier_job_statuses("RUNING")
        def test_bad(classifier_job_status):
            pass

        @pytest.mark.classifier_job_statuses("RUNNING")
        def test_good(classifier_job_status):
            assert classifier_job_status == "RUNNING"
        """
    )

    result = pytester.runpytest("--continue-on-collection-errors")

    result.assert_outcomes(passed=1, errors=1)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            "pytest.mark.classifierjobs(sed=1)",
            "@pytest.mark.classifierjobs has no option 'sed' (did you mean 'seed'?); "
            f"valid options: {VALID_OPTIONS}",
        ),
        (
            "pytest.mark.classifierjobs(faults={'get': [700]})",
            "@pytest.mark.classifierjobs(faults=...): status_code must be from 100 to 599, not 700",
        ),
    ],
)
def test_a_marker_added_while_the_test_runs_is_checked_at_setup(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    # Collection never saw it: the fixture checks it, and fails the test alone.
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.fixture
        def marked(request):
            request.applymarker({marker})

        def test_marked(marked, classifierjobs):
            pass

        def test_unmarked(classifierjobs):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at setup of test_marked*"])
    assert message in result.stdout.lines


def test_an_exception_of_the_fake_over_the_live_server_fails_the_test_at_teardown(
    pytester: pytest.Pytester,
) -> None:
    # In-process the exception reaches the caller; over HTTP the client sees a 500 only, and
    # the code under test may take it for the real service's 500.
    pytester.makepyfile(
        """
        import httpx

        def broken(_text):
            raise RuntimeError("the test's score function is broken")

        def test_scores(classifierjobs, classifierjobs_server):
            model = classifierjobs.add_model(targets={"sentiment": ["pos", "neg"]})
            classifierjobs.set_scores(model.id, broken)
            answer = httpx.post(
                f"{classifierjobs_server.url}/v1/classifications",
                json={"model": model.id, "input": "great"},
                headers={"Authorization": "Bearer t"},
            )
            assert answer.status_code == 500
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_scores*",
            "classifierjobs: the fake raised while answering 1 request(s) over the live server; "
            "each client got 500 Internal Server Error:",
            "  RuntimeError: the test's score function is broken",
            "The tracebacks are on stderr; LiveServer.errors keeps the exceptions.",
        ]
    )
