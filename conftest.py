"""Enables ``pytester``, and fails a CI run on a skip that says nothing about the machine.

``pytest_plugins`` is accepted only in the root conftest, hence here.

A skipped test is a test that did not run: in CI it hides a missing dependency or a lost
environment variable as well as it hides a bug. So when ``CLASSIFIERJOBS_FAIL_ON_SKIP=1`` (the
nox test sessions set it), any skip but an expected platform skip fails the run, and the summary
lists each one with its reason. A platform skip is one that depends on the machine, not on the
project's set-up (Node.js missing, no IPv6 on loopback): mark the test
``@pytest.mark.platform_skip``.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["pytester"]

FAIL_ON_SKIP = "CLASSIFIERJOBS_FAIL_ON_SKIP"
MARKER = "platform_skip"


class UnexpectedSkips:
    """Collects the skips that are no platform skips, and fails the session on them."""

    def __init__(self) -> None:
        self.skips: list[tuple[str, str]] = []

    def _record(self, report: pytest.CollectReport | pytest.TestReport) -> None:
        # A skip's longrepr is (path, line, "Skipped: <reason>").
        reason = str(report.longrepr)
        if isinstance(report.longrepr, tuple):
            reason = report.longrepr[2].removeprefix("Skipped: ")
        self.skips.append((report.nodeid, reason))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # A module skipped as a whole (pytest.importorskip at its top) is a skip too.
        if report.skipped:
            self._record(report)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # An xfail is reported as skipped with ``wasxfail``: an expected failure, not a skip.
        if report.skipped and not hasattr(report, "wasxfail") and MARKER not in report.keywords:
            self._record(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.skips and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.skips:
            return
        title = f"unexpected skips ({FAIL_ON_SKIP}=1)"
        terminalreporter.section(title, sep="=", red=True, bold=True)
        for nodeid, reason in self.skips:
            terminalreporter.line(f"SKIPPED {nodeid}: {reason}")
        terminalreporter.line(
            f"{len(self.skips)} skipped test(s) fail this run: in CI a skipped test is a test "
            f"that did not run. Give the session what the test needs; if only some machines "
            f"can lack it, mark the test @pytest.mark.{MARKER}."
        )


def pytest_configure(config: pytest.Config) -> None:
    # Under xdist the controller sees every worker's reports (marker names included): it alone
    # counts them.
    if os.environ.get(FAIL_ON_SKIP) == "1" and not hasattr(config, "workerinput"):
        config.pluginmanager.register(UnexpectedSkips(), "classifierjobs-unexpected-skips")
