"""scatter_add."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.functions.array.scatter_add import scatter_add
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _case(draw, dtype=np.float64):
    a = draw(kst.arrays(shape=kst.shapes(min_dims=1), dtype=dtype))
    if draw(st.booleans()):  # advanced index, possibly repeating rows
        slices = draw(st.lists(st.integers(0, a.shape[0] - 1), min_size=1, max_size=4))
    else:
        slices = (slice(draw(st.integers(0, a.shape[0])), None),) + (Ellipsis,)
    target = a[slices] if isinstance(slices, tuple) else a[np.asarray(slices)]
    b = draw(kst.arrays(shape=target.shape, dtype=dtype))
    return a, slices, b


@given(_case(dtype=np.float32))
def test_forward_matches_numpy(case):
    a, slices, b = case
    y = scatter_add(a, slices, b)
    expected = a.copy()
    np.add.at(expected, tuple(slices) if isinstance(slices, tuple) else slices, b)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, expected, rtol=1e-6)
    assert not np.shares_memory(y.array, a)


@given(case=_case(), data=st.data())
def test_gradients(case, data):
    a, slices, b = case
    gy = data.draw(kst.arrays(shape=a.shape))
    ggs = (data.draw(kst.arrays(shape=a.shape)), data.draw(kst.arrays(shape=b.shape)))
    func = lambda va, vb: scatter_add(va, slices, vb)
    check_backward(func, (a, b), gy)
    check_double_backward(lambda va, vb: func(va, vb) * func(va, vb), (a, b), gy, ggs)


def test_bad_inputs_are_rejected():
    a = np.zeros((3, 2))
    with pytest.raises(InvalidType, match=r"^scatter_add: argument 'b' expected shape \(3, 2\) \(the shape of "
                                          r"a\[slices\]\), got \(2,\)$"):
        scatter_add(a, [0, 0, 2], np.ones(2))
    with pytest.raises(InvalidType, match=r"^scatter_add: argument 'b' expected dtype float64 \(the dtype of 'a'\), "
                                          r"got float32$"):
        scatter_add(a, 0, np.ones(2, np.float32))
    with pytest.raises(InvalidType, match=r"^scatter_add: argument 'slices' expected a valid index for an array of "
                                          r"shape \(3, 2\), got \(5,\)"):
        scatter_add(a, 5, np.ones(2))
