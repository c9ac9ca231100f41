"""Seed 001: seven ways to write an LSTM in Chainer, in their Chainer v7 form with ``kusari``.

Each section is the wiki's code with ``chainer`` -> ``kusari`` and the v7
changes Chainer itself made (``F.dropout(h, train=...)`` -> the
``config.train`` switch, ``FunctionSet`` -> ``Chain``, ``opt.zero_grad()``
-> ``cleargrads()``, ``opt.clip_grads(10)`` -> the ``GradientClipping``
hook, the PTB example's ``BPTTUpdater`` converting through
``self.converter``).  Data are tiny; every test checks that training does
what the code means (the loss falls, the graph is truncated, the model
learns the sequence).
"""
import math
import os
import pickle

import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import Chain, optimizers, report, training
from kusari.training import extensions


@pytest.fixture(autouse=True)
def one_blas_thread():
    """One BLAS thread: on a loaded machine a threaded BLAS makes small matmuls much slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(1):
        yield


# ---- 1) the official tutorial's RNN, truncated BPTT every 30 words -------------------------
class RNN(Chain):
    def __init__(self):
        super(RNN, self).__init__()
        with self.init_scope():
            self.embed = L.EmbedID(1000, 100)  # word embedding
            self.mid = L.LSTM(100, 50)  # the first LSTM layer
            self.out = L.Linear(50, 1000)  # the feed-forward output layer

    def reset_state(self):
        self.mid.reset_state()

    def __call__(self, cur_word):
        # Given the current word ID, predict the next word.
        x = self.embed(cur_word)
        h = self.mid(x)
        y = self.out(h)
        return y


def test_tutorial_rnn_truncated_bptt_loop():
    np.random.seed(0)
    x_list = [np.array([w, (w * 7) % 1000], np.int32) for w in np.random.randint(0, 1000, 45)]
    rnn = RNN()
    model = L.Classifier(rnn)
    optimizer = optimizers.SGD()
    optimizer.setup(model)

    def one_pass():
        loss = 0
        count = 0
        seqlen = len(x_list[1:])
        total = 0.0
        updates = 0
        rnn.reset_state()
        for cur_word, next_word in zip(x_list, x_list[1:]):
            loss += model(cur_word, next_word)
            count += 1
            if count % 30 == 0 or count == seqlen:
                model.cleargrads()
                loss.backward()
                loss.unchain_backward()
                optimizer.update()
                # After unchain_backward the state is a graph root: the next
                # window back-propagates no further than here.
                assert rnn.mid.h.creator is None
                total += float(loss.array)
                updates += 1
                loss = 0
        return total, updates

    first, updates = one_pass()
    assert updates == 2  # at word 30 and at the end (44 pairs)
    for _ in range(8):
        last, _ = one_pass()
    assert last < 0.97 * first  # SGD's default lr=0.01: slow, but downhill


# ---- 2) and 7) the PTB example's RNNForLM: two LSTMs, dropout, uniform init ------------------
class RNNForLM(kusari.Chain):
    def __init__(self, n_vocab, n_units):
        super(RNNForLM, self).__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_units)
            self.l1 = L.LSTM(n_units, n_units)
            self.l2 = L.LSTM(n_units, n_units)
            self.l3 = L.Linear(n_units, n_vocab)

        for param in self.params():
            param.data[...] = np.random.uniform(-0.1, 0.1, param.data.shape)

    def reset_state(self):
        self.l1.reset_state()
        self.l2.reset_state()

    def __call__(self, x):
        h0 = self.embed(x)
        h1 = self.l1(F.dropout(h0))
        h2 = self.l2(F.dropout(h1))
        y = self.l3(F.dropout(h2))
        return y


def test_rnn_for_lm_init_and_dropout_only_in_training():
    rnn = RNNForLM(20, 8)
    for param in rnn.params():
        assert param.array.dtype == np.float32
        assert np.all(np.abs(param.array) <= 0.1)
    x = np.array([1, 2, 3], np.int32)

    def run_twice():
        outs = []
        for _ in range(2):
            rnn.reset_state()
            outs.append(rnn(x).array)
        return outs

    with kusari.using_config("train", False):
        a, b = run_twice()
    np.testing.assert_array_equal(a, b)
    a, b = run_twice()  # train mode: dropout masks differ
    assert a.shape == (3, 20) and not np.array_equal(a, b)


# ---- 3) odashi's hand-written RNN (FunctionSet -> Chain) -------------------------------------
VOCAB_SIZE, HIDDEN_SIZE = 6, 8


class HandRNN(Chain):
    def __init__(self):
        super().__init__(
            w_xh=L.EmbedID(VOCAB_SIZE, HIDDEN_SIZE),  # input (one-hot) -> hidden
            w_hh=L.Linear(HIDDEN_SIZE, HIDDEN_SIZE),  # hidden -> hidden
            w_hy=L.Linear(HIDDEN_SIZE, VOCAB_SIZE),  # hidden -> output
        )


def forward(sentence, model):
    h = kusari.Variable(np.zeros((1, HIDDEN_SIZE), dtype=np.float32))  # initial hidden state
    log_joint_prob = float(0)
    accum_loss = kusari.Variable(np.zeros((), dtype=np.float32))
    for word in sentence:
        x = kusari.Variable(np.array([[word]], dtype=np.int32))
        u = model.w_hy(h)
        accum_loss += F.softmax_cross_entropy(u, x.reshape(1))
        y = F.softmax(u)
        log_joint_prob += math.log(y.data[0][word])
        h = F.tanh(model.w_xh(x.reshape(1)) + model.w_hh(h))
    return log_joint_prob, accum_loss


def train(sentence_set, model):
    opt = optimizers.SGD()
    opt.setup(model)
    opt.add_hook(kusari.optimizer_hooks.GradientClipping(10))  # was opt.clip_grads(10)
    for sentence in sentence_set:
        model.cleargrads()  # was opt.zero_grad()
        log_joint_prob, accum_loss = forward(sentence, model)
        accum_loss.backward()
        opt.update()


def test_hand_written_rnn_loss_is_the_negative_log_joint_probability():
    np.random.seed(1)
    model = HandRNN()
    sentence = [0, 1, 2, 3, 4, 5, 0, 1]
    log_joint_prob, accum_loss = forward(sentence, model)
    assert accum_loss.array == pytest.approx(-log_joint_prob, rel=1e-5)
    train([sentence] * 40, model)
    after, _ = forward(sentence, model)
    assert after > log_joint_prob + 1.0  # the sentence became much more likely


# ---- 4) kivantium's character LSTM with Classifier and Adam ----------------------------------
class CharLSTM(kusari.Chain):
    def __init__(self, in_size, n_units, train=True):
        super(CharLSTM, self).__init__(
            embed=L.EmbedID(in_size, n_units),
            l1=L.LSTM(n_units, n_units),
            l2=L.Linear(n_units, in_size),
        )

    def __call__(self, x):
        h0 = self.embed(x)
        h1 = self.l1(h0)
        y = self.l2(h1)
        return y

    def reset_state(self):
        self.l1.reset_state()


def test_char_lstm_learns_two_sequences():
    np.random.seed(2)
    p, n_units = 5, 16
    train_data = [[0, 1, 2, 3, 4, 0], [0, 4, 3, 2, 1, 0]]
    lstm = CharLSTM(p, n_units)
    model = L.Classifier(lstm)
    model.compute_accuracy = False
    for param in model.params():
        data = param.data
        data[:] = np.random.uniform(-0.2, 0.2, data.shape)
    optimizer = optimizers.Adam()
    optimizer.setup(model)
    xp = np
    rng = np.random.RandomState(0)
    for seq in range(400):  # noqa: B007 (the seed's loop)
        sequence = train_data[rng.randint(2)]
        lstm.reset_state()
        for i in range(p):
            x = kusari.Variable(xp.asarray([sequence[i]], dtype=np.int32))
            t = kusari.Variable(xp.asarray([sequence[i + 1]], dtype=np.int32))
            loss = model(x, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
    # Prediction: after the first character the two sequences are told apart.
    for select in range(2):
        sequence = train_data[select]
        lstm.reset_state()
        predicted = []
        for i in range(p):
            x = kusari.Variable(xp.asarray([sequence[i]], dtype=np.int32))
            predicted.append(int(np.argmax(lstm(x).data)))
        assert predicted[1:] == sequence[2:p + 1]


# ---- 5) chachay's sine wave on the Trainer: custom Iterator and Updater ----------------------
class MLP(Chain):
    n_input = 1
    n_output = 1
    n_units = 5

    def __init__(self):
        super(MLP, self).__init__(
            l1=L.Linear(self.n_input, self.n_units),
            l2=L.LSTM(self.n_units, self.n_units),
            l3=L.Linear(self.n_units, self.n_output),
        )

    def reset_state(self):
        self.l2.reset_state()

    def __call__(self, x):
        h1 = self.l1(x)
        h2 = self.l2(h1)
        return self.l3(h2)


class LossFuncL(Chain):
    def __init__(self, predictor):
        super(LossFuncL, self).__init__(predictor=predictor)

    def __call__(self, x, t):
        x.data = x.data.reshape((-1, 1)).astype(np.float32)
        t.data = t.data.reshape((-1, 1)).astype(np.float32)
        y = self.predictor(x)
        loss = F.mean_squared_error(y, t)
        report({'loss': loss}, self)
        return loss


class LSTM_test_Iterator(kusari.dataset.Iterator):
    def __init__(self, dataset, batch_size=10, seq_len=5, repeat=True):
        self.seq_length = seq_len
        self.dataset = dataset
        self.nsamples = len(dataset)
        self.batch_size = batch_size
        self.repeat = repeat
        self.epoch = 0
        self.iteration = 0
        self.offsets = np.random.randint(0, len(dataset), size=batch_size)
        self.is_new_epoch = False

    def __next__(self):
        if not self.repeat and self.iteration * self.batch_size >= self.nsamples:
            raise StopIteration
        x, t = self.get_data()
        self.iteration += 1
        epoch = self.iteration // self.batch_size
        self.is_new_epoch = self.epoch < epoch
        if self.is_new_epoch:
            self.epoch = epoch
            self.offsets = np.random.randint(0, self.nsamples, size=self.batch_size)
        return list(zip(x, t))

    @property
    def epoch_detail(self):
        return self.iteration * self.batch_size / len(self.dataset)

    def get_data(self):
        tmp0 = [self.dataset[(offset + self.iteration) % self.nsamples][0]
                for offset in self.offsets]
        tmp1 = [self.dataset[(offset + self.iteration + 1) % self.nsamples][0]
                for offset in self.offsets]
        return tmp0, tmp1

    def serialzie(self, serialzier):  # (sic) the seed's typo: never called
        self.iteration = serialzier('iteration', self.iteration)
        self.epoch = serialzier('epoch', self.epoch)


class LSTM_updater(training.StandardUpdater):
    def __init__(self, train_iter, optimizer, device):
        super(LSTM_updater, self).__init__(train_iter, optimizer, device=device)
        self.seq_length = train_iter.seq_length

    def update_core(self):
        loss = 0
        train_iter = self.get_iterator('main')
        optimizer = self.get_optimizer('main')
        for i in range(self.seq_length):  # noqa: B007
            batch = np.array(train_iter.__next__()).astype(np.float32)
            x, t = batch[:, 0].reshape((-1, 1)), batch[:, 1].reshape((-1, 1))
            loss += optimizer.target(kusari.Variable(x), kusari.Variable(t))
        optimizer.target.cleargrads()
        loss.backward()
        loss.unchain_backward()
        optimizer.update()


def test_sine_wave_trainer_with_custom_iterator_and_updater(tmp_path):
    np.random.seed(3)
    steps = 40
    dataset = [(np.float32(math.sin(2 * math.pi * i / steps)),) for i in range(steps * 2)]
    model = LossFuncL(MLP())
    optimizer = optimizers.Adam(alpha=0.02)
    optimizer.setup(model)
    train_iter = LSTM_test_Iterator(dataset, batch_size=10, seq_len=10)
    updater = LSTM_updater(train_iter, optimizer, -1)
    trainer = training.Trainer(updater, (12, 'epoch'), out=str(tmp_path))
    log = extensions.LogReport(trigger=(2, 'epoch'))
    trainer.extend(log)
    trainer.run()
    losses = [entry['main/loss'] for entry in log.log]
    # The seed's epoch_detail makes an epoch 80 / 10 = 8 iterator steps; an
    # update takes 10: the 10th update (100 steps) is the first past 12 epochs.
    assert updater.iteration == 10
    assert len(losses) == 6 and losses[-1] < 0.5 * losses[0]


# ---- 6) seiya-kumada's sine wave with a hand-written loop ------------------------------------
class SineLSTM(kusari.Chain):
    def __init__(self, in_units=1, hidden_units=2, out_units=1, train=True):
        super(SineLSTM, self).__init__(
            l1=L.Linear(in_units, hidden_units),
            l2=L.LSTM(hidden_units, hidden_units),
            l3=L.Linear(hidden_units, out_units),
        )
        self.train = True

    def __call__(self, x, t):
        h = self.l1(x)
        h = self.l2(h)
        y = self.l3(h)
        self.loss = F.mean_squared_error(y, t)
        if self.train:
            return self.loss
        else:
            self.prediction = y
            return self.prediction

    def reset_state(self):
        self.l2.reset_state()


def compute_loss(model, sequences):
    loss = 0
    rows, cols = sequences.shape
    for i in range(cols - 1):
        x = kusari.Variable(
            np.asarray([sequences[j, i + 0] for j in range(rows)], dtype=np.float32)[:, np.newaxis])
        t = kusari.Variable(
            np.asarray([sequences[j, i + 1] for j in range(rows)], dtype=np.float32)[:, np.newaxis])
        loss += model(x, t)
    return loss


def test_sine_wave_hand_loop_and_pickled_model(tmp_path):
    np.random.seed(4)
    rng = np.random.RandomState(0)
    steps_per_cycle, length = 20, 10
    train_data = np.array([math.sin(i * 2 * math.pi / steps_per_cycle)
                           for i in range(steps_per_cycle)] * 5)

    def make_mini_batch(size):
        sequences = np.ndarray((size, length), dtype=np.float32)
        for i in range(size):
            index = rng.randint(0, len(train_data) - length)
            sequences[i] = train_data[index:index + length]
        return sequences

    model = SineLSTM(1, 8, 1)
    for param in model.params():
        data = param.data
        data[:] = np.random.uniform(-0.1, 0.1, data.shape)
    optimizer = optimizers.Adam(alpha=0.02)
    optimizer.setup(model)
    losses = []
    for epoch in range(150):  # noqa: B007
        sequences = make_mini_batch(16)
        model.reset_state()
        model.cleargrads()
        loss = compute_loss(model, sequences)
        loss.backward()
        optimizer.update()
        losses.append(float(loss.array))
    assert np.mean(losses[-10:]) < 0.3 * np.mean(losses[:10])
    # save model (cPickle.dump in the seed): the copy predicts exactly the same
    path = tmp_path / "model.pkl"
    pickle.dump(model, open(path, "wb"))
    copy = pickle.load(open(path, "rb"))
    sequences = make_mini_batch(4)
    model.reset_state()
    copy.reset_state()
    np.testing.assert_allclose(compute_loss(copy, sequences).array,
                               compute_loss(model, sequences).array, rtol=1e-6)


# ---- 7) the PTB Trainer: ParallelSequentialIterator, BPTTUpdater, perplexity -----------------
class ParallelSequentialIterator(kusari.dataset.Iterator):
    def __init__(self, dataset, batch_size, repeat=True):
        self.dataset = dataset
        self.batch_size = batch_size
        self.epoch = 0
        self.is_new_epoch = False
        self.repeat = repeat
        length = len(dataset)
        self.offsets = [i * length // batch_size for i in range(batch_size)]
        self.iteration = 0

    def __next__(self):
        length = len(self.dataset)
        if not self.repeat and self.iteration * self.batch_size >= length:
            raise StopIteration
        cur_words = self.get_words()
        self.iteration += 1
        next_words = self.get_words()
        epoch = self.iteration * self.batch_size // length
        self.is_new_epoch = self.epoch < epoch
        if self.is_new_epoch:
            self.epoch = epoch
        return list(zip(cur_words, next_words))

    @property
    def epoch_detail(self):
        return self.iteration * self.batch_size / len(self.dataset)

    def get_words(self):
        return [self.dataset[(offset + self.iteration) % len(self.dataset)]
                for offset in self.offsets]

    def serialize(self, serializer):
        self.iteration = serializer('iteration', self.iteration)
        self.epoch = serializer('epoch', self.epoch)


class BPTTUpdater(training.StandardUpdater):
    def __init__(self, train_iter, optimizer, bprop_len, device):
        super(BPTTUpdater, self).__init__(train_iter, optimizer, device=device)
        self.bprop_len = bprop_len

    def update_core(self):
        loss = 0
        train_iter = self.get_iterator('main')
        optimizer = self.get_optimizer('main')
        # Progress the dataset iterator for bprop_len words at each iteration.
        for i in range(self.bprop_len):  # noqa: B007
            batch = train_iter.__next__()
            x, t = self.converter(batch, self.device)
            loss += optimizer.target(kusari.Variable(x), kusari.Variable(t))
        optimizer.target.cleargrads()  # Clear the parameter gradients
        loss.backward()  # Backprop
        loss.unchain_backward()  # Truncate the graph
        optimizer.update()  # Update the parameters


def compute_perplexity(result):
    result['perplexity'] = np.exp(result['main/loss'])
    if 'validation/main/loss' in result:
        result['val_perplexity'] = np.exp(result['validation/main/loss'])


def _ptb_main(out, train, n_vocab, unit, updater_class, iterator_class, epoch=3):
    class Args:
        batchsize, bproplen, gradclip, gpu, test, resume = 4, 5, 5.0, -1, True, ''
    args = Args()
    args.epoch, args.out, args.unit = epoch, out, unit
    np.random.seed(0)

    train_iter = iterator_class(train, args.batchsize)
    rnn = RNNForLM(n_vocab, args.unit)
    model = L.Classifier(rnn)
    model.compute_accuracy = True
    optimizer = kusari.optimizers.SGD(lr=1.0)
    optimizer.setup(model)
    optimizer.add_hook(kusari.optimizer.GradientClipping(args.gradclip))

    updater = updater_class(train_iter, optimizer, args.bproplen, args.gpu)
    trainer = training.Trainer(updater, (args.epoch, 'epoch'), out=args.out)
    interval = 10 if args.test else 500
    trainer.extend(extensions.LogReport(postprocess=compute_perplexity,
                                        trigger=(interval, 'iteration')))
    trainer.extend(extensions.PrintReport(
        ['epoch', 'iteration', 'perplexity', 'main/accuracy']), trigger=(interval, 'iteration'))
    trainer.extend(extensions.ProgressBar(update_interval=1 if args.test else 10))
    trainer.extend(extensions.snapshot())
    trainer.extend(extensions.snapshot_object(model, 'model_iter_{.updater.iteration}'))
    if args.resume:
        kusari.serializers.load_npz(args.resume, model)

    @training.make_extension(trigger=(10, 'iteration'))
    def save_model(trainer):
        kusari.serializers.save_npz('{}/{}'.format(args.out, 'lstm_model.npz'), model)

    trainer.extend(save_model)
    trainer.run()
    return model, trainer


def test_ptb_trainer_with_the_seeds_iterator_and_updater(tmp_path):
    from kusari.rnn import training as rnn_training

    # 160 words, half of them 0: the unigram statistics are learnt within a few updates.
    words = np.array([0, 1, 0, 2, 0, 3, 0, 0] * 20, np.int32)
    out = str(tmp_path / "seed")
    # The seed uses Chainer's old name for the hook, deprecated there and here.
    with pytest.warns(DeprecationWarning, match="use kusari.optimizer_hooks.GradientClipping"):
        model, trainer = _ptb_main(out, words, 8, 16, BPTTUpdater, ParallelSequentialIterator)
    assert trainer.updater.iteration == 3 * 160 // (4 * 5)  # 24
    log = trainer.get_extension('LogReport').log
    perplexities = [entry['perplexity'] for entry in log]
    assert len(perplexities) == 2 and perplexities[-1] < 0.85 * perplexities[0]
    assert all(entry['perplexity'] == pytest.approx(math.exp(entry['main/loss'])) for entry in log)
    for name in ('snapshot_iter_24', 'model_iter_24', 'lstm_model.npz', 'log'):
        assert os.path.exists(os.path.join(out, name)), name

    # kusari.rnn.training's classes are drop-in replacements: the same run, the same weights.
    out2 = str(tmp_path / "kusari")
    with pytest.warns(DeprecationWarning, match="use kusari.optimizer_hooks.GradientClipping"):
        model2, _ = _ptb_main(out2, words, 8, 16, rnn_training.BPTTUpdater,
                              rnn_training.ParallelSequentialIterator)
    for (name, p), (_, q) in zip(sorted(model.namedparams()), sorted(model2.namedparams())):
        np.testing.assert_allclose(p.array, q.array, rtol=1e-5, atol=1e-6, err_msg=name)

    # and the saved model loads back (resume)
    fresh = L.Classifier(RNNForLM(8, 16))
    kusari.serializers.load_npz(os.path.join(out, 'model_iter_24'), fresh)
    np.testing.assert_array_equal(fresh.predictor.l3.W.array, model.predictor.l3.W.array)
