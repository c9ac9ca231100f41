"""``convolution_nd`` (and its 1-d / 3-d spellings): N-dimensional convolution with groups and dilation.

One implementation serves every spatial rank: im2col as a strided view of
the padded input, one copy into column layout, one batched matrix product
over the groups.  Three FunctionNodes differentiate into each other, so any
order of gradient works::

    ConvolutionND      y  = conv(x, W) (+ b)   gx = DeconvolutionND(gy, W), gW = ConvolutionNDGradW(x, gy)
    DeconvolutionND    y  = deconv(x, W) (+ b) gx = ConvolutionND(gy, W),   gW = ConvolutionNDGradW(gy, x)
    ConvolutionNDGradW gW = corr(x, gy)        gx = DeconvolutionND(gy, ggW), ggy = ConvolutionND(x, ggW)
"""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.functions.connection import _conv_geometry as geo
from kusari.utils import type_check


def _bias_grad(gy):
    from kusari.functions.math.sum import Sum

    gb, = Sum((0,) + tuple(range(2, gy.ndim)), False).apply((gy,))
    return gb


def _with_bias(y, inputs):
    """``y`` plus the bias ``inputs[2]`` along the channel axis, when there is one."""
    if len(inputs) == 3:
        y += inputs[2].reshape((1, -1) + (1,) * (y.ndim - 2))  # y is fresh: add in place
    return y


class ConvolutionND(FunctionNode):
    """``y = conv(x, W) + b`` for ``x`` ``(N, C, *in)`` and ``W`` ``(O, C/groups, *k)``."""

    def __init__(self, geometry, groups):
        self._g, self._groups = geometry, groups
        self._cols = None

    @property
    def label(self):
        return "convolution_nd"

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, W = inputs[:2]
        y, cols = geo.conv_forward(x, W, self._g, self._groups)
        # Kept for W's gradient (saves a second im2col); dropped with this
        # node when no graph is recorded, and after the first backward.
        self._cols = cols
        return _with_bias(y, inputs),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        x, W = self.get_retained_inputs()
        cols, self._cols = self._cols, None
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(DeconvolutionND(self._g, self._groups).apply((gy, W))[0])
            elif i == 1:
                ret.append(ConvolutionNDGradW(self._g, self._groups, W.shape, cols).apply((x, gy))[0])
            else:
                ret.append(_bias_grad(gy))
        return ret


class DeconvolutionND(FunctionNode):
    """The adjoint of ``ConvolutionND`` in ``x``: ``y = deconv(x, W) + b``, ``x`` ``(N, O, *out)``."""

    def __init__(self, geometry, groups):
        self._g, self._groups = geometry, groups

    @property
    def label(self):
        return "deconvolution_nd"

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, W = inputs[:2]
        return _with_bias(geo.conv_backward_data(x, W, self._g, self._groups), inputs),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        x, W = self.get_retained_inputs()
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(ConvolutionND(self._g, self._groups).apply((gy, W))[0])
            elif i == 1:
                ret.append(ConvolutionNDGradW(self._g, self._groups, W.shape).apply((gy, x))[0])
            else:
                ret.append(_bias_grad(gy))
        return ret


class ConvolutionNDGradW(FunctionNode):
    """``gW`` of a convolution from ``(x, gy)``: the correlation of the input with the output gradient."""

    def __init__(self, geometry, groups, w_shape, cols=None):
        self._g, self._groups, self._w_shape, self._cols = geometry, groups, tuple(w_shape), cols

    @property
    def label(self):
        return "convolution_nd_grad_w"

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, gy = inputs
        cols, self._cols = self._cols, None
        return geo.conv_backward_filter(x, gy, self._g, self._groups, self._w_shape, cols),

    def backward(self, indexes, grad_outputs):
        ggW, = grad_outputs
        x, gy = self.get_retained_inputs()
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(DeconvolutionND(self._g, self._groups).apply((gy, ggW))[0])
            else:
                ret.append(ConvolutionND(self._g, self._groups).apply((x, ggW))[0])
        return ret


def check_common(name, x, W, b, ndim, groups):
    """Checks shared by convolution and deconvolution: ranks, dtypes, ``groups`` and ``b``'s type."""
    if ndim is None:
        type_check.expect_min_ndim(name, "x", x, 3)
        ndim = x.ndim - 2
    else:
        type_check.expect_ndim(name, "x", x, ndim + 2)
    if W.ndim != ndim + 2:
        type_check.fail(name, "W", f"{ndim + 2} dimensions (as 'x', shape {tuple(x.shape)})",
                        f"{W.ndim} (shape {tuple(W.shape)})")
    type_check.expect_float(name, "x", x)
    type_check.expect_same_dtype(name, "W", W, "x", x)
    if b is not None:
        type_check.expect_same_dtype(name, "b", b, "x", x)
    if not isinstance(groups, int) or isinstance(groups, bool) or groups < 1:
        type_check.fail(name, "groups", "a positive int", repr(groups))
    return ndim


def check_bias(name, b, channels):
    if b is not None and tuple(b.shape) != (channels,):
        type_check.fail(name, "b", f"shape ({channels},) (the output channels)", str(tuple(b.shape)))


def convolve(name, x, W, b, stride, pad, cover_all, dilate, groups, ndim):
    """Validate the arguments of a convolution of rank ``ndim`` (None: from ``x``) and apply it."""
    ndim = check_common(name, x, W, b, ndim, groups)
    stride = geo.as_tuple(name, "stride", stride, ndim, 1)
    pad = geo.as_tuple(name, "pad", pad, ndim, 0)
    dilate = geo.as_tuple(name, "dilate", dilate, ndim, 1)
    in_channels, out_channels = x.shape[1], W.shape[0]
    if in_channels % groups or out_channels % groups:
        type_check.fail(name, "groups", f"a divisor of the input channels ({in_channels}) and of the output "
                        f"channels ({out_channels})", repr(groups))
    if W.shape[1] * groups != in_channels:
        type_check.fail(name, "x", f"{W.shape[1] * groups} channels (W.shape[1] * groups; W shape "
                        f"{tuple(W.shape)}, groups {groups})", f"shape {tuple(x.shape)}")
    check_bias(name, b, out_channels)
    ksize, in_size = tuple(W.shape[2:]), tuple(x.shape[2:])
    out = tuple(geo.out_size(n, k, s, p, d, bool(cover_all))
                for n, k, s, p, d in zip(in_size, ksize, stride, pad, dilate, strict=True))
    if min(out) < 1:
        type_check.fail(name, "x", f"spatial size at least the dilated kernel's (ksize {ksize}, dilate {dilate}, "
                        f"pad {pad})", f"shape {tuple(x.shape)}")
    geometry = geo.ConvGeometry(in_size, ksize, stride, pad, dilate, out)
    inputs = (x, W) if b is None else (x, W, b)
    y, = ConvolutionND(geometry, groups).apply(inputs)
    return y


def convolution_nd(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    """N-dimensional convolution (cross-correlation, as in Chainer).

    ``y[n, o, i...] = b[o] + sum_{c, k...} W[o, c, k...] * x[n, g*C/G + c, i*s + k*d - p ...]``
    where ``g`` is the group of output channel ``o``.

    Args:
        x: input of shape ``(N, C, d_1, ..., d_n)``.
        W: filter of shape ``(O, C // groups, k_1, ..., k_n)``, ``x``'s dtype.
        b: optional bias of shape ``(O,)``.
        stride, pad, dilate: an int or a tuple of ``n`` ints each.
        cover_all: add a last, partial patch per axis so that every input
            pixel is used: ``out = (in + 2p - dk + s - 1) // s + 1`` instead of
            ``(in + 2p - dk) // s + 1`` with ``dk = k + (k - 1)(d - 1)``.
        groups: split the channels into this many independent groups.

    Returns:
        A Variable of shape ``(N, O, out_1, ..., out_n)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.convolution_nd import convolution_nd
        >>> x = np.arange(5, dtype=np.float32).reshape(1, 1, 5)
        >>> W = np.array([[[1, 0, -1]]], np.float32)
        >>> convolution_nd(x, W).array
        array([[[-2., -2., -2.]]], dtype=float32)
        >>> convolution_nd(np.ones((2, 4, 3, 3, 3), np.float32), np.ones((6, 2, 2, 2, 2), np.float32),
        ...                groups=2).shape
        (2, 6, 2, 2, 2)
    """
    return convolve("convolution_nd", x, W, b, stride, pad, cover_all, dilate, groups, None)


def convolution_1d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    """:func:`convolution_nd` for ``(N, C, L)`` inputs.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.convolution_nd import convolution_1d
        >>> convolution_1d(np.ones((1, 2, 5), np.float32), np.ones((3, 2, 2), np.float32), stride=2).array
        array([[[4., 4.],
                [4., 4.],
                [4., 4.]]], dtype=float32)
    """
    return convolve("convolution_1d", x, W, b, stride, pad, cover_all, dilate, groups, 1)


def convolution_3d(x, W, b=None, stride=1, pad=0, cover_all=False, dilate=1, groups=1):
    """:func:`convolution_nd` for ``(N, C, D, H, W)`` inputs.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.convolution_nd import convolution_3d
        >>> convolution_3d(np.ones((1, 1, 3, 3, 3), np.float32), np.ones((1, 1, 2, 2, 2), np.float32),
        ...                pad=1).shape
        (1, 1, 4, 4, 4)
    """
    return convolve("convolution_3d", x, W, b, stride, pad, cover_all, dilate, groups, 3)
