"""``PrintHook``: prints what goes into every function's forward and backward.

The layout is Chainer's ``PrintHook`` output (the ``Variable.debug_print``
block of Chainer v7 per array), so logs can be compared line by line.
"""
from __future__ import annotations

import sys
import warnings

import numpy

from kusari.function_hook import FunctionHook


def _device_text(array) -> str:
    if isinstance(array, (numpy.ndarray, numpy.generic)):
        return "CPU"
    from kusari import backend

    return str(backend.get_device_from_array(array))


def _statistics(array) -> str:
    if array.size == 0:
        return "mean=nan, std=nan"  # what NumPy says, without its warning
    return f"mean={float(array.mean()):.8f}, std={float(array.std()):.8f}"


def _zero_statistics(array) -> str:
    return "mean=nan, std=nan" if array.size == 0 else "mean=0.00000000, std=0.00000000"


def describe(array, grad=None, *, zero_data=False) -> str:
    """Chainer's debug block for a Variable holding ``array`` (and ``grad``).

    ``array`` None describes an empty Variable.  ``zero_data`` describes a
    zero-filled array of ``array``'s shape and dtype instead of ``array``:
    Chainer shows an output gradient as a Variable of zeros whose grad is
    the gradient, and the zeros' statistics need no allocation.

    Example:
        >>> import numpy as np
        >>> print(describe(np.array([1.0, 3.0], np.float32)))  # doctest: +ELLIPSIS
        <variable at 0x...>
        - device: CPU
        - backend: <class 'numpy.ndarray'>
        - shape: (2,)
        - dtype: float32
        - statistics: mean=2.00000000, std=1.00000000
        - grad: None
    """
    lines = [f"<variable at {id(array):#x}>"]
    if array is None:
        lines += [f"- {key}: None" for key in ("device", "backend", "shape", "dtype", "statistics")]
    else:
        lines += [
            f"- device: {_device_text(array)}",
            f"- backend: {type(array)}",
            f"- shape: {array.shape}",
            f"- dtype: {array.dtype}",
            f"- statistics: {_zero_statistics(array) if zero_data else _statistics(array)}",
        ]
    lines.append("- grad: None" if grad is None else f"- grad: {_statistics(grad)}")
    return "\n".join(lines)


class PrintHook(FunctionHook):
    """Prints each hooked function's label, its input arrays and, in backward, its output gradients.

    Printed before each forward and backward.  An input whose array was not
    retained for backward shows as ``(removed)``.

    Args:
        sep: deprecated in Chainer v4 and ignored (a ``DeprecationWarning``).
        end: written after each printed block.
        file: where to write (the current ``sys.stdout`` by default).
        flush: flush ``file`` after each function.

    Example:
        >>> import numpy as np, kusari
        >>> import kusari.functions as F
        >>> from kusari.function_hooks import PrintHook
        >>> with PrintHook():
        ...     y = F.relu(np.array([-1.0, 2.0], np.float32))  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
        function	ReLU
        input data
        <variable at 0x...>
        - device: CPU
        - backend: <class 'numpy.ndarray'>
        - shape: (2,)
        - dtype: float32
        - statistics: mean=0.50000000, std=1.50000000
        - grad: None
    """

    name = "PrintHook"

    def __init__(self, sep=None, end="\n", file=None, flush=True):
        if sep is not None:
            warnings.warn("PrintHook's sep argument is deprecated and ignored",
                          DeprecationWarning, stacklevel=2)
        self.sep = sep
        self.end = end
        self.file = sys.stdout if file is None else file
        self.flush = flush

    def _print(self, text: str) -> None:
        self.file.write(text + self.end)

    def _process(self, function, in_data, out_grad=None) -> None:
        self._print(f"function\t{function.label}")
        self._print("input data")
        for array in in_data:
            # Inputs that backward does not need are not kept.
            self._print("(removed)" if array is None else describe(array))
        if out_grad is not None:
            self._print("output gradient")
            for grad in out_grad:
                self._print(describe(None) if grad is None else describe(grad, grad, zero_data=True))
        if self.flush and hasattr(self.file, "flush"):
            self.file.flush()

    def forward_preprocess(self, function, in_data) -> None:
        self._process(function, in_data)

    def backward_preprocess(self, function, in_data, out_grad) -> None:
        self._process(function, in_data, out_grad)
