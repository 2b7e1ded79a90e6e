"""How-to: simulate an odd field combination with factory overrides."""

from __future__ import annotations

from job_watcher import JobWatcher
from mistralai import Mistral

from pytest_classifierjobs import ClassifierJobsMock, coherence_violations


def test_a_successful_job_without_a_model_name(classifierjobs: ClassifierJobsMock) -> None:
    # Coherent except for what the overrides say: the fake serves exactly this job.
    odd = classifierjobs.add(status="SUCCESS", fine_tuned_model=None)
    assert coherence_violations(odd) == ["fine_tuned_model must be set at SUCCESS"]

    (line,) = JobWatcher(Mistral(api_key="test-key")).dashboard()

    assert line.endswith("-> -")  # the dashboard shows a dash instead of crashing


def test_nested_fields_are_overridden_by_a_dict(classifierjobs: ClassifierJobsMock) -> None:
    job = classifierjobs.add(status="VALIDATED", metadata={"cost": 0.0, "cost_currency": "USD"})

    got = Mistral(api_key="test-key").fine_tuning.jobs.get(job_id=job.id)

    assert got.metadata.cost == 0.0  # the other metadata fields stay as drawn
    assert got.metadata.cost_currency == "USD"
    assert got.metadata.train_tokens == job.metadata.train_tokens


def test_inputs_are_overridden_and_the_rest_follows(classifierjobs: ClassifierJobsMock) -> None:
    # model, created_at, hyperparameters... are what a job is drawn from: the rest agrees.
    job = classifierjobs.add(
        status="SUCCESS",
        model="my-base-model",
        created_at=1_744_814_706,  # 2025-04-16
        hyperparameters={"training_steps": 3},
    )

    assert job.fine_tuned_model.startswith("ft:classifier:my-base-model:")
    assert ":20250416:" in job.fine_tuned_model
    assert [c.step_number for c in job.checkpoints] == [3, 2, 1]
    assert coherence_violations(job) == []
