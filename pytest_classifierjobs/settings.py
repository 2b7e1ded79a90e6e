"""What the pytest plugin reads and derives, with no pytest in sight.

The plugin (``plugin.py``) hands this module plain values: the raw text of each
``--classifierjobs-*`` option or ``classifierjobs_*`` ini key with where it came from, the
arguments of the markers, the run seed and a test's node id. This module parses and checks them,
and every error it raises is a :class:`SettingError` whose message names the bad value, where it
came from, and what is allowed; the plugin turns it into a ``pytest.UsageError`` at start-up or a
test error at fixture setup.

Seeds (DESIGN section 5): one *run seed* per pytest run, and for each test a seed derived from
the run seed and the test's node id by SHA-256, so that a test gets the same jobs whatever the
order, the selection or the xdist worker.

pytest loads it at start-up through the plugin, whether or not a test uses the fake, so at module
level it imports the standard library and four modules of this package that import nothing
else (the status enum of :mod:`pytest_classifierjobs.statuses`, the default base models, the
clock's conversions, the hints): no attrs, no models. What only an option's value, a marker or
an error message needs (the status groups, the outcomes, the dwell times) is imported where it
is needed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import random
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .base_models import CLASSIFIER_BASE_MODELS
from .clock import to_seconds
from .hints import did_you_mean, unknown_name
from .statuses import ClassifierJobOutStatus

if TYPE_CHECKING:
    from .paths import LifecyclePath
    from .scores import MultiClassScores
    from .state.jobs import Progression
    from .timeline import Timings

__all__ = [
    "ANY_BASE_MODEL",
    "BOOLEAN_WORDS",
    "DEFAULT_BASE_URL",
    "FIXTURE_OPTIONS",
    "PATH_OPTIONS",
    "RUN_OPTIONS",
    "VALIDATION_MODES",
    "FixtureOptions",
    "RunSettings",
    "SettingError",
    "ValidationMode",
    "blocked_message",
    "choose_run_seed",
    "describe_statuses",
    "fixture_options",
    "marker_paths",
    "marker_statuses",
    "parse_base_models",
    "parse_base_url",
    "parse_bool",
    "parse_multi_class_scores",
    "parse_names",
    "parse_outcome",
    "parse_progression",
    "parse_seed",
    "parse_statuses",
    "parse_validation",
    "per_test_seed",
    "run_settings",
    "seed_report",
    "server_errors_message",
    "unhandled_message",
    "unused_faults_message",
]

S = ClassifierJobOutStatus

#: Where the official SDKs send their requests (the spec's one server, ``eu``): the fake's
#: default base URL.
DEFAULT_BASE_URL = "https://api.mistral.ai"

#: The settings a whole run shares: ``--classifierjobs-<name>`` and ini ``classifierjobs_<name>``
#: (with ``_`` for ``-``).
RUN_OPTIONS = (
    "base_url",
    "seed",
    "statuses",
    "require_auth",
    "progression",
    "outcome",
    "validation",
    "api_keys",
    "base_models",
    "strict_files",
    "multi_class_scores",
    "instant_sleep",
    "block_mistral",
    "check_sdk",
)

#: The keyword options of ``@pytest.mark.classifierjobs``.
FIXTURE_OPTIONS = (
    "api_keys",
    "assert_all_faults_used",
    "assert_all_handled",
    "base_models",
    "base_url",
    "faults",
    "frozen_at",
    "instant_sleep",
    "multi_class_scores",
    "outcome",
    "progression",
    "require_auth",
    "retired",
    "seed",
    "strict_files",
    "time_scale",
    "timings",
    "validation",
)
ValidationMode = Literal["server", "strict"]
#: The values of the ``validation`` option: as the real server, or stricter
#: (:mod:`pytest_classifierjobs.validation`, which imports pydantic, reads them from here).
VALIDATION_MODES: tuple[ValidationMode, ...] = ("server", "strict")
#: The ``base_models`` value that accepts any base model.
ANY_BASE_MODEL = "*"

_MARK = "@pytest.mark.classifierjobs"
_STATUSES_MARK = "@pytest.mark.classifier_job_statuses"
_PATHS_MARK = "@pytest.mark.classifier_job_paths"
#: The keyword options of ``@pytest.mark.classifier_job_paths``.
PATH_OPTIONS = ("ending", "through", "max_length", "prefixes")


class SettingError(ValueError):
    """A setting has a value that is not allowed; the message says where and what is."""


# --- single values ----------------------------------------------------------------------------


def parse_base_url(value: str) -> str:
    """An absolute ``http(s)`` URL, optionally with a path prefix; returned without a final ``/``.

    >>> parse_base_url("http://localhost:8000/mistral/")
    'http://localhost:8000/mistral'
    """
    expected = (
        f"expected an absolute http(s) URL such as {DEFAULT_BASE_URL!r} (a path prefix is "
        f"allowed, a query or fragment is not), got {value!r}"
    )
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018  (urlsplit checks the port only when asked)
    except ValueError:
        raise SettingError(expected) from None
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "?" in value
        or "#" in value
    ):
        raise SettingError(expected)
    return value.rstrip("/")


def parse_seed(value: str) -> int:
    """A seed given as text: a decimal integer, possibly negative."""
    try:
        return int(value.strip(), 10)
    except ValueError:
        raise SettingError(f"expected an integer, got {value!r}") from None


#: What pytest's own ini booleans accept (``_pytest.config._strtobool``), in any case, in pairs.
BOOLEAN_WORDS = (
    ("true", "false"),
    ("yes", "no"),
    ("on", "off"),
    ("y", "n"),
    ("t", "f"),
    ("1", "0"),
)
_BOOLEANS = {
    word: value for true, false in BOOLEAN_WORDS for word, value in ((true, True), (false, False))
}
_BOOLEAN_HELP = (
    "/".join(BOOLEAN_WORDS[0])
    + " (also "
    + ", ".join("/".join(pair) for pair in BOOLEAN_WORDS[1:])
    + ")"
)


def parse_bool(value: str) -> bool:
    """A boolean as pytest's ini booleans read one: ``true``/``false``, ``yes``/``no``, ``1``/``0``.

    >>> parse_bool("Yes"), parse_bool("0")
    (True, False)
    """
    try:
        return _BOOLEANS[value.strip().lower()]
    except KeyError:
        raise SettingError(f"expected {_BOOLEAN_HELP}, got {value!r}") from None


def parse_progression(value: str) -> Progression:
    """One of :data:`~pytest_classifierjobs.store.PROGRESSIONS`."""
    from .state.jobs import PROGRESSIONS  # noqa: PLC0415  (the store: only for a set option)

    for progression in PROGRESSIONS:
        if value == progression:
            return progression
    raise SettingError(unknown_name("progression", value, PROGRESSIONS))


def parse_outcome(value: str) -> ClassifierJobOutStatus:
    """One of :data:`~pytest_classifierjobs.store.OUTCOMES`, by name or member."""
    from .state.jobs import OUTCOMES  # noqa: PLC0415  (the store: only for a set option)

    for outcome in OUTCOMES:
        if value == outcome.value:
            return outcome
    raise SettingError(unknown_name("outcome", value, [outcome.value for outcome in OUTCOMES]))


def parse_validation(value: str) -> ValidationMode:
    """One of :data:`VALIDATION_MODES`: ``server`` (as the real server) or ``strict``."""
    for mode in VALIDATION_MODES:
        if value == mode:
            return mode
    raise SettingError(unknown_name("validation mode", value, VALIDATION_MODES))


def parse_multi_class_scores(value: str) -> MultiClassScores:
    """One of ``normalized`` (as recorded: every target's scores sum to 1) or ``independent``."""
    from .scores import MULTI_CLASS_SCORES  # noqa: PLC0415  (the models: only for a set option)

    for mode in MULTI_CLASS_SCORES:
        if value == mode:
            return mode
    raise SettingError(unknown_name("multi_class_scores mode", value, MULTI_CLASS_SCORES))


def parse_names(text: str, *, what: str) -> tuple[str, ...]:
    """Comma-separated names (API keys, base models), each stripped; at least one.

    >>> parse_names(" ministral-3b-latest, ministral-3b-2410 ", what="base models")
    ('ministral-3b-latest', 'ministral-3b-2410')
    """
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise SettingError(f"expected one or more comma-separated {what}, got {text!r}")
    return names


def parse_base_models(text: str) -> tuple[str, ...] | None:
    """Base models as :func:`parse_names` reads them, or ``*`` for any (``None``)."""
    if text.strip() == ANY_BASE_MODEL:
        return None
    return parse_names(text, what="base models (or * for any)")


def parse_statuses(names: Iterable[str]) -> tuple[ClassifierJobOutStatus, ...]:
    """The statuses that ``names`` (statuses and groups) cover, once each, in the enum's order.

    >>> [s.value for s in parse_statuses(["failed", "QUEUED"])]
    ['QUEUED', 'FAILED_VALIDATION', 'FAILED']
    """
    from .lifecycle import STATUS_GROUPS  # noqa: PLC0415  (attrs, the models: not at start-up)

    chosen: set[ClassifierJobOutStatus] = set()
    for name in names:
        group = STATUS_GROUPS.get(name)
        if group is not None:
            chosen |= group
            continue
        try:
            chosen.add(S(name))
        except ValueError:
            hint = did_you_mean(_plain(name), [*(status.value for status in S), *STATUS_GROUPS])
            raise SettingError(
                f"unknown status or group {_plain(name)!r}{hint}; expected {_status_help()}"
            ) from None
    if not chosen:
        raise SettingError(f"no status given; expected {_status_help()}")
    return tuple(status for status in S if status in chosen)


def describe_statuses(statuses: Sequence[ClassifierJobOutStatus]) -> str:
    """The name of the group that ``statuses`` are, else their names joined by commas.

    >>> describe_statuses(parse_statuses(["FAILED", "FAILED_VALIDATION"]))
    'failed'
    """
    if tuple(statuses) == tuple(S):
        return "all"  # the default, said without the groups' module (attrs): at every start-up
    from .lifecycle import STATUS_GROUPS  # noqa: PLC0415  (attrs, the models: not at start-up)

    for name, group in STATUS_GROUPS.items():
        if set(statuses) == group:
            return name
    return ",".join(status.value for status in statuses)


def _status_help() -> str:
    from .lifecycle import STATUS_GROUPS  # noqa: PLC0415  (attrs, the models: not at start-up)

    statuses = ", ".join(status.value for status in S)
    return f"statuses {statuses} or groups {', '.join(STATUS_GROUPS)}"


def _plain(value: str) -> str:
    # A status member's repr is '<ClassifierJobOutStatus.X: 'X'>'; messages show the bare name.
    return value.value if isinstance(value, S) else value


# --- the run ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class RunSettings:
    """The settings of a whole run, from the command line, else the ini file, else defaults."""

    base_url: str = DEFAULT_BASE_URL
    seed: int
    statuses: tuple[ClassifierJobOutStatus, ...] = tuple(S)
    require_auth: bool = True
    progression: Progression = "per_get"
    outcome: ClassifierJobOutStatus = S.SUCCESS
    validation: ValidationMode = "server"
    api_keys: tuple[str, ...] | None = None
    base_models: tuple[str, ...] | None = CLASSIFIER_BASE_MODELS
    strict_files: bool = False
    multi_class_scores: MultiClassScores = "normalized"
    instant_sleep: bool = False
    #: Fail any test, with the fake or not, that tries to reach a Mistral host (``guard.py``).
    block_mistral: bool = False
    #: Stop the run at start-up if the installed mistralai disagrees with the models (drift.py).
    check_sdk: bool = False

    def header(self) -> str:
        """The report-header line; it shows how to replay the run's data."""
        blocked = ", Mistral hosts blocked" if self.block_mistral else ""
        return (
            f"classifierjobs: seed={self.seed} (replay with --classifierjobs-seed={self.seed}), "
            f"base_url={self.base_url}, statuses={describe_statuses(self.statuses)}{blocked}"
        )


def run_settings(
    raw: Mapping[str, tuple[str, str]],
    *,
    worker_seed: int | None = None,
    randomly_seed: object = None,
) -> RunSettings:
    """Parse the raw run options: ``raw`` maps a name of :data:`RUN_OPTIONS` to its text and origin.

    The origin (``--classifierjobs-seed``, ``classifierjobs_seed (ini)``) starts the message of
    a :class:`SettingError`. The seed is chosen by :func:`choose_run_seed`.
    """
    values: dict[str, Any] = {}
    parsers = {
        "base_url": parse_base_url,
        "seed": parse_seed,
        "statuses": lambda text: parse_statuses(n.strip() for n in text.split(",") if n.strip()),
        "require_auth": parse_bool,
        "progression": parse_progression,
        "outcome": parse_outcome,
        "validation": parse_validation,
        "api_keys": lambda text: parse_names(text, what="API keys"),
        "base_models": parse_base_models,
        "strict_files": parse_bool,
        "multi_class_scores": parse_multi_class_scores,
        "instant_sleep": parse_bool,
        "block_mistral": parse_bool,
        "check_sdk": parse_bool,
    }
    for name, (text, origin) in raw.items():
        try:
            values[name] = parsers[name](text)
        except SettingError as error:
            raise SettingError(f"{origin}: {error}") from None
    values["seed"] = choose_run_seed(
        configured=values.get("seed"),
        worker_seed=worker_seed,
        randomly_seed=randomly_seed,
    )
    return RunSettings(**values)


def choose_run_seed(
    *,
    configured: int | None,
    worker_seed: int | None,
    randomly_seed: object,
) -> int:
    """The run seed, from the first source that has one.

    The xdist controller's seed (on a worker), else the configured one, else pytest-randomly's
    (when it holds a number), else a new random one. pytest-randomly keeps ``'default'`` or
    ``'last'`` in its option until its own ``pytest_configure`` replaces it by a number; a
    string is not taken for a seed.
    """
    if worker_seed is not None:
        return worker_seed
    if configured is not None:
        return configured
    if isinstance(randomly_seed, int) and not isinstance(randomly_seed, bool):
        return randomly_seed
    return random.Random().getrandbits(32)


def per_test_seed(run_seed: int, nodeid: str) -> int:
    """The seed of one test: a stable 64-bit hash of the run seed and the test's node id.

    SHA-256, not :func:`hash`: ``str`` hashes change with ``PYTHONHASHSEED`` from one process
    to the next (xdist workers are other processes).

    >>> per_test_seed(1, "tests/test_jobs.py::test_poll")
    3050938891028568290
    """
    digest = hashlib.sha256(f"{run_seed}\0{nodeid}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# --- markers ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class FixtureOptions:
    """The options of one test's fake: the ``classifierjobs`` markers over the run settings."""

    base_url: str
    seed: int | None
    require_auth: bool
    progression: Progression
    outcome: ClassifierJobOutStatus
    assert_all_handled: bool = True
    #: Faults to set before the test, by operation: ``{"get": [503, 503]}`` (see ``faults.py``).
    faults: Mapping[str, Sequence[object]] = dataclasses.field(default_factory=dict)
    retired: bool = False
    assert_all_faults_used: bool = True
    #: ``"server"`` or ``"strict"`` (``pytest_classifierjobs.validation``).
    validation: ValidationMode = "server"
    #: The only bearer tokens accepted, or ``None`` for any.
    api_keys: tuple[str, ...] | None = None
    #: The base models a classifier job may fine-tune, or ``None`` for any.
    base_models: tuple[str, ...] | None = CLASSIFIER_BASE_MODELS
    #: Refuse a created job whose files were not uploaded to the fake.
    strict_files: bool = False
    #: How ``multi_class`` targets score: ``normalized`` (as recorded) or ``independent``.
    multi_class_scores: MultiClassScores = "normalized"
    #: The consumer's sleeps advance the fake's clock instead of waiting (``sleeping.py``).
    instant_sleep: bool = False
    #: The moment the fake's clock stands still at (Unix seconds), or ``None``: the wall clock.
    frozen_at: float | None = None
    #: The dwell times of ``progression="time"``.
    timings: Timings = dataclasses.field(default_factory=lambda: _timings(None))
    #: How many times faster than the wall clock the fake's clock runs (for the live server).
    time_scale: float = 1.0


def fixture_options(
    run: RunSettings,
    markers: Iterable[tuple[Sequence[object], Mapping[str, object]]],
) -> FixtureOptions:
    """Merge the ``classifierjobs`` markers, given closest first as ``(args, kwargs)``.

    Each option takes its value from the closest marker that sets it, else from ``run``; the
    ``seed`` of a marker is the test's seed itself (``None``: derive it from the run seed).
    Every marker is checked, also those whose options a closer one overrides.
    """
    merged: dict[str, object] = {}
    for args, kwargs in markers:
        if args:
            raise SettingError(
                f"{_MARK} takes keyword options only, got the positional argument "
                f"{args[0]!r}; valid options: {', '.join(FIXTURE_OPTIONS)}"
            )
        for name, value in kwargs.items():
            merged.setdefault(name, _marker_value(name, value))
    options = FixtureOptions(
        base_url=run.base_url,
        seed=None,
        require_auth=run.require_auth,
        progression=run.progression,
        outcome=run.outcome,
        validation=run.validation,
        api_keys=run.api_keys,
        base_models=run.base_models,
        strict_files=run.strict_files,
        multi_class_scores=run.multi_class_scores,
        instant_sleep=run.instant_sleep,
    )
    options = dataclasses.replace(options, **merged)  # type: ignore[arg-type]
    if options.api_keys is not None and not options.require_auth:
        raise SettingError(
            f"{_MARK}: api_keys={list(options.api_keys)!r} needs require_auth=True (without "
            "it no key is checked); drop one of the two"
        )
    return options


def _marker_value(name: str, value: object) -> object:
    if name not in FIXTURE_OPTIONS:
        raise SettingError(
            f"{_MARK} has no option {name!r}{did_you_mean(name, FIXTURE_OPTIONS)}; "
            f"valid options: {', '.join(FIXTURE_OPTIONS)}"
        )
    origin = f"{_MARK}({name}=...)"
    if name in {"api_keys", "base_models"}:
        return _marker_names(origin, name, value)
    if name in _MARKER_CONVERTERS:
        try:
            return _MARKER_CONVERTERS[name](value)
        except (TypeError, ValueError) as error:
            raise SettingError(f"{origin}: {error}") from None
    if not isinstance(value, str):
        raise SettingError(f"{origin}: expected a string, got {value!r}")
    parse = {
        "base_url": parse_base_url,
        "progression": parse_progression,
        "outcome": parse_outcome,
        "validation": parse_validation,
        "multi_class_scores": parse_multi_class_scores,
    }[name]
    try:
        return parse(value)
    except SettingError as error:
        raise SettingError(f"{origin}: {error}") from None


def _timings(value: Any) -> Timings:
    from .timeline import Timings  # noqa: PLC0415  (attrs: only for a test with the fake)

    return Timings.of(value)


def _marker_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected True or False, got {value!r}")
    return value


def _marker_seed(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _marker_time_scale(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number above 0, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected a finite number above 0, got {value!r}")
    return float(value)


def _marker_faults(value: object) -> dict[str, Sequence[object]]:
    if not isinstance(value, Mapping) or not all(
        isinstance(faults, (list, tuple)) for faults in value.values()
    ):
        raise TypeError(
            "expected a dict of operation to a list of faults, such as "
            f"{{'get': [503, 503]}}, got {value!r}"
        )
    return dict(value)


# The marker options that are not text, each with what checks and converts its value (raising
# TypeError or ValueError with the reason).
_MARKER_CONVERTERS: dict[str, Any] = {
    "require_auth": _marker_bool,
    "assert_all_handled": _marker_bool,
    "retired": _marker_bool,
    "assert_all_faults_used": _marker_bool,
    "strict_files": _marker_bool,
    "instant_sleep": _marker_bool,
    "seed": _marker_seed,
    "faults": _marker_faults,
    "timings": _timings,
    "frozen_at": lambda value: None if value is None else to_seconds(value),
    "time_scale": _marker_time_scale,
}


def _marker_names(origin: str, name: str, value: object) -> tuple[str, ...] | None:
    """A marker's ``api_keys`` or ``base_models``: a list of non-empty strings, or ``None``."""
    if value is None:
        return None
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, Iterable)
        or not (names := tuple(value))
        or not all(isinstance(n, str) and n for n in names)
    ):
        means = "any token is accepted" if name == "api_keys" else "any base model is accepted"
        raise SettingError(
            f"{origin}: expected a list of non-empty strings, such as "
            f"{list(CLASSIFIER_BASE_MODELS) if name == 'base_models' else ['test-key']!r}, "
            f"or None ({means}), got {value!r}"
        )
    return names


def marker_statuses(
    args: Sequence[object], kwargs: Mapping[str, object]
) -> tuple[ClassifierJobOutStatus, ...]:
    """The statuses named by a ``classifier_job_statuses`` marker's arguments."""
    if kwargs:
        raise SettingError(
            f"{_STATUSES_MARK} takes statuses and groups as positional arguments, "
            f"not keyword arguments ({', '.join(kwargs)}); expected {_status_help()}"
        )
    for arg in args:
        if not isinstance(arg, str):
            raise SettingError(
                f"{_STATUSES_MARK}: expected status or group names, got {arg!r} "
                f"(unpack a collection: *statuses); expected {_status_help()}"
            )
    try:
        return parse_statuses(args)  # type: ignore[arg-type]  # checked above
    except SettingError as error:
        raise SettingError(f"{_STATUSES_MARK}: {error}") from None


def marker_paths(args: Sequence[object], kwargs: Mapping[str, Any]) -> list[LifecyclePath]:
    """The lifecycle paths a ``classifier_job_paths`` marker's arguments select.

    Its keyword options are :func:`~pytest_classifierjobs.paths.every_path`'s; none selects the
    17 complete paths.
    """
    from .paths import selected_paths  # noqa: PLC0415  (attrs, the models)

    if args:
        raise SettingError(
            f"{_PATHS_MARK} takes keyword options only ({', '.join(PATH_OPTIONS)}), got the "
            f"positional argument {args[0]!r}"
        )
    for name in kwargs:
        if name not in PATH_OPTIONS:
            raise SettingError(f"{_PATHS_MARK}: {unknown_name('option', name, PATH_OPTIONS)}")
    try:
        return selected_paths(**kwargs)
    except (TypeError, ValueError) as error:
        raise SettingError(f"{_PATHS_MARK}: {error}") from None


# --- reports ----------------------------------------------------------------------------------


def seed_report(run_seed: int, test_seed: int, *, from_marker: bool) -> str:
    """The ``classifierjobs`` section of a failed test's report: its seeds, and how to replay.

    >>> print(seed_report(7, 42, from_marker=False))
    run seed 7, this test's seed 42
    replay the run: --classifierjobs-seed=7
    replay this test alone, whatever the run seed: @pytest.mark.classifierjobs(seed=42)
    """
    if from_marker:
        return (
            f"this test's seed {test_seed}, set by {_MARK}(seed={test_seed}): every run replays it"
        )
    return (
        f"run seed {run_seed}, this test's seed {test_seed}\n"
        f"replay the run: --classifierjobs-seed={run_seed}\n"
        f"replay this test alone, whatever the run seed: {_MARK}(seed={test_seed})"
    )


def blocked_message(attempts: Sequence[str]) -> str:
    """Why a test fails under ``--classifierjobs-block-mistral``: the hosts it tried to reach."""
    lines = "\n".join(f"  {attempt}" for attempt in attempts)
    return (
        f"classifierjobs: this test tried to reach a Mistral host {len(attempts)} time(s), which "
        f"--classifierjobs-block-mistral forbids (the connection was refused):\n{lines}\n"
        "Use the classifierjobs fixture (or its marker), whose fake answers in the process."
    )


# --- teardown ---------------------------------------------------------------------------------


def server_errors_message(errors: Sequence[BaseException]) -> str:
    """Why a test fails at teardown: the fake raised while answering over the live server."""
    lines = "\n".join(f"  {type(error).__name__}: {error}" for error in errors)
    return (
        f"classifierjobs: the fake raised while answering {len(errors)} request(s) over the live "
        f"server; each client got 500 Internal Server Error:\n{lines}\n"
        "The tracebacks are on stderr; LiveServer.errors keeps the exceptions."
    )


def unused_faults_message(unused: Sequence[str]) -> str:
    """Why a test fails at teardown: faults it set that no request consumed."""
    lines = "\n".join(f"  {fault}" for fault in unused)
    return (
        f"classifierjobs: {len(unused)} fault(s) set for this test were never served:\n{lines}\n"
        f"If the test expects that, allow it with {_MARK}(assert_all_faults_used=False), "
        "or clear them with classifierjobs.clear_faults()."
    )


def unhandled_message(base_url: str, requests: Sequence[tuple[str, str]]) -> str:
    """Why a test fails at teardown: requests no operation matched, as ``(method, target)``.

    The target is the path of a request under ``base_url``, else the whole URL (a Mistral host
    the fake kept from the network).
    """
    count = len(requests)
    lines = "\n".join(f"  {method} {target}" for method, target in requests)
    noun = "request" if count == 1 else "requests"
    return (
        f"classifierjobs: {count} {noun} matched no operation of the fake API at {base_url} "
        f"(each was answered 404, none reached the network):\n{lines}\n"
        f"If the test expects them, allow them with "
        f"{_MARK}(assert_all_handled=False)."
    )
