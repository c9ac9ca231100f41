"""``classification_summary`` and its parts: per-class precision, recall, F-beta and support."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.utils import type_check
from kusari.variable import Variable, as_array


def _check_inputs(fn, y, t):
    type_check.expect_float(fn, "y", y)
    type_check.expect_int(fn, "t", t)
    # As for accuracy: t is y's shape without the class axis 1; trailing axes
    # of y beyond t's are allowed when they have size 1.
    tn = t.ndim
    ok = (tn >= 1 and y.ndim >= tn + 1 and y.shape[0] == t.shape[0]
          and y.shape[2:tn + 1] == t.shape[1:] and all(s == 1 for s in y.shape[tn + 1:]))
    if not ok:
        type_check.fail(fn, "t", f"shape {y.shape[:1] + y.shape[2:]} (y's shape without the class axis 1)",
                        str(t.shape))


def _check_labels(fn, t, label_num, ignore_label):
    if utils._xp(t) is not numpy or t.size == 0:
        return  # on a GPU the check would synchronise the device
    used = t[t != ignore_label]
    if used.size and (used.min() < 0 or used.max() >= label_num):
        type_check.fail(fn, "t", f"labels in [0, {label_num}) (label_num) or ignore_label {ignore_label}",
                        f"values from {int(used.min())} to {int(used.max())}")


def _summary(fn, y, t, label_num, beta, ignore_label):
    y, t = as_array(y), as_array(t)
    _check_inputs(fn, y, t)
    xp = utils._xp(y)
    if label_num is None:
        # Chainer's rule: the largest label (ignore_label included) plus one.
        label_num = int(t.max()) + 1 if t.size else 0
    _check_labels(fn, t, label_num, ignore_label)
    # Ignored entries go to the extra bin ``label_num``, which is then dropped.
    ignored = (t == ignore_label).ravel()
    pred = xp.where(ignored, label_num, y.argmax(axis=1).ravel())
    true = xp.where(ignored, label_num, t.ravel())
    support = xp.bincount(true, minlength=label_num + 1)[:label_num]
    relevant = xp.bincount(pred, minlength=label_num + 1)[:label_num]
    tp = xp.bincount(xp.where(pred == true, true, label_num), minlength=label_num + 1)[:label_num]
    # 0/0 gives NaN (a class never predicted, or never present), as in Chainer.
    with numpy.errstate(divide="ignore", invalid="ignore"):
        precision = tp / relevant
        recall = tp / support
        beta2 = beta * beta
        fbeta = (1 + beta2) * precision * recall / (beta2 * precision + recall)
    dtype = y.dtype
    return tuple(Variable._from_array(a, False) for a in (
        precision.astype(dtype, copy=False), recall.astype(dtype, copy=False),
        fbeta.astype(dtype, copy=False), support))


def classification_summary(y, t, label_num=None, beta=1.0, ignore_label=-1):
    """Per-class precision, recall, F-beta score and support of ``argmax(y, axis=1)``.

    For each class ``c``: precision ``tp / (tp + fp)``, recall
    ``tp / (tp + fn)``, F-beta ``(1 + beta²) P R / (beta² P + R)`` and support
    (the count of labels ``c``).  A 0/0 gives NaN, as in Chainer: precision
    of a class never predicted, recall of a class never present.

    Args:
        y: float scores of shape ``(N, C, ...)``.
        t: integer labels of shape ``(N, ...)`` (``y``'s shape without axis 1).
        label_num: the number of classes; None means the largest label in
            ``t`` (``ignore_label`` included) plus one.
        beta: the weight of recall against precision in the F-beta score.
        ignore_label: entries with this label are left out entirely.

    Returns:
        ``(precision, recall, fbeta_score, support)``: Variables of shape
        ``(label_num,)`` outside any graph; the first three of ``y``'s dtype
        (Chainer gave float64), support int64.

    Raises:
        InvalidType: wrong dtypes or shapes, or (on NumPy) a label outside
            ``[0, label_num)`` other than ``ignore_label``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.classification_summary import classification_summary
        >>> y = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]], np.float32)
        >>> p, r, f, s = classification_summary(y, np.array([0, 1, 1, -1], np.int32))
        >>> p.array, r.array, s.array
        (array([0.5, 1. ], dtype=float32), array([1. , 0.5], dtype=float32), array([1, 2]))
    """
    return _summary("classification_summary", y, t, label_num, beta, ignore_label)


def precision(y, t, label_num=None, ignore_label=-1):
    """Per-class precision and support: ``(precision, support)``; see :func:`classification_summary`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.classification_summary import precision
        >>> y = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]], np.float32)
        >>> precision(y, np.array([0, 1, 1], np.int32))[0].array
        array([0.5, 1. ], dtype=float32)
    """
    p, _, _, support = _summary("precision", y, t, label_num, 1.0, ignore_label)
    return p, support


def recall(y, t, label_num=None, ignore_label=-1):
    """Per-class recall and support: ``(recall, support)``; see :func:`classification_summary`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.classification_summary import recall
        >>> y = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]], np.float32)
        >>> recall(y, np.array([0, 1, 1], np.int32))[0].array
        array([1. , 0.5], dtype=float32)
    """
    _, r, _, support = _summary("recall", y, t, label_num, 1.0, ignore_label)
    return r, support


def fbeta_score(y, t, label_num=None, beta=1.0, ignore_label=-1):
    """Per-class F-beta score and support: ``(fbeta, support)``; see :func:`classification_summary`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.classification_summary import fbeta_score
        >>> y = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]], np.float32)
        >>> fbeta_score(y, np.array([0, 1, 1], np.int32), beta=2.0)[0].array
        array([0.8333333, 0.5555556], dtype=float32)
    """
    _, _, f, support = _summary("fbeta_score", y, t, label_num, beta, ignore_label)
    return f, support


def f1_score(y, t, label_num=None, ignore_label=-1):
    """Per-class F1 score and support: ``(f1, support)``; see :func:`classification_summary`.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.classification_summary import f1_score
        >>> y = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]], np.float32)
        >>> f1_score(y, np.array([0, 1, 1], np.int32))[0].array
        array([0.6666667, 0.6666667], dtype=float32)
    """
    _, _, f, support = _summary("f1_score", y, t, label_num, 1.0, ignore_label)
    return f, support
