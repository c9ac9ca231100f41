"""``CRF1d``: a linear-chain CRF loss layer holding the transition cost matrix."""
from __future__ import annotations

import numpy

from kusari import initializers
from kusari.functions.array.transpose_sequence import transpose_sequence
from kusari.functions.loss.crf1d import argmax_crf1d, crf1d
from kusari.link import Link
from kusari.variable import Parameter, as_array


def _longest_first(xs):
    """Indices that sort ``xs`` by decreasing length (stable: equal lengths keep their order)."""
    return numpy.argsort([-len(x) for x in xs], kind="stable")


class CRF1d(Link):
    """Linear-chain conditional random field; wraps :func:`~kusari.functions.crf1d`.

    Args:
        n_label: the number of labels ``K``.
        initial_cost: initializer, array or scalar for ``cost`` (default zeros).

    Attributes:
        cost: the transition cost Parameter, shape ``(n_label, n_label)``.

    ``forward`` and ``argmax`` take time-major ``xs`` (see
    :func:`~kusari.functions.crf1d`), or with ``transpose=True`` a batch-major
    list of sequences ``(L_i, K)`` in any order: they are sorted by
    decreasing length (stably) and transposed first.  As in Chainer, the
    per-sequence results then stay in that sorted order (the loss with
    ``reduce='no'`` and the argmax score), except the argmax path, which is
    returned per sequence in the original order.

    Example:
        >>> import numpy as np
        >>> from kusari.links.loss.crf1d import CRF1d
        >>> crf = CRF1d(3)
        >>> crf.cost.shape
        (3, 3)
        >>> seqs = [np.zeros((1, 3), np.float32), np.zeros((2, 3), np.float32)]
        >>> labels = [np.array([0], np.int32), np.array([1, 2], np.int32)]
        >>> loss = crf(seqs, labels, reduce='no', transpose=True)  # longest first
        >>> np.allclose(loss.array, [np.log(9), np.log(3)])
        True
        >>> score, path = crf.argmax(seqs, transpose=True)
        >>> [p.shape for p in path]
        [(1,), (2,)]
    """

    def __init__(self, n_label, initial_cost=None):
        super().__init__()
        if initial_cost is None:
            initial_cost = 0
        with self.init_scope():
            self.cost = Parameter(initializers._get_initializer(initial_cost), (n_label, n_label))

    def forward(self, xs, ys, reduce="mean", transpose=False):
        """Negative log-likelihood of ``ys`` given ``xs``; see :func:`~kusari.functions.crf1d`.

        Example:
            >>> import numpy as np
            >>> from kusari.links.loss.crf1d import CRF1d
            >>> xs = [np.zeros((1, 2), np.float32)] * 2
            >>> ys = [np.zeros(1, np.int32)] * 2
            >>> float(CRF1d(2)(xs, ys).array) == float(np.log(4, dtype=np.float32))
            True
        """
        if transpose:
            order = _longest_first(xs)
            xs = transpose_sequence([xs[i] for i in order])
            ys = [y.array for y in transpose_sequence([as_array(ys[i]) for i in order])]
        return crf1d(self.cost, xs, ys, reduce)

    def argmax(self, xs, transpose=False):
        """The best label path and its score; see :func:`~kusari.functions.argmax_crf1d`.

        Example:
            >>> import numpy as np
            >>> from kusari.links.loss.crf1d import CRF1d
            >>> crf = CRF1d(2)
            >>> score, path = crf.argmax([np.array([[0., 1.]], np.float32)])
            >>> path[0].tolist(), score.array.tolist()
            ([1], [1.0])
        """
        if not transpose:
            return argmax_crf1d(self.cost, xs)
        order = _longest_first(xs)
        score, path = argmax_crf1d(self.cost, transpose_sequence([xs[i] for i in order]))
        per_sequence = [p.array for p in transpose_sequence(path)]
        restored = [None] * len(per_sequence)
        for rank, i in enumerate(order):
            restored[i] = per_sequence[rank]
        return score, restored
