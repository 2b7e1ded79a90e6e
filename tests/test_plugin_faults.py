"""The faults of ``@pytest.mark.classifierjobs``: declared, served, and checked at teardown."""

import pytest

HEADER = """
import httpx
import pytest

AUTH = {"Authorization": "Bearer test"}
JOBS = "https://api.mistral.ai/v1/fine_tuning/jobs"
"""


def run(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(HEADER + body)
    return pytester.runpytest("-p", "no:cacheprovider")


def test_declared_faults_are_served_in_order_then_normal_service(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
@pytest.mark.classifierjobs(faults={"get": [503, {"status_code": 429, "times": 2}]})
def test_scenario(classifierjobs):
    job = classifierjobs.add(status="RUNNING")
    codes = [httpx.get(f"{JOBS}/{job.id}", headers=AUTH).status_code for _ in range(4)]
    assert codes == [503, 429, 429, 200]
""",
    )
    result.assert_outcomes(passed=1)


def test_a_declared_exception_is_raised_by_the_transport(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.classifierjobs(faults={"*": [httpx.ConnectError]})
def test_scenario(classifierjobs):
    with pytest.raises(httpx.ConnectError, match="injected by ClassifierJobsMock"):
        httpx.get(JOBS, headers=AUTH)
    assert httpx.get(JOBS, headers=AUTH).status_code == 200
""",
    )
    result.assert_outcomes(passed=1)


def test_a_fault_never_served_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.classifierjobs(faults={"get": [503, 503], "create": [500]})
def test_scenario(classifierjobs):
    job = classifierjobs.add(status="RUNNING")
    httpx.get(f"{JOBS}/{job.id}", headers=AUTH)
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*classifierjobs: 2 fault(s) set for this test were never served:",
            "*  get: 503 (1 left)",
            "*  create: 500 (1 left)",
            "*If the test expects that, allow it with "
            "@pytest.mark.classifierjobs(assert_all_faults_used=False), or clear them with "
            "classifierjobs.clear_faults().",
        ]
    )


def test_unused_faults_may_be_allowed(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.classifierjobs(faults={"get": [503]}, assert_all_faults_used=False)
def test_scenario(classifierjobs):
    pass
""",
    )
    result.assert_outcomes(passed=1)


def test_retired_answers_410_on_every_operation(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.classifierjobs(retired=True)
def test_scenario(classifierjobs):
    job = classifierjobs.add(status="VALIDATED")
    answers = [
        httpx.get(JOBS, headers=AUTH),
        httpx.post(JOBS, headers=AUTH, json={}),
        httpx.get(f"{JOBS}/{job.id}", headers=AUTH),
        httpx.post(f"{JOBS}/{job.id}/start", headers=AUTH),
        httpx.post(f"{JOBS}/{job.id}/cancel", headers=AUTH),
    ]
    assert {a.status_code for a in answers} == {410}
    assert classifierjobs.jobs[job.id].status == "VALIDATED"
""",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        pytest.param(
            "[503]",
            "@pytest.mark.classifierjobs(faults=...): expected a dict of operation to a list of "
            "faults, such as {'get': [503, 503]}, got [503]",
            id="not-a-dict",
        ),
        pytest.param(
            '{"get": 503}',
            "@pytest.mark.classifierjobs(faults=...): expected a dict of operation to a list of "
            "faults, such as {'get': [503, 503]}, got {'get': 503}",
            id="not-a-list",
        ),
        pytest.param(
            '{"gets": [503]}',
            "@pytest.mark.classifierjobs(faults=...): unknown operation 'gets' (did you mean "
            "'get'?); expected one of "
            "'list', 'create', 'get', 'start', 'cancel', 'files.upload', 'files.list', "
            "'files.retrieve', 'files.delete', 'files.download', 'files.get_signed_url', "
            "'files.signed_download', 'models.list', 'models.retrieve', 'models.delete', "
            "'models.update', 'models.archive', 'models.unarchive', 'classifiers.classify', "
            "'classifiers.classify_chat', '*'",
            id="unknown-operation",
        ),
        pytest.param(
            '{"get": ["boom"]}',
            "@pytest.mark.classifierjobs(faults=...): 'boom' is not a fault; a fault is a status "
            "code, an exception (or its class), or a dict of fail() arguments such as "
            "{'status_code': 429, 'times': 2}",
            id="not-a-fault",
        ),
        pytest.param(
            '{"get": [True]}',
            "@pytest.mark.classifierjobs(faults=...): True is not a fault; a fault is a status "
            "code, an exception (or its class), or a dict of fail() arguments such as "
            "{'status_code': 429, 'times': 2}",
            id="a-bool",
        ),
        pytest.param(
            '{"get": [700]}',
            "@pytest.mark.classifierjobs(faults=...): status_code must be from 100 to 599, not 700",
            id="bad-status",
        ),
        pytest.param(
            '{"get": [{"status_code": 503, "times": 0}]}',
            "@pytest.mark.classifierjobs(faults=...): times must be at least 1 (or None for "
            "every call), not 0",
            id="bad-times",
        ),
        pytest.param(
            '{"get": [{"status_code": 503, "json": {1, 2}}]}',
            "@pytest.mark.classifierjobs(faults=...): json must be a JSON-serializable value "
            "(Object of type set is not JSON serializable)",
            id="bad-json",
        ),
        pytest.param(
            '{"get": [{"status_code": 503, "header": {}}]}',
            "@pytest.mark.classifierjobs(faults=...): _Checker.fail() got an unexpected keyword "
            "argument 'header'",
            id="unknown-argument",
        ),
        pytest.param(
            '{"get": [UnicodeDecodeError]}',
            "@pytest.mark.classifierjobs(faults=...): raise_error() cannot make a <class "
            "'UnicodeDecodeError'> from a message (function takes exactly 5 arguments (1 "
            "given)); pass an instance instead",
            id="bad-exception",
        ),
    ],
)
def test_a_bad_faults_option_is_a_collection_error_naming_the_test(
    pytester: pytest.Pytester, faults: str, message: str
) -> None:
    result = run(
        pytester,
        f"""
@pytest.mark.classifierjobs(faults={faults})
def test_scenario(classifierjobs):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting *"])
    # Read as text: the messages hold brackets, which fnmatch patterns would take as classes.
    assert any(line.endswith(f"::test_scenario: {message}") for line in result.stdout.lines)


def test_retired_takes_a_bool(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
@pytest.mark.classifierjobs(retired="yes")
def test_scenario(classifierjobs):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.classifierjobs(retired=...): expected True or False, got 'yes'"]
    )
