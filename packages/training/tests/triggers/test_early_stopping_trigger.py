"""EarlyStoppingTrigger against a first-principles model of Chainer's rule.

Each call adds the monitored value to a running mean.  The max trigger is
asked first and stops training when it fires (the check trigger is then not
called that iteration).  When the check trigger fires and the value is in
the observation, the mean is compared strictly with the best: improvement
resets the count, anything else adds one, and ``count >= patience`` stops.
"""
import io
import warnings
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.serializers import DictionarySerializer, NpzDeserializer, load_npz, save_npz
from kusari.training.triggers.early_stopping_trigger import EarlyStoppingTrigger


def position(unit, i, n, batch_size):
    return i if unit == "iteration" else Fraction(i * batch_size, n)


def model(values, check, patience, maximise, max_iterations, n, batch_size):
    """The trigger's return value at each iteration, and how many warnings it gives."""
    period, unit = Fraction(check[0]), check[1]
    best = float("-inf") if maximise else float("inf")
    count, pending, last_checked, out, warned = 0, [], 0, [], 0
    for i, value in enumerate(values, start=1):
        if value is not None:
            pending.append(value)
        if i % max_iterations == 0:
            out.append(True)
            continue
        now = position(unit, i, n, batch_size)
        crossed = last_checked // period != now // period
        last_checked = now
        if not crossed:
            out.append(False)
            continue
        if value is None:
            warned += 1
            out.append(False)
            continue
        mean = Fraction(sum(pending), len(pending))
        pending = []
        if (mean > best) if maximise else (mean < best):
            best, count = mean, 0
        else:
            count += 1
        out.append(count >= patience)
    return out, warned


def run(trigger, trainer, values, key="main/loss"):
    out = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for value in values:
            trainer.step()
            trainer.observation = {} if value is None else {key: value}
            out.append(trigger(trainer))
    return out, [w for w in record if "is not in the observation" in str(w.message)]


checks = st.sampled_from([(1, "iteration"), (2, "iteration"), (0.5, "epoch"), (1, "epoch")])
observed = st.lists(st.one_of(st.none(), st.integers(0, 9)), max_size=50)
sizes = st.integers(1, 20)
batch_sizes = st.integers(1, 7)


@settings(max_examples=120, deadline=None)
@given(check=checks, values=observed, patience=st.integers(0, 4),
       mode=st.sampled_from(["min", "max", "auto"]), max_iterations=st.integers(1, 60),
       n=sizes, batch_size=batch_sizes)
def test_matches_the_model(trigger_runs, check, values, patience, mode, max_iterations, n, batch_size):
    trigger = EarlyStoppingTrigger(check_trigger=check, monitor="main/loss", patience=patience,
                                   mode=mode, max_trigger=(max_iterations, "iteration"))
    out, warned = run(trigger, trigger_runs.fake_trainer(n, batch_size), values)
    expected, expected_warnings = model(values, check, patience, mode == "max", max_iterations,
                                        n, batch_size)
    assert out == expected
    assert len(warned) == expected_warnings


@settings(max_examples=60, deadline=None)
@given(check=checks, values=st.lists(st.integers(0, 9), max_size=50), split=st.integers(0, 50),
       patience=st.integers(1, 4), n=sizes, batch_size=batch_sizes)
def test_state_saved_mid_training_resumes_identically(trigger_runs, check, values, split, patience, n,
                                                      batch_size):
    split = min(split, len(values))

    def make():
        return EarlyStoppingTrigger(check_trigger=check, patience=patience,
                                    max_trigger=(7, "epoch"))

    trainer = trigger_runs.fake_trainer(n, batch_size)
    trigger = make()
    run(trigger, trainer, values[:split])
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    resumed = make()
    load_npz(buf, resumed)
    assert (resumed.best, resumed.count) == (trigger.best, trigger.count)

    twin = trigger_runs.fake_trainer(n, batch_size)
    twin.updater.iteration = trainer.updater.iteration
    assert run(resumed, twin, values[split:]) == run(trigger, trainer, values[split:])


def test_serialize_key_names(trigger_runs):
    trigger = EarlyStoppingTrigger(check_trigger=(1, "iteration"), max_trigger=(9, "iteration"))
    run(trigger, trigger_runs.fake_trainer(4, 2), [3, 4, 5])
    s = DictionarySerializer()
    trigger.serialize(s)
    assert {"best", "count", "interval_trigger/previous_iteration",
            "max_trigger/previous_iteration", "summary/_names"} <= set(s.target)
    assert (float(s.target["best"]), int(s.target["count"])) == (3.0, 2)


def test_chainer_snapshot_without_state_loads_with_a_warning_and_keeps_fresh_state():
    trigger = EarlyStoppingTrigger()
    with pytest.warns(UserWarning) as record:
        trigger.serialize(NpzDeserializer({}))
    assert any("EarlyStoppingTrigger.serialize: the best value and count were not saved"
               in str(w.message) for w in record)
    assert (trigger.best, trigger.count) == (float("inf"), 0)


def test_auto_mode_maximises_accuracy_and_minimises_anything_else(trigger_runs):
    assert EarlyStoppingTrigger(monitor="validation/main/accuracy").best == float("-inf")
    assert EarlyStoppingTrigger(monitor="validation/main/loss").best == float("inf")
    values = [0.5, 0.4, 0.3]  # accuracy falling: two checks without improvement
    trigger = EarlyStoppingTrigger(check_trigger=(1, "iteration"), monitor="acc", mode="max",
                                   patience=2)
    assert run(trigger, trigger_runs.fake_trainer(10, 1), values, key="acc")[0] == [False, False, True]


def test_defaults_follow_chainer():
    trigger = EarlyStoppingTrigger()
    assert (trigger.monitor, trigger.patience, trigger.verbose) == ("main/loss", 3, False)
    assert trigger.get_training_length() == (100, "epoch")
    assert EarlyStoppingTrigger(max_trigger=(5, "iteration")).get_training_length() == (
        5, "iteration")


def test_patients_is_an_alias_of_patience():
    assert EarlyStoppingTrigger(patients=7).patience == 7


def test_patience_and_patients_together_are_refused():
    with pytest.raises(TypeError, match="EarlyStoppingTrigger: both 'patience' and 'patients'"):
        EarlyStoppingTrigger(patience=2, patients=3)


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument 'patiance'"):
        EarlyStoppingTrigger(patiance=2)


def test_bad_mode_is_refused():
    with pytest.raises(ValueError, match=r"EarlyStoppingTrigger: argument 'mode' expected "
                                         r"'auto', 'min' or 'max', got 'minimum'"):
        EarlyStoppingTrigger(mode="minimum")


def test_verbose_reports_the_operator_and_the_stop(trigger_runs, capsys):
    trigger = EarlyStoppingTrigger(check_trigger=(1, "iteration"), patience=1, verbose=True)
    assert "early stopping: operator is less" in capsys.readouterr().out
    trainer = trigger_runs.fake_trainer(2, 1)
    assert run(trigger, trainer, [1.0, 2.0, 3.0])[0] == [False, True, True]
    assert "Epoch 1: early stopping" in capsys.readouterr().out


def test_real_trainer_stops_where_the_model_says(trigger_runs, tmp_path):
    from kusari.training.extension import PRIORITY_WRITER

    # 10 examples, batch 4: epoch boundaries at iterations 3, 5, 8, 10, 13, ...
    values = [9, 8, 7, 6, 5, 6, 7, 6, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]
    stop = EarlyStoppingTrigger(monitor="validation/main/loss", patience=2)
    trainer = trigger_runs.real_trainer(10, 4, stop, tmp_path)

    def write(t):
        t.observation["validation/main/loss"] = values[t.updater.iteration - 1]

    trainer.extend(write, name="write", trigger=(1, "iteration"), priority=PRIORITY_WRITER)
    trainer.run()
    out, _ = model(values, (1, "epoch"), 2, False, 10**6, 10, 4)
    assert trainer.updater.iteration == out.index(True) + 1
    assert trainer.stop_trigger.count == 2
