"""``Convolution2D``: the 2-D convolution layer."""
from __future__ import annotations

from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.links.connection._convolution_base import (
    ConvolutionLinkBase,
    as_tuple,
    convolution_specs,
    weight_channels,
)
from kusari.variable import as_array


class Convolution2D(ConvolutionLinkBase):
    """2-D convolution layer over inputs of shape ``(N, C, H, W)``.

    Args:
        in_channels: input channels; None infers them from the first input
            (``Convolution2D(8, 3)`` means ``out_channels=8, ksize=3`` with
            the input channels inferred).
        out_channels: output channels.
        ksize: kernel size, an int or a pair.
        stride, pad: ints or pairs, as in ``kusari.functions.convolution_2d``.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W`` (default ``LeCunNormal()``).
        initial_bias: initializer, array or scalar for ``b`` (default 0).
        dilate: dilation factor, an int or a pair (keyword only, as in Chainer).
        groups: channel groups; both channel counts must be multiples of it
            (keyword only).

    Attributes:
        W: shape ``(out_channels, in_channels // groups, kh, kw)``.
        b: shape ``(out_channels,)``, or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.convolution_2d import Convolution2D
        >>> conv = Convolution2D(3, 8, 3, pad=1)
        >>> conv.W.shape, conv.b.shape
        ((8, 3, 3, 3), (8,))
        >>> lazy = Convolution2D(8, 3)                  # in_channels from the first input
        >>> lazy(np.ones((2, 5, 6, 6), np.float32)).shape, lazy.W.shape
        ((2, 8, 4, 4), (8, 5, 3, 3))
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None, *, dilate=1, groups=1):
        super().__init__(2, in_channels, out_channels, ksize, nobias, initialW, initial_bias, groups)
        self.stride = as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.dilate = as_tuple(dilate, 2)

    @classmethod
    def from_params(cls, W, b=None, stride=1, pad=0, nobias=False, *, dilate=1, groups=1):
        """A Convolution2D holding copies of ``W`` (and ``b``).

        Example:
            >>> import numpy as np
            >>> from kusari.links.connection.convolution_2d import Convolution2D
            >>> conv = Convolution2D.from_params(np.ones((4, 1, 3, 2), np.float32), groups=2)
            >>> conv.in_channels, conv.out_channels, conv.ksize
            (2, 4, (3, 2))
        """
        in_channels, out_channels, ksize = weight_channels(cls.__name__, W, b, groups)
        return cls(in_channels, out_channels, ksize, stride, pad, nobias,
                   initialW=as_array(W), initial_bias=as_array(b), dilate=dilate, groups=groups)

    printable_specs = convolution_specs

    def _apply(self, x):
        return convolution_2d(x, self.W, self.b, self.stride, self.pad, dilate=self.dilate,
                              groups=self.groups)
