"""Seed 000, part 2: NStepLSTM over lists of variable-length sequences, on the standard Trainer.

The slides' ``RNNNStepLSTM`` in its Chainer v7 form (``train=`` arguments
and the ``use_cudnn`` flag went away in v7: dropout follows
``config.train``), with ``chainer`` -> ``kusari``.  The slides then had to
write a custom iterator, converter, updater, evaluator and a loss looping
over sequences to train a PTB model with NStepLSTM on the Trainer; with
kusari-rnn the standard StandardUpdater and Evaluator do it, given
``convert_sequences`` and ``SequenceClassifier`` (one concat and one
softmax_cross_entropy for the whole batch: no Python loop over sequences).
"""
import math

import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.iterators import SerialIterator
from kusari.rnn.sequences import (
    SequenceClassifier,
    compute_perplexity,
    convert_sequences,
    sequence_softmax_cross_entropy,
)
from kusari.training import extensions


class RNNNStepLSTM(kusari.Chain):
    def __init__(self, n_layer, n_units, train=True):
        super(RNNNStepLSTM, self).__init__(
            l1=L.NStepLSTM(n_layer, n_units, n_units, 0.5),
        )
        self.n_layer = n_layer
        self.n_units = n_units

    def __call__(self, xs):
        xp = self.xp
        hx = kusari.Variable(xp.zeros(
            (self.n_layer, len(xs), self.n_units), dtype=xp.float32))
        cx = kusari.Variable(xp.zeros(
            (self.n_layer, len(xs), self.n_units), dtype=xp.float32))
        hy, cy, ys = self.l1(hx, cx, xs)
        return ys


def _sequences(lengths, n_units, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.randn(n, n_units).astype(np.float32) for n in lengths]


def test_nstep_lstm_takes_and_returns_lists_of_any_lengths():
    model = RNNNStepLSTM(2, 4)
    xs = _sequences([2, 3], 4)  # data 1: two steps, data 2: three steps (no padding)
    ys = model(xs)
    assert [y.shape for y in ys] == [(2, 4), (3, 4)]
    assert all(y.dtype == np.float32 for y in ys)


def test_each_sequence_is_computed_as_if_alone():
    model = RNNNStepLSTM(2, 4)
    xs = _sequences([3, 1, 4], 4, seed=1)
    with kusari.using_config("train", False):  # no dropout
        together = model(xs)
        for x, y in zip(xs, together):
            np.testing.assert_allclose(model([x])[0].array, y.array, rtol=1e-5, atol=1e-6)


def test_dropout_between_layers_only_while_training():
    model = RNNNStepLSTM(2, 4)
    xs = _sequences([3, 2], 4, seed=2)
    with kusari.using_config("train", False):
        a, b = model(xs)[0].array, model(xs)[0].array
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(model(xs)[0].array, model(xs)[0].array)


class NStepLM(kusari.Chain):
    """The slides' PTB model: embed every word, NStepLSTM over the sentences, a Linear per word."""

    def __init__(self, n_vocab, n_layer, n_units):
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_units)
            self.rnn = RNNNStepLSTM(n_layer, n_units)
            self.out = L.Linear(n_units, n_vocab)

    def __call__(self, xs):
        # Embed once (concat, then split_axis back into sequences), as the slides do.
        sections = np.cumsum([len(x) for x in xs[:-1]]).tolist()
        exs = F.split_axis(self.embed(self.xp.concatenate(xs)), sections, axis=0)
        ys = self.rnn(list(exs))
        return [self.out(y) for y in ys]


def _sentences(n, seed):
    # Next-word data: counting sentences "k, k+1, ..." modulo 6, lengths 2..6.
    rng = np.random.RandomState(seed)
    data = []
    for _ in range(n):
        start, length = rng.randint(0, 6), rng.randint(2, 7)
        words = (start + np.arange(length + 1)) % 6
        data.append((words[:-1].astype(np.int32), words[1:].astype(np.int32)))
    return data


def test_the_seeds_per_sequence_loss_loop_equals_one_concatenated_loss():
    model = NStepLM(6, 1, 8)
    data = _sentences(5, 0)
    xs, ts = [x for x, _ in data], [t for _, t in data]
    ys = model(xs)
    # The slides: softmax_cross_entropy on each sequence, added up (per word here).
    looped = sum(F.sum(F.softmax_cross_entropy(y, t, reduce="no")) for y, t in zip(ys, ts))
    once = sequence_softmax_cross_entropy(ys, ts, reduce="no")
    assert once.shape == (sum(len(t) for t in ts),)
    np.testing.assert_allclose(F.sum(once).array, looped.array, rtol=1e-5)
    np.testing.assert_allclose(sequence_softmax_cross_entropy(ys, ts).array,
                               looped.array / once.shape[0], rtol=1e-5)


def test_ptb_style_lm_on_the_standard_trainer_updater_and_evaluator(tmp_path):
    np.random.seed(0)
    train, test = _sentences(64, 1), _sentences(16, 2)
    model = SequenceClassifier(NStepLM(6, 1, 16))
    optimizer = kusari.optimizers.Adam(alpha=0.02)
    optimizer.setup(model)
    optimizer.add_hook(kusari.optimizer_hooks.GradientClipping(5.0))
    train_iter = SerialIterator(train, 16)
    test_iter = SerialIterator(test, 16, repeat=False, shuffle=False)
    updater = training.StandardUpdater(train_iter, optimizer, converter=convert_sequences,
                                       device=-1)
    trainer = training.Trainer(updater, (6, "epoch"), out=str(tmp_path))
    trainer.extend(extensions.Evaluator(test_iter, model, converter=convert_sequences, device=-1))
    log = extensions.LogReport(postprocess=compute_perplexity, trigger=(1, "epoch"))
    trainer.extend(log)
    trainer.run()
    assert [entry["epoch"] for entry in log.log] == [1, 2, 3, 4, 5, 6]
    first, last = log.log[0], log.log[-1]
    assert last["val_perplexity"] < 0.6 * first["val_perplexity"]
    assert last["validation/main/accuracy"] > 0.8  # counting mod 6 is learnt
    assert math.isclose(last["val_perplexity"], math.exp(last["validation/main/loss"]),
                        rel_tol=1e-6)
    assert last["perplexity"] == pytest.approx(math.exp(last["main/loss"]), rel=1e-6)
