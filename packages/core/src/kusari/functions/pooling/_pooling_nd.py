"""Window geometry and argument checks shared by the pooling functions.

Every pooling function relates a *big* array (the pooled input, or the
unpooled output) to a *small* one: small position ``i`` and kernel offset
``a`` read big position ``i*s + a - p`` along each spatial axis.  Rather than
materialise the patches (im2col), each kernel offset is one strided slice of
the padded big array, so a reduction is a loop over the ``prod(ksize)``
offsets with one vectorised op per offset, and its adjoint adds (or, when the
windows do not overlap, writes) the small array into the same slices.
"""
from __future__ import annotations

import itertools

import numpy

from kusari.utils import type_check


def conv_out_size(size, k, s, p, cover_all):
    """Number of windows along one axis (Chainer's ``get_conv_outsize``)."""
    if cover_all:
        return (size + 2 * p - k + s - 1) // s + 1
    return (size + 2 * p - k) // s + 1


def deconv_out_size(size, k, s, p, cover_all):
    """Unpooled length along one axis (Chainer's ``get_deconv_outsize``)."""
    if cover_all:
        return s * (size - 1) + k - s + 1 - 2 * p
    return s * (size - 1) + k - 2 * p


def int_tuple(func, arg, value, ndim, minimum):
    """``value`` (an int or a sequence of ``ndim`` ints ``>= minimum``) as a tuple."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * ndim
    ok = len(values) == ndim and all(
        isinstance(v, (int, numpy.integer)) and not isinstance(v, bool) and v >= minimum for v in values)
    if not ok:
        what = "positive" if minimum else "non-negative"
        type_check.fail(func, arg, f"a {what} int or a tuple of {ndim} of them", repr(value))
    return tuple(int(v) for v in values)


def pooling_args(func, x, ksize, stride, pad, ndim=None):
    """Check ``x`` and normalise ``ksize``/``stride``/``pad`` (``stride=None`` means ``ksize``)."""
    if ndim is None:
        type_check.expect_min_ndim(func, "x", x, 3)
        ndim = x.ndim - 2
    else:
        type_check.expect_ndim(func, "x", x, ndim + 2)
    type_check.expect_float(func, "x", x)
    ksize = int_tuple(func, "ksize", ksize, ndim, 1)
    stride = ksize if stride is None else int_tuple(func, "stride", stride, ndim, 1)
    pad = int_tuple(func, "pad", pad, ndim, 0)
    return ksize, stride, pad


def pooled_windows(func, x, ksize, stride, pad, cover_all):
    """The ``Windows`` of pooling ``x``; fails when some axis has no window."""
    big = tuple(x.shape[2:])
    small = tuple(conv_out_size(n, k, s, p, cover_all) for n, k, s, p in zip(big, ksize, stride, pad, strict=True))
    if min(small) < 1:
        type_check.fail(func, "x", f"spatial sizes of at least one window (ksize {ksize}, pad {pad})",
                        str(tuple(x.shape)))
    return Windows(big, small, ksize, stride, pad)


def unpooled_windows(func, x, ksize, stride, pad, outsize, cover_all):
    """The ``Windows`` of unpooling ``x`` to ``outsize`` (None: the size pooling would invert)."""
    small = tuple(x.shape[2:])
    ndim = len(small)
    if outsize is None:
        big = tuple(deconv_out_size(n, k, s, p, cover_all) for n, k, s, p in zip(small, ksize, stride, pad, strict=True))
        if min(big) < 1:
            type_check.fail(func, "x", f"spatial sizes giving a positive output size (ksize {ksize}, pad {pad})",
                            str(tuple(x.shape)))
    else:
        big = int_tuple(func, "outsize", outsize, ndim, 1)
        expected = tuple(conv_out_size(n, k, s, p, cover_all) for n, k, s, p in zip(big, ksize, stride, pad, strict=True))
        if expected != small:
            type_check.fail(func, "x", f"spatial shape {expected} (what pooling outsize {big} gives)", str(small))
    return Windows(big, small, ksize, stride, pad)


class Windows:
    """Where each kernel offset of each small position lies in the padded big array."""

    def __init__(self, big, small, ksize, stride, pad):
        self.big, self.small, self.ksize, self.stride = big, small, ksize, stride
        # Pad the far side only as far as the last window reaches (cover_all or
        # an unpooling outsize may need more than ``pad``, or less).
        self.pads = tuple((p, max(0, (o - 1) * s + k - p - n))
                          for n, o, k, s, p in zip(big, small, ksize, stride, pad, strict=True))
        self.padded = any(lo or hi for lo, hi in self.pads)
        self.overlap = any(s < k for s, k in zip(stride, ksize, strict=True))
        # The windows tile the big array exactly: every element is written once.
        self.tiled = not self.padded and all(s == k and o * k == n for n, o, k, s in
                                             zip(big, small, ksize, stride, strict=True))
        per_axis = [[slice(a, a + (o - 1) * s + 1, s) for a in range(k)]
                    for o, k, s in zip(small, ksize, stride, strict=True)]
        lead = (slice(None), slice(None))
        self.slices = [lead + combo for combo in itertools.product(*per_axis)]
        self.size = len(self.slices)

    def pad(self, xp, x, value=0):
        if not self.padded:
            return x
        return xp.pad(x, ((0, 0), (0, 0)) + self.pads, constant_values=value)

    def new_big(self, xp, lead, dtype, fully_written=False):
        """A padded big buffer: zeros, unless the caller writes every element of it."""
        shape = lead + tuple(n + lo + hi for n, (lo, hi) in zip(self.big, self.pads, strict=True))
        return xp.empty(shape, dtype) if fully_written and self.tiled else xp.zeros(shape, dtype)

    def crop(self, buf):
        if not self.padded:
            return buf
        inner = tuple(slice(lo, lo + n) for n, (lo, _) in zip(self.big, self.pads, strict=True))
        # A copy: a view would keep the padded buffer alive and be non-contiguous.
        return buf[(slice(None), slice(None)) + inner].copy()

    def flat_positions(self, xp, index):
        """Where offset ``index[i]`` of window ``i`` lies in the flattened padded big array.

        One fancy-indexing op instead of a loop over offsets: several times
        faster, because a strided slice of a small pooled image is a loop of
        a few elements per row in NumPy.
        """
        padded = [n + lo + hi for n, (lo, hi) in zip(self.big, self.pads, strict=True)]
        strides = [int(numpy.prod(padded[d + 1:])) for d in range(len(padded))]
        table = numpy.zeros(self.ksize, numpy.intp)
        starts = numpy.zeros(self.small, numpy.intp)
        for d, (k, o, s, st) in enumerate(zip(self.ksize, self.small, self.stride, strides, strict=True)):
            shape = [1] * len(padded)
            shape[d] = k
            table = table + (numpy.arange(k) * st).reshape(shape)
            shape[d] = o
            starts = starts + (numpy.arange(o) * (s * st)).reshape(shape)
        lead = index.shape[0] * index.shape[1]
        pos = xp.asarray(table.ravel())[index].reshape(lead, -1)
        pos += xp.asarray(starts.ravel())
        pos += xp.arange(0, lead * int(numpy.prod(padded)), int(numpy.prod(padded)))[:, None]
        return pos.reshape(index.shape)

    def index_dtype(self):
        return numpy.int8 if self.size <= 127 else numpy.int32
