"""Old-style ``Function`` (Chainer v1 style): forward and backward on arrays.

New code should subclass :class:`kusari.FunctionNode`.  ``Function`` is kept
so Chainer v1/v2 code runs unchanged::

    class Square(kusari.Function):
        def forward_cpu(self, inputs):       # arrays in, tuple of arrays out
            x, = inputs
            return x * x,

        def backward_cpu(self, inputs, grad_outputs):   # arrays again
            x, = inputs
            gy, = grad_outputs
            return 2 * x * gy,

    y = Square()(x)

Each call wraps the Function in a :class:`FunctionAdapter` (a FunctionNode)
that is what the graph records.  Its backward runs on arrays, so it cannot
be differentiated again: a double backprop through it raises an error naming
the Function.

Ownership follows Chainer: before a call the Function owns its adapter;
once applied, the graph owns the adapter, the adapter owns the Function, and
the Function refers back weakly, so no reference cycle keeps a graph alive.
"""
from __future__ import annotations

import warnings
import weakref

import numpy

from kusari import _config
from kusari.function_node import FunctionNode
from kusari.variable import Variable

_ndarray = numpy.ndarray
_from_array = Variable._from_array


def _all_numpy(arrays) -> bool:
    return all(a is None or isinstance(a, (_ndarray, numpy.generic)) for a in arrays)


class FunctionAdapter(FunctionNode):
    """The FunctionNode that stands for an old-style :class:`Function` in the graph.

    ``creator`` of an output Variable unwraps it and returns the Function.

    Example:
        >>> import numpy as np, kusari
        >>> class Double(kusari.Function):
        ...     def forward(self, inputs):
        ...         return inputs[0] * 2,
        ...     def backward(self, inputs, grad_outputs):
        ...         return grad_outputs[0] * 2,
        >>> f = Double()
        >>> y = f(kusari.Variable(np.ones(2, np.float32)))
        >>> type(y.creator_node).__name__, y.creator is f
        ('FunctionAdapter', True)
    """

    _function = None
    _weak_function = None

    def __init__(self, function: "Function"):
        super().__init__()
        # Until it is applied the Function owns this adapter: refer back weakly.
        self._weak_function = weakref.ref(function)
        # Only Functions that define check_type_forward pay for it.
        self._user_type_check = type(function)._defines_type_check

    @property
    def function(self) -> "Function":
        """The wrapped :class:`Function`."""
        func = self._function
        if func is None and self._weak_function is not None:
            func = self._weak_function()
        return func

    @property
    def label(self) -> str:
        return self.function.label

    @property
    def _impl_name(self) -> str:
        # Function hooks (TimerHook) report the user's Function class.
        return type(self.function).__name__

    def check_type_forward(self, in_types):
        self.function.check_type_forward(in_types)

    def forward(self, inputs):
        # Old-style functions keep every input unless forward says otherwise.
        self.retain_inputs(tuple(range(len(inputs))))
        return self.function.forward(inputs)

    def backward(self, target_input_indexes, grad_outputs):
        func = self.function
        in_nodes = self.inputs
        in_data = [None] * len(in_nodes)
        for i in self._input_indexes_to_retain or ():
            # The live Variable's array if any (what get_retained_inputs gives
            # a FunctionNode, also after ``x.array = ...``), else the retained one.
            node = in_nodes[i]
            var = node.get_variable_or_none()
            in_data[i] = node.data if var is None else var._data
        grad_data = tuple([None if g is None else g._data for g in grad_outputs])
        gxs = func.backward(tuple(in_data), grad_data)
        label = func.label
        if not isinstance(gxs, (tuple, list)) or len(gxs) != len(in_nodes):
            got = f"{len(gxs)} gradients" if isinstance(gxs, (tuple, list)) else type(gxs).__name__
            raise ValueError(
                f"{label}.backward must return a tuple with one gradient (or None) per input: "
                f"expected {len(in_nodes)}, got {got}")
        double = _config.config.enable_backprop
        ret = []
        for i in target_input_indexes:
            gx = gxs[i]
            if gx is None:
                ret.append(None)
                continue
            gx = _check_grad(label, i, gx, in_nodes[i])
            if double:
                # The gradient was computed on arrays, so it does not depend on
                # anything in the graph; record a node whose backward says so
                # instead of silently giving a wrong (zero) second derivative.
                deps = [n.get_variable() for n in in_nodes if n.requires_grad]
                deps += [g for g in grad_outputs if g is not None]
                gx, = _OnceDifferentiable(label).apply([gx] + deps)
            else:
                gx = _from_array(gx, False)
            ret.append(gx)
        return tuple(ret)


def _check_grad(label: str, index: int, gx, node):
    if isinstance(gx, numpy.generic):
        gx = numpy.asarray(gx)
    shape = getattr(gx, "shape", None)
    dtype = getattr(gx, "dtype", None)
    if shape is None or dtype is None:
        raise TypeError(
            f"{label}.backward: gradient {index} expected an array, got {type(gx).__name__}")
    if shape != node.shape or dtype != node.dtype:
        error = ValueError if shape != node.shape else TypeError
        raise error(
            f"{label}.backward: gradient {index} expected shape {node.shape} and dtype "
            f"{node.dtype} (the input's), got shape {shape} and dtype {dtype}")
    return gx


class _OnceDifferentiable(FunctionNode):
    """Carries an old-style gradient in a double-backprop graph; differentiating it raises."""

    def __init__(self, label):
        self.function_label = label

    def forward(self, inputs):
        return inputs[0],

    def backward(self, indexes, grad_outputs):
        raise RuntimeError(
            f"cannot differentiate the old-style Function {self.function_label} twice: its "
            f"backward works on arrays; rewrite it as a FunctionNode for double backprop")


class Function:
    """Old-style differentiable function: ``forward``/``backward`` on arrays.

    Override ``forward`` (or ``forward_cpu``/``forward_gpu``) and ``backward``
    (or ``backward_cpu``/``backward_gpu``); each returns a tuple.  ``backward``
    gets the inputs (those not retained are None) and the output gradients
    (None where an output got no gradient) and returns one gradient or None
    per input.  All inputs are retained unless ``forward`` calls
    :meth:`retain_inputs`; outputs needed by backward are kept with
    :meth:`retain_outputs` and read from :attr:`output_data`.

    Calling the function returns one Variable, or a tuple when it has
    several outputs.

    Example:
        >>> import numpy as np, kusari
        >>> class MulAdd(kusari.Function):
        ...     def forward_cpu(self, inputs):
        ...         x, y, z = inputs
        ...         return x * y + z,
        ...     def backward_cpu(self, inputs, grad_outputs):
        ...         x, y, z = inputs
        ...         gw, = grad_outputs
        ...         return y * gw, x * gw, gw
        >>> x = kusari.Variable(np.array([2.0], np.float32))
        >>> y = kusari.Variable(np.array([3.0], np.float32))
        >>> w = MulAdd()(x, y, np.array([1.0], np.float32))
        >>> w.array
        array([7.], dtype=float32)
        >>> w.backward(); x.grad, y.grad
        (array([3.], dtype=float32), array([2.], dtype=float32))
    """

    _defines_type_check = False
    _node_ref = None
    _owned_node = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._defines_type_check = any(
            "check_type_forward" in vars(k) for k in cls.__mro__ if k is not Function and k is not object)

    def __call__(self, *inputs):
        node = self._current_node()
        if node is None or node.inputs is not None:
            # A second call gets its own node so the first graph stays intact;
            # hooks added with add_hook stay with the Function.
            previous = node
            node = FunctionAdapter(self)
            if previous is not None and previous._local_function_hooks:
                node.local_function_hooks.update(previous._local_function_hooks)
        node._function = self
        node._weak_function = None
        self._node_ref = weakref.ref(node)
        self._owned_node = None
        outputs = node.apply(inputs)
        return outputs[0] if len(outputs) == 1 else outputs

    def _current_node(self):
        ref = self._node_ref
        node = None if ref is None else ref()
        return node if node is not None else self._owned_node

    @property
    def node(self) -> FunctionAdapter:
        """The :class:`FunctionAdapter` of the latest call (created if there is none)."""
        node = self._current_node()
        if node is None:
            node = self._owned_node = FunctionAdapter(self)
        return node

    @property
    def inputs(self):
        """The input VariableNodes of the latest call."""
        return self.node.inputs

    @property
    def outputs(self):
        """Weak references to the output VariableNodes of the latest call."""
        return self.node.outputs

    @property
    def rank(self) -> int:
        return self.node.rank

    @property
    def stack(self):
        return self.node.stack

    @property
    def label(self) -> str:
        """The name used in messages and graph drawings (the class name)."""
        return type(self).__name__

    @property
    def output_data(self):
        """One entry per output: the retained array, or None where not retained."""
        node = self.node
        indexes = node._output_indexes_to_retain
        data = node._retained_output_data
        if indexes is None or data is None:
            raise RuntimeError(f"{self.label}: retain_outputs() was not called in forward")
        out = [None] * len(node.outputs)
        for i, array in zip(indexes, data, strict=True):
            out[i] = array
        return tuple(out)

    @property
    def local_function_hooks(self):
        """The function hooks registered on this Function (see :meth:`FunctionNode.local_function_hooks`)."""
        return self.node.local_function_hooks

    def add_hook(self, hook, name=None) -> None:
        """Register a :class:`kusari.FunctionHook` on this Function only (see :meth:`FunctionNode.add_hook`).

        Example:
            >>> import numpy as np, kusari
            >>> from kusari.function_hooks import TimerHook
            >>> class Double(kusari.Function):
            ...     def forward(self, inputs):
            ...         return inputs[0] * 2,
            >>> f = Double()
            >>> hook = TimerHook()
            >>> f.add_hook(hook)
            >>> _ = f(np.ones(2, np.float32))
            >>> [name for name, _ in hook.call_history]
            ['Double']
        """
        self.node.add_hook(hook, name)

    def delete_hook(self, name) -> None:
        """Unregister this Function's hook ``name`` (see :meth:`FunctionNode.delete_hook`)."""
        self.node.delete_hook(name)

    def check_type_forward(self, in_types):
        """Validate the inputs with :mod:`kusari.utils.type_check` (nothing by default)."""

    def forward(self, inputs):
        """Outputs from input arrays; dispatches to ``forward_cpu`` or ``forward_gpu``."""
        if _all_numpy(inputs):
            return self.forward_cpu(inputs)
        return self.forward_gpu(inputs)

    def forward_cpu(self, inputs):
        raise NotImplementedError(f"{self.label} implements neither forward nor forward_cpu")

    def forward_gpu(self, inputs):
        raise NotImplementedError(f"{self.label} implements neither forward nor forward_gpu")

    def backward(self, inputs, grad_outputs):
        """Input gradients from arrays; dispatches to ``backward_cpu`` or ``backward_gpu``."""
        if _all_numpy(inputs) and _all_numpy(grad_outputs):
            return self.backward_cpu(inputs, grad_outputs)
        return self.backward_gpu(inputs, grad_outputs)

    def backward_cpu(self, inputs, grad_outputs):
        """Not differentiable by default: None for every input."""
        return tuple(None for _ in inputs)

    def backward_gpu(self, inputs, grad_outputs):
        """Not differentiable by default: None for every input."""
        return tuple(None for _ in inputs)

    def retain_inputs(self, indexes) -> None:
        """Keep only these inputs for backward (call from ``forward``; default: all)."""
        self.node.retain_inputs(tuple(indexes))

    def retain_outputs(self, indexes, retain_after_backward=False) -> None:
        """Keep these outputs for backward, in :attr:`output_data` (call from ``forward``)."""
        if retain_after_backward:
            warnings.warn("retain_after_backward has no effect", DeprecationWarning, stacklevel=2)
        self.node.retain_outputs(tuple(indexes))

    def unchain(self) -> None:
        """Detach the latest call's node from the graph."""
        self.node.unchain()
