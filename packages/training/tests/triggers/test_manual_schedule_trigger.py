"""ManualScheduleTrigger: fires on the iteration that reaches each point, as Chainer's.

Expected firings come from exact fractions: with ``n`` examples read ``b``
at a time, iteration ``i`` covers epochs ``((i-1)*b/n, i*b/n]``.  Points are
multiples of 1/4 so the float arithmetic the trigger sees is exact there.
"""
import io
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.serializers import DictionarySerializer, NpzDeserializer, load_npz, save_npz
from kusari.training.triggers.manual_schedule_trigger import ManualScheduleTrigger


def expected(points, unit, n, batch_size, iterations):
    fired = []
    for i in range(1, iterations + 1):
        if unit == "iteration":
            before, now = i - 1, i
        else:
            before, now = Fraction((i - 1) * batch_size, n), Fraction(i * batch_size, n)
        if any(before < Fraction(p) <= now for p in points):
            fired.append(i)
    return fired


epoch_points = st.lists(st.sampled_from([0.25, 0.5, 0.75, 1, 1.25, 2, 2.5, 3, 5]), min_size=1,
                        max_size=4)
iteration_points = st.lists(st.integers(1, 60), min_size=1, max_size=4)
sizes = st.integers(1, 40)
batch_sizes = st.integers(1, 13)


@settings(max_examples=60, deadline=None)
@given(points=iteration_points, n=sizes, batch_size=batch_sizes, iterations=st.integers(0, 70))
def test_iteration_points_fire_once_each(trigger_runs, points, n, batch_size, iterations):
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = ManualScheduleTrigger(points, "iteration")
    assert trigger_runs.firing_iterations(trigger, trainer, iterations) == expected(
        points, "iteration", n, batch_size, iterations)
    assert trigger.finished == (iterations >= max(points))


@settings(max_examples=80, deadline=None)
@given(points=epoch_points, n=sizes, batch_size=batch_sizes, iterations=st.integers(0, 70))
def test_epoch_points_fire_on_first_iteration_reaching_them(trigger_runs, points, n, batch_size, iterations):
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = ManualScheduleTrigger(points, "epoch")
    assert trigger_runs.firing_iterations(trigger, trainer, iterations) == expected(
        points, "epoch", n, batch_size, iterations)
    assert trigger.finished == (Fraction(iterations * batch_size, n) >= Fraction(max(points)))


@settings(max_examples=60, deadline=None)
@given(points=epoch_points, unit=st.sampled_from(["epoch", "iteration"]), n=sizes,
       batch_size=batch_sizes, before=st.integers(0, 40), after=st.integers(1, 40))
def test_state_saved_mid_training_resumes_identically(trigger_runs, points, unit, n, batch_size, before, after):
    if unit == "iteration":
        points = [max(1, int(4 * p)) for p in points]
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = ManualScheduleTrigger(points, unit)
    trigger_runs.firing_iterations(trigger, trainer, before)
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    resumed = ManualScheduleTrigger(points, unit)
    load_npz(buf, resumed)
    assert resumed.finished == trigger.finished

    twin = trigger_runs.fake_trainer(n, batch_size)
    twin.updater.iteration = trainer.updater.iteration
    assert trigger_runs.firing_iterations(resumed, twin, after) == trigger_runs.firing_iterations(trigger, trainer, after)
    assert resumed.finished == trigger.finished


def test_serialize_uses_chainers_key_names(trigger_runs):
    trainer = trigger_runs.fake_trainer(10, 4)
    trigger = ManualScheduleTrigger(1, "epoch")
    trigger_runs.firing_iterations(trigger, trainer, 3)
    s = DictionarySerializer()
    trigger.serialize(s)
    assert sorted(s.target) == ["finished", "previous_epoch_detail", "previous_iteration"]
    assert int(s.target["previous_iteration"]) == 3
    assert float(s.target["previous_epoch_detail"]) == pytest.approx(1.2)
    assert bool(s.target["finished"]) is True


def test_snapshot_without_state_warns_and_guesses_from_the_updater(trigger_runs):
    trainer = trigger_runs.fake_trainer(10, 4)  # epochs 0.4, 0.8, 1.2, 1.6, 2.0
    trainer.updater.iteration = 2
    trigger = ManualScheduleTrigger([1, 2], "epoch")
    with pytest.warns(UserWarning) as record:
        trigger.serialize(NpzDeserializer({}))
    messages = " | ".join(str(w.message) for w in record)
    for key in ("previous_iteration", "previous_epoch_detail", "finished"):
        assert f"ManualScheduleTrigger.serialize: '{key}' was not saved" in messages
    assert trigger_runs.firing_iterations(trigger, trainer, 3) == [3, 5]
    assert trigger.finished


def test_finished_is_recomputed_after_loading_a_snapshot_without_it(trigger_runs):
    trainer = trigger_runs.fake_trainer(10, 5)
    trainer.updater.iteration = 6  # epoch 3.0, past the only point
    trigger = ManualScheduleTrigger(2, "epoch")
    with pytest.warns(UserWarning) as record:
        trigger.serialize(NpzDeserializer({}))
    assert len(record) == 3
    assert not trigger.finished
    trainer.step()
    assert trigger(trainer) is False
    assert trigger.finished


def test_scalar_point_and_tuple_are_accepted():
    assert ManualScheduleTrigger(3, "iteration").points == [3]
    assert ManualScheduleTrigger((1, 2), "epoch").points == [1, 2]


def test_bad_unit_is_refused():
    with pytest.raises(ValueError, match=r"ManualScheduleTrigger: argument 'unit' expected "
                                         r"'epoch' or 'iteration', got 'iter'"):
        ManualScheduleTrigger([1], "iter")


def test_empty_points_are_refused():
    with pytest.raises(ValueError, match=r"ManualScheduleTrigger: argument 'points' expected at "
                                         r"least one point, got an empty list"):
        ManualScheduleTrigger([], "epoch")


def test_non_numeric_point_is_refused():
    with pytest.raises(ValueError, match=r"ManualScheduleTrigger: argument 'points' expected "
                                         r"numbers \(int or float\), got '3' in \[1, '3'\]"):
        ManualScheduleTrigger([1, "3"], "epoch")


def test_real_trainer_fires_at_the_points_and_resumes_from_a_snapshot(trigger_runs, tmp_path):
    points = [0.5, 1.25, 2, 3.5]
    full = trigger_runs.real_trainer(10, 3, (14, "iteration"), tmp_path / "full")
    fired = trigger_runs.record_iterations(full, ManualScheduleTrigger(points, "epoch"))
    full.run()
    assert fired == expected(points, "epoch", 10, 3, 14)

    first = trigger_runs.real_trainer(10, 3, (6, "iteration"), tmp_path / "a")
    fired_first = trigger_runs.record_iterations(first, ManualScheduleTrigger(points, "epoch"))
    first.run()
    save_npz(tmp_path / "snapshot.npz", first)
    second = trigger_runs.real_trainer(10, 3, (14, "iteration"), tmp_path / "b")
    fired_second = trigger_runs.record_iterations(second, ManualScheduleTrigger(points, "epoch"))
    load_npz(tmp_path / "snapshot.npz", second)
    second.run()
    assert fired_first + fired_second == fired
