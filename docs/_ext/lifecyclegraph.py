"""Draw the transition graph and list the lifecycle paths from the package, when the docs build.

A page that holds ``<!-- lifecycle-graph -->`` gets, in its place, an SVG picture of
``lifecycle.TRANSITIONS`` (one box per status, one arrow per allowed move); one that holds
``<!-- lifecycle-paths -->`` gets the list of ``paths.every_path()``. Both are made from the code
each time the docs build, so neither can drift from it.

The layout is computed too: ``QUEUED`` is drawn twice, fresh and re-queued after validation (as
``lifecycle.Progress`` tells them apart), so that every arrow points down the page; a status
stands at the latest place at which a path first reaches it, in one of three lanes (failed, on
the way to success, cancellation). The extension checks that the arrows are exactly the moves
``TRANSITIONS`` allows.
"""

from __future__ import annotations

import itertools
from html import escape
from typing import Any

from sphinx.application import Sphinx

GRAPH = "<!-- lifecycle-graph -->"
PATHS = "<!-- lifecycle-paths -->"

BOX_W, BOX_H = 200, 32
LANE_GAP, LEVEL_GAP = 90, 22
MARGIN = 16
# The lanes, left to right: the failed statuses, the way to success, the cancellation.
FAILED_LANE, MAIN_LANE, CANCEL_LANE = 0, 1, 2

Node = tuple[Any, bool]  # a status, and whether it is QUEUED again (re-queued for training)


def _graph() -> tuple[dict[Node, tuple[int, int]], set[tuple[Node, Node]]]:
    """Each node's (lane, level), and the moves between nodes, from every path from creation.

    ``QUEUED`` is two nodes, as :class:`~pytest_classifierjobs.lifecycle.Progress` keeps it: a
    fresh job, and one re-queued after validation. A node's level is the latest place at which a
    path first reaches it, so the way to success reads top to bottom.
    """
    from pytest_classifierjobs import (  # noqa: PLC0415  (the package, when the page is read)
        FAILED_STATUSES,
        TRANSITIONS,
        ClassifierJobOutStatus,
    )
    from pytest_classifierjobs.paths import every_path  # noqa: PLC0415

    level: dict[Node, int] = {}
    moves: set[tuple[Node, Node]] = set()
    for path in every_path(prefixes=True):
        nodes = [
            (status, index > 0 and status is ClassifierJobOutStatus.QUEUED)
            for index, status in enumerate(path)
        ]
        for index, node in enumerate(nodes):
            if nodes.index(node) == index:
                level[node] = max(level.get(node, 0), index)
        moves.update(itertools.pairwise(nodes))
    # The picture shows TRANSITIONS: every move it allows is on some path, and no other.
    drawn = {(a[0], b[0]) for a, b in moves}
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert drawn == allowed, f"the paths and TRANSITIONS differ: {drawn ^ allowed}"
    succeeding = {s for p in every_path(ending="SUCCESS") for s in p}
    levels = {value: rank for rank, value in enumerate(sorted(set(level.values())))}
    placed = {}
    for node, value in level.items():
        status = node[0]
        lane = (
            FAILED_LANE
            if status in FAILED_STATUSES
            else MAIN_LANE
            if status in succeeding
            else CANCEL_LANE
        )
        placed[node] = (lane, levels[value])
    return placed, moves


def _box(lane: int, level: int) -> tuple[float, float]:
    return MARGIN + lane * (BOX_W + LANE_GAP), MARGIN + level * (BOX_H + LEVEL_GAP)


def _route(source: tuple[int, int], target: tuple[int, int], bus: float) -> str:
    """The SVG path of one arrow, by where its two boxes stand."""
    (sl, sv), (tl, tv) = source, target
    sx, sy = _box(sl, sv)
    tx, ty = _box(tl, tv)
    if sl == tl and tv == sv + 1:  # the next box down
        return f"M{sx + BOX_W / 2},{sy + BOX_H} L{tx + BOX_W / 2},{ty}"
    if sl == tl:  # further down the same lane: around its left side
        x, y1, y2 = sx - 28, sy + BOX_H / 2, ty + BOX_H / 2
        return f"M{sx},{y1} C{x},{y1} {x},{y2} {tx},{y2}"
    if tl < sl:  # to the lane on the left
        x1, y1, x2, y2 = sx, sy + BOX_H / 2, tx + BOX_W, ty + BOX_H / 2
        bend = (x1 + x2) / 2
        return f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
    # To the cancellation lane: along a vertical line in the gap (one per target), then in.
    return f"M{sx + BOX_W},{sy + BOX_H / 2} H{bus} V{ty + BOX_H / 2} H{tx}"


def lifecycle_svg() -> str:
    from pytest_classifierjobs import TERMINAL_STATUSES  # noqa: PLC0415

    placed, moves = _graph()
    lanes = 1 + max(lane for lane, _ in placed.values())
    levels = 1 + max(level for _, level in placed.values())
    width = 2 * MARGIN + lanes * BOX_W + (lanes - 1) * LANE_GAP
    height = 2 * MARGIN + levels * BOX_H + (levels - 1) * LEVEL_GAP
    targets = sorted({placed[b] for _, b in moves if placed[b][0] == CANCEL_LANE})
    gap_left = MARGIN + CANCEL_LANE * (BOX_W + LANE_GAP) - LANE_GAP
    buses = {t: gap_left + LANE_GAP * (i + 1) / (len(targets) + 1) for i, t in enumerate(targets)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" style="max-width: 100%; height: auto" role="img" '
        'aria-label="The transition graph of a classifier job">',
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='7' "
        "markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' "
        "fill='#555'/></marker></defs>",
    ]
    for source, target in sorted(moves, key=lambda move: (placed[move[0]], placed[move[1]])):
        route = _route(placed[source], placed[target], buses.get(placed[target], 0.0))
        parts.append(
            f'<path d="{route}" fill="none" stroke="#555" stroke-width="1.3" '
            f'marker-end="url(#arrow)"><title>{source[0].value} to {target[0].value}</title></path>'
        )
    for (status, again), (lane, level) in placed.items():
        x, y = _box(lane, level)
        final = status in TERMINAL_STATUSES
        fill, stroke = ("#e8eef8", "#2d4f8a") if final else ("#ffffff", "#555")
        label = f"{status.value} (again)" if again else status.value
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2.2 if final else 1.3}"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 4}" text-anchor="middle" '
            f'font-family="monospace" font-size="12">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def paths_list() -> str:
    from pytest_classifierjobs.paths import every_path  # noqa: PLC0415

    paths = every_path()
    lines = [f"The {len(paths)} paths from creation to a terminal status, shortest first:", ""]
    lines += [f"1. `{path.id}`" for path in paths]
    return "\n".join(lines)


def fill_in(_app: Sphinx, _docname: str, source: list[str]) -> None:
    if GRAPH in source[0]:
        source[0] = source[0].replace(GRAPH, lifecycle_svg())
    if PATHS in source[0]:
        source[0] = source[0].replace(PATHS, paths_list())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", fill_in)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
