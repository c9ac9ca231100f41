"""Input checks with messages that name the function, the argument, and what was expected.

Every built-in function validates its inputs through these helpers, so a bad
call fails at the call with, e.g.::

    linear: argument 'x' expected shape (N, 3) (in_size of W), got (2, 4)

``InvalidType`` subclasses ``TypeError``.  The second half of this module is
Chainer's type-check DSL (``expect``, ``in_types[0].dtype == numpy.float32``,
...) for user FunctionNodes and Functions that define ``check_type_forward``.

Example:
    >>> import numpy as np
    >>> from kusari.utils import type_check
    >>> type_check.expect_ndim('relu', 'x', np.zeros((2, 3)), 2)
    >>> type_check.expect_ndim('relu', 'x', np.zeros(3), 2)
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: relu: argument 'x' expected 2 dimensions, got 1 (shape (3,))
"""
from __future__ import annotations

import numpy


class InvalidType(TypeError):
    """Raised when a function gets an input of the wrong shape or dtype."""

    def __init__(self, message: str, expect: str = "", actual: str = ""):
        super().__init__(message)
        self.expect = expect
        self.actual = actual


def fail(func: str, arg: str, expected: str, actual: str) -> None:
    """Raise ``InvalidType`` in the house format."""
    raise InvalidType(f"{func}: argument {arg!r} expected {expected}, got {actual}", expected, actual)


def expect_ndim(func: str, arg: str, array, ndim: int) -> None:
    if array.ndim != ndim:
        fail(func, arg, f"{ndim} dimensions", f"{array.ndim} (shape {tuple(array.shape)})")


def expect_min_ndim(func: str, arg: str, array, ndim: int) -> None:
    if array.ndim < ndim:
        fail(func, arg, f"at least {ndim} dimensions", f"{array.ndim} (shape {tuple(array.shape)})")


def expect_float(func: str, arg: str, array) -> None:
    if array.dtype.kind != "f":
        fail(func, arg, "a floating-point dtype (float16/32/64)", str(array.dtype))


def expect_int(func: str, arg: str, array) -> None:
    if array.dtype.kind not in "iu":
        fail(func, arg, "an integer dtype (e.g. int32)", str(array.dtype))


def expect_same_dtype(func: str, arg: str, array, ref_arg: str, ref) -> None:
    if array.dtype != ref.dtype:
        fail(func, arg, f"dtype {ref.dtype} (the dtype of {ref_arg!r})", str(array.dtype))


def expect_shape(func: str, arg: str, array, shape, note: str = "") -> None:
    """``shape`` may contain None for "any size" in that axis."""
    actual = tuple(array.shape)
    ok = len(actual) == len(shape) and all(e is None or e == a for e, a in zip(shape, actual, strict=True))
    if not ok:
        shown = "(" + ", ".join("N" if e is None else str(e) for e in shape) + ("," if len(shape) == 1 else "") + ")"
        fail(func, arg, f"shape {shown}{' ' + note if note else ''}", str(actual))


def same_types(*arrays) -> bool:
    """Whether all arrays are of one array type (all numpy or all cupy)."""
    return len({type(a) for a in arrays}) <= 1


def argname(in_types, names) -> None:
    """Give ``in_types`` readable names for messages; check that their count matches.

    Example:
        >>> import numpy as np
        >>> from kusari.utils import type_check
        >>> in_types = type_check.get_types((np.zeros(2), np.zeros(3)))
        >>> type_check.argname(in_types, ('x', 'W'))
        >>> str(in_types[1].shape)
        'W.shape'
        >>> type_check.argname(in_types, ('x',))
        Traceback (most recent call last):
        ...
        kusari.utils.type_check.InvalidType: expected 1 argument(s) (x), got 2
    """
    if len(in_types) != len(names):
        _check_failed(f"{len(names)} argument(s) ({', '.join(names)})", str(len(in_types)))
    for in_type, name in zip(in_types, names, strict=True):
        if isinstance(in_type, Variable):
            in_type.name = name


_argname = argname  # the name Chainer's own functions use


def is_float(dtype) -> bool:
    return numpy.dtype(dtype).kind == "f"


# ---- Chainer's type_check DSL ------------------------------------------------
# User FunctionNodes (and old-style Functions) validate inputs with
#
#     def check_type_forward(self, in_types):
#         type_check.expect(in_types.size() == 1, in_types[0].dtype == numpy.float32)
#
# ``run_check_type_forward`` first runs that method in *light mode*, where
# ``in_types`` holds the arrays themselves and every condition is a plain bool
# (cheap).  Only when it fails is it run again with lazy expressions, which
# know how they were written and so give the message:
#     Square: expected in_types[0].dtype == float32, got float64

import threading as _threading  # noqa: E402

_local = _threading.local()


def in_light_mode() -> bool:
    """Whether a check runs on raw arrays (the fast first pass).

    Example:
        >>> from kusari.utils import type_check
        >>> type_check.in_light_mode()
        False
    """
    return getattr(_local, "light", False)


class _LightMode:
    def __enter__(self):
        self._previous = in_light_mode()
        _local.light = True

    def __exit__(self, *exc):
        _local.light = self._previous


#: ``with type_check.light_mode:`` runs checks on raw values (Chainer's name).
light_mode = _LightMode()


def _show(value) -> str:
    """Render a value as a reader expects: dtypes by name, tuples element-wise."""
    if isinstance(value, Expr):
        return str(value)
    if isinstance(value, numpy.dtype):
        return value.name
    if isinstance(value, type) and issubclass(value, numpy.generic):
        return numpy.dtype(value).name
    if isinstance(value, numpy.generic):
        return repr(value.item())
    if isinstance(value, tuple):
        return "(" + ", ".join(map(_show, value)) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(map(_show, value)) + "]"
    return repr(value)


def _show_key(key) -> str:
    if isinstance(key, slice):
        parts = ["" if p is None else _show(p) for p in (key.start, key.stop, key.step)]
        return ":".join(parts[:2] if key.step is None else parts)
    if isinstance(key, tuple):
        return ", ".join(map(_show_key, key))
    return "..." if key is Ellipsis else _show(key)


def _evaluate(value):
    if isinstance(value, Expr):
        return value.eval()
    if isinstance(value, (tuple, list)):
        return type(value)(map(_evaluate, value))
    return value


def _wrapped(expr, priority: int) -> str:
    text = _show(expr)
    return f"({text})" if isinstance(expr, Expr) and expr.priority < priority else text


class Expr:
    """A lazy expression over input types; ``str()`` shows how it was written.

    Comparisons and arithmetic build new expressions; ``eval()`` computes the
    value.  An expression refuses ``bool()`` (``a == b and c == d`` would
    silently test only ``c == d``): pass conditions to :func:`expect` instead.

    Example:
        >>> from kusari.utils import type_check
        >>> n = type_check.Variable(3, 'n')
        >>> cond = n * 2 >= 7
        >>> str(cond), cond.eval()
        ('n * 2 >= 7', False)
    """

    priority = 8
    __hash__ = None
    # A NumPy value on the left (np.float32 == expr) defers to the expression.
    __array_ufunc__ = None

    def eval(self):
        raise NotImplementedError

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return GetAttr(self, name)

    def __getitem__(self, key):
        return GetItem(self, key)

    def __call__(self, *args):
        return Call(self, args)

    def __bool__(self):
        raise RuntimeError(
            "a type_check expression cannot be used as a bool; pass it to "
            "type_check.expect() or evaluate it with type_check.eval()")


class Variable(Expr):
    """A named value in an expression (``in_types[0]``, ``in_types.size()``).

    Example:
        >>> from kusari.utils import type_check
        >>> str(type_check.Variable(2, 'n') + 1)
        'n + 1'
    """

    def __init__(self, value, name: str):
        self.value = value
        self.name = name

    def eval(self):
        return self.value

    def __str__(self):
        return self.name


class Constant(Expr):
    """A literal in an expression (what a Python value on one side becomes)."""

    def __init__(self, value):
        self.value = value

    def eval(self):
        return self.value

    def __str__(self):
        return _show(self.value)


class GetAttr(Expr):
    def __init__(self, obj, name):
        self.obj = obj
        self.name = name

    def eval(self):
        return getattr(_evaluate(self.obj), self.name)

    def __str__(self):
        return f"{_wrapped(self.obj, 8)}.{self.name}"


class GetItem(Expr):
    def __init__(self, obj, key):
        self.obj = obj
        self.key = key

    def eval(self):
        return _evaluate(self.obj)[_evaluate(self.key)]

    def __str__(self):
        return f"{_wrapped(self.obj, 8)}[{_show_key(self.key)}]"


class Call(Expr):
    def __init__(self, obj, args):
        self.obj = obj
        self.args = args

    def eval(self):
        return _evaluate(self.obj)(*[_evaluate(a) for a in self.args])

    def __str__(self):
        return f"{_wrapped(self.obj, 8)}({', '.join(map(_show, self.args))})"


class UnaryOperator(Expr):
    priority = 6

    def __init__(self, term, symbol, func):
        self.term = term
        self.symbol = symbol
        self.func = func

    def eval(self):
        return self.func(_evaluate(self.term))

    def __str__(self):
        return f"{self.symbol}{_wrapped(self.term, 6)}"


class BinaryOperator(Expr):
    def __init__(self, priority, lhs, rhs, symbol, func):
        self.priority = priority
        self.lhs = lhs
        self.rhs = rhs
        self.symbol = symbol
        self.func = func

    def eval(self):
        return self.func(_evaluate(self.lhs), _evaluate(self.rhs))

    def __str__(self):
        # '**' groups to the right, everything else to the left.
        right_assoc = self.symbol == "**"
        lhs = _wrapped(self.lhs, self.priority + right_assoc)
        rhs = _wrapped(self.rhs, self.priority + (not right_assoc))
        return f"{lhs} {self.symbol} {rhs}"


class Comparison(BinaryOperator):
    """``lhs <op> rhs``: what :func:`expect` tests."""

    def __init__(self, lhs, rhs, symbol, inverse, func):
        super().__init__(-1, lhs, rhs, symbol, func)
        self.inverse = inverse

    def actual(self, left, right) -> str:
        """What was found: the value(s) of the non-literal side(s)."""
        if not isinstance(self.rhs, Expr):
            return _show(left)
        if not isinstance(self.lhs, Expr):
            return _show(right)
        return f"{_show(left)} {self.inverse} {_show(right)}"


def _install_operators():
    import operator as op

    def binary(symbol, priority, func):
        return (lambda self, other: BinaryOperator(priority, self, other, symbol, func),
                lambda self, other: BinaryOperator(priority, other, self, symbol, func))

    for name, symbol, priority, func in [
            ("add", "+", 4, op.add), ("sub", "-", 4, op.sub), ("mul", "*", 5, op.mul),
            ("truediv", "/", 5, op.truediv), ("floordiv", "//", 5, op.floordiv),
            ("mod", "%", 5, op.mod), ("pow", "**", 7, op.pow), ("lshift", "<<", 3, op.lshift),
            ("rshift", ">>", 3, op.rshift), ("and", "&", 2, op.and_), ("xor", "^", 1, op.xor),
            ("or", "|", 0, op.or_)]:
        forward, reflected = binary(symbol, priority, func)
        setattr(Expr, f"__{name}__", forward)
        setattr(Expr, f"__r{name}__", reflected)
    for name, symbol, inverse, func in [
            ("eq", "==", "!=", op.eq), ("ne", "!=", "==", op.ne), ("lt", "<", ">=", op.lt),
            ("le", "<=", ">", op.le), ("gt", ">", "<=", op.gt), ("ge", ">=", "<", op.ge)]:
        setattr(Expr, f"__{name}__",
                lambda self, other, s=symbol, i=inverse, f=func: Comparison(self, other, s, i, f))
    for name, symbol, func in [("neg", "-", op.neg), ("pos", "+", op.pos), ("invert", "~", op.invert)]:
        setattr(Expr, f"__{name}__", lambda self, s=symbol, f=func: UnaryOperator(self, s, f))


_install_operators()


class TypeInfo:
    """Shape and dtype of one array, as ``check_type_forward`` sees it."""

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.ndim = len(self.shape)

    @property
    def size(self) -> int:
        size = 1
        for s in self.shape:
            size *= s
        return size


class TypeInfoTuple(tuple):
    """``in_types``: one ``Variable(TypeInfo)`` per input; ``size()`` is an expression."""

    name = "in_types"

    def size(self):
        return Variable(len(self), f"{self.name}.size()")


class LightTypeInfoTuple(tuple):
    """``in_types`` in light mode: the arrays themselves; ``size()`` is an int."""

    def size(self) -> int:
        return len(self)


def get_types(data, name: str = "in_types", accept_none: bool = False) -> TypeInfoTuple:
    """Expression-mode type information for a tuple of arrays.

    Example:
        >>> import numpy as np
        >>> from kusari.utils import type_check
        >>> t = type_check.get_types((np.zeros((2, 3), np.float32),))
        >>> str(t[0].shape[1]), type_check.eval(t[0].shape[1])
        ('in_types[0].shape[1]', 3)
    """
    infos = []
    for i, x in enumerate(data):
        if x is None and accept_none:
            info = TypeInfo((), None)
        else:
            if not hasattr(x, "dtype"):
                x = numpy.asarray(x)
            info = TypeInfo(x.shape, x.dtype)
        infos.append(Variable(info, f"{name}[{i}]"))
    types = TypeInfoTuple(infos)
    types.name = name
    return types


def get_light_types(data) -> LightTypeInfoTuple:
    return LightTypeInfoTuple(data)


def _check_failed(expected: str, actual: str):
    func = getattr(_local, "function", None)
    prefix = f"{func.label}: " if func is not None else ""
    raise InvalidType(f"{prefix}expected {expected}, got {actual}", expected, actual)


def expect(*conditions) -> None:
    """Check conditions built from ``in_types``; raise ``InvalidType`` at the first false one.

    Example:
        >>> import numpy as np
        >>> from kusari.utils import type_check
        >>> x, = type_check.get_types((np.zeros(3, np.float64),))
        >>> type_check.expect(x.ndim == 1, x.dtype == np.float32)
        Traceback (most recent call last):
        ...
        kusari.utils.type_check.InvalidType: expected in_types[0].dtype == float32, got float64
    """
    if in_light_mode():
        for cond in conditions:
            if not cond:
                raise InvalidType("type check failed (light mode)")
        return
    for i, cond in enumerate(conditions):
        if isinstance(cond, Comparison):
            left, right = _evaluate(cond.lhs), _evaluate(cond.rhs)
            if not cond.func(left, right):
                _check_failed(str(cond), cond.actual(left, right))
        elif isinstance(cond, Expr):
            value = cond.eval()
            if not value:
                _check_failed(str(cond), _show(value))
        elif not cond:
            _check_failed(f"condition {i} of expect() to hold", _show(cond))


def eval(expr):  # noqa: A001 - Chainer's name
    """The value of an expression (values pass through, as in light mode).

    Example:
        >>> from kusari.utils import type_check
        >>> type_check.eval(type_check.Variable(4, 'n') // 3)
        1
    """
    return _evaluate(expr)


def make_variable(value, name: str):
    """A named value for messages (the value itself in light mode).

    Example:
        >>> from kusari.utils import type_check
        >>> str(type_check.make_variable(3, 'in_size') == 4)
        'in_size == 4'
    """
    return value if in_light_mode() else Variable(value, name)


def _product(xs):
    result = 1
    for x in xs:
        result *= x
    return result


_prod = Variable(_product, "prod")


def prod(xs):
    """Product of a shape (an expression outside light mode).

    Example:
        >>> import numpy as np
        >>> from kusari.utils import type_check
        >>> x, = type_check.get_types((np.zeros((2, 3)),))
        >>> str(type_check.prod(x.shape)), type_check.eval(type_check.prod(x.shape))
        ('prod(in_types[0].shape)', 6)
    """
    return _product(xs) if in_light_mode() else _prod(xs)


def expect_broadcast_shapes(*shape_types) -> None:
    """Check that shapes (expressions or tuples) broadcast together.

    Example:
        >>> import numpy as np
        >>> from kusari.utils import type_check
        >>> a, b = type_check.get_types((np.zeros((2, 3)), np.zeros(4)))
        >>> type_check.expect_broadcast_shapes(a.shape, b.shape)
        Traceback (most recent call last):
        ...
        kusari.utils.type_check.InvalidType: expected shapes that broadcast together, got in_types[0].shape = (2, 3), in_types[1].shape = (4,)
    """
    shapes = [tuple(_evaluate(s)) for s in shape_types]
    try:
        numpy.broadcast_shapes(*shapes)
    except ValueError:
        if in_light_mode():
            raise InvalidType("type check failed (light mode)") from None
        found = ", ".join(f"{s} = {_show(v)}" for s, v in zip(shape_types, shapes, strict=True))
        _check_failed("shapes that broadcast together", found)


def run_check_type_forward(node, in_data) -> None:
    """Run ``node.check_type_forward`` on ``in_data`` (called by ``FunctionNode.apply``).

    The fast pass runs on the arrays; only if it fails (or raises, e.g. an
    ``IndexError`` from ``shape[1]`` of a 1-d input whose ``ndim`` check comes
    first) is it re-run with expressions to build the message.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.utils import type_check
        >>> class Square(kusari.FunctionNode):
        ...     def check_type_forward(self, in_types):
        ...         type_check.expect(in_types[0].dtype == np.float32)
        ...     def forward(self, inputs):
        ...         return inputs[0] ** 2,
        >>> Square().apply((np.zeros(2, np.float64),))
        Traceback (most recent call last):
        ...
        kusari.utils.type_check.InvalidType: Square: expected in_types[0].dtype == float32, got float64
    """
    try:
        with light_mode:
            node.check_type_forward(LightTypeInfoTuple(in_data))
        return
    except Exception:  # noqa: BLE001 - the expression pass below reports it properly
        pass
    previous = getattr(_local, "function", None)
    _local.function = node
    try:
        node.check_type_forward(get_types(tuple(in_data)))
    finally:
        _local.function = previous
