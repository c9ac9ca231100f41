"""stack, hstack, vstack, dstack."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.array.stack import dstack, hstack, stack, vstack
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _same_shape(draw, min_dims=0):
    shape = draw(kst.shapes(min_dims=min_dims))
    return [draw(kst.arrays(shape=shape)) for _ in range(draw(st.integers(1, 3)))]


@st.composite
def _joinable(draw, axis_of):
    """1 to 3 arrays equal in shape except on the axis the join uses (``axis_of(ndim)``)."""
    shape = list(draw(kst.shapes()))
    axis = axis_of(len(shape))
    xs = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        if axis is not None:
            s[axis] = draw(st.integers(1, 3))
        xs.append(draw(kst.arrays(shape=tuple(s))))
    return xs


_hstack_axis = lambda n: None if n == 0 else (0 if n == 1 else 1)
_vstack_axis = lambda n: 0 if n >= 2 else None
_dstack_axis = lambda n: 2 if n >= 3 else None
_CASES = {"hstack": (hstack, np.hstack, _hstack_axis), "vstack": (vstack, np.vstack, _vstack_axis),
          "dstack": (dstack, np.dstack, _dstack_axis)}


@given(_same_shape(), st.data())
def test_stack_matches_numpy_and_gradients(xs, data):
    ndim = xs[0].ndim
    axis = data.draw(st.integers(-ndim - 1, ndim))
    expected = np.stack(xs, axis=axis)
    np.testing.assert_array_equal(stack(xs, axis=axis).array, expected)
    gy = data.draw(kst.arrays(shape=expected.shape))
    ggs = tuple(data.draw(kst.arrays(shape=x.shape)) for x in xs)
    func = lambda *vs: stack(vs, axis=axis)
    check_backward(func, tuple(xs), gy)
    check_double_backward(func, tuple(xs), gy, ggs)


@pytest.mark.parametrize("name", sorted(_CASES))
@given(data=st.data())
def test_hvd_stack_match_numpy_and_gradients(name, data):
    func, reference, axis_of = _CASES[name]
    xs = data.draw(_joinable(axis_of))
    expected = reference(xs)
    np.testing.assert_array_equal(func(xs).array, expected)
    gy = data.draw(kst.arrays(shape=expected.shape))
    ggs = tuple(data.draw(kst.arrays(shape=x.shape)) for x in xs)
    check_backward(lambda *vs: func(vs), tuple(xs), gy)
    check_double_backward(lambda *vs: func(vs), tuple(xs), gy, ggs)


def test_float32_gradients_are_split_back():
    a = kusari.Variable(np.zeros(2, np.float32))
    b = kusari.Variable(np.zeros(2, np.float32))
    y = stack([a, b], axis=1)
    assert y.shape == (2, 2) and y.dtype == np.float32
    y.grad = np.array([[1, 2], [3, 4]], np.float32)
    y.backward()
    assert a.grad.dtype == np.float32
    np.testing.assert_array_equal(a.grad, [1, 3])
    np.testing.assert_array_equal(b.grad, [2, 4])


def test_vstack_of_vectors_and_dstack_of_matrices():
    a, b = np.arange(3, dtype=np.float32), np.arange(3, 6, dtype=np.float32)
    np.testing.assert_array_equal(vstack([a, b]).array, [[0, 1, 2], [3, 4, 5]])
    assert dstack([a, b]).shape == (1, 3, 2)
    assert hstack([np.ones((), np.float32), np.ones((), np.float32)]).shape == (2,)


@pytest.mark.parametrize("func", [stack, hstack, vstack, dstack])
def test_bad_sequences_are_rejected(func):
    name = func.__name__
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'xs' expected a list or tuple of Variables or arrays, "
                                          r"got ndarray$"):
        func(np.ones((2, 3)))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'xs' expected at least one array, got an empty "
                                          r"sequence$"):
        func([])
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'xs\[1\]' expected dtype float32 \(the dtype of "
                                          r"xs\[0\]\), got float64$"):
        func([np.ones((2, 2, 2), np.float32), np.ones((2, 2, 2))])


def test_mismatched_shapes_are_rejected():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^stack: argument 'xs\[1\]' expected a shape matching \(2, 3\) \(the shape "
                                          r"of xs\[0\]\), got \(2, 4\)$"):
        stack([a, np.ones((2, 4), np.float32)])
    with pytest.raises(InvalidType, match=r"^hstack: argument 'xs\[1\]' expected a shape matching \(2, 3\) \(the "
                                          r"shape of xs\[0\] except on axis 1\), got \(3, 3\)$"):
        hstack([a, np.ones((3, 3), np.float32)])
    with pytest.raises(InvalidType, match=r"^vstack: argument 'xs\[1\]' expected .* except on axis 0\), got \(1, 4\)$"):
        vstack([a, np.ones(4, np.float32)])
    with pytest.raises(InvalidType, match=r"^dstack: argument 'xs\[1\]' expected .* except on axis 2\), "
                                          r"got \(3, 2, 1\)$"):
        dstack([a, np.ones((3, 2), np.float32)])


def test_bad_stack_axis_is_rejected():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^stack: argument 'axis' expected an axis in \[-3, 2\] for a "
                                          r"3-dimensional output, got 3$"):
        stack([a, a], axis=3)
