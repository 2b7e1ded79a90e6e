"""How the real server reads a request: FastAPI's steps, pydantic's models, FastAPI's ``422``.

The models are in :mod:`pytest_classifierjobs.schemas`; this module reads a request the way
FastAPI does before a handler runs (sources: FastAPI's ``routing.py`` and
``dependencies/utils.py``, the version pinned by the differential test):

1. The body, for the one operation that has one (create): an empty body is no body; a body is
   parsed as JSON only when its ``Content-Type`` is ``application/json`` or
   ``application/<anything>+json`` (any parameters); any other type, or none, leaves the raw bytes,
   which then fail validation. JSON that does not parse is a ``422`` with the one problem
   ``json_invalid`` at ``("body", <character position>)``; a body that Python's ``json`` cannot
   read for another reason (not UTF-8, nested too deep) is a ``400 {"detail": "There was an
   error parsing the body"}``.
2. The parameters, then the body, each against its pydantic model in pydantic's lax mode (a
   query value is a string, so ``page=" 1_0"`` is 10 and ``created_by_me=yes`` is true; a body's
   ``"0.1"`` is a number for a number field), with every problem of all of them in one ``422``:
   path first, then query, then body, as FastAPI collects them. A query parameter given twice
   counts with its last value; unknown parameters and unknown body keys are ignored.
3. The body's model-level check, which the server has and the spec does not show (recorded in
   mistralai/client-ts#70): no training file and no repository is one ``value_error`` at
   ``("body", "job_in")``. Being a model-level check, it runs only once every field is valid.

A ``422`` entry has the keys the recorded real bodies have: ``type``, ``loc``, ``msg`` and, when
pydantic gives one, ``ctx`` (an exception in it written as its message). FastAPI's own handler
would add ``input``; the recorded answers of this API do not have it.

**Strict mode** (``validation="strict"``) is the fake's own, stricter than the server, to catch
client bugs that the server lets through. A request the server refuses gets the server's answer
in both modes; a request it accepts is checked further, and any of these is a ``422`` too:

* JSON types as pydantic's strict mode reads JSON: ``"0.1"`` is not a number, ``"true"`` and
  ``1`` are not booleans, ``10.0`` is not an integer;
* ``NaN`` and infinities, which Python's ``json`` reads and the server would take
  (``finite_number``);
* keys that no schema has (``extra_forbidden``: a misspelt ``hyperparameter`` is otherwise
  silently ignored);
* an empty ``model``; a ``suffix`` outside the v2 spec's rule (``minLength 1``, ``pattern
  ^[a-zA-Z0-9_-]+$``, platform-docs-public ``public/openapi.yaml`` at ``a526d089``);
* what only a completion job takes: ``hyperparameters.fim_ratio``, a non-empty ``repositories``;
* on the list, a ``page`` below 0, a ``page_size`` below 1, a ``suffix`` outside the v2 rule.
"""

from __future__ import annotations

import datetime
import email.message
import functools
import json
import math
import types
import typing
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Final

import attrs
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from . import schemas
from .hints import unknown_name
from .models import (
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTrainingParametersIn,
    JobIn,
    TrainingFile,
    WandbIntegration,
)
from .settings import VALIDATION_MODES, ValidationMode
from .state.files import FileQuery
from .state.jobs import ListQuery

__all__ = [
    "VALIDATION_MODES",
    "Classification",
    "CreateRequest",
    "FilePart",
    "Problem",
    "RequestReader",
    "RequestRefused",
    "Upload",
    "ValidationMode",
    "read_form",
    "validation_error_body",
]

Loc = tuple[str | int, ...]


@attrs.frozen
class Problem:
    """One entry of a ``422`` body: where, what, and pydantic's name for it.

    >>> problem = Problem(("body", "model"), "Field required", "missing")
    >>> problem.to_json()
    {'type': 'missing', 'loc': ['body', 'model'], 'msg': 'Field required'}
    """

    #: Where the problem is: ``"body"``, ``"query"`` or ``"path"``, then keys and list indices.
    loc: Loc
    #: pydantic's message, e.g. ``"Input should be greater than or equal to 1"``.
    msg: str
    #: pydantic's error type, e.g. ``"greater_than_equal"``.
    type: str
    #: pydantic's context (``{"ge": 1}``, ``{"error": "..."}``); ``None`` for types without one.
    #: Left out of the hash: a dict cannot be hashed, and equal problems still hash equal.
    ctx: Mapping[str, object] | None = attrs.field(default=None, hash=False)

    def to_json(self) -> dict[str, object]:
        """The problem as the server writes it: ``type``, ``loc``, ``msg``, then ``ctx`` if any."""
        entry: dict[str, object] = {"type": self.type, "loc": list(self.loc), "msg": self.msg}
        if self.ctx is not None:
            entry["ctx"] = dict(self.ctx)
        return entry


def validation_error_body(problems: Sequence[Problem]) -> dict[str, object]:
    """The JSON body of a ``422`` answer that reports ``problems``.

    >>> validation_error_body([Problem(("query", "page"), "Field required", "missing")])
    {'detail': [{'type': 'missing', 'loc': ['query', 'page'], 'msg': 'Field required'}]}
    """
    return {"detail": [problem.to_json() for problem in problems]}


class RequestRefused(Exception):
    """The server refuses the request before any handler runs: a status and a JSON body."""

    def __init__(self, status_code: int, body: dict[str, object]) -> None:
        super().__init__(status_code, body)
        self.status_code = status_code
        self.body = body

    @classmethod
    def invalid(cls, problems: Sequence[Problem]) -> RequestRefused:
        """The ``422`` that reports ``problems``."""
        return cls(422, validation_error_body(problems))


@attrs.frozen(kw_only=True)
class CreateRequest:
    """A create request, read and checked: the job asked for, and whether it is a dry run."""

    job: JobIn
    dry_run: bool = False


@attrs.frozen(kw_only=True)
class Classification:
    """A classification request, read and checked: the model, and the inputs in order.

    A text request's inputs are strings; a chat request's are conversations, each the JSON
    object ``{"messages": [...]}`` as sent.
    """

    model: str
    inputs: list[str | dict[str, Any]]


@attrs.frozen(kw_only=True)
class FilePart:
    """A file of a multipart body: its name, type and content."""

    filename: str
    content: bytes
    content_type: str | None = None


@attrs.frozen(kw_only=True)
class Upload:
    """An upload, read and checked: the file and its purpose (``fine-tune`` when not sent)."""

    file: FilePart
    purpose: str = "fine-tune"


# The lists of the files' list query: every value of a repeated name counts.
_LIST_PARAMETERS: Final = frozenset({"sample_type", "source", "mimetypes"})

# The recorded model-level problem of JobIn (mistralai/client-ts#70), word for word.
NO_TRAINING_FILE: Final = "At least one training file or repository is required."
_NO_TRAINING_FILE_LOC: Final[Loc] = ("body", "job_in")
# FastAPI's answer to a body it cannot decode for a reason other than bad JSON.
_UNPARSABLE_BODY: Final = "There was an error parsing the body"
_NO_BODY: Final = object()
_M = typing.TypeVar("_M", bound=BaseModel)


class RequestReader:
    """Reads the requests of the jobs operations as the server does (module docstring).

    >>> reader = RequestReader()
    >>> reader.job_id("3FA85F64-5717-4562-B3FC-2C963F66AFA6")
    '3fa85f64-5717-4562-b3fc-2c963f66afa6'
    >>> try:
    ...     reader.list_query([("page", "one")])
    ... except RequestRefused as refused:
    ...     refused.status_code, refused.body["detail"][0]["loc"]
    (422, ['query', 'page'])
    """

    def __init__(self, mode: ValidationMode = "server") -> None:
        if mode not in VALIDATION_MODES:
            raise ValueError(unknown_name("validation mode", mode, VALIDATION_MODES))
        #: ``"server"`` or ``"strict"``.
        self.mode: ValidationMode = mode

    def job_id(self, raw: str) -> str:
        """The job id of a path, in the canonical form the server echoes (any UUID spelling)."""
        canonical = _canonical_job_id(raw)
        if canonical is not None:
            return canonical
        problems: list[Problem] = []
        _validate(schemas.JobPath, {"job_id": raw}, ("path",), problems)
        raise RequestRefused.invalid(problems)

    def list_query(self, query: Sequence[tuple[str, str]]) -> ListQuery:
        """The query of a list request (``(name, value)`` pairs, as in the URL)."""
        problems: list[Problem] = []
        params = _validate(schemas.ListJobsQuery, _last_values(query), ("query",), problems)
        if params is None:
            raise RequestRefused.invalid(problems)
        if self.mode == "strict":
            _check(_PAGE, params.page, ("query", "page"), problems)
            _check(_PAGE_SIZE, params.page_size, ("query", "page_size"), problems)
            if params.suffix is not None:
                _check(_SUFFIX, params.suffix, ("query", "suffix"), problems)
            if problems:
                raise RequestRefused.invalid(problems)
        return ListQuery(
            page=params.page,
            page_size=params.page_size,
            model=params.model,
            created_after=_unix(params.created_after, upper=False),
            created_before=_unix(params.created_before, upper=True),
            created_by_me=params.created_by_me,
            status=None if params.status is None else ClassifierJobOutStatus(params.status),
            wandb_project=params.wandb_project,
            wandb_name=params.wandb_name,
            suffix=params.suffix,
        )

    def create(
        self, query: Sequence[tuple[str, str]], headers: Mapping[str, str], body: bytes
    ) -> CreateRequest:
        """A create request: its ``dry_run`` query parameter and its ``JobIn`` body.

        ``headers`` are keyed by lower-case names.
        """
        decoded = read_json_body(headers, body)
        problems: list[Problem] = []
        params = _validate(schemas.CreateJobQuery, _last_values(query), ("query",), problems)
        if decoded is _NO_BODY:
            problems.append(Problem(("body",), "Field required", "missing"))
            job = None
        else:
            job = _validate(schemas.JobIn, decoded, ("body",), problems)
        if job is None or params is None:
            raise RequestRefused.invalid(problems)
        if not job.training_files and not job.repositories:
            reason = NO_TRAINING_FILE
            ctx = {"error": reason}
            problem = Problem(_NO_TRAINING_FILE_LOC, f"Value error, {reason}", "value_error", ctx)
            raise RequestRefused.invalid([problem])
        if self.mode == "strict":
            strict_problems = _strict_body_problems(body, decoded)
            if strict_problems:
                raise RequestRefused.invalid(strict_problems)
        return CreateRequest(job=_job_in(job), dry_run=bool(params.dry_run))

    def model_id(self, raw: str) -> str:
        """The model id of a path, as sent (any string: ``ft:classifier:...`` has colons)."""
        return raw

    def model_list_query(self, query: Sequence[tuple[str, str]]) -> None:
        """Check the query of a list of models (``provider``, ``model``: strings, not applied)."""
        problems: list[Problem] = []
        if _validate(schemas.ListModelsQuery, _last_values(query), ("query",), problems) is None:
            raise RequestRefused.invalid(problems)  # pragma: no cover - strings always validate

    def model_update(self, headers: Mapping[str, str], body: bytes) -> dict[str, str | None]:
        """The ``name`` and ``description`` a model update sends: only the keys it sent."""
        update, _ = self._json_body(schemas.UpdateFTModelIn, headers, body)
        return {name: getattr(update, name) for name in sorted(update.model_fields_set)}

    def classification(
        self, headers: Mapping[str, str], body: bytes, *, chat: bool
    ) -> Classification:
        """A request of ``/v1/classifications`` or (``chat``) ``/v1/chat/classifications``.

        A conversation is kept as the client sent it, so a function that scores it sees the
        client's JSON.
        """
        sent: str | list[str] | dict[str, Any] | list[dict[str, Any]]
        if chat:
            conversations, decoded = self._json_body(
                schemas.ChatClassificationRequest, headers, body
            )
            model, sent = conversations.model, decoded["input"]
        else:
            texts, _ = self._json_body(schemas.ClassificationRequest, headers, body)
            model, sent = texts.model, texts.input
        return Classification(model=model, inputs=list(sent) if isinstance(sent, list) else [sent])

    def _json_body(
        self, model: type[_M], headers: Mapping[str, str], body: bytes
    ) -> tuple[_M, Any]:
        """A required JSON body validated as ``model``, as FastAPI does (and more when strict).

        Returns the validated model and the decoded JSON.
        """
        decoded = read_json_body(headers, body)
        problems: list[Problem] = []
        if decoded is _NO_BODY:
            raise RequestRefused.invalid([Problem(("body",), "Field required", "missing")])
        parsed = _validate(model, decoded, ("body",), problems)
        if parsed is None:
            raise RequestRefused.invalid(problems)
        if self.mode == "strict":
            try:
                model.model_validate_json(body, strict=True)
            except ValidationError as error:
                problems.extend(_problems(error, ("body",)))
            problems.extend(_non_finite(decoded, ("body",)))
            problems.extend(_unknown_keys(decoded, model, ("body",)))
            if problems:
                raise RequestRefused.invalid(problems)
        return parsed, decoded

    def file_id(self, raw: str) -> str:
        """The file id of a path, in the canonical form (any UUID spelling)."""
        problems: list[Problem] = []
        path = _validate(schemas.FilePath, {"file_id": raw}, ("path",), problems)
        if path is None:
            raise RequestRefused.invalid(problems)
        return str(path.file_id)

    def file_query(self, query: Sequence[tuple[str, str]]) -> FileQuery:
        """The query of a list of files; a list parameter takes every value of its name."""
        values: dict[str, Any] = {}
        for name, value in query:
            if name in _LIST_PARAMETERS:
                values.setdefault(name, []).append(value)
            else:
                values[name] = value
        problems: list[Problem] = []
        params = _validate(schemas.ListFilesQuery, values, ("query",), problems)
        if params is None:
            raise RequestRefused.invalid(problems)

        def chosen(items: Sequence[Any] | None) -> frozenset[str] | None:
            return None if items is None else frozenset(getattr(i, "value", i) for i in items)

        return FileQuery(
            page=params.page,
            page_size=params.page_size,
            include_total=params.include_total,
            sample_type=chosen(params.sample_type),
            source=chosen(params.source),
            search=params.search,
            purpose=None if params.purpose is None else params.purpose.value,
            mimetypes=chosen(params.mimetypes),
        )

    def signed_url_expiry(self, query: Sequence[tuple[str, str]]) -> int:
        """The hours a signed link lasts (``expiry``, 24 by default)."""
        problems: list[Problem] = []
        params = _validate(schemas.SignedUrlQuery, _last_values(query), ("query",), problems)
        if params is None:
            raise RequestRefused.invalid(problems)
        return params.expiry

    def upload(self, headers: Mapping[str, str], body: bytes) -> Upload:
        """An upload's form: a ``file`` part (required), ``purpose``, ``expiry``, ``visibility``.

        A body that is not a form reads as an empty form, as Starlette reads it: the ``file``
        is then missing.
        """
        fields = dict(read_form(headers, body))  # the last of a repeated name, as Starlette
        problems: list[Problem] = []
        text = {name: v for name, v in fields.items() if name != "file" and isinstance(v, str)}
        params = _validate(schemas.UploadForm, text, ("body",), problems)
        file = fields.get("file")
        if file is None:
            problems.append(Problem(("body", "file"), "Field required", "missing"))
        elif not isinstance(file, FilePart):
            reason = "Expected UploadFile, received: <class 'str'>"
            problems.append(Problem(("body", "file"), f"Value error, {reason}", "value_error"))
        if problems or params is None or not isinstance(file, FilePart):
            raise RequestRefused.invalid(problems)
        purpose = "fine-tune" if params.purpose is None else params.purpose.value
        return Upload(file=file, purpose=purpose)


def read_form(headers: Mapping[str, str], body: bytes) -> list[tuple[str, str | FilePart]]:
    """The fields of a form body, in order, as Starlette reads them.

    ``multipart/form-data`` (a part with a ``filename`` is a :class:`FilePart`) and
    ``application/x-www-form-urlencoded``; any other body is an empty form. A multipart type
    without a boundary is a ``400``, as Starlette answers it.
    """
    message = email.message.Message()
    message["content-type"] = headers.get("content-type", "")
    content_type = message.get_content_type()
    if content_type == "application/x-www-form-urlencoded":
        pairs = urllib.parse.parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        return list(pairs)
    if content_type != "multipart/form-data":
        return []
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise RequestRefused(400, {"detail": "Missing boundary in multipart."})
    fields: list[tuple[str, str | FilePart]] = []
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):  # the closing delimiter
            break
        head, found, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not found:
            continue
        # Starlette reads part headers as UTF-8 (httpx sends a non-ASCII filename so).
        part = email.message_from_string(head.decode("utf-8", "replace") + "\r\n\r\n")
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        content = content.removesuffix(b"\r\n")
        filename = part.get_filename()
        if filename is None:
            fields.append((name, content.decode("utf-8", "replace")))
        else:
            type_ = part.get("content-type")
            fields.append((name, FilePart(filename=filename, content=content, content_type=type_)))
    return fields


def read_json_body(headers: Mapping[str, str], body: bytes) -> Any:
    """The body as FastAPI hands it to validation: JSON, raw bytes, or no body at all.

    Raises :class:`RequestRefused` for JSON that does not parse (``422``) and for a body that
    cannot be decoded (``400``).
    """
    if not body:
        return _NO_BODY
    content_type = headers.get("content-type")
    if not content_type or not _is_json_type(content_type):
        return body
    try:
        return json.loads(body)
    except json.JSONDecodeError as error:
        problem = Problem(
            ("body", error.pos), "JSON decode error", "json_invalid", {"error": error.msg}
        )
        raise RequestRefused.invalid([problem]) from None
    except Exception:  # what FastAPI catches too: not UTF-8, nested too deep, too many digits
        raise RequestRefused(400, {"detail": _UNPARSABLE_BODY}) from None


def _is_json_type(content_type: str) -> bool:
    # The standard library's reading of the header, as FastAPI's: parameters, case, spaces.
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


# A poller sends the same job id again and again: pydantic validates each spelling once. Only
# valid ids are remembered: a refused one is validated again, for its problems.
@functools.lru_cache(maxsize=4096)
def _canonical_job_id(raw: str) -> str | None:
    """The canonical spelling of a valid job id, or ``None`` when pydantic refuses it."""
    path = _validate(schemas.JobPath, {"job_id": raw}, ("path",), [])
    return None if path is None else str(path.job_id)


def _last_values(query: Sequence[tuple[str, str]]) -> dict[str, str]:
    # Starlette's QueryParams keep the last value of a repeated name for a scalar parameter.
    return dict(query)


def _validate(model: type[_M], value: Any, prefix: Loc, problems: list[Problem]) -> _M | None:
    """``value`` validated as FastAPI validates a parameter or a body; problems appended."""
    try:
        return model.model_validate(value, from_attributes=True)
    except ValidationError as error:
        problems.extend(_problems(error, prefix))
        return None


def _problems(error: ValidationError, prefix: Loc) -> Iterator[Problem]:
    # pydantic's JSON form of its errors writes an exception in ctx as its message.
    for entry in json.loads(error.json(include_url=False, include_input=False)):
        ctx = entry.get("ctx")
        yield Problem(
            (*prefix, *entry["loc"]),
            entry["msg"],
            entry["type"],
            None if ctx is None else types.MappingProxyType(ctx),
        )


def _check(adapter: TypeAdapter[Any], value: Any, loc: Loc, problems: list[Problem]) -> None:
    try:
        adapter.validate_python(value)
    except ValidationError as error:
        problems.extend(_problems(error, loc))


def _unix(moment: datetime.datetime | None, *, upper: bool) -> int | None:
    """Whole Unix seconds of a query datetime: a naive one is UTC; a lower bound rounds up."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    seconds = moment.timestamp()
    return math.floor(seconds) if upper else math.ceil(seconds)


def _job_in(job: schemas.JobIn) -> JobIn:
    """The request as the fake stores it (attrs), classifier side."""
    hp = job.hyperparameters
    return JobIn(
        model=job.model,
        hyperparameters=ClassifierTrainingParametersIn(
            training_steps=hp.training_steps,
            learning_rate=hp.learning_rate,
            weight_decay=hp.weight_decay,
            warmup_fraction=hp.warmup_fraction,
            epochs=hp.epochs,
            seq_len=hp.seq_len,
        ),
        training_files=[
            TrainingFile(file_id=str(f.file_id), weight=f.weight) for f in job.training_files
        ],
        validation_files=(
            None if job.validation_files is None else [str(v) for v in job.validation_files]
        ),
        suffix=job.suffix,
        integrations=(
            None
            if job.integrations is None
            else [
                WandbIntegration(
                    project=i.project, api_key=i.api_key, name=i.name, run_name=i.run_name
                )
                for i in job.integrations
            ]
        ),
        auto_start=job.auto_start,
        invalid_sample_skip_percentage=job.invalid_sample_skip_percentage,
        job_type=None if job.job_type is None else job.job_type.value,
        classifier_targets=(
            None
            if job.classifier_targets is None
            else [
                ClassifierTargetIn(
                    name=t.name,
                    labels=list(t.labels),
                    weight=t.weight,
                    loss_function=None if t.loss_function is None else t.loss_function.value,
                )
                for t in job.classifier_targets
            ]
        ),
    )


# --- strict mode ----------------------------------------------------------------------------------

_PAGE: Final = TypeAdapter(Annotated[int, Field(ge=0)])
_PAGE_SIZE: Final = TypeAdapter(Annotated[int, Field(ge=1)])
_MODEL_NAME: Final = TypeAdapter(Annotated[str, Field(min_length=1)])
# The v2 spec's suffix (platform-docs-public public/openapi.yaml at a526d089).
_SUFFIX: Final = TypeAdapter(Annotated[str, Field(min_length=1, pattern=r"^[a-zA-Z0-9_-]+$")])
_FIM_RATIO: Final = "fim_ratio is a hyperparameter of completion jobs; a classifier job takes none"
_REPOSITORIES: Final = (
    "repositories are training data of completion jobs; a classifier job takes none"
)


def _strict_body_problems(body: bytes, decoded: Any) -> list[Problem]:
    """What strict mode refuses in a body the server accepts (module docstring)."""
    problems: list[Problem] = []
    try:
        schemas.JobIn.model_validate_json(body, strict=True)
    except ValidationError as error:
        problems.extend(_problems(error, ("body",)))
    problems.extend(_non_finite(decoded, ("body",)))
    problems.extend(_unknown_keys(decoded, schemas.JobIn, ("body",)))
    _check(_MODEL_NAME, decoded["model"], ("body", "model"), problems)
    if decoded.get("suffix") is not None:
        _check(_SUFFIX, decoded["suffix"], ("body", "suffix"), problems)
    hyperparameters = decoded["hyperparameters"]
    if isinstance(hyperparameters, dict) and "fim_ratio" in hyperparameters:
        problems.append(_value_error(("body", "hyperparameters", "fim_ratio"), _FIM_RATIO))
    if decoded.get("repositories"):
        problems.append(_value_error(("body", "repositories"), _REPOSITORIES))
    return problems


def _value_error(loc: Loc, reason: str) -> Problem:
    return Problem(loc, f"Value error, {reason}", "value_error", {"error": reason})


def _non_finite(value: Any, loc: Loc) -> Iterator[Problem]:
    """``NaN`` and infinities anywhere in parsed JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        yield Problem(loc, "Input should be a finite number", "finite_number")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, (*loc, index))


def _unknown_keys(value: Any, model: type[BaseModel], loc: Loc) -> Iterator[Problem]:
    """Keys of ``value`` (JSON the server accepted as ``model``) that no schema has."""
    fields = model.model_fields
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            yield Problem((*loc, key), "Extra inputs are not permitted", "extra_forbidden")
            continue
        yield from _unknown_keys_in(item, field.annotation, (*loc, key))


def _unknown_keys_in(value: Any, annotation: Any, loc: Loc) -> Iterator[Problem]:
    """Unknown keys in ``value``, which validated as ``annotation`` (a model, list or union)."""
    if value is None:  # a null has no keys, whatever its schema
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        yield from _unknown_keys_in(value, args[0], loc)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # In a union of a model and a list of it (a chat classification's input), the value
        # validated as one of them: only an object has keys.
        if isinstance(value, dict):
            yield from _unknown_keys(value, annotation, loc)
    elif origin is list and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unknown_keys_in(item, args[0], (*loc, index))
    elif origin in (typing.Union, types.UnionType):
        models = [arg for arg in args if isinstance(arg, type) and issubclass(arg, BaseModel)]
        if len(models) > 1:
            # The hyperparameters' anyOf: a key is unknown when no member has it.
            known = set().union(*(model.model_fields for model in models))
            yield from (
                Problem((*loc, key), "Extra inputs are not permitted", "extra_forbidden")
                for key in value
                if key not in known
            )
        else:
            for arg in args:
                yield from _unknown_keys_in(value, arg, loc)
