"""The project's checks: ``python -m nox`` runs the default sessions, ``-s NAME`` one of them.

Every session runs on the interpreter that runs nox. The test sessions install the built wheel,
not the checkout, and run pytest with ``python -I`` (isolated mode): Python then leaves the
working directory off ``sys.path`` (3.10 as well as 3.11+), so the checkout's
``pytest_classifierjobs/`` cannot shadow the installed package, and the tests check what users
get. ``PYTHONSAFEPATH=1`` does the same for the interpreters that the tests start (3.11+).
Coverage maps the installed files back to the checkout (``[tool.coverage.paths]``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.sessions = ["tests", "tests_sdk2", "lint", "mypy", "docs"]
nox.options.error_on_external_run = True

ROOT = Path(__file__).resolve().parent
SDK1 = "mistralai==1.12.4"
SDK2 = "mistralai==2.4.13"
# coverage[toml] reads pyproject.toml on 3.10, which has no tomllib. time-machine and freezegun:
# the fake's clock must follow both (pinned: the tests check how they move time).
TIME_TRAVEL = ["time-machine==3.6.0", "freezegun==1.5.5"]
TEST_REQUIREMENTS = ["coverage[toml]", "pytest-xdist", "hypothesis", *TIME_TRAVEL]
# What tests/reference compares the fake with: FastAPI on models that datamodel-code-generator
# writes from the spec, and schemathesis. Pinned: their behaviour is the reference.
REFERENCE_REQUIREMENTS = [
    "fastapi==0.165.0",
    "datamodel-code-generator==0.97.0",
    "schemathesis==4.32.5",
]
# Pinned so that a new release cannot fail CI on code nobody changed; bump them deliberately.
RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"
# The oldest Python the `docs` extra's Sphinx runs on (a name, so that mypy checks both branches).
SPHINX_PYTHON = (3, 11)
# CLASSIFIERJOBS_EXPECT_INSTALLED: read by tests/test_plugin.py, which then asserts that the
# tests import the installed wheel. CLASSIFIERJOBS_FAIL_ON_SKIP: read by the root conftest.py,
# which then fails the run on any skipped test that is not marked as an expected platform skip.
INSTALLED_ENV = {
    "CLASSIFIERJOBS_EXPECT_INSTALLED": "1",
    "CLASSIFIERJOBS_FAIL_ON_SKIP": "1",
    "PYTHONSAFEPATH": "1",
}

_built_wheels: dict[str, Path] = {}
_wheel_dirs: list[tempfile.TemporaryDirectory[str]] = []


def _install_wheel(session: nox.Session, *requirements: str) -> None:
    """Build the project's wheel (once per nox run) and install it with ``requirements``."""
    if "wheel" not in _built_wheels:
        # Outside the checkout, and not session.create_tmp(): that sets TMPDIR under the
        # checkout, where pytester's runs would pick up this project's pyproject.toml and
        # conftest.py as their own.
        wheel_dir = tempfile.TemporaryDirectory(prefix="pytest-classifierjobs-wheel-")
        session.run(
            "python", "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheel_dir.name, str(ROOT)
        )
        (_built_wheels["wheel"],) = Path(wheel_dir.name).glob("*.whl")
        _wheel_dirs.append(wheel_dir)  # removed when nox exits
    wheel = str(_built_wheels["wheel"])
    session.install(wheel, *requirements)
    # A reused venv holds an older build under the same version number: replace it.
    session.install("--force-reinstall", "--no-deps", wheel)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite on the installed wheel and mistralai 1.x, with 100 % coverage.

    It includes the tests marked ``install``, which run docs/install.md's steps in a fresh
    virtual environment and need PyPI: ``-- -m "not install"`` leaves them out.
    """
    _install_wheel(session, SDK1, *TEST_REQUIREMENTS, *REFERENCE_REQUIREMENTS)
    session.run("coverage", "erase")
    session.run(
        "python", "-I", "-m", "coverage", "run", "-m", "pytest", *session.posargs, env=INSTALLED_ENV
    )
    session.run("coverage", "combine")
    session.run("coverage", "report")


@nox.session
def tests_sdk2(session: nox.Session) -> None:
    """The tests marked ``sdk`` again, on the installed wheel and mistralai 2.x."""
    _install_wheel(session, SDK2, *TEST_REQUIREMENTS)
    # tests/ and the one example written for both SDK majors (the cookbook-shaped workflow):
    # the other examples are a user's code for 1.x. The reference comparison is about the
    # fake, not the SDK, and runs in `tests`.
    workflow = "docs/examples/test_classifier_workflow.py"
    args = session.posargs or ["tests", workflow, "--ignore=tests/reference"]
    session.run("python", "-I", "-m", "pytest", "-m", "sdk", *args, env=INSTALLED_ENV)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff's lint rules and formatting."""
    session.install(RUFF)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def mypy(session: nox.Session) -> None:
    """mypy --strict on the package, the tests and this file (see ``[tool.mypy]``)."""
    session.install("-e", ".", SDK1, "nox", "pytest", MYPY, *REFERENCE_REQUIREMENTS, *TIME_TRAVEL)
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built with warnings as errors into ``docs/_build/html``.

    ``-W -n --keep-going``: a broken cross-reference, a public name without a docstring or left
    out of the reference, an included example file that moved: every one fails the build, and
    all of them are reported. The examples the pages include run in the ``tests`` session.
    """
    if sys.version_info < SPHINX_PYTHON:
        session.skip("Sphinx 9 needs Python 3.11 or newer")
    # The `docs` extra of pyproject.toml (the major versions the docs were built with), and the
    # `hypothesis` one: autodoc imports pytest_classifierjobs.strategies, which needs it.
    extras = nox.project.load_toml(ROOT / "pyproject.toml")["project"]["optional-dependencies"]
    _install_wheel(session, *extras["docs"], *extras["hypothesis"])
    session.run(
        "python", "-m", "sphinx", "-W", "-n", "--keep-going", "-b", "html",
        "docs", "docs/_build/html", *session.posargs,
        env={"PYTHONSAFEPATH": "1"},  # the installed wheel, not the checkout's package
    )  # fmt: skip


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """The benchmarks on the installed wheel; arguments go to ``tests/benchmarks/run.py``."""
    _install_wheel(session, SDK1)
    # A script's own directory, not the working directory, goes on sys.path: no shadowing here.
    session.run("python", str(ROOT / "tests" / "benchmarks" / "run.py"), *session.posargs)


# The lower bounds of [project] dependencies in pyproject.toml: keep the two lists together.
OLDEST = [
    "pytest==8.0.0",
    "httpx==0.27.0",
    "respx==0.22.0",
    "polyfactory==2.18.0",
    "attrs==24.1.0",
    "cattrs==24.1.0",
    "pydantic==2.10.0",
]
# The lower bound of the optional dependency of pytest_classifierjobs.strategies.
OLDEST_HYPOTHESIS = "hypothesis==6.100.0"


@nox.session(default=False)
def tests_oldest(session: nox.Session) -> None:
    """The suite on the oldest releases the package claims to support (not the SDK tests).

    mistralai 1.12.4 needs a newer httpx than the lower bound, so the SDK-facing tests stay in
    the other sessions, and the reference comparison needs a newer pydantic than the lower bound
    (FastAPI's); everything else runs here.
    """
    _install_wheel(session, *OLDEST, "pytest-xdist", OLDEST_HYPOTHESIS)
    # tests/ only: docs/examples is a user's code, written with the SDK.
    session.run(
        "python", "-I", "-m", "pytest", "-m", "not sdk", "tests", "--ignore=tests/reference",
        *session.posargs, env=INSTALLED_ENV,
    )  # fmt: skip


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """The example consumer suite of docs/examples/, run verbosely against the fake API."""
    # pytest-xdist: the seed how-to shows a run with -n 2; time-machine: the timings how-to
    # travels with it; Hypothesis: the lifecycle-paths how-to draws paths with it.
    _install_wheel(session, SDK1, "pytest-xdist", "hypothesis", *TIME_TRAVEL)
    session.run(
        "python", "-I", "-m", "pytest", "docs/examples", "-v", *session.posargs, env=INSTALLED_ENV
    )
