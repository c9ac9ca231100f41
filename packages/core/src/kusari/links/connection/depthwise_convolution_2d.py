"""``DepthwiseConvolution2D``: a per-channel 2-D convolution layer."""
from __future__ import annotations

import numpy

from kusari import initializers
from kusari.functions.connection.depthwise_convolution_2d import depthwise_convolution_2d
from kusari.link import Link
from kusari.links.connection._convolution_base import as_tuple
from kusari.variable import Parameter


class DepthwiseConvolution2D(Link):
    """Depthwise convolution: each input channel has its own ``channel_multiplier`` filters.

    The output has ``in_channels * channel_multiplier`` channels.

    Args:
        in_channels: input channels, or None to infer them from the first
            input (then ``b`` is shaped on that call too).
        channel_multiplier: filters per input channel.
        ksize, stride, pad: ints or pairs.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W`` (default
            ``HeNormal(1 / sqrt(2))``, as in Chainer).
        initial_bias: initializer, array or scalar for ``b`` (default 0).

    Attributes:
        W: shape ``(channel_multiplier, in_channels, kh, kw)``.
        b: shape ``(in_channels * channel_multiplier,)``, or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.depthwise_convolution_2d import DepthwiseConvolution2D
        >>> conv = DepthwiseConvolution2D(3, 2, 3, pad=1)
        >>> conv.W.shape, conv.b.shape
        ((2, 3, 3, 3), (6,))
        >>> conv(np.ones((1, 3, 4, 4), np.float32)).shape
        (1, 6, 4, 4)
    """

    def __init__(self, in_channels, channel_multiplier, ksize, stride=1, pad=0, nobias=False,
                 initialW=None, initial_bias=None):
        super().__init__()
        self.in_channels = in_channels
        self.channel_multiplier = channel_multiplier
        self.ksize = ksize
        self.stride = as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.nobias = nobias
        if initialW is None:
            initialW = initializers.HeNormal(1 / numpy.sqrt(2))
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if nobias:
                self.b = None
            else:
                self.b = Parameter(initializers._get_initializer(0 if initial_bias is None else initial_bias))
        if in_channels is not None:
            self._initialize_params(in_channels)

    def _initialize_params(self, in_channels):
        self.W.initialize((self.channel_multiplier, in_channels) + as_tuple(self.ksize, 2))
        if self.b is not None:
            self.b.initialize((self.channel_multiplier * in_channels,))

    def forward(self, x):
        """Convolve each channel of ``x`` (shape ``(N, C, H, W)``) with its own filters."""
        if self.W._data is None:
            self._initialize_params(x.shape[1])
        return depthwise_convolution_2d(x, self.W, self.b, self.stride, self.pad)
