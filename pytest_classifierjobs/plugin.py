"""The pytest plugin, registered as ``classifierjobs`` through the ``pytest11`` entry point.

It wires pytest to the rest of the package: options and ini keys, markers, fixtures, the
parametrization over job statuses and the report-header line. Parsing, checking and seed
derivation live in :mod:`pytest_classifierjobs.settings`, which knows nothing of pytest.

pytest imports it at start-up in every run, so at module level it imports pytest and what its
options need (:mod:`~pytest_classifierjobs.settings`, the status enum): nothing of attrs, the
models, cattrs, polyfactory, Faker, respx or httpx, which load once a test uses the fake (its
fixtures import them). A test with no marker of the plugin costs its collection hooks a look at
the test's markers and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from . import settings
from .settings import FixtureOptions, RunSettings, SettingError

if TYPE_CHECKING:
    from .factories import ClassifierDetailedJobOutFactory
    from .guard import MistralBlock
    from .mock import ClassifierJobsMock
    from .models import ClassifierDetailedJobOut
    from .paths import LifecyclePath
    from .server import LiveServer
    from .statuses import ClassifierJobOutStatus

__all__: list[str] = []

_RUN = pytest.StashKey[RunSettings]()
# What a test's fake drew from, for the report of a failure: (run seed, test seed, from marker).
_SEEDS = pytest.StashKey[tuple[int, int, bool]]()
# The suite-wide block of Mistral's hosts (--classifierjobs-block-mistral), while a test runs.
_BLOCK: pytest.StashKey[MistralBlock] = pytest.StashKey()
_STATUSES = "classifier_job_statuses"
_PATHS = "classifier_job_paths"
_FAKE = "classifierjobs"  # the fake's fixture, and the marker of its options
_WORKER_SEED = "classifierjobs_seed"  # the key of the run seed in xdist's workerinput

_HELP = {
    "base_url": "Base URL the fake answers under (default: https://api.mistral.ai); a path "
    "prefix is allowed.",
    "seed": "Run seed of the fake's data; each test's seed derives from it and the test's id "
    "(default: pytest-randomly's seed, else a new one each run).",
    "statuses": "Comma-separated statuses or groups (all, terminal, active, failed) that "
    "classifier_job_status runs tests over (default: all).",
    "require_auth": "true or false: answer 401 to a request without a bearer token "
    "(default: true).",
    "progression": "per_get (a created job takes one step per GET), manual (only advance() "
    "moves it) or time (it moves with the fake's clock, with realistic dwell times) "
    "(default: per_get).",
    "outcome": "Where created jobs end: SUCCESS, FAILED, FAILED_VALIDATION or CANCELLED "
    "(default: SUCCESS).",
    "validation": "server (accept what the real server accepts) or strict (also refuse what "
    "the server lets through: string numbers, unknown keys, ...) (default: server).",
    "api_keys": "Comma-separated bearer tokens the fake accepts; any other gets 401 "
    "(default: any token).",
    "base_models": "Comma-separated base models a classifier job may fine-tune, or * for any "
    "(default: ministral-3b-latest).",
    "strict_files": "true or false: refuse (422) a created job whose training or validation "
    "files were not uploaded to the fake (default: false).",
    "multi_class_scores": "normalized (every target's scores sum to 1, as recorded) or "
    "independent (each label of a multi_class target scores on its own) (default: normalized).",
    "instant_sleep": "true or false: in a test with the fake, time.sleep and asyncio.sleep "
    "advance the fake's clock instead of waiting (default: false).",
    "block_mistral": "true or false: fail any test, with the fake or not, that tries to reach a "
    "Mistral host (*.mistral.ai); the connection is refused (default: false).",
    "check_sdk": "true or false: at start-up, compare the fake's models with the installed "
    "mistralai SDK and stop the run on drift (python -m pytest_classifierjobs check-sdk) "
    "(default: false).",
}
_METAVARS = {
    "base_url": "URL",
    "seed": "INT",
    "statuses": "NAMES",
    "require_auth": "BOOL",
    "progression": "MODE",
    "outcome": "STATUS",
    "validation": "MODE",
    "api_keys": "KEYS",
    "base_models": "MODELS",
    "strict_files": "BOOL",
    "multi_class_scores": "MODE",
    "instant_sleep": "BOOL",
    "block_mistral": "BOOL",
    "check_sdk": "BOOL",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("classifierjobs", "fake Mistral classifier fine-tuning jobs API")
    for name in settings.RUN_OPTIONS:
        group.addoption(
            f"--classifierjobs-{name.replace('_', '-')}",
            dest=f"classifierjobs_{name}",
            metavar=_METAVARS[name],
            help=_HELP[name],
        )
        parser.addini(f"classifierjobs_{name}", _HELP[name], type="string")


# trylast: pytest-randomly replaces its 'default' or 'last' seed by a number in its own
# pytest_configure, which must have run when this one reads it.
@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "classifierjobs(**options): options of the classifierjobs fake for this test, class "
        f"or module; the closest marker wins. Options: {', '.join(settings.FIXTURE_OPTIONS)}.",
    )
    config.addinivalue_line(
        "markers",
        "classifier_job_statuses(*statuses_or_groups): the job statuses that "
        "classifier_job_status runs this test over; groups: all, terminal, active, failed.",
    )
    config.addinivalue_line(
        "markers",
        "classifier_job_paths(ending=None, through=None, max_length=None, prefixes=False): the "
        "lifecycle paths that classifier_job_path runs this test over (default: the 17 from "
        "creation to a terminal status).",
    )
    raw: dict[str, tuple[str, str]] = {}
    for name in settings.RUN_OPTIONS:
        key = f"classifierjobs_{name}"
        option = config.getoption(key)
        if option is not None:
            raw[name] = (option, f"--classifierjobs-{name.replace('_', '-')}")
        elif ini := config.getini(key):
            raw[name] = (ini, f"{key} (ini)")
    try:
        config.stash[_RUN] = settings.run_settings(
            raw,
            worker_seed=getattr(config, "workerinput", {}).get(_WORKER_SEED),
            randomly_seed=config.getoption("randomly_seed", None),
        )
    except SettingError as error:
        raise pytest.UsageError(str(error)) from None
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistHooks(), "classifierjobs-xdist")


class _XdistHooks:
    """Hooks of pytest-xdist's, registered only when it is installed."""

    def pytest_configure_node(self, node: Any) -> None:
        # Every worker draws from the controller's run seed (read back in pytest_configure).
        node.workerinput[_WORKER_SEED] = node.config.stash[_RUN].seed


def pytest_report_header(config: pytest.Config) -> str:
    return config.stash[_RUN].header()


def pytest_sessionstart(session: pytest.Session) -> None:
    if not session.config.stash[_RUN].check_sdk:
        return
    from .drift import report, sdk_differences  # noqa: PLC0415  (the SDK: only when asked)

    try:
        differences = sdk_differences()
    except ValueError as error:  # an SDK major the check does not know
        raise pytest.UsageError(f"--classifierjobs-check-sdk: {error}") from None
    if any(one.drift for one in differences):
        # Before any test runs: a fake that answers another shape than the SDK reads would
        # make the suite's results mean nothing.
        raise pytest.UsageError(
            f"--classifierjobs-check-sdk: the fake's models and the installed SDK differ\n"
            f"{report(differences)}"
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A bad marker is not parametrized over: pytest_collection_modifyitems reports it, naming
    # the test.
    if _ours_to_parametrize(metafunc, "classifier_job_status"):
        try:
            statuses = _statuses(metafunc.definition.get_closest_marker(_STATUSES), metafunc.config)
        except SettingError:
            pass
        else:
            ids = [status.value for status in statuses]
            metafunc.parametrize("classifier_job_status", statuses, indirect=True, ids=ids)
    if _ours_to_parametrize(metafunc, "classifier_job_path"):
        try:
            paths = _paths(metafunc.definition.get_closest_marker(_PATHS))
        except SettingError:
            pass
        else:
            ids = [path.id for path in paths]
            metafunc.parametrize("classifier_job_path", paths, indirect=True, ids=ids)


def _ours_to_parametrize(metafunc: pytest.Metafunc, name: str) -> bool:
    """Whether the test uses the fixture ``name`` and leaves its parametrization to the plugin."""
    return name in metafunc.fixturenames and not _parametrized_by_the_test(metafunc, name)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A marker's mistake is found when the tests are collected, before anything runs: a
    # collection error that names the test and says what is wrong, and then pytest runs nothing
    # (unless --continue-on-collection-errors). Reported from here rather than raised in
    # pytest_generate_tests, where other plugins' collection hook wrappers would wrap it.
    # A test with a marker of the plugin also gets the fake here.
    kept = []
    reported = set()
    for item in items:
        statuses, paths, fake = _our_markers(item)
        if statuses is None and paths is None and not fake:
            kept.append(item)  # most tests of most suites: nothing else to do
            continue
        try:
            _check_markers(config, statuses, paths, fake)
        except SettingError as error:
            test = item.nodeid.partition("[")[0]  # once per test, not once per parameter
            if test not in reported:
                reported.add(test)
                config.hook.pytest_collectreport(
                    report=pytest.CollectReport(test, "failed", f"{test}: {error}", [])
                )
        else:
            _activate_the_fake(item)
            kept.append(item)
    items[:] = kept


def _our_markers(
    item: pytest.Item,
) -> tuple[pytest.Mark | None, pytest.Mark | None, list[pytest.Mark]]:
    """The closest ``classifier_job_statuses`` and ``classifier_job_paths`` markers, and more.

    The ``classifierjobs`` markers too, closest first: one walk over the item's and its parents'.
    """
    statuses = paths = None
    fake = []
    for mark in item.iter_markers():
        if mark.name == _FAKE:
            fake.append(mark)
        elif mark.name == _STATUSES and statuses is None:
            statuses = mark
        elif mark.name == _PATHS and paths is None:
            paths = mark
    return statuses, paths, fake


def _activate_the_fake(item: pytest.Item) -> None:
    """Give a test with a marker of the plugin the fake, whether or not it asks for the fixture.

    A test marked ``@pytest.mark.classifierjobs(...)``, ``classifier_job_statuses(...)`` or
    ``classifier_job_paths(...)`` means to run against the fake: without it, one that forgot
    the fixture would reach the network. As time-machine's marker does (and pytest's
    ``usefixtures``, at collection), the fixture joins the names the test's set-up fills in,
    first: the fake is active before the test's other fixtures set up.
    """
    if isinstance(item, pytest.Function) and _FAKE not in item.fixturenames:
        # A new list: the cases of a parametrized test share theirs, and a marker may be on
        # one case only (pytest.param(..., marks=...)).
        item.fixturenames = [_FAKE, *item.fixturenames]


def _check_markers(
    config: pytest.Config,
    statuses: pytest.Mark | None,
    paths: pytest.Mark | None,
    fake: list[pytest.Mark],
) -> None:
    _statuses(statuses, config)
    if paths is not None:
        _paths(paths)
    if not fake:
        return
    options = settings.fixture_options(config.stash[_RUN], [(m.args, m.kwargs) for m in fake])
    if options.faults:
        from .faults import check_faults  # noqa: PLC0415  (the handlers: only for a faults option)

        try:
            check_faults(options.faults)
        except (TypeError, ValueError) as error:
            raise SettingError(f"@pytest.mark.classifierjobs(faults=...): {error}") from None


def _statuses(
    marker: pytest.Mark | None, config: pytest.Config
) -> tuple[ClassifierJobOutStatus, ...]:
    if marker is None:
        return config.stash[_RUN].statuses
    return settings.marker_statuses(marker.args, marker.kwargs)


def _paths(marker: pytest.Mark | None) -> list[LifecyclePath]:
    """The paths a ``classifier_job_paths`` marker selects (every complete one without it)."""
    return (
        settings.marker_paths((), {})
        if marker is None
        else settings.marker_paths(marker.args, marker.kwargs)
    )


def _parametrized_by_the_test(metafunc: pytest.Metafunc, fixture: str) -> bool:
    """Whether the test parametrizes ``fixture`` itself; then it has its way."""
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0] if marker.args else marker.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = names.split(",")
        if fixture in (name.strip() for name in names):
            return True
    return False


def _options(request: pytest.FixtureRequest) -> FixtureOptions:
    # Checked at collection too; checked again here for a marker added while the test runs
    # (request.applymarker), which collection never saw.
    markers = [(m.args, m.kwargs) for m in request.node.iter_markers("classifierjobs")]
    try:
        return settings.fixture_options(request.config.stash[_RUN], markers)
    except SettingError as error:
        message = str(error)
    pytest.fail(message, pytrace=False)  # outside the except: no "during handling" chain


def _seed(request: pytest.FixtureRequest, options: FixtureOptions) -> int:
    run_seed = request.config.stash[_RUN].seed
    if options.seed is not None:
        seed, from_marker = options.seed, True
    else:
        seed, from_marker = settings.per_test_seed(run_seed, request.node.nodeid), False
    request.node.stash[_SEEDS] = (run_seed, seed, from_marker)
    return seed


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Any:
    report: pytest.TestReport = yield
    block = item.stash.get(_BLOCK, None)
    attempts = [] if block is None else block.take_attempts()
    if attempts and not report.failed:
        # The code under test may have swallowed the refused connection: the test fails anyway.
        report.outcome = "failed"
        report.longrepr = settings.blocked_message(attempts)
    elif attempts:
        report.sections.append(
            ("classifierjobs: Mistral hosts blocked", settings.blocked_message(attempts))
        )
    seeds = item.stash.get(_SEEDS, None)
    if seeds is not None and report.failed:
        # As pytest-randomly's header and Hypothesis's report do: what replays the failure, in
        # the failure's own report, which a -q log of CI keeps.
        run_seed, test_seed, from_marker = seeds
        report.sections.append(
            (
                "classifierjobs seed",
                settings.seed_report(run_seed, test_seed, from_marker=from_marker),
            )
        )
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Any:
    if not item.config.stash[_RUN].block_mistral:
        return (yield)
    from .guard import MistralBlock  # noqa: PLC0415  (only when the option is on)

    with MistralBlock() as block:
        item.stash[_BLOCK] = block
        try:
            return (yield)
        finally:
            del item.stash[_BLOCK]


@pytest.fixture(name="classifier_job_factory")
def classifier_job_factory_fixture(
    request: pytest.FixtureRequest,
) -> type[ClassifierDetailedJobOutFactory]:
    """``ClassifierDetailedJobOutFactory`` with randomness of its own, seeded for this test.

    The seed derives from the run seed and the test's node id, unless
    ``@pytest.mark.classifierjobs(seed=...)`` gives it.
    """
    from .mock import reseeded_factory  # noqa: PLC0415  (polyfactory, Faker: not at start-up)

    return reseeded_factory(_seed(request, _options(request)))


@pytest.fixture(name="classifierjobs")
def classifierjobs_fixture(request: pytest.FixtureRequest) -> Iterator[ClassifierJobsMock]:
    """The fake jobs API, active for this test; see ``ClassifierJobsMock``.

    Options come from ``@pytest.mark.classifierjobs(...)`` (closest first), then the command
    line, the ini file and the defaults. A request under the base URL that the fake does not
    handle fails the test at teardown unless the marker says ``assert_all_handled=False``.
    The fake is ``ClassifierJobsMock(seed=<the test's seed>)``; in a test that also takes
    ``classifier_job_factory``, it builds with that factory, so that both draw from one
    randomness.
    """
    from .mock import ClassifierJobsMock  # noqa: PLC0415  (respx, httpx: not at start-up)

    options = _options(request)
    # Only when the test asks for it: the factory loads polyfactory and Faker, which cost a
    # run more than its first test (the fake draws the same jobs without them, drawing.py).
    factory = (
        request.getfixturevalue("classifier_job_factory")
        if "classifier_job_factory" in request.fixturenames
        else None
    )
    if "respx_mock" in request.fixturenames:
        # respx asks its routers in the order they were started: the test's own routes first.
        request.getfixturevalue("respx_mock")
    mock = ClassifierJobsMock(
        base_url=options.base_url,
        seed=_seed(request, options),
        require_auth=options.require_auth,
        progression=options.progression,
        outcome=options.outcome,
        factory=factory,
        api_keys=options.api_keys,
        validation=options.validation,
        base_models=options.base_models,
        strict_files=options.strict_files,
        multi_class_scores=options.multi_class_scores,
        timings=options.timings,
        frozen_at=options.frozen_at,
        time_scale=options.time_scale,
        instant_sleep=options.instant_sleep,
    )
    _set_faults(mock, options)
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()
    problems = []
    unhandled = mock.unhandled
    if options.assert_all_handled and unhandled:
        requests = [
            (r.method, r.url.path if mock.serves(r.url) else str(r.url.copy_with(query=None)))
            for r in unhandled
        ]
        problems.append(settings.unhandled_message(mock.base_url, requests))
    unused = mock.faults.unused()
    if options.assert_all_faults_used and unused:
        problems.append(settings.unused_faults_message(unused))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _set_faults(mock: ClassifierJobsMock, options: FixtureOptions) -> None:
    from .faults import set_faults  # noqa: PLC0415  (with the mock: not at start-up)

    try:
        set_faults(mock, options.faults)
    except (TypeError, ValueError) as error:
        message = f"@pytest.mark.classifierjobs(faults=...): {error}"
    else:
        if options.retired:
            mock.retire()
        return
    pytest.fail(message, pytrace=False)


@pytest.fixture(name="classifierjobs_server")
def classifierjobs_server_fixture(classifierjobs: ClassifierJobsMock) -> Iterator[LiveServer]:
    """The test's fake over real HTTP: ``.url`` (the SDK's ``server_url``) and ``.mock``.

    It serves the same store as ``classifierjobs``, with the test's options and faults, on
    ``127.0.0.1`` and a free port, so parallel workers never collide.
    """
    from .server import LiveServer  # noqa: PLC0415  (with the mock: not at start-up)

    with LiveServer(classifierjobs) as server:
        yield server
    if server.errors:
        # In-process the exception reaches the caller; over HTTP the client got a 500 only.
        pytest.fail(settings.server_errors_message(server.errors), pytrace=False)


@pytest.fixture(name="classifier_job_status")
def classifier_job_status_fixture(request: pytest.FixtureRequest) -> ClassifierJobOutStatus:
    """The status this case of the test runs with: the test runs once per status.

    Which statuses: ``@pytest.mark.classifier_job_statuses(...)``, else
    ``--classifierjobs-statuses`` or the ini key, else all ten.
    """
    status: ClassifierJobOutStatus = _case(request, "classifier_job_status")
    return status


def _case(request: pytest.FixtureRequest, fixture: str) -> Any:
    """The value of this case of a fixture the plugin parametrizes at collection.

    A bad marker never gets here: collection reported it and dropped the test. A fixture asked
    for only through ``request.getfixturevalue()`` was not parametrized: that fails clearly.
    """
    value = getattr(request, "param", None)
    if value is None:
        message = (
            f"{fixture} is parametrized when tests are collected: name it in the signature of "
            "the test or of a fixture the test uses, not only through request.getfixturevalue()"
        )
        pytest.fail(message, pytrace=False)
    return value


@pytest.fixture(name="classifier_job")
def classifier_job_fixture(
    classifierjobs: ClassifierJobsMock, classifier_job_status: ClassifierJobOutStatus
) -> ClassifierDetailedJobOut:
    """A coherent detailed job in ``classifier_job_status``, already stored in the fake."""
    return classifierjobs.add(status=classifier_job_status)


@pytest.fixture(name="classifier_job_path")
def classifier_job_path_fixture(request: pytest.FixtureRequest) -> LifecyclePath:
    """The lifecycle path this case of the test runs with: the test runs once per legal path.

    Which paths: ``@pytest.mark.classifier_job_paths(ending=..., through=..., max_length=...,
    prefixes=...)``, else the 17 from creation to a terminal status (``paths.every_path()``).
    """
    path: LifecyclePath = _case(request, "classifier_job_path")
    return path


@pytest.fixture(name="classifier_job_on_path")
def classifier_job_on_path_fixture(
    classifierjobs: ClassifierJobsMock, classifier_job_path: LifecyclePath
) -> ClassifierDetailedJobOut:
    """A job just created (``QUEUED``) in the fake, whose next GETs walk ``classifier_job_path``.

    Each GET of the job shows the next status of the path; the last one sticks
    (``ClassifierJobsMock.add_on_path``).
    """
    return classifierjobs.add_on_path(classifier_job_path)
