"""``binary_accuracy``: how often the sign of a score matches a 0/1 label."""
from __future__ import annotations

from kusari import utils
from kusari.utils import type_check
from kusari.variable import Variable, as_array

_FN = "binary_accuracy"
_IGNORE = -1


def binary_accuracy(y, t):
    """Binary classification accuracy: the prediction is 1 where ``y >= 0``, else 0.

    Args:
        y: float scores of any shape (Variable or array).
        t: integer labels of ``y``'s shape: 1 (positive), 0 (negative) or -1
            (ignored: left out of the hits and the count).

    Returns:
        A 0-d Variable of ``y``'s dtype outside any graph (no gradient).  If
        every label is -1, or the batch is empty, the accuracy is 0 (as in Chainer).

    Raises:
        InvalidType: ``y`` not float, ``t`` not integer, or different shapes.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.binary_accuracy import binary_accuracy
        >>> y = np.array([[-2.0, 0.0], [3.0, -5.0]], np.float32)  # predicts [[0, 1], [1, 0]]
        >>> binary_accuracy(y, np.array([[0, 0], [1, 1]], np.int32)).array
        array(0.5, dtype=float32)
        >>> binary_accuracy(y, np.array([[0, -1], [1, -1]], np.int32)).array
        array(1., dtype=float32)
    """
    y, t = as_array(y), as_array(t)
    type_check.expect_float(_FN, "y", y)
    type_check.expect_int(_FN, "t", t)
    type_check.expect_shape(_FN, "t", t, y.shape, "(the shape of 'y')")
    xp = utils._xp(y)
    # An ignored label (-1) never equals a 0/1 prediction, so it is never a hit.
    hits = ((y >= 0) == t).sum()
    count = xp.maximum((t != _IGNORE).sum(), 1)
    return Variable._from_array(xp.asarray(hits / count, dtype=y.dtype), False)
