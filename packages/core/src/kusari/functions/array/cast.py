"""``cast``: change the dtype; the gradient is cast back to the input's dtype."""
from __future__ import annotations

import numpy

from kusari.function_node import FunctionNode
from kusari.utils import type_check


class Cast(FunctionNode):
    def __init__(self, dtype):
        self._dtype = dtype

    def forward(self, inputs):
        x, = inputs
        self._in_dtype = x.dtype
        return x.astype(self._dtype, copy=False),

    def backward(self, indexes, grad_outputs):
        return cast(grad_outputs[0], self._in_dtype),


def cast(x, typ):
    """Cast ``x`` to the dtype ``typ``; a no-op (the same data) when it already has it.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.cast import cast
        >>> cast(np.array([1.5, 2.5], np.float32), np.float64).array
        array([1.5, 2.5])
        >>> cast(np.zeros(2, np.float32), 'float16').dtype
        dtype('float16')
    """
    try:
        dtype = numpy.dtype(typ)
    except TypeError:
        type_check.fail("cast", "typ", "a NumPy dtype or something numpy.dtype() accepts", repr(typ))
    if x.dtype == dtype:
        from kusari.variable import as_variable

        return as_variable(x)
    y, = Cast(dtype).apply((x,))
    return y
