"""``hinge``: the one-vs-rest hinge loss of class scores against labels (Chainer v7 semantics)."""
from __future__ import annotations

from kusari import utils
from kusari.functions.activation.relu import relu
from kusari.functions.math.sum import sum as sum_all
from kusari.utils import type_check
from kusari.variable import as_array, as_variable

_FN = "hinge"


def hinge(x, t, norm="L1", reduce="mean"):
    """One-vs-rest hinge loss: ``max(0, 1 - s * x)`` per score, ``s`` = +1 at the label, -1 elsewhere.

    With ``norm='L2'`` each term is squared.  Built from differentiable
    functions: ``norm='L2'`` can be differentiated twice.

    Args:
        x: float scores of shape ``(N, K)``, a Variable or array.
        t: integer labels of shape ``(N,)`` in ``[0, K)``.
        norm: ``'L1'`` (default) or ``'L2'``.
        reduce: ``'mean'`` (default) for the sum divided by ``N``, or ``'no'``
            for the ``(N, K)`` elementwise loss.

    Returns:
        Variable of ``x``'s dtype: 0-d, or ``x``'s shape with ``reduce='no'``.

    Raises:
        InvalidType: ``x`` not a 2-d float array, ``t`` not integer of shape ``(N,)``.
        ValueError: a label outside ``[0, K)``; an unknown ``norm`` or ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.hinge import hinge
        >>> x = np.array([[2.0, -1.0, 0.5], [0.0, 3.0, -0.2]], np.float32)
        >>> hinge(x, np.array([0, 2], np.int32)).array
        array(3.85, dtype=float32)
        >>> hinge(x, np.array([0, 2], np.int32), reduce='no').array
        array([[0. , 0. , 1.5],
               [1. , 4. , 1.2]], dtype=float32)
    """
    if norm not in ("L1", "L2"):
        raise ValueError(f"{_FN}: argument 'norm' expected 'L1' or 'L2', got {norm!r}")
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    xa, t = as_array(x), as_array(t)
    type_check.expect_float(_FN, "x", xa)
    type_check.expect_ndim(_FN, "x", xa, 2)
    type_check.expect_int(_FN, "t", t)
    type_check.expect_shape(_FN, "t", t, xa.shape[:1], "(one label per row of 'x')")
    n, k = xa.shape
    if t.size and (int(t.min()) < 0 or int(t.max()) >= k):
        raise ValueError(f"{_FN}: argument 't' expected labels in [0, {k}), "
                         f"got values from {int(t.min())} to {int(t.max())}")
    xp = utils._xp(xa)
    # +1 at each row's label, -1 elsewhere: a constant, so the loss is a
    # composition of differentiable functions.
    sign = xp.full(xa.shape, -1, xa.dtype)
    sign[xp.arange(n), t] = 1
    elems = relu(1.0 - as_variable(x) * sign)
    if norm == "L2":
        elems = elems * elems
    if reduce == "no":
        return elems
    return sum_all(elems) * (1.0 / max(n, 1))
