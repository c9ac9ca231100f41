"""``DeconvolutionND`` and its 1-D / 3-D shorthands: N-dimensional transposed convolution layers."""
from __future__ import annotations

from kusari.functions.connection.deconvolution_nd import deconvolution_nd
from kusari.links.connection._convolution_base import ConvolutionLinkBase, as_tuple


class DeconvolutionND(ConvolutionLinkBase):
    """N-dimensional transposed convolution (deconvolution) layer.

    Each spatial size grows to ``stride * (in - 1) + ksize - 2 * pad``
    (with dilation, ``dilate * (ksize - 1) + 1`` in place of ``ksize``),
    unless ``outsize`` picks one of the sizes a strided convolution maps back.

    Args:
        ndim: the number of spatial axes.
        in_channels: input channels; None infers them from the first input
            (``DeconvolutionND(2, 8, 3)`` means ``out_channels=8, ksize=3``).
        out_channels: output channels.
        ksize, stride, pad, dilate: ints or ``ndim``-tuples.
        nobias: no bias (``self.b`` is None).
        outsize: the output's spatial shape, or None to compute it.
        initialW: initializer, array or scalar for ``W`` (default ``LeCunNormal()``).
        initial_bias: initializer, array or scalar for ``b`` (default 0).
        groups: channel groups; both channel counts must be multiples of it.

    Attributes:
        W: shape ``(in_channels, out_channels // groups, *ksize)``.
        b: shape ``(out_channels,)``, or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.deconvolution_nd import DeconvolutionND
        >>> deconv = DeconvolutionND(2, 3, 2, 4, stride=2, pad=1)
        >>> deconv.W.shape
        (3, 2, 4, 4)
        >>> deconv(np.ones((1, 3, 5, 5), np.float32)).shape
        (1, 2, 10, 10)
    """

    transposed_weight = True   # W is (in_channels, out_channels // groups, *ksize)

    def __init__(self, ndim, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(ndim, in_channels, out_channels, ksize, nobias, initialW, initial_bias, groups)
        self.ksize = as_tuple(self.ksize, ndim)   # the N-D links keep ksize as a tuple
        self.stride = stride
        self.pad = pad
        self.outsize = outsize
        self.dilate = as_tuple(dilate, ndim)

    def _apply(self, x):
        return deconvolution_nd(x, self.W, self.b, self.stride, self.pad, outsize=self.outsize,
                                dilate=self.dilate, groups=self.groups)


class Deconvolution1D(DeconvolutionND):
    """1-D transposed convolution layer: ``DeconvolutionND(1, ...)`` (``ksize`` is required).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.deconvolution_nd import Deconvolution1D
        >>> deconv = Deconvolution1D(2, 3, 3)
        >>> deconv(np.ones((4, 2, 5), np.float32)).shape, deconv.W.shape
        ((4, 3, 7), (2, 3, 3))
    """

    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0, nobias=False, outsize=None,
                 initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(1, in_channels, out_channels, ksize, stride, pad, nobias, outsize, initialW,
                         initial_bias, dilate, groups)


class Deconvolution3D(DeconvolutionND):
    """3-D transposed convolution layer: ``DeconvolutionND(3, ...)`` (``ksize`` is required).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.deconvolution_nd import Deconvolution3D
        >>> deconv = Deconvolution3D(None, 3, 2)      # in_channels from the first input
        >>> deconv(np.ones((1, 2, 2, 2, 2), np.float32)).shape, deconv.W.shape
        ((1, 3, 3, 3, 3), (2, 3, 2, 2, 2))
    """

    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0, nobias=False, outsize=None,
                 initialW=None, initial_bias=None, dilate=1, groups=1):
        super().__init__(3, in_channels, out_channels, ksize, stride, pad, nobias, outsize, initialW,
                         initial_bias, dilate, groups)
