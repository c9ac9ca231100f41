"""split_axis."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _splits(draw, monotone=True):
    """(x, indices_or_sections, axis) that numpy.split accepts."""
    shape = draw(kst.shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    size = shape[axis]
    if draw(st.booleans()):
        divisors = [d for d in range(1, size + 1) if size % d == 0]
        spec = draw(st.sampled_from(divisors))
    else:
        points = st.lists(st.integers(-size, size), max_size=3)
        spec = draw(points.map(lambda p: sorted(p, key=lambda i: i % (size + 1) if i >= 0 else i + size))
                    if monotone else points)
    return draw(kst.arrays(shape=shape)), spec, axis


@given(_splits(monotone=False))
def test_forward_matches_numpy(case):
    x, spec, axis = case
    ys = F.split_axis(x, spec, axis)
    expected = np.split(x, spec, axis)
    assert isinstance(ys, tuple) and len(ys) == len(expected)
    for y, e in zip(ys, expected, strict=True):
        assert y.shape == e.shape
        np.testing.assert_array_equal(y.array, e)


def test_matches_chainer_examples():
    # piece sizes from chainer.functions.split_axis 7.8.1
    x = np.arange(10, dtype=np.float32)
    assert [y.shape for y in F.split_axis(x, 5, 0)] == [(2,)] * 5
    assert [y.shape for y in F.split_axis(x, [2, 5], 0)] == [(2,), (3,), (5,)]
    assert [y.shape for y in F.split_axis(x, [5, 2], 0)] == [(5,), (0,), (8,)]
    assert [y.shape for y in F.split_axis(x, np.array([3, 6]), 0)] == [(3,), (3,), (4,)]
    assert [y.shape for y in F.split_axis(x, [-3], 0)] == [(7,), (3,)]
    assert [y.shape for y in F.split_axis(np.ones((2, 6)), [0, 0, 6, 6], 1)] == [(2, 0), (2, 0), (2, 6), (2, 0), (2, 0)]


def test_force_tuple():
    x = np.arange(4, dtype=np.float32)
    assert isinstance(F.split_axis(x, 1, 0), tuple)
    single = F.split_axis(x, 1, 0, force_tuple=False)
    assert isinstance(single, kusari.Variable) and single.dtype == np.float32
    assert isinstance(F.split_axis(x, [], 0, force_tuple=False), kusari.Variable)
    assert len(F.split_axis(x, 2, 0, force_tuple=False)) == 2


def test_unused_pieces_get_zero_gradient():
    x = kusari.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    ys = F.split_axis(x, 3, 1)
    ys[1].grad = np.ones((2, 1), np.float32)
    ys[1].backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [0, 1, 0]])


def test_overlapping_pieces_add_their_gradients():
    # numpy.split with points going backwards: x[:3], x[3:1] (empty), x[1:]
    x = kusari.Variable(np.zeros(4))
    ys = F.split_axis(x, [3, 1], 0)
    kusari.backward([ys[0], ys[2]], [np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0])])
    np.testing.assert_array_equal(x.grad, [1.0, 12.0, 23.0, 30.0])


@pytest.mark.parametrize("monotone", [True, False])
@given(data=st.data())
def test_gradients(monotone, data):
    x, spec, axis = data.draw(_splits(monotone=monotone))
    pieces = np.split(x, spec, axis)
    gys = tuple(data.draw(kst.arrays(shape=p.shape)) for p in pieces)
    ggx = data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.split_axis(v, spec, axis)
    check_backward(func, x, gys)
    check_double_backward(func, x, gys, ggx)


def test_bad_sections_are_rejected():
    x = np.ones((2, 10), np.float32)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'indices_or_sections' expected a number of sections "
                                          r"that divides x.shape\[1\] = 10, got 3$"):
        F.split_axis(x, 3, 1)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'indices_or_sections' expected a positive number "
                                          r"of sections, got 0$"):
        F.split_axis(x, 0, 1)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'indices_or_sections' expected split points at most "
                                          r"x.shape\[1\] = 10, got \[2, 15\]$"):
        F.split_axis(x, [2, 15], -1)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'indices_or_sections' expected an int or a sequence "
                                          r"of ints, got \[1.5\]$"):
        F.split_axis(x, [1.5], 1)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'indices_or_sections' expected an int or a sequence "
                                          r"of ints, got 2.0$"):
        F.split_axis(x, 2.0, 1)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'indices_or_sections' expected an int or a sequence "
                                          r"of ints, got \[True\]$"):
        F.split_axis(x, [True], 1)


def test_bad_axis_is_rejected():
    x = np.ones((2, 6), np.float32)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'axis' expected an axis in \[-2, 1\] for a "
                                          r"2-dimensional input, got 2$"):
        F.split_axis(x, 3, 2)
    with pytest.raises(InvalidType, match=r"^split_axis: argument 'axis' expected an int, got None$"):
        F.split_axis(x, 3, None)
