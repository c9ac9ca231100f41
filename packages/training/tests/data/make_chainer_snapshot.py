"""Write the Chainer-made trainer snapshot that test_chainer_snapshot.py resumes in kusari.

Run with the reference Chainer 7.8.1 (not part of the test suite)::

    /root/.cache/kusari-ref/chainer/bin/python -W ignore make_chainer_snapshot.py

It trains a tiny Classifier(Linear(3, 2)) with Adam on a fixed 10-example
dataset (SerialIterator, batch 4, no shuffling, so batches wrap across
epochs), with LogReport every iteration and a trainer snapshot, and stops
at iteration 4 (epoch_detail 1.6: mid-epoch).  The snapshot is written to
``chainer_snapshot_iter_4.npz``.

Then, as Chainer would resume, it builds a fresh trainer of the same setup
with stop trigger (CONTINUE_TO, 'iteration'), loads the snapshot and runs on;
the final parameters, Adam state, iteration/epoch and the log (without the
wall-clock ``elapsed_time``) go to ``chainer_snapshot_expected.npz``.
"""
import json
import os
import shutil
import tempfile

import chainer
import chainer.links as L
import numpy as np
from chainer import training
from chainer.training import extensions

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT_AT = 4
CONTINUE_TO = 9


def dataset():
    x = (np.arange(30, dtype=np.float32).reshape(10, 3) % 7 - 3) / 4
    t = (np.arange(10) % 2).astype(np.int32)
    return list(zip(x, t))


def make_trainer(stop, out):
    np.random.seed(0)
    model = L.Classifier(L.Linear(3, 2))
    optimizer = chainer.optimizers.Adam(alpha=0.05)
    optimizer.setup(model)
    it = chainer.iterators.SerialIterator(dataset(), 4, shuffle=False)
    updater = training.updaters.StandardUpdater(it, optimizer)
    trainer = training.Trainer(updater, (stop, 'iteration'), out=out)
    trainer.extend(extensions.LogReport(trigger=(1, 'iteration')))
    trainer.extend(extensions.snapshot(filename='snapshot_iter_{.updater.iteration}'),
                   trigger=(SNAPSHOT_AT, 'iteration'))
    return trainer, model, optimizer


def main():
    out = tempfile.mkdtemp()
    try:
        trainer, _, _ = make_trainer(SNAPSHOT_AT, out)
        trainer.run()
        snap = os.path.join(out, 'snapshot_iter_%d' % SNAPSHOT_AT)
        shutil.copy(snap, os.path.join(HERE, 'chainer_snapshot_iter_%d.npz' % SNAPSHOT_AT))

        out2 = tempfile.mkdtemp(dir=out)
        trainer, model, optimizer = make_trainer(CONTINUE_TO, out2)
        chainer.serializers.load_npz(snap, trainer)
        trainer.run()
        expected = {'param' + name: p.array for name, p in model.namedparams()}
        for name, p in model.namedparams():
            for key, value in p.update_rule.state.items():
                expected['state' + name + '/' + key] = value
            expected['t' + name] = np.array(p.update_rule.t)
        expected['optimizer_t'] = np.array(optimizer.t)
        expected['iteration'] = np.array(trainer.updater.iteration)
        expected['epoch'] = np.array(trainer.updater.epoch)
        log = trainer.get_extension('LogReport').log
        expected['log'] = np.array(json.dumps(
            [{k: v for k, v in row.items() if k != 'elapsed_time'} for row in log]))
        np.savez(os.path.join(HERE, 'chainer_snapshot_expected.npz'), **expected)
    finally:
        shutil.rmtree(out)


if __name__ == '__main__':
    main()
