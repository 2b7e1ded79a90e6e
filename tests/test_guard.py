"""Nothing meant for Mistral leaves the process: the fake's host guard, the marker that activates
the fake, the suite-wide block of Mistral's hosts, and the seed in a failure's report."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from pytest_classifierjobs import ClassifierJobsMock, settings
from pytest_classifierjobs.guard import MistralBlock, MistralHostBlockedError, is_mistral_host

AUTH = {"Authorization": "Bearer test"}
JOBS_PATH = "/v1/fine_tuning/jobs"

# --- which hosts are Mistral's ------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "api.mistral.ai",
        "API.MISTRAL.AI",
        "api.mistral.ai.",
        "codestral.mistral.ai",
        "mistral.ai",
        b"api.mistral.ai",
        "a.b.mistral.ai",
    ],
)
def test_mistral_hosts(host: str | bytes) -> None:
    assert is_mistral_host(host)


@pytest.mark.parametrize(
    "host",
    ["", None, "notmistral.ai", "mistral.ai.example.com", "mistral.aix", "127.0.0.1", b"localhost"],
)
def test_other_hosts(host: str | bytes | None) -> None:
    assert not is_mistral_host(host)


# --- the block ----------------------------------------------------------------------------------


def test_the_block_refuses_mistral_hosts_and_keeps_each_attempt() -> None:
    with MistralBlock() as block:
        with pytest.raises(
            MistralHostBlockedError,
            match=rf"^\[Errno {socket.EAI_NONAME}\] classifierjobs: api\.mistral\.ai is a "
            "Mistral host, ",
        ):
            socket.getaddrinfo("api.mistral.ai", 443)
        with pytest.raises(socket.gaierror):  # what clients catch for an unknown host
            socket.getaddrinfo(b"codestral.mistral.ai.", "https")

    assert block.attempts == ["api.mistral.ai:443", "codestral.mistral.ai.:https"]
    assert block.take_attempts() == ["api.mistral.ai:443", "codestral.mistral.ai.:https"]
    assert block.take_attempts() == []


def test_the_block_lets_other_hosts_resolve_and_puts_getaddrinfo_back() -> None:
    original = socket.getaddrinfo

    with MistralBlock() as block:
        assert socket.getaddrinfo is not original
        resolved = socket.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM)

    assert socket.getaddrinfo is original
    assert resolved == original("127.0.0.1", 80, type=socket.SOCK_STREAM)
    assert block.attempts == []


def test_blocks_nest_and_start_stop_twice_is_harmless() -> None:
    original = socket.getaddrinfo
    outer = MistralBlock().start()
    outer.start()
    with MistralBlock() as inner, pytest.raises(MistralHostBlockedError):
        socket.getaddrinfo("api.mistral.ai", 443)
    assert (inner.attempts, outer.attempts) == (["api.mistral.ai:443"], [])
    outer.stop()
    outer.stop()

    assert socket.getaddrinfo is original


def test_the_block_holds_in_every_thread() -> None:
    errors: list[BaseException] = []

    def resolve() -> None:
        try:
            socket.getaddrinfo("api.mistral.ai", 443)
        except OSError as error:
            errors.append(error)

    with MistralBlock() as block:
        thread = threading.Thread(target=resolve)
        thread.start()
        thread.join()

    assert [type(error) for error in errors] == [MistralHostBlockedError]
    assert block.attempts == ["api.mistral.ai:443"]


# --- the fake keeps every spelling of a Mistral host ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://api.mistral.ai/v1/fine_tuning/jobs",
        "https://api.mistral.ai./v1/fine_tuning/jobs",
        "https://api.mistral.ai:8443/v1/fine_tuning/jobs",
        "https://API.Mistral.AI.:443/v1/fine_tuning/jobs",
        "https://codestral.mistral.ai/v1/fim/completions",
        "https://mistral.ai/",
    ],
)
def test_the_fake_keeps_every_other_spelling_of_a_mistral_host_and_reports_it(url: str) -> None:
    with MistralBlock() as block, ClassifierJobsMock(seed=1) as fake:
        response = httpx.get(url, headers=AUTH)

    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})
    assert [str(request.url) for request in fake.unhandled] == [str(httpx.URL(url))]
    assert block.attempts == []  # never resolved, so never sent
    assert not fake.serves(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.mistral.ai/v1/fine_tuning/jobs",
        "https://API.MISTRAL.AI/v1/fine_tuning/jobs",
        "https://api.mistral.ai:443/v1/fine_tuning/jobs",
    ],
)
def test_the_fake_serves_its_base_url_however_spelt(url: str) -> None:
    with MistralBlock() as block, ClassifierJobsMock(seed=1) as fake:
        response = httpx.get(url, headers=AUTH)

    assert (response.status_code, response.json()["total"]) == (200, 0)
    assert (fake.unhandled, block.attempts) == ([], [])
    assert fake.serves(url)


def test_a_fake_on_another_base_url_still_keeps_the_real_api() -> None:
    base = "http://localhost:8123/mistral"
    with MistralBlock() as block, ClassifierJobsMock(seed=1, base_url=base) as fake:
        served = httpx.get(f"{base}{JOBS_PATH}", headers=AUTH)
        kept = httpx.get(f"https://api.mistral.ai{JOBS_PATH}", headers=AUTH)

    assert (served.status_code, kept.status_code) == (200, 404)
    assert [request.url.host for request in fake.unhandled] == ["api.mistral.ai"]
    assert block.attempts == []
    assert not fake.serves("http://localhost:8123/mistralx/v1/models")
    assert not fake.serves("http://localhost:8124/mistral/v1/models")
    assert fake.serves("http://localhost:8123/mistral")


def test_other_hosts_pass_through_untouched(unused_tcp_port: int) -> None:
    # Nothing listens on the port: the request really went to the network, and failed there.
    with ClassifierJobsMock(seed=1) as fake, pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{unused_tcp_port}/v1/fine_tuning/jobs")

    assert fake.unhandled == []


@pytest.fixture
def unused_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- the plugin: markers activate the fake --------------------------------------------------------

LIST = (
    'httpx.get("https://api.mistral.ai/v1/fine_tuning/jobs", headers={"Authorization": "Bearer t"})'
)


def test_a_marker_alone_activates_the_fake(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        import pytest
        import respx

        @pytest.mark.classifierjobs(seed=3)
        def test_marked():
            assert {LIST}.json()["total"] == 0

        @pytest.mark.classifier_job_statuses("SUCCESS")
        def test_statuses_marker():
            assert {LIST}.status_code == 200

        @pytest.mark.classifierjobs(seed=3)
        def test_marked_unhandled():
            httpx.get("https://api.mistral.ai/v1/nowhere")

        def test_unmarked():
            # No fake: the test's own respx route answers (the fake's would have come first).
            with respx.mock as router:
                router.get("https://api.mistral.ai/v1/fine_tuning/jobs").respond(418)
                assert {LIST}.status_code == 418
        """
    )

    result = pytester.runpytest("-p", "no:randomly")

    result.assert_outcomes(passed=4, errors=1)  # the unhandled one passed, then errored
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_marked_unhandled*", "  GET /v1/nowhere"]
    )


def test_a_marked_class_activates_the_fake_for_its_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx
        import pytest

        @pytest.mark.classifierjobs(require_auth=False)
        class TestMarked:
            def test_one(self):
                assert httpx.get("https://api.mistral.ai/v1/fine_tuning/jobs").status_code == 200

            def test_with_the_fixture_too(self, classifierjobs):
                job = classifierjobs.add(status="RUNNING")
                url = f"https://api.mistral.ai/v1/fine_tuning/jobs/{job.id}"
                assert httpx.get(url).is_success
        """
    )

    pytester.runpytest().assert_outcomes(passed=2)


# --- the plugin: the seed in the report of a failure ---------------------------------------------

FAILING = """
    import json, os, pathlib
    import pytest

    def keep(job):
        pathlib.Path(os.environ["CLASSIFIERJOBS_OUT"]).write_text(json.dumps([job.id, job.model]))

    def test_fails(classifierjobs):
        keep(classifierjobs.add(status="RUNNING"))
        assert False, "the code under test is wrong"

    def test_passes(classifierjobs):
        pass

    def test_fails_without_the_fake():
        assert False
"""


def test_a_failed_test_that_used_the_fake_reports_its_seeds_and_how_to_replay_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = pytester.path / "job.json"
    monkeypatch.setenv("CLASSIFIERJOBS_OUT", str(out))
    pytester.makepyfile(test_report=FAILING)
    test_seed = settings.per_test_seed(5, "test_report.py::test_fails")

    result = pytester.runpytest("-q", "--classifierjobs-seed=5", "-p", "no:randomly")

    result.assert_outcomes(passed=1, failed=2)
    # Only the failed test that used the fake has the section.
    assert sum("- classifierjobs seed -" in line for line in result.stdout.lines) == 1
    result.stdout.fnmatch_lines(
        [
            "*_ test_fails _*",
            "*- classifierjobs seed -*",
            f"run seed 5, this test's seed {test_seed}",
            "replay the run: --classifierjobs-seed=5",
            "replay this test alone, whatever the run seed: "
            f"@pytest.mark.classifierjobs(seed={test_seed})",
            "*_ test_fails_without_the_fake _*",
        ]
    )
    first = out.read_text()

    # What the section says replays the same job: under the run seed, and under the test seed.
    pytester.runpytest("--classifierjobs-seed=5", "-k", "test_fails and not without")
    assert out.read_text() == first
    pytester.makepyfile(
        test_report=FAILING.replace(
            "def test_fails(", f"@pytest.mark.classifierjobs(seed={test_seed})\n    def test_fails("
        )
    )
    replayed = pytester.runpytest(
        "-q", "--classifierjobs-seed=99", "-k", "test_fails and not without"
    )
    assert out.read_text() == first
    replayed.stdout.fnmatch_lines(
        [
            f"this test's seed {test_seed}, set by @pytest.mark.classifierjobs(seed={test_seed}): "
            "every run replays it"
        ]
    )


def test_the_seed_section_comes_with_xdist_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails(classifier_job_factory):
            assert False
        """
    )

    result = pytester.runpytest("-n", "2", "--classifierjobs-seed=8", "-p", "no:randomly")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*- classifierjobs seed -*", "replay the run: --classifierjobs-seed=8"]
    )


# --- the plugin: --classifierjobs-block-mistral --------------------------------------------------

BLOCKED = """
    import socket
    import urllib.request

    import httpx

    def test_swallows_the_error():
        try:
            urllib.request.urlopen("https://api.mistral.ai/v1/models", timeout=2)
        except OSError:
            pass  # the code under test hides the failure: the test fails all the same

    def test_with_the_fake(classifierjobs):
        auth = {"Authorization": "Bearer t"}
        assert httpx.get("https://api.mistral.ai/v1/models", headers=auth).is_success

    def test_other_hosts_resolve():
        assert socket.getaddrinfo("127.0.0.1", 80)

    def test_fails_and_was_blocked():
        try:
            httpx.get("http://codestral.mistral.ai./v1/x")
        finally:
            assert False, "its own failure"
"""


@pytest.mark.parametrize("how", ["cli", "ini"])
def test_block_mistral_fails_every_test_that_tries_to_reach_mistral(
    pytester: pytest.Pytester, how: str
) -> None:
    pytester.makepyfile(BLOCKED)
    if how == "ini":
        pytester.makeini("[pytest]\nclassifierjobs_block_mistral = yes\n")
        args: list[str] = []
    else:
        args = ["--classifierjobs-block-mistral=on"]

    result = pytester.runpytest(*args, "-p", "no:randomly")

    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "classifierjobs: seed=*, Mistral hosts blocked",
            "*_ test_swallows_the_error _*",
            "classifierjobs: this test tried to reach a Mistral host 1 time(s), which "
            "--classifierjobs-block-mistral forbids (the connection was refused):",
            "  api.mistral.ai:443",
            "Use the classifierjobs fixture (or its marker), whose fake answers in the process.",
            "*_ test_fails_and_was_blocked _*",
            "*its own failure*",
            "*- classifierjobs: Mistral hosts blocked -*",
            "  codestral.mistral.ai.:80",
        ]
    )


def test_without_the_option_nothing_is_blocked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import socket

        def test_untouched():
            assert socket.getaddrinfo.__module__ == "socket"
        """
    )

    result = pytester.runpytest()

    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*Mistral hosts blocked*")
