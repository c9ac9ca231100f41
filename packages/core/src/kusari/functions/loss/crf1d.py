"""``crf1d`` and ``argmax_crf1d``: the linear-chain CRF loss and its Viterbi decoder (Chainer v7).

Both take the sequences *time-major*: ``xs[t]`` is a ``(B_t, K)`` array of
label scores at step ``t`` for the ``B_t`` sequences still running, with
``B_0 >= B_1 >= ...`` (sequences sorted by decreasing length, then
transposed, e.g. with :func:`~kusari.functions.transpose_sequence`).

The loss is composed of differentiable kusari functions (``logsumexp``,
``select_item``, ``scatter_add``, ...), so it has a second derivative.  The
only Python loop is the forward recursion over time steps; every step is
vectorised over the batch and the labels.
"""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.functions.array.concat import concat
from kusari.functions.array.get_item import get_item
from kusari.functions.array.reshape import reshape
from kusari.functions.array.scatter_add import scatter_add
from kusari.functions.array.select_item import select_item
from kusari.functions.math.logsumexp import logsumexp
from kusari.functions.math.sum import sum as _sum
from kusari.utils import type_check
from kusari.variable import as_array


def _check_inputs(func, cost, xs):
    """Validate ``cost`` and ``xs``; return the raw arrays of ``xs``."""
    ca = as_array(cost)
    type_check.expect_ndim(func, "cost", ca, 2)
    type_check.expect_float(func, "cost", ca)
    if ca.shape[0] != ca.shape[1]:
        type_check.fail(func, "cost", "a square matrix of shape (n_label, n_label)", str(tuple(ca.shape)))
    if not isinstance(xs, (list, tuple)) or not xs:
        got = f"an empty {type(xs).__name__}" if isinstance(xs, (list, tuple)) else type(xs).__name__
        type_check.fail(func, "xs", "a non-empty list or tuple of (B_t, n_label) arrays", got)
    n_label = ca.shape[0]
    arrays = []
    for i, x in enumerate(xs):
        xa = as_array(x)
        name = f"xs[{i}]"
        type_check.expect_ndim(func, name, xa, 2)
        type_check.expect_shape(func, name, xa, (None, n_label), "(n_label of 'cost')")
        type_check.expect_same_dtype(func, name, xa, "cost", ca)
        if arrays and xa.shape[0] > arrays[-1].shape[0]:
            type_check.fail(func, name, f"a batch size <= {arrays[-1].shape[0]} (the batch size of "
                            f"xs[{i - 1}]; sequences must be sorted by decreasing length)",
                            str(xa.shape[0]))
        arrays.append(xa)
    return arrays


def _check_labels(func, ys, x_arrays, n_label):
    """Validate ``ys`` against the batch sizes of ``xs``; return the raw label arrays."""
    if not isinstance(ys, (list, tuple)):
        type_check.fail(func, "ys", "a list or tuple of (B_t,) integer arrays", type(ys).__name__)
    if len(ys) != len(x_arrays):
        type_check.fail(func, "ys", f"{len(x_arrays)} arrays (one per element of 'xs')", str(len(ys)))
    arrays = []
    for i, (y, xa) in enumerate(zip(ys, x_arrays, strict=True)):
        ya = as_array(y)
        type_check.expect_int(func, f"ys[{i}]", ya)
        type_check.expect_shape(func, f"ys[{i}]", ya, (xa.shape[0],), f"(the batch size of xs[{i}])")
        arrays.append(ya)
    xp = utils._xp(*arrays)
    flat = xp.concatenate(arrays)
    if flat.size and (int(flat.min()) < 0 or int(flat.max()) >= n_label):
        first = int(xp.argmax((flat < 0) | (flat >= n_label)))
        offsets = numpy.cumsum([0] + [len(y) for y in arrays])
        step = int(numpy.searchsorted(offsets, first, side="right")) - 1
        raise ValueError(f"{func}: argument 'ys' expected labels in [0, {n_label}), got {int(flat[first])} "
                         f"at ys[{step}][{first - int(offsets[step])}]")
    return arrays


def _path_score(cost, xs, label_arrays):
    """Score of the given label paths, ``sum_t x_t[y_t] + sum_t cost[y_{t-1}, y_t]``, per sequence."""
    x_arrays = [as_array(x) for x in xs]
    xp = utils._xp(*x_arrays)
    n_label = x_arrays[0].shape[1]
    batch_sizes = [x.shape[0] for x in x_arrays]
    labels = xp.concatenate(label_arrays).astype(numpy.int32, copy=False)
    # Row n of step t belongs to sequence n (time-major, sorted by length).
    seq_ids = [xp.arange(b, dtype=numpy.int32) for b in batch_sizes]
    pieces = [select_item(concat(list(xs), axis=0), labels)]
    if len(xs) > 1:
        pair_index = xp.concatenate([label_arrays[t - 1][:b].astype(numpy.int32) * n_label + label_arrays[t]
                                     for t, b in enumerate(batch_sizes) if t])
        pieces.append(get_item(reshape(cost, (n_label * n_label,)), pair_index))
        seq_ids = seq_ids + seq_ids[1:]
    zeros = xp.zeros(batch_sizes[0], dtype=x_arrays[0].dtype)
    return scatter_add(zeros, xp.concatenate(seq_ids), concat(pieces, axis=0))


def _log_partition(cost, xs):
    """``log Z`` per sequence by the forward algorithm in log space."""
    alpha = xs[0]
    finished = []  # alphas of sequences that ended, latest first after the reversal below
    for x in xs[1:]:
        b = x.shape[0]
        if b < alpha.shape[0]:
            finished.append(alpha[b:])
            alpha = alpha[:b]
        # alpha'[j] = logsumexp_i(alpha[i] + cost[i, j]) + x[j], for all rows at once.
        alpha = logsumexp(alpha[:, :, None] + cost, axis=1) + x
    if finished:
        alpha = concat([alpha] + finished[::-1], axis=0)
    return logsumexp(alpha, axis=1)


def crf1d(cost, xs, ys, reduce="mean"):
    """Negative log-likelihood of a linear-chain conditional random field.

    For a sequence with label scores ``x_t`` and labels ``y_t`` the loss is
    ``log Z - (sum_t x_t[y_t] + sum_{t>0} cost[y_{t-1}, y_t])``, where ``Z``
    sums ``exp`` of that score over every label path.

    Args:
        cost: ``(K, K)`` float Variable or array; ``cost[i, j]`` scores label
            ``i`` followed by label ``j``.
        xs: list of ``T`` Variables or arrays, ``xs[t]`` of shape ``(B_t, K)``,
            time-major with non-increasing ``B_t`` (shorter sequences last).
        ys: list of ``T`` integer arrays, ``ys[t]`` of shape ``(B_t,)``, labels in ``[0, K)``.
        reduce: ``'mean'`` (default): the sum of the losses divided by the
            batch size ``B_0``; ``'no'``: the loss of each sequence, shape ``(B_0,)``.

    Returns:
        Variable of ``cost``'s dtype.

    Raises:
        InvalidType: wrong shapes, dtypes, or increasing batch sizes.
        ValueError: a label out of range or an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.crf1d import crf1d
        >>> cost = np.zeros((2, 2), np.float32)
        >>> xs = [np.zeros((2, 2), np.float32), np.zeros((1, 2), np.float32)]
        >>> ys = [np.array([0, 1], np.int32), np.array([1], np.int32)]
        >>> loss = crf1d(cost, xs, ys, reduce='no')
        >>> np.allclose(loss.array, [np.log(4), np.log(2)])  # uniform over 4 and 2 paths
        True
    """
    func = "crf1d"
    if reduce not in ("mean", "no"):
        raise ValueError(f"{func}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    x_arrays = _check_inputs(func, cost, xs)
    label_arrays = _check_labels(func, ys, x_arrays, x_arrays[0].shape[1])
    loss = _log_partition(cost, xs) - _path_score(cost, xs, label_arrays)
    if reduce == "mean":
        return _sum(loss) / x_arrays[0].shape[0]
    return loss


def _viterbi(cost, x_arrays):
    """Best label path (time-major list of int32 arrays) by max-product dynamic programming."""
    xp = utils._xp(cost, *x_arrays)
    delta = x_arrays[0]
    backpointers = []
    last_labels = []  # per step t: best last label of the sequences that end at t
    for x in x_arrays[1:]:
        b = x.shape[0]
        last_labels.append(delta[b:].argmax(axis=1).astype(numpy.int32))
        scores = delta[:b, :, None] + cost  # (b, K_prev, K_next)
        best_prev = scores.argmax(axis=1)
        backpointers.append(best_prev)
        delta = xp.take_along_axis(scores, best_prev[:, None, :], axis=1)[:, 0, :] + x
    labels = delta.argmax(axis=1).astype(numpy.int32)
    path = [labels]
    for best_prev, ended in zip(backpointers[::-1], last_labels[::-1], strict=True):
        prev = best_prev[xp.arange(labels.shape[0]), labels].astype(numpy.int32)
        labels = xp.concatenate([prev, ended])
        path.append(labels)
    return path[::-1]


def argmax_crf1d(cost, xs):
    """The most likely label path of a linear-chain CRF (Viterbi decoding).

    Args:
        cost: ``(K, K)`` float Variable or array of transition scores.
        xs: list of ``T`` Variables or arrays ``(B_t, K)``, time-major with
            non-increasing ``B_t``, as for :func:`crf1d`.

    Returns:
        ``(score, path)``: ``score`` is a Variable of shape ``(B_0,)``, the
        score of each sequence's best path (differentiable w.r.t. ``cost`` and
        ``xs``); ``path`` is a list of ``T`` int32 arrays, ``path[t]`` of shape
        ``(B_t,)``, the best labels at step ``t``.

    Raises:
        InvalidType: wrong shapes, dtypes, or increasing batch sizes.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.crf1d import argmax_crf1d
        >>> cost = np.array([[0., -5.], [-5., 0.]], np.float32)  # switching labels is costly
        >>> xs = [np.array([[1., 0.]], np.float32), np.array([[0., 0.5]], np.float32)]
        >>> score, path = argmax_crf1d(cost, xs)
        >>> score.array, [p.tolist() for p in path]
        (array([1.], dtype=float32), [[0], [0]])
    """
    x_arrays = _check_inputs("argmax_crf1d", cost, xs)
    path = _viterbi(as_array(cost), x_arrays)
    return _path_score(cost, xs, path), path
