"""``Deconvolution2D``: the 2-D transposed convolution layer."""
from __future__ import annotations

from kusari.functions.connection.deconvolution_2d import deconvolution_2d
from kusari.links.connection._convolution_base import ConvolutionLinkBase, as_tuple


class Deconvolution2D(ConvolutionLinkBase):
    """2-D transposed convolution (deconvolution) layer over ``(N, C, H, W)`` inputs.

    The output height is ``stride * (h - 1) + ksize - 2 * pad`` (likewise the
    width), unless ``outsize`` picks another size a strided convolution maps back.

    Args:
        in_channels: input channels; None infers them from the first input
            (``Deconvolution2D(8, 3)`` means ``out_channels=8, ksize=3``).
        out_channels: output channels.
        ksize, stride, pad: ints or pairs.
        nobias: no bias (``self.b`` is None).
        outsize: the output's ``(h, w)``, or None to compute it.
        initialW: initializer, array or scalar for ``W`` (default ``LeCunNormal()``).
        initial_bias: initializer, array or scalar for ``b`` (default 0).
        dilate: dilation factor, an int or a pair (keyword only, as in Chainer).
        groups: channel groups (keyword only).

    Attributes:
        W: shape ``(in_channels, out_channels // groups, kh, kw)``.
        b: shape ``(out_channels,)``, or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection.deconvolution_2d import Deconvolution2D
        >>> deconv = Deconvolution2D(3, 2, 4, stride=2, pad=1)
        >>> deconv.W.shape
        (3, 2, 4, 4)
        >>> deconv(np.ones((1, 3, 5, 5), np.float32)).shape
        (1, 2, 10, 10)
    """

    transposed_weight = True   # W is (in_channels, out_channels // groups, *ksize)

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, *, dilate=1, groups=1):
        super().__init__(2, in_channels, out_channels, ksize, nobias, initialW, initial_bias, groups)
        self.stride = as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.dilate = as_tuple(dilate, 2)
        self.outsize = (None, None) if outsize is None else outsize

    def _apply(self, x):
        # Chainer keeps (None, None) for "compute it"; the function takes None.
        outsize = None if tuple(self.outsize) == (None, None) else self.outsize
        return deconvolution_2d(x, self.W, self.b, self.stride, self.pad, outsize, dilate=self.dilate,
                                groups=self.groups)
