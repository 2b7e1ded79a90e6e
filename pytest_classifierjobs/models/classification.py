"""The answer of both classification routes (``reference/mistral-workflow-api.md`` section 3).

``POST /v1/classifications`` (texts) and ``POST /v1/chat/classifications`` (conversations) both
answer a :class:`ClassificationResponse`: one result per input, and in each result one
:class:`ClassificationTargetResult` per target of the model, keyed by the target's name.
"""

import attrs

__all__ = ["ClassificationResponse", "ClassificationTargetResult"]


@attrs.frozen(kw_only=True)
class ClassificationTargetResult:
    """The scores of one target for one input (``ClassificationTargetResult``)."""

    #: Each label of the target and its score, in the order of the target's ``labels``.
    scores: dict[str, float]


@attrs.frozen(kw_only=True)
class ClassificationResponse:
    """The answer of a classification (``ClassificationResponse``)."""

    #: The answer's id, 32 lower-case hex digits as recorded.
    id: str
    #: The model that classified, as the request named it.
    model: str
    #: One entry per input, in input order, each with the model's targets by name, in order.
    results: list[dict[str, ClassificationTargetResult]] = attrs.Factory(list)
