"""``scatter_add``: ``a`` with ``b`` added at ``a[slices]`` (repeated indices add up)."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.array.get_item import IndexInvalidType, _describe, _is_basic, _normalize
from kusari.utils import type_check


class ScatterAdd(FunctionNode):
    def __init__(self, slices):
        self._slices = slices

    def forward(self, inputs):
        a, b = inputs
        xp = utils._xp(a, b)
        y = a.copy()
        if _is_basic(self._slices):
            y[self._slices] += b  # a basic index never repeats an element
        else:
            xp.add.at(y, self._slices, b)
        return y,

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.get_item import GetItem

        gy, = grad_outputs
        grads = []
        for i in indexes:
            if i == 0:
                grads.append(gy)
            else:
                gb, = GetItem(self._slices).apply((gy,))
                grads.append(gb)
        return tuple(grads)


def scatter_add(a, slices, b):
    """Return a copy of ``a`` with ``b`` added at ``a[slices]``; an element indexed twice gets both.

    Args:
        a: a Variable or array.
        slices: an index as :func:`kusari.functions.get_item` takes it.
        b: a Variable or array of exactly the shape of ``a[slices]`` and the
            dtype of ``a`` (no broadcasting, as in Chainer).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.scatter_add import scatter_add
        >>> a = np.zeros(3, np.float32)
        >>> scatter_add(a, [0, 0, 2], np.array([1., 2., 5.], np.float32)).array
        array([3., 0., 5.], dtype=float32)
    """
    name = "scatter_add"
    slices = _normalize(slices)
    try:
        # Index a zero-stride boolean stand-in for a: same shape rules, no copy of a's data.
        xp = utils._xp(a.array if hasattr(a, "array") else a)
        target_shape = xp.broadcast_to(xp.zeros((), bool), a.shape)[slices].shape
    except IndexError as error:
        raise IndexInvalidType(
            f"{name}: argument 'slices' expected a valid index for an array of shape {tuple(a.shape)}, "
            f"got {_describe(slices)} ({error})") from None
    type_check.expect_shape(name, "b", b, target_shape, "(the shape of a[slices])")
    type_check.expect_same_dtype(name, "b", b, "a", a)
    y, = ScatterAdd(slices).apply((a, b))
    return y
