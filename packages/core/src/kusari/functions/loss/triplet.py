"""``triplet``: the triplet margin loss on squared Euclidean distances (Chainer v7 semantics)."""
from __future__ import annotations

from kusari.functions.activation.relu import relu
from kusari.functions.math.sum import sum as sum_all
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "triplet"


def triplet(anchor, positive, negative, margin=0.2, reduce="mean"):
    """Triplet loss ``max(0, |a - p|^2 - |a - n|^2 + margin)`` per row.

    Distances are squared Euclidean norms along axis 1.  Built from
    differentiable functions: all three inputs get gradients of any order.

    Args:
        anchor, positive, negative: float arrays of one shape ``(N, K)`` and dtype.
        margin: a positive float (default 0.2).
        reduce: ``'mean'`` (default) over the ``N`` rows, or ``'no'`` for the
            per-row loss of shape ``(N,)``.

    Returns:
        Variable of the inputs' dtype: 0-d, or ``(N,)`` with ``reduce='no'``.

    Raises:
        InvalidType: non-float or non-2-d ``anchor``; another dtype or shape
            of ``positive`` / ``negative``.
        ValueError: ``margin <= 0``; an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.triplet import triplet
        >>> a = np.array([[1.0, 2.0], [0.0, 1.0]], np.float32)
        >>> p = np.array([[1.5, 2.0], [3.0, 1.0]], np.float32)
        >>> n = np.array([[0.0, 0.0], [1.0, 1.0]], np.float32)
        >>> triplet(a, p, n, margin=3.0, reduce='no').array
        array([ 0., 11.], dtype=float32)
    """
    if margin <= 0:
        raise ValueError(f"{_FN}: argument 'margin' expected a positive value, got {margin!r}")
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    aa = as_array(anchor)
    type_check.expect_float(_FN, "anchor", aa)
    type_check.expect_ndim(_FN, "anchor", aa, 2)
    for name, other in (("positive", positive), ("negative", negative)):
        oa = as_array(other)
        type_check.expect_same_dtype(_FN, name, oa, "anchor", aa)
        type_check.expect_shape(_FN, name, oa, aa.shape, "(the shape of 'anchor')")
    anchor = as_variable(anchor)
    d_pos = anchor - positive
    d_neg = anchor - negative
    elems = relu(sum_all(d_pos * d_pos, axis=1) - sum_all(d_neg * d_neg, axis=1) + margin)
    if reduce == "no":
        return elems
    return sum_all(elems) * (1.0 / max(len(aa), 1))
