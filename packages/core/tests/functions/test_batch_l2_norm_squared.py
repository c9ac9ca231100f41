"""batch_l2_norm_squared."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.batch_l2_norm_squared import batch_l2_norm_squared
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst


@pytest.mark.parametrize("shape", [(2, 3), (4, 2, 3), (3, 1)])
def test_forward_matches_numpy_and_keeps_float32(shape):
    x = np.random.randn(*shape).astype(np.float32)
    y = batch_l2_norm_squared(kusari.Variable(x))
    assert y.dtype == np.float32 and y.shape == (shape[0],)
    np.testing.assert_allclose(y.array, np.linalg.norm(x.reshape(shape[0], -1), axis=1) ** 2, rtol=1e-5)


@given(kst.shapes(min_dims=2).flatmap(lambda s: st.tuples(
    kst.arrays(shape=s), kst.arrays(shape=s[:1]), kst.arrays(shape=s))))
def test_gradients(case):
    x, gy, ggx = case
    check_backward(batch_l2_norm_squared, x, gy)
    check_double_backward(batch_l2_norm_squared, x, gy, ggx)


def test_errors():
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"^batch_l2_norm_squared: argument 'x' expected at least 2 dimensions, "
                             r"got 1 \(shape \(3,\)\)$"):
        batch_l2_norm_squared(np.ones(3, np.float32))
    with pytest.raises(kusari.utils.type_check.InvalidType,
                       match=r"^batch_l2_norm_squared: argument 'x' expected a floating-point dtype"):
        batch_l2_norm_squared(np.ones((2, 3), np.int32))
