"""Classifier training data: how a job reads the files it was given, and what it learns of them.

The format (``reference/mistral-workflow-api.md`` section 4, from the classifier guide and the
cookbook) is JSON Lines, one sample per line: the text variant
``{"text": "...", "labels": {"sentiment": "positive"}}`` (for ``/v1/classifications``) or the chat
variant ``{"messages": [{"role": "user", "content": "..."}], "labels": {...}}`` (for
``/v1/chat/classifications``). Each key of ``labels`` is a *target*; its value is one label
(single-label data) or a list of labels (multi-label data).

What validation concludes, as the cookbook's recorded jobs show it, and where the sources are
silent, as chosen here:

* One target per label key, in the order the keys first appear; its labels in the order they
  first appear (recorded: the product notebook's labels are not alphabetical).
* ``loss_function`` ``multi_class`` for a target whose values are lists, else ``single_class``;
  ``weight`` 1.0 (inferred: neither was shown).
* ``data_tokens`` is the size of the valid training rows at three bytes per token, rounded up per
  row (inferred: it gives ~28 tokens for the intent notebook's printed row, whose job recorded
  137,274 tokens for 5,313 rows, ~26 per row).
* Invalid rows (not JSON, not an object, no ``text``/``messages``, no labels, a label that is
  neither a string nor a list of strings, a target missing from the row) may be skipped up to the
  job's ``invalid_sample_skip_percentage``; beyond it, or when a target has a single label, or
  when the ``classifier_targets`` of the create request disagree with the data, the job ends in
  ``FAILED_VALIDATION``. The reason is in :class:`InvalidTrainingData` (the real service's text
  is unknown; the fake puts it in the failing event's ``data["error"]``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from .models import ClassifierTargetIn, ClassifierTargetOut

__all__ = [
    "BYTES_PER_TOKEN",
    "InvalidTrainingData",
    "TrainingData",
    "line_count",
    "read_training_data",
    "sample_type",
]

#: The size of a token in the data, for ``data_tokens`` (see the module docstring).
BYTES_PER_TOKEN = 3


class InvalidTrainingData(ValueError):
    """The data cannot train a classifier; the message says why, naming the file and line."""


@attrs.frozen(kw_only=True)
class TrainingData:
    """What validation learnt of a job's data."""

    #: The job's classifier targets.
    targets: list[ClassifierTargetOut]
    #: The size of the valid training rows, in tokens.
    data_tokens: int
    #: Valid training rows.
    rows: int
    #: Invalid rows skipped (within ``invalid_sample_skip_percentage``).
    skipped: int = 0


@attrs.define
class _Target:
    labels: dict[str, None] = attrs.Factory(dict)  # an ordered set
    multi: bool = False


@attrs.frozen
class _Row:
    labels: dict[str, list[str]]
    is_list: frozenset[str]
    size: int


def sample_type(content: bytes, purpose: str) -> str:
    r"""The ``sample_type`` an upload gets (chosen: the real one for classifier data is unknown).

    ``batch`` uploads are ``batch_request``, ``ocr`` uploads ``ocr_input`` (both recorded); a
    JSONL file whose first sample has ``messages`` is ``instruct`` (recorded for chat data), any
    other ``pretrain``.

    >>> sample_type(b'{"messages": [], "labels": {}}', "fine-tune")
    'instruct'
    >>> sample_type(b'{"text": "hi", "labels": {"a": "b"}}', "fine-tune")
    'pretrain'
    """
    if purpose == "batch":
        return "batch_request"
    if purpose == "ocr":
        return "ocr_input"
    for _, line in _lines(content):
        try:
            first = json.loads(line)
        except ValueError:
            break
        if isinstance(first, dict) and "messages" in first:
            return "instruct"
        break
    return "pretrain"


def line_count(content: bytes) -> int:
    r"""``num_lines`` of an upload: its lines if it is text, ``0`` if binary (recorded for a PDF).

    >>> line_count(b"a\nb\n"), line_count(b"%PDF\xff\xfe")
    (2, 0)
    """
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return 0
    # Lines as the rows are read: bytes split at line breaks only (str.splitlines would also
    # split at U+2028 and others, which JSON strings may hold raw).
    return len(content.splitlines())


def read_training_data(
    training: Sequence[tuple[str, bytes]],
    validation: Sequence[tuple[str, bytes]] = (),
    *,
    skip_share: float = 0.0,
    requested: Sequence[ClassifierTargetIn] | None = None,
) -> TrainingData:
    r"""Read a job's files (``(filename, content)`` pairs) as classifier data.

    Raises :class:`InvalidTrainingData` when the data cannot train a classifier.

    >>> rows = b'{"text": "great", "labels": {"s": "pos"}}\n{"text": "bad", "labels": {"s": "neg"}}'
    >>> data = read_training_data([("train.jsonl", rows)])
    >>> [(t.name, t.labels, t.loss_function) for t in data.targets], data.data_tokens
    ([('s', ['pos', 'neg'], 'single_class')], 27)
    """
    targets: dict[str, _Target] = {}
    rows, invalid, first_problem = _read_files(training, targets, known=None)
    _check_skipped(rows, invalid, first_problem, skip_share)
    for name, target in targets.items():
        if len(target.labels) < 2:
            (only,) = target.labels
            raise InvalidTrainingData(
                f"target {name!r} has a single label ({only!r}) in the training data; "
                "a classifier needs at least two labels per target"
            )
    if validation:
        valid_rows, valid_invalid, valid_problem = _read_files(validation, targets, known=targets)
        _check_skipped(valid_rows, valid_invalid, valid_problem, skip_share)
    return TrainingData(
        targets=_final_targets(targets, requested),
        data_tokens=sum(math.ceil(row.size / BYTES_PER_TOKEN) for row in rows),
        rows=len(rows),
        skipped=invalid,
    )


def _read_files(
    files: Sequence[tuple[str, bytes]],
    targets: dict[str, _Target],
    *,
    known: dict[str, _Target] | None,
) -> tuple[list[_Row], int, str | None]:
    """The valid rows, how many were invalid and the first problem; ``targets`` filled in.

    With ``known`` (validation files), rows may only use the targets and labels it holds.
    """
    rows: list[_Row] = []
    invalid = 0
    first_problem: str | None = None
    for filename, content in files:
        for number, line in _lines(content):
            row = _read_row(line)
            if isinstance(row, _Row) and known is not None:
                row = _known_labels(row, known)
            if isinstance(row, str):
                invalid += 1
                first_problem = first_problem or f"{filename}, line {number}: {row}"
                continue
            rows.append(row)
            if known is None:
                for name, labels in row.labels.items():
                    target = targets.setdefault(name, _Target())
                    target.labels.update(dict.fromkeys(labels))
                    target.multi = target.multi or name in row.is_list
    if known is None and rows:
        # A target missing from a row makes that row invalid (second pass: targets are known).
        complete = [row for row in rows if row.labels.keys() == targets.keys()]
        if len(complete) < len(rows):
            incomplete = next(row for row in rows if row.labels.keys() != targets.keys())
            missing = ", ".join(repr(n) for n in targets if n not in incomplete.labels)
            first_problem = first_problem or f"a row has no label for target {missing}"
            invalid += len(rows) - len(complete)
            rows = complete
            _recount(rows, targets)
    if not rows and first_problem is None:
        names = ", ".join(name for name, _ in files) or "no file"
        first_problem = f"{names}: no sample (the file is empty)"
    return rows, invalid, first_problem


def _recount(rows: list[_Row], targets: dict[str, _Target]) -> None:
    """Labels of the rows kept only (a dropped row's labels must not count)."""
    for name, target in targets.items():
        seen = {label for row in rows for label in row.labels[name]}
        target.labels = {label: None for label in target.labels if label in seen}
        target.multi = any(name in row.is_list for row in rows)


def _check_skipped(rows: list[_Row], invalid: int, problem: str | None, share: float) -> None:
    total = len(rows) + invalid
    if not rows or invalid > share * total:
        allowed = f"{share:.0%} may be skipped (invalid_sample_skip_percentage)"
        raise InvalidTrainingData(f"{invalid} of {total} samples are invalid, {allowed}; {problem}")


def _lines(content: bytes) -> Iterator[tuple[int, bytes]]:
    """Numbered non-blank lines (a final newline or blank lines are no samples)."""
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            yield number, line


def _read_row(line: bytes) -> _Row | str:
    """A sample, or why it is invalid."""
    try:
        sample: Any = json.loads(line)
    except ValueError:
        return "not a JSON object (the data must be JSON Lines)"
    if not isinstance(sample, dict):
        return f"a JSON {type(sample).__name__}, not an object"
    text, messages = sample.get("text"), sample.get("messages")
    if not (isinstance(text, str) and text) and not (isinstance(messages, list) and messages):
        return 'no "text" string and no "messages" list'
    labels = sample.get("labels")
    if not isinstance(labels, dict) or not labels:
        return 'no "labels" object (it maps each target to its label or labels)'
    read: dict[str, list[str]] = {}
    is_list: set[str] = set()
    for name, value in labels.items():
        if isinstance(value, str) and value:
            read[name] = [value]
        elif isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            read[name] = list(dict.fromkeys(value))
            is_list.add(name)
        else:
            return (
                f"the label of target {name!r} is {json.dumps(value)}; "
                "expected a label (a string) or a list of labels"
            )
    return _Row(labels=read, is_list=frozenset(is_list), size=len(line))


def _known_labels(row: _Row, known: dict[str, _Target]) -> _Row | str:
    for name, labels in row.labels.items():
        if name not in known:
            return f"target {name!r} is not in the training data"
        unknown = [label for label in labels if label not in known[name].labels]
        if unknown:
            return f"label {unknown[0]!r} of target {name!r} is not in the training data"
    return row


def _final_targets(
    targets: dict[str, _Target], requested: Sequence[ClassifierTargetIn] | None
) -> list[ClassifierTargetOut]:
    found = [
        ClassifierTargetOut(
            name=name,
            labels=list(target.labels),
            weight=1.0,
            loss_function="multi_class" if target.multi else "single_class",
        )
        for name, target in targets.items()
    ]
    if not requested:
        return found
    # The targets the request names are the ones trained, if the data agrees with them (chosen:
    # the contract does not say how a disagreement is handled).
    by_name = {target.name: target for target in found}
    for asked in requested:
        seen = by_name.get(asked.name)
        if seen is None:
            raise InvalidTrainingData(
                f"classifier target {asked.name!r} is not in the data; its targets are "
                f"{', '.join(map(repr, by_name))}"
            )
        extra = [label for label in seen.labels if label not in asked.labels]
        if extra:
            raise InvalidTrainingData(
                f"the data has label {extra[0]!r} for target {asked.name!r}, which its "
                f"classifier_targets entry does not list ({', '.join(map(repr, asked.labels))})"
            )
        if seen.loss_function == "multi_class" and asked.loss_function == "single_class":
            raise InvalidTrainingData(
                f"target {asked.name!r} has lists of labels in the data (multi-label), but its "
                "classifier_targets entry asks for loss_function 'single_class'"
            )
    return [
        ClassifierTargetOut(
            name=asked.name,
            labels=list(asked.labels),
            weight=asked.weight,
            loss_function=asked.loss_function or by_name[asked.name].loss_function,
        )
        for asked in requested
    ]
