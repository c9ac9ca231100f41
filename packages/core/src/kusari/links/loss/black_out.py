"""``BlackOut``: the BlackOut loss with its weight matrix and sampler."""
from __future__ import annotations

import numpy

from kusari import initializers
from kusari.functions.loss.black_out import black_out
from kusari.links.loss._sampled_output import SampledOutputLink
from kusari.utils.walker_alias import WalkerAlias
from kusari.variable import Parameter


class BlackOut(SampledOutputLink):
    """BlackOut loss layer (wraps :func:`~kusari.functions.black_out`).

    Negatives are drawn in proportion to ``counts`` by a
    :class:`~kusari.utils.WalkerAlias` sampler that moves with the link
    between devices.

    Args:
        in_size: the size of the input vectors.
        counts: the frequency of each id; ``len(counts)`` is the number of ids.
        sample_size: the number of negative ids per input row.

    Attributes:
        W: the output embeddings, shape ``(len(counts), in_size)``.  Chainer
            left it NaN-filled (for the user to fill); kusari starts it at zero.
        sampler: the :class:`~kusari.utils.WalkerAlias` drawing the negatives.
        sample_size: as given.
        sample_data: None, or a fixed ``(N, sample_size)`` int array of
            negatives to use instead of drawing (Chainer's hook for tests).

    Example:
        >>> import numpy as np
        >>> from kusari.links.loss.black_out import BlackOut
        >>> loss_fn = BlackOut(2, [3, 1, 1], sample_size=2)
        >>> loss_fn.W.shape
        (3, 2)
        >>> loss = loss_fn(np.ones((4, 2), np.float32), np.array([0, 1, 2, 0], np.int32))
        >>> loss.shape, loss.dtype
        ((), dtype('float32'))
    """

    sample_data = None

    def __init__(self, in_size, counts, sample_size):
        super().__init__()
        self.sampler = WalkerAlias(numpy.array(counts, numpy.float32))
        self.sample_size = sample_size
        with self.init_scope():
            self.W = Parameter(initializers.Zero(), (len(counts), in_size))

    def forward(self, x, t):
        """The mean BlackOut loss of inputs ``x`` ``(N, in_size)`` against labels ``t`` ``(N,)``."""
        if self.sample_data is not None:
            samples = self.sample_data
        else:
            samples = self.sampler.sample((x.shape[0], self.sample_size))
        return black_out(x, t, self.W, samples)
