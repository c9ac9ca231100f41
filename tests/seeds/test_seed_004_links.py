"""Seed 004 (Chainer's "Introduction to Chainer" tutorial): the Link, Chain and ChainList parts.

The code below is the tutorial's, in its Chainer v7 form, with only the
import changed (``chainer`` -> ``kusari``); the optimizer and Trainer parts
are other tests' business.  Where the tutorial printed random numbers
(``l.W.data``), the test checks what they must satisfy instead.
"""
import warnings

import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import Chain, ChainList, Variable, report


# ---- "Links": a Linear link, its parameters and their gradients ----------------------
def test_linear_link_parameters_forward_and_grads():
    l = L.Linear(3, 2)  # noqa: E741 (the tutorial's name)
    assert l.W.data.shape == (2, 3) and l.W.data.dtype == np.float32
    assert np.isfinite(l.W.data).all() and l.W.data.std() > 0  # random, not constant
    np.testing.assert_array_equal(l.b.data, np.array([0., 0.], dtype=np.float32))

    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = l(x)
    np.testing.assert_allclose(y.data, x.data @ l.W.data.T + l.b.data, rtol=1e-6)

    with pytest.warns(DeprecationWarning, match="zerograds is deprecated"):
        l.zerograds()
    np.testing.assert_array_equal(l.W.grad, np.zeros((2, 3), np.float32))

    y.grad = np.ones((2, 2), dtype=np.float32)
    y.backward()
    np.testing.assert_array_equal(l.W.grad, np.array([[5., 7., 9.], [5., 7., 9.]], dtype=np.float32))
    np.testing.assert_array_equal(l.b.grad, np.array([2., 2.], dtype=np.float32))


def test_linear_grads_accumulate_until_cleared():
    l = L.Linear(3, 2)  # noqa: E741 (the tutorial's name)
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    for _ in range(2):
        y = l(x)
        y.grad = np.ones((2, 2), dtype=np.float32)
        y.backward()
    np.testing.assert_array_equal(l.b.grad, [4., 4.])
    l.cleargrads()
    assert l.W.grad is None and l.b.grad is None


# ---- "Write a model as a chain" ---------------------------------------------------------
def test_two_links_with_a_plain_function():
    l1 = L.Linear(4, 3)
    l2 = L.Linear(3, 2)

    def my_forward(x):
        h = l1(x)
        return l2(h)

    x = np.random.rand(5, 4).astype(np.float32)
    expected = (x @ l1.W.data.T + l1.b.data) @ l2.W.data.T + l2.b.data
    np.testing.assert_allclose(my_forward(x).data, expected, rtol=1e-5)


class MyChain(Chain):
    def __init__(self):
        super(MyChain, self).__init__(
            l1=L.Linear(4, 3),
            l2=L.Linear(3, 2),
        )

    def __call__(self, x):
        h = self.l1(x)
        return self.l2(h)


class MyChain2(ChainList):
    def __init__(self):
        super(MyChain2, self).__init__(
            L.Linear(4, 3),
            L.Linear(3, 2),
        )

    def __call__(self, x):
        h = self[0](x)
        return self[1](h)


def _two_layers(x, first, second):
    return (x @ first.W.data.T + first.b.data) @ second.W.data.T + second.b.data


def test_chain_with_the_old_keyword_constructor():
    model = MyChain()
    assert sorted(name for name, _ in model.namedparams()) == ["/l1/W", "/l1/b", "/l2/W", "/l2/b"]
    assert isinstance(model.l1, L.Linear) and model.l1.name == "l1"
    x = np.random.rand(5, 4).astype(np.float32)
    y = model(x)
    np.testing.assert_allclose(y.data, _two_layers(x, model.l1, model.l2), rtol=1e-5)
    model.cleargrads()
    F.sum(y).backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.params())


def test_chainlist_behaves_like_a_list_of_links():
    model = MyChain2()
    assert len(model) == 2
    assert sorted(name for name, _ in model.namedparams()) == ["/0/W", "/0/b", "/1/W", "/1/b"]
    x = np.random.rand(5, 4).astype(np.float32)
    y = model(x)
    np.testing.assert_allclose(y.data, _two_layers(x, model[0], model[1]), rtol=1e-5)
    model.cleargrads()
    F.sum(y).backward()
    # d(sum y)/db of the last layer is the batch size for every output.
    np.testing.assert_array_equal(model[1].b.grad, [5., 5.])


def test_chain_can_be_a_child_link():
    class Outer(Chain):
        def __init__(self):
            super().__init__(inner=MyChain())

        def __call__(self, x):
            return self.inner(x)

    assert sorted(name for name, _ in Outer().namedparams()) == [
        "/inner/l1/W", "/inner/l1/b", "/inner/l2/W", "/inner/l2/b"]


# ---- "Example: Multi-layer Perceptron on MNIST" -------------------------------------------
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


def _mnist_shaped(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n).astype(np.int32)


def _numpy_mlp(model, x):
    relu = lambda a: np.maximum(a, 0)  # noqa: E731
    h1 = relu(x @ model.l1.W.data.T + model.l1.b.data)
    h2 = relu(h1 @ model.l2.W.data.T + model.l2.b.data)
    return h2 @ model.l3.W.data.T + model.l3.b.data


def _softmax_cross_entropy(logits, t):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(t)), t].mean()


def test_classifier_of_mlp_on_mnist_shaped_data():
    x, t = _mnist_shaped(20)
    model = L.Classifier(MLP())
    loss = model(x, t)
    logits = _numpy_mlp(model.predictor, x)
    assert loss.data.shape == () and loss.data.dtype == np.float32
    np.testing.assert_allclose(loss.data, _softmax_cross_entropy(logits, t), rtol=1e-4)
    np.testing.assert_allclose(model.accuracy.data, (logits.argmax(axis=1) == t).mean(), rtol=1e-6)
    model.cleargrads()
    loss.backward()
    assert {name for name, p in model.namedparams() if p.grad is not None} == {
        f"/predictor/{layer}/{p}" for layer in ("l1", "l2", "l3") for p in ("W", "b")}


def test_tutorial_classifier_reports_loss_and_accuracy():
    # The tutorial's own Classifier, which reports to the current reporter.
    class Classifier(Chain):
        def __init__(self, predictor):
            super(Classifier, self).__init__(predictor=predictor)

        def __call__(self, x, t):
            y = self.predictor(x)
            loss = F.softmax_cross_entropy(y, t)
            accuracy = F.accuracy(y, t)
            report({'loss': loss, 'accuracy': accuracy}, self)
            return loss

    x, t = _mnist_shaped(10, seed=1)
    model = Classifier(MLP())
    reporter = kusari.Reporter()
    reporter.add_observer("main", model)
    observation = {}
    with reporter.scope(observation):
        loss = model(x, t)
    assert set(observation) == {"main/loss", "main/accuracy"}
    np.testing.assert_allclose(float(np.asarray(kusari.as_array(observation["main/loss"]))),
                               float(loss.data), rtol=1e-6)


def test_pre_trainer_evaluation_loop():
    # The tutorial's evaluation loop over a test set, batch by batch.
    x_test, y_test = _mnist_shaped(300, seed=2)
    model = L.Classifier(MLP())
    batchsize = 100
    sum_loss, sum_accuracy = 0, 0
    for i in range(0, 300, batchsize):
        x = Variable(x_test[i : i + batchsize])
        t = Variable(y_test[i : i + batchsize])
        loss = model(x, t)
        sum_loss += loss.data * batchsize
        sum_accuracy += model.accuracy.data * batchsize
    mean_loss = sum_loss / 300
    mean_accuracy = sum_accuracy / 300
    logits = _numpy_mlp(model.predictor, x_test)
    np.testing.assert_allclose(mean_accuracy, (logits.argmax(axis=1) == y_test).mean(), rtol=1e-5)
    expected_loss = np.mean([_softmax_cross_entropy(logits[i:i + 100], y_test[i:i + 100])
                             for i in range(0, 300, 100)])
    np.testing.assert_allclose(mean_loss, expected_loss, rtol=1e-4)


def test_manual_training_step_with_zerograds_as_written_in_the_tutorial():
    # "model.zerograds(); loss = model(x, t); loss.backward()" then a hand-written update.
    x, t = _mnist_shaped(100, seed=3)
    model = L.Classifier(MLP())
    losses = []
    for _ in range(5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            model.zerograds()
        loss = model(Variable(x), Variable(t))
        loss.backward()
        for param in model.params():
            param.data -= 0.1 * param.grad
        losses.append(float(loss.data))
    assert losses[-1] < losses[0]
