"""``Variable``, ``Parameter`` and the graph's ``VariableNode``.

A ``Variable`` is what user code holds: an array, its gradient and a handle on
the graph.  The graph itself is made of ``VariableNode`` and ``FunctionNode``
objects; a node refers to its ``Variable`` only weakly, so dropping the last
user reference to an intermediate ``Variable`` frees its array even while the
graph is alive (backward re-reads only the arrays a function *retained*).

Per-operation cost matters here (three tiny ``Linear`` layers must run in
well under 150 µs), so ``Variable`` uses ``__slots__``, creates its node only
when it enters a recorded graph, and the operators are installed by
``kusari.functions.math.basic_math``.
"""
from __future__ import annotations

import weakref

import numpy

from kusari import _config
from kusari.utils.type_check import InvalidType

_config_obj = _config.config
_ndarray = numpy.ndarray


class VariableNode:
    """The graph-side half of a ``Variable``.

    Holds the creator function, the rank (its depth in the graph) and, when a
    function asked to retain it, the array.  Chainer's public attributes are
    kept: ``creator``, ``creator_node``, ``data``, ``rank``, ``requires_grad``,
    ``name``, ``label``, ``get_variable()``, ``get_variable_or_none()``.
    """

    __slots__ = ("_variable", "creator_node", "data", "name", "rank",
                 "requires_grad", "dtype", "shape", "__weakref__")

    def __init__(self, variable, name=None):
        self._variable = weakref.ref(variable)
        self.creator_node = None
        self.data = None
        self.name = name
        self.rank = 0
        self.requires_grad = variable._requires_grad
        arr = variable._data
        if arr is None:
            self.dtype = self.shape = None
        else:
            self.dtype = arr.dtype
            self.shape = arr.shape

    @property
    def creator(self):
        """The creator as a FunctionNode (old-style Functions unwrap to their Function)."""
        node = self.creator_node
        if node is None:
            return None
        return getattr(node, "_function", node)

    @creator.setter
    def creator(self, func):
        self.set_creator(func)

    def set_creator(self, creator) -> None:
        self.set_creator_node(getattr(creator, "node", creator))

    def set_creator_node(self, creator_node) -> None:
        self.creator_node = creator_node
        self.rank = creator_node.rank + 1

    @property
    def grad(self):
        var = self.get_variable_or_none()
        return None if var is None else var.grad

    @property
    def grad_var(self):
        var = self.get_variable_or_none()
        return None if var is None else var._grad_var

    @property
    def label(self) -> str:
        """A short text for graph drawings: shape and dtype."""
        if self.shape is None:
            return "None"
        if self.shape == ():
            return str(self.dtype)
        return f"({', '.join(map(str, self.shape))}), {self.dtype}"

    def get_variable_or_none(self):
        return self._variable()

    def get_variable(self):
        """The user's Variable if alive, else a new one over the retained array."""
        var = self._variable()
        if var is not None:
            return var
        var = Variable._from_array(self.data, self.requires_grad)
        var._node = self
        self._variable = weakref.ref(var)
        return var

    def retain_data(self) -> None:
        var = self._variable()
        if var is None:
            raise RuntimeError("cannot retain the data of a variable that no longer exists")
        self.data = var._data

    def unchain(self) -> None:
        self.creator_node = None

    def _set_data_type(self, arr) -> None:
        if arr is None:
            self.dtype = self.shape = None
        else:
            self.dtype = arr.dtype
            self.shape = arr.shape


def _check_array(arr, what: str):
    if arr is None or type(arr) is _ndarray:
        return
    from kusari import backend

    if not backend.is_array_supported(arr):
        raise TypeError(
            f"{what}: expected numpy.ndarray (or cupy.ndarray with kusari-cuda), "
            f"got {type(arr).__module__}.{type(arr).__qualname__}"
        )


class Variable:
    """An array with a gradient and a place in the computational graph.

    Args:
        data: ``numpy.ndarray`` (or an array of another installed backend), or
            None for a variable to be initialised later.
        name: optional name, used in graph drawings and error messages.
        grad: initial gradient array.
        requires_grad: whether ``backward`` computes a gradient for it.

    Example:
        >>> import numpy as np, kusari
        >>> x = kusari.Variable(np.array([5], dtype=np.float32))
        >>> y = x ** 2 - 2 * x + 1
        >>> y.array
        array([16.], dtype=float32)
        >>> y.backward()
        >>> x.grad
        array([8.], dtype=float32)
    """

    __slots__ = ("_data", "_node", "_grad_var", "_requires_grad", "__weakref__")

    # A reflected numpy operator (ndarray + Variable) must defer to Variable.
    __array_priority__ = 200
    __array_ufunc__ = None

    def __init__(self, data=None, *, name=None, grad=None, requires_grad=True):
        _check_array(data, "Variable")
        self._data = data
        self._node = None
        self._grad_var = None
        self._requires_grad = requires_grad
        if name is not None:
            self.node.name = name
        if grad is not None:
            self.grad = grad

    @classmethod
    def _from_array(cls, data, requires_grad):
        # The hot path for function outputs: no validation, no node.
        v = object.__new__(cls) if cls is Variable else cls.__new__(cls)
        v._data = data
        v._node = None
        v._grad_var = None
        v._requires_grad = requires_grad
        return v

    # ---- the array ---------------------------------------------------------
    @property
    def array(self):
        """The underlying array."""
        return self._data

    @array.setter
    def array(self, value):
        if type(value) is not _ndarray:  # the common case skips a call
            _check_array(value, "Variable.array")
        self._data = value
        if self._node is not None:
            self._node._set_data_type(value)

    data = array

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def size(self):
        return self._data.size

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def xp(self):
        """The array module (numpy, cupy) of the data."""
        from kusari import backend

        return backend.get_array_module(self._data)

    @property
    def device(self):
        from kusari import backend

        return backend.get_device_from_array(self._data)

    def __len__(self):
        shape = self._data.shape
        if not shape:
            raise TypeError("len() of a 0-dimensional Variable")
        return shape[0]

    def item(self):
        """The single element as a Python scalar."""
        return self._data.item()

    # ---- graph -------------------------------------------------------------
    @property
    def node(self) -> VariableNode:
        node = self._node
        if node is None:
            node = self._node = VariableNode(self)
        return node

    @property
    def creator(self):
        node = self._node
        return None if node is None else node.creator

    @creator.setter
    def creator(self, func):
        self.node.set_creator(func)

    @property
    def creator_node(self):
        node = self._node
        return None if node is None else node.creator_node

    @creator_node.setter
    def creator_node(self, func):
        self.node.set_creator_node(func)

    def set_creator(self, gen_func) -> None:
        self.node.set_creator(gen_func)

    def set_creator_node(self, fnode) -> None:
        self.node.set_creator_node(fnode)

    @property
    def rank(self) -> int:
        node = self._node
        return 0 if node is None else node.rank

    @property
    def name(self):
        node = self._node
        return None if node is None else node.name

    @name.setter
    def name(self, n):
        self.node.name = n

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if not value and self.creator_node is not None:
            raise ValueError("requires_grad cannot be False on a variable created by a function")
        self._requires_grad = bool(value)
        if self._node is not None:
            self._node.requires_grad = bool(value)

    def retain_data(self) -> None:
        self.node.data = self._data

    def unchain(self) -> None:
        """Cut the link to the creator; this variable becomes a leaf."""
        if self._node is not None:
            self._node.creator_node = None

    def unchain_backward(self) -> None:
        """Cut every link in the graph behind this variable (truncated BPTT).

        Example:
            >>> import numpy as np, kusari
            >>> x = kusari.Variable(np.ones(2, np.float32))
            >>> y = (x * 2) * 3
            >>> y.unchain_backward()
            >>> y.creator is None
            True
        """
        node = self._node
        if node is None:
            return
        stack = [node]
        seen = set()
        while stack:
            n = stack.pop()
            func = n.creator_node
            n.creator_node = None
            if func is None or id(func) in seen:
                continue
            seen.add(id(func))
            stack.extend(i for i in func.inputs if i.creator_node is not None)

    # ---- gradient ----------------------------------------------------------
    @property
    def grad(self):
        g = self._grad_var
        return None if g is None else g._data

    @grad.setter
    def grad(self, g):
        if g is None:
            self._grad_var = None
            return
        self._check_grad(g)
        self._grad_var = Variable._from_array(g, False)

    @property
    def grad_var(self):
        return self._grad_var

    @grad_var.setter
    def grad_var(self, g):
        if g is not None:
            if not isinstance(g, Variable):
                raise TypeError(f"Variable.grad_var: expected a Variable or None, got {type(g).__name__}")
            self._check_grad(g._data)
        self._grad_var = g

    def _check_grad(self, g) -> None:
        data = self._data
        _check_array(g, "Variable.grad")
        if data is None:
            return
        if g.shape != data.shape:
            raise InvalidType(f"Variable.grad: expected shape {data.shape}, got {g.shape}")
        if g.dtype != data.dtype:
            raise InvalidType(f"Variable.grad: expected dtype {data.dtype}, got {g.dtype}")

    def cleargrad(self) -> None:
        """Set the gradient to None (cheaper than ``zerograd``)."""
        self._grad_var = None

    def zerograd(self) -> None:
        """Set the gradient to zeros of the data's shape and dtype."""
        data = self._data
        if data is None:
            return
        g = self._grad_var
        if g is None:
            self._grad_var = Variable._from_array(self.xp.zeros_like(data), False)
        else:
            g._data.fill(0)

    def addgrad(self, var) -> None:
        """Add ``var.grad`` to this variable's gradient (across devices).

        Example:
            >>> import numpy as np, kusari
            >>> a = kusari.Variable(np.zeros(2, np.float32)); a.grad = np.ones(2, np.float32)
            >>> b = kusari.Variable(np.zeros(2, np.float32)); b.grad = np.full(2, 2, np.float32)
            >>> a.addgrad(b); a.grad
            array([3., 3.], dtype=float32)
        """
        src = var._grad_var
        if src is None:
            return
        g = src._data
        from kusari import backend

        dst_device = backend.get_device_from_array(self._data)
        g = dst_device.send(g)
        if self._grad_var is None:
            self._grad_var = Variable._from_array(g.copy(), False)
        else:
            self._grad_var._data += g

    def copydata(self, var) -> None:
        """Copy ``var``'s data into this variable's array, in place, across devices."""
        src = var._data if isinstance(var, Variable) else var
        from kusari import backend

        dst = self._data
        if dst is None:
            self.array = backend.get_device_from_array(src).send(src).copy()
            return
        dst[...] = backend.get_device_from_array(dst).send(src)

    def backward(self, retain_grad: bool = False, enable_double_backprop: bool = False,
                 loss_scale=None) -> None:
        """Run backpropagation from this variable.

        The gradient of a one-element variable defaults to 1; any other must
        have ``grad`` set first.  Gradients of leaf variables accumulate.

        Example:
            >>> import numpy as np, kusari
            >>> x = kusari.Variable(np.array([[1, 2, 3], [4, 5, 6]], np.float32))
            >>> y = x ** 2 - 2 * x + 1
            >>> y.grad = np.ones((2, 3), np.float32)
            >>> y.backward()
            >>> x.grad
            array([[ 0.,  2.,  4.],
                   [ 6.,  8., 10.]], dtype=float32)
        """
        _backprop_backward((self,), None, retain_grad=retain_grad,
                           enable_double_backprop=enable_double_backprop,
                           loss_scale=loss_scale, caller="Variable.backward")

    # ---- shape helpers (differentiable) -----------------------------------
    def reshape(self, *shape):
        """Differentiable reshape; accepts ``reshape(2, 3)`` or ``reshape((2, 3))``."""
        from kusari.functions.array.reshape import reshape

        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return reshape(self, tuple(shape))

    def transpose(self, *axes):
        """Differentiable transpose; no axes reverses them."""
        from kusari.functions.array.transpose import transpose

        if not axes:
            axes = None
        elif len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return transpose(self, axes)

    @property
    def T(self):
        return self.transpose()

    def __getitem__(self, slices):
        from kusari.functions.array.get_item import get_item

        return get_item(self, slices)

    # ---- devices -----------------------------------------------------------
    def to_device(self, device) -> None:
        """Move data and gradient to ``device`` (``'@numpy'``, ``'@cupy:0'``, ...) in place."""
        from kusari import backend

        device = backend.get_device(device)
        if self._data is not None:
            self._data = device.send(self._data)
        g = self._grad_var
        if g is not None:
            g._data = device.send(g._data)
        if self._node is not None and self._node.data is not None:
            self._node.data = self._data

    def to_cpu(self) -> None:
        self.to_device("@numpy")

    def to_gpu(self, device=None) -> None:
        from kusari import cuda

        self.to_device(cuda._gpu_device(device))

    # ---- display -----------------------------------------------------------
    def __repr__(self):
        if self._data is None:
            return "variable(None)"
        text = numpy.array2string(numpy.asarray(_to_host(self._data)), separator=", ", prefix="variable(")
        name = self.name
        return f"variable {name}({text})" if name else f"variable({text})"

    def __str__(self):
        if self._data is None:
            return "variable(None)"
        return f"variable({numpy.array2string(numpy.asarray(_to_host(self._data)))})"

    def summary(self) -> str:
        return f"name={self.name!r} shape={None if self._data is None else self.shape} dtype={None if self._data is None else self.dtype}"

    def debug_print(self) -> str:
        lines = [repr(self), self.summary()]
        data = self._data
        if data is not None and data.size:
            host = numpy.asarray(_to_host(data))
            lines.append(f"statistics: mean={host.mean():.8g} std={host.std():.8g}")
        lines.append(f"grad: {'None' if self._grad_var is None else 'set'}")
        return "\n".join(lines)

    # ---- comparisons return arrays (Chainer raised here) -------------------
    __hash__ = object.__hash__

    def __lt__(self, other):
        return self._data < _as_data(other)

    def __le__(self, other):
        return self._data <= _as_data(other)

    def __gt__(self, other):
        return self._data > _as_data(other)

    def __ge__(self, other):
        return self._data >= _as_data(other)

    def __eq__(self, other):
        return self._data == _as_data(other)

    def __ne__(self, other):
        return self._data != _as_data(other)

    def __pos__(self):
        return self

    def __reduce__(self):
        # Copies and pickles keep data, grad and name, not the graph (as Chainer).
        state = getattr(self, "__dict__", None)
        return (_rebuild_variable, (type(self), self._data, self.grad, self.name,
                                    self._requires_grad, state))


def _rebuild_variable(cls, data, grad, name, requires_grad, state):
    v = cls.__new__(cls)
    Variable.__init__(v, data, name=name, requires_grad=requires_grad)
    if state:
        v.__dict__.update(state)
    if grad is not None:
        v.grad = grad
    return v


def _wrap(data, requires_grad=False):
    """A Variable over ``data`` without ``__init__``'s checks (internal hot paths).

    Cheaper than ``Variable._from_array``: no classmethod binding.
    """
    v = _object_new(Variable)
    v._data = data
    v._node = None
    v._grad_var = None
    v._requires_grad = requires_grad
    return v


_object_new = object.__new__


def _as_data(x):
    return x._data if isinstance(x, Variable) else x


def _to_host(arr):
    if type(arr) is _ndarray:
        return arr
    get = getattr(arr, "get", None)
    return get() if get is not None else arr


def _backprop_backward(*args, **kwargs):
    # Bound on first use: _backprop imports this module.
    global _backprop_backward
    from kusari._backprop import backward as _backprop_backward

    return _backprop_backward(*args, **kwargs)


class Parameter(Variable):
    """A learnable Variable owned by a Link, optionally initialised lazily.

    Args:
        initializer: an array, a scalar, a callable ``init(array)`` from
            ``kusari.initializers``, or None (NaN-filled when shaped).
        shape: give it to initialise now; leave it out to initialise on the
            first ``initialize(shape)`` call (``Linear(None, 3)``).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import initializers
        >>> p = kusari.Parameter(initializers.Constant(0.5), (2,))
        >>> p.array
        array([0.5, 0.5], dtype=float32)
        >>> q = kusari.Parameter(initializers.Zero())
        >>> q.is_initialized
        False
        >>> q.initialize((3,)); q.array
        array([0., 0., 0.], dtype=float32)
    """

    def __init__(self, initializer=None, shape=None, name=None):
        from kusari import initializers

        if isinstance(initializer, Variable):
            initializer = initializer.array
        self._initial_device = None
        if initializer is None or numpy.isscalar(initializer):
            value = numpy.nan if initializer is None else initializer
            initializer = initializers.Constant(value)
        elif not callable(initializer) and hasattr(initializer, "shape"):
            array = initializer
            super().__init__(array, name=name)
            self.initializer = initializers.Constant(array)
            self.update_rule = None
            return
        self.initializer = initializer
        self.update_rule = None
        super().__init__(None, name=name)
        if shape is not None:
            self.initialize(shape)

    @property
    def is_initialized(self) -> bool:
        return self._data is not None

    def initialize(self, shape) -> None:
        """Create the array of ``shape`` with the initializer (and a zero grad holder)."""
        from kusari import initializers

        dtype = getattr(self.initializer, "dtype", None)
        device = self._initial_device
        xp = numpy if device is None else device.xp
        data = initializers.generate_array(self.initializer, shape, xp, dtype=dtype, device=device)
        self.array = data
        self._grad_var = None

    def to_device(self, device) -> None:
        from kusari import backend

        device = backend.get_device(device)
        if self._data is None:
            self._initial_device = device
        super().to_device(device)
        rule = self.__dict__.get("update_rule")
        if rule is not None and hasattr(rule, "_to_device"):
            rule._to_device(device)

    def cleargrad(self) -> None:
        self._grad_var = None

    def zerograd(self) -> None:
        if self._data is None:
            return
        super().zerograd()

    def update(self) -> None:
        """Apply this parameter's update rule (Chainer's ``Parameter.update``)."""
        if self.update_rule is not None:
            self.update_rule.update(self)

    def __reduce__(self):
        # Parameters pickle with their array and initializer (copy.deepcopy, multiprocessing).
        return (_rebuild_parameter, (self._data, self.grad, self.name, self.__dict__))


def _rebuild_parameter(data, grad, name, state):
    p = Parameter.__new__(Parameter)
    Variable.__init__(p, data, name=name)
    p.__dict__.update(state)
    if grad is not None:
        p.grad = grad
    return p


def as_variable(obj):
    """Return ``obj`` if it is a Variable, else wrap the array (``requires_grad=False``).

    Example:
        >>> import numpy as np, kusari
        >>> kusari.as_variable(np.zeros(2, np.float32)).requires_grad
        False
    """
    if isinstance(obj, Variable):
        return obj
    _check_array(obj, "as_variable")
    return Variable._from_array(obj, False)


def as_array(obj):
    """Return the array of a Variable, or ``obj`` itself.

    Example:
        >>> import numpy as np, kusari
        >>> kusari.as_array(kusari.Variable(np.ones(1, np.float32)))
        array([1.], dtype=float32)
    """
    return obj._data if isinstance(obj, Variable) else obj
