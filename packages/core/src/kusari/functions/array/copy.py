"""``copy``: a differentiable copy of an array onto a (possibly other) device."""
from __future__ import annotations

from kusari import backend
from kusari.function_node import FunctionNode
from kusari.utils import type_check


def _send_copy(device, array):
    """``array`` on ``device`` as new memory (send_array may return the input itself)."""
    sent = device.send_array(array)
    return sent.copy() if sent is array else sent


class Copy(FunctionNode):
    def __init__(self, src_device, dst_device):
        self._src = src_device
        self._dst = dst_device

    @property
    def label(self):
        return "copy"

    def forward(self, inputs):
        x, = inputs
        return _send_copy(self._dst, x),

    def backward(self, indexes, grad_outputs):
        # The gradient goes back to where x lives, through the same function
        # in reverse, so double backprop works across devices too.
        gx, = Copy(self._dst, self._src).apply(grad_outputs)
        return gx,


def copy(x, dst):
    """Copy ``x`` to the device ``dst``; the gradient is sent back to ``x``'s device.

    Args:
        x: a Variable or array.
        dst: a device specifier as :func:`kusari.backend.get_device` takes it
            (``-1`` or ``'@numpy'`` for the CPU, ``0`` or ``'@cupy:0'`` for a GPU,
            a ``Device``).

    Returns:
        A Variable holding a new array on ``dst`` (never ``x``'s own memory).

    Example:
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.functions.array.copy import copy
        >>> x = kusari.Variable(np.array([1., 2.], np.float32))
        >>> y = copy(x, -1)
        >>> y.array, y.array is x.array
        (array([1., 2.], dtype=float32), False)
    """
    try:
        dst_device = backend.get_device(dst)
    except (TypeError, ValueError) as error:
        type_check.fail("copy", "dst", "a device specifier (-1, '@numpy', '@cupy:N', a Device)",
                        f"{dst!r} ({error})")
    src_device = backend.get_device_from_array(x)
    y, = Copy(src_device, dst_device).apply((x,))
    return y
