"""``Deconvolution2D``: the 2-D transposed convolution layer."""
from __future__ import annotations

from kusari import initializers
from kusari.functions.connection.deconvolution_2d import deconvolution_2d
from kusari.link import Link
from kusari.links.connection.convolution_nd import as_tuple, bias_parameter, check_groups
from kusari.variable import Parameter


class Deconvolution2D(Link):
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

    def __init__(self, in_channels, out_channels, ksize=None, stride=1, pad=0, nobias=False,
                 outsize=None, initialW=None, initial_bias=None, *, dilate=1, groups=1):
        super().__init__()
        if ksize is None:
            in_channels, out_channels, ksize = None, in_channels, out_channels
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = ksize
        self.stride = as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.dilate = as_tuple(dilate, 2)
        self.outsize = (None, None) if outsize is None else outsize
        self.groups = int(groups)
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            self.b = bias_parameter(nobias, initial_bias, out_channels)

    def _initialize_params(self, in_channels):
        check_groups("Deconvolution2D", in_channels, self.out_channels, self.groups)
        self.W.initialize((in_channels, self.out_channels // self.groups) + as_tuple(self.ksize, 2))

    def forward(self, x):
        """Transposed-convolve ``x`` of shape ``(N, C, H, W)``."""
        if self.W._data is None:
            self._initialize_params(x.shape[1])
        # Chainer keeps (None, None) for "compute it"; the function takes None.
        outsize = None if tuple(self.outsize) == (None, None) else self.outsize
        return deconvolution_2d(x, self.W, self.b, self.stride, self.pad, outsize, dilate=self.dilate,
                                groups=self.groups)
