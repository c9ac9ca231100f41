"""Evaluator: averages over the validation set, eval mode, iterator reset, trainer wiring."""
import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
import kusari.functions as F
import kusari.links as L
from kusari.dataset import iterator as iterator_module
from kusari.iterators import SerialIterator
from kusari.training import extension as extension_module
from kusari.training.extensions.evaluator import Evaluator
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


def make_data(n, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 3).astype(np.float32)
    t = rng.randint(0, 2, n).astype(np.int32)
    return x, t


def numpy_cross_entropy(W, b, x, t):
    y = x @ W.T + b
    y = y - y.max(axis=1, keepdims=True)
    logp = y - np.log(np.exp(y).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(t)), t].mean()


def evaluate_standalone(evaluator):
    observation = {}
    with kusari.Reporter().scope(observation):
        result = evaluator()
    return result, observation


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 9), batch=st.integers(1, 4))
def test_result_is_the_mean_of_the_batch_means(n, batch):
    x, t = make_data(n)
    model = L.Classifier(L.Linear(3, 2))
    W, b = model.predictor.W.array, model.predictor.b.array
    ev = Evaluator(SerialIterator(list(zip(x, t)), batch, repeat=False, shuffle=False), model)
    ev.name = 'validation'
    result, observation = evaluate_standalone(ev)
    # Chainer averages per batch (each batch mean has weight 1), not per example.
    starts = range(0, n, batch)
    losses = [numpy_cross_entropy(W, b, x[s:s + batch], t[s:s + batch]) for s in starts]
    accs = [((x[s:s + batch] @ W.T + b).argmax(1) == t[s:s + batch]).mean() for s in starts]
    assert sorted(result) == ['validation/main/accuracy', 'validation/main/loss']
    np.testing.assert_allclose(float(result['validation/main/loss']), np.mean(losses), rtol=1e-5)
    np.testing.assert_allclose(float(result['validation/main/accuracy']), np.mean(accs), rtol=1e-6)
    # The result is also reported to the current reporter, with no observer prefix.
    assert observation.keys() == result.keys()


class Probe(kusari.Chain):
    """Records the mode it ran in and whether its output had a graph."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.fc = L.Linear(3, 2)
        self.seen = []

    def forward(self, x, t):
        y = self.fc(x)
        loss = F.softmax_cross_entropy(y, t)
        self.seen.append((kusari.config.train, kusari.config.enable_backprop,
                          y.creator is None, loss.creator is None))
        kusari.report({'loss': loss}, self)
        return loss


def test_runs_in_test_mode_without_a_graph_and_restores_the_config():
    x, t = make_data(5)
    probe = Probe()
    ev = Evaluator(SerialIterator(list(zip(x, t)), 2, repeat=False, shuffle=False), probe)
    result, _ = evaluate_standalone(ev)
    assert probe.seen == [(False, False, True, True)] * 3
    assert kusari.config.train is True and kusari.config.enable_backprop is True
    assert list(result) == ['main/loss']  # no name yet: no prefix


def test_each_call_resets_the_iterator_and_gives_the_same_result():
    x, t = make_data(7)
    model = L.Classifier(L.Linear(3, 2))
    it = SerialIterator(list(zip(x, t)), 3, repeat=False, shuffle=False)
    ev = Evaluator(it, model)
    first, _ = evaluate_standalone(ev)
    second, _ = evaluate_standalone(ev)
    assert first == second
    assert it.epoch == 1  # the same iterator was used (reset, then exhausted)


class NoReset(iterator_module.Iterator):
    """A one-pass iterator with no reset(): the evaluator must copy it."""

    def __init__(self, batches):
        self.batches = batches
        self.position = 0

    def __next__(self):
        if self.position >= len(self.batches):
            raise StopIteration
        self.position += 1
        return self.batches[self.position - 1]

    def __copy__(self):
        clone = NoReset(self.batches)
        clone.position = self.position
        return clone


def test_iterator_without_reset_is_copied_with_a_deprecation_warning():
    x, t = make_data(4)
    batches = [list(zip(x[:2], t[:2])), list(zip(x[2:], t[2:]))]
    it = NoReset(batches)
    assert not hasattr(it, 'reset')
    ev = Evaluator(it, L.Classifier(L.Linear(3, 2)))
    with pytest.warns(DeprecationWarning, match='no reset'):
        first, _ = evaluate_standalone(ev)
    with pytest.warns(DeprecationWarning):
        second, _ = evaluate_standalone(ev)
    assert it.position == 0  # the original was never advanced
    assert first == second and 'main/loss' in first


class StatefulRNN(kusari.Chain):
    """Keeps a hidden state across calls, like an LSTM link between reset_state() calls."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.fc = L.Linear(3, 3)
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x, t):
        h = self.fc(x) if self.h is None else self.fc(x) + self.h[:len(x)]
        self.h = F.tanh(h)
        loss = F.mean_squared_error(self.h, F.broadcast_to(t[:, None], self.h.shape))
        kusari.report({'loss': loss}, self)
        return loss


def test_stateful_target_keeps_working_in_training_after_evaluation(tmp_path):
    x, t = make_data(6)
    data = list(zip(x, t.astype(np.float32)))
    model = StatefulRNN()
    opt = kusari.optimizers.SGD(lr=0.01)
    opt.setup(model)
    trainer = Trainer(StandardUpdater(SerialIterator(data, 3, shuffle=False), opt), (2, 'epoch'),
                      out=str(tmp_path))
    ev = Evaluator(SerialIterator(data, 3, repeat=False, shuffle=False), model,
                   eval_hook=lambda e: e.get_target('main').reset_state())
    trainer.extend(ev)
    seen = []
    trainer.extend(lambda tr: seen.append(sorted(k for k in tr.observation
                                                 if k.startswith('validation'))),
                   name='seen', trigger=(1, 'epoch'), priority=extension_module.PRIORITY_READER)
    trainer.run()
    assert seen == [['validation/main/loss']] * 2
    # The state left by evaluation carries no graph (it was made in no_backprop_mode).
    assert model.h.creator is None


def test_trainer_wiring_defaults_and_observation_keys(tmp_path):
    x, t = make_data(8)
    data = list(zip(x, t))
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    trainer = Trainer(StandardUpdater(SerialIterator(data, 4, shuffle=False), opt), (2, 'epoch'),
                      out=str(tmp_path))
    ev = Evaluator(SerialIterator(data[:6], 4, repeat=False, shuffle=False), model)
    assert (ev.trigger, ev.priority, ev.default_name) == ((1, 'epoch'), 300, 'validation')
    trainer.extend(ev)
    snapshots = []
    trainer.extend(lambda tr: snapshots.append((tr.updater.iteration, dict(tr.observation))),
                   name='read', trigger=(1, 'iteration'))
    trainer.run()
    assert ev.name == 'validation'
    with_validation = [it for it, obs in snapshots if 'validation/main/loss' in obs]
    assert with_validation == [2, 4]  # once per epoch, before the reader (priority 300 > 100)
    W, b = model.predictor.W.array, model.predictor.b.array
    expected = np.mean([numpy_cross_entropy(W, b, x[:4], t[:4]),
                        numpy_cross_entropy(W, b, x[4:6], t[4:6])])
    np.testing.assert_allclose(float(snapshots[-1][1]['validation/main/loss']), expected,
                               rtol=1e-5)


def test_eval_func_dict_batches_and_hook():
    x, t = make_data(4)
    calls, hooks = [], []

    def eval_func(x, t):
        calls.append((x.shape, t.shape))
        kusari.report({'n': float(len(t))})

    def converter(batch, device):
        xs, ts = kusari.dataset.concat_examples(batch, device)
        return {'x': xs, 't': ts}

    ev = Evaluator(SerialIterator(list(zip(x, t)), 3, repeat=False, shuffle=False),
                   {'main': L.Linear(3, 2)}, converter=converter, eval_hook=hooks.append,
                   eval_func=eval_func)
    result, _ = evaluate_standalone(ev)
    assert hooks == [ev]
    assert calls == [((3, 3), (3,)), ((1, 3), (1,))]
    assert float(result['n']) == 2.0
    assert ev.get_all_targets().keys() == {'main'} and ev.get_iterator('main') is not None


def test_repeating_iterator_warns():
    x, t = make_data(2)
    with pytest.warns(UserWarning, match="repeat=True"):
        Evaluator(SerialIterator(list(zip(x, t)), 1), L.Linear(3, 2))


def test_progress_bar_prints_the_validation_pass(capsys):
    x, t = make_data(4)
    ev = Evaluator(SerialIterator(list(zip(x, t)), 2, repeat=False, shuffle=False),
                   L.Classifier(L.Linear(3, 2)), progress_bar=True)
    evaluate_standalone(ev)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'validation [' + '#' * 25 + '.' * 25 + '] 50.00%'
    assert lines[1] == '         2 / 4 iterations'
    assert 'iters/sec. Estimated time to finish: ' in lines[2]
    assert lines[3] == 'validation [' + '#' * 50 + '] 100.00%'
    assert len(lines) == 6
    assert '\033' not in ''.join(lines)  # captured stdout is not a terminal


def test_bad_iterator_message():
    with pytest.raises(InvalidType, match=r"Evaluator: argument 'iterator' expected an Iterator "
                                          r"or a dict of them with a 'main' key, got \[1, 2\]"):
        Evaluator([1, 2], L.Linear(3, 2))
    with pytest.raises(InvalidType, match=r"argument 'iterator' .* got keys \['test'\]"):
        Evaluator({'test': NoReset([])}, L.Linear(3, 2))


def test_bad_target_message():
    with pytest.raises(InvalidType, match=r"Evaluator: argument 'target' expected a Link or a "
                                          r"dict of them with a 'main' key, got 'model'"):
        Evaluator(NoReset([]), 'model')


def test_progress_bar_needs_a_positioned_iterator():
    ev = Evaluator(NoReset([]), L.Linear(3, 2), progress_bar=True)
    with pytest.warns(DeprecationWarning), pytest.raises(
            InvalidType, match=r"argument 'iterator' expected an iterator with current_position "
                               r"and epoch_detail for progress_bar=True, got NoReset"):
        evaluate_standalone(ev)


def test_finalize_finalizes_every_iterator():
    finalized = []

    class Tracked(NoReset):
        def finalize(self):
            finalized.append(self)

    a, b = Tracked([]), Tracked([])
    Evaluator({'main': a, 'other': b}, L.Linear(3, 2)).finalize()
    assert finalized == [a, b]
    assert copy.copy(a).batches == []
