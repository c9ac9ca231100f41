"""``pad_sequence``: stack variable-length sequences into one padded array."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class PadSequence(FunctionNode):
    def __init__(self, length, padding):
        self._length = length
        self._padding = padding

    def forward(self, inputs):
        xp = utils._xp(*inputs)
        first = inputs[0]
        y = xp.full((len(inputs), self._length) + first.shape[1:], self._padding, first.dtype)
        for i, x in enumerate(inputs):  # one copy per sequence, not per element
            y[i, :len(x)] = x
        self._lengths = [len(x) for x in inputs]
        return y,

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.get_item import get_item

        gy, = grad_outputs
        return tuple(get_item(gy, (i, slice(0, self._lengths[i]))) for i in indexes)


def pad_sequence(xs, length=None, padding=0):
    """Stack sequences of different lengths into ``(len(xs), length, ...)``, filling with ``padding``.

    Args:
        xs: a list or tuple of Variables or arrays of shape ``(L_i, ...)``,
            equal in the other axes.
        length: the padded length; ``None`` means the longest ``L_i``.
        padding: the fill value (a scalar).

    Returns:
        A Variable of shape ``(len(xs), length) + xs[0].shape[1:]``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.pad_sequence import pad_sequence
        >>> pad_sequence([np.array([1., 2.], np.float32), np.array([3.], np.float32)], padding=-1).array
        array([[ 1.,  2.],
               [ 3., -1.]], dtype=float32)
    """
    name = "pad_sequence"
    if not isinstance(xs, (list, tuple)):
        type_check.fail(name, "xs", "a list or tuple of Variables or arrays", type(xs).__name__)
    if not xs:
        type_check.fail(name, "xs", "at least one array", "an empty sequence")
    for i, x in enumerate(xs):
        type_check.expect_min_ndim(name, f"xs[{i}]", x, 1)
        if tuple(x.shape[1:]) != tuple(xs[0].shape[1:]):
            type_check.fail(name, f"xs[{i}]", f"shape (*, {', '.join(map(str, xs[0].shape[1:]))}) "
                            "(the shape of xs[0] except on axis 0)", str(tuple(x.shape)))
        if i:
            type_check.expect_same_dtype(name, f"xs[{i}]", x, "xs[0]", xs[0])
    longest = max(len(x) for x in xs)
    if length is None:
        length = longest
    elif not isinstance(length, (int, numpy.integer)) or isinstance(length, bool) or length < longest:
        type_check.fail(name, "length", f"None or an int at least the longest sequence ({longest})", repr(length))
    y, = PadSequence(int(length), padding).apply(tuple(xs))
    return y
