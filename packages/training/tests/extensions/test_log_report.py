"""LogReport: entries, the JSON file, options, and resuming from a snapshot."""
import json
import os

import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz, save_npz
from kusari.training.extensions.log_report import LogReport
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater


def make_trainer(out, stop, n=12, batch=4, shuffle=False):
    rng = np.random.RandomState(0)
    x = rng.randn(n, 3).astype(np.float32)
    t = (x.sum(1) > 0).astype(np.int32)
    model = L.Classifier(L.Linear(3, 2, initialW=np.arange(6, dtype=np.float32).reshape(2, 3) / 10))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    it = SerialIterator(list(zip(x, t)), batch, shuffle=shuffle)
    return Trainer(StandardUpdater(it, opt), stop, out=str(out))


def record_losses(trainer):
    losses = []
    trainer.extend(lambda tr: losses.append((tr.updater.epoch,
                                             float(tr.observation['main/loss'].array))),
                   name='record')
    return losses


def test_entries_are_epoch_means_and_match_the_json_file(tmp_path):
    trainer = make_trainer(tmp_path, (3, 'epoch'))
    report = LogReport()
    trainer.extend(report)
    losses = record_losses(trainer)
    trainer.run()
    log = report.log
    assert [(e['epoch'], e['iteration']) for e in log] == [(1, 3), (2, 6), (3, 9)]
    for entry in log:
        # The recorder runs after LogReport on the epoch's last iteration: same epoch number there.
        epoch_losses = [loss for epoch, loss in losses[(entry['epoch'] - 1) * 3:entry['epoch'] * 3]]
        np.testing.assert_allclose(entry['main/loss'], np.mean(epoch_losses), rtol=1e-6)
        assert set(entry) == {'main/loss', 'main/accuracy', 'epoch', 'iteration', 'elapsed_time'}
        assert all(type(v) in (int, float) for v in entry.values())
    times = [e['elapsed_time'] for e in log]
    assert times == sorted(times) and times[0] > 0
    with open(tmp_path / 'log') as f:
        assert json.load(f) == log
    assert os.listdir(tmp_path) == ['log']  # atomic write: no temporary file left behind


def test_keys_postprocess_trigger_and_filename_template(tmp_path):
    trainer = make_trainer(tmp_path, (4, 'iteration'))

    def postprocess(entry):
        entry['double'] = entry['main/loss'] * 2

    report = LogReport(keys=['main/loss', 'absent'], trigger=(2, 'iteration'),
                       postprocess=postprocess, filename='log_{iteration}')
    trainer.extend(report)
    trainer.run()
    assert [sorted(e) for e in report.log] == [
        ['double', 'elapsed_time', 'epoch', 'iteration', 'main/loss']] * 2
    assert all(e['double'] == 2 * e['main/loss'] for e in report.log)
    assert sorted(os.listdir(tmp_path)) == ['log_2', 'log_4']
    with open(tmp_path / 'log_2') as f:
        assert json.load(f) == report.log[:1]
    with open(tmp_path / 'log_4') as f:
        assert json.load(f) == report.log


def test_log_name_alias_and_no_file(tmp_path):
    trainer = make_trainer(tmp_path / 'a', (1, 'epoch'))
    trainer.extend(LogReport(log_name='old_style'))
    trainer.run()
    assert os.listdir(tmp_path / 'a') == ['old_style']
    trainer = make_trainer(tmp_path / 'b', (1, 'epoch'))
    report = LogReport(log_name=None)
    trainer.extend(report)
    trainer.run()
    assert os.listdir(tmp_path / 'b') == [] and len(report.log) == 1


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError, match=r"LogReport: unexpected keyword argument\(s\) \['name'\]"):
        LogReport(name='x')


def without_time(log):
    return [{k: v for k, v in entry.items() if k != 'elapsed_time'} for entry in log]


@pytest.mark.parametrize('first_stop', [(2, 'epoch'), (4, 'iteration')])
def test_resume_from_snapshot_continues_the_same_log(tmp_path, first_stop):
    # Epochs of 3 iterations; (4, 'iteration') stops mid-epoch, so the summary must be restored.
    whole = make_trainer(tmp_path / 'whole', (4, 'epoch'))
    whole_report = LogReport()
    whole.extend(whole_report)
    whole.run()

    first = make_trainer(tmp_path / 'first', first_stop)
    first.extend(LogReport())
    first.run()
    save_npz(str(tmp_path / 'snapshot.npz'), first)

    resumed = make_trainer(tmp_path / 'resumed', (4, 'epoch'))
    resumed_report = LogReport()
    resumed.extend(resumed_report)
    load_npz(str(tmp_path / 'snapshot.npz'), resumed)
    resumed.run()

    assert len(resumed_report.log) == 4
    expected = without_time(whole_report.log)
    got = without_time(resumed_report.log)
    assert [(e['epoch'], e['iteration']) for e in got] == [(1, 3), (2, 6), (3, 9), (4, 12)]
    for e, g in zip(expected, got):
        assert e.keys() == g.keys()
        for key in e:
            np.testing.assert_allclose(g[key], e[key], rtol=1e-6, err_msg=key)
    with open(tmp_path / 'resumed' / 'log') as f:
        assert without_time(json.load(f)) == got
    # Elapsed time keeps growing across the resume.
    times = [e['elapsed_time'] for e in resumed_report.log]
    assert times == sorted(times)
