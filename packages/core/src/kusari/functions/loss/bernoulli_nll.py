"""``bernoulli_nll``: negative log-likelihood of ``x`` under Bernoulli(sigmoid(y)) (Chainer v7 semantics)."""
from __future__ import annotations

from kusari.functions.activation.softplus import softplus
from kusari.functions.loss._elementwise import check_matching_pair, check_reduce, reduce_elements
from kusari.variable import as_variable

_FN = "bernoulli_nll"


def bernoulli_nll(x, y, reduce="sum"):
    """``-sum(x log p + (1 - x) log(1 - p))`` with ``p = sigmoid(y)``, computed stably.

    Each element contributes ``softplus(y) - x * y``.  Built from
    differentiable functions: gradients of any order for ``x`` and ``y``.

    Args:
        x: float data (usually in ``[0, 1]``), a Variable or array.
        y: float pre-sigmoid parameters, same shape and dtype as ``x``.
        reduce: ``'sum'`` (default) or ``'mean'`` over all elements for a
            scalar, or ``'no'`` for the elementwise values.

    Returns:
        Variable of ``x``'s dtype: 0-d, or ``x``'s shape with ``reduce='no'``.

    Raises:
        InvalidType: non-float ``x``, ``y`` of another dtype or shape.
        ValueError: an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.bernoulli_nll import bernoulli_nll
        >>> x = np.array([1.0, 0.0], np.float32)
        >>> bernoulli_nll(x, np.array([0.0, 0.0], np.float32)).array
        array(1.3862944, dtype=float32)
    """
    check_reduce(_FN, reduce)
    check_matching_pair(_FN, "x", x, "y", y)
    return reduce_elements(softplus(y) - as_variable(x) * y, reduce)
