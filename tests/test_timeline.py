"""How long a job dwells in each phase under time progression (``pytest_classifierjobs.timeline``).

Covers the default ranges of :class:`Timings`, the checks on a phase's range, ``Timings.of`` and
each branch of :func:`dwell`.
"""

import math
from random import Random
from typing import Any

import attrs
import pytest

from pytest_classifierjobs import (
    ClassifierDetailedJobOut,
    ClassifierDetailedJobOutFactory,
    ClassifierJobOutStatus,
)
from pytest_classifierjobs.models import JobMetadataOut
from pytest_classifierjobs.timeline import TIMING_PHASES, Timings, dwell

S = ClassifierJobOutStatus

#: The estimate the cookbook's intent job was given (it trained in 224 s).
ESTIMATE = 400


def _job(
    status: ClassifierJobOutStatus, estimate: int | None = ESTIMATE
) -> ClassifierDetailedJobOut:
    # The estimate is set by hand, so the drawn job needs no seed.
    job = ClassifierDetailedJobOutFactory.build(status=status)
    metadata = job.metadata if job.metadata is not None else JobMetadataOut()
    return attrs.evolve(job, metadata=attrs.evolve(metadata, expected_duration_seconds=estimate))


# Every phase made exact, each to its own value: a dwell then tells which phase it was read from.
EXACT = Timings(queued=1, validating=2, auto_start=3, queue=4, training=5, failing=6, cancelling=7)


# --- defaults and ranges ----------------------------------------------------------------------


def test_the_defaults_are_the_ranges_drawn_from_the_recorded_jobs() -> None:
    assert attrs.asdict(Timings()) == {
        "queued": (0.0, 3.0),
        "validating": (0.0, 3.0),
        "auto_start": (0.0, 5.0),
        "queue": (3.0, 240.0),
        "training": (0.5, 1.1),
        "failing": (0.1, 0.9),
        "cancelling": (1.0, 30.0),
    }


def test_the_phases_are_listed_in_the_order_a_job_passes_them() -> None:
    assert TIMING_PHASES == (
        "queued",
        "validating",
        "auto_start",
        "queue",
        "training",
        "failing",
        "cancelling",
    )


def test_a_single_number_means_exactly_that_long() -> None:
    timings = Timings(queue=0, training=1.5)
    assert timings.queue == (0.0, 0.0)
    assert timings.training == (1.5, 1.5)


def test_a_range_may_be_a_list_and_is_kept_as_a_pair_of_floats() -> None:
    timings = Timings(cancelling=[2, 8])
    assert timings.cancelling == (2.0, 8.0)
    assert all(type(bound) is float for bound in timings.cancelling)


def test_timings_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Timings().queue = (0, 1)  # type: ignore[misc]


BAD_RANGES = [
    pytest.param((5, 1), ValueError, "(5, 1)", id="low above high"),
    pytest.param((-1, 3), ValueError, "(-1, 3)", id="negative low"),
    pytest.param(-2, ValueError, "(-2, -2)", id="negative number"),
    pytest.param((0, math.nan), ValueError, "nan", id="NaN"),
    pytest.param((0, math.inf), ValueError, "inf", id="inf"),
    pytest.param((1, 2, 3), TypeError, "(1, 2, 3)", id="3-tuple"),
    pytest.param("1-3", TypeError, "'1-3'", id="str"),
    pytest.param(True, TypeError, "True", id="bool"),
    pytest.param((0, False), TypeError, "(0, False)", id="bool bound"),
    pytest.param(None, TypeError, "None", id="None"),
]


@pytest.mark.parametrize(("value", "error", "named"), BAD_RANGES)
def test_a_bad_range_is_refused_naming_it(value: Any, error: type[Exception], named: str) -> None:
    with pytest.raises(error) as raised:
        Timings(queue=value)
    assert named in str(raised.value)


@pytest.mark.parametrize(("value", "error", "named"), BAD_RANGES)
def test_a_bad_range_given_through_of_names_its_phase(
    value: Any, error: type[Exception], named: str
) -> None:
    with pytest.raises(error) as raised:
        Timings.of({"auto_start": (0, 1), "queue": value})
    message = str(raised.value)
    assert message.startswith("timings['queue']: ")
    assert named in message


# --- Timings.of -------------------------------------------------------------------------------


def test_of_none_gives_the_defaults() -> None:
    assert Timings.of(None) == Timings()


def test_of_timings_gives_them_back_as_they_are() -> None:
    timings = Timings(queue=10)
    assert Timings.of(timings) is timings


def test_of_a_dict_replaces_only_its_phases() -> None:
    timings = Timings.of({"queue": (10, 60), "training": 1})
    assert timings == attrs.evolve(Timings(), queue=(10.0, 60.0), training=(1.0, 1.0))


def test_of_an_empty_dict_gives_the_defaults() -> None:
    assert Timings.of({}) == Timings()


def test_of_a_dict_with_an_unknown_phase_names_it_and_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="timings has no phase 'training_time'") as raised:
        Timings.of({"queue": 1, "training_time": 5})
    assert str(raised.value).endswith(
        "phases: queued, validating, auto_start, queue, training, failing, cancelling"
    )


def test_a_misspelt_phase_gets_the_closest_one() -> None:
    with pytest.raises(ValueError, match=r"^timings has no phase 'queu'") as raised:
        Timings.of({"queu": 60})
    assert str(raised.value) == (
        "timings has no phase 'queu' (did you mean 'queue'?); phases: queued, validating, "
        "auto_start, queue, training, failing, cancelling"
    )


@pytest.mark.parametrize(
    "value",
    [
        pytest.param([("queue", 1)], id="list of pairs"),
        pytest.param(5, id="number"),
        pytest.param("queue=5", id="str"),
    ],
)
def test_of_anything_but_a_mapping_is_refused(value: Any) -> None:
    with pytest.raises(TypeError, match="timings must be a Timings or a dict") as raised:
        Timings.of(value)
    assert repr(value) in str(raised.value)


# --- dwell ------------------------------------------------------------------------------------


def test_dwell_from_created_to_validating_uses_queued() -> None:
    assert dwell(EXACT, Random(0), _job(S.QUEUED), S.QUEUED, S.VALIDATING) == 1


@pytest.mark.parametrize("next_status", [S.VALIDATED, S.FAILED_VALIDATION])
def test_dwell_in_validating_uses_validating(next_status: ClassifierJobOutStatus) -> None:
    assert dwell(EXACT, Random(0), _job(S.VALIDATING), S.VALIDATING, next_status) == 2


def test_dwell_from_validated_to_the_auto_start_re_queue_uses_auto_start() -> None:
    assert dwell(EXACT, Random(0), _job(S.VALIDATED), S.VALIDATED, S.QUEUED) == 3


def test_dwell_in_the_training_queue_uses_queue() -> None:
    assert dwell(EXACT, Random(0), _job(S.QUEUED), S.QUEUED, S.RUNNING) == 4


def test_dwell_from_running_to_success_is_training_times_the_estimate() -> None:
    assert dwell(EXACT, Random(0), _job(S.RUNNING), S.RUNNING, S.SUCCESS) == 5 * ESTIMATE


def test_dwell_from_running_to_failed_is_failing_times_the_estimate() -> None:
    assert dwell(EXACT, Random(0), _job(S.RUNNING), S.RUNNING, S.FAILED) == 6 * ESTIMATE


@pytest.mark.parametrize("next_status", [S.SUCCESS, S.FAILED])
@pytest.mark.parametrize(
    "metadata",
    [
        pytest.param(None, id="no metadata"),
        pytest.param(JobMetadataOut(expected_duration_seconds=None), id="no estimate"),
        pytest.param(JobMetadataOut(expected_duration_seconds=0), id="estimate of 0"),
    ],
)
def test_dwell_in_training_without_an_estimate_is_zero(
    metadata: JobMetadataOut | None, next_status: ClassifierJobOutStatus
) -> None:
    job = attrs.evolve(_job(S.RUNNING), metadata=metadata)
    assert dwell(EXACT, Random(0), job, S.RUNNING, next_status) == 0


def test_dwell_from_a_requested_cancellation_to_cancelled_uses_cancelling() -> None:
    job = _job(S.CANCELLATION_REQUESTED)
    assert dwell(EXACT, Random(0), job, S.CANCELLATION_REQUESTED, S.CANCELLED) == 7


def test_dwell_of_a_step_the_timings_do_not_name_falls_back_to_cancelling() -> None:
    job = _job(S.SUCCESS)
    assert dwell(EXACT, Random(0), job, S.SUCCESS, S.CANCELLATION_REQUESTED) == 7


def test_dwell_from_running_to_a_cancellation_is_failing_times_the_estimate() -> None:
    # A cancellation cuts training short, as a failure does.
    job = _job(S.RUNNING)
    assert dwell(EXACT, Random(0), job, S.RUNNING, S.CANCELLATION_REQUESTED) == 6 * ESTIMATE


@pytest.mark.parametrize(
    ("next_status", "share"),
    [(S.SUCCESS, 5), (S.FAILED, 6), (S.CANCELLATION_REQUESTED, 6)],
    ids=["success", "failed", "cancellation"],
)
def test_dwell_in_started_is_timed_by_the_estimate_as_in_running(
    next_status: ClassifierJobOutStatus, share: int
) -> None:
    job = _job(S.STARTED)
    assert dwell(EXACT, Random(0), job, S.STARTED, next_status) == share * ESTIMATE


STEPS = [
    pytest.param(S.QUEUED, S.VALIDATING, (0, 3), id="queued"),
    pytest.param(S.VALIDATING, S.VALIDATED, (0, 3), id="validating"),
    pytest.param(S.VALIDATED, S.QUEUED, (0, 5), id="auto_start"),
    pytest.param(S.QUEUED, S.RUNNING, (3, 240), id="queue"),
    pytest.param(S.RUNNING, S.SUCCESS, (0.5 * ESTIMATE, 1.1 * ESTIMATE), id="training"),
    pytest.param(S.RUNNING, S.FAILED, (0.1 * ESTIMATE, 0.9 * ESTIMATE), id="failing"),
    pytest.param(
        S.RUNNING, S.CANCELLATION_REQUESTED, (0.1 * ESTIMATE, 0.9 * ESTIMATE), id="cut short"
    ),
    pytest.param(S.CANCELLATION_REQUESTED, S.CANCELLED, (1, 30), id="cancelling"),
]


@pytest.mark.parametrize(("status", "next_status", "bounds"), STEPS)
def test_each_default_dwell_lies_in_its_range_over_many_seeds(
    status: ClassifierJobOutStatus,
    next_status: ClassifierJobOutStatus,
    bounds: tuple[float, float],
) -> None:
    job = _job(status)
    low, high = bounds
    dwells = [dwell(Timings(), Random(seed), job, status, next_status) for seed in range(200)]
    assert all(low <= seconds <= high for seconds in dwells)
    # Drawn, not constant: 200 seeds spread over the range.
    assert len(set(dwells)) > 100
    assert min(dwells) < low + (high - low) / 4
    assert max(dwells) > high - (high - low) / 4


def test_a_dwell_is_reproducible_from_the_seed() -> None:
    job = _job(S.QUEUED)
    first = [dwell(Timings(), Random(11), job, S.QUEUED, S.RUNNING) for _ in range(3)]
    assert first == [first[0]] * 3
    assert dwell(Timings(), Random(12), job, S.QUEUED, S.RUNNING) != first[0]


def test_a_range_too_large_for_a_float_is_a_value_error_naming_the_phase() -> None:
    with pytest.raises(ValueError, match=r"^timings\['queue'\]: expected 0 <= low <= high"):
        Timings.of({"queue": (0, 10**400)})
