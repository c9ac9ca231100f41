"""Seed 000, part 1: the Trainer of Chainer's train_mnist.py, piece by piece.

The slides walk through train_mnist.py: ``L.Classifier(MLP(args.unit, 10))``,
``optimizers.Adam``, ``SerialIterator`` (train) and
``SerialIterator(repeat=False, shuffle=False)`` (test),
``training.StandardUpdater(train_iter, optimizer, device=args.gpu)``,
``training.Trainer(updater, (args.epoch, 'epoch'), out=args.out)``, the
extensions ``Evaluator``, ``dump_graph``, ``snapshot``, ``LogReport``,
``PrintReport`` and ``ProgressBar``; then what each part does inside:
the Trainer calls ``update()`` until the stop trigger fires, each update
takes a batch, converts it, and calls ``optimizer.update(loss_func, *in_vars)``
(cleargrads, forward, backward, update), ``epoch_detail`` is
``epoch + current_position / len(dataset)``, the Classifier reports loss and
accuracy, the Evaluator runs the test set without backprop.

The code is the example's, with ``chainer`` -> ``kusari`` in its v7 form
(``args.gpu`` -> ``-1``, the CPU).  No download: scikit-learn's 8x8 digits
(offline, ``kusari.datasets.get_digits``) stand in for MNIST, which the MLP
accepts unchanged because its first ``Linear`` infers its input size.
"""
import io
import json
import re

import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.training import extensions

GPU = -1  # args.gpu



# ---- the example's code ----------------------------------------------------------
class MLP(kusari.Chain):

    def __init__(self, n_units, n_out):
        super(MLP, self).__init__()
        with self.init_scope():
            # the size of the inputs to each layer will be inferred
            self.l1 = L.Linear(None, n_units)  # n_in -> n_units
            self.l2 = L.Linear(None, n_units)  # n_units -> n_units
            self.l3 = L.Linear(None, n_out)  # n_units -> n_out

    def __call__(self, x):
        h1 = F.relu(self.l1(x))
        h2 = F.relu(self.l2(h1))
        return self.l3(h2)
# ---- end of the example's code ---------------------------------------------------------


def build(out, epoch=3, unit=50, batchsize=100, n_train=600, n_test=300):
    np.random.seed(0)
    model = L.Classifier(MLP(unit, 10))
    optimizer = kusari.optimizers.Adam()
    optimizer.setup(model)

    train, test = kusari.datasets.get_digits()  # train, test = chainer.datasets.get_mnist()
    train = kusari.datasets.SubDataset(train, 0, n_train)
    test = kusari.datasets.SubDataset(test, 0, n_test) if n_test < len(test) else test

    train_iter = kusari.iterators.SerialIterator(train, batchsize)
    test_iter = kusari.iterators.SerialIterator(test, batchsize, repeat=False, shuffle=False)

    updater = training.StandardUpdater(train_iter, optimizer, device=GPU)
    trainer = training.Trainer(updater, (epoch, 'epoch'), out=str(out))
    trainer.extend(extensions.Evaluator(test_iter, model, device=GPU))
    return trainer, model, optimizer


def test_train_mnist_trainer_with_its_extensions(tmp_path):
    trainer, model, optimizer = build(tmp_path, epoch=5, batchsize=25)
    trainer.extend(extensions.snapshot(), trigger=(5, 'epoch'))
    trainer.extend(extensions.LogReport())
    stdout = io.StringIO()  # the example prints to sys.stdout; a buffer here, to read it
    trainer.extend(extensions.PrintReport(
        ['epoch', 'main/loss', 'validation/main/loss',
         'main/accuracy', 'validation/main/accuracy', 'elapsed_time'], out=stdout))
    trainer.extend(extensions.ProgressBar(out=stdout))
    trainer.run()

    assert trainer.updater.iteration == 5 * 600 // 25 and trainer.updater.epoch == 5
    with open(tmp_path / 'log') as f:
        log = json.load(f)
    assert [e['epoch'] for e in log] == [1, 2, 3, 4, 5]
    assert [e['iteration'] for e in log] == [24, 48, 72, 96, 120]
    assert log[-1]['main/loss'] < log[0]['main/loss']
    assert log[-1]['validation/main/loss'] < log[0]['validation/main/loss']
    assert log[-1]['validation/main/accuracy'] > 0.4  # ten classes: chance is 0.1
    lines = stdout.getvalue().splitlines()
    assert lines[0].split() == ['epoch', 'main/loss', 'validation/main/loss', 'main/accuracy',
                                'validation/main/accuracy', 'elapsed_time']
    row = next(line.split() for line in lines if line.split()[:1] == ['5'])
    assert float(row[4]) == pytest.approx(log[-1]['validation/main/accuracy'], abs=1e-4)
    assert '100 iter, 4 epoch / 5 epochs' in stdout.getvalue()  # the progress bar, every 100

    # snapshot: the whole trainer; a new one resumes where it stopped.
    resumed, model2, _ = build(tmp_path / 'resumed', epoch=6, batchsize=25)
    kusari.serializers.load_npz(str(tmp_path / 'snapshot_iter_120'), resumed)
    assert resumed.updater.iteration == 120
    np.testing.assert_array_equal(model2.predictor.l1.W.array, model.predictor.l1.W.array)
    resumed.run()
    assert resumed.updater.iteration == 144 and resumed.updater.epoch == 6


def test_the_updater_takes_a_batch_converts_it_and_updates_through_the_optimizer(tmp_path):
    # StandardUpdater.update_core: batch = iterator.next(); in_arrays = converter(batch, device);
    # optimizer.update(loss_func or optimizer.target, *in_arrays).
    trainer, model, optimizer = build(tmp_path, epoch=1)
    calls = []
    original = model.forward

    def spy(*args):
        calls.append((len(args), args[0].shape, args[0].dtype, args[1].dtype,
                      kusari.config.enable_backprop, kusari.config.train))
        return original(*args)

    model.forward = spy
    updater = trainer.updater
    updater.update()
    assert calls == [(2, (100, 64), np.float32, np.int32, True, True)]
    assert optimizer.t == 1 and updater.iteration == 1
    # Optimizer.update(lossfun): cleargrads, forward, backward, update: every grad is fresh
    assert all(p.grad is not None for p in model.params())


def test_epoch_detail_is_epoch_plus_position_over_length(tmp_path):
    trainer, _, _ = build(tmp_path, epoch=2, batchsize=64, n_train=160)
    seen = []
    trainer.extend(lambda t: seen.append((t.updater.iteration, t.updater.epoch_detail)),
                   name='seen', trigger=(1, 'iteration'))
    trainer.run()
    # 160 examples, batch 64: positions 64, 128, then 32 into the next epoch, ...
    iterations = [i for i, _ in seen]
    expected = [(i * 64) / 160 for i in iterations]
    np.testing.assert_allclose([d for _, d in seen], expected)
    assert seen[-1][1] >= 2.0 and seen[-2][1] < 2.0  # stopped at the first update past 2 epochs


def test_the_classifier_reports_and_the_evaluator_runs_without_backprop(tmp_path):
    trainer, model, _ = build(tmp_path, epoch=1)
    modes = []
    original = model.forward

    def spy(*args):
        modes.append((kusari.config.enable_backprop, kusari.config.train))
        return original(*args)

    model.forward = spy
    observations = []
    trainer.extend(lambda t: observations.append(dict(t.observation)), name='observe',
                   trigger=(1, 'epoch'), priority=training.PRIORITY_READER)
    trainer.run()
    assert modes[:6] == [(True, True)] * 6  # 600 examples / 100: the updates
    assert modes[6:] == [(False, False)] * 3  # 300 test examples / 100, no graph, test mode
    observed = observations[0]
    assert {'main/loss', 'main/accuracy', 'validation/main/loss',
            'validation/main/accuracy'} <= set(observed)
    assert 0.0 <= float(observed['validation/main/accuracy']) <= 1.0


def test_dump_graph_writes_the_graph_of_main_loss_once(tmp_path):
    # train_mnist.py: trainer.extend(extensions.dump_graph('main/loss'))
    trainer, model, _ = build(tmp_path, epoch=1)
    trainer.extend(extensions.dump_graph('main/loss'))
    trainer.run()
    dot = (tmp_path / 'cg.dot').read_text()
    assert dot.startswith('digraph')
    # the graph of the Classifier's loss: the MLP's three Linear layers (their W and b
    # as inputs), two ReLUs, the softmax cross-entropy on the labels
    labels = re.findall(r'label="([^"]*)"', dot)
    assert sorted(label for label in labels if label.startswith('W: ')) == [
        'W: (10, 50), float32', 'W: (50, 50), float32', 'W: (50, 64), float32']
    assert labels.count('ReLU') == 2 and labels.count('SoftmaxCrossEntropy') == 1
    assert '(100, 64), float32' in labels and '(100), int32' in labels  # x and t of one batch
    assert not kusari.config.keep_graph_on_report  # turned back off after the first dump
