"""The README's Python examples run as written, so a user who copies them gets working code."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def test_every_python_block_of_the_readme_runs() -> None:
    blocks = BLOCK.findall(README.read_text(encoding="utf-8"))
    assert blocks, "the README has no ```python block left to check"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})
