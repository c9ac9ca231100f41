"""TimeTrigger with a controlled clock (the trainer's elapsed_time), no sleeping."""
import io
import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.serializers import DictionarySerializer, load_npz, save_npz
from kusari.training.triggers.time_trigger import TimeTrigger


def expected(period, times):
    """Fire when the time is past the next deadline; deadlines are period, 2*period, ..."""
    deadline, fired = period, []
    for t in times:
        fired.append(t > deadline)
        if t > deadline:
            deadline += period
    return fired


def run(trigger, times):
    return [trigger(SimpleNamespace(elapsed_time=t)) for t in times]


# Whole and half seconds keep the deadline arithmetic exact.
clock_steps = st.lists(st.integers(0, 40).map(lambda k: k / 2), max_size=40)
periods = st.integers(1, 20).map(lambda k: k / 2)


def cumulative(steps):
    total, times = 0.0, []
    for step in steps:
        total += step
        times.append(total)
    return times


@settings(max_examples=60, deadline=None)
@given(period=periods, steps=clock_steps)
def test_fires_once_per_call_past_each_deadline(period, steps):
    times = cumulative(steps)
    assert run(TimeTrigger(period), times) == expected(period, times)


@settings(max_examples=40, deadline=None)
@given(period=periods, steps=clock_steps, split=st.integers(0, 40))
def test_state_saved_and_loaded_continues_identically(period, steps, split):
    times = cumulative(steps)
    split = min(split, len(times))
    trigger = TimeTrigger(period)
    run(trigger, times[:split])
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    resumed = TimeTrigger(period)
    load_npz(buf, resumed)
    assert run(resumed, times[split:]) == run(trigger, times[split:])


def test_a_long_pause_fires_once_per_call_not_once_per_missed_deadline():
    trigger = TimeTrigger(10)
    assert run(trigger, [35, 36, 37, 38, 39]) == [True, True, True, False, False]


def test_serialize_uses_chainers_key_name():
    trigger = TimeTrigger(3)
    run(trigger, [4])
    s = DictionarySerializer()
    trigger.serialize(s)
    assert list(s.target) == ["next_time"]
    assert float(s.target["next_time"]) == 6.0


@pytest.mark.parametrize("period", [0, -1.5, "10", True])
def test_bad_period_is_refused(period):
    with pytest.raises(ValueError, match=r"TimeTrigger: argument 'period' expected a positive "
                                         r"number of seconds, got " + re.escape(repr(period))):
        TimeTrigger(period)


def test_real_trainer_with_a_patched_clock(trigger_runs, tmp_path, monkeypatch):
    import kusari.training.trainer as trainer_module

    clock = {"now": 100.0}
    monkeypatch.setattr(trainer_module.time, "perf_counter", lambda: clock["now"])
    trainer = trigger_runs.real_trainer(8, 2, (8, "iteration"), tmp_path)
    steps = [1.5, 4.0, 0.5, 0.5, 7.0, 0.5, 3.0, 0.5]  # seconds each iteration takes

    def tick(t):
        clock["now"] += steps[t.updater.iteration - 1]

    from kusari.training.extension import PRIORITY_WRITER

    trainer.extend(tick, name="tick", trigger=(1, "iteration"), priority=PRIORITY_WRITER)
    fired = trigger_runs.record_iterations(trainer, TimeTrigger(5))
    trainer.run()
    times = cumulative(steps)  # elapsed 1.5, 5.5, 6, 6.5, 13.5, 14, 17, 17.5
    assert fired == [i for i, hit in enumerate(expected(5, times), start=1) if hit] == [2, 5, 7]
