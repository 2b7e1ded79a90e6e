"""The order the list operation answers in, kept up to date as jobs are stored and move.

A list asks for one page of the jobs, newest first, often of one status or in a window of
creation times: sorting every stored job for each request made a page from 100,000 jobs cost
160 times a page from 1,000. :class:`NewestFirst` keeps the jobs' keys sorted as they are
written, once for all jobs and once per status, so that such a page and its ``total`` cost a
binary search and the page itself, whatever the number of jobs stored.

A key is ``(created_at, order, id)``: ``order`` breaks ties in the order jobs were stored, as
the store always has. The store calls :meth:`NewestFirst.add`, :meth:`~NewestFirst.remove`
and :meth:`~NewestFirst.move` under its own lock; the index has none.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

from pytest_classifierjobs.models import ClassifierJobOutStatus

__all__ = ["Key", "NewestFirst"]

#: ``(created_at, order, id)`` of a stored job.
Key = tuple[int, int, str]


class NewestFirst:
    """The stored jobs' keys in ascending order, overall and per status.

    >>> index = NewestFirst()
    >>> index.add((10, 0, "a"), ClassifierJobOutStatus.QUEUED)
    >>> index.add((20, 1, "b"), ClassifierJobOutStatus.SUCCESS)
    >>> index.add((15, 2, "c"), ClassifierJobOutStatus.QUEUED)
    >>> keys, low, high = index.window(None, None, None)
    >>> [key[2] for key in reversed(keys[low:high])]
    ['b', 'c', 'a']
    >>> keys, low, high = index.window(ClassifierJobOutStatus.QUEUED, 11, None)
    >>> [key[2] for key in keys[low:high]]
    ['c']
    """

    def __init__(self) -> None:
        self._all: list[Key] = []
        self._by_status: dict[ClassifierJobOutStatus, list[Key]] = {}

    def add(self, key: Key, status: ClassifierJobOutStatus) -> None:
        """Index a job stored in ``status``."""
        # Jobs are mostly stored newest last: insort then moves nothing, or little.
        insort(self._all, key)
        insort(self._by_status.setdefault(status, []), key)

    def add_many(self, keyed: Iterable[tuple[Key, ClassifierJobOutStatus]]) -> None:
        """Index many jobs at once: appended, then each list sorted once."""
        touched = set()
        for key, status in keyed:
            self._all.append(key)
            self._by_status.setdefault(status, []).append(key)
            touched.add(status)
        self._all.sort()
        for status in touched:
            self._by_status[status].sort()

    def remove(self, key: Key, status: ClassifierJobOutStatus) -> None:
        """Forget a job that was indexed in ``status``."""
        _discard(self._all, key)
        _discard(self._by_status[status], key)

    def move(self, key: Key, before: ClassifierJobOutStatus, after: ClassifierJobOutStatus) -> None:
        """A job went from ``before`` to ``after``."""
        if before is not after:
            _discard(self._by_status[before], key)
            insort(self._by_status.setdefault(after, []), key)

    def window(
        self,
        status: ClassifierJobOutStatus | None,
        created_after: int | None,
        created_before: int | None,
    ) -> tuple[list[Key], int, int]:
        """The keys of ``status`` (any if ``None``) created within the bounds, oldest first.

        They are ``keys[low:high]`` of the returned ``(keys, low, high)``; both bounds are
        inclusive. Not a copy: a page reads a few keys of what may be a long list. Read it
        under the lock that guards the index.
        """
        keys = self._all if status is None else self._by_status.get(status, [])
        low = 0 if created_after is None else bisect_left(keys, (created_after,))
        high = len(keys) if created_before is None else bisect_left(keys, (created_before + 1,))
        return keys, low, max(low, high)


def _discard(keys: list[Key], key: Key) -> None:
    # index() from the key's place: found at once, and a ValueError rather than the wrong key
    # deleted if the index ever lost it.
    del keys[keys.index(key, bisect_left(keys, key))]
