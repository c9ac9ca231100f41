"""A trainer snapshot written by Chainer 7.8.1 mid-epoch resumes in kusari and continues as Chainer does.

The fixture files in tests/data/ come from make_chainer_snapshot.py (run
with the reference Chainer); the expected continuation was computed there by
Chainer itself.
"""
import json
import os

import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz
from kusari.training.extensions._snapshot import snapshot
from kusari.training.extensions.log_report import LogReport
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater

DATA = os.path.join(os.path.dirname(__file__), os.pardir, "data")
SNAPSHOT = os.path.join(DATA, "chainer_snapshot_iter_4.npz")
EXPECTED = os.path.join(DATA, "chainer_snapshot_expected.npz")


def _dataset():
    # The same fixed data as make_chainer_snapshot.py.
    x = (np.arange(30, dtype=np.float32).reshape(10, 3) % 7 - 3) / 4
    t = (np.arange(10) % 2).astype(np.int32)
    return list(zip(x, t))


def _make_trainer(stop, out):
    model = L.Classifier(L.Linear(3, 2))
    optimizer = kusari.optimizers.Adam(alpha=0.05)
    optimizer.setup(model)
    it = SerialIterator(_dataset(), 4, shuffle=False)
    trainer = Trainer(StandardUpdater(it, optimizer), (stop, "iteration"), out=out)
    trainer.extend(LogReport(trigger=(1, "iteration")))
    trainer.extend(snapshot(), trigger=(4, "iteration"))
    return trainer, model, optimizer


def test_chainer_snapshot_restores_the_trainer_state(tmp_path):
    trainer, model, optimizer = _make_trainer(9, str(tmp_path))
    load_npz(SNAPSHOT, trainer)
    raw = np.load(SNAPSHOT)
    assert trainer.updater.iteration == 4
    assert trainer.updater.epoch_detail == pytest.approx(1.6)
    np.testing.assert_array_equal(model.predictor.W.array, raw["updater/model:main/predictor/W"])
    np.testing.assert_array_equal(optimizer.target.predictor.b.update_rule.state["m"],
                                  raw["updater/optimizer:main/predictor/b/m"])
    assert optimizer.t == 4
    assert [row["iteration"] for row in trainer.get_extension("LogReport").log] == [1, 2, 3, 4]


def test_chainer_snapshot_continues_as_chainer_does(tmp_path):
    trainer, model, optimizer = _make_trainer(9, str(tmp_path))
    load_npz(SNAPSHOT, trainer)
    trainer.run()
    expected = np.load(EXPECTED)
    assert trainer.updater.iteration == int(expected["iteration"])
    assert trainer.updater.epoch == int(expected["epoch"])
    assert optimizer.t == int(expected["optimizer_t"])
    for name, param in model.namedparams():
        np.testing.assert_allclose(param.array, expected["param" + name], rtol=1e-5, atol=1e-6)
        assert param.update_rule.t == int(expected["t" + name])
        for key in ("m", "v"):
            np.testing.assert_allclose(param.update_rule.state[key], expected[f"state{name}/{key}"],
                                       rtol=1e-5, atol=1e-8)
    want = json.loads(str(expected["log"]))
    got = [{k: v for k, v in row.items() if k != "elapsed_time"}
           for row in trainer.get_extension("LogReport").log]
    assert [sorted(row) for row in got] == [sorted(row) for row in want]
    for row_got, row_want in zip(got, want):
        assert row_got["iteration"] == row_want["iteration"]
        assert row_got["epoch"] == row_want["epoch"]
        assert row_got["main/loss"] == pytest.approx(row_want["main/loss"], rel=1e-5)
        assert row_got["main/accuracy"] == pytest.approx(row_want["main/accuracy"])
    # The resumed kusari trainer's own snapshot at iteration 8 uses the same key layout.
    written = set(np.load(os.path.join(str(tmp_path), "snapshot_iter_8")).files)
    assert written == set(np.load(SNAPSHOT).files)
