"""What the fake holds, one module per resource, with no HTTP in sight.

:mod:`.jobs` holds the jobs and moves them through their lifecycle; :mod:`.files` holds the
uploaded files, which jobs read at validation. Each store guards itself with one lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

_T = TypeVar("_T")


def page_of(items: Sequence[_T], page: int, page_size: int) -> Sequence[_T]:
    """The zero-based ``page`` of ``items``, ``page_size`` a page.

    The server's answer to a negative page or size is unknown: an empty page (chosen).

    >>> page_of("abcde", 1, 2), page_of("abcde", -1, 2)
    ('cd', '')
    """
    start = page * page_size
    return items[start : start + page_size] if start >= 0 else items[:0]
