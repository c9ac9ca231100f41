"""``im2col``: gather every convolution patch of ``(N, C, H, W)`` images into channels."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.connection import _conv_geometry as geo
from kusari.utils import type_check


class Im2Col(FunctionNode):
    def __init__(self, geometry):
        self._g = geometry

    @property
    def label(self):
        return "im2col"

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        n, c = x.shape[:2]
        kh, kw = self._g.ksize
        cols = xp.ascontiguousarray(self._g.patches(x))  # (N, C, kh, kw, oh, ow)
        return cols.reshape((n, c * kh * kw) + self._g.out),

    def backward(self, indexes, grad_outputs):
        gx, = Col2Im(self._g).apply(grad_outputs)
        return gx,


class Col2Im(FunctionNode):
    """The adjoint of ``Im2Col``: add every patch back where it came from."""

    def __init__(self, geometry):
        self._g = geometry

    def forward(self, inputs):
        gy, = inputs
        xp = utils._xp(gy)
        n, c = gy.shape[0], gy.shape[1] // (self._g.ksize[0] * self._g.ksize[1])
        return self._g.col2im(gy.reshape((n, c) + self._g.ksize + self._g.out), xp),

    def backward(self, indexes, grad_outputs):
        ggy, = Im2Col(self._g).apply(grad_outputs)
        return ggy,


def im2col(x, ksize, stride=1, pad=0, cover_all=False, dilate=1):
    """Patches of ``(N, C, H, W)`` images as channels: ``(N, C*kh*kw, out_H, out_W)``.

    Output channel ``(c*kh + dy)*kw + dx`` at ``(i, j)`` is the input pixel
    ``(i*sy + dy*dil_y - ph, j*sx + dx*dil_x - pw)`` of channel ``c`` (zero
    outside the image), Chainer's layout.

    Args:
        x: a Variable or array of shape ``(N, C, H, W)``.
        ksize: kernel size, an int or ``(kh, kw)``.
        stride: an int or ``(sy, sx)``.
        pad: zero padding, an int or ``(ph, pw)``.
        cover_all: add output rows/columns so that every input pixel is in
            some patch (as ``convolution_2d(cover_all=True)``).
        dilate: kernel dilation, an int or ``(dy, dx)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.im2col import im2col
        >>> x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
        >>> y = im2col(x, 2)
        >>> y.shape
        (1, 4, 2, 2)
        >>> y.array[0, :, 0, 0]   # the top-left 2x2 patch
        array([0., 1., 3., 4.], dtype=float32)
    """
    name = "im2col"
    type_check.expect_ndim(name, "x", x, 4)
    ksize = geo.as_tuple(name, "ksize", ksize, 2, 1)
    stride = geo.as_tuple(name, "stride", stride, 2, 1)
    pad = geo.as_tuple(name, "pad", pad, 2, 0)
    dilate = geo.as_tuple(name, "dilate", dilate, 2, 1)
    in_size = tuple(x.shape[2:])
    out = tuple(geo.out_size(n, k, s, p, d, bool(cover_all))
                for n, k, s, p, d in zip(in_size, ksize, stride, pad, dilate, strict=True))
    if min(out) < 1:
        type_check.fail(name, "x", f"an image at least as large as the dilated kernel (ksize {ksize}, "
                        f"dilate {dilate}, pad {pad})", str(tuple(x.shape)))
    y, = Im2Col(geo.ConvGeometry(in_size, ksize, stride, pad, dilate, out)).apply((x,))
    return y
