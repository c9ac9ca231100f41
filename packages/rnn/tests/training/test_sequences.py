"""convert_sequences, sequence_softmax_cross_entropy/accuracy, SequenceClassifier, compute_perplexity."""
import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.links as L
from kusari import training
from kusari.iterators import SerialIterator
from kusari.rnn import sequences
from kusari.rnn.sequences import (
    SequenceClassifier,
    compute_perplexity,
    convert_sequences,
    sequence_accuracy,
    sequence_softmax_cross_entropy,
)
from kusari.utils.type_check import InvalidType

N_CLASS = 4
lengths_st = st.lists(st.integers(1, 4), min_size=1, max_size=4)


def _ragged(lengths, seed):
    rng = np.random.RandomState(seed)
    ys = [rng.randn(n, N_CLASS).astype(np.float32) for n in lengths]
    ts = [rng.randint(0, N_CLASS, n).astype(np.int32) for n in lengths]
    return ys, ts


def _reference_loss_and_grads(ys, ts):
    # Per word: -log softmax(y)[t]; mean over every word of every sequence.
    total = sum(len(t) for t in ts)
    loss, grads = 0.0, []
    for y, t in zip(ys, ts):
        p = np.exp(y - y.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        loss -= np.log(p[np.arange(len(t)), t]).sum()
        g = p.copy()
        g[np.arange(len(t)), t] -= 1
        grads.append(g / total)
    return loss / total, grads


@given(lengths=lengths_st, seed=st.integers(0, 1000))
def test_convert_sequences_keeps_inputs_ragged_and_concatenates_targets(lengths, seed):
    rng = np.random.RandomState(seed)
    batch = [(rng.randint(0, 9, n).astype(np.int32), rng.randint(0, 9, n).astype(np.int32))
             for n in lengths]
    xs, t = convert_sequences(batch, device="@numpy")
    assert isinstance(xs, list) and len(xs) == len(batch)
    for x, (x_in, _) in zip(xs, batch):
        np.testing.assert_array_equal(x, x_in)
    expected_t = [int(v) for _, t_in in batch for v in t_in]
    assert t.dtype == np.int32 and t.tolist() == expected_t


def test_convert_sequences_with_several_inputs_and_old_style_device():
    batch = [(np.arange(2), np.ones((2, 3), np.float32), np.array([1, 0])),
             (np.arange(3), np.zeros((3, 3), np.float32), np.array([2, 2, 1]))]
    ids, feats, t = convert_sequences(batch, -1)
    assert [a.shape for a in ids] == [(2,), (3,)]
    assert [a.shape for a in feats] == [(2, 3), (3, 3)]
    assert t.tolist() == [1, 0, 2, 2, 1]


def test_convert_sequences_of_single_arrays_gives_the_list():
    out = convert_sequences([np.arange(3), np.arange(1)])
    assert [a.tolist() for a in out] == [[0, 1, 2], [0]]


def test_convert_sequences_rejects_an_empty_batch():
    with pytest.raises(InvalidType, match=r"convert_sequences: argument 'batch' expected a "
                                          r"non-empty list of examples, got \[\]"):
        convert_sequences([])


def test_convert_sequences_rejects_one_field_tuples():
    with pytest.raises(InvalidType, match=r"convert_sequences: argument 'batch' expected examples "
                                          r"of \(inputs\.\.\., targets\) with at least 2 fields, "
                                          r"got 1 field\(s\)"):
        convert_sequences([(np.arange(2),)])


def test_convert_sequences_rejects_targets_that_are_not_sequences():
    with pytest.raises(InvalidType, match=r"convert_sequences: argument 'batch' expected 1-D "
                                          r"target sequences in the last field, got targets of "
                                          r"ndim \[0\]"):
        convert_sequences([(np.arange(2), 1)])


@given(lengths=lengths_st, seed=st.integers(0, 1000))
def test_sequence_loss_and_its_gradient_match_a_per_sequence_reference(lengths, seed):
    ys, ts = _ragged(lengths, seed)
    vs = [kusari.Variable(y) for y in ys]
    loss = sequence_softmax_cross_entropy(vs, ts)
    loss.backward()
    expected, grads = _reference_loss_and_grads(ys, ts)
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.array, expected, rtol=1e-5)
    for v, g in zip(vs, grads):
        np.testing.assert_allclose(v.grad, g, rtol=1e-4, atol=1e-6)


def test_sequence_loss_takes_concatenated_outputs_or_targets_and_passes_kwargs():
    ys, ts = _ragged([2, 3], 0)
    ts[1][0] = -1
    y_all, t_all = np.concatenate(ys), np.concatenate(ts)
    expected = kusari.functions.softmax_cross_entropy(y_all, t_all, normalize=False).array
    for y_arg, t_arg in [(ys, ts), (y_all, ts), (ys, t_all), (y_all, t_all)]:
        got = sequence_softmax_cross_entropy(y_arg, t_arg, normalize=False)
        np.testing.assert_allclose(got.array, expected, rtol=1e-6)


def test_sequence_loss_calls_softmax_cross_entropy_once(monkeypatch):
    calls = []
    original = sequences.softmax_cross_entropy

    def counting(*args, **kwargs):
        calls.append(args[0].shape)
        return original(*args, **kwargs)

    monkeypatch.setattr(sequences, "softmax_cross_entropy", counting)
    ys, ts = _ragged([1, 4, 2], 1)
    sequence_softmax_cross_entropy(ys, ts)
    assert calls == [(7, N_CLASS)]


def test_sequence_loss_rejects_mismatched_and_empty_lists():
    ys, ts = _ragged([2, 1], 0)
    with pytest.raises(InvalidType, match=r"sequence_softmax_cross_entropy: argument 'ts' expected "
                                          r"one target sequence per output \(2\), got 1 sequences"):
        sequence_softmax_cross_entropy(ys, ts[:1])
    with pytest.raises(InvalidType, match=r"sequence_softmax_cross_entropy: argument 'ys' expected "
                                          r"a non-empty list of per-sequence outputs, got an empty"):
        sequence_softmax_cross_entropy([], np.zeros(0, np.int32))
    with pytest.raises(InvalidType, match=r"sequence_accuracy: argument 'ts' expected a non-empty "
                                          r"list of per-sequence targets, got an empty list"):
        sequence_accuracy(np.zeros((0, 2), np.float32), [])


@given(lengths=lengths_st, seed=st.integers(0, 1000))
def test_sequence_accuracy_counts_every_word(lengths, seed):
    ys, ts = _ragged(lengths, seed)
    hits = sum(int((y.argmax(1) == t).sum()) for y, t in zip(ys, ts))
    acc = sequence_accuracy(ys, ts)
    np.testing.assert_allclose(acc.array, hits / sum(lengths), rtol=1e-6)


class PerWord(kusari.Chain):
    """xs -> one (len_i, N_CLASS) output per sequence, like EmbedID + NStepLSTM + Linear."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(6, N_CLASS)

    def forward(self, xs):
        return [self.embed(x) for x in xs]


def _seq_data(n, seed=0):
    rng = np.random.RandomState(seed)
    lengths = rng.randint(1, 5, n)
    return [(rng.randint(0, 6, k).astype(np.int32), rng.randint(0, N_CLASS, k).astype(np.int32))
            for k in lengths]


def test_sequence_classifier_reports_loss_and_accuracy_over_all_words():
    model = SequenceClassifier(PerWord())
    data = _seq_data(3)
    xs, t = convert_sequences(data)
    reporter = kusari.Reporter()
    reporter.add_observer("main", model)
    observation = {}
    with reporter.scope(observation):
        loss = model(xs, t)
    ys = [model.predictor.embed.W.array[x] for x in xs]
    expected_loss, _ = _reference_loss_and_grads(ys, [d[1] for d in data])
    np.testing.assert_allclose(loss.array, expected_loss, rtol=1e-5)
    np.testing.assert_allclose(observation["main/loss"].array, expected_loss, rtol=1e-5)
    hits = sum(int((y.argmax(1) == tt).sum()) for y, (_, tt) in zip(ys, data))
    np.testing.assert_allclose(observation["main/accuracy"].array, hits / len(t), rtol=1e-6)
    assert model.y.shape == (len(t), N_CLASS) and len(model.ys) == 3


def test_sequence_classifier_takes_targets_as_a_list_and_by_keyword():
    model = SequenceClassifier(PerWord(), label_key="ts")
    data = _seq_data(2, 5)
    xs = [x for x, _ in data]
    loss = model(xs, ts=[t for _, t in data])
    xs2, t = convert_sequences(data)
    np.testing.assert_allclose(loss.array, sequence_softmax_cross_entropy(model.ys, t).array)
    model.compute_accuracy = False
    model(xs, ts=t)
    assert model.accuracy is None


def test_sequence_classifier_label_key_errors():
    with pytest.raises(InvalidType, match=r"SequenceClassifier: argument 'label_key' expected a "
                                          r"position among the 1 positional arguments, got 3"):
        SequenceClassifier(PerWord(), label_key=3)([np.arange(2)])
    with pytest.raises(InvalidType, match=r"SequenceClassifier: argument 'label_key' expected a "
                                          r"keyword argument name, got 't' \(given: none\)"):
        SequenceClassifier(PerWord(), label_key="t")([np.arange(2)])


def test_standard_updater_and_evaluator_train_a_ragged_model():
    train, test = _seq_data(12, 1), _seq_data(5, 2)
    model = SequenceClassifier(PerWord())
    opt = kusari.optimizers.SGD(lr=1.0)
    opt.setup(model)
    updater = training.StandardUpdater(SerialIterator(train, 4, shuffle=False), opt,
                                       converter=convert_sequences)
    trainer = training.Trainer(updater, (15, "epoch"))
    evaluator = training.extensions.Evaluator(
        SerialIterator(test, 5, repeat=False, shuffle=False), model, converter=convert_sequences)
    log = training.extensions.LogReport(trigger=(1, "epoch"), postprocess=compute_perplexity)
    trainer.extend(evaluator)
    trainer.extend(log)
    trainer.run()
    first, last = log.log[0], log.log[-1]
    assert last["perplexity"] < first["perplexity"]
    assert math.isclose(last["perplexity"], math.exp(last["main/loss"]), rel_tol=1e-6)
    # The evaluator saw the whole test set in one batch: its loss is the word-level loss.
    with kusari.using_config("train", False):
        xs, t = convert_sequences(test)
        expected = float(sequence_softmax_cross_entropy(model.predictor(xs), t).array)
    assert math.isclose(float(evaluator()["validation/main/loss"]), expected, rel_tol=1e-5)


def test_compute_perplexity_without_validation():
    result = {"main/loss": math.log(3.0)}
    compute_perplexity(result)
    assert math.isclose(result["perplexity"], 3.0) and "val_perplexity" not in result


def test_sequences_work_without_kusari_training_and_training_module_says_what_to_install():
    # kusari-rnn alone (no kusari-training): the converter, loss and classifier
    # import and run; only kusari.rnn.training needs the extra.
    code = (
        "import sys; sys.modules['kusari.training'] = None\n"
        "import numpy as np\n"
        "from kusari.rnn.sequences import convert_sequences, sequence_softmax_cross_entropy\n"
        "xs, t = convert_sequences([(np.arange(2), np.array([1, 0])), (np.arange(1), np.array([1]))])\n"
        "print(float(sequence_softmax_cross_entropy([np.zeros((2, 2), np.float32),"
        " np.zeros((1, 2), np.float32)], t).array))\n"
        "try:\n"
        "    import kusari.rnn.training\n"
        "except ImportError as error:\n"
        "    print('ImportError', error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert float(lines[0]) == pytest.approx(math.log(2), rel=1e-6)
    assert lines[1].startswith("ImportError") and "kusari-rnn[training]" in lines[1]
