"""Hypothesis strategies: coherent jobs, create bodies good and bad, training files, life paths.

Hypothesis is an optional dependency (``pip install pytest-classifierjobs[hypothesis]``);
importing this module without it is an ``ImportError`` that says so. Importing it registers
:func:`jobs` for the job models, so that ``st.from_type(ClassifierJobOut)`` and
``st.builds(...)`` of a class with a job field draw coherent jobs.

Jobs are drawn by the same code as the factories and the fake (``pytest_classifierjobs.drawing``),
from a ``Random`` whose every draw Hypothesis makes: whatever it draws is a coherent job, and
shrinking a failing example keeps it one, down to the simplest history for its status (first
choices, zero noise). The other strategies are built on the contract's rules as the fake reads
them (``pytest_classifierjobs.schemas``, ``pytest_classifierjobs.training_data``):

>>> from hypothesis import given
>>> @given(jobs(status="RUNNING"))
... def test_a_running_job_has_no_model(job):
...     assert job.fine_tuned_model is None
>>> test_a_running_job_has_no_model()
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from random import Random
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - the tests run with Hypothesis installed
    raise ImportError(
        "pytest_classifierjobs.strategies needs Hypothesis, an optional dependency: "
        "pip install 'pytest-classifierjobs[hypothesis]' (or pip install hypothesis)"
    ) from error

import attrs

from . import drawing
from .base_models import CLASSIFIER_BASE_MODELS
from .models import (
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
)
from .overrides import check_overrides
from .paths import LifecyclePath, StatusesArg, selected_paths, statuses_named

__all__ = [
    "InvalidBody",
    "TrainingDataFile",
    "create_bodies",
    "invalid_create_bodies",
    "jobs",
    "lifecycle_paths",
    "training_files",
]

# --- jobs ------------------------------------------------------------------------------------


def jobs(
    status: StatusesArg = None, *, detailed: bool = True, **overrides: Any
) -> st.SearchStrategy[ClassifierDetailedJobOut] | st.SearchStrategy[ClassifierJobOut]:
    """Coherent jobs: detailed (with history) or short, in ``status`` or any.

    ``status`` is a status, a group (``"active"``, ``"terminal"``, ``"failed"``, ``"all"``) or
    a list of them; ``overrides`` are checked and applied as the factories apply them
    (``jobs("SUCCESS", model="my-base")``). A misspelt status, field or value is an error when
    the strategy is made, not when it first draws.
    """
    statuses = statuses_named("status", status) or tuple(ClassifierJobOutStatus)
    model = ClassifierDetailedJobOut if detailed else ClassifierJobOut
    # Checked now, with the first status: a bad override must fail where it is written.
    check_overrides(model, dict(overrides), "jobs()", status=statuses[0])

    def build(status: ClassifierJobOutStatus, rng: Random) -> Any:
        return drawing.build(
            model,
            dict(overrides),
            draw=lambda r, o, s, n: drawing.job_values(model, r, o, s, n),
            inputs=drawing.DRAFT_FIELDS,
            status=status,
            rng=rng,
            where="jobs()",
        )

    return st.builds(
        build, st.sampled_from(statuses), st.randoms(note_method_calls=False, use_true_random=False)
    )


# --- lifecycle paths ------------------------------------------------------------------------


def lifecycle_paths(
    *,
    ending: StatusesArg = None,
    through: StatusesArg = None,
    max_length: int | None = None,
    prefixes: bool = False,
) -> st.SearchStrategy[LifecyclePath]:
    """Legal paths from creation, as :func:`~pytest_classifierjobs.paths.every_path` selects them.

    Shrinks to the shortest path, then to the earliest of its length. No path selected is a
    ``ValueError`` when the strategy is made.
    """
    return st.sampled_from(
        selected_paths(ending=ending, through=through, max_length=max_length, prefixes=prefixes)
    )


# --- create bodies ---------------------------------------------------------------------------

_TARGET_NAMES = ("sentiment", "intent", "moderation", "topic")
_LABELS = ("positive", "negative", "neutral", "refund", "billing", "spam", "toxic", "other")
_NAME = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=18)


def _target_bodies() -> st.SearchStrategy[list[dict[str, Any]]]:
    target = st.fixed_dictionaries(
        {"labels": st.lists(st.sampled_from(_LABELS), min_size=2, max_size=5, unique=True)},
        optional={
            "weight": st.floats(0, 10, allow_nan=False),
            "loss_function": st.sampled_from(["single_class", "multi_class"]),
        },
    )
    names = st.lists(st.sampled_from(_TARGET_NAMES), min_size=1, max_size=3, unique=True)
    return names.flatmap(
        lambda chosen: st.tuples(*(target for _ in chosen)).map(
            lambda made: [{"name": n, **t} for n, t in zip(chosen, made, strict=True)]
        )
    )


def _uuid_text() -> st.SearchStrategy[str]:
    return st.uuids().map(str)


def create_bodies(
    *, base_models: Iterable[str] = CLASSIFIER_BASE_MODELS
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON bodies of ``POST /v1/fine_tuning/jobs`` that the fake (and the server) accept.

    A classifier job on one of ``base_models`` (the fake's default list unless given), with the
    optional fields present or not, every number inside the contract's bounds. The file ids are
    random: the fake accepts them unless ``strict_files`` is on.
    """
    hyperparameters = st.fixed_dictionaries(
        {"training_steps": st.integers(1, 500)},
        optional={
            "learning_rate": st.floats(1e-8, 1, allow_nan=False),
            "weight_decay": st.floats(0, 1, allow_nan=False),
            "warmup_fraction": st.floats(0, 1, allow_nan=False),
            "seq_len": st.integers(100, 32768),
        },
    )
    wandb = st.fixed_dictionaries(
        {
            # A tagged union: the tag is required, although the member has it by default.
            "type": st.just("wandb"),
            "project": _NAME,
            "api_key": st.text("0123456789abcdef", min_size=40, max_size=40),
        },
        optional={"name": _NAME, "run_name": _NAME},
    )
    return st.fixed_dictionaries(
        {
            "model": st.sampled_from(tuple(base_models)),
            "training_files": st.lists(
                st.fixed_dictionaries(
                    {"file_id": _uuid_text()}, optional={"weight": st.floats(0.1, 10)}
                ),
                min_size=1,
                max_size=3,
            ),
            "hyperparameters": hyperparameters,
            "job_type": st.just("classifier"),
            "classifier_targets": _target_bodies(),
        },
        optional={
            "validation_files": st.lists(_uuid_text(), max_size=2),
            "suffix": _NAME,
            "integrations": st.lists(wandb, max_size=1),
            "auto_start": st.booleans(),
            "invalid_sample_skip_percentage": st.floats(0, 0.5, allow_nan=False),
        },
    )


@attrs.frozen(kw_only=True)
class InvalidBody:
    """A create body the fake refuses with ``422``, and the problem its ``detail`` lists.

    ``loc`` and ``type`` are pydantic's, as FastAPI reports them: the answer's ``detail`` has an
    entry with this ``type`` whose ``loc`` is ``loc`` (for a union, ``loc`` with the member's
    name inserted before the last part also matches: see :meth:`matches`).
    """

    #: The JSON body sent.
    body: dict[str, Any]
    #: What was made wrong, in words (for a failing example's report).
    problem: str
    #: Where the problem is, such as ``("body", "hyperparameters", "learning_rate")``.
    loc: tuple[str | int, ...]
    #: The type of pydantic's error, such as ``"missing"`` or ``"less_than_equal"``.
    type: str

    def matches(self, detail: Iterable[dict[str, Any]]) -> bool:
        """Whether a 422's ``detail`` reports this problem."""
        for error in detail:
            loc = tuple(error.get("loc", ()))
            # A union member's name stands between the field and its parent in the location.
            member = len(loc) >= 3 and isinstance(loc[-2], str) and loc[-2][:1].isupper()
            plain = loc[:-2] + loc[-1:] if member else loc
            if error.get("type") == self.type and self.loc in (loc, plain):
                return True
        return False


def _set(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(body))  # a deep copy of plain JSON
    place: Any = changed
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return changed


def _without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != name}


# Each way to break a valid body: (problem, location in the body, the value, pydantic's type).
_BREAKS: tuple[tuple[str, tuple[str | int, ...], Any, str], ...] = (
    ("model is a number", ("model",), 3, "string_type"),
    (
        "a training file id is not a UUID",
        ("training_files", 0, "file_id"),
        "file-1",
        "uuid_parsing",
    ),
    ("a training file weighs nothing", ("training_files", 0, "weight"), 0, "greater_than"),
    ("the suffix is over 18 characters", ("suffix",), "s" * 19, "string_too_long"),
    ("auto_start is not a boolean", ("auto_start",), "maybe", "bool_parsing"),
    (
        "invalid_sample_skip_percentage is over 0.5",
        ("invalid_sample_skip_percentage",),
        0.75,
        "less_than_equal",
    ),
    ("learning_rate is over 1", ("hyperparameters", "learning_rate"), 2.0, "less_than_equal"),
    ("training_steps is 0", ("hyperparameters", "training_steps"), 0, "greater_than_equal"),
    ("seq_len is under 100", ("hyperparameters", "seq_len"), 99, "greater_than_equal"),
    (
        "a target's loss_function is unknown",
        ("classifier_targets", 0, "loss_function"),
        "softmax",
        "enum",
    ),
    (
        "a target's weight is negative",
        ("classifier_targets", 0, "weight"),
        -1.0,
        "greater_than_equal",
    ),
    ("job_type is unknown", ("job_type",), "regression", "enum"),
)


def invalid_create_bodies(
    *, base_models: Iterable[str] = CLASSIFIER_BASE_MODELS
) -> st.SearchStrategy[InvalidBody]:
    """Create bodies with one thing wrong, each with the ``422`` problem the fake reports.

    A valid body (:func:`create_bodies`) with ``model`` left out, or one field given a value of
    the wrong type or out of the contract's bounds.
    """

    def broken(body: dict[str, Any], choice: int) -> InvalidBody:
        if choice == len(_BREAKS):
            return InvalidBody(
                body=_without(body, "model"),
                problem="model is missing",
                loc=("body", "model"),
                type="missing",
            )
        problem, path, value, kind = _BREAKS[choice]
        return InvalidBody(
            body=_set(body, path, value), problem=problem, loc=("body", *path), type=kind
        )

    return st.builds(
        broken,
        create_bodies(base_models=base_models).map(_with_every_field),
        st.integers(0, len(_BREAKS)),
    )


def _with_every_field(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the optional fields that a break may change."""
    files = [{"weight": 1.0, **one} for one in body["training_files"]]
    targets = [{"weight": 1.0, **one} for one in body["classifier_targets"]]
    hyper = {"learning_rate": 1e-4, "seq_len": 16384, **body["hyperparameters"]}
    return {
        "suffix": "s",
        "auto_start": False,
        "invalid_sample_skip_percentage": 0.0,
        **body,
        "training_files": files,
        "classifier_targets": targets,
        "hyperparameters": hyper,
    }


# --- training files --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TrainingDataFile:
    """A JSON Lines file of classifier training data, and the targets a job learns from it."""

    #: The file's bytes, one sample per line.
    content: bytes
    #: The targets a job trained on this file has (labels in the order they first appear,
    #: ``multi_class`` where the rows give lists of labels).
    targets: list[ClassifierTargetOut]
    #: ``"text"`` (``{"text": ...}`` rows, for ``/v1/classifications``) or ``"messages"``
    #: (chat rows, for ``/v1/chat/classifications``).
    variant: str


@st.composite
def training_files(draw: st.DrawFn, *, max_rows: int = 20) -> TrainingDataFile:
    """Valid classifier training files, text or chat rows, of up to ``max_rows`` rows.

    Every row labels every target, and each target has two labels or more.
    """
    names = draw(st.lists(st.sampled_from(_TARGET_NAMES), min_size=1, max_size=3, unique=True))
    labels = {
        name: draw(st.lists(st.sampled_from(_LABELS), min_size=2, max_size=4, unique=True))
        for name in names
    }
    multi = {name: draw(st.booleans()) for name in names}
    variant = draw(st.sampled_from(["text", "messages"]))
    count = draw(st.integers(max(len(choices) for choices in labels.values()), max_rows))
    texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1)
    rows = []
    for index in range(count):
        row: dict[str, Any] = {}
        for name in names:
            # The first rows name each label once: every target has all of its labels.
            first = labels[name][index % len(labels[name])]
            if multi[name]:
                more = draw(st.lists(st.sampled_from(labels[name]), max_size=2))
                row[name] = list(dict.fromkeys([first, *more]))
            else:
                row[name] = (
                    first if index < len(labels[name]) else draw(st.sampled_from(labels[name]))
                )
        text = draw(texts)
        sample: dict[str, Any] = (
            {"text": text}
            if variant == "text"
            else {"messages": [{"role": "user", "content": text}]}
        )
        rows.append({**sample, "labels": row})
    seen: dict[str, list[str]] = {name: [] for name in names}
    for row in rows:
        for name, value in row["labels"].items():
            for label in value if isinstance(value, list) else [value]:
                if label not in seen[name]:
                    seen[name].append(label)
    return TrainingDataFile(
        content=b"".join(json.dumps(row).encode() + b"\n" for row in rows),
        targets=[
            ClassifierTargetOut(
                name=name,
                labels=seen[name],
                weight=1.0,
                loss_function="multi_class" if multi[name] else "single_class",
            )
            for name in names
        ],
        variant=variant,
    )


# --- registration ----------------------------------------------------------------------------

st.register_type_strategy(ClassifierDetailedJobOut, jobs())
st.register_type_strategy(ClassifierJobOut, jobs(detailed=False))
st.register_type_strategy(ClassifierJobOutStatus, st.sampled_from(tuple(ClassifierJobOutStatus)))
st.register_type_strategy(LifecyclePath, lifecycle_paths(prefixes=True))
