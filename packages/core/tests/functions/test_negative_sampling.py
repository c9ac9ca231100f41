"""F.negative_sampling: NumPy reference with fixed samples, ignore label, gradients, errors."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.loss.negative_sampling import negative_sampling
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _fixed_sampler(negatives):
    """A sampler that returns ``negatives`` in columns 1.. (column 0 is overwritten by t)."""
    calls = []

    def sample(shape):
        calls.append(shape)
        out = np.full(shape, 99, np.int32)
        out[:, 1:] = negatives
        return out
    sample.calls = calls
    return sample


def _reference(x, t, W, negatives, reduce):
    loss = np.zeros(len(x))
    for i in range(len(x)):
        if t[i] == -1:
            continue
        loss[i] = -np.log(1 / (1 + np.exp(-W[t[i]] @ x[i])))
        for n in negatives[i]:
            loss[i] -= np.log(1 / (1 + np.exp(W[n] @ x[i])))
    return loss.sum() if reduce == "sum" else loss


@st.composite
def _cases(draw, ignore=True):
    n = draw(st.integers(1, 3))
    d = draw(st.integers(1, 3))
    v = draw(st.integers(1, 4))
    k = draw(st.integers(0, 3))
    x = draw(kst.arrays(shape=(n, d), lo=-1, hi=1))
    W = draw(kst.arrays(shape=(v, d), lo=-1, hi=1))
    t = draw(kst.arrays(shape=(n,), dtype=np.int32, lo=-1 if ignore else 0, hi=v - 1))
    negatives = draw(kst.arrays(shape=(n, k), dtype=np.int32, lo=0, hi=v - 1))
    return x, t, W, negatives


@given(_cases(), st.sampled_from(["sum", "no"]))
def test_forward_matches_numpy(case, reduce):
    x, t, W, negatives = case
    sampler = _fixed_sampler(negatives)
    loss = negative_sampling(x.astype(np.float32), t, W.astype(np.float32), sampler, negatives.shape[1],
                             reduce=reduce)
    assert loss.dtype == np.float32
    assert loss.shape == (() if reduce == "sum" else (len(x),))
    assert sampler.calls == [(len(x), negatives.shape[1] + 1)]
    np.testing.assert_allclose(loss.array, _reference(x, t, W, negatives, reduce), rtol=1e-5, atol=1e-5)


def test_return_samples_holds_labels_then_negatives():
    x = np.ones((2, 2), np.float32)
    W = np.zeros((3, 2), np.float32)
    t = np.array([2, -1], np.int32)
    negatives = np.array([[0, 1], [1, 1]], np.int32)
    loss, samples = negative_sampling(x, t, W, _fixed_sampler(negatives), 2, return_samples=True)
    np.testing.assert_array_equal(samples, np.array([[2, 0, 1], [-1, 1, 1]], np.int32))
    assert samples.dtype == np.int32
    # W = 0: each of the 3 terms of the used row is log 2; the ignored row adds nothing.
    np.testing.assert_allclose(loss.array, 3 * np.log(2), rtol=1e-6)


def test_ignored_rows_get_no_gradient():
    x = kusari.Variable(np.array([[1.0, 2.0], [3.0, -1.0]], np.float32))
    W = kusari.Variable(np.array([[0.5, 0.5], [1.0, -1.0]], np.float32))
    loss = negative_sampling(x, np.array([-1, 0], np.int32), W, _fixed_sampler(np.array([[1], [1]])), 1)
    loss.backward()
    np.testing.assert_array_equal(x.grad[0], 0)
    assert (x.grad[1] != 0).all()


def test_float64_and_float16_keep_their_dtype():
    for dtype in (np.float64, np.float16):
        loss = negative_sampling(np.ones((2, 3), dtype), np.array([0, 1], np.int32), np.zeros((4, 3), dtype),
                                 _fixed_sampler(np.array([[2], [3]])), 1, reduce="no")
        assert loss.dtype == dtype
        np.testing.assert_allclose(loss.array, 2 * np.log(2), rtol=1e-3)


@given(_cases(), st.sampled_from(["sum", "no"]), st.data())
def test_gradient(case, reduce, data):
    x, t, W, negatives = case
    gy = data.draw(kst.arrays(shape=() if reduce == "sum" else (len(x),), lo=-1, hi=1))
    sampler = _fixed_sampler(negatives)
    check_backward(lambda x_, W_: negative_sampling(x_, t, W_, sampler, negatives.shape[1], reduce=reduce),
                   (x, W), gy, atol=1e-4, rtol=1e-3)


@given(_cases(), st.data())
def test_double_gradient(case, data):
    x, t, W, negatives = case
    gy = data.draw(kst.arrays(shape=(len(x),), lo=-1, hi=1))
    ggx = data.draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    ggW = data.draw(kst.arrays(shape=W.shape, lo=-1, hi=1))
    sampler = _fixed_sampler(negatives)
    check_double_backward(
        lambda x_, W_: negative_sampling(x_, t, W_, sampler, negatives.shape[1], reduce="no"),
        (x, W), gy, (ggx, ggW))


_X = np.zeros((2, 3), np.float32)
_T = np.array([0, 1], np.int32)
_W = np.zeros((4, 3), np.float32)


@pytest.mark.parametrize(("args", "match"), [
    ((_X.astype(np.int32), _T, _W), r"negative_sampling: argument 'x' expected a floating-point dtype"),
    ((_X[0], _T, _W), r"negative_sampling: argument 'x' expected 2 dimensions, got 1"),
    ((_X, _T.astype(np.float32), _W), r"negative_sampling: argument 't' expected an integer dtype"),
    ((_X, _T[:1], _W), r"negative_sampling: argument 't' expected shape \(2,\) \(one label per row of 'x'\), "
                       r"got \(1,\)"),
    ((_X, _T, _W.astype(np.float64)), r"negative_sampling: argument 'W' expected dtype float32"),
    ((_X, _T, _W[:, :2]), r"negative_sampling: argument 'W' expected shape \(N, 3\)"),
    ((_X, np.array([0, 4], np.int32), _W),
     r"negative_sampling: argument 't' expected labels in \[0, 4\) \(the rows of 'W'\) or -1, got values from 0 to 4"),
])
def test_bad_inputs(args, match):
    with pytest.raises(InvalidType, match=match):
        negative_sampling(*args, _fixed_sampler(np.zeros((2, 1), np.int32)), 1)


def test_bad_reduce_and_sample_size():
    sampler = _fixed_sampler(np.zeros((2, 1), np.int32))
    with pytest.raises(ValueError, match=r"negative_sampling: argument 'reduce' expected 'sum' or 'no', got 'mean'"):
        negative_sampling(_X, _T, _W, sampler, 1, reduce="mean")
    with pytest.raises(ValueError, match=r"argument 'sample_size' expected a non-negative int, got -1"):
        negative_sampling(_X, _T, _W, sampler, -1)
