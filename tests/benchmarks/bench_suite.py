"""A suite of 500 tests on the fake against the same suite on hand-written respx routes.

Both are whole pytest processes in a directory of their own (see ``bench_startup``), run
alternately with the same plugins loaded. Each test makes one SDK ``fine_tuning.jobs.get()``
(mistralai 1.x, one client per module: building a client costs far more than a test):

- *fake*: the test takes the ``classifierjobs`` fixture and adds a ``RUNNING`` job to it;
- *respx_mock*: the test takes respx's ``respx_mock`` fixture and adds one static route that
  answers a job's JSON, built once up-front with this package's factory and ``to_wire`` and
  written into the test file. The plugin is loaded there too, unused.

What this measures is what a test of the fake costs over a hand-written route: the fixture's
set-up and teardown, the fake's store and its answer.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench_startup import PER_MODULE, project, whole_runs
from measure import Figure, print_table

TESTS = 500

FAKE_MODULE = """\
from mistralai import Mistral

client = Mistral(api_key="x")
"""
FAKE_TEST = """

def test_{n}(classifierjobs):
    job = classifierjobs.add(status="RUNNING")
    assert client.fine_tuning.jobs.get(job_id=job.id).status == "RUNNING"
"""
RESPX_MODULE = """\
from mistralai import Mistral

client = Mistral(api_key="x")
JOB = {job!r}
URL = "https://api.mistral.ai/v1/fine_tuning/jobs/" + JOB["id"]
"""
RESPX_TEST = """

def test_{n}(respx_mock):
    respx_mock.get(URL).respond(200, json=JOB)
    assert client.fine_tuning.jobs.get(job_id=JOB["id"]).status == "RUNNING"
"""


def suite(head: str, test: str) -> dict[str, str]:
    """:data:`TESTS` tests written from ``test``, in modules of 50 that start with ``head``."""
    modules = {}
    for first in range(0, TESTS, PER_MODULE):
        tests = (test.format(n=n) for n in range(first, min(first + PER_MODULE, TESTS)))
        modules[f"test_suite_{first // PER_MODULE:02}"] = head + "".join(tests)
    return modules


def running_job() -> dict[str, object]:
    """The wire JSON of one coherent ``RUNNING`` job, from this package's factory."""
    from pytest_classifierjobs import to_wire
    from pytest_classifierjobs.mock import seeded_factory

    wire: dict[str, object] = to_wire(seeded_factory(0).build(status="RUNNING"))
    return wire


def run(rounds: int) -> list[Figure]:
    """Issue 14: 500 tests on the fake against the same tests on a static respx route."""
    command = [sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider"]
    passed = f"{TESTS} passed"
    with tempfile.TemporaryDirectory(prefix="classifierjobs-bench-suite-") as directory:
        root = Path(directory)
        (root / "fake").mkdir()
        (root / "respx").mkdir()
        project(root / "fake", suite(FAKE_MODULE, FAKE_TEST))
        project(root / "respx", suite(RESPX_MODULE.format(job=running_job()), RESPX_TEST))
        medians = whole_runs(
            {
                "respx_mock, static route": [*command, "-q", "respx"],
                "classifierjobs fake": [*command, "-q", "fake"],
            },
            rounds=max(3, rounds // 5),
            cwd=root,
            expect={"respx_mock, static route": passed, "classifierjobs fake": passed},
        )
    print_table(
        f"{TESTS} tests, one SDK get each, whole pytest processes (lower is better)",
        medians,
        "respx_mock, static route",
    )
    extra = (medians["classifierjobs fake"] - medians["respx_mock, static route"]) / TESTS
    print(f"\nper-test extra cost of the fake: {extra * 1e3:.2f} ms")
    return [
        Figure(
            f"{TESTS} tests: fake vs respx_mock",
            medians["classifierjobs fake"] / medians["respx_mock, static route"],
            1.10,
            detail=f"whole pytest runs, medians; the fake costs {extra * 1e3:.2f} ms more a test",
        )
    ]
