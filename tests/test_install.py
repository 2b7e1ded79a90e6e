"""docs/install.md's steps work: from a new virtual environment to a consumer's passing test.

The commands are read from the page (the first ``sh`` block of "A virtual environment" and of
"From a checkout", and the test file and command of "Check that pytest loads it") and run with
bash in a temporary directory, the page's placeholder for the checkout replaced by this
checkout: the directory above this file, which holds ``pyproject.toml`` (not the working
directory, and not the installed wheel that the nox sessions test). ``python3`` is the
interpreter running these tests. pip fetches the dependencies and the pinned SDK from PyPI.
Nothing is written to the checkout: pip builds the wheel in a temporary directory.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "install.md"
PLACEHOLDER = "/path/to/pytest-classifierjobs"
TIMEOUT = 900  # seconds for the install; a cold pip cache takes about a minute
# Variables of the session running these tests that must not reach the new environment's.
FOREIGN = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTEST_", "COV")
SECTION = re.compile(r"^## (.+?)\n(.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def blocks(section: str, language: str) -> list[str]:
    """The code blocks of ``language`` in the page's section of that title, in order."""
    sections = dict(SECTION.findall(PAGE.read_text(encoding="utf-8")))
    assert section in sections, f"docs/install.md has no section {section!r}: {sorted(sections)}"
    found = [code for lang, code in BLOCK.findall(sections[section]) if lang == language]
    assert found, f"docs/install.md's section {section!r} has no {language} block"
    return found


@dataclass(frozen=True)
class Installed:
    """The directory where the page's steps ran, and the environment they made there."""

    directory: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.directory / ".venv" / "bin" / "python"

    def run(self, command: str) -> subprocess.CompletedProcess[str]:
        """``command`` run by bash in the directory, in the activated environment."""
        venv = self.directory / ".venv"
        env = {**self.env, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{self.env['PATH']}"}
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    directory = tmp_path_factory.mktemp("install")
    # The page's `python3` is the interpreter of this test run, whatever PATH holds.
    shims = directory / "shims"
    shims.mkdir()
    shim = shims / "python3"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {name: value for name, value in os.environ.items() if not name.startswith(FOREIGN)}
    env["PATH"] = f"{shims}:{env.get('PATH', os.defpath)}"
    (checkout,) = blocks("From a checkout", "sh")[:1]
    assert PLACEHOLDER in checkout, f"the checkout's install no longer names {PLACEHOLDER}"
    script = "\n".join(
        [
            "set -ex",
            blocks("A virtual environment", "sh")[0],
            checkout.replace(PLACEHOLDER, shlex.quote(str(ROOT))),
        ]
    )
    work = directory / "consumer"
    work.mkdir()
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"the documented install failed:\n{done.stdout}\n{done.stderr}"
    yield Installed(directory=work, env=env)
    shutil.rmtree(directory, ignore_errors=True)


def _check_file() -> tuple[str, str]:
    """The page's consumer test file: its name (the block's first line) and its text."""
    (code,) = blocks("Check that pytest loads it", "python")
    first, _, _ = code.partition("\n")
    return first.removeprefix("# "), code


def test_the_documented_check_passes_with_the_plugin_loaded_by_itself(
    installed: Installed,
) -> None:
    name, code = _check_file()
    (installed.directory / name).write_text(code, encoding="utf-8")
    (command,) = blocks("Check that pytest loads it", "sh")

    result = installed.run(command)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^classifierjobs: seed=\d+", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^=+ 1 passed in ", result.stdout, re.MULTILINE), result.stdout


def test_without_the_plugin_the_check_has_no_fixture(installed: Installed) -> None:
    # The fixture comes from the installed entry point, not from anything in the directory.
    name, code = _check_file()
    (installed.directory / name).write_text(code, encoding="utf-8")

    result = installed.run(f"python -m pytest -q -p no:classifierjobs {shlex.quote(name)}")

    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout + result.stderr
    assert "fixture 'classifierjobs' not found" in result.stdout


def test_the_environment_holds_this_checkout_and_the_pinned_sdk(installed: Installed) -> None:
    version = re.search(
        r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE
    )
    assert version is not None
    pinned = re.search(r'"mistralai==([^"]+)"', blocks("From a checkout", "sh")[0])
    assert pinned is not None
    probe = (
        "import importlib.metadata as m, pytest_classifierjobs as p; "
        "print(m.version('pytest-classifierjobs'), m.version('mistralai'), p.__file__)"
    )

    result = installed.run(f"python -c {shlex.quote(probe)}")

    assert result.returncode == 0, result.stderr
    plugin, sdk, location = result.stdout.split()
    assert (plugin, sdk) == (version.group(1), pinned.group(1))
    # Installed into the environment, not imported from the checkout.
    assert Path(location).is_relative_to(installed.directory / ".venv")
