import attrs
import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierJobOut,
    ClassifierJobOutStatus,
    ClassifierTrainingParameters,
    JobsOut,
    WandbIntegrationOut,
)


def test_status_is_a_str_enum_whose_str_is_the_bare_value() -> None:
    assert ClassifierJobOutStatus.SUCCESS == "SUCCESS"
    assert str(ClassifierJobOutStatus.CANCELLATION_REQUESTED) == "CANCELLATION_REQUESTED"
    assert [s.value for s in ClassifierJobOutStatus] == [
        "QUEUED",
        "STARTED",
        "VALIDATING",
        "VALIDATED",
        "RUNNING",
        "FAILED_VALIDATION",
        "FAILED",
        "SUCCESS",
        "CANCELLED",
        "CANCELLATION_REQUESTED",
    ]


def _detailed() -> ClassifierDetailedJobOut:
    return ClassifierDetailedJobOut(
        id="db22ea7e-1895-4309-92d9-9ac881b1b117",
        auto_start=False,
        model="ministral-3b-latest",
        status=ClassifierJobOutStatus.QUEUED,
        created_at=1744814706,
        modified_at=1744814706,
        training_files=["c36d490e-d2f8-4f98-9679-1c55625e09d5"],
        hyperparameters=ClassifierTrainingParameters(training_steps=100, seq_len=16384),
        classifier_targets=[],
        suffix="s",
    )


def test_detailed_job_is_a_job_and_summarises_to_the_short_form() -> None:
    detailed = _detailed()
    short = detailed.summary()
    assert isinstance(detailed, ClassifierJobOut)
    assert type(short) is ClassifierJobOut
    assert attrs.asdict(short) == {
        name: value
        for name, value in attrs.asdict(detailed).items()
        if name not in {"classifier_targets", "events", "checkpoints"}
    }
    assert short.summary() is short


def test_constants_hold_the_contracts_value_and_cannot_be_set() -> None:
    detailed = _detailed()
    assert (detailed.object, detailed.job_type) == ("job", "classifier")
    assert JobsOut(total=0).object == "list"
    assert WandbIntegrationOut(project="p").type == "wandb"
    with pytest.raises(TypeError, match="unexpected keyword argument 'object'"):
        ClassifierTrainingParameters(object="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'job_type'"):
        attrs.evolve(detailed, job_type="completion")  # type: ignore[call-arg]


def test_models_are_frozen_keyword_only_and_slotted() -> None:
    detailed = _detailed()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        detailed.status = ClassifierJobOutStatus.RUNNING  # type: ignore[misc]
    with pytest.raises(TypeError):
        ClassifierTrainingParameters(10)  # type: ignore[call-arg]
    assert not hasattr(detailed, "__dict__")
    assert attrs.evolve(detailed, status=ClassifierJobOutStatus.VALIDATING).status == "VALIDATING"


def test_status_accepts_its_string_and_refuses_an_unknown_one() -> None:
    job = attrs.evolve(_detailed(), status="RUNNING")
    assert job.status is ClassifierJobOutStatus.RUNNING
    with pytest.raises(ValueError, match=r"^unknown job status 'DONE'; expected one of 'QUEUED', "):
        attrs.evolve(_detailed(), status="DONE")
