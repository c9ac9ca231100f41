# ruff: noqa: B007  (the seed's loops keep their unused names)
"""Seed 004 (Chainer's "Introduction to Chainer" tutorial): the Trainer, Dataset, Iterator and Extension parts.

The tutorial's MNIST multi-layer perceptron, in its Chainer v7 form with only
the import changed (``chainer`` -> ``kusari``): ``SerialIterator`` for the
training set and ``SerialIterator(repeat=False, shuffle=False)`` for the test
set, ``L.Classifier(MLP())``, ``optimizers.SGD``, ``training.StandardUpdater``,
``training.Trainer(updater, (20, 'epoch'), out='result')``, then the
extensions ``Evaluator``, ``LogReport``, ``PrintReport``, ``ProgressBar`` and
``snapshot``; also the tutorial's own ``Classifier`` that calls ``report``, and
the pre-Trainer manual loop that evaluates the test set through
``model.accuracy``.

No download here: ``datasets.get_mnist()`` is replaced by the same shapes
and dtypes built from scikit-learn's real 8x8 digits (offline, through
``kusari.datasets.get_digits``), each image scaled up 3x and padded to 28x28,
flattened to 784 float32 values in [0, 1] with int32 labels: a small MNIST.

The tutorial calls ``trainer.run()`` a second time after adding the
extensions; Chainer v7 refuses to run a finished Trainer (RuntimeError), so
the v7 form builds a second Trainer for the run with extensions.
"""
import io
import json

import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import Chain, datasets, iterators, optimizers, report, serializers, training
from kusari.dataset import concat_examples
from kusari.training import extensions

N_TRAIN, N_TEST = 500, 200



def small_mnist():
    """``(train, test)`` TupleDatasets shaped like ``get_mnist()``'s: (784,) float32, int32 labels."""
    digits = np.concatenate(datasets.get_digits(withlabel=False, ndim=2))  # (1797, 8, 8) in [0, 1]
    labels = np.concatenate([concat_examples(d[:])[1] for d in datasets.get_digits()])
    big = np.kron(digits[:N_TRAIN + N_TEST], np.ones((3, 3), np.float32))  # 24x24
    images = np.pad(big, ((0, 0), (2, 2), (2, 2))).reshape(-1, 784).astype(np.float32)
    labels = labels[:N_TRAIN + N_TEST].astype(np.int32)
    return (datasets.TupleDataset(images[:N_TRAIN], labels[:N_TRAIN]),
            datasets.TupleDataset(images[N_TRAIN:], labels[N_TRAIN:]))


# ---- the tutorial's code -------------------------------------------------------
class MLP(Chain):
    def __init__(self):
        super(MLP, self).__init__(
            l1=L.Linear(784, 100),
            l2=L.Linear(100, 100),
            l3=L.Linear(100, 10),
        )

    def __call__(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        y = self.l3(h2)
        return y


class Classifier(Chain):
    def __init__(self, predictor):
        super(Classifier, self).__init__(predictor=predictor)

    def __call__(self, x, t):
        y = self.predictor(x)
        loss = F.softmax_cross_entropy(y, t)
        accuracy = F.accuracy(y, t)
        report({'loss': loss, 'accuracy': accuracy}, self)
        return loss
# ---- end of the tutorial's code ---------------------------------------------------


def test_small_mnist_has_get_mnists_shapes_and_dtypes():
    train, test = small_mnist()
    x, t = train[0]
    assert x.shape == (784,) and x.dtype == np.float32 and 0.0 <= x.min() and x.max() <= 1.0
    assert t.dtype == np.int32 and len(train) == N_TRAIN and len(test) == N_TEST
    assert set(np.unique(concat_examples(test[:])[1])) == set(range(10))


def test_the_tutorial_trainer_run(tmp_path, monkeypatch):
    np.random.seed(0)
    monkeypatch.chdir(tmp_path)  # out='result' as in the tutorial
    train, test = small_mnist()

    train_iter = iterators.SerialIterator(train, batch_size=100)
    test_iter = iterators.SerialIterator(test, batch_size=100, repeat=False, shuffle=False)

    model = L.Classifier(MLP())
    optimizer = optimizers.SGD()
    optimizer.setup(model)

    updater = training.StandardUpdater(train_iter, optimizer)
    trainer = training.Trainer(updater, (20, 'epoch'), out='result')

    def test_loss():
        # repeat=False: one pass over the test set, then StopIteration; reset() rewinds it
        test_iter.reset()
        losses = []
        with kusari.using_config('train', False), kusari.no_backprop_mode():
            for batch in test_iter:
                x, t = concat_examples(batch)
                losses.append(float(F.softmax_cross_entropy(model.predictor(x), t).array) * len(t))
        assert len(losses) == N_TEST // 100
        return sum(losses) / N_TEST

    loss_before = test_loss()
    trainer.run()
    assert updater.iteration == 20 * N_TRAIN // 100 and updater.epoch == 20
    loss_after = test_loss()
    assert loss_after < 0.9 * loss_before  # SGD at its default lr=0.01: slow but steady
    with pytest.raises(RuntimeError):  # as in Chainer v7: a Trainer runs once
        trainer.run()



def test_the_tutorials_run_with_extensions(tmp_path, monkeypatch):
    # The tutorial adds the extensions and calls run() again; a finished v7 Trainer
    # cannot run again, so the v7 form sets up afresh, extends, then runs.
    np.random.seed(0)
    monkeypatch.chdir(tmp_path)  # out='result' as in the tutorial
    train, test = small_mnist()
    train_iter = iterators.SerialIterator(train, batch_size=100)
    test_iter = iterators.SerialIterator(test, batch_size=100, repeat=False, shuffle=False)
    model = L.Classifier(MLP())
    optimizer = optimizers.SGD()
    optimizer.setup(model)
    updater = training.StandardUpdater(train_iter, optimizer)
    trainer = training.Trainer(updater, (20, 'epoch'), out='result')

    trainer.extend(extensions.Evaluator(test_iter, model))
    trainer.extend(extensions.LogReport())
    # The tutorial prints to sys.stdout (the default); a buffer here, to read it back.
    stdout = io.StringIO()
    trainer.extend(extensions.PrintReport(['epoch', 'main/accuracy', 'validation/main/accuracy'],
                                          out=stdout))
    trainer.extend(extensions.ProgressBar(out=stdout))
    trainer.extend(extensions.snapshot())
    trainer.run()

    with open(tmp_path / 'result' / 'log') as f:
        log = json.load(f)
    assert [entry['epoch'] for entry in log] == list(range(1, 21))
    assert {'main/loss', 'main/accuracy', 'validation/main/loss', 'validation/main/accuracy',
            'epoch', 'iteration', 'elapsed_time'} <= set(log[0])
    assert log[-1]['main/loss'] < log[0]['main/loss']
    assert log[-1]['validation/main/accuracy'] > 0.3  # ten classes: chance is 0.1; SGD lr=0.01 is slow

    out = stdout.getvalue()
    header = out.splitlines()[0].split()
    assert header == ['epoch', 'main/accuracy', 'validation/main/accuracy']
    last_row = [line.split() for line in out.splitlines() if line.split()[:1] == ['20']]
    assert len(last_row) == 1
    assert float(last_row[0][2]) == pytest.approx(log[-1]['validation/main/accuracy'], abs=1e-4)
    assert 'this epoch' in out and 'iters/sec' in out  # the progress bar

    # snapshot(): the whole Trainer, loaded into a fresh one.
    path = tmp_path / 'result' / f'snapshot_iter_{updater.iteration}'
    assert path.exists()
    model2 = L.Classifier(MLP())
    optimizer2 = optimizers.SGD()
    optimizer2.setup(model2)
    trainer2 = training.Trainer(
        training.StandardUpdater(iterators.SerialIterator(train, batch_size=100), optimizer2),
        (20, 'epoch'), out=str(tmp_path / 'resumed'))
    serializers.load_npz(str(path), trainer2)
    assert trainer2.updater.iteration == updater.iteration and trainer2.updater.epoch == 20
    for (name, p), (name2, p2) in zip(sorted(model.namedparams()), sorted(model2.namedparams()),
                                      strict=True):
        assert name == name2
        np.testing.assert_array_equal(p.array, p2.array)


def test_the_tutorials_own_classifier_reports_through_the_trainer(tmp_path):
    np.random.seed(1)
    train, test = small_mnist()
    model = Classifier(MLP())
    optimizer = optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    train_iter = iterators.SerialIterator(train, batch_size=100)
    test_iter = iterators.SerialIterator(test, batch_size=100, repeat=False, shuffle=False)
    trainer = training.Trainer(training.StandardUpdater(train_iter, optimizer), (5, 'epoch'),
                               out=str(tmp_path))
    trainer.extend(extensions.Evaluator(test_iter, model))
    trainer.extend(extensions.LogReport())
    trainer.run()
    with open(tmp_path / 'log') as f:
        log = json.load(f)
    assert len(log) == 5
    assert log[-1]['main/loss'] < log[0]['main/loss']
    assert log[-1]['validation/main/accuracy'] > 0.5


def test_the_pre_trainer_loop_and_the_test_set_evaluation():
    # The tutorial's loop before the Trainer (1.11-): optimizer.update(model, x, t),
    # then the test set through model(x, t) and model.accuracy.
    np.random.seed(2)
    train, test = small_mnist()
    x_train, y_train = concat_examples(train[:])
    x_test, y_test = concat_examples(test[:])
    model = L.Classifier(MLP())
    optimizer = optimizers.SGD(lr=0.1)
    optimizer.setup(model)

    def evaluate():
        sum_loss, sum_accuracy = 0, 0
        for i in range(0, N_TEST, batchsize):
            x = kusari.Variable(x_test[i : i + batchsize])
            t = kusari.Variable(y_test[i : i + batchsize])
            loss = model(x, t)
            sum_loss += loss.data * batchsize
            sum_accuracy += model.accuracy.data * batchsize
        return sum_loss / N_TEST, sum_accuracy / N_TEST

    batchsize = 100
    datasize = N_TRAIN
    loss_before, _ = evaluate()
    # Chainer v7 keeps zerograds() but warns that cleargrads() replaces it.
    with pytest.warns(DeprecationWarning, match='cleargrads'):
        for epoch in range(20):
            indexes = np.random.permutation(datasize)
            for i in range(0, datasize, batchsize):
                x = kusari.Variable(x_train[indexes[i : i + batchsize]])
                t = kusari.Variable(y_train[indexes[i : i + batchsize]])
                model.zerograds()
                loss = model(x, t)
                loss.backward()
                optimizer.update()
    mean_loss, mean_accuracy = evaluate()
    assert mean_loss < 0.5 * loss_before
    assert mean_accuracy > 0.7
    assert optimizer.t == 20 * datasize // batchsize
