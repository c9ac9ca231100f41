"""FunctionNode (retention, outputs, backward conventions, errors), the
check_type_forward DSL, and the old-style Function adapter."""
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given

import kusari
import kusari.functions as F
from kusari import FunctionNode, Variable
from kusari.testing import strategies as kst
from kusari.utils import type_check


def _v(values, dtype=np.float32):
    return Variable(np.asarray(values, dtype=dtype))


# ---- user FunctionNodes used below -----------------------------------------
class Square(FunctionNode):
    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        return x * x,

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        return 2 * x * grad_outputs[0],


class ExpNode(FunctionNode):
    """y = exp(x); backward uses the retained *output*."""

    def forward(self, inputs):
        self.retain_outputs((0,))
        return np.exp(inputs[0]),

    def backward(self, indexes, grad_outputs):
        y, = self.get_retained_outputs()
        return y * grad_outputs[0],


class SplitTwo(FunctionNode):
    """(a, b) = (2x, 3x); keeps output 1 for backward."""

    def forward(self, inputs):
        x, = inputs
        self.retain_outputs((1,))
        return 2 * x, 3 * x

    def backward(self, indexes, grad_outputs):
        self.seen_grads = grad_outputs
        _, b = None, self.get_retained_outputs()[0]
        self.seen_retained = b.array.copy()
        g0, g1 = grad_outputs
        gx = 0
        if g0 is not None:
            gx = gx + 2 * g0
        if g1 is not None:
            gx = gx + 3 * g1
        return gx,


class WeightedSum(FunctionNode):
    """a * x + y; backward returns either one gradient per input or per target."""

    def __init__(self, per_input):
        self.per_input = per_input

    def forward(self, inputs):
        x, y = inputs
        return 3 * x + y,

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        self.indexes = indexes
        grads = (3 * gy, gy)
        if self.per_input:
            return grads
        return tuple(grads[i] for i in indexes)


def test_retain_inputs_keeps_only_the_requested_array():
    x = _v([1.0, 2.0])
    c = _v([5.0, 6.0])
    node = Square()
    y, = node.apply((x,))
    assert node.inputs[0].data is x.array
    # Nothing retained by Add: its inputs' nodes hold no data.
    z = y + c
    assert z.creator.inputs[1].data is None and z.creator.inputs[0].data is None


def test_retained_input_survives_dropping_the_input_variable():
    node = Square()
    y, = node.apply((_v([3.0]),))  # the input Variable is gone at once
    gc.collect()
    assert node.inputs[0].get_variable_or_none() is None
    x_again, = node.get_retained_inputs()
    np.testing.assert_array_equal(x_again.array, [3.0])
    y.backward()  # still computes 2 * 3, into the rebuilt variable (the only one alive)
    np.testing.assert_array_equal(x_again.grad, [6.0])


def test_get_retained_outputs_with_output_variable_dropped_but_node_alive():
    x = _v([0.0, 1.0])
    node = ExpNode()
    y, = node.apply((x,))
    loss = F.sum(y * y)  # keeps y's node, not y
    del y
    gc.collect()
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * np.exp(2 * np.array([0.0, 1.0])), rtol=1e-6)


def test_get_retained_outputs_when_output_and_its_node_are_gone():
    x = _v([1.0, 2.0])
    node = SplitTwo()
    a, b = node.apply((x,))
    del b  # nobody uses output 1: its node dies with it
    gc.collect()
    assert node.outputs[1]() is None
    F.sum(a).backward()
    np.testing.assert_array_equal(node.seen_retained, [3.0, 6.0])
    assert node.seen_grads[1] is None  # unused output: no gradient
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    # The rebuilt output is created by this node.
    rebuilt, = node.get_retained_outputs()
    assert rebuilt.creator is node


def test_multiple_outputs_both_used():
    x = _v([1.0])
    a, b = SplitTwo().apply((x,))
    kusari.backward([a, b])
    np.testing.assert_array_equal(x.grad, [5.0])


def test_output_data_is_one_entry_per_output_like_chainer():
    # Chainer 7: FunctionNode.output_data has len(outputs) entries, None where
    # not retained.
    node = SplitTwo()
    a, b = node.apply((_v([1.0]),))
    data = node.output_data
    assert len(data) == 2
    assert data[0] is None
    np.testing.assert_array_equal(data[1], [3.0])


@pytest.mark.parametrize("per_input", [True, False])
def test_backward_may_return_per_input_or_per_target(per_input):
    x = _v([1.0, 2.0])
    c = Variable(np.array([1.0, 1.0], np.float32), requires_grad=False)
    node = WeightedSum(per_input)
    y, = node.apply((x, c))
    F.sum(y).backward()
    assert node.indexes == (0,)
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    assert c.grad is None


def test_backward_with_wrong_gradient_count_names_the_function():
    class Bad(FunctionNode):
        def forward(self, inputs):
            return inputs[0] + inputs[1],

        def backward(self, indexes, grad_outputs):
            return grad_outputs[0], grad_outputs[0], grad_outputs[0]

    y, = Bad().apply((_v([1.0]), _v([2.0])))
    with pytest.raises(ValueError, match=r"Bad.backward returned 3 gradients; expected 2 \(one per target index\) or 2 \(one per input\)"):
        y.backward()


def test_backward_with_wrong_gradient_shape_names_the_function():
    class BadShape(FunctionNode):
        def forward(self, inputs):
            return inputs[0].sum(keepdims=True),

        def backward(self, indexes, grad_outputs):
            return grad_outputs[0],  # shape (1,), the input is (3,)

    y, = BadShape().apply((_v([1.0, 2.0, 3.0]),))
    with pytest.raises(ValueError, match=r"BadShape.backward returned a gradient of shape \(1,\) for input 0 of shape \(3,\)"):
        y.backward()


@pytest.mark.parametrize("result, got", [(np.zeros(1), "ndarray"), ([np.zeros(1)], "list")])
def test_forward_must_return_a_tuple(result, got):
    class NotTuple(FunctionNode):
        def forward(self, inputs):
            return result

    with pytest.raises(TypeError, match=f"NotTuple.forward must return a tuple of arrays, got {got}"):
        NotTuple().apply((_v([1.0]),))


def test_forward_returning_non_arrays_is_an_error():
    class Junk(FunctionNode):
        def forward(self, inputs):
            return "abc",

    with pytest.raises(TypeError, match=r"Junk.forward returned str; expected arrays"):
        Junk().apply((_v([1.0]),))


def test_forward_returning_numpy_scalar_becomes_0d_array():
    class Total(FunctionNode):
        def forward(self, inputs):
            return inputs[0].sum(),  # a numpy scalar

    y, = Total().apply((_v([1.0, 2.0]),))
    assert isinstance(y.array, np.ndarray) and y.shape == ()


def test_missing_forward_and_backward_messages():
    class Nothing(FunctionNode):
        pass

    with pytest.raises(NotImplementedError, match="Nothing implements neither forward nor forward_cpu"):
        Nothing().apply((_v([1.0]),))

    class ForwardOnly(FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 1,

    y, = ForwardOnly().apply((_v([1.0]),))
    with pytest.raises(NotImplementedError, match="ForwardOnly does not implement backward"):
        y.backward()


def test_forward_cpu_dispatch():
    class CpuOnly(FunctionNode):
        def forward_cpu(self, inputs):
            return inputs[0] + 1,

    y, = CpuOnly().apply((_v([1.0]),))
    assert y.array[0] == 2.0


def test_apply_without_graph_records_nothing_and_retains_nothing():
    node = Square()
    x = _v([2.0])
    with kusari.no_backprop_mode():
        y, = node.apply((x,))
    assert y.creator is None and node.inputs is None
    assert x._node is None or x.node.data is None
    with pytest.raises(RuntimeError, match="Square: the graph was not recorded"):
        node.get_retained_inputs()


def test_inputs_that_need_no_grad_record_nothing():
    node = Square()
    y, = node.apply((np.array([2.0], np.float32),))
    assert y.creator is None and y.requires_grad is False


def test_unchain_detaches_outputs():
    x = _v([1.0])
    node = Square()
    y, = node.apply((x,))
    node.unchain()
    assert y.creator is None and node.inputs is None


def test_label_and_rank():
    x = _v([1.0])
    n1, n2 = Square(), Square()
    y, = n1.apply((x,))
    z, = n2.apply((y,))
    assert n1.label == "Square"
    assert (n1.rank, n2.rank) == (0, 1)
    assert (y.rank, z.rank) == (1, 2)


def test_debug_mode_catches_nan_in_forward():
    class MakeNan(FunctionNode):
        def forward(self, inputs):
            return inputs[0] * np.nan,

    with kusari.using_config("debug", True):
        with pytest.raises(RuntimeError, match=r"NaN detected in the forward of MakeNan \(debug mode\)"):
            MakeNan().apply((_v([1.0]),))
    MakeNan().apply((_v([1.0]),))  # no check outside debug mode


@given(kst.arrays(shape=kst.shapes(max_dims=3, max_side=4), lo=-2, hi=2))
def test_user_node_gradient_matches_numerical(x):
    kusari.testing.check_backward(lambda v: Square().apply((v,))[0], x, np.ones_like(x))


@given(kst.arrays(shape=kst.shapes(max_dims=3, max_side=4), lo=-2, hi=2))
def test_user_node_backward_on_variables_is_twice_differentiable(x):
    kusari.testing.check_double_backward(lambda v: Square().apply((v,))[0], x, np.ones_like(x),
                                         np.ones_like(x))


# ---- check_type_forward: Chainer's type_check DSL ---------------------------
class Checked(FunctionNode):
    """Runs whatever conditions the test gives it; counts the calls."""

    def __init__(self, check):
        self.check = check
        self.calls = 0

    def check_type_forward(self, in_types):
        self.calls += 1
        self.check(in_types)

    def forward(self, inputs):
        return inputs[0] * 1,

    @property
    def label(self):
        return "Square"


def _apply(check, *arrays):
    node = Checked(check)
    node.apply(arrays)
    return node


F32 = np.zeros((2, 3), np.float32)
F64 = np.zeros((2, 3), np.float64)
I32 = np.zeros((2,), np.int32)


@pytest.mark.parametrize("check, arrays, message", [
    (lambda t: type_check.expect(t[0].dtype == np.float32), (F64,),
     r"Square: expected in_types\[0\].dtype == float32, got float64"),
    (lambda t: type_check.expect(t.size() == 2), (F32,),
     r"Square: expected in_types.size\(\) == 2, got 1"),
    (lambda t: type_check.expect(t[0].ndim == 1), (F32,),
     r"Square: expected in_types\[0\].ndim == 1, got 2"),
    (lambda t: type_check.expect(t[0].dtype.kind == "i"), (F32,),
     r"Square: expected in_types\[0\].dtype.kind == 'i', got 'f'"),
    (lambda t: type_check.expect(t[0].shape[0] == t[1].shape[0]), (F32, np.zeros(3, np.float32)),
     r"Square: expected in_types\[0\].shape\[0\] == in_types\[1\].shape\[0\], got 2 != 3"),
    (lambda t: type_check.expect(t[0].shape[1:] == (4,)), (F32,),
     r"Square: expected in_types\[0\].shape\[1:\] == \(4,\), got \(3,\)"),
    (lambda t: type_check.expect(t[0].shape[0] * 2 + 1 <= t[0].size), (np.zeros((3, 2)),),
     r"Square: expected in_types\[0\].shape\[0\] \* 2 \+ 1 <= in_types\[0\].size, got 7 > 6"),
    (lambda t: type_check.expect((t[0].ndim + 1) * 2 == 5), (F32,),
     r"Square: expected \(in_types\[0\].ndim \+ 1\) \* 2 == 5, got 6"),
    (lambda t: type_check.expect(type_check.prod(t[0].shape) == 5), (F32,),
     r"Square: expected prod\(in_types\[0\].shape\) == 5, got 6"),
    (lambda t: type_check.expect(-t[0].ndim > 0), (F32,),
     r"Square: expected -in_types\[0\].ndim > 0, got -2"),
    (lambda t: type_check.expect(t[0].dtype == t[1].dtype), (F32, I32),
     r"Square: expected in_types\[0\].dtype == in_types\[1\].dtype, got float32 != int32"),
    # Python turns `2 < x` into `x > 2`.
    (lambda t: type_check.expect(2 < t[0].ndim), (F32,),
     r"Square: expected in_types\[0\].ndim > 2, got 2"),
    (lambda t: type_check.expect(t[0].ndim < 2), (F32,),
     r"Square: expected in_types\[0\].ndim < 2, got 2"),
    (lambda t: type_check.expect(t[0].ndim != 2), (F32,),
     r"Square: expected in_types\[0\].ndim != 2, got 2"),
    (lambda t: type_check.expect(t[0].ndim >= 3), (F32,),
     r"Square: expected in_types\[0\].ndim >= 3, got 2"),
])
def test_type_check_messages(check, arrays, message):
    with pytest.raises(type_check.InvalidType, match=message):
        _apply(check, *arrays)


def test_type_check_error_is_a_type_error_with_expect_and_actual():
    with pytest.raises(TypeError) as info:
        _apply(lambda t: type_check.expect(t[0].ndim == 3), F32)
    assert info.value.expect == "in_types[0].ndim == 3"
    assert info.value.actual == "2"


def test_type_check_first_false_condition_is_reported_in_order():
    # The ndim check fails first; shape[1] of a 1-d array would raise IndexError.
    def check(t):
        x, = t
        type_check.expect(x.ndim == 2, x.shape[1] == 3)

    with pytest.raises(type_check.InvalidType, match=r"expected in_types\[0\].ndim == 2, got 1"):
        _apply(check, np.zeros(4, np.float32))


def test_type_check_argname_names_the_inputs():
    def check(t):
        type_check.argname(t, ("x", "W"))
        x, w = t
        type_check.expect(x.shape[1] == w.shape[1])

    with pytest.raises(type_check.InvalidType, match=r"Square: expected x.shape\[1\] == W.shape\[1\], got 3 != 2"):
        _apply(check, F32, np.zeros((4, 2), np.float32))
    with pytest.raises(type_check.InvalidType, match=r"Square: expected 2 argument\(s\) \(x, W\), got 1"):
        _apply(check, F32)


def test_type_check_passing_runs_the_check_once():
    node = _apply(lambda t: type_check.expect(t.size() == 1, t[0].dtype == np.float32,
                                              t[0].shape == (2, 3)), F32)
    assert node.calls == 1  # the light pass only


def test_type_check_failing_runs_the_expression_pass():
    with pytest.raises(type_check.InvalidType):
        _apply(lambda t: type_check.expect(t[0].ndim == 5), F32)


def test_type_check_eval_and_make_variable():
    def check(t):
        x, = t
        n = type_check.eval(x.shape[0])
        assert isinstance(n, int)
        limit = type_check.make_variable(1, "max_batch")
        type_check.expect(x.shape[0] <= limit)

    with pytest.raises(type_check.InvalidType, match=r"expected in_types\[0\].shape\[0\] <= max_batch, got 2 > 1"):
        _apply(check, F32)


def test_type_check_plain_bools_and_bool_expressions():
    with pytest.raises(type_check.InvalidType, match=r"Square: expected condition 1 of expect\(\) to hold, got False"):
        _apply(lambda t: type_check.expect(True, False), F32)
    with pytest.raises(type_check.InvalidType, match=r"Square: expected in_types\[0\].ndim & 1, got 0"):
        _apply(lambda t: type_check.expect(t[0].ndim & 1), F32)


def test_type_check_expression_refuses_bool():
    def check(t):
        if t[0].ndim == 2:  # a common mistake: `and`/`if` on an expression
            pass

    # The light pass (plain ints) is fine; force the expression pass with a failure after it.
    def check_then_fail(t):
        check(t)
        type_check.expect(t[0].ndim == 7)

    with pytest.raises(RuntimeError, match="cannot be used as a bool"):
        _apply(check_then_fail, F32)


def test_type_check_broadcast_shapes():
    def check(t):
        type_check.expect_broadcast_shapes(t[0].shape, t[1].shape)

    _apply(check, F32, np.zeros(3, np.float32))
    with pytest.raises(type_check.InvalidType, match=r"Square: expected shapes that broadcast together, "
                                                     r"got in_types\[0\].shape = \(2, 3\), in_types\[1\].shape = \(2,\)"):
        _apply(check, F32, np.zeros(2, np.float32))


def test_type_check_same_types():
    assert type_check.same_types(np.zeros(1), np.ones(2))
    assert type_check.same_types()


def test_type_check_disabled_by_config():
    with kusari.using_config("type_check", False):
        node = _apply(lambda t: type_check.expect(t[0].ndim == 5), F32)
    assert node.calls == 0


def test_type_check_only_on_classes_that_define_it():
    class Sub(Checked):
        pass

    class Plain(FunctionNode):
        def forward(self, inputs):
            return inputs[0],

    assert Sub._user_type_check and Checked._user_type_check
    assert not Plain._user_type_check and not Square._user_type_check


def test_type_check_expressions_render_operators():
    n = type_check.Variable(3, "n")
    m = type_check.Variable(2, "m")
    assert str(n ** m ** 2) == "n ** m ** 2"
    assert str((n ** m) ** 2) == "(n ** m) ** 2"
    assert type_check.eval(n ** m ** 2) == 81
    assert str(n - (n - 1)) == "n - (n - 1)"
    assert str((n - n) - 1) == "n - n - 1"
    assert str(1 + n) == "1 + n"
    assert type_check.eval((7 // n, 7 % n, ~n, +n)) == (2, 1, -4, 3)
    assert str(n.real) == "n.real" and type_check.eval(n.real) == 3
    assert type_check.eval(np.float32 == type_check.Variable(np.dtype(np.float32), "d")) is True
    assert type_check.in_light_mode() is False
    with type_check.light_mode:
        assert type_check.in_light_mode() is True
        assert type_check.prod((2, 3)) == 6
        assert type_check.make_variable(4, "four") == 4
    assert type_check.in_light_mode() is False


# ---- old-style Function ------------------------------------------------------
class OldSquare(kusari.Function):
    def forward_cpu(self, inputs):
        x, = inputs
        return x * x,

    def backward_cpu(self, inputs, grad_outputs):
        x, = inputs
        gy, = grad_outputs
        return 2 * x * gy,


class OldSplit(kusari.Function):
    """Two outputs; keeps output 1 and drops every input."""

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs(())
        self.retain_outputs((1,))
        return x + 1, x * 3

    def backward(self, inputs, grad_outputs):
        self.seen_inputs = inputs
        self.seen_grads = grad_outputs
        self.seen_output_data = self.output_data
        g0, g1 = grad_outputs
        gx = np.zeros_like(self.output_data[1])
        if g0 is not None:
            gx += g0
        if g1 is not None:
            gx += 3 * g1
        return gx,


def test_old_style_function_forward_backward_cpu():
    x = _v([1.0, -2.0])
    f = OldSquare()
    y = f(x)
    assert isinstance(y, Variable)
    np.testing.assert_array_equal(y.array, [1.0, 4.0])
    assert y.creator is f
    assert isinstance(y.creator_node, kusari.function.FunctionAdapter)
    assert y.creator_node.function is f
    assert f.label == "OldSquare" and f.rank == 0
    assert f.inputs[0] is x.node and f.outputs[0]() is y.node
    assert f.node is y.creator_node
    y.grad = np.ones(2, np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])


def test_old_style_function_chains_with_new_style():
    x = _v([3.0])
    y = F.sum(OldSquare()(x * 2))
    y.backward()
    np.testing.assert_array_equal(x.grad, [24.0])  # d/dx (2x)^2


def test_old_style_function_multiple_outputs_and_retention():
    x = _v([1.0, 2.0])
    f = OldSplit()
    a, b = f(x)
    np.testing.assert_array_equal(f.output_data[1], [3.0, 6.0])
    assert f.output_data[0] is None
    assert x.node.data is None  # retain_inputs(()) kept nothing
    F.sum(a).backward()
    assert f.seen_inputs == (None,)
    assert f.seen_grads[1] is None  # b got no gradient
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_old_style_backward_sees_the_same_input_as_a_function_node():
    # After `x.array = ...` both kinds of function differentiate at the new value.
    x = _v([2.0])
    y_old = OldSquare()(x)
    y_new, = Square().apply((x,))
    x.array = np.array([5.0], np.float32)
    kusari.backward([y_old, y_new])
    np.testing.assert_array_equal(x.grad, [20.0])


def test_old_style_retained_input_survives_dropping_the_input():
    class Recording(OldSquare):
        def backward_cpu(self, inputs, grad_outputs):
            self.seen = inputs[0].copy()
            return super().backward_cpu(inputs, grad_outputs)

    f = Recording()
    y = f(_v([3.0]))  # nobody holds the input Variable
    gc.collect()
    y.backward()
    np.testing.assert_array_equal(f.seen, [3.0])


def test_old_style_function_with_raw_array_inputs():
    w = OldSplit()(np.array([1.0], np.float32))
    assert isinstance(w, tuple) and len(w) == 2
    assert w[0].creator is None and w[0].requires_grad is False


def test_old_style_default_backward_gives_no_gradient():
    class NoGrad(kusari.Function):
        def forward_cpu(self, inputs):
            return inputs[0] * 2,

    x = _v([1.0])
    y = NoGrad()(x)
    y.backward()
    assert x.grad is None


def test_old_style_forward_gpu_missing_message():
    class CpuOnly(kusari.Function):
        pass

    with pytest.raises(NotImplementedError, match="CpuOnly implements neither forward nor forward_cpu"):
        CpuOnly()(_v([1.0]))
    with pytest.raises(NotImplementedError, match="CpuOnly implements neither forward nor forward_gpu"):
        CpuOnly().forward_gpu(())


def test_old_style_wrong_gradient_shape_dtype_and_count():
    class BadShape(OldSquare):
        def backward_cpu(self, inputs, grad_outputs):
            return np.zeros(5, np.float32),

    class BadDtype(OldSquare):
        def backward_cpu(self, inputs, grad_outputs):
            return inputs[0].astype(np.float64),

    class BadCount(OldSquare):
        def backward_cpu(self, inputs, grad_outputs):
            return inputs[0], inputs[0]

    class NotArray(OldSquare):
        def backward_cpu(self, inputs, grad_outputs):
            return "grad",

    cases = [
        (BadShape, ValueError, r"BadShape.backward: gradient 0 expected shape \(2,\) and dtype float32 "
                               r"\(the input's\), got shape \(5,\) and dtype float32"),
        (BadDtype, TypeError, r"BadDtype.backward: gradient 0 expected shape \(2,\) and dtype float32 "
                              r"\(the input's\), got shape \(2,\) and dtype float64"),
        (BadCount, ValueError, r"BadCount.backward must return a tuple with one gradient \(or None\) per "
                               r"input: expected 1, got 2 gradients"),
        (NotArray, TypeError, r"NotArray.backward: gradient 0 expected an array, got str"),
    ]
    for cls, error, message in cases:
        y = cls()(_v([1.0, 2.0]))
        y.grad = np.ones(2, np.float32)
        with pytest.raises(error, match=message):
            y.backward()


def test_old_style_function_forward_must_return_tuple():
    class NotTuple(kusari.Function):
        def forward(self, inputs):
            return inputs[0]

    with pytest.raises(TypeError, match="NotTuple.forward must return a tuple of arrays, got ndarray"):
        NotTuple()(_v([1.0]))


def test_old_style_check_type_forward():
    class Typed(OldSquare):
        def check_type_forward(self, in_types):
            x_type, = in_types
            type_check.expect(x_type.dtype == np.float32, x_type.ndim == 1)

    assert Typed._defines_type_check and not OldSquare._defines_type_check
    Typed()(_v([1.0]))
    with pytest.raises(type_check.InvalidType, match=r"Typed: expected in_types\[0\].ndim == 1, got 2"):
        Typed()(_v([[1.0]]))
    with pytest.raises(type_check.InvalidType, match=r"Typed: expected in_types\[0\].dtype == float32, got float64"):
        Typed()(_v([1.0], np.float64))


def test_old_style_is_once_differentiable():
    x = _v([3.0])
    y = OldSquare()(x)
    gx, = kusari.grad([y], [x], enable_double_backprop=True)
    np.testing.assert_array_equal(gx.array, [6.0])
    with pytest.raises(RuntimeError, match="cannot differentiate the old-style Function OldSquare twice"):
        gx.backward()
    # Without double backprop the gradient is a plain array holder.
    gx2, = kusari.grad([OldSquare()(x)], [x])
    assert gx2.creator is None


def test_calling_a_function_twice_keeps_both_graphs():
    f = OldSquare()
    x1, x2 = _v([1.0]), _v([2.0])
    y1 = f(x1)
    y2 = f(x2)
    assert y1.creator_node is not y2.creator_node
    assert y1.creator is f and y2.creator is f
    assert f.inputs[0] is x2.node  # the latest call
    y1.backward()
    y2.backward()
    np.testing.assert_array_equal(x1.grad, [2.0])
    np.testing.assert_array_equal(x2.grad, [4.0])


def test_function_and_graph_are_freed_without_gc():
    gc.disable()
    try:
        f = OldSquare()
        fref = weakref.ref(f)
        y = f(_v([1.0]))
        nref = weakref.ref(y.creator_node)
        del f
        assert fref() is not None  # the graph owns the Function now
        del y
        assert fref() is None and nref() is None  # no reference cycle
    finally:
        gc.enable()


def test_function_node_before_call_is_stable():
    f = OldSquare()
    node = f.node
    assert f.node is node and node.function is f
    y = f(_v([2.0]))
    assert y.creator_node is node


def test_retain_outputs_after_backward_flag_is_deprecated():
    class Old(kusari.Function):
        def forward(self, inputs):
            self.retain_outputs((0,), retain_after_backward=True)
            return inputs[0] * 1,

    with pytest.warns(DeprecationWarning, match="retain_after_backward"):
        Old()(_v([1.0]))


def test_output_data_without_retain_outputs():
    f = OldSquare()
    f(_v([1.0]))
    with pytest.raises(RuntimeError, match="OldSquare: retain_outputs\\(\\) was not called in forward"):
        _ = f.output_data


def test_function_unchain():
    f = OldSquare()
    y = f(_v([1.0]))
    f.unchain()
    assert y.creator is None


def test_function_adapter_name_is_exported():
    assert kusari.function.FunctionAdapter.__name__ == "FunctionAdapter"
    assert issubclass(kusari.function.FunctionAdapter, FunctionNode)
    from kusari import Function

    assert Function is kusari.function.Function


@given(kst.arrays(shape=kst.shapes(max_dims=3, max_side=4), lo=-2, hi=2))
def test_old_style_gradient_matches_numerical(x):
    kusari.testing.check_backward(lambda v: OldSquare()(v), x, np.ones_like(x))
