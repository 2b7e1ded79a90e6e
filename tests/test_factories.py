"""The factories: coherent jobs for every status, overrides, batches, coverage and seeding."""

import datetime
import json
import math
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import attrs
import pytest
from faker import Faker
from polyfactory.factories.attrs_factory import AttrsFactory
from polyfactory.fields import Use

from pytest_classifierjobs import (
    CheckpointOut,
    CheckpointOutFactory,
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOut,
    ClassifierJobOutFactory,
    ClassifierJobOutStatus,
    ClassifierTargetOut,
    ClassifierTargetOutFactory,
    ClassifierTrainingParameters,
    ClassifierTrainingParametersFactory,
    EventOut,
    EventOutFactory,
    JobIn,
    JobInFactory,
    JobMetadataOut,
    JobMetadataOutFactory,
    MetricOut,
    MetricOutFactory,
    WandbIntegrationOut,
    WandbIntegrationOutFactory,
    coherence_violations,
)

S = ClassifierJobOutStatus
STATUSES = list(S)
JOB_FACTORIES = [ClassifierDetailedJobOutFactory, ClassifierJobOutFactory]


def _event_statuses(job: ClassifierDetailedJobOut) -> list[str]:
    return [str((event.data or {})["status"]) for event in job.events]


@pytest.mark.parametrize("factory", JOB_FACTORIES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("status", STATUSES, ids=str)
def test_a_thousand_builds_per_status_are_all_coherent(
    factory: type[ClassifierDetailedJobOutFactory], status: ClassifierJobOutStatus
) -> None:
    factory.seed_random(1000 + STATUSES.index(status))
    problems: Counter[str] = Counter()
    for _ in range(1000):
        job = factory.build(status=status)
        assert job.status is status
        assert type(job) is factory.__model__
        problems.update(coherence_violations(job))
    assert problems == Counter()


@pytest.mark.parametrize("status", ["SUCCESS", S.SUCCESS], ids=["string", "enum"])
def test_status_may_be_the_enum_or_its_string(status: str) -> None:
    job = ClassifierDetailedJobOutFactory.build(status=status)
    assert job.status is S.SUCCESS


def test_without_a_status_the_status_is_drawn_and_the_job_still_coherent() -> None:
    ClassifierDetailedJobOutFactory.seed_random(5)
    jobs = ClassifierDetailedJobOutFactory.batch(300)
    assert {job.status for job in jobs} == set(S)
    assert [p for job in jobs for p in coherence_violations(job)] == []


def test_a_successful_job_is_named_and_trained_like_the_observed_ones() -> None:
    job = ClassifierDetailedJobOutFactory.build(
        status="SUCCESS",
        id="db22ea7e-1895-4309-92d9-9ac881b1b117",
        model="ministral-3b-latest",
        created_at=1744814706,  # 2025-04-16, the cookbook's intent job
        hyperparameters={"training_steps": 100},
    )
    assert job.fine_tuned_model is not None
    prefix, account, date, short_id = job.fine_tuned_model.rsplit(":", 3)
    assert (prefix, date, short_id) == ("ft:classifier:ministral-3b-latest", "20250416", "db22ea7e")
    assert len(account) == 8
    int(account, 16)
    # The recorded figures of that job: 100 steps of 65,536 tokens, 3.28 EUR, and trained
    # tokens of 100 x seq_len (contract "mistral-workflow-api.md", section 4).
    assert job.metadata is not None
    assert (job.metadata.train_tokens_per_step, job.metadata.train_tokens) == (65536, 6_553_600)
    assert job.metadata.cost == 3.28
    assert job.metadata.data_tokens is not None
    assert job.hyperparameters.epochs == 6_553_600 / job.metadata.data_tokens
    assert job.trained_tokens == 1_638_400
    assert [c.step_number for c in job.checkpoints] == list(range(100, 0, -1))
    assert _event_statuses(job) == ["QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"]
    assert job.events[0].created_at == job.created_at == 1744814706
    assert all(i.url and i.url.startswith("https://wandb.ai/") for i in job.integrations or ())


def test_before_validation_a_job_has_no_estimate_targets_or_checkpoints() -> None:
    job = ClassifierDetailedJobOutFactory.build(status="VALIDATING")
    assert job.metadata == JobMetadataOut(cost=0.0)
    assert job.classifier_targets == []
    assert job.checkpoints == []
    assert job.hyperparameters.epochs is None
    assert (job.fine_tuned_model, job.trained_tokens) == (None, None)


def test_queued_jobs_are_either_fresh_or_requeued_after_validation() -> None:
    ClassifierDetailedJobOutFactory.seed_random(11)
    histories = {
        tuple(_event_statuses(ClassifierDetailedJobOutFactory.build(status="QUEUED")))
        for _ in range(50)
    }
    # The re-queue after start adds no event (observed), so a history may end at VALIDATED.
    assert histories == {("QUEUED",), ("QUEUED", "VALIDATING", "VALIDATED")}


def test_a_requeue_estimates_the_start_in_about_one_job_in_three() -> None:
    ClassifierDetailedJobOutFactory.seed_random(12)
    estimates = []
    for _ in range(300):
        job = ClassifierDetailedJobOutFactory.build(status="RUNNING")
        assert job.metadata is not None
        estimate = job.metadata.estimated_start_time
        validated = next(e.created_at for e in job.events if e.data == {"status": "VALIDATED"})
        # When set, it comes after the validation, at the re-queue or later.
        assert estimate is None or estimate > validated
        estimates.append(estimate)
    # Set after start in one of the three recorded jobs, null in the other two.
    nulls = estimates.count(None) / len(estimates)
    assert 0.55 <= nulls <= 0.8, nulls


def test_cancellation_histories_cover_every_cancel_point() -> None:
    ClassifierDetailedJobOutFactory.seed_random(12)
    histories = {
        tuple(_event_statuses(ClassifierDetailedJobOutFactory.build(status="CANCELLED")))
        for _ in range(300)
    }
    assert (
        "QUEUED",
        "VALIDATING",
        "VALIDATED",
        "RUNNING",
        "CANCELLATION_REQUESTED",
        "CANCELLED",
    ) in (histories)
    assert ("QUEUED", "CANCELLED") in histories
    # A running job goes through CANCELLATION_REQUESTED (chosen): never RUNNING -> CANCELLED.
    assert not any(h[-2] == "RUNNING" for h in histories)


def test_overrides_of_drawn_fields_feed_the_derived_ones() -> None:
    job = ClassifierDetailedJobOutFactory.build(
        status="SUCCESS",
        model="my-base",
        created_at=1_700_000_000,
        hyperparameters={"training_steps": 7, "learning_rate": 0.001},
    )
    assert job.fine_tuned_model is not None
    assert job.fine_tuned_model.startswith("ft:classifier:my-base:")
    assert job.hyperparameters.learning_rate == 0.001
    assert job.hyperparameters.training_steps == 7
    assert job.hyperparameters.epochs is not None
    assert len(job.checkpoints) == 7
    assert job.events[0].created_at == 1_700_000_000
    assert coherence_violations(job) == []


def test_an_override_wins_over_coherence() -> None:
    job = ClassifierDetailedJobOutFactory.build(status="QUEUED", fine_tuned_model="ft:odd")
    assert job.fine_tuned_model == "ft:odd"
    assert coherence_violations(job) == [
        "fine_tuned_model must be null when the status is QUEUED",
        "fine_tuned_model 'ft:odd' is not 'ft:classifier:"
        f"{job.model}:<8 hex>:"
        f"{datetime.datetime.fromtimestamp(job.created_at, datetime.timezone.utc):%Y%m%d}:"
        f"{job.id[:8]}'",
    ]


def test_a_nested_model_is_overridden_by_an_instance_or_merged_from_a_dict() -> None:
    merged = ClassifierDetailedJobOutFactory.build(status="VALIDATED", metadata={"cost": 12.5})
    assert merged.metadata is not None
    assert merged.metadata.cost == 12.5
    assert merged.metadata.cost_currency == "EUR"
    replaced = ClassifierDetailedJobOutFactory.build(metadata=None, events=[])
    assert (replaced.metadata, replaced.events) == (None, [])


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        ("RUNING", " (did you mean 'RUNNING'?)"),
        ("success", " (did you mean 'SUCCESS'?)"),
        ("DONE", ""),
    ],
    ids=["misspelt", "lower-case", "unknown"],
)
def test_unknown_status_names_the_closest_and_lists_the_ten(status: str, hint: str) -> None:
    with pytest.raises(ValueError, match=r"\A") as caught:
        ClassifierDetailedJobOutFactory.build(status=status)
    assert str(caught.value) == (
        f"ClassifierDetailedJobOutFactory.build() status: unknown job status {status!r}{hint}; "
        "expected one of 'QUEUED', 'STARTED', 'VALIDATING', 'VALIDATED', 'RUNNING', "
        "'FAILED_VALIDATION', 'FAILED', 'SUCCESS', 'CANCELLED', 'CANCELLATION_REQUESTED'"
    )


def test_a_status_that_is_no_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"\A") as caught:
        ClassifierJobOutFactory.build(status=3)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "ClassifierJobOutFactory.build() status: a job status is a ClassifierJobOutStatus or its "
        "name, such as 'RUNNING', not int 3"
    )


def test_misspelt_field_is_named_with_a_suggestion_and_the_valid_fields() -> None:
    with pytest.raises(TypeError) as caught:
        ClassifierDetailedJobOutFactory.build(fine_tune_model="x")
    assert str(caught.value) == (
        "ClassifierDetailedJobOutFactory.build(): unknown ClassifierDetailedJobOut field "
        "'fine_tune_model' (did you mean 'fine_tuned_model'?); expected one of 'auto_start', "
        "'checkpoints', 'classifier_targets', 'created_at', 'events', 'fine_tuned_model', "
        "'hyperparameters', 'id', 'integrations', 'metadata', 'model', 'modified_at', 'status', "
        "'suffix', 'trained_tokens', 'training_files', 'validation_files'"
    )


def test_unknown_field_without_a_close_match_and_detailed_fields_on_the_short_factory() -> None:
    with pytest.raises(
        TypeError,
        match=r"^ClassifierJobOutFactory\.build\(\): unknown ClassifierJobOut field 'events'; "
        r"expected one of 'auto_start', ",
    ):
        ClassifierJobOutFactory.build(events=[])
    with pytest.raises(TypeError, match=r"unknown ClassifierDetailedJobOut field 'zzz'; expected"):
        ClassifierDetailedJobOutFactory.build(zzz=1)


def test_misspelt_nested_field_and_constant_fields_are_refused() -> None:
    with pytest.raises(
        TypeError,
        match=r"^ClassifierDetailedJobOutFactory\.build\(\) metadata: unknown JobMetadataOut field "
        r"'costs' \(did you mean 'cost'\?\); expected one of 'cost', 'cost_currency', ",
    ):
        ClassifierDetailedJobOutFactory.build(metadata={"costs": 1.0})
    with pytest.raises(
        TypeError,
        match=r"^ClassifierDetailedJobOutFactory\.build\(\): 'job_type' is a constant of the "
        r"contract and cannot be overridden$",
    ):
        ClassifierDetailedJobOutFactory.build(job_type="completion")


def test_batch_builds_that_many_in_the_status() -> None:
    jobs = ClassifierJobOutFactory.batch(4, status="RUNNING", model="m")
    assert [(type(j), j.status, j.model) for j in jobs] == [(ClassifierJobOut, S.RUNNING, "m")] * 4
    assert len({j.id for j in jobs}) == 4


@pytest.mark.parametrize("factory", JOB_FACTORIES, ids=lambda f: f.__name__)
def test_coverage_covers_every_status_and_free_nullable_field_both_ways(
    factory: type[ClassifierDetailedJobOutFactory],
) -> None:
    jobs = list(factory.coverage())
    assert [j.status for j in jobs] == [s for s in S for _ in range(2)]
    assert [p for j in jobs for p in coherence_violations(j)] == []
    for status in S:
        pair = [j for j in jobs if j.status is status]
        for field in ("validation_files", "suffix", "integrations"):
            assert {getattr(j, field) is None for j in pair} == {True, False}, (status, field)
        integration = next(i for j in pair for i in j.integrations or ())
        assert integration.name is not None
        assert integration.run_name is not None


def test_coverage_takes_overrides() -> None:
    assert {j.model for j in ClassifierDetailedJobOutFactory.coverage(model="m")} == {"m"}


def _dump(factory: type[ClassifierDetailedJobOutFactory], seed: int) -> list[str]:
    factory.seed_random(seed)
    return [repr(factory.build()) for _ in range(5)]


def test_the_same_seed_gives_the_same_jobs_and_another_seed_others() -> None:
    first = _dump(ClassifierDetailedJobOutFactory, 42)
    assert _dump(ClassifierDetailedJobOutFactory, 42) == first
    assert _dump(ClassifierDetailedJobOutFactory, 43) != first


_SUBPROCESS = """
import json, sys
from pytest_classifierjobs import ClassifierDetailedJobOutFactory as F
F.seed_random(int(sys.argv[1]))
print(json.dumps([repr(F.build()) for _ in range(5)]))
"""


def test_the_same_seed_gives_the_same_jobs_in_other_processes() -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", _SUBPROCESS, "42"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1] == _dump(ClassifierDetailedJobOutFactory, 42)


@attrs.frozen
class UserModel:
    name: str
    score: int


class UserFactory(AttrsFactory[UserModel]):
    __model__ = UserModel


def test_our_factories_share_no_randomness_with_user_factories() -> None:
    UserFactory.seed_random(3)
    alone = [UserFactory.build() for _ in range(3)]
    UserFactory.seed_random(3)
    interleaved = []
    for seed in range(3):
        ClassifierDetailedJobOutFactory.seed_random(seed)  # must not reseed the user's Faker
        ClassifierDetailedJobOutFactory.build()
        interleaved.append(UserFactory.build())
    assert interleaved == alone
    assert ClassifierDetailedJobOutFactory.__faker__ is not AttrsFactory.__faker__
    assert ClassifierDetailedJobOutFactory.__random__ is not AttrsFactory.__random__


def test_user_factory_builds_do_not_disturb_a_seeded_job_factory() -> None:
    expected = _dump(ClassifierDetailedJobOutFactory, 8)
    ClassifierDetailedJobOutFactory.seed_random(8)
    got = []
    for _ in range(5):
        UserFactory.build()
        got.append(repr(ClassifierDetailedJobOutFactory.build()))
    assert got == expected


def test_a_subclass_declares_values_as_polyfactory_does() -> None:
    class TeamJobFactory(ClassifierDetailedJobOutFactory):
        model = "team-base"
        suffix = Use(lambda: "team")

    job = TeamJobFactory.build(status="SUCCESS")
    assert (job.model, job.suffix) == ("team-base", "team")
    assert job.fine_tuned_model is not None
    assert ":team-base:" in job.fine_tuned_model
    assert TeamJobFactory.build(model="other").model == "other"


NESTED = [
    (ClassifierTrainingParametersFactory, ClassifierTrainingParameters, {"training_steps": 3}),
    (JobMetadataOutFactory, JobMetadataOut, {"cost": 1.5}),
    (WandbIntegrationOutFactory, WandbIntegrationOut, {"project": "p"}),
    (ClassifierTargetOutFactory, ClassifierTargetOut, {"name": "intent"}),
    (MetricOutFactory, MetricOut, {"train_loss": 0.5}),
    (CheckpointOutFactory, CheckpointOut, {"step_number": 2}),
    (EventOutFactory, EventOut, {"data": {"status": "RUNNING"}}),
    (JobInFactory, JobIn, {"model": "m"}),
]


@pytest.mark.parametrize(
    ("factory", "model", "override"), NESTED, ids=[f.__name__ for f, _, _ in NESTED]
)
def test_nested_factories_build_seeded_values_with_overrides(
    factory: type[ClassifierTrainingParametersFactory],
    model: type[object],
    override: dict[str, object],
) -> None:
    factory.seed_random(9)
    first = factory.build()
    factory.seed_random(9)
    assert factory.build() == first
    assert type(first) is model
    built = factory.build(**override)
    assert {name: getattr(built, name) for name in override} == override
    with pytest.raises(
        TypeError, match=f"{factory.__name__}.build\\(\\): unknown {model.__name__} field 'nope'"
    ):
        factory.build(nope=1)


def test_nested_values_are_realistic() -> None:
    JobInFactory.seed_random(1)
    for request in JobInFactory.batch(50):
        assert request.job_type == "classifier"
        assert request.training_files
        assert request.suffix is None or len(request.suffix) <= 18
        assert 1e-8 <= request.hyperparameters.learning_rate <= 1
    for integration in WandbIntegrationOutFactory.batch(5):
        assert integration.url is not None
        assert integration.url.startswith("https://wandb.ai/")
    for checkpoint in CheckpointOutFactory.batch(20):
        assert checkpoint.step_number >= 1
    assert {e.name for e in EventOutFactory.batch(5)} == {"status-updated"}


def test_overridden_integrations_get_their_run_url_once_the_job_ran() -> None:
    given = [WandbIntegrationOut(project="p"), WandbIntegrationOut(project="q", url="https://x")]
    job = ClassifierDetailedJobOutFactory.build(status="SUCCESS", integrations=given)
    assert job.integrations is not None
    assert [i.project for i in job.integrations] == ["p", "q"]
    assert job.integrations[0].url is not None
    assert job.integrations[0].url.startswith("https://wandb.ai/")
    assert job.integrations[1].url == "https://x"
    assert coherence_violations(job) == []
    queued = ClassifierDetailedJobOutFactory.build(status="VALIDATING", integrations=given[:1])
    assert queued.integrations == given[:1]


def test_given_epochs_are_kept_and_missing_ones_computed_at_validation() -> None:
    kept = ClassifierDetailedJobOutFactory.build(status="VALIDATED", hyperparameters={"epochs": 3})
    assert kept.hyperparameters.epochs == 3
    instance = ClassifierTrainingParameters(training_steps=5, seq_len=16384)
    computed = ClassifierDetailedJobOutFactory.build(status="VALIDATED", hyperparameters=instance)
    assert computed.hyperparameters.epochs is not None
    assert computed.hyperparameters.training_steps == 5
    assert coherence_violations(computed) == []


def test_a_subclass_has_its_own_randomness_and_honours_random_seed() -> None:
    class SeededJobFactory(ClassifierDetailedJobOutFactory):
        __random_seed__ = 77

    assert SeededJobFactory.__random__ is not ClassifierDetailedJobOutFactory.__random__
    assert SeededJobFactory.__faker__ is not ClassifierDetailedJobOutFactory.__faker__
    first = repr(SeededJobFactory.build())
    ClassifierDetailedJobOutFactory.seed_random(77)
    assert repr(ClassifierDetailedJobOutFactory.build()) == first


def test_a_list_of_models_may_be_given_as_dicts() -> None:
    job = ClassifierDetailedJobOutFactory.build(
        status="RUNNING", integrations=[{"project": "x"}, WandbIntegrationOut(project="y")]
    )
    assert job.integrations is not None
    assert [(i.project, i.url is not None) for i in job.integrations] == [("x", True), ("y", True)]
    assert coherence_violations(job) == []
    with pytest.raises(
        TypeError,
        match=r"^ClassifierDetailedJobOutFactory\.build\(\) integrations\[0\]: unknown "
        r"WandbIntegrationOut field 'projekt' \(did you mean 'project'\?\); expected one of "
        r"'name', 'project', 'run_name', 'url'$",
    ):
        ClassifierDetailedJobOutFactory.build(integrations=[{"projekt": "x"}])


# --- overrides are checked before anything is drawn from them ----------------------------------

_TARGET: dict[str, Any] = {
    "name": "t",
    "labels": ["a", "b"],
    "weight": 1.0,
    "loss_function": "single_class",
}
_CHECKPOINT: dict[str, Any] = {
    "metrics": {"train_loss": 0.5},
    "step_number": 1,
    "created_at": 1_700_000_000,
}
_EVENT = {"name": "status-updated", "created_at": 1_700_000_000}
_BUILD = "ClassifierDetailedJobOutFactory.build() "
_UNIX_SECONDS = "; for a datetime d, give int(d.timestamp())"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"trained_tokens": "many"},
            "trained_tokens: expected an integer or None, got str 'many'",
            id="str-for-int",
        ),
        pytest.param(
            {"trained_tokens": True},
            "trained_tokens: expected an integer or None, got bool True",
            id="bool-for-int",
        ),
        pytest.param(
            {"trained_tokens": 1.0},
            "trained_tokens: expected an integer or None, got float 1.0",
            id="float-for-int",
        ),
        pytest.param({"model": 123}, "model: expected a string, got int 123", id="int-for-str"),
        pytest.param({"model": None}, "model: expected a string, got None", id="None-for-str"),
        pytest.param(
            {"model": S.RUNNING},
            "model: expected a string, got ClassifierJobOutStatus "
            "<ClassifierJobOutStatus.RUNNING: 'RUN...",
            id="str-enum-for-str",
        ),
        pytest.param(
            {"model": 10**5000}, "model: expected a string, got int <too long to show>", id="huge"
        ),
        pytest.param(
            {"auto_start": 1}, "auto_start: expected a boolean, got int 1", id="int-for-bool"
        ),
        pytest.param(
            {"created_at": "yesterday"},
            f"created_at: expected an integer (Unix seconds), got str 'yesterday'{_UNIX_SECONDS}",
            id="created_at-text",
        ),
        pytest.param(
            {"modified_at": datetime.datetime(2025, 4, 16, tzinfo=datetime.timezone.utc)},
            "modified_at: expected an integer (Unix seconds), got datetime "
            f"datetime.datetime(2025, 4, 16, 0, 0, ...{_UNIX_SECONDS}",
            id="modified_at-datetime",
        ),
        pytest.param(
            {"metadata": {"estimated_start_time": 1.5}},
            "metadata.estimated_start_time: expected an integer (Unix seconds) or None, "
            f"got float 1.5{_UNIX_SECONDS}",
            id="estimated_start_time-float",
        ),
        pytest.param(
            {"hyperparameters": {"training_steps": "ten"}},
            "hyperparameters.training_steps: expected an integer or None, got str 'ten'",
            id="nested-dict",
        ),
        pytest.param(
            {"hyperparameters": ClassifierTrainingParameters(training_steps="ten")},  # type: ignore[arg-type]
            "hyperparameters.training_steps: expected an integer or None, got str 'ten'",
            id="nested-instance",
        ),
        pytest.param(
            {"hyperparameters": {"learning_rate": "0.1"}},
            "hyperparameters.learning_rate: expected a number, got str '0.1'",
            id="str-for-float",
        ),
        pytest.param(
            {"hyperparameters": "fast"},
            "hyperparameters: expected a ClassifierTrainingParameters or a dict of its fields, "
            "got str 'fast'",
            id="str-for-model",
        ),
        pytest.param(
            {"metadata": 0},
            "metadata: expected a JobMetadataOut or a dict of its fields or None, got int 0",
            id="int-for-optional-model",
        ),
        pytest.param(
            {"training_files": "file-1"},
            "training_files: expected a list, got str 'file-1'",
            id="str-for-list",
        ),
        pytest.param(
            {"training_files": ("file-1",)},
            "training_files: expected a list, got tuple ('file-1',)",
            id="tuple-for-list",
        ),
        pytest.param(
            {"validation_files": ["file-1", 2]},
            "validation_files[1]: expected a string, got int 2",
            id="list-item",
        ),
        pytest.param(
            {"suffix": ["x" * 50]},
            "suffix: expected a string or None, got list ['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...",
            id="long-value-cut",
        ),
        pytest.param(
            {"integrations": [{"name": "run"}]},
            "integrations[0]: WandbIntegrationOut needs 'project' too",
            id="list-item-dict-incomplete",
        ),
        pytest.param(
            {"integrations": [{"project": 7}]},
            "integrations[0].project: expected a string, got int 7",
            id="list-item-dict-field",
        ),
        pytest.param(
            {"integrations": ["ft-exp"]},
            "integrations[0]: expected a WandbIntegrationOut or a dict of its fields, "
            "got str 'ft-exp'",
            id="list-item-str-for-model",
        ),
        pytest.param(
            {"classifier_targets": [{**_TARGET, "labels": "ab"}]},
            "classifier_targets[0].labels: expected a list, got str 'ab'",
            id="target-labels",
        ),
        pytest.param(
            {"classifier_targets": [{**_TARGET, "loss_function": 1}]},
            "classifier_targets[0].loss_function: expected one of 'single_class', "
            "'multi_class', got int 1",
            id="literal-int",
        ),
        pytest.param(
            {"checkpoints": [{**_CHECKPOINT, "metrics": {"train_loss": "low"}}]},
            "checkpoints[0].metrics.train_loss: expected a number or None, got str 'low'",
            id="two-levels-deep",
        ),
        pytest.param(
            {
                "checkpoints": [
                    CheckpointOut(
                        metrics={"train_loss": 1.0},  # type: ignore[arg-type]
                        step_number=1,
                        created_at=1,
                    )
                ]
            },
            "checkpoints[0].metrics: expected a MetricOut, got dict {'train_loss': 1.0}",
            id="dict-inside-an-instance",
        ),
        pytest.param(
            {"events": [{**_EVENT, "data": "RUNNING"}]},
            "events[0].data: expected a dict or None, got str 'RUNNING'",
            id="str-for-json-object",
        ),
        pytest.param(
            {"events": [{**_EVENT, "data": {"at": {1, 2}}}]},
            "events[0].data.at: expected a JSON value, got set {1, 2}",
            id="json-value",
        ),
        pytest.param(
            {"events": [{**_EVENT, "data": {"a b": [b"x"]}}]},
            "events[0].data['a b'][0]: expected a JSON value, got bytes b'x'",
            id="json-value-in-list",
        ),
        pytest.param(
            {"events": [{**_EVENT, "data": {3: "x"}}]},
            "events[0].data: expected string keys, got key int 3",
            id="json-key",
        ),
    ],
)
def test_an_override_of_the_wrong_type_is_named_with_what_its_field_takes(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=r"\A") as caught:
        ClassifierDetailedJobOutFactory.build(status="SUCCESS", **overrides)
    assert str(caught.value) == _BUILD + message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"classifier_targets": [{**_TARGET, "loss_function": "single"}]},
            "classifier_targets[0].loss_function: unknown value 'single' (did you mean "
            "'single_class'?); expected one of 'single_class', 'multi_class'",
            id="misspelt-literal",
        ),
        pytest.param(
            {"metadata": {"cost": math.inf}},
            "metadata.cost: expected a finite number, got float inf",
            id="infinite",
        ),
        pytest.param(
            {"metadata": {"cost": 10**400}},
            f"metadata.cost: expected a finite number, got int {'1' + '0' * 36}...",
            id="int-beyond-float",
        ),
        pytest.param(
            {"events": [{**_EVENT, "data": {"loss": math.nan}}]},
            "events[0].data.loss: expected a finite number, got float nan",
            id="json-nan",
        ),
    ],
)
def test_a_misspelt_literal_or_a_number_that_is_not_finite_is_a_value_error(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=r"\A") as caught:
        ClassifierDetailedJobOutFactory.build(**overrides)
    assert str(caught.value) == _BUILD + message


_OUT_OF_RANGE = "which the server never sends; to make such a job on purpose, change a built one "
_OUT_OF_RANGE += "with attrs.evolve()"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"hyperparameters": {"training_steps": -5}},
            "hyperparameters.training_steps: -5 is out of range (allowed: >= 1)",
            id="negative-steps",
        ),
        pytest.param(
            {"hyperparameters": {"training_steps": 0}},
            "hyperparameters.training_steps: 0 is out of range (allowed: >= 1)",
            id="zero-steps",
        ),
        pytest.param(
            {"hyperparameters": ClassifierTrainingParameters(training_steps=-5)},
            "hyperparameters.training_steps: -5 is out of range (allowed: >= 1)",
            id="instance-steps",
        ),
        pytest.param(
            {"hyperparameters": {"learning_rate": 2}},
            "hyperparameters.learning_rate: 2 is out of range (allowed: in [1e-08, 1.0])",
            id="learning-rate",
        ),
        pytest.param(
            {"hyperparameters": {"epochs": 0.0}},
            "hyperparameters.epochs: 0.0 is out of range (allowed: > 0)",
            id="epochs",
        ),
        pytest.param(
            {"hyperparameters": {"seq_len": 99}},
            "hyperparameters.seq_len: 99 is out of range (allowed: >= 100)",
            id="seq_len",
        ),
        pytest.param(
            {"trained_tokens": -1},
            "trained_tokens: -1 is out of range (allowed: >= 0)",
            id="trained_tokens",
        ),
        pytest.param(
            {"metadata": {"cost": -0.5}},
            "metadata.cost: -0.5 is out of range (allowed: >= 0.0)",
            id="cost",
        ),
        pytest.param(
            {"metadata": JobMetadataOut(train_tokens=-1)},
            "metadata.train_tokens: -1 is out of range (allowed: >= 0)",
            id="metadata-instance",
        ),
        pytest.param(
            {"checkpoints": [{**_CHECKPOINT, "metrics": {"valid_loss": -1.0}}]},
            "checkpoints[0].metrics.valid_loss: -1.0 is out of range (allowed: >= 0.0)",
            id="metric",
        ),
        pytest.param(
            {"checkpoints": [{**_CHECKPOINT, "step_number": 0}]},
            "checkpoints[0].step_number: 0 is out of range (allowed: >= 1)",
            id="step_number",
        ),
        pytest.param(
            {"classifier_targets": [{**_TARGET, "weight": -1.0}]},
            "classifier_targets[0].weight: -1.0 is out of range (allowed: >= 0.0)",
            id="target-weight",
        ),
    ],
)
def test_an_override_the_server_would_never_send_is_refused(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=r"\A") as caught:
        ClassifierDetailedJobOutFactory.build(status="SUCCESS", **overrides)
    assert str(caught.value) == f"{_BUILD}{message}, {_OUT_OF_RANGE}"


def test_the_escape_hatch_for_an_out_of_range_job_is_attrs_evolve() -> None:
    job = ClassifierDetailedJobOutFactory.build(status="SUCCESS")
    odd = attrs.evolve(
        job,
        trained_tokens=-1,
        hyperparameters=attrs.evolve(job.hyperparameters, training_steps=-5),
    )
    assert odd.trained_tokens == -1
    assert "trained_tokens -1 is below 0" in coherence_violations(odd)
    assert "hyperparameters.training_steps -5 is below 1" in coherence_violations(odd)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"hyperparameters": {"training_steps": 1}}, id="one-step"),
        pytest.param({"hyperparameters": {"learning_rate": 1}}, id="int-for-float"),
        pytest.param({"hyperparameters": {"learning_rate": 1e-8}}, id="lowest-learning-rate"),
        pytest.param({"hyperparameters": {"epochs": 1e-9}}, id="tiny-epochs"),
        pytest.param({"hyperparameters": {"weight_decay": None}}, id="none-where-optional"),
        pytest.param({"hyperparameters": {"seq_len": 100}}, id="shortest-seq_len"),
        pytest.param({"validation_files": None, "suffix": None}, id="nulls"),
        pytest.param({"created_at": 0}, id="epoch"),
    ],
)
def test_values_on_the_bounds_and_nulls_where_allowed_are_accepted(
    overrides: dict[str, Any],
) -> None:
    job = ClassifierDetailedJobOutFactory.build(status="SUCCESS", **overrides)
    for name, value in overrides.items():
        if isinstance(value, dict):
            assert attrs.asdict(getattr(job, name)).items() >= value.items()
        else:
            assert getattr(job, name) == value
    assert job.trained_tokens is not None
    assert job.trained_tokens > 0


def test_overrides_that_crashed_deep_inside_a_build_are_named_first() -> None:
    # Each of these used to fail inside the lifecycle (a str added to an int) or to build a job
    # that the SDK refuses to parse.
    for status in S:
        with pytest.raises(TypeError, match=r"created_at: expected an integer \(Unix seconds\)"):
            ClassifierDetailedJobOutFactory.build(status=status, created_at="yesterday")
        with pytest.raises(TypeError, match=r"hyperparameters\.training_steps: expected an int"):
            ClassifierDetailedJobOutFactory.build(
                status=status, hyperparameters={"training_steps": "ten"}
            )


def test_nested_dicts_make_models_at_every_depth() -> None:
    job = ClassifierDetailedJobOutFactory.build(
        status="SUCCESS",
        checkpoints=[_CHECKPOINT],
        classifier_targets=[_TARGET],
        events=[{**_EVENT, "data": {"status": S.QUEUED, "loss": 0.5, "tags": ["a", 1], "x": None}}],
    )
    assert job.checkpoints == [
        CheckpointOut(metrics=MetricOut(train_loss=0.5), step_number=1, created_at=1_700_000_000)
    ]
    assert job.classifier_targets == [ClassifierTargetOut(**_TARGET)]
    assert job.events == [
        EventOut(
            name="status-updated",
            created_at=1_700_000_000,
            data={"status": S.QUEUED, "loss": 0.5, "tags": ["a", 1], "x": None},
        )
    ]


def test_a_declared_value_of_the_wrong_type_is_refused_at_build() -> None:
    class BadModelFactory(ClassifierDetailedJobOutFactory):
        model = 123

    with pytest.raises(TypeError, match=r"\A") as caught:
        BadModelFactory.build()
    assert str(caught.value) == "BadModelFactory.build() model: expected a string, got int 123"


@pytest.mark.parametrize(
    ("factory", "overrides", "error", "message"),
    [
        pytest.param(
            ClassifierTrainingParametersFactory,
            {"training_steps": 0},
            ValueError,
            "training_steps: 0 is out of range (allowed: >= 1)",
            id="ClassifierTrainingParametersFactory",
        ),
        pytest.param(
            JobMetadataOutFactory,
            {"cost": "3.28"},
            TypeError,
            "cost: expected a number or None, got str '3.28'",
            id="JobMetadataOutFactory",
        ),
        pytest.param(
            MetricOutFactory,
            {"train_loss": -0.1},
            ValueError,
            "train_loss: -0.1 is out of range (allowed: >= 0.0)",
            id="MetricOutFactory",
        ),
        pytest.param(
            CheckpointOutFactory,
            {"metrics": {"train_loss": True}},
            TypeError,
            "metrics.train_loss: expected a number or None, got bool True",
            id="CheckpointOutFactory",
        ),
        pytest.param(
            ClassifierTargetOutFactory,
            {"weight": -1},
            ValueError,
            "weight: -1 is out of range (allowed: >= 0.0)",
            id="ClassifierTargetOutFactory",
        ),
        pytest.param(
            EventOutFactory,
            {"created_at": "now"},
            TypeError,
            f"created_at: expected an integer (Unix seconds), got str 'now'{_UNIX_SECONDS}",
            id="EventOutFactory",
        ),
        pytest.param(
            WandbIntegrationOutFactory,
            {"url": 1},
            TypeError,
            "url: expected a string or None, got int 1",
            id="WandbIntegrationOutFactory",
        ),
        pytest.param(
            JobInFactory,
            {"training_files": [{"file_id": 1}]},
            TypeError,
            "training_files[0].file_id: expected a string, got int 1",
            id="JobInFactory",
        ),
    ],
)
def test_the_nested_factories_check_their_overrides_too(
    factory: type[ClassifierTrainingParametersFactory],
    overrides: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=r"\A") as caught:
        factory.build(**overrides)
    shown = str(caught.value).removesuffix(f", {_OUT_OF_RANGE}")
    assert shown == f"{factory.__name__}.build() {message}"


def test_a_create_request_may_be_out_of_range_for_the_server_to_refuse() -> None:
    # A request is what the code under test sends and the server checks (a 422): the factory
    # builds one out of range when asked, types still checked.
    request = JobInFactory.build(
        hyperparameters={"training_steps": 0, "learning_rate": 2.0},
        invalid_sample_skip_percentage=0.9,
    )
    assert request.hyperparameters.training_steps == 0
    assert request.hyperparameters.learning_rate == 2.0
    assert request.invalid_sample_skip_percentage == 0.9


def test_a_factory_makes_its_faker_on_first_read_seeded_as_asked() -> None:
    # Making a Faker is most of what defining a factory class costs, and these factories draw
    # nothing from it: it is made when read, with the seed given before, or seeded then.
    def names(factory: type[ClassifierDetailedJobOutFactory]) -> list[str]:
        return [factory.__faker__.name() for _ in range(3)]

    expected = Faker()
    expected.seed_instance(11)
    wanted = [expected.name() for _ in range(3)]
    before: type[ClassifierDetailedJobOutFactory] = type(
        "Before", (ClassifierDetailedJobOutFactory,), {}
    )
    before.seed_random(11)  # before the Faker exists
    assert names(before) == wanted
    after: type[ClassifierDetailedJobOutFactory] = type(
        "After", (ClassifierDetailedJobOutFactory,), {}
    )
    assert after.__faker__ is not before.__faker__  # made now, its own
    after.seed_random(11)  # the Faker exists: seeded now
    assert names(after) == wanted
    assert before.__faker__ is before.__faker__
