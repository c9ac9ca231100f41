"""``r2_score``: the coefficient of determination of predictions (Chainer v7 semantics)."""
from __future__ import annotations

from kusari import utils
from kusari.utils import type_check
from kusari.variable import Variable, as_array

_FN = "r2_score"
_MULTIOUTPUT = ("uniform_average", "raw_values")


def r2_score(pred, true, sample_weight=None, multioutput="uniform_average"):
    """R², ``1 - SS_res / SS_tot`` over axis 0, for each output.

    ``SS_res = sum((pred - true) ** 2)`` and ``SS_tot = sum((true - mean(true)) ** 2)``
    along axis 0.  An output whose ``true`` values are all equal
    (``SS_tot == 0``) scores 0, whatever ``pred`` is (Chainer's rule; it
    avoids the division by zero).

    Args:
        pred: float predictions of any shape with at least one axis.
        true: float targets of ``pred``'s shape.
        sample_weight: only None is supported (the argument mirrors
            scikit-learn's signature, as in Chainer).
        multioutput: ``'uniform_average'`` for the mean R² over the outputs
            (a 0-d result), ``'raw_values'`` for R² per output
            (shape ``pred.shape[1:]``).

    Returns:
        A Variable of ``pred``'s dtype outside any graph (no gradient).

    Raises:
        NotImplementedError: ``sample_weight`` is not None.
        ValueError: an unknown ``multioutput``.
        InvalidType: non-float inputs or different shapes.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.evaluation.r2_score import r2_score
        >>> true = np.array([[1.0, 2.0], [1.0, 5.0]], np.float32)
        >>> pred = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
        >>> r2_score(pred, true, multioutput='raw_values').array  # output 0 has SS_tot == 0
        array([0.       , 0.7777778], dtype=float32)
        >>> r2_score(pred, true).array
        array(0.3888889, dtype=float32)
    """
    if sample_weight is not None:
        raise NotImplementedError(f"{_FN}: argument 'sample_weight' is not supported (only None)")
    if multioutput not in _MULTIOUTPUT:
        raise ValueError(f"{_FN}: argument 'multioutput' expected 'uniform_average' or 'raw_values', "
                         f"got {multioutput!r}")
    pred, true = as_array(pred), as_array(true)
    type_check.expect_float(_FN, "pred", pred)
    type_check.expect_min_ndim(_FN, "pred", pred, 1)
    type_check.expect_float(_FN, "true", true)
    type_check.expect_shape(_FN, "true", true, pred.shape, "(the shape of 'pred')")
    xp = utils._xp(pred)
    ss_res = ((pred - true) ** 2).sum(axis=0)
    ss_tot = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    constant = ss_tot == 0
    # A dummy denominator where SS_tot is 0: no division warning, result replaced by 0.
    score = xp.where(constant, 0, 1 - ss_res / xp.where(constant, 1, ss_tot)).astype(pred.dtype, copy=False)
    if multioutput == "uniform_average":
        score = xp.asarray(score.mean(), dtype=pred.dtype)
    return Variable._from_array(score, False)
