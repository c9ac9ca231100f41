"""``NegativeSampling``: the negative sampling loss with its weight matrix and sampler."""
from __future__ import annotations

import numpy

import kusari
from kusari.functions.loss.negative_sampling import negative_sampling
from kusari.links.loss._sampled_output import SampledOutputLink
from kusari.utils.walker_alias import WalkerAlias
from kusari.variable import Parameter


class NegativeSampling(SampledOutputLink):
    """Negative sampling loss layer (wraps :func:`~kusari.functions.negative_sampling`).

    Negatives are drawn from ``counts ** power`` (normalised) by a
    :class:`~kusari.utils.WalkerAlias` sampler that moves with the link
    between devices.

    Args:
        in_size: the size of the input vectors.
        counts: the frequency of each id (e.g. word counts); ``len(counts)``
            is the number of ids.
        sample_size: the number of negative ids per input row.
        power: the exponent applied to ``counts`` (0.75 as in word2vec).
        dtype: the float dtype the sampling weights are computed in
            (``kusari.config.dtype`` by default); ``W`` has the default dtype,
            as in Chainer.

    Attributes:
        W: the output embeddings, shape ``(len(counts), in_size)``, zeros at first.
        sampler: the :class:`~kusari.utils.WalkerAlias` drawing the negatives.
        sample_size: as given.

    Example:
        >>> import numpy as np
        >>> from kusari.links.loss.negative_sampling import NegativeSampling
        >>> loss_fn = NegativeSampling(3, [5, 1, 2, 4], sample_size=2)
        >>> loss_fn.W.shape
        (4, 3)
        >>> x = np.ones((2, 3), np.float32)
        >>> loss, samples = loss_fn(x, np.array([0, 3], np.int32), return_samples=True)
        >>> loss.array, samples.shape  # W = 0: each of the 2 * 3 terms is log 2
        (array(4.158883, dtype=float32), (2, 3))
    """

    def __init__(self, in_size, counts, sample_size, power=0.75, dtype=None):
        super().__init__()
        dtype = kusari.get_dtype(dtype)
        self.sample_size = sample_size
        weights = numpy.power(numpy.array(counts, dtype), dtype.type(power))
        self.sampler = WalkerAlias(weights)
        with self.init_scope():
            self.W = Parameter(0, (len(counts), in_size))

    def forward(self, x, t, reduce="sum", *, return_samples=False):
        """The loss of inputs ``x`` ``(N, in_size)`` against labels ``t`` ``(N,)``.

        ``reduce`` is ``'sum'`` or ``'no'``; with ``return_samples=True`` the
        ``(N, sample_size + 1)`` ids used (column 0 is ``t``) come back too.
        """
        return negative_sampling(x, t, self.W, self.sampler.sample, self.sample_size,
                                 reduce=reduce, return_samples=return_samples)
