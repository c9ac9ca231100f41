"""VariableStatisticsPlot: sampled statistics equal NumPy's, the PNG, reservoir, missing matplotlib, errors."""
import os
import struct
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.training._util import InvalidTrainingValue
from kusari.training.extensions import plot_report
from kusari.training.extensions.variable_statistics_plot import Reservoir, VariableStatisticsPlot
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType

SIGMAS = (0, 0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87, 100)


def make_trainer(out, stop):
    rng = np.random.RandomState(0)
    x = rng.randn(8, 3).astype(np.float32)
    t = (x.sum(1) > 0).astype(np.int32)
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    trainer = Trainer(StandardUpdater(SerialIterator(list(zip(x, t)), 4, shuffle=False), opt),
                      stop, out=str(out))
    return trainer, model


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    assert head[:8] == b'\x89PNG\r\n\x1a\n' and head[12:16] == b'IHDR'
    return struct.unpack('>II', head[16:24])


def expected_row(arrays):
    flat = np.concatenate([a.ravel() for a in arrays])
    return np.concatenate([[flat.mean(), flat.std()], np.percentile(flat, SIGMAS)])


def test_samples_are_the_statistics_of_data_and_grad_each_iteration(tmp_path):
    import matplotlib
    trainer, model = make_trainer(tmp_path, (2, 'epoch'))
    recorded = []
    # Runs after the extension (lower priority): sees the same parameters and gradients.
    trainer.extend(lambda tr: recorded.append(
        [expected_row([p.array for p in model.params()]), expected_row([p.grad for p in model.params()])]),
        name='record', priority=-1000)
    ext = VariableStatisticsPlot(model, figsize=(4, 3))
    trainer.extend(ext)
    trainer.run()
    idxs, data = ext.samples.get_data()
    assert idxs.tolist() == [1, 2, 3, 4]
    assert data.shape == (4, 2, 2 + len(SIGMAS)) and data.dtype == np.float32
    np.testing.assert_allclose(data, np.asarray(recorded), rtol=1e-5, atol=1e-6)
    dpi = matplotlib.rcParams['savefig.dpi']
    dpi = matplotlib.rcParams['figure.dpi'] if dpi == 'figure' else dpi
    assert png_size(tmp_path / 'statistics.png') == (round(4 * dpi), round(3 * dpi))
    assert os.listdir(tmp_path) == ['statistics.png']


@given(st.lists(st.floats(-10, 10, width=32), min_size=1, max_size=4),
       st.lists(st.floats(-10, 10, width=32), min_size=1, max_size=4),
       st.sampled_from([(50,), (10, 90), (0, 50, 100)]),
       st.booleans(), st.booleans())
@settings(max_examples=20, deadline=None)
def test_statistics_of_several_variables_match_numpy(a, b, sigmas, plot_mean, plot_std):
    from types import SimpleNamespace
    va = kusari.Variable(np.asarray(a, np.float32))
    vb = kusari.Variable(np.asarray(b, np.float32))
    ext = VariableStatisticsPlot([va, [vb]], report_grad=False, plot_mean=plot_mean, plot_std=plot_std,
                                 percentile_sigmas=sigmas, trigger=(100, 'iteration'))
    ext(SimpleNamespace(updater=SimpleNamespace(iteration=1, epoch_detail=0.1, previous_epoch_detail=0.0)))
    flat = np.concatenate([np.asarray(a, np.float32), np.asarray(b, np.float32)])
    expected = ([flat.mean()] if plot_mean else []) + ([flat.std()] if plot_std else [])
    expected = np.concatenate([expected, np.percentile(flat, sigmas)])
    np.testing.assert_allclose(ext.samples.get_data()[1][0, 0], expected, rtol=1e-5, atol=1e-5)


def test_missing_gradients_are_nan_and_options_draw(tmp_path):
    from types import SimpleNamespace
    v = kusari.Variable(np.arange(4, dtype=np.float32))
    ext = VariableStatisticsPlot(v, plot_std=False, percentile_sigmas=(10, 50, 90, 100),
                                 trigger=(1, 'iteration'), filename='s.png', marker='o', grid=False)
    ext(SimpleNamespace(updater=SimpleNamespace(iteration=1, epoch_detail=0.1, previous_epoch_detail=0.0),
                        out=str(tmp_path)))
    data = ext.samples.get_data()[1][0]
    assert np.isnan(data[1]).all() and not np.isnan(data[0]).any()
    png_size(tmp_path / 's.png')


def test_reservoir_keeps_a_uniform_sample_in_index_order():
    np.random.seed(0)
    hits = np.zeros(20)
    for _ in range(300):
        r = Reservoir(5, data_shape=())
        for i in range(20):
            r.add(float(i), idx=i)
        idxs, data = r.get_data()
        assert len(idxs) == 5 and (np.diff(idxs) > 0).all() and (data == idxs).all()
        hits[idxs] += 1
    # Each item is kept with probability 5/20: 75 of 300 expected; a wide band against flakiness.
    assert hits.min() > 40 and hits.max() < 115


def test_missing_matplotlib_warns_once_and_does_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, 'matplotlib', None)
    monkeypatch.setattr(plot_report, '_warned', False)
    trainer, model = make_trainer(tmp_path, (2, 'iteration'))
    with pytest.warns(UserWarning, match=r'(?s)VariableStatisticsPlot: matplotlib is not installed.*'
                                         r'pip install kusari-training\[plot\]'):
        ext = VariableStatisticsPlot(model, trigger=(1, 'iteration'))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert VariableStatisticsPlot.available() is False
        trainer.extend(ext)
        trainer.run()
    assert ext.samples.counter == 0 and os.listdir(tmp_path) == []


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(targets=[]), InvalidTrainingValue,
     "VariableStatisticsPlot: argument 'targets' expected at least one Variable"),
    (dict(targets=3), InvalidType,
     "VariableStatisticsPlot: argument 'targets' expected a Variable, a Link or a list of them, got int"),
    (dict(plot_mean=False, plot_std=False, percentile_sigmas=()), InvalidTrainingValue,
     "argument 'plot_mean/plot_std/percentile_sigmas' expected something to plot"),
    (dict(report_data=False, report_grad=False), InvalidTrainingValue,
     "argument 'report_data/report_grad' expected data or grad to report"),
    (dict(percentile_sigmas=(50, 101)), InvalidTrainingValue,
     r"argument 'percentile_sigmas' expected percentiles in \[0, 100\], got \(50, 101\)"),
    (dict(max_sample_size=0), InvalidTrainingValue,
     "argument 'max_sample_size' expected a positive int, got 0"),
    (dict(filename=3), InvalidType, "argument 'filename' expected a non-empty file name"),
])
def test_bad_arguments(kwargs, error, match):
    kwargs.setdefault('targets', kusari.Variable(np.zeros(2, np.float32)))
    with pytest.raises(error, match=match):
        VariableStatisticsPlot(**kwargs)


def test_file_name_alias_and_unknown_keyword(tmp_path):
    from types import SimpleNamespace
    ext = VariableStatisticsPlot(kusari.Variable(np.ones(3, np.float32)), file_name='old.png',
                                 trigger=(1, 'iteration'))
    ext(SimpleNamespace(updater=SimpleNamespace(iteration=1, epoch_detail=0.1, previous_epoch_detail=0.0),
                        out=str(tmp_path)))
    assert os.listdir(tmp_path) == ['old.png']
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['colour'\]"):
        VariableStatisticsPlot(kusari.Variable(np.ones(3, np.float32)), colour='r')
