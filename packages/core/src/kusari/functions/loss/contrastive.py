"""``contrastive``: the contrastive loss of pairs labelled similar / dissimilar (Chainer v7 semantics)."""
from __future__ import annotations

from kusari.functions.activation.relu import relu
from kusari.functions.array.where import where
from kusari.functions.math.sqrt import sqrt
from kusari.functions.math.sum import sum as sum_all
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "contrastive"


def contrastive(x0, x1, y, margin=1, reduce="mean"):
    """Contrastive loss: ``y d^2 + (1 - y) max(0, margin - d)^2``, halved, with ``d = |x0 - x1|``.

    ``d`` is the Euclidean distance of each row pair (axis 1).  The gradient
    of ``d`` is taken as 0 where ``x0`` and ``x1`` coincide (Chainer clamps
    ``d`` there instead; both avoid a NaN).  Built from differentiable functions.

    Args:
        x0, x1: float arrays of one shape ``(N, K)`` and dtype.
        y: integer labels of shape ``(N,)``: 1 for a similar pair, 0 for a dissimilar one.
        margin: a positive float (default 1).
        reduce: ``'mean'`` (default): the sum over rows divided by ``2 N``;
            ``'no'``: the per-row loss (halved) of shape ``(N,)``.

    Returns:
        Variable of the inputs' dtype: 0-d, or ``(N,)`` with ``reduce='no'``.

    Raises:
        InvalidType: non-float or non-2-d ``x0``; ``x1`` of another dtype or
            shape; ``y`` not integer of shape ``(N,)``.
        ValueError: ``margin <= 0``; an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.contrastive import contrastive
        >>> x0 = np.array([[1.0, 2.0], [0.0, 1.0]], np.float32)
        >>> x1 = np.array([[1.5, 2.0], [0.0, 2.5]], np.float32)
        >>> contrastive(x0, x1, np.array([1, 0], np.int32), margin=2.0, reduce='no').array
        array([0.125, 0.125], dtype=float32)
    """
    if margin <= 0:
        raise ValueError(f"{_FN}: argument 'margin' expected a positive value, got {margin!r}")
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    a0, a1, y = as_array(x0), as_array(x1), as_array(y)
    type_check.expect_float(_FN, "x0", a0)
    type_check.expect_ndim(_FN, "x0", a0, 2)
    type_check.expect_same_dtype(_FN, "x1", a1, "x0", a0)
    type_check.expect_shape(_FN, "x1", a1, a0.shape, "(the shape of 'x0')")
    type_check.expect_int(_FN, "y", y)
    type_check.expect_shape(_FN, "y", y, a0.shape[:1], "(one label per row of 'x0')")
    diff = as_variable(x0) - x1
    dist_sq = sum_all(diff * diff, axis=1)
    # sqrt's gradient is infinite at 0; where() gives those rows a 0 gradient
    # and feeds sqrt a harmless 1 there.
    apart = dist_sq.array > 0
    dist = where(apart, sqrt(where(apart, dist_sq, dist_sq.array.dtype.type(1))), dist_sq * 0)
    similar = y.astype(a0.dtype)
    gap = relu(margin - dist)
    elems = (dist_sq * similar + gap * gap * (1 - similar)) * 0.5
    if reduce == "no":
        return elems
    return sum_all(elems) * (1.0 / max(len(a0), 1))
