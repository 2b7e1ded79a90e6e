"""How the benchmarks measure: cases side by side, in interleaved rounds, medians and ratios.

Shared machines are noisy, so absolute times mean little: every case of a table is measured in
the same process (or, for whole pytest runs, in processes started alternately), in interleaved
rounds whose order rotates each round, so that drift and warm-up hit every case alike. A table
reports each median next to its ratio to the baseline case; a :class:`Figure` is one ratio the
issue tracker set a target for, collected into the summary that ``run.py`` prints last.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured figure and the target it must meet (``value <= target``, or ``>=``).

    Most figures are ratios of two medians measured side by side (``unit="x"``); a rate or a
    duration that the issue states absolutely (jobs per second, µs per call) says its unit.
    """

    name: str
    value: float
    target: float
    #: ``"<="`` (lower is better: a cost relative to a baseline) or ``">="`` (a rate).
    sense: str = "<="
    unit: str = "x"
    #: What the figure is of, in a few words (the medians it divides, say).
    detail: str = ""

    @property
    def holds(self) -> bool:
        """Whether the figure meets its target."""
        return self.value <= self.target if self.sense == "<=" else self.value >= self.target


def side_by_side(
    cases: Mapping[str, Callable[[], Any]],
    *,
    rounds: int,
    calls: int,
    around: Mapping[str, Callable[[], AbstractContextManager[Any]]] | None = None,
) -> dict[str, float]:
    """Median seconds per call of each case, measured in interleaved rounds.

    ``around`` gives a case a context (a started mock, say) entered for each of its rounds and
    left out of the timing.
    """
    samples: dict[str, list[float]] = {name: [] for name in cases}
    order = list(cases)
    contexts = around or {}
    for round_index in range(rounds):
        shift = round_index % len(order)
        for name in order[shift:] + order[:shift]:
            case = cases[name]
            with contexts.get(name, nullcontext)():
                start = time.perf_counter()
                for _ in range(calls):
                    case()
                samples[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(title: str, medians: Mapping[str, float], baseline: str) -> None:
    """Print one table: each case's median and its ratio to ``baseline``."""
    width = max(len(name) for name in medians)
    print(f"\n{title}\n")
    print(f"| {'case':<{width}} | median per call | ratio to {baseline} |")
    print(f"|{'-' * (width + 2)}|----------------:|{'-' * (len(baseline) + 10)}:|")
    for name, seconds in medians.items():
        ratio = seconds / medians[baseline]
        print(f"| {name:<{width}} | {_duration(seconds):>15} | {ratio:>{len(baseline) + 9}.3f} |")


def _duration(seconds: float) -> str:
    if seconds >= 0.1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-4:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def print_summary(figures: list[Figure]) -> None:
    """The table of every figure with a target: measured ratio, target, and whether it holds."""
    width = max(len(f.name) for f in figures)
    print("\nSummary: every figure with a target\n")
    print(f"| {'figure':<{width}} | {'measured':>14} | {'target':>14} | holds | of |")
    print(f"|{'-' * (width + 2)}|{'-' * 15}:|{'-' * 15}:|:-----:|----|")
    for f in figures:
        measured = f"{f.value:.3f}x" if f.unit == "x" else f"{f.value:,.0f} {f.unit}"
        target = f"{f.sense} {f.target:,g}{'x' if f.unit == 'x' else ' ' + f.unit}"
        print(
            f"| {f.name:<{width}} | {measured:>14} | {target:>14} | "
            f"{'yes' if f.holds else 'NO':^5} | {f.detail} |"
        )
