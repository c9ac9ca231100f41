"""``deconvolution_2d``: transposed 2-d convolution (a thin wrapper of the N-d code)."""
from __future__ import annotations

from kusari.functions.connection.deconvolution_nd import deconvolve


def deconvolution_2d(x, W, b=None, stride=1, pad=0, outsize=None, *, dilate=1, groups=1):
    """Two-dimensional deconvolution (transposed convolution), the adjoint of ``convolution_2d``.

    Args:
        x: images of shape ``(N, C_in, H, W)``.
        W: filter of shape ``(C_in, C_out // groups, kh, kw)``, ``x``'s dtype.
        b: optional bias of shape ``(C_out,)``.
        stride: an int or ``(sy, sx)``.
        pad: an int or ``(ph, pw)``: rows/columns cut from each border of the result.
        outsize: ``(out_H, out_W)``; by default ``s*(in-1) + dk - 2p`` per
            axis with ``dk = k + (k - 1)(d - 1)``.  A given ``outsize`` must be
            one whose convolution (with or without ``cover_all``) has ``x``'s size.
        dilate: kernel dilation, an int or ``(dy, dx)``.
        groups: split the channels into this many independent groups.

    Returns:
        A Variable of shape ``(N, C_out, out_H, out_W)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.deconvolution_2d import deconvolution_2d
        >>> x = np.array([[[[1, 2], [3, 4]]]], np.float32)
        >>> deconvolution_2d(x, np.ones((1, 1, 2, 2), np.float32), stride=2).array
        array([[[[1., 1., 2., 2.],
                 [1., 1., 2., 2.],
                 [3., 3., 4., 4.],
                 [3., 3., 4., 4.]]]], dtype=float32)
        >>> deconvolution_2d(x, np.ones((1, 3, 3, 3), np.float32), stride=2, pad=1, outsize=(4, 4)).shape
        (1, 3, 4, 4)
    """
    return deconvolve("deconvolution_2d", x, W, b, stride, pad, outsize, dilate, groups, 2)
