"""``identity``: pass inputs through unchanged, as one node in the graph."""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Identity(FunctionNode):
    def forward(self, inputs):
        return inputs  # the same arrays, no copy (as Chainer)

    def backward(self, indexes, grad_outputs):
        return tuple([grad_outputs[i] for i in indexes])


def identity(*inputs):
    """Return the inputs as new Variables whose gradients pass straight through.

    Args:
        *inputs: one or more Variables or arrays.

    Returns:
        One Variable for one input, else a tuple of them.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x = kusari.Variable(np.array([1, 2], np.float32))
        >>> y = F.identity(x)
        >>> y.creator is not None, (y.array is x.array)
        (True, True)
        >>> a, b = F.identity(x, x)
    """
    if not inputs:
        type_check.fail("identity", "inputs", "at least one Variable or array", "none")
    ys = Identity().apply(inputs)
    return ys[0] if len(ys) == 1 else ys
