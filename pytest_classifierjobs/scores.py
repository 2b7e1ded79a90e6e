"""How a fake classifier scores its inputs: drawn from the seed, or set by the test.

What the recorded answers show (``reference/mistral-workflow-api.md`` section 3.1, the three
cookbook notebooks): every target of the model has a score for each of its labels, in the order
of the target's ``labels``; one label usually dominates (``0.997`` of sixteen); and **every
target's scores sum to 1**, the targets trained on lists of labels (``multi_class`` data) too.
So by default (``multi_class_scores="normalized"``) each target's scores are a softmax. Whether
a ``multi_class`` target could score its labels independently is not recorded; the opt-in
``multi_class_scores="independent"`` gives each label of such a target a sigmoid score of its own
(they no longer sum to 1), for code that thresholds each label.

Drawn scores are a function of the fake's seed, the model, the target and the input: the same
text classified twice, in one test or in two runs with one seed, gets the same scores. A test sets
them per model (:meth:`ModelStore.set_scores <pytest_classifierjobs.state.models.ModelStore
.set_scores>`) as fixed :data:`Scores` per input, or a function of the input; for each target the
scores of every label, or just the label(s) that should win, whose scores are then drawn
around that choice.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from random import Random
from typing import Any, Literal, TypeAlias

from .hints import did_you_mean
from .models import ClassificationTargetResult, ClassifierTargetOut

__all__ = [
    "MULTI_CLASS_SCORES",
    "ClassifierInput",
    "MultiClassScores",
    "ScoreFunction",
    "Scores",
    "ScoresError",
    "ScoresSetting",
    "TargetScores",
    "check_scores",
    "check_setting",
    "input_text",
    "score",
]

#: What is classified: a text (``/v1/classifications``), or a conversation,
#: ``{"messages": [...]}`` (``/v1/chat/classifications``).
ClassifierInput: TypeAlias = str | Mapping[str, Any]
#: One target's scores as a test gives them: every label and its score, or the label (or, for a
#: ``multi_class`` target, the labels) that should win.
TargetScores: TypeAlias = Mapping[str, float] | str | Sequence[str]
#: An input's scores as a test gives them: each target of the model by name.
Scores: TypeAlias = Mapping[str, TargetScores]
#: A test's scores as a function of the input (the text, or the conversation's JSON object).
ScoreFunction: TypeAlias = Callable[[ClassifierInput], Scores | None]
#: What a test sets on a model: fixed scores by input text, or a function.
ScoresSetting: TypeAlias = Mapping[str, Scores] | ScoreFunction
MultiClassScores = Literal["normalized", "independent"]
#: The values of the ``multi_class_scores`` option.
MULTI_CLASS_SCORES: tuple[MultiClassScores, ...] = ("normalized", "independent")

# How far the winning label stands above the best of the others (logits): the recordings'
# winners score 0.94 to 0.997, their multi-label targets 0.33 to 0.80.
_WINNER_MARGIN = (3.0, 8.0)
_OTHER_LOGIT_SIGMA = 1.5
# Independent scores: a winning label above 0.5, the others well below.
_INDEPENDENT_WIN = (1.0, 5.0)
_INDEPENDENT_LOSE = (-6.0, -1.0)


class ScoresError(ValueError):
    """Scores a test set that do not fit the model; the message says what and what is allowed."""


def input_text(value: ClassifierInput) -> str:
    """The text a fixed score's key is compared with.

    A text is itself; a conversation is the text of its last message (a string ``content``, or
    its text chunks joined), which is what the classifier guide's chat data labels.

    >>> input_text("It's nice")
    "It's nice"
    >>> input_text({"messages": [{"role": "user", "content": "Lame..."}]})
    'Lame...'
    """
    if isinstance(value, str):
        return value
    messages = value.get("messages") or [{}]
    content = messages[-1].get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(chunk.get("text", "") for chunk in content if isinstance(chunk, Mapping))
    return ""


def _input_key(value: ClassifierInput) -> str:
    # What the drawn scores depend on: the whole input, written canonically.
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def score(
    targets: Sequence[ClassifierTargetOut],
    value: ClassifierInput,
    *,
    salt: str,
    setting: ScoresSetting | None = None,
    multi_class: MultiClassScores = "normalized",
    model_id: str = "",
) -> dict[str, ClassificationTargetResult]:
    """The result of one input: each target's scores, set by the test or drawn.

    ``salt`` makes drawn scores a function of the fake's seed and the model.

    >>> from pytest_classifierjobs.models import ClassifierTargetOut
    >>> target = ClassifierTargetOut(
    ...     name="sentiment", labels=["pos", "neg"], weight=1.0, loss_function="single_class"
    ... )
    >>> result = score([target], "great", salt="1", setting={"great": {"sentiment": "pos"}})
    >>> scores = result["sentiment"].scores
    >>> list(scores), scores["pos"] > scores["neg"], round(sum(scores.values()), 9)
    (['pos', 'neg'], True, 1.0)
    """
    given: Scores | None
    if setting is None:
        given = None
    elif callable(setting):
        given = setting(value)
        if given is not None:
            given = check_scores(given, targets, model_id=model_id, where=repr(value)[:60])
    else:
        given = setting.get(input_text(value))
    key = _input_key(value)
    result: dict[str, ClassificationTargetResult] = {}
    for target in targets:
        chosen = None if given is None else given[target.name]
        if isinstance(chosen, Mapping):
            scores = {label: float(chosen[label]) for label in target.labels}
        else:
            independent = multi_class == "independent" and target.loss_function == "multi_class"
            rng = Random(f"{salt}:{target.name}:{key}")
            winners = [chosen] if isinstance(chosen, str) else chosen
            scores = _drawn(rng, target.labels, winners, independent=independent)
        result[target.name] = ClassificationTargetResult(scores=scores)
    return result


def _drawn(
    rng: Random, labels: Sequence[str], winners: Sequence[str] | None, *, independent: bool
) -> dict[str, float]:
    if not labels:
        return {}
    if winners is None:
        winners = [rng.choice(labels)]
    if independent:
        logits = [
            rng.uniform(*(_INDEPENDENT_WIN if label in winners else _INDEPENDENT_LOSE))
            for label in labels
        ]
        return {label: 1 / (1 + math.exp(-x)) for label, x in zip(labels, logits, strict=True)}
    # The others first, so that every winner stands above the best of them: a label the test
    # made win always has the top score.
    others = {label: rng.gauss(0, _OTHER_LOGIT_SIGMA) for label in labels if label not in winners}
    floor = max(others.values(), default=0.0)
    logits = [
        others[label] if label in others else floor + rng.uniform(*_WINNER_MARGIN)
        for label in labels
    ]
    top = max(logits)
    weights = [math.exp(x - top) for x in logits]
    total = math.fsum(weights)
    return {label: w / total for label, w in zip(labels, weights, strict=True)}


def check_setting(
    setting: object, targets: Sequence[ClassifierTargetOut], *, model_id: str
) -> ScoresSetting:
    """``setting`` checked against the model's targets: a function, or fixed scores per text.

    Fixed scores are checked now; a function's results are checked as it gives them.
    """
    if callable(setting):
        return setting
    if not isinstance(setting, Mapping):
        raise ScoresError(
            f"scores for model {model_id!r} must be a mapping of input texts to scores, such "
            'as {"It\'s nice": {"sentiment": "positive"}}, or a function of the input, '
            f"not {setting!r}"[:300]
        )
    checked: dict[str, Scores] = {}
    for text, scores in setting.items():
        if not isinstance(text, str):
            raise ScoresError(
                f"the inputs of fixed scores are texts (a conversation is matched by its last "
                f"message's text), not {text!r}"
            )
        checked[text] = check_scores(scores, targets, model_id=model_id, where=repr(text))
    return checked


def check_scores(
    scores: object, targets: Sequence[ClassifierTargetOut], *, model_id: str, where: str
) -> Scores:
    """One input's scores checked: every target of the model, each label once, finite numbers.

    Raises :class:`ScoresError` naming the model, the input (``where``), the target and what it
    allows.
    """
    names = [target.name for target in targets]
    head = f"scores for {where} on model {model_id!r}"
    if not isinstance(scores, Mapping):
        raise ScoresError(
            f"{head} must map each target ({', '.join(names)}) to its scores, not {scores!r}"
        )
    problems = _differences(scores, names, "target")
    if problems:
        raise ScoresError(f"{head}: {'; '.join(problems)}; the model's targets: {', '.join(names)}")
    return {
        target.name: _check_target(scores[target.name], target, head=head) for target in targets
    }


def _differences(given: Iterable[object], expected: Sequence[str], what: str) -> list[str]:
    """What ``given`` has that ``expected`` has not (unknown), then the reverse (missing)."""
    names = list(given)
    return [
        f"unknown {what} {name!r}{did_you_mean(name, expected)}"
        for name in names
        if name not in expected
    ] + [f"missing {what} {name!r}" for name in expected if name not in names]


def _check_target(value: object, target: ClassifierTargetOut, *, head: str) -> TargetScores:
    labels = target.labels
    allowed = f"its labels: {', '.join(labels)}"
    where = f"{head}, target {target.name!r}"
    if isinstance(value, str):
        if value not in labels:
            hint = did_you_mean(value, labels)
            raise ScoresError(f"{where}: {value!r} is not a label{hint}; {allowed}")
        return value
    if isinstance(value, Mapping):
        problems = _differences(value, labels, "label")
        if problems:
            raise ScoresError(f"{where}: {'; '.join(problems)}; {allowed}")
        for label, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise ScoresError(
                    f"{where}: the score of {label!r} must be a number, not {number!r}"
                )
            if not math.isfinite(number):
                raise ScoresError(f"{where}: the score of {label!r} must be finite, not {number!r}")
        return value
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        if target.loss_function != "multi_class":
            raise ScoresError(
                f"{where}: several winning labels need a multi_class target; "
                f"this one is {target.loss_function}: give one label"
            )
        wrong = [label for label in value if label not in labels]
        if wrong:
            raise ScoresError(f"{where}: {', '.join(map(repr, wrong))} not labels; {allowed}")
        return list(value)
    raise ScoresError(
        f"{where} must be the label that wins, or every label's score "
        f"({{label: number}}), not {value!r}; {allowed}"
    )
