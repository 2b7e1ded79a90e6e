"""Checking what a test gives the factories and ``ClassifierJobsMock.add()``, before any use.

attrs checks no types, and the lifecycle derives fields from the overrides (a date from
``created_at``, token counts from ``training_steps``): a value of the wrong type crashed deep
inside a build, or made a job that the SDK refuses to parse. So every given value is checked
first, against its field's annotation, by the rules that ``from_wire`` applies to the wire
(``wire.py``) and in the same words: a bool is no integer, an int is a number, a float must be
finite, a list is a list. For the response models, a number must also lie in the range the
server sends (:data:`~pytest_classifierjobs.lifecycle.BOUNDS`). wire.py is not imported: it
loads cattrs, which the factories do without (and the overrides are Python values, not JSON: a
model may be given as an instance).
"""

from __future__ import annotations

import functools
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args, get_origin

import attrs

from .hints import unknown_name
from .lifecycle import BOUNDS, Bound
from .models import (
    ClassifierJobOutStatus,
    parse_status,
)

__all__ = [
    "check_overrides",
    "check_types",
    "field_hints",
    "init_fields",
    "optional_inner",
    "out_of_range",
]

# Each annotation's check is worked out once (``_checker``): a job holds a thousand values, and
# reading an annotation (a union's hash, its arguments) costs more than checking a value.

_WORDS: Mapping[Any, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    list: "a list",
    dict: "a dict",
}
# Unix seconds in the models, where a test often has a datetime or some text at hand.
_TIMESTAMPS = frozenset({"created_at", "modified_at", "estimated_start_time"})
_TIMESTAMP_HOW = "; for a datetime d, give int(d.timestamp())"
# A message names the culprit, it does not dump it (wire.py cuts at the same length).
_REPR_LIMIT = 40
_STATUS_VALUES = frozenset(status.value for status in ClassifierJobOutStatus)


@attrs.frozen
class _Mode:
    """How a value is checked: as an override, or as part of a model instance."""

    #: A dict may stand for a model (an override), else only an instance may (the wire could
    #: not write a dict where a model belongs).
    dicts: bool
    #: A dict for a model must hold all its required fields (it makes the model); else some of
    #: them, which replace the drawn ones.
    whole: bool
    #: Numbers of the response models must lie in :data:`~.lifecycle.BOUNDS`.
    ranges: bool


# The overrides of a build: their own dicts are merged into drawn models, dicts inside them
# make whole ones.
_OVERRIDES = _Mode(dicts=True, whole=False, ranges=True)
_INSIDE_OVERRIDES = _Mode(dicts=True, whole=True, ranges=True)
# A model instance a test made holds instances all the way down: nothing converts a dict in
# it. Given as an override it is an input, in range; stored with add(job), it may be anything.
_INSTANCE_OVERRIDE = _Mode(dicts=False, whole=True, ranges=True)
_INSTANCE = _Mode(dicts=False, whole=True, ranges=False)

# A check takes a value, its path and the mode, and raises _Refused; a fit says whether a value
# is of a kind (no union), checking what it holds on the way; a validator only says yes or no.
_Check = Callable[[Any, str, _Mode], None]
_Fits = Callable[[Any, str, _Mode], bool]
_Valid = Callable[[Any], bool]


class _Refused(Exception):
    """A given value its field does not allow: the exception to raise, where, and why."""

    def __init__(self, error: type[Exception], path: str, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.path = path
        self.message = message

    def raise_at(self, where: str) -> typing.NoReturn:
        place = f"{where} {self.path}" if self.path else where
        raise self.error(f"{place}: {self.message}") from None


@attrs.frozen
class _Fields:
    """What the checks and builds need to know of a model's fields, worked out once."""

    #: The names ``__init__`` takes.
    settable: frozenset[str]
    #: The constants of the contract.
    constants: frozenset[str]
    #: The fields a model cannot be made without.
    required: tuple[str, ...]
    #: The annotation of each field (real objects: the models keep them so).
    hints: Mapping[str, Any]
    #: The ranges of the fields (a detailed job has those of the short one).
    bounds: Mapping[str, Bound]
    #: The check of each field's value.
    checks: Mapping[str, _Check]
    #: The validator of each field's value in an instance.
    validators: tuple[tuple[str, _Valid], ...]


_FIELDS: dict[type[Any], _Fields] = {}


def _fields(model: type[Any]) -> _Fields:
    found = _FIELDS.get(model)
    if found is None:
        fields = [f for f in attrs.fields(model) if f.init]
        hints = typing.get_type_hints(model)
        found = _FIELDS[model] = _Fields(
            settable=frozenset(f.name for f in fields),
            constants=frozenset(f.name for f in attrs.fields(model) if not f.init),
            required=tuple(f.name for f in fields if f.default is attrs.NOTHING),
            hints=hints,
            bounds=next((BOUNDS[cls] for cls in model.__mro__ if cls in BOUNDS), {}),
            checks={f.name: _checker(hints[f.name]) for f in fields},
            validators=tuple((f.name, _validator(hints[f.name])) for f in fields),
        )
    return found


def init_fields(model: type[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """Return the names a model's ``__init__`` takes and the names of its constants."""
    fields = _fields(model)
    return fields.settable, fields.constants


def field_hints(model: type[Any]) -> Mapping[str, Any]:
    """The resolved annotation of each field of ``model`` (read once per model)."""
    return _fields(model).hints


def _shown(value: object) -> str:
    """The type and the (cut) repr of a value, as wire.py's messages show a wrong value."""
    if value is None:
        return "None"
    try:
        text = repr(value)
    except ValueError:  # repr refuses ints beyond sys.get_int_max_str_digits()
        text = "<too long to show>"
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return f"{type(value).__name__} {text}"


def optional_inner(hint: Any) -> Any:
    """``X`` of an ``X | None`` annotation (the only unions of the job models), else ``None``."""
    if get_origin(hint) in (typing.Union, types.UnionType):
        (inner,) = (arg for arg in get_args(hint) if arg is not type(None))
        return inner
    return None


def _expected(hint: Any, name: str, mode: _Mode) -> str:
    """What a value of the field ``name``, annotated ``hint``, is, in words."""
    inner = optional_inner(hint)
    if inner is not None:
        return f"{_expected(inner, name, mode)} or None"
    if hint is int and name in _TIMESTAMPS:
        return "an integer (Unix seconds)"
    origin = get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(value) for value in get_args(hint))
    words = _WORDS.get(origin or hint)
    if words is not None:
        return words
    article = "an" if hint.__name__[0] in "AEIOU" else "a"
    return f"{article} {hint.__name__}{' or a dict of its fields' if mode.dicts else ''}"


def _check(value: Any, hint: Any, path: str, mode: _Mode) -> None:
    """Raise :class:`_Refused` unless ``value`` is what the annotation ``hint`` allows."""
    _checker(hint)(value, path, mode)


_CHECKERS: dict[Any, _Check] = {}


def _checker(hint: Any) -> _Check:
    """The check of one annotation (a model's fields keep theirs: no annotation is hashed)."""
    found = _CHECKERS.get(hint)
    if found is None:
        found = _CHECKERS[hint] = _compiled_check(hint)
    return found


def _compiled_check(hint: Any) -> _Check:
    inner = optional_inner(hint)
    kind = hint if inner is None else inner
    fits = _fits_of(kind)

    def check(value: Any, path: str, mode: _Mode) -> None:
        if value is None and inner is not None:
            return
        if not fits(value, path, mode):
            name = path.rpartition(".")[2]
            how = _TIMESTAMP_HOW if kind is int and name in _TIMESTAMPS else ""
            expected = _expected(hint, name, mode)
            raise _Refused(TypeError, path, f"expected {expected}, got {_shown(value)}{how}")

    return check


def _fits_of(kind: Any) -> _Fits:
    if attrs.has(kind):
        return functools.partial(_fits_model, kind)
    origin = get_origin(kind)
    if origin is list:
        return functools.partial(_fits_list, _checker(get_args(kind)[0]))
    if origin is Literal:
        return functools.partial(_fits_literal, get_args(kind))
    if origin is dict:  # the models' only dict is a free JSON object (an event's data)
        return _fits_json_object
    # str, int, bool: exact types, as on the wire: True is no integer, a str enum no string.
    return _LEAF_FITS.get(kind) or functools.partial(_fits_exactly, kind)


def _fits_model(model: type[Any], value: Any, path: str, mode: _Mode) -> bool:
    """A model given as an instance (all its fields are checked) or, in overrides, a dict."""
    if isinstance(value, model):
        fields = _fields(type(value))
        inside = _INSTANCE_OVERRIDE if mode.ranges else _INSTANCE
        for name in fields.settable:
            _check_field(fields, name, getattr(value, name), path, inside)
        return True
    if mode.dicts and isinstance(value, dict):
        _check_fields(model, value, path, mode)
        return True
    return False


def _fits_list(check_item: _Check, value: Any, path: str, mode: _Mode) -> bool:
    if type(value) is not list:
        return False
    inside = _INSIDE_OVERRIDES if mode.dicts else mode
    for index, item in enumerate(value):
        check_item(item, f"{path}[{index}]", inside)
    return True


def _fits_literal(allowed: tuple[str, ...], value: Any, path: str, _: _Mode) -> bool:
    if type(value) is str and value not in allowed:
        raise _Refused(ValueError, path, unknown_name("value", value, allowed))
    return type(value) is str


def _fits_json_object(value: Any, path: str, _: _Mode) -> bool:
    if not isinstance(value, dict):
        return False
    _check_json(value, path)
    return True


def _fits_status(value: Any, path: str, _: _Mode) -> bool:
    try:
        parse_status(value)
    except (TypeError, ValueError) as error:
        raise _Refused(type(error), path, str(error)) from None
    return True


def _fits_number(value: Any, path: str, _: _Mode) -> bool:
    number = type(value) is float or type(value) is int
    if number and not _finite(value):
        raise _Refused(ValueError, path, f"expected a finite number, got {_shown(value)}")
    return number


def _fits_exactly(kind: type[Any], value: Any, _: str, __: _Mode) -> bool:
    return type(value) is kind


_LEAF_FITS: Mapping[Any, _Fits] = {ClassifierJobOutStatus: _fits_status, float: _fits_number}


def _finite(number: float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an int too large for a float
        return False


def _check_fields(model: type[Any], given: Mapping[Any, Any], path: str, mode: _Mode) -> None:
    """Check the names, then each value, of the fields ``given`` (a dict) for ``model``."""
    fields = _fields(model)
    for name in given:
        if name in fields.constants:
            message = f"{name!r} is a constant of the contract and cannot be overridden"
            raise _Refused(TypeError, path, message)
        if name not in fields.settable:
            what = f"{model.__name__} field"
            raise _Refused(TypeError, path, unknown_name(what, name, sorted(fields.settable)))
    missing = [name for name in fields.required if name not in given] if mode.whole else []
    if missing:
        names = ", ".join(repr(name) for name in missing)
        raise _Refused(TypeError, path, f"{model.__name__} needs {names} too")
    for name, value in given.items():
        _check_field(fields, name, value, path, mode)


def _check_field(fields: _Fields, name: str, value: Any, path: str, mode: _Mode) -> None:
    here = f"{path}.{name}" if path else name
    fields.checks[name](value, here, _INSIDE_OVERRIDES if mode.dicts else mode)
    bound = fields.bounds.get(name) if mode.ranges else None
    if bound is not None and value is not None and value not in bound:
        raise _Refused(
            ValueError,
            here,
            f"{value!r} is out of range (allowed: {bound}), which the server never sends; "
            "to make such a job on purpose, change a built one with attrs.evolve()",
        )


def _check_json(value: object, path: str) -> None:
    """Refuse what JSON cannot hold, as ``to_wire`` would when the fake sends it."""
    if value is None or isinstance(value, (str, bool)) or type(value) is int:
        return  # a str enum member (a status) is written as its value
    if type(value) is float:
        if not _finite(value):
            raise _Refused(ValueError, path, f"expected a finite number, got {_shown(value)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if type(key) is not str:
                raise _Refused(TypeError, path, f"expected string keys, got key {_shown(key)}")
            _check_json(item, f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]")
    else:
        raise _Refused(TypeError, path, f"expected a JSON value, got {_shown(value)}")


# A validator says, quickly and without a message, whether an instance passes the checks of
# ``_INSTANCE``; only a value it refuses is checked again, slowly, for the message. A stored
# job is a thousand values: checking each with its path would cost as much as building it.

_VALIDATORS: dict[Any, _Valid] = {}


def _validator(hint: Any) -> _Valid:
    found = _VALIDATORS.get(hint)
    if found is None:
        found = _VALIDATORS[hint] = _compiled_validator(hint)
    return found


def _compiled_validator(hint: Any) -> _Valid:
    inner = optional_inner(hint)
    valid = _valid_of(hint if inner is None else inner)
    return valid if inner is None else functools.partial(_valid_or_none, valid)


def _valid_of(kind: Any) -> _Valid:
    if attrs.has(kind):
        return functools.partial(_valid_model, kind)
    origin = get_origin(kind)
    if origin is list:
        return functools.partial(_valid_list, _validator(get_args(kind)[0]))
    if origin is Literal:
        return functools.partial(_valid_literal, get_args(kind))
    if origin is dict:
        return _valid_json_object
    return _LEAF_VALIDS.get(kind) or functools.partial(_valid_exactly, kind)


def _valid_or_none(valid: _Valid, value: Any) -> bool:
    return value is None or valid(value)


def _valid_model(model: type[Any], value: Any) -> bool:
    return isinstance(value, model) and all(
        valid(getattr(value, name)) for name, valid in _fields(type(value)).validators
    )


def _valid_list(valid_item: _Valid, value: Any) -> bool:
    return type(value) is list and all(map(valid_item, value))


def _valid_literal(allowed: tuple[str, ...], value: Any) -> bool:
    return type(value) is str and value in allowed


def _valid_json_object(value: Any) -> bool:
    try:
        _check_json(value, "")
    except _Refused:
        return False
    return isinstance(value, dict)


def _valid_status(value: Any) -> bool:
    return isinstance(value, str) and value in _STATUS_VALUES


def _valid_number(value: Any) -> bool:
    return (type(value) is float or type(value) is int) and _finite(value)


def _valid_exactly(kind: type[Any], value: Any) -> bool:
    return type(value) is kind


_LEAF_VALIDS: Mapping[Any, _Valid] = {ClassifierJobOutStatus: _valid_status, float: _valid_number}


def check_overrides(
    model: type[Any],
    overrides: Mapping[str, Any],
    where: str,
    *,
    status: object = None,
) -> None:
    """Refuse the ``status`` and ``overrides`` of a build of ``model`` that it cannot hold.

    Every value is checked against its field's annotation strictly, as ``from_wire`` reads the
    wire (no ``True`` for an integer, no ``"17"`` for ``17``, no string for a list), nested
    dicts and instances field by field; numbers of the response models must lie in the range
    the server sends (:data:`~pytest_classifierjobs.lifecycle.BOUNDS`). The message starts with
    ``where`` and the path of the value:

    >>> from pytest_classifierjobs.models import ClassifierJobOut
    >>> check_overrides(ClassifierJobOut, {"trained_tokens": "many"}, "build()")
    Traceback (most recent call last):
    ...
    TypeError: build() trained_tokens: expected an integer or None, got str 'many'

    Raises:
        TypeError: an unknown field (with the closest name), a constant, a value of the wrong
            type, a dict for a list item that lacks a required field.
        ValueError: a misspelt status or literal (with the closest one), a number that is not
            finite, or that lies outside its range.

    """
    try:
        if status is not None:
            _check(status, ClassifierJobOutStatus, "status", _OVERRIDES)
        _check_fields(model, overrides, "", _OVERRIDES)
    except _Refused as refused:
        refused.raise_at(where)


def check_types(instance: object, where: str, name: str) -> None:
    """Refuse a model instance, called ``name``, whose fields hold values of the wrong types.

    Nested models are checked too, and must be instances. Ranges are not checked: an instance
    is how a test makes an incoherent job on purpose.
    """
    if _validator(type(instance))(instance):
        return
    try:  # what is wrong, and where
        _check(instance, type(instance), name, _INSTANCE)
    except _Refused as refused:
        refused.raise_at(where)


def out_of_range(model: type[Any], fields: Mapping[str, Any]) -> set[str]:
    """The names of ``fields`` (well typed) that hold a number outside its range, at any depth."""
    found = set()
    for name, value in fields.items():
        try:
            _check_fields(model, {name: value}, "", _OVERRIDES)
        except _Refused:
            found.add(name)
    return found
