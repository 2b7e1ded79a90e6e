"""The fake's clock (``pytest_classifierjobs.clock``): moments, freezing, advancing and scaling.

A following clock reads ``time.time()`` at every call, so these tests move it with time-machine,
freezegun or a monkeypatched ``time.time``; no assertion depends on how long a test really runs.
"""

import datetime
import math
import subprocess
import sys
import threading
import time
from typing import Any

import freezegun
import pytest
import time_machine

from pytest_classifierjobs.clock import Clock, to_seconds

#: 2025-04-16T14:45:06Z, when the cookbook's first classifier job was created.
RECORDED = 1744814706


# --- to_seconds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "seconds"),
    [
        pytest.param(RECORDED, float(RECORDED), id="int"),
        pytest.param(RECORDED + 0.25, RECORDED + 0.25, id="float"),
        pytest.param(
            datetime.datetime(2025, 4, 16, 14, 45, 6, tzinfo=datetime.timezone.utc),
            float(RECORDED),
            id="aware datetime",
        ),
        pytest.param(
            datetime.datetime(
                2025, 4, 16, 16, 45, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            float(RECORDED),
            id="aware datetime in another zone",
        ),
        # A naive datetime is taken as UTC, whatever the machine's local zone.
        pytest.param(
            datetime.datetime(2025, 4, 16, 14, 45, 6), float(RECORDED), id="naive datetime"
        ),
        pytest.param("2025-04-16T14:45:06Z", float(RECORDED), id="ISO with Z"),
        pytest.param("2025-04-16T16:45:06+02:00", float(RECORDED), id="ISO with an offset"),
        pytest.param("  2025-04-16T14:45:06Z\n", float(RECORDED), id="ISO with blanks around"),
        pytest.param("2025-04-16T14:45:06", float(RECORDED), id="naive ISO as UTC"),
    ],
)
def test_to_seconds_reads_every_kind_of_moment_as_unix_seconds(moment: Any, seconds: float) -> None:
    result = to_seconds(moment)
    assert result == seconds
    assert type(result) is float


@pytest.mark.parametrize(
    ("moment", "error", "named"),
    [
        # A bool is an int to Python, but True is no moment a user means.
        pytest.param(True, TypeError, "True", id="bool"),
        pytest.param(math.nan, ValueError, "nan", id="NaN"),
        pytest.param(math.inf, ValueError, "inf", id="inf"),
        pytest.param(-math.inf, ValueError, "-inf", id="-inf"),
        # An int too big for a float is as infinite as inf, not an OverflowError.
        pytest.param(10**400, ValueError, "1000000", id="int beyond any float"),
        pytest.param(None, TypeError, "None", id="None"),
        pytest.param("next tuesday", ValueError, "'next tuesday'", id="junk text"),
        pytest.param(
            datetime.date(2025, 4, 16), TypeError, "datetime.date(2025, 4, 16)", id="date"
        ),
    ],
)
def test_to_seconds_refuses_what_is_no_moment_and_names_it(
    moment: Any, error: type[Exception], named: str
) -> None:
    with pytest.raises(error) as raised:
        to_seconds(moment)
    assert named in str(raised.value)


# --- a frozen clock and advance() -------------------------------------------------------------


def test_a_clock_frozen_at_a_moment_stands_still_while_the_wall_clock_moves() -> None:
    with time_machine.travel(RECORDED - 86_400, tick=False) as traveller:
        clock = Clock(frozen_at="2025-04-16T14:45:06Z")
        assert clock.frozen
        assert (clock.now(), clock.time()) == (RECORDED, float(RECORDED))
        traveller.shift(3600)
        assert (clock.now(), clock.time()) == (RECORDED, float(RECORDED))


def test_now_gives_whole_seconds_rounded_down() -> None:
    clock = Clock(frozen_at=RECORDED + 0.99)
    assert clock.now() == RECORDED
    assert type(clock.now()) is int


def test_advance_adds_fractions_of_a_second_exactly() -> None:
    clock = Clock(frozen_at=RECORDED)
    clock.advance(0.5)
    assert clock.now() == RECORDED  # half a second is not a whole second yet
    clock.advance(0.5)
    assert clock.now() == RECORDED + 1
    assert clock.time() == RECORDED + 1.0
    clock.advance(0)  # a no-op, but a legal one
    assert clock.time() == RECORDED + 1.0


def test_advance_adds_to_a_following_clock_too() -> None:
    with time_machine.travel(RECORDED, tick=False):
        clock = Clock()
        clock.advance(90)
        assert clock.now() == RECORDED + 90
        assert not clock.frozen


@pytest.mark.parametrize(
    ("seconds", "error", "named"),
    [
        pytest.param(-1, ValueError, "-1", id="negative"),
        pytest.param(-0.001, ValueError, "-0.001", id="slightly negative"),
        pytest.param(math.nan, ValueError, "nan", id="NaN"),
        pytest.param(math.inf, ValueError, "inf", id="inf"),
        # An int too big for a float is as infinite as inf, not an OverflowError.
        pytest.param(10**400, ValueError, "1000000", id="int beyond any float"),
        pytest.param(True, TypeError, "True", id="bool"),
        pytest.param("10", TypeError, "'10'", id="str"),
        pytest.param(None, TypeError, "None", id="None"),
    ],
)
def test_advance_refuses_what_would_not_move_the_clock_forward(
    seconds: Any, error: type[Exception], named: str
) -> None:
    clock = Clock(frozen_at=RECORDED)
    with pytest.raises(error) as raised:
        clock.advance(seconds)
    assert named in str(raised.value)
    assert clock.time() == RECORDED  # a refused advance moves nothing


# --- freeze() and unfreeze() ------------------------------------------------------------------


def test_freeze_stops_a_following_clock_at_the_present() -> None:
    with time_machine.travel(RECORDED, tick=False) as traveller:
        clock = Clock()
        clock.advance(5)  # what was advanced is part of the present it freezes at
        traveller.shift(10)
        clock.freeze()
        assert clock.frozen
        assert clock.time() == RECORDED + 15
        traveller.shift(100)
        assert clock.time() == RECORDED + 15


def test_freeze_at_a_moment_stops_the_clock_there_and_drops_what_was_advanced() -> None:
    clock = Clock(frozen_at=RECORDED)
    clock.advance(1000)
    clock.freeze(at=datetime.datetime(2025, 1, 1))
    assert clock.time() == to_seconds("2025-01-01T00:00:00Z")
    assert clock.frozen


def test_freeze_at_a_bad_moment_raises_and_leaves_the_clock_as_it_was() -> None:
    clock = Clock(frozen_at=RECORDED)
    clock.advance(3)
    with pytest.raises(ValueError, match="'soon'"):
        clock.freeze(at="soon")
    assert clock.time() == RECORDED + 3


def test_unfreeze_continues_from_where_the_clock_stood() -> None:
    with time_machine.travel(RECORDED - 86_400, tick=False) as traveller:
        clock = Clock(frozen_at=RECORDED)
        clock.unfreeze()
        assert not clock.frozen
        assert clock.time() == RECORDED  # no jump to the wall clock
        traveller.shift(7)
        assert clock.time() == RECORDED + 7  # and it runs with the wall clock from there


def test_unfreeze_with_a_monkeypatched_time_follows_the_patched_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wall = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: wall[0])
    clock = Clock()
    clock.freeze()
    wall[0] += 50  # the wall clock moves while the clock is frozen
    assert clock.time() == 1_000_000.0
    clock.unfreeze()
    assert clock.time() == 1_000_000.0
    wall[0] += 2.5
    assert clock.time() == 1_000_002.5


def test_unfreeze_keeps_what_was_advanced_while_frozen() -> None:
    # Clock.unfreeze's docstring: "what advance added so far is kept". The offset it computes
    # from the frozen moment alone forgets the advance made after freezing.
    with time_machine.travel(RECORDED - 86_400, tick=False):
        clock = Clock(frozen_at=RECORDED)
        clock.advance(10)
        assert clock.time() == RECORDED + 10
        clock.unfreeze()
        assert clock.time() == RECORDED + 10


def test_unfreeze_of_a_following_clock_changes_nothing() -> None:
    with time_machine.travel(RECORDED, tick=False):
        clock = Clock()
        clock.advance(30)
        clock.unfreeze()
        assert not clock.frozen
        assert clock.time() == RECORDED + 30


# --- following the wall clock -----------------------------------------------------------------


def test_a_following_clock_follows_time_machine() -> None:
    with time_machine.travel(RECORDED, tick=False) as traveller:
        clock = Clock()
        assert clock.now() == RECORDED
        traveller.shift(224)
        assert clock.now() == RECORDED + 224
        traveller.move_to("2026-01-01T00:00:00Z")
        assert clock.time() == to_seconds("2026-01-01T00:00:00Z")


def test_a_following_clock_follows_freezegun_tick_and_move_to() -> None:
    with freezegun.freeze_time("2025-04-16T14:45:06Z") as frozen:
        clock = Clock()
        assert clock.now() == RECORDED
        frozen.tick(4)
        assert clock.now() == RECORDED + 4
        frozen.tick(datetime.timedelta(minutes=1))
        assert clock.now() == RECORDED + 64
        frozen.move_to("2025-04-16T15:00:00Z")
        assert clock.now() == to_seconds("2025-04-16T15:00:00Z")


def test_a_clock_made_under_freezegun_follows_the_real_wall_clock_afterwards() -> None:
    with freezegun.freeze_time("2001-01-01"):
        clock = Clock()
        assert clock.now() == to_seconds("2001-01-01T00:00:00Z")
    # Back in the present: no assertion on how much time passed, only on which era it is.
    assert clock.now() > to_seconds("2020-01-01T00:00:00Z")


# --- scale ------------------------------------------------------------------------------------


def test_a_scaled_clock_runs_that_many_times_faster_than_the_wall_clock() -> None:
    with time_machine.travel(RECORDED, tick=False) as traveller:
        clock = Clock(scale=60)
        assert clock.scale == 60.0
        assert clock.time() == RECORDED  # it starts at the wall clock's present
        traveller.shift(10)
        assert clock.time() == RECORDED + 600
        clock.advance(5)  # advance() is not scaled
        assert clock.time() == RECORDED + 605


def test_a_scaled_clock_unfrozen_runs_scaled_from_where_it_stood() -> None:
    with time_machine.travel(RECORDED, tick=False) as traveller:
        clock = Clock(frozen_at=0, scale=2)
        traveller.shift(100)
        assert clock.time() == 0  # frozen: the scale does not apply
        clock.unfreeze()
        assert clock.time() == 0
        traveller.shift(3)
        assert clock.time() == 6


@pytest.mark.parametrize(
    ("scale", "error"),
    [
        pytest.param(0, ValueError, id="zero"),
        pytest.param(-1.5, ValueError, id="negative"),
        pytest.param(math.inf, ValueError, id="inf"),
        pytest.param(math.nan, ValueError, id="NaN"),
        pytest.param(True, TypeError, id="bool"),
        pytest.param("60", TypeError, id="str"),
    ],
)
def test_scale_must_be_a_finite_number_above_zero(scale: Any, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        Clock(scale=scale)
    assert repr(scale) in str(raised.value)


def test_a_bad_frozen_at_is_refused_when_the_clock_is_made() -> None:
    with pytest.raises(TypeError, match="True"):
        Clock(frozen_at=True)


# --- frozen and repr --------------------------------------------------------------------------


def test_frozen_tells_whether_the_clock_stands_still() -> None:
    clock = Clock()
    states = [clock.frozen]
    clock.freeze()
    states.append(clock.frozen)
    clock.unfreeze()
    states.append(clock.frozen)
    assert states == [False, True, False]


@pytest.mark.parametrize(
    ("clock_args", "expected"),
    [
        pytest.param({"frozen_at": RECORDED}, f"<Clock {RECORDED} (frozen)>", id="frozen"),
        pytest.param({}, f"<Clock {RECORDED} (following the wall clock)>", id="following"),
        pytest.param(
            {"scale": 60}, f"<Clock {RECORDED} (following the wall clock x60)>", id="scaled"
        ),
        pytest.param(
            {"frozen_at": RECORDED, "scale": 0.5}, f"<Clock {RECORDED} (frozen x0.5)>", id="both"
        ),
    ],
)
def test_repr_shows_the_moment_the_state_and_any_scale(
    clock_args: dict[str, Any], expected: str
) -> None:
    with time_machine.travel(RECORDED, tick=False):
        assert repr(Clock(**clock_args)) == expected


# --- threads ----------------------------------------------------------------------------------


def test_advances_from_many_threads_at_once_all_count() -> None:
    clock = Clock(frozen_at=0)
    # A barrier starts the threads together, so their advances really interleave.
    barrier = threading.Barrier(8)

    def advance_a_thousand_times() -> None:
        barrier.wait()
        for _ in range(1000):
            clock.advance(1)

    threads = [threading.Thread(target=advance_a_thousand_times) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.time() == 8000


def test_freezegun_starts_while_the_lazy_modules_are_not_loaded() -> None:
    # freezegun's start reads every name that dir() lists in every loaded module. Listing the
    # package's lazy names made it import the fake (and pydantic's schemas) under its fake
    # datetime, which pydantic refuses: the start failed half-way and left time frozen. A new
    # interpreter, so that the lazy modules are really not loaded yet. (Importing the fake for
    # the first time inside freeze_time still fails in pydantic, whose own check of datetime
    # then sees freezegun's class: the fixture imports it at setup, before a test freezes.)
    code = (
        "import sys, freezegun\n"
        "from pytest_classifierjobs import ClassifierDetailedJobOutFactory\n"
        "with freezegun.freeze_time('2025-04-16T14:45:06Z'):\n"
        "    pass\n"
        "print('pytest_classifierjobs.mock' in sys.modules)\n"
        "from pytest_classifierjobs import ClassifierJobsMock\n"
        "with freezegun.freeze_time('2025-04-16T14:45:06Z'):\n"
        "    with ClassifierJobsMock(seed=1) as fake:\n"
        "        print(fake.clock.now())\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", str(RECORDED)]


def test_a_scale_too_large_for_a_float_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="scale must be a finite number above 0"):
        Clock(scale=10**400)
