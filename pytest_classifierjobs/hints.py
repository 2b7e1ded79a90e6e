"""The one way every error names a misspelt name: what was given, a close match, what is allowed.

Options, statuses, status groups, fault operations, progressions, outcomes, field names: every
name a user types is checked against the names allowed, and a miss reads the same everywhere::

    unknown status 'RUNING' (did you mean 'RUNNING'?); expected one of QUEUED, STARTED, ...

The close match is difflib's (a ratio of at least 0.6), compared without case, so ``'success'``
points to ``'SUCCESS'``. It imports nothing but the standard library: the plugin loads it at
start-up.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean", "unknown_name"]


def closest(name: object, allowed: Iterable[str]) -> str | None:
    """The allowed name closest to ``name`` (ignoring case), or ``None`` when none is close.

    >>> closest("RUNING", ["QUEUED", "RUNNING", "SUCCESS"])
    'RUNNING'
    >>> closest("success", ["QUEUED", "SUCCESS"])
    'SUCCESS'
    >>> closest(3, ["QUEUED"]) is None
    True
    """
    if not isinstance(name, str):
        return None
    by_lower: dict[str, str] = {}
    for candidate in allowed:
        by_lower.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    return by_lower[matches[0]] if matches else None


def did_you_mean(name: object, allowed: Iterable[str]) -> str:
    """``" (did you mean 'X'?)"`` for the closest allowed name, or ``""`` when none is close.

    >>> did_you_mean("lsit", ["list", "get"])
    " (did you mean 'list'?)"
    """
    match = closest(name, allowed)
    return "" if match is None else f" (did you mean {match!r}?)"


def unknown_name(what: str, name: object, allowed: Iterable[str]) -> str:
    """The message for a name that is not allowed: the name, a hint, and every allowed name.

    >>> unknown_name("operation", "lsit", ["list", "get"])
    "unknown operation 'lsit' (did you mean 'list'?); expected one of 'list', 'get'"
    """
    names = list(allowed)
    shown = getattr(name, "value", name)  # an enum member reads as its bare value
    listed = ", ".join(repr(n) for n in names)
    return f"unknown {what} {shown!r}{did_you_mean(shown, names)}; expected one of {listed}"
