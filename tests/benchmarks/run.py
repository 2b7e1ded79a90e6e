"""Benchmarks, run by ``nox -s bench`` (arguments after ``--`` come here); never part of the tests.

Each ``bench_*.py`` beside this file measures one subject side by side (see ``measure.py``) and
prints its tables; the figures the issue tracker set targets for are gathered into one summary
table, printed last. ``--only NAME`` runs some of them (``--only suite --only store``).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from measure import Figure, print_summary

# Module name of each benchmark, in the order they run.
BENCHMARKS = ("factories", "sdk", "store", "server", "startup", "suite")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks and print their tables, then the summary of every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds per table")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only these")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for name in args.only or BENCHMARKS:
        run: Callable[[int], list[Figure]] = importlib.import_module(f"bench_{name}").run
        figures.extend(run(args.rounds))
    if figures:
        print_summary(figures)


if __name__ == "__main__":
    main()
