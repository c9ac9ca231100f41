"""``black_out``: BlackOut loss (Ji et al., 2016), a softmax over the label and sampled negatives."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.functions.array.expand_dims import expand_dims
from kusari.functions.array.reshape import reshape
from kusari.functions.connection.embed_id import embed_id
from kusari.functions.math.average import mean
from kusari.functions.math.exponential import exp
from kusari.functions.math.exponential_extra import log1p
from kusari.functions.math.logsumexp import logsumexp
from kusari.functions.math.matmul import matmul
from kusari.functions.math.sum import sum as _sum
from kusari.utils import type_check
from kusari.variable import as_array

_FN = "black_out"


def _check_ids(arg, ids, n_ids):
    if utils._xp(ids) is not numpy or ids.size == 0:
        return  # on a GPU the check would synchronise; embed_id checks in debug mode
    if ids.min() < 0 or ids.max() >= n_ids:
        type_check.fail(_FN, arg, f"ids in [0, {n_ids}) (the rows of 'W')",
                        f"values from {int(ids.min())} to {int(ids.max())}")


def _check_inputs(x, t, W, samples):
    type_check.expect_float(_FN, "x", x)
    type_check.expect_ndim(_FN, "x", x, 2)
    type_check.expect_int(_FN, "t", t)
    type_check.expect_shape(_FN, "t", t, (x.shape[0],), "(one label per row of 'x')")
    type_check.expect_same_dtype(_FN, "W", W, "x", x)
    type_check.expect_shape(_FN, "W", W, (None, x.shape[1]), "(one row of in_size per id)")
    type_check.expect_int(_FN, "samples", samples)
    type_check.expect_ndim(_FN, "samples", samples, 2)
    type_check.expect_shape(_FN, "samples", samples, (x.shape[0], None), "(one row of ids per row of 'x')")
    _check_ids("t", t, W.shape[0])
    _check_ids("samples", samples, W.shape[0])


def black_out(x, t, W, samples, reduce="mean"):
    """BlackOut loss: the label against sampled negatives under a softmax over both.

    With scores ``y_k = W[k] . x[i]`` and ``p(k) = exp(y_k) / Z``, where ``Z``
    sums ``exp`` over the label ``t[i]`` and the negatives ``samples[i]``,
    the loss of row ``i`` is

        ``-log p(t[i]) - sum_s log(1 - p(s))``  over ``s`` in ``samples[i]``.

    Built from differentiable functions, so it has a double gradient.

    Args:
        x: float inputs of shape ``(N, in_size)``.
        t: integer labels of shape ``(N,)``, ids of rows of ``W``.
        W: the output embeddings, shape ``(n_ids, in_size)``, ``x``'s dtype.
        samples: integer negative ids of shape ``(N, S)`` (not differentiable).
        reduce: ``'mean'`` for the batch mean, ``'no'`` for one loss per row.

    Returns:
        A Variable of ``x``'s dtype: 0-d for ``'mean'``, ``(N,)`` for ``'no'``.

    Raises:
        ValueError: an unknown ``reduce`` (Chainer treated any other value as ``'no'``).
        InvalidType: wrong dtypes or shapes, or ids outside ``W``'s rows.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.black_out import black_out
        >>> x = np.array([[1.0, 0.0]], np.float32)
        >>> W = np.array([[0.0, 0.0], [0.0, 1.0]], np.float32)
        >>> # scores 0 and 0: p = 1/2 each, loss = -log(1/2) - log(1/2)
        >>> black_out(x, np.array([0], np.int32), W, np.array([[1]], np.int32)).array
        array(1.3862944, dtype=float32)
    """
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    xa, ta, Wa, sa = as_array(x), as_array(t), as_array(W), as_array(samples)
    _check_inputs(xa, ta, Wa, sa)
    xp = utils._xp(xa)
    ids = xp.concatenate((ta[:, None].astype(sa.dtype, copy=False), sa), axis=1)  # (N, S + 1)
    w = embed_id(ids, W)                                        # (N, S + 1, D)
    y = reshape(matmul(w, expand_dims(x, 2)), ids.shape)        # (N, S + 1)
    logz = logsumexp(y, axis=1)
    n = len(xa)
    pos_y = reshape(y[:, 0], (n,))
    neg_logp = y[:, 1:] - expand_dims(logz, 1)
    # log(1 - p) through log1p: accurate where p is tiny, the common case.
    neg_term = _sum(log1p(-exp(neg_logp)), axis=1)
    loss = logz - pos_y - neg_term
    if reduce == "mean":
        loss = mean(loss)
    return loss
