"""MicroAverage: sum of numerators / sum of denominators per trigger interval, resume, errors."""
import io
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extension import PRIORITY_EDITOR
from kusari.training.extensions.micro_average import MicroAverage

_batches = st.lists(st.tuples(st.integers(0, 10), st.integers(1, 10)), min_size=1, max_size=20)


def _iterate(ext, batches, start=0):
    """Call ext once per batch as iterations start+1, ...; return {iteration: reported accuracy}."""
    reported = {}
    for i, (correct, total) in enumerate(batches, start + 1):
        observation = {"main/correct": correct, "main/total": total}
        updater = SimpleNamespace(iteration=i, epoch_detail=i / 7, previous_epoch_detail=(i - 1) / 7)
        with kusari.Reporter().scope(observation):
            ext(SimpleNamespace(updater=updater, observation=observation))
        if "main/accuracy" in observation:
            reported[i] = observation["main/accuracy"]
    return reported


@given(batches=_batches, period=st.integers(1, 5))
def test_reports_the_micro_average_of_each_interval(batches, period):
    ext = MicroAverage("main/correct", "main/total", "main/accuracy", trigger=(period, "iteration"))
    assert ext.priority == PRIORITY_EDITOR
    correct, total = np.array(batches).T
    ends = np.arange(period, len(batches) + 1, period)
    expected = {int(e): correct[e - period:e].sum() / total[e - period:e].sum() for e in ends}
    assert _iterate(ext, batches) == pytest.approx(expected)


def test_iterations_without_both_keys_are_skipped():
    ext = MicroAverage("c", "t", "acc", trigger=(1, "iteration"))
    updater = SimpleNamespace(iteration=1, epoch_detail=0.1, previous_epoch_detail=0.0)
    observation = {"c": 5}
    with kusari.Reporter().scope(observation):
        ext(SimpleNamespace(updater=updater, observation=observation))
    assert observation == {"c": 5}
    assert (ext._numerator, ext._denominator) == (0, 0)


@settings(deadline=None, max_examples=25)
@given(batches=_batches, k=st.integers(0, 20), unit=st.sampled_from(["iteration", "epoch"]))
def test_resume_continues_exactly(batches, k, unit):
    k = min(k, len(batches))

    def make():
        return MicroAverage("main/correct", "main/total", "main/accuracy", trigger=(3, unit))

    full = _iterate(make(), batches)
    ext = make()
    first = _iterate(ext, batches[:k])
    buf = io.BytesIO()
    npz.save_npz(buf, ext)
    buf.seek(0)
    ext2 = make()
    npz.load_npz(buf, ext2)
    assert {**first, **_iterate(ext2, batches[k:], start=k)} == full


def test_snapshot_keeps_chainers_keys():
    keys = set(npz.serialize(MicroAverage("a", "b", "c")))
    assert {"_numerator", "_denominator"} <= keys


def test_errors():
    with pytest.raises(TypeError, match=r"MicroAverage: argument 'result_key' expected a str \(an observation key\), got None"):
        MicroAverage("a", "b", None)
    with pytest.raises(TypeError, match=r"get_trigger: argument 'trigger' expected"):
        MicroAverage("a", "b", "c", trigger=3)


def test_reported_variables_are_summed_as_arrays():
    ext = MicroAverage("acc", "n", "avg", trigger=(2, "iteration"))
    for i, acc in ((1, 0.5), (2, 1.0)):
        observation = {"acc": kusari.Variable(np.array(acc, np.float32)), "n": 1}
        updater = SimpleNamespace(iteration=i, epoch_detail=i / 10, previous_epoch_detail=(i - 1) / 10)
        with kusari.Reporter().scope(observation):
            ext(SimpleNamespace(updater=updater, observation=observation))
    assert observation["avg"] == 0.75


def test_chainer_snapshot_without_trigger_keys_loads():
    ext = MicroAverage("a", "b", "c")
    with pytest.warns(UserWarning, match="IntervalTrigger"):
        ext.serialize(npz.NpzDeserializer({"_numerator": np.array(3), "_denominator": np.array(4)}))
    assert (ext._numerator, ext._denominator) == (3, 4)
