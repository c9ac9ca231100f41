"""``prod``: product of the elements over all or some axes."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math.sum import keepdims_shape, normalize_axis
from kusari.utils import type_check


def _exclusive_cumprod(x):
    """``out[i] = prod_{j < i} x[j]`` along axis 0 (differentiable, zero-safe)."""
    from kusari.functions.array.concat import concat
    from kusari.functions.math.cumulative import cumprod

    ones = utils._xp(x.array).ones((1,) + x.shape[1:], x.dtype)
    return concat((ones, cumprod(x[:-1], axis=0)), axis=0)


class Prod(FunctionNode):
    def __init__(self, axes, keepdims):
        self._axes = axes
        self._keepdims = keepdims

    @property
    def label(self):
        return "prod"

    def forward(self, inputs):
        x, = inputs
        self.retain_inputs((0,))
        xp = utils._xp(x)
        return utils.force_array(xp.prod(x, axis=self._axes, keepdims=self._keepdims)),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.broadcast import broadcast_to
        from kusari.functions.array.flip import flip
        from kusari.functions.array.reshape import reshape
        from kusari.functions.array.transpose import transpose

        x, = self.get_retained_inputs()
        gy, = grad_outputs
        axes = tuple(range(x.ndim)) if self._axes is None else self._axes
        if not self._keepdims:
            gy = reshape(gy, keepdims_shape(x.shape, axes))
        # The gradient of each element is the product of the others in its
        # reduction group.  Dividing the product by the element would fail at
        # zeros, so multiply the products of the elements before it and after
        # it instead: reduced axes go first and are flattened into one.
        kept = tuple(a for a in range(x.ndim) if a not in axes)
        order = axes + kept
        moved_shape = tuple(x.shape[a] for a in order)
        flat = reshape(transpose(x, order), (-1,) + tuple(x.shape[a] for a in kept))
        if flat.shape[0] == 1:
            return broadcast_to(gy, x.shape),
        others = _exclusive_cumprod(flat) * flip(_exclusive_cumprod(flip(flat, 0)), 0)
        inverse = tuple(order.index(a) for a in range(x.ndim))
        others = transpose(reshape(others, moved_shape), inverse)
        return broadcast_to(gy, x.shape) * others,


def prod(x, axis=None, keepdims=False):
    """Product of the elements of ``x`` over ``axis``.

    The gradient is exact also where ``x`` holds zeros.

    Args:
        x: a floating-point Variable or array.
        axis: None (all axes), an int or a tuple of ints.
        keepdims: keep the reduced axes with length 1.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.prod import prod
        >>> x = np.array([[1, 2, 3], [4, 5, 6]], np.float32)
        >>> prod(x).array
        array(720., dtype=float32)
        >>> prod(x, axis=1, keepdims=True).array
        array([[  6.],
               [120.]], dtype=float32)
    """
    type_check.expect_float("prod", "x", x)
    axes = normalize_axis("prod", axis, x.ndim)
    if not isinstance(keepdims, bool):
        type_check.fail("prod", "keepdims", "a bool", repr(keepdims))
    y, = Prod(axes, keepdims).apply((x,))
    return y
