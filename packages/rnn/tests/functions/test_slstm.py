"""slstm: the S-LSTM cell merging two children's states."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.rnn.functions.slstm import slstm
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _sig(v):
    return 1 / (1 + np.exp(-v))


def _reference(c1, c2, x1, x2):
    """Per unit u, child k's gates are xk[:, 4u + 0..3] = a, i, f, o; the output gate sums o1 + o2."""
    c = np.empty_like(c1)
    h = np.empty_like(c1)
    for u in range(c1.shape[1]):
        g1 = [x1[:, 4 * u + k] for k in range(4)]
        g2 = [x2[:, 4 * u + k] for k in range(4)]
        c[:, u] = (np.tanh(g1[0]) * _sig(g1[1]) + np.tanh(g2[0]) * _sig(g2[1])
                   + _sig(g1[2]) * c1[:, u] + _sig(g2[2]) * c2[:, u])
        h[:, u] = _sig(g1[3] + g2[3]) * np.tanh(c[:, u])
    return c, h


@st.composite
def _problem(draw):
    batch = draw(st.integers(1, 3))
    units = draw(st.integers(1, 3))
    rest = draw(kst.shapes(min_dims=0, max_dims=1, max_side=2))
    c_shape, x_shape = (batch, units) + rest, (batch, 4 * units) + rest
    return tuple(draw(kst.arrays(shape=s)) for s in (c_shape, c_shape, x_shape, x_shape))


@given(_problem())
def test_forward_matches_the_per_unit_reference(problem):
    c, h = slstm(*problem)
    c_ref, h_ref = _reference(*problem)
    np.testing.assert_allclose(c.array, c_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h.array, h_ref, rtol=1e-12, atol=1e-12)


@given(_problem(), st.data())
def test_backward_matches_finite_differences(problem, data):
    gc = data.draw(kst.arrays(shape=problem[0].shape))
    gh = data.draw(kst.arrays(shape=problem[0].shape))
    check_backward(slstm, problem, (gc, gh), atol=1e-6, rtol=1e-5)
    check_backward(lambda *a: slstm(*a)[0], problem, gc, atol=1e-6, rtol=1e-5)
    check_backward(lambda *a: slstm(*a)[1], problem, gh, atol=1e-6, rtol=1e-5)


@given(_problem(), st.data())
def test_double_backward_matches_finite_differences(problem, data):
    gc = data.draw(kst.arrays(shape=problem[0].shape))
    gh = data.draw(kst.arrays(shape=problem[0].shape))
    gg = tuple(data.draw(kst.arrays(shape=p.shape)) for p in problem)
    check_double_backward(slstm, problem, (gc, gh), gg, atol=1e-5, rtol=1e-4)


@given(_problem(), st.data(), st.sampled_from(["both", "c", "h"]))
def test_both_backward_paths_give_the_same_gradient(problem, data, used):
    """The fused backward and the differentiable one (double backprop on) agree."""
    gc = data.draw(kst.arrays(shape=problem[0].shape))
    gh = data.draw(kst.arrays(shape=problem[0].shape))
    results = []
    for double in (False, True):
        inputs = [kusari.Variable(p) for p in problem]
        c, h = slstm(*inputs)
        outputs, grads = {"both": ([c, h], [gc, gh]), "c": ([c], [gc]), "h": ([h], [gh])}[used]
        results.append([g.array for g in kusari.grad(outputs, inputs, grads, enable_double_backprop=double)])
    for plain, differentiable in zip(*results, strict=True):
        np.testing.assert_allclose(differentiable, plain, rtol=1e-10, atol=1e-12)


def test_float32_is_kept():
    rng = np.random.default_rng(0)
    inputs = [kusari.Variable(rng.standard_normal(s).astype(np.float32)) for s in [(2, 3), (2, 3), (2, 12), (2, 12)]]
    c, h = slstm(*inputs)
    kusari.functions.sum(c + h).backward()
    assert c.dtype == h.dtype == np.float32
    assert all(v.grad.dtype == np.float32 for v in inputs)


_F = np.float32


@pytest.mark.parametrize("shapes, dtypes, match", [
    ([(2, 3), (2, 3), (2, 12), (2, 12)], [np.int32, _F, _F, _F],
     r"slstm: argument 'c_prev1' expected a floating-point dtype.*got int32"),
    ([(2, 3), (2, 3), (2, 12), (2, 12)], [_F, _F, _F, np.float64],
     r"slstm: argument 'x2' expected dtype float32 \(the dtype of 'c_prev1'\), got float64"),
    ([(3,), (3,), (3,), (3,)], [_F] * 4, r"slstm: argument 'c_prev1' expected at least 2 dimensions, got 1"),
    ([(2, 3), (1, 3), (2, 12), (2, 12)], [_F] * 4,
     r"slstm: argument 'c_prev2' expected shape \(2, 3\) \(the shape of 'c_prev1'\), got \(1, 3\)"),
    ([(2, 3), (2, 3), (1, 12), (2, 12)], [_F] * 4, r"slstm: argument 'x1' expected shape \(2, 12\) .*got \(1, 12\)"),
    ([(2, 3), (2, 3), (2, 12), (2, 8)], [_F] * 4, r"slstm: argument 'x2' expected shape \(2, 12\) .*got \(2, 8\)"),
])
def test_bad_inputs_are_named(shapes, dtypes, match):
    with pytest.raises(InvalidType, match=match):
        slstm(*[np.zeros(s, d) for s, d in zip(shapes, dtypes, strict=True)])
