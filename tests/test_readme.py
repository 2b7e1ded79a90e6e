"""The README's Python examples run as written, so a user who copies them gets working code."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
EXAMPLE = "# docs/examples/"


def _blocks() -> list[str]:
    blocks: list[str] = BLOCK.findall(README.read_text(encoding="utf-8"))
    return blocks


def test_every_plain_python_block_of_the_readme_runs() -> None:
    plain = [block for block in _blocks() if not block.startswith(EXAMPLE)]
    assert plain, "the README has no plain ```python block left to check"
    for block in plain:
        exec(compile(block, str(README), "exec"), {})


def test_every_example_block_is_the_example_file_that_pytest_runs() -> None:
    # A block that starts with "# docs/examples/<file>" shows that file, which the test suite
    # runs; the block must not drift from it.
    examples = [block for block in _blocks() if block.startswith(EXAMPLE)]
    assert examples, "the README shows no file of docs/examples"
    for block in examples:
        path = README.parent / block.splitlines()[0].removeprefix("# ")
        assert block == path.read_text(encoding="utf-8"), f"the README's copy of {path} drifted"
