"""F.black_out: NumPy reference, reduce modes, gradients, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.loss.black_out import black_out
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(x, t, W, samples, reduce):
    loss = np.zeros(len(x))
    for i in range(len(x)):
        ids = [t[i]] + list(samples[i])
        scores = np.array([W[k] @ x[i] for k in ids])
        p = np.exp(scores) / np.exp(scores).sum()
        loss[i] = -np.log(p[0]) - np.log(1 - p[1:]).sum()
    return loss.mean() if reduce == "mean" else loss


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 3))
    d = draw(st.integers(1, 3))
    v = draw(st.integers(1, 4))
    s = draw(st.integers(0, 3))
    x = draw(kst.arrays(shape=(n, d), lo=-1, hi=1))
    W = draw(kst.arrays(shape=(v, d), lo=-1, hi=1))
    t = draw(kst.arrays(shape=(n,), dtype=np.int32, lo=0, hi=v - 1))
    samples = draw(kst.arrays(shape=(n, s), dtype=np.int32, lo=0, hi=v - 1))
    return x, t, W, samples


@given(_cases(), st.sampled_from(["mean", "no"]))
def test_forward_matches_numpy(case, reduce):
    x, t, W, samples = case
    loss = black_out(x.astype(np.float32), t, W.astype(np.float32), samples, reduce=reduce)
    assert loss.dtype == np.float32
    assert loss.shape == (() if reduce == "mean" else (len(x),))
    np.testing.assert_allclose(loss.array, _reference(x, t, W, samples, reduce), rtol=1e-4, atol=1e-5)


def test_known_value_and_float64():
    # Scores 0 for the label and both negatives: p = 1/3 each.
    x = np.array([[1.0, 0.0]])
    W = np.array([[0.0, 1.0], [0.0, 2.0]])
    loss = black_out(x, np.array([0]), W, np.array([[1, 1]]))
    assert loss.dtype == np.float64
    np.testing.assert_allclose(loss.array, np.log(3) - 2 * np.log(2 / 3))


@given(_cases(), st.sampled_from(["mean", "no"]), st.data())
def test_gradient(case, reduce, data):
    x, t, W, samples = case
    gy = data.draw(kst.arrays(shape=() if reduce == "mean" else (len(x),), lo=-1, hi=1))
    check_backward(lambda x_, W_: black_out(x_, t, W_, samples, reduce=reduce), (x, W), gy,
                   atol=1e-4, rtol=1e-3)


@given(_cases(), st.data())
def test_double_gradient(case, data):
    x, t, W, samples = case
    gy = data.draw(kst.arrays(shape=(len(x),), lo=-1, hi=1))
    ggx = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    ggW = data.draw(kst.arrays(shape=W.shape, lo=-1, hi=1))
    check_double_backward(lambda x_, W_: black_out(x_, t, W_, samples, reduce="no"), (x, W), gy, (ggx, ggW))


_X = np.zeros((2, 3), np.float32)
_T = np.array([0, 1], np.int32)
_W = np.zeros((4, 3), np.float32)
_S = np.zeros((2, 2), np.int32)


@pytest.mark.parametrize(("args", "match"), [
    ((_X.astype(np.int32), _T, _W, _S), r"black_out: argument 'x' expected a floating-point dtype"),
    ((_X[0], _T, _W, _S), r"black_out: argument 'x' expected 2 dimensions, got 1"),
    ((_X, _T.astype(np.float32), _W, _S), r"black_out: argument 't' expected an integer dtype"),
    ((_X, _T[:1], _W, _S), r"black_out: argument 't' expected shape \(2,\) \(one label per row of 'x'\)"),
    ((_X, _T, _W.astype(np.float64), _S), r"black_out: argument 'W' expected dtype float32"),
    ((_X, _T, _W[:, :1], _S), r"black_out: argument 'W' expected shape \(N, 3\)"),
    ((_X, _T, _W, _S.astype(np.float32)), r"black_out: argument 'samples' expected an integer dtype"),
    ((_X, _T, _W, _S[0]), r"black_out: argument 'samples' expected 2 dimensions, got 1"),
    ((_X, _T, _W, _S[:1]), r"black_out: argument 'samples' expected shape \(2, N\)"),
    ((_X, np.array([-1, 0], np.int32), _W, _S),
     r"black_out: argument 't' expected ids in \[0, 4\) \(the rows of 'W'\), got values from -1 to 0"),
    ((_X, _T, _W, _S + 4), r"black_out: argument 'samples' expected ids in \[0, 4\) .*got values from 4 to 4"),
])
def test_bad_inputs(args, match):
    with pytest.raises(InvalidType, match=match):
        black_out(*args)


def test_bad_reduce():
    with pytest.raises(ValueError, match=r"black_out: argument 'reduce' expected 'mean' or 'no', got 'sum'"):
        black_out(_X, _T, _W, _S, reduce="sum")
