"""BPTTUpdater: bprop_len accumulated steps, then cleargrads/backward/unchain_backward/update."""
import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.dataset import convert
from kusari.rnn.training import BPTTUpdater, ParallelSequentialIterator
from kusari.serializers import DictionarySerializer
from kusari.utils.type_check import InvalidType

VOCAB, HIDDEN = 7, 5


class TinyRNN(kusari.Chain):
    """A stateful Elman RNN: keeps h between calls, like L.LSTM does."""

    def __init__(self, seed=0):
        super().__init__()
        rng = np.random.RandomState(seed)

        def init(*shape):
            return rng.uniform(-1, 1, shape).astype(np.float32)

        with self.init_scope():
            self.embed = L.EmbedID(VOCAB, HIDDEN, initialW=init(VOCAB, HIDDEN))
            self.rec = L.Linear(HIDDEN, HIDDEN, initialW=init(HIDDEN, HIDDEN))
            self.out = L.Linear(HIDDEN, VOCAB, initialW=init(VOCAB, HIDDEN))
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        a = self.embed(x)
        if self.h is not None:
            a = a + self.rec(self.h)
        self.h = F.tanh(a)
        return self.out(self.h)


def _setup(seed=0):
    model = L.Classifier(TinyRNN(seed))
    opt = kusari.optimizers.SGD(lr=0.5)
    opt.setup(model)
    return model, opt


def _manual_bptt(model, opt, it, bprop_len, updates):
    # Chainer's PTB example loop, written out by hand.
    for _ in range(updates):
        loss = 0
        for _ in range(bprop_len):
            x, t = convert.concat_examples(it.next())
            loss += model(x, t)
        model.cleargrads()
        loss.backward()
        loss.unchain_backward()
        opt.update()


@settings(deadline=None, max_examples=8)
@given(bprop_len=st.integers(1, 4), batch_size=st.integers(1, 3), updates=st.integers(1, 3),
       seed=st.integers(0, 100))
def test_matches_the_hand_written_truncated_bptt_loop(bprop_len, batch_size, updates, seed):
    data = np.random.RandomState(seed).randint(0, VOCAB, 13).astype(np.int32)
    model, opt = _setup(seed)
    ref_model = copy.deepcopy(model)
    ref_opt = kusari.optimizers.SGD(lr=0.5)
    ref_opt.setup(ref_model)

    updater = BPTTUpdater(ParallelSequentialIterator(data, batch_size), opt, bprop_len, device=None)
    for _ in range(updates):
        updater.update()
    _manual_bptt(ref_model, ref_opt, ParallelSequentialIterator(data, batch_size), bprop_len,
                 updates)

    assert updater.iteration == updates
    for (name, p), (_, q) in zip(sorted(model.namedparams()), sorted(ref_model.namedparams())):
        np.testing.assert_allclose(p.array, q.array, rtol=1e-5, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(model.predictor.h.array, ref_model.predictor.h.array, rtol=1e-5)


def test_state_is_kept_but_the_graph_is_cut_after_each_update():
    model, opt = _setup()
    updater = BPTTUpdater(ParallelSequentialIterator(np.arange(VOCAB, dtype=np.int32), 2), opt, 3)
    updater.update()
    h = model.predictor.h
    assert h is not None and h.creator is None
    assert np.any(h.array != 0)


def test_gradient_covers_only_the_last_window():
    # The second update's gradient must equal that of a fresh model started
    # from the same parameters and the same (constant) state.
    data = np.random.RandomState(3).randint(0, VOCAB, 20).astype(np.int32)
    model, opt = _setup(1)
    it = ParallelSequentialIterator(data, 2)
    updater = BPTTUpdater(it, opt, 3)
    updater.update()
    twin = copy.deepcopy(model)
    twin.predictor.h = kusari.Variable(model.predictor.h.array.copy())
    twin_it = copy.deepcopy(it)
    updater.update()
    loss = 0
    for _ in range(3):
        x, t = convert.concat_examples(twin_it.next())
        loss += twin(x, t)
    twin.cleargrads()
    loss.backward()
    np.testing.assert_allclose(model.predictor.rec.W.grad, twin.predictor.rec.W.grad, rtol=1e-5,
                               atol=1e-7)


def test_one_update_reads_bprop_len_batches_through_the_converter():
    calls = []

    def converter(batch, device):
        calls.append(device)
        return convert.concat_examples(batch, device)

    model, opt = _setup()
    it = ParallelSequentialIterator(np.arange(VOCAB, dtype=np.int32), 2)
    updater = BPTTUpdater(it, opt, 4, device=-1, converter=converter)
    updater.update()
    assert calls == [-1] * 4  # an old-style converter gets Chainer's CPU id
    assert (updater.iteration, it.iteration) == (1, 4)


def test_dict_batches_and_loss_func_are_used():
    model, opt = _setup()
    seen = []

    def loss_func(x, t):
        seen.append((x.shape, t.shape))
        return model(x, t)

    def to_dict(batch, device):
        x, t = convert.concat_examples(batch, device)
        return {"x": x, "t": t}

    it = ParallelSequentialIterator(np.arange(VOCAB, dtype=np.int32), 3)
    before = model.predictor.out.W.array.copy()
    BPTTUpdater(it, opt, 2, converter=to_dict, loss_func=loss_func).update()
    assert seen == [((3,), (3,))] * 2
    assert not np.allclose(before, model.predictor.out.W.array)


def test_optimizer_epoch_advances_when_a_window_crosses_an_epoch():
    model, opt = _setup()
    it = ParallelSequentialIterator(np.arange(6, dtype=np.int32), 2)  # 3 steps per epoch
    updater = BPTTUpdater(it, opt, 2)
    updater.update()
    assert opt.epoch == 0
    updater.update()  # steps 3 and 4: the epoch ends at step 3, mid-window
    assert (it.epoch, it.is_new_epoch, opt.epoch) == (1, False, 1)


def test_trainer_runs_epochs_and_log_report_sees_the_loss(tmp_path):
    model, opt = _setup()
    updater = BPTTUpdater(ParallelSequentialIterator(np.arange(12, dtype=np.int32) % VOCAB, 2),
                          opt, 3)
    trainer = training.Trainer(updater, (2, "epoch"), out=str(tmp_path))
    log = training.extensions.LogReport(trigger=(1, "epoch"))
    trainer.extend(log)
    trainer.run()
    assert updater.iteration == 4  # 2 epochs * 6 steps / bprop_len 3
    assert [entry["epoch"] for entry in log.log] == [1, 2]
    assert all(np.isfinite(entry["main/loss"]) for entry in log.log)


def test_serialize_saves_iterator_optimizer_model_and_iteration():
    model, opt = _setup()
    updater = BPTTUpdater(ParallelSequentialIterator(np.arange(8, dtype=np.int32), 2), opt, 2)
    updater.update()
    s = DictionarySerializer()
    updater.serialize(s)
    assert s.target["iteration"] == 1
    assert s.target["iterator:main/iteration"] == 2
    assert "model:main/predictor/rec/W" in s.target


@pytest.mark.parametrize("bprop_len", [0, -3, 1.5, None])
def test_bad_bprop_len_is_rejected(bprop_len):
    _, opt = _setup()
    with pytest.raises(InvalidType, match=r"BPTTUpdater: argument 'bprop_len' expected a positive "
                                          r"int, got"):
        BPTTUpdater(ParallelSequentialIterator(np.arange(4), 2), opt, bprop_len)
