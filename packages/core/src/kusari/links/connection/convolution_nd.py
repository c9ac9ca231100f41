"""``ConvolutionND`` and its 1-D / 3-D shorthands: N-dimensional convolution layers."""
from __future__ import annotations

from kusari import initializers
from kusari.functions.connection.convolution_nd import convolution_nd
from kusari.link import Link
from kusari.variable import Parameter, as_array


def as_tuple(value, ndim: int) -> tuple:
    """``value`` as an ``ndim``-tuple (an int is repeated; a sequence is kept)."""
    if hasattr(value, "__getitem__"):
        return tuple(value)
    return (value,) * ndim


def check_groups(link: str, in_channels: int, out_channels: int, groups: int) -> None:
    """Both channel counts must split evenly into ``groups`` (Chainer raises ValueError too)."""
    for arg, channels in (("out_channels", out_channels), ("in_channels", in_channels)):
        if channels % groups:
            raise ValueError(f"{link}: argument '{arg}' expected a multiple of groups={groups}, "
                             f"got {channels}")


def bias_parameter(nobias: bool, initial_bias, size):
    """The bias Parameter (default 0), or None with ``nobias``."""
    if nobias:
        return None
    return Parameter(initializers._get_initializer(0 if initial_bias is None else initial_bias), size)


def check_bias_size(link: str, b, out_channels: int) -> None:
    if b is not None and b.size != out_channels:
        raise ValueError(f"{link}.from_params: argument 'b' expected {out_channels} elements "
                         f"(out_channels of W), got {b.size}")


class ConvolutionND(Link):
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
        super().__init__()
        if ksize is None:
            in_channels, out_channels, ksize = None, in_channels, out_channels
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = as_tuple(ksize, ndim)
        self.stride = stride
        self.pad = pad
        self.cover_all = cover_all
        self.dilate = as_tuple(dilate, ndim)
        self.groups = int(groups)
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            self.b = bias_parameter(nobias, initial_bias, out_channels)

    def _initialize_params(self, in_channels):
        check_groups(type(self).__name__, in_channels, self.out_channels, self.groups)
        self.W.initialize((self.out_channels, in_channels // self.groups) + self.ksize)

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
        out_channels, in_per_group, *ksize = W.shape
        check_bias_size("ConvolutionND", b, out_channels)
        return cls(len(ksize), in_per_group * groups, out_channels, tuple(ksize), stride, pad, nobias,
                   initialW=as_array(W), initial_bias=as_array(b), cover_all=cover_all, dilate=dilate,
                   groups=groups)

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
        """Convolve ``x`` of shape ``(N, C, d_1, ..., d_ndim)``."""
        if self.W._data is None:
            self._initialize_params(x.shape[1])
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
