"""The lifecycle-paths how-to finds bugs that a test per status cannot: two bugs planted in it.

The how-to's tests (``docs/examples/test_howto_paths.py``) run, in a pytester directory, against
``status_history.py`` with one line changed. Which tests fail says what each way of testing sees.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
CHANGE_LINE = (
    "        if status != history[-1]:  # a change: the same status twice in a row is one step\n"
)
# Each status once: the re-queue after validation (QUEUED again) goes unreported.
EACH_STATUS_ONCE = "        if status not in history:\n"
FINAL_LINE = 'FINAL = frozenset({"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"})\n'
CANCELLATION_AS_FINAL = (
    'FINAL = frozenset({"SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED", '
    '"CANCELLATION_REQUESTED"})\n'
)


@pytest.fixture(autouse=True)
def _fresh_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    # The run below is in this process: the how-to's own modules, which a run of the whole suite
    # has imported from docs/examples, would stand in for the ones written here.
    for name in ("status_history", "test_howto_paths"):
        monkeypatch.delitem(sys.modules, name, raising=False)


def run_howto(pytester: pytest.Pytester, code: str) -> tuple[Counter[str], str]:
    """Run the how-to's tests against ``code``; return the failures per test and the output."""
    pytester.makepyfile(status_history=code)
    pytester.makepyfile(test_howto_paths=(EXAMPLES / "test_howto_paths.py").read_text())
    result = pytester.runpytest("-p", "no:cacheprovider")
    failed = Counter(
        report.nodeid.split("::")[1].split("[")[0]
        for report in result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
        if report.when == "call" and report.failed
    )
    return failed, result.stdout.str()


def run_howto_with_bug(pytester: pytest.Pytester, line: str, bug: str) -> tuple[Counter[str], str]:
    """Run the how-to's tests against its code with ``line`` replaced by ``bug``."""
    code = (EXAMPLES / "status_history.py").read_text()
    assert line in code  # the line to change is still the how-to's
    return run_howto(pytester, code.replace(line, bug))


def test_the_correct_code_passes_every_test(pytester: pytest.Pytester) -> None:
    failed, _ = run_howto(pytester, (EXAMPLES / "status_history.py").read_text())

    assert failed == Counter()


def test_a_history_that_drops_the_requeue_is_missed_per_status_and_found_per_path(
    pytester: pytest.Pytester,
) -> None:
    failed, output = run_howto_with_bug(pytester, CHANGE_LINE, EACH_STATUS_ONCE)

    assert failed == Counter(
        # Not test_follows_a_job_in_each_status: a stored job never moves, so never re-queues.
        {"test_reports_every_path": 10, "test_reports_generated_paths": 1}
    )
    # Hypothesis shrinks to the first (shortest) path with a re-queue: pytest shows the
    # arguments of the last, shrunk, failing call.
    assert "path = LifecyclePath(QUEUED-VALIDATING-VALIDATED-QUEUED-CANCELLED)" in output


def test_a_cancellation_request_taken_as_final_is_found_every_way(
    pytester: pytest.Pytester,
) -> None:
    failed, output = run_howto_with_bug(pytester, FINAL_LINE, CANCELLATION_AS_FINAL)

    assert failed == Counter(
        {
            "test_follows_a_job_in_each_status": 1,  # [CANCELLATION_REQUESTED]
            "test_reports_every_path": 7,
            "test_a_cancellation_request_ends_cancelled": 7,
            "test_reports_generated_paths": 1,
        }
    )
    assert "path = LifecyclePath(QUEUED-CANCELLATION_REQUESTED-CANCELLED)" in output
