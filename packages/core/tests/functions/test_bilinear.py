"""bilinear: e1^T W e2 (+ e1 V1 + e2 V2 + b) per sample."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.connection.bilinear import bilinear
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _reference(e1, e2, W, V1=None, V2=None, b=None):
    e1, e2 = e1.reshape(len(e1), -1), e2.reshape(len(e2), -1)
    n, (J, K, L) = len(e1), W.shape
    y = np.zeros((n, L))
    for i in range(n):
        for j in range(J):
            for k in range(K):
                y[i] += e1[i, j] * e2[i, k] * W[j, k]
    if V1 is not None:
        y += e1 @ V1 + e2 @ V2 + b
    return y


@st.composite
def _problem(draw, with_linear=None):
    n, J, K, L = (draw(st.integers(1, 3)) for _ in range(4))
    arrays = [draw(kst.arrays(shape=s)) for s in ((n, J), (n, K), (J, K, L))]
    if draw(st.booleans()) if with_linear is None else with_linear:
        arrays += [draw(kst.arrays(shape=s)) for s in ((J, L), (K, L), (L,))]
    return tuple(arrays)


@given(_problem())
def test_forward_matches_numpy(args):
    np.testing.assert_allclose(bilinear(*args).array, _reference(*args), rtol=1e-10, atol=1e-10)


def test_inputs_with_more_axes_are_flattened_and_float32_kept():
    rng = np.random.default_rng(0)
    e1 = rng.standard_normal((2, 2, 2)).astype(np.float32)
    e2 = rng.standard_normal((2, 3)).astype(np.float32)
    W = rng.standard_normal((4, 3, 2)).astype(np.float32)
    y = bilinear(e1, e2, W)
    assert y.dtype == np.float32 and y.shape == (2, 2)
    np.testing.assert_allclose(y.array, _reference(e1, e2, W), rtol=1e-5, atol=1e-5)


def test_gradients_reach_every_input():
    rng = np.random.default_rng(1)
    vs = [kusari.Variable(rng.standard_normal(s)) for s in ((2, 2), (2, 3), (2, 3, 4), (2, 4), (3, 4), (4,))]
    y = bilinear(*vs)
    y.grad = np.ones((2, 4))
    y.backward()
    e1, e2 = vs[0].array, vs[1].array
    np.testing.assert_allclose(vs[2].grad, np.einsum("ij,ik->jk", e1, e2)[:, :, None] * np.ones(4))
    np.testing.assert_allclose(vs[5].grad, [2.0] * 4)


@given(_problem())
def test_backward(args):
    gy = np.random.standard_normal((args[0].shape[0], args[2].shape[2]))
    check_backward(bilinear, args, gy)


@given(_problem())
def test_double_backward(args):
    gy = np.random.standard_normal((args[0].shape[0], args[2].shape[2]))
    gg = tuple(np.random.standard_normal(a.shape) for a in args)
    check_double_backward(bilinear, args, gy, gg)


def test_errors():
    e1, e2 = np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32)
    W = np.zeros((3, 4, 5), np.float32)
    V1, V2, b = np.zeros((3, 5), np.float32), np.zeros((4, 5), np.float32), np.zeros(5, np.float32)
    with pytest.raises(ValueError, match=r"bilinear: arguments 'V1', 'V2' and 'b' must be all given or all None"):
        bilinear(e1, e2, W, V1)
    with pytest.raises(InvalidType, match=r"bilinear: argument 'e1' expected a floating-point dtype"):
        bilinear(e1.astype(np.int32), e2, W)
    with pytest.raises(InvalidType, match=r"bilinear: argument 'e1' expected at least 2 dimensions, got 1"):
        bilinear(np.zeros(3, np.float32), e2, W)
    with pytest.raises(InvalidType, match=r"bilinear: argument 'e2' expected dtype float32 .*got float64"):
        bilinear(e1, e2.astype(np.float64), W)
    with pytest.raises(InvalidType, match=r"bilinear: argument 'W' expected 3 dimensions, got 2"):
        bilinear(e1, e2, np.zeros((3, 4), np.float32))
    with pytest.raises(InvalidType, match=r"bilinear: argument 'e2' expected 2 rows \(the batch size of 'e1'\)"):
        bilinear(e1, np.zeros((3, 4), np.float32), W)
    with pytest.raises(InvalidType, match=r"bilinear: argument 'e1' expected shape \(N, 4\) \(W.shape\[0\]\)"):
        bilinear(e1, e2, np.zeros((4, 4, 5), np.float32))
    with pytest.raises(InvalidType, match=r"bilinear: argument 'e2' expected shape \(N, 3\) \(W.shape\[1\]\)"):
        bilinear(e1, e2, np.zeros((3, 3, 5), np.float32))
    with pytest.raises(InvalidType, match=r"bilinear: argument 'V1' expected shape \(3, 5\).*got \(5, 3\)"):
        bilinear(e1, e2, W, V1.T, V2, b)
    with pytest.raises(InvalidType, match=r"bilinear: argument 'b' expected dtype float32 .*got float64"):
        bilinear(e1, e2, W, V1, V2, b.astype(np.float64))
