"""``accuracy``: the fraction of samples whose arg-max class is the label."""
from __future__ import annotations

from kusari import utils
from kusari.utils import type_check
from kusari.variable import Variable, as_array

_FN = "accuracy"


def _check_label_shape(y, t):
    # Chainer's rule: t is y's shape without the class axis 1; trailing axes
    # of y beyond t's may exist if they have size 1.
    tn = t.ndim
    ok = (tn >= 1 and y.ndim >= tn + 1 and y.shape[0] == t.shape[0]
          and y.shape[2:tn + 1] == t.shape[1:] and all(s == 1 for s in y.shape[tn + 1:]))
    if not ok:
        type_check.fail(_FN, "t", f"shape {y.shape[:1] + y.shape[2:]} (y's shape without the class axis 1)",
                        str(t.shape))


def accuracy(y, t, ignore_label=None):
    """Classification accuracy: how often ``argmax(y, axis=1) == t``.

    Args:
        y: float scores of shape ``(N, C, ...)``, a Variable or array.
        t: integer labels of shape ``(N, ...)`` (``y``'s shape without axis 1).
        ignore_label: labels equal to this are left out of both the count
            of hits and the total.  If every label is ignored the accuracy is
            0 (Chainer's behaviour; the mean of nothing would be NaN).  An
            empty batch gives 0 too (Chainer gave NaN there).

    Returns:
        A 0-d Variable of ``y``'s dtype that is not part of any graph
        (accuracy has no gradient).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> y = np.array([[0.1, 0.7, 0.2], [8.0, 1.0, 2.0], [-8.0, 1.0, 2.0]], np.float32)
        >>> F.accuracy(y, np.array([1, 0, 0], np.int32)).array
        array(0.6666667, dtype=float32)
        >>> F.accuracy(y, np.array([1, 0, -1], np.int32), ignore_label=-1).array
        array(1., dtype=float32)
    """
    y = as_array(y)
    t = as_array(t)
    type_check.expect_float(_FN, "y", y)
    type_check.expect_int(_FN, "t", t)
    _check_label_shape(y, t)
    xp = utils._xp(y)
    hit = y.argmax(axis=1).reshape(t.shape) == t
    if ignore_label is None:
        total = t.size
    else:
        used = t != ignore_label
        hit &= used
        total = used.sum()
    # Stays on the device (no sync) and never divides by zero.
    total = xp.asarray(total)
    acc = xp.where(total == 0, 0.0, hit.sum() / xp.maximum(total, 1))
    return Variable._from_array(utils.force_array(acc, y.dtype), False)
