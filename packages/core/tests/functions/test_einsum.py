"""einsum."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.functions.math.einsum import einsum
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst

InvalidType = kusari.utils.type_check.InvalidType

# Matrix product, transpose, trace, diagonal, sums inside one operand, outer
# product, three operands, implicit output and ellipsis.
SPECS = ["ij,jk->ik", "ij->ji", "ii->", "ii->i", "iij->ji", "ij->i", "ij->", "i,j->ij", "ij,jk,kl->il",
         "ij,ij->ij", "ij,jk", "ba", "...ij,...jk->...ik", "i...->...", "ij,j...->i...", "bij,bj->bi", "ii,ij->j"]


def _shapes(spec, sizes, ellipsis=(2,)):
    lhs = spec.split("->")[0]
    return [tuple(s for c in term for s in (ellipsis if c == "." else (sizes[c],))) for term in
            (t.replace("...", ".") for t in lhs.split(","))]


@pytest.mark.parametrize("spec", SPECS)
def test_forward_matches_numpy_and_keeps_float32(spec):
    sizes = dict(zip("ijklba", (2, 3, 4, 5, 3, 2), strict=True))
    arrays = [np.random.randn(*s).astype(np.float32) for s in _shapes(spec, sizes)]
    y = einsum(spec, *(kusari.Variable(a) for a in arrays))
    expected = np.einsum(spec, *arrays)
    assert y.dtype == np.float32 and y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=1e-5, atol=1e-5)


def test_ellipsis_aligns_from_the_right():
    a = np.random.randn(4, 2, 3).astype(np.float32)
    b = np.random.randn(4, 3, 5).astype(np.float32)
    y = einsum("...ij,...jk->...ik", a, b)
    np.testing.assert_allclose(y.array, a @ b, rtol=1e-5)
    y = einsum("...j,jk->...k", a, b[0])
    np.testing.assert_allclose(y.array, a @ b[0], rtol=1e-5)
    y = einsum("i...,i...", a[:, 0], b[:, 0, :3])  # implicit output: the ellipsis axes
    np.testing.assert_allclose(y.array, (a[:, 0] * b[:, 0, :3]).sum(0), rtol=1e-5)


@pytest.mark.parametrize("spec", SPECS)
@given(sizes=st.fixed_dictionaries({c: st.integers(1, 3) for c in "ijklba"}), ellipsis=kst.shapes(max_dims=2),
       data=st.data())
def test_gradients(spec, sizes, ellipsis, data):
    shapes = _shapes(spec, sizes, ellipsis)
    xs = tuple(data.draw(kst.arrays(shape=s)) for s in shapes)
    out_shape = np.einsum(spec, *(np.zeros(s) for s in shapes)).shape
    gy = data.draw(kst.arrays(shape=out_shape))
    ggx = tuple(data.draw(kst.arrays(shape=s)) for s in shapes)
    f = lambda *v: einsum(spec, *v)  # noqa: E731
    check_backward(f, xs, gy)
    check_double_backward(f, xs, gy, ggx)


def test_gradient_of_trace_is_identity():
    x = kusari.Variable(np.random.randn(3, 3).astype(np.float32))
    einsum("ii->", x).backward()
    np.testing.assert_array_equal(x.grad, np.eye(3, dtype=np.float32))


def test_errors():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'subscripts' expected a str .*, got nothing$"):
        einsum()
    with pytest.raises(InvalidType, match=r"^einsum: argument 'subscripts' expected a str .*, got array"):
        einsum(a, a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'subscripts' expected letters, commas, one '->' "
                                          r"and at most one '...' per term, got 'i1->i'$"):
        einsum("i1->i", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'subscripts' expected letters.*, got 'ij->i->j'$"):
        einsum("ij->i->j", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'operands' expected 2 arrays \(one per term of "
                                          r"'ij,jk->ik'\), got 1$"):
        einsum("ij,jk->ik", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'subscripts' expected output letters that are "
                                          r"distinct and appear in the inputs, got 'ij->k'$"):
        einsum("ij->k", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'subscripts' expected output letters .*, got 'ij->ii'$"):
        einsum("ij->ii", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'operands\[1\]' expected a floating-point dtype"):
        einsum("ij,jk->ik", a, np.ones((3, 2), np.int32))
    with pytest.raises(InvalidType, match=r"^einsum: argument 'operands\[1\]' expected dtype float32 "
                                          r"\(the dtype of 'operands\[0\]'\), got float64$"):
        einsum("ij,jk->ik", a, np.ones((3, 2)))
    with pytest.raises(InvalidType, match=r"^einsum: argument 'operands\[0\]' expected 3 dimensions for "
                                          r"subscripts 'ijk', got 2 \(shape \(2, 3\)\)$"):
        einsum("ijk->i", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'operands\[0\]' expected at least 3 dimensions for "
                                          r"subscripts 'ijk...', got 2 \(shape \(2, 3\)\)$"):
        einsum("ijk...->i", a)
    with pytest.raises(InvalidType, match=r"^einsum: argument 'operands\[1\]' expected size 3 for letter 'j', "
                                          r"got shape \(1, 2\)$"):
        einsum("ij,jk->ik", a, np.ones((1, 2), np.float32))
