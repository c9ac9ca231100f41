"""``transpose``."""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Transpose(FunctionNode):
    def __init__(self, axes):
        self._axes = axes

    def forward(self, inputs):
        return inputs[0].transpose(self._axes),

    def backward(self, indexes, grad_outputs):
        axes = self._axes
        inverse = None if axes is None else tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return transpose(grad_outputs[0], inverse),


def transpose(x, axes=None):
    """Permute the axes of ``x`` (reverse them when ``axes`` is None).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> F.transpose(np.zeros((2, 3, 4), np.float32), (1, 0, 2)).shape
        (3, 2, 4)
    """
    if axes is not None:
        given, ndim = tuple(int(a) for a in axes), x.ndim
        # An out-of-range axis maps to ndim, which no permutation contains (no silent wrap-around).
        axes = tuple(a % ndim if -ndim <= a < ndim else ndim for a in given)
        if sorted(axes) != list(range(ndim)):
            type_check.fail("transpose", "axes", f"a permutation of range({ndim})", str(given))
    y, = Transpose(axes).apply((x,))
    return y
