"""``ClassifierJobsMock``: the fake API on a respx router, usable with or without pytest.

While it is active, every httpx request to the base URL is answered by the fake and never
reaches the network; requests to other hosts pass through untouched. One respx route takes
everything under the base URL and hands it to the fake's router (``api.py``), which places it as
the real server's Starlette router would: an operation, or the router's own ``404``/``405``/
``307``. The ``404`` and ``405`` requests are kept in :attr:`ClassifierJobsMock.unhandled`, and
so is any request to ``https://api.mistral.ai`` while the fake serves another base URL: the
pytest fixture then fails the test, even when the code under test swallowed the error. Each
operation also has a respx route of its own that only counts its calls (:attr:`routes`).

respx tries its started routers in the order they were started: a router started before this
mock (respx's ``respx_mock`` fixture, for instance) answers first, so a test's own route for a
jobs URL takes precedence over the fake. The ``classifierjobs`` fixture starts ``respx_mock``
first whenever a test uses both.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import gc
import inspect
import json
import math
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from random import Random
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

import attrs
import httpx
import respx
from respx.models import AllMockedAssertionError

from .api import (
    JOB_OPERATIONS,
    OPERATIONS,
    ROUTES,
    Api,
    ApiRequest,
    ApiResponse,
    Operation,
    Unrouted,
    request_headers,
)
from .base_models import CLASSIFIER_BASE_MODELS
from .bulk import copies
from .clock import Clock, Moment, to_seconds
from .drawing import build_job
from .faults import (
    DEFAULT_BODY,
    Fault,
    FaultQueue,
    answer_fault,
    default_body,
    delay_fault,
    exception_fault,
    rate_limit_fault,
)
from .guard import is_mistral_host
from .hints import unknown_name
from .lifecycle import coherence_violations
from .models import (
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    FTModelCard,
    UploadFileOut,
    parse_status,
)
from .overrides import check_overrides, check_types, out_of_range
from .paths import legal_path
from .progression import fit_in_time, shifted
from .routing import RouteMatch
from .schemas import FilePurpose
from .scores import MultiClassScores, ScoresSetting
from .settings import DEFAULT_BASE_URL, SettingError, parse_statuses
from .sleeping import InstantSleep
from .state.files import FileStore, UnknownFileError
from .state.jobs import JobNotFoundError, JobStore, Progression
from .state.models import ModelStore, UnknownModelError
from .timeline import Timings
from .validation import ValidationMode

if TYPE_CHECKING:
    from .factories import ClassifierDetailedJobOutFactory

__all__ = ["DEFAULT_BASE_URL", "ClassifierJobsMock", "reseeded_factory", "seeded_factory"]


# Statuses whose answers have no body (RFC 9110).
_NO_BODY = frozenset({204, 304})

# How many histories add() draws for a short job before it keeps the last one.
_COMPLETION_DRAWS = 20

# The purposes an upload may have: those the upload's validation accepts.
_PURPOSES = tuple(purpose.value for purpose in FilePurpose)

# How long before the clock's present a job that add() builds last changed: up to an hour.
_ADDED_AGE_SECONDS = 3600

# The fields of a stored job that set_status keeps: what the job was created with.
_KEPT_BY_SET_STATUS = (
    "id",
    "model",
    "auto_start",
    "created_at",
    "training_files",
    "validation_files",
    "suffix",
)


class ClassifierJobsMock:
    """A stateful fake of the fine-tuning jobs API for classifier jobs.

    >>> import httpx
    >>> with ClassifierJobsMock(seed=1) as fake:
    ...     job = fake.add(status="RUNNING")
    ...     response = httpx.get(
    ...         f"https://api.mistral.ai/v1/fine_tuning/jobs/{job.id}",
    ...         headers={"Authorization": "Bearer test"},
    ...     )
    >>> response.status_code, response.json()["status"] in {"RUNNING", "SUCCESS"}
    (200, True)

    ``seed`` fixes every id and value the fake draws; ``require_auth`` answers ``401`` to a
    request without an ``Authorization: Bearer ...`` header; ``progression`` is ``"per_get"`` (a
    created or started job takes one step per GET of it), ``"manual"`` (only :meth:`advance`
    moves it) or ``"time"`` (it moves when its time on ``clock`` has come, after dwell times
    drawn from ``timings``, a :class:`~pytest_classifierjobs.timeline.Timings` or a dict of its
    phases); ``outcome`` is where created jobs end: ``SUCCESS``, ``FAILED``,
    ``FAILED_VALIDATION`` or ``CANCELLED``; ``factory`` is the factory :meth:`add` builds
    with (by default a seeded one of the mock's own). ``api_keys``, ``validation``,
    ``base_models`` and ``strict_files`` are the options of the same names that the plugin
    reference describes, and so is ``multi_class_scores``.

    Time: ``clock`` follows the wall clock, or stands at ``frozen_at`` (Unix seconds, a
    datetime or ISO text) when given; ``time_scale`` makes it run that many times faster than
    the wall clock. ``instant_sleep=True`` makes the sleeps of the thread that starts the mock
    advance the clock instead of waiting (:mod:`pytest_classifierjobs.sleeping`).
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        seed: int | None = None,
        require_auth: bool = True,
        progression: Progression = "per_get",
        outcome: ClassifierJobOutStatus | str = ClassifierJobOutStatus.SUCCESS,
        factory: type[ClassifierDetailedJobOutFactory] | None = None,
        api_keys: Collection[str] | None = None,
        validation: ValidationMode = "server",
        base_models: Collection[str] | None = CLASSIFIER_BASE_MODELS,
        strict_files: bool = False,
        multi_class_scores: MultiClassScores = "normalized",
        timings: Timings | Mapping[str, object] | None = None,
        frozen_at: Moment | None = None,
        time_scale: float = 1.0,
        instant_sleep: bool = False,
    ) -> None:
        #: Where the fake answers, spelt as httpx spells URLs (lower-case host, no default port).
        self.base_url: str
        self.base_url, self._prefix, self._origin = _where(base_url)
        seeds = Random(seed)
        self._factory = factory
        # What the mock's own factory draws from (see ``factory``): made now, whether or not a
        # factory is given, so that every later draw of a seed stays where it was.
        self._factory_random = Random(seeds.getrandbits(64))
        #: The fake's time, which every timestamp it writes comes from (``clock.py``).
        try:
            moment = None if frozen_at is None else to_seconds(frozen_at)
        except (TypeError, ValueError) as error:
            raise type(error)(f"frozen_at: {error}") from None
        try:
            self.clock = Clock(frozen_at=moment, scale=time_scale)
        except (TypeError, ValueError) as error:
            raise type(error)(f"time_scale: {error}") from None
        #: The jobs and how they move (what :attr:`jobs` shows).
        self.store = JobStore(
            rng=Random(seeds.getrandbits(64)),
            progression=progression,
            outcome=outcome,
            clock=self.clock,
            timings=Timings.of(timings),
        )
        #: The uploaded files, which jobs read at validation (on the jobs' clock).
        self.file_store = FileStore(rng=Random(seeds.getrandbits(64)), clock=self.clock)
        self.store.files = self.file_store
        #: The base and fine-tuned models; a job that succeeds puts its model here.
        self.model_store = ModelStore(
            rng=Random(seeds.getrandbits(64)), multi_class_scores=multi_class_scores
        )
        self.store.models = self.model_store
        #: The handlers of every operation, shared with the live server.
        self.api = Api(
            self.store,
            self.file_store,
            self.model_store,
            require_auth=require_auth,
            api_keys=api_keys,
            validation=validation,
            base_models=base_models,
            strict_files=strict_files,
        )
        self._unhandled: list[httpx.Request] = []
        self._lock = threading.Lock()
        #: The faults set on this fake, in the order they were set.
        self.faults = FaultQueue()
        #: The respx router the fake answers on (started by :meth:`start`).
        self.router = _Router(assert_all_called=False, assert_all_mocked=True)
        self.router.add(_CatchAllRoute(), name="classifierjobs").mock(
            side_effect=_side_effect(self._dispatch)
        )
        # The calls of each operation, oldest first: what ``routes`` shows. The respx routes
        # themselves are made when a test first asks for them (21 of them cost more than the
        # rest of the mock together).
        self._calls: dict[Operation, list[tuple[httpx.Request, httpx.Response | None]]] = {}
        self._routes: dict[Operation, respx.Route] | None = None
        # Drawn last, so that adding it left every earlier draw of a seed as it was.
        self._ages = Random(seeds.getrandbits(64))
        if not isinstance(instant_sleep, bool):
            raise TypeError(f"instant_sleep must be True or False, not {instant_sleep!r}")
        #: Instant sleeping (on while the mock is active when ``instant_sleep`` is true).
        self.instant_sleep = InstantSleep(self.clock) if instant_sleep else None

    # --- activation ---------------------------------------------------------------------------

    def start(self) -> ClassifierJobsMock:
        """Start intercepting (``with`` does this for you)."""
        # respx patches httpx on the first start, resolving its targets through importlib. On
        # CPython 3.11 a garbage-collection finalizer that runs inside that import machinery
        # can break it (a KeyError from _ModuleLock), so the collector waits for this moment.
        with _collector_paused():
            try:
                self.router.start()
            except BaseException:
                # respx registers the router before it patches: a failed start must not leave
                # it answering for every later test.
                self.router.stop(clear=False, reset=False, quiet=True)
                raise
        if self.instant_sleep is not None:
            self.instant_sleep.start()
        return self

    def stop(self) -> None:
        """Stop intercepting (and sleeping instantly); recorded calls stay readable."""
        if self.instant_sleep is not None:
            self.instant_sleep.stop()
        self.router.stop(clear=False, reset=False, quiet=True)

    def __enter__(self) -> ClassifierJobsMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what tests use -----------------------------------------------------------------------

    @property
    def jobs(self) -> Mapping[str, ClassifierDetailedJobOut]:
        """The stored jobs by id, as they are now (a read-only snapshot)."""
        return self.store.jobs

    @property
    def factory(self) -> type[ClassifierDetailedJobOutFactory]:
        """What :meth:`add` builds with: the ``factory`` given, else one of this mock's own.

        The mock's own is seeded from ``seed``; it is made on first read (:meth:`add` draws
        from the same randomness without it).
        """
        if self._factory is None:
            self._factory = seeded_factory(None)
            self._factory.__random__ = self._factory_random
        return self._factory

    @property
    def routes(self) -> Mapping[Operation, respx.Route]:
        """The respx route of each operation, for ``call_count`` and ``calls``."""
        with self._lock:
            if self._routes is None:
                self._routes = self._recording_routes()
            return MappingProxyType(self._routes)

    @property
    def unhandled(self) -> list[httpx.Request]:
        """Requests under the base URL that no operation matched, oldest first."""
        with self._lock:
            return list(self._unhandled)

    @property
    def files(self) -> Mapping[str, UploadFileOut]:
        """The stored files by id, oldest first (a read-only snapshot; deleted ones are gone)."""
        return self.file_store.files

    def file_content(self, file_id: str) -> bytes:
        """The bytes uploaded as the file ``file_id``."""
        try:
            return self.file_store.content(file_id)
        except UnknownFileError:
            known = ", ".join(self.file_store.files) or "none"
            raise UnknownFileError(
                f"no stored file has the id {file_id!r}; stored ids: {known}"
            ) from None

    def add_file(
        self,
        content: bytes | str | Iterable[Mapping[str, Any]],
        *,
        filename: str = "train.jsonl",
        purpose: str = "fine-tune",
    ) -> UploadFileOut:
        """Store a file as an upload would, without HTTP, and return it.

        ``content`` is the file's bytes, text (UTF-8) or rows, each written as one JSON line:
        ``add_file([{"text": "great", "labels": {"sentiment": "positive"}}, ...])``.
        """
        if isinstance(content, str):
            data = content.encode()
        elif isinstance(content, (bytes, bytearray, memoryview)):
            data = bytes(content)
        else:
            rows = list(content)
            if not all(isinstance(row, Mapping) for row in rows):
                raise TypeError(
                    "add_file() takes bytes, a str or rows (dicts such as "
                    '{"text": ..., "labels": {...}}), not ' + repr(content)[:80]
                )
            data = b"".join(json.dumps(dict(row)).encode() + b"\n" for row in rows)
        if purpose not in _PURPOSES:
            raise ValueError(unknown_name("purpose", purpose, _PURPOSES))
        return self.file_store.upload(filename, data, purpose=purpose)

    @property
    def models(self) -> Mapping[str, FTModelCard]:
        """The fine-tuned models by id, oldest first (a read-only snapshot; deleted ones are gone).

        A job that reaches ``SUCCESS`` makes its ``fine_tuned_model``; so does a job added in
        ``SUCCESS``, and :meth:`add_model`.
        """
        return self.model_store.models

    def add_model(
        self,
        job: ClassifierJobOut | str | None = None,
        *,
        targets: Mapping[str, Iterable[str]] | Iterable[ClassifierTargetOut] | None = None,
        name: str | None = None,
        description: str | None = None,
        archived: bool = False,
    ) -> FTModelCard:
        """Store a fine-tuned classifier, as a job that succeeded makes one, and return its card.

        From ``job`` (a stored job's id, or a job to store), which must be in ``SUCCESS``; or
        with ``targets`` of the test's choice, ``{"sentiment": ["positive", "negative"]}``
        (single-class targets of weight 1) or :class:`ClassifierTargetOut` values; or with
        neither, from a drawn job. Without ``job``, a ``SUCCESS`` job that made the model is
        stored too, so ``card.job`` can be fetched like any job. ``name``, ``description`` and
        ``archived`` are set as the API would set them.
        """
        if job is not None and targets is not None:
            raise TypeError(
                "add_model() takes a job or targets, not both: a model's targets are its job's"
            )
        if isinstance(job, ClassifierJobOut):
            _check_has_model(job)  # before it is stored
        made = self._job_of_model(job, targets)
        _check_has_model(made)
        model_id = self.model_store.add(made).id  # a model deleted earlier comes back
        changes = {"name": name, "description": description}
        self.model_store.update(model_id, {k: v for k, v in changes.items() if v is not None})
        if archived:
            self.model_store.archive(model_id)
        return self.model_store.card(model_id)

    def _job_of_model(
        self,
        job: ClassifierJobOut | str | None,
        targets: Mapping[str, Iterable[str]] | Iterable[ClassifierTargetOut] | None,
    ) -> ClassifierDetailedJobOut:
        if isinstance(job, str):
            return self._stored(job)
        if job is not None:
            return self.add(job)
        if targets is None:
            return self.add(status=ClassifierJobOutStatus.SUCCESS)
        return self.add(status=ClassifierJobOutStatus.SUCCESS, classifier_targets=_targets(targets))

    def set_scores(self, model_id: str, scores: ScoresSetting | None) -> None:
        """Make a fine-tuned model score as the test says; ``None`` goes back to drawn scores.

        ``scores`` maps input texts to their scores, ``{"It's nice": {"sentiment":
        "positive"}}`` (a conversation is matched by its last message's text), or is a
        function of the input (the text, or the conversation's JSON) that returns them, or
        ``None`` to let the fake draw. For each target of the model: the label that wins, or
        every label's score. Inputs without fixed scores get drawn ones. Scores that do not fit
        the model's targets raise :class:`~pytest_classifierjobs.scores.ScoresError`.
        """
        try:
            self.model_store.set_scores(model_id, scores)
        except UnknownModelError:
            known = ", ".join(self.model_store.models) or "none"
            raise UnknownModelError(
                f"no fine-tuned model has the id {model_id!r}; stored models: {known}"
            ) from None

    def add(
        self,
        job: ClassifierJobOut | None = None,
        *,
        status: ClassifierJobOutStatus | str | None = None,
        **overrides: Any,
    ) -> ClassifierDetailedJobOut:
        """Store a job and return it; it stays in its status until the API moves it.

        With no ``job``, the mock's factory builds one (coherent for ``status``, drawn when not
        given, with ``overrides`` applied as ``build`` applies them). A short
        :class:`ClassifierJobOut` keeps every field it has and gets drawn ``classifier_targets``,
        ``events`` and ``checkpoints``: the first of a few draws that adds no contradiction
        (:func:`~pytest_classifierjobs.coherence_violations`) to those its fields already have.

        Every argument is checked first, as ``build`` checks it: a field the job does not have,
        or a value of the wrong type (``created_at="yesterday"``), is a ``TypeError``; a
        misspelt status, or a number the server never sends (``hyperparameters={"training_steps":
        -5}``), a ``ValueError``. A given ``job`` is checked for types only: it may be
        incoherent on purpose.
        """
        if job is None:
            return self.store.put(self._dated(self._build(status, overrides, "add()"), overrides))
        if status is not None or overrides:
            raise TypeError(
                "add() takes either a job or status/overrides to build one, not both; "
                "use attrs.evolve(job, ...) to change a job before adding it"
            )
        if not isinstance(job, ClassifierJobOut):
            raise TypeError(
                "add() takes a ClassifierDetailedJobOut or a ClassifierJobOut, "
                f"not {type(job).__name__}"
            )
        # attrs checks no types: a wrong one would only fail when the fake serves the job.
        check_types(job, "add()", "job")
        if not isinstance(job, ClassifierDetailedJobOut):
            job = self._complete(job)
        return self.store.put(job)

    def add_on_path(
        self, path: Iterable[ClassifierJobOutStatus | str], **overrides: Any
    ) -> ClassifierDetailedJobOut:
        """Store a job just created (``QUEUED``) whose next GETs walk the rest of ``path``.

        ``path`` is a legal life from creation (:func:`~pytest_classifierjobs.paths.every_path`
        lists them, the ``classifier_job_path`` fixture runs a test once per path): it starts
        with ``QUEUED`` and each step is one the transition graph allows. The job is built as
        :meth:`add` builds one, with ``overrides``; each GET then shows the next status of the
        path (:meth:`script`), and the last one sticks. A path that is not legal raises a
        ``ValueError`` saying which step is not allowed and what may come there.
        """
        steps = legal_path(path, "add_on_path()")
        # Built fresh: its history is the creation alone, not a re-queue after validation.
        built = self._build(ClassifierJobOutStatus.QUEUED, overrides, "add_on_path()", steps[:1])
        stored = self.store.put(self._dated(built, overrides))
        if len(steps) > 1:
            self.store.script(stored.id, steps[1:])
        return stored

    def add_many(
        self,
        count: int,
        *,
        status: ClassifierJobOutStatus | str | Iterable[ClassifierJobOutStatus | str] | None = None,
        **overrides: Any,
    ) -> list[ClassifierDetailedJobOut]:
        """Store ``count`` coherent jobs at once and return them, in the order stored.

        For tests of dashboards and lists: 100,000 jobs take seconds, where :meth:`add` takes
        a minute. ``status`` is a status, a group (``"active"``, ``"terminal"``, ``"failed"``,
        ``"all"``: each job's status drawn from it), a list of statuses taken in turn, or
        ``None`` (any status). ``overrides`` apply to every job, as :meth:`add` applies them.

        Each job is coherent and has an id (and a fine-tuned model's name) of its own; its
        history is that of one of a few jobs built per status, moved to end within the hour
        before the clock's now (``pytest_classifierjobs.bulk``).
        """
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"add_many() takes a number of jobs (an int), not {count!r}")
        if count < 1:
            raise ValueError(f"add_many() adds one job or more, not {count!r}")
        if "id" in overrides:
            raise ValueError(
                "add_many() gives every job an id of its own: an id override would store one "
                "job, count times; use add(id=...) for one job with a given id"
            )
        statuses = _bulk_statuses(status, count, self._factory_random)

        def build(job_status: ClassifierJobOutStatus) -> ClassifierDetailedJobOut:
            return self._build(job_status, dict(overrides), "add_many()")

        ends: Iterable[int | None]
        if "created_at" in overrides or "modified_at" in overrides:
            ends = [None] * count  # the test chose the moments: every copy keeps them
        else:
            # As add() dates a job, a history ends in the clock's last hour; on a whole minute
            # before now, so that the copies of a prototype share its moved history (bulk.py).
            now, ages = self.clock.now(), self._ages
            ends = [now - 60 * ages.randint(0, _ADDED_AGE_SECONDS // 60) for _ in range(count)]
        # Tens of thousands of new objects make the collector run again and again over the
        # ones made before, for nothing (none is garbage): half the time of a fill. It waits.
        with _collector_paused():
            return self.store.put_many(copies(build, statuses, self._factory_random, ends))

    def _dated(
        self, built: ClassifierDetailedJobOut, overrides: Mapping[str, Any]
    ) -> ClassifierDetailedJobOut:
        """A drawn job moved to end in the clock's recent past, unless the test dated it."""
        if "created_at" in overrides or "modified_at" in overrides:
            return built
        end = self.clock.now() - self._ages.randint(0, _ADDED_AGE_SECONDS)
        return shifted(built, end - built.modified_at)

    def _build(
        self,
        status: ClassifierJobOutStatus | str | None,
        overrides: dict[str, Any],
        where: str,
        path: Sequence[ClassifierJobOutStatus] | None = None,
    ) -> ClassifierDetailedJobOut:
        """A job built by the factory, every override checked first (named as ``where``).

        With ``path`` (legal, from creation, ending in ``status``), the job walked that path.
        """
        if self._factory is None:
            # What the mock's own factory would draw, from the mock's randomness: the same jobs,
            # with no class to make and without importing polyfactory and Faker (drawing.py).
            return build_job(status, overrides, rng=self._factory_random, where=where, path=path)
        check_overrides(self._factory.__model__, overrides, where, status=status)
        if path is None:
            return self._factory.build(status=status, **overrides)
        return self._factory._build_on_path(path, overrides, where)

    def _complete(self, job: ClassifierJobOut) -> ClassifierDetailedJobOut:
        fields = attrs.asdict(job, recurse=False)
        for constant in ("object", "job_type"):
            del fields[constant]
        # Which history fits the given fields (a fresh or a re-queued QUEUED, a cancellation
        # before or after training) is drawn; a few draws find one that fits. Walking a history
        # can fill in a field (a W&B run URL once running): a draw must keep every given field.
        # If none fits, the last draw is kept with the given fields put back.
        # A number the server never sends (a test's odd job) is no input the factory builds
        # from: each draw is made without it and it is put back.
        odd = {name: fields.pop(name) for name in out_of_range(ClassifierJobOut, fields)}
        already = set(coherence_violations(job))
        for _ in range(_COMPLETION_DRAWS):
            built = self._build(fields["status"], _without(fields, "status"), "add()")
            detailed = attrs.evolve(fit_in_time(built), **odd)
            kept = detailed.summary() == job
            if kept and set(coherence_violations(detailed)) <= already:
                return detailed
        return attrs.evolve(detailed, **fields)

    def set_status(
        self, job_id: str, status: ClassifierJobOutStatus | str
    ) -> ClassifierDetailedJobOut:
        """Put a stored job in ``status`` now, coherent for it, keeping how it was created.

        A misspelt status is a ``ValueError`` that names the closest one.
        """
        check_overrides(ClassifierDetailedJobOut, {}, "set_status()", status=status)
        current = self._stored(job_id)
        kept = {name: getattr(current, name) for name in _KEPT_BY_SET_STATUS}
        # The change happens now: the new history ends at the clock's present.
        job = fit_in_time(self._build(status, kept, "set_status()"), self.clock.now())
        return self.store.set_status(job_id, status, job)

    def script(self, job_id: str, statuses: Iterable[ClassifierJobOutStatus | str]) -> None:
        """Make the next GETs of a stored job walk ``statuses``; the last one sticks.

        Each step is checked against the transition graph from where the job is now; an
        illegal one raises :class:`~pytest_classifierjobs.lifecycle.IllegalTransitionError`
        (a ``ValueError``) saying which statuses may come next; a misspelt status is a
        ``ValueError`` that names the closest one.
        """
        if isinstance(statuses, str) or not isinstance(statuses, Iterable):
            # A lone status is iterable too, letter by letter: 'R' would be the first step.
            raise TypeError(
                "script() takes a list of statuses, such as ['RUNNING', 'SUCCESS'], "
                f"not {type(statuses).__name__} {statuses!r}"
            )
        self._stored(job_id)
        self.store.script(job_id, statuses)

    def advance(self, job_id: str, steps: int = 1) -> ClassifierDetailedJobOut:
        """Move a job ``steps`` steps along its plan now (for ``progression="manual"``).

        Under the other progressions it takes the steps at once too. A plan that ends sooner
        stops the job where it ends. A job with no step to take (final, waiting for ``start``,
        or with no plan, as every job :meth:`add` stored) raises a ``ValueError`` that says why
        and names what moves it instead: :meth:`script` or :meth:`set_status`.
        """
        self._stored(job_id)
        return self.store.advance(job_id, steps)

    # --- faults ---------------------------------------------------------------------------------

    def fail(
        self,
        operation: str,
        status_code: int,
        *,
        times: int | None = 1,
        json: Any = DEFAULT_BODY,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``status_code``.

        ``operation`` is a job operation (``"list"``, ``"create"``, ``"get"``, ``"start"``,
        ``"cancel"``), a file operation (``"files.upload"``, ``"files.list"``, ...) or ``"*"``
        for all; ``times=None`` means until :meth:`clear_faults`. Without ``json`` the body is the
        real service's for that status (the 429 of the rate limiter, ``{"detail": ...}`` else).
        The store does not change: a failed create stores nothing.
        """
        self.faults.add(operation, answer_fault(status_code, json, headers), times=times)

    def rate_limit(self, operation: str, *, retry_after: float = 1, times: int | None = 1) -> None:
        """Answer ``429`` with ``Retry-After: retry_after`` and the ``x-ratelimit-*`` headers."""
        self.faults.add(operation, rate_limit_fault(retry_after), times=times)

    def raise_error(
        self,
        operation: str,
        exception: BaseException | type[BaseException],
        *,
        times: int | None = 1,
    ) -> None:
        """Make the transport raise ``exception`` (an instance or a class), as a network would.

        For example ``httpx.ReadTimeout`` or ``httpx.ConnectError``; a class is instantiated with
        the request, so the SDK sees what a real failure gives it.
        """
        self.faults.add(operation, exception_fault(exception), times=times)

    def delay(self, operation: str, seconds: float, *, times: int | None = None) -> None:
        """Answer ``operation`` ``seconds`` late (awaited, not blocking, for async clients)."""
        self.faults.add(operation, delay_fault(seconds), times=times)

    def retire(self) -> None:
        """Answer every jobs route ``410 Gone``, as the real API has since mid-2026.

        The files routes were not retired: they keep answering.
        """
        for operation in JOB_OPERATIONS:
            self.faults.add(operation, answer_fault(410), times=None)

    def clear_faults(self) -> None:
        """Drop every fault; normal service resumes."""
        self.faults.clear()

    def _stored(self, job_id: str) -> ClassifierDetailedJobOut:
        try:
            return self.store.job(job_id)
        except JobNotFoundError:
            known = list(self.store.jobs)
            shown = ", ".join(known[:20]) + (f", ... ({len(known)} in all)" if known[20:] else "")
            raise JobNotFoundError(
                f"no stored job has the id {job_id!r}; stored ids: {shown or 'none'}"
            ) from None

    # --- respx wiring -------------------------------------------------------------------------

    def _recording_routes(self) -> dict[Operation, respx.Route]:
        # One route per operation that only shows its calls (``routes``): the one route of the
        # started router answers them all (_dispatch). They live on a router that is never
        # started, and get the calls made before they existed.
        recorder = respx.Router(assert_all_called=False)
        by_operation = {route.operation: route for route in ROUTES}
        routes = {}
        for operation in OPERATIONS:
            route = recorder.route(
                name=operation,
                method=by_operation[operation].method,
                path__regex=rf"^{re.escape(self._prefix)}{by_operation[operation].regex.pattern[1:]}",
            )
            for request, response in self._calls.get(operation, ()):
                route.calls.record(request, response)
            routes[operation] = route
        return routes

    def _dispatch(self, request: httpx.Request) -> Any:
        # The one route of the router takes every request and places it: under the base URL,
        # the fake answers; to any other spelling of a Mistral host, it keeps the request in the
        # process and reports it, so nothing meant for Mistral leaves; other hosts it lets be.
        if not self.serves(request.url):
            if not is_mistral_host(request.url.host):
                return self._elsewhere(request)
            # Another spelling of a Mistral host (scheme, port, trailing dot, another name under
            # mistral.ai), or the real API while the fake serves another base URL: a request
            # the code under test should not make here. Kept, answered 404 and reported.
            self._record_unhandled(request)
            not_found = ApiResponse(status_code=404, body={"detail": "Not Found"})
            return to_httpx_response(not_found, head=request.method == "HEAD", request=request)
        api_request = self._api_request(request)
        call = self._take(api_request, request)
        if isinstance(call, ApiResponse):
            return to_httpx_response(call, head=request.method == "HEAD", request=request)
        match, fault = call
        if fault is not None and fault.delay and _IN_ASYNC.get():
            # An async client awaits the delay, so the event loop keeps running.
            return self._delayed(match, fault, api_request, request)
        if fault is not None and fault.delay:
            # Instant, like the consumer's sleeps, if they are.
            time.sleep(min(fault.delay, _read_timeout(request)))
        return self._finish(match, fault, api_request, request)

    def serves(self, url: httpx.URL | str) -> bool:
        """Whether the fake answers ``url``: whether it is under the base URL.

        A default port may be spelt out or not, the host be in any case. Other URLs to a Mistral
        host are kept from the network too, but answered ``404`` and reported in
        :attr:`unhandled`.
        """
        url = url if isinstance(url, httpx.URL) else httpx.URL(url)
        return _origin(url) == self._origin and (
            url.path == self._prefix or url.path.startswith(f"{self._prefix}/")
        )

    def _take(
        self, api_request: ApiRequest, request: httpx.Request
    ) -> ApiResponse | tuple[RouteMatch, Fault | None]:
        """Place a request: the router's own answer, or its operation and the fault it gets.

        Both transports start here; a request that is no operation is recorded as unhandled.
        """
        routed = self.api.route(api_request)
        if isinstance(routed, Unrouted):
            if routed.unhandled:
                self._record_unhandled(request)
            return routed.response
        return routed, self.faults.take(routed.operation)

    def _respond(
        self, match: RouteMatch, fault: Fault | None, api_request: ApiRequest
    ) -> ApiResponse:
        """The answer to an operation: the fault's (after its delay), else the fake's."""
        if fault is None or fault.status_code is None:  # no fault, or a delay alone
            return self.api.answer(match, api_request)
        if fault.status_code in _NO_BODY or fault.status_code < 200:
            return ApiResponse(
                status_code=fault.status_code, body=None, headers=fault.headers, encoded=b""
            )
        body = default_body(fault.status_code) if fault.body is DEFAULT_BODY else fault.body
        return ApiResponse(status_code=fault.status_code, body=body, headers=fault.headers)

    async def _delayed(
        self, match: RouteMatch, fault: Fault, api_request: ApiRequest, request: httpx.Request
    ) -> httpx.Response:
        await asyncio.sleep(min(fault.delay, _read_timeout(request)))
        return self._finish(match, fault, api_request, request)

    def _finish(
        self,
        match: RouteMatch,
        fault: Fault | None,
        api_request: ApiRequest,
        request: httpx.Request,
    ) -> httpx.Response:
        if fault is not None and fault.exception is not None:
            self._record_call(match.operation, request, None)
            raise fault.exception_for(request)
        response = to_httpx_response(self._respond(match, fault, api_request), request=request)
        if fault is not None and fault.delay > _read_timeout(request):
            # The client stopped waiting before the answer came. The server did its work all
            # the same, as the live server does (a create that timed out is stored), and the
            # client gets the timeout the network would give it.
            self._record_call(match.operation, request, None)
            raise httpx.ReadTimeout("timed out", request=request)
        self._record_call(match.operation, request, response)
        return response

    def _record_call(
        self, operation: str, request: httpx.Request, response: httpx.Response | None
    ) -> None:
        """Count a call of ``operation`` on its route (both transports record here)."""
        with self._lock:
            self._calls.setdefault(operation, []).append((request, response))
            if self._routes is not None:
                self._routes[operation].calls.record(request, response)

    def _record_unhandled(self, request: httpx.Request) -> None:
        """Keep ``request`` among :attr:`unhandled` (the live server reports its own here)."""
        with self._lock:
            self._unhandled.append(request)

    def _api_request(self, request: httpx.Request) -> ApiRequest:
        url = request.url
        query_string = url.query.decode("ascii")
        return ApiRequest(
            method=request.method,
            path=url.path[len(self._prefix) :],
            # Most requests (every GET of a poller) have no query: nothing to parse.
            query=url.params.multi_items() if query_string else (),
            query_string=query_string,
            headers=request_headers(request.headers.multi_items()),
            body=request.read(),
            root=f"{url.scheme}://{url.netloc.decode('ascii')}{self._prefix}",
        )

    def _elsewhere(self, request: httpx.Request) -> httpx.Request:
        # Other hosts are not the fake's business. Alone, it lets them through; beside other
        # started routers it stays out of their way, so respx's own rule for unmocked requests
        # (an AllMockedAssertionError) still holds for them.
        mocker = self.router.Mocker
        if mocker is not None and any(r is not self.router for r in mocker.routers):
            raise AllMockedAssertionError(f"RESPX: {request!r} not mocked!")
        return request


_IN_ASYNC: contextvars.ContextVar[bool] = contextvars.ContextVar("_IN_ASYNC", default=False)

_DEFAULT_PORTS = {"http": 80, "https": 443}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The garbage collector off for the block, and back as it was (off stays off)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@functools.lru_cache(maxsize=16)
def _where(base_url: str) -> tuple[str, str, tuple[str, str, int | None]]:
    """The base URL as httpx spells it, its path prefix and its origin (parsed once per URL)."""
    parsed = httpx.URL(base_url)
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ValueError(
            f"base_url must be an absolute http(s) URL such as {DEFAULT_BASE_URL!r}, "
            f"not {base_url!r}"
        )
    spelt = str(parsed.copy_with(query=None, fragment=None)).rstrip("/")
    return spelt, parsed.path.rstrip("/"), _origin(parsed)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port, the default port filled in: ``:443`` is the same origin as none."""
    return url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme)


_SIDE_EFFECT_SIGNATURE = inspect.Signature(
    [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
)


def _side_effect(dispatch: Callable[[httpx.Request], Any]) -> Callable[[httpx.Request], Any]:
    """``dispatch`` as a respx side effect that respx can inspect cheaply.

    respx reads a side effect's signature on every request (to pass ``route`` if it is asked
    for); a signature given up front spares the fake that work, a fifth of its own cost.
    """

    def side_effect(request: httpx.Request) -> Any:
        return dispatch(request)

    side_effect.__signature__ = _SIDE_EFFECT_SIGNATURE  # type: ignore[attr-defined]
    return side_effect


def _read_timeout(request: httpx.Request) -> float:
    """How long the client waits for an answer: httpx's ``read`` timeout, or forever."""
    timeout = request.extensions.get("timeout", {}).get("read")
    return math.inf if timeout is None else float(timeout)


class _Router(respx.MockRouter):
    """A router that tells its routes whether an async client is calling (for delays)."""

    def snapshot(self) -> None:
        """Keep nothing to roll back to.

        respx snapshots the routes and their calls when a router is made and each time it
        starts, for ``stop(clear=True)`` to restore. The fake never rolls back (it stops with
        ``clear=False``: its calls stay readable after the test), and each snapshot makes a
        ``unittest.mock``-based call list per route: the dearest part of a test's set-up.
        """

    async def aresolve(self, request: httpx.Request) -> Any:
        token = _IN_ASYNC.set(True)
        try:
            return await super().aresolve(request)
        finally:
            _IN_ASYNC.reset(token)


class _CatchAllRoute(respx.Route):
    """The router's one route: it matches every request, and the fake places each (_dispatch)."""

    def snapshot(self) -> None:
        """Keep nothing to roll back to, as the router keeps nothing (:meth:`_Router.snapshot`).

        respx's route snapshots itself when it is made, with a copy of its call list.
        """


def _bulk_statuses(
    status: ClassifierJobOutStatus | str | Iterable[ClassifierJobOutStatus | str] | None,
    count: int,
    rng: Random,
) -> list[ClassifierJobOutStatus]:
    """The status of each of ``count`` jobs, as :meth:`ClassifierJobsMock.add_many` takes it."""
    if status is None:
        status = "all"
    if isinstance(status, str):
        try:
            choices = parse_statuses([status])
        except SettingError as error:
            raise ValueError(f"add_many(status=...): {error}") from None
        return [rng.choice(choices) for _ in range(count)]
    if not isinstance(status, Iterable):
        raise TypeError(
            "add_many(status=...) takes a status, a group such as 'active', or a list of "
            f"statuses, not {status!r}"
        )
    taken = [parse_status(one) for one in status]
    if not taken:
        raise ValueError("add_many(status=[...]) needs at least one status")
    return [taken[index % len(taken)] for index in range(count)]


def _without(fields: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key != name}


def _check_has_model(job: ClassifierJobOut) -> None:
    if job.status is not ClassifierJobOutStatus.SUCCESS or not job.fine_tuned_model:
        raise ValueError(
            f"job {job.id} is {job.status.value}: only a job in SUCCESS has a fine-tuned "
            "model; add(status='SUCCESS') or set_status(job_id, 'SUCCESS') first"
        )


def _targets(
    targets: Mapping[str, Iterable[str]] | Iterable[ClassifierTargetOut],
) -> list[ClassifierTargetOut]:
    """A model's targets as :meth:`ClassifierJobsMock.add_model` takes them, checked."""
    if isinstance(targets, Mapping):
        made = []
        for name, labels in targets.items():
            if isinstance(labels, str) or not isinstance(labels, Iterable):
                raise TypeError(
                    f"the labels of target {name!r} must be a list of strings, not {labels!r}"
                )
            made.append(
                ClassifierTargetOut(
                    name=name, labels=list(labels), weight=1.0, loss_function="single_class"
                )
            )
    else:
        made = list(targets)
    for target in made:
        if not isinstance(target, ClassifierTargetOut):
            raise TypeError(
                "targets must be a mapping of target names to labels, such as "
                '{"sentiment": ["positive", "negative"]}, or ClassifierTargetOut values, '
                f"not {target!r}"
            )
        if len(target.labels) < 2 or len(set(target.labels)) != len(target.labels):
            raise ValueError(
                f"target {target.name!r} needs two or more distinct labels, not {target.labels!r}"
            )
    if not made:
        raise ValueError("a classifier needs at least one target")
    return made


def seeded_factory(seed: int | None) -> type[ClassifierDetailedJobOutFactory]:
    """A subclass of the detailed-job factory with randomness of its own, seeded with ``seed``."""
    from .factories import ClassifierDetailedJobOutFactory  # noqa: PLC0415  (polyfactory, Faker)

    factory: type[ClassifierDetailedJobOutFactory] = type(
        "ClassifierDetailedJobOutFactory", (ClassifierDetailedJobOutFactory,), {}
    )
    if seed is not None:
        factory.seed_random(seed)
    return factory


_shared_factories: list[type[ClassifierDetailedJobOutFactory]] = []


def reseeded_factory(seed: int) -> type[ClassifierDetailedJobOutFactory]:
    """The process's one subclass of the detailed-job factory, reseeded with ``seed``.

    What the ``classifier_job_factory`` fixture gives each test: it draws what
    ``seeded_factory(seed)`` would, without making a class per test (a class costs more than
    the rest of a test's fake). Tests run one at a time in a process, so one class serves them
    all; threads that one test starts share its factory, as they would a class of its own.
    """
    if not _shared_factories:
        _shared_factories.append(seeded_factory(None))
    (factory,) = _shared_factories
    factory.seed_random(seed)
    return factory


def to_httpx_response(
    response: ApiResponse, *, head: bool = False, request: httpx.Request | None = None
) -> httpx.Response:
    """``response`` as httpx hands it to a client, answering ``request``.

    The answer to a ``HEAD`` has the headers of the answer to a ``GET`` and no body (RFC 9110).
    """
    content, headers = response.wire()
    if content or head:
        headers["Content-Length"] = str(len(content))
    # A stream rather than content=, and the request given: with content= httpx reads the body
    # into the response here, and respx copies a response that answers no request and reads the
    # copy again. respx reads this stream once, as it reads a static route's.
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=httpx.ByteStream(b"" if head else content),
        request=request,
    )
