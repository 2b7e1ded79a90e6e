"""The ``python -m pytest_classifierjobs`` commands that the docs pages show, run as shown.

Each ``console`` block of ``docs/`` whose command is ``python -m pytest_classifierjobs ...`` is
run here, and its output must be the one the page shows (for ``serve``: the first line, with
the port the test picked). When a page's sample output drifts, rerun its command and paste the
new output.
"""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.DOTALL | re.MULTILINE)
COMMAND = "$ python -m pytest_classifierjobs "


def shown_commands() -> list[tuple[str, list[str], str]]:
    """(page, arguments, output shown) for each command of the CLI in the pages."""
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            first, _, output = block.partition("\n")
            if first.startswith(COMMAND):
                args = shlex.split(first.removeprefix(COMMAND))
                found.append((str(page.relative_to(DOCS)), args, output))
    return found


COMMANDS = shown_commands()


def test_the_pages_show_commands() -> None:
    assert {args[0] for _, args, _ in COMMANDS} == {"serve", "sample", "check-sdk"}


# The commands that print and end: their whole output is the page's. check-sdk's page shows the
# SDK the examples run with (mistralai 1.12.4), which has no drift.
PRINTING = [(page, args, output) for page, args, output in COMMANDS if args[0] != "serve"]


@pytest.mark.parametrize(
    ("args", "output"),
    [(args, output) for _, args, output in PRINTING],
    ids=[f"{page}:{args[0]}" for page, args, _ in PRINTING],
)
def test_a_command_prints_what_the_page_shows(args: list[str], output: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest_classifierjobs", *args],
        cwd=tmp_path,  # not the checkout: the installed package
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert run.stdout == output


@pytest.mark.parametrize(
    ("args", "output"),
    [(args, output) for _, args, output in COMMANDS if args[0] == "serve"],
    ids=[page for page, args, _ in COMMANDS if args[0] == "serve"],
)
def test_serve_starts_as_the_page_shows(args: list[str], output: str, tmp_path: Path) -> None:
    port = args.index("--port") + 1
    args = [*args[:port], "0", *args[port + 1 :]]  # a free port: tests may run in parallel
    with subprocess.Popen(
        [sys.executable, "-m", "pytest_classifierjobs", *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            first = server.stdout.readline()
            url = re.search(r"http://\S+:\d+", first).group()
            assert answer_status(f"{url}/v1/fine_tuning/jobs") in {200, 401}  # it serves
        finally:
            server.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = server.communicate(timeout=30)
    shown = re.escape(output.splitlines()[0]).replace(r":8000", r":\d+")
    assert re.fullmatch(shown, first.rstrip("\n"))
    assert rest == "Stopped.\n"


def answer_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        with error:  # it holds the connection: close it now, not when collected
            return error.code
