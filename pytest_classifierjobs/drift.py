"""Whether the installed ``mistralai`` SDK and the fake's models still agree on the wire.

The models mirror ``mistralai`` 1.12.4 and 2.4.13 (their 1.x names; 2.x renamed most classes).
When a user upgrades the SDK, a field may appear, vanish, become required or nullable, or an enum
may gain a value, and a fake that answers the old shape makes tests pass that the real service
would fail, or fail tests it would pass. :func:`sdk_differences` compares every response model
the fake sends, nested models included, with the installed SDK's pydantic model of the same
resource:

* field names on the wire (the SDK's aliases, such as ``bytes`` for ``size_bytes``);
* required: a field the SDK requires that the fake never sends;
* nullable: a field the fake may send as ``null`` that the SDK refuses as ``null``;
* enum values: a value the fake sends that the SDK does not list, or one the SDK lists that the
  fake never sends (a new status, say).

A few differences are known and kept on purpose, each with its reason in
:data:`KNOWN_DIFFERENCES`: they are reported as known, not as drift. ``python -m
pytest_classifierjobs check-sdk`` prints the report and exits with 1 on drift;
``--classifierjobs-check-sdk`` makes pytest stop at start-up on drift.
"""

from __future__ import annotations

import enum
import importlib
import importlib.metadata
import typing
from collections.abc import Iterator, Mapping
from typing import Any, Literal, get_args, get_origin

import attrs

from . import models

__all__ = ["KNOWN_DIFFERENCES", "RESPONSE_MODELS", "Difference", "report", "sdk_differences"]

#: Every response model the fake sends at the top of a body, with its SDK class's name in each
#: major. The nested models are paired through the fields.
RESPONSE_MODELS: Mapping[type[Any], Mapping[int, str]] = {
    models.ClassifierJobOut: {1: "ClassifierJobOut", 2: "ClassifierFineTuningJob"},
    models.ClassifierDetailedJobOut: {
        1: "ClassifierDetailedJobOut",
        2: "ClassifierFineTuningJobDetails",
    },
    models.JobsOut: {1: "JobsOut", 2: "ListFineTuningJobsResponse"},
    models.UploadFileOut: {1: "UploadFileOut", 2: "CreateFileResponse"},
    models.RetrieveFileOut: {1: "RetrieveFileOut", 2: "GetFileResponse"},
    models.ListFilesOut: {1: "ListFilesOut", 2: "ListFilesResponse"},
    models.DeleteFileOut: {1: "DeleteFileOut", 2: "DeleteFileResponse"},
    models.FileSignedURL: {1: "FileSignedURL", 2: "GetSignedURLResponse"},
    models.ClassifierFTModelOut: {1: "ClassifierFTModelOut", 2: "ClassifierFineTunedModel"},
    models.ModelList: {1: "ModelList", 2: "ModelList"},
    models.DeleteModelOut: {1: "DeleteModelOut", 2: "DeleteModelResponse"},
    models.ArchiveFTModelOut: {1: "ArchiveFTModelOut", 2: "ArchiveModelResponse"},
    models.UnarchiveFTModelOut: {1: "UnarchiveFTModelOut", 2: "UnarchiveModelResponse"},
    models.ClassificationResponse: {1: "ClassificationResponse", 2: "ClassificationResponse"},
}

#: Differences kept on purpose, by (our model, wire field): why the fake does not follow the SDK.
KNOWN_DIFFERENCES: Mapping[tuple[str, str], str] = {
    **{
        (model, field): (
            "2.x only, from the spec; no recorded answer has it, so the fake does not send it "
            "(reference/mistral-workflow-api.md, section 1.1)"
        )
        for model in ("UploadFileOut", "RetrieveFileOut")
        for field in ("expires_at", "visibility")
    },
    **{
        ("ModelCapabilities", field): (
            "2.x only: capabilities of chat and audio models that no classifier base model has; "
            "the fake's base model cards are the recorded ones"
        )
        for field in ("audio_speech", "audio_transcription_realtime", "reasoning")
    },
}


# Where each major keeps its models.
_SDK_MODULES = {1: "mistralai.models", 2: "mistralai.client.models"}


@attrs.frozen
class Difference:
    """One way the fake's model and the SDK's disagree."""

    #: Our model's name (the 1.x name).
    model: str
    #: The field, as it is written on the wire.
    field: str
    #: What differs, in words.
    problem: str
    #: Why it is kept, when it is a known difference; ``None`` for drift.
    known: str | None = None

    @property
    def drift(self) -> bool:
        """Whether the difference is drift, one not kept on purpose (:data:`KNOWN_DIFFERENCES`)."""
        return self.known is None

    def __str__(self) -> str:
        return f"{self.model}.{self.field}: {self.problem}"


def sdk_differences(
    response_models: Mapping[type[Any], Mapping[int, str]] | None = None,
) -> list[Difference]:
    """Every difference between the response models and the installed SDK's, known or not.

    ``response_models`` replaces :data:`RESPONSE_MODELS` (a test passes an altered model).
    """
    version = importlib.metadata.version("mistralai")
    major = int(version.split(".", 1)[0])
    if major not in _SDK_MODULES:
        raise ValueError(
            f"mistralai {version} is installed; the check knows the models of majors 1 and 2"
        )
    sdk_models = importlib.import_module(_SDK_MODULES[major])
    found: list[Difference] = []
    compared: set[tuple[type[Any], type[Any]]] = set()
    for ours, names in (RESPONSE_MODELS if response_models is None else response_models).items():
        _compare(ours, getattr(sdk_models, names[major]), found, compared)
    # A nested model reached from two places (a file in an upload and in a list) is said once.
    return [
        attrs.evolve(one, known=KNOWN_DIFFERENCES.get((one.model, one.field)))
        for one in dict.fromkeys(found)
    ]


def report(differences: list[Difference]) -> str:
    """The differences as ``check-sdk`` prints them: drift first, then the known ones."""
    version = importlib.metadata.version("mistralai")
    drift = [one for one in differences if one.drift]
    known = [one for one in differences if not one.drift]
    lines = [
        f"mistralai {version}: "
        + (f"{len(drift)} difference(s) with the fake's models" if drift else "no drift")
    ]
    lines += [f"  drift: {one}" for one in drift]
    lines += [f"  known: {one} ({one.known})" for one in known]
    return "\n".join(lines)


# --- comparing two models -------------------------------------------------------------------


@attrs.frozen
class _Field:
    """What a field is on the wire: its classes, enum values, whether null or absence pass."""

    required: bool
    nullable: bool
    classes: tuple[type[Any], ...]
    values: frozenset[str] | None  # the enum or literal values; None: not an enum
    open_values: bool = False  # the SDK also takes values it does not list


def _compare(
    ours: type[Any],
    sdk: type[Any],
    found: list[Difference],
    compared: set[tuple[type[Any], type[Any]]],
) -> None:
    if (ours, sdk) in compared:
        return
    compared.add((ours, sdk))
    our_fields = _our_fields(ours)
    sdk_fields = _sdk_fields(sdk)
    name = ours.__name__
    for field, theirs in sdk_fields.items():
        mine = our_fields.get(field)
        if mine is None:
            needs = "requires" if theirs.required else "reads"
            found.append(Difference(name, field, f"the SDK {needs} it; the fake does not send it"))
            continue
        if mine.nullable and not theirs.nullable:
            found.append(Difference(name, field, "the fake may send null; the SDK refuses null"))
        if mine.values is not None and theirs.values is not None:
            for value in sorted(mine.values - theirs.values):
                accepts = "accepts" if theirs.open_values else "refuses"
                problem = f"the fake sends {value!r}, which the SDK does not list (it {accepts} it)"
                found.append(Difference(name, field, problem))
            for value in sorted(theirs.values - mine.values):
                found.append(
                    Difference(name, field, f"the SDK lists {value!r}, which the fake never sends")
                )
        if mine.classes and not theirs.classes:
            found.append(Difference(name, field, "the fake sends an object; the SDK reads none"))
        elif theirs.classes and not mine.classes:
            found.append(Difference(name, field, "the SDK reads an object; the fake sends none"))
        elif mine.classes:
            for our_class in mine.classes:
                _compare(our_class, _closest(our_class, theirs.classes), found, compared)
    for field in our_fields.keys() - sdk_fields.keys():
        found.append(Difference(name, field, "the fake sends it; the SDK has no such field"))


def _closest(ours: type[Any], candidates: tuple[type[Any], ...]) -> type[Any]:
    """The SDK class (of a union's) that shares the most wire fields with ``ours``."""
    names = set(_our_fields(ours))
    return max(candidates, key=lambda sdk: len(names & set(_sdk_fields(sdk))))


def _our_fields(model: type[Any]) -> dict[str, _Field]:
    hints = typing.get_type_hints(model)
    # The fake writes every field, null included: each is always sent.
    return {field.name: _described(hints[field.name], True) for field in attrs.fields(model)}


def _sdk_fields(model: type[Any]) -> dict[str, _Field]:
    return {
        info.alias or name: _described(info.annotation, info.is_required())
        for name, info in model.model_fields.items()
    }


def _described(annotation: Any, required: bool) -> _Field:
    nullable = False
    open_values = False
    classes: list[type[Any]] = []
    values: set[str] | None = None
    for leaf in _leaves(annotation):
        if leaf is None:
            nullable = True
        elif isinstance(leaf, frozenset):
            values = (values or set()) | leaf
        elif leaf.__name__ == "UnrecognizedStr":
            open_values = True
        elif issubclass(leaf, enum.Enum):
            values = (values or set()) | {member.value for member in leaf}
        elif (attrs.has(leaf) or hasattr(leaf, "model_fields")) and not leaf.__name__.startswith(
            "Unknown"  # 2.x's catch-all member of an open union
        ):
            classes.append(leaf)
    return _Field(
        required=required,
        nullable=nullable,
        classes=tuple(classes),
        values=None if values is None else frozenset(values),
        open_values=open_values,
    )


def _leaves(annotation: Any) -> Iterator[Any]:
    """The plain types inside ``annotation``: ``None`` for null, a frozenset for a Literal."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if annotation is None or annotation is type(None):
        yield None
    elif origin is Literal:
        yield frozenset(str(value) for value in args)
    elif origin is typing.Annotated:
        yield from _leaves(args[0])
    elif getattr(origin, "__name__", "") in ("OptionalNullable", "Nullable"):
        yield None  # speakeasy's aliases of "X | None" (and "or absent")
        yield from _leaves(args[0])
    elif origin is not None:  # a union, a list, a dict
        for arg in args:
            yield from _leaves(arg)
    elif annotation is not Any:  # Any: any JSON value, nothing to compare
        yield annotation
