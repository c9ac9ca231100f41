"""``sum`` over all or some axes (and the axis checks the other reductions share)."""
from __future__ import annotations

import numpy

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable

_config_obj = _config.config
_from_array = Variable._from_array


def normalize_axis(func: str, axis, ndim: int, *, allow_tuple: bool = True):
    """``axis`` (None, an int or a tuple of ints) as None or a sorted tuple of non-negative axes.

    Raises ``InvalidType`` naming ``func`` for a wrong type, an axis out of
    range or a repeated axis.

    Example:
        >>> from kusari.functions.math.sum import normalize_axis
        >>> normalize_axis('sum', -1, 3), normalize_axis('sum', (2, 0), 3), normalize_axis('sum', None, 3)
        ((2,), (0, 2), None)
    """
    if axis is None:
        return None
    what = "None, an int or a tuple of ints" if allow_tuple else "None or an int"
    if isinstance(axis, (int, numpy.integer)) and not isinstance(axis, bool):
        axes = (int(axis),)
    elif allow_tuple and isinstance(axis, tuple) and all(
            isinstance(a, (int, numpy.integer)) and not isinstance(a, bool) for a in axis):
        axes = tuple(int(a) for a in axis)
    else:
        type_check.fail(func, "axis", what, repr(axis))
    for a in axes:
        if not -ndim <= a < ndim:
            type_check.fail(func, "axis", f"axes in [{-ndim}, {ndim - 1}] for a {ndim}-dimensional input",
                            repr(axis))
    axes = tuple(sorted(a % ndim for a in axes))
    if len(set(axes)) != len(axes):
        type_check.fail(func, "axis", "distinct axes", repr(axis))
    return axes


def keepdims_shape(shape, axes):
    """``shape`` with the reduced ``axes`` (None: all) set to 1."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(FunctionNode):
    def __init__(self, axes, keepdims):
        self._axes = axes
        self._keepdims = keepdims

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        return utils.force_array(x.sum(axis=self._axes, keepdims=self._keepdims)),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.broadcast import broadcast_to
        from kusari.functions.array.reshape import reshape

        gy, = grad_outputs
        shape = keepdims_shape(self._in_shape, self._axes)
        if not _config_obj.enable_backprop:
            # Plain backward (losses end in a sum): skip the two graph nodes
            # that would record nothing anyway.  A read-only broadcast view,
            # as BroadcastTo gives; backprop copies it before it reaches a leaf.
            g = gy._data
            xp = utils._xp(g)
            if g.ndim == 0:
                # The common loss case: fill a fresh array (a sixth of the cost
                # of broadcast_to, and writeable, so no copy at a leaf).
                out = xp.empty(self._in_shape, g.dtype)
                out.fill(g)
                return _from_array(out, False),
            g = g.reshape(shape)
            return _from_array(xp.broadcast_to(g, self._in_shape), False),
        if not self._keepdims:
            gy = reshape(gy, shape)
        return broadcast_to(gy, self._in_shape),


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Chainer's name
    """Sum of the elements of ``x`` over ``axis`` (all axes when None).

    Args:
        x: a Variable or array of a floating-point dtype.
        axis: None, an int or a tuple of ints (negative counts from the end).
        keepdims: keep the reduced axes with size 1.

    Returns:
        A Variable of ``x``'s dtype.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> x = np.arange(6, dtype=np.float32).reshape(2, 3)
        >>> F.sum(x).array
        array(15., dtype=float32)
        >>> F.sum(x, axis=1, keepdims=True).array
        array([[ 3.],
               [12.]], dtype=float32)
    """
    # The loss case (a Variable, all axes) skips two Python calls per forward.
    xd = x._data if type(x) is Variable else x
    if xd.dtype.kind != "f":
        type_check.expect_float("sum", "x", x)
    axes = None if axis is None else normalize_axis("sum", axis, xd.ndim)
    y, = Sum(axes, bool(keepdims)).apply((x,))
    return y
