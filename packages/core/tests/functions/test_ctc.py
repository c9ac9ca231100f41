"""connectionist_temporal_classification: brute force over every alignment, gradients, lengths, errors."""
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.ctc import connectionist_temporal_classification as ctc
from kusari.testing import check_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def ctc_cases(draw):
    """x (T frames of (B, V)), padded labels, blank, input/label lengths; every target reachable."""
    n_vocab = draw(st.integers(2, 3))
    n_time = draw(st.integers(1, 4))
    n_batch = draw(st.integers(1, 3))
    blank = draw(st.integers(0, n_vocab - 1))
    x = [draw(kst.arrays(shape=(n_batch, n_vocab))) for _ in range(n_time)]
    input_length = np.array([draw(st.integers(1, n_time)) for _ in range(n_batch)], np.int32)
    # ll <= (T_b + 1) // 2 leaves room for a blank between any repeated labels.
    label_length = np.array([draw(st.integers(0, (n + 1) // 2)) for n in input_length], np.int32)
    n_max = max(1, int(label_length.max()))
    symbols = [v for v in range(n_vocab) if v != blank]
    t = np.array([[draw(st.sampled_from(symbols)) for _ in range(n_max)] for _ in range(n_batch)], np.int32)
    t[np.arange(n_max) >= label_length[:, None]] = -1  # padding must be ignored
    return x, t, blank, input_length, label_length


def _collapse(alignment, blank):
    merged = [s for i, s in enumerate(alignment) if i == 0 or s != alignment[i - 1]]
    return tuple(s for s in merged if s != blank)


def _reference(x, t, blank, input_length, label_length):
    probs = np.exp(np.stack(x))
    probs /= probs.sum(axis=2, keepdims=True)  # (T, B, V)
    losses = []
    for b in range(probs.shape[1]):
        target = tuple(t[b, :label_length[b]])
        total = 0.0
        for alignment in itertools.product(range(probs.shape[2]), repeat=int(input_length[b])):
            if _collapse(alignment, blank) == target:
                total += np.prod([probs[i, b, s] for i, s in enumerate(alignment)])
        losses.append(-np.log(total))
    return np.array(losses)


@given(ctc_cases())
def test_loss_matches_brute_force(case):
    x, t, blank, input_length, label_length = case
    expected = _reference(x, t, blank, input_length, label_length)
    loss = ctc(x, t, blank, input_length, label_length, reduce="no")
    assert loss.shape == (len(input_length),)
    np.testing.assert_allclose(loss.array, expected, rtol=1e-9, atol=1e-9)
    mean = ctc(x, t, blank, input_length, label_length)
    assert mean.shape == ()
    np.testing.assert_allclose(mean.array, expected.mean(), rtol=1e-9, atol=1e-9)


def test_default_lengths_use_everything():
    rng = np.random.default_rng(0)
    x = [rng.standard_normal((2, 3)) for _ in range(4)]
    t = np.array([[1, 2], [2, 2]], np.int32)
    full = ctc(x, t, 0, reduce="no").array
    np.testing.assert_allclose(full, _reference(x, t, 0, np.array([4, 4]), np.array([2, 2])), rtol=1e-10)


@pytest.mark.parametrize("reduce", ["mean", "no"])
@given(case=ctc_cases(), data=st.data())
def test_gradient(reduce, case, data):
    x, t, blank, input_length, label_length = case
    gy = data.draw(kst.arrays(shape=() if reduce == "mean" else (len(t),), lo=-1, hi=1))
    check_backward(lambda *xs: ctc(list(xs), t, blank, input_length, label_length, reduce), tuple(x), gy)


def test_frames_past_input_length_get_no_gradient():
    x = [kusari.Variable(np.ones((2, 3), np.float32)) for _ in range(3)]
    loss = ctc(x, np.array([[1], [2]], np.int32), 0, np.array([3, 1], np.int32), reduce="no")
    loss.grad = np.ones(2, np.float32)
    loss.backward()
    assert (x[1].grad[1] == 0).all() and (x[2].grad[1] == 0).all()
    assert (x[0].grad[1] != 0).any() and (x[2].grad[0] != 0).any()


def test_unreachable_target_gives_a_huge_finite_loss():
    # Two equal labels need a blank between them: 3 frames, 2 given.
    loss = ctc([np.zeros((1, 2), np.float32)] * 2, np.array([[1, 1]], np.int32), 0)
    assert np.isfinite(loss.array) and float(loss.array) > 1e9


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = [kusari.Variable(np.zeros((1, 3), dtype)) for _ in range(2)]
    loss = ctc(x, np.array([[1]], np.int32), 0)
    loss.backward()
    assert loss.dtype == dtype and x[0].grad.dtype == dtype
    np.testing.assert_allclose(float(loss.array), -np.log(3 / 9), rtol=1e-3)


def _good():
    return [np.zeros((2, 3), np.float32)] * 3, np.array([[1, 2], [2, 1]], np.int32)


@pytest.mark.parametrize("call, error, message", [
    (lambda x, t: ctc(x, t, 0, reduce="sum"), ValueError, r"argument 'reduce' expected 'mean' or 'no', got 'sum'"),
    (lambda x, t: ctc(x[0], t, 0), InvalidType, r"argument 'x' expected a non-empty list .*got ndarray"),
    (lambda x, t: ctc([], t, 0), InvalidType, r"argument 'x' expected a non-empty list .*got an empty list"),
    (lambda x, t: ctc([np.zeros(3, np.float32)], t, 0), InvalidType, r"argument 'x\[0\]' expected 2 dimensions"),
    (lambda x, t: ctc([np.zeros((2, 3), np.int32)], t, 0), InvalidType,
     r"argument 'x\[0\]' expected a floating-point dtype"),
    (lambda x, t: ctc([x[0], np.zeros((2, 4), np.float32)], t, 0), InvalidType,
     r"argument 'x\[1\]' expected shape \(2, 3\) \(the shape of x\[0\]\), got \(2, 4\)"),
    (lambda x, t: ctc([x[0], np.zeros((2, 3))], t, 0), InvalidType, r"argument 'x\[1\]' expected dtype float32"),
    (lambda x, t: ctc(x, t, 3), InvalidType, r"argument 'blank_symbol' expected an int in \[0, 3\) .*got 3"),
    (lambda x, t: ctc(x, t, 0.0), InvalidType, r"argument 'blank_symbol' expected an int in \[0, 3\) .*got 0.0"),
    (lambda x, t: ctc(x, t.astype(np.float32), 0), InvalidType, r"argument 't' expected an integer dtype"),
    (lambda x, t: ctc(x, t[0], 0), InvalidType, r"argument 't' expected 2 dimensions"),
    (lambda x, t: ctc(x, t[:1], 0), InvalidType, r"argument 't' expected shape \(2, N\) .*got \(1, 2\)"),
    (lambda x, t: ctc(x, t, 0, np.array([3, 4], np.int32)), ValueError,
     r"argument 'input_length' expected values in \[1, 3\], got min 3, max 4"),
    (lambda x, t: ctc(x, t, 0, np.array([0, 3], np.int32)), ValueError,
     r"argument 'input_length' expected values in \[1, 3\], got min 0, max 3"),
    (lambda x, t: ctc(x, t, 0, np.array([3], np.int32)), InvalidType,
     r"argument 'input_length' expected shape \(2,\) .*got \(1,\)"),
    (lambda x, t: ctc(x, t, 0, None, np.array([1., 2.])), InvalidType,
     r"argument 'label_length' expected an integer dtype"),
    (lambda x, t: ctc(x, t, 0, None, np.array([3, 2], np.int32)), ValueError,
     r"argument 'label_length' expected values in \[0, 2\], got min 2, max 3"),
    (lambda x, t: ctc(x, np.array([[1, 2], [3, 1]], np.int32), 0), ValueError,
     r"argument 't' expected labels in \[0, 3\), got 3 at index \(1, 0\)"),
])
def test_errors(call, error, message):
    x, t = _good()
    with pytest.raises(error, match="connectionist_temporal_classification: " + message):
        call(x, t)


def test_label_padding_past_label_length_is_ignored():
    x, t = _good()
    padded = np.array([[1, 7], [2, -1]], np.int32)
    np.testing.assert_allclose(ctc(x, padded, 0, None, np.array([1, 1], np.int32), reduce="no").array,
                               ctc(x, t[:, :1], 0, reduce="no").array)
