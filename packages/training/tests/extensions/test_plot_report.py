"""PlotReport: the PNG, the plotted points, resume, the missing-matplotlib path and errors."""
import importlib
import os
import struct
import sys
import warnings

import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz, save_npz
from kusari.training.extensions import plot_report
from kusari.training.extensions.log_report import LogReport
from kusari.training.extensions.plot_report import PlotReport
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


def make_trainer(out, stop, n=12, batch=4):
    rng = np.random.RandomState(0)
    x = rng.randn(n, 3).astype(np.float32)
    t = (x.sum(1) > 0).astype(np.int32)
    model = L.Classifier(L.Linear(3, 2, initialW=np.arange(6, dtype=np.float32).reshape(2, 3) / 10))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    it = SerialIterator(list(zip(x, t)), batch, shuffle=False)
    return Trainer(StandardUpdater(it, opt), stop, out=str(out))


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n' and head[12:16] == b'IHDR'
    return struct.unpack('>II', head[16:24])


def test_plotted_points_are_the_logged_epoch_means_and_the_png_is_valid(tmp_path):
    import matplotlib.image
    trainer = make_trainer(tmp_path, (3, 'epoch'))
    log = LogReport(filename=None, log_name=None)
    plot = PlotReport(['main/loss', 'main/accuracy'], 'epoch', filename='loss.png')
    trainer.extend(log)
    trainer.extend(plot)
    trainer.run()
    for key in ('main/loss', 'main/accuracy'):
        assert plot.data[key] == [(e['epoch'], e[key]) for e in log.log]
    assert [x for x, _ in plot.data['main/loss']] == [1, 2, 3]
    width, height = png_size(tmp_path / 'loss.png')
    image = matplotlib.image.imread(tmp_path / 'loss.png')
    assert image.shape[:2] == (height, width) and width > 100 and height > 100
    # The image is not blank: the lines are drawn.
    assert image[..., :3].std() > 0.01
    assert os.listdir(tmp_path) == ['loss.png']  # atomic write: no temporary file left


def test_iteration_axis_trigger_file_name_alias_and_postprocess(tmp_path):
    trainer = make_trainer(tmp_path, (6, 'iteration'))
    losses = []
    calls = []

    def postprocess(figure, axes, summary):
        calls.append((type(figure).__name__, axes.get_xlabel(), type(summary).__name__))
        axes.set_title('custom')

    trainer.extend(lambda tr: losses.append(float(tr.observation['main/loss'].array)),
                   name='record', priority=1000)
    plot = PlotReport('main/loss', trigger=(2, 'iteration'), postprocess=postprocess,
                      file_name='old.png', marker=None, grid=False)
    trainer.extend(plot)
    trainer.run()
    assert [x for x, _ in plot.data['main/loss']] == [2, 4, 6]
    np.testing.assert_allclose([y for _, y in plot.data['main/loss']],
                               np.asarray(losses).reshape(3, 2).mean(1), rtol=1e-6)
    assert calls == [('Figure', 'iteration', 'DictSummary')] * 3
    png_size(tmp_path / 'old.png')


def test_observed_x_key_is_averaged_like_the_y_values(tmp_path):
    trainer = make_trainer(tmp_path, (4, 'iteration'))
    trainer.extend(lambda tr: kusari.report({'lr': tr.updater.iteration * 1.0}), name='lr', priority=1000)
    plot = PlotReport('main/loss', x_key='lr', trigger=(2, 'iteration'))
    trainer.extend(plot)
    trainer.run()
    # Extensions run after the update: lr observed 1 and 2, then 3 and 4.
    assert [x for x, _ in plot.data['main/loss']] == [1.5, 3.5]


def test_unknown_x_key_is_a_clear_error(tmp_path):
    trainer = make_trainer(tmp_path, (1, 'epoch'))
    trainer.extend(PlotReport('main/loss', x_key='nope'))
    with pytest.raises(KeyError, match="PlotReport: x_key 'nope' is neither"):
        trainer.run()


def test_absent_key_draws_nothing(tmp_path):
    trainer = make_trainer(tmp_path, (1, 'epoch'))
    plot = PlotReport('absent')
    trainer.extend(plot)
    trainer.run()
    assert plot.data == {'absent': []} and os.listdir(tmp_path) == []


@pytest.mark.parametrize('first_stop', [(4, 'iteration'), (2, 'epoch')])
def test_resume_keeps_the_whole_history(tmp_path, first_stop):
    whole = make_trainer(tmp_path / 'whole', (4, 'epoch'))
    whole_plot = PlotReport('main/loss')
    whole.extend(whole_plot)
    whole.run()

    first = make_trainer(tmp_path / 'first', first_stop)
    first.extend(PlotReport('main/loss'))
    first.run()
    save_npz(str(tmp_path / 'snapshot.npz'), first)
    with np.load(tmp_path / 'snapshot.npz') as npz:
        assert 'extensions/PlotReport/_plot_plot.png' in npz.files  # Chainer's key

    resumed = make_trainer(tmp_path / 'resumed', (4, 'epoch'))
    resumed_plot = PlotReport('main/loss')
    resumed.extend(resumed_plot)
    load_npz(str(tmp_path / 'snapshot.npz'), resumed)
    resumed.run()
    got, expected = resumed_plot.data['main/loss'], whole_plot.data['main/loss']
    assert [x for x, _ in got] == [x for x, _ in expected] == [3, 6, 9, 12]
    np.testing.assert_allclose([y for _, y in got], [y for _, y in expected], rtol=1e-5)


def test_a_chainer_layout_snapshot_with_only_the_points_loads(tmp_path):
    first = make_trainer(tmp_path / 'first', (2, 'epoch'))
    first_plot = PlotReport('main/loss')
    first.extend(first_plot)
    first.run()
    save_npz(str(tmp_path / 'full.npz'), first)
    with np.load(tmp_path / 'full.npz') as npz:
        chainer_like = {k: npz[k] for k in npz.files
                        if not k.startswith(('extensions/PlotReport/_trigger', 'extensions/PlotReport/_summary'))}
    np.savez(tmp_path / 'chainer_like.npz', **chainer_like)
    resumed = make_trainer(tmp_path / 'resumed', (2, 'epoch'))
    resumed_plot = PlotReport('main/loss')
    resumed.extend(resumed_plot)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        load_npz(str(tmp_path / 'chainer_like.npz'), resumed)
    # The missing trigger and summary state are named; the points load.
    messages = ' '.join(str(w.message) for w in caught)
    assert 'IntervalTrigger: the snapshot has no previous_iteration' in messages
    assert 'DictSummary.serialize' in messages
    assert resumed_plot.data == first_plot.data and len(first_plot.data['main/loss']) == 2


def test_importing_the_module_does_not_import_matplotlib():
    code = ('import sys, kusari.training.extensions.plot_report, '
            'kusari.training.extensions.variable_statistics_plot; '
            "print('matplotlib' in sys.modules)")
    import subprocess
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'False'


def test_plotting_leaves_the_pyplot_backend_alone(tmp_path):
    import matplotlib
    before = matplotlib.get_backend()
    trainer = make_trainer(tmp_path, (1, 'epoch'))
    trainer.extend(PlotReport('main/loss'))
    trainer.run()
    assert matplotlib.get_backend() == before
    assert 'matplotlib.pyplot' not in sys.modules or not sys.modules['matplotlib.pyplot'].get_fignums()


def test_missing_matplotlib_warns_once_and_does_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'matplotlib', None)  # `import matplotlib` raises ImportError
    monkeypatch.setattr(plot_report, '_warned', False)
    with pytest.warns(UserWarning, match=r'pip install kusari-training\[plot\]'):
        assert PlotReport.available() is False
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # a second warning would fail here
        plot = PlotReport('main/loss', trigger=(1, 'iteration'))
        trainer = make_trainer(tmp_path, (2, 'iteration'))
        trainer.extend(plot)
        trainer.run()
    assert plot.data == {'main/loss': []} and os.listdir(tmp_path) == []
    monkeypatch.undo()
    importlib.import_module('matplotlib')
    assert PlotReport.available() is True


@pytest.mark.parametrize('kwargs, match', [
    (dict(y_keys=None), "PlotReport: argument 'y_keys' expected a key \\(str\\) or a list of keys, got None"),
    (dict(y_keys=['a', 1]), "argument 'y_keys' expected a key"),
    (dict(y_keys='a', x_key=3), "PlotReport: argument 'x_key' expected a key \\(str\\), got 3"),
    (dict(y_keys='a', filename=''), "PlotReport: argument 'filename' expected a non-empty file name"),
    (dict(y_keys='a', postprocess=3), "PlotReport: argument 'postprocess' expected a callable or None, got int"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(InvalidType, match=match):
        PlotReport(**kwargs)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match=r"PlotReport: unexpected keyword argument\(s\) \['colour'\]"):
        PlotReport('a', colour='red')
