"""``classifier_job_path`` and ``classifier_job_on_path``: a test once per legal lifecycle path."""

from __future__ import annotations

import pytest

from pytest_classifierjobs.paths import every_path


def test_a_test_runs_once_per_complete_path_with_readable_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_path(classifier_job_path):
            assert classifier_job_path[0].value == "QUEUED"
        """
    )

    result = pytester.runpytest("-v")

    result.assert_outcomes(passed=17)
    result.stdout.fnmatch_lines(
        [f"*test_path?{path.id}? PASSED*" for path in every_path()], consecutive=False
    )


@pytest.mark.parametrize(
    ("marker", "count"),
    [
        ("ending='failed'", 3),
        ("ending='SUCCESS', through='STARTED'", 1),
        ("through='CANCELLATION_REQUESTED', max_length=4", 2),
        ("max_length=3, prefixes=True", 9),
        ("ending=['CANCELLED', 'FAILED_VALIDATION']", 13),
    ],
)
def test_the_marker_restricts_the_paths(pytester: pytest.Pytester, marker: str, count: int) -> None:
    pytester.makepyfile(
        f"""
        import pytest
        from pytest_classifierjobs.paths import every_path

        SELECTED = {{path.id for path in every_path({marker})}}

        @pytest.mark.classifier_job_paths({marker})
        def test_path(classifier_job_path):
            assert classifier_job_path.id in SELECTED
        """
    )

    pytester.runpytest().assert_outcomes(passed=count)


def test_a_job_on_the_path_walks_it_as_the_sdk_polls(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from mistralai import Mistral

        client = Mistral(api_key="test-key")

        @pytest.mark.classifier_job_paths(prefixes=True)
        def test_walks(classifier_job_on_path, classifier_job_path):
            seen = [classifier_job_on_path.status.value]
            for _ in range(len(classifier_job_path) - 1):
                seen.append(client.fine_tuning.jobs.get(job_id=classifier_job_on_path.id).status)
            assert seen == [status.value for status in classifier_job_path]
        """
    )

    pytester.runpytest().assert_outcomes(passed=31)


def test_a_test_that_parametrizes_the_path_itself_has_its_way(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pytest_classifierjobs.paths import LifecyclePath
        from pytest_classifierjobs import ClassifierJobOutStatus as S

        ONE = LifecyclePath((S.QUEUED, S.CANCELLED))

        @pytest.mark.parametrize("classifier_job_path", [ONE])
        def test_one(classifier_job_on_path, classifier_job_path):
            assert classifier_job_path is ONE
        """
    )

    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            "classifier_job_paths(ending='SUCESS')",
            "@pytest.mark.classifier_job_paths: ending: unknown status or group 'SUCESS' (did you "
            "mean 'SUCCESS'?)",
        ),
        (
            "classifier_job_paths(lenght=3)",
            "@pytest.mark.classifier_job_paths: unknown option 'lenght' (did you mean "
            "'max_length'?); expected one of 'ending', 'through', 'max_length', 'prefixes'",
        ),
        (
            "classifier_job_paths('SUCCESS')",
            "@pytest.mark.classifier_job_paths takes keyword options only (ending, through, "
            "max_length, prefixes), got the positional argument 'SUCCESS'",
        ),
        (
            "classifier_job_paths(ending='SUCCESS', max_length=3)",
            "@pytest.mark.classifier_job_paths: no legal path matches ending='SUCCESS', "
            "max_length=3",
        ),
        (
            "classifier_job_paths(max_length='3')",
            "@pytest.mark.classifier_job_paths: max_length must be a whole number of statuses, "
            "not '3'",
        ),
    ],
)
def test_a_bad_marker_is_a_collection_error_naming_the_test(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.{marker}
        def test_bad(classifier_job_path):
            pass

        def test_other():
            pass
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(errors=1)
    text = result.stdout.str()
    assert f"test_a_bad_marker_is_a_collection_error_naming_the_test.py::test_bad: {message}" in (
        " ".join(text.split())
    )


def test_a_marked_test_gets_the_fake_without_asking(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.classifier_job_paths(ending="SUCCESS")
        def test_marked(classifier_job_path):
            # The fake answers: no request leaves the process.
            answer = httpx.get(
                "https://api.mistral.ai/v1/fine_tuning/jobs",
                headers={"Authorization": "Bearer k"},
            )
            assert answer.json()["total"] == 0
        """
    )

    pytester.runpytest().assert_outcomes(passed=2)


def test_asking_for_the_path_only_through_getfixturevalue_fails_clearly(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        def test_dynamic(request):
            request.getfixturevalue("classifier_job_path")
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*classifier_job_path is parametrized when tests are collected*"])
