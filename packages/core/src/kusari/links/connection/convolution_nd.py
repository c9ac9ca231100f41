"""``ConvolutionND`` and its 1-D / 3-D shorthands: N-dimensional convolution layers."""
from __future__ import annotations

from kusari.functions.connection.convolution_nd import convolution_nd
from kusari.links.connection._convolution_base import (
    ConvolutionLinkBase,
    as_tuple,
    convolution_specs,
    weight_channels,
)
from kusari.variable import as_array


class ConvolutionND(ConvolutionLinkBase):
    """N-dimensional convolution layer over inputs of shape ``(N, C, d_1, ..., d_ndim)``.

    Args:
        ndim: the number of spatial axes.
        in_channels: input channels; None infers them from the first input
            (``ConvolutionND(2, 8, 3)`` means ``out_channels=8, ksize=3`` with
            the input channels inferred).
        out_channels: output channels.
        ksize: kernel size, an int or an ``ndim``-tuple.
        stride, pad, dilate: ints or ``ndim``-tuples, as in
            ``kusari.functions.convolution_nd``.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W`` (default ``LeCunNormal()``).
        initial_bias: initializer, array or scalar for ``b`` (default 0).
        cover_all: output size covers every input element (extra windows).
        groups: channel groups; both channel counts must be multiples of it.

    Attributes:
        W: shape ``(out_channels, in_channels // groups, *ksize)``.
        b: shape ``(out_channels,)``, or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.convolution_nd import ConvolutionND
        >>> conv = ConvolutionND(3, 2, 4, 3, pad=1)
        >>> conv.W.shape
        (4, 2, 3, 3, 3)
        >>> conv(np.ones((1, 2, 5, 5, 5), np.float32)).shape
        (1, 4, 5, 5, 5)
    """

    def __init__(self, ndim, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(ndim, in_channels, out_channels, ksize, nobias, initialW, initial_bias, groups)
        self.ksize = as_tuple(self.ksize, ndim)   # the N-D links keep ksize as a tuple
        self.stride = stride
        self.pad = pad
        self.cover_all = cover_all
        self.dilate = as_tuple(dilate, ndim)

    @classmethod
    def from_params(cls, W, b=None, stride=1, pad=0, nobias=False, *, cover_all=False, dilate=1,
                    groups=1):
        """A ConvolutionND holding copies of ``W`` (and ``b``); ``ndim`` comes from ``W``.

        Example:
            >>> import numpy as np
            >>> from kusari.links.connection.convolution_nd import ConvolutionND
            >>> conv = ConvolutionND.from_params(np.ones((4, 2, 3), np.float32))
            >>> conv.in_channels, conv.out_channels, conv.ksize
            (2, 4, (3,))
        """
        in_channels, out_channels, ksize = weight_channels(cls.__name__, W, b, groups)
        return cls(len(ksize), in_channels, out_channels, ksize, stride, pad, nobias,
                   initialW=as_array(W), initial_bias=as_array(b), cover_all=cover_all, dilate=dilate,
                   groups=groups)

    printable_specs = convolution_specs

    def _apply(self, x):
        return convolution_nd(x, self.W, self.b, self.stride, self.pad, cover_all=self.cover_all,
                              dilate=self.dilate, groups=self.groups)


class Convolution1D(ConvolutionND):
    """1-D convolution layer: ``ConvolutionND(1, ...)`` (``ksize`` is required).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.convolution_nd import Convolution1D
        >>> conv = Convolution1D(2, 3, 3)
        >>> conv(np.ones((4, 2, 7), np.float32)).shape, conv.W.shape
        ((4, 3, 5), (3, 2, 3))
    """

    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0, nobias=False, initialW=None,
                 initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(1, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
                         cover_all, dilate, groups)


class Convolution3D(ConvolutionND):
    """3-D convolution layer: ``ConvolutionND(3, ...)`` (``ksize`` is required).

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.convolution_nd import Convolution3D
        >>> conv = Convolution3D(None, 3, 2)        # in_channels from the first input
        >>> conv(np.ones((1, 2, 3, 3, 3), np.float32)).shape, conv.W.shape
        ((1, 3, 2, 2, 2), (3, 2, 2, 2, 2))
    """

    def __init__(self, in_channels, out_channels, ksize, stride=1, pad=0, nobias=False, initialW=None,
                 initial_bias=None, cover_all=False, dilate=1, groups=1):
        super().__init__(3, in_channels, out_channels, ksize, stride, pad, nobias, initialW, initial_bias,
                         cover_all, dilate, groups)
