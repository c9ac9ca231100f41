"""BestValueTrigger / MinValueTrigger / MaxValueTrigger against a first-principles model.

The model: the check intervals end on the iterations where an interval
trigger fires (computed with exact fractions); each interval's mean of the
reported values is compared strictly with the best so far.  Values are small
integers so float means of different intervals compare as the exact ones do.
"""
import io
from fractions import Fraction

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.serializers import DictionarySerializer, load_npz, save_npz
from kusari.training.triggers.minmax_value_trigger import BestValueTrigger, MaxValueTrigger, MinValueTrigger


def check_ends(check, n, batch_size, iterations):
    period, unit = check
    ends = []
    for i in range(1, iterations + 1):
        if unit == "iteration":
            before, now = i - 1, i
        else:
            before, now = Fraction((i - 1) * batch_size, n), Fraction(i * batch_size, n)
        if before // Fraction(period) != now // Fraction(period):
            ends.append(i)
    return ends


def model(values, check, better, n, batch_size):
    """Expected firing iterations, and whether an interval without values is reached."""
    ends = set(check_ends(check, n, batch_size, len(values)))
    best, pending, fired = None, [], []
    for i, value in enumerate(values, start=1):
        if value is not None:
            pending.append(value)
        if i in ends:
            if not pending:
                return fired, True
            mean = Fraction(sum(pending), len(pending))
            pending = []
            if best is None or better(mean, best):
                best = mean
                fired.append(i)
    return fired, False


def run(trigger, trainer, values):
    fired = []
    for value in values:
        trainer.step()
        trainer.observation = {} if value is None else {"main/loss": value, "other": 1.0}
        if trigger(trainer):
            fired.append(trainer.updater.iteration)
    return fired


checks = st.sampled_from([(1, "iteration"), (3, "iteration"), (0.5, "epoch"), (1, "epoch"),
                          (1.5, "epoch")])
observed = st.lists(st.one_of(st.none(), st.integers(0, 20)), max_size=60)
sizes = st.integers(1, 30)
batch_sizes = st.integers(1, 9)
kinds = st.sampled_from(["min", "max"])


def make(kind, check):
    cls = MinValueTrigger if kind == "min" else MaxValueTrigger
    return cls("main/loss", trigger=check)


def better(kind):
    return (lambda new, best: new < best) if kind == "min" else (lambda new, best: new > best)


@settings(max_examples=100, deadline=None)
@given(kind=kinds, check=checks, values=observed, n=sizes, batch_size=batch_sizes)
def test_fires_when_the_interval_mean_is_a_new_best(trigger_runs, kind, check, values, n, batch_size):
    expected, hits_empty_interval = model(values, check, better(kind), n, batch_size)
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = make(kind, check)
    if hits_empty_interval:
        with pytest.raises(KeyError, match=r"(Min|Max)ValueTrigger: 'main/loss' was not "
                                           r"reported during the check interval"):
            run(trigger, trainer, values)
    else:
        assert run(trigger, trainer, values) == expected


@settings(max_examples=60, deadline=None)
@given(kind=kinds, check=checks, values=st.lists(st.integers(0, 20), max_size=60),
       split=st.integers(0, 60), n=sizes, batch_size=batch_sizes)
def test_state_saved_mid_interval_resumes_identically(trigger_runs, kind, check, values, split, n, batch_size):
    split = min(split, len(values))
    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = make(kind, check)
    run(trigger, trainer, values[:split])
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    resumed = make(kind, check)
    load_npz(buf, resumed)

    twin = trigger_runs.fake_trainer(n, batch_size)
    twin.updater.iteration = trainer.updater.iteration
    assert run(resumed, twin, values[split:]) == run(trigger, trainer, values[split:])


def test_serialize_uses_chainers_key_names(trigger_runs):
    trainer = trigger_runs.fake_trainer(4, 1)
    trigger = MinValueTrigger("main/loss", trigger=(2, "iteration"))
    run(trigger, trainer, [3, 5, 7])  # best 4.0 after iteration 2; 7 pending
    s = DictionarySerializer()
    trigger.serialize(s)
    assert sorted(s.target) == [
        "best_value", "interval_trigger/previous_epoch_detail",
        "interval_trigger/previous_iteration", "summary/_names",
        "summary/_summaries/0/_n", "summary/_summaries/0/_x", "summary/_summaries/0/_x2"]
    assert float(s.target["best_value"]) == 4.0
    assert float(s.target["summary/_summaries/0/_x"]) == 7.0


def test_best_value_none_round_trips_before_the_first_check():
    trigger = MaxValueTrigger("acc", trigger=(5, "iteration"))
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    resumed = MaxValueTrigger("acc", trigger=(5, "iteration"))
    resumed._best_value = 1.0
    load_npz(buf, resumed)
    assert resumed._best_value is None


def test_best_value_trigger_uses_the_given_comparison(trigger_runs):
    # "Better" here means closer to 10.
    trigger = BestValueTrigger("main/loss", lambda best, new: abs(new - 10) < abs(best - 10),
                               trigger=(1, "iteration"))
    assert run(trigger, trigger_runs.fake_trainer(5, 1), [0, 20, 12, 9, 10, 11]) == [1, 3, 4, 5]


def test_numpy_scalars_are_averaged_like_floats(trigger_runs):
    trainer = trigger_runs.fake_trainer(2, 1)  # one epoch = two iterations
    trigger = MinValueTrigger("main/loss")
    fired = []
    for value in (numpy.float32(4), numpy.float32(2), numpy.float32(1), numpy.float32(6)):
        trainer.step()
        trainer.observation = {"main/loss": value}
        fired.append(trigger(trainer))
    assert fired == [False, True, False, False]  # means 3.0 then 3.5


def write_scripted(trainer, key, values):
    """An evaluator stand-in: writes values[iteration - 1] into the observation."""
    from kusari.training.extension import PRIORITY_WRITER

    def write(t):
        t.observation[key] = values[t.updater.iteration - 1]

    trainer.extend(write, name="write", trigger=(1, "iteration"), priority=PRIORITY_WRITER)


def test_real_trainer_fires_on_new_best_epoch_means(trigger_runs, tmp_path):
    values = [5, 3, 4, 8, 1, 1, 2, 9, 0, 7, 7, 7, 2, 2, 6, 0, 0, 0, 9, 9]
    for kind in ("min", "max"):
        trainer = trigger_runs.real_trainer(10, 4, (len(values), "iteration"), tmp_path / kind)
        write_scripted(trainer, "validation/main/loss", values)
        cls = MinValueTrigger if kind == "min" else MaxValueTrigger
        fired = trigger_runs.record_iterations(trainer, cls("validation/main/loss"))
        trainer.run()
        assert fired == model(values, (1, "epoch"), better(kind), 10, 4)[0]
