"""Shared N-d geometry of convolutions: argument checks, output sizes, im2col and col2im.

Everything works on raw arrays.  A convolution reads, for every kernel
offset ``k`` and output position ``o``, the (zero-padded) input pixel
``o*s + k*d - p`` along each spatial axis.  ``ConvGeometry`` holds those
numbers for one call; both convolution and its adjoint (deconvolution) use
it, with the roles of input and output swapped.
"""
from __future__ import annotations

import itertools

import numpy

from kusari.utils import type_check


def as_tuple(func, arg, value, ndim, minimum):
    """``value`` (an int or a sequence of ``ndim`` ints ``>= minimum``) as a tuple of ints."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * ndim
    ok = len(values) == ndim and all(
        isinstance(v, (int, numpy.integer)) and not isinstance(v, bool) and v >= minimum for v in values)
    if not ok:
        what = "positive" if minimum else "non-negative"
        several = "a pair" if ndim == 2 else f"a tuple of {ndim}"
        type_check.fail(func, arg, f"a {what} int or {several} of them", repr(value))
    return tuple(int(v) for v in values)


def out_size(size, k, s, p, d, cover_all=False):
    """Chainer's convolution output size along one axis (``cover_all`` adds a last, partial patch)."""
    span = k + (k - 1) * (d - 1)  # the dilated kernel's extent
    if cover_all:
        return (size + 2 * p - span + s - 1) // s + 1
    return (size + 2 * p - span) // s + 1


class ConvGeometry:
    """Sizes of one convolution: input ``in_size`` -> output ``out`` per spatial axis."""

    def __init__(self, in_size, ksize, stride, pad, dilate, out):
        self.in_size, self.ksize, self.stride = tuple(in_size), tuple(ksize), tuple(stride)
        self.pad, self.dilate, self.out = tuple(pad), tuple(dilate), tuple(out)
        # The far side is padded only as far as the last patch reaches: with
        # cover_all (or a deconvolution's outsize) that can exceed ``pad``.
        self.far_pad = tuple(max(0, (o - 1) * s + (k - 1) * d + 1 - n - p)
                             for n, k, s, p, d, o in zip(in_size, ksize, stride, pad, dilate, out, strict=True))
        self.padded = any(self.pad) or any(self.far_pad)

    def patches(self, x):
        """A strided view ``(N, C, *ksize, *out)`` of the zero-padded ``x`` (no copy besides the padding)."""
        from kusari import utils

        xp = utils._xp(x)
        if self.padded:
            x = xp.pad(x, ((0, 0), (0, 0)) + tuple(zip(self.pad, self.far_pad, strict=True)))
        batch_strides, spatial = x.strides[:2], x.strides[2:]
        strides = (batch_strides + tuple(st * d for st, d in zip(spatial, self.dilate, strict=True))
                   + tuple(st * s for st, s in zip(spatial, self.stride, strict=True)))
        return xp.lib.stride_tricks.as_strided(x, x.shape[:2] + self.ksize + self.out, strides)

    def columns(self, x, groups):
        """The patches of ``x`` as one contiguous ``(groups, C/groups * prod(ksize), N * prod(out))`` array.

        The batch sits next to the output positions so that each group is a
        single matrix product with ``W`` (one large GEMM instead of N small ones).
        """
        from kusari import utils

        xp = utils._xp(x)
        nd = len(self.out)
        # (N, C, *k, *out) -> (C, *k, N, *out), copied once into column layout.
        order = (1,) + tuple(range(2, 2 + nd)) + (0,) + tuple(range(2 + nd, 2 + 2 * nd))
        cols = xp.ascontiguousarray(self.patches(x).transpose(order))
        return cols.reshape(groups, -1, x.shape[0] * _prod(self.out))

    def _window(self, offset):
        """The input positions that kernel offset ``offset`` reads, as slices of the padded input."""
        return tuple(slice(k * d, k * d + s * (o - 1) + 1, s)
                     for k, d, s, o in zip(offset, self.dilate, self.stride, self.out, strict=True))

    def _padded_size(self):
        return tuple(i + p + f for i, p, f in zip(self.in_size, self.pad, self.far_pad, strict=True))

    def _crop(self):
        return tuple(slice(p, p + i) for p, i in zip(self.pad, self.in_size, strict=True))

    def col2im(self, cols, xp):
        """The adjoint of :meth:`patches`: add ``(N, C, *ksize, *out)`` patches back into an input-sized array."""
        n, c = cols.shape[:2]
        x = xp.zeros((n, c) + self._padded_size(), cols.dtype)
        # One strided slice per kernel offset (a handful), never numpy.add.at.
        for offset in itertools.product(*(range(k) for k in self.ksize)):
            x[(slice(None), slice(None)) + self._window(offset)] += cols[(slice(None), slice(None)) + offset]
        if not self.padded:
            return x
        return xp.ascontiguousarray(x[(slice(None), slice(None)) + self._crop()])

    def col2im_channels_last(self, cols, xp):
        """:meth:`col2im` for patches laid out ``(*ksize, G, *out, N, Cg)``; returns ``(N, G*Cg, *in)``.

        With the batch and channels innermost every slice addition runs over
        long contiguous rows, which beats :meth:`col2im` when the output rows are short.
        """
        nd = len(self.out)
        groups, n, cg = cols.shape[nd], cols.shape[-2], cols.shape[-1]
        x = xp.zeros((groups,) + self._padded_size() + (n, cg), cols.dtype)
        for offset in itertools.product(*(range(k) for k in self.ksize)):
            x[(slice(None),) + self._window(offset)] += cols[offset]
        if self.padded:
            x = x[(slice(None),) + self._crop()]
        # (G, *in, N, Cg) -> (N, G, Cg, *in)
        x = xp.ascontiguousarray(x.transpose((nd + 1, 0, nd + 2) + tuple(range(1, nd + 1))))
        return x.reshape((n, groups * cg) + self.in_size)


def _prod(values):
    out = 1
    for v in values:
        out *= v
    return out


def conv_forward(x, W, geometry, groups):
    """``y[n, o] = sum_{c, k} W[o, c, k] * x[n, g*Cg + c, o*s + k*d - p]`` on arrays; returns ``(y, columns)``.

    ``y`` is a transposed view of a ``(O, N, *out)`` array, as Chainer's own
    result was a view: copying it to ``(N, O, *out)`` would cost a pass.
    """
    from kusari import utils

    xp = utils._xp(x, W)
    n = x.shape[0]
    out_channels = W.shape[0]
    cols = geometry.columns(x, groups)  # (G, Cg*K, N*P)
    y = xp.matmul(W.reshape(groups, out_channels // groups, -1), cols)  # (G, Og, N*P)
    y = y.reshape(out_channels, n, -1).transpose(1, 0, 2)
    return y.reshape((n, out_channels) + geometry.out), cols


def conv_backward_data(gy, W, geometry, groups):
    """The adjoint of :func:`conv_forward` in ``x``: a deconvolution of ``gy`` by ``W``."""
    from kusari import utils

    xp = utils._xp(gy, W)
    n, out_channels = gy.shape[:2]
    og, cg = out_channels // groups, W.shape[1]
    nd = len(geometry.out)
    w = W.reshape(groups, og, cg, -1)
    if n * cg < 4 * geometry.out[-1]:
        # Long output rows: col2im over (N, C, *in) rows.
        gcols = xp.matmul(w.reshape(groups, og, -1).transpose(0, 2, 1), gy.reshape(n, groups, og, -1))
        return geometry.col2im(gcols.reshape((n, groups * cg) + geometry.ksize + geometry.out), xp)
    # Short output rows (deep layers): put the batch and channels innermost.
    gy_t = gy.reshape((n, groups, og) + geometry.out).transpose((1,) + tuple(range(3, 3 + nd)) + (0, 2))
    gy_t = xp.ascontiguousarray(gy_t).reshape(1, groups, -1, og)  # (1, G, P*N, Og)
    w_t = w.transpose(3, 0, 1, 2)  # (K, G, Og, Cg)
    gcols = xp.matmul(gy_t, w_t)  # (K, G, P*N, Cg)
    return geometry.col2im_channels_last(gcols.reshape(geometry.ksize + (groups,) + geometry.out + (n, cg)), xp)


def conv_backward_filter(x, gy, geometry, groups, w_shape, cols=None):
    """The derivative of ``<conv_forward(x, W), gy>`` in ``W`` (a correlation of ``x`` with ``gy``)."""
    from kusari import utils

    xp = utils._xp(x, gy)
    if cols is None:
        cols = geometry.columns(x, groups)  # (G, Cg*K, N*P)
    n, out_channels = gy.shape[:2]
    # (N, O, *out) -> (G, Og, N*P); free when gy has the forward output's (O, N, *out) layout.
    gy_t = xp.ascontiguousarray(gy.reshape(n, groups, out_channels // groups, -1).transpose(1, 2, 0, 3))
    gw = xp.matmul(gy_t.reshape(groups, out_channels // groups, -1), cols.transpose(0, 2, 1))  # (G, Og, Cg*K)
    return gw.reshape(w_shape)
