"""Extension, make_extension, the priorities, get_trigger and IntervalTrigger basics."""
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.training import extension as ext_module
from kusari.training._util import InvalidTrainingValue, get_trigger
from kusari.training.triggers.interval_trigger import IntervalTrigger
from kusari.utils.type_check import InvalidType


def test_priorities_order_writers_editors_readers():
    assert ext_module.PRIORITY_WRITER > ext_module.PRIORITY_EDITOR > ext_module.PRIORITY_READER
    assert (ext_module.PRIORITY_WRITER, ext_module.PRIORITY_EDITOR,
            ext_module.PRIORITY_READER) == (300, 200, 100)


def test_extension_defaults_and_hooks():
    class MyExt(ext_module.Extension):
        pass
    ext = MyExt()
    assert (ext.trigger, ext.priority, ext.name, ext.default_name) == (
        (1, 'iteration'), ext_module.PRIORITY_READER, None, 'MyExt')
    assert ext.initialize(None) is None and ext.finalize() is None
    assert ext.on_error(None, ValueError(), None) is None and ext.serialize(None) is None
    with pytest.raises(NotImplementedError, match=r'MyExt must override __call__\(trainer\)'):
        ext(None)
    with pytest.raises(AttributeError, match='invoke_before_training was removed'):
        _ = ext.invoke_before_training
    with pytest.raises(AttributeError, match="'MyExt' object has no attribute 'nope'"):
        _ = ext.nope


def test_make_extension_sets_attributes_and_defaults():
    def fin():
        pass

    def init(trainer):
        pass

    def err(trainer, exc, tb):
        pass

    @ext_module.make_extension(trigger=(2, 'epoch'), default_name='dumper', priority=300,
                               finalizer=fin, initializer=init, on_error=err)
    def dump(trainer):
        return 'dumped'
    assert (dump.trigger, dump.default_name, dump.priority) == ((2, 'epoch'), 'dumper', 300)
    assert (dump.finalize, dump.initialize, dump.on_error) == (fin, init, err)
    assert dump(None) == 'dumped'

    @ext_module.make_extension()
    def plain(trainer):
        pass
    assert (plain.trigger, plain.default_name, plain.priority) == (
        (1, 'iteration'), 'plain', ext_module.PRIORITY_READER)
    assert plain.finalize is None and plain.initialize is None and plain.on_error is None


def test_make_extension_rejects_unknown_keywords():
    with pytest.raises(TypeError, match='use initializer= instead'):
        ext_module.make_extension(invoke_before_training=True)
    with pytest.raises(TypeError, match=r"make_extension: unexpected keyword argument\(s\) \['foo'\]"):
        ext_module.make_extension(foo=1)


def test_get_trigger_forms():
    def fn(trainer):
        return True
    assert get_trigger(fn) is fn
    never = get_trigger(None)
    assert never(None) is False
    interval = get_trigger((3, 'iteration'))
    assert isinstance(interval, IntervalTrigger)
    assert interval.get_training_length() == (3, 'iteration')
    assert get_trigger([2, 'epoch']).get_training_length() == (2, 'epoch')
    with pytest.raises(InvalidType, match=r"get_trigger: argument 'trigger' expected a callable, "
                                          r"None or a \(period, 'epoch'\|'iteration'\) tuple, got 5"):
        get_trigger(5)
    with pytest.raises(InvalidType, match=r"got \(1, 'epoch', 2\)"):
        get_trigger((1, 'epoch', 2))


def test_interval_trigger_argument_errors():
    with pytest.raises(InvalidTrainingValue, match=r"IntervalTrigger: argument 'unit' expected "
                                                   r"'epoch' or 'iteration', got 'epochs'"):
        IntervalTrigger(1, 'epochs')
    for bad in (0, -1, 'two', True):
        with pytest.raises(ValueError, match=r"IntervalTrigger: argument 'period' expected a "
                                             r"positive number, got " + repr(bad)):
            IntervalTrigger(bad, 'epoch')


def run_trigger(trigger, details):
    updater = SimpleNamespace(iteration=0, epoch_detail=0.0, previous_epoch_detail=None)
    trainer = SimpleNamespace(updater=updater)
    fired = []
    for i, detail in enumerate(details, 1):
        updater.previous_epoch_detail = updater.epoch_detail
        updater.iteration, updater.epoch_detail = i, detail
        fired.append(trigger(trainer))
    return fired


def test_interval_trigger_iteration_and_fractional_epoch():
    assert run_trigger(IntervalTrigger(3, 'iteration'), [0.0] * 7) == [
        False, False, True, False, False, True, False]
    # epoch_detail steps of 0.375 (batch 3 of 8): boundaries of 1 epoch at 1.125, 2.25, 3.0
    details = [0.375 * k for k in range(1, 9)]
    assert run_trigger(IntervalTrigger(1, 'epoch'), details) == [
        False, False, True, False, False, True, False, True]
    # half epochs: 0.375 | 0.75 | 1.125 | 1.5 | 1.875 | 2.25 -> crosses at 0.75, 1.125, 1.5, 2.25
    assert run_trigger(IntervalTrigger(0.5, 'epoch'), details[:6]) == [
        False, True, True, True, False, True]
    assert str(IntervalTrigger(0.5, 'epoch')) == "IntervalTrigger(0.5, 'epoch')"


def test_interval_trigger_serialize_round_trip_and_missing_keys(tmp_path):
    trigger = IntervalTrigger(2, 'iteration')
    run_trigger(trigger, [0.25, 0.5, 0.75])
    s = DictionarySerializer()
    trigger.serialize(s)
    assert s.target['previous_iteration'] == 3 and s.target['previous_epoch_detail'] == 0.75
    path = tmp_path / 't.npz'
    np.savez(path, **s.target)
    restored = IntervalTrigger(2, 'iteration')
    with np.load(path) as npz:
        restored.serialize(NpzDeserializer(npz))
    assert (restored._previous_iteration, restored._previous_epoch_detail) == (3, 0.75)

    np.savez(tmp_path / 'empty.npz', other=np.zeros(1))
    old = IntervalTrigger(2, 'iteration')
    with np.load(tmp_path / 'empty.npz') as npz, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        old.serialize(NpzDeserializer(npz))
    messages = [str(w.message) for w in caught]
    assert any('no previous_iteration' in m for m in messages)
    assert any('no previous_epoch_detail' in m for m in messages)
    # without a saved value it guesses "iteration - 1": iteration 4 fires, 5 does not
    updater = SimpleNamespace(iteration=4, epoch_detail=1.0, previous_epoch_detail=0.75)
    assert old(SimpleNamespace(updater=updater)) is True
    updater.iteration = 5
    assert old(SimpleNamespace(updater=updater)) is False

    epoch_old = IntervalTrigger(1, 'epoch')
    with np.load(tmp_path / 'empty.npz') as npz, warnings.catch_warnings():
        warnings.simplefilter('ignore')
        epoch_old.serialize(NpzDeserializer(npz))
    # falls back on the updater's previous_epoch_detail (0.75 -> 1.0 crosses a boundary)
    assert epoch_old(SimpleNamespace(updater=SimpleNamespace(
        iteration=4, epoch_detail=1.0, previous_epoch_detail=0.75))) is True
