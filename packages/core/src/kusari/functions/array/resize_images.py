"""``resize_images``: bilinear or nearest-neighbour resizing of ``(N, C, H, W)`` images.

Resizing is linear and separable: ``y = A_h @ x @ A_w.T`` with one small
interpolation matrix per spatial axis (each row holds at most two weights).
That makes the forward two batched matmuls and the backward the same thing
with the transposed matrices, so double backprop comes for free.
"""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check

_MODES = ("bilinear", "nearest")


def _positions(xp, in_size, out_size, mode, align_corners):
    """Where each output pixel samples the input axis, in input pixel coordinates."""
    k = xp.arange(out_size, dtype=numpy.float64)
    if mode == "nearest":
        return xp.minimum(xp.floor(k * (in_size / out_size)), in_size - 1)
    if align_corners:
        return xp.linspace(0, in_size - 1, num=out_size)
    # Pixel centres line up; positions before the first centre clamp to it.
    return xp.maximum((k + 0.5) * (in_size / out_size) - 0.5, 0)


def _interpolation_matrix(xp, in_size, out_size, mode, align_corners, dtype):
    pos = _positions(xp, in_size, out_size, mode, align_corners)
    lo = xp.floor(pos)
    frac = (pos - lo).astype(dtype)
    lo = lo.astype(numpy.intp)
    hi = xp.minimum(lo + 1, in_size - 1)
    rows = xp.arange(out_size)
    a = xp.zeros((out_size, in_size), dtype)
    # lo and hi coincide on the last pixel; add.at sums both weights there.
    xp.add.at(a, (rows, lo), 1 - frac)
    xp.add.at(a, (rows, hi), frac)
    return a


class ResizeImages(FunctionNode):
    def __init__(self, a_h, a_w):
        self._a_h = a_h
        self._a_w = a_w

    @property
    def label(self):
        return "resize_images"

    def forward(self, inputs):
        x, = inputs
        return utils.force_array((self._a_h @ x) @ self._a_w.T),

    def backward(self, indexes, grad_outputs):
        gx, = ResizeImages(self._a_h.T, self._a_w.T).apply(grad_outputs)
        return gx,


def resize_images(x, output_shape, mode="bilinear", align_corners=True):
    """Resize images ``(N, C, H, W)`` to ``(N, C) + output_shape``.

    Args:
        x: a Variable or floating-point array of shape ``(N, C, H, W)``.
        output_shape: ``(out_H, out_W)``, positive ints.
        mode: ``'bilinear'`` or ``'nearest'``.
        align_corners: for ``'bilinear'``: when True (the default, as in
            Chainer) the corner pixels of input and output coincide; when
            False pixel centres are scaled (half-pixel rule).  Ignored by
            ``'nearest'``, which takes ``floor(k * H / out_H)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.resize_images import resize_images
        >>> x = np.array([[[[0., 2.]]]], np.float32)
        >>> resize_images(x, (1, 3)).array
        array([[[[0., 1., 2.]]]], dtype=float32)
        >>> resize_images(x, (1, 4), mode='nearest').array
        array([[[[0., 0., 2., 2.]]]], dtype=float32)
    """
    name = "resize_images"
    type_check.expect_ndim(name, "x", x, 4)
    type_check.expect_float(name, "x", x)
    ok = (isinstance(output_shape, (tuple, list)) and len(output_shape) == 2
          and all(isinstance(s, (int, numpy.integer)) and not isinstance(s, bool) and s > 0 for s in output_shape))
    if not ok:
        type_check.fail(name, "output_shape", "a pair of positive ints (out_H, out_W)", repr(output_shape))
    if mode not in _MODES:
        type_check.fail(name, "mode", "'bilinear' or 'nearest'", repr(mode))
    xp = utils._xp(x.array if hasattr(x, "array") else x)
    (h, w), (out_h, out_w) = x.shape[2:], output_shape
    a_h = _interpolation_matrix(xp, h, int(out_h), mode, align_corners, x.dtype)
    a_w = _interpolation_matrix(xp, w, int(out_w), mode, align_corners, x.dtype)
    y, = ResizeImages(a_h, a_w).apply((x,))
    return y
