"""Request validation as the real server does it: the create body and the list query.

The real API is a FastAPI application (inferred: its 422 bodies have FastAPI's shape, see
``reference/mistral-jobs-api.md`` section 4). This module checks what a client sends the way
FastAPI and pydantic v2 would, and returns the problems in the shape of one entry of a 422
``{"detail": [...]}`` body: :class:`Problem`. The functions are pure (no HTTP, no pytest): the
fake's routes call them on every create and list request.

Every problem is reported, not just the first, in the order pydantic reports them: the fields in
the order of the schema, one problem per value. Messages, ``type`` names and ``ctx`` are
pydantic v2's (checked against pydantic 2.14 / pydantic-core 2.50), so a test that reads a 422
of the fake reads what the server would have said. Where the server's answer is unknown the
messages say what is allowed.

Sources are tagged as in ``lifecycle.py``: **documented** (the OpenAPI spec of the contract,
``reference/mistral-jobs-openapi-fragment.json``), **inferred** (what FastAPI and pydantic do with
that schema), **chosen** (the contract says nothing; this is the fake's decision).

Create body (``POST /v1/fine_tuning/jobs``)
-------------------------------------------
* An empty body or a JSON ``null`` is ``missing`` at ``("body",)``; a body that is not JSON is
  FastAPI's ``json_invalid`` at ``("body", <character position>)`` with the parser's reason in
  ``ctx.error`` (inferred: FastAPI's ``routing.py`` builds exactly this); JSON that is not an
  object is ``model_attributes_type`` at ``("body",)`` (inferred: FastAPI validates with
  ``from_attributes=True``, which is also why a nested non-object gets that type). A body that
  Python's ``json`` cannot read for another reason (not UTF-8, nested too deep, an integer of
  more digits than ``int()`` reads) gets the same ``json_invalid`` at ``("body", 0)`` (chosen:
  FastAPI answers those with a 400 and no detail list).
* JSON types are checked strictly, which is stricter than pydantic's lax mode (chosen, so that a
  client bug shows): a number is not a string, ``true`` is not a number, ``"0.1"`` is not a
  number, ``"true"`` is not a boolean. As in pydantic, an integer is accepted for a float and a
  float without a fraction (``10.0``) for an integer. ``NaN`` and infinities, which Python's
  ``json`` reads, are ``finite_number`` problems (chosen: pydantic accepts them for floats).
* The bounds of the spec (documented); ``model`` must not be empty (chosen); ``suffix`` also
  takes the v2 spec's ``minLength: 1`` and ``pattern: ^[a-zA-Z0-9_-]+$`` (documented in
  platform-docs-public ``public/openapi.yaml`` at ``a526d089``).
* UUIDs are read as pydantic reads them (32 hex digits, hyphenated, braced or ``urn:uuid:``, any
  case) and kept in the canonical lowercase hyphenated form the server would echo (inferred).
* ``integrations`` items are a discriminated union on ``type`` (documented: ``oneOf`` with a
  ``discriminator``), so pydantic requires the tag although the schema gives it a default, and
  puts the tag in the location of a field's problem: ``("body", "integrations", 0, "wandb",
  "api_key")`` (inferred).
* ``hyperparameters`` is ``anyOf`` a completion and a classifier shape in the spec; the real
  server would report a problem once per shape, under the shape's name. The fake serves
  classifier jobs only and reports it once, at ``("body", "hyperparameters", <field>)``
  (chosen). Completion-only input is refused with a ``value_error`` that says so: a
  ``fim_ratio``, ``job_type: "completion"``, a non-empty ``repositories``.
* No training file (``training_files`` absent or ``[]``) is the real server's problem, verbatim
  from mistralai/client-ts#70: ``value_error`` at ``("body", "job_in")``. It is reported with the
  other problems, last (chosen: the server's model-level check presumably runs only once the
  fields are valid, but a test learns more from all of them at once). A ``null``
  ``training_files`` is a ``list_type`` problem instead: the spec does not make it nullable.
* A bare UUID string is accepted as a training file of weight ``1.0`` (chosen): the docs' curl
  example sends ``"training_files": ["<uuid>"]``, and the contract leaves open whether the server
  takes it (section 1.3 and open question 5).
* Defaults are filled in: ``auto_start`` ``False`` (documented in the docs, not in the spec),
  ``invalid_sample_skip_percentage`` ``0.0``, the hyperparameters' defaults, a training file's
  and a classifier target's ``weight`` ``1.0``. ``job_type`` stays ``None`` when not sent. Unknown
  keys are ignored, as pydantic ignores them.

List query (``GET /v1/fine_tuning/jobs``)
-----------------------------------------
Query values are strings and are read as pydantic's lax mode reads strings (inferred), so every
value the SDK sends is accepted:

* ``page`` (``>= 0``) and ``page_size`` (``>= 1``, no upper bound: nothing in the contract
  gives one) are integers as pydantic parses them: surrounding whitespace, a sign, ``_`` between
  digits and a ``.0`` fraction are fine (``" 1_0.0 "`` is 10), anything else is ``int_parsing``.
  The bounds are the fake's (chosen: the spec has none; a negative page makes no sense).
  Two quirks of pydantic-core are not copied: it reads ``"0-1"`` as -1, and it refuses an
  integer of more than 4300 characters that holds a ``_`` as ``int_parsing`` rather than
  ``int_parsing_size``.
* ``created_by_me`` is a boolean as pydantic reads one: ``true``/``false``, ``1``/``0``,
  ``yes``/``no``, ``on``/``off``, ``t``/``f``, ``y``/``n`` in any case.
* ``status`` is one of the ten statuses, as a ``literal_error`` (inferred: the spec writes the
  enum inline, which is how pydantic renders a ``Literal``; an ``Enum`` class would be a
  ``$ref``).
* ``created_after`` / ``created_before`` are read as pydantic reads a ``datetime`` (inferred): an
  ISO 8601 date-time (``T``, ``t``, ``_`` or a space between date and time, seconds and fraction
  optional, ``Z`` or an offset such as ``+02:00`` / ``+0200``, no offset meaning UTC here), a
  bare date (midnight), or a Unix timestamp (seconds, or milliseconds above ``2e10``, as pydantic
  guesses). The value becomes whole Unix seconds, rounded down (chosen: jobs carry whole seconds).
* ``suffix`` follows the body's rules; ``model``, ``wandb_project``, ``wandb_name`` take any
  string. Unknown parameters are ignored; a parameter given twice counts with its last value,
  as Starlette's ``request.query_params[name]`` gives it (inferred).
"""

import datetime
import decimal
import enum
import json
import math
import re
import types
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from .models import (
    ClassifierJobOutStatus,
    ClassifierTargetIn,
    ClassifierTrainingParametersIn,
    JobIn,
    TrainingFile,
    WandbIntegration,
)

__all__ = [
    "ListQuery",
    "Problem",
    "parse_create_body",
    "parse_job_id",
    "parse_list_query",
    "validation_error_body",
]

Loc = tuple[str | int, ...]


@attrs.frozen
class Problem:
    """One entry of a FastAPI 422 body: where, what, and pydantic's name for it.

    >>> problem = Problem(("body", "model"), "Field required", "missing")
    >>> problem.to_json()
    {'type': 'missing', 'loc': ['body', 'model'], 'msg': 'Field required'}
    """

    #: Where the problem is: ``"body"`` or ``"query"``, then keys and list indices.
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
    """The JSON body of a 422 answer that reports ``problems``.

    >>> validation_error_body([Problem(("query", "page"), "Field required", "missing")])
    {'detail': [{'type': 'missing', 'loc': ['query', 'page'], 'msg': 'Field required'}]}
    """
    return {"detail": [problem.to_json() for problem in problems]}


@attrs.frozen(kw_only=True)
class ListQuery:
    """The query of a list request, read and checked; the defaults are the spec's."""

    #: Zero-based page number.
    page: int = 0
    #: Jobs per page.
    page_size: int = 100
    #: Only jobs of this base model.
    model: str | None = None
    #: Only jobs created after this moment, in Unix seconds (a fraction rounds up).
    created_after: int | None = None
    #: Only jobs created before this moment, in Unix seconds.
    created_before: int | None = None
    #: Only jobs created by the caller.
    created_by_me: bool = False
    #: Only jobs in this status.
    status: ClassifierJobOutStatus | None = None
    #: Only jobs with a W&B integration in this project.
    wandb_project: str | None = None
    #: Only jobs with a W&B integration of this run name.
    wandb_name: str | None = None
    #: Only jobs with this suffix.
    suffix: str | None = None


# --- building blocks ------------------------------------------------------------------------------
#
# A check takes a value (or _ABSENT for a key that is not there), its location and the list of
# problems; it returns the value to keep, or _BAD after appending the problem. The checks of the
# fields are built once, at import, from the tables below.


class _Bad(enum.Enum):
    BAD = enum.auto()


_BAD: Final = _Bad.BAD
_ABSENT: Final = object()

_Problems = list[Problem]
_Check = Callable[[Any, Loc, _Problems], Any]
_Number = int | float

_MISSING = "Field required"
_STRING_TYPE = "Input should be a valid string"
_INT_TYPE = "Input should be a valid integer"
_INT_FROM_FLOAT = "Input should be a valid integer, got a number with a fractional part"
_INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"
_INT_SIZE = "Unable to parse input string as an integer, exceeded maximum size"
_FLOAT_TYPE = "Input should be a valid number"
_FINITE = "Input should be a finite number"
_BOOL_TYPE = "Input should be a valid boolean"
_BOOL_PARSING = "Input should be a valid boolean, unable to interpret input"
_LIST_TYPE = "Input should be a valid list"
_OBJECT = "Input should be a valid dictionary or object to extract fields from"
_UUID_TYPE = "UUID input should be a string, bytes or UUID object"

# pydantic-core gives up on a number that does not fit an i64 before it looks at its fraction.
_I64_MIN = -(2**63)
_I64_LIMIT = 2**63


def _missing(loc: Loc) -> Problem:
    return Problem(loc, _MISSING, "missing")


def _value_error(loc: Loc, reason: str) -> Problem:
    return Problem(loc, f"Value error, {reason}", "value_error", {"error": reason})


def _show(bound: _Number) -> str:
    """A bound as pydantic-core prints it (Rust's ``Display``: ``1e-08`` is ``0.00000001``)."""
    if isinstance(bound, int):
        return str(bound)
    return format(decimal.Decimal(repr(bound)), "f").rstrip("0").rstrip(".")


@attrs.frozen
class _Bound:
    holds: Callable[[_Number], bool]
    msg: str
    type: str
    ctx: Mapping[str, object]


def _shared(ctx: dict[str, object]) -> Mapping[str, object]:
    """A ``ctx`` that many problems share: read-only, so that no caller can change the others."""
    return types.MappingProxyType(ctx)


def _ge(bound: _Number) -> _Bound:
    msg = f"Input should be greater than or equal to {_show(bound)}"
    return _Bound(lambda value: value >= bound, msg, "greater_than_equal", _shared({"ge": bound}))


def _gt(bound: _Number) -> _Bound:
    msg = f"Input should be greater than {_show(bound)}"
    return _Bound(lambda value: value > bound, msg, "greater_than", _shared({"gt": bound}))


def _le(bound: _Number) -> _Bound:
    msg = f"Input should be less than or equal to {_show(bound)}"
    return _Bound(lambda value: value <= bound, msg, "less_than_equal", _shared({"le": bound}))


def _within(value: _Number, bounds: tuple[_Bound, ...], loc: Loc, problems: _Problems) -> Any:
    for bound in bounds:
        if not bound.holds(value):
            problems.append(Problem(loc, bound.msg, bound.type, bound.ctx))
            return _BAD
    return value


def _integer(*bounds: _Bound) -> _Check:
    def check(value: Any, loc: Loc, problems: _Problems) -> Any:
        if type(value) is float:
            if not math.isfinite(value):
                problems.append(Problem(loc, _FINITE, "finite_number"))
                return _BAD
            if not _I64_MIN <= value < _I64_LIMIT:
                problems.append(Problem(loc, _INT_SIZE, "int_parsing_size"))
                return _BAD
            if not value.is_integer():
                problems.append(Problem(loc, _INT_FROM_FLOAT, "int_from_float"))
                return _BAD
            value = int(value)
        elif type(value) is not int:
            problems.append(Problem(loc, _INT_TYPE, "int_type"))
            return _BAD
        return _within(value, bounds, loc, problems)

    return check


def _number(*bounds: _Bound) -> _Check:
    def check(value: Any, loc: Loc, problems: _Problems) -> Any:
        if type(value) is int:
            try:
                value = float(value)
            except OverflowError:
                # What pydantic-core says of an integer too large for a float.
                problems.append(Problem(loc, _FLOAT_TYPE, "float_type"))
                return _BAD
        elif type(value) is not float:
            problems.append(Problem(loc, _FLOAT_TYPE, "float_type"))
            return _BAD
        elif not math.isfinite(value):
            problems.append(Problem(loc, _FINITE, "finite_number"))
            return _BAD
        return _within(value, bounds, loc, problems)

    return check


def _boolean(value: Any, loc: Loc, problems: _Problems) -> Any:
    if type(value) is bool:
        return value
    problems.append(Problem(loc, _BOOL_TYPE, "bool_type"))
    return _BAD


def _plural(count: int | None) -> str:
    return "" if count == 1 else "s"


def _string(
    min_length: int | None = None, max_length: int | None = None, pattern: str | None = None
) -> _Check:
    """A check of a string field, with its problems built once."""
    too_short = f"String should have at least {min_length} character{_plural(min_length)}"
    too_long = f"String should have at most {max_length} character{_plural(max_length)}"
    mismatch = f"String should match pattern '{pattern}'"
    # Rust's regex, which pydantic uses, has no "$ before a final newline": match it all.
    whole = None if pattern is None else re.compile(pattern.removeprefix("^").removesuffix("$"))

    def check(value: Any, loc: Loc, problems: _Problems) -> Any:
        if type(value) is not str:
            problems.append(Problem(loc, _STRING_TYPE, "string_type"))
        elif min_length is not None and len(value) < min_length:
            ctx: dict[str, object] = {"min_length": min_length}
            problems.append(Problem(loc, too_short, "string_too_short", ctx))
        elif max_length is not None and len(value) > max_length:
            ctx = {"max_length": max_length}
            problems.append(Problem(loc, too_long, "string_too_long", ctx))
        elif whole is not None and whole.fullmatch(value) is None:
            ctx = {"pattern": pattern}
            problems.append(Problem(loc, mismatch, "string_pattern_mismatch", ctx))
        else:
            return value
        return _BAD

    return check


def _choice(*allowed: str, type_: str) -> _Check:
    quoted = [f"'{name}'" for name in allowed]
    expected = f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    msg = f"Input should be {expected}"
    ctx = _shared({"expected": expected})

    def check(value: Any, loc: Loc, problems: _Problems) -> Any:
        if type(value) is str and value in allowed:
            return value
        problems.append(Problem(loc, msg, type_, ctx))
        return _BAD

    return check


def _required(check: _Check) -> _Check:
    def required(value: Any, loc: Loc, problems: _Problems) -> Any:
        if value is _ABSENT:
            problems.append(_missing(loc))
            return _BAD
        return check(value, loc, problems)

    return required


def _default(default: object, check: _Check) -> _Check:
    """A field that may be absent, but not null."""

    def defaulted(value: Any, loc: Loc, problems: _Problems) -> Any:
        return default if value is _ABSENT else check(value, loc, problems)

    return defaulted


def _nullable(check: _Check, default: object = None) -> _Check:
    def nullable(value: Any, loc: Loc, problems: _Problems) -> Any:
        if value is _ABSENT:
            return default
        return None if value is None else check(value, loc, problems)

    return nullable


def _list_of(item: _Check) -> _Check:
    def check(value: Any, loc: Loc, problems: _Problems) -> Any:
        if type(value) is not list:
            problems.append(Problem(loc, _LIST_TYPE, "list_type"))
            return _BAD
        before = len(problems)
        items = [item(element, (*loc, index), problems) for index, element in enumerate(value)]
        return _BAD if len(problems) > before else items

    return check


_Fields = tuple[tuple[str, _Check], ...]


def _fields(value: dict[str, Any], fields: _Fields, loc: Loc, problems: _Problems) -> Any:
    """Check the fields of an object in order; their values by name, or _BAD."""
    before = len(problems)
    found = {
        name: check(value.get(name, _ABSENT), (*loc, name), problems) for name, check in fields
    }
    return _BAD if len(problems) > before else found


def _object(fields: _Fields, cls: Callable[..., Any]) -> _Check:
    def check(value: Any, loc: Loc, problems: _Problems) -> Any:
        if type(value) is not dict:
            problems.append(Problem(loc, _OBJECT, "model_attributes_type"))
            return _BAD
        found = _fields(value, fields, loc, problems)
        return found if found is _BAD else cls(**found)

    return check


# --- UUIDs ----------------------------------------------------------------------------------------

_HEX_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# The four forms that the uuid crate's Uuid::parse_str (called by pydantic-core) reads.
_UUID = re.compile(rf"[0-9a-fA-F]{{32}}|{_HEX_UUID}|\{{{_HEX_UUID}\}}|urn:uuid:{_HEX_UUID}")
_GROUP_STARTS = (0, 9, 14, 19, 24)
_GROUP_LENGTHS = (8, 4, 4, 4, 12)


def _uuid(value: Any, loc: Loc, problems: _Problems) -> Any:
    if type(value) is not str:
        problems.append(Problem(loc, _UUID_TYPE, "uuid_type"))
        return _BAD
    if _UUID.fullmatch(value) is None:
        error = _uuid_error(value)
        msg = f"Input should be a valid UUID, {error}"
        problems.append(Problem(loc, msg, "uuid_parsing", {"error": error}))
        return _BAD
    return str(uuid.UUID(value))


def parse_job_id(value: str) -> str | Problem:
    """A path's job id in canonical form (lower case, hyphens), or FastAPI's 422 problem with it.

    >>> parse_job_id("DB22EA7E-1895-4309-92D9-9AC881B1B117")
    'db22ea7e-1895-4309-92d9-9ac881b1b117'
    """
    problems: _Problems = []
    checked = _uuid(value, ("path", "job_id"), problems)
    return problems[0] if problems else str(checked)


def _uuid_error(text: str) -> str:
    """What the uuid crate (1.23, in pydantic-core 2.50) says of a string it cannot read.

    It counts bytes and looks at the low byte of each character.
    """
    raw = text.encode("utf-8", "surrogatepass")
    size = len(raw)
    if size == 0 or size > 45:
        return f"invalid length: found {size}"
    braced = size >= 2 and raw[0] == ord("{") and raw[-1] == ord("}")
    urn = raw.startswith(b"urn:uuid:")
    # The crate hands a braced UUID of 38 bytes and a URN of 45 to its hyphenated parser without
    # the wrapping, and then explains what is inside.
    if (size == 38 and braced) or (size == 45 and urn):
        inner = raw[1:-1] if braced else raw[9:]
        return _uuid_error(inner.decode("utf-8", "surrogatepass"))
    # A 36-byte string, a braced one and a URN are read as hyphenated UUIDs; any other string
    # only once it turns out to hold a hyphen.
    if size == 36:
        return _uuid_scan(raw, 0, size, hyphenated=True)
    if braced:
        return _uuid_scan(raw, 1, size - 1, hyphenated=True)
    return _uuid_scan(raw, 9 if urn else 0, size, hyphenated=urn)


def _uuid_scan(raw: bytes, start: int, end: int, *, hyphenated: bool) -> str:
    hyphens = 0
    bounds = [0, 0, 0, 0]
    index = 0
    for char in raw[start:end].decode("utf-8", "surrogatepass"):
        low = ord(char) & 0xFF
        if low == ord("-"):
            hyphenated = True
            if hyphens < 4:
                bounds[hyphens] = index
            hyphens += 1
        elif low not in _HEX_BYTES:
            return f"invalid character: found `{char}` at {index + start}"
        index += len(char.encode("utf-8", "surrogatepass"))
    if not hyphenated:
        return f"invalid length: found {len(raw)}"
    if hyphens != 4:
        return f"invalid group count: expected 5, found {hyphens + 1}"
    for group in range(4):
        if bounds[group] != _GROUP_STARTS[group + 1] - 1:
            found = bounds[group] - _GROUP_STARTS[group]
            expected = _GROUP_LENGTHS[group]
            return f"invalid group length in group {group}: expected {expected}, found {found}"
    return f"invalid group length in group 4: expected 12, found {len(raw) - _GROUP_STARTS[4]}"


_HEX_BYTES = frozenset(b"0123456789abcdefABCDEF")


# --- the create body ------------------------------------------------------------------------------

_CLASSIFIER_ONLY = "this fake serves classifier fine-tuning jobs only"
_FIM_RATIO = f"fim_ratio is a hyperparameter of completion jobs; {_CLASSIFIER_ONLY}"
_COMPLETION = f"{_CLASSIFIER_ONLY}; job_type 'completion' is not supported, send 'classifier'"
_REPOSITORIES = (
    "repositories are for completion jobs, which this fake does not serve; "
    "a classifier job reads its data from training_files"
)
# Verbatim from the real server's 422 (mistralai/client-ts#70).
_NO_TRAINING_FILE = "At least one training file or repository is required."

_STRING = _string()
# The v2 spec's rules for `suffix`, in JobIn and in the list query (platform-docs-public
# public/openapi.yaml at a526d089); the v1 spec has only the maximum length.
_SUFFIX = _string(min_length=1, max_length=18, pattern=r"^[a-zA-Z0-9_-]+$")

# ClassifierTrainingParametersIn, in the spec's order (documented): the order pydantic reports.
_HYPERPARAMETER_FIELDS: _Fields = (
    ("training_steps", _nullable(_integer(_ge(1)))),
    ("learning_rate", _default(0.0001, _number(_ge(1e-8), _le(1.0)))),
    ("weight_decay", _nullable(_number(_ge(0.0), _le(1.0)), default=0.1)),
    ("warmup_fraction", _nullable(_number(_ge(0.0), _le(1.0)), default=0.05)),
    ("epochs", _nullable(_number(_gt(0.0)))),
    ("seq_len", _nullable(_integer(_ge(100)))),
)
_hyperparameter_values = _object(_HYPERPARAMETER_FIELDS, ClassifierTrainingParametersIn)


def _hyperparameters(value: Any, loc: Loc, problems: _Problems) -> Any:
    checked = _hyperparameter_values(value, loc, problems)
    if type(value) is dict and "fim_ratio" in value:
        problems.append(_value_error((*loc, "fim_ratio"), _FIM_RATIO))
        return _BAD
    return checked


_TRAINING_FILE_FIELDS: _Fields = (
    ("file_id", _required(_uuid)),
    ("weight", _default(1.0, _number(_gt(0.0)))),
)
_training_file_object = _object(_TRAINING_FILE_FIELDS, TrainingFile)


def _training_file(value: Any, loc: Loc, problems: _Problems) -> Any:
    if type(value) is str:
        # A bare id, as in the docs' curl example: see the module docstring.
        file_id = _uuid(value, loc, problems)
        return file_id if file_id is _BAD else TrainingFile(file_id=file_id)
    return _training_file_object(value, loc, problems)


_training_file_list = _list_of(_training_file)


def _training_files(value: Any, loc: Loc, problems: _Problems) -> Any:
    # Absent is the spec's default, a new []: the check of the whole body reports it.
    return [] if value is _ABSENT else _training_file_list(value, loc, problems)


_WANDB_FIELDS: _Fields = (
    ("project", _required(_STRING)),
    ("api_key", _required(_string(min_length=40, max_length=40))),
    ("name", _nullable(_STRING)),
    ("run_name", _nullable(_STRING)),
)
_NO_TAG = "Unable to extract tag using discriminator 'type'"
_NO_TAG_CTX = _shared({"discriminator": "'type'"})


def _integration(value: Any, loc: Loc, problems: _Problems) -> Any:
    if type(value) is not dict:
        problems.append(Problem(loc, _OBJECT, "model_attributes_type"))
        return _BAD
    tag = value.get("type", _ABSENT)
    if tag is _ABSENT:
        problems.append(Problem(loc, _NO_TAG, "union_tag_not_found", _NO_TAG_CTX))
        return _BAD
    if tag != "wandb":
        msg = (
            f"Input tag '{tag}' found using 'type' does not match any of the expected tags: 'wandb'"
        )
        ctx = {"discriminator": "'type'", "tag": str(tag), "expected_tags": "'wandb'"}
        problems.append(Problem(loc, msg, "union_tag_invalid", ctx))
        return _BAD
    # pydantic names the member of a discriminated union by its tag in the location.
    found = _fields(value, _WANDB_FIELDS, (*loc, "wandb"), problems)
    return found if found is _BAD else WandbIntegration(**found)


_CLASSIFIER_TARGET_FIELDS: _Fields = (
    ("name", _required(_STRING)),
    ("labels", _required(_list_of(_STRING))),
    ("weight", _default(1.0, _number(_ge(0.0)))),
    # FTClassifierLossFunction is a schema of its own, as pydantic writes an Enum: "enum".
    ("loss_function", _nullable(_choice("single_class", "multi_class", type_="enum"))),
)

_job_type_choice = _choice("completion", "classifier", type_="enum")


def _job_type(value: Any, loc: Loc, problems: _Problems) -> Any:
    if value == "completion":
        problems.append(_value_error(loc, _COMPLETION))
        return _BAD
    return _job_type_choice(value, loc, problems)


def _repositories(value: Any, loc: Loc, problems: _Problems) -> Any:
    """Whether there is a repository; null and [] are fine, a classifier job takes none."""
    if type(value) is not list:
        problems.append(Problem(loc, _LIST_TYPE, "list_type"))
        return False
    if value:
        problems.append(_value_error(loc, _REPOSITORIES))
        return True
    return False


# JobIn, in the spec's order (documented): the order pydantic reports in. `repositories` is not
# a field of the fake's JobIn; its check says whether the body has one.
_JOB_IN_FIELDS = tuple(
    (name, ("body", name), check)
    for name, check in (
        ("model", _required(_string(min_length=1))),
        ("training_files", _training_files),
        ("validation_files", _nullable(_list_of(_uuid))),
        ("suffix", _nullable(_SUFFIX)),
        ("integrations", _nullable(_list_of(_integration))),
        # Documented as false by default in the docs; the spec gives no default.
        ("auto_start", _default(False, _boolean)),
        ("invalid_sample_skip_percentage", _default(0.0, _number(_ge(0.0), _le(0.5)))),
        ("job_type", _nullable(_job_type)),
        ("hyperparameters", _required(_hyperparameters)),
        ("repositories", _nullable(_repositories, default=False)),
        (
            "classifier_targets",
            _nullable(_list_of(_object(_CLASSIFIER_TARGET_FIELDS, ClassifierTargetIn))),
        ),
    )
)
_BODY: Loc = ("body",)


def _job_in(data: dict[str, Any]) -> JobIn | list[Problem]:
    problems: _Problems = []
    found = {
        name: check(data.get(name, _ABSENT), loc, problems) for name, loc, check in _JOB_IN_FIELDS
    }
    # The server's check of the whole model, after the fields.
    has_repository = found.pop("repositories")
    if found["training_files"] == [] and not has_repository:
        problems.append(_value_error(("body", "job_in"), _NO_TRAINING_FILE))
    if problems:
        return problems
    return JobIn(**found)


def parse_create_body(body: bytes) -> JobIn | list[Problem]:
    """Read the body of a create request: a :class:`JobIn` with its defaults, or every problem.

    >>> job = parse_create_body(
    ...     b'{"model": "ministral-3b-latest", "hyperparameters": {"training_steps": 10},'
    ...     b' "training_files": [{"file_id": "3FA85F64-5717-4562-B3FC-2C963F66AFA6"}]}'
    ... )
    >>> job.training_files, job.hyperparameters.learning_rate, job.auto_start
    ([TrainingFile(file_id='3fa85f64-5717-4562-b3fc-2c963f66afa6', weight=1.0)], 0.0001, False)
    >>> for problem in parse_create_body(b'{"model": "", "hyperparameters": {"seq_len": 50}}'):
    ...     print(problem.loc, problem.msg)
    ('body', 'model') String should have at least 1 character
    ('body', 'hyperparameters', 'seq_len') Input should be greater than or equal to 100
    ('body', 'job_in') Value error, At least one training file or repository is required.

    The module docstring lists the rules and where each comes from.
    """
    if not body:
        return [_missing(_BODY)]
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        return [Problem(("body", exc.pos), "JSON decode error", "json_invalid", {"error": exc.msg})]
    except (ValueError, RecursionError) as exc:
        # Not UTF-8, an integer of more digits than Python converts, nesting deeper than the
        # parser goes. FastAPI answers 400 to these; the fake keeps to one shape.
        return [Problem(("body", 0), "JSON decode error", "json_invalid", {"error": str(exc)})]
    if data is None:
        # FastAPI takes a JSON null body for a missing one.
        return [_missing(_BODY)]
    if type(data) is not dict:
        return [Problem(_BODY, _OBJECT, "model_attributes_type")]
    return _job_in(data)


# --- the list query -------------------------------------------------------------------------------

# What Rust's str::trim removes (Unicode White_Space); Python's str.strip() would also remove
# \x1c-\x1f, which pydantic-core keeps.
_RUST_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_QUERY_INT = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")
_BOOLEANS = {
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False),
}


def _query_integer(*bounds: _Bound) -> _Check:
    def check(text: str, loc: Loc, problems: _Problems) -> Any:
        stripped = text.strip(_RUST_WHITESPACE)
        if _QUERY_INT.fullmatch(stripped) is None:
            problems.append(Problem(loc, _INT_PARSING, "int_parsing"))
            return _BAD
        try:
            number = int(stripped.partition(".")[0])
        except ValueError:
            # More digits than sys.get_int_max_str_digits() lets int() read.
            problems.append(Problem(loc, _INT_SIZE, "int_parsing_size"))
            return _BAD
        return _within(number, bounds, loc, problems)

    return check


def _query_boolean(text: str, loc: Loc, problems: _Problems) -> Any:
    found = _BOOLEANS.get(text.lower())
    if found is None:
        problems.append(Problem(loc, _BOOL_PARSING, "bool_parsing"))
        return _BAD
    return found


# speedate (pydantic-core's parser): a date, a separator, HH:MM, optional :SS and fraction, an
# optional Z or offset. The numbers are range-checked after the match.
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt _]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,][0-9]+)?)?"
    r"(?:[Zz]|([-+\u2212])([0-9]{2}):?([0-9]{2}))?)?"
)
_TIMESTAMP_INT = re.compile(r"[+-]?[0-9]+")
_TIMESTAMP_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Above this a timestamp counts as milliseconds (speedate's MS_WATERSHED).
_MS_WATERSHED = 20_000_000_000
_UNIX_0000 = -62_167_219_200  # 0000-01-01: speedate's first timestamp
_UNIX_0001 = -62_135_596_800  # 0001-01-01: Python's first datetime
_UNIX_9999 = 253_402_300_799  # 9999-12-31T23:59:59
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_YEAR_0: Final = "year 0 is out of range"
_DIGITS = frozenset(b"0123456789")
_HYPHEN = frozenset(b"-")
_SEPARATOR = "invalid date separator, expected `-`"
# speedate's checks of YYYY-MM-DD, byte by byte: (position, the bytes allowed, the reason if not).
_DATE_SHAPE = (
    *((position, _DIGITS, "invalid character in year") for position in range(4)),
    (4, _HYPHEN, _SEPARATOR),
    *((position, _DIGITS, "invalid character in month") for position in (5, 6)),
    (7, _HYPHEN, _SEPARATOR),
    *((position, _DIGITS, "invalid character in day") for position in (8, 9)),
)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def _date_ok(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)


def _civil_seconds(text: str) -> int | str | None:
    """Unix seconds of an ISO date or date-time; the year-0 message; ``None`` if not one."""
    match = _DATETIME.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = int(match[4] or 0), int(match[5] or 0), int(match[6] or 0)
    tz_hour, tz_minute = int(match[8] or 0), int(match[9] or 0)
    if not _date_ok(year, month, day) or hour > 23 or minute > 59 or second > 59:
        return None
    if tz_hour > 23 or tz_minute > 59:
        return None
    if year == 0:
        return _YEAR_0
    offset = (tz_hour * 3600 + tz_minute * 60) * (1 if match[7] in (None, "+") else -1)
    days = datetime.date(year, month, day).toordinal() - _EPOCH_ORDINAL
    return days * 86_400 + hour * 3600 + minute * 60 + second - offset


def _timestamp_int(text: str) -> int | None:
    """The integer timestamp ``text`` spells, if it spells one that fits an i64."""
    # The length check keeps int() away from strings longer than it reads.
    if len(text.lstrip("+-0")) > 19 or _TIMESTAMP_INT.fullmatch(text) is None:
        return None
    number = int(text)
    return number if _I64_MIN <= number < _I64_LIMIT else None


def _timestamp_seconds(text: str) -> int | None:
    """Whole Unix seconds of a timestamp, before the range check; ``None`` if not one."""
    number = _timestamp_int(text)
    if number is not None:
        # Floor division: speedate rounds a negative millisecond timestamp down too.
        return number // 1000 if abs(number) > _MS_WATERSHED else number
    if _TIMESTAMP_FLOAT.fullmatch(text) is None:
        return None
    value = float(text)
    if not math.isfinite(value):
        return None
    if abs(value) > _MS_WATERSHED:
        value /= 1000
    seconds = math.floor(value)
    # speedate rounds the fraction to microseconds, and a whole second carries over.
    return seconds + 1 if (value - seconds) * 1_000_000 >= 999_999.5 else seconds


def _parse_datetime(text: str) -> int | str | None:
    """Unix seconds of what pydantic reads as a datetime; the year-0 message; ``None``."""
    seconds = _civil_seconds(text)
    if seconds is not None:
        return seconds
    seconds = _timestamp_seconds(text)
    if seconds is None or not _UNIX_0000 <= seconds <= _UNIX_9999:
        return None
    return _YEAR_0 if seconds < _UNIX_0001 else seconds


def _date_error(text: str) -> str:
    """Speedate's reason to refuse ``text`` as a date, which pydantic gives for a datetime."""
    number = _timestamp_int(text)
    if number is not None:
        # A timestamp the datetime parser refused is out of range, and the date parser agrees.
        side = "before 0000" if number < 0 else "after 9999"
        return f"dates {side} are not supported as unix timestamps"
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) < 10:
        return "input is too short"
    for position, allowed, reason in _DATE_SHAPE:
        if raw[position] not in allowed:
            return reason
    year, month, day = int(raw[0:4]), int(raw[5:7]), int(raw[8:10])
    if not 1 <= month <= 12:
        return "month value is outside expected range of 1-12"
    if not _date_ok(year, month, day):
        return "day value is outside expected range"
    return "unexpected extra characters at the end of the input"


def _query_datetime(text: str, loc: Loc, problems: _Problems) -> Any:
    seconds = _parse_datetime(text)
    if type(seconds) is int:
        return seconds
    if seconds == _YEAR_0:
        msg = f"Input should be a valid datetime, {_YEAR_0}"
        problems.append(Problem(loc, msg, "datetime_parsing", {"error": _YEAR_0}))
    else:
        error = _date_error(text)
        msg = f"Input should be a valid datetime or date, {error}"
        problems.append(Problem(loc, msg, "datetime_from_date_parsing", {"error": error}))
    return _BAD


_ISO_FRACTION = re.compile(r":[0-9]{2}[.,]([0-9]+)")


def _query_datetime_after(text: str, loc: Loc, problems: _Problems) -> Any:
    """A lower bound in whole seconds: a fraction rounds up, so no earlier job passes it."""
    seconds = _query_datetime(text, loc, problems)
    if type(seconds) is int and _microseconds(text):
        return seconds + 1
    return seconds


def _microseconds(text: str) -> int:
    """The sub-second part of a valid query datetime, in microseconds, as speedate keeps it."""
    iso = _ISO_FRACTION.search(text)
    if iso is not None:  # an ISO fraction is cut (not rounded) to microseconds
        return int(iso[1][:6].ljust(6, "0"))
    if _TIMESTAMP_FLOAT.fullmatch(text) is None:
        return 0
    value = float(text)
    if abs(value) > _MS_WATERSHED:
        value /= 1000
    micros = round((value - math.floor(value)) * 1_000_000)
    return 0 if micros >= 1_000_000 else micros


# The status filter is written inline in the spec, as pydantic writes a Literal (an Enum would
# be a $ref), so a wrong status is a literal_error (inferred).
_status_choice = _choice(
    *(status.value for status in ClassifierJobOutStatus), type_="literal_error"
)


def _query_status(text: str, loc: Loc, problems: _Problems) -> Any:
    status = _status_choice(text, loc, problems)
    return status if status is _BAD else ClassifierJobOutStatus(status)


# The parameters in the spec's order, which is the order FastAPI reports them in. The bounds of
# page and page_size are the fake's: the spec has none.
_QUERY_FIELDS: dict[str, tuple[Loc, _Check]] = {
    name: (("query", name), check)
    for name, check in (
        ("page", _query_integer(_ge(0))),
        ("page_size", _query_integer(_ge(1))),
        ("model", _STRING),
        ("created_after", _query_datetime_after),
        ("created_before", _query_datetime),
        ("created_by_me", _query_boolean),
        ("status", _query_status),
        ("wandb_project", _STRING),
        ("wandb_name", _STRING),
        ("suffix", _SUFFIX),
    )
}


def parse_list_query(params: Sequence[tuple[str, str]]) -> ListQuery | list[Problem]:
    """Read the query of a list request: a :class:`ListQuery`, or every problem.

    ``params`` are the ``(name, value)`` pairs of the URL, e.g. httpx's
    ``request.url.params.multi_items()``.

    >>> parse_list_query([("page", "0"), ("page_size", "100"), ("created_by_me", "false"),
    ...                   ("created_after", "2025-01-02T03:04:05Z"), ("status", "RUNNING")])
    ... # doctest: +NORMALIZE_WHITESPACE
    ListQuery(page=0, page_size=100, model=None, created_after=1735787045, created_before=None,
      created_by_me=False, status=<ClassifierJobOutStatus.RUNNING: 'RUNNING'>,
      wandb_project=None, wandb_name=None, suffix=None)
    >>> for problem in parse_list_query([("page", "-1"), ("status", "DONE")]):
    ...     print(problem.loc, problem.type)
    ('query', 'page') greater_than_equal
    ('query', 'status') literal_error

    The module docstring lists the rules and where each comes from.
    """
    given: dict[str, str] = {}
    for name, value in params:
        if name in _QUERY_FIELDS:
            given[name] = value  # the last one wins
    problems: _Problems = []
    found = {
        name: check(given[name], loc, problems)
        for name, (loc, check) in _QUERY_FIELDS.items()
        if name in given
    }
    if problems:
        return problems
    return ListQuery(**found)
