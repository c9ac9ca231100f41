"""``pad`` (constant mode): surround ``x`` with a constant; the gradient is the inner slice."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Pad(FunctionNode):
    def __init__(self, pad_width, constant_values):
        self._pad_width = pad_width
        self._constant_values = constant_values

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        if x.ndim == 0:  # nothing to pad (and numpy.pad cannot read an empty width list)
            return x.copy(),
        return utils._xp(x).pad(x, self._pad_width, mode="constant", constant_values=self._constant_values),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.get_item import get_item

        inner = tuple(slice(before, before + n) for (before, _), n in zip(self._pad_width, self._in_shape))
        return get_item(grad_outputs[0], inner),


def pad(x, pad_width, mode, **keywords):
    """Pad ``x`` with a constant (Chainer's ``pad`` with ``mode='constant'``).

    Args:
        x: a Variable or array.
        pad_width: as in ``numpy.pad``: an int, ``(before, after)``, or one
            ``(before, after)`` pair per axis (non-negative).
        mode: only ``'constant'`` is supported.
        constant_values: (keyword) the fill value(s), as in ``numpy.pad``;
            default 0.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.pad import pad
        >>> pad(np.ones((1, 2), np.float32), 1, 'constant').array
        array([[0., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 0., 0., 0.]], dtype=float32)
        >>> pad(np.ones(2, np.float32), (1, 0), 'constant', constant_values=-1).array
        array([-1.,  1.,  1.], dtype=float32)
    """
    if mode != "constant":
        # Other modes copy input elements into the border, which needs a different gradient.
        type_check.fail("pad", "mode", "'constant'", repr(mode))
    unknown = set(keywords) - {"constant_values"}
    if unknown:
        type_check.fail("pad", "keywords", "only 'constant_values'", ", ".join(sorted(unknown)))
    ndim = x.ndim
    try:
        widths = numpy.asarray(pad_width)
        ok = widths.dtype.kind in "iu" and widths.ndim <= 2 and bool((widths >= 0).all())
        widths = numpy.broadcast_to(widths, (ndim, 2)) if ok else None
    except ValueError:
        ok = False
    if not ok:
        type_check.fail("pad", "pad_width", f"non-negative ints broadcastable to ({ndim}, 2)", repr(pad_width))
    widths = tuple((int(a), int(b)) for a, b in widths)
    y, = Pad(widths, keywords.get("constant_values", 0)).apply((x,))
    return y
