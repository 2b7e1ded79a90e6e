"""pytest's start-up with the plugin loaded against without it: whole processes, side by side.

``pytest --co`` of 500 trivial tests that never use the fake, in a directory of its own (outside
the checkout, with an empty ``pytest.ini`` and ``conftest.py``, so that no configuration of this
repository is picked up), run alternately with the plugin and with ``-p no:classifierjobs``. The
same interpreter runs both (``sys.executable``), so the same package, installed or editable.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from measure import Figure, print_table

#: How many trivial tests each run collects, in modules of 50.
TESTS = 500
PER_MODULE = 50
PACKAGE = "pytest_classifierjobs"


def clean_environment(pycache: Path) -> dict[str, str]:
    """The environment for a benchmarked process: none of the caller's pytest settings.

    Bytecode is written, and read back, under ``pycache`` (``PYTHONPYCACHEPREFIX``): an
    installed package has its ``.pyc`` files, while an editable one run with
    ``PYTHONDONTWRITEBYTECODE`` would be compiled again in every process, a cost no user pays.
    Nothing is written next to the sources.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
        and not name.startswith(("PYTEST_XDIST_", "COV_CORE_"))
        and name != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def project(root: Path, modules: Mapping[str, str]) -> None:
    """A test project of its own in ``root``: ``modules`` and an empty configuration."""
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "conftest.py").write_text("")
    for name, source in modules.items():
        (root / f"{name}.py").write_text(source)


def whole_runs(
    commands: Mapping[str, Sequence[str]],
    *,
    rounds: int,
    cwd: Path,
    expect: Mapping[str, str],
) -> dict[str, float]:
    """Median wall seconds of each command, run as a process in interleaved rounds.

    Each command runs once first, untimed (the bytecode is written, the file system's caches
    warm up), and every run's output must contain its ``expect`` text: a run that did something
    else is no measurement.
    """
    env = clean_environment(cwd / ".pycache")
    samples: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)

    def one(name: str) -> float:
        start = time.perf_counter()
        completed = subprocess.run(
            commands[name], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - start
        if completed.returncode != 0 or expect[name] not in completed.stdout:
            raise RuntimeError(
                f"{name}: {' '.join(commands[name])} exited {completed.returncode} without "
                f"{expect[name]!r}:\n{completed.stdout}\n{completed.stderr}"
            )
        return elapsed

    for name in order:
        one(name)
    for round_index in range(rounds):
        shift = round_index % len(order)
        for name in order[shift:] + order[:shift]:
            samples[name].append(one(name))
    return {name: statistics.median(values) for name, values in samples.items()}


def trivial_tests(count: int) -> dict[str, str]:
    """``count`` tests that assert nothing, in modules of :data:`PER_MODULE`."""
    modules = {}
    for first in range(0, count, PER_MODULE):
        last = min(first + PER_MODULE, count)
        tests = (f"def test_{n}():\n    pass\n" for n in range(first, last))
        modules[f"test_trivial_{first // PER_MODULE:02}"] = "\n\n".join(tests)
    return modules


def own_import_time(runs: int, cwd: Path) -> tuple[float, list[str]]:
    """Median seconds that importing the plugin adds after ``import pytest``, and what it loads.

    From ``python -X importtime``: the cumulative time of the top-level imports of this package
    (what ``pytest`` had imported already costs nothing again), and the third-party top-level
    modules that importing the plugin loaded first. The processes run in ``cwd``, outside the
    checkout, whose directory ``python -c`` would put first on ``sys.path``.
    """
    code = "import pytest; import pytest_classifierjobs.plugin"
    env = clean_environment(cwd / ".pycache")
    times = []
    loaded: set[str] = set()
    for round_index in range(runs + 1):  # the first writes the bytecode, untimed
        completed = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        lines = completed.stderr.splitlines()
        # A module's line comes when its import ends: what follows pytest's own top-level line
        # is what the second statement imported.
        after = next(i for i, line in enumerate(lines) if line.endswith("| pytest")) + 1
        total = 0
        for line in lines[after:]:
            fields = line.partition("import time:")[2].split("|")
            if len(fields) != 3 or not fields[1].strip().isdigit():
                continue
            cumulative, raw = int(fields[1]), fields[2]
            name = raw.strip()
            if len(raw) - len(raw.lstrip()) == 1:  # top level: nested imports are indented
                total += cumulative
            if name.partition(".")[0] != PACKAGE:
                loaded.add(name.partition(".")[0])
        if round_index:
            times.append(total / 1e6)
    return statistics.median(times), sorted(
        name for name in loaded if name not in sys.stdlib_module_names and not name.startswith("_")
    )


def run(rounds: int) -> list[Figure]:
    """Issue 14: ``pytest --co`` of 500 trivial tests with the plugin against without it."""
    base = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory(prefix="classifierjobs-bench-startup-") as directory:
        root = Path(directory)
        project(root, trivial_tests(TESTS))
        collected = f"{TESTS} tests collected"
        medians = whole_runs(
            {"-p no:classifierjobs": [*base, "-p", "no:classifierjobs"], "plugin loaded": base},
            rounds=max(5, rounds),
            cwd=root,
            expect={"-p no:classifierjobs": collected, "plugin loaded": collected},
        )
        seconds, loaded = own_import_time(max(5, rounds), root)
    print_table(
        f"pytest --co -q of {TESTS} trivial tests, whole processes (lower is better)",
        medians,
        "-p no:classifierjobs",
    )
    print(f"\nImporting {PACKAGE}.plugin after pytest (python -X importtime, median)\n")
    print("| what | value |")
    print("|------|------:|")
    print(f"| cumulative import time of {PACKAGE} | {seconds * 1e3:.1f} ms |")
    print(f"| third-party modules it loads first | {', '.join(loaded) or 'none'} |")
    return [
        Figure(
            f"pytest --co of {TESTS} tests: plugin vs -p no:classifierjobs",
            medians["plugin loaded"] / medians["-p no:classifierjobs"],
            1.02,
            detail="median wall time of whole processes, interleaved",
        )
    ]
