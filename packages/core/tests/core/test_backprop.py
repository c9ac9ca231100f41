"""The backward pass: Variable.backward, kusari.backward, kusari.grad, memory."""
import gc
import sys
import weakref

import numpy as np
import pytest
from hypothesis import given

import kusari
import kusari.functions as F
from kusari import FunctionNode, Variable
from kusari.testing import strategies as kst


def _v(values, dtype=np.float32, **kwargs):
    return Variable(np.asarray(values, dtype=dtype), **kwargs)


@pytest.fixture
def no_gc():
    """Objects must be freed by reference counting alone (no cycles)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# ---- the tutorial's numbers ---------------------------------------------------
def test_tutorial_scalar_example():
    x = Variable(np.array([5], dtype=np.float32))
    y = x ** 2 - 2 * x + 1
    np.testing.assert_array_equal(y.array, np.array([16.0], np.float32))
    y.backward()
    np.testing.assert_array_equal(x.grad, np.array([8.0], np.float32))
    assert x.grad.dtype == np.float32
    assert y.grad is None  # the implicit seed is not stored (as Chainer)


def test_tutorial_retain_grad():
    x = Variable(np.array([5], dtype=np.float32))
    z = 2 * x
    y = x ** 2 - z + 1
    y.backward(retain_grad=True)
    np.testing.assert_array_equal(z.grad, np.array([-1.0], np.float32))


def test_tutorial_2x3_example():
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = x ** 2 - 2 * x + 1
    y.grad = np.ones((2, 3), dtype=np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, np.array([[0, 2, 4], [6, 8, 10]], np.float32))


@given(kst.arrays(shape=kst.shapes(max_dims=3, max_side=4), lo=-3, hi=3))
def test_polynomial_gradient_matches_formula(a):
    x = Variable(a)
    y = x ** 2 - 2 * x + 1
    y.grad = np.ones_like(a)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * a - 2, rtol=1e-12, atol=1e-12)


# ---- several outputs ------------------------------------------------------------
def test_kusari_backward_adds_up_several_outputs():
    x = _v([2.0])
    kusari.backward([x * 3, x * x])
    np.testing.assert_array_equal(x.grad, [7.0])


def test_kusari_backward_with_grad_outputs():
    x = _v([1.0, 2.0])
    y1, y2 = x * 2, x * x
    kusari.backward([y1, y2], [np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32)])
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


def test_kusari_backward_outputs_sharing_a_subgraph():
    x = _v([3.0])
    h = x * x
    kusari.backward([h * 2, h + 1])
    np.testing.assert_array_equal(x.grad, [18.0])  # (2 + 1) * 2x


def test_kusari_backward_single_variable_and_leaves():
    x = _v([3.0])
    kusari.backward(x * 2)
    np.testing.assert_array_equal(x.grad, [2.0])
    kusari.backward([x])  # a leaf output: nothing behind it
    np.testing.assert_array_equal(x.grad, [2.0])


def test_kusari_backward_errors():
    x = _v([1.0])
    with pytest.raises(ValueError, match=r"kusari.backward: 2 outputs but 1 grad_outputs"):
        kusari.backward([x * 2, x * 3], [None])
    with pytest.raises(TypeError, match=r"kusari.backward: outputs\[0\] expected a Variable, got ndarray"):
        kusari.backward([np.ones(1)])
    with pytest.raises(ValueError, match=r"kusari.backward: grad_outputs\[0\] expected shape \(1,\), got \(2,\)"):
        kusari.backward([x * 2], [np.ones(2, np.float32)])


def test_backward_of_non_scalar_without_grad_is_a_clear_error():
    x = _v([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = x * 2
    with pytest.raises(ValueError, match=r"Variable.backward: the output has 6 elements \(shape \(2, 3\)\); "
                                         r"set its gradient first, e.g. y.grad = xp.ones_like\(y.array\)"):
        y.backward()
    assert x.grad is None


# ---- kusari.grad ----------------------------------------------------------------
def test_grad_does_not_touch_grad_attributes():
    x = _v([3.0])
    h = x * x
    y = h * 2
    gx, = kusari.grad([y], [x])
    np.testing.assert_array_equal(gx.array, [12.0])
    assert x.grad is None and h.grad is None and y.grad is None
    assert gx.creator is None


def test_grad_with_double_backprop():
    x = _v([3.0])
    gx, = kusari.grad([x ** 3], [x], enable_double_backprop=True)
    np.testing.assert_array_equal(gx.array, [27.0])
    assert gx.creator is not None
    ggx, = kusari.grad([gx], [x])
    np.testing.assert_array_equal(ggx.array, [18.0])
    gggx, = kusari.grad([kusari.grad([gx], [x], enable_double_backprop=True)[0]], [x])
    np.testing.assert_array_equal(gggx.array, [6.0])


def test_grad_inputs_are_added():
    x = _v([3.0])
    gx, = kusari.grad([x * x * 2], [x], grad_inputs=[_v([10.0])])
    np.testing.assert_array_equal(gx.array, [22.0])
    gx, = kusari.grad([x * 2], [x], grad_inputs=[None])
    np.testing.assert_array_equal(gx.array, [2.0])


def test_grad_set_grad():
    x = _v([3.0])
    gx, = kusari.grad([x * x], [x], set_grad=True)
    assert x.grad_var is gx
    np.testing.assert_array_equal(x.grad, [6.0])


def test_grad_unreachable_inputs_give_none():
    x, u = _v([1.0]), _v([2.0])
    gx, gu = kusari.grad([x * 2], [x, u])
    np.testing.assert_array_equal(gx.array, [2.0])
    assert gu is None
    c = _v([1.0], requires_grad=False)
    assert kusari.grad([x * c], [c]) == [None]


def test_grad_with_respect_to_intermediates():
    x = _v([3.0])
    h = x * 2
    z = h * h
    gh, gx = kusari.grad([z], [h, x])
    np.testing.assert_array_equal(gh.array, [12.0])
    np.testing.assert_array_equal(gx.array, [24.0])
    gh_only, = kusari.grad([z], [h])
    np.testing.assert_array_equal(gh_only.array, [12.0])


def test_grad_of_a_variable_with_respect_to_itself():
    x = _v([3.0])
    gx, = kusari.grad([x], [x])
    np.testing.assert_array_equal(gx.array, [1.0])


def test_grad_retain_grad_and_outputs_argument_forms():
    x = _v([3.0])
    h = x * 2
    y = h * h
    gx, = kusari.grad(y, x, retain_grad=True)
    np.testing.assert_array_equal(gx.array, [24.0])
    np.testing.assert_array_equal(h.grad, [12.0])


def test_grad_loss_scale():
    x = _v([3.0])
    gx, = kusari.grad([x * x], [x], loss_scale=4.0)
    np.testing.assert_array_equal(gx.array, [24.0])


def test_grad_errors():
    x = _v([1.0, 2.0])
    y = x * 2
    with pytest.raises(TypeError, match=r"grad: inputs\[0\] expected a Variable, got ndarray"):
        kusari.grad([y], [x.array])
    with pytest.raises(TypeError, match=r"grad: outputs\[0\] expected a Variable, got ndarray"):
        kusari.grad([y.array], [x])
    with pytest.raises(ValueError, match=r"grad: outputs\[0\] has 2 elements; pass its grad_outputs entry"):
        kusari.grad([y], [x])
    with pytest.raises(ValueError, match=r"grad: 1 outputs but 2 grad_outputs"):
        kusari.grad([y], [x], grad_outputs=[None, None])
    with pytest.raises(ValueError, match=r"grad: 1 inputs but 2 grad_inputs"):
        kusari.grad([y], [x], grad_outputs=[np.ones(2, np.float32)], grad_inputs=[None, None])
    with pytest.raises(ValueError, match=r"grad: grad_outputs\[0\] expected shape \(2,\), got \(3,\)"):
        kusari.grad([y], [x], grad_outputs=[np.ones(3, np.float32)])


# ---- accumulation and aliasing ------------------------------------------------
def test_leaf_gradients_accumulate_across_backward_calls():
    x = _v([3.0])
    (x * x).backward()
    (x * 2).backward()
    np.testing.assert_array_equal(x.grad, [8.0])
    y = x * x
    y.backward()
    y.backward()  # the same graph twice: retained inputs are still there
    np.testing.assert_array_equal(x.grad, [20.0])


def test_accumulation_never_writes_into_an_array_the_user_holds():
    x = _v([3.0])
    mine = np.array([1.0], np.float32)
    x.grad = mine
    (x * 2).backward()
    np.testing.assert_array_equal(x.grad, [3.0])
    np.testing.assert_array_equal(mine, [1.0])


def test_a_variable_used_twice_gets_both_contributions():
    x = _v([3.0])
    (x * x + x).backward()
    np.testing.assert_array_equal(x.grad, [7.0])


def test_leaf_gradients_never_alias_each_other_or_the_output_grad():
    a, b = _v([1.0, 2.0]), _v([3.0, 4.0])
    y = a + b
    gy = np.ones(2, np.float32)
    y.grad = gy
    y.backward()
    assert a.grad is not b.grad
    assert not np.shares_memory(a.grad, b.grad)
    assert not np.shares_memory(a.grad, gy) and not np.shares_memory(b.grad, gy)
    a.grad += 10
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    np.testing.assert_array_equal(gy, [1.0, 1.0])


def test_leaf_gradient_does_not_alias_an_implicit_seed_or_a_sub_gradient():
    a, b = _v([1.0]), _v([2.0])
    (a - b).backward()
    assert not np.shares_memory(a.grad, b.grad)
    np.testing.assert_array_equal(a.grad, [1.0])
    np.testing.assert_array_equal(b.grad, [-1.0])


def test_read_only_broadcast_gradients_are_made_writeable():
    x = _v(np.ones((2, 3)))
    F.sum(x).backward()
    assert x.grad.flags.writeable
    x.grad *= 2  # optimizers update in place
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))
    b = _v([1.0, 2.0, 3.0])
    y = F.broadcast_to(b, (4, 3))
    y.grad = np.ones((4, 3), np.float32)
    y.backward()
    assert b.grad.flags.writeable
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])


def test_leaf_gradients_do_not_alias_with_double_backprop():
    # Add hands one gradient Variable to both inputs; in double-backprop mode
    # it must stay differentiable and still not be shared (in-place optimizer
    # hooks such as WeightDecay would update both parameters' gradients).
    a, b, w = _v([1.0, 2.0]), _v([3.0, 4.0]), _v([5.0, 6.0])
    F.sum((a + b) * w).backward(enable_double_backprop=True)
    np.testing.assert_array_equal(a.grad, [5.0, 6.0])
    np.testing.assert_array_equal(b.grad, [5.0, 6.0])
    assert not np.shares_memory(a.grad, b.grad)
    gw, = kusari.grad([F.sum(b.grad_var * b.grad_var)], [w])  # d/dw sum(w^2)
    np.testing.assert_array_equal(gw.array, [10.0, 12.0])
    a.grad += 1
    np.testing.assert_array_equal(b.grad, [5.0, 6.0])


def test_read_only_gradients_are_made_writeable_with_double_backprop():
    x = _v(np.ones((2, 3)))
    F.sum(x).backward(enable_double_backprop=True)
    assert x.grad.flags.writeable


def test_wrong_dtype_gradient_names_the_function():
    class Widen(FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 2,

        def backward(self, indexes, grad_outputs):
            return np.full(grad_outputs[0].shape, 2.0, np.float64),

    x = _v([1.0, 2.0])
    y, = Widen().apply((x,))
    y.grad = np.ones(2, np.float32)
    with pytest.raises(TypeError, match=r"Widen.backward returned a gradient of dtype float64 for input 0 of dtype float32"):
        y.backward()


def test_requires_grad_false_inputs_get_no_grad():
    x = _v([2.0])
    c = _v([3.0], requires_grad=False)
    (x * c + c).backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [3.0])


def test_no_backprop_mode_graph_is_not_backpropagated():
    x = _v([1.0])
    with kusari.no_backprop_mode():
        y = x + 1
    y.backward()
    assert x.grad is None
    with kusari.no_backprop_mode(), kusari.force_backprop_mode():
        y = x + 1
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0])


def test_loss_scale_scales_leaf_gradients():
    x = _v([3.0])
    (x * x).backward(loss_scale=4.0)
    np.testing.assert_array_equal(x.grad, [24.0])


# ---- rank order -------------------------------------------------------------------
class CountingIdentity(FunctionNode):
    """Identity that counts how often its backward runs."""

    calls = 0

    def forward(self, inputs):
        return inputs[0].copy(),

    def backward(self, indexes, grad_outputs):
        CountingIdentity.calls += 1
        return grad_outputs[0] * 1,


def test_each_function_backward_runs_once_after_all_its_consumers():
    # x -> a (counted) -> long branch and short branch -> sum.  A backward
    # that ran `a` before the long branch finished would run it twice or
    # give a partial gradient.
    x = _v([1.0])
    CountingIdentity.calls = 0
    a, = CountingIdentity().apply((x,))
    long = a
    for _ in range(20):
        long = long * 1.0
    y = long + a * 3
    y.backward()
    assert CountingIdentity.calls == 1
    np.testing.assert_array_equal(x.grad, [4.0])


# ---- wrong gradients from a user FunctionNode ------------------------------------
def test_wrong_shaped_gradient_names_the_function():
    class Squash(FunctionNode):
        def forward(self, inputs):
            return inputs[0].sum(keepdims=True),

        def backward(self, indexes, grad_outputs):
            return grad_outputs[0] * 1,

    y, = Squash().apply((_v([1.0, 2.0]),))
    with pytest.raises(ValueError, match=r"Squash.backward returned a gradient of shape \(1,\) for input 0 of shape \(2,\)"):
        y.backward()


# ---- depth and memory ---------------------------------------------------------
DEPTH = 10_000


def test_deep_graph_forward_backward_and_free_without_recursion(no_gc):
    assert sys.getrecursionlimit() < DEPTH  # the test would prove nothing otherwise
    x = _v([1.0])
    h = x
    for _ in range(DEPTH):
        h = h * 1.0 + 0.0
    first = weakref.ref(x.node)  # kept alive by the graph through the first function
    last_creator = weakref.ref(h.creator_node)
    assert h.rank == 2 * DEPTH
    h.backward()
    np.testing.assert_array_equal(x.grad, [1.0])
    del h  # frees 20,000 functions in a chain: must not overflow the C stack
    assert last_creator() is None
    assert first() is x.node


def test_deep_graph_with_retained_inputs(no_gc):
    x = _v([1.0])
    c = _v([1.0])
    h = x
    for _ in range(DEPTH):
        h = h * c  # Mul retains both inputs
    ref = weakref.ref(h.creator_node)
    h.backward()
    np.testing.assert_array_equal(x.grad, [1.0])
    np.testing.assert_array_equal(c.grad, [float(DEPTH)])  # one 1 per multiplication
    del h
    assert ref() is None


def test_graph_is_freed_when_the_output_is_dropped(no_gc):
    x = _v([1.0, 2.0])
    h = x * 2
    y = F.sum(h * h)
    refs = [weakref.ref(o) for o in (h, h.node, h.creator_node, y.creator_node, y.node)]
    del h, y
    assert all(r() is None for r in refs)
    assert x.node is not None  # the leaf is the user's


def test_intermediate_arrays_are_freed_unless_retained(no_gc):
    x = _v(np.ones(1000))
    h = x + 1
    kept = x + 1
    free_ref = weakref.ref(h.array)
    kept_ref = weakref.ref(kept.array)
    y = h + 1       # add retains nothing: h's array is not needed
    z = kept * kept  # mul retains its inputs for backward
    del h, kept
    assert free_ref() is None
    assert kept_ref() is not None
    del z
    assert kept_ref() is None
    del y


class GradProbe(FunctionNode):
    """Identity whose backward remembers a weak reference to the incoming gradient."""

    def __init__(self, log):
        self.log = log

    def forward(self, inputs):
        return inputs[0].copy(),

    def backward(self, indexes, grad_outputs):
        gy = grad_outputs[0]
        self.log.append((self, weakref.ref(gy.array)))
        # Every probe that ran before this one has had its gradient freed.
        self.dead_before = [ref() is None for probe, ref in self.log[:-1]]
        return gy * 1,


def test_intermediate_gradients_are_freed_during_and_after_backward(no_gc):
    log = []
    x = _v(np.ones(100))
    h = x
    probes = []
    for _ in range(4):
        p = GradProbe(log)
        h, = p.apply((h * 1.0,))
        probes.append(p)
    F.sum(h).backward()
    assert len(log) == 4
    assert all(all(p.dead_before) for p in probes)
    assert all(ref() is None for _, ref in log)  # nothing kept after backward
    assert x.grad is not None


def test_retain_grad_keeps_intermediate_gradients(no_gc):
    log = []
    x = _v(np.ones(3))
    h, = GradProbe(log).apply((x * 1.0,))
    y = F.sum(h)
    y.backward(retain_grad=True)
    (_, ref), = log
    assert ref() is h.grad
    np.testing.assert_array_equal(h.grad, np.ones(3))


def test_grad_adds_a_seed_placed_on_a_target_to_what_flows_back_to_it():
    # x is both an output (seeded directly) and an input of sum: both parts count.
    x = kusari.Variable(np.array([1.0, 2.0]))
    y = F.sum(x)
    gx, = kusari.grad([x, y], [x], [np.array([3.0, 4.0]), np.ones(())])
    np.testing.assert_array_equal(gx.array, [4.0, 5.0])
