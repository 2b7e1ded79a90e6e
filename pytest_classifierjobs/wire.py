"""The JSON wire format of the models: :func:`to_wire`, :func:`from_wire`, :class:`WireFormatError`.

``to_wire`` writes a model exactly as the real server sends it: every field present (defaults
and constants included, nullable fields as an explicit ``null``), statuses as plain strings,
nothing that ``json.dumps(..., allow_nan=False)`` refuses. ``from_wire`` reads the JSON of a
model strictly, as the SDK's pydantic models do and more: no ``"17"`` for ``17``, no ``1.5``
or ``true`` for an integer, no string where a list belongs, no unknown status, no wrong
constant, no ``NaN``. Unknown extra keys are ignored, as the SDK ignores them.

Both directions use one :class:`cattrs.Converter`, configured once at import: the strict hooks
for primitives, lists, literals and the status enum are registered *before* the hooks of the
model classes are generated, because cattrs bakes the hooks it finds into the code it generates
for a class.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import list_structure_factory
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from . import models
from .models import ClassifierJobOutStatus

__all__ = ["WireFormatError", "from_wire", "to_wire"]

_T = TypeVar("_T")
_Hook = Callable[[Any, Any], Any]
_HookT = TypeVar("_HookT")

#: Every class ``to_wire`` and ``from_wire`` accept: all the attrs classes of ``models``.
_MODELS: tuple[type[Any], ...] = tuple(
    model for name in models.__all__ if attrs.has(model := getattr(models, name))
)

# A repr longer than this is cut: a message names the culprit, it does not dump it.
_REPR_LIMIT = 40


class WireFormatError(ValueError):
    """Data that is not the wire form of a model, or a model that cannot be put on the wire.

    The message has one line per problem, each naming the JSON path of the value, what was
    expected and what was found:

    >>> from pytest_classifierjobs.models import MetricOut
    >>> try:
    ...     from_wire(MetricOut, {"train_loss": "0.5", "valid_loss": True})
    ... except WireFormatError as exc:
    ...     print(exc)
    cannot read a MetricOut from wire data, 2 problems:
      $.train_loss: expected a number, got str '0.5'
      $.valid_loss: expected a number, got bool True

    Attributes:
        errors: ``(path, message)`` pairs, one per problem, e.g.
            ``("$.train_loss", "expected a number, got str '0.5'")``.
        cls: the model class that was read or written.
        operation: ``"from_wire"`` or ``"to_wire"``.

    """

    errors: tuple[tuple[str, str], ...]
    cls: type[Any]
    operation: Literal["from_wire", "to_wire"]

    def __init__(
        self,
        cls: type[Any],
        errors: Iterable[tuple[str, str]],
        operation: Literal["from_wire", "to_wire"] = "from_wire",
    ) -> None:
        self.errors = tuple(errors)
        self.cls = cls
        self.operation = operation
        count = len(self.errors)
        head = (
            f"cannot read {_a(cls.__name__)} from wire data"
            if operation == "from_wire"
            else f"cannot put this {cls.__name__} on the wire"
        )
        lines = [f"{head}, {count} problem{'' if count == 1 else 's'}:"]
        lines += [f"  {path}: {message}" for path, message in self.errors]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        # The default reduce passes the message back to __init__, which takes other arguments.
        return (type(self), (self.cls, self.errors, self.operation))


# --- problems and their paths ------------------------------------------------------------------


def _describe(value: object) -> str:
    if value is None:
        return "None"
    try:
        text = repr(value)
    except ValueError:
        # repr refuses ints beyond sys.get_int_max_str_digits(); the type still says enough.
        text = "<too long to show>"
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 3] + "..."
    return f"{type(value).__name__} {text}"


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"


def _key_step(key: object) -> str:
    # A key that is no string breaks the model's annotation; it is shown as it is.
    return f".{key}" if isinstance(key, str) and key.isidentifier() else f"[{key!r}]"


class _Mismatch(Exception):
    """One or more values that the wire does not allow, at paths relative to where it is raised.

    cattrs records where in the model an exception happened (attribute and index notes); the
    ``problems`` carry what cattrs cannot see: the expectation, and paths inside a free JSON
    object. ``field`` names the attribute of a constant, which the class hook checks itself
    and so gets no note from cattrs.
    """

    def __init__(self, problems: list[tuple[str, str]], field: str | None = None) -> None:
        super().__init__(problems)
        self.problems = problems
        self.field = field

    @classmethod
    def expected(cls, expected: str, found: object) -> _Mismatch:
        return cls([("", f"expected {expected}, got {_describe(found)}")])


def _one_of(values: Iterable[object]) -> str:
    shown = [repr(value) for value in values]
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)


_PATH_NOTES = (AttributeValidationNote, IterableValidationNote)


def _step(exc: BaseException) -> str:
    if isinstance(exc, _Mismatch) and exc.field is not None:
        return f".{exc.field}"
    # cattrs notes where in the enclosing class or list an exception happened; the newest note
    # is the closest level. An exception without one happened in the enclosing object itself.
    notes = reversed(getattr(exc, "__notes__", ()))
    note = next((n for n in notes if isinstance(n, _PATH_NOTES)), None)
    if isinstance(note, AttributeValidationNote):
        return f".{note.name}"
    return "" if note is None else f"[{note.index}]"


def _problems(exc: BaseException, path: str) -> list[tuple[str, str]]:
    if isinstance(exc, BaseValidationError):
        found: list[tuple[str, str]] = []
        for sub in exc.exceptions:
            found += _problems(sub, path + _step(sub))
        return found
    if isinstance(exc, _Mismatch):
        return [(path + where, message) for where, message in exc.problems]
    if isinstance(exc, KeyError):
        # The generated code reads a required field with o[name]: a KeyError is its absence.
        return [(path, "required field is missing")]
    # Only a Mapping that fails to give its own items gets here.
    return [(path, f"cannot be read: {type(exc).__name__}: {exc}")]


# --- strict structure hooks (from_wire) --------------------------------------------------------


def _structure_str(value: object, _: object) -> str:
    if type(value) is str:
        return value
    raise _Mismatch.expected("a string", value)


def _structure_int(value: object, _: object) -> int:
    # JSON integers only: bool is an int subclass, and a float (even 2.0) is not an integer.
    if type(value) is int:
        return value
    raise _Mismatch.expected("an integer", value)


def _structure_float(value: object, _: object) -> float:
    if type(value) is float or type(value) is int:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
        raise _Mismatch.expected("a finite number", value)
    raise _Mismatch.expected("a number", value)


def _structure_bool(value: object, _: object) -> bool:
    if type(value) is bool:
        return value
    raise _Mismatch.expected("a boolean", value)


_STATUSES = {status.value: status for status in ClassifierJobOutStatus}
_STATUS_EXPECTED = _one_of(_STATUSES)


def _structure_status(value: object, _: object) -> ClassifierJobOutStatus:
    if type(value) is ClassifierJobOutStatus:
        return value
    if type(value) is str and value in _STATUSES:
        return _STATUSES[value]
    raise _Mismatch.expected(_STATUS_EXPECTED, value)


def _json_value(value: object, path: str, problems: list[tuple[str, str]]) -> object:
    """Copy a free JSON value with exact JSON types, recording what JSON cannot hold."""
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        return value
    if isinstance(value, dict):
        return _json_dict(value, path, problems)
    if isinstance(value, list):
        return [_json_value(item, f"{path}[{index}]", problems) for index, item in enumerate(value)]
    if isinstance(value, str):
        # A str enum member (a status in an event's data) goes on the wire as its plain value.
        return str.__str__(value)
    expected = "a finite number" if kind is float else "a JSON value"
    problems.append((path, f"expected {expected}, got {_describe(value)}"))
    return None


def _json_dict(
    value: dict[Any, object], path: str, problems: list[tuple[str, str]]
) -> dict[str, object]:
    copy: dict[str, object] = {}
    for key, item in value.items():
        if type(key) is str:
            copy[key] = _json_value(item, path + _key_step(key), problems)
        else:
            problems.append((path, f"expected string keys, got key {_describe(key)}"))
    return copy


def _json_object(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _Mismatch.expected("a JSON object", value)
    problems: list[tuple[str, str]] = []
    copy = _json_dict(value, "", problems)
    if problems:
        raise _Mismatch(problems)
    return copy


def _structure_json_object(value: object, _: object) -> dict[str, object]:
    return _json_object(value)


def _is_list(type_: object) -> bool:
    return get_origin(type_) is list


def _is_literal(type_: object) -> bool:
    return get_origin(type_) is Literal


def _list_structure_factory(type_: Any, converter: cattrs.Converter) -> _Hook:
    items = list_structure_factory(type_, converter)

    def structure_list(value: object, _: object) -> list[Any]:
        # cattrs' own list hook takes any iterable: a string would become a list of characters.
        if type(value) is list:
            return items(value, type_)  # type: ignore[no-any-return]
        raise _Mismatch.expected("a list", value)

    return structure_list


def _literal_structure_factory(type_: Any, _: cattrs.Converter) -> _Hook:
    allowed = get_args(type_)
    expected = _one_of(allowed)

    def structure_literal(value: object, _: object) -> object:
        # Every Literal of the models is a str; `type is` keeps str enum members out.
        if type(value) is str and value in allowed:
            return value
        raise _Mismatch.expected(expected, value)

    return structure_literal


def _is_str_dict(type_: object) -> bool:
    # dict[str, X] of a model (the scores of a classification); dict[str, Any] is free JSON.
    return get_origin(type_) is dict and get_args(type_)[:1] == (str,) and type_ != dict[str, Any]


def _dict_structure_factory(type_: Any, converter: cattrs.Converter) -> _Hook:
    value_type = get_args(type_)[1]
    value_hook = converter.get_structure_hook(value_type)

    def structure_dict(value: object, _: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Mismatch.expected("a JSON object", value)
        copy: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for key, item in value.items():
            try:
                copy[key] = value_hook(item, value_type)
            except Exception as exc:  # every problem of every key is reported
                problems += _problems(exc, _key_step(key))
        if problems:
            raise _Mismatch(problems)
        return copy

    return structure_dict


def _is_tagged_union(type_: object) -> bool:
    # A union of models told apart by a constant field: the cards of a model list.
    args = get_args(type_)
    return (
        get_origin(type_) in (typing.Union, types.UnionType)
        and len(args) > 1
        and all(attrs.has(arg) for arg in args)
    )


def _tag_of(cls: type[Any]) -> tuple[str, str]:
    """The constant field that names ``cls`` in a tagged union, and its value."""
    for field in attrs.fields(cls):
        if not field.init and field.name != "object":
            return field.name, field.default
    raise TypeError(f"{cls.__name__} has no tag field")  # pragma: no cover - a models bug


def _tagged_union_structure_factory(type_: Any, converter: cattrs.Converter) -> _Hook:
    members = {_tag_of(cls): cls for cls in get_args(type_)}
    (tag,) = {name for name, _ in members}
    by_value = {value: cls for (_, value), cls in members.items()}
    expected = _one_of(by_value)

    def structure_tagged(value: object, _: object) -> Any:
        # As the SDKs read it: the tag picks the class, whatever other fields are there.
        if not isinstance(value, Mapping):
            raise _Mismatch.expected("a JSON object", value)
        named = value.get(tag)
        cls = by_value.get(named) if isinstance(named, str) else None
        if cls is None:
            raise _Mismatch([(f".{tag}", f"expected {expected}, got {_describe(named)}")])
        return converter.get_structure_hook(cls)(value, cls)

    return structure_tagged


def _class_structure_factory(cls: type[Any], converter: cattrs.Converter) -> _Hook:
    generated = make_dict_structure_fn(cls, converter)
    expected = f"{_a(cls.__name__)} object"
    # cattrs skips init=False fields when structuring, so the constants (object, job_type,
    # type) would pass whatever value they hold; check them here. An absent constant is fine:
    # the contract gives it a default.
    constants = [
        (field.name, converter.get_structure_hook(field.type))
        for field in attrs.fields(cls)
        if not field.init
    ]

    positions = {f".{field.name}": index for index, field in enumerate(attrs.fields(cls))}
    last = len(positions)

    def structure_class(value: object, _: object) -> Any:
        if not isinstance(value, Mapping):
            raise _Mismatch.expected(expected, value)
        errors: list[Exception] = []
        for name, check in constants:
            if name in value:
                try:
                    check(value[name], None)
                except _Mismatch as exc:
                    errors.append(_Mismatch(exc.problems, field=name))
        try:
            instance = generated(value, cls)
        except ClassValidationError as exc:
            # Constants interleaved by field order, so the message reads like the object.
            merged = sorted([*exc.exceptions, *errors], key=lambda e: positions.get(_step(e), last))
            raise ClassValidationError(exc.message, merged, cls) from None
        if errors:
            raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
        return instance

    return structure_class


# --- unstructure hooks (to_wire) ---------------------------------------------------------------
#
# to_wire runs on every response of the fake, so these hooks only check what would make the
# output something the server never sends or json.dumps(allow_nan=False) refuses: non-finite
# floats, a status that is not one, a free JSON object that is not JSON. Anything they raise
# sends to_wire down the slow path, which finds and names every problem.


def _unstructure_float(value: float) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    # An int in a float field is legal in Python; the server writes it as a float.
    if type(value) is int:
        return float(value)
    raise _Mismatch.expected("a finite number", value)


def _unstructure_optional_float(value: float | None) -> float | None:
    if value is None:
        return None
    # The common case is repeated here rather than delegated: most floats of a job are
    # optional (three per checkpoint), and a second call per float is a visible share of
    # to_wire's time.
    if type(value) is float and math.isfinite(value):
        return value
    return _unstructure_float(value)


def _unstructure_status(value: ClassifierJobOutStatus) -> str:
    # The models' converter makes every status a member, so its value is all there is to write.
    return value._value_


def _unstructure_optional_json_object(value: dict[str, Any] | None) -> dict[str, object] | None:
    return None if value is None else _json_object(value)


def _is_optional_of(*inner: type[Any]) -> Callable[[object], bool]:
    def predicate(type_: object) -> bool:
        args = get_args(type_)
        return (
            get_origin(type_) in (typing.Union, types.UnionType)
            and len(args) == 2
            and type(None) in args
            and any(arg in inner for arg in args)
        )

    return predicate


def _list_unstructure_factory(type_: Any, converter: cattrs.Converter) -> Callable[[Any], Any]:
    (item_type,) = get_args(type_)
    # The hook of the declared item type, not of each item's runtime class: a detailed job in
    # JobsOut.data goes on the wire in the short form, as the server lists it.
    item = converter.get_unstructure_hook(item_type)
    copy_items = item == identity

    def unstructure_list(value: list[Any]) -> list[Any]:
        # list() or a comprehension would take any iterable: a string would become a list of
        # characters on the wire.
        if type(value) is not list:
            raise _Mismatch.expected("a list", value)
        return value.copy() if copy_items else [item(element) for element in value]

    return unstructure_list


def _tagged_union_unstructure_factory(
    type_: Any, converter: cattrs.Converter
) -> Callable[[Any], Any]:
    hooks = {cls: converter.get_unstructure_hook(cls) for cls in get_args(type_)}

    def unstructure_tagged(value: Any) -> Any:
        hook = hooks.get(type(value))
        if hook is None:
            raise _Mismatch.expected("a member of the union", value)
        return hook(value)

    return unstructure_tagged


def _class_unstructure_factory(cls: type[Any], converter: cattrs.Converter) -> Callable[[Any], Any]:
    return make_dict_unstructure_fn(cls, converter, _cattrs_include_init_false=True)


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)
    # Leaf and container hooks first: the class hooks generated below capture them.
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(ClassifierJobOutStatus, _structure_status)
    converter.register_structure_hook_func(
        lambda type_: type_ == dict[str, Any], _structure_json_object
    )
    converter.register_structure_hook_factory(_is_list, _list_structure_factory)
    converter.register_structure_hook_factory(_is_literal, _literal_structure_factory)
    converter.register_structure_hook_factory(_is_str_dict, _dict_structure_factory)
    converter.register_structure_hook_factory(_is_tagged_union, _tagged_union_structure_factory)
    converter.register_structure_hook_factory(attrs.has, _class_structure_factory)

    converter.register_unstructure_hook(float, _unstructure_float)
    converter.register_unstructure_hook_func(_is_optional_of(float), _unstructure_optional_float)
    # An optional str, int or bool is copied as is; without this cattrs wraps it in a call.
    converter.register_unstructure_hook_func(_is_optional_of(str, int, bool), identity)
    converter.register_unstructure_hook(ClassifierJobOutStatus, _unstructure_status)
    converter.register_unstructure_hook_func(
        lambda type_: type_ == dict[str, Any] | None, _unstructure_optional_json_object
    )
    converter.register_unstructure_hook_factory(_is_list, _list_unstructure_factory)
    converter.register_unstructure_hook_factory(_is_tagged_union, _tagged_union_unstructure_factory)
    converter.register_unstructure_hook_factory(attrs.has, _class_unstructure_factory)
    return converter


class _HookPerModel(dict[type[Any], _HookT]):
    """The hook of each wire model, generated on the model's first use.

    cattrs compiles a function per model and per nested type (most of this module's import
    time, which every test with the fake would pay); a suite uses a few of the models. A type
    that is not a model is a KeyError, as it would be in a full dict.
    """

    def __init__(self, make: Callable[[type[Any]], _HookT]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, cls: type[Any]) -> _HookT:
        if cls not in _MODEL_SET:
            raise KeyError(cls)
        # Two threads may both make it: cattrs gives them equal hooks, and either one is kept.
        hook = self[cls] = self._make(cls)
        return hook


_CONVERTER = _make_converter()
_MODEL_SET = frozenset(_MODELS)
_STRUCTURE: _HookPerModel[_Hook] = _HookPerModel(_CONVERTER.get_structure_hook)
_UNSTRUCTURE: _HookPerModel[Callable[[Any], dict[str, Any]]] = _HookPerModel(
    _CONVERTER.get_unstructure_hook
)
_MODEL_NAMES = ", ".join(sorted(cls.__name__ for cls in _MODELS))


# --- the slow path of to_wire -----------------------------------------------------------------


def _object_problems(value: object, type_: Any, path: str, found: list[tuple[str, str]]) -> None:
    """Check a value against its declared type with the strict structure hooks."""
    args = get_args(type_)
    if attrs.has(type_) or _is_tagged_union(type_):
        _instance_problems(value, type_, path, found)
    elif get_origin(type_) in (typing.Union, types.UnionType):
        # Every other union of the models is `X | None`.
        if value is not None:
            (inner,) = (arg for arg in args if arg is not type(None))
            _object_problems(value, inner, path, found)
    elif _is_str_dict(type_) or _is_list(type_):
        _container_problems(value, type_, path, found)
    else:
        try:
            _CONVERTER.get_structure_hook(type_)(value, type_)
        except _Mismatch as exc:
            found += [(path + where, message) for where, message in exc.problems]


def _instance_problems(value: object, type_: Any, path: str, found: list[tuple[str, str]]) -> None:
    """A model instance, or an instance of one member of a tagged union, checked field by field."""
    members = get_args(type_) if _is_tagged_union(type_) else (type_,)
    member = next((cls for cls in members if isinstance(value, cls)), None)
    if member is None:
        expected = " or ".join(_a(cls.__name__) for cls in members) + " instance"
        found.append((path, f"expected {expected}, got {_describe(value)}"))
        return
    for field in attrs.fields(member):
        _object_problems(getattr(value, field.name), field.type, f"{path}.{field.name}", found)


def _container_problems(value: object, type_: Any, path: str, found: list[tuple[str, str]]) -> None:
    """A list's items, or a ``dict[str, X]``'s values, checked one by one."""
    if _is_list(type_):
        if type(value) is not list:
            found.append((path, f"expected a list, got {_describe(value)}"))
            return
        for index, item in enumerate(value):
            _object_problems(item, get_args(type_)[0], f"{path}[{index}]", found)
        return
    if type(value) is not dict:
        found.append((path, f"expected a dict, got {_describe(value)}"))
        return
    for key, item in value.items():
        _object_problems(item, get_args(type_)[1], path + _key_step(key), found)


# --- public API --------------------------------------------------------------------------------


def to_wire(obj: Any) -> dict[str, Any]:
    """Write a model as the JSON object the real server sends: every field present.

    Defaults and constants are written too (``object``, ``job_type``, ``type``,
    ``learning_rate``), nullable fields as ``None``, statuses as plain strings. The items of
    ``JobsOut.data`` are written in the short :class:`ClassifierJobOut` form even when they
    are detailed jobs. The result is a fresh ``dict`` that ``json.dumps(result,
    allow_nan=False)`` accepts.

    The fast path trusts ``str``, ``int`` and ``bool`` fields to hold what they are annotated
    with (mypy checks that); it checks floats, statuses, nested models and free JSON objects.

    >>> from pytest_classifierjobs.models import MetricOut
    >>> to_wire(MetricOut(train_loss=0.25))
    {'train_loss': 0.25, 'valid_loss': None, 'valid_mean_token_accuracy': None}

    Raises:
        WireFormatError: a float is ``NaN`` or infinite, a status is not one of the ten, a
            nested value is not the model its field declares, or a free JSON object holds
            something JSON cannot; the message names every such value by its JSON path.
        TypeError: ``obj`` is not an instance of one of the wire models.

    """
    try:
        unstructure = _UNSTRUCTURE[type(obj)]
    except KeyError:
        raise TypeError(
            f"to_wire() writes the wire models ({_MODEL_NAMES}), not {type(obj).__name__}"
        ) from None
    try:
        return unstructure(obj)
    except Exception as exc:
        problems: list[tuple[str, str]] = []
        _object_problems(obj, type(obj), "$", problems)
        # An empty list would mean the slow path missed what the fast path hit: still say what.
        raise WireFormatError(
            type(obj), problems or [("$", f"{type(exc).__name__}: {exc}")], "to_wire"
        ) from None


def from_wire(cls: type[_T], data: object) -> _T:
    """Read a model from its JSON object, strictly; extra keys are ignored.

    ``data`` is what ``json.loads`` gives for a response or request body. An ``int`` is
    accepted for a float field; nothing else is converted: ``"17"`` is not ``17``, ``true`` is
    not ``1``, ``1.5`` is not an integer, a string is not a list. Constants (``object``,
    ``job_type``, ``type``) may be absent but not wrong.

    >>> from pytest_classifierjobs.models import TrainingFile
    >>> from_wire(TrainingFile, {"file_id": "f-1", "weight": 2})
    TrainingFile(file_id='f-1', weight=2.0)

    Raises:
        WireFormatError: listing every problem, one line each, e.g.
            ``$.hyperparameters.learning_rate: expected a number, got str '0.1'``.
        TypeError: ``cls`` is not one of the wire models.

    """
    try:
        structure = _STRUCTURE[cls]
    except KeyError:
        raise TypeError(
            f"from_wire() reads the wire models ({_MODEL_NAMES}), not {cls!r}"
        ) from None
    try:
        return structure(data, cls)  # type: ignore[no-any-return]
    except Exception as exc:
        # Every hook raises _Mismatch or a cattrs group of them; a missing field is a KeyError.
        raise WireFormatError(cls, _problems(exc, "$"), "from_wire") from None
