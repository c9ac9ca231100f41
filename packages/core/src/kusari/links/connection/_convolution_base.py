"""What the convolution and deconvolution links share.

``ConvolutionLinkBase`` holds the parts that are the same in Convolution2D,
ConvolutionND, Deconvolution2D, DeconvolutionND and DilatedConvolution2D:
Chainer's two-argument shorthand, a ``W`` shaped from the first input's
channels when ``in_channels`` is None, the bias, and the group check. Each
link keeps its own signature, attributes and the function it applies.
"""
from __future__ import annotations

from kusari import initializers
from kusari.link import Link
from kusari.variable import Parameter


def as_tuple(value, ndim: int) -> tuple:
    """``value`` as an ``ndim``-tuple (an int is repeated; a sequence is kept).

    Example:
        >>> from kusari.links.connection._convolution_base import as_tuple
        >>> as_tuple(3, 2), as_tuple([1, 2], 2)
        ((3, 3), (1, 2))
    """
    if hasattr(value, "__getitem__"):
        return tuple(value)
    return (value,) * ndim


def check_groups(link: str, in_channels: int, out_channels: int, groups: int) -> None:
    """Both channel counts must split evenly into ``groups`` (Chainer raises ValueError too)."""
    for arg, channels in (("out_channels", out_channels), ("in_channels", in_channels)):
        if channels % groups:
            raise ValueError(f"{link}: argument '{arg}' expected a multiple of groups={groups}, "
                             f"got {channels}")


def weight_channels(link: str, W, b, groups: int) -> tuple:
    """``(in_channels, out_channels, ksize)`` of a convolution weight
    ``(out_channels, in_channels // groups, *ksize)``; ``b`` must have out_channels elements.

    Example:
        >>> import numpy as np
        >>> from kusari.links.connection._convolution_base import weight_channels
        >>> weight_channels("Convolution2D", np.ones((4, 1, 3, 2)), None, groups=2)
        (2, 4, (3, 2))
    """
    out_channels, in_per_group, *ksize = W.shape
    if b is not None and b.size != out_channels:
        raise ValueError(f"{link}.from_params: argument 'b' expected {out_channels} elements "
                         f"(out_channels of W), got {b.size}")
    return in_per_group * groups, out_channels, tuple(ksize)


@property
def convolution_specs(self):
    """(name, value) pairs shown by ``str(link)`` for Convolution2D and ConvolutionND."""
    yield "in_channels", self.in_channels
    yield "out_channels", self.out_channels
    yield "ksize", self.ksize
    yield "stride", self.stride
    yield "pad", self.pad
    yield "nobias", self.b is None
    yield "dilate", self.dilate
    yield "groups", self.groups


class ConvolutionLinkBase(Link):
    """A link holding a convolution weight ``W`` and an optional bias ``b``.

    ``W`` is ``(out_channels, in_channels // groups, *ksize)``, or
    ``(in_channels, out_channels // groups, *ksize)`` where the subclass sets
    ``transposed_weight`` (deconvolutions). With ``in_channels=None`` (or
    Chainer's shorthand ``Link(out_channels, ksize)``) ``W`` stays
    uninitialised until the first input gives its channel count. Subclasses
    set their geometry attributes and implement ``_apply(x)``.

    Args:
        ndim: the number of spatial axes (the length of ``W``'s kernel shape).
        in_channels, out_channels, ksize: as in the subclass; ``ksize`` None
            shifts the first two arguments to ``out_channels`` and ``ksize``.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W``.
        initial_bias: initializer, array or scalar for ``b`` (default 0).
        groups: channel groups; both channel counts must be multiples of it.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.convolution_2d import convolution_2d
        >>> from kusari.links.connection._convolution_base import ConvolutionLinkBase
        >>> class Plain(ConvolutionLinkBase):
        ...     def _apply(self, x):
        ...         return convolution_2d(x, self.W, self.b)
        >>> conv = Plain(2, None, 3, 2, nobias=False, initialW=None, initial_bias=None)
        >>> conv(np.ones((1, 5, 4, 4), np.float32)).shape, conv.W.shape
        ((1, 3, 3, 3), (3, 5, 2, 2))
    """

    transposed_weight = False

    def __init__(self, ndim, in_channels, out_channels, ksize, nobias, initialW, initial_bias, groups=1):
        super().__init__()
        if ksize is None:
            in_channels, out_channels, ksize = None, in_channels, out_channels
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.ksize = ksize
        self.groups = int(groups)
        self._ndim = ndim
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_channels is not None:
                self._initialize_params(in_channels)
            self.b = None if nobias else Parameter(
                initializers._get_initializer(0 if initial_bias is None else initial_bias), out_channels)

    def _initialize_params(self, in_channels):
        check_groups(type(self).__name__, in_channels, self.out_channels, self.groups)
        if self.transposed_weight:
            channels = (in_channels, self.out_channels // self.groups)
        else:
            channels = (self.out_channels, in_channels // self.groups)
        self.W.initialize(channels + as_tuple(self.ksize, self._ndim))

    def forward(self, x):
        """Apply the layer to ``x`` of shape ``(N, C, ...)``; an uninitialised ``W`` takes C as in_channels."""
        if self.W._data is None:
            self._initialize_params(x.shape[1])
        return self._apply(x)

    def _apply(self, x):
        raise NotImplementedError(f"{type(self).__name__} must define _apply(x), the function it applies")
