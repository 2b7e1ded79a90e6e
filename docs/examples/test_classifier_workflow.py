"""The cookbook-shaped workflow (``classifier_workflow.py``) runs unchanged against the fake.

In-process, the fake answers the script's default server, ``https://api.mistral.ai``; as a
subprocess, the script is pointed at the live server with ``MISTRAL_SERVER_URL``. Either way the
script's own checks pass (it exits non-zero otherwise) and the fake ends empty-handed: the script
deleted the model and both files.
"""

from __future__ import annotations

import math
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_classifierjobs import ClassifierJobsMock, LiveServer

SCRIPT = Path(__file__).with_name("classifier_workflow.py")

pytestmark = pytest.mark.sdk


def assert_the_workflow_ran(output: str, fake: ClassifierJobsMock) -> None:
    lines = output.splitlines()
    assert lines[0] == "uploaded sentiment_train.jsonl (9 lines) and sentiment_validation.jsonl"
    assert "targets: {'sentiment': ['positive', 'neutral', 'negative']}" in lines
    assert "renamed: sentiment (cookbook)" in lines
    assert lines[-5:] == [
        "archived: True",
        "archived: False",
        "model deleted: True",
        "file deleted: True",
        "file deleted: True",
    ]
    (job,) = fake.jobs.values()
    assert job.status == "SUCCESS"
    assert f"model: {job.fine_tuned_model}" in lines
    assert dict(fake.models) == {}  # deleted by the script
    assert dict(fake.files) == {}
    for operation in ("models.list", "classifiers.classify", "classifiers.classify_chat"):
        assert fake.routes[operation].call_count == 1


def run_against(server: LiveServer, *, poll_seconds: str) -> str:
    """Run the script in a process of its own against ``server``; return what it printed."""
    env = {
        **os.environ,
        "MISTRAL_API_KEY": "test-key",
        "MISTRAL_SERVER_URL": server.url,
        "POLL_SECONDS": poll_seconds,
    }
    run = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def event_statuses(fake: ClassifierJobsMock) -> list[str]:
    """The statuses in the events of the fake's one job, oldest first."""
    (job,) = fake.jobs.values()
    return [event.data["status"] for event in job.events if event.data]


def test_in_process(
    classifierjobs: ClassifierJobsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "test-key")
    monkeypatch.setenv("POLL_SECONDS", "0")
    monkeypatch.delenv("MISTRAL_SERVER_URL", raising=False)

    runpy.run_path(str(SCRIPT), run_name="__main__")

    assert_the_workflow_ran(capsys.readouterr().out, classifierjobs)


def test_against_the_live_server(
    classifierjobs: ClassifierJobsMock, classifierjobs_server: LiveServer
) -> None:
    output = run_against(classifierjobs_server, poll_seconds="0")

    assert_the_workflow_ran(output, classifierjobs)


# The same script with its real pause of 10 s per poll, on a realistic timeline: the jobs move
# with the fake's clock, and the script's time.sleep(10) advances that clock instead of waiting.
@pytest.mark.classifierjobs(progression="time", instant_sleep=True)
def test_in_process_with_real_timings_instantly(
    classifierjobs: ClassifierJobsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "test-key")
    monkeypatch.delenv("POLL_SECONDS", raising=False)  # the script's default: 10 s
    monkeypatch.delenv("MISTRAL_SERVER_URL", raising=False)
    start = classifierjobs.clock.time()

    runpy.run_path(str(SCRIPT), run_name="__main__")

    output = capsys.readouterr().out
    assert_the_workflow_ran(output, classifierjobs)
    assert event_statuses(classifierjobs) == [
        "QUEUED",
        "VALIDATING",
        "VALIDATED",
        "RUNNING",
        "SUCCESS",
    ]
    (job,) = classifierjobs.jobs.values()
    # As in the recorded answers, the first GET after start still shows the job queued.
    polled = [line.rsplit(": ", 1)[1] for line in output.splitlines() if line.startswith("job ")]
    assert polled[polled.index("VALIDATED") + 1] == "QUEUED"
    # Both loops slept 10 s of the fake's time after each GET but their last.
    slept = classifierjobs.clock.time() - start
    assert slept >= 10 * (classifierjobs.routes["get"].call_count - 2)
    # The job's whole life lies within that time (its timestamps are whole seconds, rounded down).
    assert math.floor(start) <= job.created_at <= job.modified_at <= classifierjobs.clock.time()


# A client in another process polls in real time: the fake's clock runs 600 times faster, so
# that a poll every 50 ms sees 30 s of the job's timeline go by.
@pytest.mark.classifierjobs(progression="time", time_scale=600)
def test_against_the_live_server_on_a_fast_clock(
    classifierjobs: ClassifierJobsMock, classifierjobs_server: LiveServer
) -> None:
    output = run_against(classifierjobs_server, poll_seconds="0.05")

    assert_the_workflow_ran(output, classifierjobs)
    assert event_statuses(classifierjobs) == [
        "QUEUED",
        "VALIDATING",
        "VALIDATED",
        "RUNNING",
        "SUCCESS",
    ]
