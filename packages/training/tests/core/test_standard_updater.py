"""StandardUpdater and the Updater interface."""
import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari import backend
from kusari.iterators import SerialIterator
from kusari.serializers import DictionarySerializer, load_npz, save_npz
from kusari.training.updater import Updater
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


def make_data(n=4):
    rng = np.random.RandomState(0)
    return [(rng.randn(3).astype(np.float32), np.int32(i % 2)) for i in range(n)]


def make_updater(n=4, batch=3, **kwargs):
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    return StandardUpdater(SerialIterator(make_data(n), batch, shuffle=False), opt, **kwargs)


def test_progress_counters_follow_the_main_iterator():
    updater = make_updater(n=4, batch=3)
    it = updater.get_iterator('main')
    assert (updater.iteration, updater.epoch, updater.epoch_detail) == (0, 0, 0.0)
    seen = []
    for _ in range(4):
        updater.update()
        seen.append((updater.iteration, updater.epoch, updater.epoch_detail,
                     updater.previous_epoch_detail, updater.is_new_epoch))
        assert updater.epoch_detail == it.epoch_detail
    assert seen == [(1, 0, 0.75, 0.0, False), (2, 1, 1.5, 0.75, True),
                    (3, 2, 2.25, 1.5, True), (4, 3, 3.0, 2.25, True)]


def test_update_changes_parameters_and_counts_optimizer_epochs():
    updater = make_updater(n=4, batch=2)
    opt = updater.get_optimizer('main')
    before = opt.target.predictor.W.array.copy()
    for _ in range(4):
        updater.update()
    assert not np.allclose(before, opt.target.predictor.W.array)
    assert opt.t == 4
    assert opt.epoch == 2  # auto_new_epoch: one per finished sweep
    assert opt.use_auto_new_epoch


def test_auto_new_epoch_false_leaves_the_optimizer_epoch_alone():
    updater = make_updater(n=4, batch=2, auto_new_epoch=False)
    for _ in range(4):
        updater.update()
    assert updater.get_optimizer('main').epoch == 0
    assert not updater.get_optimizer('main').use_auto_new_epoch


def test_converter_output_kinds_and_loss_func():
    calls = []

    def loss_func(*args, **kwargs):
        calls.append((len(args), sorted(kwargs)))
        return kusari.functions.sum(updater.get_optimizer('main').target.predictor.W) * 0

    for converter, expected in [
        (lambda batch, device: (np.zeros(1), np.zeros(1)), (2, [])),
        (lambda batch, device: {'x': np.zeros(1), 't': np.zeros(1)}, (0, ['t', 'x'])),
        (lambda batch, device: np.zeros(1), (1, [])),
    ]:
        calls.clear()
        updater = make_updater(converter=converter, loss_func=loss_func)
        updater.update()
        assert calls == [expected]


def test_old_style_converter_gets_minus_one_for_the_cpu_device():
    got = []

    def converter(batch, device):
        got.append(device)
        return kusari.dataset.concat_examples(batch, device)

    make_updater(converter=converter, device=-1).update()
    make_updater(converter=converter).update()
    make_updater(converter=converter, input_device='@numpy').update()
    assert got == [-1, None, -1]


def test_device_moves_models_and_is_assignable():
    updater = make_updater(device='@numpy')
    assert isinstance(updater.device, backend.Device)
    assert updater.get_optimizer('main').target.device == updater.device
    updater.device = -1  # Chainer v6 subclasses assign it
    assert updater.device == -1
    assert updater.input_device == backend.get_device(-1)


def test_loss_scale_reaches_the_optimizers():
    updater = make_updater(loss_scale=8.0)
    assert updater.loss_scale == 8.0
    assert updater.get_optimizer('main')._loss_scale == 8.0


def test_dicts_of_iterators_and_optimizers():
    a, b = L.Linear(3, 2), L.Linear(3, 2)
    opts = {'main': kusari.optimizers.SGD().setup(a), 'other': kusari.optimizers.SGD().setup(b)}
    its = {'main': SerialIterator(make_data(), 2), 'val': SerialIterator(make_data(), 1)}
    updater = StandardUpdater(its, opts, loss_func=lambda x, t: kusari.functions.sum(a(x)))
    assert updater.get_all_optimizers() == opts
    assert updater.get_all_optimizers() is not updater._optimizers
    assert updater.get_iterator('val') is its['val']
    with pytest.raises(KeyError, match=r"no optimizer named 'nope'; known: \['main', 'other'\]"):
        updater.get_optimizer('nope')
    with pytest.raises(KeyError, match=r"no iterator named 'nope'; known: \['main', 'val'\]"):
        updater.get_iterator('nope')
    finalized = []
    for it in its.values():
        it.finalize = lambda it=it: finalized.append(it)
    updater.finalize()
    assert finalized == list(its.values())


def test_iterator_argument_errors():
    opt = kusari.optimizers.SGD().setup(L.Linear(3, 2))
    with pytest.raises(InvalidType, match=r"StandardUpdater: argument 'iterator' expected an "
                                          r"Iterator or a dict of Iterators with a 'main' key, "
                                          r"got keys \['train'\]"):
        StandardUpdater({'train': SerialIterator(make_data(), 2)}, opt)
    with pytest.raises(InvalidType, match=r"argument 'iterator' expected .*, got \[1, 2\]"):
        StandardUpdater([1, 2], opt)


def test_serialize_keys_and_round_trip(tmp_path):
    updater = make_updater(n=4, batch=3)
    for _ in range(3):
        updater.update()
    s = DictionarySerializer()
    updater.serialize(s)
    assert {'iteration', 'iterator:main/current_position', 'iterator:main/epoch',
            'model:main/predictor/W', 'model:main/predictor/b',
            'optimizer:main/t', 'optimizer:main/epoch'} <= set(s.target)
    path = str(tmp_path / 'u.npz')
    save_npz(path, updater)
    fresh = make_updater(n=4, batch=3)
    load_npz(path, fresh)
    assert (fresh.iteration, fresh.epoch, fresh.epoch_detail) == (3, 2, 2.25)
    assert fresh.get_optimizer('main').t == 3
    np.testing.assert_array_equal(fresh.get_optimizer('main').target.predictor.W.array,
                                  updater.get_optimizer('main').target.predictor.W.array)


def test_subclass_that_skips_the_parent_init_works():
    class Mine(StandardUpdater):
        def __init__(self, iterator, optimizer, device=None):
            self._iterators = {'main': iterator}
            self._optimizers = {'main': optimizer}
            self.device = device

    opt = kusari.optimizers.SGD().setup(L.Classifier(L.Linear(3, 2)))
    updater = Mine(SerialIterator(make_data(), 2), opt, device=-1)
    assert (updater.iteration, updater.loss_func, updater.device) == (0, None, -1)
    updater.update()
    updater.update()
    assert (updater.iteration, updater.epoch, updater.is_new_epoch) == (2, 1, True)
    assert opt.t == 2 and opt.epoch == 0  # no auto_new_epoch without the parent __init__
    s = DictionarySerializer()
    updater.serialize(s)
    assert s.target['iteration'] == 2
    assert StandardUpdater.iteration == 0  # the class default was not touched


def test_updater_base_requires_its_methods():
    class Bare(Updater):
        pass
    bare = Bare()
    assert bare.connect_trainer(object()) is None
    for call, what in [(bare.finalize, 'finalize()'), (bare.get_all_optimizers, 'get_all_optimizers()'),
                       (bare.update, 'update()'), (lambda: bare.get_optimizer('main'), 'get_optimizer'),
                       (lambda: bare.serialize(None), 'serialize')]:
        with pytest.raises(NotImplementedError, match=r'Bare must implement ' + what.replace('(', r'\(').replace(')', r'\)')):
            call()


def test_updater_module_exposes_standard_updater_like_chainer():
    from kusari.training import updater as updater_module
    assert updater_module.StandardUpdater is StandardUpdater
    with pytest.raises(AttributeError, match='has no attribute'):
        _ = updater_module.ParallelThing
