"""``im2col``: gather every convolution patch of ``(N, C, H, W)`` images into channels."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _out_size(size, k, s, p, d, cover_all):
    span = k + (k - 1) * (d - 1)  # the dilated kernel's extent
    if cover_all:
        return (size + 2 * p - span + s - 1) // s + 1
    return (size + 2 * p - span) // s + 1


class _Geometry:
    """Padding and the (kh, kw, oh, ow) index grids of one im2col call."""

    def __init__(self, shape, ksize, stride, pad, dilate, cover_all):
        h, w = shape[2:]
        self.in_shape = shape
        self.out = tuple(_out_size(n, k, s, p, d, cover_all)
                         for n, k, s, p, d in zip((h, w), ksize, stride, pad, dilate, strict=True))
        self.ksize = ksize
        # cover_all may read past the far edge: pad that side as far as the last patch reaches.
        self.pads = tuple((p, max(p, (o - 1) * s + (k - 1) * d + 1 - n - p))
                          for n, k, s, p, d, o in zip((h, w), ksize, stride, pad, dilate, self.out, strict=True))
        self._stride, self._dilate = stride, dilate

    def index(self, xp):
        (kh, kw), (oh, ow) = self.ksize, self.out
        (sy, sx), (dy, dx) = self._stride, self._dilate
        rows = (xp.arange(kh) * dy)[:, None, None, None] + (xp.arange(oh) * sy)[None, None, :, None]
        cols = (xp.arange(kw) * dx)[None, :, None, None] + (xp.arange(ow) * sx)[None, None, None, :]
        return slice(None), slice(None), rows, cols


class Im2Col(FunctionNode):
    def __init__(self, geometry):
        self._g = geometry

    @property
    def label(self):
        return "im2col"

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        g = self._g
        padded = xp.pad(x, ((0, 0), (0, 0)) + g.pads)
        n, c = x.shape[:2]
        cols = padded[g.index(xp)]  # (N, C, kh, kw, oh, ow)
        return cols.reshape(n, c * g.ksize[0] * g.ksize[1], *g.out),

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
        g = self._g
        n, c, h, w = g.in_shape
        (top, bottom), (left, right) = g.pads
        gx = xp.zeros((n, c, h + top + bottom, w + left + right), gy.dtype)
        xp.add.at(gx, g.index(xp), gy.reshape(n, c, *g.ksize, *g.out))
        return gx[:, :, top:top + h, left:left + w].copy(),

    def backward(self, indexes, grad_outputs):
        ggy, = Im2Col(self._g).apply(grad_outputs)
        return ggy,


def _check_pair(name, arg, value, minimum):
    pair = _pair(value)
    ok = len(pair) == 2 and all(isinstance(v, (int, numpy.integer)) and not isinstance(v, bool) and v >= minimum
                                for v in pair)
    if not ok:
        what = "positive" if minimum else "non-negative"
        type_check.fail(name, arg, f"a {what} int or a pair of them", repr(value))
    return tuple(int(v) for v in pair)


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
    ksize = _check_pair(name, "ksize", ksize, 1)
    stride = _check_pair(name, "stride", stride, 1)
    pad = _check_pair(name, "pad", pad, 0)
    dilate = _check_pair(name, "dilate", dilate, 1)
    geometry = _Geometry(tuple(x.shape), ksize, stride, pad, dilate, bool(cover_all))
    if min(geometry.out) < 1:
        type_check.fail(name, "x", f"an image at least as large as the dilated kernel (ksize {ksize}, "
                        f"dilate {dilate}, pad {pad})", str(tuple(x.shape)))
    y, = Im2Col(geometry).apply((x,))
    return y
