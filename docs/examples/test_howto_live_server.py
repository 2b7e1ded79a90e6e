"""How-to: reach the fake over real HTTP, from another process or a non-httpx client."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

from pytest_classifierjobs import ClassifierJobsMock, LiveServer

# A program that knows nothing of the fake: it talks to whatever server it is given.
CLIENT_PROGRAM = """
import sys
from mistralai import Mistral

client = Mistral(api_key="test-key", server_url=sys.argv[1])
job = client.fine_tuning.jobs.create(
    model="ministral-3b-latest",
    job_type="classifier",
    training_files=[{"file_id": "c36d490e-d2f8-4f98-9679-1c55625e09d5", "weight": 1.0}],
    hyperparameters={"training_steps": 10},
)
print(job.id)
"""


def test_a_subprocess_creates_a_job(
    classifierjobs: ClassifierJobsMock, classifierjobs_server: LiveServer
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CLIENT_PROGRAM, classifierjobs_server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    job_id = run.stdout.strip()
    assert classifierjobs.jobs[job_id].status == "QUEUED"  # the same store as the fixture


def test_a_client_that_is_not_httpx(
    classifierjobs: ClassifierJobsMock, classifierjobs_server: LiveServer
) -> None:
    job = classifierjobs.add(status="SUCCESS")  # visible to the server's clients
    request = urllib.request.Request(
        f"{classifierjobs_server.url}/v1/fine_tuning/jobs/{job.id}",
        headers={"Authorization": "Bearer test-key"},
    )

    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)

    assert body["status"] == "SUCCESS"
    assert body["fine_tuned_model"] == job.fine_tuned_model
