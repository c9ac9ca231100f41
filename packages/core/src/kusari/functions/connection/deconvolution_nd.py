"""``deconvolution_nd`` (and its 1-d / 3-d spellings): transposed convolution, the adjoint of ``convolution_nd``.

The work is ``convolution_nd``'s gradient with respect to its input
(``DeconvolutionND``): one batched matrix product into column layout, then
col2im by strided slice additions.
"""
from __future__ import annotations

from kusari.functions.connection import _conv_geometry as geo
from kusari.functions.connection.convolution_nd import DeconvolutionND, check_bias, check_common
from kusari.utils import type_check


def deconvolve(name, x, W, b, stride, pad, outsize, dilate, groups, ndim):
    """Validate the arguments of a deconvolution of rank ``ndim`` (None: from ``x``) and apply it."""
    ndim = check_common(name, x, W, b, ndim, groups)
    stride = geo.as_tuple(name, "stride", stride, ndim, 1)
    pad = geo.as_tuple(name, "pad", pad, ndim, 0)
    dilate = geo.as_tuple(name, "dilate", dilate, ndim, 1)
    in_channels = x.shape[1]
    if W.shape[0] % groups:
        type_check.fail(name, "groups", f"a divisor of the input channels ({W.shape[0]})", repr(groups))
    if W.shape[0] != in_channels:
        type_check.fail(name, "x", f"{W.shape[0]} channels (W.shape[0]; W shape {tuple(W.shape)})",
                        f"shape {tuple(x.shape)}")
    out_channels = W.shape[1] * groups
    check_bias(name, b, out_channels)
    ksize, in_size = tuple(W.shape[2:]), tuple(x.shape[2:])
    spans = tuple(k + (k - 1) * (d - 1) for k, d in zip(ksize, dilate, strict=True))
    if outsize is None:
        outsize = tuple(s * (n - 1) + dk - 2 * p for n, s, dk, p in zip(in_size, stride, spans, pad, strict=True))
        if min(outsize) < 1:
            type_check.fail(name, "pad", f"at most half the default output size s*(in-1)+dk (stride {stride}, "
                            f"ksize {ksize}, dilate {dilate}, x shape {tuple(x.shape)})", repr(pad))
    else:
        outsize = geo.as_tuple(name, "outsize", outsize, ndim, 1)
        # Any outsize whose convolution (with or without cover_all) gives back x's size is valid.
        for n, o, k, s, p, d in zip(in_size, outsize, ksize, stride, pad, dilate, strict=True):
            lo, hi = geo.out_size(o, k, s, p, d, False), geo.out_size(o, k, s, p, d, True)
            if not lo <= n <= hi:
                type_check.fail(name, "outsize", f"sizes whose convolution gives x's spatial size {in_size} "
                                f"(stride {stride}, pad {pad}, ksize {ksize}, dilate {dilate})", repr(outsize))
    geometry = geo.ConvGeometry(outsize, ksize, stride, pad, dilate, in_size)
    inputs = (x, W) if b is None else (x, W, b)
    y, = DeconvolutionND(geometry, groups).apply(inputs)
    return y


def deconvolution_nd(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    """N-dimensional deconvolution (transposed convolution).

    The adjoint of :func:`~kusari.functions.connection.convolution_nd.convolution_nd`
    with the same ``W``: every input pixel spreads ``W``-weighted copies of
    itself over its patch of the output.

    Args:
        x: input of shape ``(N, C_in, d_1, ..., d_n)``.
        W: filter of shape ``(C_in, C_out // groups, k_1, ..., k_n)``.
        b: optional bias of shape ``(C_out,)``.
        stride, pad, dilate: an int or a tuple of ``n`` ints each.
        outsize: output spatial sizes; by default ``s*(in-1) + dk - 2p`` per
            axis with ``dk = k + (k - 1)(d - 1)``.  A given ``outsize`` must be
            one whose convolution (with or without ``cover_all``) has ``x``'s size.
        groups: split the channels into this many independent groups.

    Returns:
        A Variable of shape ``(N, C_out) + outsize``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.deconvolution_nd import deconvolution_nd
        >>> x = np.array([[[1, 2]]], np.float32)
        >>> W = np.array([[[1, 10, 100]]], np.float32)
        >>> deconvolution_nd(x, W).array
        array([[[  1.,  12., 120., 200.]]], dtype=float32)
        >>> deconvolution_nd(x, W, stride=2, outsize=(6,)).shape
        (1, 1, 6)
    """
    return deconvolve("deconvolution_nd", x, W, b, stride, pad, outsize, dilate, groups, None)


def deconvolution_1d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    """:func:`deconvolution_nd` for ``(N, C, L)`` inputs.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.deconvolution_nd import deconvolution_1d
        >>> deconvolution_1d(np.ones((1, 2, 3), np.float32), np.ones((2, 1, 2), np.float32), stride=2).array
        array([[[2., 2., 2., 2., 2., 2.]]], dtype=float32)
    """
    return deconvolve("deconvolution_1d", x, W, b, stride, pad, outsize, dilate, groups, 1)


def deconvolution_3d(x, W, b=None, stride=1, pad=0, outsize=None, dilate=1, groups=1):
    """:func:`deconvolution_nd` for ``(N, C, D, H, W)`` inputs.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.deconvolution_nd import deconvolution_3d
        >>> deconvolution_3d(np.ones((1, 1, 2, 2, 2), np.float32), np.ones((1, 3, 2, 2, 2), np.float32)).shape
        (1, 3, 3, 3, 3)
    """
    return deconvolve("deconvolution_3d", x, W, b, stride, pad, outsize, dilate, groups, 3)
