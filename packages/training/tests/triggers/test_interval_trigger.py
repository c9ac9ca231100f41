"""Property tests of IntervalTrigger: it fires at the iterations Chainer's does.

The expected firing iterations are derived from first principles with exact
fractions: with a dataset of ``n`` examples read ``b`` at a time, the
position after iteration ``i`` is ``i * b / n`` epochs, and a trigger of
period ``p`` epochs fires on the iteration that reaches or passes each
multiple ``k * p``.  Periods are multiples of 1/4 so the float
``epoch_detail`` arithmetic the trigger sees is exact at every boundary.
"""
import io
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.serializers import load_npz, save_npz
from kusari.training.triggers.interval_trigger import IntervalTrigger


def expected_epoch_firings(period, n, batch_size, iterations):
    """Iterations i where some k * period lies in ((i-1)*b/n, i*b/n]."""
    p = Fraction(period)
    fired = []
    for i in range(1, iterations + 1):
        before, now = Fraction((i - 1) * batch_size, n), Fraction(i * batch_size, n)
        if now // p != before // p:
            fired.append(i)
    return fired


periods_in_epochs = st.sampled_from([0.25, 0.5, 0.75, 1, 1.5, 2, 3])
sizes = st.integers(1, 60)
batch_sizes = st.integers(1, 17)


@settings(max_examples=60, deadline=None)
@given(period=st.integers(1, 12), n=sizes, batch_size=batch_sizes, iterations=st.integers(0, 80))
def test_iteration_unit_fires_at_multiples_of_period(trigger_runs, period, n, batch_size, iterations):
    trainer = trigger_runs.fake_trainer(n, batch_size)
    fired = trigger_runs.firing_iterations(IntervalTrigger(period, "iteration"), trainer, iterations)
    assert fired == [i for i in range(1, iterations + 1) if i % period == 0]


@settings(max_examples=80, deadline=None)
@given(period=periods_in_epochs, n=sizes, batch_size=batch_sizes, iterations=st.integers(0, 80))
def test_epoch_unit_fires_on_first_iteration_reaching_each_boundary(trigger_runs, period, n, batch_size,
                                                                    iterations):
    trainer = trigger_runs.fake_trainer(n, batch_size)
    fired = trigger_runs.firing_iterations(IntervalTrigger(period, "epoch"), trainer, iterations)
    assert fired == expected_epoch_firings(period, n, batch_size, iterations)


@settings(max_examples=40, deadline=None)
@given(n=sizes, batch_size=batch_sizes, iterations=st.integers(1, 60))
def test_one_epoch_period_fires_exactly_when_the_updater_starts_a_new_epoch(trigger_runs, n, batch_size,
                                                                           iterations):
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = IntervalTrigger(1, "epoch")
    for _ in range(iterations):
        trainer.step()
        assert trigger(trainer) == trainer.updater.is_new_epoch


@settings(max_examples=40, deadline=None)
@given(period=periods_in_epochs, unit=st.sampled_from(["epoch", "iteration"]), n=sizes,
       batch_size=batch_sizes, before=st.integers(0, 40), after=st.integers(1, 40))
def test_state_saved_mid_training_resumes_identically(trigger_runs, period, unit, n, batch_size, before, after):
    if unit == "iteration":
        period = max(1, int(period))
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = IntervalTrigger(period, unit)
    trigger_runs.firing_iterations(trigger, trainer, before)
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    resumed = IntervalTrigger(period, unit)
    load_npz(buf, resumed)

    twin = trigger_runs.fake_trainer(n, batch_size)
    twin.updater.iteration = trainer.updater.iteration
    assert trigger_runs.firing_iterations(resumed, twin, after) == trigger_runs.firing_iterations(trigger, trainer, after)


def test_trigger_called_every_other_iteration_still_fires_once_per_crossed_boundary(trigger_runs):
    # 10 examples, batch 3: epochs 0.3, 0.6, 0.9, 1.2, ...; called at even iterations only.
    trainer = trigger_runs.fake_trainer(10, 3)
    trigger = IntervalTrigger(1, "epoch")
    fired = []
    for _ in range(10):
        trainer.step()
        if trainer.updater.iteration % 2 == 0 and trigger(trainer):
            fired.append(trainer.updater.iteration)
    # Boundaries 1, 2, 3 are reached at iterations 4, 7, 10; seen at 4, 8, 10.
    assert fired == [4, 8, 10]


def test_bad_unit_is_refused_with_house_message():
    with pytest.raises(ValueError, match=r"IntervalTrigger: argument 'unit' expected 'epoch' or "
                                         r"'iteration', got 'epochs'"):
        IntervalTrigger(1, "epochs")


def test_real_trainer_fires_at_the_expected_iterations(trigger_runs, tmp_path):
    for period, unit in [(0.5, "epoch"), (1, "epoch"), (3, "iteration")]:
        trainer = trigger_runs.real_trainer(10, 3, (20, "iteration"), tmp_path / f"{period}{unit}")
        fired = trigger_runs.record_iterations(trainer, IntervalTrigger(period, unit))
        trainer.run()
        if unit == "epoch":
            assert fired == expected_epoch_firings(period, 10, 3, 20)
        else:
            assert fired == list(range(3, 21, 3))
