"""How-to: reproduce a failure from the seed, alone, in another order or under xdist.

Each test's data comes from the run seed and the test's id, so replaying the seed that the
report header printed gives every test the jobs it had, however the run is split. These tests
run a small suite in a separate pytest process to show it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = """
import os

import pytest

def record(name, job):
    with open(os.environ["JOBS_FILE"], "a") as out:
        out.write(f"{name} {job.id} {job.status}\\n")

def test_first(classifierjobs):
    record("first", classifierjobs.add())

def test_second(classifier_job_factory):
    record("second", classifier_job_factory.build())

@pytest.mark.classifierjobs(seed=2024)  # this test's own seed, whatever the run seed
def test_pinned(classifierjobs):
    record("pinned", classifierjobs.add())
"""


def run_suite(tmp_path: Path, *args: str) -> tuple[str, dict[str, str]]:
    """Run SUITE with ``args``; return pytest's output and the job each test drew."""
    (tmp_path / "test_suite.py").write_text(SUITE)
    jobs_file = tmp_path / "jobs.txt"
    jobs_file.unlink(missing_ok=True)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env={**os.environ, "JOBS_FILE": str(jobs_file)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = jobs_file.read_text().splitlines()
    return run.stdout, dict(line.split(" ", 1) for line in lines)


def test_the_header_seed_replays_every_test(tmp_path: Path) -> None:
    output, first_run = run_suite(tmp_path)
    seed = re.search(r"--classifierjobs-seed=(\d+)", output).group(1)  # the header line

    _, again = run_suite(tmp_path, f"--classifierjobs-seed={seed}", "-k", "second")

    assert again == {"second": first_run["second"]}  # alone, the same job


def test_a_pinned_seed_ignores_the_run_seed(tmp_path: Path) -> None:
    _, one = run_suite(tmp_path, "--classifierjobs-seed=1")
    _, two = run_suite(tmp_path, "--classifierjobs-seed=2")

    assert one["pinned"] == two["pinned"]
    assert one["first"] != two["first"]


def test_the_same_jobs_under_xdist(tmp_path: Path) -> None:
    pytest.importorskip("xdist")
    _, serial = run_suite(tmp_path, "--classifierjobs-seed=42")

    _, parallel = run_suite(tmp_path, "--classifierjobs-seed=42", "-p", "xdist", "-n", "2")

    assert parallel == serial
