"""get_item: basic and advanced indexing."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import kusari
import kusari.functions as F
from kusari.functions.array.get_item import IndexInvalidType
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@st.composite
def _indexed(draw):
    """(x, index): basic, integer-array (with repeats), boolean-mask or mixed indices."""
    shape = draw(kst.shapes(min_dims=1))
    x = draw(kst.arrays(shape=shape))
    kind = draw(st.sampled_from(["basic", "integer", "mask", "mixed"]))
    if kind == "basic":
        index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    elif kind == "integer":
        index = draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(max_dims=2, max_side=3)))
    elif kind == "mask":
        k = draw(st.integers(1, len(shape)))
        index = draw(hnp.arrays(np.bool_, shape[:k]))
    else:  # an integer list in axis 0, a slice after it
        rows = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=5))
        index = (rows,) + ((slice(None, None, -1),) if len(shape) > 1 else ())
    return x, index


@given(_indexed())
def test_forward_matches_numpy(case):
    x, index = case
    y = F.get_item(x, index)
    expected = np.asarray(x[index])
    assert isinstance(y.array, np.ndarray) and y.shape == expected.shape
    np.testing.assert_array_equal(y.array, expected)


def test_variable_indexing_operator_and_dtypes():
    x = kusari.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
    y = x[1:, ::2]
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.array, [[4, 6], [8, 10]])
    assert F.get_item(np.arange(3, dtype=np.int32), 1).dtype == np.int32   # any dtype is fine
    assert F.get_item(x, (0, 0)).shape == ()


def test_chainer_list_rule():
    # As in Chainer: a flat list of ints/bools is one index array, any other
    # list is a tuple of indices (NumPy's rule before 1.23).
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(F.get_item(x, [0, 0, 2]).array, x[[0, 0, 2]])
    np.testing.assert_array_equal(F.get_item(x, [True, False, True]).array, x[np.array([True, False, True])])
    np.testing.assert_array_equal(F.get_item(x, [[0, 1], [1, 2]]).array, [1.0, 6.0])
    np.testing.assert_array_equal(F.get_item(x, [slice(None), 1]).array, x[:, 1])


def test_index_arrays_inside_variables_are_unwrapped():
    x = np.arange(5, dtype=np.float32)
    idx = kusari.Variable(np.array([4, 0]), requires_grad=False)
    np.testing.assert_array_equal(F.get_item(x, idx).array, [4.0, 0.0])


def test_repeated_indices_accumulate_their_gradients():
    x = kusari.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
    y = F.get_item(x, ([0, 0, 2], [1, 1, 3]))
    y.grad = np.array([1.0, 2.0, 5.0], np.float32)
    y.backward()
    expected = np.zeros((3, 4), np.float32)
    expected[0, 1], expected[2, 3] = 3.0, 5.0
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, expected)


def test_boolean_mask_gradient():
    x = kusari.Variable(np.arange(12, dtype=np.float32).reshape(3, 4))
    y = F.get_item(x, x.array > 5)
    y.grad = np.arange(6, dtype=np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0, 0], [0, 0, 0, 1], [2, 3, 4, 5]])


@given(case=_indexed(), data=st.data())
def test_gradients(case, data):
    x, index = case
    out_shape = np.asarray(x[index]).shape
    gy, ggx = data.draw(kst.arrays(shape=out_shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.get_item(v, index)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


def test_out_of_range_index_is_rejected():
    x = np.ones((3, 4), np.float32)
    with pytest.raises(IndexInvalidType, match=r"^get_item: argument 'slices' expected a valid index for an array of "
                                               r"shape \(3, 4\), got \(5,\) \(index 5 is out of bounds"):
        F.get_item(x, 5)
    with pytest.raises(IndexError, match=r"^get_item: .*got \(ndarray\(shape=\(2,\), dtype=int64\),\)"):
        F.get_item(x, np.array([0, 3]))
    with pytest.raises(InvalidType, match=r"^get_item: .*got \(0, 0, 0\) \(too many indices"):
        F.get_item(x, (0, 0, 0))


def test_bad_index_types_are_rejected():
    x = np.ones((3, 4), np.float32)
    with pytest.raises(IndexInvalidType, match=r"^get_item: .*got \(1.5,\) \(only integers, slices"):
        F.get_item(x, 1.5)
    with pytest.raises(IndexInvalidType, match=r"^get_item: .*got \(ndarray\(shape=\(2,\), dtype=bool\),\) "
                                               r"\(boolean index did not match"):
        F.get_item(x, np.array([True, False]))
