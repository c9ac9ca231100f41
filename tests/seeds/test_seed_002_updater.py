# ruff: noqa: B007  (the seed's loops keep their unused names)
"""Seed 002: a Chainer-v6-style StandardUpdater subclass (no parent __init__, assigns device).

The class body is the seed's code with ``chainer`` -> ``kusari`` only.  ``six``
is not installed (Python 2 compatibility library); a stand-in with the one
function the seed calls keeps its code unchanged.
"""
import types

import numpy as np

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import cuda, reporter, training  # noqa: F401  (the seed imports them)
from kusari.dataset import convert
from kusari.dataset import iterator as iterator_module
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz, save_npz

six = types.SimpleNamespace(iteritems=lambda d: iter(d.items()))


# ---- the seed's code -------------------------------------------------------------
class MyUpdater(training.StandardUpdater):
    def __init__(self, iterator, base_cnn, classifiers, base_cnn_optimizer, cl_optimizers, converter=convert.concat_examples, device=None):
        if isinstance(iterator, iterator_module.Iterator):
            iterator = {'main':iterator}
        self._iterators = iterator
        self.base_cnn = base_cnn
        self.classifiers = classifiers

        self._optimizers = {}
        self._optimizers['base_cnn_opt'] = base_cnn_optimizer
        for i in range(0, len(cl_optimizers)):
            self._optimizers[str(i)] = cl_optimizers[i]

        self.converter = convert.concat_examples
        self.device = device
        self.iteration = 0

    def update_core(self):
        iterator = self._iterators['main'].next()
        in_arrays = self.converter(iterator, self.device)

        xp = np if int(self.device) == -1 else cuda.cupy
        x_batch = xp.array(in_arrays[0])
        t_batch = xp.array(in_arrays[1])
        y = self.base_cnn(x_batch)

        loss_dic = {}
        for i, classifier in enumerate(self.classifiers):
            loss = classifier(y, t_batch[:,i])
            loss_dic[str(i)] = loss

        for name, optimizer in six.iteritems(self._optimizers):
            optimizer.target.cleargrads()

        for name, loss in six.iteritems(loss_dic):
            loss.backward()

        for name, optimizer in six.iteritems(self._optimizers):
            optimizer.update()
# ---- end of the seed's code ----------------------------------------------------------


class BaseNet(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.fc = L.Linear(4, 6)

    def __call__(self, x):
        return F.relu(self.fc(x))


def make_dataset(n=16):
    rng = np.random.RandomState(0)
    x = rng.randn(n, 4).astype(np.float32)
    t = np.stack([(x[:, 0] > 0), (x[:, 1] + x[:, 2] > 0)], axis=1).astype(np.int32)
    return [(x[i], t[i]) for i in range(n)]


def build(out, epochs=20):
    np.random.seed(0)
    base = BaseNet()
    classifiers = [L.Classifier(L.Linear(6, 2)) for _ in range(2)]
    base_opt = kusari.optimizers.Adam(alpha=0.01)
    base_opt.setup(base)
    cl_opts = []
    for c in classifiers:
        opt = kusari.optimizers.Adam(alpha=0.01)
        opt.setup(c)
        cl_opts.append(opt)
    updater = MyUpdater(SerialIterator(make_dataset(), 4, shuffle=False), base, classifiers,
                        base_opt, cl_opts, device=-1)
    return training.Trainer(updater, (epochs, 'epoch'), out=str(out)), base, classifiers


def test_seed_002_updater_trains_on_the_trainer(tmp_path):
    trainer, base, classifiers = build(tmp_path)
    base_w0 = base.fc.W.array.copy()
    log = []
    trainer.extend(lambda t: log.append({k: float(v.array) for k, v in t.observation.items()}),
                   name='record')
    epochs = []
    trainer.extend(lambda t: epochs.append(t.updater.epoch_detail), name='epochs', trigger=(1, 'epoch'))
    trainer.run()
    updater = trainer.updater
    # 16 examples, batch 4: 4 iterations per epoch, 20 epochs
    assert updater.iteration == 80 and updater.epoch == 20
    assert epochs == [float(e) for e in range(1, 21)]
    assert updater.device == -1  # kept as the subclass assigned it
    # each classifier reports under its optimizer's name
    assert {'0/loss', '0/accuracy', '1/loss', '1/accuracy'} == set(log[0])
    for key in ('0/loss', '1/loss'):
        first = np.mean([row[key] for row in log[:4]])
        last = np.mean([row[key] for row in log[-4:]])
        assert last < 0.6 * first, (key, first, last)
    # the shared base network learns from both losses
    assert not np.allclose(base.fc.W.array, base_w0)
    assert all(opt.t == 80 for opt in updater.get_all_optimizers().values())


def test_seed_002_updater_snapshot_round_trip(tmp_path):
    trainer, base, classifiers = build(tmp_path / 'a', epochs=2)
    trainer.run()
    path = str(tmp_path / 'snap.npz')
    save_npz(path, trainer)
    keys = set(np.load(path).files)
    assert {'updater/iteration', 'updater/iterator:main/current_position',
            'updater/optimizer:base_cnn_opt/t', 'updater/optimizer:0/t', 'updater/optimizer:1/t',
            'updater/model:base_cnn_opt/fc/W', 'updater/model:0/predictor/W',
            'updater/model:1/predictor/b'} <= keys

    resumed, base2, classifiers2 = build(tmp_path / 'b', epochs=3)
    load_npz(path, resumed)
    assert resumed.updater.iteration == 8 and resumed.updater.epoch == 2
    np.testing.assert_array_equal(base2.fc.W.array, base.fc.W.array)
    resumed.run()
    assert resumed.updater.iteration == 12
