"""``Convolution2D``: the 2-D convolution layer."""
from __future__ import annotations

from kusari import initializers
from kusari.functions.connection.convolution_2d import convolution_2d
from kusari.link import Link
from kusari.links.connection.convolution_nd import as_tuple, bias_parameter, check_bias_size, check_groups
from kusari.variable import Parameter, as_array


class Convolution2D(Link):
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
        super().__init__()
        if ksize is None:
            in_channels, out_channels, ksize = None, in_channels, out_channels
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = ksize
        self.stride = as_tuple(stride, 2)
        self.pad = as_tuple(pad, 2)
        self.dilate = as_tuple(dilate, 2)
        self.groups = int(groups)
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            self.b = bias_parameter(nobias, initial_bias, out_channels)

    def _initialize_params(self, in_channels):
        check_groups("Convolution2D", in_channels, self.out_channels, self.groups)
        self.W.initialize((self.out_channels, in_channels // self.groups) + as_tuple(self.ksize, 2))

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
        out_channels, in_per_group, kh, kw = W.shape
        check_bias_size("Convolution2D", b, out_channels)
        return cls(in_per_group * groups, out_channels, (kh, kw), stride, pad, nobias,
                   initialW=as_array(W), initial_bias=as_array(b), dilate=dilate, groups=groups)

    @property
    def printable_specs(self):
        yield "in_channels", self.in_channels
        yield "out_channels", self.out_channels
        yield "ksize", self.ksize
        yield "stride", self.stride
        yield "pad", self.pad
        yield "nobias", self.b is None
        yield "dilate", self.dilate
        yield "groups", self.groups

    def forward(self, x):
        """Convolve ``x`` of shape ``(N, C, H, W)``."""
        if self.W._data is None:
            self._initialize_params(x.shape[1])
        return convolution_2d(x, self.W, self.b, self.stride, self.pad, dilate=self.dilate,
                              groups=self.groups)
