"""The models resource: ``/v1/models`` and the fine-tuning routes of a fine-tuned model.

Answers as the contract records them (``reference/mistral-workflow-api.md`` section 2) from the
:class:`~pytest_classifierjobs.state.models.ModelStore`; where the contract does not know the
answer, the fake's choice:

* an unknown or deleted model: ``404`` with the error body Mistral's API writes, type
  ``model_not_found`` and code ``"3040"`` as recorded in mistralai/client-python#441 (2026-03;
  the message is the fake's);
* deleting, updating, archiving or unarchiving a base model: ``403 {"detail": ...}`` (chosen:
  only fine-tuned models are the caller's to change);
* ``PATCH`` answers ``ClassifierFTModelOut`` with every capability flag written (the spec's
  default for ``completion_chat`` is ``true``); archiving twice is no error;
* ``GET /v1/models`` takes the 2.x SDK's ``provider`` and ``model`` query parameters and
  filters nothing by them: what they select is undocumented.
"""

from __future__ import annotations

from pytest_classifierjobs.routing import Route, RouteMatch
from pytest_classifierjobs.state.models import BaseModelError, ModelStore, UnknownModelError
from pytest_classifierjobs.validation import RequestReader
from pytest_classifierjobs.wire import to_wire

from .messages import ApiRequest, ApiResponse, error_answer, json_answer

__all__ = ["MODELS_PATH", "MODEL_ROUTES", "ModelsHandler", "model_not_found"]

#: Where the models live, below the base URL.
MODELS_PATH = "/v1/models"
#: Where the fine-tuning routes of a fine-tuned model live.
FINE_TUNED_MODELS_PATH = "/v1/fine_tuning/models"
#: The routes of the models API, in the spec's order.
MODEL_ROUTES: tuple[Route, ...] = (
    Route("GET", MODELS_PATH, "models.list"),
    Route("GET", f"{MODELS_PATH}/{{model_id}}", "models.retrieve"),
    Route("DELETE", f"{MODELS_PATH}/{{model_id}}", "models.delete"),
    Route("PATCH", f"{FINE_TUNED_MODELS_PATH}/{{model_id}}", "models.update"),
    Route("POST", f"{FINE_TUNED_MODELS_PATH}/{{model_id}}/archive", "models.archive"),
    Route("DELETE", f"{FINE_TUNED_MODELS_PATH}/{{model_id}}/archive", "models.unarchive"),
)


def model_not_found(model_id: str) -> ApiResponse:
    """The ``404`` of a model that does not exist (or no longer does)."""
    return error_answer(
        404, f"Model not found: {model_id}", error_type="model_not_found", code="3040"
    )


class ModelsHandler:
    """Answers the model operations from a :class:`ModelStore`."""

    def __init__(self, store: ModelStore, reader: RequestReader) -> None:
        self.store = store
        self.reader = reader

    def answer(self, match: RouteMatch, request: ApiRequest) -> ApiResponse:
        """Answer ``request`` as the model operation it was matched to."""
        if match.operation == "models.list":
            self.reader.model_list_query(request.query)
            return json_answer(200, to_wire(self.store.list_models()))
        model_id = self.reader.model_id(match.params["model_id"])
        try:
            return json_answer(200, to_wire(self._on_a_model(match.operation, model_id, request)))
        except UnknownModelError:
            return model_not_found(model_id)
        except BaseModelError:
            detail = f"{model_id} is a base model: only fine-tuned models can be changed."
            return json_answer(403, {"detail": detail})

    def _on_a_model(self, operation: str, model_id: str, request: ApiRequest) -> object:
        store = self.store
        if operation == "models.retrieve":
            return store.retrieve(model_id)
        if operation == "models.delete":
            return store.delete(model_id)
        if operation == "models.update":
            return store.update(model_id, self.reader.model_update(request.headers, request.body))
        if operation == "models.archive":
            return store.archive(model_id)
        return store.unarchive(model_id)
