"""Seed 004 (Chainer's "Introduction to Chainer" tutorial): the Optimizer and Serializer parts.

The tutorial's code in its Chainer v7 form with only the import changed
(``chainer`` -> ``kusari``): ``optimizers.SGD`` with ``setup``/``update`` both
ways (hand-computed gradients, then a loss function), a ``WeightDecay`` hook
added through the Chainer v7 alias ``kusari.optimizer.WeightDecay``, and
``serializers.save_npz``/``load_npz`` of a model and of an optimizer.  The
pre-Trainer manual training loop of the MNIST section runs on a small
synthetic problem (no download here).
"""
import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import Chain, optimizers, serializers


class MyChain(Chain):
    def __init__(self):
        super(MyChain, self).__init__(
            l1=L.Linear(4, 3),
            l2=L.Linear(3, 2),
        )

    def __call__(self, x):
        h = self.l1(x)
        return self.l2(h)


def _batch():
    rng = np.random.RandomState(0)
    return rng.randn(5, 4).astype(np.float32), rng.randint(0, 2, size=5).astype(np.int32)


def test_sgd_update_with_hand_computed_gradients_is_w_minus_lr_grad():
    model = MyChain()
    optimizer = optimizers.SGD()
    optimizer.setup(model)

    x, t = _batch()
    model.cleargrads()
    loss = F.softmax_cross_entropy(model(x), t)  # compute gradient here...
    loss.backward()
    before = {name: (p.array.copy(), p.grad.copy()) for name, p in model.namedparams()}
    optimizer.update()

    for name, p in model.namedparams():
        w, g = before[name]
        np.testing.assert_allclose(p.array, w - optimizer.lr * g, rtol=1e-6, atol=1e-7)
    assert optimizer.t == 1


def test_update_with_a_loss_function_clears_grads_runs_forward_backward_and_updates():
    model = MyChain()
    optimizer = optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    x, t = _batch()

    def lossfun(x, t):
        return F.softmax_cross_entropy(model(x), t)

    # Stale gradients must not leak into the step: update(lossfun) clears them first.
    for p in model.params():
        p.grad = np.full_like(p.array, 100.0)
    first = float(lossfun(x, t).array)
    for _ in range(50):
        optimizer.update(lossfun, x, t)
    assert float(lossfun(x, t).array) < first
    assert optimizer.t == 50


def test_weight_decay_hook_through_the_chainer_v7_alias():
    model = MyChain()
    optimizer = optimizers.SGD(lr=0.1)
    optimizer.setup(model)
    # Chainer 7 warns here too ("deprecated from v4"); the code still runs.
    with pytest.warns(DeprecationWarning, match="kusari.optimizer_hooks.WeightDecay"):
        optimizer.add_hook(kusari.optimizer.WeightDecay(0.0005))

    x, t = _batch()
    model.cleargrads()
    F.softmax_cross_entropy(model(x), t).backward()
    before = {name: (p.array.copy(), p.grad.copy()) for name, p in model.namedparams()}
    optimizer.update()
    for name, p in model.namedparams():
        w, g = before[name]
        np.testing.assert_allclose(p.array, w - 0.1 * (g + 0.0005 * w), rtol=1e-5, atol=1e-7)


def test_save_and_load_a_model_and_an_optimizer(tmp_path):
    model = MyChain()
    optimizer = optimizers.MomentumSGD()
    optimizer.setup(model)
    x, t = _batch()
    optimizer.update(lambda: F.softmax_cross_entropy(model(x), t))

    serializers.save_npz(str(tmp_path / 'my.model'), model)
    serializers.save_npz(str(tmp_path / 'my.state'), optimizer)

    model2 = MyChain()
    optimizer2 = optimizers.MomentumSGD()
    optimizer2.setup(model2)
    serializers.load_npz(str(tmp_path / 'my.model'), model2)
    serializers.load_npz(str(tmp_path / 'my.state'), optimizer2)

    for (name, p), (name2, p2) in zip(sorted(model.namedparams()), sorted(model2.namedparams()), strict=True):
        assert name == name2
        np.testing.assert_array_equal(p.array, p2.array)
        np.testing.assert_array_equal(p.update_rule.state['v'], p2.update_rule.state['v'])
    assert optimizer2.t == optimizer.t == 1

    # Both continue identically from the restored state.
    optimizer.update(lambda: F.softmax_cross_entropy(model(x), t))
    optimizer2.update(lambda: F.softmax_cross_entropy(model2(x), t))
    for (_, p), (_, p2) in zip(sorted(model.namedparams()), sorted(model2.namedparams()), strict=True):
        np.testing.assert_array_equal(p.array, p2.array)


def test_the_pre_trainer_manual_training_loop():
    # The tutorial's loop before the Trainer existed: shuffle, slice mini-batches,
    # optimizer.update(model, x, t) with a Classifier, accumulate loss/accuracy.
    rng = np.random.RandomState(1)
    n, batchsize = 200, 20
    x_train = rng.randn(n, 4).astype(np.float32)
    y_train = (x_train[:, 0] + x_train[:, 1] > 0).astype(np.int32)

    model = L.Classifier(MyChain())
    optimizer = optimizers.SGD(lr=0.5)
    optimizer.setup(model)
    for _epoch in range(20):
        indexes = np.random.permutation(n)
        sum_loss = sum_accuracy = 0.0
        for i in range(0, n, batchsize):
            x = kusari.Variable(x_train[indexes[i:i + batchsize]])
            t = kusari.Variable(y_train[indexes[i:i + batchsize]])
            optimizer.update(model, x, t)
            sum_loss += float(model.loss.data) * batchsize
            sum_accuracy += float(model.accuracy.data) * batchsize
    assert sum_accuracy / n > 0.9
    assert sum_loss / n < 0.3
