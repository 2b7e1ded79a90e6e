"""Every legal life of a job: the paths through ``lifecycle``'s transition graph, from creation.

A poller, a canceller or a report is exercised by the histories a job can have, not by the
statuses alone: which statuses it passes through, in which order. A path starts where every job
starts, ``QUEUED`` waiting for validation, and each step is one that
:meth:`~pytest_classifierjobs.lifecycle.Progress.advance` allows (so ``QUEUED`` after
``VALIDATED`` is the re-queue for training, and a fresh ``QUEUED`` cannot go to ``RUNNING``).

There are 17 paths from creation to a terminal status (``every_path()``), of two to eight
statuses; the longest is
``QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-RUNNING-CANCELLATION_REQUESTED-CANCELLED``. With the
14 paths of a job still moving (every prefix of those, ``QUEUED`` alone included), there are 31
(``every_path(prefixes=True)``).

>>> [path.id for path in every_path(ending="failed")]
['QUEUED-VALIDATING-FAILED_VALIDATION', 'QUEUED-VALIDATING-VALIDATED-QUEUED-RUNNING-FAILED', \
'QUEUED-VALIDATING-VALIDATED-QUEUED-STARTED-RUNNING-FAILED']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .lifecycle import TERMINAL_STATUSES, Progress
from .models import ClassifierJobOutStatus, parse_status
from .settings import SettingError, parse_statuses

__all__ = ["LifecyclePath", "every_path", "legal_path", "selected_paths", "statuses_named"]

S = ClassifierJobOutStatus

StatusesArg = ClassifierJobOutStatus | str | Iterable[ClassifierJobOutStatus | str] | None


class LifecyclePath(tuple[ClassifierJobOutStatus, ...]):
    """The statuses a job passes through, in order, from its creation (``QUEUED``) on."""

    __slots__ = ()

    @property
    def id(self) -> str:
        """The statuses joined by ``-``: the id of the path's case in a parametrized test."""
        return "-".join(status.value for status in self)

    @property
    def final(self) -> ClassifierJobOutStatus:
        """The last status of the path."""
        return self[-1]

    @property
    def complete(self) -> bool:
        """Whether the path ends in a terminal status (the job's life is over)."""
        return self[-1] in TERMINAL_STATUSES

    def __repr__(self) -> str:
        return f"LifecyclePath({self.id})"


def _walks(
    progress: Progress, so_far: tuple[ClassifierJobOutStatus, ...]
) -> Iterator[tuple[ClassifierJobOutStatus, ...]]:
    """Every path that starts with ``so_far`` (where ``progress`` is), each prefix included."""
    yield so_far
    # In the enum's order, so that the list of paths never depends on a set's order.
    for status in (one for one in S if one in progress.next_statuses()):
        yield from _walks(progress.advance(status), (*so_far, status))


# The graph has no cycle (a re-queued QUEUED is another place than a fresh one): finitely many.
_EVERY_PREFIX = tuple(LifecyclePath(walk) for walk in _walks(Progress(), (S.QUEUED,)))


def every_path(
    *,
    ending: StatusesArg = None,
    through: StatusesArg = None,
    max_length: int | None = None,
    prefixes: bool = False,
) -> list[LifecyclePath]:
    """Every legal path from creation, shortest first: to a terminal status, or any prefix.

    ``ending`` keeps the paths whose last status is one of these (a status, a group such as
    ``"failed"`` or ``"terminal"``, or a list); ``through`` the paths that pass through every
    status given; ``max_length`` the paths of at most that many statuses. ``prefixes=True``
    adds the paths that stop before a terminal status (a job still moving). A misspelt status
    or group is a ``ValueError`` naming the closest one; a bad ``max_length`` a ``TypeError`` or
    ``ValueError``.
    """
    endings = statuses_named("ending", ending)
    required = statuses_named("through", through)
    if max_length is not None:
        if isinstance(max_length, bool) or not isinstance(max_length, int):
            raise TypeError(f"max_length must be a whole number of statuses, not {max_length!r}")
        if max_length < 1:
            raise ValueError(f"max_length must be 1 or more, not {max_length}")
    found = [
        path
        for path in _EVERY_PREFIX
        if (prefixes or path.complete)
        and (endings is None or path.final in endings)
        and (required is None or set(required) <= set(path))
        and (max_length is None or len(path) <= max_length)
    ]
    return sorted(found, key=len)


def selected_paths(
    *,
    ending: StatusesArg = None,
    through: StatusesArg = None,
    max_length: int | None = None,
    prefixes: bool = False,
) -> list[LifecyclePath]:
    """:func:`every_path`'s selection, for a parametrization or a strategy: never empty.

    Filters that select no path are a ``ValueError`` that names them, as a bad filter is.
    """
    found = every_path(ending=ending, through=through, max_length=max_length, prefixes=prefixes)
    if not found:
        asked = {"ending": ending, "through": through, "max_length": max_length}
        named = ", ".join(f"{key}={value!r}" for key, value in asked.items() if value is not None)
        raise ValueError(
            f"no legal path matches {named}; the paths are listed by every_path(prefixes=True)"
        )
    return found


def statuses_named(what: str, given: StatusesArg) -> tuple[ClassifierJobOutStatus, ...] | None:
    """The statuses ``given`` names (a status, a group, or a list of them), in the enum's order.

    ``None`` for ``None``. A misspelt status or group is a ``ValueError`` that starts with
    ``what`` (the argument's name) and names the closest one.
    """
    if given is None:
        return None
    names = [given] if isinstance(given, str | ClassifierJobOutStatus) else list(given)
    try:
        return parse_statuses([str(getattr(n, "value", n)) for n in names])
    except SettingError as error:
        raise ValueError(f"{what}: {error}") from None


def legal_path(path: Iterable[ClassifierJobOutStatus | str], where: str) -> LifecyclePath:
    """``path`` as a :class:`LifecyclePath`, checked to be a legal life from creation.

    A string or a non-iterable is a ``TypeError``; a misspelt status, a path that does not start
    at ``QUEUED`` or a step the transition graph does not allow, a ``ValueError`` that says
    which. ``where`` names the call in the ``TypeError``'s message.
    """
    if isinstance(path, str) or not isinstance(path, Iterable):
        raise TypeError(
            f"{where} takes a list of statuses from QUEUED, such as "
            f"['QUEUED', 'VALIDATING', 'FAILED_VALIDATION'], not {type(path).__name__} {path!r}"
        )
    steps = [parse_status(status) for status in path]
    if not steps or steps[0] is not S.QUEUED:
        first = steps[0].value if steps else "nothing"
        raise ValueError(f"a path starts where every job starts, at QUEUED, not at {first}")
    Progress().walk(steps[1:])  # IllegalTransitionError (a ValueError) names the step and why
    return LifecyclePath(steps)
