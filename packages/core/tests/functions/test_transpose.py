"""transpose."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _case():
    """(x, axes) with axes None or a permutation, possibly with negative entries."""
    def for_shape(s):
        n = len(s)
        perms = st.permutations(range(n)).flatmap(
            lambda p: st.tuples(*[st.sampled_from([a, a - n]) for a in p]) if n else st.just(()))
        return st.tuples(kst.arrays(shape=s), st.one_of(st.none(), perms))
    return kst.shapes().flatmap(for_shape)


@given(_case())
def test_forward_matches_numpy(case):
    x, axes = case
    np.testing.assert_array_equal(F.transpose(x, axes).array, np.transpose(x, axes))


def test_variable_forms_and_float32_gradient():
    x = kusari.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert x.T.shape == (3, 2) and x.transpose(1, 0).shape == (3, 2) and x.transpose((1, 0)).shape == (3, 2)
    y = F.transpose(kusari.Variable(np.zeros((2, 3, 4), np.float32)), (2, 0, 1))
    assert y.shape == (4, 2, 3)
    z = x.T
    z.grad = np.arange(6, dtype=np.float32).reshape(3, 2)
    z.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, np.arange(6).reshape(3, 2).T)


@given(_case(), st.data())
def test_gradients(case, data):
    x, axes = case
    gy, ggx = data.draw(kst.arrays(shape=np.transpose(x, axes).shape)), data.draw(kst.arrays(shape=x.shape))
    func = lambda v: F.transpose(v, axes)
    check_backward(func, x, gy)
    check_double_backward(func, x, gy, ggx)


@pytest.mark.parametrize("axes", [(0, 0, 1), (0, 1), (0, 1, 3), (0, 1, -4), (0, 1, 2, 3)])
def test_non_permutations_are_rejected(axes):
    x = np.ones((2, 3, 4), np.float32)
    shown = str(axes).replace("(", r"\(").replace(")", r"\)")
    with pytest.raises(InvalidType, match=rf"^transpose: argument 'axes' expected a permutation of range\(3\), "
                                          rf"got {shown}$"):
        F.transpose(x, axes)
