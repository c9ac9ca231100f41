"""``embed_id``: look up rows of an embedding matrix by integer id."""
from __future__ import annotations

import numpy

from kusari import _config, utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import as_array


class EmbedIDFunction(FunctionNode):
    """``y[...] = W[x[...]]``; rows for ``ignore_label`` are zero.  Differentiable in W only."""

    def __init__(self, ignore_label=None):
        self.ignore_label = ignore_label

    def forward(self, inputs):
        x, W = inputs
        self.retain_inputs((0,))
        self._w_shape = W.shape
        ignore = self.ignore_label
        if ignore is None:
            return W[x],
        xp = utils._xp(x, W)
        mask = x == ignore
        y = W[xp.where(mask, 0, x)]
        y[mask] = 0
        return y,

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gW, = EmbedIDGrad(self._w_shape, self.ignore_label).apply((x, grad_outputs[0]))
        return None, gW


class EmbedIDGrad(FunctionNode):
    """The gradient wrt W: scatter-add each output row into the row of its id."""

    def __init__(self, w_shape, ignore_label=None):
        self.w_shape = w_shape
        self.ignore_label = ignore_label

    def forward(self, inputs):
        x, gy = inputs
        self.retain_inputs((0,))
        xp = utils._xp(x, gy)
        gW = xp.zeros(self.w_shape, dtype=gy.dtype)
        ids = x.reshape(-1)
        rows = gy.reshape(ids.size, self.w_shape[1])
        if self.ignore_label is not None:
            keep = ids != self.ignore_label
            ids, rows = ids[keep], rows[keep]
        # add.at, not gW[ids] += rows: repeated ids must all add up.
        xp.add.at(gW, ids, rows)
        return gW,

    def backward(self, indexes, grad_outputs):
        # Scatter-add is linear in gy; its adjoint is the gather itself.
        x, = self.get_retained_inputs()
        return None, embed_id(x, grad_outputs[0], self.ignore_label)


def _check_ids(x, n_rows, ignore_label):
    xp = utils._xp(x)
    if xp is not numpy and not _config.config.debug:
        return  # the check would synchronise the device on every call
    if x.size == 0:
        return
    ids = x if ignore_label is None else xp.where(x == ignore_label, 0, x)
    lo, hi = int(ids.min()), int(ids.max())
    if lo < 0 or hi >= n_rows:
        also = "" if ignore_label is None else f" or ignore_label {ignore_label}"
        raise ValueError(
            f"embed_id: argument 'x' expected ids in [0, {n_rows}) (the rows of W){also}, "
            f"got values from {lo} to {hi}")


def embed_id(x, W, ignore_label=None):
    """Word embeddings: the rows of ``W`` picked by the integer ids ``x``.

    Args:
        x: integer ids of any shape (Variable or array); not differentiable.
        W: the embedding matrix, shape ``(n_ids, n_units)``.
        ignore_label: an id whose output rows are zero vectors (and which
            gets no gradient), or None.

    Returns:
        Variable of shape ``x.shape + (n_units,)``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> W = np.array([[0, 0], [1, 1], [2, 2]], np.float32)
        >>> F.embed_id(np.array([2, 1], np.int32), W).array
        array([[2., 2.],
               [1., 1.]], dtype=float32)
        >>> F.embed_id(np.array([2, -1], np.int32), W, ignore_label=-1).array
        array([[2., 2.],
               [0., 0.]], dtype=float32)
    """
    xa = as_array(x)
    Wa = as_array(W)
    type_check.expect_int("embed_id", "x", xa)
    type_check.expect_float("embed_id", "W", Wa)
    type_check.expect_ndim("embed_id", "W", Wa, 2)
    _check_ids(xa, Wa.shape[0], ignore_label)
    y, = EmbedIDFunction(ignore_label).apply((x, W))
    return y
