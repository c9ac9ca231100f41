"""``DilatedConvolution2D``: a 2-D convolution layer with a dilated kernel."""
from __future__ import annotations

from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.links.connection._convolution_base import ConvolutionLinkBase, as_tuple


class DilatedConvolution2D(ConvolutionLinkBase):
    """2-D convolution whose kernel taps are ``dilate`` pixels apart.

    The same layer as ``Convolution2D(..., dilate=d)`` with ``dilate`` as a
    positional argument (Chainer's older spelling).

    Args:
        in_channels: input channels; None infers them from the first input
            (``DilatedConvolution2D(8, 3)`` means ``out_channels=8, ksize=3``).
        out_channels: output channels.
        ksize, stride, pad, dilate: ints or pairs.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W`` (default ``LeCunNormal()``).
        initial_bias: initializer, array or scalar for ``b`` (default 0).

    Attributes:
        W: shape ``(out_channels, in_channels, kh, kw)``.
        b: shape ``(out_channels,)``, or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.dilated_convolution_2d import DilatedConvolution2D
        >>> conv = DilatedConvolution2D(2, 4, 3, dilate=2)   # a 5x5 receptive field
        >>> conv(np.ones((1, 2, 7, 7), np.float32)).shape
        (1, 4, 3, 3)
    """

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, dilate=1, nobias=False,
                 initialW=None, initial_bias=None):
        super().__init__(2, in_channels, out_channels, ksize, nobias, initialW, initial_bias)
        self.stride = as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.dilate = as_tuple(dilate, 2)

    def _apply(self, x):
        return convolution_2d(x, self.W, self.b, self.stride, self.pad, dilate=self.dilate)
