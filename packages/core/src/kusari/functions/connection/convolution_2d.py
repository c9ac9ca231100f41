"""``convolution_2d``: 2-d convolution of ``(N, C, H, W)`` images (a thin wrapper of the N-d code)."""
from __future__ import annotations

from kusari.functions.connection.convolution_nd import convolve


def convolution_2d(x, W, b=None, stride=1, pad=0, cover_all=False, *, dilate=1, groups=1):
    """Two-dimensional convolution (cross-correlation, as in Chainer).

    ``y[n, o, i, j] = b[o] + sum_{c, ky, kx} W[o, c, ky, kx] * x[n, g*C/G + c, i*sy + ky*dy - ph, j*sx + kx*dx - pw]``
    with zero padding and ``g`` the group of output channel ``o``.

    Args:
        x: images of shape ``(N, C, H, W)``.
        W: filter of shape ``(O, C // groups, kh, kw)``, ``x``'s dtype.
        b: optional bias of shape ``(O,)``.
        stride: an int or ``(sy, sx)``.
        pad: zero padding, an int or ``(ph, pw)``.
        cover_all: per axis ``out = (in + 2p - dk + s - 1) // s + 1`` (every
            pixel is in some patch) instead of ``(in + 2p - dk) // s + 1``,
            where ``dk = k + (k - 1)(d - 1)``.
        dilate: kernel dilation, an int or ``(dy, dx)``.
        groups: split the channels into this many independent groups.

    Returns:
        A Variable of shape ``(N, O, out_H, out_W)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.convolution_2d import convolution_2d
        >>> x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
        >>> W = np.ones((1, 1, 2, 2), np.float32)
        >>> convolution_2d(x, W, stride=2).array
        array([[[[10., 18.],
                 [42., 50.]]]], dtype=float32)
        >>> convolution_2d(x, W, pad=1, cover_all=True, stride=3).shape
        (1, 1, 3, 3)
    """
    return convolve("convolution_2d", x, W, b, stride, pad, cover_all, dilate, groups, 2)
