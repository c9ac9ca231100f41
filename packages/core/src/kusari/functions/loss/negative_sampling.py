"""``negative_sampling``: word2vec's loss, one positive id against sampled negative ids."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.functions.activation.softplus import softplus
from kusari.functions.array.expand_dims import expand_dims
from kusari.functions.array.reshape import reshape
from kusari.functions.connection.embed_id import embed_id
from kusari.functions.math.matmul import matmul
from kusari.functions.math.sum import sum as _sum
from kusari.utils import type_check
from kusari.variable import as_array

_FN = "negative_sampling"
_IGNORE = -1


def _check_inputs(x, t, W):
    type_check.expect_float(_FN, "x", x)
    type_check.expect_ndim(_FN, "x", x, 2)
    type_check.expect_int(_FN, "t", t)
    type_check.expect_shape(_FN, "t", t, (x.shape[0],), "(one label per row of 'x')")
    type_check.expect_same_dtype(_FN, "W", W, "x", x)
    type_check.expect_shape(_FN, "W", W, (None, x.shape[1]), "(one row of in_size per id)")


def _check_labels(t, n_ids):
    xp = utils._xp(t)
    if xp is not numpy or t.size == 0:
        return  # on a GPU the check would synchronise; embed_id checks in debug mode
    used = t[t != _IGNORE]
    if used.size and (used.min() < 0 or used.max() >= n_ids):
        type_check.fail(_FN, "t", f"labels in [0, {n_ids}) (the rows of 'W') or -1",
                        f"values from {int(t.min())} to {int(t.max())}")


def _make_samples(sampler, t, sample_size):
    """``(N, sample_size + 1)`` int32 ids: column 0 the labels, the rest drawn."""
    # The sampler draws the whole block, column 0 included, as Chainer's
    # does: the same random state then gives Chainer's negatives.
    samples = sampler((len(t), sample_size + 1))
    xp = utils._xp(samples)
    samples = xp.array(samples, dtype="int32", copy=True)
    samples[:, 0] = t
    return samples


def negative_sampling(x, t, W, sampler, sample_size, reduce="sum", *, return_samples=False):
    """Negative sampling loss (Mikolov et al., 2013).

    For each row ``x[i]`` with label ``t[i]`` and ``sample_size`` ids ``n``
    drawn by ``sampler``, the loss is

        ``-log sigmoid(W[t[i]] . x[i]) - sum_n log sigmoid(-W[n] . x[i])``.

    Rows whose label is -1 are ignored (loss 0, no gradient).  Built from
    differentiable functions, so it has a double gradient.

    Args:
        x: float inputs of shape ``(N, in_size)``.
        t: integer labels of shape ``(N,)``: ids of rows of ``W``, or -1.
        W: the output embeddings, shape ``(n_ids, in_size)``, ``x``'s dtype.
        sampler: a callable taking a shape and returning integer ids of that
            shape, e.g. :meth:`kusari.utils.WalkerAlias.sample`.  It is called
            once with ``(N, sample_size + 1)``; column 0 is then replaced by ``t``.
        sample_size: the number of negative ids per row.
        reduce: ``'sum'`` for a scalar loss, ``'no'`` for one loss per row.
        return_samples: also return the ``(N, sample_size + 1)`` int32 ids
            used (column 0 holds ``t``).

    Returns:
        A Variable of ``x``'s dtype (0-d for ``'sum'``, ``(N,)`` for ``'no'``),
        or ``(loss, samples)`` with ``return_samples=True``.

    Raises:
        ValueError: an unknown ``reduce`` or a negative ``sample_size``.
        InvalidType: wrong dtypes or shapes.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.negative_sampling import negative_sampling
        >>> x = np.array([[1.0, 0.0], [0.0, 2.0]], np.float32)
        >>> W = np.array([[1.0, 1.0], [0.0, 1.0], [-1.0, 0.0]], np.float32)
        >>> always_two = lambda shape: np.full(shape, 2, np.int32)
        >>> loss = negative_sampling(x, np.array([0, -1], np.int32), W, always_two, 1, reduce='no')
        >>> loss.array  # row 0: softplus(-1) + softplus(-1); row 1 ignored
        array([0.6265234, 0.       ], dtype=float32)
    """
    if reduce not in ("sum", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'sum' or 'no', got {reduce!r}")
    if int(sample_size) != sample_size or sample_size < 0:
        raise ValueError(f"{_FN}: argument 'sample_size' expected a non-negative int, got {sample_size!r}")
    xa, ta, Wa = as_array(x), as_array(t), as_array(W)
    _check_inputs(xa, ta, Wa)
    _check_labels(ta, Wa.shape[0])
    xp = utils._xp(xa)
    samples = _make_samples(sampler, ta, int(sample_size))
    keep = ta != _IGNORE
    # Ignored rows look up row 0 (any valid row) and are masked out below.
    ids = xp.where(samples == _IGNORE, 0, samples)
    w = embed_id(ids, W)                                        # (N, K + 1, D)
    wx = reshape(matmul(w, expand_dims(x, 2)), samples.shape)   # (N, K + 1)
    # -log sigmoid(z) = softplus(-z): the positive column gets z, negatives -z.
    sign = xp.ones(samples.shape[1], dtype=xa.dtype)
    sign[0] = -1
    loss = _sum(softplus(wx * sign), axis=1) * keep.astype(xa.dtype)
    if reduce == "sum":
        loss = _sum(loss)
    if return_samples:
        return loss, samples
    return loss
