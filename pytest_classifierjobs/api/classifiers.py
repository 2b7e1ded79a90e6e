"""The classifiers resource: ``POST /v1/classifications`` and ``POST /v1/chat/classifications``.

Both answer ``ClassificationResponse`` (``reference/mistral-workflow-api.md`` section 3) from the
:class:`~pytest_classifierjobs.state.models.ModelStore`: one result per input, each target of the
fine-tuned model scored as :mod:`pytest_classifierjobs.scores` describes. A body the server's
FastAPI refuses gets its ``422`` (a *list* ``detail``, the one shape the SDKs read as
``HTTPValidationError``). A model that is unknown, deleted or no classifier (a base model) gets
the ``400`` that Mistral's API answers an unknown model with on its inference routes
(``{"object": "error", "message": "Invalid model: <id>", "type": "invalid_model", ...}``,
recorded on chat completions, langchaingo#1233 and mistral-vibe#617); no answer of the
classification routes to a bad model is recorded.
"""

from __future__ import annotations

from pytest_classifierjobs.routing import Route, RouteMatch
from pytest_classifierjobs.state.models import ModelStore, NotAClassifierError, UnknownModelError
from pytest_classifierjobs.validation import RequestReader
from pytest_classifierjobs.wire import to_wire

from .messages import ApiRequest, ApiResponse, error_answer, json_answer

__all__ = ["CLASSIFIER_ROUTES", "ClassifiersHandler", "invalid_model"]

#: The routes of the classifiers API.
CLASSIFIER_ROUTES: tuple[Route, ...] = (
    Route("POST", "/v1/classifications", "classifiers.classify"),
    Route("POST", "/v1/chat/classifications", "classifiers.classify_chat"),
)


def invalid_model(model_id: str) -> ApiResponse:
    """The ``400`` of a model that cannot serve the request, as Mistral's API writes it."""
    return error_answer(
        400,
        f"Invalid model: {model_id}",
        error_type="invalid_model",
        code="1500",
        raw_status_code=True,
    )


class ClassifiersHandler:
    """Answers both classification operations from a :class:`ModelStore`."""

    def __init__(self, store: ModelStore, reader: RequestReader) -> None:
        self.store = store
        self.reader = reader

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """Answer ``request`` as the classification it was matched to."""
        chat = match.operation == "classifiers.classify_chat"
        asked = self.reader.classification(request.headers, request.body, chat=chat)
        try:
            answer = self.store.classify(asked.model, asked.inputs)
        except (UnknownModelError, NotAClassifierError):
            return invalid_model(asked.model)
        return json_answer(200, to_wire(answer))
