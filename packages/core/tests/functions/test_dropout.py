import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@pytest.mark.parametrize("ratio", [0.0, 0.2, 0.5, 0.9])
def test_drops_and_scales(ratio):
    np.random.seed(1)
    x = np.random.uniform(1, 2, (200, 500)).astype(np.float32)
    y, mask = F.dropout(x, ratio, return_mask=True)
    scale = np.float32(1 / (1 - ratio))
    assert set(np.unique(mask).tolist()) <= {0.0, float(scale)}
    np.testing.assert_array_equal(y.array, np.where(mask != 0, x * scale, 0))
    kept = float((mask != 0).mean())
    # 100,000 draws: the kept fraction is within 5 standard deviations of 1 - ratio.
    assert abs(kept - (1 - ratio)) <= 5 * np.sqrt(ratio * (1 - ratio) / x.size) + 1e-12


def test_ratio_zero_keeps_everything():
    x = np.random.randn(3, 4).astype(np.float32)
    np.testing.assert_array_equal(F.dropout(x, 0.0).array, x)


def test_mask_is_reproducible_with_numpy_seed():
    x = np.ones((4, 50), np.float32)
    np.random.seed(123)
    a = F.dropout(x).array
    np.random.seed(123)
    b = F.dropout(x).array
    np.random.seed(124)
    c = F.dropout(x).array
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    x = kusari.Variable(np.ones((3, 4), dtype))
    y, mask = F.dropout(x, 0.25, return_mask=True)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and mask.dtype == dtype and x.grad.dtype == dtype
    assert set(np.unique(mask).tolist()) <= {0.0, float(dtype(4 / 3))}


def test_backward_multiplies_by_the_same_mask():
    x = kusari.Variable(np.random.randn(5, 6).astype(np.float32))
    y, mask = F.dropout(x, 0.4, return_mask=True)
    gy = np.random.randn(5, 6).astype(np.float32)
    y.grad = gy
    y.backward()
    np.testing.assert_array_equal(x.grad, gy * mask)


def test_given_mask_is_used_as_is():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    mask = np.array([[0, 3, 1], [0.5, 0, 2]], np.float32)
    y, returned = F.dropout(x, 0.9, mask=mask, return_mask=True)
    np.testing.assert_array_equal(y.array, x * mask)
    assert returned is mask


def test_not_training_returns_the_input_itself():
    x = kusari.Variable(np.ones((2, 3), np.float32))
    array = np.ones((2, 3), np.float32)
    with kusari.using_config("train", False):
        assert F.dropout(x, 0.5) is x
        y, mask = F.dropout(array, 0.5, return_mask=True)
    assert y.array is array and mask is None


@given(kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s), kst.arrays(shape=s, dtype=np.int32, lo=0, hi=1),
    kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1))))
def test_gradient_with_a_fixed_mask(args):
    x, keep, gy, _ = args
    mask = keep * 2.0  # ratio 0.5
    check_backward(lambda v: F.dropout(v, mask=mask), x, gy)


@given(kst.shapes().flatmap(lambda s: st.tuples(
    kst.arrays(shape=s), kst.arrays(shape=s, dtype=np.int32, lo=0, hi=1),
    kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1))))
def test_double_gradient_with_a_fixed_mask(args):
    x, keep, gy, ggx = args
    mask = keep * 4.0  # ratio 0.75
    check_double_backward(lambda v: F.dropout(v, 0.75, mask=mask), x, gy, ggx)


@pytest.mark.parametrize("ratio", [1.0, -0.1, 1.5, float("nan")])
def test_ratio_outside_0_1_is_rejected(ratio):
    with pytest.raises(ValueError, match=r"dropout: argument 'ratio' expected a number in \[0, 1\), got "):
        F.dropout(np.ones(3, np.float32), ratio)


def test_train_argument_is_refused_with_a_pointer():
    with pytest.raises(ValueError, match=r"dropout: the 'train' argument is not supported .* "
                                         r"use kusari.using_config\('train', False\)"):
        F.dropout(np.ones(3, np.float32), 0.5, train=False)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match=r"dropout\(\) got an unexpected keyword argument 'rate'"):
        F.dropout(np.ones(3, np.float32), rate=0.5)


def test_bad_mask_is_rejected():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"dropout: argument 'mask' expected shape \(2, 3\) "
                                          r"\(the shape of 'x'\), got \(3, 2\)"):
        F.dropout(x, mask=np.ones((3, 2), np.float32))
    with pytest.raises(InvalidType, match=r"dropout: argument 'mask' expected dtype float32 "
                                          r"\(the dtype of 'x'\), got float64"):
        F.dropout(x, mask=np.ones((2, 3)))


def test_integer_input_is_rejected():
    with pytest.raises(InvalidType, match=r"dropout: argument 'x' expected a floating-point dtype .*, got int32"):
        F.dropout(np.ones(3, np.int32))
