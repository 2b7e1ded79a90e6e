"""A CI run fails on a skipped test unless the skip is an expected platform skip (conftest.py).

Each case runs the repository's own root ``conftest.py`` in a pytester directory.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFTEST = ROOT / "conftest.py"
FAIL_ON_SKIP = "CLASSIFIERJOBS_FAIL_ON_SKIP"
SUITE = """
    import pytest

    def test_runs():
        pass

    def test_needs_a_tool():
        pytest.skip("no tool here")

    @pytest.mark.platform_skip
    def test_needs_a_platform():
        pytest.skip("not on this platform")
"""


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini(
        "[pytest]\naddopts = --strict-markers --import-mode=importlib -p no:randomly\n"
        "markers =\n    platform_skip: may skip for want of something on the machine\n"
    )
    monkeypatch.setenv(FAIL_ON_SKIP, "1")
    return pytester


def test_an_unmarked_skip_fails_the_run_naming_it_and_its_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)

    result = pytester.runpytest()

    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            f"*= unexpected skips ({FAIL_ON_SKIP}=1) =*",
            "SKIPPED test_suite.py::test_needs_a_tool: no tool here",
            "1 skipped test(s) fail this run: *mark the test @pytest.mark.platform_skip*",
        ]
    )
    result.stdout.no_fnmatch_line("SKIPPED test_suite.py::test_needs_a_platform*")


def test_a_marked_skip_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE)

    result = pytester.runpytest("-k", "not tool")

    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("*unexpected skips*")


def test_without_the_variable_a_skip_is_only_a_skip(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FAIL_ON_SKIP)
    pytester.makepyfile(test_suite=SUITE)

    result = pytester.runpytest()

    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.no_fnmatch_line("*unexpected skips*")


def test_a_failing_run_keeps_its_own_exit_code(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_suite=SUITE, test_broken="def test_broken():\n    assert False\n")

    result = pytester.runpytest()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["SKIPPED test_suite.py::test_needs_a_tool: no tool here"])


def test_a_module_skipped_at_import_fails_the_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_suite="import pytest\n\npytest.importorskip('no_such_module_here')\n",
        test_other="def test_runs():\n    pass\n",
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=1, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["SKIPPED test_suite.py: could not import 'no_such_module_here'*"])


def test_an_xfail_is_no_skip(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_suite="import pytest\n\n@pytest.mark.xfail\ndef test_known_bug():\n    assert False\n"
    )

    result = pytester.runpytest()

    result.assert_outcomes(xfailed=1)
    assert result.ret == pytest.ExitCode.OK


def test_under_xdist_the_controller_counts_the_workers_skips(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")  # every nox session that runs this file installs it
    pytester.makepyfile(test_suite=SUITE)

    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")

    result.assert_outcomes(passed=1, skipped=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["SKIPPED test_suite.py::test_needs_a_tool: no tool here"])
    result.stdout.no_fnmatch_line("SKIPPED test_suite.py::test_needs_a_platform*")
