"""``stack``, ``hstack``, ``vstack`` and ``dstack``: compositions of reshape and ``concat``.

Each input is first given the rank the join needs (a reshape, no copy), then
all are joined by one ``concat``, whose gradient splits the output gradient
back.
"""
from __future__ import annotations

from kusari.functions.array._axis import check_axis
from kusari.functions.array.concat import concat
from kusari.functions.array.reshape import reshape
from kusari.utils import type_check
from kusari.variable import Variable


def _check_sequence(func, xs):
    if isinstance(xs, Variable) or hasattr(xs, "shape") or not isinstance(xs, (list, tuple)):
        type_check.fail(func, "xs", "a list or tuple of Variables or arrays", type(xs).__name__)
    if not xs:
        type_check.fail(func, "xs", "at least one array", "an empty sequence")


def _check_joinable(func, xs, axis):
    """Same dtype everywhere and, once ranked up, the same shape except on ``axis`` (None: everywhere)."""
    first = xs[0]
    shape = tuple(first.shape)
    for i, x in enumerate(xs[1:], 1):
        if x.dtype != first.dtype:
            type_check.fail(func, f"xs[{i}]", f"dtype {first.dtype} (the dtype of xs[0])", str(x.dtype))
        other = tuple(x.shape)
        if len(other) != len(shape) or any(a != b for k, (a, b) in enumerate(zip(shape, other)) if k != axis):
            expected = "the shape of xs[0]" if axis is None else f"the shape of xs[0] except on axis {axis}"
            type_check.fail(func, f"xs[{i}]", f"a shape matching {shape} ({expected})", str(other))


def _ranked(xs, make_shape):
    return [x if len(x.shape) == len(make_shape(tuple(x.shape))) else reshape(x, make_shape(tuple(x.shape)))
            for x in xs]


def stack(xs, axis=0):
    """Join arrays of one shape along a new axis.

    Args:
        xs: a list or tuple of Variables/arrays of the same shape and dtype.
        axis: the position of the new axis in the output, in
            ``[-ndim - 1, ndim]``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.stack import stack
        >>> a = np.zeros(3, np.float32); b = np.ones(3, np.float32)
        >>> stack([a, b]).array
        array([[0., 0., 0.],
               [1., 1., 1.]], dtype=float32)
        >>> stack([a, b], axis=1).shape
        (3, 2)
    """
    _check_sequence("stack", xs)
    _check_joinable("stack", xs, None)
    shape = tuple(xs[0].shape)
    axis = check_axis("stack", "axis", axis, len(shape) + 1, of="output")
    expanded = shape[:axis] + (1,) + shape[axis:]
    return concat([reshape(x, expanded) for x in xs], axis=axis)


def hstack(xs):
    """Join arrays horizontally: along axis 1, or axis 0 for 1-d (and 0-d) inputs.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.stack import hstack
        >>> hstack([np.zeros(2, np.float32), np.ones(1, np.float32)]).array
        array([0., 0., 1.], dtype=float32)
        >>> hstack([np.zeros((2, 1), np.float32), np.ones((2, 2), np.float32)]).shape
        (2, 3)
    """
    _check_sequence("hstack", xs)
    xs = _ranked(xs, lambda s: s or (1,))
    axis = 0 if len(xs[0].shape) == 1 else 1
    _check_joinable("hstack", xs, axis)
    return concat(xs, axis=axis)


def vstack(xs):
    """Join arrays vertically (along axis 0); a 1-d input of length N counts as shape (1, N).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.stack import vstack
        >>> vstack([np.zeros(3, np.float32), np.ones(3, np.float32)]).array
        array([[0., 0., 0.],
               [1., 1., 1.]], dtype=float32)
    """
    _check_sequence("vstack", xs)
    xs = _ranked(xs, lambda s: s if len(s) >= 2 else (1,) * (2 - len(s)) + s)
    _check_joinable("vstack", xs, 0)
    return concat(xs, axis=0)


def _at_least_3d(shape):
    if len(shape) == 0:
        return (1, 1, 1)
    if len(shape) == 1:
        return (1,) + shape + (1,)
    if len(shape) == 2:
        return shape + (1,)
    return shape


def dstack(xs):
    """Join arrays along the third axis (depth); 1-d (N,) counts as (1, N, 1), 2-d (M, N) as (M, N, 1).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.stack import dstack
        >>> dstack([np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32)]).shape
        (2, 3, 2)
    """
    _check_sequence("dstack", xs)
    xs = _ranked(xs, _at_least_3d)
    _check_joinable("dstack", xs, 2)
    return concat(xs, axis=2)
