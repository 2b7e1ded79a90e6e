"""Write the table of statuses from the package itself, so the page cannot drift from the code.

A page that holds the line ``<!-- status-table -->`` gets, in its place, one row per status:
the groups it belongs to and the statuses it may move to next (``TRANSITIONS``).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

MARKER = "<!-- status-table -->"


def status_table() -> str:
    from pytest_classifierjobs import (  # noqa: PLC0415  (the package, when the page is read)
        STATUS_GROUPS,
        TRANSITIONS,
        ClassifierJobOutStatus,
    )

    rows = [
        "| status | groups | may move to |",
        "| --- | --- | --- |",
    ]
    for status in ClassifierJobOutStatus:
        groups = ", ".join(
            f"`{name}`"
            for name, members in STATUS_GROUPS.items()
            if name != "all" and status in members
        )
        after = ", ".join(
            f"`{s.value}`" for s in ClassifierJobOutStatus if s in TRANSITIONS[status]
        )
        rows.append(f"| `{status.value}` | {groups} | {after or 'nothing: it is final'} |")
    return "\n".join(rows)


def fill_in(_app: Sphinx, _docname: str, source: list[str]) -> None:
    if MARKER in source[0]:
        source[0] = source[0].replace(MARKER, status_table())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", fill_in)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
