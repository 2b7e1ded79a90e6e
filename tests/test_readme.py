"""The README's examples run as written, so a user who copies them gets working code.

They are written for mistralai 1.x; the README's table of imports says what changes on 2.x, and
the tests marked ``sdk`` run every example with the column of the installed SDK (the
``tests_sdk2`` session runs them on 2.x). The README's set-up commands are what CI runs, and it
names every nox session.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import SDK

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
EXAMPLE = "# docs/examples/"
# A row of the README's import table: what, the 1.x import, the 2.x import.
IMPORT_ROW = re.compile(
    r"^\| [^|`]+ \| `(from mistralai[^`]*)` \| `(from mistralai[^`]*)` \|$", re.MULTILINE
)
SECTION = re.compile(r"^## (.+?)\n(.*?)(?=^## |\Z)", re.DOTALL | re.MULTILINE)


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _blocks() -> list[str]:
    blocks: list[str] = BLOCK.findall(_readme())
    return blocks


def _for_installed_sdk(code: str) -> str:
    """``code`` with its mistralai imports taken from the table's column of the installed SDK."""
    rows = IMPORT_ROW.findall(_readme())
    assert rows, "the README has no table of the imports of mistralai 1.x and 2.x"
    major = int(importlib.metadata.version("mistralai").split(".", 1)[0])
    assert major in (1, 2), f"the README's import table knows mistralai 1.x and 2.x, not {major}"
    lines = code.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(("from mistralai", "import mistralai")):
            statement = line.rstrip("\n")
            found = [row for row in rows if row[0] == statement]
            assert found, f"the README's import table has no row for {statement!r}"
            lines[index] = found[0][major - 1] + "\n"
    return "".join(lines)


@pytest.mark.sdk
def test_every_plain_python_block_of_the_readme_runs() -> None:
    plain = [block for block in _blocks() if not block.startswith(EXAMPLE)]
    assert plain, "the README has no plain ```python block left to check"
    for block in plain:
        exec(compile(_for_installed_sdk(block), str(README), "exec"), {})


def test_every_example_block_is_the_example_file_that_pytest_runs() -> None:
    # A block that starts with "# docs/examples/<file>" shows that file, which the test suite
    # runs; the block must not drift from it.
    examples = [block for block in _blocks() if block.startswith(EXAMPLE)]
    assert examples, "the README shows no file of docs/examples"
    for block in examples:
        path = README.parent / block.splitlines()[0].removeprefix("# ")
        assert block == path.read_text(encoding="utf-8"), f"the README's copy of {path} drifted"


@pytest.mark.sdk
def test_the_example_files_of_the_readme_pass_on_the_installed_sdk(
    pytester: pytest.Pytester,
) -> None:
    examples = [block for block in _blocks() if block.startswith(EXAMPLE)]
    for block in examples:
        name = Path(block.splitlines()[0].removeprefix("# ")).name
        pytester.makepyfile(**{name.removesuffix(".py"): _for_installed_sdk(block)})

    result = pytester.runpytest("-p", "no:randomly")

    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= len(examples), result.stdout.str()
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()


@pytest.mark.sdk
def test_the_import_table_names_the_installed_sdks_objects_and_only_its_column_works(
    sdk: SDK,
) -> None:
    rows = IMPORT_ROW.findall(_readme())
    found: dict[str, object] = {}
    for row in rows:
        exec(row[sdk.major - 1], found)
        with pytest.raises(ImportError):  # the other major's place is not this one's
            exec(row[2 - sdk.major], {})
    # The places that tests/conftest.py's sdk fixture resolves for this major.
    assert found["Mistral"] is sdk.Mistral
    assert found["SDKError"] is sdk.SDKError
    assert found["RetryConfig"] is sdk.RetryConfig
    assert found["BackoffStrategy"] is sdk.BackoffStrategy


def _section(title: str) -> str:
    sections: dict[str, str] = dict(SECTION.findall(_readme()))
    assert title in sections, f"the README has no section {title!r}"
    return sections[title]


def test_the_two_setup_commands_are_one_line_each_and_ci_runs_the_second() -> None:
    commands = re.findall(r"^```sh\n(.*?)^```$", _section("Set-up on a fresh machine"), re.M | re.S)
    assert len(commands) == 2, commands
    demo, tests = (command.strip() for command in commands)
    assert "\n" not in demo
    assert "\n" not in tests
    assert demo.endswith("-m nox -s demo")
    assert tests.endswith("-m nox")
    assert demo.removesuffix(" -s demo") == tests
    # In a virtual environment of its own: a system Python may refuse pip (PEP 668).
    assert tests.startswith("python3 -m venv .venv && .venv/bin/python -m pip install nox")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == tests, ".ci/run must run the README's test command"


def _nox_sessions() -> set[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    sessions = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) == "nox.session":
                    sessions.add(node.name)
    return sessions


@pytest.mark.parametrize("page", ["README.md", "docs/install.md"])
def test_every_nox_session_is_named(page: str) -> None:
    sessions = _nox_sessions()
    assert {"tests", "tests_sdk2", "lint", "mypy", "docs", "demo"} <= sessions
    text = (ROOT / page).read_text(encoding="utf-8")
    missing = sorted(name for name in sessions if f"`{name}`" not in text)
    assert not missing, f"{page} does not name the nox sessions {missing}"
