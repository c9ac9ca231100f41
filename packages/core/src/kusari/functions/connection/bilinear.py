"""``bilinear``: ``y_l = sum_jk e1_j e2_k W_jkl (+ e1 V1 + e2 V2 + b)``."""
from __future__ import annotations

from kusari.functions.array.broadcast import broadcast_to
from kusari.functions.array.reshape import reshape
from kusari.functions.array.transpose import transpose
from kusari.functions.connection.linear import linear
from kusari.utils import type_check

_FN = "bilinear"


def _features(x):
    n = 1
    for s in x.shape[1:]:
        n *= s
    return n


def bilinear(e1, e2, W, V1=None, V2=None, b=None):  # noqa: N803 - Chainer's names
    """Bilinear layer: ``y[i, l] = sum_jk e1[i, j] e2[i, k] W[j, k, l] + (e1 V1 + e2 V2 + b)[i, l]``.

    ``V1``, ``V2`` and ``b`` are given all together or not at all.  Inputs
    with more than two axes are flattened to ``(N, features)``.  Every input
    gets a gradient and the function is differentiable twice.

    Args:
        e1: left input ``(N, J)``, float.
        e2: right input ``(N, K)``, ``e1``'s dtype.
        W: ``(J, K, L)``.
        V1: ``(J, L)`` or None.
        V2: ``(K, L)`` or None.
        b: ``(L,)`` or None.

    Returns:
        Variable of shape ``(N, L)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.bilinear import bilinear
        >>> e1 = np.array([[1, 2]], np.float32); e2 = np.array([[3, 4, 5]], np.float32)
        >>> W = np.ones((2, 3, 1), np.float32)
        >>> bilinear(e1, e2, W).array          # (1 + 2) * (3 + 4 + 5)
        array([[36.]], dtype=float32)
    """
    given = [V1 is None, V2 is None, b is None]
    if any(given) and not all(given):
        raise ValueError(f"{_FN}: arguments 'V1', 'V2' and 'b' must be all given or all None, "
                         f"got {'None' if V1 is None else 'V1'}, {'None' if V2 is None else 'V2'}, "
                         f"{'None' if b is None else 'b'}")
    type_check.expect_float(_FN, "e1", e1)
    type_check.expect_min_ndim(_FN, "e1", e1, 2)
    type_check.expect_same_dtype(_FN, "e2", e2, "e1", e1)
    type_check.expect_min_ndim(_FN, "e2", e2, 2)
    type_check.expect_same_dtype(_FN, "W", W, "e1", e1)
    type_check.expect_ndim(_FN, "W", W, 3)
    n = e1.shape[0]
    if e2.shape[0] != n:
        type_check.fail(_FN, "e2", f"{n} rows (the batch size of 'e1')", str(tuple(e2.shape)))
    J, K, L = W.shape  # noqa: N806
    if _features(e1) != J:
        type_check.fail(_FN, "e1", f"shape (N, {J}) (W.shape[0])", str(tuple(e1.shape)))
    if _features(e2) != K:
        type_check.fail(_FN, "e2", f"shape (N, {K}) (W.shape[1])", str(tuple(e2.shape)))
    if V1 is not None:
        for name, p, shape in (("V1", V1, (J, L)), ("V2", V2, (K, L)), ("b", b, (L,))):
            type_check.expect_same_dtype(_FN, name, p, "e1", e1)
            type_check.expect_shape(_FN, name, p, shape, "(from W's shape)")
    e1 = reshape(e1, (n, J))
    e2 = reshape(e2, (n, K))
    # The outer products e1_j e2_k as (N, J*K) rows, then one matrix product
    # with W seen as (J*K, L): linear and multiplication give double backprop.
    outer = broadcast_to(reshape(e1, (n, J, 1)), (n, J, K)) * broadcast_to(reshape(e2, (n, 1, K)), (n, J, K))
    y = linear(reshape(outer, (n, J * K)), transpose(reshape(W, (J * K, L))))
    if V1 is not None:
        y = y + linear(e1, transpose(V1)) + linear(e2, transpose(V2), b)
    return y
