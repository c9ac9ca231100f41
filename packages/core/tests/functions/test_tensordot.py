"""tensordot."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.tensordot import tensordot
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType


@pytest.mark.parametrize("a_shape,b_shape,axes", [
    ((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 4), 1), ((2, 3), (4,), 0), ((3, 4), (3, 4), 2),
    ((2, 3, 4), (4, 3, 5), ((1, 2), (1, 0))), ((2, 3, 4), (4, 5), (2, 0)), ((2, 3, 4), (4, 5), ([-1], [-2])),
    ((0, 3), (3, 2), 1), ((2, 0), (0, 2), 1),
])
def test_forward_matches_numpy_and_keeps_float32(a_shape, b_shape, axes):
    a = np.random.randn(*a_shape).astype(np.float32)
    b = np.random.randn(*b_shape).astype(np.float32)
    y = tensordot(kusari.Variable(a), kusari.Variable(b), axes)
    expected = np.tensordot(a, b, axes)
    assert y.dtype == np.float32 and y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-6)


def _case():
    """(axes, a, b, gy, gga, ggb): a holds its free and contracted axes in a random order, so does b."""
    def build(p):
        free_a, free_b, contracted, order_a, order_b = p
        a_axes, b_axes = free_a + contracted, contracted + free_b  # sizes before shuffling
        a_shape = tuple(a_axes[i] for i in order_a)
        b_shape = tuple(b_axes[i] for i in order_b)
        n = len(contracted)
        axes = (tuple(order_a.index(len(free_a) + k) for k in range(n)), tuple(order_b.index(k) for k in range(n)))
        out = np.tensordot(np.zeros(a_shape), np.zeros(b_shape), axes).shape
        return st.tuples(st.just(axes), *(kst.arrays(shape=s) for s in (a_shape, b_shape, out, a_shape, b_shape)))
    side = st.lists(st.integers(1, 3), max_size=2).map(tuple)
    return st.tuples(side, side, side).flatmap(lambda p: st.tuples(
        *map(st.just, p), st.permutations(range(len(p[0]) + len(p[2]))),
        st.permutations(range(len(p[2]) + len(p[1]))))).flatmap(build)


@given(_case())
def test_gradients(case):
    axes, a, b, gy, gga, ggb = case
    f = lambda x, y: tensordot(x, y, axes)  # noqa: E731
    check_backward(f, (a, b), gy)
    check_double_backward(f, (a, b), gy, (gga, ggb))


def test_errors():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'a' expected a floating-point dtype"):
        tensordot(np.ones((2, 3), np.int32), a)
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'b' expected dtype float32 .*, got float64$"):
        tensordot(a, np.ones((2, 3)))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'axes' expected an int in \[0, 1\] "
                                          r"\(a is 2-d, b is 1-d\), got 2$"):
        tensordot(a, np.ones(3, np.float32))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'axes' expected an int or a pair"):
        tensordot(a, a, axes=(0, 1, 2))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'axes' expected an int or a pair"):
        tensordot(a, a, axes=(0.5, 1))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'axes' expected axes within the dimensions"):
        tensordot(a, a, axes=(2, 0))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'axes' expected no axis repeated on one side, "
                                          r"got \(\(0, -2\), \(0, 1\)\)$"):
        tensordot(a, a, axes=((0, -2), (0, 1)))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'axes' expected as many axes of a as of b"):
        tensordot(a, a, axes=((0, 1), (0,)))
    with pytest.raises(InvalidType, match=r"^tensordot: argument 'b' expected b.shape\[0\] == 3 "
                                          r"\(a.shape\[1\], contracted with it\), got shape \(2, 3\)$"):
        tensordot(a, a, axes=1)
