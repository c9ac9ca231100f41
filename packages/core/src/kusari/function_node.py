"""``FunctionNode``: one differentiable operation in the graph.

Write a function by subclassing::

    class Square(FunctionNode):
        def forward(self, inputs):           # raw arrays in, tuple of arrays out
            x, = inputs
            self.retain_inputs((0,))         # backward will need x
            return x * x,

        def backward(self, indexes, grad_outputs):   # Variables in and out
            x, = self.get_retained_inputs()
            gy, = grad_outputs
            return 2 * x * gy,               # built from differentiable ops

    y, = Square().apply((x,))

Because ``backward`` is written with Variables and other FunctionNodes, the
gradient is itself differentiable (double backprop) at no extra cost.
"""
from __future__ import annotations

import traceback
import weakref

import numpy

from kusari import _config
from kusari import function_hook as _function_hook
from kusari.variable import Variable, VariableNode

_config_obj = _config.config
_ndarray = numpy.ndarray
_from_array = Variable._from_array
_new_node = VariableNode.__new__
_object_new = object.__new__


# True while any function hook is registered anywhere (a thread's or a
# node's); kusari.function_hook keeps it in sync.  A module global: the
# cheapest test for apply() to make when, as usual, there is none.
_hooks_in_use = False

_weakref = weakref.ref
_dead_ref = weakref.ref(type("_Gone", (), {})())  # a reference whose target is gone


def _constant_node(array):
    """The node of a raw array input: no Variable behind it, never requires grad."""
    node = _new_node(VariableNode)
    node._variable = _dead_ref
    node.creator_node = None
    node.data = None
    node.name = None
    node.rank = 0
    node.requires_grad = False
    node.dtype = getattr(array, "dtype", None)
    node.shape = getattr(array, "shape", None)
    return node


from kusari.variable import _wrap as _new_variable  # noqa: E402


class FunctionNode:
    """Base class of differentiable operations (Chainer v3+ semantics).

    Attributes:
        inputs: tuple of input ``VariableNode`` objects (set by ``apply`` when
            the graph is recorded).
        outputs: tuple of weak references to the output ``VariableNode`` objects.
        rank: the largest rank of the inputs; backward visits higher ranks first.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import FunctionNode
        >>> class Square(FunctionNode):
        ...     def forward(self, inputs):
        ...         self.retain_inputs((0,))
        ...         return inputs[0] ** 2,
        ...     def backward(self, indexes, grad_outputs):
        ...         x, = self.get_retained_inputs()
        ...         return 2 * x * grad_outputs[0],
        >>> x = kusari.Variable(np.array([3.0], np.float32))
        >>> y, = Square().apply((x,))
        >>> y.backward(); x.grad
        array([6.], dtype=float32)
    """

    inputs = None
    outputs = None
    rank = 0
    stack = None
    lazy_grad_sum = False
    _input_indexes_to_retain = None
    _output_indexes_to_retain = None
    _retained_output_data = None
    _user_type_check = False
    _local_function_hooks = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Only classes that define Chainer's check_type_forward pay for it.
        cls._user_type_check = any("check_type_forward" in vars(k) for k in cls.__mro__[:-2]
                                   if k is not FunctionNode)

    # ---- identity ----------------------------------------------------------
    @property
    def label(self) -> str:
        """The name shown in graph drawings (the class name by default)."""
        return type(self).__name__

    @property
    def _impl_name(self) -> str:
        # The implementation's name (what TimerHook reports), whatever the label.
        return type(self).__name__

    @property
    def output_data(self):
        """One entry per output: the retained array, None where not retained (Chainer's layout)."""
        data = self._retained_output_data
        if data is None:
            raise RuntimeError(f"{self.label}: retain_outputs() was not called in forward")
        out = [None] * len(self.outputs)
        for i, array in zip(self._output_indexes_to_retain, data, strict=True):
            out[i] = array
        return tuple(out)

    # ---- running -----------------------------------------------------------
    def apply(self, inputs):
        """Run forward on Variables or arrays and record the graph.

        Returns a tuple of output Variables.  The graph is recorded only when
        ``config.enable_backprop`` is on and some input requires a gradient.
        """
        # This is the per-operation hot path: one pass over the inputs, plain
        # attribute reads, no generators.
        cfg = _config_obj
        if len(inputs) == 1:
            x = inputs[0]
            if isinstance(x, Variable):
                in_data = (x._data,)
                requires_grad = x._requires_grad
            else:
                in_data = (x,)
                requires_grad = False
        else:
            in_data = []
            requires_grad = False
            for x in inputs:
                if isinstance(x, Variable):
                    in_data.append(x._data)
                    if x._requires_grad:
                        requires_grad = True
                else:
                    in_data.append(x)
            in_data = tuple(in_data)
        if self._user_type_check and cfg.type_check:
            from kusari.utils import type_check

            type_check.run_check_type_forward(self, in_data)

        if _hooks_in_use:
            outputs = _function_hook._forward_with_hooks(self, in_data)
        else:
            outputs = self.forward(in_data)
        if type(outputs) is not tuple:
            raise TypeError(
                f"{self.label}.forward must return a tuple of arrays, got {type(outputs).__name__}"
            )
        for y in outputs:
            if type(y) is not _ndarray:
                outputs = tuple([_as_output_array(y, self) for y in outputs])
                break
        if cfg.debug:
            self.stack = traceback.extract_stack()
            _check_nan_in(self.label, "forward", outputs)

        if requires_grad and cfg.enable_backprop:
            return self._record(inputs, in_data, outputs)
        # No graph: this node is dropped, and with it whatever forward retained.
        if len(outputs) == 1:
            return (_new_variable(outputs[0], requires_grad),)
        return tuple([_new_variable(y, requires_grad) for y in outputs])

    def _record(self, inputs, in_data, outputs):
        # Runs once per recorded operation: plain slot writes, no properties.
        nodes = []
        rank = 0
        for x in inputs:
            if isinstance(x, Variable):
                node = x._node
                if node is None:
                    node = x._node = VariableNode(x)
            else:
                node = _constant_node(x)
            if node.rank > rank:
                rank = node.rank
            nodes.append(node)
        self.rank = rank
        self.inputs = tuple(nodes)
        out_rank = rank + 1
        ret = []
        refs = []
        for y in outputs:
            v = _object_new(Variable)
            v._data = y
            v._grad_var = None
            v._requires_grad = True
            node = _new_node(VariableNode)
            node._variable = _weakref(v)
            node.creator_node = self
            node.data = None
            node.name = None
            node.rank = out_rank
            node.requires_grad = True
            node.dtype = y.dtype
            node.shape = y.shape
            v._node = node
            ret.append(v)
            refs.append(_weakref(node))
        self.outputs = tuple(refs)
        ret = tuple(ret)

        retain = self._input_indexes_to_retain
        if retain is not None:
            for i in retain:
                nodes[i].data = in_data[i]
        retain = self._output_indexes_to_retain
        if retain is not None:
            if len(retain) == len(outputs) == 1:
                # The usual retain_outputs((0,)) of a one-output function
                # (ReLU): ``outputs`` is already the tuple to keep.
                self._retained_output_data = outputs
                ret[0]._node.data = outputs[0]
            else:
                self._retained_output_data = tuple([outputs[i] for i in retain])
                for i in retain:
                    ret[i]._node.data = outputs[i]
        return ret

    def forward(self, inputs):
        """Compute outputs from raw arrays; dispatches to ``forward_cpu``/``forward_gpu``."""
        if type(inputs[0]) is _ndarray if inputs else True:
            return self.forward_cpu(inputs)
        return self.forward_gpu(inputs)

    def forward_cpu(self, inputs):
        raise NotImplementedError(f"{self.label} implements neither forward nor forward_cpu")

    def forward_gpu(self, inputs):
        raise NotImplementedError(f"{self.label} implements neither forward nor forward_gpu")

    def backward(self, target_input_indexes, grad_outputs):
        """Return gradients (Variables or None) for the inputs.

        Either one entry per input or one per index in ``target_input_indexes``.
        ``grad_outputs`` holds a Variable or None per output.
        """
        raise NotImplementedError(f"{self.label} does not implement backward")

    def check_type_forward(self, in_types):
        """Chainer's input check; override it to validate with ``type_check.expect``."""

    # ---- hooks -------------------------------------------------------------
    @property
    def local_function_hooks(self):
        """This node's own function hooks, an ordered dict ``name -> hook``.

        They run after the thread's global hooks (:func:`kusari.get_function_hooks`);
        one with the same name as a global hook replaces it for this node.
        """
        hooks = self._local_function_hooks
        if hooks is None:
            hooks = self._local_function_hooks = _function_hook._NodeHooks()
        return hooks

    def add_hook(self, hook, name=None) -> None:
        """Register a :class:`kusari.FunctionHook` on this node only.

        ``name`` defaults to ``hook.name``; it must be unique among this node's
        hooks (``KeyError`` otherwise).  Calls ``hook.added(self)``.

        Example:
            >>> import numpy as np, kusari
            >>> from kusari.function_hooks import TimerHook
            >>> f = kusari.functions.math.basic_math.Mul()
            >>> f.add_hook(TimerHook())
            >>> y, = f.apply((np.ones(2, np.float32), np.ones(2, np.float32)))
            >>> [name for name, _ in f.local_function_hooks['TimerHook'].call_history]
            ['Mul']
            >>> f.delete_hook('TimerHook')
        """
        _function_hook._check_hook(f"{type(self).__name__}.add_hook", hook)
        if name is None:
            name = hook.name
        hooks = self.local_function_hooks
        if name in hooks:
            raise KeyError(f"Hook {name} already exists")
        hooks[name] = hook
        hook.added(self)

    def delete_hook(self, name) -> None:
        """Unregister this node's hook ``name`` (``KeyError`` if there is none); calls ``hook.deleted(self)``."""
        hooks = self.local_function_hooks
        if name not in hooks:
            raise KeyError(f"Hook {name} does not exist")
        hooks[name].deleted(self)
        del hooks[name]

    # ---- retention ---------------------------------------------------------
    def retain_inputs(self, indexes) -> None:
        """Keep these inputs' arrays for backward (call from ``forward``)."""
        self._input_indexes_to_retain = indexes

    def retain_outputs(self, indexes) -> None:
        """Keep these outputs' arrays for backward (call from ``forward``)."""
        self._output_indexes_to_retain = indexes

    def get_retained_inputs(self):
        """The retained inputs as Variables (differentiable in double backprop)."""
        indexes = self._input_indexes_to_retain
        if indexes is None:
            return ()
        inputs = self.inputs
        if inputs is None:
            raise RuntimeError(f"{self.label}: the graph was not recorded, nothing is retained")
        return tuple([inputs[i].get_variable() for i in indexes])

    def get_retained_outputs(self):
        """The retained outputs as Variables whose creator is this node."""
        indexes = self._output_indexes_to_retain
        if indexes is None:
            return ()
        ret = []
        outputs = list(self.outputs)
        for i, data in zip(indexes, self._retained_output_data):
            node = outputs[i]()
            if node is None:
                # Nobody holds that output any more: give it a fresh node
                # created by this function so gradients still flow through it.
                var = _from_array(data, True)
                node = var.node
                node.set_creator_node(self)
                node.data = data
                outputs[i] = weakref.ref(node)
                ret.append(var)
            else:
                if node.data is None:
                    node.data = data
                ret.append(node.get_variable())
        self.outputs = tuple(outputs)
        return tuple(ret)

    def unchain(self) -> None:
        """Forget inputs and detach outputs from this node."""
        for ref in self.outputs or ():
            node = ref()
            if node is not None:
                node.creator_node = None
        self.inputs = None


def _as_output_array(y, func):
    if isinstance(y, numpy.generic):
        return numpy.asarray(y)
    if isinstance(y, _ndarray) or y is None:
        return y
    if hasattr(y, "shape") and hasattr(y, "dtype"):
        return y  # another backend's array
    raise TypeError(f"{func.label}.forward returned {type(y).__name__}; expected arrays")


def _check_nan_in(label, phase, arrays):
    for a in arrays:
        if a is None:
            continue
        xp = numpy if isinstance(a, _ndarray) else __import__("kusari.backend", fromlist=["x"]).get_array_module(a)
        if a.dtype.kind == "f" and bool(xp.isnan(a).any()):
            raise RuntimeError(f"NaN detected in the {phase} of {label} (debug mode)")
