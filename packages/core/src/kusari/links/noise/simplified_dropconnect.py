"""``SimplifiedDropconnect``: a fully connected layer with weights dropped at random."""
from __future__ import annotations

import numpy

from kusari import initializers
from kusari.functions.noise.simplified_dropconnect import simplified_dropconnect
from kusari.link import Link
from kusari.variable import Parameter


class SimplifiedDropconnect(Link):
    """Fully connected layer regularised by simplified dropconnect.

    Args:
        in_size: the input size; None infers it from the first input.
        out_size: the output size.
        ratio: the probability of dropping each weight.
        nobias: no bias (``self.b`` is None).
        initialW: initializer, array or scalar for ``W`` (default
            ``HeNormal(1 / sqrt(2))``, as Chainer).
        initial_bias: initializer, array or scalar for ``b`` (default 0).

    Attributes:
        W: the weight ``(out_size, in_size)``.
        b: the bias ``(out_size,)`` or None.

    Example:
        >>> import numpy as np
        >>> from kusari.links.noise.simplified_dropconnect import SimplifiedDropconnect
        >>> layer = SimplifiedDropconnect(None, 2, ratio=0.3)
        >>> y = layer(np.ones((4, 3), np.float32))
        >>> y.shape, layer.W.shape
        ((4, 2), (2, 3))
    """

    def __init__(self, in_size, out_size, ratio=.5, nobias=False, initialW=None, initial_bias=None):  # noqa: N803
        super().__init__()
        self.out_size = out_size
        self.ratio = ratio
        if initialW is None:
            initialW = initializers.HeNormal(1.0 / numpy.sqrt(2))  # noqa: N806
        with self.init_scope():
            self.W = Parameter(initializers._get_initializer(initialW))
            if in_size is not None:
                self._initialize_params(in_size)
            if nobias:
                self.b = None
            else:
                self.b = Parameter(initializers._get_initializer(0 if initial_bias is None else initial_bias),
                                   out_size)

    def _initialize_params(self, in_size):
        self.W.initialize((self.out_size, in_size))

    def forward(self, x, train=True, mask=None, use_batchwise_mask=True):
        """Apply the layer (``train=False``: a plain linear layer)."""
        if self.W.array is None:
            self._initialize_params(x.size // len(x))
        if mask is not None and "mask" not in self.__dict__:
            # Chainer keeps the first mask given as a persistent value; the
            # same key keeps npz files interchangeable.
            self.add_persistent("mask", mask)
        return simplified_dropconnect(x, self.W, self.b, self.ratio, train, mask, use_batchwise_mask)
