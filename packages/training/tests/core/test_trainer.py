"""Trainer: the loop, extension ordering/triggers/names, error handling, snapshots."""
import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz, save_npz
from kusari.training import extension as extension_module
from kusari.training._util import InvalidTrainingValue
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater


def make_data(n=8, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 3).astype(np.float32)
    t = (x[:, 0] + x[:, 1] > 0).astype(np.int32)
    return [(x[i], t[i]) for i in range(n)]


def make_trainer(tmp_path, stop=(2, 'epoch'), batch=4, shuffle=False, lr=0.1, seed=0, n=8):
    np.random.seed(seed)
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.SGD(lr=lr)
    opt.setup(model)
    it = SerialIterator(make_data(n, seed), batch, shuffle=shuffle)
    return Trainer(StandardUpdater(it, opt), stop, out=str(tmp_path / 'out'))


def recorder(log, tag):
    def record(trainer):
        log.append((tag, trainer.updater.iteration))
    return record


def test_loss_decreases_and_counters_follow_the_stop_trigger(tmp_path):
    trainer = make_trainer(tmp_path, stop=(30, 'epoch'), lr=0.5)
    losses = []
    trainer.extend(lambda t: losses.append(float(t.observation['main/loss'].array)), name='loss')
    assert trainer.is_before_training
    trainer.run()
    # 8 examples, batch 4: two iterations per epoch
    assert trainer.updater.iteration == 60
    assert trainer.updater.epoch == 30
    assert trainer.updater.epoch_detail == 30.0
    assert not trainer.is_before_training
    assert len(losses) == 60
    assert np.mean(losses[-4:]) < 0.5 * np.mean(losses[:4])
    assert (tmp_path / 'out').is_dir()


def test_observation_names_main_and_other_optimizers_and_sublinks(tmp_path):
    main = L.Classifier(L.Linear(3, 2))
    aux = L.Classifier(L.Linear(3, 2))
    opts = {}
    for name, model in (('main', main), ('aux', aux)):
        opts[name] = kusari.optimizers.SGD()
        opts[name].setup(model)
    updater = StandardUpdater(SerialIterator(make_data(), 4), opts)
    trainer = Trainer(updater, (1, 'iteration'), out=str(tmp_path))

    def report_aux(t):
        kusari.report({'loss': 7.0}, aux)
        kusari.report({'norm': 2.0}, aux.predictor)
        kusari.report({'norm': 3.0}, main.predictor)
    seen = {}
    trainer.extend(report_aux, priority=extension_module.PRIORITY_WRITER)
    trainer.extend(lambda t: seen.update(t.observation), name='read')
    trainer.run()
    assert seen['aux/loss'] == 7.0
    assert seen['aux/predictor/norm'] == 2.0
    assert seen['main/predictor/norm'] == 3.0
    assert {'main/loss', 'main/accuracy'} <= set(seen)


def test_extensions_run_by_priority_then_registration_order(tmp_path):
    trainer = make_trainer(tmp_path, stop=(1, 'iteration'))
    log = []
    trainer.extend(recorder(log, 'reader'), name='reader')
    trainer.extend(recorder(log, 'writer'), name='writer', priority=extension_module.PRIORITY_WRITER)
    trainer.extend(recorder(log, 'editor'), name='editor', priority=extension_module.PRIORITY_EDITOR)
    trainer.extend(recorder(log, 'reader2'), name='reader2')
    trainer.run()
    assert [tag for tag, _ in log] == ['writer', 'editor', 'reader', 'reader2']


def test_triggers_choose_the_iterations(tmp_path):
    # 8 examples, batch 3: epochs end during iterations 3 (8/3=2.67 -> 3.0? no) -- count them:
    # epoch_detail after k iterations is 3k/8, so whole epochs are crossed at k = 3, 6, 8.
    trainer = make_trainer(tmp_path, stop=(8, 'iteration'), batch=3)
    log = []
    trainer.extend(recorder(log, 'it3'), name='it3', trigger=(3, 'iteration'))
    trainer.extend(recorder(log, 'ep'), name='ep', trigger=(1, 'epoch'))
    trainer.extend(recorder(log, 'never'), name='never', trigger=lambda t: False)

    @extension_module.make_extension(trigger=(4, 'iteration'))
    def own_trigger(t):
        log.append(('own', t.updater.iteration))
    trainer.extend(own_trigger)
    trainer.run()
    assert [i for tag, i in log if tag == 'it3'] == [3, 6]
    assert [i for tag, i in log if tag == 'ep'] == [3, 6, 8]
    assert [i for tag, i in log if tag == 'own'] == [4, 8]
    assert not [i for tag, i in log if tag == 'never']


def test_initialize_and_call_before_training_run_before_the_first_update(tmp_path):
    trainer = make_trainer(tmp_path, stop=(2, 'iteration'))
    log = []

    class Ext(extension_module.Extension):
        def initialize(self, t):
            log.append(('init', t.updater.iteration))

        def __call__(self, t):
            log.append(('call', t.updater.iteration))

    class Finished:
        finished = True

        def __call__(self, t):
            return False

    skipped = Ext()
    trainer.extend(Ext(), call_before_training=True)
    trainer.extend(skipped, name='skipped', trigger=Finished())
    trainer.run()
    # the second extension's trigger is finished: no initialize for it
    assert log == [('init', 0), ('call', 0), ('call', 1), ('call', 2)]


def test_raising_extension_calls_on_error_of_all_then_finalize_and_reraises(tmp_path, capsys):
    trainer = make_trainer(tmp_path, stop=(5, 'iteration'))
    events = []
    boom = RuntimeError('boom at 2')

    class Watcher(extension_module.Extension):
        def __init__(self, tag):
            self.tag = tag

        def __call__(self, t):
            if self.tag == 'raiser' and t.updater.iteration == 2:
                raise boom

        def on_error(self, t, exc, tb):
            events.append(('on_error', self.tag, exc, tb is not None))
            if self.tag == 'bad_handler':
                raise ValueError('handler failed')

        def finalize(self):
            events.append(('finalize', self.tag))

    trainer.extend(Watcher('bad_handler'), name='bad', priority=300)
    trainer.extend(Watcher('raiser'), name='raiser')
    finalized = []
    orig_finalize = trainer.updater.finalize
    trainer.updater.finalize = lambda: (finalized.append(True), orig_finalize())
    with pytest.raises(RuntimeError, match='boom at 2') as info:
        trainer.run()
    assert info.value is boom
    assert events == [('on_error', 'bad_handler', boom, True), ('on_error', 'raiser', boom, True),
                      ('finalize', 'bad_handler'), ('finalize', 'raiser')]
    assert finalized == [True]
    err = capsys.readouterr().err
    assert 'Exception in main training loop: boom at 2' in err
    assert 'Exception in error handler: handler failed' in err


def test_raising_update_finalizes_and_can_be_silent(tmp_path, capsys):
    trainer = make_trainer(tmp_path, stop=(5, 'iteration'))

    def failing_update():
        raise ArithmeticError('update failed')
    trainer.updater.update = failing_update
    finalized = []

    @extension_module.make_extension(finalizer=lambda: finalized.append('ext'),
                                     on_error=lambda t, e, tb: finalized.append(type(e).__name__))
    def ext(t):
        pass
    trainer.extend(ext)
    with pytest.raises(ArithmeticError, match='update failed'):
        trainer.run(show_loop_exception_msg=False)
    assert finalized == ['ArithmeticError', 'ext']
    assert capsys.readouterr().err == ''


def test_run_twice_is_an_error(tmp_path):
    trainer = make_trainer(tmp_path, stop=(1, 'iteration'))
    trainer.run()
    with pytest.raises(RuntimeError, match='cannot run twice'):
        trainer.run()


def test_extension_names_are_deduplicated_and_written_back(tmp_path):
    trainer = make_trainer(tmp_path)

    class Plot(extension_module.Extension):
        def __call__(self, t):
            pass
    exts = [Plot(), Plot(), Plot()]
    for ext in exts:
        trainer.extend(ext)
    named = Plot()
    named.name = 'mine'
    trainer.extend(named)
    trainer.extend(Plot(), name='given')
    assert [e.name for e in exts] == ['Plot', 'Plot_1', 'Plot_2']
    assert trainer.get_extension('Plot_1') is exts[1]
    assert trainer.get_extension('mine') is named
    assert trainer.get_extension('given').name == 'given'


def test_extend_and_get_extension_errors(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.extend(lambda t: None, name='alpha')
    with pytest.raises(InvalidTrainingValue,
                       match=r"Trainer.get_extension: argument 'name' expected one of the "
                             r"registered extensions \['alpha'\], got 'beta'"):
        trainer.get_extension('beta')
    with pytest.raises(ValueError, match=r"Trainer.extend: argument 'name' expected a name other "
                                         r"than the reserved 'training', got 'training'"):
        trainer.extend(lambda t: None, name='training')

    class Nameless:
        name = None
        default_name = None

        def __call__(self, t):
            pass
    with pytest.raises(TypeError, match="Trainer.extend: argument 'name' expected a name"):
        trainer.extend(Nameless())
    with pytest.raises(TypeError, match='invoke_before_training was removed'):
        trainer.extend(lambda t: None, invoke_before_training=True)
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['foo'\]"):
        trainer.extend(lambda t: None, foo=1)


def test_constructor_extensions_and_elapsed_time(tmp_path):
    calls = []
    first = recorder(calls, 'a')
    trainer = Trainer(make_trainer(tmp_path).updater, (2, 'iteration'), out=str(tmp_path),
                      extensions=[first])
    assert trainer.get_extension('record') is first
    with pytest.raises(RuntimeError, match='training has not been started yet'):
        _ = trainer.elapsed_time
    trainer.run()
    assert calls == [('a', 1), ('a', 2)]
    elapsed = trainer.elapsed_time
    assert elapsed > 0 and trainer.elapsed_time == elapsed  # frozen after run


class Counter(extension_module.Extension):
    trigger = 1, 'epoch'

    def __init__(self):
        self.count = 0

    def __call__(self, t):
        self.count += 1

    def serialize(self, serializer):
        self.count = serializer('count', self.count)


def test_snapshot_keys_and_resume_match_an_uninterrupted_run(tmp_path):
    # uninterrupted: 6 epochs
    full = make_trainer(tmp_path / 'full', stop=(6, 'epoch'), batch=3, shuffle=False, seed=1)
    full.extend(Counter())
    initial = {name: getattr(full.updater.get_optimizer('main').target.predictor, name).array.copy()
               for name in ('W', 'b')}
    full.run()

    # interrupted after 3 epochs, saved, restored into a fresh trainer
    first = make_trainer(tmp_path / 'first', stop=(6, 'epoch'), batch=3, shuffle=False, seed=1)
    first.stop_trigger = kusari.training._util.get_trigger((3, 'epoch'))
    first.extend(Counter())
    predictor = first.updater.get_optimizer('main').target.predictor
    for name in ('W', 'b'):  # same starting point as the uninterrupted run
        getattr(predictor, name).array[...] = initial[name]
    first.run()
    path = tmp_path / 'snapshot.npz'
    save_npz(str(path), first)
    keys = set(np.load(str(path)).files)
    expected = {
        '_snapshot_elapsed_time', 'updater/iteration',
        'updater/iterator:main/current_position', 'updater/iterator:main/epoch',
        'updater/iterator:main/is_new_epoch',
        'updater/model:main/predictor/W', 'updater/model:main/predictor/b',
        'updater/optimizer:main/epoch', 'updater/optimizer:main/t',
        'extensions/Counter/count',
        'extension_triggers/Counter/previous_iteration',
        'extension_triggers/Counter/previous_epoch_detail',
        'stop_trigger/previous_iteration', 'stop_trigger/previous_epoch_detail',
    }
    assert expected <= keys, sorted(expected - keys)
    assert not [k for k in keys if k.split('/')[0] not in
                ('_snapshot_elapsed_time', 'updater', 'extensions', 'extension_triggers', 'stop_trigger')]

    resumed = make_trainer(tmp_path / 'resumed', stop=(6, 'epoch'), batch=3, shuffle=False, seed=1)
    resumed.extend(Counter())
    resumed.updater.get_optimizer('main').target.predictor.W.array[...] = 0  # load must restore it
    load_npz(str(path), resumed)
    assert resumed.updater.iteration == first.updater.iteration
    assert resumed.get_extension('Counter').count == 3
    assert resumed._snapshot_elapsed_time == pytest.approx(first.elapsed_time)
    resumed.run()
    assert resumed.updater.iteration == full.updater.iteration == 16
    assert resumed.get_extension('Counter').count == full.get_extension('Counter').count == 6
    assert resumed.elapsed_time >= first.elapsed_time
    for name in ('W', 'b'):
        np.testing.assert_allclose(
            getattr(resumed.updater.get_optimizer('main').target.predictor, name).array,
            getattr(full.updater.get_optimizer('main').target.predictor, name).array, rtol=1e-6)


def test_serialize_before_run_saves_zero_elapsed_time(tmp_path):
    trainer = make_trainer(tmp_path)
    path = tmp_path / 'fresh.npz'
    save_npz(str(path), trainer)
    assert float(np.load(str(path))['_snapshot_elapsed_time']) == 0.0
