"""``connectionist_temporal_classification``: the CTC loss (Chainer v7 semantics).

The forward-backward recursions run in log space over the extended label
path ``blank, l_1, blank, l_2, ..., blank`` (length ``S = 2 L + 1``): one
Python step per time frame, each step vectorised over the batch and the
path positions.  The gradient is analytic: ``softmax(x) - occupancy``, the
occupancy being ``alpha * beta / p(t | x)`` summed per vocabulary symbol.
Like Chainer, only ``x`` gets a gradient and only to first order.
"""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import as_array

_FN = "connectionist_temporal_classification"


def _log_zero(dtype):
    # A finite stand-in for log(0), as Chainer: impossible paths give a huge
    # finite loss instead of inf/NaN, and no -inf arithmetic warnings.
    return -1e4 if dtype == numpy.float16 else -1e10


def _logsumexp3(a, b, c, xp):
    m = xp.maximum(xp.maximum(a, b), c)
    return m + xp.log(xp.exp(a - m) + xp.exp(b - m) + xp.exp(c - m))


def _log_softmax(x, xp):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=-1, keepdims=True))


def _shift(a, k, fill, xp):
    """``a`` moved ``k`` positions along the last axis (right if k > 0), padded with ``fill``."""
    out = xp.full_like(a, fill)
    if k > 0:
        out[:, k:] = a[:, :-k]
    else:
        out[:, :k] = a[:, -k:]
    return out


class ConnectionistTemporalClassification(FunctionNode):
    def __init__(self, blank_symbol, input_length, label_length, labels, reduce):
        self.blank_symbol = blank_symbol
        self.input_length = input_length
        self.label_length = label_length
        self.labels = labels
        self.reduce = reduce

    def forward(self, inputs):
        xp = utils._xp(*inputs)
        dtype = inputs[0].dtype
        # float16 would lose the recursion's sums; compute in float32 then.
        work = numpy.dtype(numpy.float32 if dtype == numpy.float16 else dtype)
        x = xp.stack(inputs).astype(work, copy=False)  # (T, B, V)
        n_time, n_batch, _ = x.shape
        neg = work.type(_log_zero(dtype))

        log_y = _log_softmax(x, xp)
        path_length = 2 * self.label_length + 1  # (B,)
        n_path = 2 * self.labels.shape[1] + 1
        position = xp.arange(n_path)
        on_path = position < path_length[:, None]  # (B, S)
        path = xp.full((n_batch, n_path), self.blank_symbol, dtype=numpy.int32)
        # Padding past label_length may hold any value (e.g. -1): never read it.
        path[:, 1::2] = xp.where(on_path[:, 1::2], self.labels, self.blank_symbol)
        # A skip s-2 -> s is allowed between distinct labels only (never blank to blank).
        can_skip = xp.zeros((n_batch, n_path), dtype=bool)
        can_skip[:, 2:] = path[:, 2:] != path[:, :-2]
        emit = log_y[:, xp.arange(n_batch)[:, None], path]  # (T, B, S)
        emit = xp.where(on_path, emit, neg)

        alpha = xp.empty_like(emit)
        start = xp.full((n_batch, n_path), neg, dtype=work)
        start[:, :2] = emit[0, :, :2]
        alpha[0] = start
        for t in range(1, n_time):
            prev = alpha[t - 1]
            skip = xp.where(can_skip, _shift(prev, 2, neg, xp), neg)
            alpha[t] = _logsumexp3(prev, _shift(prev, 1, neg, xp), skip, xp) + emit[t]

        # beta[t, s]: log probability of emitting frames t..T_b-1 from position s at t.
        last = self.input_length - 1  # (B,)
        is_end = (position == path_length[:, None] - 1) | (position == path_length[:, None] - 2)
        beta = xp.empty_like(emit)
        nxt = xp.full((n_batch, n_path), neg, dtype=work)
        skip_from = _shift(can_skip, -2, False, xp)  # s -> s+2 allowed
        for t in range(n_time - 1, -1, -1):
            rec = _logsumexp3(nxt, _shift(nxt, -1, neg, xp), xp.where(skip_from, _shift(nxt, -2, neg, xp), neg),
                              xp) + emit[t]
            init = xp.where(is_end, emit[t], neg)
            step = (t - last)[:, None]  # 0 at the final frame, > 0 past it
            nxt = xp.where(step == 0, init, xp.where(step < 0, rec, neg))
            beta[t] = nxt

        # log p(t | x) from the first frame: logsumexp_s alpha_0 + beta_0 - emit_0.
        log_p = self._logsumexp_last(alpha[0] + beta[0] - emit[0], xp)
        loss = -log_p
        self._saved = (log_y, alpha, beta, emit, log_p, path, work)
        if self.reduce == "mean":
            loss = loss.mean()
        return utils.force_array(loss, dtype),

    @staticmethod
    def _logsumexp_last(a, xp):
        m = a.max(axis=-1)
        return m + xp.log(xp.exp(a - m[..., None]).sum(axis=-1))

    def backward(self, indexes, grad_outputs):
        log_y, alpha, beta, emit, log_p, path, work = self._saved
        xp = utils._xp(log_y)
        n_time, n_batch, n_vocab = log_y.shape
        # Occupancy of each path position, then summed per symbol with a
        # one-hot product (vectorised, and works on GPUs as well).
        occupancy = xp.exp(alpha + beta - emit - log_p[:, None])  # (T, B, S)
        one_hot = (path[:, :, None] == xp.arange(n_vocab)).astype(work)  # (B, S, V)
        per_symbol = xp.matmul(occupancy.transpose(1, 0, 2), one_hot).transpose(1, 0, 2)  # (T, B, V)
        gx = xp.exp(log_y) - per_symbol
        gy = grad_outputs[0].array.astype(work, copy=False)
        scale = gy / n_batch if self.reduce == "mean" else gy[:, None]
        active = (xp.arange(n_time)[:, None] < self.input_length)[:, :, None]
        gx = gx * scale * active
        dtype = self.inputs[0].dtype
        # Raw arrays: the gradient is first-order only, as Chainer's.
        return tuple(gx[i].astype(dtype, copy=False) for i in indexes)


def connectionist_temporal_classification(x, t, blank_symbol, input_length=None, label_length=None,
                                          reduce="mean"):
    """Connectionist Temporal Classification loss (Graves et al. 2006).

    ``-log p(t | x)``, summed over every alignment of the frames of ``x`` that
    collapses (merge repeats, then drop blanks) to the label sequence ``t``;
    ``x`` is softmax-normalised here, so pass raw scores.

    Args:
        x: list or tuple of ``T`` float Variables or arrays of shape ``(B, V)``
            (one per time frame), unnormalised scores over ``V`` symbols.
        t: ``(B, L)`` integer array of labels in ``[0, V)``; entries past
            ``label_length`` are padding and ignored.
        blank_symbol: the int index of the blank symbol, in ``[0, V)``.
        input_length: ``(B,)`` integer array of the frames each sequence uses
            (default: all ``T``); values in ``[1, T]``.
        label_length: ``(B,)`` integer array of valid labels per row of ``t``
            (default: all ``L``); values in ``[0, L]``.
        reduce: ``'mean'`` (default): the loss averaged over the batch, a
            scalar; ``'no'``: the loss of each sequence, shape ``(B,)``.

    Returns:
        Variable of ``x``'s dtype.  A label sequence that no alignment of the
        given length can produce gives a huge finite loss (``log 0`` is taken
        as ``-1e10``, ``-1e4`` for float16), as in Chainer.

    Raises:
        InvalidType: wrong types, shapes, dtypes or a bad ``blank_symbol``.
        ValueError: lengths or labels out of range, or an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.ctc import connectionist_temporal_classification
        >>> x = [np.zeros((1, 3), np.float32)] * 2       # uniform over 3 symbols, 2 frames
        >>> t = np.array([[1]], np.int32)
        >>> loss = connectionist_temporal_classification(x, t, blank_symbol=0)
        >>> np.allclose(loss.array, -np.log(3 / 9))       # "1 1", "0 1", "1 0" out of 9
        True
    """
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    if not isinstance(x, (list, tuple)) or not x:
        got = f"an empty {type(x).__name__}" if isinstance(x, (list, tuple)) else type(x).__name__
        type_check.fail(_FN, "x", "a non-empty list or tuple of (B, V) arrays", got)
    x0 = as_array(x[0])
    type_check.expect_ndim(_FN, "x[0]", x0, 2)
    type_check.expect_float(_FN, "x[0]", x0)
    for i, xi in enumerate(x[1:], 1):
        xa = as_array(xi)
        type_check.expect_shape(_FN, f"x[{i}]", xa, x0.shape, "(the shape of x[0])")
        type_check.expect_same_dtype(_FN, f"x[{i}]", xa, "x[0]", x0)
    n_batch, n_vocab = x0.shape
    n_time = len(x)
    if isinstance(blank_symbol, bool) or not isinstance(blank_symbol, (int, numpy.integer)) \
            or not 0 <= blank_symbol < n_vocab:
        type_check.fail(_FN, "blank_symbol", f"an int in [0, {n_vocab}) (V = x[0].shape[1])", repr(blank_symbol))
    xp = utils._xp(x0)
    ta = as_array(t)
    type_check.expect_int(_FN, "t", ta)
    type_check.expect_ndim(_FN, "t", ta, 2)
    type_check.expect_shape(_FN, "t", ta, (n_batch, None), "(B = x[0].shape[0])")
    input_length = _lengths("input_length", input_length, n_batch, n_time, 1, xp)
    label_length = _lengths("label_length", label_length, n_batch, ta.shape[1], 0, xp)
    labels = ta.astype(numpy.int32, copy=False)
    valid = xp.arange(ta.shape[1]) < label_length[:, None]
    bad = valid & ((labels < 0) | (labels >= n_vocab))
    if bool(bad.any()):
        b, j = (int(i) for i in numpy.unravel_index(int(xp.argmax(bad.reshape(-1))), bad.shape))
        raise ValueError(f"{_FN}: argument 't' expected labels in [0, {n_vocab}), got {int(labels[b, j])} "
                         f"at index ({b}, {j})")
    node = ConnectionistTemporalClassification(int(blank_symbol), input_length, label_length, labels, reduce)
    y, = node.apply(tuple(x))
    return y


def _lengths(name, lengths, n_batch, maximum, minimum, xp):
    if lengths is None:
        return xp.full(n_batch, maximum, dtype=numpy.int32)
    la = as_array(lengths)
    type_check.expect_int(_FN, name, la)
    type_check.expect_shape(_FN, name, la, (n_batch,), "(B = x[0].shape[0])")
    if la.size and (int(la.min()) < minimum or int(la.max()) > maximum):
        raise ValueError(f"{_FN}: argument {name!r} expected values in [{minimum}, {maximum}], "
                         f"got min {int(la.min())}, max {int(la.max())}")
    return la.astype(numpy.int32, copy=False)
