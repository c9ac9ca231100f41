"""Variable and Parameter: every attribute and method the foundation issue lists."""
import copy
import operator
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari import Parameter, Variable, initializers
from kusari.testing import check_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def _v(values, dtype=np.float32, **kwargs):
    return Variable(np.asarray(values, dtype=dtype), **kwargs)


# ---- the array ---------------------------------------------------------------
def test_array_and_data_are_the_same_array():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = Variable(a)
    assert x.array is a and x.data is a
    b = np.zeros((3,), np.float32)
    x.data = b
    assert x.array is b
    x.array = a
    assert x.data is a


def test_array_setter_updates_the_node_metadata():
    x = _v([1.0, 2.0])
    node = x.node
    x.array = np.zeros((2, 2), np.float64)
    assert node.shape == (2, 2) and node.dtype == np.float64


def test_variable_rejects_non_arrays():
    with pytest.raises(TypeError, match=r"Variable: expected numpy.ndarray .*got builtins.list"):
        Variable([1.0, 2.0])
    with pytest.raises(TypeError, match=r"Variable.array: expected numpy.ndarray .*got builtins.float"):
        _v([1.0]).array = 1.0


def test_none_variable():
    x = Variable()
    assert x.array is None and x.grad is None
    assert repr(x) == "variable(None)" and str(x) == "variable(None)"
    x.zerograd()  # no data: nothing to do
    assert x.grad is None


def test_shape_ndim_size_dtype_len_item():
    x = Variable(np.zeros((2, 3, 4), np.float16))
    assert x.shape == (2, 3, 4) and x.ndim == 3 and x.size == 24
    assert x.dtype == np.float16
    assert len(x) == 2
    s = _v(5.0)
    assert s.item() == 5.0 and isinstance(s.item(), float)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-dimensional Variable"):
        len(s)
    with pytest.raises(ValueError):
        _v([1.0, 2.0]).item()


def test_xp_and_device():
    x = _v([1.0])
    assert x.xp is np
    assert x.device is kusari.backend.CPU_DEVICE


def test_name_label_and_repr():
    x = _v([1.0, 2.0], name="x")
    assert x.name == "x"
    assert repr(x) == "variable x([1., 2.])"
    assert str(x) == "variable([1. 2.])"
    y = _v([1.0])
    assert y.name is None
    y.name = "why"
    assert y.name == "why" and y.node.name == "why"
    assert _v([[1.0, 2.0]]).label == "(1, 2), float32"
    assert _v(1.0).label == "float32"
    assert "shape=(2,)" in x.summary()
    text = x.debug_print()
    assert "mean=1.5" in text and "grad: None" in text


# ---- gradient ------------------------------------------------------------------
def test_grad_setter_and_grad_var():
    x = _v([[1.0, 2.0, 3.0]])
    assert x.grad is None and x.grad_var is None
    g = np.ones((1, 3), np.float32)
    x.grad = g
    assert x.grad is g
    assert isinstance(x.grad_var, Variable) and x.grad_var.array is g
    gv = _v([[3.0, 3.0, 3.0]])
    x.grad_var = gv
    assert x.grad_var is gv and x.grad is gv.array
    x.grad = None
    assert x.grad_var is None


def test_grad_in_constructor():
    g = np.ones(2, np.float32)
    assert _v([1.0, 2.0], grad=g).grad is g


@pytest.mark.parametrize("bad, error, message", [
    (np.ones((3, 1), np.float32), InvalidType, r"Variable.grad: expected shape \(1, 3\), got \(3, 1\)"),
    (np.ones((1, 3), np.float64), InvalidType, r"Variable.grad: expected dtype float32, got float64"),
    ([1.0, 2.0, 3.0], TypeError, r"Variable.grad: expected numpy.ndarray .*got builtins.list"),
])
def test_grad_shape_dtype_type_errors(bad, error, message):
    x = _v([[1.0, 2.0, 3.0]])
    with pytest.raises(error, match=message):
        x.grad = bad
    assert x.grad is None


def test_grad_var_errors():
    x = _v([1.0, 2.0])
    with pytest.raises(TypeError, match="Variable.grad_var: expected a Variable or None, got ndarray"):
        x.grad_var = np.ones(2, np.float32)
    with pytest.raises(InvalidType, match=r"Variable.grad: expected shape \(2,\), got \(3,\)"):
        x.grad_var = _v([1.0, 2.0, 3.0])


def test_cleargrad_and_zerograd():
    x = _v([1.0, 2.0])
    x.zerograd()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    assert x.grad.dtype == np.float32
    g = x.grad
    g += 5
    x.zerograd()
    assert x.grad is g and not g.any()  # zeroed in place
    x.cleargrad()
    assert x.grad is None


def test_addgrad_adds_without_aliasing():
    a = _v([0.0, 0.0])
    b = _v([0.0, 0.0])
    b.grad = np.array([1.0, 2.0], np.float32)
    a.addgrad(b)
    np.testing.assert_array_equal(a.grad, [1.0, 2.0])
    assert not np.shares_memory(a.grad, b.grad)
    a.addgrad(b)
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])
    np.testing.assert_array_equal(b.grad, [1.0, 2.0])
    a.addgrad(_v([0.0, 0.0]))  # no gradient there: nothing changes
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])


def test_copydata_copies_in_place():
    a = _v([0.0, 0.0])
    buffer = a.array
    a.copydata(_v([3.0, 4.0]))
    assert a.array is buffer
    np.testing.assert_array_equal(buffer, [3.0, 4.0])
    a.copydata(np.array([5.0, 6.0], np.float32))
    np.testing.assert_array_equal(buffer, [5.0, 6.0])
    empty = Variable()
    src = np.array([1.0], np.float32)
    empty.copydata(src)
    np.testing.assert_array_equal(empty.array, [1.0])
    assert empty.array is not src


# ---- graph -------------------------------------------------------------------
def test_creator_rank_and_creator_node():
    x = _v([1.0])
    assert x.creator is None and x.creator_node is None and x.rank == 0
    y = x * 2
    assert isinstance(y.creator, kusari.FunctionNode)
    assert y.creator is y.creator_node
    assert y.creator.inputs[0] is x.node
    z = y + x
    assert z.rank == 2 and y.rank == 1


def test_set_creator_by_hand():
    x = _v([1.0])
    y = x * 2
    z = _v([2.0])
    z.creator = y.creator
    assert z.creator is y.creator and z.rank == 1
    w = _v([2.0])
    w.set_creator_node(y.creator_node)
    assert w.creator_node is y.creator_node


def test_requires_grad():
    x = _v([1.0])
    assert x.requires_grad is True
    c = _v([2.0], requires_grad=False)
    y = x * c
    F.sum(y).backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [2.0])
    with pytest.raises(ValueError, match="requires_grad cannot be False on a variable created by a function"):
        y.requires_grad = False
    x.requires_grad = False
    assert x.node.requires_grad is False
    assert (x * 2).creator is None  # nothing needs a gradient: no graph


def test_unchain_makes_a_leaf_but_keeps_upstream():
    x = _v([1.0])
    y = x * 2
    z = y * 3
    y.unchain()
    assert y.creator is None and z.creator is not None
    z.backward()
    np.testing.assert_array_equal(y.grad, [3.0])  # y is a leaf now
    assert x.grad is None


def test_unchain_backward_cuts_every_link_behind():
    x = _v([1.0])
    a = x * 2
    b = a + x
    c = b * a  # diamond
    c.unchain_backward()
    assert c.creator is None and b.creator is None and a.creator is None
    _v([1.0]).unchain_backward()  # a leaf without a node: no error


def test_unchain_backward_on_a_deep_chain_does_not_recurse():
    x = _v([1.0])
    h = x
    for _ in range(5000):
        h = h + 1
    h.unchain_backward()
    assert h.creator is None


def test_backward_retain_grad():
    x = _v([5.0])
    z = 2 * x
    y = x ** 2 - z + 1
    y.backward()
    assert z.grad is None  # intermediates are freed by default
    x.cleargrad()
    y = x ** 2 - z + 1
    y.backward(retain_grad=True)
    np.testing.assert_array_equal(z.grad, [-1.0])
    np.testing.assert_array_equal(y.grad, [1.0])


def test_backward_enable_double_backprop():
    x = _v([2.0])
    y = x ** 3
    y.backward(enable_double_backprop=True)
    gx = x.grad_var
    assert gx.creator is not None
    np.testing.assert_array_equal(gx.array, [12.0])
    x.cleargrad()
    gx.backward()
    np.testing.assert_array_equal(x.grad, [12.0])  # d/dx 3x^2 = 6x
    z = _v([2.0])
    (z ** 3).backward()
    assert z.grad_var.creator is None


def test_backward_of_a_leaf_does_nothing():
    x = _v([1.0])
    x.backward()
    assert x.grad is None


# ---- shape helpers -----------------------------------------------------------
def test_reshape_forms_and_gradient():
    x = Variable(np.arange(6, dtype=np.float32))
    assert x.reshape(2, 3).shape == (2, 3)
    assert x.reshape((3, 2)).shape == (3, 2)
    assert x.reshape([1, 6]).shape == (1, 6)
    y = x.reshape(2, 3)
    y.grad = np.arange(6, dtype=np.float32).reshape(2, 3)
    y.backward()
    np.testing.assert_array_equal(x.grad, np.arange(6))


def test_transpose_forms_T_and_gradient():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = Variable(a)
    np.testing.assert_array_equal(x.transpose().array, a.transpose())
    np.testing.assert_array_equal(x.T.array, a.T)
    np.testing.assert_array_equal(x.transpose(1, 0, 2).array, a.transpose(1, 0, 2))
    np.testing.assert_array_equal(x.transpose((2, 0, 1)).array, a.transpose(2, 0, 1))
    np.testing.assert_array_equal(x.transpose(None).array, a.T)
    y = x.transpose(2, 0, 1)
    y.grad = np.ones(y.shape, np.float32) * np.arange(4, dtype=np.float32)[:, None, None]
    y.backward()
    np.testing.assert_array_equal(x.grad, np.broadcast_to(np.arange(4, dtype=np.float32), (2, 3, 4)))


# ---- operators ---------------------------------------------------------------
BINARY = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


@pytest.mark.parametrize("op", BINARY)
def test_binary_operators_match_numpy_for_every_operand_kind(op):
    a = np.array([1.5, 2.0, 3.0], np.float32)
    b = np.array([0.5, 4.0, 2.0], np.float32)
    va, vb = Variable(a), Variable(b)
    for lhs, rhs in [(va, vb), (va, b), (a, vb), (va, 2.0), (2.0, va), (va, 3), (3, va),
                     (va, np.float64(2.0)), (np.float64(2.0), va)]:
        y = op(lhs, rhs)
        assert isinstance(y, Variable), (lhs, rhs)
        expected = op(kusari.as_array(lhs), kusari.as_array(rhs))
        np.testing.assert_allclose(y.array, expected, rtol=1e-6)
        assert y.dtype == np.float32, (op, type(lhs), type(rhs))


def test_reflected_operator_with_ndarray_on_the_left_builds_a_graph():
    x = _v([1.0, 2.0])
    a = np.array([3.0, 4.0], np.float32)
    for y in [a + x, a - x, a * x, a / x, a ** x]:
        assert isinstance(y, Variable) and y.creator is not None
    (a * x).grad = None
    y = a - x
    y.grad = np.ones(2, np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [-1.0, -1.0])


def test_mismatched_dtypes_error():
    with pytest.raises(InvalidType, match=r"add: argument 'rhs' expected dtype float32 \(the dtype of 'lhs'\), got float64"):
        _v([1.0]) + np.array([1.0], np.float64)


@given(kst.arrays(shape=(2, 3), lo=0.5, hi=2), kst.arrays(shape=(2, 3), lo=0.5, hi=2),
       st.sampled_from(BINARY))
def test_binary_operator_gradients(a, b, op):
    check_backward(lambda x, y: op(x, y), (a, b), np.ones((2, 3)))
    check_backward(lambda x: op(x, 1.5), a, np.ones((2, 3)))
    check_backward(lambda x: op(1.5, x), a, np.ones((2, 3)))


@given(kst.arrays(shape=kst.shapes(max_dims=3, max_side=4), lo=-2, hi=2, min_magnitude=0.1))
def test_unary_operators(a):
    x = Variable(a)
    np.testing.assert_array_equal((-x).array, -a)
    np.testing.assert_array_equal(abs(x).array, np.abs(a))
    assert +x is x
    check_backward(lambda v: -v, a, np.ones_like(a))
    check_backward(lambda v: abs(v), a, np.ones_like(a))


def test_broadcasting_operands_sum_gradients_back():
    x = _v([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = _v([1.0, 1.0, 1.0])
    y = x * b
    y.grad = np.ones((2, 3), np.float32)
    y.backward()
    np.testing.assert_array_equal(b.grad, [5.0, 7.0, 9.0])
    assert b.grad.shape == (3,)


def test_matmul_operator_and_reflected():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    x, W = Variable(a), Variable(w)
    y = x @ W
    np.testing.assert_array_equal(y.array, a @ w)
    y.grad = np.ones((2, 4), np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 4), np.float32) @ w.T)
    np.testing.assert_array_equal(W.grad, a.T @ np.ones((2, 4), np.float32))
    z = a @ W  # ndarray on the left
    assert isinstance(z, Variable) and z.creator is not None
    np.testing.assert_array_equal(z.array, a @ w)


def test_getitem_basic_and_advanced_with_gradient():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    x = Variable(a)
    np.testing.assert_array_equal(x[1].array, a[1])
    np.testing.assert_array_equal(x[:, 1:3].array, a[:, 1:3])
    np.testing.assert_array_equal(x[..., None].array, a[..., None])
    y = x[[0, 0, 2]]  # row 0 twice
    np.testing.assert_array_equal(y.array, a[[0, 0, 2]])
    y.grad = np.ones((3, 4), np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [[2] * 4, [0] * 4, [1] * 4])
    m = x[a > 5]
    np.testing.assert_array_equal(m.array, a[a > 5])


def test_comparisons_return_arrays():
    x = _v([1.0, 2.0, 3.0])
    y = _v([3.0, 2.0, 1.0])
    for op in [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]:
        for other in (y, y.array, 2.0):
            result = op(x, other)
            assert isinstance(result, np.ndarray) and result.dtype == bool
            np.testing.assert_array_equal(result, op(x.array, kusari.as_array(other)))


def test_comparisons_with_ndarray_on_the_left_return_arrays():
    x = _v([1.0, 2.0, 3.0])
    a = np.array([2.0, 2.0, 2.0], np.float32)
    np.testing.assert_array_equal(a < x, [False, False, True])
    np.testing.assert_array_equal(a == x, [False, True, False])


def test_iterating_a_variable_yields_differentiable_rows():
    x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    rows = list(x)
    assert len(rows) == 2 and all(r.shape == (3,) for r in rows)
    (rows[1] * 2).grad = None
    F.sum(rows[1] * 2).backward()
    np.testing.assert_array_equal(x.grad, [[0, 0, 0], [2, 2, 2]])


def test_variables_hash_by_identity():
    x = _v([1.0])
    y = _v([1.0])
    d = {x: "x", y: "y"}
    assert d[x] == "x" and d[y] == "y" and len({x, y}) == 2


def test_dtype_is_preserved_through_operators():
    for dtype in (np.float16, np.float32, np.float64):
        x = Variable(np.array([1.0, 2.0], dtype))
        y = (x * 2 + np.float64(1)) / 3 - x ** 2
        assert y.dtype == dtype


# ---- devices -------------------------------------------------------------------
def test_to_device_and_to_cpu_keep_numpy_arrays():
    x = _v([1.0])
    x.grad = np.ones(1, np.float32)
    a, g = x.array, x.grad
    x.to_device("@numpy")
    x.to_cpu()
    x.to_device(-1)
    assert x.array is a and x.grad is g


def test_to_device_rejects_bad_specifier():
    with pytest.raises(ValueError, match="starts with '@'"):
        _v([1.0]).to_device("cpu")


def test_to_gpu_without_cuda_names_the_package(without_kusari_cuda):
    x = _v([1.0])
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        x.to_gpu()
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        x.to_gpu(0)
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        x.to_device("@cupy:0")


# ---- as_variable / as_array ----------------------------------------------------
def test_as_variable_and_as_array():
    a = np.zeros(2, np.float32)
    v = kusari.as_variable(a)
    assert v.array is a and v.requires_grad is False
    assert kusari.as_variable(v) is v
    assert kusari.as_array(v) is a and kusari.as_array(a) is a
    with pytest.raises(TypeError, match="as_variable: expected numpy.ndarray"):
        kusari.as_variable([1, 2])


# ---- Parameter -------------------------------------------------------------------
def test_parameter_lazy_initialization():
    p = Parameter(initializers.Constant(0.5))
    assert not p.is_initialized and p.array is None
    p.zerograd()  # uninitialized: no-op, no error
    assert p.grad is None
    p.initialize((2, 3))
    assert p.is_initialized and p.shape == (2, 3) and p.dtype == np.float32
    assert (p.array == 0.5).all()
    assert p.grad is None
    p.zerograd()
    np.testing.assert_array_equal(p.grad, np.zeros((2, 3)))


@pytest.mark.parametrize("init, check", [
    (None, lambda a: np.isnan(a).all()),
    (2.0, lambda a: (a == 2.0).all()),
    (3, lambda a: (a == 3).all()),
    (initializers.One(), lambda a: (a == 1).all()),
    (initializers.Zero(), lambda a: (a == 0).all()),
    (initializers.Normal(0.05), lambda a: a.std() < 0.2 and a.std() > 0),
    (lambda arr: arr.fill(7), lambda a: (a == 7).all()),
])
def test_parameter_initializer_types(init, check):
    p = Parameter(init, (4, 5))
    assert p.shape == (4, 5) and p.dtype == np.float32
    assert check(p.array)


def test_parameter_from_array_and_variable():
    a = np.arange(3, dtype=np.float64)
    p = Parameter(a)
    assert p.array is a and p.is_initialized
    q = Parameter(Variable(np.ones(2, np.float32)))
    np.testing.assert_array_equal(q.array, [1.0, 1.0])
    r = Parameter(initializers.One(), 3)
    assert r.shape == (3,)


def test_parameter_dtype_from_initializer():
    p = Parameter(initializers.Constant(1.0, dtype=np.float64), (2,))
    assert p.dtype == np.float64
    with kusari.using_config("dtype", np.dtype(np.float16)):
        q = Parameter(initializers.One(), (2,))
    assert q.dtype == np.float16


def test_parameter_in_graph_and_gradient():
    p = Parameter(initializers.Constant(2.0), (2,), name="W")
    assert p.name == "W"
    y = F.sum(p * p)
    y.backward()
    np.testing.assert_array_equal(p.grad, [4.0, 4.0])


def test_parameter_pickle_and_deepcopy():
    p = Parameter(initializers.Constant(2.0), (2,), name="W")
    p.grad = np.ones(2, np.float32)
    p.update_rule = None
    for clone in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(clone) is Parameter
        assert clone is not p and clone.name == "W"
        np.testing.assert_array_equal(clone.array, [2.0, 2.0])
        np.testing.assert_array_equal(clone.grad, [1.0, 1.0])
        assert not np.shares_memory(clone.array, p.array)
        assert isinstance(clone.initializer, initializers.Constant)
        clone.array[0] = 9
        assert p.array[0] == 2.0


def test_uninitialized_parameter_pickles_and_initializes_later():
    p = Parameter(initializers.Constant(4.0))
    q = pickle.loads(pickle.dumps(p))
    assert not q.is_initialized
    q.initialize((1,))
    np.testing.assert_array_equal(q.array, [4.0])


def test_variable_deepcopy_and_pickle():
    x = _v([1.0, 2.0])
    for clone in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        np.testing.assert_array_equal(clone.array, [1.0, 2.0])
        assert clone.array is not x.array


def test_variable_with_a_node_pickles_and_copies_without_its_graph():
    # Chainer 7: copies keep data, grad and name and drop the creator.
    x = _v([1.0, 2.0], name="x")
    y = x * 2
    y.grad = np.ones(2, np.float32)
    for clone in (copy.deepcopy(y), pickle.loads(pickle.dumps(y))):
        np.testing.assert_array_equal(clone.array, [2.0, 4.0])
        np.testing.assert_array_equal(clone.grad, [1.0, 1.0])
        assert clone.creator is None
    named = pickle.loads(pickle.dumps(x))
    assert named.name == "x"
    shallow = copy.copy(x)
    assert shallow.array is x.array and shallow.name == "x"


def test_parameter_to_device_before_initialization():
    p = Parameter(initializers.One())
    p.to_device("@numpy")
    p.initialize((2,))
    assert isinstance(p.array, np.ndarray)
    p.to_cpu()
    np.testing.assert_array_equal(p.array, [1.0, 1.0])
