"""The models of one fake: Mistral's base models, the fine-tuned classifiers, and classification.

A job that reaches ``SUCCESS`` makes its ``fine_tuned_model`` (the jobs store calls
:meth:`ModelStore.record`), whichever way it got there: by its plan, a script, ``set_status``,
or being added in ``SUCCESS``. What the contract knows (``reference/mistral-workflow-api.md``
sections 2 and 3), and where it does not, the choices made here:

* ``GET /v1/models`` lists the base models' cards (:data:`BASE_MODEL_CARDS`), then the
  fine-tuned models, newest first. An archived model stays listed, with ``archived: true``, and
  keeps classifying: the card has the field, and nothing recorded says archiving does more.
* A fine-tuned card is the contract's inferred one: ``owned_by`` the organisation in its id,
  ``root`` the job's base model, ``capabilities`` with ``classification`` alone,
  ``created`` when the job succeeded. ``ClassifierFTModelOut`` adds ``workspace_id`` (one per
  fake), ``root_version`` (the base card's version, ``"2410"`` for ``ministral-3b-latest``) and
  the job's ``classifier_targets``.
* A deleted model is gone: retrieving, updating, archiving or deleting it again raises
  :class:`UnknownModelError`, and classifying with it is an invalid model. A base model cannot be
  deleted, updated or archived.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from random import Random
from types import MappingProxyType

import attrs

from pytest_classifierjobs.hints import unknown_name
from pytest_classifierjobs.models import (
    ArchiveFTModelOut,
    BaseModelCard,
    ClassificationResponse,
    ClassifierDetailedJobOut,
    ClassifierFTModelOut,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    DeleteModelOut,
    FTModelCapabilitiesOut,
    FTModelCard,
    ModelCapabilities,
    ModelList,
    UnarchiveFTModelOut,
)
from pytest_classifierjobs.progression import new_uuid
from pytest_classifierjobs.scores import (
    MULTI_CLASS_SCORES,
    ClassifierInput,
    MultiClassScores,
    ScoresSetting,
    check_setting,
    score,
)

__all__ = [
    "BASE_MODEL_CARDS",
    "BaseModelError",
    "ModelStore",
    "NotAClassifierError",
    "UnknownModelError",
]


def _base_card(version_id: str, alias: str, released: datetime.date) -> BaseModelCard:
    # The card of ministral-3b-2410 as recorded in a live-server test expectation
    # (ballerina-platform/module-ballerinax-mistral, 2025): fine_tuning but no classification.
    created = datetime.datetime(*released.timetuple()[:3], tzinfo=datetime.timezone.utc)
    return BaseModelCard(
        id=version_id,
        created=int(created.timestamp()),
        capabilities=ModelCapabilities(
            completion_chat=True, function_calling=True, fine_tuning=True
        ),
        name=version_id,
        description=f"Official {version_id} Mistral AI model",
        max_context_length=131072,
        aliases=[alias],
        default_model_temperature=0.3,
    )


#: The base models the fake lists: ``ministral-3b-2410`` (the one classifier jobs fine-tune, its
#: card as recorded) and ``ministral-8b-2410`` (the same card, chosen). Their ``created`` is the
#: models' release day (the recorded value was overwritten by the test that holds it).
BASE_MODEL_CARDS: tuple[BaseModelCard, ...] = (
    _base_card("ministral-3b-2410", "ministral-3b-latest", datetime.date(2024, 10, 16)),
    _base_card("ministral-8b-2410", "ministral-8b-latest", datetime.date(2024, 10, 16)),
)

_CLASSIFIER = ModelCapabilities(classification=True)
_CLASSIFIER_OUT = FTModelCapabilitiesOut(
    completion_chat=False,
    completion_fim=False,
    function_calling=False,
    fine_tuning=False,
    classification=True,
)


class UnknownModelError(LookupError):
    """No model has this id (or it was deleted)."""


class BaseModelError(Exception):
    """The operation is one on fine-tuned models, and this is a base model."""


class NotAClassifierError(Exception):
    """The model exists but cannot classify (a base model)."""


@attrs.define
class _FineTuned:
    card: FTModelCard
    targets: list[ClassifierTargetOut]
    scores: ScoresSetting | None = None


class ModelStore:
    """The models of one fake API, under one lock.

    ``rng`` draws the workspace id and the salt of drawn scores, so a seeded ``Random`` gives the
    same scores every run. ``multi_class_scores`` is how ``multi_class`` targets score
    (:mod:`pytest_classifierjobs.scores`).
    """

    def __init__(
        self,
        *,
        rng: Random,
        base_cards: Sequence[BaseModelCard] = BASE_MODEL_CARDS,
        multi_class_scores: MultiClassScores = "normalized",
    ) -> None:
        if multi_class_scores not in MULTI_CLASS_SCORES:
            raise ValueError(
                unknown_name("multi_class_scores mode", multi_class_scores, MULTI_CLASS_SCORES)
            )
        self._rng = rng
        self.multi_class_scores: MultiClassScores = multi_class_scores
        #: The workspace every fine-tuned model of this fake belongs to.
        self.workspace_id = new_uuid(rng)
        self._salt = rng.getrandbits(64)
        self._base = {card.id: card for card in base_cards}
        self._aliases = {alias: card for card in base_cards for alias in card.aliases}
        self._models: dict[str, _FineTuned] = {}
        self._deleted: set[str] = set()
        self._lock = threading.Lock()
        #: Called before every read or change a test or a request makes: the jobs store sets
        #: it to catch its jobs up with the clock, so that a job whose success is due has made
        #: its model by the time anybody looks (time progression).
        self.before_read: Callable[[], None] = _nothing

    # --- what the tests see and do ------------------------------------------------------------

    @property
    def models(self) -> Mapping[str, FTModelCard]:
        """A read-only snapshot of the fine-tuned models by id, oldest first."""
        with self._reading():
            return MappingProxyType({model_id: m.card for model_id, m in self._models.items()})

    def record(self, job: ClassifierDetailedJobOut) -> FTModelCard | None:
        """The model a ``SUCCESS`` job made, stored the first time it is seen.

        ``None`` for a job with no model (not ``SUCCESS``, or no ``fine_tuned_model``), and for a
        model that was deleted: it stays deleted.
        """
        model_id = job.fine_tuned_model
        if job.status is not ClassifierJobOutStatus.SUCCESS or not model_id:
            return None
        with self._lock:
            if model_id in self._deleted:
                return None
            stored = self._models.get(model_id)
            if stored is None:
                stored = _FineTuned(card=self._card_of(job, model_id), targets=[])
                self._models[model_id] = stored
            stored.targets = list(job.classifier_targets)
            return stored.card

    def add(self, job: ClassifierDetailedJobOut) -> FTModelCard:
        """The model of a ``SUCCESS`` job, stored even if it was deleted before."""
        with self._lock:
            self._deleted.discard(job.fine_tuned_model or "")
        card = self.record(job)
        if card is None:
            raise ValueError(
                f"job {job.id} is {job.status.value}: only a job in SUCCESS has a fine-tuned model"
            )
        return card

    def card(self, model_id: str) -> FTModelCard:
        """A fine-tuned model's card."""
        with self._reading():
            return self._fine_tuned(model_id).card

    def set_scores(self, model_id: str, scores: ScoresSetting | None) -> None:
        """Make the model score as ``scores`` says (:mod:`pytest_classifierjobs.scores`).

        ``None`` goes back to drawn scores.
        """
        with self._reading():
            stored = self._fine_tuned(model_id)
            stored.scores = (
                None if scores is None else check_setting(scores, stored.targets, model_id=model_id)
            )

    # --- the operations -----------------------------------------------------------------------

    def list_models(self) -> ModelList:
        """Every base model, then the fine-tuned ones, newest first."""
        with self._reading():
            fine_tuned = sorted(
                (m.card for m in reversed(self._models.values())),
                key=lambda card: card.created,
                reverse=True,
            )
        return ModelList(data=[*self._base.values(), *fine_tuned])

    def retrieve(self, model_id: str) -> BaseModelCard | FTModelCard:
        """A model's card; a base model is found by its id or an alias."""
        base = self._base.get(model_id) or self._aliases.get(model_id)
        if base is not None:
            return base
        with self._reading():
            return self._fine_tuned(model_id).card

    def delete(self, model_id: str) -> DeleteModelOut:
        """Forget a fine-tuned model; later calls naming it get :class:`UnknownModelError`."""
        self._refuse_base(model_id)
        with self._reading():
            self._fine_tuned(model_id)
            del self._models[model_id]
            self._deleted.add(model_id)
        return DeleteModelOut(id=model_id)

    def update(self, model_id: str, changes: Mapping[str, str | None]) -> ClassifierFTModelOut:
        """Set the model's ``name`` and/or ``description`` (the keys of ``changes``)."""
        self._refuse_base(model_id)
        with self._reading():
            stored = self._fine_tuned(model_id)
            card = stored.card
            stored.card = attrs.evolve(
                card,
                name=changes.get("name", card.name),
                description=changes.get("description", card.description),
            )
            return self._classifier_out(stored)

    def fine_tuned_model(self, model_id: str) -> ClassifierFTModelOut:
        """The model as the fine-tuning routes answer it."""
        self._refuse_base(model_id)
        with self._reading():
            return self._classifier_out(self._fine_tuned(model_id))

    def archive(self, model_id: str) -> ArchiveFTModelOut:
        """Archive the model (archiving it again changes nothing)."""
        self._set_archived(model_id, archived=True)
        return ArchiveFTModelOut(id=model_id)

    def unarchive(self, model_id: str) -> UnarchiveFTModelOut:
        """Unarchive the model (whether or not it was archived)."""
        self._set_archived(model_id, archived=False)
        return UnarchiveFTModelOut(id=model_id)

    def classify(self, model_id: str, inputs: Sequence[ClassifierInput]) -> ClassificationResponse:
        """One result per input, in order, each target's scores (set by the test or drawn)."""
        with self._reading():
            stored = self._models.get(model_id)
            if stored is None:
                if model_id in self._base or model_id in self._aliases:
                    raise NotAClassifierError(model_id)
                raise UnknownModelError(model_id)
            targets, setting = list(stored.targets), stored.scores
            answer_id = f"{self._rng.getrandbits(128):032x}"
        salt = f"{self._salt}:{model_id}"
        results = [
            score(
                targets,
                value,
                salt=salt,
                setting=setting,
                multi_class=self.multi_class_scores,
                model_id=model_id,
            )
            for value in inputs
        ]
        return ClassificationResponse(id=answer_id, model=model_id, results=results)

    # --- internals ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        self.before_read()  # outside the lock: the jobs store records models under its own
        with self._lock:
            yield

    def _fine_tuned(self, model_id: str) -> _FineTuned:
        stored = self._models.get(model_id)
        if stored is None:
            raise UnknownModelError(model_id)
        return stored

    def _refuse_base(self, model_id: str) -> None:
        if model_id in self._base or model_id in self._aliases:
            raise BaseModelError(model_id)

    def _set_archived(self, model_id: str, *, archived: bool) -> None:
        self._refuse_base(model_id)
        with self._reading():
            stored = self._fine_tuned(model_id)
            stored.card = attrs.evolve(stored.card, archived=archived)

    def _card_of(self, job: ClassifierDetailedJobOut, model_id: str) -> FTModelCard:
        parts = model_id.split(":")
        # ft:classifier:<base>:<organisation>:<date>:<job>: the organisation owns the model.
        owned_by = parts[3] if len(parts) == 6 else f"{self._salt & 0xFFFFFFFF:08x}"
        succeeded = [
            event.created_at
            for event in job.events
            if (event.data or {}).get("status") == ClassifierJobOutStatus.SUCCESS
        ]
        return FTModelCard(
            id=model_id,
            created=succeeded[-1] if succeeded else job.modified_at,
            owned_by=owned_by,
            capabilities=_CLASSIFIER,
            job=job.id,
            root=job.model,
        )

    def _classifier_out(self, stored: _FineTuned) -> ClassifierFTModelOut:
        card = stored.card
        return ClassifierFTModelOut(
            id=card.id,
            created=card.created,
            owned_by=card.owned_by,
            workspace_id=self.workspace_id,
            root=card.root,
            root_version=self._root_version(card.root),
            archived=card.archived,
            name=card.name,
            description=card.description,
            capabilities=_CLASSIFIER_OUT,
            max_context_length=card.max_context_length,
            aliases=list(card.aliases),
            job=card.job,
            classifier_targets=list(stored.targets),
        )

    def _root_version(self, root: str) -> str:
        base = self._base.get(root) or self._aliases.get(root)
        # The base model's version is the last part of its id (ministral-3b-2410: "2410").
        return (base.id if base is not None else root).rsplit("-", 1)[-1]


def _nothing() -> None:
    """What a model store does before a read when no jobs store follows a clock for it."""
